from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path

from config import errors, health, mailbox

handler400 = errors.bad_request

urlpatterns = [
    path("beheer/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    # Browsers that ignore the page's <link rel="icon"> ask for /favicon.ico: send them on.
    path("favicon.ico", lambda request: redirect(static("img/favicon.svg"), permanent=True)),
    path("health/", health.health, name="health"),
    path("health/live/", health.live, name="health_live"),
    path("health/details/", health.details, name="health_details"),
    path("medewerkers/", include("staff.urls")),
    path("", include("neighbourhoods.urls")),
    path("", include("partners.urls")),
    path("", include("assemblies.urls")),
    path("", include("assemblies.draw_urls")),  # the public page of every draw
    path("", include("opendata.urls")),
    path("", include("residents.urls")),
]

# Always routed: the views decide per request who may read it (404 unless mail goes there).
urlpatterns += [
    path("dev/mailbox/", mailbox.mailbox_list, name="mailbox_list"),
    path("dev/mailbox/<str:mail_id>/", mailbox.mailbox_detail, name="mailbox_detail"),
]
