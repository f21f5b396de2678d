"""The demo data has one neighbourhood platform: a chair (the demo resident), members, an
agenda of three items and shared dreams of its village linked to them; run twice, once."""

import io

import pytest
from django.core.management import call_command

from initiatives import selectors
from initiatives.platform_models import AgendaItem, Platform, PlatformMember

pytestmark = pytest.mark.django_db


def test_the_demo_platform(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    for _ in range(2):
        call_command(
            "demo_data", "--i-know-this-is-not-production", "--quiet-accounts", stdout=io.StringIO()
        )
    platform = Platform.objects.get()
    assert platform.neighbourhood.name == "Vlijmen"
    roles = sorted(PlatformMember.objects.values_list("role", flat=True))
    assert roles == ["chair", "member", "member"]
    assert PlatformMember.objects.get(role="chair").user.email == "bewoner@heusden.example"
    assert AgendaItem.objects.filter(platform=platform).count() == 3
    agenda = selectors.platform_public_agenda(platform)
    # The flower boxes' resident shows their dream publicly: its title is on the public page.
    assert ["Bloembakken in de Hoogstraat"] in [entry.dream_titles for entry in agenda]
    assert sum(entry.other_dreams for entry in agenda) == 2
    assert len(selectors.platform_shared_dreams(platform)) == 3
