"""Where the public figures change, the open-data version is raised once the change commits
(issue 19): a partner contribution recorded or withdrawn, a first contact on a dream already
past the pick-up, and every public update (the longest silence counts from the last one)."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from initiatives import open_data_version, services
from initiatives.models import ContactMoment, Dream, EventKind
from initiatives.partner_models import Organisation
from initiatives.services._core import _record
from initiatives.statuses import Status

pytestmark = pytest.mark.django_db


def _raises_the_version(capture, action) -> bool:
    before = open_data_version.current().token
    with capture(execute=True):
        action()
    return open_data_version.current().token != before


@pytest.fixture
def corporation(mogelijkmaker):
    return Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting Heusden Thuis",
        contact_name="Ria Verhuur",
        contact_email="ria@heusdenthuis.example",
        one_face=mogelijkmaker,
    )


def test_a_partner_contribution_recorded_and_withdrawn(
    in_conversation, mogelijkmaker, corporation, django_capture_on_commit_callbacks
):
    recorded = []

    def record():
        recorded.append(
            services.contribution_record(
                dream=in_conversation,
                by=mogelijkmaker,
                source="partner",
                organisation_id=corporation.pk,
                kind="money",
                amount=Decimal(500),
            )
        )

    def withdraw():
        services.contribution_withdraw(
            dream=in_conversation, by=mogelijkmaker, contribution_id=recorded[0].pk
        )

    assert _raises_the_version(django_capture_on_commit_callbacks, record)
    assert _raises_the_version(django_capture_on_commit_callbacks, withdraw)


def test_a_first_contact_without_a_status_change(
    in_conversation, mogelijkmaker, django_capture_on_commit_callbacks
):
    # Moved on by hand before any contact moment: the first one only stops the clock.
    Dream.objects.filter(pk=in_conversation.pk).update(
        status=Status.IN_PROGRESS, first_contact_at=None
    )
    in_conversation.refresh_from_db()

    def contact():
        services.dream_log_contact(
            dream=in_conversation,
            by=mogelijkmaker,
            kind=ContactMoment.Kind.PHONE,
            on=timezone.localdate(),
            summary="Gebeld.",
        )

    assert _raises_the_version(django_capture_on_commit_callbacks, contact)
    in_conversation.refresh_from_db()
    assert in_conversation.status == Status.IN_PROGRESS
    assert in_conversation.first_contact_at is not None


def test_a_public_event_raises_it_an_internal_one_does_not(
    in_conversation, mogelijkmaker, django_capture_on_commit_callbacks
):
    def event(public: bool):
        def action():
            with transaction.atomic():
                _record(
                    dream=in_conversation,
                    kind=EventKind.MESSAGE_TO_RESIDENT if public else EventKind.NOTE,
                    public=public,
                    actor=mogelijkmaker,
                    body="Hallo",
                )

        return action

    assert not _raises_the_version(django_capture_on_commit_callbacks, event(public=False))
    assert _raises_the_version(django_capture_on_commit_callbacks, event(public=True))
