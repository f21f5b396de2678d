"""Preparing a citizens' assembly and its invitation lottery (issue 18, stage 1).

Staff (MogelijkMakers, managers, the administrator) create an assembly, say which
neighbourhoods it is for and how many letters go out, and choose the features the panel
is balanced on. Then the invitation lottery:

1. *Announce* (invitation_draw_announce): the pool is fixed (the register's households in
   the neighbourhoods, kept in the draw's inputs, so later imports of the register change
   nothing), and only the commitment to a fresh secret and the pool's hash are published.
2. *Perform* (invitation_draw_perform), in front of witnesses: their value and the secret
   make the seed; the seed draws the households (initiatives/sortition_invitations.py);
   each gets an invitation with a registration code, of which only the hash is kept.

What is fixed by the announcement (neighbourhoods, number of letters) cannot change after
it; what is printed on the letters (question, web address) cannot change after the draw.
Features can be changed only while the assembly is being prepared.
"""

import logging
import os
import re
import uuid
from datetime import date
from pathlib import Path

from celery import current_app
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives import assembly_codes, draw_seed, sortition_invitations
from initiatives.address_models import Address
from initiatives.assembly_letters import letters_file_name, letters_html, letters_pdf
from initiatives.assembly_models import (
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    Invitation,
    PublicDraw,
)
from initiatives.exceptions import NotAllowed
from initiatives.models import Neighbourhood
from initiatives.selectors.assemblies import invitation_pool
from initiatives.services._assembly import lock_assembly, require_assembly_staff
from initiatives.services.draw_witnesses import witness_inputs

logger = logging.getLogger(__name__)

# The letters' PDF is made by a worker: 1,000 pages take WeasyPrint 20 to 70 seconds.
LETTERS_MAX = 2000
LETTERS_BUILD_TASK = "initiatives.tasks.assembly_letters_build"  # by name: no import of tasks
# While a worker makes the letters nobody asks for them again; after this a download that
# still finds no file (the worker died) asks once more.
LETTERS_BUILDING_SECONDS = 10 * 60
# The build task's own limits (the default is for mail): 2,000 letters on a busy machine.
LETTERS_SOFT_TIME_LIMIT = 8 * 60
LETTERS_TIME_LIMIT = 9 * 60
PEOPLE_PER_HOUSEHOLD_MAX = 10
ANSWERS_MIN, ANSWERS_MAX = 2, 20
FEATURES_MAX = 10
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")  # in the registration page's address

# Frozen once the draw is announced (the pool and its size are committed) ...
FROZEN_BY_ANNOUNCEMENT = ("neighbourhoods", "invitations_wanted")
# ... and once it is performed (printed on the letters, or given to each invitation).
FROZEN_BY_DRAW = ("slug", "question", "people_per_household")


def assembly_frozen_fields(assembly: Assembly | None) -> tuple[str, ...]:
    """The fields of ASSEMBLY that can no longer change, because the draw was announced
    (what it draws from) or performed (what the letters say)."""
    if assembly is None or assembly.pk is None:
        return ()
    if assembly.stage != Assembly.Stage.PREPARING:
        return FROZEN_BY_ANNOUNCEMENT + FROZEN_BY_DRAW
    if PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.INVITATIONS).exists():
        return FROZEN_BY_ANNOUNCEMENT
    return ()


def _frozen_message(name: str) -> str:
    if name in FROZEN_BY_DRAW:
        return _("This can no longer change: it is printed on the letters, or given to them.")
    return _("This can no longer change: the draw has been announced with it.")


