"""A resident answers from the link in a mail, in Chromium on a phone (issue 14, items 1-3).

a. Days after a status mail the resident opens its link (time_machine moves the clock of the
   test and of the live server alike), reads the dream and answers; a mail scanner opened
   the link first. Weeks too late the link says plainly that it expired.
b. After a "no": the communications advisor signs the letter and names who else can help;
   the resident opens the letter's link, reads it, and asks a question that reaches both
   the advisor and the contact person.
c. Before anyone picked the dream up, the resident's message waits on the triage list.

Every page is checked with axe (WCAG 2.1 A/AA).
"""

import re
from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from config.mailbox import stored_mails
from initiatives import services
from initiatives.models import Decision, EventKind, OutboxMail, TimelineEvent
from tests.browser.conftest import DESKTOP, check_accessibility
from tests.browser.test_staff_flows import (
    comms,  # noqa: F401 - a fixture
    drunen,  # noqa: F401 - a fixture
    enabler,  # noqa: F401 - a fixture
    groen,  # noqa: F401 - a fixture
    in_conversation_with_review,
    site,  # noqa: F401 - a fixture
    staff_sign_in,
    submit_dream,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

OTHER_HELP = "Het wijkplatform Drunen helpt met buurtactiviteiten: wijkplatform@example.nl."


def mail_link(resident) -> str:
    """The dream link in the newest mail RESIDENT received (the mailbox: the outbox's stored
    copy of a sent mail hides its link)."""
    received = [m for m in stored_mails() if m.to == resident.email and "/droom/" in m.text]
    assert received, "no mail with a dream link reached the resident"
    return re.search(r"https?://\S+/droom/[^/\s]+/", received[0].text).group(0)


def message_form(page: Page):
    return page.locator("#conversation form")


def test_a_status_mail_link_works_days_later_and_the_resident_answers(
    site,  # noqa: F811
    pages,
    enabler,  # noqa: F811
    drunen,  # noqa: F811
    groen,  # noqa: F811
):
    resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")
    dream = submit_dream(resident, "Bloembakken in de Kerkstraat", drunen, groen)
    services.dream_pick_up(dream=dream, by=enabler)
    link = mail_link(resident)

    # A mail scanner opens the link first; that uses nothing up.
    scanner = pages.open()
    scanner.goto(link)
    expect(scanner.get_by_role("heading", level=1)).to_have_text(dream.title)

    with time_machine.travel(timezone.now() + timedelta(days=5)):
        page = pages.open()
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)
        expect(page.locator("main")).to_contain_text(
            "Je hebt deze droom geopend met de link in een mail."
        )
        expect(page.locator("main .portal-status")).to_have_text("Opgepakt")
        check_accessibility(page, "mail-link-1-dream")

        # An empty message: the Dutch error next to the field, the link still in the form.
        form = message_form(page)
        form.get_by_role("button", name="Bericht versturen").click()
        expect(page.locator("#id_body_error")).to_have_text("Schrijf eerst een bericht.")
        check_accessibility(page, "mail-link-2-empty-message")

        message_form(page).get_by_label("Je bericht").fill("Zaterdag kan ik helpen met planten.")
        message_form(page).get_by_role("button", name="Bericht versturen").click()
        expect(page.locator("#conversation .portal-messages")).to_contain_text(
            "Je bericht is verstuurd naar je MogelijkMaker."
        )
        expect(page.locator("#tijdlijn")).to_contain_text("Zaterdag kan ik helpen met planten.")
        check_accessibility(page, "mail-link-3-sent")

        # The same link, opened again, still works.
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(dream.title)

    event = TimelineEvent.objects.get(kind=EventKind.MESSAGE_FROM_RESIDENT)
    assert (event.dream_id, event.actor_id) == (dream.pk, resident.pk)
    assert OutboxMail.objects.filter(recipient=enabler, dream=dream).exists()

    # Weeks past its lifetime the link says so, and offers a sign-in link.
    with time_machine.travel(timezone.now() + timedelta(days=settings.DREAM_LINK_DAYS + 1)):
        late = pages.open()
        late.goto(link)
        expect(late.get_by_role("heading", level=1)).to_have_text("Deze link is verlopen")
        expect(late.get_by_role("button", name="Stuur mij een link")).to_be_visible()
        check_accessibility(late, "mail-link-4-expired")

    assert not pages.errors, "\n".join(pages.errors)


