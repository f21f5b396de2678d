"""Hoe doen we het? (/hoe-doen-we-het/): the open figures as charts and tables, per village and
week; choosers that never fail; the figures drawn once per open-data version."""

from datetime import datetime
from html.parser import HTMLParser

import pytest
import time_machine
from django.utils import timezone, translation

from config.charts import NONE
from initiatives import open_data_version
from tests.factories import DreamFactory, NeighbourhoodFactory, ThemeFactory

pytestmark = pytest.mark.django_db

URL = "/hoe-doen-we-het/"
# Drawn anew: the villages and the weeks with figures (2), the service promises (1), and the
# figures (open_figures: 9). Read from the cache: none.
COLD_QUERIES = 12
HANDED_IN = "Ingediend en opgepakt"  # the caption of the table of dreams handed in


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


NOW = at(2026, 11, 11, 12)  # a Wednesday in week 46


def handed_in(count: int, *, on: datetime, neighbourhood, theme) -> None:
    for _n in range(count):
        DreamFactory(
            submitted_at=on,
            created_at=on,
            last_public_update_at=on,  # as handing in does
            neighbourhood=neighbourhood,
            theme=theme,
        )


class Tables(HTMLParser):
    """The page's tables as {caption: [[cell text, ...] per row]}, and which cells are marked
    as left out ({caption: {(row, column)}})."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.left_out: dict[str, set] = {}
        self._caption = self._text = None
        self._in_table = self._in_caption = False
        self._row: list[str] | None = None
        self._cell_left_out = False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        classes = dict(attrs).get("class") or ""
        if tag == "table":
            self._in_table, self._caption = True, ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._in_table:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._text, self._cell_left_out = "", "dashboard-left-out" in classes

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "caption":
            self._in_caption = False
            self.tables[self._caption] = []
        elif tag in ("td", "th") and self._row is not None and self._text is not None:
            if self._cell_left_out:
                rows = self.tables[self._caption]
                self.left_out.setdefault(self._caption, set()).add((len(rows), len(self._row)))
            self._row.append(" ".join(self._text.split()))
            self._text = None
        elif tag == "tr" and self._row is not None:
            self.tables[self._caption].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in_caption:
            self._caption += data.strip()
        elif self._text is not None:
            self._text += data


def row_of(table: list[list[str]], week: int) -> list[str]:
    return next(row for row in table if row[0].startswith(f"week {week} "))


@pytest.fixture(autouse=True)
def _dutch_and_a_threshold(settings):
    settings.OPEN_DATA_MIN_COUNT = 5
    with translation.override("nl"):
        yield


@pytest.fixture
def world():
    """Week 45: 8 dreams in Vlijmen. Week 46 (this week): 7 in Vlijmen, 9 in Drunen, 2 in
    Elshout (too few to show) and 6 in Nieuwkuijk (hidden too: with Elshout's alone, the total
    would give Elshout's back). Now is Wednesday of week 46."""
    green = ThemeFactory(name="Groen")
    places = {
        name: NeighbourhoodFactory(name=name, slug=name.lower())
        for name in ("Vlijmen", "Drunen", "Elshout", "Nieuwkuijk")
    }
    handed_in(8, on=at(2026, 11, 3), neighbourhood=places["Vlijmen"], theme=green)
    handed_in(7, on=at(2026, 11, 9), neighbourhood=places["Vlijmen"], theme=green)
    handed_in(9, on=at(2026, 11, 10), neighbourhood=places["Drunen"], theme=green)
    handed_in(2, on=at(2026, 11, 10), neighbourhood=places["Elshout"], theme=green)
    handed_in(6, on=at(2026, 11, 10), neighbourhood=places["Nieuwkuijk"], theme=green)
    return places


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def test_all_villages_up_to_this_week_by_default(client, world, now):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">Hoe doen we het?</h1>' in html
    table = Tables(html).tables[HANDED_IN]
    assert table[0] == ["Week", "Ingediend", "Opgepakt"]
    assert len(table) == 1 + 12  # the header and twelve weeks, up to this week
    assert table[-1][0] == "week 46 9\N{EN DASH}15 november 2026"  # the week, and its days
    assert row_of(table, 46)[1] == "24"
    assert row_of(table, 45)[1] == "8"
    assert row_of(table, 35)[1] == "0"  # the first of the twelve weeks
    assert "Alle dorpen: van week 35" in html
    tables = Tables(html).tables
    promises = tables["Beloftes gehouden, per week waarin de droom is ingediend"]
    assert promises[0] == [
        "Week van indienen",
        "Opgepakt binnen 2 werkdagen",
        "Eerste contact binnen 5 werkdagen",
    ]
    assert len(promises) == 1 + 12
    silence = tables["Langste stilte nu"]
    assert silence[1] == ["Langste stilte nu", "8 dagen"]  # since 3 November
    assert silence[2] == ["Onze belofte: hoogstens", "14 dagen"]
    assert 'href="/open-data/"' in html  # what the figures mean
    assert 'href="/open-data/downloads/cijfers-per-week.csv">cijfers-per-week.csv</a>' in html
    assert 'href="/open-data/downloads/beloften-per-week.json"' in html


def test_a_village_and_a_week_are_chosen(client, world, now):
    response = client.get(URL, {"village": "drunen", "week": "2026-W46"})
    assert response.status_code == 200
    table = Tables(response.content.decode()).tables[HANDED_IN]
    assert row_of(table, 46)[1] == "9"

    earlier = client.get(URL, {"village": "vlijmen", "week": "2026-W45"})
    table = Tables(earlier.content.decode()).tables[HANDED_IN]
    assert table[-1][0].startswith("week 45 ")  # the page ends at the week chosen
    assert row_of(table, 45)[1] == "8"
    assert table[1][0].startswith("week 34 ")
    html = earlier.content.decode()
    assert '<option value="vlijmen" selected>Vlijmen</option>' in html
    assert '<option value="2026-W45" selected>' in html


def test_a_count_under_the_threshold_reads_fewer_than_5_and_is_a_gap(client, world, now):
    response = client.get(URL, {"village": "elshout"})
    html = response.content.decode()
    tables = Tables(html)
    assert row_of(tables.tables[HANDED_IN], 46)[1] == "minder dan 5"
    assert (12, 1) in tables.left_out[HANDED_IN]  # week 46's row, the column "Ingediend"
    assert row_of(tables.tables[HANDED_IN], 45)[1] == "0"  # a zero is shown as zero
    # In the chart: a dashed outline with "<5", and its description says it in words.
    chart = html[
        html.index('id="chart-handed-in-title"') : html.index(
            "</svg>", html.index('id="chart-handed-in-title"')
        )
    ]
    assert 'stroke-dasharray="4 3"' in chart
    assert "&lt;5</text>" in chart
    assert "week 46: minder dan 5" in chart
    assert "We laten nooit een aantal onder de 5 zien" in html  # the one-line explanation


UNKNOWN = "We kennen het dorp of de wijk"


@pytest.mark.parametrize(
    ("village", "message"),
    [
        ("atlantis", f"{UNKNOWN} “atlantis” niet"),
        ("<script>alert(1)</script>", f"{UNKNOWN} “&lt;script&gt;alert(1)&lt;/script&gt;” niet"),
        ("x" * 5000, f"{UNKNOWN} “{'x' * 40}” niet"),  # only the start is repeated
        ("1", f"{UNKNOWN} “1” niet"),  # an id is not a name in the address
        ("vlijmen\x00", "Null-tekens zijn niet toegestaan."),
    ],
)
def test_an_unknown_village_says_so_and_shows_all_villages(client, world, now, village, message):
    response = client.get(URL, {"village": village})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "<script>alert" not in html
    assert row_of(Tables(html).tables[HANDED_IN], 46)[1] == "24"  # all villages instead


@pytest.mark.parametrize(
    "week", ["2026-W47", "2026-W99", "2020-W01", "volgende week", "2026-11-09", "9" * 3000]
)
def test_a_week_without_figures_says_so_and_shows_this_week(client, world, now, week):
    response = client.get(URL, {"week": week})
    assert response.status_code == 400
    html = response.content.decode()
    assert "is geen week met cijfers" in html
    assert Tables(html).tables[HANDED_IN][-1][0].startswith("week 46 ")


def test_the_week_chooser_offers_the_weeks_with_dreams(client, world, now):
    html = client.get(URL).content.decode()
    this_week = "week 46, 9\N{EN DASH}15 november 2026 (tot nu toe)"
    assert f'<option value="2026-W46" selected>{this_week}</option>' in html
    assert '<option value="2026-W45">' in html  # the first dream's week
    assert '<option value="2026-W44">' not in html


def test_the_figures_are_drawn_once_per_version(
    client, world, now, django_assert_num_queries, django_capture_on_commit_callbacks
):
    with django_assert_num_queries(COLD_QUERIES):
        client.get(URL)
    with django_assert_num_queries(0):  # from the cache, whatever the data
        client.get(URL)
    with django_assert_num_queries(COLD_QUERIES - 2):  # another village: only its figures
        client.get(URL, {"village": "drunen"})

    handed_in(
        5, on=at(2026, 11, 11), neighbourhood=world["Drunen"], theme=ThemeFactory(name="Groen")
    )
    assert row_of(Tables(client.get(URL).content.decode()).tables[HANDED_IN], 46)[1] == "24"
    with django_capture_on_commit_callbacks(execute=True):
        open_data_version.bump()  # what a status change or a grant does
    assert row_of(Tables(client.get(URL).content.decode()).tables[HANDED_IN], 46)[1] == "29"


def test_the_number_of_queries_does_not_grow_with_the_data(
    client, now, django_assert_num_queries, django_capture_on_commit_callbacks
):
    green, place = ThemeFactory(name="Groen"), NeighbourhoodFactory(name="Vlijmen")
    handed_in(1, on=at(2026, 11, 3), neighbourhood=place, theme=green)
    with django_assert_num_queries(COLD_QUERIES):
        client.get(URL)
    for n in range(6):
        other = NeighbourhoodFactory(name=f"Dorp {n}")
        handed_in(3, on=at(2026, 9, 1 + n), neighbourhood=other, theme=ThemeFactory(name=f"T{n}"))
    with django_capture_on_commit_callbacks(execute=True):
        open_data_version.bump()
    with django_assert_num_queries(COLD_QUERIES):
        client.get(URL)


def test_in_english_through_the_language_switch(client, world, now):
    assert HANDED_IN in Tables(client.get(URL).content.decode()).tables  # Dutch drawn first
    client.post("/i18n/setlang/", {"language": "en", "next": URL})
    html = client.get(URL).content.decode()
    assert "How are we doing?" in html
    table = Tables(html).tables["Handed in and picked up"]  # drawn anew, not the Dutch one
    assert table[0] == ["Week", "Handed in", "Picked up"]
    assert row_of(table, 46)[1] == "24"
    assert "We never show a number under 5" in html


def test_an_empty_archive_shows_zeros_and_this_week(client, now):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    table = Tables(html).tables[HANDED_IN]
    assert [row[1:] for row in table[1:]] == [["0", "0"]] * 12
    assert '<option value="2026-W46" selected>' in html
    assert "Dit jaar is nog geen geld toegekend." in html
    assert "Partners die helpen" not in html  # no partner has contributed yet


def test_every_page_links_to_it(client, world, now):
    html = client.get("/").content.decode()
    assert f'href="{URL}"' in html


def test_money_per_fund_and_village_and_what_partners_gave(client, world, now):
    from decimal import Decimal

    from initiatives.models import Dream
    from initiatives.partner_models import Organisation
    from initiatives.plan_models import Contribution
    from tests.factories import StaffFactory
    from tests.opendata.figures_world import fund, grant

    dromenfonds = fund("Dromenfonds")
    vlijmen = list(Dream.objects.filter(neighbourhood=world["Vlijmen"]))
    for dream in vlijmen[:5]:
        grant(dream, fund=dromenfonds, amount=250, on=at(2026, 11, 10))
    partner = Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting",
        contact_name="Piet",
        contact_email="piet@woon.example",
        one_face=StaffFactory(),
    )
    for dream in vlijmen[:6]:
        Contribution.objects.create(
            dream=dream,
            source="partner",
            kind="hours",
            hours=Decimal("2.5"),
            organisation=partner,
            created_at=at(2026, 11, 10),
        )

    html = client.get(URL).content.decode()
    tables = Tables(html).tables
    assert tables["Geld toegekend per fonds in 2026"][1] == ["Dromenfonds", "5", "€ 1.250,00"]
    assert tables["Geld toegekend per dorp of wijk in 2026"][1:] == [["Vlijmen", "5", "€ 1.250,00"]]
    assert "Dromenfonds: € 1.250,00" in html  # the chart's description
    assert tables["Bijdragen van partners in 2026"][1] == ["Uren", "6", NONE, "15"]

    drunen = Tables(client.get(URL, {"village": "drunen"}).content.decode()).tables
    assert drunen["Geld toegekend per fonds in 2026"][1:] == [
        ["Dit jaar is nog geen geld toegekend."]
    ]
    assert "Geld toegekend per dorp of wijk in 2026" not in drunen  # one village: per fund only