@transaction.atomic
def assembly_save(
    *,
    by: User,
    assembly: Assembly | None = None,
    title: str,
    slug: str,
    question: str,
    neighbourhoods: list[Neighbourhood],
    invitations_wanted: int,
    panel_size: int,
    people_per_household: int = 1,
    registration_closes_on: date | None = None,
) -> Assembly:
    """Create an assembly (ASSEMBLY None) or change one; refused once it has ended, and for
    a field the draw has fixed (assembly_frozen_fields) when it would change."""
    require_assembly_staff(by)
    if assembly is None:
        assembly = Assembly(created_by=by)
        before = None
    else:
        assembly = lock_assembly(assembly)
        if assembly.stage == Assembly.Stage.ENDED:
            raise NotAllowed(_("This assembly has ended: it can no longer be changed."))
        before = {
            "slug": assembly.slug,
            "question": assembly.question,
            "people_per_household": assembly.people_per_household,
            "invitations_wanted": assembly.invitations_wanted,
            "neighbourhoods": {n.pk for n in assembly.neighbourhoods.all()},
        }
    values = {
        "slug": slug.strip(),
        "question": question.strip(),
        "people_per_household": people_per_household,
        "invitations_wanted": invitations_wanted,
        "neighbourhoods": {n.pk for n in neighbourhoods},
    }
    errors: dict[str, list[str]] = {}
    if before is not None:
        for name in assembly_frozen_fields(assembly):
            if values[name] != before[name]:
                errors.setdefault(name, []).append(_frozen_message(name))
    if not neighbourhoods:
        errors.setdefault("neighbourhoods", []).append(_("Choose at least one neighbourhood."))
    if not 1 <= invitations_wanted <= LETTERS_MAX:
        errors.setdefault("invitations_wanted", []).append(
            _("Choose between 1 and %(max)d letters.") % {"max": LETTERS_MAX}
        )
    if not 1 <= panel_size <= invitations_wanted:
        errors.setdefault("panel_size", []).append(
            _("The panel has at least 1 member, and not more than the number of letters.")
        )
    if not 1 <= people_per_household <= PEOPLE_PER_HOUSEHOLD_MAX:
        errors.setdefault("people_per_household", []).append(
            _("Choose between 1 and %(max)d people per household.")
            % {"max": PEOPLE_PER_HOUSEHOLD_MAX}
        )
    changed_date = before is None or registration_closes_on != assembly.registration_closes_on
    if registration_closes_on and changed_date and registration_closes_on < timezone.localdate():
        errors.setdefault("registration_closes_on", []).append(
            _("Choose a date that has not passed.")
        )
    if not SLUG.fullmatch(values["slug"]) or len(values["slug"]) > 150:
        errors.setdefault("slug", []).append(
            _("Use lower case letters, digits and dashes, like “vlijmen-oost”.")
        )
    elif Assembly.objects.filter(slug=values["slug"]).exclude(pk=assembly.pk).exists():
        errors.setdefault("slug", []).append(_("Another assembly already has this web address."))
    assembly.title = " ".join(title.split())
    assembly.slug = values["slug"]
    assembly.question = values["question"]
    assembly.invitations_wanted = invitations_wanted
    assembly.panel_size = panel_size
    assembly.people_per_household = people_per_household
    assembly.registration_closes_on = registration_closes_on
    try:
        assembly.full_clean(exclude=["created_by", "slug"], validate_unique=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():  # a savepoint: a web address taken at the same moment
            assembly.save()
    except IntegrityError:
        raise ValidationError(
            {"slug": _("Another assembly already has this web address.")}
        ) from None
    if before is None or values["neighbourhoods"] != before["neighbourhoods"]:
        assembly.neighbourhoods.set(neighbourhoods)
    return assembly


# --- features -------------------------------------------------------------------------------


def _require_preparing(assembly: Assembly) -> None:
    if assembly.stage != Assembly.Stage.PREPARING:
        raise NotAllowed(_("The letters have gone out: the features can no longer change."))


@transaction.atomic
def assembly_feature_save(
    *,
    by: User,
    assembly: Assembly,
    feature: AssemblyFeature | None = None,
    question: str,
    key: str = "",
    answers: list[tuple[str, str]],
) -> AssemblyFeature:
    """Add a feature to ASSEMBLY (FEATURE None) or change one: its question, its key in the
    published pool (made from the question when blank), and its ANSWERS as (key, label) in
    order. An answer kept by its key keeps its quota; only while the assembly is prepared."""
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    _require_preparing(assembly)
    if feature is not None:
        feature = AssemblyFeature.objects.select_for_update().get(pk=feature.pk)
        if feature.assembly_id != assembly.pk:
            raise NotAllowed(_("This feature belongs to another assembly."))
    question = " ".join(question.split())
    key = (key.strip() or slugify(question))[:40].strip("-")
    errors: dict[str, list[str]] = {}
    if not question:
        errors["question"] = [_("Fill in the question.")]
    elif len(question) > 200:
        errors["question"] = [_("Use at most 200 characters.")]
    try:
        validate_slug(key)
    except ValidationError:
        errors["key"] = [_("Use only letters, digits, dashes and underscores.")]
    others = AssemblyFeature.objects.filter(assembly=assembly, key=key)
    if feature is not None:
        others = others.exclude(pk=feature.pk)
    if key and others.exists():
        errors["key"] = [_("Another feature of this assembly already has this key.")]
    if feature is None and assembly.features.count() >= FEATURES_MAX:
        errors["question"] = [
            _("An assembly has at most %(max)d features.") % {"max": FEATURES_MAX}
        ]
    answer_problem = _answers_problem(answers)
    if answer_problem:
        errors["answers"] = [answer_problem]
    if errors:
        raise ValidationError(errors)
    if feature is None:
        last = assembly.features.aggregate(last=Max("position"))["last"]
        feature = AssemblyFeature(assembly=assembly, position=(last or 0) + 1)
    feature.question, feature.key = question, key
    feature.save()
    kept = {value.key: value for value in feature.values.all()}
    wanted = {answer_key for answer_key, _label in answers}
    feature.values.exclude(key__in=wanted).delete()
    for position, (answer_key, label) in enumerate(answers, start=1):
        value = kept.get(answer_key) or AssemblyFeatureValue(feature=feature, key=answer_key)
        value.label, value.position = label, position
        value.save()
    return feature


def _answers_problem(answers: list[tuple[str, str]]) -> str | None:
    if not ANSWERS_MIN <= len(answers) <= ANSWERS_MAX:
        return _("Give between %(min)d and %(max)d answers, one per line.") % {
            "min": ANSWERS_MIN,
            "max": ANSWERS_MAX,
        }
    seen = set()
    for answer_key, label in answers:
        try:
            validate_slug(answer_key)
        except ValidationError:
            return _("The key of “%(label)s” may only have letters, digits and dashes.") % {
                "label": label[:40]
            }
        if len(answer_key) > 40 or not label or len(label) > 150:
            return _("Keep each key under 40 and each answer under 150 characters.")
        if answer_key in seen:
            return _("Two answers have the key “%(key)s”: give each its own.") % {"key": answer_key}
        seen.add(answer_key)
    return None


@transaction.atomic
def assembly_feature_remove(*, by: User, feature: AssemblyFeature) -> None:
    """Remove FEATURE and its answers; only while its assembly is being prepared."""
    require_assembly_staff(by)
    assembly = lock_assembly(feature.assembly)
    _require_preparing(assembly)
    AssemblyFeature.objects.filter(pk=feature.pk, assembly=assembly).delete()


# --- the invitation lottery -----------------------------------------------------------------


@transaction.atomic
def invitation_draw_announce(*, by: User, assembly: Assembly) -> PublicDraw:
    """Announce ASSEMBLY's invitation lottery: fix the pool, commit to a fresh secret.

    Publish the commitment and the pool's hash before the draw; nobody can change either
    after. Refused when the assembly has one already, or too few households to draw from.
    """
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if assembly.stage != Assembly.Stage.PREPARING:
        raise NotAllowed(_("The letters of this assembly have already been drawn."))
    if PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.INVITATIONS).exists():
        raise NotAllowed(_("The invitation lottery of this assembly has already been announced."))
    neighbourhoods = sorted(assembly.neighbourhoods.all(), key=lambda n: n.name)
    if not neighbourhoods:
        raise NotAllowed(_("Choose the assembly's neighbourhoods first."))
    pool = invitation_pool(assembly)
    number = assembly.invitations_wanted
    if not pool:
        raise NotAllowed(
            _("The address register has no households in these neighbourhoods: import it first.")
        )
    if len(pool) < number:
        raise NotAllowed(
            _(
                "There are %(size)d households in these neighbourhoods, fewer than the "
                "%(number)d letters wanted. Choose fewer letters or more neighbourhoods."
            )
            % {"size": len(pool), "number": number}
        )
    secret = draw_seed.new_secret()
    return PublicDraw.objects.create(
        assembly=assembly,
        kind=PublicDraw.Kind.INVITATIONS,
        number=1,
        secret=secret,
        commitment=draw_seed.commitment(secret),
        pool_hash=draw_seed.pool_hash(pool),
        pool_size=len(pool),
        announced_by=by,
        inputs={
            "pool": pool,
            "number": number,
            "neighbourhoods": [n.name for n in neighbourhoods],
        },
    )


