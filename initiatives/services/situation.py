"""The question behind the question (issue 17): the first working practice, mapping the
situation, recorded by the dream's contact person."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives.exceptions import NotAllowed
from initiatives.models import Dream, EventKind
from initiatives.services._core import (
    _lock,
    _record,
    _require_contact,
    _require_picked_up,
    _require_role,
)
from initiatives.situation_models import SituationMap


@transaction.atomic
def situation_record(
    *,
    dream: Dream,
    by: User,
    question_behind: str,
    speaks_for: str,
    other_views: str = "",
    views_heard_by: str = "",
    seen_on_location_on: date | None = None,
) -> SituationMap:
    """Record (or revise) what the contact person mapped of DREAM's situation.

    SPEAKS_FOR is one of SituationMap.SpeaksFor, or "" while it is not known;
    SEEN_ON_LOCATION_ON is the day they saw it on location (None: not yet), never later than
    today. The timeline gets an internal event with what changed.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if speaks_for not in ("", *SituationMap.SpeaksFor.values):
        raise NotAllowed(_("Choose for whom the resident speaks from the list."))
    if seen_on_location_on is not None and seen_on_location_on > timezone.localdate():
        raise NotAllowed(_("The day it was seen on location cannot be in the future."))
    question_behind, other_views = question_behind.strip(), other_views.strip()
    views_heard_by = views_heard_by.strip()
    if not (question_behind or speaks_for or other_views or views_heard_by or seen_on_location_on):
        raise NotAllowed(_("Fill in at least one thing you mapped."))
    situation = SituationMap.objects.filter(dream=dream).first() or SituationMap(dream=dream)
    situation.question_behind = question_behind
    situation.speaks_for = speaks_for
    situation.other_views = other_views
    situation.views_heard_by = views_heard_by
    situation.seen_on_location_on = seen_on_location_on
    situation.updated_by = by
    situation.updated_at = timezone.now()
    situation.full_clean(validate_unique=False)
    situation.save()
    parts = []
    if speaks_for:
        parts.append(
            _("Speaks for: %(whom)s.") % {"whom": SituationMap.SpeaksFor(speaks_for).label}
        )
    if seen_on_location_on:
        parts.append(
            _("Seen on location on %(date)s.") % {"date": date_format(seen_on_location_on, "j F Y")}
        )
    else:
        parts.append(_("Not yet seen on location."))
    if question_behind:
        parts.append(_("The question behind the question: %(text)s") % {"text": question_behind})
    _record(dream=dream, kind=EventKind.SITUATION, public=False, actor=by, body=" ".join(parts))
    return situation
