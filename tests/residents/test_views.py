import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Dream, EventKind, OutboxMail
from initiatives.statuses import Status
from tests.conftest import image_bytes
from tests.factories import DreamFactory

pytestmark = pytest.mark.django_db


def _link_from(message) -> str:
    match = re.search(r"https?://\S+/inloggen/link/\?sesame=\S+", message.body)
    assert match, message.body
    return "/" + match.group(0).split("://", 1)[1].split("/", 1)[1]


def _dream_post(neighbourhood, theme, **overrides):
    data = {
        "title": "Bankje bij de vijver",
        "story": "Ouderen willen daar graag even zitten.",
        "own_contribution": "Ik verf het bankje elk voorjaar.",
        "needs_from_municipality": "Toestemming om het te plaatsen.",
        "neighbourhood": neighbourhood.pk,
        "theme": theme.pk,
        "location": "Vijverlaan",
        "contact_name": "Anna",
        "contact_phone": "06 12345678",
    }
    data.update(overrides)
    return data


class TestHome:
    def test_home_explains_and_invites(self, client):
        response = client.get("/")
        assert response.status_code == 200
        assert reverse("residents:dream_create") in response.content.decode()

    def test_home_shows_the_newest_stories_residents_share(self, client):
        from initiatives.publication_models import Publication
        from tests.story_helpers import shared_story

        shared = shared_story(photo_role="after")
        withdrawn = shared_story()
        Publication.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
        # The wish at hand-in alone no longer puts a dream on the home page (issue 19).
        DreamFactory(title="Alleen aangevinkt", status=Status.REALISED, show_publicly=True)
        content = client.get("/").content.decode()
        assert shared.title in content
        assert reverse("stories:story", args=[shared.dream_id]) in content
        assert 'alt="Het nieuwe bankje bij de vijver"' in content
        assert reverse("stories:gallery") in content
        assert withdrawn.title not in content
        assert "Alleen aangevinkt" not in content


