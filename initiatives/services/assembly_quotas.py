"""The panel's quotas (issue 18): at least and at most so many seats per answer.

Staff set, for every answer of every feature the assembly is balanced on, the fewest and
the most seats people with that answer get on the panel (AssemblyFeatureValue.min_seats,
max_seats; no maximum: up to the panel size). The quotas can change until the panel is
drawn: while the assembly is being prepared, registration is open, or the panel is being
selected.

The checks here are those that need only the numbers: each quota on its own (at most not
below at least, neither above the panel size) and each feature as a whole (its minimums
must fit on the panel, its maximums must be able to fill it). Whether the people who
registered can meet them is the draw's question (initiatives.sortition, QuotasInfeasible).

`quotas_proportional` suggests quotas in proportion to some counts (the pool, or the
register's households per neighbourhood), one seat either way.
"""

from collections.abc import Mapping
from typing import NamedTuple

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, PublicDraw
from initiatives.exceptions import NotAllowed
from initiatives.services._assembly import lock_assembly, require_assembly_staff

# Before the panel draw; afterwards the quotas are part of the published draw.
QUOTA_STAGES = frozenset(
    {Assembly.Stage.PREPARING, Assembly.Stage.INVITING, Assembly.Stage.SELECTING}
)


class Quota(NamedTuple):
    min_seats: int
    max_seats: int | None  # None: no maximum (the panel size)


def quota_field(kind: str, value_pk: int) -> str:
    """The name a quota goes by in errors and forms: 'min_12', 'max_12' (KIND min or max)."""
    return f"{kind}_{value_pk}"


def feature_field(feature_pk: int) -> str:
    """The name a feature's own errors go by: 'feature_3'."""
    return f"feature_{feature_pk}"


def quotas_locked_reason(assembly: Assembly) -> str | None:
    """Why ASSEMBLY's quotas can no longer change, or None while they can."""
    if assembly.stage not in QUOTA_STAGES:
        return _("The assembly is “%(stage)s”: its quotas can no longer change.") % {
            "stage": Assembly.Stage(assembly.stage).label
        }
    drawn = PublicDraw.objects.filter(
        assembly=assembly, kind=PublicDraw.Kind.PANEL, drawn_at__isnull=False
    ).exclude(result__has_key="infeasible")  # a void draw: the quotas are to be changed
    if drawn.exists():
        return _("The panel has been drawn: its quotas can no longer change.")
    return None


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def quota_problems(
    *, panel_size: int, values: list[AssemblyFeatureValue], quotas: Mapping[int, Quota]
) -> dict[str, list[str]]:
    """Return what is wrong with QUOTAS (value pk → Quota) for VALUES on a panel of
    PANEL_SIZE, per field (quota_field, feature_field); empty when nothing is."""
    problems: dict[str, list[str]] = {}
    size = {"size": panel_size}
    features: dict[int, list[tuple[AssemblyFeatureValue, Quota | None]]] = {}
    for value in values:
        low, high = quotas.get(value.pk, (value.min_seats, value.max_seats))
        low_field, high_field = quota_field("min", value.pk), quota_field("max", value.pk)
        fine = True
        if not _is_count(low):
            problems[low_field] = [_("Fill in a whole number, 0 or more.")]
            fine = False
        elif low > panel_size:
            problems[low_field] = [
                _("At least cannot be more than the panel size (%(size)s).") % size
            ]
            fine = False
        if high is not None and not _is_count(high):
            problems[high_field] = [_("Fill in a whole number, 0 or more, or leave it empty.")]
            fine = False
        elif high is not None and high > panel_size:
            problems[high_field] = [
                _("At most cannot be more than the panel size (%(size)s).") % size
            ]
            fine = False
        elif high is not None and _is_count(low) and low > high:
            problems[high_field] = [
                _("At most cannot be less than at least (%(min)s).") % {"min": low}
            ]
            fine = False
        quota = Quota(low, high) if fine else None
        features.setdefault(value.feature_id, []).append((value, quota))
    for feature_pk, rows in features.items():
        if any(quota is None for _value, quota in rows):
            continue  # the fields say what to fix first
        feature = rows[0][0].feature
        lows = sum(quota.min_seats for _value, quota in rows)
        highs = sum(
            panel_size if quota.max_seats is None else quota.max_seats for _value, quota in rows
        )
        values_of = {"feature": feature.question, "size": panel_size}
        if lows > panel_size:
            problems[feature_field(feature_pk)] = [
                _(
                    "“%(feature)s”: the minimums add up to %(sum)s, more than the panel "
                    "size of %(size)s. Lower some of them."
                )
                % {**values_of, "sum": lows}
            ]
        elif highs < panel_size:
            problems[feature_field(feature_pk)] = [
                _(
                    "“%(feature)s”: the maximums add up to %(sum)s, fewer than the panel "
                    "size of %(size)s, so the panel could never be filled. Raise some of them."
                )
                % {**values_of, "sum": highs}
            ]
    return problems


