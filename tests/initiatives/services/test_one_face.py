"""One face (issue 13, item 6): only the dream's contact person speaks to the resident and
moves the dream on. Colleagues may add internal notes; whoever takes over hands the dream
over first, with a note that says why, and the resident hears who their new contact is."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import ContactMoment, EventKind, Grant, TimelineEvent
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, ReviewFactory
from tests.staff.conftest import review_verdicts

pytestmark = pytest.mark.django_db


@pytest.fixture
def dream(resident, neighbourhood, theme, mogelijkmaker):
    dream = DreamFactory(resident=resident, neighbourhood=neighbourhood, theme=theme)
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    services.dream_log_contact(
        dream=dream, by=mogelijkmaker, kind="phone", on=timezone.localdate(), summary="Gebeld"
    )
    dream.refresh_from_db()
    return dream


def _actions(dream):
    fund = FundFactory(amount=Decimal(10_000))
    yesterday = timezone.localdate() - timedelta(days=1)
    return {
        "message": lambda by: services.dream_send_message(dream=dream, by=by, body="Hallo"),
        "contact": lambda by: services.dream_log_contact(
            dream=dream, by=by, kind="visit", on=yesterday, summary="Langs geweest"
        ),
        "practice": lambda by: services.practice_update(
            dream=dream, by=by, practice="mapping", done=True, note="gezien"
        ),
        "review": lambda by: services.review_record(
            dream=dream, by=by, verdicts=review_verdicts(), dilemma=""
        ),
        "grant": lambda by: services.grant_create(
            dream=dream, by=by, fund=fund, amount=Decimal(100), purpose="Verf"
        ),
        "move": lambda by: services.dream_move(dream=dream, by=by, target=Status.PAUSED),
        "not possible": lambda by: services.decision_propose(
            dream=dream, by=by, reasons="Geen plek"
        ),
    }


@pytest.mark.parametrize(
    "action", ["message", "contact", "practice", "review", "grant", "move", "not possible"]
)
def test_a_colleague_cannot_act_for_the_contact(dream, other_mogelijkmaker, action):
    ReviewFactory(dream=dream) if action == "move" else None
    events = TimelineEvent.objects.filter(dream=dream).count()
    with pytest.raises(NotAllowed, match="contact"):
        _actions(dream)[action](other_mogelijkmaker)
    assert TimelineEvent.objects.filter(dream=dream).count() == events  # nothing half-stored
    assert not Grant.objects.filter(dream=dream).exists()
    assert ContactMoment.objects.filter(dream=dream).count() == 1


@pytest.mark.parametrize("action", ["message", "contact", "practice", "review", "grant"])
def test_the_contact_can(dream, mogelijkmaker, action):
    _actions(dream)[action](mogelijkmaker)


def test_a_colleague_can_write_an_internal_note(dream, other_mogelijkmaker):
    event = services.dream_add_note(dream=dream, by=other_mogelijkmaker, body="Ken de buurman")
    assert event.kind == EventKind.NOTE and not event.public


def test_after_a_hand_over_the_new_contact_acts_and_the_old_one_cannot(
    dream, mogelijkmaker, other_mogelijkmaker
):
    services.dreams_hand_over(
        dreams=[dream], by=mogelijkmaker, to=other_mogelijkmaker, note="Ik ga met verlof"
    )
    dream.refresh_from_db()
    services.dream_send_message(dream=dream, by=other_mogelijkmaker, body="Ik neem het over")
    with pytest.raises(NotAllowed):
        services.dream_send_message(dream=dream, by=mogelijkmaker, body="Nog even dit")


def test_the_workspace_shows_a_colleague_the_work_but_not_usable_forms(
    client, dream, other_mogelijkmaker
):
    client.force_login(other_mogelijkmaker)
    page = client.get(f"/medewerkers/dromen/{dream.pk}/").content.decode()
    assert "Eén gezicht voor de bewoner" in page
    assert 'class="portal-plain-fieldset" disabled' in page
    assert "Gebeld" in page  # the contact moment is there to read


def test_a_colleagues_post_is_refused_with_the_reason(client, dream, other_mogelijkmaker):
    client.force_login(other_mogelijkmaker)
    response = client.post(
        f"/medewerkers/dromen/{dream.pk}/bericht/",
        {"message-body": "Hallo"},
        HTTP_HX_REQUEST="true",
    )
    assert "Alleen de contactpersoon" in response.content.decode()
    assert not TimelineEvent.objects.filter(
        dream=dream, kind=EventKind.MESSAGE_TO_RESIDENT
    ).exists()
