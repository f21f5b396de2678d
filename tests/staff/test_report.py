"""The managers' weekly report ("keek op de week"): its figures, snapshot, mail, page and files.

The figures are checked against a small history built by hand through the services, at
known moments, so that the right answers are known: two weeks in April 2026, with King's
Day (Monday 27 April, a public holiday) inside the pick-up promise of two dreams.
"""

import csv
import io
import os
import re
import shutil
import subprocess
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from initiatives import selectors, services, tasks
from initiatives.dilemma_models import Dilemma
from initiatives.models import CoreValue, Dream, Grant, Verdict, WeeklyReport
from initiatives.partner_models import Organisation
from initiatives.plan_models import Contribution
from initiatives.selectors.weekly_report import _status_then, week_bounds
from initiatives.situation_models import SituationMap
from initiatives.statuses import Status
from initiatives.working_days import working_days_between
from staff import reports
from tests.factories import FundFactory, NeighbourhoodFactory, ThemeFactory, UserFactory
from tests.initiatives.outbox.retries import setup_mail_sent
from tests.staff.conftest import make_staff

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
WEEK_1 = date(2026, 4, 20)  # 2026-W17, Monday 20 to Sunday 26 April
WEEK_2 = date(2026, 4, 27)  # 2026-W18, starts on King's Day
NOW = datetime(2026, 5, 11, 9, 0, tzinfo=AMSTERDAM)  # a Monday: last week is 2026-W19
REPORT = "/medewerkers/rapportage/"


def at(day: int, hour: int = 10, month: int = 4) -> datetime:
    return datetime(2026, month, day, hour, 0, tzinfo=AMSTERDAM)


def verdicts(**tensions: str) -> dict[str, tuple[str, str]]:
    """A verdict per core value: a tension (with its reasoning) where given, else support."""
    return {
        value.value: (Verdict.TENSION, tensions[value.value])
        if value.value in tensions
        else (Verdict.SUPPORTS, f"Past bij {value.label}.")
        for value in CoreValue
    }


class History:
    """Run services at the moments given, as if it happened then."""

    def __init__(self):
        self.resident = UserFactory(email="anna@example.nl", full_name="Anna de Bewoner")

    def do(self, when: datetime, service, **kwargs):
        with time_machine.travel(when, tick=False):
            return service(**kwargs)

    def submit(self, when: datetime, title: str, neighbourhood, theme) -> Dream:
        return self.do(
            when,
            services.dream_submit,
            resident=self.resident,
            title=title,
            story="Een verhaal over de buurt.",
            own_contribution="Ik help mee.",
            needs_from_municipality="Toestemming.",
            neighbourhood=neighbourhood,
            theme=theme,
            confirmed=True,
        )

    def contact(self, when: datetime, dream: Dream, by) -> None:
        self.do(
            when,
            services.dream_log_contact,
            dream=dream,
            by=by,
            kind="phone",
            on=when.date(),
            summary="Gebeld.",
        )


@pytest.fixture(autouse=True)
def _now():
    """Every test runs on Monday 11 May 2026; the history happens in April."""
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def promises(db):
    promises = selectors.service_promises()
    promises.pick_up_working_days = 1
    promises.first_contact_working_days = 3
    promises.silence_days = 14
    promises.save()
    return promises


