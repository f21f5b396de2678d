"""Dilemmas and exceptions in the open (issue 17): recorded on a dream, discussed by managers.

"No new rule for one exception": the dream's contact person records a decision outside a rule
as an exception (what was decided, which rule, why, who agreed) or a dilemma met along the way
(what is in doubt, why, who it was discussed with). A dilemma written in a core-value review
is recorded here too, when its text is new or changed. Managers discuss the open ones in the
weekly meeting and note an outcome ("no new rule" or "follow-up") with what was agreed.

Nothing here approves or blocks anything: it is a record, in the spirit of trust. Every record
and every outcome is an internal timeline event, never shown to the resident.

An outcome can be changed later by a manager (a follow-up done becomes "no new rule", a note
corrected): each change is a new event and the item keeps its latest outcome. It is never put
back to "to discuss": what was discussed stays discussed; something new is a new record.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives.dilemma_models import Dilemma
from initiatives.models import Dream, EventKind, Review
from initiatives.services._core import (
    _lock,
    _record,
    _require_contact,
    _require_picked_up,
    _require_role,
)

# The outcomes a manager may choose: every outcome but "to discuss".
DISCUSSED_OUTCOMES = (Dilemma.Outcome.NO_NEW_RULE, Dilemma.Outcome.FOLLOW_UP)
SUMMARY_LENGTH = 300  # Dilemma.summary's max_length


def _problems(*, kind: str, summary: str, rule: str, why: str) -> dict[str, str]:
    """What is missing, per field, in words for the user (empty when nothing is)."""
    problems = {}
    if kind not in Dilemma.Kind.values:
        problems["kind"] = _("Choose an exception or a dilemma.")
    if not summary:
        problems["summary"] = (
            _("Say what was decided.")
            if kind == Dilemma.Kind.EXCEPTION
            else _("Say what is in doubt.")
        )
    if kind == Dilemma.Kind.EXCEPTION and not rule:
        problems["rule"] = _("An exception departs from a rule: name the rule.")
    if not why:
        problems["why"] = _("Say why.")
    return problems


def dilemma_problems(*, kind: str, summary: str, rule: str, why: str) -> dict[str, str]:
    """The rules for a record, per field: the form shows each message beside its field."""
    return _problems(kind=kind, summary=summary.strip(), rule=rule.strip(), why=why.strip())


@transaction.atomic
def dilemma_record(
    *,
    dream: Dream,
    by: User,
    kind: str,
    summary: str,
    why: str,
    rule: str = "",
    agreed_with: str = "",
) -> Dilemma:
    """Record an exception to a rule (KIND exception: RULE required) or a dilemma on DREAM.

    Only the dream's contact person, on a picked-up, open dream. For an exception AGREED_WITH
    is who agreed; for a dilemma, who it was discussed with. Raises ValueError (with the
    first problem in words) when something required is missing.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    summary, rule, why, agreed_with = (
        summary.strip(),
        rule.strip(),
        why.strip(),
        agreed_with.strip(),
    )
    problems = _problems(kind=kind, summary=summary, rule=rule, why=why)
    if problems:
        raise ValueError(next(iter(problems.values())))
    item = Dilemma(
        dream=dream,
        kind=kind,
        summary=summary,
        rule=rule if kind == Dilemma.Kind.EXCEPTION else "",
        why=why,
        agreed_with=agreed_with,
        recorded_by=by,
    )
    item.full_clean()
    item.save()
    _record_event(item, by)
    return item


def _record_event(item: Dilemma, by: User) -> None:
    if item.kind == Dilemma.Kind.EXCEPTION:
        body = _("Exception to “%(rule)s”: %(summary)s") % {
            "rule": item.rule,
            "summary": item.summary,
        }
    else:
        body = _("Dilemma: %(summary)s") % {"summary": item.summary}
    _record(dream=item.dream, kind=EventKind.DILEMMA, public=False, actor=by, body=body)


def _shortened(text: str, length: int = SUMMARY_LENGTH) -> str:
    """TEXT's first line, cut at a word to at most LENGTH characters ("…" when cut)."""
    first = text.strip().splitlines()[0].strip()
    if len(first) <= length:
        return first
    cut = first[: length - 1]
    if " " in cut:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


def dilemma_from_review(*, review: Review, previous: Review | None) -> Dilemma | None:
    """Record the dilemma written in REVIEW when its text is new or changed since PREVIOUS
    (the version before it), so that it reaches the managers' page; else None.

    Called by services.review_record inside its transaction, the dream already locked.
    """
    text = review.dilemma.strip()
    if not text or (previous is not None and previous.dilemma.strip() == text):
        return None
    item = Dilemma.objects.create(
        dream=review.dream,
        kind=Dilemma.Kind.DILEMMA,
        summary=_shortened(text),
        why=text,
        agreed_with=review.discussed_with,
        review=review,
        recorded_by=review.by,
        created_at=review.created_at,
    )
    _record_event(item, review.by)
    return item


def outcome_problems(*, outcome: str, note: str) -> dict[str, str]:
    """The rules for an outcome, per field: the form shows each message beside its field."""
    problems = {}
    if outcome not in DISCUSSED_OUTCOMES:
        problems["outcome"] = _("Choose the outcome: no new rule, or follow-up.")
    elif outcome == Dilemma.Outcome.FOLLOW_UP and not note.strip():
        problems["note"] = _("A follow-up needs a note: say what follows, and who does it.")
    return problems


@transaction.atomic
def dilemma_discuss(*, dilemma: Dilemma, by: User, outcome: str, note: str = "") -> Dilemma:
    """A manager notes the outcome of discussing DILEMMA, and what was agreed (NOTE).

    OUTCOME is "no new rule" or "follow-up"; a discussed item may get another outcome later
    (each change recorded), never "to discuss" again. Changes nothing else on the dream.
    """
    _require_role(by, Role.MANAGER)
    note = note.strip()
    problems = outcome_problems(outcome=outcome, note=note)
    if problems:
        raise ValueError(next(iter(problems.values())))
    dream = _lock(Dream(pk=dilemma.dream_id))
    item = Dilemma.objects.select_for_update().get(pk=dilemma.pk)
    if item.outcome == outcome and item.outcome_note == note:
        raise ValueError(_("This outcome and note have already been recorded."))
    changed = item.outcome != Dilemma.Outcome.OPEN
    item.outcome = outcome
    item.outcome_note = note
    item.discussed_by = by
    item.discussed_at = timezone.now()
    item.full_clean()
    item.save(update_fields=["outcome", "outcome_note", "discussed_by", "discussed_at"])
    values = {"outcome": item.get_outcome_display(), "summary": item.summary}
    body = (
        _("Outcome changed to “%(outcome)s”: %(summary)s")
        if changed
        else _("%(outcome)s: %(summary)s")
    ) % values
    if note:
        body += "\n" + _("Agreed: %(note)s") % {"note": note}
    _record(dream=dream, kind=EventKind.DILEMMA_DISCUSSED, public=False, actor=by, body=body)
    return item
