"""Fill PostgreSQL quickly with a believable municipality at scale, with COPY.

The municipality takes in dreams at a steady pace (PER_DAY); seeding more dreams adds
older history in front of what is there, so 1,000 dreams are its last days and 100,000 its
last years. Each dream lives through its statuses as the services would move it (picked up,
first contact, core-value review before "in progress" or "not possible", a signed letter,
grants from the fund), and its timeline holds what that leaves behind plus the everyday work
(notes, messages, contact moments, working practices), about EVENTS_PER_DREAM on average.
"""

import itertools
import math
import random
import time
import zoneinfo
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from operator import itemgetter
from types import SimpleNamespace

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils.text import slugify

from accounts.roles import Role
from bench import (
    BENCH_RESIDENT_EMAIL,
    EMAIL_SUFFIX,
    FUND_NAME,
    HEAVY_EVENTS,
    HEAVY_MARK,
    HEAVY_PER_SEED,
    HEAVY_TITLE,
    SLUG_PREFIX,
)
from bench import texts as T
from initiatives import data_version, open_data_version, search_window
from initiatives.models import Dream, EventKind, Fund, Neighbourhood, Theme
from initiatives.statuses import Status

DAY = 86400.0
# Plain strings: COPY writes them as they are.
S = SimpleNamespace(**{member.name: member.value for member in Status})
K = SimpleNamespace(**{member.name: member.value for member in EventKind})
CLOSED = {S.REALISED, S.NOT_POSSIBLE, S.WITHDRAWN}

# (next status, probability) and the median days spent in a status before it.
NEXT = {
    S.SUBMITTED: ([(S.PICKED_UP, 0.98), (S.WITHDRAWN, 0.02)], 1.3),
    S.PICKED_UP: (
        [(S.IN_CONVERSATION, 0.93), (S.PAUSED, 0.03), (S.WITHDRAWN, 0.03), (S.NOT_POSSIBLE, 0.01)],
        3.0,
    ),
    S.IN_CONVERSATION: (
        [(S.IN_PROGRESS, 0.6), (S.NOT_POSSIBLE, 0.15), (S.PAUSED, 0.1), (S.WITHDRAWN, 0.15)],
        25.0,
    ),
    S.IN_PROGRESS: (
        [(S.REALISED, 0.82), (S.PAUSED, 0.07), (S.NOT_POSSIBLE, 0.03), (S.WITHDRAWN, 0.08)],
        45.0,
    ),
    S.PAUSED: (
        [
            (S.IN_CONVERSATION, 0.35),
            (S.IN_PROGRESS, 0.3),
            (S.NOT_POSSIBLE, 0.1),
            (S.WITHDRAWN, 0.25),
        ],
        30.0,
    ),
}
# The everyday work between picking up and closing: (kind, share).
FILLERS = [
    (K.NOTE, 0.28),
    (K.MESSAGE_TO_RESIDENT, 0.25),
    (K.MESSAGE_FROM_RESIDENT, 0.17),
    (K.CONTACT_MOMENT, 0.18),
    (K.PRACTICE, 0.12),
]
PRACTICES = ["mapping", "relationships", "shared_solutions", "outside_inside", "practical_support"]
CONTACT_KINDS = [
    ("phone", "Telefoongesprek"),
    ("visit", "Bezoek op locatie"),
    ("meeting", "Overleg"),
]
VERDICTS = (["supports", "not_relevant", "tension"], [0.75, 0.21, 0.04])
VALUE_LABELS = {
    "customer": "De Klant Centraal",
    "responsibility": "Aanspreken en Verantwoordelijkheid",
    "dialogue": "Dialoog en Samenwerking",
}
VERDICT_LABELS = {
    "supports": "Steunt",
    "tension": "Spanning",
    "not_relevant": "Niet van toepassing",
}


@dataclass
class Tables:
    """Rows to COPY, per table, in the order of the columns below."""

    users: list = field(default_factory=list)
    user_groups: list = field(default_factory=list)
    dreams: list = field(default_factory=list)
    events: list = field(default_factory=list)
    reviews: list = field(default_factory=list)
    grants: list = field(default_factory=list)
    decisions: list = field(default_factory=list)
    moments: list = field(default_factory=list)
    practices: list = field(default_factory=list)
    publications: list = field(default_factory=list)


