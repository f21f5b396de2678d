"""The workspace timeline: the newest 50 events first, the whole history one click away."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from initiatives import selectors
from initiatives.models import EventKind, TimelineEvent
from initiatives.selectors.workspace_query import TimelineRow
from initiatives.statuses import Status
from staff.timeline import timeline_entries, timeline_html
from tests.factories import add_notes
from tests.staff.conftest import make_staff
from tests.staff.test_views import _assert_same, _count, _workspace

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = ZoneInfo("UTC")
WHOLE = "?geschiedenis=alle"


def add_events(dream, n: int, *, by, start: int = 0) -> None:
    """Give DREAM N more notes, "notitie START" … one minute apart, each newer than the last."""
    add_notes(
        dream,
        n,
        by=by,
        first=datetime(2026, 3, 1, 9, 0, tzinfo=AMSTERDAM),
        step=timedelta(minutes=1),
        start=start,
    )


def shown_notes(content: str) -> list[int]:
    return [int(n) for n in re.findall(r"notitie (\d+)\.", content)]


def events_in(content: str) -> int:
    return len(re.findall(r'<li class="portal-timeline__event', content))


def whole_history_link(content: str) -> re.Match | None:
    return re.search(r'<a [^>]*href="([^"]*geschiedenis=alle[^"]*)"[^>]*>([^<]*)</a>', content)


@pytest.fixture
def long_dream(dream, enabler):
    """The `dream` with 60 notes on its timeline: more than the workspace shows at first."""
    add_events(dream, 60, by=enabler)
    return dream


def test_the_selector_reads_the_newest_50_and_counts_them_all(long_dream):
    dream = selectors.dream_for_staff(pk=long_dream.pk)
    assert [e.body for e in dream.timeline] == [f"notitie {i}." for i in range(59, 9, -1)]
    assert dream.timeline_count == 60
    assert dream.timeline_older_from is None

    whole = selectors.dream_for_staff(pk=long_dream.pk, whole_timeline=True)
    assert [e.body for e in whole.timeline] == [f"notitie {i}." for i in range(59, -1, -1)]
    assert whole.timeline_count == 60
    assert whole.timeline[whole.timeline_older_from].body == "notitie 9."  # the 51st


def test_a_dream_without_events_counts_none(dream):
    assert not dream.events.exists()  # as the factory makes it
    dream = selectors.dream_for_staff(pk=dream.pk, whole_timeline=True)
    assert (dream.timeline, dream.timeline_count, dream.timeline_older_from) == ([], 0, None)


def test_a_long_timeline_shows_the_newest_50_and_a_link_to_the_rest(client, enabler, long_dream):
    client.force_login(enabler)
    content = client.get(_workspace(long_dream)).content.decode()
    assert events_in(content) == 50
    assert shown_notes(content) == list(range(59, 9, -1))  # newest first
    link = whole_history_link(content)
    assert link, "no link to the whole history"
    assert link[1] == f"{_workspace(long_dream)}?geschiedenis=alle#timeline-older"
    assert link[2] == "Toon de hele geschiedenis (60 gebeurtenissen)"
    assert 'id="timeline-older"' not in content


def test_the_link_shows_the_whole_history_where_the_list_stopped(client, enabler, long_dream):
    client.force_login(enabler)
    content = client.get(_workspace(long_dream) + WHOLE).content.decode()
    assert events_in(content) == 60
    assert shown_notes(content) == list(range(59, -1, -1))
    assert whole_history_link(content) is None
    # The link lands on the first event that was left out: "notitie 9.", the 51st.
    landing = re.search(r'id="timeline-older">(.*?)</li>', content, re.S)
    assert landing and shown_notes(landing[1]) == [9]


def test_a_short_timeline_is_shown_whole_without_a_link(client, enabler, dream):
    add_events(dream, 50, by=enabler)
    client.force_login(enabler)
    for url in (_workspace(dream), _workspace(dream) + WHOLE):
        content = client.get(url).content.decode()
        assert events_in(content) == 50
        assert whole_history_link(content) is None
        assert 'id="timeline-older"' not in content


def test_a_timeline_with_one_event_too_many_gets_the_link(client, enabler, dream):
    add_events(dream, 51, by=enabler)
    client.force_login(enabler)
    content = client.get(_workspace(dream)).content.decode()
    assert events_in(content) == 50
    assert "(51 " in whole_history_link(content)[2]


@pytest.mark.parametrize("suffix", ["", WHOLE])
def test_the_queries_are_the_same_for_60_and_250_events(client, enabler, dream, suffix, settings):
    # A first look after a write: the workspace from PostgreSQL, not from its cache
    # (config/cached_pages.py), so that both looks read the events.
    settings.DATA_CACHE_SECONDS = 0
    people = [enabler, make_staff("MogelijkMaker", full_name="Mehmet Yilmaz")]
    client.force_login(enabler)
    add_events(dream, 60, by=people[0])
    client.get(_workspace(dream))  # warm up: the service promises are made on first use
    small = _count(client, _workspace(dream) + suffix, expect_in_page=["notitie 59."])
    for start in range(60, 250, 10):  # the newer events by several people
        add_events(dream, 10, by=people[start // 10 % 2], start=start)
    expected = ["notitie 249.", "notitie 0." if suffix else "notitie 200."]
    large = _count(client, _workspace(dream) + suffix, expect_in_page=expected)
    _assert_same(small, large, f"/medewerkers/dromen/<id>/{suffix}")


# --- what each entry shows: exactly what the template's filters showed ------------------------

# How the workspace template showed an event before staff/timeline.py made it ready.
BEFORE = Template(
    "{% load i18n %}"
    '<time datetime="{{ e.created_at|date:\'c\' }}">{{ e.created_at|date:"j F Y, H:i" }}</time>'
    "{% if e.actor %} · {{ e.actor.get_full_name }}{% endif %}|"
    '{% if e.kind == "status_changed" %}{% blocktranslate with from=e.get_from_status_display'
    " to=e.get_to_status_display %}{{ from }} → {{ to }}{% endblocktranslate %}"
    "{% else %}{{ e.get_kind_display }}{% endif %}|{{ e.body|linebreaksbr }}|{{ e.public }}"
)
NOW = Template(
    '<time datetime="{{ e.iso_time }}">{{ e.when }}</time>'
    "{% if e.actor %} · {{ e.actor }}{% endif %}|{{ e.title }}|{{ e.body }}|{{ e.public }}"
)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_entries_show_what_the_template_showed(language):
    staff = make_staff(None, full_name="Sanne <de> Vries")
    nameless = make_staff(None, full_name="")
    events = [
        # Every month, in summer and in winter time, late enough in UTC to be the next day here.
        TimelineEvent(
            kind=EventKind.NOTE,
            actor=staff,
            created_at=datetime(2026, month, 3 + month, 23, 1, 5, 123456, tzinfo=UTC),
            body="Eerste regel\nTweede <b>regel</b> & meer\r\nderde",
        )
        for month in range(1, 13)
    ] + [
        TimelineEvent(
            kind=EventKind.STATUS_CHANGED,
            from_status=Status.IN_CONVERSATION,
            to_status=Status.IN_PROGRESS,
            created_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
            public=True,
        ),
        TimelineEvent(
            kind=EventKind.GRANT, actor=nameless, created_at=datetime(2026, 1, 2, tzinfo=UTC)
        ),
        TimelineEvent(kind="something_old", created_at=datetime(2026, 1, 1, tzinfo=UTC)),
    ]
    with translation.override(language):
        entries = timeline_entries([as_row(event) for event in events])
        for event, entry in zip(events, entries, strict=True):
            assert NOW.render(Context({"e": entry})) == BEFORE.render(Context({"e": event}))
    # 23:01 UTC is past midnight here: an hour later in winter time, two in summer time.
    # Dutch month names in Dutch (lower case, as Dutch writes them), English ones in English.
    assert entries[2].when == {"nl": "7 maart 2026, 00:01", "en": "7 March 2026, 00:01"}[language]
    assert entries[6].when == {"nl": "11 juli 2026, 01:01", "en": "11 July 2026, 01:01"}[language]
    assert (
        entries[11].when
        == {"nl": "16 december 2026, 00:01", "en": "16 December 2026, 00:01"}[language]
    )
    assert entries[0].body == "Eerste regel<br>Tweede &lt;b&gt;regel&lt;/b&gt; &amp; meer<br>derde"
    assert entries[-1].title == "something_old"
    rows = [as_row(event) for event in events]
    assert [e.first_older for e in timeline_entries(rows, older_from=2)].index(True) == 2


def as_row(event: TimelineEvent) -> TimelineRow:
    """EVENT as the workspace's selector reads it."""
    return TimelineRow.of(event)