@transaction.atomic
def invitation_draw_perform(
    *, by: User, draw: PublicDraw, witness_value: str, witnesses: str
) -> PublicDraw:
    """Perform the announced invitation lottery DRAW with the WITNESS_VALUE chosen in front
    of WITNESSES: the seed, the households drawn, an invitation for each (its code only as a
    hash), and the assembly's letters are out (stage INVITING). Refused when done before."""
    require_assembly_staff(by)
    assembly = lock_assembly(draw.assembly)
    draw = PublicDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.kind != PublicDraw.Kind.INVITATIONS:
        raise NotAllowed(_("This is not an invitation lottery."))
    if draw.drawn_at is not None:
        raise NotAllowed(_("This draw has already been performed: it cannot be done again."))
    witness_value, witnesses = witness_inputs(witness_value, witnesses)
    seed = draw_seed.seed_of(draw.secret, witness_value)
    chosen = sortition_invitations.invitation_draw_rerun(
        draw.inputs["pool"], draw.inputs["number"], seed
    )
    addresses = Address.objects.in_bulk(chosen, field_name="bag_id")
    # A later import of the register may have removed an address or its neighbourhood.
    lost = [
        bag_id
        for bag_id in chosen
        if bag_id not in addresses or addresses[bag_id].neighbourhood_id is None
    ]
    if lost:
        raise NotAllowed(
            _(
                "%(count)d drawn addresses are no longer in the register with a "
                "neighbourhood (for example %(bag_id)s). Ask the administrator to check "
                "the register; the draw has not been performed."
            )
            % {"count": len(lost), "bag_id": lost[0]}
        )
    Invitation.objects.bulk_create(
        Invitation(
            assembly=assembly,
            draw=draw,
            position=position,
            address=addresses[bag_id],
            neighbourhood_id=addresses[bag_id].neighbourhood_id,
            code_hash=assembly_codes.code_hash(
                assembly_codes.code_for(draw_id=draw.pk, position=position)
            ),
            registrations_left=assembly.people_per_household,
        )
        for position, bag_id in enumerate(chosen, start=1)
    )
    draw.witness_value, draw.witnesses, draw.seed = witness_value, witnesses, seed
    draw.drawn_at, draw.drawn_by = timezone.now(), by
    draw.algorithm = sortition_invitations.ALGORITHM
    draw.algorithm_version = sortition_invitations.algorithm_version()
    draw.result = {"positions": len(chosen)}
    draw.save()
    assembly.stage = Assembly.Stage.INVITING
    assembly.save(update_fields=["stage"])
    transaction.on_commit(lambda: invitation_letters_request(draw=draw), robust=True)
    return draw