COLUMNS = {
    "users": (
        "accounts_user",
        "id, password, is_superuser, email, full_name, phone, language, is_staff, is_active, "
        "date_joined, notification_mode",
    ),
    "user_groups": ("accounts_user_groups", "user_id, group_id"),
    "dreams": (
        "initiatives_dream",
        "id, title, story, own_contribution, needs_from_municipality, location, show_publicly, "
        "contact_name, contact_phone, status, created_at, submitted_at, picked_up_at, "
        "first_contact_at, closed_at, last_public_update_at, updated_at, contact_id, "
        "resident_id, neighbourhood_id, theme_id",
    ),
    "events": (
        "initiatives_timelineevent",
        "created_at, kind, public, from_status, to_status, body, actor_id, dream_id",
    ),
    "reviews": (
        "initiatives_review",
        "version, is_current, customer_verdict, customer_reasoning, responsibility_verdict, "
        "responsibility_reasoning, dialogue_verdict, dialogue_reasoning, dilemma, "
        "discussed_with, has_tension, created_at, by_id, dream_id",
    ),
    "grants": (
        "initiatives_grant",
        "amount, purpose, state, created_at, decided_at, decided_by_id, dream_id, fund_id, "
        "requested_by_id",
    ),
    "decisions": (
        "initiatives_decision",
        "reasons, proposed_at, state, letter, signed_at, dream_id, proposed_by_id, signed_by_id",
    ),
    "moments": (
        "initiatives_contactmoment",
        "kind, date, summary, created_at, by_id, dream_id",
    ),
    "practices": (
        "initiatives_practicenote",
        "practice, done, note, updated_at, dream_id, updated_by_id",
    ),
    "publications": (
        "initiatives_publication",
        "dream_id, title, dreamt, own_part, helped_by, staff_may_choose_photos, consented_at, "
        "withdrawn_at, story_published_at, updated_at",
    ),
}
# Issue 19: the share of handed-in dreams whose resident shares them publicly (a Publication),
# realised dreams more often than the rest (their residents have a story to tell); together
# about 3%. Some withdraw their consent again. The seed makes no photos, so no
# PublicationPhoto either: the gallery and the stories are measured without photos.
PUBLISH_REALISED = 0.05
PUBLISH_OTHER = 0.015
PUBLISH_WITHDRAWN = 0.06


class RealDataError(Exception):
    """The database holds data the benchmark did not generate."""


def generated_dreams():
    return Dream.objects.filter(resident__email__endswith=EMAIL_SUFFIX)


def real_dream_count() -> int:
    return Dream.objects.exclude(resident__email__endswith=EMAIL_SUFFIX).count()


def refuse_real_data() -> None:
    if connection.vendor != "postgresql":
        raise RealDataError("The benchmark data is written with COPY: it needs PostgreSQL.")
    real = real_dream_count()
    if real:
        raise RealDataError(
            f"This database holds {real} dreams of residents the benchmark did not generate. "
            "It only runs against a database of its own (see README, Benchmark)."
        )


def _ts(seconds: float | None):
    return None if seconds is None else datetime.fromtimestamp(seconds, UTC)


@dataclass
class Plan:
    """One dream's life, before its everyday work is added."""

    dream_id: int
    resident_id: int
    created: float
    status: str = S.UNCONFIRMED
    submitted: float | None = None
    picked: float | None = None
    first_contact: float | None = None
    closed: float | None = None
    contact: int | None = None
    events: list = field(default_factory=list)
    extras: int = 0
    waiting_grant: list | None = None


