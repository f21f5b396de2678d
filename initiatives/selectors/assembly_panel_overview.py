"""The staff's panel page of an assembly (issue 18), read in five queries whatever the size
of the pool: the features and their answers (two), the register's households, the people
(pseudonyms, states and answers only: the staff's panel page shows no names), the draws.

Before the panel draw it says how many people gave each answer against the quotas; once
announced, the announcement (and whether the quotas changed since); while a worker computes
it, that; when the solver found its quotas infeasible, why (the draw is void: announce
again); once drawn, the panel with every member's answers, who declined, the open seats,
the replacement draws (at most one open: announced or being computed), and per answer the
panel's count against the quotas the draw was made with.
"""

from dataclasses import dataclass, field

from initiatives.assembly_models import Assembly, AssemblyFeature, Participant, PublicDraw
from initiatives.selectors.assembly_quotas import (
    POOL_STATES,
    FeatureCounts,
    _counted,
    _features,
    _households,
)


@dataclass(frozen=True)
class PanelMember:
    participant: Participant
    answers: list[str]  # the answers' labels, in the order of the features


@dataclass(frozen=True)
class QuotaCheck:
    label: str
    count: int
    min_seats: int
    max_seats: int | None

    @property
    def holds(self) -> bool:
        high = self.max_seats
        return self.count >= self.min_seats and (high is None or self.count <= high)


@dataclass(frozen=True)
class FeatureCheck:
    feature: AssemblyFeature
    rows: list[QuotaCheck]


@dataclass
class PanelOverview:
    assembly: Assembly
    features: list[AssemblyFeature]
    pool: list[FeatureCounts]  # who is in the pool, per answer, beside the current quotas
    in_pool: int  # still in the pool: registered, not on the panel
    draw: PublicDraw | None  # the latest panel draw, announced or performed
    quotas_changed: bool  # since the latest announcement, not yet performed
    panel_size: int
    members: list[PanelMember] = field(default_factory=list)
    declined: list[PanelMember] = field(default_factory=list)
    checks: list[FeatureCheck] = field(default_factory=list)
    replacements: list[PublicDraw] = field(default_factory=list)

    @property
    def performed(self) -> bool:
        """The panel has been drawn: its draw has a panel as its outcome."""
        return self.draw is not None and bool(self.draw.result) and not self.void

    @property
    def computing(self) -> bool:
        """The panel draw was performed and a worker is computing its outcome."""
        return self.draw is not None and bool(self.draw.seed) and not self.draw.result

    @property
    def void(self) -> bool:
        """The latest panel draw was performed, but no panel meets its quotas."""
        return self.draw is not None and bool((self.draw.result or {}).get("infeasible"))

    @property
    def open_replacement(self) -> PublicDraw | None:
        """The replacement draw announced or being computed, if any (one at a time)."""
        return next((draw for draw in self.replacements if not draw.result), None)

    @property
    def replacements_done(self) -> list[PublicDraw]:
        return [draw for draw in self.replacements if draw.result]

    @property
    def open_seats(self) -> int:
        return max(self.panel_size - len(self.members), 0) if self.performed else 0

    @property
    def quotas_hold(self) -> bool:
        return all(row.holds for check in self.checks for row in check.rows)


def current_quotas(features: list[AssemblyFeature]) -> dict[str, dict[str, list]]:
    """The quotas as a panel draw freezes them: {feature: {answer: [min, max or None]}}."""
    return {
        feature.key: {
            value.key: [value.min_seats, value.max_seats] for value in feature.values.all()
        }
        for feature in features
    }


def _labels(features: list[AssemblyFeature]) -> dict[tuple[str, str], str]:
    return {
        (feature.key, value.key): value.label
        for feature in features
        for value in feature.values.all()
    }


def _member(participant: Participant, features, labels) -> PanelMember:
    given = participant.features if isinstance(participant.features, dict) else {}
    answers = []
    for feature in features:
        key = given.get(feature.key)
        answers.append(labels.get((feature.key, key), str(key or "")))
    return PanelMember(participant=participant, answers=answers)


def _checks(features, quotas: dict, members: list[PanelMember]) -> list[FeatureCheck]:
    result = []
    for feature in features:
        rows = []
        for value in feature.values.all():
            low, high = (quotas.get(feature.key) or {}).get(value.key) or (0, None)
            count = sum(
                1
                for member in members
                if isinstance(member.participant.features, dict)
                and member.participant.features.get(feature.key) == value.key
            )
            rows.append(QuotaCheck(value.label, count, int(low or 0), high))
        result.append(FeatureCheck(feature=feature, rows=rows))
    return result


def assembly_panel_overview(assembly: Assembly) -> PanelOverview:
    """Everything the staff's panel page of ASSEMBLY shows."""
    features = _features(assembly)
    households = _households(assembly)
    people = list(
        Participant.objects.filter(assembly=assembly)
        .order_by("pseudonym")
        .only("pk", "assembly_id", "pseudonym", "state", "features", "selected_by_id")
    )
    draws = list(
        PublicDraw.objects.filter(
            assembly=assembly, kind__in=[PublicDraw.Kind.PANEL, PublicDraw.Kind.REPLACEMENT]
        ).order_by("number", "id")
    )
    panel_draws = [draw for draw in draws if draw.kind == PublicDraw.Kind.PANEL]
    draw = panel_draws[-1] if panel_draws else None  # none is announced after a panel
    quotas = current_quotas(features)
    pool = _counted(features, (p.features for p in people if p.state in POOL_STATES), households)
    overview = PanelOverview(
        assembly=assembly,
        features=features,
        pool=pool,
        in_pool=sum(1 for p in people if p.state == Participant.State.REGISTERED),
        draw=draw,
        quotas_changed=bool(draw and not draw.seed and draw.inputs.get("quotas") != quotas),
        panel_size=int((draw.inputs or {}).get("panel_size") or assembly.panel_size)
        if draw
        else assembly.panel_size,
    )
    if not overview.performed:
        return overview
    labels = _labels(features)
    overview.members = [
        _member(p, features, labels) for p in people if p.state == Participant.State.SELECTED
    ]
    overview.declined = [
        _member(p, features, labels) for p in people if p.state == Participant.State.DECLINED
    ]
    overview.checks = _checks(features, draw.inputs.get("quotas") or {}, overview.members)
    overview.replacements = [d for d in draws if d.kind == PublicDraw.Kind.REPLACEMENT]
    return overview
