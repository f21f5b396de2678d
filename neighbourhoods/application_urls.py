"""Applying to a fund (issue 16), under /fondsen/: the form and the page after sending it."""

from django.urls import path

from neighbourhoods import application_views

urlpatterns = [
    path(
        "<int:fund>/aanvragen/",
        application_views.application_create,
        name="application_create",
    ),
    path(
        "aanvraag/<int:pk>/verstuurd/",
        application_views.application_sent,
        name="application_sent",
    ),
]
