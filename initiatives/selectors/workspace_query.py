"""The staff workspace's dream read in one query: the dream, its people, places and counts, and
each list it shows (timeline, photos, contact moments, practices, reviews, grants, decisions,
failed mails, dilemmas) as a JSON array beside it, and whether the lists other selectors read
(applications, plan, partners) have anything at all (FLAGS).

Read with prefetch_related this was ten queries, and Django composed the SQL of each one on
every request: about 12 ms of Python per workspace, more than half of the page (issue 15).
Here the SQL is written once; each list comes back as rows of only the columns the workspace
shows. What is built from them is what the prefetches built, so the view, the templates and
the other selectors read the dream as before: model objects for the few rows of the panels
(with the columns read, like .only()), and plain TimelineRows for the timeline, which can be
hundreds of events long.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import NamedTuple

from django.db import connection

from accounts.models import User
from initiatives import promises
from initiatives.assembly_models import Assembly, AssemblyOutcome
from initiatives.dilemma_models import Dilemma
from initiatives.models import (
    ContactMoment,
    Decision,
    Dream,
    DreamPhoto,
    Fund,
    Grant,
    Neighbourhood,
    OutboxMail,
    PracticeNote,
    Review,
    ServicePromises,
    Theme,
)
from initiatives.paspoort_models import PaspoortPart
from initiatives.situation_models import SituationMap
from initiatives.statuses import Status

DB = "default"


class TimelineRow(NamedTuple):
    """One event of a dream's timeline, as the workspace shows it."""

    id: int
    created_at: datetime
    kind: str
    public: bool
    from_status: str
    to_status: str
    body: str
    actor_id: int | None
    actor_name: str  # as User.get_full_name gives it; "" when nobody in particular did it
    partner_name: str = ""  # the organisation, when a partner did it through their link

    @classmethod
    def of(cls, event) -> "TimelineRow":
        """EVENT (a TimelineEvent with its actor) as a row, as the one query reads it."""
        return cls(
            event.pk,
            event.created_at,
            event.kind,
            event.public,
            event.from_status,
            event.to_status,
            event.body,
            event.actor_id,
            event.actor.get_full_name() if event.actor_id is not None else "",
            event.partner_name,
        )


# A person as get_full_name needs them: id, email, full name, active, staff.
_PERSON = "{0}.id, {0}.email, {0}.full_name, {0}.is_active, {0}.is_staff"
_PERSON_FIELDS = ("id", "email", "full_name", "is_active", "is_staff")


def _list(columns: str, source: str, order: str, *, limit: bool = False) -> str:
    """A JSON array of [COLUMNS] rows (of x) from SOURCE in ORDER (its own column names),
    '[]' when there are none. With LIMIT only the first %(limit)s rows (NULL: all)."""
    cut = " LIMIT %(limit)s" if limit else ""
    return (
        f"(SELECT coalesce(json_agg(json_build_array({columns}) ORDER BY {order}), '[]')"  # noqa: S608
        f" FROM (SELECT * FROM {source} ORDER BY {order}{cut}) AS x)"
    )


def _people(table: str, key: str, where: str) -> str:
    """SOURCE for _list: TABLE's rows WHERE, each with the person KEY points to as p_*."""
    return (
        f"(SELECT t.*, p.email AS p_email, p.full_name AS p_full_name, "  # noqa: S608
        f"p.is_active AS p_is_active, p.is_staff AS p_is_staff "
        f"FROM {table} t LEFT JOIN accounts_user p ON p.id = t.{key} WHERE {where}) AS s"
    )


_P = "x.p_email, x.p_full_name, x.p_is_active, x.p_is_staff"

# The parts of the paspoort a review's core values cite (issue 17), as they read then.
_CITES = ("customer", "responsibility", "dialogue")
_CITED_COLUMNS = ", ".join(f"x.{v}_cites_id, x.{v}_key, x.{v}_version, x.{v}_title" for v in _CITES)
# The reviews with their author (p_*) and each value's cited part (<value>_key, ...).
_REVIEW_SOURCE = (
    "(SELECT t.*, p.email AS p_email, p.full_name AS p_full_name, "  # noqa: S608
    "p.is_active AS p_is_active, p.is_staff AS p_is_staff, "
    + ", ".join(
        f"{v}.key AS {v}_key, {v}.version AS {v}_version, {v}.title AS {v}_title" for v in _CITES
    )
    + " FROM initiatives_review t LEFT JOIN accounts_user p ON p.id = t.by_id "
    + " ".join(f"LEFT JOIN initiatives_paspoortpart {v} ON {v}.id = t.{v}_cites_id" for v in _CITES)
    + " WHERE t.dream_id = d.id) AS s"
)

