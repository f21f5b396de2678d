"""The weekly report read from counted days gives the same figures as the whole history.

A varied history is generated through the services, at known moments over nine weeks (every
status, moves back and forth, reviews with and without tensions, letters, grants in three
funds with approvals, a week in which nothing happens); then every week's figures from
selectors.weekly_figures (counted days) are compared with weekly_report_reference (the
report as it was computed before: each figure read from the full history).
"""

import contextlib
import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from accounts.roles import Role
from initiatives import report_tasks, selectors, services
from initiatives.dilemma_models import Dilemma
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    CoreValue,
    Dream,
    EventKind,
    Grant,
    ReportDay,
    TimelineEvent,
    Verdict,
)
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution
from initiatives.situation_models import SituationMap
from initiatives.statuses import CLOSED, OPEN, STAFF_MOVES, Status
from tests.factories import (
    DreamFactory,
    FundFactory,
    NeighbourhoodFactory,
    ThemeFactory,
    UserFactory,
)
from tests.staff.conftest import make_staff
from tests.staff.weekly_report_reference import reference_weekly_figures

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST_MONDAY = date(2026, 2, 23)  # the history runs nine weeks, over the clock change of 29 March
WEEKS = 9
QUIET_WEEK = 5  # nothing at all happens in this week
NOW = datetime(2026, 5, 11, 9, 0, tzinfo=AMSTERDAM)


def mondays() -> list[date]:
    return [FIRST_MONDAY + timedelta(weeks=n) for n in range(-1, WEEKS + 1)]


def verdicts(rng: random.Random) -> dict:
    return {
        value.value: (Verdict.TENSION, f"Spanning bij {value.label}.")
        if rng.random() < 0.2
        else (Verdict.SUPPORTS, f"Past bij {value.label}.")
        for value in CoreValue
    }


