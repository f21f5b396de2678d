"""What the deciders read of an application to a fund (issue 16, item 4).

The neighbourhood platform's chair reads the applications to their neighbourhood's funds that
ask the platform (for advice, or for its decision within the frame): the fund, the dream's
title and what the residents will do themselves, the budget lines, the own contribution, the
other sources, the criteria answered, and an organisation's name and kind. Never a resident's
name, email, phone or address, nor an organisation's contact person or signatory: those
columns are not even read (`only`).

Staff (the MogelijkMaker decides, managers read) see the application with the platform's
advice, and a list of what waits for them: a decision, or the check of a platform's decision
against the fund's frame.

Every list here is read in a fixed number of queries, whatever its length.
"""

from django.db.models import Case, IntegerField, Prefetch, Q, QuerySet, Value, When

from initiatives.models import (
    Application,
    ApplicationAdvice,
    BudgetLine,
    CriterionAnswer,
    Fund,
    Platform,
    PlatformMember,
)

# The funds on which a platform has its say.
PLATFORM_DECIDERS = (Fund.Decider.STAFF_AFTER_ADVICE, Fund.Decider.PLATFORM)

# The columns a platform's chair may read; nothing that names or reaches a person.
_PLATFORM_COLUMNS = (
    "id",
    "dream_id",
    "fund_id",
    "applicant",
    "organisation_name",
    "organisation_kind",
    "own_money",
    "own_hours",
    "other_sources",
    "requested",
    "state",
    "submitted_at",
    "decided_at",
    "decision_reasons",
    "granted",
    "frame_note",
    "not_funded",
    "dream__id",
    "dream__title",
    "dream__own_contribution",
    "dream__status",
    "fund__id",
    "fund__name",
    "fund__year",
    "fund__decider",
    "fund__criteria",
    "fund__max_per_application",
    "fund__amount",
    "fund__committed",
    "fund__neighbourhood_id",
)


def _with_parts(applications: QuerySet) -> QuerySet:
    """APPLICATIONS with their budget lines, answers and advice: three queries for any number."""
    return applications.prefetch_related(
        Prefetch("lines", queryset=BudgetLine.objects.order_by("position", "id")),
        Prefetch("answers", queryset=CriterionAnswer.objects.order_by("position", "id")),
        Prefetch(
            "advice",
            queryset=ApplicationAdvice.objects.only(
                "id",
                "application_id",
                "verdict",
                "conditions",
                "reasons",
                "participants",
                "given_at",
            ),
        ),
    )


def platform_chaired_by(user, slug: str) -> Platform | None:
    """Return the platform SLUG when USER is its chair now, else None (a member who is not
    the chair, a chair who left and anyone else learn nothing of its applications)."""
    if not user.is_authenticated:
        return None
    return (
        Platform.objects.filter(
            slug=slug,
            memberships__user=user,
            memberships__role=PlatformMember.Role.CHAIR,
            memberships__left_at__isnull=True,
        )
        .select_related("neighbourhood")
        .first()
    )


def _platform_applications(platform: Platform) -> QuerySet:
    return (
        Application.objects.filter(
            fund__neighbourhood_id=platform.neighbourhood_id, fund__decider__in=PLATFORM_DECIDERS
        )
        .select_related("dream", "fund")
        .only(*_PLATFORM_COLUMNS)
    )


def applications_for_platform(platform: Platform) -> dict[str, list[Application]]:
    """Return the applications to PLATFORM's neighbourhood funds, as its chair reads them:
    "waiting" for the platform (advice or its decision), "elsewhere" (with the municipality,
    or decided). Four queries, whatever their number."""
    applications = list(
        _with_parts(_platform_applications(platform)).order_by("submitted_at", "id")
    )
    waiting = [a for a in applications if a.state == Application.State.SUBMITTED]
    elsewhere = [a for a in applications if a.state != Application.State.SUBMITTED]
    elsewhere.sort(key=lambda a: a.decided_at or a.submitted_at, reverse=True)
    return {"waiting": waiting, "elsewhere": elsewhere}


def application_for_platform(platform: Platform, pk: int) -> Application | None:
    """Return application PK as PLATFORM's chair reads it, or None when it is not one of
    theirs."""
    return _with_parts(_platform_applications(platform)).filter(pk=pk).first()


def application_for_staff(pk: int) -> Application | None:
    """Return application PK with its dream, the dream's MogelijkMaker, its fund, lines,
    answers and the platform's advice."""
    return (
        _with_parts(Application.objects.select_related("dream", "dream__contact", "fund"))
        .filter(pk=pk)
        .first()
    )


def applications_waiting_for_staff(user) -> list[Application]:
    """Return the applications that wait for staff: a decision (the staff rule, or after the
    platform's advice) or the check of a platform's decision against the frame. USER's own
    dreams first, then the oldest first. Two queries, whatever their number."""
    waiting = (
        Q(fund__decider=Fund.Decider.STAFF, state=Application.State.SUBMITTED)
        | Q(fund__decider=Fund.Decider.STAFF_AFTER_ADVICE, state=Application.State.ADVISED)
        | Q(fund__decider=Fund.Decider.PLATFORM, state=Application.State.FRAME_CHECK)
    )
    return list(
        Application.objects.filter(waiting)
        .select_related("dream", "dream__contact", "fund")
        .only(
            "id",
            "state",
            "requested",
            "granted",
            "submitted_at",
            "applicant",
            "organisation_name",
            "dream__id",
            "dream__title",
            "dream__status",
            "dream__contact__id",
            "dream__contact__full_name",
            "fund__id",
            "fund__name",
            "fund__year",
            "fund__decider",
        )
        .annotate(
            mine=Case(
                When(dream__contact_id=user.pk, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("mine", "submitted_at", "id")
    )
