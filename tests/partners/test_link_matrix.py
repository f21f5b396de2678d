"""The partner's URLs by the state of their link: valid, expired, withdrawn (revoked),
unknown. Whoever holds a link reaches that one dream, and nothing else: not another dream,
not the staff side, not a resident's pages."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from initiatives import services
from initiatives.models import EventKind, TimelineEvent
from initiatives.partner_models import PartnerInvitation
from initiatives.plan_models import Contribution
from tests.factories import DreamFactory
from tests.partners.conftest import make_organisation

pytestmark = pytest.mark.django_db

VALID, EXPIRED, REVOKED, UNKNOWN = "valid link", "expired link", "revoked link", "unknown link"
STATES = (VALID, EXPIRED, REVOKED, UNKNOWN)


@dataclass(frozen=True)
class Use:
    method: str
    suffix: str
    data: dict


USES = {
    "page": Use("GET", "", {}),
    "message": Use("POST", "bericht/", {"message-body": "Hallo"}),
    "message, empty": Use("POST", "bericht/", {"message-body": ""}),
    "contribution": Use(
        "POST",
        "bijdrage/",
        {
            "contribution-kind": "hours",
            "contribution-hours": "4",
            "contribution-description": "Klussen",
        },
    ),
    "contribution, empty": Use("POST", "bijdrage/", {}),
}

# What each use answers, per state of the link.
EXPECTED = {
    "page": {VALID: 200, EXPIRED: 410, REVOKED: 410, UNKNOWN: 404},
    "message": {VALID: 302, EXPIRED: 410, REVOKED: 410, UNKNOWN: 404},
    "message, empty": {VALID: 400, EXPIRED: 410, REVOKED: 410, UNKNOWN: 404},
    "contribution": {VALID: 302, EXPIRED: 410, REVOKED: 410, UNKNOWN: 404},
    "contribution, empty": {VALID: 400, EXPIRED: 410, REVOKED: 410, UNKNOWN: 404},
}


def _link_in_state(state: str, in_conversation, enabler) -> str:
    organisation = make_organisation(enabler, name=f"Partner ({state})")
    sent = services.partner_invite(dream=in_conversation, organisation=organisation, by=enabler)
    if state == EXPIRED:
        PartnerInvitation.objects.filter(pk=sent.invitation.pk).update(
            expires_at=timezone.now() - timedelta(seconds=1)
        )
    elif state == REVOKED:
        services.partner_invitation_withdraw(invitation=sent.invitation, by=enabler)
    elif state == UNKNOWN:
        return "/partner/nooit-uitgegeven-0123456789abcdefghijklmnopqrstuv/"
    return "/partner/" + sent.link.rstrip("/").rsplit("/", 1)[1] + "/"


def test_partner_link_matrix(in_conversation, enabler, capsys):
    links = {state: _link_in_state(state, in_conversation, enabler) for state in STATES}
    assert set(EXPECTED) == set(USES)
    mismatches = []
    for name, use in USES.items():
        for state, link in links.items():
            client = Client()
            send = client.get if use.method == "GET" else client.post
            response = send(link + use.suffix, use.data)
            expected = EXPECTED[name][state]
            if response.status_code != expected:
                mismatches.append(f"{use.method} {name} with a {state}: {response.status_code}")
            page = response.content.decode()
            if state != VALID and in_conversation.title in page:
                mismatches.append(f"{name} with a {state} shows the dream")
    with capsys.disabled():
        print(f"\npartner link matrix: {len(USES)} uses by {len(STATES)} states")
    assert not mismatches, "\n".join(mismatches)
    # Only the valid link acted: one message, one contribution.
    assert TimelineEvent.objects.filter(kind=EventKind.PARTNER_MESSAGE).count() == 1
    assert Contribution.objects.count() == 1


@pytest.mark.parametrize("state", [VALID, EXPIRED, REVOKED])
def test_a_link_reaches_no_other_page(state, in_conversation, enabler, resident):
    """A partner's browser, having used its link, is an anonymous visitor everywhere else."""
    other = DreamFactory(resident=resident, title="Een andere droom")
    client = Client()
    link = _link_in_state(state, in_conversation, enabler)
    client.get(link)
    for staff_page in (
        f"/medewerkers/dromen/{in_conversation.pk}/",
        f"/medewerkers/dromen/{other.pk}/",
        "/medewerkers/partners/",
    ):
        response = client.get(staff_page)
        assert response.status_code == 302 and "/medewerkers/inloggen/" in response["Location"]
    for resident_page in (f"/mijn-dromen/{in_conversation.pk}/", f"/mijn-dromen/{other.pk}/"):
        response = client.get(resident_page)
        assert response.status_code == 302 and "/inloggen/" in response["Location"]
    # The link's address takes no dream id: a number in its place is an unknown link.
    for guess in (f"/partner/{other.pk}/", f"/partner/{in_conversation.pk}/"):
        response = client.get(guess)
        assert response.status_code == 404
        assert other.title not in response.content.decode()
