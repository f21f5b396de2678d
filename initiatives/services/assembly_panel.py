"""Stage 3 of a citizens' assembly (issue 18): the panel draw, declines and replacements.

1. `panel_draw_announce` closes registration and freezes the draw's inputs: the pool (the
   participants still in it, as pseudonyms with their answers and a household label), the
   quotas (AssemblyFeatureValue.min_seats/max_seats) and the panel size. Only the sha256
   of a new secret (the commitment) and of the pool are public until the draw.
2. `panel_draw_perform` takes the witness value chosen in front of the witnesses, makes
   the seed (initiatives/draw_seed.py) and selects the panel from the frozen inputs by the
   maximin method (initiatives/sortition.py). The selected participants are on the panel.
3. Someone who declines (`participant_decline`) is replaced by `replacement_draw`: from the
   people still in the pool, minus the households already on the panel, with the quotas
   left (sortition.replacement_quotas), so that the whole panel keeps the original quotas.
   Its seed is sha256(panel seed + ":replacement-" + number): fixed by the panel draw,
   nobody chooses it.

A household is an invitation: one letter went to one address, and everyone who registered
with its code lives there. The published inputs give households as labels (H-001, …) in
the order of the pool, never the address. Staff only (MogelijkMakers and managers).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives import draw_seed, sortition
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, Participant, PublicDraw
from initiatives.draw_verification import select_from_inputs
from initiatives.services._core import _require_role

WITNESS_VALUE_MAX = 100
WITNESSES_MAX = 300


def _require_staff(by: User) -> None:
    _require_role(by, Role.ENABLER, Role.MANAGER)


def _lock_assembly(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


def draw_label(draw: PublicDraw) -> str:
    """How a draw is named in its web address and in the published JSON: "panel-1"."""
    return f"{draw.kind}-{draw.number}"


def assembly_quotas(assembly: Assembly) -> dict[str, dict[str, list[int | None]]]:
    """The assembly's quotas: {feature key: {value key: [min seats, max seats or None]}}."""
    quotas: dict[str, dict[str, list[int | None]]] = {}
    values = AssemblyFeatureValue.objects.filter(feature__assembly=assembly).select_related(
        "feature"
    )
    for value in values.order_by("feature__position", "feature_id", "position", "id"):
        quotas.setdefault(value.feature.key, {})[value.key] = [value.min_seats, value.max_seats]
    return quotas


def _pool_entries(participants) -> list[dict]:
    """Participants as the published pool: pseudonym, answers and a household label.

    Sorted by pseudonym; households (invitations) numbered in that order, so the labels say
    who lives together without saying where.
    """
    ordered = sorted(participants, key=lambda p: p.pseudonym)
    labels: dict[int, str] = {}
    entries = []
    for participant in ordered:
        label = labels.setdefault(participant.invitation_id, f"H-{len(labels) + 1:03d}")
        entries.append(
            {
                "pseudonym": participant.pseudonym,
                "features": {str(k): str(v) for k, v in (participant.features or {}).items()},
                "household": label,
            }
        )
    return entries


def _invalid(error: sortition.PanelSelectionError) -> ValidationError:
    return ValidationError(error.messages)


