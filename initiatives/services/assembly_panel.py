"""Stage 3 of a citizens' assembly (issue 18): the panel draw, declines and replacements.

1. `panel_draw_announce` closes registration and freezes the draw's inputs: the pool (the
   participants still in it, as pseudonyms with their answers and a household label), the
   quotas (AssemblyFeatureValue.min_seats/max_seats) and the panel size. Only the sha256
   of a new secret (the commitment) and of the pool are public until the draw.
2. `panel_draw_perform` takes the witness value chosen in front of the witnesses and makes
   the seed (initiatives/draw_seed.py) at once: it is stored, and public, before anything
   is computed. What can be checked quickly is checked then (sortition.quota_problems:
   nothing is stored when a quota cannot be met). Selecting the panel by the maximin
   method (initiatives/sortition.py) takes from seconds to a quarter of an hour, so a
   worker does it (`draw_compute`, queued on commit): it stores the result, puts the
   selected participants on the panel and the assembly in stage MEETING. Should the
   solver find the quotas infeasible after all, the draw is void: its result says why
   ({"infeasible": [...]}), stays public, and staff change the quotas and announce anew.
3. Someone who declines (`participant_decline`) is replaced by a replacement draw, witnessed
   like the panel draw: `replacement_draw_announce` freezes the people still in the pool
   (minus the households already on the panel), the quotas left
   (sortition.replacement_quotas, so that the whole panel keeps the original quotas) and
   the number of open seats, and publishes the commitment to a new secret and the pool's
   hash; `replacement_draw_perform` makes the seed from that secret and a new witness
   value, and the worker computes it. Nobody, staff included, can know in advance who
   would come in for whom, so a false decline cannot steer who joins the panel. One
   replacement draw is open at a time; a decline after its announcement waits for the
   next one (the announced draw keeps its frozen inputs).

A household is an invitation: one letter went to one address, and everyone who registered
with its code lives there. The published inputs give households as labels (H-001, …) in
the order of the pool, never the address. Staff only (MogelijkMakers and managers).
"""

import logging

from celery import current_app
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives import draw_seed, sortition
from initiatives.assembly_models import Assembly, AssemblyFeatureValue, Participant, PublicDraw
from initiatives.draw_verification import pool_of_inputs, select_from_inputs
from initiatives.selectors.assembly_draws import draw_label
from initiatives.services._assembly import lock_assembly, require_assembly_staff
from initiatives.services.draw_witnesses import witness_inputs

logger = logging.getLogger(__name__)

# A panel of 100 from 1,000 with five features takes the solver over 12 minutes.
COMPUTE_TASK = "initiatives.tasks.assembly_draw_compute"  # by name: no import of tasks
COMPUTE_SOFT_TIME_LIMIT = 30 * 60
COMPUTE_TIME_LIMIT = 31 * 60
# While a worker is known to compute a draw, nobody starts it again; after this (the worker
# was lost) staff may.
COMPUTE_RUNNING_SECONDS = COMPUTE_TIME_LIMIT + 60


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
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if assembly.stage not in (Assembly.Stage.INVITING, Assembly.Stage.SELECTING):
        raise ValidationError(
            _("The panel can only be drawn while registration is open or just closed.")
        )
    draws = PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.PANEL)
    if any(d.seed and not draw_void(d) for d in draws):
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


def draw_void(draw: PublicDraw) -> bool:
    """Whether DRAW was performed but no panel meets its quotas (the solver's finding)."""
    return bool((draw.result or {}).get("infeasible"))


def draw_computing(draw: PublicDraw) -> bool:
    """Whether DRAW was performed (its seed is fixed) and its outcome is still computed."""
    return bool(draw.seed) and not draw.result


def _quick_problems(inputs: dict) -> list[str]:
    pool, households = pool_of_inputs(inputs)
    return sortition.quota_problems(
        pool=pool,
        quotas=inputs.get("quotas") or {},
        panel_size=int(inputs.get("panel_size") or 0),
        household_of=households,
    )