@pytest.fixture
def history(promises, enabler, second_enabler, comms, manager):
    """Two weeks in April 2026 whose figures are worked out by hand in the tests."""
    h = History()
    drunen, vlijmen = NeighbourhoodFactory(name="Drunen"), NeighbourhoodFactory(name="Vlijmen")
    groen, spelen = ThemeFactory(name="Groen"), ThemeFactory(name="Spelen en sport")
    fund = FundFactory(name="Dromenfonds", year=2026, amount=10000)
    FundFactory(name="Buurtbudget", year=2026, amount=2000)

    # Silent: picked up on 31 March, then nothing for the resident.
    silent = h.submit(at(30, month=3), "Bloemen langs de dijk", drunen, groen)
    h.do(at(31, month=3), services.dream_pick_up, dream=silent, by=enabler)

    # Not possible: from the week before, the letter signed on Tuesday of week 1.
    refused = h.submit(at(13), "Bankje in de vijver", drunen, groen)
    h.do(at(14), services.dream_pick_up, dream=refused, by=enabler)
    h.contact(at(15), refused, enabler)
    h.do(at(16), services.review_record, dream=refused, by=enabler, verdicts=verdicts())
    decision = h.do(
        at(20),
        services.decision_propose,
        dream=refused,
        by=enabler,
        reasons='=HYPERLINK("http://x") De vijver is van het waterschap.',
    )
    h.do(at(21), services.decision_sign, decision=decision, by=comms, letter="Beste Anna, ...")

    # Week 1, Monday: handed in, picked up the same day, first contact on Wednesday.
    garden = h.submit(at(20, 9), "Moestuin achter de school", vlijmen, groen)
    h.do(at(20, 15), services.dream_pick_up, dream=garden, by=enabler)
    h.contact(at(22), garden, enabler)
    # Its review, revised within the week: two versions, both with a tension.
    h.do(
        at(23),
        services.review_record,
        dream=garden,
        by=enabler,
        verdicts=verdicts(
            customer="Niet elke buur wil een moestuin.", dialogue="Nog niet besproken."
        ),
        dilemma="Wie onderhoudt de moestuin in de zomer?",
        discussed_with="Team Noord",
    )
    h.do(
        at(24, 9),
        services.review_record,
        dream=garden,
        by=enabler,
        verdicts=verdicts(customer="De school wil meedoen, de buren twijfelen."),
    )
    h.do(
        at(24, 11),
        services.grant_create,
        dream=garden,
        by=enabler,
        fund=fund,
        amount=Decimal(500),
        purpose="Zaden",
    )
    large = h.do(
        at(24, 12),
        services.grant_create,
        dream=garden,
        by=enabler,
        fund=fund,
        amount=Decimal(3000),
        purpose="Hekwerk",
    )
    assert large.state == Grant.State.AWAITING_APPROVAL
    h.do(at(24, 14), services.dream_move, dream=garden, by=enabler, target=Status.IN_PROGRESS)
    # A dilemma without a tension, on the silent dream (an internal review: still silent).
    h.do(
        at(22, 16),
        services.review_record,
        dream=silent,
        by=enabler,
        verdicts=verdicts(),
        dilemma="Mag de buurt zelf maaien?",
    )

    # Issue 17. An exception on the garden, recorded on Friday; the silent dream's dilemma
    # (from its review) discussed on Saturday. The garden's situation was seen on location on
    # Wednesday, before it went to "in progress" on Friday; partners pledged money and hours.
    h.do(
        at(24, 15),
        services.dilemma_record,
        dream=garden,
        by=enabler,
        kind="exception",
        summary="Hekwerk van 1,50 m om de moestuin",
        rule="Hekwerk in de wijk hooguit 1,20 m",
        why="Anders eten de reeën alles op.",
        agreed_with="Teamleider Joke",
    )
    h.do(
        at(25, 10),
        services.dilemma_discuss,
        dilemma=Dilemma.objects.get(dream=silent),
        by=manager,
        outcome="no_new_rule",
        note="Maaien mag, met de maaier van de gemeente.",
    )
    SituationMap.objects.create(
        dream=garden, seen_on_location_on=date(2026, 4, 22), updated_by=enabler
    )
    corporation = Organisation.objects.create(
        kind=Organisation.Kind.HOUSING,
        name="Woonstichting De Kleine Meierij",
        contact_name="Ria",
        contact_email="ria@kleinemeierij.example",
        one_face=enabler,
    )
    for when, kind, amount, hours, withdrawn, source in (
        (at(23), "money", Decimal(250), None, None, "partner"),
        (at(24), "hours", None, Decimal(12), None, "partner"),
        (at(24), "materials", Decimal(80), None, None, "partner"),
        (at(24), "money", Decimal(999), None, at(25), "partner"),  # withdrawn
        (at(28), "money", Decimal(100), None, None, "partner"),  # week 2
        (at(24), "hours", None, Decimal(40), None, "residents"),  # not a partner
    ):
        Contribution.objects.create(
            dream=garden,
            source=source,
            organisation=corporation if source == "partner" else None,
            kind=kind,
            amount=amount,
            hours=hours,
            created_at=when,
            withdrawn_at=withdrawn,
        )

    # Handed in during week 1, picked up in week 2, with King's Day in between.
    bench = h.submit(at(23), "Bankje bij de bushalte", drunen, groen)  # Thursday
    swing = h.submit(at(26, 12), "Schommel in het park", vlijmen, spelen)  # Sunday
    h.do(at(28, 9), services.dream_pick_up, dream=bench, by=enabler)  # Tuesday 28 April
    h.do(at(28, 9), services.dream_pick_up, dream=swing, by=enabler)
    h.do(at(28, 10), services.grant_decide, grant=large, by=manager, approve=True)
    return {
        "silent": silent,
        "refused": refused,
        "garden": garden,
        "bench": bench,
        "swing": swing,
        "enabler": enabler,
        "manager": manager,
    }


def build(monday: date) -> dict:
    """Build the week's snapshot and return its figures as stored (JSON)."""
    services.weekly_report_build(monday=monday)
    return WeeklyReport.objects.get(week_start=monday).figures


# --- the figures --------------------------------------------------------------------------------