@transaction.atomic
def panel_draw_announce(*, by: User, assembly: Assembly) -> PublicDraw:
    """Close registration and announce the panel draw: commitment and pool hash published.

    May be announced again (a new number) while no panel draw was performed, for instance
    after the quotas changed; the earlier announcement stays public.
    """
    _require_staff(by)
    assembly = _lock_assembly(assembly)
    if assembly.stage not in (Assembly.Stage.INVITING, Assembly.Stage.SELECTING):
        raise ValidationError(
            _("The panel can only be drawn while registration is open or just closed.")
        )
    draws = PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.PANEL)
    if draws.exclude(seed="").exists():
        raise ValidationError(_("The panel of this assembly has already been drawn."))
    participants = list(
        Participant.objects.filter(assembly=assembly, state=Participant.State.REGISTERED)
    )
    if not participants:
        raise ValidationError(_("Nobody has registered yet: there is no pool to draw from."))
    pool = _pool_entries(participants)
    quotas = assembly_quotas(assembly)
    panel_size = assembly.panel_size
    households = {entry["pseudonym"]: entry["household"] for entry in pool}
    problems = sortition.quota_problems(
        pool=[(entry["pseudonym"], entry["features"]) for entry in pool],
        quotas=quotas,
        panel_size=panel_size,
        household_of=households,
    )
    if problems:
        raise ValidationError(problems)
    number = max((d.number for d in draws), default=0) + 1
    secret = draw_seed.new_secret()
    draw = PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.PANEL,
        number=number,
        commitment=draw_seed.commitment(secret),
        secret=secret,
        pool_hash=draw_seed.pool_hash(pool),
        pool_size=len(pool),
        announced_by=by,
        algorithm=sortition.ALGORITHM,
        algorithm_version=sortition.library_version(),
        inputs={
            "kind": PublicDraw.Kind.PANEL.value,
            "number": number,
            "panel_size": panel_size,
            "quotas": quotas,
            "pool": pool,
            "one_per_household": True,
        },
    )
    if assembly.stage != Assembly.Stage.SELECTING:
        assembly.stage = Assembly.Stage.SELECTING
        assembly.save(update_fields=["stage"])
    return draw


def _witness_inputs(witness_value: str, witnesses: str) -> tuple[str, str]:
    value = draw_seed.normalised_witness_value(str(witness_value or ""))
    names = " ".join(str(witnesses or "").split())
    errors: dict[str, list[str]] = {}
    if not value:
        errors["witness_value"] = [_("Fill in the value chosen in front of the witnesses.")]
    elif len(value) > WITNESS_VALUE_MAX:
        errors["witness_value"] = [
            _("The witness value may be at most %(max)s characters.") % {"max": WITNESS_VALUE_MAX}
        ]
    if not names:
        errors["witnesses"] = [_("Fill in who witnessed the draw.")]
    elif len(names) > WITNESSES_MAX:
        errors["witnesses"] = [
            _("The witnesses may be at most %(max)s characters.") % {"max": WITNESSES_MAX}
        ]
    if errors:
        raise ValidationError(errors)
    return value, names


def _put_on_panel(assembly: Assembly, draw: PublicDraw, pseudonyms: list[str]) -> int:
    return Participant.objects.filter(
        assembly=assembly, pseudonym__in=pseudonyms, state=Participant.State.REGISTERED
    ).update(state=Participant.State.SELECTED, selected_by=draw)


@transaction.atomic
def panel_draw_perform(
    *, by: User, draw: PublicDraw, witness_value: str, witnesses: str
) -> PublicDraw:
    """Perform the announced panel draw with the witness value; the panel is selected.

    Quotas that cannot be met: ValidationError naming them, and nothing stored.
    """
    _require_staff(by)
    assembly = _lock_assembly(draw.assembly)
    draw = PublicDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.kind != PublicDraw.Kind.PANEL:
        raise ValidationError(_("This is not a panel draw."))
    if draw.seed:
        raise ValidationError(_("This draw has already been performed."))
    later = PublicDraw.objects.filter(
        assembly=assembly, kind=PublicDraw.Kind.PANEL, number__gt=draw.number
    )
    if later.exists():
        raise ValidationError(_("A later panel draw was announced: perform that one."))
    value, names = _witness_inputs(witness_value, witnesses)
    seed = draw_seed.seed_of(draw.secret, value)
    try:
        result = select_from_inputs(draw.inputs, seed)
    except sortition.PanelSelectionError as error:
        raise _invalid(error) from error
    draw.witness_value, draw.witnesses, draw.seed = value, names, seed
    draw.drawn_at, draw.drawn_by = timezone.now(), by
    draw.algorithm, draw.algorithm_version = result.algorithm, result.version
    draw.result = result.as_json()
    draw.save()
    _put_on_panel(assembly, draw, result.selected)
    assembly.stage = Assembly.Stage.MEETING
    assembly.save(update_fields=["stage"])
    return draw


