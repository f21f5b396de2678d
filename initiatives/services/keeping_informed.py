"""Scheduled work that keeps residents and staff informed: mail preferences, the daily digest,
the silence rule and the service-promise checks."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_noop

from accounts.models import NotificationMode, StaffNotificationMode, User
from initiatives import promises
from initiatives.models import Dream, EventKind, OutboxMail
from initiatives.notifications import mail_queue
from initiatives.selectors import dreams_first_contact_overdue, dreams_pick_up_overdue
from initiatives.services._core import (
    _dream_link,
    _lock,
    _managers,
    _notify_resident,
    _record,
    _resident_status,
    _resident_text,
)
from initiatives.statuses import OPEN


@transaction.atomic
def notification_mode_set(*, user: User, mode: str) -> User:
    """Record how often USER wants non-essential mail; essential mail always goes."""
    if mode not in NotificationMode.values:
        raise ValueError("Unknown notification mode.")
    user.notification_mode = mode
    user.save(update_fields=["notification_mode"])
    return user


@transaction.atomic
def staff_notification_mode_set(*, user: User, mode: str) -> User:
    """Record how staff member USER hears of work waiting for them: at once or once a day."""
    if not user.is_staff:
        raise ValueError("Only staff choose how they hear of waiting work.")
    if mode not in StaffNotificationMode.values:
        raise ValueError("Unknown staff notification mode.")
    user.staff_notification_mode = mode
    user.save(update_fields=["staff_notification_mode"])
    return user


def outbox_digest_send() -> int:
    """Bundle each person's held mails into one daily mail. Safe to run twice.

    Residents get their smaller updates; staff who chose the daily email get the work that
    started waiting for them (letters, approvals, replies), with a link to their start page.
    """
    recipients = (
        OutboxMail.objects.filter(state=OutboxMail.State.HELD_FOR_DIGEST)
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    sent = 0
    for recipient_id in list(recipients):
        with transaction.atomic():
            held = list(
                OutboxMail.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=recipient_id, state=OutboxMail.State.HELD_FOR_DIGEST)
                .order_by("created_at", "id")
            )
            if not held:
                continue  # another run took them
            recipient = User.objects.get(pk=recipient_id)
            digest = mail_queue(
                to=recipient,
                template="staff_daily_digest" if recipient.is_staff else "daily_digest",
                context={"lines": [mail.digest_line or mail.subject for mail in held]},
            )
            OutboxMail.objects.filter(pk__in=[mail.pk for mail in held]).update(
                state=OutboxMail.State.IN_DIGEST, digest=digest
            )
            sent += 1
    return sent


def silence_rule_apply() -> dict[str, int]:
    """Keep residents informed, also when there is no big news.

    A few days before the silence limit the MogelijkMaker is reminded (once per silence);
    at the limit the resident gets an automatic update naming their MogelijkMaker and the
    current step, recorded on the timeline. Running it twice changes nothing more.

    Days are counted by date (promises.silence_job_cutoffs).
    """
    promised = promises.current()
    now = timezone.now()
    today = timezone.localdate(now)
    remind_before, silent_before = promises.silence_job_cutoffs(promised, today)
    reminded = updated = 0

    to_remind = Dream.objects.filter(
        status__in=OPEN,
        contact__isnull=False,
        last_public_update_at__lt=remind_before,
        last_public_update_at__gte=silent_before,
    ).exclude(silence_reminded_at__gte=F("last_public_update_at"))
    for dream_id in list(to_remind.values_list("pk", flat=True)):
        with transaction.atomic():
            dream = _lock(Dream(pk=dream_id))
            if dream.silence_reminded_at and dream.silence_reminded_at >= (
                dream.last_public_update_at or now
            ):
                continue
            dream.silence_reminded_at = now
            dream.save(update_fields=["silence_reminded_at"])
            mail_queue(
                to=dream.contact,
                template="staff_silence_reminder",
                dream=dream,
                context={
                    "days": (today - timezone.localdate(dream.last_public_update_at)).days,
                    "limit": promised.silence_days,
                    "link": _dream_link(dream),
                },
            )
            reminded += 1

    silent = Dream.objects.filter(status__in=OPEN, last_public_update_at__lt=silent_before)
    for dream_id in list(silent.values_list("pk", flat=True)):
        with transaction.atomic():
            dream = _lock(Dream(pk=dream_id))
            if dream.status not in OPEN or dream.last_public_update_at >= silent_before:
                continue  # someone wrote to the resident in the meantime
            if dream.contact_id:
                body = _resident_text(
                    dream,
                    gettext_noop(
                        "We are still working on your dream. Your MogelijkMaker is %(name)s. "
                        "The current step: %(status)s."
                    ),
                    name=dream.contact.get_full_name(),
                    status=_resident_status(dream),
                )
            else:
                body = _resident_text(
                    dream,
                    gettext_noop(
                        "We have not forgotten your dream. A MogelijkMaker will pick it up "
                        "as soon as possible."
                    ),
                )
            event = _record(
                dream=dream, kind=EventKind.STILL_ON_IT, public=True, actor=None, body=body
            )
            _notify_resident(dream, event)
            updated += 1
    return {"reminded": reminded, "updated": updated}


def promises_check() -> dict[str, int]:
    """Flag broken service promises: not picked up in time (to the managers, once per
    dream) and no first contact in time (to the MogelijkMaker, once per dream)."""
    now = timezone.now()
    flagged = reminded = 0
    with transaction.atomic():
        late = list(
            dreams_pick_up_overdue()
            .filter(pick_up_flagged_at__isnull=True)
            .select_for_update(skip_locked=True, of=("self",))
        )
        if late:
            for manager in _managers():
                mail_queue(
                    to=manager,
                    template="staff_pick_up_overdue",
                    context={"dreams": late, "links": [_dream_link(d) for d in late]},
                )
            Dream.objects.filter(pk__in=[d.pk for d in late]).update(pick_up_flagged_at=now)
            flagged = len(late)
    with transaction.atomic():
        waiting = list(
            dreams_first_contact_overdue()
            .filter(first_contact_reminded_at__isnull=True)
            .select_related("contact")
            .select_for_update(skip_locked=True, of=("self",))
        )
        for dream in waiting:
            mail_queue(
                to=dream.contact,
                template="staff_first_contact_overdue",
                dream=dream,
                context={"link": _dream_link(dream)},
            )
        Dream.objects.filter(pk__in=[d.pk for d in waiting]).update(first_contact_reminded_at=now)
        reminded = len(waiting)
    return {"flagged": flagged, "reminded": reminded}
