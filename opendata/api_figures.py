"""The API's figures (issue 19): per week, the service promises, money and partners' help.

Every answer's rows have the fields of opendata/datasets.py (their schemas are made from it,
so the OpenAPI document explains the same fields as the page about the data). Counts from 1
to OPEN_DATA_MIN_COUNT - 1 are null with a `..._suppressed` flag, and so is any figure that a
published total would give back (initiatives/selectors/small_counts.py). Each operation is
cached per open-data version (ETag, Last-Modified, 304) inside the per-address rate limit.
"""

import re
from datetime import date
from typing import Annotated

from django.conf import settings
from django.utils.translation import gettext_noop
from ninja import Field, Query, Router, Schema
from ninja.decorators import decorate_view
from ninja.errors import HttpError
from pydantic import BeforeValidator, create_model

from initiatives.selectors import open_figures
from opendata import datasets, figure_rows
from opendata.bilingual import bilingual
from opendata.conditional import open_data_cached
from opendata.rate_limit import open_data_rate_limited

router = Router(tags=["figures"])

ID_LIMIT = 2**31 - 1  # ids beyond PostgreSQL's integer are refused, not looked up


def _schema(dataset: datasets.Dataset, name: str) -> type[Schema]:
    """A schema with the dataset's fields, each described as on the page about the data."""
    return create_model(
        name,
        __base__=Schema,
        __doc__=dataset.description,
        **{
            item.name: (item.type, Field(..., description=item.description))
            for item in dataset.fields
        },
    )


WeekRow = _schema(datasets.WEEKS, "WeekRow")
PromiseRow = _schema(datasets.PROMISES, "PromiseRow")
SilenceRow = _schema(datasets.SILENCE, "SilenceRow")
MoneyRow = _schema(datasets.MONEY, "MoneyRow")
ContributionRow = _schema(datasets.CONTRIBUTIONS, "ContributionRow")

MIN_COUNT = "The threshold: no count from 1 to min_count - 1 is published (OPEN_DATA_MIN_COUNT)."


class Weeks(Schema):
    min_count: int = Field(..., description=MIN_COUNT)
    rows: list[WeekRow] = Field(..., description="One row per week, oldest first.")


class Promises(Schema):
    min_count: int = Field(..., description=MIN_COUNT)
    silence: SilenceRow = Field(..., description="The open dreams and the longest silence now.")
    rows: list[PromiseRow] = Field(..., description="One row per week of handing in, oldest first.")


class Money(Schema):
    min_count: int = Field(..., description=MIN_COUNT)
    rows: list[MoneyRow] = Field(
        ...,
        description="Newest year first; per year the cells with grants, then the totals "
        "(fund_id or neighbourhood_id null).",
    )


class Contributions(Schema):
    min_count: int = Field(..., description=MIN_COUNT)
    rows: list[ContributionRow] = Field(
        ...,
        description="Newest year first; per year the cells with contributions, then the "
        "totals (kind empty or neighbourhood_id null). Empty while no partner contributed.",
    )


class Problem(Schema):
    detail: str | list[dict] = Field(..., description="What is wrong, in words (or per field).")


ANSWERS = {404: Problem, 422: Problem, 429: Problem}


def cached(*params: str):
    """Rate limited (outermost), then cached keyed by the path and PARAMS (the query
    parameters the operation reads, as a client writes them)."""
    return decorate_view(open_data_cached(params=params), open_data_rate_limited)


def _id(description: str):
    return Query(None, ge=1, le=ID_LIMIT, description=description)


NEIGHBOURHOOD = "Only this neighbourhood or village (its id); without it: all of them."
THEME = "Only this theme (its id); without it: all themes."
FROM = (
    "The first week: the week of this day (YYYY-MM-DD). Default: 11 weeks before `to`. At "
    "most 104 weeks are answered: the last ones up to `to`. After `to`: no rows."
)
TO = "The last week: the week of this day (YYYY-MM-DD). Default and latest: this week."
FROM_QUERY = Query(None, alias="from", description=FROM)
TO_QUERY = Query(None, description=TO)


