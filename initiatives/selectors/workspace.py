"""What the staff workspace reads: one dream with everything on it, its photos, funds,
decisions awaiting their letter and grants awaiting approval."""

from decimal import Decimal

from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from initiatives import promises
from initiatives.dilemma_models import Dilemma
from initiatives.models import (
    ContactMoment,
    Decision,
    Dream,
    DreamPhoto,
    Fund,
    Grant,
    OutboxMail,
    PracticeNote,
    Review,
    ServicePromises,
    TimelineEvent,
)
from initiatives.selectors.list_flags import list_flags
from initiatives.selectors.paspoort import paspoort_current
from initiatives.selectors.situation import dream_situation
from initiatives.selectors.workspace_query import TimelineRow, read_workspace_dream
from initiatives.statuses import Status

# The workspace shows a dream's newest events first; its whole history is one click away.
TIMELINE_LATEST = 50


def dream_exists_for_staff(*, pk: int) -> bool:
    """Whether staff can see dream PK: it exists and its address was confirmed."""
    return Dream.objects.exclude(status=Status.UNCONFIRMED).filter(pk=pk).exists()


def dream_for_staff(*, pk: int, whole_timeline: bool = False) -> Dream:
    """Return dream PK with everything the workspace shows, in one query (workspace_query).

    dream.timeline holds its newest TIMELINE_LATEST events (TimelineRows), newest first, or
    every event with WHOLE_TIMELINE; dream.timeline_count counts them all, and
    dream.timeline_older_from is the place in the whole timeline where the shorter one
    stopped (None when nothing was left out), for the link to the rest to land on.
    dream.photos, contact_moments, practices, grants and decisions hold what .all() returns,
    as prefetch_related leaves them; dream.review_versions (newest first) and
    dream.failed_mails (newest first) are lists. dream.situation is its SituationMap (when
    one was mapped), each review version has its cited paspoort parts, and dream.paspoort_parts
    lists the current parts a review may cite (issue 17); dream.dilemma_list its dilemmas and
    exceptions, oldest first, with who recorded and discussed them (dilemmas_for_dream).
    dream.has_applications, has_plan, has_dilemmas and has_partners say whether those lists
    (each read by a selector of its own) have anything: with none the selector reads
    nothing (list_flags). Raises Dream.DoesNotExist when staff cannot see the dream.
    """
    limit = None if whole_timeline else TIMELINE_LATEST
    if connection.vendor == "postgresql":
        dream = read_workspace_dream(pk=pk, limit=limit)
        if dream is None:
            raise Dream.DoesNotExist(f"No dream {pk} for staff.")
    else:
        dream = _dream_for_staff_portable(pk=pk, limit=limit)
    left_out = whole_timeline and len(dream.timeline) > TIMELINE_LATEST
    dream.timeline_older_from = TIMELINE_LATEST if left_out else None
    return dream


def _dream_for_staff_portable(*, pk: int, limit: int | None) -> Dream:
    """dream_for_staff on a database without PostgreSQL's JSON functions (SQLite, the
    embedded default): the same dream, read with prefetch_related in eleven queries."""
    events = TimelineEvent.objects.select_related("actor").order_by("-created_at", "-id")
    if limit is not None:
        events = events[:limit]
    event_count = (
        TimelineEvent.objects.filter(dream=OuterRef("pk"))
        .order_by()
        .values("dream")
        .annotate(count=Count("id"))
        .values("count")
    )
    dream = (
        Dream.objects.exclude(status=Status.UNCONFIRMED)
        .select_related(
            "resident",
            "neighbourhood",
            "theme",
            "contact",
            "situation",
            "assembly_outcome__assembly",  # issue 18: "from the citizens' assembly …"
        )
        .annotate(timeline_count=Coalesce(Subquery(event_count, output_field=IntegerField()), 0))
        .annotate(**list_flags())  # as workspace_query.FLAGS
        .prefetch_related(
            Prefetch("events", queryset=events, to_attr="timeline"),
            Prefetch("photos", queryset=DreamPhoto.objects.order_by("created_at", "id")),
            Prefetch(
                "contact_moments",
                queryset=ContactMoment.objects.select_related("by").order_by("-date", "-id"),
            ),
            Prefetch("practices", queryset=PracticeNote.objects.select_related("updated_by")),
            Prefetch(
                "reviews",
                queryset=Review.objects.select_related(
                    "by", "customer_cites", "responsibility_cites", "dialogue_cites"
                ).order_by("-version"),
                to_attr="review_versions",
            ),
            Prefetch(
                "grants",
                queryset=Grant.objects.select_related("fund", "requested_by", "decided_by"),
            ),
            Prefetch(
                "decisions",
                queryset=Decision.objects.select_related("proposed_by", "signed_by"),
            ),
            Prefetch(
                "dilemmas",
                queryset=Dilemma.objects.select_related(
                    "recorded_by", "discussed_by", "review"
                ).order_by("created_at", "id"),
                to_attr="dilemma_list",
            ),
            Prefetch(
                "mails",
                queryset=OutboxMail.objects.filter(state=OutboxMail.State.FAILED).order_by(
                    "-created_at"
                ),
                to_attr="failed_mails",
            ),
        )
        .get(pk=pk)
    )
    dream.timeline = [TimelineRow.of(event) for event in dream.timeline]
    dream.paspoort_parts = paspoort_current()  # issue 17: what a review can cite
    return dream