class Generated:
    """Lives a municipality's weeks through the services, each step at its own moment."""

    def __init__(self, rng, enablers, comms, manager, funds, places, themes):
        self.rng = rng
        self.enablers = enablers
        self.comms = comms
        self.manager = manager
        self.funds = funds
        self.places = places
        self.themes = themes
        self.residents = [UserFactory(email=f"bewoner{n}@example.nl") for n in range(6)]
        # Issue 17's records, from their own random numbers: the history above stays as it was.
        self.extra = random.Random(17)
        self.partner = Organisation.objects.create(
            kind=Organisation.Kind.HOUSING,
            name="Woonstichting Land van Altena",
            contact_name="Ria",
            contact_email="ria@woonstichting.example",
            one_face=enablers[0],
        )
        self.dreams: list[Dream] = []
        self.waiting_grants: list[Grant] = []
        self.moment = None

    def at(self, moment: datetime, service, **kwargs):
        with time_machine.travel(moment, tick=False):
            return service(**kwargs)

    def day(self, day: date) -> None:
        # Each step a few minutes after the last: no two events share a moment.
        self.moment = datetime(day.year, day.month, day.day, 8, 0, tzinfo=AMSTERDAM)
        for _n in range(self.rng.choice([0, 1, 1, 2, 3])):
            self.submit()
        for dream in list(self.dreams):
            if self.rng.random() < 0.35:
                # A step the rules refuse (realised with a grant waiting) is no step.
                with contextlib.suppress(NotAllowed):
                    self.step(Dream.objects.get(pk=dream.pk))
        self.issue_17_records()
        for grant in list(self.waiting_grants):
            if self.rng.random() < 0.3:
                self.waiting_grants.remove(grant)
                grant.refresh_from_db()
                dream = Dream.objects.get(pk=grant.dream_id)
                if grant.state == Grant.State.AWAITING_APPROVAL and dream.status not in CLOSED:
                    self.do(
                        services.grant_decide,
                        grant=grant,
                        by=self.manager,
                        approve=self.rng.random() < 0.7,
                    )

    def issue_17_records(self) -> None:
        """Dilemmas and exceptions recorded and discussed, partners' contributions (some
        withdrawn), situations mapped (some seen on location): each at its own moment."""
        rng, moment = self.extra, self.moment
        for dream in Dream.objects.filter(pk__in=[d.pk for d in self.dreams]):
            moment += timedelta(seconds=rng.randint(5, 50))
            if dream.status in OPEN and dream.contact_id and rng.random() < 0.08:
                self.at(
                    moment,
                    services.dilemma_record,
                    dream=dream,
                    by=dream.contact,
                    kind=rng.choice(["exception", "dilemma"]),
                    summary=f"Kwestie bij {dream.title}",
                    rule="De regel",
                    why="Omdat het zo beter past.",
                )
            if dream.contact_id and rng.random() < 0.15:
                kind = rng.choice(["money", "hours", "materials"])
                Contribution.objects.create(
                    dream=dream,
                    source=Contribution.Source.PARTNER,
                    organisation=self.partner,
                    kind=kind,
                    amount=Decimal(rng.choice([50, 125])) if kind != "hours" else None,
                    hours=Decimal("2.5") if kind == "hours" else None,
                    created_at=moment,
                    withdrawn_at=moment + timedelta(days=2) if rng.random() < 0.2 else None,
                )
            if dream.contact_id and rng.random() < 0.1:
                SituationMap.objects.update_or_create(
                    dream=dream,
                    defaults={
                        "updated_by": dream.contact,
                        "seen_on_location_on": moment.date() - timedelta(days=rng.randint(0, 3))
                        if rng.random() < 0.7
                        else None,
                    },
                )
        for item in Dilemma.objects.filter(outcome="open"):
            moment += timedelta(seconds=rng.randint(5, 50))
            if rng.random() < 0.25:
                self.at(
                    moment,
                    services.dilemma_discuss,
                    dilemma=item,
                    by=self.manager,
                    outcome="no_new_rule",
                    note="Besproken.",
                )

    def do(self, service, **kwargs):
        self.moment += timedelta(minutes=self.rng.randint(3, 40))
        return self.at(self.moment, service, **kwargs)

    def submit(self) -> None:
        dream = self.do(
            services.dream_submit,
            resident=self.rng.choice(self.residents),
            title=f"Droom {len(self.dreams) + 1}",
            story="Een verhaal over de buurt.",
            own_contribution="Ik help mee.",
            needs_from_municipality="Toestemming.",
            neighbourhood=self.rng.choice(self.places),
            theme=self.rng.choice(self.themes),
            confirmed=True,
        )
        self.dreams.append(dream)

    def step(self, dream: Dream) -> None:
        rng = self.rng
        if dream.status in CLOSED:
            self.dreams.remove(dream)
            return
        if rng.random() < 0.04:
            self.do(services.dream_withdraw, dream=dream, by=dream.resident, reason="Verhuisd.")
            return
        if dream.status == Status.SUBMITTED:
            self.do(services.dream_pick_up, dream=dream, by=rng.choice(self.enablers))
            return
        by = dream.contact
        if dream.status == Status.PICKED_UP and rng.random() < 0.8:
            self.do(
                services.dream_log_contact,
                dream=dream,
                by=by,
                kind="phone",
                on=self.moment.date(),
                summary="Gebeld.",
            )
            return
        choice = rng.random()
        if choice < 0.25:
            self.do(services.review_record, dream=dream, by=by, verdicts=verdicts(rng))
        elif choice < 0.4 and dream.status in (Status.IN_CONVERSATION, Status.IN_PROGRESS):
            amount = Decimal(rng.choice([25, 120, 480, 1500, 4000]))
            grant = self.do(
                services.grant_create,
                dream=dream,
                by=by,
                fund=rng.choice(self.funds),
                amount=amount,
                purpose="Materiaal",
            )
            if grant.state == Grant.State.AWAITING_APPROVAL:
                self.waiting_grants.append(grant)
        elif choice < 0.47 and dream.reviews.exists():
            decision = self.do(
                services.decision_propose, dream=dream, by=by, reasons="Dat mag niet."
            )
            self.do(services.decision_sign, decision=decision, by=self.comms, letter="Beste ...")
        elif choice < 0.52:
            other = next(person for person in self.enablers if person.pk != dream.contact_id)
            self.do(services.dreams_hand_over, dreams=[dream], by=by, to=other, note="Vakantie.")
        else:
            targets = STAFF_MOVES.get(dream.status, [])
            if targets:
                target = rng.choice(targets)
                if (
                    target == Status.IN_PROGRESS
                    and not dream.reviews.filter(is_current=True).exists()
                ):
                    self.do(services.review_record, dream=dream, by=by, verdicts=verdicts(rng))
                self.do(services.dream_move, dream=dream, by=by, target=target)


