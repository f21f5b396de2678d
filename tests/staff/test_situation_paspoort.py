"""Issue 17: the question behind the question (the situation mapped) and the paspoort, with
the core-value review citing the part it weighed."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives import selectors, services
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind, Review, TimelineEvent
from initiatives.paspoort_models import PaspoortPart
from initiatives.selectors.weekly_report import week_bounds
from initiatives.situation_models import SituationMap
from initiatives.statuses import Status
from tests.staff.conftest import review_verdicts

pytestmark = pytest.mark.django_db


def _workspace(dream) -> str:
    return f"/medewerkers/dromen/{dream.pk}/"


def _situation(dream, by, **fields):
    values = {
        "question_behind": "Ze zoekt buren om mee te praten.",
        "speaks_for": SituationMap.SpeaksFor.STREET,
        "other_views": "",
        "views_heard_by": "",
        "seen_on_location_on": None,
    }
    values.update(fields)
    return services.situation_record(dream=dream, by=by, **values)


# --- the situation: service --------------------------------------------------------------------


def test_the_contact_records_the_situation_and_the_timeline_says_so(picked_up, enabler):
    today = timezone.localdate()
    situation = _situation(
        picked_up,
        enabler,
        other_views="De buurman wil geen bankje.",
        views_heard_by="Sanne, bij de buurman thuis",
        seen_on_location_on=today,
    )
    assert situation.seen_on_location
    event = TimelineEvent.objects.filter(dream=picked_up, kind=EventKind.SITUATION).get()
    assert event.public is False
    assert "Ze zoekt buren" in event.body
    # Saving again revises the one record; the timeline keeps both.
    _situation(picked_up, enabler, question_behind="Eenzaamheid.", seen_on_location_on=None)
    situation = SituationMap.objects.get(dream=picked_up)
    assert situation.question_behind == "Eenzaamheid."
    assert situation.seen_on_location_on is None
    assert TimelineEvent.objects.filter(dream=picked_up, kind=EventKind.SITUATION).count() == 2


def test_only_the_contact_records_the_situation(picked_up, second_enabler, manager):
    for person in (second_enabler, manager):
        with pytest.raises(NotAllowed):
            _situation(picked_up, person)
    assert not SituationMap.objects.exists()
    assert not TimelineEvent.objects.filter(kind=EventKind.SITUATION).exists()


def test_the_situation_refuses_what_cannot_be(picked_up, enabler, dream):
    tomorrow = timezone.localdate() + timedelta(days=1)
    for fields in (
        {"seen_on_location_on": tomorrow},
        {"speaks_for": "the_whole_world"},
        {"question_behind": " ", "speaks_for": ""},
    ):
        with pytest.raises(NotAllowed):
            _situation(picked_up, enabler, **fields)
    Dream.objects.filter(pk=picked_up.pk).update(status=Status.REALISED)
    with pytest.raises(NotAllowed):
        _situation(picked_up, enabler)
    assert not SituationMap.objects.exists()


# --- the situation: the workspace -------------------------------------------------------------


def test_the_workspace_shows_the_situation_in_its_summary(client, picked_up, enabler, manager):
    _situation(picked_up, enabler, seen_on_location_on=timezone.localdate().replace(day=1))
    client.force_login(manager)
    content = client.get(_workspace(picked_up)).content.decode()
    assert "Ze zoekt buren om mee te praten." in content
    assert "Namens: Hun straat" in content
    assert "Ter plekke gezien: ja, op 1 " in content


def test_a_bad_situation_keeps_what_was_typed(client, picked_up, enabler):
    client.force_login(enabler)
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        f"/medewerkers/dromen/{picked_up.pk}/situatie/",
        {
            "situation-question_behind": "Wat ze echt wil: een plek om samen te zijn.",
            "situation-speaks_for": "group",
            "situation-seen_on_location_on": tomorrow.isoformat(),
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "De datum kan niet in de toekomst liggen." in content
    assert "Wat ze echt wil: een plek om samen te zijn." in content
    assert not SituationMap.objects.exists()
    response = client.post(f"/medewerkers/dromen/{picked_up.pk}/situatie/", {})
    assert response.status_code == 400
    assert "Vul minstens één ding in" in response.content.decode()


def test_the_situation_form_saves(client, picked_up, enabler):
    client.force_login(enabler)
    response = client.post(
        f"/medewerkers/dromen/{picked_up.pk}/situatie/",
        {
            "situation-question_behind": "Een plek om samen te zijn.",
            "situation-speaks_for": "neighbourhood",
            "situation-other_views": "Jongeren willen een voetbalveld.",
            "situation-views_heard_by": "Het jongerenwerk",
            "situation-seen_on_location_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    situation = SituationMap.objects.get(dream=picked_up)
    assert situation.speaks_for == "neighbourhood"
    assert situation.views_heard_by == "Het jongerenwerk"
    assert situation.updated_by == enabler


def test_the_situation_costs_the_workspace_no_query(client, picked_up, enabler, settings):
    settings.DATA_CACHE_SECONDS = 0  # the hand-over's options read each time, as pinned
    client.force_login(enabler)
    url = _workspace(picked_up)
    client.get(url)
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    _situation(picked_up, enabler, seen_on_location_on=timezone.localdate())
    services.paspoort_part_add(by=_admin(), title="Eén gezicht", text="Eén contact.")
    with CaptureQueriesContext(connection) as after:
        content = client.get(url).content.decode()
    assert len(after.captured_queries) == len(before.captured_queries)
    assert "Ze zoekt buren" in content
    assert "Eén gezicht" in content  # a review may cite it: the select offers it


# --- the weekly report's count ----------------------------------------------------------------


@pytest.fixture
def dream_factory(resident, neighbourhood, theme, enabler):
    """Another dream like `reviewed`: picked up by `enabler`, in conversation, reviewed."""
    from tests.factories import DreamFactory

    def make():
        dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
        services.dream_pick_up(dream=dream, by=enabler)
        services.dream_log_contact(
            dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Gesprek."
        )
        services.review_record(dream=dream, by=enabler, verdicts=review_verdicts())
        return dream

    return make


def _agree(dream, enabler, when):
    """Move DREAM (in conversation, reviewed) to in progress, the event dated WHEN."""
    services.dream_move(dream=dream, by=enabler, target=Status.IN_PROGRESS)
    moved = TimelineEvent.objects.filter(
        dream=dream, kind=EventKind.STATUS_CHANGED, to_status=Status.IN_PROGRESS
    )
    QuerySet.update(moved, created_at=when)  # the timeline is append-only; a test dates it


def test_the_weekly_report_counts_situations_seen_before_the_plan(reviewed, enabler, dream_factory):
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    start, _end = week_bounds(monday)
    wednesday = start + timedelta(days=2, hours=10)
    # 1: seen on location two days before the plan was agreed: counts as seen.
    _situation(reviewed, enabler, seen_on_location_on=monday)
    _agree(reviewed, enabler, wednesday)
    # 2: mapped, but seen on location only after the plan: not seen before.
    late = dream_factory()
    _situation(late, enabler, seen_on_location_on=timezone.localdate())
    _agree(late, enabler, wednesday)
    # 3: nothing mapped at all: not seen.
    unmapped = dream_factory()
    _agree(unmapped, enabler, wednesday)
    # 4: agreed the week before (and again, after a step back, in this week): not counted.
    earlier = dream_factory()
    _situation(earlier, enabler, seen_on_location_on=monday - timedelta(days=10))
    _agree(earlier, enabler, start - timedelta(days=1))
    TimelineEvent.objects.create(
        dream=earlier,
        kind=EventKind.STATUS_CHANGED,
        public=True,
        from_status=Status.IN_CONVERSATION,
        to_status=Status.IN_PROGRESS,
        created_at=wednesday,
    )
    figures = selectors.weekly_figures(monday)
    assert figures["situation"] == {"in_progress": 3, "seen_before": 1}
    next_week = selectors.weekly_figures(monday + timedelta(days=7))
    assert next_week["situation"] == {"in_progress": 0, "seen_before": 0}


# --- the paspoort: services ---------------------------------------------------------------------


def _admin():
    from accounts.models import User

    return User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="beheer@example.nl", password="x" * 20, full_name="Beheerder"
    )


def test_only_the_administrator_edits_the_paspoort(enabler, manager, administrator):
    for person in (enabler, manager):
        with pytest.raises(NotAllowed):
            services.paspoort_part_add(by=person, title="Regel", text="Tekst.")
    part = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Eén contact.")
    for person in (enabler, manager):
        with pytest.raises(NotAllowed):
            services.paspoort_part_revise(key=part.key, by=person, title="X", text="Y")
        with pytest.raises(NotAllowed):
            services.paspoort_part_remove(key=part.key, by=person)
    assert PaspoortPart.objects.count() == 1


def test_editing_a_part_keeps_its_versions(administrator):
    first = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Eén contact.")
    other = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Tweede.")
    assert first.key == "een-gezicht" and other.key == "een-gezicht-2"
    assert other.position > first.position
    second = services.paspoort_part_revise(
        key=first.key, by=administrator, title="Eén gezicht", text="Eén vast contact."
    )
    assert second.version == 2
    first.refresh_from_db()
    assert not first.is_current and first.text == "Eén contact."
    # Only a new position: moved, no new version.
    moved = services.paspoort_part_revise(
        key=first.key, by=administrator, title="Eén gezicht", text="Eén vast contact.", position=99
    )
    assert moved.pk == second.pk and moved.position == 99
    assert [p.key for p in selectors.paspoort_current()] == [other.key, first.key]
    with pytest.raises(NotAllowed):  # nothing changed
        services.paspoort_part_revise(
            key=first.key, by=administrator, title="Eén gezicht", text="Eén vast contact."
        )
    with pytest.raises(NotAllowed):
        services.paspoort_part_revise(key=first.key, by=administrator, title=" ", text="x")
    services.paspoort_part_remove(key=other.key, by=administrator)
    with pytest.raises(NotAllowed):
        services.paspoort_part_remove(key=other.key, by=administrator)
    page = selectors.paspoort_page()
    assert [e.key for e in page["current"]] == [first.key]
    assert [len(e.earlier) for e in page["current"]] == [1]
    assert [e.key for e in page["removed"]] == [other.key]


def test_a_review_cites_the_version_it_weighed(in_conversation, enabler, administrator):
    part = services.paspoort_part_add(
        by=administrator, title="De bewoner is eigenaar", text="Het plan is van de bewoner."
    )
    review = services.review_record(
        dream=in_conversation,
        by=enabler,
        verdicts=review_verdicts(),
        cites={"customer": part.pk, "dialogue": None},
    )
    assert review.customer_cites == part and review.dialogue_cites is None
    services.paspoort_part_revise(
        key=part.key, by=administrator, title="De bewoner blijft eigenaar", text="Nieuw."
    )
    review.refresh_from_db()
    assert review.customer_cites.text == "Het plan is van de bewoner."
    # The old version can no longer be cited: it changed while the form was open.
    with pytest.raises(NotAllowed):
        services.review_record(
            dream=in_conversation,
            by=enabler,
            verdicts=review_verdicts(),
            cites={"customer": part.pk},
        )
    assert Review.objects.filter(dream=in_conversation).count() == 1


# --- the paspoort: pages ----------------------------------------------------------------------


def test_every_staff_role_reads_the_paspoort_with_its_versions(
    client, enabler, comms, manager, administrator
):
    part = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Oud.")
    services.paspoort_part_revise(
        key=part.key, by=administrator, title="Eén gezicht", text="Nieuw."
    )
    for person in (enabler, comms, manager, administrator):
        client.force_login(person)
        content = client.get("/medewerkers/paspoort/").content.decode()
        assert "Nieuw." in content and "Oud." in content
        assert f'id="{part.key}-v1"' in content and f'id="{part.key}-v2"' in content
        assert ("/medewerkers/paspoort/bewerken/" in content) == (person == administrator)


def test_the_administrator_adds_edits_and_removes_a_part(client, administrator):
    client.force_login(administrator)
    response = client.post(
        "/medewerkers/paspoort/bewerken/",
        {
            "new-title": "Geen nieuwe regel voor één uitzondering",
            "new-text": "",
            "new-position": "x",
        },
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "Schrijf wat dit deel van het paspoort zegt." in content
    assert "Vul een heel getal in" in content
    assert "Geen nieuwe regel voor één uitzondering" in content  # what was typed is kept
    assert not PaspoortPart.objects.exists()
    response = client.post(
        "/medewerkers/paspoort/bewerken/",
        {"new-title": "Geen nieuwe regel", "new-text": "Een uitzondering is geen regel."},
    )
    assert response.status_code == 302
    part = PaspoortPart.objects.get()
    url = f"/medewerkers/paspoort/bewerken/{part.key}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Geen nieuwe regel", "text": part.text, "position": "10"})
    assert response.status_code == 400
    assert "Er is niets veranderd" in response.content.decode()
    response = client.post(url, {"title": "Geen nieuwe regel", "text": "Anders.", "position": ""})
    assert response.status_code == 302
    assert PaspoortPart.objects.count() == 2
    response = client.post(url + "verwijderen/")
    assert response.status_code == 302
    assert not PaspoortPart.objects.filter(is_current=True).exists()
    assert client.get(url).status_code == 404
    assert client.post(url + "verwijderen/").status_code == 404
    assert client.get("/medewerkers/paspoort/bewerken/onbekend/").status_code == 404


def test_the_review_form_cites_a_part_and_the_history_shows_the_old_version(
    client, in_conversation, enabler, administrator
):
    part = services.paspoort_part_add(by=administrator, title="Eén gezicht", text="Eén contact.")
    client.force_login(enabler)
    data = {
        f"review-{value}_{field}": answer
        for value in ("customer", "responsibility", "dialogue")
        for field, answer in (("verdict", "supports"), ("reasoning", "Zo is het."))
    }
    bad = client.post(
        f"/medewerkers/dromen/{in_conversation.pk}/kernwaarden/",
        {**data, "review-dialogue_cites": "999999", "review-dilemma": "Mijn dilemma"},
    )
    assert bad.status_code == 400
    assert "Kies een deel van het paspoort uit de lijst" in bad.content.decode()
    assert "Mijn dilemma" in bad.content.decode()
    assert not Review.objects.exists()
    ok = client.post(
        f"/medewerkers/dromen/{in_conversation.pk}/kernwaarden/",
        {**data, "review-dialogue_cites": str(part.pk)},
    )
    assert ok.status_code == 302
    assert Review.objects.get().dialogue_cites == part
    services.paspoort_part_revise(
        key=part.key, by=administrator, title="Eén vast gezicht", text="Nieuw."
    )
    content = client.get(_workspace(in_conversation)).content.decode()
    assert "Eén gezicht (versie 1)" in content
    assert f"/medewerkers/paspoort/#{part.key}-v1" in content
    # The form offers the part as it reads now, chosen as before.
    current = PaspoortPart.objects.get(key=part.key, is_current=True)
    assert f'<option value="{current.pk}" selected>Eén vast gezicht</option>' in content


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-query read is PostgreSQL's")
def test_the_one_query_and_the_prefetches_show_the_same_situation_and_cites(
    client, in_conversation, enabler, administrator, monkeypatch
):
    """The situation and the cited parts, read in the workspace's one query (PostgreSQL) and
    with select_related/prefetch_related (every other database), give the same page."""
    import re
    from types import SimpleNamespace

    from initiatives.selectors import workspace

    hostile = "<script>alert('x')</script> & \"meer\""
    part = services.paspoort_part_add(by=administrator, title=hostile, text="Oud.")
    services.review_record(
        dream=in_conversation,
        by=enabler,
        verdicts=review_verdicts(),
        cites={"responsibility": part.pk},
    )
    services.paspoort_part_revise(key=part.key, by=administrator, title="Nieuw", text="Nieuw.")
    _situation(in_conversation, enabler, question_behind=hostile, seen_on_location_on=None)
    client.force_login(enabler)

    def page() -> str:
        content = client.get(_workspace(in_conversation)).content.decode()
        return re.sub(
            r'(csrfmiddlewaretoken" value=|X-CSRFToken": |Nonce": )"[^"]+"', r"\1", content
        )

    one_query = page()
    monkeypatch.setattr(workspace, "connection", SimpleNamespace(vendor="another"))
    assert page() == one_query
    assert (
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;meer&quot; (versie 1)"
        in (one_query)
    )
    assert "Nog niet ter plekke gezien" in one_query
    assert "<script>alert" not in one_query
