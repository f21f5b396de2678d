"""A neighbourhood with a platform (a chair, a member, a chair who left), its three kinds of
fund and an application to each, for the pages of deciding together (issue 16, item 4).
Imported as fixtures by the tests of those pages, on the platform's side and on staff's."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from accounts.roles import Role
from initiatives import services
from initiatives.models import (
    Application,
    BudgetLine,
    CriterionAnswer,
    Fund,
    Platform,
    PlatformMember,
)
from initiatives.statuses import Status
from tests.factories import DreamFactory, FundFactory, StaffFactory, UserFactory

SLUG = "wijkplatform-drunen"
ORGANISATION = "Vereniging Groen Drunen"
CONTACT_PERSON = "Karel Contactpersoon"
SIGNATORY = "Sietske Tekenaar"
RESIDENT_PHONE = "06-12345678"
RESIDENT_STREET = "Kerkstraat 12"


def make_application(dream, fund, *, lines=(("Plantenbakken", "300.00"), ("Koffie", "100.00"))):
    """An application by an association, with its budget lines and one criterion answered."""
    application = Application.objects.create(
        dream=dream,
        fund=fund,
        applicant=Application.Applicant.ORGANISATION,
        organisation_name=ORGANISATION,
        organisation_kind=Application.OrganisationKind.ASSOCIATION,
        kvk_number="12345678",
        contact_person=CONTACT_PERSON,
        signatory=SIGNATORY,
        signatory_role="penningmeester",
        own_money=Decimal("50.00"),
        own_hours=40,
        other_sources="De kerk geeft 100 euro.",
        requested=sum(Decimal(amount) for _what, amount in lines),
        submitted_by=dream.resident,
    )
    for position, (what, amount) in enumerate(lines):
        BudgetLine.objects.create(
            application=application, position=position, description=what, amount=Decimal(amount)
        )
    CriterionAnswer.objects.create(
        application=application,
        criterion="Het helpt de hele buurt",
        answer="Iedereen mag meedoen.",
    )
    return application


def make_dream(resident, neighbourhood, theme, contact, title):
    return DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        title=title,
        own_contribution="Wij planten en geven de bakken water.",
        contact_name="Anna de Bewoner",
        contact_phone=RESIDENT_PHONE,
        location=RESIDENT_STREET,
        status=Status.IN_CONVERSATION,
        contact=contact,
        picked_up_at=timezone.now(),
        first_contact_at=timezone.now(),
    )


@pytest.fixture
def platform(neighbourhood):
    return Platform.objects.create(
        neighbourhood=neighbourhood, name="Wijkplatform Drunen", slug=SLUG
    )


@pytest.fixture
def chair(platform):
    user = UserFactory(email="carla@drunen.example", full_name="Carla Voorzitter")
    PlatformMember.objects.create(platform=platform, user=user, role=PlatformMember.Role.CHAIR)
    return user


@pytest.fixture
def member(platform):
    user = UserFactory(email="mees@drunen.example", full_name="Mees Lid")
    PlatformMember.objects.create(platform=platform, user=user)
    return user


@pytest.fixture
def former_chair(platform):
    user = UserFactory(email="oud@drunen.example", full_name="Otto Oudvoorzitter")
    PlatformMember.objects.create(
        platform=platform, user=user, role=PlatformMember.Role.CHAIR, left_at=timezone.now()
    )
    return user


@pytest.fixture
def contact(db):
    """The MogelijkMaker who has the dreams."""
    return StaffFactory(
        email="sanne@heusden.example", full_name="Sanne de Vries", roles=[Role.ENABLER]
    )


@pytest.fixture
def other_enabler(db):
    return StaffFactory(
        email="mehmet@heusden.example", full_name="Mehmet Yilmaz", roles=[Role.ENABLER]
    )


@pytest.fixture
def comms(db):
    return StaffFactory(
        email="fleur@heusden.example", full_name="Fleur Jansen", roles=[Role.COMMUNICATIONS]
    )


@pytest.fixture
def manager(db):
    return StaffFactory(
        email="marco@heusden.example", full_name="Marco Bakker", roles=[Role.MANAGER]
    )


def _fund(neighbourhood, decider, name, amount="5000.00"):
    return FundFactory(
        name=name,
        neighbourhood=neighbourhood,
        decider=decider,
        amount=Decimal(amount),
        open_for_applications=True,
    )


@pytest.fixture
def funds(neighbourhood):
    return {
        "staff": _fund(None, Fund.Decider.STAFF, "Dromenfonds"),
        "advice": _fund(neighbourhood, Fund.Decider.STAFF_AFTER_ADVICE, "Denk mee-fonds"),
        "platform": _fund(neighbourhood, Fund.Decider.PLATFORM, "Doe mee-fonds"),
    }


@pytest.fixture
def applications(resident, neighbourhood, theme, contact, funds, chair):
    """One application waiting at each step: staff's decision, the platform's advice, the
    platform's decision, and a platform's decision waiting for the frame check."""
    made = {}
    for key, title in (
        ("staff", "Bankjes bij de kerk"),
        ("advice", "Groene speelplaats"),
        ("platform", "Buurtfeest in de zomer"),
        ("frame", "Bloembakken op het plein"),
    ):
        dream = make_dream(resident, neighbourhood, theme, contact, title)
        fund = funds["platform" if key == "frame" else key]
        made[key] = make_application(dream, fund)
    frame = made["frame"]
    services.application_decide(
        application=frame,
        by=chair,
        line_amounts={line.pk: line.amount for line in frame.lines.all()},
        reasons="Het platform is voor.",
    )
    return made


def signed_in(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
