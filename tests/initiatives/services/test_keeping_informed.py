"""The scheduled work that keeps residents informed, checked in the database and the mail.

The jobs run at fixed times (config/settings.py CELERY_BEAT_SCHEDULE): the silence rule
every day at 09:00, the promises check at five past the hour on working days, the daily
email at 17:00. The tests freeze the clock at those times.
"""

import re
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import NotificationMode
from accounts.roles import Role
from initiatives import selectors, services, tasks
from initiatives.models import ContactMoment, EventKind, OutboxMail, TimelineEvent
from initiatives.notifications import mail_queue
from initiatives.outbox.dispatch import MAX_RETRIES, longest_countdown_seconds
from initiatives.services._core import _notify_resident
from initiatives.statuses import Status
from initiatives.tokens import dream_link_token_read, unsubscribe_token_read
from tests.factories import DreamFactory, ReviewFactory, StaffFactory
from tests.initiatives.outbox.retries import setup_mail_sent

pytestmark = pytest.mark.django_db

STILL_WORKING = (
    "We are still working on your dream. Your MogelijkMaker is %(name)s. "
    "The current step: %(status)s."
)
NOT_FORGOTTEN = (
    "We have not forgotten your dream. A MogelijkMaker will pick it up as soon as possible."
)


def local(*args) -> datetime:
    """An aware datetime on the portal's clock (Europe/Amsterdam)."""
    return timezone.make_aware(datetime(*args))


