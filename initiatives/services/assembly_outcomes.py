"""An outcome of a citizens' assembly becomes a dream (issue 18, item 6).

The panel members who take the outcome up make it a dream of their own: the lead
participant owns it, with the resident account their registration address already has or
gets now (as a hand-in by an address does, sign_in.resident_get_or_create). From there it
is an ordinary dream: handed in, waiting in the triage queue, the usual mail and timeline
(dreams.dream_submit), plus one public event that says it comes from the assembly and names
the others who take it up, by first name only. Those others get a mail.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from initiatives.assembly_models import AssemblyOutcome, Participant
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind, Neighbourhood, Theme
from initiatives.notifications import mail_queue_to_address
from initiatives.services._assembly import require_assembly_staff
from initiatives.services._core import _record, _resident_text
from initiatives.services.assembly_life import assembly_panel_members
from initiatives.services.dreams import dream_submit
from initiatives.services.sign_in import resident_get_or_create

FROM_ASSEMBLY_TEXT = gettext_noop("From the citizens' assembly “%(assembly)s”.")
TOGETHER_WITH_TEXT = gettext_noop("Taken up together with: %(names)s.")
OWN_CONTRIBUTION_TEXT = gettext_noop(
    "Members of the citizens' assembly “%(assembly)s” take this up: %(names)s."
)
NEEDS_TEXT = gettext_noop("To be talked through with the MogelijkMaker.")


def participant_public_name(participant: Participant) -> str:
    """The name a dream's timeline gives a participant: their first name, or their
    pseudonym when no name is known. Never the whole name, email or phone."""
    words = participant.name.split()
    return words[0] if words else participant.pseudonym


def _names(participants: Iterable[Participant]) -> str:
    return ", ".join(participant_public_name(p) for p in participants)


@transaction.atomic
def assembly_outcome_to_dream(
    *,
    by: User,
    outcome: AssemblyOutcome,
    participants: Iterable[Participant | int],
    lead: Participant | int,
    theme: Theme,
    neighbourhood: Neighbourhood | None = None,
    own_contribution: str = "",
    needs_from_municipality: str = "",
) -> Dream:
    """Make OUTCOME a dream owned by LEAD, taken up by PARTICIPANTS (LEAD among them).

    NEIGHBOURHOOD: the assembly's first (by name) unless chosen. OWN_CONTRIBUTION: what
    they will do themselves, else a line naming who takes it up. Refusals: ValidationError
    with the form field it is about, NotAllowed when the outcome is a dream already or the
    pool's personal data are gone.
    """
    require_assembly_staff(by)
    outcome = (
        AssemblyOutcome.objects.select_for_update(of=("self",))
        .select_related("assembly")
        .get(pk=outcome.pk)
    )
    assembly = outcome.assembly
    if outcome.dream_id is not None:
        raise NotAllowed(_("This outcome is already a dream."))
    if assembly.personal_data_removed_at is not None:
        raise NotAllowed(
            _(
                "The pool's personal data have been removed: nobody can be reached to "
                "take this outcome up."
            )
        )
    ids = {getattr(p, "pk", p) for p in participants}
    lead_id = getattr(lead, "pk", lead)
    if not ids:
        raise ValidationError({"participants": _("Choose who takes this outcome up.")})
    if lead_id not in ids:
        raise ValidationError(
            {"lead": _("Choose the owner of the dream among those who take it up.")}
        )
    members = list(
        Participant.objects.select_for_update()
        .filter(pk__in=[m.pk for m in assembly_panel_members(assembly, ids)])
        .order_by("pseudonym")
    )
    owner = next(m for m in members if m.pk == lead_id)
    if not owner.email:
        raise ValidationError({"lead": _("This participant has no email address.")})
    if neighbourhood is None:
        neighbourhood = assembly.neighbourhoods.order_by("name", "pk").first()
        if neighbourhood is None:
            raise ValidationError({"neighbourhood": _("Choose the neighbourhood.")})

    resident = resident_get_or_create(email=owner.email)
    if resident.is_staff or not resident.is_active:
        raise ValidationError(
            {"lead": _("This email address cannot own a dream: choose someone else.")}
        )
    others = [m for m in members if m.pk != owner.pk]
    with translation.override(resident.language or settings.LANGUAGE_CODE):
        own = own_contribution.strip() or _(OWN_CONTRIBUTION_TEXT) % {
            "assembly": assembly.title,
            "names": _names(members),
        }
        needs = needs_from_municipality.strip() or _(NEEDS_TEXT)
    dream = dream_submit(
        resident=resident,
        title=outcome.title,
        story=outcome.description,
        own_contribution=own,
        needs_from_municipality=needs,
        neighbourhood=neighbourhood,
        theme=theme,
        contact_name=owner.name,
        contact_phone=owner.phone,
        confirmed=True,
    )
    body = _resident_text(dream, FROM_ASSEMBLY_TEXT, assembly=assembly.title)
    if others:
        body += " " + _resident_text(dream, TOGETHER_WITH_TEXT, names=_names(others))
    _record(dream=dream, kind=EventKind.FROM_ASSEMBLY, public=True, actor=by, body=body)

    outcome.dream = dream
    outcome.save(update_fields=["dream"])
    outcome.taken_up_by.set(members)
    owner.user = resident
    owner.save(update_fields=["user"])
    for other in others:
        _mail_participant(participant=other, owner=owner, dream=dream, outcome=outcome)
    return dream


def _mail_participant(
    *, participant: Participant, owner: Participant, dream: Dream, outcome: AssemblyOutcome
) -> None:
    """Tell PARTICIPANT that the outcome they take up is a dream now, owned by OWNER.

    They need no account for it: the mail goes to their registration address, in the
    municipality's language, through the outbox like every mail (as a partner's does).
    """
    if not participant.email:
        return
    mail_queue_to_address(
        email=participant.email,
        template="assembly_outcome_taken_up",
        dream=dream,
        context={
            "participant_name": participant_public_name(participant),
            "owner_name": participant_public_name(owner),
            "assembly_title": outcome.assembly.title,
            "outcome_title": outcome.title,
        },
    )
