"""Mail bombing by address variants, and forced sign-out by a stranger (issue 13, item 4).

The probe sent 12 link mails to one inbox in seconds by varying case and spaces
(``VICTIM@…``, `` victim@…``): the per-address limit was keyed on the raw POST value. And
each link request reset the password hash, so a stranger's request ended every session of
the resident. Now addresses are normalised before every limit and lookup, and a link request
never ends a session (the newest link still is the only one that works).
"""

import re

import pytest
from django.core import mail
from django.test import Client

from accounts.addresses import email_normalise
from accounts.models import User
from initiatives.models import OutboxMail

pytestmark = pytest.mark.django_db

VARIANTS = [
    "victim@example.nl",
    "VICTIM@example.nl",
    " victim@example.nl",
    "victim@example.nl ",
    "Victim@Example.NL",
    "victim@EXAMPLE.nl",
    "\tvictim@example.nl",
    "ViCtIm@example.nl",
    "victim@example.nL",
    "VICTIM@EXAMPLE.NL",
    " Victim@example.nl ",
    "vIctim@example.nl",
]


def _link_from(message) -> str:
    match = re.search(r"https?://\S+/inloggen/link/\?sesame=\S+", message.body)
    assert match, message.body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


@pytest.mark.parametrize("raw", VARIANTS)
def test_every_variant_normalises_to_one_address(raw):
    assert email_normalise(raw) == "victim@example.nl"


def test_case_and_space_variants_share_one_limit(settings, django_capture_on_commit_callbacks):
    settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "5/h"
    settings.RATELIMIT_SIGN_IN_PER_IP = "100/h"
    answers = []
    with django_capture_on_commit_callbacks(execute=True):
        for raw in VARIANTS:
            answers.append(Client().post("/inloggen/", {"email": raw}).status_code)
    assert answers.count(302) == 5
    assert answers.count(429) == len(VARIANTS) - 5
    assert OutboxMail.objects.filter(to_email="victim@example.nl").count() == 5
    assert User.objects.filter(email__iexact="victim@example.nl").count() == 1


def test_the_dream_form_shares_the_same_limit(settings, neighbourhood, theme):
    settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "2/h"
    settings.RATELIMIT_DREAM_PER_IP = "100/h"
    statuses = [Client().post("/dromen/nieuw/", {"email": raw}).status_code for raw in VARIANTS[:4]]
    assert statuses[2:] == [429, 429]


def test_a_strangers_link_request_does_not_end_the_residents_session(
    resident, django_capture_on_commit_callbacks
):
    own = Client()
    with django_capture_on_commit_callbacks(execute=True):
        own.post("/inloggen/", {"email": resident.email})
    assert own.get(_link_from(mail.outbox[-1])).status_code == 302
    assert own.get("/mijn-dromen/").status_code == 200

    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/inloggen/", {"email": resident.email.upper()})
    assert own.get("/mijn-dromen/").status_code == 200  # still signed in


def test_only_the_newest_link_signs_in(resident, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/inloggen/", {"email": resident.email})
        Client().post("/inloggen/", {"email": resident.email})
    older, newer = _link_from(mail.outbox[-2]), _link_from(mail.outbox[-1])
    assert Client().get(older).status_code == 400
    client = Client()
    assert client.get(newer).status_code == 302
    assert client.get("/mijn-dromen/").status_code == 200
    client.logout()
    assert client.get(newer).status_code == 400  # used once
