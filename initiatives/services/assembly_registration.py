"""Registration for a citizens' assembly with the code from the letter (issue 18, stage 2).

A household drawn in the invitation lottery got a letter with a code. With it a resident
registers: contact details, an answer to each of the assembly's features, when they can
come, consent. A code works while the assembly is inviting and registration has not closed,
for as many people as the assembly allows per household (Invitation.registrations_left,
one use per person).

Wrong, used and other assemblies' codes get one and the same message, so the page does
not tell someone trying codes which ones exist; a closed registration is said plainly,
whatever the code. Trying codes is rate limited by the page (assemblies/views.py).

Locks: the assembly row first, then the invitation, so two registrations never wait for
each other the other way round and pseudonyms ("P-0001", "P-0002", ...) are handed out one
at a time.
"""

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import IntegerField, Max
from django.db.models.functions import Cast, Substr
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from initiatives import assembly_codes
from initiatives.assembly_models import Assembly, AssemblyMeeting, Invitation, Participant
from initiatives.exceptions import NotAllowed
from initiatives.notifications import mail_queue_to_address
from initiatives.selectors.assembly_registration import registration_features, registration_open

NAME_MAX = 150
EMAIL_MAX = 254
PHONE_MAX = 30
AVAILABILITY_MAX = 1000
PSEUDONYM_PREFIX = "P-"

CODE_REFUSED = gettext_noop(
    "We do not recognise this code, or it has already been used. Check the code on your "
    "letter and type it again."
)


class RegistrationClosed(NotAllowed):
    """Registration for this assembly is not open: not yet, or no more. The message says which."""


class CodeRefused(NotAllowed):
    """The code is wrong, used up, or another assembly's: one message for all three."""

    def __init__(self, message: str | None = None):
        super().__init__(message or _(CODE_REFUSED))


def registration_require_open(assembly: Assembly) -> None:
    """Raise RegistrationClosed, saying why, unless ASSEMBLY takes registrations now."""
    if registration_open(assembly):
        return
    if assembly.stage == Assembly.Stage.PREPARING:
        raise RegistrationClosed(_("Registration has not opened yet. The letters are not out."))
    if assembly.stage == Assembly.Stage.INVITING and assembly.registration_closes_on:
        raise RegistrationClosed(
            _("Registration closed on %(date)s. You can no longer register.")
            % {"date": formats.date_format(assembly.registration_closes_on, "j F Y")}
        )
    raise RegistrationClosed(_("Registration is closed. You can no longer register."))


def _has_room(invitation: Invitation, assembly: Assembly) -> bool:
    """Whether one more person of this household may register."""
    if invitation.registrations_left <= 0:
        return False
    registered = Participant.objects.filter(invitation=invitation).count()
    return registered < assembly.people_per_household


def registration_code_check(*, assembly: Assembly, code: str) -> Invitation:
    """Return the invitation whose letter has CODE, when someone may register with it now.

    Raise RegistrationClosed when the assembly takes no registrations (whatever the code),
    ValidationError when what was typed cannot be a code at all (its length: that tells
    nothing about which codes exist), and CodeRefused for a wrong, used or other
    assembly's code.
    """
    registration_require_open(assembly)
    typed = assembly_codes.normalised(str(code or ""))
    if not typed:
        raise ValidationError(_("Type the code from your letter."), code="required")
    if len(typed) != assembly_codes.LENGTH:
        raise ValidationError(
            _("A code has %(length)d letters and digits, like K7PQ2-XMR4D. You typed %(count)d.")
            % {"length": assembly_codes.LENGTH, "count": len(typed)},
            code="length",
        )
    invitation = (
        Invitation.objects.filter(assembly=assembly, code_hash=assembly_codes.code_hash(typed))
        .select_related("assembly")
        .first()
    )
    if invitation is None or not _has_room(invitation, assembly):
        raise CodeRefused()
    return invitation


# --- registering ----------------------------------------------------------------------------

_PHONE = re.compile(r"\+?[0-9 ()\-.]+")


def feature_field(key: str) -> str:
    """The name a feature's answer goes by in a ValidationError (and on the form)."""
    return f"feature_{key}"


def _text(value, limit: int, field: str, problems: dict, *, required: str = "") -> str:
    text = str(value or "").strip()
    if required and not text:
        problems[field] = required
    elif len(text) > limit:
        problems[field] = _("Use at most %(limit_value)d characters (you used %(show_value)d).") % {
            "limit_value": limit,
            "show_value": len(text),
        }
    return text


def _answers(assembly: Assembly, features, problems: dict) -> dict[str, str]:
    """Check that every feature of ASSEMBLY has one of its answers in FEATURES."""
    if not isinstance(features, dict):
        features = {}
        problems[NON_FIELD_ERRORS] = _("Answer every question.")
    asked = {
        feature.key: (feature, {value.key for value in feature.values.all()})
        for feature in registration_features(assembly)
    }
    unknown = set(features) - set(asked)
    if unknown:
        problems[NON_FIELD_ERRORS] = _("The form asked other questions. Fill it in again.")
    answers = {}
    for key, (_feature, values) in asked.items():
        answer = features.get(key)
        if not isinstance(answer, str) or answer not in values:
            problems[feature_field(key)] = _("Choose one answer.")
        else:
            answers[key] = answer
    return answers