class TestSignIn:
    def test_the_answer_is_the_same_for_known_and_unknown_addresses(
        self, client, resident, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            known = client.post("/inloggen/", {"email": resident.email})
            unknown = client.post("/inloggen/", {"email": "nieuw@example.nl"})
        assert known.status_code == unknown.status_code == 302
        assert known["Location"] == unknown["Location"]
        assert len(mail.outbox) == 2

    def test_the_link_signs_in_once(self, client, resident, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/inloggen/", {"email": resident.email})
        link = _link_from(mail.outbox[0])

        response = client.get(link)
        assert response.status_code == 302
        assert response["Location"] == "/mijn-dromen/"
        assert client.get("/mijn-dromen/").status_code == 200

        client.logout()
        again = client.get(link)
        assert again.status_code == 400
        assert client.get("/mijn-dromen/").status_code == 302

    def test_an_expired_link_does_not_sign_in(self, client, resident):
        from initiatives.services import sign_in_link_build

        link = sign_in_link_build(user=resident, next_url="/mijn-dromen/").split(":8000", 1)[1]
        with time_machine.travel(timezone.now() + timedelta(minutes=16)):
            response = client.get(link)
        assert response.status_code == 400
        assert client.get("/mijn-dromen/").status_code == 302

    def test_the_link_does_not_redirect_to_other_sites(self, client, resident):
        from initiatives.services import sign_in_link_build

        link = sign_in_link_build(user=resident, next_url="https://evil.example/")
        response = client.get(link.split(":8000", 1)[1])
        assert response["Location"] == "/mijn-dromen/"

    def test_bad_address_gets_a_dutch_message_and_is_kept(self, client):
        response = client.post("/inloggen/", {"email": "geen-adres"})
        assert response.status_code == 200
        content = response.content.decode()
        assert 'value="geen-adres"' in content
        assert "aria-invalid" in content
        assert not OutboxMail.objects.exists()


class TestDreamCreate:
    def test_signed_in_resident_hands_in_a_dream_with_photos(
        self, client, resident, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        client.force_login(resident)
        photos = [
            SimpleUploadedFile("a.jpg", image_bytes("JPEG"), content_type="image/jpeg"),
            SimpleUploadedFile("b.png", image_bytes("PNG"), content_type="image/png"),
        ]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "photos": photos}
            )
        dream = Dream.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/dromen/{dream.pk}/ingediend/"
        assert dream.status == Status.SUBMITTED
        assert dream.resident == resident
        assert dream.photos.count() == 2
        assert [m.to for m in mail.outbox] == [[resident.email]]

        page = client.get(response["Location"])
        assert page.status_code == 200

    def test_anonymous_resident_confirms_by_mail(
        self, client, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                "/dromen/nieuw/", _dream_post(neighbourhood, theme, email="nieuw@example.nl")
            )
        assert response["Location"] == "/dromen/nieuw/bevestig-je-mail/"
        dream = Dream.objects.get()
        assert dream.status == Status.UNCONFIRMED
        assert dream.resident.email == "nieuw@example.nl"

        confirm_page = client.get(_link_from(mail.outbox[0]), follow=True)
        assert confirm_page.request["PATH_INFO"] == f"/dromen/{dream.pk}/bevestigen/"
        with django_capture_on_commit_callbacks(execute=True):
            confirmed = client.post(f"/dromen/{dream.pk}/bevestigen/")
        assert confirmed["Location"] == f"/dromen/{dream.pk}/ingediend/"
        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED
        assert len(mail.outbox) == 2  # the confirm link, then the confirmation

    def test_empty_form_shows_a_message_next_to_every_required_field(self, client):
        response = client.post("/dromen/nieuw/", {})
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {
            "title",
            "story",
            "own_contribution",
            "needs_from_municipality",
            "neighbourhood",
            "theme",
            "email",
        }
        content = response.content.decode()
        assert 'id="id_title_error"' in content
        assert not Dream.objects.exists()

    def test_the_wish_to_share_says_what_it_does_now(self, client):
        """The home page's stories come from the resident's consent on the dream's page, not
        from this box: it must not promise the website shows the title and the story."""
        content = client.get("/dromen/nieuw/").content.decode()
        assert "Ik wil mijn droom graag delen als hij is uitgekomen" in content
        assert "vragen we je om het verhaal te schrijven" in content
        assert "We laten alleen de titel, het dorp en je verhaal zien" not in content

    def test_what_was_typed_is_kept_when_something_is_wrong(self, client, neighbourhood, theme):
        data = _dream_post(neighbourhood, theme, title="", email="nieuw@example.nl")
        response = client.post("/dromen/nieuw/", data)
        content = response.content.decode()
        assert "Ouderen willen daar graag even zitten." in content
        assert 'value="nieuw@example.nl"' in content
        assert 'value="06 12345678"' in content
        assert not Dream.objects.exists()

    def test_too_long_text_is_refused_with_the_limit(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        response = client.post("/dromen/nieuw/", _dream_post(neighbourhood, theme, title="x" * 121))
        assert "title" in response.context["form"].errors
        assert "120" in response.context["form"].errors["title"][0]
        assert not Dream.objects.exists()

    def test_a_text_file_named_jpg_is_refused(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        fake = SimpleUploadedFile("foto.jpg", b"this is not a photo", content_type="image/jpeg")
        response = client.post(
            "/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "photos": [fake]}
        )
        errors = response.context["form"].errors["photos"]
        assert "foto.jpg" in errors[0]
        assert not Dream.objects.exists()

    def test_an_11_mb_photo_is_refused(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        big = SimpleUploadedFile(
            "groot.jpg", image_bytes("JPEG") + b"\0" * (11 * 1024 * 1024), content_type="image/jpeg"
        )
        response = client.post(
            "/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "photos": [big]}
        )
        assert "10 MB" in response.context["form"].errors["photos"][0]
        assert not Dream.objects.exists()

    def test_six_photos_are_refused(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        photos = [SimpleUploadedFile(f"{n}.png", image_bytes("PNG")) for n in range(6)]
        response = client.post(
            "/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "photos": photos}
        )
        assert "5" in response.context["form"].errors["photos"][0]
        assert not Dream.objects.exists()

    def test_script_in_text_is_shown_escaped(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        client.post(
            "/dromen/nieuw/",
            _dream_post(neighbourhood, theme, title="<script>alert('x')</script>"),
        )
        dream = Dream.objects.get()
        content = client.get(f"/mijn-dromen/{dream.pk}/").content.decode()
        assert "<script>alert(" not in content
        assert "&lt;script&gt;alert(" in content

    def test_a_made_up_neighbourhood_is_refused(self, client, resident, neighbourhood, theme):
        client.force_login(resident)
        response = client.post(
            "/dromen/nieuw/", {**_dream_post(neighbourhood, theme), "neighbourhood": 999999}
        )
        assert "neighbourhood" in response.context["form"].errors
        assert not Dream.objects.exists()

    def test_the_form_is_csrf_protected(self, resident, neighbourhood, theme):
        from django.test import Client

        client = Client(enforce_csrf_checks=True)
        client.force_login(resident)
        response = client.post("/dromen/nieuw/", _dream_post(neighbourhood, theme))
        assert response.status_code == 403
        assert not Dream.objects.exists()


class TestMyDreams:
    def test_lists_only_my_dreams(self, client, resident, other_resident):
        DreamFactory(resident=resident, title="Mijn droom")
        DreamFactory(resident=other_resident, title="Andermans droom")
        client.force_login(resident)
        content = client.get("/mijn-dromen/").content.decode()
        assert "Mijn droom" in content
        assert "Andermans droom" not in content

    def test_needs_sign_in(self, client):
        response = client.get("/mijn-dromen/")
        assert response.status_code == 302
        assert response["Location"].startswith("/inloggen/")

    def test_list_queries_do_not_grow_with_the_number_of_dreams(
        self, client, resident, django_assert_max_num_queries
    ):
        client.force_login(resident)
        DreamFactory.create_batch(2, resident=resident)
        with django_assert_max_num_queries(10) as few:
            client.get("/mijn-dromen/")
        DreamFactory.create_batch(30, resident=resident)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/mijn-dromen/")


class TestDreamDetail:
    def test_another_residents_dream_answers_404(self, client, dream, other_resident):
        client.force_login(other_resident)
        assert client.get(f"/mijn-dromen/{dream.pk}/").status_code == 404
        assert client.post(f"/mijn-dromen/{dream.pk}/bericht/", {"body": "hoi"}).status_code == 404
        assert (
            client.post(f"/mijn-dromen/{dream.pk}/intrekken/", {"reason": "weg"}).status_code == 404
        )

    def test_internal_notes_never_reach_the_resident(self, client, dream, resident, enabler):
        from initiatives.models import TimelineEvent

        TimelineEvent.objects.create(
            dream=dream, kind=EventKind.NOTE, public=False, actor=enabler, body="GEHEIME NOTITIE"
        )
        client.force_login(resident)
        content = client.get(f"/mijn-dromen/{dream.pk}/").content.decode()
        assert "GEHEIME NOTITIE" not in content

    def test_detail_queries_do_not_grow_with_the_timeline(
        self, client, dream, resident, django_assert_max_num_queries
    ):
        from initiatives.models import TimelineEvent

        client.force_login(resident)
        with django_assert_max_num_queries(12) as few:
            client.get(f"/mijn-dromen/{dream.pk}/")
        TimelineEvent.objects.bulk_create(
            TimelineEvent(
                dream=dream,
                kind=EventKind.MESSAGE_FROM_RESIDENT,
                public=True,
                actor=resident,
                body=f"bericht {n}",
            )
            for n in range(40)
        )
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(f"/mijn-dromen/{dream.pk}/")

    def test_message_is_added_and_shown(self, client, dream, resident):
        client.force_login(resident)
        response = client.post(f"/mijn-dromen/{dream.pk}/bericht/", {"body": "Wanneer bel je?"})
        assert response.status_code == 302
        assert dream.events.filter(body="Wanneer bel je?", public=True).exists()

    def test_message_by_htmx_returns_the_conversation_only(self, client, dream, resident):
        client.force_login(resident)
        response = client.post(
            f"/mijn-dromen/{dream.pk}/bericht/",
            {"body": "Via htmx"},
            headers={"HX-Request": "true"},
        )
        content = response.content.decode()
        assert response.status_code == 200
        assert "Via htmx" in content
        assert "<html" not in content
        assert "HX-Request" in response["Vary"]

    def test_empty_message_gets_a_message_not_a_500(self, client, dream, resident):
        client.force_login(resident)
        response = client.post(f"/mijn-dromen/{dream.pk}/bericht/", {"body": "  "})
        assert response.status_code == 400
        assert "body" in response.context["message_form"].errors
        assert not dream.events.exists()

    def test_withdraw_with_reason(self, client, dream, resident):
        client.force_login(resident)
        assert client.get(f"/mijn-dromen/{dream.pk}/intrekken/").status_code == 200
        response = client.post(f"/mijn-dromen/{dream.pk}/intrekken/", {"reason": "Al geregeld"})
        assert response.status_code == 302
        dream.refresh_from_db()
        assert dream.status == Status.WITHDRAWN

    def test_withdraw_without_reason_is_refused_clearly(self, client, dream, resident):
        client.force_login(resident)
        response = client.post(f"/mijn-dromen/{dream.pk}/intrekken/", {"reason": ""})
        assert response.status_code == 400
        assert "reason" in response.context["form"].errors
        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED

    def test_withdrawing_a_realised_dream_gets_a_clear_message(self, client, resident):
        dream = DreamFactory(resident=resident, status=Status.REALISED)
        client.force_login(resident)
        response = client.post(f"/mijn-dromen/{dream.pk}/intrekken/", {"reason": "Toch niet"})
        assert response.status_code == 400
        assert response.context["form"].non_field_errors()
        dream.refresh_from_db()
        assert dream.status == Status.REALISED


class TestPhotos:
    def test_only_the_resident_sees_their_photo(
        self, client, resident, other_resident, neighbourhood, theme
    ):
        from initiatives import services

        dream = services.dream_submit(
            resident=resident,
            title="t",
            story="s",
            own_contribution="o",
            needs_from_municipality="n",
            neighbourhood=neighbourhood,
            theme=theme,
            photo_uploads=[SimpleUploadedFile("a.png", image_bytes("PNG"))],
            confirmed=True,
        )
        photo = dream.photos.get()
        url = f"/mijn-dromen/{dream.pk}/fotos/{photo.pk}/"

        client.force_login(resident)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")

        client.force_login(other_resident)
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302


class TestLanguage:
    def test_dutch_is_the_default_and_english_can_be_chosen(self, client):
        assert 'lang="nl"' in client.get("/").content.decode()
        client.post("/i18n/setlang/", {"language": "en", "next": "/"})
        assert 'lang="en"' in client.get("/").content.decode()


class TestRateLimits:
    def test_too_many_sign_in_requests_for_one_address_get_429(
        self, client, settings, django_capture_on_commit_callbacks
    ):
        settings.RATELIMIT_SIGN_IN_PER_ADDRESS = "3/h"
        with django_capture_on_commit_callbacks(execute=True):
            answers = [
                client.post("/inloggen/", {"email": "veel@example.nl"}).status_code
                for _ in range(4)
            ]
        assert answers == [302, 302, 302, 429]
        assert len(mail.outbox) == 3
        # Another address from the same place is still served.
        assert client.post("/inloggen/", {"email": "ander@example.nl"}).status_code == 302

    def test_too_many_sign_in_requests_from_one_ip_get_429_with_a_dutch_page(
        self, client, settings
    ):
        settings.RATELIMIT_SIGN_IN_PER_IP = "2/h"
        for n in range(2):
            assert client.post("/inloggen/", {"email": f"a{n}@example.nl"}).status_code == 302
        response = client.post("/inloggen/", {"email": "a9@example.nl"})
        assert response.status_code == 429
        assert "even wachten" in response.content.decode().lower()

    def test_the_dream_form_is_limited_per_ip(self, client, settings, neighbourhood, theme):
        settings.RATELIMIT_DREAM_PER_IP = "2/h"
        data = _dream_post(neighbourhood, theme, email="x@example.nl")
        assert client.post("/dromen/nieuw/", data).status_code == 302
        assert client.post("/dromen/nieuw/", data).status_code == 302
        assert client.post("/dromen/nieuw/", data).status_code == 429
        assert Dream.objects.count() == 2


class TestSignInLinkRules:
    def test_a_new_link_makes_the_previous_one_stop_working(
        self, client, resident, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            client.post("/inloggen/", {"email": resident.email})
            client.post("/inloggen/", {"email": resident.email})
        first, second = (_link_from(message) for message in mail.outbox)
        assert client.get(first).status_code == 400
        assert client.get(second).status_code == 302

    def test_staff_addresses_get_no_link_but_the_same_answer(
        self, client, enabler, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/inloggen/", {"email": enabler.email})
        assert response.status_code == 302
        assert response["Location"] == "/inloggen/verstuurd/"
        assert mail.outbox == []
        enabler.refresh_from_db()
        assert enabler.check_password("correct-horse-battery")