class Seeder:
    def __init__(self, *, seed: int, now: float):
        self.rng = random.Random(seed)
        # Publications draw from their own stream, so the rest of the history is the same as
        # before issue 19 added them (figures stay comparable with earlier runs).
        self.publish_rng = random.Random(seed + 19)
        self.now = now
        self.tables = Tables()
        self.local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        self.thing_weights = list(itertools.accumulate(T.THING_WEIGHTS))

    # --- reference data ---------------------------------------------------------------------

    def reference_data(self, staff_count: int) -> None:
        self.neighbourhoods = [
            Neighbourhood.objects.get_or_create(
                slug=SLUG_PREFIX + slugify(name), defaults={"name": f"{name} (bench)"}
            )[0].pk
            for name in T.NEIGHBOURHOODS
        ]
        self.themes = [
            Theme.objects.get_or_create(
                slug=SLUG_PREFIX + slugify(name), defaults={"name": f"{name} (bench)"}
            )[0].pk
            for name in T.THEMES
        ]
        self.groups = {role: Group.objects.get_or_create(name=role)[0].pk for role in Role}
        staff = list(
            _users_with_suffix()
            .filter(is_staff=True)
            .values_list("pk", "full_name", "groups__name")
        )
        if not staff:
            self._create_staff(staff_count)
        else:
            self.staff = {}
            for pk, name, role in staff:
                self.staff.setdefault(role, []).append((pk, name))
        self.enablers = self.staff.get(Role.ENABLER, [])
        self.comms = self.staff.get(Role.COMMUNICATIONS, []) or self.enablers
        self.managers = self.staff.get(Role.MANAGER, []) or self.enablers
        # Some MogelijkMakers carry more than others.
        self.enabler_weights = [1.0 + 2.0 * self.rng.random() for _ in self.enablers]

    def _new_ids(self, table: str, count: int) -> list[int]:
        if not count:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]

    def _create_staff(self, count: int) -> None:
        rng = self.rng
        password = make_password(None)  # unusable: the benchmark signs staff in directly
        n_comms = max(1, round(count * 0.08))
        n_managers = max(1, round(count * 0.07))
        n_admins = 1 if count >= 4 else 0
        n_enablers = max(1, count - n_comms - n_managers - n_admins)
        roles = (
            [Role.ENABLER] * n_enablers
            + [Role.COMMUNICATIONS] * n_comms
            + [Role.MANAGER] * n_managers
            + [Role.ADMINISTRATOR] * n_admins
        )
        ids = self._new_ids("accounts_user", len(roles))
        joined = _ts(self.now - 800 * DAY)
        self.staff = {}
        for index, (pk, role) in enumerate(zip(ids, roles, strict=True)):
            name = f"{rng.choice(T.FIRST_NAMES)} {rng.choice(T.LAST_NAMES)}"
            email = f"medewerker{index + 1:02d}{EMAIL_SUFFIX}"
            admin = role == Role.ADMINISTRATOR
            row = (pk, password, admin, email, name, "", "nl", True, True, joined, "immediate")
            self.tables.users.append(row)
            self.tables.user_groups.append((pk, self.groups[role]))
            self.staff.setdefault(role, []).append((pk, name))

    # --- residents and dreams ---------------------------------------------------------------

    def residents(self, count: int, first_created: list[float]) -> list[int]:
        rng = self.rng
        ids = self._new_ids("accounts_user", count)
        password = "!benchmark-unusable"  # noqa: S105 - an unusable password hash, by design
        for index, pk in enumerate(ids):
            name = f"{rng.choice(T.FIRST_NAMES)} {rng.choice(T.LAST_NAMES)}"
            language = "en" if rng.random() < 0.05 else "nl"
            mode = rng.choices(["immediate", "daily", "essential"], [0.8, 0.15, 0.05])[0]
            email = f"bewoner{pk}{EMAIL_SUFFIX}"
            joined = _ts(first_created[index])
            row = (pk, password, False, email, name, "", language, False, True, joined, mode)
            self.tables.users.append(row)
        return ids

    def bench_resident(self) -> int:
        pk = self._new_ids("accounts_user", 1)[0]
        joined = _ts(self.now - 600 * DAY)
        name = "Bente Benchmark"
        row = (pk, "!benchmark-unusable", False, BENCH_RESIDENT_EMAIL, name, "", "nl")
        self.tables.users.append((*row, False, True, joined, "immediate"))
        return pk

    def _enabler(self) -> tuple[int, str]:
        return self.rng.choices(self.enablers, self.enabler_weights)[0]

    def simulate(self, plan: Plan, forced: list[tuple[str, float]] | None = None) -> None:
        """Live the dream's life from its creation until now (or along FORCED steps)."""
        rng = self.rng
        now = self.now
        ev = plan.events
        t = plan.created
        resident = plan.resident_id
        if forced is None and rng.random() < 0.015:
            return  # never confirmed its address: no timeline
        t += 60 + rng.random() * 600
        if t > now:
            return
        plan.submitted = t
        plan.status = S.SUBMITTED
        ev.append((t, K.SUBMITTED, True, "", S.SUBMITTED, "", resident))
        contact_name = ""
        reviewed = False
        grant_done = False
        steps = iter(forced or ())
        while True:
            state = plan.status
            if forced is not None:
                step = next(steps, None)
                if step is None:
                    break
                target, days = step
                t_next = t + days * DAY
            else:
                choices, median = NEXT[state]
                target = _pick(rng, choices)
                t_next = t + median * DAY * math.exp(0.7 * rng.gauss(0, 1))
            if state == S.IN_PROGRESS and not grant_done:
                grant_done = True
                if rng.random() < 0.45 or forced is not None:
                    self._grant(plan, t, min(t_next, now))
            if t_next > now:
                if target == S.NOT_POSSIBLE and forced is None and t_next - now < 8 * DAY:
                    # Proposed, the letter not signed yet: it waits in /besluiten/.
                    if not reviewed:
                        self._review(plan, t + (now - t) * 0.3)
                    self._decision(plan, now - rng.random() * min(now - t, 5 * DAY), None)
                break
            previous = state
            if target == S.PICKED_UP:
                plan.contact, contact_name = self._enabler()
                plan.picked = t_next
                body = f"{contact_name} heeft je droom opgepakt en is vanaf nu je contactpersoon."
                ev.append((t_next, K.STATUS_CHANGED, True, previous, target, body, plan.contact))
            elif target == S.IN_CONVERSATION and previous == S.PICKED_UP:
                plan.first_contact = t_next
                self._contact_moment(plan, t_next)
                body = "We hebben je gesproken over je droom. Nu werken we het samen uit."
                ev.append(
                    (t_next + 1, K.STATUS_CHANGED, True, previous, target, body, plan.contact)
                )
            elif target in (S.IN_PROGRESS, S.NOT_POSSIBLE):
                if not reviewed:
                    reviewed = True
                    self._review(plan, t + (t_next - t) * rng.uniform(0.5, 0.95))
                if target == S.IN_PROGRESS:
                    body = rng.choice(T.IN_PROGRESS_TEXTS)
                    ev.append(
                        (t_next, K.STATUS_CHANGED, True, previous, target, body, plan.contact)
                    )
                else:
                    self._decision(plan, t + (t_next - t) * 0.97, t_next)
                    plan.closed = t_next
            elif target == S.WITHDRAWN:
                body = rng.choice(T.WITHDRAW_REASONS)
                ev.append((t_next, K.STATUS_CHANGED, True, previous, target, body, resident))
                plan.closed = t_next
            else:  # paused, back from paused, realised: the MogelijkMaker's own move
                body = (
                    rng.choice(T.PAUSE_TEXTS)
                    if target == S.PAUSED
                    else rng.choice(T.REALISED_TEXTS)
                    if target == S.REALISED
                    else ""
                )
                ev.append((t_next, K.STATUS_CHANGED, True, previous, target, body, plan.contact))
                if target == S.REALISED:
                    plan.closed = t_next
            plan.status = target
            t = t_next
            if target in CLOSED:
                self._release_waiting_grant(plan, t)
                break

    def _review(self, plan: Plan, when: float) -> None:
        rng = self.rng
        versions = 2 if rng.random() < 0.1 else 1
        for version in range(1, versions + 1):
            verdicts = rng.choices(*VERDICTS, k=3)
            tension = "tension" in verdicts
            at = when - (versions - version) * DAY * 3
            reasonings = [rng.choice(T.REASONINGS) for _ in range(3)]
            self.tables.reviews.append(
                (
                    version,
                    version == versions,
                    verdicts[0],
                    reasonings[0],
                    verdicts[1],
                    reasonings[1],
                    verdicts[2],
                    reasonings[2],
                    rng.choice(T.DILEMMAS) if tension else "",
                    "teamoverleg" if tension else "",
                    tension,
                    _ts(at),
                    plan.contact,
                    plan.dream_id,
                )
            )
            summary = "; ".join(
                f"{VALUE_LABELS[value]}: {VERDICT_LABELS[verdict]}"
                for value, verdict in zip(VALUE_LABELS, verdicts, strict=True)
            )
            plan.events.append(
                (at, K.REVIEW, False, "", "", f"Versie {version}. {summary}", plan.contact)
            )

    def _decision(self, plan: Plan, proposed: float, signed: float | None) -> None:
        rng = self.rng
        reasons = rng.choice(T.NOT_POSSIBLE_REASONS)
        comms_id, comms_name = rng.choice(self.comms)
        plan.events.append((proposed, K.DECISION_PROPOSED, False, "", "", reasons, plan.contact))
        self.tables.decisions.append(
            (
                reasons,
                _ts(proposed),
                "signed" if signed else "proposed",
                T.LETTER if signed else "",
                _ts(signed),
                plan.dream_id,
                plan.contact,
                comms_id if signed else None,
            )
        )
        if signed:
            plan.events.append(
                (signed, K.STATUS_CHANGED, True, plan.status, S.NOT_POSSIBLE, "", comms_id)
            )
            letter = f"{T.LETTER}\n\n{comms_name}\nCommunicatieadviseur"
            plan.events.append((signed + 1, K.DECISION_LETTER, True, "", "", letter, comms_id))

    def _grant(self, plan: Plan, start: float, end: float) -> None:
        rng = self.rng
        at = start + (end - start) * rng.random() * 0.5
        if at >= self.now:
            return
        amount = Decimal(min(8000, max(50, round(math.exp(rng.gauss(6.4, 0.8)))))).quantize(
            Decimal("0.01")
        )
        purpose = rng.choice(T.GRANT_PURPOSES)
        fund = self._fund(at)
        text = f"€ {amount} uit {FUND_NAME} voor: {purpose}."
        if amount <= 2500:
            row = [amount, purpose, "granted", _ts(at), _ts(at), plan.contact, plan.dream_id]
            self.tables.grants.append([*row, fund, plan.contact])
            plan.events.append((at, K.GRANT, True, "", "", text, plan.contact))
            return
        manager_id, _name = rng.choice(self.managers)
        plan.events.append(
            (at, K.GRANT_REQUESTED, False, "", "", text + " Wacht op een manager.", plan.contact)
        )
        decided = at + min(DAY * (1 + 3 * rng.random()), (end - at) * 0.9)
        if self.now - at < 4 * DAY and rng.random() < 0.7:  # still waiting for a manager
            row = [amount, purpose, "awaiting_approval", _ts(at), None, None, plan.dream_id]
            self.tables.grants.append([*row, fund, plan.contact])
            plan.waiting_grant = row
            return
        if rng.random() < 0.9:
            row = [amount, purpose, "granted", _ts(at), _ts(decided), manager_id, plan.dream_id]
            self.tables.grants.append([*row, fund, plan.contact])
            plan.events.append((decided, K.GRANT, True, "", "", text, manager_id))
        else:
            row = [amount, purpose, "rejected", _ts(at), _ts(decided), manager_id, plan.dream_id]
            self.tables.grants.append([*row, fund, plan.contact])
            plan.events.append(
                (
                    decided,
                    K.GRANT_REJECTED,
                    False,
                    "",
                    "",
                    f"€ {amount} voor: {purpose}.",
                    manager_id,
                )
            )

    def _release_waiting_grant(self, plan: Plan, when: float) -> None:
        row = plan.waiting_grant
        if row is not None:  # a closed dream needs no money: the services refuse it then
            row[2], row[4], row[5] = "rejected", _ts(when), plan.contact
            plan.waiting_grant = None

    def _fund(self, at: float) -> int:
        year = datetime.fromtimestamp(at, self.local).year
        if year not in self.funds:
            self.funds[year] = Fund.objects.get_or_create(
                name=FUND_NAME, year=year, defaults={"amount": Decimal("0")}
            )[0].pk
        return self.funds[year]

    def _contact_moment(self, plan: Plan, when: float) -> None:
        rng = self.rng
        kind, label = rng.choice(CONTACT_KINDS)
        summary = rng.choice(T.CONTACT_SUMMARIES)
        day = datetime.fromtimestamp(when, self.local).date()
        self.tables.moments.append((kind, day, summary, _ts(when), plan.contact, plan.dream_id))
        body = f"{label} ({day:%d-%m-%Y}): {summary}"
        plan.events.append((when, K.CONTACT_MOMENT, False, "", "", body, plan.contact))

    def everyday_work(self, plan: Plan, *, hand_over: bool = True) -> None:
        """Add PLAN.extras events between picking up and closing, and maybe a hand-over."""
        if plan.picked is None or not plan.extras:
            return
        rng = self.rng
        # Contact moments come after the first one, which started the conversation.
        start = plan.first_contact or plan.picked
        end = plan.closed or self.now
        last_path = max(e[0] for e in plan.events)
        handover_at = None
        hand_over = hand_over and len(self.enablers) > 1
        if hand_over and rng.random() < 0.04 and end > last_path + DAY:
            handover_at = last_path + (end - last_path) * rng.random()
        times = sorted(start + (end - start) * rng.random() for _ in range(plan.extras))
        kinds = [k for k, _w in FILLERS]
        weights = [w for _k, w in FILLERS]
        practice_done = {}
        actor = plan.contact
        for when in times:
            if handover_at is not None and when > handover_at:
                actor = self._hand_over(plan, handover_at)
                handover_at = None
            kind = rng.choices(kinds, weights)[0]
            if kind == K.CONTACT_MOMENT and plan.first_contact is None:
                kind = K.NOTE
            if kind == K.CONTACT_MOMENT:
                contact, plan.contact = plan.contact, actor
                self._contact_moment(plan, when)
                plan.contact = contact
            elif kind == K.PRACTICE:
                practice = rng.choice(PRACTICES)
                done = rng.random() < 0.6
                note = rng.choice(T.PRACTICE_NOTES)
                practice_done[practice] = (done, note, when, actor)
                body = f"{practice}: {'gedaan' if done else 'nog niet gedaan'}. {note}".strip()
                plan.events.append((when, kind, False, "", "", body, actor))
            elif kind == K.NOTE:
                plan.events.append((when, kind, False, "", "", rng.choice(T.NOTES), actor))
            elif kind == K.MESSAGE_TO_RESIDENT:
                body = rng.choice(T.MESSAGES_TO_RESIDENT)
                plan.events.append((when, kind, True, "", "", body, actor))
            else:
                body = rng.choice(T.MESSAGES_FROM_RESIDENT)
                plan.events.append((when, kind, True, "", "", body, plan.resident_id))
        if handover_at is not None:
            self._hand_over(plan, handover_at)
        for practice, (done, note, when, by) in practice_done.items():
            self.tables.practices.append((practice, done, note, _ts(when), plan.dream_id, by))

    def _hand_over(self, plan: Plan, when: float) -> int:
        previous = plan.contact
        new, name = self._enabler()
        while new == previous:
            new, name = self._enabler()
        note = "Ik ga met verlof; mijn collega neemt het over."
        plan.events.append((when, K.HANDOVER, False, "", "", note, previous))
        body = f"{name} is vanaf nu je MogelijkMaker."
        plan.events.append((when + 1, K.CONTACT_CHANGED, True, "", "", body, previous))
        plan.contact = new
        return new

    def dream_row(self, plan: Plan, *, title: str | None = None, mark: str = "") -> None:
        rng = self.rng
        # The long timelines keep HEAVY_EVENTS exactly: no publication events on them.
        may_publish = title is None and not mark
        thing = rng.choices(T.THINGS, cum_weights=self.thing_weights)[0]
        street = rng.choice(T.STREETS)
        neighbourhood = rng.randrange(len(self.neighbourhoods))
        place = T.NEIGHBOURHOODS[neighbourhood]
        values = {
            "thing": thing,
            "Thing": thing[:1].upper() + thing[1:],
            "who": rng.choice(T.WHO),
            "street": street,
            "square": rng.choice(T.SQUARES),
            "place": place,
        }
        title = title or rng.choice(T.TITLE_PATTERNS).format(**values)[: 120 - len(mark)] + mark
        story = " ".join(
            sentence.format(**values)
            for sentence in rng.sample(T.STORY_SENTENCES, rng.randint(3, 6))
        )
        if may_publish:
            self._publication(plan, values)
        plan.events.sort(key=lambda event: event[0])
        public = [e[0] for e in plan.events if e[2]]
        last = plan.events[-1][0] if plan.events else plan.created
        self.tables.dreams.append(
            (
                plan.dream_id,
                title[:120],
                story,
                rng.choice(T.OWN_CONTRIBUTIONS),
                rng.choice(T.NEEDS),
                f"{street} {rng.randint(1, 120)}" if rng.random() < 0.7 else "",
                rng.random() < 0.3,
                "",
                f"06 {rng.randint(10000000, 99999999)}" if rng.random() < 0.4 else "",
                plan.status,
                _ts(plan.created),
                _ts(plan.submitted),
                _ts(plan.picked),
                _ts(plan.first_contact),
                _ts(plan.closed),
                _ts(max(public)) if public else None,
                _ts(last),
                plan.contact,
                plan.resident_id,
                self.neighbourhoods[neighbourhood],
                self.themes[rng.randrange(len(self.themes))],
            )
        )
        dream_id = plan.dream_id
        # The time stays a number until COPY (seed() sorts all events by it first): a datetime
        # per event held for millions of events costs gigabytes.
        self.tables.events.extend(
            (when, kind, public, from_s, to_s, body, actor, dream_id)
            for when, kind, public, from_s, to_s, body, actor in plan.events
        )
        plan.events = []

    def _publication(self, plan: Plan, values: dict) -> None:
        """Maybe share PLAN publicly: a Publication with the resident's own texts, and its
        consent (and a withdrawal) on the timeline, as the services record them."""
        rng = self.publish_rng
        if plan.submitted is None or plan.status in (S.WITHDRAWN, S.UNCONFIRMED):
            return
        realised = plan.status == S.REALISED
        if rng.random() >= (PUBLISH_REALISED if realised else PUBLISH_OTHER):
            return
        now = self.now
        if realised and rng.random() < 0.7:  # most share once it is done
            consented = min(now - 60, plan.closed + rng.random() * 30 * DAY)
        else:
            end = plan.closed or now
            consented = plan.submitted + (end - plan.submitted) * rng.random()
        withdrawn = None
        if rng.random() < PUBLISH_WITHDRAWN:
            withdrawn = consented + (now - consented) * rng.random()
        story = None
        if realised:  # the first moment it was shared while realised
            story = max(consented, plan.closed)
            if withdrawn is not None and withdrawn <= story:
                story = None
        resident = plan.resident_id
        plan.events.append((consented, K.PUBLISHED, True, "", "", "", resident))
        if withdrawn is None:
            texts = (
                rng.choice(T.PUBLICATION_TITLES).format(**values)[:120],
                " ".join(s.format(**values) for s in rng.sample(T.DREAMT_SENTENCES, 3)),
                " ".join(rng.sample(T.OWN_PART_SENTENCES, rng.randint(1, 3))),
                rng.choice(T.HELPED_BY),
            )
        else:  # withdrawing empties the texts; the timeline keeps when
            plan.events.append((withdrawn, K.UNPUBLISHED, True, "", "", "", resident))
            texts = ("", "", "", "")
        updated = max(t for t in (consented, withdrawn, story) if t is not None)
        self.tables.publications.append(
            (
                plan.dream_id,
                *texts,
                rng.random() < 0.4,
                _ts(consented),
                _ts(withdrawn),
                _ts(story),
                _ts(updated),
            )
        )


