"""Staff pages for the money afterwards: mark paid, read a report, accept or ask."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from initiatives.models import Accountability, Application, Grant
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(enabler):
    dream = DreamFactory(status=Status.REALISED, contact=enabler, closed_at=timezone.now())
    fund = FundFactory(name="Wijkfonds")
    application = Application.objects.create(
        dream=dream,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal(400),
        granted=Decimal(400),
        state=Application.State.GRANTED,
        submitted_by=dream.resident,
    )
    Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=Decimal(400),
        purpose="aanvraag",
        state=Grant.State.GRANTED,
        requested_by=enabler,
        decided_by=enabler,
        decided_at=timezone.now(),
    )
    return Accountability.objects.create(
        application=application, report="Zes plantenbakken.", spent=Decimal("385.50")
    )


def test_money_is_marked_paid_from_the_list(client, manager, report):
    client.force_login(manager)
    grant = Grant.objects.get()
    assert report.application.dream.title in client.get("/medewerkers/betalingen/").content.decode()
    response = client.post(f"/medewerkers/betalingen/{grant.pk}/betaald/")
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.paid_at is not None
    assert (
        report.application.dream.title
        not in client.get("/medewerkers/betalingen/").content.decode()
    )


def test_the_contact_accepts_a_report(client, enabler, report):
    client.force_login(enabler)
    listed = client.get("/medewerkers/verantwoording/").content.decode()
    assert report.application.dream.title in listed
    page = client.get(f"/medewerkers/verantwoording/{report.pk}/").content.decode()
    assert "Zes plantenbakken." in page and 'value="accept"' in page
    response = client.post(f"/medewerkers/verantwoording/{report.pk}/", {"action": "accept"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == Accountability.State.ACCEPTED


def test_a_question_needs_words_and_reaches_the_resident(client, enabler, report):
    client.force_login(enabler)
    url = f"/medewerkers/verantwoording/{report.pk}/"
    empty = client.post(url, {"action": "ask", "question": "  "}, HTTP_ACCEPT_LANGUAGE="nl")
    assert empty.status_code == 400
    assert "Schrijf eerst je vraag." in empty.content.decode()
    assert Accountability.objects.get().state == Accountability.State.SUBMITTED

    client.post(url, {"action": "ask", "question": "Waar is de bon van de aarde?"})

    report.refresh_from_db()
    assert (report.state, report.question) == (
        Accountability.State.QUESTION,
        "Waar is de bon van de aarde?",
    )
    event = report.application.dream.events.last()
    assert event.public and "Waar is de bon van de aarde?" in event.body


def test_only_the_dreams_mogelijkmaker_answers(client, report):
    other = make_staff("MogelijkMaker", email="nina@heusden.example", full_name="Nina")
    client.force_login(other)
    page = client.get(f"/medewerkers/verantwoording/{report.pk}/").content.decode()
    assert 'value="accept"' not in page
    response = client.post(
        f"/medewerkers/verantwoording/{report.pk}/", {"action": "accept"}, HTTP_ACCEPT_LANGUAGE="nl"
    )
    assert response.status_code == 400
    assert "Alleen de contactpersoon van deze droom" in response.content.decode()
    assert Accountability.objects.get().state == Accountability.State.SUBMITTED


def _more_reports(enabler, count: int) -> None:
    for _ in range(count):
        dream = DreamFactory(status=Status.REALISED, contact=enabler, closed_at=timezone.now())
        fund = FundFactory(name=f"Fonds {dream.pk}")
        application = Application.objects.create(
            dream=dream,
            fund=fund,
            applicant=Application.Applicant.RESIDENT,
            requested=Decimal(100),
            granted=Decimal(100),
            state=Application.State.GRANTED,
            submitted_by=dream.resident,
        )
        Grant.objects.create(
            dream=dream,
            fund=fund,
            amount=Decimal(100),
            purpose="aanvraag",
            state=Grant.State.GRANTED,
            requested_by=enabler,
            decided_by=enabler,
            decided_at=timezone.now(),
        )
        Accountability.objects.create(application=application, report="Klaar.", spent=90)


@pytest.mark.parametrize("path", ["/medewerkers/betalingen/", "/medewerkers/verantwoording/"])
def test_the_lists_read_the_same_queries_for_one_row_or_many(
    client, manager, enabler, report, path
):
    client.force_login(manager)
    client.get(path)  # the session and the user's roles settled
    with CaptureQueriesContext(connection) as one:
        assert client.get(path).status_code == 200
    _more_reports(enabler, 6)
    with CaptureQueriesContext(connection) as many:
        content = client.get(path).content.decode()
    assert content.count("Droom") >= 7  # every row is shown
    assert len(many.captured_queries) == len(one.captured_queries)
