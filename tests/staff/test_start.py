"""Every role's start page at /medewerkers/ (issue 14, item 7): what waits for them, counted,
oldest first, with the promised day; and the page where staff choose how they hear of it."""

import re
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from accounts.models import StaffNotificationMode
from initiatives import services
from initiatives.models import Dream, OutboxMail
from initiatives.statuses import Status
from tests.conftest import verify_second_factor
from tests.factories import DreamFactory
from tests.staff.conftest import PASSWORD, make_staff

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = "/medewerkers/"


def _section(content: str, heading_id: str) -> str:
    """Return the start page's section headed by the element with id HEADING_ID."""
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}">(.*?)</section>', content, re.S
    )
    assert match, f"no section {heading_id}"
    return match.group(1)


def _sign_in(client, user) -> str:
    """Sign in with password and second factor; return where the sign-in leads."""
    response = client.post("/medewerkers/inloggen/", {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    verify_second_factor(client, user)
    return response["Location"]


class TestLanding:
    @pytest.mark.parametrize("role", ["enabler", "comms", "manager", "administrator"])
    def test_every_role_lands_on_its_own_start_page(self, client, request, role):
        user = request.getfixturevalue(role)
        assert _sign_in(client, user) == START
        response = client.get(START)
        assert response.status_code == 200
        content = response.content.decode()
        assert '<h1 class="utrecht-heading-1">Wat op je wacht</h1>' in content
        assert "Je hebt geen toegang" not in content
        assert "Dien je droom in" not in content  # the staff menu, not the residents'

    def test_the_communications_advisor_sees_the_letters_to_sign(
        self, client, comms, enabler, reviewed
    ):
        services.decision_propose(dream=reviewed, by=enabler, reasons="Geen plek.")
        _sign_in(client, comms)
        content = client.get(START).content.decode()
        letters = _section(content, "letters-heading")
        assert "Brieven om te ondertekenen (1)" in letters
        assert reviewed.title in letters
        decision = reviewed.decisions.get()
        assert f'href="/medewerkers/besluiten/{decision.pk}/"' in letters
        # Nothing of another role's work: no triage, no approvals, no MogelijkMaker's dreams.
        assert 'id="pick-up-heading"' not in content
        assert 'id="approvals-heading"' not in content
        assert 'id="mine-heading"' not in content

    def test_a_forbidden_page_keeps_the_staff_menu_and_leads_to_the_start_page(self, client, comms):
        client.force_login(comms)
        response = client.get("/medewerkers/nieuwe-dromen/")
        assert response.status_code == 403
        content = response.content.decode()
        assert "Je hebt geen toegang tot deze pagina" in content
        assert 'href="/medewerkers/besluiten/"' in content  # the staff menu
        assert "Naar wat op je wacht" in content

    def test_a_roleless_account_is_not_let_in(self, client, roleless_staff):
        client.force_login(roleless_staff)
        assert client.get(START).status_code == 403


class TestMogelijkMaker:
    def test_dreams_to_pick_up_oldest_first_with_the_promised_day(self, client, enabler):
        friday = datetime(2026, 11, 20, 10, 0, tzinfo=AMSTERDAM)
        with time_machine.travel(friday, tick=False):
            newer = DreamFactory(
                title="Droom van donderdag",
                submitted_at=datetime(2026, 11, 19, 9, tzinfo=AMSTERDAM),
            )
            older = DreamFactory(
                title="Droom van maandag", submitted_at=datetime(2026, 11, 16, 9, tzinfo=AMSTERDAM)
            )
            client.force_login(enabler)
            section = _section(client.get(START).content.decode(), "pick-up-heading")
        assert "Dromen om op te pakken (2)" in section
        assert section.index(older.title) < section.index(newer.title)
        items = re.findall(r"<li class=\"([^\"]*)\">(.*?)</li>", section, re.S)
        (late_class, late_item), (ok_class, ok_item) = items
        # Monday + 2 working days = Wednesday: broken on Friday. Thursday's: by Monday.
        assert "oppakken uiterlijk 18 november 2026" in late_item
        assert "Belofte niet gehaald" in late_item and "--late" in late_class
        assert "oppakken uiterlijk 23 november 2026" in ok_item
        assert "Belofte niet gehaald" not in ok_item and "--late" not in ok_class

    def test_my_dreams_first_contact_silence_and_unanswered_replies(
        self, client, enabler, second_enabler, resident
    ):
        now = timezone.now()
        first = DreamFactory(title="Nog bellen", resident=resident)
        services.dream_pick_up(dream=first, by=enabler)
        someone_elses = DreamFactory(title="Van Mehmet")
        services.dream_pick_up(dream=someone_elses, by=second_enabler)

        quiet = DreamFactory(title="Stille droom", resident=resident)
        services.dream_pick_up(dream=quiet, by=enabler)
        Dream.objects.filter(pk=quiet.pk).update(
            status=Status.IN_CONVERSATION,
            first_contact_at=now,
            last_public_update_at=now - timedelta(days=12),
        )

        asked = DreamFactory(title="Vraag van Anna", resident=resident)
        services.dream_pick_up(dream=asked, by=enabler)
        services.dream_log_contact(
            dream=asked, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
        )
        services.dream_message_from_resident(dream=asked, by=resident, body="Wanneer komt het?")

        answered = DreamFactory(title="Al beantwoord", resident=resident)
        services.dream_pick_up(dream=answered, by=enabler)
        services.dream_log_contact(
            dream=answered, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
        )
        services.dream_message_from_resident(dream=answered, by=resident, body="Dank je!")
        services.dream_send_message(dream=answered, by=enabler, body="Graag gedaan.")

        client.force_login(enabler)
        content = client.get(START).content.decode()
        mine = _section(content, "mine-heading")
        first_contact = mine.split('id="first-contact"', 1)[1].split('id="silence"', 1)[0]
        silence = mine.split('id="silence"', 1)[1].split('id="replies"', 1)[0]
        replies = mine.split('id="replies"', 1)[1]

        assert "Eerste contact nog te maken (1)" in first_contact
        assert "Nog bellen" in first_contact and "eerste contact uiterlijk" in first_contact
        assert "Van Mehmet" not in mine  # only my own dreams

        assert "Inwoners die wachten op nieuws (1)" in silence
        assert "Stille droom" in silence
        deadline = timezone.localdate(now - timedelta(days=12)) + timedelta(days=13)
        assert f"schrijf uiterlijk {deadline.day} " in silence

        assert "Berichten van inwoners om te beantwoorden (1)" in replies
        assert "Vraag van Anna" in replies
        assert "Al beantwoord" not in replies

    def test_an_answer_by_contact_moment_also_counts(self, client, enabler, resident):
        dream = DreamFactory(title="Gebeld na vraag", resident=resident)
        services.dream_pick_up(dream=dream, by=enabler)
        services.dream_log_contact(
            dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Gebeld."
        )
        services.dream_message_from_resident(dream=dream, by=resident, body="Bel je?")
        client.force_login(enabler)
        assert "Gebeld na vraag" in _section(client.get(START).content.decode(), "mine-heading")
        services.dream_log_contact(
            dream=dream, by=enabler, kind="phone", on=timezone.localdate(), summary="Teruggebeld."
        )
        assert "Gebeld na vraag" not in _section(client.get(START).content.decode(), "mine-heading")


class TestManager:
    def test_grants_to_approve_and_broken_promises(self, client, manager, enabler, reviewed, fund):
        grant = services.grant_create(
            dream=reviewed, by=enabler, fund=fund, amount=Decimal(3000), purpose="Podium"
        )
        late = DreamFactory(
            title="Te lang in de rij", submitted_at=timezone.now() - timedelta(days=9)
        )
        silent = DreamFactory(title="Te lang stil")
        services.dream_pick_up(dream=silent, by=enabler)
        Dream.objects.filter(pk=silent.pk).update(
            status=Status.IN_CONVERSATION,
            first_contact_at=timezone.now(),
            last_public_update_at=timezone.now() - timedelta(days=20),
        )
        client.force_login(manager)
        content = client.get(START).content.decode()
        approvals = _section(content, "approvals-heading")
        assert "Budgetten om goed te keuren (1)" in approvals
        assert f'href="/medewerkers/goedkeuringen/#grant-{grant.pk}"' in approvals
        assert "€ 3.000,00" in approvals
        broken = _section(content, "broken-heading")
        assert "Niet op tijd opgepakt (1)" in broken and late.title in broken
        assert "Te lang geen nieuws voor de inwoner (1)" in broken and silent.title in broken
        assert "MogelijkMaker: Sanne de Vries" in broken
        assert 'id="mine-heading"' not in content
        assert 'id="letters-heading"' not in content


class TestAdministrator:
    def test_a_sensible_page_everything_that_waits_and_the_administration(
        self, client, administrator, enabler, reviewed
    ):
        OutboxMail.objects.create(
            recipient=enabler,
            to_email=enabler.email,
            subject="x",
            body_text="x",
            state=OutboxMail.State.FAILED,
        )
        client.force_login(administrator)
        content = client.get(START).content.decode()
        for heading in ("pick-up-heading", "letters-heading", "approvals-heading"):
            assert f'id="{heading}"' in content, heading
        admin = _section(content, "administration-heading")
        assert "1 e-mail kon niet worden bezorgd." in admin
        assert 'href="/beheer/"' in admin
        assert 'id="mine-heading"' not in content  # no dreams of their own


class TestPreferences:
    def test_choose_a_daily_email(self, client, comms):
        client.force_login(comms)
        page = client.get("/medewerkers/voorkeuren/").content.decode()
        assert "E-mail over werk dat op je wacht" in page
        assert 'value="immediate" id="id_mode_0" class="utrecht-radio-button' in page
        assert re.search(r'value="immediate"[^>]*checked', page)
        response = client.post("/medewerkers/voorkeuren/", {"mode": "daily"})
        assert response["Location"] == START
        comms.refresh_from_db()
        assert comms.staff_notification_mode == StaffNotificationMode.DAILY
        start = client.get(START).content.decode()
        assert "Je keuze is opgeslagen." in start
        assert "Je krijgt één e-mail per dag" in start

    def test_no_choice_is_said_next_to_the_field(self, client, comms):
        client.force_login(comms)
        response = client.post("/medewerkers/voorkeuren/", {"mode": "sometimes"})
        assert response.status_code == 400
        assert 'id="id_mode_error"' in response.content.decode()
        comms.refresh_from_db()
        assert comms.staff_notification_mode == StaffNotificationMode.IMMEDIATE


def test_the_start_page_reads_a_fixed_number_of_queries(
    client, manager, enabler, django_assert_max_num_queries
):
    """Fifty waiting dreams cost no more queries than one: each list is a count and a slice."""
    for _ in range(50):
        DreamFactory(submitted_at=timezone.now() - timedelta(days=9))
    make_staff(None, email="x@heusden.example")  # unrelated
    client.force_login(manager)
    client.get(START)
    with django_assert_max_num_queries(25):
        assert client.get(START).status_code == 200