def test_in_the_first_days_of_january_the_page_shows_the_new_years_money(client, world):
    """Week 1 of 2026 runs from Monday 29 December 2025 to Sunday 4 January: on 2 January
    the page is about the new year's money, not the old year's of the week's Monday."""
    from initiatives.models import Dream
    from tests.opendata.figures_world import fund, grant

    dromenfonds = fund("Dromenfonds")
    vlijmen = list(Dream.objects.filter(neighbourhood=world["Vlijmen"]))
    for dream in vlijmen[:5]:
        grant(dream, fund=dromenfonds, amount=250, on=at(2025, 12, 1))
        grant(dream, fund=dromenfonds, amount=40, on=at(2026, 1, 2, 9))

    with time_machine.travel(at(2025, 12, 30, 12), tick=False):
        december = Tables(client.get(URL).content.decode()).tables
    assert december["Geld toegekend per fonds in 2025"][1] == ["Dromenfonds", "5", "€ 1.250,00"]

    # No new version: the same week drawn again must not serve December's cached year.
    with time_machine.travel(at(2026, 1, 2, 12), tick=False):
        january = Tables(client.get(URL).content.decode()).tables
    assert january["Geld toegekend per fonds in 2026"][1] == ["Dromenfonds", "5", "€ 200,00"]
    assert "Geld toegekend per fonds in 2025" not in january