def _meeting_lines(assembly: Assembly, meetings: Iterable, problems: dict) -> list[str]:
    """The meetings the resident can come to, as lines for the availability text."""
    wanted = []
    for meeting in meetings:
        pk = meeting.pk if isinstance(meeting, AssemblyMeeting) else meeting
        try:
            number = int(pk)
        except (TypeError, ValueError):
            number = 0
        if not 0 < number < 2**31:  # not an id the database could hold: not one shown
            problems["meetings"] = _("Choose from the dates shown.")
            return []
        wanted.append(number)
    found = list(AssemblyMeeting.objects.filter(assembly=assembly, pk__in=wanted))
    if len(found) != len(set(wanted)):
        problems["meetings"] = _("Choose from the dates shown.")
        return []
    with translation.override(settings.LANGUAGE_CODE):  # staff read it in the portal's language
        return [
            _("I can come on %(when)s (%(place)s).")
            % {
                "when": formats.date_format(timezone.localtime(meeting.starts_at), "l j F Y H:i"),
                "place": meeting.place,
            }
            for meeting in sorted(found, key=lambda meeting: meeting.starts_at)
        ]


def _next_pseudonym(assembly: Assembly) -> str:
    """The next free "P-0001" of ASSEMBLY; its row must be locked by the caller."""
    highest = (
        Participant.objects.filter(assembly=assembly, pseudonym__regex=r"^P-[0-9]+$")
        .annotate(number=Cast(Substr("pseudonym", len(PSEUDONYM_PREFIX) + 1), IntegerField()))
        .aggregate(highest=Max("number"))["highest"]
    )
    return f"{PSEUDONYM_PREFIX}{(highest or 0) + 1:04d}"


@transaction.atomic
def participant_register(
    *,
    invitation: Invitation,
    name: str,
    email: str,
    phone: str = "",
    features: dict[str, str],
    availability: str = "",
    consent: bool,
    meetings: Iterable = (),
) -> Participant:
    """Register one person of INVITATION's household in the assembly's pool.

    FEATURES maps each feature's key to the key of the chosen answer; MEETINGS are the
    meetings (or their ids) the person can come to, added to AVAILABILITY as lines. Every
    problem is raised at once in a ValidationError, each under what it is about: name,
    email, phone, availability, meetings, consent, feature_<key> (feature_field).
    Raise RegistrationClosed or CodeRefused as registration_code_check does: the
    household's last use may have gone while this person filled in the form.
    """
    assembly = Assembly.objects.select_for_update().get(pk=invitation.assembly_id)
    registration_require_open(assembly)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not _has_room(invitation, assembly):
        raise CodeRefused()

    problems: dict[str, str] = {}
    name = _text(name, NAME_MAX, "name", problems, required=_("Fill in your name."))
    email = _text(email, EMAIL_MAX, "email", problems, required=_("Fill in your email address."))
    if "email" not in problems:
        try:
            validate_email(email)
        except ValidationError:
            problems["email"] = _("Fill in an email address like name@example.nl.")
    phone = _text(phone, PHONE_MAX, "phone", problems)
    digits = sum(sign.isdigit() for sign in phone)
    if phone and "phone" not in problems and (not _PHONE.fullmatch(phone) or digits < 6):
        problems["phone"] = _("Use digits only, like 06 12345678.")
    answers = _answers(assembly, features, problems)
    free_text = _text(availability, AVAILABILITY_MAX, "availability", problems)
    lines = _meeting_lines(assembly, meetings, problems)
    if not free_text and not lines and not ({"availability", "meetings"} & problems.keys()):
        problems["availability"] = _("Tell us when you can come.")
    availability = "\n".join([*lines, free_text] if free_text else lines)
    if len(availability) > AVAILABILITY_MAX and "availability" not in problems:
        problems["availability"] = _(
            "Write a little less: the dates and your text together are too long."
        )
    if consent is not True:
        problems["consent"] = _(
            "Tick the box to agree. Without it we cannot keep your registration."
        )
    if (
        "name" not in problems
        and "email" not in problems
        and Participant.objects.filter(
            invitation=invitation, name__iexact=name, email__iexact=email
        ).exists()
    ):
        problems["name"] = _(
            "You have already registered. Someone else from your household can register "
            "with their own name."
        )
    if problems:
        raise ValidationError(problems)

    participant = Participant.objects.create(
        assembly=assembly,
        invitation=invitation,
        pseudonym=_next_pseudonym(assembly),
        name=name,
        email=email,
        phone=phone,
        availability=availability,
        features=answers,
        consent_at=timezone.now(),
    )
    invitation.registrations_left -= 1
    invitation.save(update_fields=["registrations_left"])
    _mail_registered(participant=participant, assembly=assembly)
    return participant


def _mail_registered(*, participant: Participant, assembly: Assembly) -> None:
    """Put the confirmation in the outbox, to the address the person gave.

    They have no account: the mail is written in the language of the page they registered
    on, without a resident's preferences or unsubscribe link, and goes out after commit.
    """
    mail_queue_to_address(
        email=participant.email,
        template="assembly_registered",
        language=translation.get_language(),
        context={
            "name": participant.name,
            "assembly_title": assembly.title,
            "question": assembly.question,
            "pseudonym": participant.pseudonym,
            "closes_on": assembly.registration_closes_on,
            "panel_size": assembly.panel_size,
            "link": settings.SITE_URL + reverse("assemblies:assembly", args=[assembly.slug]),
        },
    )
