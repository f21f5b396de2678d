"""The core-value review of a dream, versioned."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from initiatives.exceptions import NotAllowed
from initiatives.models import CoreValue, Dream, EventKind, Review, Verdict
from initiatives.paspoort_models import PaspoortPart
from initiatives.services._core import (
    _lock,
    _record,
    _require_contact,
    _require_picked_up,
    _require_role,
)
from initiatives.services.dilemmas import dilemma_from_review


@transaction.atomic
def review_record(
    *,
    dream: Dream,
    by: User,
    verdicts: dict[str, tuple[str, str]],
    dilemma: str = "",
    discussed_with: str = "",
    cites: dict[str, int | None] | None = None,
) -> Review:
    """Record (or revise) the core-value review; every earlier version is kept.

    VERDICTS maps each CoreValue to (Verdict, reasoning). CITES maps a CoreValue to the id
    of the part of the paspoort it was weighed against (issue 17): a current version, kept
    with the review as it reads now, also once the part is edited later.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if set(verdicts) != set(CoreValue.values):
        raise ValueError("A review needs a verdict for each of the three core values.")
    fields = {}
    for value, (verdict, reasoning) in verdicts.items():
        if verdict not in Verdict.values or not reasoning.strip():
            raise ValueError("Each verdict needs a valid choice and a reasoning.")
        fields[f"{value}_verdict"] = verdict
        fields[f"{value}_reasoning"] = reasoning.strip()
    fields.update(_cited_parts(cites or {}))
    has_tension = any(verdict == Verdict.TENSION for verdict, _r in verdicts.values())
    previous = dream.reviews.filter(is_current=True).first()
    if previous:
        Review.objects.filter(pk=previous.pk).update(is_current=False)
    review = Review(
        dream=dream,
        version=(previous.version + 1) if previous else 1,
        is_current=True,
        dilemma=dilemma.strip(),
        discussed_with=discussed_with.strip(),
        has_tension=has_tension,
        by=by,
        **fields,
    )
    review.full_clean()
    review.save()
    summary = "; ".join(
        f"{CoreValue(value).label}: {Verdict(verdict).label}"
        for value, (verdict, _r) in verdicts.items()
    )
    _record(
        dream=dream,
        kind=EventKind.REVIEW,
        public=False,
        actor=by,
        body=_("Version %(version)s. %(summary)s")
        % {"version": review.version, "summary": summary},
    )
    # A new or changed dilemma goes to the managers' page too (issue 17).
    dilemma_from_review(review=review, previous=previous)
    return review


def _cited_parts(cites: dict[str, int | None]) -> dict[str, PaspoortPart]:
    """Return the review's *_cites fields for CITES, each a current part of the paspoort."""
    wanted = {value: pk for value, pk in cites.items() if pk is not None}
    if set(wanted) - set(CoreValue.values):
        raise ValueError("Only a core value can cite a part of the paspoort.")
    parts = PaspoortPart.objects.in_bulk([*wanted.values()])
    fields = {}
    for value, pk in wanted.items():
        part = parts.get(pk)
        if part is None or not part.is_current:
            raise NotAllowed(
                _(
                    "The part of the paspoort you chose has just been changed or removed: "
                    "choose it again."
                )
            )
        fields[f"{value}_cites"] = part
    return fields