# The dilemmas and exceptions (issue 17), oldest first, with who recorded (r_*) and who
# discussed them (q_*) and the version of the review they came from.
_DILEMMA_SOURCE = (
    "(SELECT t.*, "  # noqa: S608
    + ", ".join(
        f"{p}.{c} AS {p}_{c}" for p in "rq" for c in ("email", "full_name", "is_active", "is_staff")
    )
    + ", v.version AS review_version FROM initiatives_dilemma t"
    " LEFT JOIN accounts_user r ON r.id = t.recorded_by_id"
    " LEFT JOIN accounts_user q ON q.id = t.discussed_by_id"
    " LEFT JOIN initiatives_review v ON v.id = t.review_id WHERE t.dream_id = d.id) AS s"
)
_DILEMMA_COLUMNS = (
    "x.id, x.kind, x.summary, x.rule, x.why, x.agreed_with, x.created_at, x.outcome, "
    "x.outcome_note, x.discussed_at, x.review_id, x.review_version, "
    "x.recorded_by_id, x.r_email, x.r_full_name, x.r_is_active, x.r_is_staff, "
    "x.discussed_by_id, x.q_email, x.q_full_name, x.q_is_active, x.q_is_staff"
)
_DILEMMA_FIELDS = (
    "id", "dream_id", "kind", "summary", "rule", "why", "agreed_with", "created_at", "outcome",
    "outcome_note", "discussed_at", "review_id", "recorded_by_id", "discussed_by_id",
)  # fmt: skip

# Whether the dream has anything for the lists other modules read with a query of their own
# (issues 16 and 17), in FLAGS' order: most dreams have none, and then their panel shows its
# empty state without that query (dream.has_applications, has_plan, has_dilemmas,
# has_partners; set_flags does the same on other databases).
FLAGS = ("has_applications", "has_plan", "has_dilemmas", "has_partners", "has_publication")
_FLAGS_SQL = ",\n  ".join(
    (
        "EXISTS (SELECT 1 FROM initiatives_application a WHERE a.dream_id = d.id)",
        "(EXISTS (SELECT 1 FROM initiatives_planneed pn WHERE pn.dream_id = d.id)"
        " OR EXISTS (SELECT 1 FROM initiatives_contribution co WHERE co.dream_id = d.id))",
        "EXISTS (SELECT 1 FROM initiatives_dilemma di WHERE di.dream_id = d.id)",
        "EXISTS (SELECT 1 FROM initiatives_partnerinvitation pi WHERE pi.dream_id = d.id)",
        # Issue 19: whether the resident ever shared it (the story panel reads it then).
        "EXISTS (SELECT 1 FROM initiatives_publication pb WHERE pb.dream_id = d.id)",
    )
)

# The citizens' assembly outcome the dream came from (issue 18), NULL for most dreams: the
# outcome's id and title, its assembly's id, title and slug. The last column of the read.
_ASSEMBLY_SQL = (
    "(SELECT json_build_array(ao.id, ao.title, a.id, a.title, a.slug)"
    " FROM initiatives_assemblyoutcome ao JOIN initiatives_assembly a ON a.id = ao.assembly_id"
    " WHERE ao.dream_id = d.id)"
)

