"""Applications to a fund (issue 16): the fund a resident applies to, the dreams an
application can ride on, and a dream's applications with their lines and answers, read in
one query whatever their number."""

import functools
from decimal import Decimal

from django.db import connection
from django.db.models import Prefetch, QuerySet, TextField
from django.db.models.functions import Cast, JSONObject

from accounts.models import User
from initiatives.models import Application, BudgetLine, CriterionAnswer, Dream, Fund
from initiatives.selectors.list_flags import may_have
from initiatives.statuses import OPEN

# An application that still waits for a decision: a second one to the same fund for the
# same dream is refused (services.application_submit).
APPLICATION_PENDING = (Application.State.SUBMITTED, Application.State.ADVISED)


def fund_for_application(*, pk: int) -> Fund:
    """Return fund PK with its neighbourhood; Fund.DoesNotExist when there is none."""
    return Fund.objects.select_related("neighbourhood").get(pk=pk)


def application_dreams(*, resident: User, fund: Fund) -> QuerySet[Dream]:
    """Return RESIDENT's own open dreams an application to FUND can ride on, newest first.

    A neighbourhood's fund is for the dreams of that neighbourhood.
    """
    dreams = Dream.objects.filter(resident=resident, status__in=OPEN)
    if fund.neighbourhood_id is not None:
        dreams = dreams.filter(neighbourhood_id=fund.neighbourhood_id)
    return dreams.only("id", "title", "status", "resident_id", "neighbourhood_id").order_by(
        "-created_at", "-id"
    )


def application_for_resident(*, resident: User, pk: int) -> Application:
    """Return RESIDENT's own application PK with its dream and fund.

    Raises Application.DoesNotExist for anyone else's, so it answers 404, not 403.
    """
    return Application.objects.select_related("dream", "fund").get(pk=pk, dream__resident=resident)


@functools.cache
def _with_lines_and_answers() -> QuerySet[Application]:
    """Applications with their fund, lines and answers as JSON arrays (PostgreSQL), composed
    once: resolving the two array subqueries through the ORM cost about 2 ms of Python on every
    workspace and resident's dream page, whether the dream had an application or not (issue 15).
    Each call filters a clone of it."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    lines = (
        BudgetLine.objects.filter(application=OuterRef("pk"))
        .order_by("position", "id")
        .values(
            json=JSONObject(
                id="id",
                position="position",
                description="description",
                amount=Cast("amount", TextField()),
                granted=Cast("granted", TextField()),
            )
        )
    )
    answers = (
        CriterionAnswer.objects.filter(application=OuterRef("pk"))
        .order_by("position", "id")
        .values(
            json=JSONObject(id="id", position="position", criterion="criterion", answer="answer")
        )
    )
    return (
        Application.objects.select_related("fund")
        .annotate(lines_json=ArraySubquery(lines))
        .annotate(answers_json=ArraySubquery(answers))
    )


def applications_for_dream(dream: Dream) -> list[Application]:
    """Return DREAM's applications, newest first, each with its fund, its budget lines
    (application.line_list) and its answers to the criteria (application.answer_list).

    One query on PostgreSQL (the lines and answers come along as JSON arrays), so the
    workspace and the resident's page add one query however many there are; elsewhere
    three (prefetch_related). None when DREAM was read with has_applications false.
    """
    if not may_have(dream, "has_applications"):
        return []
    if connection.vendor != "postgresql":
        return list(
            Application.objects.filter(dream_id=dream.pk)
            .select_related("fund")
            .prefetch_related(
                Prefetch("lines", queryset=BudgetLine.objects.all(), to_attr="line_list"),
                Prefetch("answers", queryset=CriterionAnswer.objects.all(), to_attr="answer_list"),
            )
        )
    result = list(_with_lines_and_answers().filter(dream_id=dream.pk))
    for application in result:
        application.line_list = [
            BudgetLine(
                id=line["id"],
                application=application,
                position=line["position"],
                description=line["description"],
                amount=Decimal(line["amount"]),
                granted=None if line["granted"] is None else Decimal(line["granted"]),
            )
            for line in application.lines_json
        ]
        application.answer_list = [
            CriterionAnswer(application=application, **answer)
            for answer in application.answers_json
        ]
    return result