@transaction.atomic
def assembly_quotas_set(
    *, by: User, assembly: Assembly, quotas: Mapping[int, Quota | tuple[int, int | None]]
) -> Assembly:
    """Set the quotas of ASSEMBLY's answers: QUOTAS maps an AssemblyFeatureValue's pk to
    (at least, at most; None: no maximum). Answers not in QUOTAS keep theirs. By a
    MogelijkMaker, a manager or the administrator, before the panel is drawn."""
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    locked = quotas_locked_reason(assembly)
    if locked:
        raise NotAllowed(locked)
    values = list(
        AssemblyFeatureValue.objects.filter(feature__assembly=assembly)
        .select_related("feature")
        .order_by("feature__position", "feature_id", "position", "id")
    )
    own = {value.pk for value in values}
    if any(pk not in own for pk in quotas):
        raise ValidationError(
            {NON_FIELD_ERRORS: [_("Some of these answers are not this assembly's.")]}
        )
    wanted = {}
    for pk, quota in quotas.items():
        try:
            low, high = quota
        except (TypeError, ValueError):
            raise ValidationError(
                {NON_FIELD_ERRORS: [_("Give each answer at least and at most.")]}
            ) from None
        wanted[pk] = Quota(low, high)
    problems = quota_problems(panel_size=assembly.panel_size, values=values, quotas=wanted)
    if problems:
        raise ValidationError(problems)
    changed = []
    for value in values:
        if value.pk in wanted and (value.min_seats, value.max_seats) != wanted[value.pk]:
            value.min_seats, value.max_seats = wanted[value.pk]
            changed.append(value)
    AssemblyFeatureValue.objects.bulk_update(changed, ["min_seats", "max_seats"])
    return assembly


def quotas_proportional(
    *, panel_size: int, counts: Mapping[str, int], available: Mapping[str, int] | None = None
) -> dict[str, Quota]:
    """Suggest quotas in proportion to COUNTS (answer → how many), one seat either way.

    The panel's seats are shared out by the largest remainder, so the shares add up to
    PANEL_SIZE; each answer gets its share minus one as its minimum and plus one as its
    maximum, within 0 and the panel size. A minimum is never more than AVAILABLE (answer →
    people in the pool with it; default COUNTS): a draw cannot seat people who are not there.
    """
    total = sum(counts.values())
    if total <= 0:
        return {key: Quota(0, None) for key in counts}
    exact = {key: panel_size * count / total for key, count in counts.items()}
    shares = {key: int(share) for key, share in exact.items()}
    left = panel_size - sum(shares.values())
    by_remainder = sorted(counts, key=lambda key: (-(exact[key] - shares[key]), -counts[key]))
    for key in by_remainder[:left]:
        shares[key] += 1
    available = counts if available is None else available
    return {
        key: Quota(
            min(max(share - 1, 0), available.get(key, 0)),
            min(share + 1, panel_size),
        )
        for key, share in shares.items()
    }
