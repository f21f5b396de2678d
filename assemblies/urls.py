"""A citizens' assembly's public pages (issue 18): the assembly, registering with a code."""

from django.urls import path

from assemblies import views

app_name = "assemblies"
urlpatterns = [
    path("burgerberaad/<slug:slug>/", views.assembly, name="assembly"),
    path("burgerberaad/<slug:slug>/aanmelden/", views.register, name="register"),
    path("burgerberaad/<slug:slug>/aangemeld/", views.registered, name="registered"),
]
