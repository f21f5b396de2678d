"""A partner's page for one dream, by the link in their invitation mail (issue 17)."""

from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("partner/<str:token>/", views.page, name="page"),
    path("partner/<str:token>/bericht/", views.message, name="message"),
    path("partner/<str:token>/bijdrage/", views.contribution, name="contribution"),
]
