"""Retention: personal data of long-closed dreams and old audit entries go, by a nightly job."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import User
from initiatives import services, tasks
from initiatives.models import (
    AuditEntry,
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

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = datetime(2025, 1, 15, 12, 0, tzinfo=AMSTERDAM)  # the day the first dreams close
NOTHING_UNFINISHED = {
    "unconfirmed_dreams": 0,
    "unused_accounts": 0,
    "expired_sessions": 0,
    "assembly_pools": 0,
}
RESIDENT_TEXT = "Mijn buurvrouw mevrouw Jansen (Dorpsstraat 4) helpt ook mee."
STAFF_TEXT = "Dank je, het bankje is geplaatst."


def _closed_dream(resident, mogelijkmaker, *, title: str, status: str = Status.REALISED) -> Dream:
    """A dream closed now, with everything personal the portal can hold about it."""
    dream = DreamFactory(
        resident=resident,
        title=title,
        status=status,
        contact=mogelijkmaker,
        closed_at=datetime.now(tz=AMSTERDAM),
        contact_name="Anna de Bewoner",
        contact_phone="06 12345678",
        location="Vijverlaan 3",
    )
    DreamPhoto.objects.create(
        dream=dream,
        image=SimpleUploadedFile("bankje.png", image_bytes("PNG")),
        content_type="image/png",
        width=40,
        height=30,
    )
    TimelineEvent.objects.create(
        dream=dream,
        kind=EventKind.MESSAGE_FROM_RESIDENT,
        public=True,
        actor=resident,
        body=RESIDENT_TEXT,
    )
    TimelineEvent.objects.create(
        dream=dream,
        kind=EventKind.MESSAGE_TO_RESIDENT,
        public=True,
        actor=mogelijkmaker,
        body=STAFF_TEXT,
    )
    OutboxMail.objects.create(
        recipient=resident,
        to_email=resident.email,
        subject="Nieuw bericht",
        body_text=STAFF_TEXT,
        dream=dream,
        state=OutboxMail.State.SENT,
    )
    return dream


@pytest.fixture
def history(resident, mogelijkmaker):
    """A dream closed at START, one closed two months later, one open since START."""
    with time_machine.travel(START, tick=False):
        old = _closed_dream(resident, mogelijkmaker, title="Bankje")
        still_open = DreamFactory(
            resident=resident,
            status=Status.IN_PROGRESS,
            contact=mogelijkmaker,
            contact_name="Anna",
            contact_phone="06 12345678",
            location="Kerkplein",
        )
        TimelineEvent.objects.create(
            dream=still_open,
            kind=EventKind.MESSAGE_FROM_RESIDENT,
            public=True,
            actor=resident,
            body=RESIDENT_TEXT,
        )
    with time_machine.travel(START + timedelta(days=61), tick=False):
        recent = _closed_dream(resident, mogelijkmaker, title="Moestuin", status=Status.WITHDRAWN)
    return {"old": old, "recent": recent, "open": still_open}


def _run(at: datetime, capture) -> dict:
    with time_machine.travel(at, tick=False), capture(execute=True):
        return services.retention_apply()


def _untouched(dream: Dream) -> None:
    fresh = Dream.objects.get(pk=dream.pk)
    assert fresh.contact_name and fresh.contact_phone and fresh.location
    assert fresh.anonymised_at is None
    assert fresh.events.filter(body=RESIDENT_TEXT).exists()
    if fresh.status != Status.IN_PROGRESS:
        assert fresh.photos.count() == 1
        assert OutboxMail.objects.filter(dream=fresh).count() == 1


def test_thirteen_months_after_closing_the_personal_data_is_gone(
    history, django_capture_on_commit_callbacks
):
    old, recent, still_open = history["old"], history["recent"], history["open"]
    photo = DreamPhoto.objects.get(dream=old).image.name
    recent_photo = DreamPhoto.objects.get(dream=recent).image.name
    assert default_storage.exists(photo)

    # 13 months after START: the old dream is due; the recent one closed 11 months ago.
    result = _run(
        datetime(2026, 2, 15, 3, 30, tzinfo=AMSTERDAM), django_capture_on_commit_callbacks
    )

    assert result == {"dreams": 1, "audit_entries": 0, "sign_in_failures": 0, **NOTHING_UNFINISHED}
    old.refresh_from_db()
    assert old.contact_name == old.contact_phone == old.location == ""
    assert old.anonymised_at is not None
    assert old.title == "Bankje"  # the dream itself stays for the municipality
    assert not DreamPhoto.objects.filter(dream=old).exists()
    assert not default_storage.exists(photo)
    assert not old.events.filter(body=RESIDENT_TEXT).exists()
    replaced = old.events.get(kind=EventKind.MESSAGE_FROM_RESIDENT)
    assert replaced.body and replaced.actor_id == old.resident_id  # the event itself stays
    assert old.events.filter(body=STAFF_TEXT).exists()
    assert not OutboxMail.objects.filter(dream=old).exists()

    _untouched(recent)
    assert default_storage.exists(recent_photo)
    _untouched(still_open)

    log = RetentionLog.objects.get()
    assert log.reason == RetentionLog.Reason.RETENTION
    assert log.dream_id == old.pk
    assert log.fields == ["contact_name", "contact_phone", "location"]
    assert (log.photos, log.texts, log.mails) == (1, 1, 1)
    assert RESIDENT_TEXT not in str(log.fields)  # the log names what went, not the values


def test_eleven_months_after_closing_nothing_is_removed(
    history, django_capture_on_commit_callbacks
):
    result = _run(
        datetime(2025, 12, 14, 3, 30, tzinfo=AMSTERDAM), django_capture_on_commit_callbacks
    )
    assert result == {"dreams": 0, "audit_entries": 0, "sign_in_failures": 0, **NOTHING_UNFINISHED}
    for dream in history.values():
        _untouched(dream)
    assert not RetentionLog.objects.exists()


def test_an_open_dream_is_never_touched(history, django_capture_on_commit_callbacks):
    _run(datetime(2030, 1, 1, 3, 30, tzinfo=AMSTERDAM), django_capture_on_commit_callbacks)
    _untouched(history["open"])
    assert {log.dream_id for log in RetentionLog.objects.all()} == {
        history["old"].pk,
        history["recent"].pk,
    }


def test_running_it_twice_changes_nothing_more(history, django_capture_on_commit_callbacks):
    night = datetime(2026, 2, 15, 3, 30, tzinfo=AMSTERDAM)
    _run(night, django_capture_on_commit_callbacks)
    old = Dream.objects.get(pk=history["old"].pk)
    snapshot = (old.updated_at, old.anonymised_at, list(old.events.values_list("body", flat=True)))

    again = _run(night + timedelta(days=1), django_capture_on_commit_callbacks)

    assert again == {"dreams": 0, "audit_entries": 0, "sign_in_failures": 0, **NOTHING_UNFINISHED}
    assert RetentionLog.objects.count() == 1
    old.refresh_from_db()
    assert snapshot == (
        old.updated_at,
        old.anonymised_at,
        list(old.events.values_list("body", flat=True)),
    )


def test_the_period_comes_from_the_setting(history, settings, django_capture_on_commit_callbacks):
    settings.RETENTION_MONTHS = 3
    # 1 May 2025: the old dream closed 3½ months ago, the recent one 1½ months ago.
    result = _run(datetime(2025, 5, 1, 3, 30, tzinfo=AMSTERDAM), django_capture_on_commit_callbacks)
    assert result["dreams"] == 1
    assert Dream.objects.get(pk=history["old"].pk).anonymised_at is not None
    _untouched(history["recent"])


def test_the_default_period_is_twelve_months():
    assert django_settings.RETENTION_MONTHS == 12
    assert django_settings.AUDIT_RETENTION_MONTHS == 24


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2026, 3, 31, 3, 0, tzinfo=AMSTERDAM), 1, datetime(2026, 2, 28, 3, 0)),
        (datetime(2024, 3, 31, 3, 0, tzinfo=AMSTERDAM), 1, datetime(2024, 2, 29, 3, 0)),
        (datetime(2026, 2, 15, 3, 30, tzinfo=AMSTERDAM), 13, datetime(2025, 1, 15, 3, 30)),
        (datetime(2026, 1, 10, 12, 0, tzinfo=AMSTERDAM), 24, datetime(2024, 1, 10, 12, 0)),
    ],
)
def test_months_are_calendar_months(moment, months, expected):
    assert services.months_before(moment, months).replace(tzinfo=None) == expected


# --- the audit log has its own, longer period ----------------------------------------------------


def _audit_entry(user) -> AuditEntry:
    return services.audit_record(
        user=user,
        action="view dream",
        target="dream 1",
        method="GET",
        path="/medewerkers/dromen/1/",
        status=200,
        ip="203.0.113.7",
    )


def test_audit_entries_older_than_their_period_are_deleted(
    mogelijkmaker, django_capture_on_commit_callbacks
):
    with time_machine.travel(START, tick=False):
        old = _audit_entry(mogelijkmaker)
    with time_machine.travel(START + timedelta(days=400), tick=False):
        kept = _audit_entry(mogelijkmaker)

    # 25 months after START: the first entry is past 24 months, the second is not.
    night = datetime(2027, 2, 16, 3, 30, tzinfo=AMSTERDAM)
    result = _run(night, django_capture_on_commit_callbacks)

    assert result == {"dreams": 0, "audit_entries": 1, "sign_in_failures": 0, **NOTHING_UNFINISHED}
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    log = RetentionLog.objects.get()
    assert (log.reason, log.audit_entries, log.dream_id) == (RetentionLog.Reason.AUDIT, 1, None)

    assert _run(night, django_capture_on_commit_callbacks)["audit_entries"] == 0
    assert RetentionLog.objects.count() == 1


# --- the job, its schedule, and the one exception to append-only -------------------------------


def test_the_task_runs_the_job(history, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(datetime(2026, 2, 15, 3, 30, tzinfo=AMSTERDAM), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = tasks.retention.delay().get()
    assert result == {"dreams": 1, "audit_entries": 0, "sign_in_failures": 0, **NOTHING_UNFINISHED}
    assert Dream.objects.get(pk=history["old"].pk).anonymised_at is not None


def test_the_job_is_scheduled_daily_at_night():
    entry = django_settings.CELERY_BEAT_SCHEDULE["retention"]
    assert entry["task"] == "initiatives.tasks.retention"
    schedule = entry["schedule"]
    assert isinstance(schedule, crontab)
    assert schedule.day_of_week == set(range(7))
    assert schedule.day_of_month == set(range(1, 32))
    assert len(schedule.hour) == 1 and next(iter(schedule.hour)) < 6


def test_the_timeline_stays_append_only_except_for_anonymising_texts(history):
    event = TimelineEvent.objects.filter(body=RESIDENT_TEXT).first()
    with pytest.raises(TypeError):
        TimelineEvent.objects.filter(pk=event.pk).update(body="x")
    with pytest.raises(TypeError):
        TimelineEvent.objects.filter(pk=event.pk).delete()
    event.body = "x"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()

    before = TimelineEvent.objects.get(pk=event.pk)
    assert TimelineEvent.objects.filter(pk=event.pk).anonymise(text="Verwijderd.") == 1
    after = TimelineEvent.objects.get(pk=event.pk)
    assert after.body == "Verwijderd."
    for field in ("dream_id", "actor_id", "kind", "public", "created_at", "to_status"):
        assert getattr(after, field) == getattr(before, field), field


def test_failed_staff_sign_ins_go_once_they_no_longer_lock_anyone_out(
    db, settings, django_capture_on_commit_callbacks
):
    from axes.models import AccessAttempt

    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    night = datetime(2026, 2, 15, 3, 30, tzinfo=AMSTERDAM)

    def failure(at: datetime, username: str) -> None:
        with time_machine.travel(at, tick=False):
            AccessAttempt.objects.create(
                username=username,
                ip_address="192.0.2.7",
                user_agent="test",
                http_accept="*/*",
                path_info="/medewerkers/inloggen/",
                get_data="",
                post_data="",
                failures_since_start=1,
            )

    failure(night - timedelta(hours=5), "gisteren@heusden.example")
    failure(night - timedelta(minutes=10), "net@heusden.example")

    result = _run(night, django_capture_on_commit_callbacks)

    assert result["sign_in_failures"] == 1
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == [
        "net@heusden.example"  # still counts towards a lockout
    ]


class TestUnfinishedSignUps:
    """Issue 13, item 7: what a sign-up that never finished leaves is removed after
    UNFINISHED_SIGN_UP_DAYS, by the same nightly job."""

    def test_an_unconfirmed_dream_and_its_photo_go_after_the_period(
        self, settings, neighbourhood, theme, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            resident = services.resident_get_or_create(email="nooit@example.nl")
            dream = services.dream_submit(
                resident=resident,
                title="Nooit bevestigd",
                story="Verhaal",
                own_contribution="Ik help",
                needs_from_municipality="Geld",
                neighbourhood=neighbourhood,
                theme=theme,
                photo_uploads=[SimpleUploadedFile("a.png", image_bytes("PNG"))],
                confirmed=False,
            )
        photo_name = dream.photos.get().image.name
        assert default_storage.exists(photo_name)
        days = settings.UNFINISHED_SIGN_UP_DAYS
        with time_machine.travel(timezone.now() + timedelta(days=days - 1)):
            assert services.retention_apply()["unconfirmed_dreams"] == 0
        with (
            time_machine.travel(timezone.now() + timedelta(days=days, hours=1)),
            django_capture_on_commit_callbacks(execute=True),
        ):
            outcome = services.retention_apply()
        assert outcome["unconfirmed_dreams"] == 1
        assert outcome["unused_accounts"] == 1  # the account had nothing else
        assert not Dream.objects.filter(pk=dream.pk).exists()
        assert not default_storage.exists(photo_name)
        assert not User.objects.filter(email="nooit@example.nl").exists()

    def test_an_account_that_only_asked_for_a_link_goes_and_a_used_one_stays(self, settings):
        stranger = services.resident_get_or_create(email="getypt@example.nl")
        used = services.resident_get_or_create(email="gebruikt@example.nl")
        used.last_login = timezone.now()
        used.save(update_fields=["last_login"])
        with time_machine.travel(
            timezone.now() + timedelta(days=settings.UNFINISHED_SIGN_UP_DAYS + 1)
        ):
            assert services.retention_apply()["unused_accounts"] == 1
        assert not User.objects.filter(pk=stranger.pk).exists()
        assert User.objects.filter(pk=used.pk).exists()

    def test_a_confirmed_dream_is_never_touched(self, settings, dream):
        with time_machine.travel(
            timezone.now() + timedelta(days=settings.UNFINISHED_SIGN_UP_DAYS + 30)
        ):
            services.retention_apply()
        assert Dream.objects.filter(pk=dream.pk).exists()

    def test_expired_sessions_are_cleared(self, client, resident):
        client.force_login(resident)
        assert Session.objects.count() == 1
        with time_machine.travel(timezone.now() + timedelta(days=30)):
            assert services.retention_apply()["expired_sessions"] == 1
        assert not Session.objects.exists()