def _pick(rng: random.Random, choices):
    roll = rng.random()
    for value, share in choices:
        roll -= share
        if roll < 0:
            return value
    return choices[-1][0]


def _users_with_suffix():
    from accounts.models import User

    return User.objects.filter(email__endswith=EMAIL_SUFFIX)


def _copy(table: str, columns: str, rows, convert=None) -> None:
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row if convert is None else convert(row))


def _event_row(row: tuple) -> tuple:
    return (_ts(row[0]), *row[1:])


def time_ordered_events(events: list) -> list:
    """Sort EVENTS (time first) across all dreams, in place: the order a live portal writes
    them in, so that one dream's events lie on as many heap pages as months of other dreams'
    writes spread them over, not side by side as dream after dream would put them."""
    events.sort(key=itemgetter(0))
    return events


def _bulk_load(table: str, columns: str, rows: list, convert=None) -> None:
    """COPY ROWS into TABLE; for a large batch, as PostgreSQL's manual advises for populating
    a database: drop its plain indexes and foreign keys first, create them again after.

    All in the caller's transaction, so an error leaves the table as it was. Primary keys
    and unique indexes stay: they guard the data while it goes in.
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        present = max(0, cursor.fetchone()[0])
        if len(rows) < 20_000 or len(rows) < present:
            _copy(table, columns, rows, convert)
            return
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary",
            [table],
        )
        indexes = cursor.fetchall()
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f'",
            [table],
        )
        foreign_keys = cursor.fetchall()
        # Rows written earlier in this transaction still owe their deferred foreign-key checks,
        # and PostgreSQL alters no table with checks pending ("pending trigger events": seeding
        # 1,000 then 10,000 failed here). Run them now; deferred again below.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        _copy(table, columns, rows, convert)
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in foreign_keys:  # checked again here, all rows at once
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def seed(
    *,
    dreams: int,
    staff: int = 60,
    events_per_dream: float = 10.0,
    per_day: float = 90.0,
    random_seed: int = 2026,
) -> dict:
    """Add generated dreams until the database holds DREAMS of them; return what was made."""
    refuse_real_data()
    started = time.monotonic()
    with transaction.atomic():
        existing = generated_dreams().count()
        to_add = max(0, dreams - existing)
        now = time.time()
        seeder = Seeder(seed=random_seed + existing, now=now)
        seeder.funds = dict(Fund.objects.filter(name=FUND_NAME).values_list("year", "pk"))
        seeder.reference_data(staff)
        plans: list[Plan] = []
        special = []
        rng = seeder.rng
        # New history goes in front of what is there: the pace stays the same.
        earliest = (
            generated_dreams()
            .exclude(resident__email=BENCH_RESIDENT_EMAIL)
            .order_by("created_at")
            .values_list("created_at", flat=True)
            .first()
        )
        window_end = earliest.timestamp() if earliest else now
        window = to_add / per_day * DAY
        if to_add and not _users_with_suffix().filter(email=BENCH_RESIDENT_EMAIL).exists():
            # The resident the benchmark signs in as, with one dream with a long timeline.
            resident = seeder.bench_resident()
            ids = seeder._new_ids("initiatives_dream", 4)
            shapes = [
                (300, [(S.PICKED_UP, 1), (S.IN_CONVERSATION, 4), (S.IN_PROGRESS, 40)]),
                (
                    500,
                    [
                        (S.PICKED_UP, 1),
                        (S.IN_CONVERSATION, 3),
                        (S.IN_PROGRESS, 30),
                        (S.REALISED, 60),
                    ],
                ),
                (40, [(S.PICKED_UP, 2), (S.IN_CONVERSATION, 5)]),
                (0.5, []),
            ]
            # Their lives fit inside the history this step writes (a small first step is a
            # few days): their events lie between everyone else's, not before them all.
            scale = min(1.0, 0.9 * window / (500 * DAY))
            for dream_id, (days_ago, steps) in zip(ids, shapes, strict=True):
                created_at = now - days_ago * DAY * scale
                plan = Plan(dream_id=dream_id, resident_id=resident, created=created_at)
                seeder.simulate(plan, forced=[(status, days * scale) for status, days in steps])
                special.append(plan)
            to_add = max(0, to_add - len(special))
        created = sorted(window_end - window * rng.random() for _ in range(to_add))
        resident_count = math.ceil(to_add * 0.72)
        residents = seeder.residents(resident_count, created[:resident_count])
        owners = residents + [rng.choice(residents) for _ in range(to_add - resident_count)]
        dream_ids = seeder._new_ids("initiatives_dream", to_add)
        for dream_id, owner, at in zip(dream_ids, owners, created, strict=True):
            plan = Plan(dream_id=dream_id, resident_id=owner, created=at)
            seeder.simulate(plan)
            plans.append(plan)

        # Spread the everyday work so that the average comes to EVENTS_PER_DREAM.
        heavy = special[0] if special else None
        # A few ordinary dreams of this step get a long history too (the workspace is measured
        # on several, not one): HEAVY_EVENTS each, lived alongside everyone else's.
        candidates = [plan for plan in plans if plan.picked is not None]
        long_lived = {
            id(plan)
            for plan in rng.sample(
                candidates, min(HEAVY_PER_SEED, len(plans) // 100, len(candidates))
            )
        }
        everyone = plans + special
        path_events = sum(len(plan.events) for plan in everyone)
        weights = [
            0.0
            if plan.picked is None or id(plan) in long_lived
            else min((plan.closed or now) - plan.picked, 400 * DAY) + DAY
            for plan in plans
        ]
        budget = max(0, round(events_per_dream * len(everyone)) - path_events)
        if heavy is not None:
            heavy.extras = max(0, HEAVY_EVENTS - len(heavy.events))
            budget = max(0, budget - heavy.extras)
            for plan in special[1:]:
                plan.extras = 6
        total_weight = sum(weights) or 1.0
        for plan in plans:
            if id(plan) in long_lived:
                plan.extras = max(0, HEAVY_EVENTS - len(plan.events))
                budget = max(0, budget - plan.extras)
        for plan, weight in zip(plans, weights, strict=True):
            if id(plan) not in long_lived:
                share = budget * weight / total_weight
                plan.extras = int(share) + (1 if rng.random() < share - int(share) else 0)
        for plan in everyone:
            is_long = plan is heavy or id(plan) in long_lived
            seeder.everyday_work(plan, hand_over=not is_long)  # HEAVY_EVENTS exactly
            if plan is heavy:
                seeder.dream_row(plan, title=HEAVY_TITLE)
            else:
                seeder.dream_row(plan, mark=HEAVY_MARK if is_long else "")
        del plans, special, everyone, candidates
        time_ordered_events(seeder.tables.events)
        generated = time.monotonic() - started

        # Shared and realised, not withdrawn: the stories in the gallery.
        stories = sum(1 for row in seeder.tables.publications if row[8] is not None)
        counts = {}
        for name, (table, columns) in COLUMNS.items():
            rows = getattr(seeder.tables, name)
            convert = _event_row if name == "events" else None
            _bulk_load(table, columns, rows, convert)
            counts[table] = len(rows)
            setattr(seeder.tables, name, [])  # freed as soon as it is in
        with connection.cursor() as cursor:
            # The fund holds what was granted or is waiting, and has room to spare.
            cursor.execute(
                """
                UPDATE initiatives_fund f SET committed = g.total,
                    amount = GREATEST(f.amount, CEIL(g.total * 1.25 / 1000) * 1000 + 50000)
                FROM (SELECT fund_id, SUM(amount) AS total FROM initiatives_grant
                      WHERE state IN ('granted', 'awaiting_approval') GROUP BY fund_id) g
                WHERE f.id = g.fund_id AND f.name = %s
                """,
                [FUND_NAME],
            )
            cursor.execute(
                "UPDATE initiatives_fund SET amount = 150000 WHERE name = %s AND amount = 0",
                [FUND_NAME],
            )
    added = len(dream_ids) + (4 if heavy is not None else 0)
    copied = time.monotonic() - started - generated
    with connection.cursor() as cursor:
        # Statistics for the planner, as a live database has them; no VACUUM: the visibility
        # map and the rest come as autovacuum gets to them, as they would after a busy day.
        # The small tables too: a reset and a new seed give them new ids, and autovacuum
        # does not analyze 20 rows again; stale ranges made the triage queue's plan 50x slower.
        small = ["initiatives_neighbourhood", "initiatives_theme", "initiatives_fund"]
        for table in [*small, *(table for table, _columns in COLUMNS.values())]:
            cursor.execute(f"ANALYZE {table}")
    analyzed = time.monotonic() - started - generated - copied
    # A search sizes its window from the planner's estimates, remembered for minutes in each
    # process (initiatives/search_window.py); from the size before, they would be stale.
    search_window.forget()
    vacuumed = vacuum_as_autovacuum_would([table for table, _columns in COLUMNS.values()])
    total = generated_dreams().count() if added else existing
    # What the public sees changed: the open data's cached answers are of the size before;
    # so are the staff lists' (COPY does not pass Django's connection, which raises theirs).
    open_data_version.bump()
    data_version.bump()
    return {
        "added_dreams": added,
        "total_dreams": total,
        "rows": counts,
        "seconds_generate": generated,
        "seconds_copy": copied,
        "seconds_analyze": analyzed,
        "seconds_vacuum": vacuumed,  # None: autovacuum runs here (or in a transaction)
        "stories_added": stories,
        "seconds": time.monotonic() - started,
    }


def vacuum_as_autovacuum_would(tables: list[str]) -> float | None:
    """VACUUM TABLES when this server runs without autovacuum; return the seconds it took, or
    None when autovacuum is on (it will get to them) or a transaction is open (tests).

    A live PostgreSQL vacuums a table after a bulk of inserts (its insert threshold, since
    version 13), within a minute. The machine the benchmark runs on has autovacuum off (its
    CI configuration), so without this the tables would never be vacuumed: every capped
    count and index scan would read heap pages to tell which rows are visible, which no live
    database does for rows written days ago (the list at a million dreams: 6 ms instead of
    3). A plain VACUUM sets the visibility map and moves no row: the events stay spread as
    written (issue 15: no CLUSTER, no VACUUM FULL)."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW autovacuum")
        if cursor.fetchone()[0] == "on":
            return None
        started = time.monotonic()
        for table in tables:
            cursor.execute(f"VACUUM {table}")
    return time.monotonic() - started