class TestFiguresOfAWeek:
    def test_intake_counts_where_dreams_were_handed_in(self, history):
        intake = build(WEEK_1)["current"]["intake"]
        assert intake == {
            "total": 3,
            "by_neighbourhood": [["Vlijmen", 2], ["Drunen", 1]],
            "by_theme": [["Groen", 2], ["Spelen en sport", 1]],
        }
        assert build(WEEK_2)["current"]["intake"]["total"] == 0

    def test_flow_of_week_one(self, history):
        flow = build(WEEK_1)["current"]["flow"]
        assert {key: value for key, value in flow.items() if key != "open_by_status"} == {
            "picked_up": 1,  # the garden; the bench and the swing wait for week 2
            "first_contact": 1,
            "in_progress": 1,
            "realised": 0,
            "not_possible": 1,
            "withdrawn": 0,
            "open_total": 4,
        }
        assert flow["open_by_status"] == {
            "submitted": 2,  # the bench and the swing, as they were on Sunday night
            "picked_up": 1,
            "in_conversation": 0,
            "in_progress": 1,
            "paused": 0,
        }

    def test_a_dream_across_the_week_boundary(self, history):
        bench = history["bench"]
        _start, end = week_bounds(WEEK_1)
        then = Dream.objects.annotate(status_then=_status_then(end)).get(pk=bench.pk)
        assert then.status_then == Status.SUBMITTED
        bench.refresh_from_db()
        assert bench.status == Status.PICKED_UP  # today's status is not what week 1 saw

        week_2 = build(WEEK_2)["current"]
        assert week_2["flow"]["picked_up"] == 2
        assert week_2["flow"]["open_by_status"]["submitted"] == 0
        assert week_2["flow"]["open_by_status"]["picked_up"] == 3

    def test_kings_day_is_not_a_working_day_in_the_promise(self, history):
        # Sunday 26 to Tuesday 28 April: two days later, one working day (King's Day).
        assert working_days_between(date(2026, 4, 26), date(2026, 4, 28)) == 1
        # Thursday 23 to Tuesday 28 April: Friday and Tuesday.
        assert working_days_between(date(2026, 4, 23), date(2026, 4, 28)) == 2
        pick_up = build(WEEK_2)["current"]["promises"]["pick_up"]
        # Promise: 1 working day. The swing is in time thanks to the holiday; the bench not.
        assert pick_up == {
            "within": 1,
            "count": 2,
            "in_time_share": 0.5,
            "median": 1.5,
            "p90": 1.9,
        }

    def test_promises_of_week_one(self, history):
        promises = build(WEEK_1)["current"]["promises"]
        assert promises["pick_up"] == {
            "within": 1,
            "count": 1,
            "in_time_share": 1.0,
            "median": 0.0,
            "p90": 0.0,
        }
        # Picked up on Monday, called on Wednesday: two working days, promise three.
        assert promises["first_contact"] == {
            "within": 3,
            "count": 1,
            "in_time_share": 1.0,
            "median": 2.0,
            "p90": 2.0,
        }

    def test_a_review_revised_within_the_week(self, history):
        current = build(WEEK_1)["current"]
        assert current["reviews"] == {"count": 3, "with_tension": 2}
        garden = history["garden"]
        assert [(t["id"], t["version"], t["values"]) for t in current["tensions"]] == [
            (garden.pk, 1, ["De Klant Centraal", "Dialoog en Samenwerking"]),
            (garden.pk, 2, ["De Klant Centraal"]),
        ]
        first, second = current["tensions"]
        assert first["reasonings"] == ["Niet elke buur wil een moestuin.", "Nog niet besproken."]
        assert first["dilemma"] == "Wie onderhoudt de moestuin in de zomer?"
        assert first["discussed_with"] == "Team Noord"
        assert first["by"] == "Sanne de Vries"
        assert second["reasonings"] == ["De school wil meedoen, de buren twijfelen."]
        # The reviews' dilemmas are the Dilemma records now (issue 17): listed below.
        assert "dilemmas" not in current

    def test_dilemmas_and_exceptions_with_their_outcomes(self, history):
        """Issue 17: recorded in the week (also from a review), or discussed in it; the
        second review of the garden repeats no dilemma, so it adds none."""
        items = build(WEEK_1)["current"]["dilemma_items"]
        silent, garden = history["silent"].pk, history["garden"].pk
        assert [(i["id"], i["kind"], i["summary"], i["outcome"]) for i in items] == [
            (silent, "dilemma", "Mag de buurt zelf maaien?", "no_new_rule"),
            (garden, "dilemma", "Wie onderhoudt de moestuin in de zomer?", "open"),
            (garden, "exception", "Hekwerk van 1,50 m om de moestuin", "open"),
        ]
        assert items[0]["note"] == "Maaien mag, met de maaier van de gemeente."
        assert items[0]["discussed_by"] == "Marco Bakker"
        assert items[1]["agreed_with"] == "Team Noord"
        assert items[2] | {} == {
            "id": garden,
            "title": "Moestuin achter de school",
            "kind": "exception",
            "summary": "Hekwerk van 1,50 m om de moestuin",
            "rule": "Hekwerk in de wijk hooguit 1,20 m",
            "why": "Anders eten de reeën alles op.",
            "agreed_with": "Teamleider Joke",
            "by": "Sanne de Vries",
            "recorded": "2026-04-24",
            "recorded_in_week": True,
            "outcome": "open",
            "note": "",
            "discussed_by": "",
        }
        assert build(WEEK_2)["current"]["dilemma_items"] == []

    def test_partners_next_to_the_municipal_money(self, history):
        """Issue 17: partners' contributions recorded in the week, not withdrawn: how many,
        the money (of the money ones) and the hours; the residents' own hours are not a
        partner's."""
        current = build(WEEK_1)["current"]
        assert current["partners"] == {"count": 3, "money": "250.00", "hours": "12.0"}
        assert build(WEEK_2)["current"]["partners"] == {
            "count": 1,
            "money": "100.00",
            "hours": "0.0",
        }

    def test_situations_seen_on_location_before_the_plan(self, history, enabler):
        """Issue 17: the garden went to "in progress" for the first time in week 1, seen on
        location two days before; a dream seen only after its move does not count."""
        assert build(WEEK_1)["current"]["situation"] == {"in_progress": 1, "seen_before": 1}
        SituationMap.objects.filter(dream=history["garden"]).update(
            seen_on_location_on=date(2026, 4, 25)
        )
        assert build(WEEK_1)["current"]["situation"] == {"in_progress": 1, "seen_before": 0}
        assert build(WEEK_2)["current"]["situation"] == {"in_progress": 0, "seen_before": 0}

    def test_silence_not_possible_and_workload(self, history, second_enabler):
        current = build(WEEK_1)["current"]
        _start, end = week_bounds(WEEK_1)
        picked = history["silent"].events.get(to_status=Status.PICKED_UP).created_at
        assert current["silence"] == [
            {
                "id": history["silent"].pk,
                "title": "Bloemen langs de dijk",
                "contact": "Sanne de Vries",
                "days": (end - picked).days,
            }
        ]
        assert (end - picked).days == 26
        assert current["not_possible_reasons"] == [
            {
                "id": history["refused"].pk,
                "title": "Bankje in de vijver",
                "reasons": '=HYPERLINK("http://x") De vijver is van het waterschap.',
            }
        ]
        assert current["workload"] == [
            {"name": "Mehmet Yilmaz", "open": 0},
            {"name": "Sanne de Vries", "open": 2},  # the garden and the silent dream
        ]

    def test_money_per_fund(self, history):
        week_1, week_2 = build(WEEK_1)["current"], build(WEEK_2)["current"]
        assert week_1["money"] == [
            {
                "fund": "Buurtbudget",
                "granted_week": "0.00",
                "granted_year": "0.00",
                "balance": "2000.00",
            },
            # The € 3.000 waiting for approval is not granted yet.
            {
                "fund": "Dromenfonds",
                "granted_week": "500.00",
                "granted_year": "500.00",
                "balance": "9500.00",
            },
        ]
        assert week_2["money"][1] == {
            "fund": "Dromenfonds",
            "granted_week": "3000.00",
            "granted_year": "3500.00",
            "balance": "6500.00",
        }

    def test_money_is_summed_on_the_joined_grants_not_a_subquery_per_row(self, history):
        """Issue 15: "grants__in=<subquery>" became a SubPlan that PostgreSQL ran again for each
        of a fund's grant rows; at a million dreams one report ran 54 s in that query."""
        with CaptureQueriesContext(connection) as queries:
            selectors.weekly_figures(WEEK_2, detail=False)  # the days are counted here
        money_sqls = [q["sql"] for q in queries.captured_queries if "SUM(" in q["sql"].upper()]
        assert money_sqls
        for money_sql in money_sqls:
            assert "IN (SELECT" not in money_sql.upper().replace("\n", " ")

    def test_previous_week_and_trend(self, history):
        figures = build(WEEK_2)
        assert figures["previous"]["week"] == "2026-W17"
        assert figures["previous"]["intake"]["total"] == 3
        assert "tensions" not in figures["previous"]  # the lists only for the week itself
        assert len(figures["trend"]) == 12
        assert figures["trend"][-1]["week"] == "2026-W18"
        assert figures["trend"][-2] == {
            "week": "2026-W17",
            "intake": 3,
            "realised": 0,
            "pick_up_share": 1.0,
            "first_contact_share": 1.0,
        }
        assert figures["trend"][-1]["pick_up_share"] == 0.5