# --- the letters ----------------------------------------------------------------------------


def _building_key(draw_id: int) -> str:
    return f"assembly-letters-building:{draw_id}"


def invitation_letters_request(*, draw: PublicDraw) -> bool:
    """Have a worker make the letters of performed DRAW, unless they exist or are being
    made; return whether it was asked. Called after the draw and by a download that finds
    no file."""
    if draw.drawn_at is None or default_storage.exists(letters_file_name(draw)):
        return False
    if draw.assembly.personal_data_removed_at is not None:
        return False  # the addresses are gone: there is nothing to print
    if not cache.add(_building_key(draw.pk), True, LETTERS_BUILDING_SECONDS):
        return False
    if current_app.conf.task_always_eager:
        invitation_letters_build(draw_id=draw.pk)
        return True
    try:
        current_app.send_task(LETTERS_BUILD_TASK, args=[draw.pk])
    except Exception:  # the broker is away: the next download asks again
        logger.exception("Could not ask for the letters of draw %s", draw.pk)
        cache.delete(_building_key(draw.pk))
        return False
    return True


def invitation_letters_build(*, draw_id: int) -> str:
    """Make the letters' PDF of performed draw DRAW_ID into its private file; return its
    storage name ("" for a draw not performed). The file appears only when it is whole."""
    draw = (
        PublicDraw.objects.select_related("assembly")
        .filter(pk=draw_id, kind=PublicDraw.Kind.INVITATIONS, drawn_at__isnull=False)
        .first()
    )
    if draw is None or draw.assembly.personal_data_removed_at is not None:
        return ""
    name = letters_file_name(draw)
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    part = final.with_name(f"{final.name}.{uuid.uuid4().hex}.part")
    try:
        pdf = letters_pdf(letters_html(draw))
        with open(part, "wb") as out:
            out.write(pdf)
            out.flush()
            os.fsync(out.fileno())  # on the disk before it has its name
        os.replace(part, final)
    finally:
        part.unlink(missing_ok=True)
        cache.delete(_building_key(draw.pk))
    return name


def invitation_letters_discard(*, draw: PublicDraw) -> None:
    """Delete the letters' file of DRAW (addresses and codes): when the assembly's personal
    data are removed. A download after it makes them again only while the invitations
    still have their addresses."""
    default_storage.delete(letters_file_name(draw))
    cache.delete(_building_key(draw.pk))


def assembly_letters_discard(*, assembly: Assembly) -> None:
    """Delete the letters' files of every invitation lottery of ASSEMBLY: when its pool's
    personal data are removed (services.privacy, the retention job)."""
    for draw in PublicDraw.objects.filter(assembly=assembly, kind=PublicDraw.Kind.INVITATIONS):
        invitation_letters_discard(draw=draw)
