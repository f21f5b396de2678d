"""The resident's rights: see and download what the portal holds, and erase the account."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationMode, User
from initiatives import services
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Dream,
    DreamPhoto,
    EventKind,
    OutboxMail,
    RetentionLog,
    TimelineEvent,
)
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import DreamFactory
from tests.initiatives.outbox.retries import setup_mail_sent

pytestmark = pytest.mark.django_db

MY_DATA = "/mijn-gegevens/"
DOWNLOAD = "/mijn-gegevens/download.json"
OVERVIEW = "/mijn-gegevens/overzicht/"
ERASE = "/mijn-gegevens/verwijderen/"
ERASED = "/mijn-gegevens/verwijderd/"

RESIDENT_MESSAGE = "Ik ben 's avonds thuis, bel gerust na zevenen."
STAFF_MESSAGE = "Fijn! Ik bel je donderdag."
INTERNAL_NOTE = "Intern: buurman heeft eerder geklaagd over overlast."
CONTACT_SUMMARY = "Gebeld; Anna wil ook een picknicktafel."
OTHER_MESSAGE = "Bericht van Bert over zijn eigen droom."


def _photo(name: str = "vijver.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


@pytest.fixture
def world(
    resident,
    other_resident,
    mogelijkmaker,
    neighbourhood,
    theme,
    django_capture_on_commit_callbacks,
):
    """Anna's open dream (picked up, with a photo and messages both ways, an internal note and a
    contact moment), Anna's realised dream, and Bert's own dream with a photo and a message."""
    resident.phone = "0612345678"
    resident.save(update_fields=["phone"])
    with django_capture_on_commit_callbacks(execute=True):
        open_dream = services.dream_submit(
            resident=resident,
            title="Bankje bij de vijver",
            story="Ouderen willen daar even zitten.",
            own_contribution="Ik verf het bankje.",
            needs_from_municipality="Een bankje.",
            neighbourhood=neighbourhood,
            theme=theme,
            location="Vijverlaan 3",
            contact_name="Anna de Bewoner",
            contact_phone="06 12345678",
            photo_uploads=[_photo()],
            confirmed=True,
        )
        services.dream_pick_up(dream=open_dream, by=mogelijkmaker)
        services.dream_log_contact(
            dream=open_dream,
            by=mogelijkmaker,
            kind="phone",
            on=timezone.localdate(),
            summary=CONTACT_SUMMARY,
        )
        services.dream_send_message(dream=open_dream, by=mogelijkmaker, body=STAFF_MESSAGE)
        services.dream_message_from_resident(dream=open_dream, by=resident, body=RESIDENT_MESSAGE)
        services.dream_add_note(dream=open_dream, by=mogelijkmaker, body=INTERNAL_NOTE)
        others = services.dream_submit(
            resident=other_resident,
            title="Moestuin van Bert",
            story="Een moestuin voor de straat.",
            own_contribution="Ik spit de grond om.",
            needs_from_municipality="Een stuk grond.",
            neighbourhood=neighbourhood,
            theme=theme,
            location="Tuinstraat 9",
            contact_name="Bert Buurman",
            contact_phone="06 98765432",
            photo_uploads=[_photo("moestuin.png")],
            confirmed=True,
        )
        services.dream_pick_up(dream=others, by=mogelijkmaker)
        services.dream_message_from_resident(dream=others, by=other_resident, body=OTHER_MESSAGE)
    realised = DreamFactory(
        resident=resident,
        neighbourhood=neighbourhood,
        theme=theme,
        title="Speeltuin in Drunen",
        story="Een speeltuin voor de kinderen.",
        status=Status.REALISED,
        closed_at=timezone.now() - timedelta(days=30),
        show_publicly=True,
        contact_name="Anna",
        contact_phone="06 12345678",
        location="Kerkplein",
    )
    DreamPhoto.objects.create(
        dream=realised, image=_photo("speeltuin.png"), content_type="image/png", width=40, height=30
    )
    return {"open": open_dream, "realised": realised, "others": others}


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- who may open what ---------------------------------------------------------------------------


@pytest.mark.parametrize("url", [MY_DATA, DOWNLOAD, OVERVIEW, ERASE])
def test_every_page_asks_to_sign_in_first(client, url):
    response = client.get(url)
    assert response.status_code == 302
    parts = urlsplit(response["Location"])
    assert parts.path == reverse("residents:sign_in")
    assert parse_qs(parts.query)["next"] == [url]


def test_an_anonymous_post_erases_nothing(client, resident):
    response = client.post(ERASE, {"confirm": "on"})
    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("residents:sign_in")
    resident.refresh_from_db()
    assert resident.is_active
    assert resident.email == "anna@example.nl"


def test_the_url_names(resident):
    assert reverse("residents:my_data") == MY_DATA
    assert reverse("residents:my_data_download") == DOWNLOAD
    assert reverse("residents:my_data_overview") == OVERVIEW
    assert reverse("residents:my_data_erase") == ERASE
    assert reverse("residents:privacy") == "/privacy/"


def test_the_download_and_overview_only_answer_get(resident):
    client = _signed_in(resident)
    assert client.post(DOWNLOAD).status_code == 405
    assert client.post(OVERVIEW).status_code == 405


def test_photo_links_of_the_export_open_only_for_their_resident(world, resident, other_resident):
    data = _signed_in(resident).get(DOWNLOAD).json()
    url = data["dreams"][-1]["photos"][0]["url"]
    path = urlsplit(url).path
    assert _signed_in(resident).get(path).status_code == 200
    assert _signed_in(other_resident).get(path).status_code == 404


# --- the page that explains ----------------------------------------------------------------------


def test_the_page_explains_what_is_kept_and_links_to_every_right(resident, settings):
    settings.RETENTION_MONTHS = 7
    response = _signed_in(resident).get(MY_DATA)
    assert response.status_code == 200
    content = response.content.decode()
    for url in (DOWNLOAD, OVERVIEW, ERASE, "/privacy/", "/mijn-gegevens/meldingen/"):
        assert f'href="{url}"' in content, url
    assert " 7 " in content  # the retention period, read from the setting
    assert "no-store" in response["Cache-Control"]


def test_my_dreams_links_to_my_data(resident):
    assert f'href="{MY_DATA}"' in _signed_in(resident).get("/mijn-dromen/").content.decode()


# --- the download ---------------------------------------------------------------------------------


def test_the_download_holds_the_account_every_dream_its_timeline_photos_and_messages(
    world, resident, mogelijkmaker
):
    response = _signed_in(resident).get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)

    account = data["account"]
    assert account["email"] == "anna@example.nl"
    assert account["full_name"] == "Anna de Bewoner"
    assert account["phone"] == "0612345678"
    assert account["language"] == "nl"
    assert account["notification_mode"] == NotificationMode.IMMEDIATE
    assert account["date_joined"].startswith(str(resident.date_joined.year))

    by_title = {dream["title"]: dream for dream in data["dreams"]}
    assert set(by_title) == {"Bankje bij de vijver", "Speeltuin in Drunen"}
    dream = by_title["Bankje bij de vijver"]
    assert dream["number"] == world["open"].pk
    assert dream["story"] == "Ouderen willen daar even zitten."
    assert dream["own_contribution"] == "Ik verf het bankje."
    assert dream["needs_from_municipality"] == "Een bankje."
    assert dream["location"] == "Vijverlaan 3"
    assert dream["contact_name"] == "Anna de Bewoner"
    assert dream["contact_phone"] == "06 12345678"
    assert dream["neighbourhood"] == "Drunen"
    assert dream["theme"] == "Groen"
    assert dream["status"] == Status.IN_CONVERSATION
    assert dream["mogelijkmaker"] == "Mo El Amrani"

    photo = DreamPhoto.objects.get(dream=world["open"])
    assert dream["photos"] == [
        {
            "number": photo.pk,
            "url": "http://127.0.0.1:8000"
            + reverse("residents:dream_photo", args=[world["open"].pk, photo.pk]),
            "content_type": "image/png",
            "width": 40,
            "height": 30,
            "added_at": dream["photos"][0]["added_at"],
        }
    ]
    kinds = [event["kind"] for event in dream["timeline"]]
    assert kinds[0] == EventKind.SUBMITTED
    assert EventKind.MESSAGE_TO_RESIDENT in kinds
    assert EventKind.MESSAGE_FROM_RESIDENT in kinds
    assert [(m["by"], m["text"]) for m in dream["messages"]] == [
        ("Mo El Amrani", STAFF_MESSAGE),
        ("jij", RESIDENT_MESSAGE),
    ]
    assert [m["subject"] for m in data["emails"]]  # the mails the portal sent her
    assert {m["to"] for m in data["emails"]} == {"anna@example.nl"}


def test_the_download_leaves_out_internal_work_staff_addresses_and_other_residents(
    world, resident, mogelijkmaker, other_resident
):
    text = _signed_in(resident).get(DOWNLOAD).content.decode()
    for secret in (
        INTERNAL_NOTE,
        CONTACT_SUMMARY,
        mogelijkmaker.email,
        other_resident.email,
        "Moestuin van Bert",
        OTHER_MESSAGE,
        "Tuinstraat 9",
        "06 98765432",
    ):
        assert secret not in text, secret
    kinds = {event["kind"] for dream in json.loads(text)["dreams"] for event in dream["timeline"]}
    assert EventKind.NOTE not in kinds
    assert EventKind.CONTACT_MOMENT not in kinds


def test_the_export_reads_in_a_fixed_number_of_queries(
    world, resident, django_assert_max_num_queries
):
    client = _signed_in(resident)
    with django_assert_max_num_queries(10) as few:
        client.get(DOWNLOAD)
    for number in range(5):
        dream = DreamFactory(resident=resident, neighbourhood=world["open"].neighbourhood)
        TimelineEvent.objects.create(
            dream=dream, kind=EventKind.MESSAGE_FROM_RESIDENT, public=True, actor=resident, body="x"
        )
        DreamPhoto.objects.create(
            dream=dream,
            image=f"dream-photos/{number}.png",
            content_type="image/png",
            width=1,
            height=1,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DOWNLOAD)


# --- the readable overview ----------------------------------------------------------------------


def test_the_overview_shows_the_same_data_as_a_page(world, resident):
    response = _signed_in(resident).get(OVERVIEW)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode()
    photo = DreamPhoto.objects.get(dream=world["open"])
    for text in (
        "anna@example.nl",
        "0612345678",
        "Bankje bij de vijver",
        "Speeltuin in Drunen",
        "Vijverlaan 3",
        "Mo El Amrani",
        STAFF_MESSAGE,
        "s avonds thuis",  # RESIDENT_MESSAGE, with its quote escaped
        f'src="{reverse("residents:dream_photo", args=[world["open"].pk, photo.pk])}"',
    ):
        assert text in content, text
    for secret in (INTERNAL_NOTE, CONTACT_SUMMARY, "Moestuin van Bert", "mo@heusden.example"):
        assert secret not in content, secret


# --- erasing the account ------------------------------------------------------------------------


def test_the_erase_page_explains_and_asks_to_confirm(world, resident):
    response = _signed_in(resident).get(ERASE)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="confirm"' in content
    assert 'type="checkbox"' in content
    assert "Bankje bij de vijver" in content  # named: it will be withdrawn
    assert "Speeltuin in Drunen" not in content  # realised: not withdrawn
    assert f'href="{DOWNLOAD}"' in content
    resident.refresh_from_db()
    assert resident.is_active  # asking changes nothing


def test_without_the_tick_nothing_is_erased(world, resident):
    response = _signed_in(resident).post(ERASE, {})
    assert response.status_code == 400
    assert response.context["form"].errors["confirm"]
    resident.refresh_from_db()
    assert resident.is_active
    assert resident.email == "anna@example.nl"
    assert Dream.objects.get(pk=world["open"].pk).status == Status.IN_CONVERSATION


def test_erasing_removes_the_personal_data_and_ends_the_session(
    world, resident, other_resident, mogelijkmaker, django_capture_on_commit_callbacks
):
    open_dream, realised, others = world["open"], world["realised"], world["others"]
    photo_names = list(
        DreamPhoto.objects.filter(dream__resident=resident).values_list("image", flat=True)
    )
    assert len(photo_names) == 2
    assert all(default_storage.exists(name) for name in photo_names)
    other_photo = DreamPhoto.objects.get(dream=others).image.name
    client = _signed_in(resident)
    elsewhere = _signed_in(resident)  # the same resident on another device
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(ERASE, {"confirm": "on"})

    assert response.status_code == 302
    assert response["Location"] == ERASED
    confirmation = client.get(ERASED)
    assert confirmation.status_code == 200
    # Signed out here and on the other device.
    for device in (client, elsewhere):
        assert urlsplit(device.get("/mijn-dromen/")["Location"]).path == reverse(
            "residents:sign_in"
        )

    account = User.objects.get(pk=resident.pk)
    assert account.email.startswith("verwijderd-")
    assert account.email.endswith("@invalid")
    assert account.full_name == account.phone == ""
    assert not account.has_usable_password()
    assert not account.is_active

    open_dream.refresh_from_db()
    assert open_dream.status == Status.WITHDRAWN  # withdrawn first
    assert open_dream.contact_name == open_dream.contact_phone == open_dream.location == ""
    assert open_dream.title != "Bankje bij de vijver"  # not kept: its story goes too
    assert "Ouderen" not in open_dream.story
    withdrawal = open_dream.events.get(to_status=Status.WITHDRAWN)
    assert withdrawal.actor_id == resident.pk
    assert withdrawal.body  # a neutral reason, for the MogelijkMaker
    assert [m.to for m in mail.outbox] == [[mogelijkmaker.email]]  # told of the withdrawal

    realised.refresh_from_db()
    assert realised.title == "Speeltuin in Drunen"  # the municipality keeps it
    assert realised.story == "Een speeltuin voor de kinderen."
    assert realised.contact_name == realised.contact_phone == realised.location == ""
    assert not realised.show_publicly
    assert realised.anonymised_at is not None

    bodies = list(TimelineEvent.objects.values_list("body", flat=True))
    assert RESIDENT_MESSAGE not in bodies
    assert STAFF_MESSAGE in bodies  # the MogelijkMaker's own text stays
    message = open_dream.events.get(kind=EventKind.MESSAGE_FROM_RESIDENT)
    assert message.body and message.actor_id == resident.pk  # the event itself stays

    assert not DreamPhoto.objects.filter(dream__resident=resident).exists()
    assert not any(default_storage.exists(name) for name in photo_names)
    assert not OutboxMail.objects.filter(to_email="anna@example.nl").exists()

    logs = RetentionLog.objects.filter(reason=RetentionLog.Reason.ERASURE)
    assert {log.dream_id for log in logs} == {open_dream.pk, realised.pk, None}
    assert logs.get(dream=realised).photos == 1
    assert sorted(logs.get(dream=realised).fields) == sorted(
        ["contact_name", "contact_phone", "location", "show_publicly"]
    )
    assert logs.get(dream=None).account_id == resident.pk

    # Bert is untouched.
    other_resident.refresh_from_db()
    others.refresh_from_db()
    assert other_resident.email == "bert@example.nl" and other_resident.is_active
    assert others.contact_phone == "06 98765432" and others.location == "Tuinstraat 9"
    assert others.events.filter(body=OTHER_MESSAGE).exists()
    assert default_storage.exists(other_photo)
    assert DreamPhoto.objects.filter(dream=others).count() == 1


def test_the_files_stay_when_the_erasure_rolls_back(
    world, resident, monkeypatch, django_capture_on_commit_callbacks
):
    """The files go on commit: a failure late in the erasure leaves rows and files together."""
    names = list(
        DreamPhoto.objects.filter(dream__resident=resident).values_list("image", flat=True)
    )

    def fail(self):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(User, "set_unusable_password", fail)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        services.resident_erase(resident=resident)
    assert DreamPhoto.objects.filter(dream__resident=resident).count() == 2
    assert all(default_storage.exists(name) for name in names)


def test_after_erasing_the_old_address_can_sign_up_fresh(
    world, resident, django_capture_on_commit_callbacks
):
    _signed_in(resident).post(ERASE, {"confirm": "on"})
    client = Client()
    setup_mail_sent()  # the world's mails, sent at their commits
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/inloggen/", {"email": "anna@example.nl"})
    assert response.status_code == 302
    fresh = User.objects.get(email="anna@example.nl")
    assert fresh.pk != resident.pk
    assert fresh.is_active
    assert [m.to for m in mail.outbox] == [["anna@example.nl"]]
    link = mail.outbox[0].body.split("http://127.0.0.1:8000", 1)[1].split()[0]
    assert client.get(link).status_code == 302
    page = client.get("/mijn-dromen/").content.decode()
    assert "Bankje bij de vijver" not in page  # a fresh start: the old dreams are not hers
    assert "Speeltuin in Drunen" not in page


def test_a_second_erasure_is_refused(resident):
    services.resident_erase(resident=resident)
    resident.refresh_from_db()
    with pytest.raises(NotAllowed):
        services.resident_erase(resident=resident)


def test_staff_cannot_erase_their_account_here(mogelijkmaker):
    client = _signed_in(mogelijkmaker)
    page = client.get(ERASE)
    assert page.status_code == 200
    assert 'name="confirm"' not in page.content.decode()
    assert client.post(ERASE, {"confirm": "on"}).status_code == 403
    mogelijkmaker.refresh_from_db()
    assert mogelijkmaker.is_active
    assert mogelijkmaker.email == "mo@heusden.example"


# --- the privacy statement ---------------------------------------------------------------------


def test_the_privacy_statement_says_what_how_long_the_rights_and_whom_to_ask(client, settings):
    settings.RETENTION_MONTHS = 18
    settings.AUDIT_RETENTION_MONTHS = 30
    settings.PRIVACY_CONTACT_EMAIL = "fg@heusden.example"
    response = client.get("/privacy/")
    assert response.status_code == 200
    content = response.content.decode()
    assert " 18 " in content
    assert " 30 " in content
    assert 'href="mailto:fg@heusden.example"' in content
    assert "/inloggen/?next=/mijn-gegevens/" in content


def test_the_privacy_statement_says_when_an_assemblys_pool_is_cleared(client, settings):
    settings.ASSEMBLY_RETENTION_DAYS = 45
    content = client.get("/privacy/").content.decode()
    assert "burgerberaad" in content and "45 dagen nadat het burgerberaad is afgelopen" in content


def test_every_page_links_the_privacy_statement_in_its_footer(client):
    content = client.get("/").content.decode()
    footer = content.split("<footer", 1)[1]
    assert 'href="/privacy/"' in footer