# Composed at import from this module's constants only; every value goes as a parameter.
WORKSPACE_SQL = f"""
SELECT
  d.id, d.title, d.story, d.own_contribution, d.needs_from_municipality, d.location,
  d.show_publicly, d.contact_name, d.contact_phone, d.status, d.created_at, d.submitted_at,
  d.picked_up_at, d.first_contact_at, d.closed_at, d.last_public_update_at,
  n.id, n.name, th.id, th.name, {_PERSON.format("r")}, {_PERSON.format("c")},
  s.id, s.question_behind, s.speaks_for, s.other_views, s.views_heard_by,
  s.seen_on_location_on, s.updated_by_id, s.updated_at,
  {
    _list(
        "x.id, x.key, x.version, x.title",
        "initiatives_paspoortpart WHERE is_current",
        "position, key",
    )
},
  (SELECT count(*) FROM initiatives_timelineevent e WHERE e.dream_id = d.id),
  {
    _list(
        f"x.id, x.created_at, x.kind, x.public, x.from_status, x.to_status, x.body, "
        f"x.partner_name, x.actor_id, {_P}",
        _people("initiatives_timelineevent", "actor_id", "t.dream_id = d.id"),
        "created_at DESC, id DESC",
        limit=True,
    )
},
  {
    _list(
        "x.id, x.width, x.height, x.created_at",
        "initiatives_dreamphoto WHERE dream_id = d.id",
        "created_at, id",
    )
},
  {
    _list(
        f"x.id, x.kind, x.date, x.summary, x.created_at, x.by_id, {_P}",
        _people("initiatives_contactmoment", "by_id", "t.dream_id = d.id"),
        "date DESC, id DESC",
    )
},
  {
    _list(
        "x.id, x.practice, x.done, x.note, x.updated_by_id, x.updated_at",
        "initiatives_practicenote WHERE dream_id = d.id",
        "practice",
    )
},
  {
    _list(
        "x.id, x.version, x.is_current, x.customer_verdict, x.customer_reasoning, "
        "x.responsibility_verdict, x.responsibility_reasoning, x.dialogue_verdict, "
        f"x.dialogue_reasoning, x.dilemma, x.discussed_with, x.has_tension, x.created_at, "
        f"x.by_id, {_P}, {_CITED_COLUMNS}",
        _REVIEW_SOURCE,
        "version DESC",
    )
},
  {
    _list(
        "x.id, x.amount::text, x.purpose, x.state, x.created_at, x.decided_at, "
        "x.requested_by_id, x.decided_by_id, x.fund_id, x.fund_name",
        "(SELECT g.*, f.name AS fund_name FROM initiatives_grant g "
        "JOIN initiatives_fund f ON f.id = g.fund_id WHERE g.dream_id = d.id) AS s",
        "created_at DESC, id DESC",
    )
},
  {
    _list(
        "x.id, x.state, x.proposed_at, x.signed_at, x.proposed_by_id, x.signed_by_id",
        "initiatives_decision WHERE dream_id = d.id",
        "proposed_at, id",
    )
},
  {
    _list(
        "x.id, x.created_at, x.to_email, x.subject, x.state",
        "initiatives_outboxmail WHERE dream_id = d.id AND state = %(failed)s",
        "created_at DESC",
    )
},
  (SELECT json_build_array(
     pick_up_working_days, first_contact_working_days, silence_days, grant_approval_limit::text)
   FROM initiatives_servicepromises WHERE id = 1),
  {_list(_DILEMMA_COLUMNS, _DILEMMA_SOURCE, "created_at, id")},
  {_FLAGS_SQL},
  {_ASSEMBLY_SQL}
FROM initiatives_dream d
JOIN initiatives_neighbourhood n ON n.id = d.neighbourhood_id
JOIN initiatives_theme th ON th.id = d.theme_id
JOIN accounts_user r ON r.id = d.resident_id
LEFT JOIN accounts_user c ON c.id = d.contact_id
LEFT JOIN initiatives_situationmap s ON s.dream_id = d.id
WHERE d.id = %(pk)s AND d.status <> %(unconfirmed)s
"""  # noqa: S608

_DREAM_FIELDS = (
    "id", "title", "story", "own_contribution", "needs_from_municipality", "location",
    "show_publicly", "contact_name", "contact_phone", "status", "created_at", "submitted_at",
    "picked_up_at", "first_contact_at", "closed_at", "last_public_update_at",
)  # fmt: skip

_PHOTO_FIELDS = ("id", "dream_id", "width", "height", "created_at")
_MOMENT_FIELDS = ("id", "dream_id", "kind", "date", "summary", "created_at", "by_id")
_PRACTICE_FIELDS = ("id", "dream_id", "practice", "done", "note", "updated_by_id", "updated_at")
_DECISION_FIELDS = (
    "id",
    "dream_id",
    "state",
    "proposed_at",
    "signed_at",
    "proposed_by_id",
    "signed_by_id",
)
_SITUATION_FIELDS = (
    "id", "dream_id", "question_behind", "speaks_for", "other_views", "views_heard_by",
    "seen_on_location_on", "updated_by_id", "updated_at",
)  # fmt: skip
_PART_FIELDS = ("id", "key", "version", "title")
_MAIL_FIELDS = ("id", "dream_id", "created_at", "to_email", "subject", "state")


