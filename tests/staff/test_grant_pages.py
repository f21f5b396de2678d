"""Grants on the staff pages (issue 14, item 8): the limit on the form, a message that says
whether the money is granted or waits, the budget of a closed dream, a closed dream's grant."""

from decimal import Decimal

import pytest

from initiatives import services
from initiatives.models import Dream, Grant
from initiatives.statuses import Status

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _grant(client, dream, fund, amount: str, **headers):
    return client.post(
        f"/medewerkers/dromen/{dream.pk}/budget/",
        {"grant-fund": fund.pk, "grant-amount": amount, "grant-purpose": "Verf"},
        headers=headers,
    )


def test_the_form_states_the_approval_limit(client, enabler, reviewed, fund):
    client.force_login(enabler)
    content = client.get(f"/medewerkers/dromen/{reviewed.pk}/").content.decode()
    assert "Boven € 2.500 beslist een manager" in content
    assert 'aria-describedby="id_grant-amount_helptext"' in content


def test_granted_at_once_and_waiting_get_different_messages(client, enabler, reviewed, fund):
    client.force_login(enabler)
    small = _grant(client, reviewed, fund, "600", **HTMX).content.decode()
    assert "€ 600,00 uit Dromenfonds is toegekend." in small
    assert "wacht op goedkeuring" not in small

    large = _grant(client, reviewed, fund, "3000", **HTMX).content.decode()
    assert "€ 3.000,00 wacht op goedkeuring van een manager" in large
    assert "boven € 2.500 beslist een manager" in large
    assert "is toegekend" not in large
    assert "Het budget is vastgelegd." not in small + large


def test_realised_is_refused_in_the_workspace_while_a_grant_waits(client, enabler, reviewed, fund):
    client.force_login(enabler)
    _grant(client, reviewed, fund, "3000")
    client.post(f"/medewerkers/dromen/{reviewed.pk}/status/", {"move-target": "in_progress"})
    response = client.post(
        f"/medewerkers/dromen/{reviewed.pk}/status/", {"move-target": "realised"}, headers=HTMX
    )
    assert "wacht nog op goedkeuring van een manager" in response.content.decode()
    reviewed.refresh_from_db()
    assert reviewed.status == Status.IN_PROGRESS


def test_a_closed_dream_still_shows_its_budget(client, enabler, comms, manager, reviewed, fund):
    services.grant_create(
        dream=reviewed, by=enabler, fund=fund, amount=Decimal(600), purpose="Verf"
    )
    refused = services.grant_create(
        dream=reviewed, by=enabler, fund=fund, amount=Decimal(3000), purpose="Een podium"
    )
    services.grant_decide(grant=refused, by=manager, approve=False)
    services.dream_move(dream=reviewed, by=enabler, target=Status.IN_PROGRESS)
    services.dream_move(dream=reviewed, by=enabler, target=Status.REALISED)
    for person in (enabler, comms, manager):
        client.force_login(person)
        content = client.get(f"/medewerkers/dromen/{reviewed.pk}/").content.decode()
        budget = content.split('id="budget-heading"', 1)[1].split("</section>", 1)[0]
        assert "€ 600,00 — Verf (Dromenfonds): <strong>Toegekend</strong>" in budget, person
        assert "Een podium" in budget and "Niet goedgekeurd" in budget, person
        assert "Budget toekennen" not in content  # closed: nothing to grant any more


def test_the_approvals_page_warns_of_a_closed_dream_and_offers_only_refusing(
    client, enabler, manager, reviewed, fund
):
    grant = services.grant_create(
        dream=reviewed, by=enabler, fund=fund, amount=Decimal(3000), purpose="Een podium"
    )
    Dream.objects.filter(pk=reviewed.pk).update(status=Status.REALISED)  # closed before the rule
    client.force_login(manager)
    content = client.get("/medewerkers/goedkeuringen/").content.decode()
    card = content.split(f'id="grant-{grant.pk}"', 1)[1].split("</li>", 1)[0]
    assert "Deze droom is afgesloten." in card
    assert 'name="approve" value="1"' not in card
    assert 'name="approve" value="0"' in card
    # Approving anyway (an old form) is refused with the reason, and nothing changes.
    response = client.post(f"/medewerkers/goedkeuringen/{grant.pk}/", {"approve": "1"}, follow=True)
    assert "kan niet meer worden goedgekeurd" in response.content.decode()
    grant.refresh_from_db()
    assert grant.state == Grant.State.AWAITING_APPROVAL