def _perform(by: User, draw: PublicDraw, witness_value: str, witnesses: str) -> PublicDraw:
    """Fix DRAW's seed with the witness value and have a worker compute it (locked DRAW)."""
    if draw.seed:
        raise ValidationError(_("This draw has already been performed."))
    value, names = witness_inputs(witness_value, witnesses)
    problems = _quick_problems(draw.inputs)
    if problems:
        raise ValidationError(problems)
    draw.witness_value, draw.witnesses = value, names
    draw.seed = draw_seed.seed_of(draw.secret, value)
    draw.drawn_at, draw.drawn_by = timezone.now(), by
    draw.result = {}
    draw.save()
    transaction.on_commit(lambda: draw_compute_request(draw=draw), robust=True)
    return draw


@transaction.atomic
def panel_draw_perform(
    *, by: User, draw: PublicDraw, witness_value: str, witnesses: str
) -> PublicDraw:
    """Perform the announced panel draw with the witness value: the seed is fixed and
    public at once; a worker selects the panel (draw_compute) once this commits.

    Quotas that plainly cannot be met: ValidationError naming them, and nothing stored.
    """
    require_assembly_staff(by)
    assembly = lock_assembly(draw.assembly)
    draw = PublicDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.kind != PublicDraw.Kind.PANEL:
        raise ValidationError(_("This is not a panel draw."))
    later = PublicDraw.objects.filter(
        assembly=assembly, kind=PublicDraw.Kind.PANEL, number__gt=draw.number
    )
    if not draw.seed and later.exists():
        raise ValidationError(_("A later panel draw was announced: perform that one."))
    return _perform(by, draw, witness_value, witnesses)


# --- computing a performed draw (the worker) --------------------------------------------------


def _computing_key(draw_id: int) -> str:
    return f"assembly-draw-computing:{draw_id}"


def draw_compute_running(draw: PublicDraw) -> bool:
    """Whether a worker was asked to compute DRAW and has not finished (nor been lost)."""
    return cache.get(_computing_key(draw.pk)) is not None


def draw_compute_request(*, draw: PublicDraw) -> bool:
    """Have a worker compute performed DRAW, unless it has its outcome or is being computed;
    return whether it was asked. Called on commit of the draw and by staff's restart."""
    if not draw_computing(draw):
        return False
    if not cache.add(_computing_key(draw.pk), timezone.now().isoformat(), COMPUTE_RUNNING_SECONDS):
        return False
    if current_app.conf.task_always_eager:
        draw_compute(draw_id=draw.pk)
        return True
    try:
        current_app.send_task(COMPUTE_TASK, args=[draw.pk])
    except Exception:  # the broker is away: staff may start it again
        logger.exception("Could not ask for draw %s to be computed", draw.pk)
        cache.delete(_computing_key(draw.pk))
        return False
    return True


def _put_on_panel(assembly: Assembly, draw: PublicDraw, pseudonyms: list[str]) -> int:
    return Participant.objects.filter(
        assembly=assembly, pseudonym__in=pseudonyms, state=Participant.State.REGISTERED
    ).update(state=Participant.State.SELECTED, selected_by=draw)


def draw_compute(*, draw_id: int) -> PublicDraw | None:
    """Select the panel (or the replacements) of performed draw DRAW_ID from its frozen
    inputs and seed, and store it; the synchronous path the worker, tests and commands take.

    Idempotent: a draw with a result is never computed again. The solver runs outside any
    transaction; the result is stored in one, only if no other run stored it first.
    """
    draw = PublicDraw.objects.filter(pk=draw_id).first()
    if draw is None or not draw_computing(draw):
        return draw
    try:
        try:
            selection = select_from_inputs(draw.inputs, draw.seed)
        except sortition.PanelSelectionError as error:
            selection, infeasible = None, list(error.messages)
        with transaction.atomic():
            assembly = lock_assembly(draw.assembly)
            draw = PublicDraw.objects.select_for_update().get(pk=draw_id)
            if not draw_computing(draw):
                return draw
            if selection is None:
                draw.result = {"infeasible": infeasible}
                draw.save(update_fields=["result"])
                return draw
            draw.algorithm, draw.algorithm_version = selection.algorithm, selection.version
            draw.result = selection.as_json()
            draw.save(update_fields=["algorithm", "algorithm_version", "result"])
            _put_on_panel(assembly, draw, selection.selected)
            if draw.kind == PublicDraw.Kind.PANEL and assembly.stage != Assembly.Stage.MEETING:
                assembly.stage = Assembly.Stage.MEETING
                assembly.save(update_fields=["stage"])
            return draw
    finally:
        cache.delete(_computing_key(draw_id))


