"""No email address, token or name in any log line at any level (issue 13, item 9).

The probe saw the worker log recipients' addresses at INFO on every retry. This test runs a
whole journey with every logger at DEBUG — a resident signs in by link, hands in a dream, a
MogelijkMaker picks it up and writes, the mail server refuses and accepts again, the resident
is rate-limited, asks for pages that do not exist, and erases their account — and searches
every captured line, tracebacks included, for the resident's address, name, phone and tokens.
"""

import logging
import re

import pytest
from django.test import Client

from config.log_redaction import redact
from initiatives import services
from initiatives.models import Dream, OutboxMail
from initiatives.outbox.dispatch import dispatch
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

EMAIL = "geheim.adres@example.nl"
NAME = "Hendrika Vertrouwelijk"
PHONE = "06 11223344"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("to geheim.adres@example.nl failed", "to [e-mailadres] failed"),
        ("GET /inloggen/link/?sesame=AAAbc123&n=2", "GET /inloggen/link/?sesame=[token]&n=2"),
        ("/afmelden/eyJ1c2VyIjo1fQ:1v/ ok", "/afmelden/[token]/ ok"),
        ("Authorization: Bearer s3cr3t", "Authorization: Bearer [token]"),
        ("Bad Request: /partner/Ab-c_9/bericht/", "Bad Request: /partner/[token]/bericht/"),
    ],
)
def test_redaction(line, expected):
    assert redact(line) == expected


def test_a_whole_journey_logs_no_personal_data(
    caplog, smtp_server, settings, neighbourhood, theme, mogelijkmaker
):
    settings.REDIS_URL = ""
    settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "2/h"
    settings.MAIL_RETRY_BASE_SECONDS = 0
    caplog.set_level(logging.DEBUG)
    resident = UserFactory(email=EMAIL, full_name=NAME, phone=PHONE)
    client = Client()
    tokens = []

    client.post("/inloggen/", {"email": EMAIL})
    body = OutboxMail.objects.latest("pk").body_text
    link = re.search(r"https?://\S+/inloggen/link/\?\S+", body).group(0)
    tokens.append(re.search(r"sesame=([^&]+)", link).group(1))
    client.get("/" + link.split("://", 1)[1].split("/", 1)[1])
    client.post("/inloggen/", {"email": EMAIL})
    client.post("/inloggen/", {"email": EMAIL.upper()})  # rate-limited: 429
    client.post(
        "/dromen/nieuw/",
        {
            "title": "Bankje",
            "story": "Verhaal",
            "own_contribution": "Ik verf",
            "needs_from_municipality": "Geld",
            "neighbourhood": neighbourhood.pk,
            "theme": theme.pk,
            "contact_name": NAME,
            "contact_phone": PHONE,
        },
    )
    dream = Dream.objects.get(resident=resident)
    services.dream_pick_up(dream=dream, by=mogelijkmaker)
    smtp_server.refuse("550 5.1.1 <geheim.adres@example.nl>: Recipient address rejected")
    services.dream_send_message(dream=dream, by=mogelijkmaker, body="Ik bel je morgen.")
    dispatch(in_process=True)  # each refused try is logged, with the server's words
    assert OutboxMail.objects.filter(state=OutboxMail.State.FAILED).exists()
    smtp_server.accept()
    client.get("/dromen/999999/")  # 404
    client.get(f"/medewerkers/dromen/{dream.pk}/")  # a resident on the staff side: 404
    client.post("/mijn-gegevens/verwijderen/", {"confirm": "on"})

    text = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 10  # the journey did log: the search below means something
    for secret in [EMAIL, EMAIL.upper(), NAME, PHONE, *tokens]:
        assert secret.lower() not in text.lower(), secret