# What the history is lived in: not the Redis database the Celery broker uses (each test gets
# its own in-memory cache afterwards, tests/conftest.py), and quick password hashes for staff.
HISTORY_SETTINGS = {
    "CACHES": {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "report-days-history",
        }
    },
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    """The history, lived once for this module (some 15 s of services): in a transaction
    rolled back after the module's last test. Each test runs in a savepoint inside it, so
    what one test adds or stores is gone for the next, as with a history of its own."""
    from django.contrib.auth.models import Group

    with (
        django_db_blocker.unblock(),
        override_settings(**HISTORY_SETTINGS),
        transaction.atomic(),
    ):
        for role in Role:  # as tests/conftest.py's _role_groups, for this transaction
            Group.objects.get_or_create(name=role.value)
        enablers = [
            make_staff(Role.ENABLER, email="sanne@heusden.example", full_name="Sanne de Vries"),
            make_staff(Role.ENABLER, email="mehmet@heusden.example", full_name="Mehmet Yilmaz"),
        ]
        comms = make_staff(Role.COMMUNICATIONS, email="fleur@heusden.example")
        manager = make_staff(Role.MANAGER, email="marco@heusden.example")
        promises = selectors.service_promises()
        promises.silence_days = 10
        promises.save()
        rng = random.Random(15)
        funds = [
            FundFactory(name="Dromenfonds", year=2026, amount=200_000),
            FundFactory(name="Buurtbudget", year=2026, amount=50_000),
            FundFactory(name="Ééndagsfonds", year=2026, amount=30_000),
            FundFactory(name="Dromenfonds", year=2025, amount=10_000),
        ]
        places = [NeighbourhoodFactory(name=name) for name in ("Vlijmen", "Drunen", "Elshout")]
        themes = [ThemeFactory(name=name) for name in ("Groen", "Spelen en sport", "Samen")]
        history = Generated(rng, enablers, comms, manager, funds[:3], places, themes)
        for day_number in range(WEEKS * 7):
            if day_number // 7 == QUIET_WEEK:
                continue
            history.day(FIRST_MONDAY + timedelta(days=day_number))
        yield history
        transaction.set_rollback(True)


@pytest.fixture
def history(generated, db):
    """The module's history for one test, with its own random numbers and clock: what a
    test lives on top of it is rolled back, and so must the history's own state be."""
    rng_state, moment = generated.rng.getstate(), generated.moment
    dreams, waiting = list(generated.dreams), list(generated.waiting_grants)
    extra_state = generated.extra.getstate()
    yield generated
    generated.rng.setstate(rng_state)
    generated.extra.setstate(extra_state)
    generated.moment, generated.dreams, generated.waiting_grants = moment, dreams, waiting


