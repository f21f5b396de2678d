"""The quotas beside the people (issue 18): per feature and answer, how many registered with
it (or sit on the panel with it), and for a feature whose answers are the assembly's
neighbourhoods, how many households the address register has in each.

Read in four queries whatever the number of features, answers and people: the features,
their answers, the people's answers (pseudonymous JSON, counted here), the neighbourhoods'
households.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q

from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    Participant,
)
from initiatives.models import Neighbourhood

# Who is in the pool a panel is drawn from.
POOL_STATES = (Participant.State.REGISTERED, Participant.State.SELECTED)


@dataclass(frozen=True)
class AnswerCount:
    value: AssemblyFeatureValue
    people: int  # in the pool with this answer
    households: int | None  # in the register, when the answer is a neighbourhood


@dataclass(frozen=True)
class FeatureCounts:
    feature: AssemblyFeature
    answers: list[AnswerCount]
    people: int  # everyone counted, whatever their answer to this feature
    households: int | None  # None: the answers are not the assembly's neighbourhoods

    def share(self, count: int) -> float:
        return count / self.people if self.people else 0.0


def _features(assembly: Assembly) -> list[AssemblyFeature]:
    """ASSEMBLY's features in order, their answers prefetched in order (two queries)."""
    return list(
        AssemblyFeature.objects.filter(assembly=assembly)
        .order_by("position", "id")
        .prefetch_related(
            Prefetch("values", queryset=AssemblyFeatureValue.objects.order_by("position", "id"))
        )
    )


def _households(assembly: Assembly) -> dict[str, int]:
    """The register's households per neighbourhood of ASSEMBLY, by slug (one query)."""
    return dict(
        Neighbourhood.objects.filter(assemblies=assembly)
        .annotate(households=Count("addresses", filter=Q(addresses__household=True)))
        .values_list("slug", "households")
    )


def _counted(
    features: list[AssemblyFeature], answers: Iterable, households: dict[str, int]
) -> list[FeatureCounts]:
    """FEATURES with how many of ANSWERS (each {feature key: value key}) gave each answer."""
    per_answer: Counter = Counter()
    people = 0
    for given in answers:
        people += 1
        if isinstance(given, dict):
            for key, value in given.items():
                per_answer[(key, value)] += 1
    result = []
    for feature in features:
        values = list(feature.values.all())
        neighbourhoods = bool(values) and all(value.key in households for value in values)
        rows = [
            AnswerCount(
                value=value,
                people=per_answer[(feature.key, value.key)],
                households=households[value.key] if neighbourhoods else None,
            )
            for value in values
        ]
        result.append(
            FeatureCounts(
                feature=feature,
                answers=rows,
                people=people,
                households=sum(row.households for row in rows) if neighbourhoods else None,
            )
        )
    return result


def assembly_answer_counts(assembly: Assembly) -> list[FeatureCounts]:
    """Return ASSEMBLY's features in order, each answer with how many people in the pool
    gave it."""
    features = _features(assembly)
    answers = (
        Participant.objects.filter(assembly=assembly, state__in=POOL_STATES)
        .order_by()  # the model's order joins the assembly for nothing
        .values_list("features", flat=True)
    )
    return _counted(features, answers, _households(assembly))
