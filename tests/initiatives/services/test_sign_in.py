"""Residents' accounts and sign-in links (services/sign_in.py)."""

import pytest
from django.core import mail

from initiatives import services

pytestmark = pytest.mark.django_db


class TestSignInLink:
    def test_unknown_address_gets_an_account_and_a_link(self, django_capture_on_commit_callbacks):
        from accounts.models import User

        with django_capture_on_commit_callbacks(execute=True):
            services.sign_in_link_send(email="Nieuw@Example.NL")
        user = User.objects.get(email="nieuw@example.nl")
        assert not user.has_usable_password()
        assert [m.to for m in mail.outbox] == [["nieuw@example.nl"]]
        assert "/inloggen/link/?sesame=" in mail.outbox[0].body

    def test_known_address_gets_the_same_kind_of_mail(
        self, resident, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.sign_in_link_send(email=resident.email)
        assert [m.to for m in mail.outbox] == [[resident.email]]
