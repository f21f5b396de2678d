"""A MogelijkMaker's dream in conversation, a housing corporation, and its link to the dream."""

import pytest

from initiatives import services
from initiatives.partner_models import Organisation
from tests.staff import conftest as staff

# The staff fixtures, for these tests too.
_fast_passwords = staff._fast_passwords
administrator, comms, manager = staff.administrator, staff.comms, staff.manager
enabler, second_enabler, roleless_staff = staff.enabler, staff.second_enabler, staff.roleless_staff
picked_up, in_conversation = staff.picked_up, staff.in_conversation


def make_organisation(one_face, name="Woonstichting Heusden Thuis", **kwargs) -> Organisation:
    values = {
        "kind": Organisation.Kind.HOUSING,
        "contact_name": "Ellen Bosch",
        "contact_email": "e.bosch@heusdenthuis.example",
        "contact_phone": "073 123 45 67",
        "one_face": one_face,
        **kwargs,
    }
    return Organisation.objects.create(name=name, **values)


@pytest.fixture
def organisation(enabler):
    return make_organisation(enabler)


@pytest.fixture
def sent(in_conversation, organisation, enabler):
    """The housing corporation invited to the dream: (invitation, link, renewed)."""
    return services.partner_invite(
        dream=in_conversation, organisation=organisation, by=enabler, message="Doen jullie mee?"
    )


@pytest.fixture
def token(sent) -> str:
    return sent.link.rstrip("/").rsplit("/", 1)[1]


@pytest.fixture
def link(sent) -> str:
    from urllib.parse import urlsplit

    return urlsplit(sent.link).path