@transaction.atomic
def participant_decline(*, by: User, participant: Participant) -> Participant:
    """Record that a panel member declined: their seat is free for a replacement draw."""
    _require_staff(by)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.state != Participant.State.SELECTED:
        raise ValidationError(_("Only someone on the panel can decline a seat."))
    participant.state = Participant.State.DECLINED
    participant.declined_at = timezone.now()
    participant.save(update_fields=["state", "declined_at"])
    return participant


def _performed_panel_draw(assembly: Assembly) -> PublicDraw:
    draw = (
        PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.PANEL)
        .exclude(seed="")
        .order_by("-number")
        .first()
    )
    if draw is None:
        raise ValidationError(_("Draw the panel first."))
    return draw


@transaction.atomic
def replacement_draw(*, by: User, assembly: Assembly, number: int | None = None) -> PublicDraw:
    """Fill the panel's free seats from the pool, keeping the panel draw's quotas.

    NUMBER, when given, must be the next replacement draw's number: a form sent twice
    draws once.
    """
    _require_staff(by)
    assembly = _lock_assembly(assembly)
    if assembly.stage != Assembly.Stage.MEETING:
        raise ValidationError(_("Replacements are drawn once the panel has been drawn."))
    panel_draw = _performed_panel_draw(assembly)
    done = PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT)
    next_number = max((d.number for d in done), default=0) + 1
    if number is not None and number != next_number:
        raise ValidationError(
            _("Replacement draw %(number)s has already been performed.") % {"number": number}
        )
    participants = list(
        Participant.objects.filter(
            assembly=assembly,
            state__in=[Participant.State.SELECTED, Participant.State.REGISTERED],
        )
    )
    panel = [p for p in participants if p.state == Participant.State.SELECTED]
    panel_size = int(panel_draw.inputs["panel_size"])
    seats = panel_size - len(panel)
    if seats <= 0:
        raise ValidationError(_("The panel is complete: there is no seat to fill."))
    panel_homes = {p.invitation_id for p in panel}
    candidates = [
        p
        for p in participants
        if p.state == Participant.State.REGISTERED and p.invitation_id not in panel_homes
    ]
    if not candidates:
        raise ValidationError(_("Nobody is left in the pool to draw a replacement from."))
    original_quotas = panel_draw.inputs["quotas"]
    quotas = sortition.replacement_quotas(original_quotas, [p.features for p in panel])
    pool = _pool_entries(candidates)
    inputs = {
        "kind": PublicDraw.Kind.REPLACEMENT.value,
        "number": next_number,
        "panel_draw": draw_label(panel_draw),
        "panel_seed": panel_draw.seed,
        "seed_rule": "sha256(panel_seed + ':replacement-' + number)",
        "panel_size": seats,
        "original_quotas": original_quotas,
        "panel_kept": [
            {"pseudonym": p.pseudonym, "features": p.features}
            for p in sorted(panel, key=lambda p: p.pseudonym)
        ],
        "quotas": {f: {v: list(b) for v, b in values.items()} for f, values in quotas.items()},
        "pool": pool,
        "one_per_household": True,
    }
    seed = sortition.replacement_seed(panel_draw.seed, next_number)
    try:
        result = select_from_inputs(inputs, seed)
    except sortition.PanelSelectionError as error:
        raise _invalid(error) from error
    now = timezone.now()
    draw = PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.REPLACEMENT,
        number=next_number,
        commitment="",
        secret="",
        pool_hash=draw_seed.pool_hash(pool),
        pool_size=len(pool),
        announced_at=now,
        announced_by=by,
        seed=seed,
        drawn_at=now,
        drawn_by=by,
        algorithm=result.algorithm,
        algorithm_version=result.version,
        inputs=inputs,
        result=result.as_json(),
    )
    _put_on_panel(assembly, draw, result.selected)
    return draw