def test_after_a_no_the_resident_asks_a_question(
    site,  # noqa: F811
    pages,
    enabler,  # noqa: F811
    comms,  # noqa: F811
    drunen,  # noqa: F811
    groen,  # noqa: F811
):
    resident = UserFactory(email="bert@example.nl", full_name="Bert Buurman")
    dream = submit_dream(resident, "Een podium op het plein", drunen, groen)
    in_conversation_with_review(dream, enabler)
    decision = services.decision_propose(
        dream=dream, by=enabler, reasons="Het plein is verhuurd aan de markt."
    )

    # a. The advisor signs the letter and names who else can help.
    advisor = pages.open(DESKTOP)
    staff_sign_in(advisor, site, comms, path=reverse("staff:decision_sign", args=[decision.pk]))
    advisor.get_by_label("Brief aan de inwoner").fill("Beste Bert, het plein is verhuurd.")
    advisor.get_by_label("Wie kan nog meer helpen (niet verplicht)").fill(OTHER_HELP)
    check_accessibility(advisor, "no-reply-1-sign-with-other-help")
    advisor.get_by_role("button", name="Onderteken en verstuur de brief").click()
    expect(advisor).to_have_url(f"{site}{reverse('staff:decisions')}")
    decision.refresh_from_db()
    assert decision.other_help == OTHER_HELP

    # b. The resident opens the letter's link: the letter, who else can help, a reply form.
    page = pages.open()
    page.goto(mail_link(resident))
    expect(page.locator("main .portal-status")).to_have_text("Niet mogelijk")
    letter = page.locator("#tijdlijn .portal-timeline__event--decision_letter")
    expect(letter).to_contain_text("het plein is verhuurd")
    expect(letter.get_by_role("heading", name="Wie kan je nog meer helpen?")).to_be_visible()
    expect(letter).to_contain_text(OTHER_HELP)
    expect(
        page.get_by_role(
            "heading", name="Stel een vraag of laat weten dat je het er niet mee eens bent"
        )
    ).to_be_visible()
    check_accessibility(page, "no-reply-2-letter-and-form")

    message_form(page).get_by_label("Je bericht").fill("Kan het podium in de zomer wel?")
    message_form(page).get_by_role("button", name="Bericht versturen").click()
    expect(page.locator("#conversation .portal-messages")).to_contain_text(
        "Je reactie is verstuurd naar je MogelijkMaker en naar de communicatieadviseur"
    )
    expect(page.locator("#tijdlijn")).to_contain_text("Kan het podium in de zomer wel?")
    check_accessibility(page, "no-reply-3-sent")

    readers = set(
        OutboxMail.objects.filter(
            dream=dream, subject__startswith="De bewoner reageert op de brief"
        ).values_list("to_email", flat=True)
    )
    assert readers == {enabler.email, comms.email}
    assert Decision.objects.get(pk=decision.pk).signed_by == comms

    # c. The contact person answers from the workspace: the loop closes.
    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, enabler, path=reverse("staff:dream_workspace", args=[dream.pk]))
    expect(staff.get_by_role("heading", name="De inwoner antwoorden")).to_be_visible()
    check_accessibility(staff, "no-reply-4-contact-answers")
    staff.get_by_label("Bericht aan de inwoner").fill("In de zomer kan het wel: ik bel je morgen.")
    staff.get_by_role("button", name="Stuur naar de inwoner").click()
    expect(staff.locator(".portal-timeline")).to_contain_text("In de zomer kan het wel")
    page.reload()
    expect(page.locator("#tijdlijn")).to_contain_text("In de zomer kan het wel: ik bel je morgen.")
    assert not pages.errors, "\n".join(pages.errors)


def test_a_message_before_pick_up_waits_on_the_triage_list(
    site,  # noqa: F811
    pages,
    enabler,  # noqa: F811
    drunen,  # noqa: F811
    groen,  # noqa: F811
):
    resident = UserFactory(email="cas@example.nl", full_name="Cas Claassen")
    dream = submit_dream(resident, "Een moestuin bij school", drunen, groen)

    page = pages.open()
    page.goto(mail_link(resident))  # the link in the "handed in" mail
    expect(page.get_by_role("heading", name="Stuur een bericht over je droom")).to_be_visible()
    message_form(page).get_by_label("Je bericht").fill("De school doet ook mee.")
    message_form(page).get_by_role("button", name="Bericht versturen").click()
    expect(page.locator("#conversation .portal-messages")).to_contain_text(
        "Je bericht staat bij je droom. Zodra een MogelijkMaker je droom oppakt, leest die het."
    )
    check_accessibility(page, "before-pick-up-1-sent")

    staff = pages.open(DESKTOP)
    staff_sign_in(staff, site, enabler, path=reverse("staff:triage"))
    row = staff.locator(f"#dream-{dream.pk}")
    expect(row).to_contain_text("Ongelezen bericht van de bewoner")
    check_accessibility(staff, "before-pick-up-2-triage")
    assert not pages.errors, "\n".join(pages.errors)
