"""The owners' side (issue 16): neighbourhood platforms and their agenda (/wijken/), funds and
applications to them (/fondsen/). Each part has its own views and URL module; the rules are
in initiatives.services and initiatives.selectors, as for the rest of the portal."""

from django.urls import include, path

app_name = "neighbourhoods"

urlpatterns = [
    path("wijken/", include("neighbourhoods.platform_urls")),
    path("wijken/", include("neighbourhoods.advice_urls")),  # a platform's say on applications
    path("fondsen/", include("neighbourhoods.fund_urls")),
    path("fondsen/", include("neighbourhoods.application_urls")),
]
