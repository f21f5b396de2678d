from django.urls import path

from neighbourhoods import advice_views

urlpatterns = [
    path(
        "<slug:slug>/aanvragen/",
        advice_views.platform_applications,
        name="platform_applications",
    ),
    path(
        "<slug:slug>/aanvragen/<int:pk>/advies/",
        advice_views.application_advice,
        name="application_advice",
    ),
    path(
        "<slug:slug>/aanvragen/<int:pk>/besluit/",
        advice_views.application_platform_decision,
        name="application_platform_decision",
    ),
]
