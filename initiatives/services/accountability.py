"""Accounting for the money afterwards (issue 16, item 5: verantwoording).

Once the money of a granted application is paid and the dream is realised, the applicant
says in plain words what was done and spent, with photos of the result and of receipts. The
dream's MogelijkMaker accepts it, or asks a question, which the applicant answers by
reporting again. Each step is on the dream's timeline, where both read it.
"""

from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from initiatives import photos
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Accountability,
    AccountabilityFile,
    Application,
    EventKind,
    Grant,
)
from initiatives.services._core import (
    _lock,
    _notify_resident,
    _notify_staff,
    _record,
    _require_contact,
    _require_resident,
    _require_role,
    _resident_text,
)
from initiatives.statuses import Status

GRANTED = (Application.State.GRANTED, Application.State.PARTLY_GRANTED)


@transaction.atomic
def grant_mark_paid(*, grant: Grant, by: User) -> Grant:
    """Record that GRANT's money was paid out; the resident reads it on the timeline."""
    _require_role(by, Role.ENABLER, Role.MANAGER)
    grant = Grant.objects.select_for_update().select_related("fund").get(pk=grant.pk)
    if grant.state != Grant.State.GRANTED:
        raise NotAllowed(_("Only granted money can be paid."))
    if grant.paid_at is not None:
        raise NotAllowed(_("This money has already been paid."))
    dream = _lock(grant.dream)
    grant.paid_at = timezone.now()
    grant.save(update_fields=["paid_at"])
    event = _record(
        dream=dream,
        kind=EventKind.GRANT_PAID,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop("€ %(amount)s from %(fund)s has been paid."),
            amount=grant.amount,
            fund=grant.fund.name,
        ),
    )
    _notify_resident(dream, event)
    return grant


@transaction.atomic
def accountability_submit(
    *,
    application: Application,
    by: User,
    report: str,
    spent: Decimal,
    photo_uploads=(),
    receipt_uploads=(),
) -> Accountability:
    """The applicant accounts for APPLICATION's money: REPORT in their own words, what was
    SPENT, photos of the result and of receipts (checked and cleaned as a dream's photos
    are). Sent once; again only to answer a question."""
    dream = _lock(application.dream)
    application = Application.objects.select_for_update(of=("self",)).get(pk=application.pk)
    _require_resident(dream, by)
    if application.state not in GRANTED:
        raise NotAllowed(_("Only a granted application is accounted for."))
    if dream.status != Status.REALISED:
        raise NotAllowed(_("You account for the money once your dream has come true."))
    report = report.strip()
    if not report:
        raise ValueError("A report is required.")
    if spent < 0:
        raise ValueError("Spent cannot be negative.")
    uploads = [*photo_uploads, *receipt_uploads]
    if len(uploads) > settings.DREAM_PHOTO_MAX_COUNT * 2:
        raise ValueError("Too many files.")
    cleaned = photos.photos_clean(uploads)
    existing = Accountability.objects.select_for_update().filter(application=application).first()
    if existing is not None and existing.state != Accountability.State.QUESTION:
        raise NotAllowed(_("You have already sent your report."))
    accountability = existing or Accountability(application=application)
    accountability.report, accountability.spent = report, spent
    accountability.state = Accountability.State.SUBMITTED
    accountability.submitted_at = timezone.now()
    accountability.save()
    kinds = [AccountabilityFile.Kind.PHOTO] * len(photo_uploads) + [
        AccountabilityFile.Kind.RECEIPT
    ] * len(receipt_uploads)
    for kind, photo in zip(kinds, cleaned, strict=True):
        AccountabilityFile.objects.create(
            accountability=accountability,
            kind=kind,
            image=photo.file,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
    body = _resident_text(
        dream,
        gettext_noop("Report on the money from %(fund)s: € %(spent)s spent."),
        fund=application.fund.name,
        spent=spent,
    )
    _record(
        dream=dream,
        kind=EventKind.ACCOUNTABILITY,
        public=True,
        actor=by,
        body=f"{body}\n\n{report}",
    )
    if dream.contact is not None:
        _notify_staff(
            to=dream.contact,
            template="staff_accountability_sent",
            dream=dream,
            context={"application": application, "accountability": accountability},
            digest=gettext_noop("A report on the money for “%(title)s” to read."),
            title=dream.title,
        )
    return accountability


def _contact_locked(accountability: Accountability, by: User) -> Accountability:
    dream = _lock(accountability.application.dream)
    _require_role(by, Role.ENABLER)
    _require_contact(dream, by)
    accountability = (
        Accountability.objects.select_for_update(of=("self",))
        .select_related("application__fund")
        .get(pk=accountability.pk)
    )
    accountability.application.dream = dream
    if accountability.state != Accountability.State.SUBMITTED:
        raise NotAllowed(_("This report is not waiting for you."))
    return accountability


@transaction.atomic
def accountability_ask(
    *, accountability: Accountability, by: User, question: str
) -> Accountability:
    """The MogelijkMaker asks about the report; the applicant answers by reporting again."""
    accountability = _contact_locked(accountability, by)
    question = question.strip()
    if not question:
        raise ValueError("A question is required.")
    accountability.state = Accountability.State.QUESTION
    accountability.question, accountability.asked_at = question, timezone.now()
    accountability.save(update_fields=["state", "question", "asked_at"])
    dream = accountability.application.dream
    heading = _resident_text(dream, gettext_noop("A question about your report on the money:"))
    event = _record(
        dream=dream,
        kind=EventKind.ACCOUNTABILITY,
        public=True,
        actor=by,
        body=f"{heading}\n\n{question}",
    )
    _notify_resident(dream, event)
    return accountability


@transaction.atomic
def accountability_accept(*, accountability: Accountability, by: User) -> Accountability:
    """The MogelijkMaker accepts the report: the money is accounted for."""
    accountability = _contact_locked(accountability, by)
    accountability.state = Accountability.State.ACCEPTED
    accountability.accepted_at, accountability.accepted_by = timezone.now(), by
    accountability.save(update_fields=["state", "accepted_at", "accepted_by"])
    dream = accountability.application.dream
    event = _record(
        dream=dream,
        kind=EventKind.ACCOUNTABILITY,
        public=True,
        actor=by,
        body=_resident_text(
            dream, gettext_noop("Your report on the money is accepted. Thank you!")
        ),
    )
    _notify_resident(dream, event)
    return accountability
