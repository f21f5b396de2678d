"""The public pages of an assembly's draws (issue 18): anyone may check every draw.

Full paths, so that config/urls.py includes this with `path("", include(...))`.
"""

from django.urls import re_path

from assemblies import draw_views

app_name = "assembly_draws"
LOTING = r"^burgerberaad/(?P<slug>[-\w]{1,150})/loting/"
DRAW = LOTING + r"(?P<kind>invitations|panel|replacement)-(?P<number>[0-9]{1,5})"
urlpatterns = [
    re_path(LOTING + r"$", draw_views.draw_list, name="list"),
    re_path(DRAW + r"/$", draw_views.draw_page, name="page"),
    re_path(DRAW + r"\.json$", draw_views.draw_json, name="json"),
]
