"""A citizens' assembly's own life (issue 18): its meetings, its outcomes, and its end.

Staff with the "assemblies" area record them: MogelijkMakers, managers, the administrator.
An outcome names the panel members (participants in state SELECTED) who take it up; turning
it into a dream is assembly_outcomes.assembly_outcome_to_dream. Ending the assembly starts
the clock of ASSEMBLY_RETENTION_DAYS, after which the retention job removes the pool's
personal data (privacy.retention_apply).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from initiatives.assembly_models import Assembly, AssemblyMeeting, AssemblyOutcome, Participant
from initiatives.exceptions import NotAllowed
from initiatives.services._assembly import lock_assembly, require_assembly_staff


def assembly_panel_members(assembly: Assembly, ids: Iterable[int]) -> list[Participant]:
    """Return the participants IDS, each on ASSEMBLY's panel (state SELECTED), by pseudonym.

    Raises ValidationError (field "participants") when one is not: another assembly's,
    someone who declined or was never selected, or an id that does not exist.
    """
    wanted = set(ids)
    found = list(
        Participant.objects.filter(
            assembly=assembly, pk__in=wanted, state=Participant.State.SELECTED
        ).order_by("pseudonym")
    )
    if len(found) != len(wanted):
        raise ValidationError({"participants": _("Choose only members of this assembly's panel.")})
    return found


@transaction.atomic
def assembly_meeting_save(
    *,
    by: User,
    assembly: Assembly,
    meeting: AssemblyMeeting | None = None,
    starts_at: datetime,
    place: str,
    topic: str = "",
    summary: str = "",
) -> AssemblyMeeting:
    """Add a meeting to ASSEMBLY (MEETING None) or change one of its meetings."""
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if meeting is None:
        meeting = AssemblyMeeting(assembly=assembly)
    else:
        meeting = AssemblyMeeting.objects.select_for_update().get(pk=meeting.pk, assembly=assembly)
    meeting.starts_at = starts_at
    meeting.place = " ".join(place.split())
    meeting.topic = " ".join(topic.split())
    meeting.summary = summary.strip()
    meeting.full_clean()
    meeting.save()
    return meeting


@transaction.atomic
def assembly_outcome_save(
    *,
    by: User,
    assembly: Assembly,
    outcome: AssemblyOutcome | None = None,
    title: str,
    description: str,
    participants: Iterable[int] = (),
) -> AssemblyOutcome:
    """Record an outcome of ASSEMBLY (OUTCOME None) or change one, with the panel members
    (PARTICIPANTS, their ids) who take it up. Once it is a dream it is the dream's: it is no
    longer changed here."""
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if outcome is None:
        outcome = AssemblyOutcome(assembly=assembly)
    else:
        outcome = AssemblyOutcome.objects.select_for_update().get(pk=outcome.pk, assembly=assembly)
        if outcome.dream_id is not None:
            raise NotAllowed(
                _("This outcome is a dream now: what happens to it is on the dream's page.")
            )
    members = assembly_panel_members(assembly, participants)
    outcome.title = " ".join(title.split())
    outcome.description = description.strip()
    outcome.full_clean(exclude=["dream"])
    outcome.save()
    outcome.taken_up_by.set(members)
    return outcome


@transaction.atomic
def assembly_end(*, by: User, assembly: Assembly) -> Assembly:
    """End ASSEMBLY: its stage becomes ENDED. ASSEMBLY_RETENTION_DAYS later the retention job
    removes its pool's personal data. Ending it twice changes nothing."""
    require_assembly_staff(by)
    assembly = lock_assembly(assembly)
    if assembly.stage == Assembly.Stage.ENDED:
        return assembly
    assembly.stage = Assembly.Stage.ENDED
    assembly.ended_at = timezone.now()
    assembly.save(update_fields=["stage", "ended_at"])
    return assembly
