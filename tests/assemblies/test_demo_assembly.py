"""The demo's citizens' assembly (issue 18): made through the services, once; its
invitation lottery checks out with the verification command, and six letters are unused."""

import io

import pytest
from django.core.management import call_command

from initiatives import assembly_codes, services
from initiatives.assembly_models import Assembly, Invitation, Participant, PublicDraw

pytestmark = pytest.mark.django_db


def test_the_demo_assembly(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for _ in range(2):
        call_command(
            "demo_data", "--i-know-this-is-not-production", "--quiet-accounts", stdout=io.StringIO()
        )
    assembly = Assembly.objects.get(slug="drunen")
    assert assembly.stage == Assembly.Stage.INVITING
    assert Invitation.objects.filter(assembly=assembly).count() == 20
    assert Participant.objects.filter(assembly=assembly).count() == 14
    assert assembly.features.count() == 3
    draw = PublicDraw.objects.get(assembly=assembly, kind=PublicDraw.Kind.INVITATIONS)
    out = io.StringIO()
    call_command("assembly_draw_verify", "--draw", str(draw.pk), stdout=out)
    assert "Zelfde uitkomst als gepubliceerd: ja" in out.getvalue()
    # A resident can still register with the code of letter 15.
    code = assembly_codes.code_for(draw_id=draw.pk, position=15)
    assert services.registration_code_check(assembly=assembly, code=code).position == 15
