"""Accounting for the money afterwards (services/accountability.py): paid, reported with
photos and receipts, a question and its answer, accepted; erased with the account."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.roles import Role
from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Accountability,
    AccountabilityFile,
    Application,
    Dream,
    EventKind,
    Fund,
    Grant,
    OutboxMail,
)
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import FundFactory, StaffFactory

pytestmark = pytest.mark.django_db


def _upload(name="bonnetje.jpg"):
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


@pytest.fixture
def granted(in_conversation, mogelijkmaker, neighbourhood):
    """An application granted € 400 on Mo's dream, which then came true."""
    fund = FundFactory(name="Wijkfonds", neighbourhood=neighbourhood, open_for_applications=True)
    application = Application.objects.create(
        dream=in_conversation,
        fund=fund,
        applicant=Application.Applicant.RESIDENT,
        requested=Decimal("400.00"),
        submitted_by=in_conversation.resident,
    )
    line = application.lines.create(description="Plantenbakken", amount=Decimal("400.00"))
    services.application_decide(
        application=application,
        by=mogelijkmaker,
        line_amounts={line.pk: Decimal("400.00")},
        reasons="Past bij het fonds.",
    )
    Dream.objects.filter(pk=in_conversation.pk).update(
        status=Status.REALISED, closed_at=timezone.now()
    )
    application.refresh_from_db()
    return application


def test_the_money_is_paid_once_and_the_resident_reads_it(granted, mogelijkmaker, manager):
    grant = Grant.objects.get(dream=granted.dream)
    services.grant_mark_paid(grant=grant, by=manager)
    grant.refresh_from_db()
    assert grant.paid_at is not None
    event = granted.dream.events.get(kind=EventKind.GRANT_PAID)
    assert event.public and "400,00" in event.body
    with pytest.raises(NotAllowed):
        services.grant_mark_paid(grant=grant, by=mogelijkmaker)


def test_a_resident_cannot_mark_money_paid(granted):
    with pytest.raises(NotAllowed):
        services.grant_mark_paid(
            grant=Grant.objects.get(dream=granted.dream), by=granted.dream.resident
        )


def test_the_applicant_reports_a_question_is_answered_and_it_is_accepted(granted, mogelijkmaker):
    resident = granted.dream.resident
    report = services.accountability_submit(
        application=granted,
        by=resident,
        report="We hebben zes plantenbakken gekocht en samen gevuld.",
        spent=Decimal("385.50"),
        photo_uploads=[_upload("bakken.jpg")],
        receipt_uploads=[_upload("bon.jpg")],
    )
    assert report.state == Accountability.State.SUBMITTED
    assert sorted(report.files.values_list("kind", flat=True)) == ["photo", "receipt"]
    assert OutboxMail.objects.filter(to_email=mogelijkmaker.email).exists()
    with pytest.raises(NotAllowed):  # sent once; again only to answer a question
        services.accountability_submit(
            application=granted, by=resident, report="Nog een keer.", spent=Decimal("1")
        )

    services.accountability_ask(
        accountability=report, by=mogelijkmaker, question="Waar is de bon van de aarde?"
    )
    report.refresh_from_db()
    assert report.state == Accountability.State.QUESTION
    asked = granted.dream.events.filter(kind=EventKind.ACCOUNTABILITY).order_by("id").last()
    assert asked.public and "Waar is de bon van de aarde?" in asked.body

    services.accountability_submit(
        application=granted,
        by=resident,
        report="De bon van de aarde zit er nu bij.",
        spent=Decimal("385.50"),
        receipt_uploads=[_upload("aarde.jpg")],
    )
    report.refresh_from_db()
    assert report.state == Accountability.State.SUBMITTED
    assert report.files.count() == 3

    services.accountability_accept(accountability=report, by=mogelijkmaker)
    report.refresh_from_db()
    assert (report.state, report.accepted_by) == (Accountability.State.ACCEPTED, mogelijkmaker)
    with pytest.raises(NotAllowed):
        services.accountability_ask(accountability=report, by=mogelijkmaker, question="Nog iets?")


def test_only_after_realisation_by_the_applicant_of_a_granted_application(granted, mogelijkmaker):
    resident = granted.dream.resident
    with pytest.raises(NotAllowed):  # someone else
        services.accountability_submit(
            application=granted, by=mogelijkmaker, report="Klaar.", spent=Decimal("1")
        )
    Dream.objects.filter(pk=granted.dream_id).update(status=Status.IN_PROGRESS)
    with pytest.raises(NotAllowed):  # not realised yet
        services.accountability_submit(
            application=granted, by=resident, report="Klaar.", spent=Decimal("1")
        )
    Dream.objects.filter(pk=granted.dream_id).update(status=Status.REALISED)
    Application.objects.filter(pk=granted.pk).update(state=Application.State.SUBMITTED)
    with pytest.raises(NotAllowed):  # nothing granted
        services.accountability_submit(
            application=granted, by=resident, report="Klaar.", spent=Decimal("1")
        )
    assert not Accountability.objects.exists()


def test_a_bad_file_stores_nothing(granted):
    bad = SimpleUploadedFile("bon.jpg", b"dit is geen foto", content_type="image/jpeg")
    with pytest.raises(Exception):  # noqa: B017 - the photo check's ValidationError
        services.accountability_submit(
            application=granted,
            by=granted.dream.resident,
            report="Klaar.",
            spent=Decimal("10"),
            receipt_uploads=[bad],
        )
    assert not Accountability.objects.exists() and not AccountabilityFile.objects.exists()


def test_only_the_dreams_mogelijkmaker_accepts(granted, mogelijkmaker):
    report = services.accountability_submit(
        application=granted, by=granted.dream.resident, report="Klaar.", spent=Decimal("10")
    )
    other = StaffFactory(roles=[Role.ENABLER])  # not this dream's one face
    with pytest.raises(NotAllowed):
        services.accountability_accept(accountability=report, by=other)


def test_erasing_the_account_removes_the_photos_and_the_report_words(granted):
    resident = granted.dream.resident
    services.accountability_submit(
        application=granted,
        by=resident,
        report="Jan van nummer 12 heeft geholpen.",
        spent=Decimal("385.50"),
        receipt_uploads=[_upload()],
    )
    services.resident_erase(resident=resident)
    report = Accountability.objects.get()
    assert "Jan van nummer 12" not in report.report
    assert report.spent == Decimal("385.50")  # the fund's figures stay
    assert not AccountabilityFile.objects.exists()


def test_the_fund_is_untouched_by_accounting(granted):
    before = Fund.objects.get(pk=granted.fund_id).committed
    services.accountability_submit(
        application=granted, by=granted.dream.resident, report="Klaar.", spent=Decimal("10")
    )
    assert Fund.objects.get(pk=granted.fund_id).committed == before


def test_the_fund_overview_counts_what_is_paid_and_accounted_for(granted, manager, mogelijkmaker):
    from initiatives import selectors

    def wijkfonds():
        year = granted.fund.year
        return next(row for row in selectors.funds_overview(year=year) if row.name == "Wijkfonds")

    services.grant_mark_paid(grant=Grant.objects.get(dream=granted.dream), by=manager)
    report = services.accountability_submit(
        application=granted, by=granted.dream.resident, report="Klaar.", spent=Decimal("390")
    )
    row = wijkfonds()
    assert (row.granted, row.paid, row.accounted) == (Decimal("400"), Decimal("400"), 0)

    services.accountability_accept(accountability=report, by=mogelijkmaker)
    assert wijkfonds().accounted == Decimal("400.00")
