"""Hoe doen we het? The open figures as charts, each with its table, per village and week.

The page is the same for everyone but for its frame (the header knows who is signed in, the
form carries a CSRF token), so it is not cached whole: its two costly parts, the list of
villages and the rendered figures, are kept in the shared cache under the open-data version
(initiatives/open_data_version.py) for at most OPEN_DATA_CACHE_SECONDS. A change to what the
public sees raises the version, so the next request draws the figures anew. Read from the
cache the page asks the database nothing; drawn anew, a fixed number of queries whatever
the data (tests/opendata/test_dashboard_views.py pins both).
"""

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from initiatives import open_data_version, selectors
from initiatives.selectors import open_figures
from opendata import dashboard
from opendata.dashboard_forms import DashboardChooser, week_value


def _cached(key: str, make):
    """Return the value under KEY in the shared cache, made by MAKE() when it is not there."""
    value = cache.get(key)
    if value is None:
        value = make()
        cache.set(key, value, timeout=settings.OPEN_DATA_CACHE_SECONDS)
    return value


def _choices(token: str) -> dict:
    """Return what the choosers offer: the villages {slug: (id, name)} by name, and the
    Mondays with figures, newest first."""

    def read() -> dict:
        villages = selectors.neighbourhood_list().values_list("slug", "id", "name")
        return {
            "villages": {slug: (id, name) for slug, id, name in villages},
            "mondays": open_figures.weeks_available(),
        }

    return _cached(f"open-data:dashboard:choices:{token}", read)


def _figures_html(token: str, *, village, village_name, last_monday) -> str:
    """Return the figures' part of the page, drawn once per version, language, village and
    week. VILLAGE is the chosen village's id, None for all."""
    language = translation.get_language()
    # The money's year can change within one week (on 1 January): it is part of the key.
    year = open_figures.money_year(last_monday)
    week = week_value(last_monday)
    key = f"open-data:dashboard:figures:{token}:{language}:{village}:{week}:{year}"

    def draw() -> str:
        context = dashboard.figures_context(
            village_id=village,
            village_name=village_name,
            last_monday=last_monday,
            year=year,
            silence_days=selectors.service_promises().silence_days,
        )
        # No request: no context processor runs, so nothing of who asks can enter the cache.
        return render_to_string("opendata/_how_we_do_figures.html", context)

    return mark_safe(_cached(key, draw))  # noqa: S308 -- our own template's output, escaped there


@require_GET
def how_we_do(request: HttpRequest) -> HttpResponse:
    version = open_data_version.current()
    choices = _choices(version.token)
    villages = choices["villages"]
    form = DashboardChooser(
        request.GET or None,
        villages=[(slug, name) for slug, (_id, name) in villages.items()],
        mondays=choices["mondays"],
    )
    slug, last_monday = form.chosen()
    village_name = form.village_name(slug)
    figures = _figures_html(
        version.token,
        village=villages[slug][0] if slug else None,
        village_name=village_name,
        last_monday=last_monday,
    )
    context = {
        "form": form,
        "figures": figures,
        "changed_at": version.changed_at,
        "min_count": settings.OPEN_DATA_MIN_COUNT,
    }
    # Bad input gets its message beside the chooser and the figures of the fallback, with a
    # status that says the request was not right, so that no crawler keeps the address.
    return render(request, "opendata/how_we_do.html", context, status=400 if form.errors else 200)