class TestSnapshot:
    def test_building_twice_gives_the_same_figures(self, history):
        first = build(WEEK_1)
        assert build(WEEK_1) == first
        assert WeeklyReport.objects.filter(week_start=WEEK_1).count() == 1

    def test_what_happens_later_does_not_change_a_past_week(self, history, second_enabler):
        before = build(WEEK_1)
        garden, silent, swing = history["garden"], history["silent"], history["swing"]
        enabler = history["enabler"]
        services.dream_move(dream=garden, by=enabler, target=Status.REALISED)  # today
        services.dream_send_message(dream=silent, by=enabler, body="We gaan maaien!")
        services.dream_log_contact(
            dream=swing, by=enabler, kind="visit", on=NOW.date(), summary="Bezocht."
        )
        services.dreams_hand_over(dreams=[swing], by=enabler, to=second_enabler, note="Vakantie.")
        after = build(WEEK_1)
        for key in before["current"]:
            assert after["current"][key] == before["current"][key], key
        assert after == before

    def test_a_week_that_has_not_ended_is_not_built(self, history):
        with pytest.raises(ValueError):
            services.weekly_report_build(monday=date(2026, 5, 11))


class TestMail:
    def test_each_manager_gets_it_once(self, history, django_capture_on_commit_callbacks):
        second = make_staff(Role.MANAGER, email="ria@heusden.example", full_name="Ria Vos")
        make_staff(Role.MANAGER, email="oud@heusden.example", is_active=False)
        build(WEEK_1)
        setup_mail_sent()  # the history's mails, sent at their commits
        with django_capture_on_commit_callbacks(execute=True):
            assert services.weekly_report_mail(monday=WEEK_1) == 2
        assert sorted(m.to[0] for m in mail.outbox) == [
            history["manager"].email,
            second.email,
        ]
        message = mail.outbox[0]
        assert message.subject == "Keek op de week: week 17, 20\N{EN DASH}26 april 2026"
        assert "Keek op de week: week 17, 20\N{EN DASH}26 april 2026" in message.body
        assert "/medewerkers/rapportage/?week=2026-04-20" in message.body
        with django_capture_on_commit_callbacks(execute=True):
            assert services.weekly_report_mail(monday=WEEK_1) == 0
            build(WEEK_1)  # building again does not make it go out again
            assert services.weekly_report_mail(monday=WEEK_1) == 0
        assert len(mail.outbox) == 2

    def test_the_monday_task_builds_last_week_and_mails(
        self, history, django_capture_on_commit_callbacks
    ):
        setup_mail_sent()  # the history's mails, sent at their commits
        with (
            time_machine.travel(datetime(2026, 5, 4, 7, 0, tzinfo=AMSTERDAM), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert tasks.weekly_report.delay().get() == 1
        report = WeeklyReport.objects.get()
        assert report.week_start == WEEK_2
        assert report.mailed_at is not None
        assert [m.to for m in mail.outbox] == [[history["manager"].email]]
        with (
            time_machine.travel(datetime(2026, 5, 4, 7, 5, tzinfo=AMSTERDAM), tick=False),
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert tasks.weekly_report() == 0  # a second run sends nothing more
        assert len(mail.outbox) == 1

    def test_the_task_is_on_monday_mornings(self, settings):
        entry = next(
            e
            for e in settings.CELERY_BEAT_SCHEDULE.values()
            if e["task"] == "initiatives.tasks.weekly_report"
        )
        schedule = entry["schedule"]
        assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {7}, {0})

    def test_an_english_speaking_manager_reads_the_week_in_english(
        self, history, django_capture_on_commit_callbacks
    ):
        manager = history["manager"]
        manager.language = "en"
        manager.save(update_fields=["language"])
        build(WEEK_1)
        setup_mail_sent()
        with django_capture_on_commit_callbacks(execute=True):
            services.weekly_report_mail(monday=WEEK_1)
        assert mail.outbox[0].subject == "Keek op de week: week 17, 20\N{EN DASH}26 April 2026"


class TestCommand:
    def test_builds_the_week_given(self, history, capsys):
        call_command("weekly_report", "--week", "2026-04-20")
        assert WeeklyReport.objects.get().week_start == WEEK_1
        assert "2026-W17" in capsys.readouterr().out

    def test_without_a_week_builds_last_week(self, history):
        call_command("weekly_report")
        assert WeeklyReport.objects.get().week_start == date(2026, 5, 4)

    def test_mail_goes_out_once(self, history, django_capture_on_commit_callbacks, capsys):
        setup_mail_sent()  # the history's mails, sent at their commits
        with django_capture_on_commit_callbacks(execute=True):
            call_command("weekly_report", "--week", "2026-04-20", "--mail")
            call_command("weekly_report", "--week", "2026-04-20", "--mail")
        assert len(mail.outbox) == 1
        out = capsys.readouterr().out
        assert "Mailed to 1 manager(s)." in out
        assert "Not mailed again" in out

    @pytest.mark.parametrize("week", ["2026-04-21", "2026-05-11", "2026-13-01", "morgen"])
    def test_refuses_what_is_not_a_past_monday(self, history, week):
        with pytest.raises(CommandError):
            call_command("weekly_report", "--week", week)
        assert not WeeklyReport.objects.exists()


# --- the page, the CSV and the PDF -------------------------------------------------------------


@pytest.fixture
def as_manager(client, history):
    client.force_login(history["manager"])
    return client


@pytest.fixture
def manager_client(client, manager):
    """A manager, and no history: for what does not need figures."""
    client.force_login(manager)
    return client


def _ready(client, url: str, data: dict | None = None):
    """GET URL as a manager's browser does: the first visit of a week without a snapshot
    hands it to its task (run here when the request commits); the next one reads it."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(url, data)
    return client.get(url, data)


def _page(client, url: str = f"{REPORT}?week=2026-04-20") -> str:
    response = _ready(client, url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestPage:
    def test_a_manager_reads_the_week(self, as_manager, history):
        content = _page(as_manager)
        heading = "Keek op de week: week 17, 20\N{EN DASH}26 april 2026"
        assert f'<h1 class="utrecht-heading-1">{heading}</h1>' in content
        assert "<title>Keek op de week: week 17, 20\N{EN DASH}26 april 2026 ·" in content
        assert "maandag 20 april 2026 tot en met zondag 26 april 2026" in content
        # Headline figures, with the previous week and the difference.
        assert "Nieuwe dromen" in content
        assert "2 meer dan de week ervoor" in content  # 2026-W16 had one
        # Every tension per value, the dilemmas and the reasons, each linked to its dream.
        for key in ("garden", "silent", "refused"):
            assert f'href="/medewerkers/dromen/{history[key].pk}/"' in content, key
        assert "Niet elke buur wil een moestuin." in content
        assert "Nog niet besproken." in content
        assert "Wie onderhoudt de moestuin in de zomer?" in content
        assert "Mag de buurt zelf maaien?" in content
        assert "De vijver is van het waterschap." in content
        assert "€ 9.500,00" in content
        assert "Opgepakt binnen 1 werkdag" in content
        # Issue 17: dilemmas and exceptions with their outcomes, partners, the situation.
        dilemmas = content.split('id="dilemmas"', 1)[1].split("</section>", 1)[0]
        for shown in (
            "Hekwerk van 1,50 m om de moestuin",
            "Hekwerk in de wijk hooguit 1,20 m",
            "Teamleider Joke",
            "Te bespreken",
            "Besproken: geen nieuwe regel",
            "Maaien mag, met de maaier van de gemeente.",
        ):
            assert shown in dilemmas, shown
        assert "Wie onderhoudt de moestuin in de zomer?" in dilemmas
        assert (
            "Partners legden deze week 3 bijdragen vast: € 250,00 en 12 uur, naast € 500,00"
            in content
        )
        assert "Van de 1 droom die deze week voor het eerst naar" in content

    def test_charts_are_svg_with_a_text_alternative_and_a_table(self, as_manager, history):
        content = _page(as_manager)
        charts = re.findall(r"<svg\b[^>]*>.*?</svg>", content, re.S)
        assert len(charts) >= 8
        for chart in charts:
            opening = chart.split(">", 1)[0]
            assert 'role="img"' in opening
            labelled = re.search(r'aria-labelledby="([^"]+)"', opening).group(1)
            described = re.search(r'aria-describedby="([^"]+)"', opening).group(1)
            assert re.search(rf'<title id="{labelled}">[^<]+</title>', chart)
            assert re.search(rf'<desc id="{described}">[^<]+</desc>', chart)
            # Numbers in the drawing stay numbers: no Dutch decimal comma in an attribute.
            assert not re.search(r'="[0-9]+,[0-9]', chart)
        assert "Vlijmen: 2; Drunen: 1" in content  # the neighbourhood chart's description
        assert content.count("<caption") >= 8
        assert 'scope="row"' in content and 'scope="col"' in content
        # The CSP allows no inline style: colours are presentation attributes.
        assert "style=" not in content.split("<main", 1)[1]
        assert "/static/css/report.css" in content

    def test_every_table_has_a_header_for_each_column(self, as_manager, history):
        """A column header too many (the funds table had "Paid" and "Accounted for" twice)
        tells a screen reader the wrong header for every cell after it."""
        content = _page(as_manager)
        tables = re.findall(r"<table\b.*?</table>", content, re.S)
        assert any("Fonds" in table for table in tables)
        for table in tables:
            head = re.search(r"<thead\b.*?</thead>", table, re.S).group(0)
            columns = len(re.findall(r"<th\b", head))
            for row in re.findall(r"<tr\b.*?</tr>", table.split("</thead>", 1)[1], re.S):
                cells = len(re.findall(r"<t[hd]\b", row))
                assert cells == columns, (columns, cells, head[:300])

    def test_default_is_last_complete_week(self, as_manager):
        content = _page(as_manager, REPORT)
        assert "Keek op de week: week 19, 4\N{EN DASH}10 mei 2026" in content  # on Monday 11 May

    def test_a_past_week_without_a_snapshot_is_prepared_by_its_task(self, as_manager):
        url = f"{REPORT}?week=2026-04-20"
        with (
            TestCase.captureOnCommitCallbacks() as kicks,
            CaptureQueriesContext(connection) as queries,
        ):
            response = as_manager.get(url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Keek op de week: week 17, 20\N{EN DASH}26 april 2026" in content
        assert "report-preparing" in content  # "wordt voorbereid" (locale/nl/pending-refactor.po)
        assert f'hx-get="{url}"' in content  # the page asks again by itself
        assert not WeeklyReport.objects.exists()  # the GET wrote no snapshot
        assert not [
            q
            for q in queries.captured_queries
            if "weeklyreport" in q["sql"].lower() and not q["sql"].startswith("SELECT")
        ]
        assert len(kicks) == 1  # the task, after commit

        with TestCase.captureOnCommitCallbacks() as again:
            as_manager.get(url)  # the page's next poll, before the task ran
        assert not again  # asked once, not on every poll

        kicks[0]()  # the task runs (in-process here)
        assert WeeklyReport.objects.get().week_start == WEEK_1
        content = as_manager.get(url).content.decode()
        assert "report-preparing" not in content
        assert "Nieuwe dromen" in content

    def test_the_files_of_a_week_being_prepared_lead_to_the_page(self, as_manager):
        for kind in ("csv", "pdf"):
            response = as_manager.get(f"{REPORT}{kind}/", {"week": "2026-04-20"})
            assert response.status_code == 302
            assert response["Location"] == f"{REPORT}?week=2026-04-20"
        assert not WeeklyReport.objects.exists()

    def test_weeks_with_a_report_are_listed_and_linked(self, as_manager):
        build(WEEK_1)
        build(WEEK_2)
        content = _page(as_manager)
        assert 'href="/medewerkers/rapportage/?week=2026-04-27"' in content
        assert (
            '<option value="2026-04-27">week 18, 27 april \N{EN DASH} 3 mei 2026</option>'
            in content
        )
        assert '<option value="2026-04-20" selected>' in content

    @pytest.mark.parametrize(
        ("week", "message"),
        [
            (
                "2026-04-21",
                "Een rapportageweek begint op maandag, en 21 april 2026 is een dinsdag.",
            ),
            ("2026-05-11", "De week van 11 mei 2026 is nog niet voorbij."),
            ("2027-01-04", "De week van 4 januari 2027 is nog niet voorbij."),
            ("9999-12-27", "is nog niet voorbij"),
            ("0001-01-01", "Zo ver terug gaat het rapport niet."),
            ("2026-02-30", "“2026-02-30” is geen datum."),
            ("gisteren", "“gisteren” is geen datum."),
            ("2026-4-20", "“2026-4-20” is geen datum."),
            ("<script>", "“&lt;script&gt;” is geen datum."),
        ],
    )
    def test_a_bad_week_gets_a_clear_message(self, manager_client, week, message):
        for url in (REPORT, f"{REPORT}csv/", f"{REPORT}pdf/"):
            response = manager_client.get(url, {"week": week})
            assert response.status_code == 400, (url, week)
            assert message in response.content.decode(), (url, week)
        assert not WeeklyReport.objects.exists()

    def test_a_wrong_day_links_to_its_monday(self, manager_client):
        content = manager_client.get(REPORT, {"week": "2026-04-23"}).content.decode()
        assert 'href="/medewerkers/rapportage/?week=2026-04-20"' in content

    def test_others_may_not(self, client, history, comms):
        client.force_login(history["enabler"])
        assert client.get(REPORT).status_code == 403
        assert client.get(f"{REPORT}csv/").status_code == 403
        client.force_login(comms)
        assert client.get(f"{REPORT}pdf/").status_code == 403
        assert not WeeklyReport.objects.exists()

    def test_the_menu_shows_it_to_managers_only(self, client, history):
        client.force_login(history["manager"])
        assert 'href="/medewerkers/rapportage/"' in client.get("/medewerkers/").content.decode()
        client.force_login(history["enabler"])
        assert 'href="/medewerkers/rapportage/"' not in client.get("/medewerkers/").content.decode()


class TestCsv:
    def test_the_figures_as_rows(self, as_manager, history):
        response = _ready(as_manager, f"{REPORT}csv/", {"week": "2026-04-20"})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        # The name people read, in UTF-8 (RFC 6266): "Keek op de week, week 17, 20-26 april 2026".
        assert response["Content-Disposition"] == (
            "attachment; filename*=utf-8''Keek%20op%20de%20week%2C%20week%2017%2C%2020%E2%80%9326"
            "%20april%202026.csv"
        )
        text = response.content.decode("utf-8")
        assert text.startswith("\ufeff")
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
        assert rows[0] == ["Onderdeel", "Cijfer", "Deze week", "Vorige week"]
        assert ["Instroom", "Nieuwe dromen", "3", "1"] in rows
        assert ["Nieuwe dromen per dorp of wijk", "Vlijmen", "2", "0"] in rows
        assert ["Doorstroom", "Niet mogelijk", "1", "0"] in rows
        assert ["Open aan het eind van de week", "Ingediend", "2", "0"] in rows
        assert ["Opgepakt binnen 1 werkdag", "Op tijd (%)", "100,0", "100,0"] in rows
        assert ["Opgepakt binnen 1 werkdag", "Mediaan (werkdagen)", "0,0", "1,0"] in rows
        assert ["Geld: Dromenfonds", "Saldo (€)", "9500,00", "10000,00"] in rows
        assert ["Open per MogelijkMaker", "Sanne de Vries", "2", ""] in rows
        garden = history["garden"].pk
        assert [
            "Spanning: Dialoog en Samenwerking",
            f"#{garden} Moestuin achter de school",
            "Nog niet besproken.",
            "",
        ] in rows
        assert ["Trend", "2026-W17: nieuwe dromen", "3", ""] in rows
        assert ["Bijdragen van partners", "Deze week vastgelegd", "3", ""] in rows
        assert ["Bijdragen van partners", "Uren", "12,0", ""] in rows
        assert ["Situatie verkend vóór het plan", "Vooraf ter plekke gezien", "1", ""] in rows
        assert [
            "Dilemma's en uitzonderingen",
            f"#{garden} Moestuin achter de school",
            "Uitzondering op een regel: Hekwerk van 1,50 m om de moestuin"
            " (Hekwerk in de wijk hooguit 1,20 m) — Te bespreken",
            "",
        ] in rows

    def test_cells_cannot_run_as_a_formula(self, as_manager, history):
        text = _ready(as_manager, f"{REPORT}csv/", {"week": "2026-04-20"}).content.decode()
        rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
        reason = next(row for row in rows if row[0] == "Niet mogelijk" and row[1].startswith("#"))
        assert reason[2] == '\'=HYPERLINK("http://x") De vijver is van het waterschap.'
        assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)


def _pdftotext(pdf: bytes) -> str:
    if not shutil.which("pdftotext"):
        message = "pdftotext is missing: apt-get install -y poppler-utils"
        if os.environ.get("DROMEN_REQUIRE_SERVICES") == "1":
            pytest.fail(f"{message} (DROMEN_REQUIRE_SERVICES=1: the PDF must be checked)")
        pytest.skip(f"The PDF's text was NOT checked: {message}")
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 (the system's poppler-utils)
        input=pdf,
        capture_output=True,
        check=True,
    )
    return result.stdout.decode("utf-8")


class TestPdf:
    def test_the_page_as_a_pdf(self, as_manager, history):
        response = _ready(as_manager, f"{REPORT}pdf/", {"week": "2026-04-20"})
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].endswith("%2020%E2%80%9326%20april%202026.pdf")
        pdf = response.content
        assert pdf.startswith(b"%PDF")
        text = _pdftotext(pdf)
        pages = text.count("\f")
        assert pages >= 2, pages
        flat = " ".join(text.split())
        assert "Keek op de week: week 17, 20\N{EN DASH}26 april 2026" in flat
        assert "maandag 20 april 2026 tot en met zondag 26 april 2026" in flat
        for figure in (
            "Nieuwe dromen",
            "2 meer dan de week ervoor",
            "Moestuin achter de school",
            "Niet elke buur wil een moestuin.",
            "Wie onderhoudt de moestuin in de zomer?",
            "Bankje in de vijver",
            "€ 9.500,00",
            "Sanne de Vries",
        ):
            assert figure in flat, figure

    def test_the_pdf_fetches_nothing_from_outside(self, caplog):
        from staff.report_views import render_pdf

        html = (
            '<html><body class="report-pdf"><h1>Test</h1>'
            '<img src="http://example.invalid/x.png" alt="x">'
            '<link rel="stylesheet" href="https://example.invalid/a.css"></body></html>'
        )
        assert render_pdf(html).startswith(b"%PDF")  # rendered all the same
        refused = [r.getMessage() for r in caplog.records if "fetches nothing" in r.getMessage()]
        assert len(refused) == 2, refused


# --- queries ------------------------------------------------------------------------------------


def _queries(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in queries.captured_queries]


def test_the_page_costs_the_same_queries_with_few_and_many_dreams(as_manager, history):
    url = f"{REPORT}?week=2026-04-20"
    build(WEEK_1)
    _queries(as_manager, url)  # warm up the session
    few = _queries(as_manager, url)
    h = History()
    enabler = history["enabler"]
    for n in range(25):
        dream = h.submit(at(21 + n % 5), f"Droom {n}", NeighbourhoodFactory(), ThemeFactory())
        h.do(at(24, 15), services.dream_pick_up, dream=dream, by=enabler)
        h.contact(at(24, 16), dream, enabler)
        h.do(
            at(24, 17),
            services.review_record,
            dream=dream,
            by=enabler,
            verdicts=verdicts(responsibility="Wie doet wat?"),
            dilemma="Een dilemma.",
        )
    figures = build(WEEK_1)["current"]
    assert figures["intake"]["total"] == 28
    assert len(figures["tensions"]) == 27
    many = _queries(as_manager, url)
    assert len(many) == len(few), "\n".join(many)
    # The report itself: its snapshot and the list of weeks; the rest is session and roles.
    report_queries = [sql for sql in few if "initiatives_" in sql]
    assert len(report_queries) == 2, "\n".join(report_queries)
    assert all('FROM "initiatives_weeklyreport"' in sql for sql in report_queries)
    assert len(few) <= 10, "\n".join(few)


# --- the chart helpers ----------------------------------------------------------------------


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


class TestCharts:
    def test_colours_have_enough_contrast(self):
        for colour in reports.SERIES:
            assert contrast(colour, reports.BACKGROUND) >= 3, colour  # WCAG 1.4.11
            assert contrast(colour, reports.TRACK) >= 3, colour
        assert contrast(reports.AXIS, reports.BACKGROUND) >= 3
        assert contrast(reports.TEXT, reports.BACKGROUND) >= 4.5

    def test_bar_chart(self):
        chart = reports.bar_chart(
            [("Vlijmen", 4), ("Drunen", 2), ("Een heel lange naam van een dorp", 0)],
            id="c",
            title="Per dorp",
        )
        longest, half, empty = chart.bars
        assert longest.width == reports.BAR_WIDTH - reports.BAR_LABEL_WIDTH - 56
        assert half.width == longest.width / 2
        assert empty.width == 0
        assert empty.short_label.endswith("…") and len(empty.short_label) <= 24
        assert chart.desc == "Vlijmen: 4; Drunen: 2; Een heel lange naam van een dorp: 0"
        assert chart.height == 16 + 3 * 28
        assert reports.bar_chart([], id="c", title="Leeg") is None

    def test_a_small_value_stays_visible(self):
        chart = reports.bar_chart([("a", 1000), ("b", 1)], id="c", title="t")
        assert chart.bars[1].width == 2

    def test_nice_ticks(self):
        assert reports.nice_ticks(0) == [0, 1]
        assert reports.nice_ticks(1) == [0, 1]
        assert reports.nice_ticks(5) == [0, 2, 4, 6]
        assert reports.nice_ticks(8) == [0, 2, 4, 6, 8]
        assert reports.nice_ticks(37) == [0, 10, 20, 30, 40]

    def test_column_chart(self):
        chart = reports.column_chart(
            ["2026-W16", "2026-W17"], {"Nieuw": [2, 4], "Klaar": [0, 1]}, id="c", title="t"
        )
        assert [label.text for label in chart.frame.labels] == ["W16", "W17"]
        assert [tick.text for tick in chart.frame.ticks] == ["0", "1", "2", "3", "4"]
        new_w16, new_w17, done_w16, _done_w17 = chart.columns
        assert new_w17.height == reports.PLOT_BOTTOM - reports.PLOT_TOP
        assert new_w16.height == new_w17.height / 2
        assert done_w16.height == 0
        assert new_w16.colour != done_w16.colour
        assert chart.desc == "Nieuw: week 16: 2; week 17: 4. Klaar: week 16: 0; week 17: 1."
        assert [column.hatched for column in chart.columns] == [False, False, True, True]

    def test_a_week_without_a_share_breaks_the_line(self):
        chart = reports.share_line_chart(
            ["W1", "W2", "W3", "W4", "W5"],
            {"Op tijd": [1.0, 0.5, None, 0.0, 0.25], "Contact": [None, None, 1, None, None]},
            id="c",
            title="t",
        )
        on_time, contact = chart.lines
        assert len(on_time.segments) == 2
        assert [point.text for point in on_time.points] == ["100%", "50%", "0%", "25%"]
        assert on_time.points[0].y == reports.PLOT_TOP
        assert on_time.points[2].y == reports.PLOT_BOTTOM
        assert contact.segments == ()  # a single point: only its marker
        assert len(contact.points) == 1
        assert on_time.dash == "" and contact.dash  # told apart without colour too
        assert on_time.marker != contact.marker
        assert f"W3: {reports.NONE}" in chart.desc

    def test_meter(self):
        half = reports.meter(0.5, id="m", title="t", desc="d")
        assert half.filled_width == reports.METER_TRACK / 2
        assert half.text == "50%"
        nothing = reports.meter(None, id="m", title="t", desc="d")
        assert (nothing.filled_width, nothing.text) == (0, reports.NONE)

    def test_comparisons(self):
        up = reports.compare_counts("Nieuw", 5, 2)
        assert (up.value, up.previous, up.difference, up.direction) == ("5", "2", "+3", "up")
        down = reports.compare_counts("Nieuw", 1, 3)
        assert (down.difference, down.direction) == ("\u22122", "down")
        assert reports.compare_counts("Nieuw", 2, 2).difference == "±0"
        share = reports.compare_shares("Op tijd", 0.333, 0.5)
        assert (share.value, share.previous, share.direction) == ("33%", "50%", "down")
        assert share.difference.startswith("\u221217")
        assert reports.compare_shares("Op tijd", None, 0.5).direction == ""

    def test_compare_rows_keeps_names_of_either_week(self):
        rows = reports.compare_rows([["Drunen", 2]], [["Vlijmen", 3], ["Drunen", 1]])
        assert rows == [reports.Row("Drunen", 2, 1), reports.Row("Vlijmen", 0, 3)]


@pytest.mark.parametrize(
    ("key", "days", "label"),
    [
        ("pick_up", 1, "Opgepakt binnen 1 werkdag"),
        ("pick_up", 2, "Opgepakt binnen 2 werkdagen"),
        ("first_contact", 1, "Eerste contact binnen 1 werkdag"),
        ("first_contact", 5, "Eerste contact binnen 5 werkdagen"),
        ("first_contact", "?", "Eerste contact binnen ? werkdagen"),  # an old snapshot
    ],
)
def test_a_promise_is_named_with_its_days_in_the_right_number(key, days, label):
    from django.utils import translation

    from staff.reports import promise_label

    with translation.override("nl"):
        assert promise_label(key, days) == label