def _assert_varied() -> None:
    """The comparison means something: every status and move occurs in the history."""
    moves = set(
        TimelineEvent.objects.filter(kind=EventKind.STATUS_CHANGED).values_list(
            "from_status", "to_status"
        )
    )
    reached = {to for _from, to in moves}
    assert reached >= {
        Status.PICKED_UP,
        Status.IN_CONVERSATION,
        Status.IN_PROGRESS,
        Status.PAUSED,
        Status.REALISED,
        Status.NOT_POSSIBLE,
        Status.WITHDRAWN,
    }
    assert (Status.PAUSED, Status.IN_CONVERSATION) in moves  # back and forth
    granted = Grant.objects.filter(state=Grant.State.GRANTED)
    assert granted.values("fund").distinct().count() == 3
    assert Grant.objects.filter(state=Grant.State.REJECTED).exists()
    # Issue 17: every kind of record occurs, and each figure is above zero in some week.
    assert {"exception", "dilemma"} <= set(Dilemma.objects.values_list("kind", flat=True))
    assert Dilemma.objects.exclude(outcome="open").exists()
    assert Contribution.objects.filter(withdrawn_at__isnull=False).exists()
    assert SituationMap.objects.filter(seen_on_location_on__isnull=False).exists()
    with time_machine.travel(NOW, tick=False):
        weeks = [selectors.weekly_figures(monday) for monday in mondays()]
    assert any(week["situation"]["seen_before"] for week in weeks)
    assert any(week["partners"]["hours"] != "0.0" for week in weeks)
    quiet = FIRST_MONDAY + timedelta(weeks=QUIET_WEEK)
    assert not TimelineEvent.objects.filter(
        created_at__date__gte=quiet, created_at__date__lt=quiet + timedelta(days=7)
    ).exists()


def _same_figures(monday: date) -> None:
    with time_machine.travel(NOW, tick=False):
        fast = selectors.weekly_figures(monday)
        slow = reference_weekly_figures(monday)
    assert fast == slow, monday


def test_every_week_has_the_figures_of_the_full_history(history):
    """Counted in memory (nothing stored yet), then from stored days: the same each week."""
    _assert_varied()
    for monday in mondays():
        _same_figures(monday)
    with time_machine.travel(NOW, tick=False):
        stored = services.report_days_store()
    assert stored == ReportDay.objects.count() > WEEKS * 7
    for monday in mondays():
        _same_figures(monday)


def test_the_stored_days_are_read_not_the_history(history):
    with time_machine.travel(NOW, tick=False):
        services.report_days_store()
        with CaptureQueriesContext(connection) as queries:
            selectors.weekly_figures(FIRST_MONDAY + timedelta(weeks=3), detail=False)
    sqls = [query["sql"] for query in queries.captured_queries]
    assert any("initiatives_reportday" in sql for sql in sqls)
    # The history is only looked at for rows added since the days were counted (by id).
    for sql in sqls:
        if "initiatives_timelineevent" in sql or "initiatives_grant" in sql:
            assert "initiatives_reportday" in sql and "event_mark" in sql, sql


def test_a_row_added_into_a_counted_day_is_noticed(history):
    """An event written into the past after its day was counted (an import, a test's
    factory): the days from then on are counted again, never shown wrong."""
    week = FIRST_MONDAY + timedelta(weeks=2)
    with time_machine.travel(NOW, tick=False):
        services.report_days_store()
    # A dream handed in on that day, imported afterwards with its history.
    moment = datetime.combine(week + timedelta(days=2), datetime.min.time(), AMSTERDAM)
    handed_in = moment + timedelta(hours=11)
    # As the services write it: the dream's last public update is its hand-in.
    dream = DreamFactory(submitted_at=handed_in, created_at=moment, last_public_update_at=handed_in)
    TimelineEvent.objects.create(
        dream=dream,
        kind=EventKind.SUBMITTED,
        public=True,
        from_status=Status.UNCONFIRMED,
        to_status=Status.SUBMITTED,
        created_at=dream.submitted_at,
    )
    _same_figures(week)
    with time_machine.travel(NOW, tick=False):
        services.report_days_store()
    assert ReportDay.objects.filter(day=week + timedelta(days=2)).get().built_at == NOW
    for monday in mondays():
        _same_figures(monday)
    # Days lost (or never stored): the report counts them again rather than show zeros.
    ReportDay.objects.filter(day__gte=FIRST_MONDAY + timedelta(weeks=4)).delete()
    for monday in mondays()[4:]:
        _same_figures(monday)


