"""The outbox's own message bytes (initiatives/outbox/message.py) against Django's message.

Both are read back by Python's email parser: the same headers in the same order with the same
values, the same parts with the same content. Anything outside the plain shape gets None, so
that Django's message is sent (and refused by Django where it refuses).
"""

import email
import email.policy
from email.utils import parsedate_to_datetime

import pytest
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from config.mail_backends import SMTPBackend
from config.mailbox import MailboxBackend
from initiatives.models import OutboxMail
from initiatives.outbox import delivery
from initiatives.outbox.message import MAX_LINE, envelope_sender, outbox_bytes, outbox_message
from tests.initiatives import failing_mail

DUTCH = "Nieuw bericht van de inwoner: “Moestuin in de Voorstraat” — café één"
HTML = '<p>Hallo &amp; welkom, <a href="https://dromen.example/d/3/">open</a> “de droom”</p>\n'
LONG_LINE = "Een heel lange regel zonder einde " * 6

CASES = {
    "ascii": ("Je inloglink", "Hallo,\n\nKlik hier.\n", HTML),
    "dutch": (DUTCH, f"De droom {DUTCH} heeft een bericht.\n\nGroet\n", HTML),
    "long ascii subject": ("Status " + "x" * 90, "Kort.\n", HTML),
    "encoded-word lookalike": ("Let op =?utf-8?b?SGFsbG8=?= hier", "Tekst\n", ""),
    "hostile": ("<script>alert(1)</script>", '<script>alert("x")</script>\n', HTML),
    "emoji across words": ("🎉" * 30, "Feest 🎉\n", ""),
    "long lines and odd spaces": (
        "Lang",
        f"{LONG_LINE}\nspatie aan het eind   \n.punt\nFrom mij\n",
        "",
    ),
    "crlf and no final line end": ("Regels", "een\r\ntwee\r\ndrie", HTML),
    "text only": ("Alleen tekst", "Geen HTML.\n", ""),
}
# Django sends "=?...?=" in a subject as it is, so that readers decode it: "Let op Hallo
# hier". The outbox's bytes keep the subject as written.
KEPT_AS_WRITTEN = {"encoded-word lookalike"}


def _row(subject: str, text: str, html: str, to: str = "buur@example.nl") -> OutboxMail:
    return OutboxMail(pk=42, to_email=to, subject=subject, body_text=text, body_html=html)


def _parsed(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
@pytest.mark.parametrize("case", list(CASES))
def test_the_bytes_read_back_as_djangos_message(case, linesep):
    row = _row(*CASES[case])
    ours = _parsed(outbox_bytes(row, linesep=linesep))
    # As Django's SMTP backend serialises it (CRLF), or its mailbox (LF).
    policy = email.policy.SMTP if linesep == "\r\n" else email.policy.default
    django = _parsed(outbox_message(row).message(policy=policy).as_bytes())

    assert list(ours.keys()) == list(django.keys())
    for name in ("MIME-Version", "From", "To", "X-Outbox-Id"):
        assert ours[name] == django[name], name
    assert ours["Subject"] == row.subject
    assert (ours["Subject"] == django["Subject"]) is (case not in KEPT_AS_WRITTEN)
    assert ours.get_content_type() == django.get_content_type()
    assert parsedate_to_datetime(ours["Date"]).tzinfo is not None
    assert ours["Message-ID"].startswith("<") and ours["Message-ID"].endswith(">")
    assert ours["Message-ID"] != django["Message-ID"]
    ours_parts = [part for part in ours.walk() if not part.is_multipart()]
    django_parts = [part for part in django.walk() if not part.is_multipart()]
    assert [part.get_content_type() for part in ours_parts] == [
        part.get_content_type() for part in django_parts
    ]
    for mine, theirs in zip(ours_parts, django_parts, strict=True):
        assert mine.get_content_charset() == "utf-8"
        assert mine.get_content() == theirs.get_content()
    assert [part.defects for part in ours.walk()] == [[] for _ in ours.walk()]


@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
@pytest.mark.parametrize("case", list(CASES))
def test_every_line_is_short_ascii_and_ends_as_asked(case, linesep):
    raw = outbox_bytes(_row(*CASES[case]), linesep=linesep)
    assert raw.isascii()
    assert raw.endswith(linesep.encode())
    lines = raw.split(linesep.encode())
    assert all(len(line) <= MAX_LINE for line in lines)
    if linesep == "\r\n":
        assert b"\n" not in raw.replace(b"\r\n", b"")  # no bare line feeds for SMTP


@pytest.mark.parametrize(
    "to",
    [
        "buur@bücher.example",  # IDNA: Django encodes the domain
        "bür@example.nl",  # a local part Django refuses over SMTP
        '"buur met spatie"@example.nl',
        "anna@example.nl\r\nBcc: iedereen@example.nl",  # header injection
        "Anna <anna@example.nl>",
        "zonder-apenstaartje",
    ],
)
def test_an_address_outside_the_plain_shape_goes_to_djangos_message(to):
    assert outbox_bytes(_row("Onderwerp", "Tekst\n", "", to=to)) is None


def test_a_subject_with_a_line_break_goes_to_djangos_message():
    assert outbox_bytes(_row("Onderwerp\r\nBcc: x@example.nl", "Tekst\n", "")) is None


def test_a_mail_without_text_goes_to_djangos_message():
    assert outbox_bytes(_row("Onderwerp", "", HTML)) is None


def test_a_sender_django_refuses_goes_to_djangos_message(settings):
    settings.DEFAULT_FROM_EMAIL = "Dromen.Doen <dromen@heusden.example>"  # unquoted period
    assert envelope_sender() is None
    assert outbox_bytes(_row("Onderwerp", "Tekst\n", "")) is None


def test_the_envelope_sender_is_the_from_address(settings):
    settings.DEFAULT_FROM_EMAIL = '"Gem. Heusden" <dromen@heusden.nl>'
    assert envelope_sender() == "dromen@heusden.nl"
    raw = outbox_bytes(_row("Onderwerp", "Tekst\n", ""))
    assert _parsed(raw)["From"] == '"Gem. Heusden" <dromen@heusden.nl>'


@pytest.mark.parametrize(
    ("backend", "takes_bytes"),
    [
        (SMTPBackend, True),
        (MailboxBackend, True),
        (LocmemBackend, False),  # tests read Django's messages from mail.outbox
        # Test doubles that change send_messages alone must see every message.
        (failing_mail.CountingBackend, False),
        (failing_mail.FlakyBackend, False),
        (failing_mail.RefusingBackend, False),
    ],
)
def test_only_a_backend_whose_send_raw_matches_its_send_messages_is_sent_bytes(
    backend, takes_bytes
):
    assert delivery._takes_raw(backend) is takes_bytes
