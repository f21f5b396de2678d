"""The demo data has partner organisations of every kind, the demo MogelijkMaker their one
face, and the housing corporation invited to one of her open dreams; run twice, once."""

import io

import pytest
from django.core.management import call_command

from initiatives import selectors
from initiatives.models import EventKind, TimelineEvent
from initiatives.partner_models import Organisation, PartnerInvitation
from initiatives.statuses import is_open

pytestmark = pytest.mark.django_db

NAMES = {
    "Woonstichting Heusden Thuis": "housing",
    "Basisschool De Vlinder": "school",
    "Bouwmarkt Van Dijk": "business",
    "Welzijn Heusden": "care",
    "Stichting Groen Vlijmen": "association",
    "Ondernemersvereniging Drunen": "other",
}


def test_the_demo_partners(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    outputs = []
    for _ in range(2):
        out = io.StringIO()
        call_command("demo_data", "--i-know-this-is-not-production", "--quiet-accounts", stdout=out)
        outputs.append(out.getvalue())
    assert dict(Organisation.objects.values_list("name", "kind")) == NAMES
    assert set(Organisation.Kind.values) == set(NAMES.values())
    faces = set(Organisation.objects.values_list("one_face__email", flat=True))
    assert faces == {"sanne.devries@heusden.example"}
    invitation = PartnerInvitation.objects.select_related("dream", "organisation").get()
    assert invitation.organisation.name == "Woonstichting Heusden Thuis"
    assert invitation.dream.contact.email == "sanne.devries@heusden.example"
    assert is_open(invitation.dream)
    assert selectors.partner_link_problem(invitation) is None
    assert TimelineEvent.objects.filter(kind=EventKind.PARTNER_INVITED).count() == 1
    # The link is printed the first time: it opens the partner's page.
    assert "/partner/" in outputs[0] and "/partner/" not in outputs[1]
    assert [h.name for h in selectors.dream_helpers(invitation.dream)] == [
        "Woonstichting Heusden Thuis"
    ]