def _references(cursor, table: str) -> list[tuple[str, str]]:
    """Return (table, column) of every foreign key that points at TABLE from elsewhere."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, a.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "WHERE c.contype = 'f' AND c.confrelid = %s::regclass AND c.conrelid <> c.confrelid "
        "ORDER BY 1, 2",
        [table],
    )
    return cursor.fetchall()


def reset() -> dict:
    """Remove everything the benchmark generated, and nothing else.

    Generated dreams are those of generated residents; with them goes every row that
    points at them or at a generated person (timeline, reviews, mail, audit entries...).
    """
    # The SQL below is put together from table and column names out of PostgreSQL's own
    # catalogue and constants here (S608); the one value, the address marker, is a parameter.
    started = time.monotonic()
    removed = {}
    users = "SELECT id FROM accounts_user WHERE email LIKE %s"
    dreams = f"SELECT id FROM initiatives_dream WHERE resident_id IN ({users})"  # noqa: S608
    marker = ["%" + EMAIL_SUFFIX]
    # TRUNCATE is only for a transaction of its own (not under pending checks of others).
    may_truncate = not connection.in_atomic_block
    with transaction.atomic(), connection.cursor() as cursor:
        only_generated = may_truncate and real_dream_count() == 0
        doomed_mail = (
            f"SELECT id FROM initiatives_outboxmail WHERE dream_id IN ({dreams}) "  # noqa: S608
            f"OR recipient_id IN ({users})"
        )
        cursor.execute(
            f"UPDATE initiatives_outboxmail SET digest_id = NULL WHERE digest_id IN ({doomed_mail})",  # noqa: S608
            marker * 2,
        )
        # A story's photos point at the publication and the dream's photo, not at the dream.
        photos = (
            "DELETE FROM initiatives_publicationphoto WHERE publication_id IN "  # noqa: S608
            f"(SELECT id FROM initiatives_publication WHERE dream_id IN ({dreams}))"
        )
        cursor.execute(photos, marker)
        removed["initiatives_publicationphoto"] = cursor.rowcount
        for table, column in _references(cursor, "initiatives_dream"):
            if table == "initiatives_timelineevent" and only_generated:
                # Every event belongs to a generated dream (the foreign key is not null).
                cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
                removed[table] = cursor.fetchone()[0]
                cursor.execute(f"TRUNCATE {table}")
                continue
            cursor.execute(f'DELETE FROM {table} WHERE "{column}" IN ({dreams})', marker)  # noqa: S608
            removed[table] = removed.get(table, 0) + cursor.rowcount
        cursor.execute(f"DELETE FROM initiatives_dream WHERE id IN ({dreams})", marker)  # noqa: S608
        removed["initiatives_dream"] = cursor.rowcount
        for table, column in _references(cursor, "accounts_user"):
            if table == "initiatives_dream":
                continue
            cursor.execute(f'DELETE FROM {table} WHERE "{column}" IN ({users})', marker)  # noqa: S608
            removed[table] = removed.get(table, 0) + cursor.rowcount
        cursor.execute(f"DELETE FROM accounts_user WHERE id IN ({users})", marker)  # noqa: S608
        removed["accounts_user"] = cursor.rowcount
        for table in ("initiatives_neighbourhood", "initiatives_theme"):
            column = table.split("_")[1] + "_id"
            cursor.execute(
                f"DELETE FROM {table} t WHERE slug LIKE %s AND NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM initiatives_dream d WHERE d.{column} = t.id)",
                [SLUG_PREFIX + "%"],
            )
            removed[table] = cursor.rowcount
        cursor.execute(
            "DELETE FROM initiatives_fund f WHERE name = %s AND NOT EXISTS "
            "(SELECT 1 FROM initiatives_grant g WHERE g.fund_id = f.id)",
            [FUND_NAME],
        )
        removed["initiatives_fund"] = cursor.rowcount
        # The weekly report's counted days counted what was removed: count them again.
        cursor.execute("DELETE FROM initiatives_reportday")
        removed["initiatives_reportday"] = cursor.rowcount
    open_data_version.bump()
    data_version.bump()
    return {"rows": removed, "seconds": time.monotonic() - started}