def _moment(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def read_workspace_dream(*, pk: int, limit: int | None) -> Dream | None:
    """Return dream PK as dream_for_staff describes it (its newest LIMIT events, or all with
    None), or None when staff cannot see it. One query."""
    with connection.cursor() as cursor:
        cursor.execute(
            WORKSPACE_SQL,
            {
                "pk": pk,
                "limit": limit,
                "unconfirmed": Status.UNCONFIRMED,
                "failed": OutboxMail.State.FAILED,
            },
        )
        row = cursor.fetchone()
    if row is None:
        return None
    origin, row = row[-1], row[:-1]
    flags = dict(zip(FLAGS, row[-len(FLAGS) :], strict=True))
    dilemmas = row[-len(FLAGS) - 1]
    row = row[: -len(FLAGS) - 1]
    # json (not jsonb, which Django reads as text for JSONField) comes back parsed by psycopg.
    events, photos, moments, practices, reviews, grants, decisions, mails = row[-9:-1]
    count = row[-10]
    dream = _make(Dream, _DREAM_FIELDS, row[:16])
    vars(dream).update(flags)
    dream.neighbourhood = _make(Neighbourhood, ("id", "name"), row[16:18])
    dream.theme = _make(Theme, ("id", "name"), row[18:20])
    people = _People()
    dream.resident = people.get(row[20:25])
    dream.contact = people.get(row[25:30]) if row[25] is not None else None
    # The situation mapped (issue 17), None while nothing was: dream.situation reads it.
    situation = None
    if row[30] is not None:
        situation = _make(SituationMap, _SITUATION_FIELDS, (row[30], pk, *row[31:38]))
    SituationMap.dream.field.remote_field.set_cached_value(dream, situation)
    # The outcome of a citizens' assembly it came from (issue 18), None for most dreams:
    # dream.assembly_outcome reads it, with its assembly.
    outcome = None
    if origin is not None:
        outcome_id, outcome_title, assembly_id, assembly_title, slug = origin
        outcome = _make(
            AssemblyOutcome, ("id", "title", "assembly_id", "dream_id"),
            (outcome_id, outcome_title, assembly_id, pk),
        )  # fmt: skip
        outcome.assembly = _make(
            Assembly, ("id", "title", "slug"), (assembly_id, assembly_title, slug)
        )
    AssemblyOutcome.dream.field.remote_field.set_cached_value(dream, outcome)
    dream.paspoort_parts = [_make(PaspoortPart, _PART_FIELDS, part) for part in row[38]]

    dream.timeline_count = count
    dream.timeline = [
        TimelineRow(
            id, _moment(created), kind, public, from_status, to_status, body, actor_id,
            "" if actor_id is None else people.name(actor_id, person), partner_name,
        )
        for (id, created, kind, public, from_status, to_status, body, partner_name, actor_id,
             *person)
        in events
    ]  # fmt: skip
    _prefetched(
        dream,
        "photos",
        [
            _make(DreamPhoto, _PHOTO_FIELDS,
                (id, pk, width, height, _moment(created)),
            )
            for id, width, height, created in photos
        ],
    )  # fmt: skip
    _prefetched(
        dream,
        "contact_moments",
        [
            _with(
                _make(ContactMoment, _MOMENT_FIELDS,
                    (id, pk, kind, date.fromisoformat(day), summary, _moment(created), by_id),
                ),
                by=people.get((by_id, *person)) if by_id is not None else None,
            )
            for id, kind, day, summary, created, by_id, *person in moments
        ],
    )  # fmt: skip
    _prefetched(
        dream,
        "practices",
        [
            _make(PracticeNote, _PRACTICE_FIELDS,
                (id, pk, practice, done, note, by_id, _moment(updated)),
            )
            for id, practice, done, note, by_id, updated in practices
        ],
    )  # fmt: skip
    review_fields = (
        "id", "dream_id", "version", "is_current", "customer_verdict", "customer_reasoning",
        "responsibility_verdict", "responsibility_reasoning", "dialogue_verdict",
        "dialogue_reasoning", "dilemma", "discussed_with", "has_tension", "created_at", "by_id",
    )  # fmt: skip
    dream.review_versions = [
        _with(
            _make(Review, review_fields, (r[0], pk, *r[1:12], _moment(r[12]), r[13])),
            by=people.get((r[13], *r[14:18])) if r[13] is not None else None,
            **_cited(r[18:]),
        )
        for r in reviews
    ]
    grant_fields = (
        "id", "dream_id", "amount", "purpose", "state", "created_at", "decided_at",
        "requested_by_id", "decided_by_id", "fund_id",
    )  # fmt: skip
    funds: dict[int, Fund] = {}
    _prefetched(
        dream,
        "grants",
        [
            _with(
                _make(Grant, grant_fields,
                    (id, pk, Decimal(amount), purpose, state, _moment(created), _moment(decided),
                     requested_by_id, decided_by_id, fund_id),
                ),
                fund=funds.get(fund_id)
                or funds.setdefault(fund_id, _make(Fund, ("id", "name"), (fund_id, fund))),
            )
            for (id, amount, purpose, state, created, decided, requested_by_id, decided_by_id,
                 fund_id, fund) in grants
        ],
    )  # fmt: skip
    _prefetched(
        dream,
        "decisions",
        [
            _make(Decision, _DECISION_FIELDS,
                (id, pk, state, _moment(proposed), _moment(signed), proposed_by_id, signed_by_id),
            )
            for id, state, proposed, signed, proposed_by_id, signed_by_id in decisions
        ],
    )  # fmt: skip
    # The service promises ride along: the summary and the grant form need them too.
    dream.service_promises = _promises(row[-1])
    dream.failed_mails = [
        _make(OutboxMail, _MAIL_FIELDS,
            (id, pk, _moment(created), to_email, subject, state),
        )
        for id, created, to_email, subject, state in mails
    ]  # fmt: skip
    # The dilemmas and exceptions (issue 17): selectors.dilemmas_for_dream returns these.
    dream.dilemma_list = [_dilemma(pk, values, people) for values in dilemmas]
    return dream


def _dilemma(dream_pk: int, values, people: "_People") -> Dilemma:
    """A dilemma row (_DILEMMA_COLUMNS) as select_related("recorded_by", "discussed_by",
    "review") reads it (the review with its version only)."""
    (id, kind, summary, rule, why, agreed_with, created, outcome, outcome_note, discussed,
     review_id, version) = values[:12]  # fmt: skip
    recorded_by, discussed_by = values[12:17], values[17:22]
    dilemma = _make(
        Dilemma,
        _DILEMMA_FIELDS,
        (id, dream_pk, kind, summary, rule, why, agreed_with, _moment(created), outcome,
         outcome_note, _moment(discussed), review_id, recorded_by[0], discussed_by[0]),
    )  # fmt: skip
    return _with(
        dilemma,
        recorded_by=people.get(recorded_by) if recorded_by[0] is not None else None,
        discussed_by=people.get(discussed_by) if discussed_by[0] is not None else None,
        review=_make(Review, ("id", "version"), (review_id, version))
        if review_id is not None
        else None,
    )


def _cited(values) -> dict:
    """A review's *_cites: the part of the paspoort each core value cites, or None."""
    cited = {}
    for number, value in enumerate(_CITES):
        part = values[number * 4 : number * 4 + 4]
        cited[f"{value}_cites"] = (
            None if part[0] is None else _make(PaspoortPart, _PART_FIELDS, part)
        )
    return cited


def _promises(values) -> ServicePromises:
    """The saved promises, or the environment's while none are (as promises.current())."""
    if values is None:
        return ServicePromises(pk=1, **promises.defaults())
    pick_up, first_contact, silence, limit = values
    return _make(
        ServicePromises,
        ("id", "pick_up_working_days", "first_contact_working_days", "silence_days",
         "grant_approval_limit"),
        (1, pick_up, first_contact, silence, Decimal(limit)),
    )  # fmt: skip


class _People:
    """The people a workspace names, each made once (as User objects with the columns read)."""

    def __init__(self):
        self._by_id: dict[int, User] = {}
        self._names: dict[int, str] = {}

    def get(self, values) -> User:
        person = self._by_id.get(values[0])
        if person is None:
            person = self._by_id[values[0]] = _make(User, _PERSON_FIELDS, tuple(values))
        return person

    def name(self, pk: int, values) -> str:
        name = self._names.get(pk)
        if name is None:
            name = self._names[pk] = self.get((pk, *values)).get_full_name()
        return name


def _make(model, names, values):
    """A MODEL object with NAMES set to VALUES and every other column deferred, as
    .only(*NAMES) would read it. (from_db itself puts values in the model's field order.)"""
    instance = model.from_db(DB, (), ())
    instance.__dict__.update(zip(names, values, strict=True))
    return instance


def _with(instance, **related):
    """INSTANCE with its RELATED objects set, as select_related would have set them."""
    for name, value in related.items():
        setattr(instance, name, value)
    return instance


def _prefetched(dream: Dream, name: str, objects: list) -> None:
    """Put OBJECTS where prefetch_related(NAME) puts them: dream.NAME.all() returns them."""
    queryset = getattr(dream, name).get_queryset()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(dream, "_prefetched_objects_cache"):
        dream._prefetched_objects_cache = {}
    dream._prefetched_objects_cache[name] = queryset
