"""The resident's side of a dream's life (services/dreams.py)."""

import pytest
from django.core import mail
from django.db import transaction

from initiatives import selectors, services
from initiatives.exceptions import InvalidTransition, NotAllowed
from initiatives.models import Dream, EventKind, OutboxMail, TimelineEvent
from initiatives.statuses import ALLOWED, WITHDRAWABLE, Status
from initiatives.tokens import dream_link_token_make
from tests.conftest import image_bytes
from tests.factories import DreamFactory
from tests.initiatives.outbox.retries import setup_mail_sent
from tests.initiatives.services.helpers import ALL_SUPPORT

pytestmark = pytest.mark.django_db


def _submit(resident, neighbourhood, theme, *, confirmed=True, **overrides):
    data = {
        "resident": resident,
        "title": "Bankje bij de vijver",
        "story": "Ouderen willen daar graag even zitten.",
        "own_contribution": "Ik verf het bankje elk voorjaar.",
        "needs_from_municipality": "Toestemming om het te plaatsen.",
        "neighbourhood": neighbourhood,
        "theme": theme,
        "confirmed": confirmed,
    }
    data.update(overrides)
    return services.dream_submit(**data)


class TestDreamSubmit:
    def test_signed_in_resident_hands_in_at_once_with_one_confirmation_mail(
        self, resident, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            dream = _submit(resident, neighbourhood, theme)

        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED
        assert dream.submitted_at is not None
        assert dream.last_public_update_at is not None
        event = dream.events.get()
        assert (event.kind, event.public, event.actor) == (EventKind.SUBMITTED, True, resident)
        assert [m.to for m in mail.outbox] == [[resident.email]]
        sent = mail.outbox[0]
        assert "Bankje bij de vijver" in sent.subject
        assert "Ingediend" in sent.body  # the mail names the new status in words
        assert "2 werkdagen" in sent.body or "uiterlijk" in sent.body  # and when to expect what
        assert f"/droom/{dream_link_token_make(dream)}/" in sent.body  # opens it for weeks

    def test_anonymous_dream_is_kept_until_the_address_is_confirmed(
        self, resident, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            dream = _submit(resident, neighbourhood, theme, confirmed=False)

        dream.refresh_from_db()
        assert dream.status == Status.UNCONFIRMED
        assert not dream.events.exists()
        assert len(mail.outbox) == 1
        assert f"/dromen/{dream.pk}/bevestigen/" in mail.outbox[0].body.replace("%2F", "/")

    def test_confirm_hands_in_once(
        self, resident, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        dream = _submit(resident, neighbourhood, theme, confirmed=False)
        setup_mail_sent()  # the confirmation link
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_confirm(dream=dream, by=resident)
            services.dream_confirm(dream=dream, by=resident)

        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED
        assert dream.events.filter(kind=EventKind.SUBMITTED).count() == 1
        assert len(mail.outbox) == 1

    def test_someone_else_cannot_confirm(self, resident, other_resident, neighbourhood, theme):
        dream = _submit(resident, neighbourhood, theme, confirmed=False)
        with pytest.raises(NotAllowed):
            services.dream_confirm(dream=dream, by=other_resident)
        dream.refresh_from_db()
        assert dream.status == Status.UNCONFIRMED

    def test_a_rolled_back_submission_leaves_nothing_and_sends_nothing(
        self, resident, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            _submit(resident, neighbourhood, theme)
            raise RuntimeError("something after the submission failed")

        assert callbacks == []
        assert not Dream.objects.exists()
        assert not OutboxMail.objects.exists()
        assert mail.outbox == []

    def test_photos_are_stored_without_their_metadata(self, resident, neighbourhood, theme):
        from django.core.files.uploadedfile import SimpleUploadedFile
        from PIL import Image

        exif = Image.Exif()
        exif[0x010F] = "SpyCam"  # Make
        exif[0x8825] = {2: (52.0, 22.0, 1.0)}  # GPSInfo: latitude
        upload = SimpleUploadedFile("tuin.jpg", image_bytes("JPEG", exif=exif.tobytes()))

        dream = _submit(resident, neighbourhood, theme, photo_uploads=[upload])

        photo = dream.photos.get()
        assert photo.content_type == "image/jpeg"
        with photo.image.open("rb") as stored, Image.open(stored) as image:
            assert dict(image.getexif()) == {}
        assert b"SpyCam" not in photo.image.open("rb").read()

    def test_too_many_photos_store_nothing(self, resident, neighbourhood, theme):
        from django.core.files.uploadedfile import SimpleUploadedFile

        uploads = [SimpleUploadedFile(f"{n}.png", image_bytes("PNG")) for n in range(6)]
        with pytest.raises(ValueError):
            _submit(resident, neighbourhood, theme, photo_uploads=uploads)
        assert not Dream.objects.exists()

    def test_text_is_stored_as_typed_not_interpreted(self, resident, neighbourhood, theme):
        dream = _submit(resident, neighbourhood, theme, title="<script>alert(1)</script>")
        assert Dream.objects.get(pk=dream.pk).title == "<script>alert(1)</script>"


class TestDreamWithdraw:
    @pytest.mark.parametrize("status", list(Status))
    def test_withdraw_is_allowed_exactly_where_the_status_table_says(self, resident, status):
        dream = DreamFactory(resident=resident, status=status)
        if status in WITHDRAWABLE:
            services.dream_withdraw(dream=dream, by=resident, reason="Het is al geregeld.")
            dream.refresh_from_db()
            assert dream.status == Status.WITHDRAWN
            assert dream.closed_at is not None
            event = dream.events.get()
            assert (event.from_status, event.to_status) == (status, Status.WITHDRAWN)
            assert event.body == "Het is al geregeld."
            assert event.public
        else:
            with pytest.raises(InvalidTransition) as excinfo:
                services.dream_withdraw(dream=dream, by=resident, reason="Toch niet.")
            assert "Ingetrokken" in str(excinfo.value) or "Withdrawn" in str(excinfo.value)
            dream.refresh_from_db()
            assert dream.status == status
            assert not dream.events.exists()

    def test_the_table_lets_every_open_status_be_withdrawn(self):
        closed = {Status.REALISED, Status.NOT_POSSIBLE, Status.WITHDRAWN}
        assert {s for s in Status if s not in closed} == set(WITHDRAWABLE)
        assert all(ALLOWED[s] == set() for s in closed)

    def test_only_the_resident_can_withdraw(self, dream, other_resident):
        with pytest.raises(NotAllowed):
            services.dream_withdraw(dream=dream, by=other_resident, reason="Weg ermee")
        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED

    def test_a_reason_is_required(self, dream, resident):
        with pytest.raises(ValueError):
            services.dream_withdraw(dream=dream, by=resident, reason="   ")
        dream.refresh_from_db()
        assert dream.status == Status.SUBMITTED

    def test_the_mogelijkmaker_is_told(self, resident, enabler, django_capture_on_commit_callbacks):
        dream = DreamFactory(resident=resident, status=Status.PICKED_UP, contact=enabler)
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_withdraw(dream=dream, by=resident, reason="We verhuizen.")
        assert [m.to for m in mail.outbox] == [[enabler.email]]
        assert "We verhuizen." in mail.outbox[0].body


class TestMessageFromResident:
    def test_message_lands_on_the_timeline_and_reaches_the_mogelijkmaker(
        self, resident, enabler, django_capture_on_commit_callbacks
    ):
        dream = DreamFactory(resident=resident, status=Status.IN_CONVERSATION, contact=enabler)
        with django_capture_on_commit_callbacks(execute=True):
            event = services.dream_message_from_resident(
                dream=dream, by=resident, body="Dinsdag kan ik ook."
            )
        assert event.public and event.kind == EventKind.MESSAGE_FROM_RESIDENT
        assert [m.to for m in mail.outbox] == [[enabler.email]]

    def test_no_messages_on_a_closed_dream(self, resident):
        dream = DreamFactory(resident=resident, status=Status.REALISED)
        with pytest.raises(NotAllowed):
            services.dream_message_from_resident(dream=dream, by=resident, body="Hallo?")
        assert not TimelineEvent.objects.exists()


class TestTimelineIsAppendOnly:
    def test_events_cannot_be_changed_or_deleted(self, dream, resident):
        event = TimelineEvent.objects.create(dream=dream, kind=EventKind.NOTE, public=False)
        event.body = "rewritten"
        with pytest.raises(TypeError):
            event.save()
        with pytest.raises(TypeError):
            event.delete()
        with pytest.raises(TypeError):
            TimelineEvent.objects.filter(pk=event.pk).update(body="x")
        with pytest.raises(TypeError):
            TimelineEvent.objects.all().delete()


class TestMessageBeforePickUp:
    """Issue 14, item 3: before anyone picked the dream up, a message waits on the triage list."""

    def test_it_is_kept_mailed_to_no_one_and_flagged_on_the_triage_list(
        self, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        quiet = DreamFactory(title="Nog geen bericht")
        with django_capture_on_commit_callbacks(execute=True):
            event = services.dream_message_from_resident(
                dream=dream, by=resident, body="Ik heb nog een foto van de plek."
            )
        assert (event.kind, event.public) == (EventKind.MESSAGE_FROM_RESIDENT, True)
        assert mail.outbox == []  # there is no MogelijkMaker to mail yet
        flags = {d.pk: d.resident_wrote for d in selectors.triage_queue()}
        assert flags == {dream.pk: True, quiet.pk: False}
        # Whoever picks it up finds the message on the timeline.
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
        assert dream.pk not in {d.pk for d in selectors.triage_queue()}
        timeline = selectors.dream_for_staff(pk=dream.pk).timeline
        assert [e.body for e in timeline if e.kind == EventKind.MESSAGE_FROM_RESIDENT] == [
            "Ik heb nog een foto van de plek."
        ]


class TestReplyAfterNotPossible:
    """Issue 14, item 2: a "no" is never a dead end."""

    @pytest.fixture
    def refused(self, in_conversation, mogelijkmaker, communications_advisor):
        services.review_record(dream=in_conversation, by=mogelijkmaker, verdicts=ALL_SUPPORT)
        decision = services.decision_propose(
            dream=in_conversation, by=mogelijkmaker, reasons="De grond is niet van ons."
        )
        services.decision_sign(
            decision=decision,
            by=communications_advisor,
            letter="Helaas kan het niet.",
            other_help="Het wijkplatform Drunen helpt met buurtfeesten: wijkplatform.example",
        )
        in_conversation.refresh_from_db()
        setup_mail_sent()
        return in_conversation

    def test_the_reply_reaches_the_advisor_who_signed_and_the_contact(
        self,
        refused,
        resident,
        mogelijkmaker,
        communications_advisor,
        django_capture_on_commit_callbacks,
    ):
        assert refused.status == Status.NOT_POSSIBLE
        assert services.resident_may_write(refused)
        with django_capture_on_commit_callbacks(execute=True):
            event = services.dream_message_from_resident(
                dream=refused, by=resident, body="Waarom mag het niet op het grasveld?"
            )
        assert (event.kind, event.public, event.actor) == (
            EventKind.MESSAGE_FROM_RESIDENT,
            True,
            resident,
        )
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [communications_advisor.email, mogelijkmaker.email]
        )
        for sent in mail.outbox:
            assert sent.subject == (
                f"De bewoner reageert op de brief “niet mogelijk”: “{refused.title}”"
            )
            assert "Waarom mag het niet op het grasveld?" in sent.body
            assert "Carla Communicatie, die de brief ondertekende" in sent.body

    def test_one_person_who_is_both_gets_one_mail(
        self, refused, resident, communications_advisor, django_capture_on_commit_callbacks
    ):
        # The advisor later took the dream over as its contact person.
        Dream.objects.filter(pk=refused.pk).update(contact=communications_advisor)
        refused.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_message_from_resident(dream=refused, by=resident, body="Vraag.")
        assert [m.to for m in mail.outbox] == [[communications_advisor.email]]

    def test_the_contact_person_answers_and_a_colleague_cannot(
        self,
        refused,
        resident,
        mogelijkmaker,
        other_mogelijkmaker,
        django_capture_on_commit_callbacks,
    ):
        with django_capture_on_commit_callbacks(execute=True):
            event = services.dream_send_message(
                dream=refused, by=mogelijkmaker, body="Bel me gerust, dan leg ik het uit."
            )
        assert (event.kind, event.public) == (EventKind.MESSAGE_TO_RESIDENT, True)
        assert [m.to for m in mail.outbox] == [[resident.email]]
        with pytest.raises(NotAllowed):
            services.dream_send_message(dream=refused, by=other_mogelijkmaker, body="Ik ook.")

    @pytest.mark.parametrize("status", [Status.REALISED, Status.WITHDRAWN])
    def test_staff_send_nothing_to_other_closed_dreams(self, resident, mogelijkmaker, status):
        dream = DreamFactory(resident=resident, status=status, contact=mogelijkmaker)
        with pytest.raises(NotAllowed):
            services.dream_send_message(dream=dream, by=mogelijkmaker, body="Hallo?")

    @pytest.mark.parametrize("status", [Status.REALISED, Status.WITHDRAWN])
    def test_other_closed_dreams_take_no_messages(self, resident, status):
        dream = DreamFactory(resident=resident, status=status)
        assert not services.resident_may_write(dream)
        with pytest.raises(NotAllowed):
            services.dream_message_from_resident(dream=dream, by=resident, body="Hallo?")
