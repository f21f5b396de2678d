"""Every published dataset and its fields, in one place (issue 19).

The API's schemas (opendata/api_figures.py), the CSV and JSON downloads (download_views.py)
and the page about the open data (about_views.py) all read their field names and
explanations from here, so that what is documented is what is published. Field names are
stable: version 1 only gains optional fields, never renames or drops one.

Descriptions are English source strings marked with gettext_noop: the API's OpenAPI document
shows them as they are; the page about the data translates them when it is shown.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext, gettext_noop

SUPPRESSED = gettext_noop(
    "Null when suppressed: a count from 1 to the threshold minus one, or a figure hidden so "
    "that no published total gives a suppressed one back."
)


@dataclass(frozen=True)
class Field:
    name: str
    type: type | object  # the Python type the API's schema declares
    # English sentences, each its own msgid; translated one by one on the page about the data.
    parts: tuple[str, ...]

    @property
    def description(self) -> str:
        """The explanation in English (the API's schema)."""
        return " ".join(self.parts)

    def explained(self) -> str:
        """The explanation in the active language (the page about the data)."""
        return " ".join(gettext(part) for part in self.parts)


def field(name: str, kind: type | object, *parts: str) -> Field:
    return Field(name=name, type=kind, parts=parts)


@dataclass(frozen=True)
class Dataset:
    key: str  # the URL names' middle part: download_<key>_csv
    file_name: str  # the download's name, without .csv or .json
    title: str
    description: str
    fields: tuple[Field, ...]
    api_path: str = ""  # the API's path for the same data, if any


def _count(name: str, what: str) -> tuple[Field, Field]:
    """A published count and its flag."""
    return (
        field(name, int | None, what, SUPPRESSED),
        field(
            f"{name}_suppressed",
            bool,
            gettext_noop("True when the count before it is suppressed (published as null)."),
        ),
    )


_WEEK = (
    field(
        "week",
        str,
        gettext_noop('The ISO week, Monday to Sunday (Europe/Amsterdam), e.g. "2026-W45".'),
    ),
    field("week_start", date, gettext_noop("The Monday the week starts on (YYYY-MM-DD).")),
)
_SELECTION = (
    field(
        "neighbourhood_id",
        int | None,
        gettext_noop("The neighbourhood or village the figures are about; null: all of them."),
    ),
    field("neighbourhood", str, gettext_noop("The neighbourhood's name; empty: all of them.")),
    field(
        "theme_id", int | None, gettext_noop("The theme the figures are about; null: all themes.")
    ),
    field("theme", str, gettext_noop("The theme's name; empty: all themes.")),
)

WEEKS = Dataset(
    key="weeks",
    file_name="cijfers-per-week",
    title=gettext_noop("Dreams per week"),
    description=gettext_noop(
        "Per week, per neighbourhood and per theme: how many dreams were handed in, picked up, "
        "realised, found not possible and withdrawn. Every combination of neighbourhood and "
        "theme is a row, and also all neighbourhoods and all themes together."
    ),
    api_path="/api/v1/figures/weeks/",
    fields=(
        *_WEEK,
        *_SELECTION,
        *_count("handed_in", gettext_noop("Dreams handed in during the week.")),
        *_count("picked_up", gettext_noop("Dreams a MogelijkMaker picked up during the week.")),
        *_count("realised", gettext_noop("Dreams that were realised during the week.")),
        *_count(
            "not_possible",
            gettext_noop("Dreams found not possible during the week (with a signed letter)."),
        ),
        *_count("withdrawn", gettext_noop("Dreams the resident withdrew during the week.")),
    ),
)


def _share(name: str, what: str, days_field: str) -> tuple[Field, ...]:
    return (
        field(
            f"{name}_share",
            float | None,
            what,
            SUPPRESSED,
            gettext_noop("Also null when no dream was measured yet (the deadline has not passed)."),
        ),
        field(
            f"{name}_measured",
            int | None,
            gettext_noop(
                "How many dreams the share is based on: those whose deadline has passed or "
                "whose promise was kept."
            ),
            SUPPRESSED,
        ),
        field(
            f"{name}_suppressed",
            bool,
            gettext_noop("True when the share and its base are suppressed (published as null)."),
        ),
        field(
            days_field,
            int,
            gettext_noop("The promise in working days (weekdays without Dutch public holidays)."),
        ),
    )


PROMISES = Dataset(
    key="promises",
    file_name="beloften-per-week",
    title=gettext_noop("Service promises per week"),
    description=gettext_noop(
        "For the dreams handed in during a week: the share picked up within the promised "
        "working days, and of the dreams picked up, the share that had a first conversation "
        "within the promised working days after that."
    ),
    api_path="/api/v1/figures/promises/",
    fields=(
        *_WEEK,
        *_SELECTION,
        *_share(
            "picked_up_in_time",
            gettext_noop("Share (0 to 1) of the dreams picked up in time."),
            "pick_up_working_days",
        ),
        *_share(
            "first_contact_in_time",
            gettext_noop("Share (0 to 1) of the picked-up dreams with a first contact in time."),
            "first_contact_working_days",
        ),
    ),
)

SILENCE = Dataset(
    key="silence",
    file_name="stilte-nu",
    title=gettext_noop("Open dreams and the longest silence now"),
    description=gettext_noop(
        "Now, per neighbourhood and theme: how many dreams are open (handed in and not "
        "finished), and how many days ago the open dream that waited longest last had news "
        "for its resident."
    ),
    api_path="/api/v1/figures/promises/",
    fields=(
        *_SELECTION,
        *_count("open_dreams", gettext_noop("Dreams open now.")),
        field(
            "longest_silence_days",
            int | None,
            gettext_noop(
                "Whole days since the longest-waiting open dream last had news; null when no "
                "dream is open or when the open dreams are suppressed."
            ),
        ),
        field(
            "longest_silence_suppressed",
            bool,
            gettext_noop("True when the longest silence is suppressed with the open dreams."),
        ),
    ),
)

_YEAR = field("year", int, gettext_noop("The calendar year."))
_PLACE = (
    field(
        "neighbourhood_id",
        int | None,
        gettext_noop("The neighbourhood or village of the dreams; null: all of them."),
    ),
    field("neighbourhood", str, gettext_noop("The neighbourhood's name; empty: all of them.")),
)
_ROW_SUPPRESSED = field(
    "suppressed",
    bool,
    gettext_noop("True when the row's count and amounts are suppressed (published as null)."),
)

MONEY = Dataset(
    key="money",
    file_name="geld-toegekend",
    title=gettext_noop("Money granted"),
    description=gettext_noop(
        "Per year, fund and neighbourhood: how many grants were decided and how much money "
        "they gave, with totals per fund, per neighbourhood and per year."
    ),
    api_path="/api/v1/figures/money/",
    fields=(
        _YEAR,
        field("fund_id", int | None, gettext_noop("The fund; null: all funds.")),
        field("fund", str, gettext_noop("The fund's name; empty: all funds.")),
        *_PLACE,
        field("grants", int | None, gettext_noop("Grants decided in the year."), SUPPRESSED),
        field(
            "amount",
            Decimal | None,
            gettext_noop("Euros granted, a decimal number with two decimals (a string in JSON)."),
            SUPPRESSED,
        ),
        _ROW_SUPPRESSED,
    ),
)

CONTRIBUTIONS = Dataset(
    key="contributions",
    file_name="bijdragen-partners",
    title=gettext_noop("Partner contributions"),
    description=gettext_noop(
        "Per year, kind and neighbourhood: what partners (housing corporations, schools, "
        "businesses and others) contributed to dreams: money, hours or materials."
    ),
    api_path="/api/v1/figures/contributions/",
    fields=(
        _YEAR,
        field(
            "kind",
            str,
            gettext_noop(
                'What was contributed: "money", "hours" or "materials"; empty: all kinds.'
            ),
        ),
        *_PLACE,
        field("contributions", int | None, gettext_noop("Contributions recorded."), SUPPRESSED),
        field(
            "amount",
            Decimal | None,
            gettext_noop("Euros: money given plus the value of materials where known."),
            SUPPRESSED,
        ),
        field("hours", Decimal | None, gettext_noop("Hours given."), SUPPRESSED),
        _ROW_SUPPRESSED,
    ),
)

# The dreams residents chose to share (served by opendata/api_dreams.py and its downloads):
# fixed fields, explained here with the others.
DREAMS = Dataset(
    key="dreams",
    file_name="dromen",
    title=gettext_noop("Dreams residents chose to share"),
    description=gettext_noop(
        "Every dream whose resident agreed to publish it: what it is about, where, its status "
        "and the dates of each step. Never names, email addresses, addresses or notes of staff."
    ),
    api_path="/api/v1/dreams/",
    fields=(
        field("id", int, gettext_noop("The dream's number; stable.")),
        field("title", str, gettext_noop("The title the resident chose.")),
        field("neighbourhood", str, gettext_noop("The neighbourhood or village.")),
        field("theme", str, gettext_noop("The theme.")),
        field(
            "status",
            str,
            gettext_noop(
                "The status as a code: submitted, picked_up, in_conversation, in_progress, "
                "paused, realised, not_possible or withdrawn."
            ),
        ),
        field("status_text", str, gettext_noop("The status in words.")),
        field("submitted_on", date, gettext_noop("The day it was handed in.")),
        field("picked_up_on", date | None, gettext_noop("The day a MogelijkMaker picked it up.")),
        field("first_contact_on", date | None, gettext_noop("The day of the first conversation.")),
        field(
            "closed_on", date | None, gettext_noop("The day it was realised, stopped or withdrawn.")
        ),
        field(
            "dreamt",
            str,
            gettext_noop("What the residents dreamt of, as they wrote it to publish."),
        ),
        field(
            "own_part",
            str,
            gettext_noop("What the residents do themselves, as they wrote it to publish."),
        ),
        field("granted_total", Decimal, gettext_noop("Euros granted from the funds in total.")),
        field(
            "story_url", str | None, gettext_noop("The story's page once the dream is realised.")
        ),
    ),
)

FIGURES = (WEEKS, PROMISES, SILENCE, MONEY, CONTRIBUTIONS)
ALL_DATASETS = (DREAMS, *FIGURES)
