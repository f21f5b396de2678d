"""The figures as flat rows, keyed by the field names of opendata/datasets.py.

The API answers, the CSV and the JSON downloads are made of the same rows, so a column is
called the same everywhere. A row of a download is one selection (a neighbourhood or all of
them, a theme or all of them) in one week; the API asks for one selection at a time.
"""

from datetime import date

from initiatives.selectors import open_figures
from initiatives.selectors.open_figures import (
    MEASURES,
    PromiseCounts,
    PromiseFigures,
    Share,
    SilenceFigures,
    WeeklyCounts,
)
from initiatives.selectors.small_counts import Cell


def iso_week(monday: date) -> str:
    year, week, _day = monday.isocalendar()
    return f"{year}-W{week:02d}"


def _count(name: str, cell: Cell) -> dict:
    return {name: cell.value, f"{name}_suppressed": cell.suppressed}


def _selection(neighbourhoods: dict, themes: dict, neighbourhood_id, theme_id) -> dict:
    return {
        "neighbourhood_id": neighbourhood_id,
        "neighbourhood": neighbourhoods.get(neighbourhood_id, ""),
        "theme_id": theme_id,
        "theme": themes.get(theme_id, ""),
    }


def selections(neighbourhoods: dict, themes: dict) -> list[tuple[int | None, int | None]]:
    """Every selection a download has rows for: everything first, then per neighbourhood,
    per theme, and per neighbourhood and theme."""
    return [
        (None, None),
        *((n, None) for n in neighbourhoods),
        *((None, t) for t in themes),
        *((n, t) for n in neighbourhoods for t in themes),
    ]


def week_rows(
    counts: WeeklyCounts, *, neighbourhood_id: int | None = None, theme_id: int | None = None
) -> list[dict]:
    where = _selection(counts.neighbourhoods, counts.themes, neighbourhood_id, theme_id)
    rows = []
    for week in counts.figures(neighbourhood_id=neighbourhood_id, theme_id=theme_id):
        row = {"week": iso_week(week.week), "week_start": week.week, **where}
        for measure in MEASURES:
            row.update(_count(measure, getattr(week, measure)))
        rows.append(row)
    return rows


def _share(name: str, share: Share, days_field: str, days: int) -> dict:
    return {
        f"{name}_share": share.value,
        f"{name}_measured": share.base.value,
        f"{name}_suppressed": share.suppressed,
        days_field: days,
    }


def promise_rows(figures: PromiseFigures, neighbourhoods: dict, themes: dict) -> list[dict]:
    where = _selection(neighbourhoods, themes, figures.neighbourhood_id, figures.theme_id)
    return [
        {
            "week": iso_week(week.week),
            "week_start": week.week,
            **where,
            **_share(
                "picked_up_in_time",
                week.picked_up_in_time,
                "pick_up_working_days",
                figures.pick_up_working_days,
            ),
            **_share(
                "first_contact_in_time",
                week.first_contact_in_time,
                "first_contact_working_days",
                figures.first_contact_working_days,
            ),
        }
        for week in figures.weeks
    ]


def silence_row(
    figures: PromiseFigures | SilenceFigures, neighbourhoods: dict, themes: dict
) -> dict:
    return {
        **_selection(neighbourhoods, themes, figures.neighbourhood_id, figures.theme_id),
        **_count("open_dreams", figures.open_dreams),
        "longest_silence_days": figures.longest_silence_days,
        "longest_silence_suppressed": figures.longest_silence_suppressed,
    }


def money_rows(**filters) -> list[dict]:
    return [
        {
            "year": row.year,
            "fund_id": row.fund_id,
            "fund": row.fund_name,
            "neighbourhood_id": row.neighbourhood_id,
            "neighbourhood": row.neighbourhood_name,
            "grants": row.grants.value,
            "amount": row.amount,
            "suppressed": row.suppressed,
        }
        for row in open_figures.money_granted(**filters)
    ]


def contribution_rows(**filters) -> list[dict]:
    return [
        {
            "year": row.year,
            "kind": row.kind or "",
            "neighbourhood_id": row.neighbourhood_id,
            "neighbourhood": row.neighbourhood_name,
            "contributions": row.contributions.value,
            "amount": row.amount,
            "hours": row.hours,
            "suppressed": row.suppressed,
        }
        for row in open_figures.partner_contributions(**filters)
    ]


def _download_weeks() -> dict:
    """The weeks a download covers: all that have data, at most two years."""
    available = open_figures.weeks_available()
    return {"weeks": len(available), "until": available[0]}


def all_week_rows() -> list[dict]:
    counts = open_figures.weekly_counts(**_download_weeks())
    return [
        row
        for neighbourhood_id, theme_id in selections(counts.neighbourhoods, counts.themes)
        for row in week_rows(counts, neighbourhood_id=neighbourhood_id, theme_id=theme_id)
    ]


def _promise_counts_with_names() -> tuple[PromiseCounts, dict, dict]:
    counts = open_figures.promise_counts(**_download_weeks())
    return counts, *open_figures.place_names()


def all_promise_rows() -> list[dict]:
    counts, neighbourhoods, themes = _promise_counts_with_names()
    return [
        row
        for n, t in selections(neighbourhoods, themes)
        for row in promise_rows(
            counts.figures(neighbourhood_id=n, theme_id=t), neighbourhoods, themes
        )
    ]


def all_silence_rows() -> list[dict]:
    counts = open_figures.silence_counts()
    neighbourhoods, themes = open_figures.place_names()
    return [
        silence_row(counts.figures(neighbourhood_id=n, theme_id=t), neighbourhoods, themes)
        for n, t in selections(neighbourhoods, themes)
    ]