def mails_to(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


def links_in(text: str) -> list[str]:
    return re.findall(r"https?://[^\s\"<>]+", text)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run JOB at WHEN, as the scheduler would, and deliver what it mails."""

    def run(job, when, **kwargs):
        with (
            time_machine.travel(when, tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            return job(**kwargs)

    return run


def _in_conversation(dream, mogelijkmaker, when):
    """Pick DREAM up and log the first contact at WHEN: its last public update is then."""
    with time_machine.travel(when, tick=False):
        services.dream_pick_up(dream=dream, by=mogelijkmaker)
        services.dream_log_contact(
            dream=dream,
            by=mogelijkmaker,
            kind=ContactMoment.Kind.PHONE,
            on=timezone.localdate(),
            summary="Gebeld over het bankje.",
        )
    setup_mail_sent()
    dream.refresh_from_db()
    assert dream.status == Status.IN_CONVERSATION
    assert dream.last_public_update_at == when
    return dream


# --- the silence rule ----------------------------------------------------------------------------


class TestSilenceRule:
    # The MogelijkMaker's last word to the resident: Monday 2 March 2026, in the afternoon,
    # after that day's 09:00 run. "Day N" is N calendar days later, at the 09:00 run.
    LAST_WORD = local(2026, 3, 2, 15, 30)

    def day(self, n: int, hour: int = 9) -> datetime:
        d = self.LAST_WORD.date() + timedelta(days=n)
        return local(d.year, d.month, d.day, hour)

    @pytest.fixture
    def quiet(self, dream, mogelijkmaker):
        return _in_conversation(dream, mogelijkmaker, self.LAST_WORD)

    def still_on_it(self, dream):
        return list(dream.events.filter(kind=EventKind.STILL_ON_IT))

    def test_on_day_ten_the_mogelijkmaker_is_reminded_once(
        self, run, quiet, resident, mogelijkmaker
    ):
        assert run(services.silence_rule_apply, self.day(9)) == {"reminded": 0, "updated": 0}
        assert mail.outbox == []

        assert run(services.silence_rule_apply, self.day(10)) == {"reminded": 1, "updated": 0}
        [reminder] = mail.outbox
        assert reminder.to == [mogelijkmaker.email]
        assert quiet.title in reminder.subject
        assert "10" in reminder.subject.replace(quiet.title, "")  # days without news
        assert f"/medewerkers/dromen/{quiet.pk}/" in reminder.body  # straight to the workspace
        quiet.refresh_from_db()
        assert quiet.silence_reminded_at == self.day(10)

        # The same day again, and the days until the limit: nothing more.
        for when in (self.day(10, hour=15), self.day(11), self.day(12), self.day(13)):
            assert run(services.silence_rule_apply, when) == {"reminded": 0, "updated": 0}
        assert len(mail.outbox) == 1
        assert mails_to(resident) == []
        assert self.still_on_it(quiet) == []

    def test_on_day_fourteen_the_resident_hears_who_and_where_once(
        self, run, quiet, resident, mogelijkmaker
    ):
        run(services.silence_rule_apply, self.day(10))
        assert run(services.silence_rule_apply, self.day(13)) == {"reminded": 0, "updated": 0}
        assert mails_to(resident) == []

        assert run(services.silence_rule_apply, self.day(14)) == {"reminded": 0, "updated": 1}
        [event] = self.still_on_it(quiet)
        assert event.public is True
        assert event.actor is None
        assert event.created_at == self.day(14)
        assert "Mo El Amrani" in event.body  # their MogelijkMaker, by name
        assert "In gesprek" in event.body  # and the current step, in words
        with translation.override("nl"):
            assert event.body == gettext(STILL_WORKING) % {
                "name": "Mo El Amrani",
                "status": "In gesprek",
            }
        quiet.refresh_from_db()
        assert quiet.last_public_update_at == self.day(14)  # the clock starts again
        # The resident sees it on their timeline.
        shown = selectors.dream_for_resident(resident=resident, pk=quiet.pk).public_events
        assert event in shown

        [update] = mails_to(resident)
        assert "Mo El Amrani" in update.body
        assert "In gesprek" in update.body  # the status in words, in the body
        assert update.subject == f"We zijn nog bezig met je droom “{quiet.title}”"

        # Twice the same day, and the day after: one update, no second reminder.
        assert run(services.silence_rule_apply, self.day(14, hour=15)) == {
            "reminded": 0,
            "updated": 0,
        }
        assert run(services.silence_rule_apply, self.day(15)) == {"reminded": 0, "updated": 0}
        assert len(self.still_on_it(quiet)) == 1
        assert len(mails_to(resident)) == 1
        assert len(mails_to(mogelijkmaker)) == 1

    def test_each_new_silence_gets_its_own_reminder_and_update(
        self, run, quiet, resident, mogelijkmaker
    ):
        for n in range(1, 29):
            run(services.silence_rule_apply, self.day(n))
        # Reminders on day 10 and day 24 (10 days after the automatic update of day 14),
        # automatic updates on day 14 and day 28.
        assert len(mails_to(mogelijkmaker)) == 2
        assert [e.created_at for e in self.still_on_it(quiet)] == [self.day(14), self.day(28)]
        assert len(mails_to(resident)) == 2

    def test_a_personal_message_restarts_the_clock(self, run, quiet, resident, mogelijkmaker):
        run(services.silence_rule_apply, self.day(10))
        with time_machine.travel(self.day(12, hour=11), tick=False):
            services.dream_send_message(dream=quiet, by=mogelijkmaker, body="Nog even geduld!")
        assert run(services.silence_rule_apply, self.day(14)) == {"reminded": 0, "updated": 0}
        assert self.still_on_it(quiet) == []
        # Ten days after the message the MogelijkMaker is reminded again.
        assert run(services.silence_rule_apply, self.day(22)) == {"reminded": 1, "updated": 0}

    @pytest.mark.parametrize("closed", [Status.REALISED, Status.WITHDRAWN, Status.NOT_POSSIBLE])
    def test_a_closed_dream_never_gets_either(self, run, resident, mogelijkmaker, closed):
        dream = DreamFactory(
            resident=resident,
            status=closed,
            contact=mogelijkmaker,
            submitted_at=self.LAST_WORD - timedelta(days=30),
            picked_up_at=self.LAST_WORD - timedelta(days=29),
            closed_at=self.LAST_WORD,
            last_public_update_at=self.LAST_WORD,
        )
        for n in (10, 14, 30, 100):
            assert run(services.silence_rule_apply, self.day(n)) == {"reminded": 0, "updated": 0}
        assert mail.outbox == []
        assert self.still_on_it(dream) == []
        dream.refresh_from_db()
        assert dream.silence_reminded_at is None

    def test_a_dream_nobody_picked_up_is_not_forgotten(self, run, resident, neighbourhood, theme):
        with time_machine.travel(self.LAST_WORD, tick=False):
            dream = services.dream_submit(
                resident=resident,
                title="Bloemen op het plein",
                story="Meer kleur in de wijk.",
                own_contribution="Ik geef de bloemen water.",
                needs_from_municipality="Bakken voor de bloemen.",
                neighbourhood=neighbourhood,
                theme=theme,
                confirmed=True,
            )
        setup_mail_sent()
        # Nobody to remind on day 10.
        assert run(services.silence_rule_apply, self.day(10)) == {"reminded": 0, "updated": 0}
        assert mail.outbox == []

        assert run(services.silence_rule_apply, self.day(14)) == {"reminded": 0, "updated": 1}
        [event] = self.still_on_it(dream)
        with translation.override("nl"):
            assert event.body == gettext(NOT_FORGOTTEN)
        assert event.public is True
        [update] = mails_to(resident)
        assert event.body in update.body
        assert "Ingediend" in update.body  # the status, in words

        run(services.silence_rule_apply, self.day(14, hour=16))
        assert len(mails_to(resident)) == 1

    def test_the_limit_is_the_service_promise(self, run, quiet, resident, mogelijkmaker):
        promises = selectors.service_promises()
        assert promises.silence_days == settings.PROMISE_SILENCE_DAYS == 14
        promises.silence_days = 7
        promises.save()

        assert run(services.silence_rule_apply, self.day(2)) == {"reminded": 0, "updated": 0}
        assert run(services.silence_rule_apply, self.day(3)) == {"reminded": 1, "updated": 0}
        assert run(services.silence_rule_apply, self.day(6)) == {"reminded": 0, "updated": 0}
        assert run(services.silence_rule_apply, self.day(7)) == {"reminded": 0, "updated": 1}
        assert len(mails_to(mogelijkmaker)) == 1
        assert len(mails_to(resident)) == 1
        reminder = mails_to(mogelijkmaker)[0]
        words = re.sub(r"https?://\S+", "", reminder.body).replace(quiet.title, "")
        assert re.search(r"\b7\b", words)  # the limit it warns about
        assert re.search(r"\b3\b", words)  # and how long it has been

    def test_the_scheduled_task_runs_the_rule(self, run, quiet, resident):
        assert run(tasks.silence_rule, self.day(14)) == {"reminded": 0, "updated": 1}
        assert len(mails_to(resident)) == 1

    def test_the_automatic_update_is_in_dutch(self, run, quiet, resident):
        run(services.silence_rule_apply, self.day(14))
        [event] = self.still_on_it(quiet)
        assert "We are still working" not in event.body
        assert "MogelijkMaker is" not in event.body


# --- service promises in working days ------------------------------------------------------------


def _overdue_titles() -> set[str]:
    return set(selectors.dreams_pick_up_overdue().values_list("title", flat=True))


class TestPickUpPromise:
    """Picked up within 2 working days: overdue from the day after the deadline."""

    def test_a_thursday_dream_is_late_on_tuesday_not_on_monday(self):
        # Thursday 19 November 2026; one just after midnight (still Wednesday in UTC),
        # one late in the evening. Working days: Friday 20, Monday 23 = the deadline.
        early = DreamFactory(title="Donderdag vroeg", submitted_at=local(2026, 11, 19, 0, 30))
        late = DreamFactory(title="Donderdag laat", submitted_at=local(2026, 11, 19, 23, 30))
        DreamFactory(title="Woensdag", submitted_at=local(2026, 11, 18, 23, 30))
        assert services.pick_up_deadline(early) == date(2026, 11, 23)
        assert services.pick_up_deadline(late) == date(2026, 11, 23)

        with time_machine.travel(local(2026, 11, 20, 12), tick=False):
            assert _overdue_titles() == set()
        with time_machine.travel(local(2026, 11, 23, 8, 5), tick=False):
            assert _overdue_titles() == {"Woensdag"}  # its deadline was Friday
        with time_machine.travel(local(2026, 11, 23, 23, 59), tick=False):
            assert _overdue_titles() == {"Woensdag"}
        with time_machine.travel(local(2026, 11, 24, 0, 1), tick=False):
            assert _overdue_titles() == {"Woensdag", "Donderdag vroeg", "Donderdag laat"}

    def test_christmas_and_the_weekend_do_not_count(self, run, manager):
        # Wednesday 23 December 2026. Thursday 24 is a working day; Friday 25 and
        # Saturday 26 are Christmas, Sunday 27 the weekend: the deadline is Monday 28.
        dream = DreamFactory(title="Kerstboom", submitted_at=local(2026, 12, 23, 10))
        assert services.pick_up_deadline(dream) == date(2026, 12, 28)
        for day in (24, 25, 26, 27, 28):
            with time_machine.travel(local(2026, 12, day, 17), tick=False):
                assert _overdue_titles() == set(), f"{day} December"
        assert run(services.promises_check, local(2026, 12, 28, 17, 5))["flagged"] == 0
        assert mail.outbox == []

        with time_machine.travel(local(2026, 12, 29, 8, 5), tick=False):
            assert _overdue_titles() == {"Kerstboom"}
        assert run(services.promises_check, local(2026, 12, 29, 8, 5))["flagged"] == 1
        assert len(mails_to(manager)) == 1

    def test_the_managers_get_one_mail_listing_the_late_dreams(
        self, run, manager, mogelijkmaker, communications_advisor
    ):
        second_manager = StaffFactory(full_name="Marieke Manager", roles=[Role.MANAGER])
        StaffFactory(full_name="Oud Manager", roles=[Role.MANAGER], is_active=False)
        late = [
            DreamFactory(title="Bankje bij de vijver", submitted_at=local(2026, 11, 16, 10)),
            DreamFactory(title="Moestuin achter de school", submitted_at=local(2026, 11, 17, 10)),
        ]
        DreamFactory(title="Speeltuin", submitted_at=local(2026, 11, 19, 10))  # not yet late
        DreamFactory(  # long ago, but picked up
            title="Al opgepakt",
            status=Status.IN_CONVERSATION,
            contact=mogelijkmaker,
            submitted_at=local(2026, 11, 2, 10),
            picked_up_at=local(2026, 11, 3, 10),
            first_contact_at=local(2026, 11, 4, 10),
        )

        # Friday 20 November: Monday's and Tuesday's dreams are past their deadline.
        result = run(services.promises_check, local(2026, 11, 20, 8, 5))
        assert result == {"flagged": 2, "reminded": 0}
        assert sorted(m.to[0] for m in mail.outbox) == sorted([manager.email, second_manager.email])
        for sent in mail.outbox:
            assert "2" in sent.subject
            assert "Bankje bij de vijver" in sent.body
            assert "Moestuin achter de school" in sent.body
            assert "Speeltuin" not in sent.body
            assert "Al opgepakt" not in sent.body
            assert "/medewerkers/" in sent.body  # where to pick them up
        for dream in late:
            dream.refresh_from_db()
            assert dream.pick_up_flagged_at == local(2026, 11, 20, 8, 5)

        # The next runs: nothing new, nothing sent.
        assert run(services.promises_check, local(2026, 11, 20, 9, 5)) == {
            "flagged": 0,
            "reminded": 0,
        }
        assert run(services.promises_check, local(2026, 11, 23, 8, 5))["flagged"] == 0
        assert len(mail.outbox) == 2

        # Tuesday 24: only the newly late dream is reported.
        assert run(services.promises_check, local(2026, 11, 24, 8, 5))["flagged"] == 1
        assert len(mail.outbox) == 4
        for sent in mail.outbox[2:]:
            assert "Speeltuin" in sent.body
            assert "Bankje bij de vijver" not in sent.body

    def test_the_scheduled_task_runs_the_check(self, run, manager):
        DreamFactory(title="Bankje", submitted_at=local(2026, 11, 16, 10))
        assert run(tasks.promises_check, local(2026, 11, 20, 8, 5)) == {
            "flagged": 1,
            "reminded": 0,
        }
        assert len(mails_to(manager)) == 1


class TestFirstContactPromise:
    """First contact within 5 working days of the pick-up, or the MogelijkMaker is reminded."""

    PICKED_UP = local(2026, 11, 2, 10)  # Monday; deadline Monday 9 November

    def test_no_contact_after_five_working_days_reminds_the_mogelijkmaker_once(
        self, run, dream, resident, mogelijkmaker, manager
    ):
        with time_machine.travel(self.PICKED_UP, tick=False):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        setup_mail_sent()

        for when in (local(2026, 11, 6, 17, 5), local(2026, 11, 9, 17, 5)):
            assert run(services.promises_check, when) == {"flagged": 0, "reminded": 0}
        assert mail.outbox == []

        assert run(services.promises_check, local(2026, 11, 10, 8, 5)) == {
            "flagged": 0,
            "reminded": 1,
        }
        [reminder] = mail.outbox
        assert reminder.to == [mogelijkmaker.email]
        assert dream.title in reminder.subject
        assert f"/medewerkers/dromen/{dream.pk}/" in reminder.body
        dream.refresh_from_db()
        assert dream.first_contact_reminded_at == local(2026, 11, 10, 8, 5)

        for when in (local(2026, 11, 10, 9, 5), local(2026, 11, 11, 8, 5)):
            assert run(services.promises_check, when) == {"flagged": 0, "reminded": 0}
        assert len(mail.outbox) == 1
        assert mails_to(resident) == mails_to(manager) == []

    def test_a_dream_with_a_first_contact_is_never_reminded(self, run, dream, mogelijkmaker):
        with time_machine.travel(self.PICKED_UP, tick=False):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        with time_machine.travel(local(2026, 11, 3, 14), tick=False):
            services.dream_log_contact(
                dream=dream,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.VISIT,
                on=date(2026, 11, 3),
                summary="Op bezoek geweest.",
            )
        for when in (local(2026, 11, 10, 8, 5), local(2026, 11, 20, 8, 5)):
            assert run(services.promises_check, when) == {"flagged": 0, "reminded": 0}
        assert mail.outbox == []
        dream.refresh_from_db()
        assert dream.first_contact_reminded_at is None


# --- the daily email and the essential-only choice ----------------------------------------------


MESSAGES = [
    "Ik heb de wijkagent gesproken.",
    "De buren vinden het een goed plan.",
    "Er is een bankje over bij de gemeentewerf.",
    "Volgende week komt de groenbeheerder kijken.",
    "Wil je een tekening maken van de plek?",
]


class TestDailyEmail:
    MORNING = local(2026, 11, 16, 9)

    @pytest.fixture
    def daily(self, dream, resident, mogelijkmaker):
        services.notification_mode_set(user=resident, mode=NotificationMode.DAILY)
        with time_machine.travel(self.MORNING, tick=False):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        setup_mail_sent()
        return dream

    def send_messages(self, dream, mogelijkmaker, capture, texts=MESSAGES):
        for n, text in enumerate(texts):
            with (
                time_machine.travel(self.MORNING + timedelta(hours=1 + n), tick=False),
                capture(execute=True),
            ):
                services.dream_send_message(dream=dream, by=mogelijkmaker, body=text)

    def test_many_small_updates_become_one_email(
        self, run, daily, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        self.send_messages(daily, mogelijkmaker, django_capture_on_commit_callbacks)
        assert mail.outbox == []  # nothing at once
        held = OutboxMail.objects.filter(recipient=resident, state=OutboxMail.State.HELD_FOR_DIGEST)
        assert held.count() == 5

        assert run(services.outbox_digest_send, local(2026, 11, 16, 17)) == 1
        [digest] = mail.outbox
        assert digest.to == [resident.email]
        assert "5" in digest.subject
        for text in MESSAGES:
            assert text in digest.body
        assert digest.body.count(daily.title) == 5
        sent = OutboxMail.objects.filter(recipient=resident, state=OutboxMail.State.SENT)
        row = sent.filter(digested__isnull=False).distinct().get()  # not the pick-up's mail
        assert set(row.digested.values_list("state", flat=True)) == {OutboxMail.State.IN_DIGEST}
        assert row.digested.count() == 5
        assert not held.exists()

        # Again the same evening and the next: nothing more.
        assert run(services.outbox_digest_send, local(2026, 11, 16, 17, 1)) == 0
        assert run(services.outbox_digest_send, local(2026, 11, 17, 17)) == 0
        assert len(mail.outbox) == 1

    def test_each_resident_gets_only_their_own_updates(
        self,
        run,
        daily,
        resident,
        other_resident,
        mogelijkmaker,
        neighbourhood,
        theme,
        django_capture_on_commit_callbacks,
    ):
        services.notification_mode_set(user=other_resident, mode=NotificationMode.DAILY)
        other = DreamFactory(resident=other_resident, title="Jeu-de-boulesbaan")
        with time_machine.travel(self.MORNING, tick=False):
            services.dream_pick_up(dream=other, by=mogelijkmaker)
        setup_mail_sent()
        self.send_messages(daily, mogelijkmaker, django_capture_on_commit_callbacks, MESSAGES[:2])
        self.send_messages(
            other, mogelijkmaker, django_capture_on_commit_callbacks, ["Geheim voor Bert."]
        )

        assert run(tasks.daily_digest, local(2026, 11, 16, 17)) == 2
        [mine] = mails_to(resident)
        [theirs] = mails_to(other_resident)
        assert MESSAGES[0] in mine.body and MESSAGES[1] in mine.body
        assert "Geheim voor Bert." not in mine.body
        assert "Geheim voor Bert." in theirs.body
        assert MESSAGES[0] not in theirs.body

    def test_a_status_change_is_still_sent_at_once(
        self, run, daily, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        self.send_messages(daily, mogelijkmaker, django_capture_on_commit_callbacks, MESSAGES[:2])
        with (
            time_machine.travel(local(2026, 11, 16, 15), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            services.dream_log_contact(
                dream=daily,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=date(2026, 11, 16),
                summary="Gebeld.",
            )
        [at_once] = mail.outbox
        assert at_once.to == [resident.email]
        assert "In gesprek" in at_once.subject

        assert run(services.outbox_digest_send, local(2026, 11, 16, 17)) == 1
        digest = mail.outbox[1]
        assert MESSAGES[0] in digest.body and MESSAGES[1] in digest.body
        assert "Gebeld." not in digest.body  # the status change went already


class TestEssentialOnly:
    def test_status_changes_arrive_messages_do_not(
        self, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        services.notification_mode_set(user=resident, mode=NotificationMode.ESSENTIAL)
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
            message = services.dream_send_message(
                dream=dream, by=mogelijkmaker, body="Zullen we bellen?"
            )
            services.dream_log_contact(
                dream=dream,
                by=mogelijkmaker,
                kind=ContactMoment.Kind.PHONE,
                on=timezone.localdate(),
                summary="Gebeld.",
            )
            ReviewFactory(dream=dream, by=mogelijkmaker)
            services.dream_move(dream=dream, by=mogelijkmaker, target=Status.IN_PROGRESS)

        sent = mails_to(resident)
        assert len(sent) == 3
        assert "Opgepakt" in sent[0].subject
        assert "In gesprek" in sent[1].subject
        assert "Aan de slag" in sent[2].subject
        assert not any("Zullen we bellen?" in m.body for m in sent)
        skipped = OutboxMail.objects.get(recipient=resident, state=OutboxMail.State.SKIPPED)
        assert "Zullen we bellen?" in skipped.body_text
        assert skipped.essential is False
        # The message is still on the resident's timeline.
        assert message.public is True

        # Nothing is held for a daily email either.
        assert services.outbox_digest_send() == 0


# --- beat's dispatch -----------------------------------------------------------------------------


class TestBeatDispatch:
    T0 = local(2026, 11, 16, 12)

    def test_what_no_commit_dispatched_is_sent_by_the_next_dispatch_once(
        self, resident, other_resident
    ):
        services.notification_mode_set(user=other_resident, mode=NotificationMode.DAILY)
        with time_machine.travel(self.T0, tick=False):
            # Written, but no dispatch ran after it (say, Redis was down at the commit).
            services.sign_in_link_send(email=resident.email)
            stuck = OutboxMail.objects.get(state=OutboxMail.State.PENDING)
            held = mail_queue(
                to=other_resident, template="sign_in_link", context={"minutes": 15}, essential=False
            )
            services.sign_in_link_send(email=other_resident.email)
            fresh = OutboxMail.objects.get(state=OutboxMail.State.PENDING, recipient=other_resident)
        assert held.state == OutboxMail.State.HELD_FOR_DIGEST
        assert mail.outbox == []

        # Beat's dispatch (every minute) sends them; a second run finds nothing to do.
        with time_machine.travel(self.T0 + timedelta(seconds=30), tick=False):
            assert tasks.outbox_dispatch() == {"claimed": 2, "sent": 2}
            assert tasks.outbox_dispatch() == {}
        assert sorted(m.to[0] for m in mail.outbox) == sorted(
            [resident.email, other_resident.email]
        )
        assert set(
            OutboxMail.objects.filter(pk__in=[stuck.pk, fresh.pk]).values_list("state", flat=True)
        ) == {OutboxMail.State.SENT}
        assert OutboxMail.objects.get(pk=held.pk).state == OutboxMail.State.HELD_FOR_DIGEST

    def test_the_scheduled_jobs_command_dispatches(self, resident):
        from io import StringIO

        from django.core.management import call_command

        services.sign_in_link_send(email=resident.email)
        out = StringIO()
        call_command("run_scheduled_jobs", stdout=out)
        assert "Outbox dispatch: {'claimed': 1, 'sent': 1}" in out.getvalue()
        assert OutboxMail.objects.get().state == OutboxMail.State.SENT


# --- the start-up check of retry waits -----------------------------------------------------------


def test_the_longest_retry_wait_fits_the_visibility_timeout():
    from config import celery

    assert celery.app.conf.broker_transport_options == settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert celery.countdown_fits_visibility_timeout() is None
    celery._check_countdowns()  # the worker starts

    original = celery.app.conf.broker_transport_options
    try:
        longest = longest_countdown_seconds()  # the last retry wait: 480 s
        assert longest == settings.MAIL_RETRY_BASE_SECONDS * 2 ** (MAX_RETRIES - 1)
        for too_short in (longest - 1, longest):
            celery.app.conf.broker_transport_options = {"visibility_timeout": too_short}
            problem = celery.countdown_fits_visibility_timeout()
            assert problem is not None
            assert f"({longest:g}s)" in problem
            assert f"({too_short}s)" in problem
            with pytest.raises(RuntimeError, match="visibility timeout"):
                celery._check_countdowns()  # the worker refuses to start
    finally:
        celery.app.conf.broker_transport_options = original
    assert celery.countdown_fits_visibility_timeout() is None


# --- what the resident's update mail says ---------------------------------------------------------


class TestResidentUpdateMail:
    def _picked_up_mail(self, dream, mogelijkmaker, capture):
        with capture(execute=True):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        [sent] = mail.outbox
        assert sent.to == [dream.resident.email]
        return sent

    def test_it_names_the_status_and_links_to_the_dream_and_the_mail_choice(
        self, client, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        sent = self._picked_up_mail(dream, mogelijkmaker, django_capture_on_commit_callbacks)
        assert "Opgepakt" in sent.subject
        assert "Je droom heeft nu de status: Opgepakt." in sent.body
        assert "Mo El Amrani" in sent.body
        links = links_in(sent.body)

        # The dream's own link, that keeps working for weeks (issue 14, item 1).
        [dream_link] = [link for link in links if "/droom/" in link]
        match = re.fullmatch(re.escape(settings.SITE_URL) + r"/droom/([^/]+)/", dream_link)
        assert match, dream_link
        dream.refresh_from_db()
        assert dream_link_token_read(match.group(1)) == (dream, None)
        assert settings.SITE_URL + "/mijn-gegevens/meldingen/" in links
        [unsubscribe] = [link for link in links if "/afmelden/" in link]
        match = re.fullmatch(re.escape(settings.SITE_URL) + r"/afmelden/([^/]+)/", unsubscribe)
        assert match, unsubscribe
        assert unsubscribe_token_read(match.group(1)) == resident

        # The HTML part has the same links.
        [(html, mimetype)] = sent.alternatives
        assert mimetype == "text/html"
        assert "Opgepakt" in html
        assert settings.SITE_URL + "/mijn-gegevens/meldingen/" in html
        assert unsubscribe in html
        assert dream_link in html

        # The link opens the dream, without signing anyone in.
        page = client.get(urlsplit(dream_link).path)
        assert page.status_code == 200
        assert dream.title in page.content.decode()
        assert client.get("/mijn-dromen/").status_code == 302

    def test_a_staff_mail_has_no_unsubscribe_link(
        self, run, dream, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        services.notification_mode_set(user=mogelijkmaker, mode=NotificationMode.ESSENTIAL)
        with time_machine.travel(local(2026, 11, 2, 10), tick=False):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
        run(services.promises_check, local(2026, 11, 10, 8, 5))
        [reminder] = mails_to(mogelijkmaker)  # staff mail ignores the mail choice
        assert "/afmelden/" not in reminder.body
        assert "/mijn-gegevens/meldingen/" not in reminder.body

    def test_an_english_resident_gets_it_in_english(
        self, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        resident.language = "en"
        resident.save(update_fields=["language"])
        sent = self._picked_up_mail(dream, mogelijkmaker, django_capture_on_commit_callbacks)
        assert "Picked up" in sent.subject
        assert "There is news about your dream" in sent.body
        assert "The status of your dream is now: Picked up." in sent.body
        assert "Mo El Amrani has picked up your dream" in sent.body
        assert "Opgepakt" not in sent.body + sent.subject
        assert "Hallo" not in sent.body
        assert "/afmelden/" in sent.body

    def test_the_footer_and_the_daily_email_are_in_dutch(
        self, run, dream, resident, mogelijkmaker, django_capture_on_commit_callbacks
    ):
        sent = self._picked_up_mail(dream, mogelijkmaker, django_capture_on_commit_callbacks)
        assert "How often do you want email" not in sent.body
        assert "Only status changes and decisions" not in sent.body
        services.notification_mode_set(user=resident, mode=NotificationMode.DAILY)
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_send_message(dream=dream, by=mogelijkmaker, body="Hoi!")
            services.outbox_digest_send()
        digest = mail.outbox[-1]
        assert "Hoi!" in digest.body
        assert "This is what happened today" not in digest.body
        assert "Today at Dromen.Doen" not in digest.subject
        assert "Message from your MogelijkMaker" not in digest.body


class TestResidentMailSubjects:
    """Issue 14, item 6: the subject says what happened; the status stays in words in the body."""

    SUBJECTS = {
        EventKind.MESSAGE_TO_RESIDENT: (
            "Nieuw bericht van je MogelijkMaker over “Bankje”",
            "New message from your MogelijkMaker about “Bankje”",
        ),
        EventKind.GRANT: (
            "Budget toegekend voor je droom “Bankje”",
            "Budget granted for your dream “Bankje”",
        ),
        EventKind.STATUS_CHANGED: (
            "Je droom “Bankje” heeft een nieuwe status: Aan de slag",
            "Your dream “Bankje” has a new status: In progress",
        ),
        EventKind.DECISION_LETTER: (
            "Besluit over je droom “Bankje”",
            "Decision about your dream “Bankje”",
        ),
        EventKind.CONTACT_CHANGED: (
            "Je hebt een nieuwe MogelijkMaker voor “Bankje”",
            "You have a new MogelijkMaker for “Bankje”",
        ),
        EventKind.STILL_ON_IT: (
            "We zijn nog bezig met je droom “Bankje”",
            "We are still working on your dream “Bankje”",
        ),
    }

    @pytest.mark.parametrize("language", ["nl", "en"])
    @pytest.mark.parametrize("kind", list(SUBJECTS))
    def test_each_kind_has_its_own_subject(self, resident, mogelijkmaker, kind, language):
        resident.language = language
        resident.save(update_fields=["language"])
        dream = DreamFactory(
            resident=resident, title="Bankje", status=Status.IN_PROGRESS, contact=mogelijkmaker
        )
        event = TimelineEvent.objects.create(
            dream=dream, kind=kind, public=True, actor=mogelijkmaker, body="Wat er gebeurde."
        )
        _notify_resident(dream, event)
        row = OutboxMail.objects.get(recipient=resident)
        dutch, english = self.SUBJECTS[kind]
        assert row.subject == (dutch if language == "nl" else english)
        status = "Aan de slag" if language == "nl" else "In progress"
        assert status in row.body_text  # the status, in words, in the body

    def test_the_subjects_of_one_dream_differ(
        self, dream, mogelijkmaker, fund, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.dream_pick_up(dream=dream, by=mogelijkmaker)
            services.dream_send_message(dream=dream, by=mogelijkmaker, body="Ik bel je.")
            services.grant_create(
                dream=dream, by=mogelijkmaker, fund=fund, amount=100, purpose="Verf"
            )
        subjects = [m.subject for m in mail.outbox]
        assert len(set(subjects)) == 3, subjects