def draw_compute_restart(*, by: User, draw: PublicDraw) -> bool:
    """Ask again for performed DRAW to be computed, when no worker is known to be at it
    (the worker was lost); return whether it was asked. The same seed: the same outcome."""
    require_assembly_staff(by)
    draw = PublicDraw.objects.select_related("assembly").get(pk=draw.pk)
    if not draw_computing(draw):
        raise ValidationError(_("This draw has already been computed."))
    if draw_compute_running(draw):
        raise ValidationError(
            _("The draw is still being computed. Try again later if nothing changes.")
        )
    return draw_compute_request(draw=draw)


@transaction.atomic
def participant_decline(*, by: User, participant: Participant) -> Participant:
    """Record that a panel member declined: their seat is free for a replacement draw."""
    require_assembly_staff(by)
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
        .exclude(result={})
        .exclude(result__has_key="infeasible")
        .order_by("-number")
        .first()
    )
    if draw is None:
        raise ValidationError(_("Draw the panel first."))
    return draw


def open_replacement_draw(assembly: Assembly) -> PublicDraw | None:
    """ASSEMBLY's replacement draw that is announced or being computed, if any."""
    return (
        PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT, result={})
        .order_by("-number")
        .first()
    )


@transaction.atomic
def replacement_draw_announce(*, by: User, assembly: Assembly) -> PublicDraw:
    """Announce a draw for the panel's open seats: the pool (the people still in it, minus
    the households on the panel), the quotas left and the number of seats are frozen; the
    commitment to a new secret and the pool's hash are published.

    One replacement draw is open at a time: announce the next once this one is computed.
    """
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if assembly.stage != Assembly.Stage.MEETING:
        raise ValidationError(_("Replacements are drawn once the panel has been drawn."))
    panel_draw = _performed_panel_draw(assembly)
    if open_replacement_draw(assembly) is not None:
        raise ValidationError(
            _(
                "A replacement draw has already been announced: perform it first. Seats "
                "opened since its announcement are filled by the next one."
            )
        )
    done = PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.REPLACEMENT)
    number = max((d.number for d in done), default=0) + 1
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
        "number": number,
        "panel_draw": draw_label(panel_draw),
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
    problems = _quick_problems(inputs)
    if problems:
        raise ValidationError(problems)
    secret = draw_seed.new_secret()
    return PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.REPLACEMENT,
        number=number,
        commitment=draw_seed.commitment(secret),
        secret=secret,
        pool_hash=draw_seed.pool_hash(pool),
        pool_size=len(pool),
        announced_by=by,
        algorithm=sortition.ALGORITHM,
        algorithm_version=sortition.library_version(),
        inputs=inputs,
    )


@transaction.atomic
def replacement_draw_perform(
    *, by: User, draw: PublicDraw, witness_value: str, witnesses: str
) -> PublicDraw:
    """Perform the announced replacement draw with a witness value chosen in front of
    witnesses: seed = sha256(its own secret + ":" + witness value), fixed and public at
    once; a worker draws the replacements (draw_compute) once this commits."""
    require_assembly_staff(by)
    lock_assembly(draw.assembly)
    draw = PublicDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.kind != PublicDraw.Kind.REPLACEMENT:
        raise ValidationError(_("This is not a replacement draw."))
    return _perform(by, draw, witness_value, witnesses)
