import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailbox(settings):
    """The embedded default on a developer's machine: anyone may read the mailbox."""
    settings.MAILERS = {"default": {"BACKEND": "config.mailbox.MailboxBackend"}}
    settings.DEBUG = True  # pytest-django turns it off


def test_sent_mail_can_be_read_and_its_link_clicked(client, mailbox, settings):
    mail.send_mail(
        "Je link om in te loggen",
        "Klik hier: http://127.0.0.1:8000/inloggen/link/?sesame=abc&next=%2F",
        None,
        ["anna@example.nl"],
    )
    listing = client.get("/dev/mailbox/")
    assert listing.status_code == 200
    assert "Je link om in te loggen" in listing.content.decode()

    mail_id = next(settings.MAILBOX_DIR.glob("*.eml")).stem
    detail = client.get(f"/dev/mailbox/{mail_id}/").content.decode()
    assert '<a href="http://127.0.0.1:8000/inloggen/link/?sesame=abc&amp;next=%2F"' in detail


def test_newest_mail_comes_first(client, mailbox):
    mail.send_mail("Eerste", "1", None, ["a@example.nl"])
    mail.send_mail("Tweede", "2", None, ["a@example.nl"])
    content = client.get("/dev/mailbox/").content.decode()
    assert content.index("Tweede") < content.index("Eerste")


def test_unknown_mail_answers_404(client, mailbox):
    assert client.get("/dev/mailbox/bestaat-niet/").status_code == 404


def test_html_in_a_mail_is_shown_as_text(client, mailbox, settings):
    mail.send_mail("Onderwerp", "<script>alert(1)</script>", None, ["a@example.nl"])
    mail_id = next(settings.MAILBOX_DIR.glob("*.eml")).stem
    detail = client.get(f"/dev/mailbox/{mail_id}/").content.decode()
    assert "<script>alert(1)</script>" not in detail


def test_a_host_not_allowed_gets_the_400_page_while_the_mailbox_is_on(client, mailbox, settings):
    """The request is refused before the middleware gives it a user; the footer's check of
    who may read the mailbox must not turn the 400 page into a 500."""
    settings.DEBUG = False
    response = client.get("/", HTTP_HOST="elders.example")
    assert response.status_code == 400