def workspace_promises(dream: Dream) -> ServicePromises:
    """The service promises, as read with DREAM by dream_for_staff (on PostgreSQL), else now."""
    promised = getattr(dream, "service_promises", None)
    return promised if promised is not None else promises.current()


def workspace_summary(dream: Dream, promised: ServicePromises) -> dict:
    """Return what the workspace's summary shows of DREAM (read by dream_for_staff), no query.

    pick_up and first_contact: the promised day ("deadline"), the day it happened ("done",
    None while it has not) and whether the promise is broken ("late": done after the deadline,
    or not done and the deadline passed). first_contact is None until the dream is picked up.
    granted and awaiting: the sums of its grants given and waiting for a manager's approval.
    situation: the SituationMap mapped for it, or None.
    """
    today = timezone.localdate()

    def promise(deadline, done_at) -> dict:
        done = timezone.localdate(done_at) if done_at else None
        return {"deadline": deadline, "done": done, "late": (done or today) > deadline}

    pick_up = promise(promises.pick_up_deadline(dream.submitted_at, promised), dream.picked_up_at)
    first_contact = None
    if dream.picked_up_at:
        first_contact = promise(
            promises.first_contact_deadline(dream.picked_up_at, promised), dream.first_contact_at
        )
    grants = list(dream.grants.all())
    return {
        "pick_up": pick_up,
        "first_contact": first_contact,
        "granted": sum((g.amount for g in grants if g.state == Grant.State.GRANTED), Decimal(0)),
        "awaiting": sum(
            (g.amount for g in grants if g.state == Grant.State.AWAITING_APPROVAL), Decimal(0)
        ),
        # The question behind the question (issue 17), read with the dream; None: not mapped.
        "situation": dream_situation(dream),
    }


def dream_budget(dream: Dream) -> dict:
    """Return DREAM's grants (from dream_for_staff) and their totals: granted, waiting, refused.

    Shown on every workspace, also once the dream is closed: what it cost stays visible.
    """
    grants = sorted(dream.grants.all(), key=lambda grant: (grant.created_at, grant.pk))
    totals = {state: Decimal(0) for state in Grant.State.values}
    for grant in grants:
        totals[grant.state] += grant.amount
    return {
        "grants": grants,
        "granted": totals[Grant.State.GRANTED],
        "waiting": totals[Grant.State.AWAITING_APPROVAL],
        "refused": totals[Grant.State.REJECTED],
    }


def photo_for_staff(*, dream_pk: int, photo_pk: int) -> DreamPhoto:
    return DreamPhoto.objects.get(pk=photo_pk, dream_id=dream_pk)


def funds_current() -> QuerySet[Fund]:
    """Return this year's funds, which grants can come from."""
    return Fund.objects.filter(year=timezone.localdate().year).order_by("name")


def decisions_awaiting_letter() -> QuerySet[Decision]:
    return (
        Decision.objects.filter(state=Decision.State.PROPOSED)
        .select_related("dream", "dream__neighbourhood", "proposed_by")
        .order_by("proposed_at", "id")
    )


def decision_for_signing(*, pk: int) -> Decision:
    return decisions_awaiting_letter().select_related("dream__resident").get(pk=pk)


def grants_awaiting_approval() -> QuerySet[Grant]:
    return (
        Grant.objects.filter(state=Grant.State.AWAITING_APPROVAL)
        .select_related("dream", "fund", "requested_by")
        .order_by("created_at", "id")
    )
