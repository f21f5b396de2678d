"""A citizens' assembly's own life (issue 18): its meetings and outcomes, the panel members
who may take an outcome up, the pool as staff see it, and the public part of its page.

Every list here is read in a fixed number of queries, however long.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyMeeting,
    AssemblyOutcome,
    Participant,
)
from initiatives.models import Neighbourhood
from initiatives.statuses import Status


def assembly_with_neighbourhoods(pk: int) -> Assembly:
    """Return assembly PK with its neighbourhoods (by name) read; DoesNotExist otherwise."""
    return Assembly.objects.prefetch_related(
        Prefetch("neighbourhoods", queryset=Neighbourhood.objects.order_by("name", "pk"))
    ).get(pk=pk)


def assembly_meetings(assembly: Assembly) -> QuerySet[AssemblyMeeting]:
    """ASSEMBLY's meetings, first first."""
    return AssemblyMeeting.objects.filter(assembly=assembly).order_by("starts_at", "pk")


def assembly_meeting_of(assembly: Assembly, pk: int) -> AssemblyMeeting:
    """Meeting PK of ASSEMBLY; DoesNotExist for another assembly's or none."""
    return AssemblyMeeting.objects.get(assembly=assembly, pk=pk)


def _taken_up_by() -> Prefetch:
    return Prefetch("taken_up_by", queryset=Participant.objects.order_by("pseudonym"))


def assembly_outcomes(assembly: Assembly) -> QuerySet[AssemblyOutcome]:
    """ASSEMBLY's outcomes, oldest first, with who takes each up and its dream (two
    queries, however many)."""
    return (
        AssemblyOutcome.objects.filter(assembly=assembly)
        .select_related("dream")
        .prefetch_related(_taken_up_by())
        .order_by("created_at", "pk")
    )


def assembly_outcome_of(assembly: Assembly, pk: int) -> AssemblyOutcome:
    """Outcome PK of ASSEMBLY, with who takes it up; DoesNotExist for another assembly's."""
    return assembly_outcomes(assembly).get(pk=pk)


def assembly_panel(assembly: Assembly) -> QuerySet[Participant]:
    """ASSEMBLY's panel: the participants selected (state SELECTED), by pseudonym."""
    return Participant.objects.filter(assembly=assembly, state=Participant.State.SELECTED).order_by(
        "pseudonym"
    )


def assembly_pool_removal_due(assembly: Assembly) -> datetime | None:
    """When the retention job removes ASSEMBLY's pool's personal data: ASSEMBLY_RETENTION_DAYS
    after it ended (privacy.retention_apply); None while it has not ended."""
    if assembly.ended_at is None:
        return None
    return assembly.ended_at + timedelta(days=settings.ASSEMBLY_RETENTION_DAYS)


class PoolRow(NamedTuple):
    participant: Participant
    answers: list[tuple[str, str]]  # (question, answer) per feature, in the features' order


class Pool(NamedTuple):
    features: list[AssemblyFeature]
    rows: list[PoolRow]


def assembly_pool(assembly: Assembly) -> Pool:
    """Everyone who registered for ASSEMBLY, by pseudonym, with their contact details,
    answers, availability, state and neighbourhood: three queries, however many."""
    features = list(
        AssemblyFeature.objects.filter(assembly=assembly)
        .prefetch_related("values")
        .order_by("position", "pk")
    )
    labels = {
        feature.key: {value.key: value.label for value in feature.values.all()}
        for feature in features
    }
    participants = (
        Participant.objects.filter(assembly=assembly)
        .select_related("invitation__neighbourhood", "invitation__address")
        .order_by("pseudonym")
    )
    rows = []
    for participant in participants:
        answers = []
        for feature in features:
            key = participant.features.get(feature.key, "")
            answers.append((feature.question, labels[feature.key].get(key, key)))
        rows.append(PoolRow(participant, answers))
    return Pool(features, rows)


class PublicOutcome(NamedTuple):
    outcome: AssemblyOutcome
    dream_status: str  # the dream's status in words, "" while it is no dream
    realised: bool  # came true, and its resident agreed to show it


class PublicLife(NamedTuple):
    meetings: list[AssemblyMeeting]
    outcomes: list[PublicOutcome]


def assembly_public_life(assembly: Assembly) -> PublicLife:
    """What the assembly's public page shows of its life: the meetings, and the outcomes
    with what became of each (two queries). Nobody is named: not who takes an outcome up,
    not who owns its dream."""
    meetings = list(assembly_meetings(assembly))
    outcomes = []
    for outcome in (
        AssemblyOutcome.objects.filter(assembly=assembly)
        .select_related("dream")
        .only("pk", "title", "description", "created_at", "dream__status", "dream__show_publicly")
        .order_by("created_at", "pk")
    ):
        dream = outcome.dream
        status = "" if dream is None else str(Status(dream.status).label)
        realised = dream is not None and dream.status == Status.REALISED and dream.show_publicly
        outcomes.append(PublicOutcome(outcome, status, realised))
    return PublicLife(meetings, outcomes)
