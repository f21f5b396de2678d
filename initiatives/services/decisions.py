"""*Not possible*: proposed by the MogelijkMaker, worded and signed by a communications advisor."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role, has_role
from initiatives.exceptions import NotAllowed
from initiatives.models import Decision, Dream, EventKind
from initiatives.services._core import (
    _communications_advisors,
    _lock,
    _notify_resident,
    _notify_staff,
    _record,
    _require_contact,
    _require_current_review,
    _require_picked_up,
    _require_role,
    _require_transition,
    _resident_text,
    _transition,
)
from initiatives.services.application_decisions import applications_refused_with_dream
from initiatives.services.grants import _release_waiting_grants
from initiatives.statuses import Status


@transaction.atomic
def decision_propose(*, dream: Dream, by: User, reasons: str) -> Decision:
    """Propose *not possible*; a communications advisor words and signs the letter."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    _require_transition(dream, Status.NOT_POSSIBLE)
    _require_current_review(dream, Status.NOT_POSSIBLE)
    if dream.decisions.filter(state=Decision.State.PROPOSED).exists():
        raise NotAllowed(_("A decision for this dream is already waiting for its letter."))
    if not reasons.strip():
        raise ValueError("Reasons are required.")
    decision = Decision.objects.create(dream=dream, reasons=reasons.strip(), proposed_by=by)
    _record(
        dream=dream, kind=EventKind.DECISION_PROPOSED, public=False, actor=by, body=decision.reasons
    )
    for advisor in _communications_advisors():
        _notify_staff(
            to=advisor,
            template="staff_letter_to_sign",
            dream=dream,
            context={"decision": decision, "link": _letter_link(decision)},
            digest=gettext_noop("A letter to write and sign: “%(title)s” (proposed by %(name)s)."),
            title=dream.title,
            name=by.get_full_name(),
        )
    return decision


def _letter_link(decision: Decision) -> str:
    return settings.SITE_URL + reverse("staff:decision_sign", args=[decision.pk])


@transaction.atomic
def decision_sign(*, decision: Decision, by: User, letter: str, other_help: str = "") -> Decision:
    """Sign the letter: only now does the dream become *not possible* and the resident hear.

    The letter is signed by the communications advisor, never by the MogelijkMaker.
    OTHER_HELP names who else can help (another organisation, a neighbourhood platform): the
    resident reads it under the letter, on the dream's page and in the mail, and can answer.
    """
    if not has_role(by, Role.COMMUNICATIONS):  # no administrator bypass: the letter says who
        raise NotAllowed(_("Only a communications advisor can sign this letter."))
    decision = Decision.objects.select_for_update().get(pk=decision.pk)
    if decision.state != Decision.State.PROPOSED:
        raise NotAllowed(_("This decision has already been signed."))
    if by.pk == decision.proposed_by_id:
        raise NotAllowed(_("The letter must be signed by someone other than the MogelijkMaker."))
    letter = letter.strip()
    if not letter:
        raise ValueError("The letter cannot be empty.")
    dream = _lock(decision.dream)
    _require_transition(dream, Status.NOT_POSSIBLE)
    decision.state = Decision.State.SIGNED
    decision.letter = letter
    decision.signed_by = by
    decision.signed_at = timezone.now()
    decision.other_help = other_help.strip()
    decision.save(update_fields=["state", "letter", "signed_by", "signed_at", "other_help"])
    _transition(dream=dream, target=Status.NOT_POSSIBLE, by=by)
    _release_waiting_grants(dream, by)
    applications_refused_with_dream(dream, by, letter)
    event = _record(
        dream=dream,
        kind=EventKind.DECISION_LETTER,
        public=True,
        actor=by,
        body=f"{letter}\n\n{by.get_full_name()}\n"
        + _resident_text(dream, gettext_noop("Communications advisor")),
    )
    _notify_resident(dream, event, other_help=decision.other_help)
    return decision