def test_storing_twice_writes_nothing_new_and_waits_for_a_day_to_settle(history):
    with time_machine.travel(NOW, tick=False):
        first = services.report_days_store()
        again = services.report_days_store()
    assert first > 0 and again == 0
    days = list(ReportDay.objects.values_list("day", flat=True))
    assert days == [days[0] + timedelta(n) for n in range(len(days))]  # no gap
    assert days[-1] == NOW.date() - timedelta(days=1)
    ReportDay.objects.all().delete()
    just_after_midnight = datetime(2026, 5, 11, 0, 5, tzinfo=AMSTERDAM)
    with time_machine.travel(just_after_midnight, tick=False):
        services.report_days_store()
    assert ReportDay.objects.order_by("-day").first().day == date(2026, 5, 9)


def test_the_build_costs_at_most_20_queries_whatever_the_history(history):
    """The snapshot's queries do not depend on the number of dreams or days (issue 15)."""
    monday = FIRST_MONDAY + timedelta(weeks=WEEKS - 1)
    with time_machine.travel(NOW, tick=False):
        services.report_days_store()
        with CaptureQueriesContext(connection) as few:
            services.weekly_report_build(monday=monday)
    for _n in range(3):  # twice the dreams, over the same weeks
        for day_number in range(0, WEEKS * 7, 3):
            history.day(FIRST_MONDAY + timedelta(days=day_number))
    with time_machine.travel(NOW, tick=False):
        services.report_days_store()
        with CaptureQueriesContext(connection) as many:
            services.weekly_report_build(monday=monday)
    assert len(few.captured_queries) <= 20
    assert len(many.captured_queries) == len(few.captured_queries)  # built again: the same


def test_the_nightly_task_and_the_command_count_the_days(history, settings, capsys):
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "initiatives.report_tasks.report_days_count"
    )
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {20})
    with time_machine.travel(NOW, tick=False):
        counted = report_tasks.report_days_count()
        assert counted == ReportDay.objects.count() > 0
        assert report_tasks.report_days_count() == 0  # once a night is enough; twice is safe
        call_command("report_days", "--again-from", "2026-04-01")
    out = capsys.readouterr().out
    assert "Forgot 40 counted days from 2026-04-01 on." in out
    assert "Counted 40 days" in out
    with pytest.raises(CommandError, match="give a day as YYYY-MM-DD"):
        call_command("report_days", "--again-from", "1 april")


def test_a_week_end_snapshot_stays_right_after_later_work(history):
    enabler, second_enabler = history.enablers
    """A Sunday counted just after midnight keeps its week's lists (silent dreams, dreams in
    care); what happens afterwards (hand-overs, moves, messages) does not change them, and
    a dream handed over since counts for its contact person today, as the reference has it."""
    last_week = FIRST_MONDAY + timedelta(weeks=WEEKS - 1)
    sunday = last_week + timedelta(days=6)
    after_midnight = datetime.combine(sunday + timedelta(days=1), datetime.min.time(), AMSTERDAM)
    with time_machine.travel(after_midnight + timedelta(minutes=20), tick=False):
        services.report_days_store()
    assert ReportDay.objects.get(day=sunday).week_end is not None
    assert ReportDay.objects.get(day=sunday - timedelta(weeks=1)).week_end is not None
    history.moment = after_midnight + timedelta(hours=8)
    in_care = list(Dream.objects.filter(status__in=[Status.IN_CONVERSATION, Status.IN_PROGRESS]))
    assert len(in_care) >= 3
    for dream in in_care[:3]:
        to = second_enabler if dream.contact_id == enabler.pk else enabler
        history.do(services.dreams_hand_over, dreams=[dream], by=dream.contact, to=to, note="Ziek.")
    for dream in Dream.objects.filter(status=Status.IN_PROGRESS)[:2]:
        history.do(services.dream_move, dream=dream, by=dream.contact, target=Status.PAUSED)
    for dream in Dream.objects.filter(status__in=[Status.PICKED_UP, Status.IN_CONVERSATION])[:3]:
        history.do(
            services.dream_send_message, dream=dream, by=dream.contact, body="Hoe staat het?"
        )
    for monday in (last_week, last_week - timedelta(weeks=1)):
        _same_figures(monday)