def _only_iso_day(value):
    """Take a day as YYYY-MM-DD and nothing else (pydantic's dates would also take "0" as
    1 January 1970)."""
    if isinstance(value, str) and not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        raise ValueError("a day as YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_only_iso_day)]


def _known(places: dict, pk: int | None, message: str) -> None:
    if pk is not None and pk not in places:
        raise HttpError(404, bilingual(message))


def _places(neighbourhood: int | None, theme: int | None) -> tuple[dict, dict]:
    neighbourhoods, themes = open_figures.place_names()
    _known(neighbourhoods, neighbourhood, gettext_noop("There is no neighbourhood with this id."))
    _known(themes, theme, gettext_noop("There is no theme with this id."))
    return neighbourhoods, themes


@router.get("/weeks/", response={200: Weeks, **ANSWERS}, summary="Dreams per week")
@cached("neighbourhood", "theme", "from", "to")
def weeks(
    request,
    neighbourhood: int | None = _id(NEIGHBOURHOOD),
    theme: int | None = _id(THEME),
    from_: Day | None = FROM_QUERY,
    to: Day | None = TO_QUERY,
):
    """Per week: dreams handed in, picked up, realised, not possible and withdrawn."""
    span = open_figures.week_span(from_, to)
    if span is None:
        _places(neighbourhood, theme)
        return {"min_count": settings.OPEN_DATA_MIN_COUNT, "rows": []}
    counts = open_figures.weekly_counts(weeks=span.weeks, until=span.until)
    _known(
        counts.neighbourhoods,
        neighbourhood,
        gettext_noop("There is no neighbourhood with this id."),
    )
    _known(counts.themes, theme, gettext_noop("There is no theme with this id."))
    rows = figure_rows.week_rows(counts, neighbourhood_id=neighbourhood, theme_id=theme)
    return {"min_count": settings.OPEN_DATA_MIN_COUNT, "rows": rows}


@router.get("/promises/", response={200: Promises, **ANSWERS}, summary="Service promises")
@cached("neighbourhood", "theme", "from", "to")
def promises(
    request,
    neighbourhood: int | None = _id(NEIGHBOURHOOD),
    theme: int | None = _id(THEME),
    from_: Day | None = FROM_QUERY,
    to: Day | None = TO_QUERY,
):
    """Per week of handing in: the share picked up in time and the share with a first
    contact in time; and now: the open dreams and the longest silence among them."""
    span = open_figures.week_span(from_, to)
    neighbourhoods, themes = _places(neighbourhood, theme)
    selection = {"neighbourhood_id": neighbourhood, "theme_id": theme}
    if span is None:  # no weeks asked: the silence alone
        silence, rows = open_figures.silence_counts().figures(**selection), []
    else:
        counts = open_figures.promise_counts(weeks=span.weeks, until=span.until)
        silence = counts.figures(**selection)
        rows = figure_rows.promise_rows(silence, neighbourhoods, themes)
    return {
        "min_count": settings.OPEN_DATA_MIN_COUNT,
        "silence": figure_rows.silence_row(silence, neighbourhoods, themes),
        "rows": rows,
    }


@router.get("/money/", response={200: Money, **ANSWERS}, summary="Money granted")
@cached("neighbourhood", "fund", "year")
def money(
    request,
    neighbourhood: int | None = _id(NEIGHBOURHOOD),
    fund: int | None = _id("Only this fund (its id); without it: all funds."),
    year: int | None = Query(None, ge=2000, le=2999, description="Only this year."),
):
    """Grants decided per year, fund and neighbourhood: how many and how much."""
    _places(neighbourhood, None)
    rows = figure_rows.money_rows(neighbourhood_id=neighbourhood, fund_id=fund)
    if year is not None:
        rows = [row for row in rows if row["year"] == year]
    return {"min_count": settings.OPEN_DATA_MIN_COUNT, "rows": rows}


@router.get(
    "/contributions/", response={200: Contributions, **ANSWERS}, summary="Partner contributions"
)
@cached("neighbourhood", "year")
def contributions(
    request,
    neighbourhood: int | None = _id(NEIGHBOURHOOD),
    year: int | None = Query(None, ge=2000, le=2999, description="Only this year."),
):
    """Partners' contributions per year, kind (money, hours, materials) and neighbourhood."""
    _places(neighbourhood, None)
    rows = figure_rows.contribution_rows(neighbourhood_id=neighbourhood)
    if year is not None:
        rows = [row for row in rows if row["year"] == year]
    return {"min_count": settings.OPEN_DATA_MIN_COUNT, "rows": rows}