# --- the events written in Python are the HTML the template's loop wrote ----------------------

# The loop of staff/templates/staff/dream_workspace.html before staff/timeline.py wrote it.
TEMPLATE_LOOP = Template(
    "{% load i18n %}"
    '{% translate "Resident sees this" as public_tag %}{% translate "Internal" as internal_tag %}'
    """
        {% for entry in timeline %}
          <li class="portal-timeline__event{% if not entry.public %} portal-timeline__event--internal{% endif %}"{% if entry.first_older %} id="timeline-older"{% endif %}>
            <p class="portal-timeline__meta"><time datetime="{{ entry.iso_time }}">{{ entry.when }}</time>{% if entry.actor %} · {{ entry.actor }}{% endif %}
              · {% if entry.public %}<span class="portal-tag portal-tag--public">{{ public_tag }}</span>{% else %}<span class="portal-tag portal-tag--internal">{{ internal_tag }}</span>{% endif %}</p>
            <p class="utrecht-paragraph portal-timeline__title">{{ entry.title }}</p>
            {% if entry.body %}<div class="portal-text">{{ entry.body }}</div>{% endif %}
          </li>
        {% endfor %}"""  # noqa: E501
)


def _same_markup(html: str) -> str:
    """Each run of white space as one space (a browser shows any run as one)."""
    return re.sub(r"\s+", " ", html.strip())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_events_written_in_python_are_the_templates_html(language):
    hostile = make_staff(None, full_name="<script>alert('naam')</script> & co")
    nameless = make_staff(None, full_name="")
    when = datetime(2026, 3, 1, 9, 0, tzinfo=AMSTERDAM)
    events = [
        TimelineEvent(
            pk=n,
            kind=kind,
            public=n % 2 == 0,
            actor=[hostile, nameless, None][n % 3],
            created_at=when + timedelta(days=n, minutes=7 * n),
            body=["", "<script>alert('tekst')</script>\nregel 2 & \"meer\"", "Gewoon."][n % 3],
            **(
                {"from_status": Status.IN_CONVERSATION, "to_status": Status.IN_PROGRESS}
                if kind == EventKind.STATUS_CHANGED
                else {}
            ),
        )
        for n, kind in enumerate([*EventKind.values, "something_old"])
    ]
    # A status change with a status that is no longer one, and a hostile one.
    events.append(
        TimelineEvent(
            pk=99, kind=EventKind.STATUS_CHANGED, from_status="<b>oud</b>", to_status="x",
            created_at=when, body="<img src=x onerror=alert(1)>",
        )
    )  # fmt: skip
    rows = [as_row(event) for event in events]
    with translation.override(language):
        entries = timeline_entries(rows, older_from=3)
        theirs = TEMPLATE_LOOP.render(Context({"timeline": entries}))
        ours = timeline_html(entries)
    assert _same_markup(ours) == _same_markup(theirs)
    assert "<script>" not in ours and "<b>" not in ours and "<img" not in ours
    assert "&lt;script&gt;alert(&#x27;tekst&#x27;)&lt;/script&gt;<br>regel 2" in ours
    assert " · &lt;script&gt;alert(&#x27;naam&#x27;)&lt;/script&gt; &amp; co\n" in ours
    assert ours.count('id="timeline-older"') == 1
    assert ours.count("<li ") == len(events)
