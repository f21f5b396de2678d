"""Privacy (AVG/GDPR): erasure at the resident's request, retention and the audit log.

These services are the only code that removes personal data. Two records are append-only
everywhere else, and each has one documented exception used only here:
  - TimelineEvent.objects.anonymise(text=...) replaces the *text* of events the resident
    wrote; who, when, what kind and which status stay, so the history still adds up.
  - AuditEntry.objects.purge_before(moment) deletes audit entries older than
    AUDIT_RETENTION_MONTHS.
Both are mandated by the AVG/GDPR (right to erasure, article 17; storage limitation,
article 5(1)(e)); nothing else may rewrite or delete those rows."""

import calendar
import logging
import uuid
from datetime import datetime, timedelta

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import F, ProtectedError, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.addresses import email_normalise
from accounts.models import ERASED_EMAIL_SUFFIX, User
from initiatives.assembly_models import Assembly, Invitation, Participant
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Accountability,
    AccountabilityFile,
    AuditEntry,
    Dream,
    DreamPhoto,
    OutboxMail,
    RetentionLog,
    TimelineEvent,
    WeeklyReport,
)
from initiatives.notifications import mail_queue
from initiatives.platform_models import AgendaItem, PlatformInvitation, PlatformMember
from initiatives.services._core import _default_language, _lock
from initiatives.services.assembly_invitations import assembly_letters_discard
from initiatives.services.dreams import dream_withdraw
from initiatives.services.exports import exports_discard
from initiatives.services.publications import publications_remove
from initiatives.statuses import CLOSED, WITHDRAWABLE, Status

# Dreams the municipality must keep (a decision was taken: archived case files). Their story
# stays, without the personal data; the story of any other dream goes with the account.
KEPT_DREAM_STATUSES = frozenset({Status.REALISED, Status.NOT_POSSIBLE})


PERSONAL_DREAM_FIELDS = ("contact_name", "contact_phone", "location")


STORY_DREAM_FIELDS = ("title", "story", "own_contribution", "needs_from_municipality")


# What stands where a removed text was. Written in the portal's default language: only
# staff read these rows once the resident's data is gone.
ERASED_TEXT = gettext_noop("Removed at the resident's request.")


EXPIRED_TEXT = gettext_noop("Removed: the retention period has ended.")


ERASED_WITHDRAW_REASON = gettext_noop("The resident has erased their account.")


def months_before(moment: datetime, months: int) -> datetime:
    """Return MOMENT moved back MONTHS calendar months, in local time (31 March → 28/29 Feb)."""
    local = timezone.localtime(moment)
    year, month_index = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month_index + 1)[1])
    return local.replace(year=year, month=month_index + 1, day=day)


def _files_delete(names: list[str]) -> None:
    """Delete stored files NAMES; one that cannot be deleted is logged, not fatal."""

    storage = DreamPhoto._meta.get_field("image").storage
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logging.getLogger(__name__).exception("Could not delete photo file %s", name)


def _dream_photos_delete(dream: Dream) -> int:
    """Remove the dream's photo rows now and their files once the transaction has committed.

    The files go on commit: if the transaction rolls back, the rows are back and their
    files must still be there.
    """
    photos_of_dream = list(DreamPhoto.objects.filter(dream=dream).only("pk", "image"))
    # And the photos of what was made and of receipts, sent to account for a grant.
    accounted = list(
        AccountabilityFile.objects.filter(accountability__application__dream=dream).only(
            "pk", "image"
        )
    )
    if not photos_of_dream and not accounted:
        return 0
    names = [photo.image.name for photo in [*photos_of_dream, *accounted] if photo.image.name]
    DreamPhoto.objects.filter(pk__in=[photo.pk for photo in photos_of_dream]).delete()
    AccountabilityFile.objects.filter(pk__in=[photo.pk for photo in accounted]).delete()
    transaction.on_commit(lambda: _files_delete(names))
    return len(photos_of_dream) + len(accounted)


# Mails that are done with: their outbox row is only a delivery record by now.
_HANDLED_MAIL_STATES = (
    OutboxMail.State.SENT,
    OutboxMail.State.FAILED,
    OutboxMail.State.IN_DIGEST,
    OutboxMail.State.SKIPPED,
)


def _dream_remove_personal_data(dream: Dream, *, reason: str, text: str, events, keep_story: bool):
    """Remove the personal data of the (locked) DREAM and log what went; return the log row.

    EVENTS are the timeline events whose text the resident wrote; their text becomes TEXT.
    """
    cleared = [name for name in PERSONAL_DREAM_FIELDS if getattr(dream, name)]
    for name in PERSONAL_DREAM_FIELDS:
        setattr(dream, name, "")
    fields = [*PERSONAL_DREAM_FIELDS, "anonymised_at", "updated_at"]
    if not keep_story:
        cleared += [name for name in STORY_DREAM_FIELDS if getattr(dream, name) != text]
        for name in STORY_DREAM_FIELDS:
            setattr(dream, name, text)
        fields += STORY_DREAM_FIELDS
    if reason == RetentionLog.Reason.ERASURE and dream.show_publicly:
        # Erasing the account withdraws the consent to show the dream on the website.
        cleared.append("show_publicly")
        dream.show_publicly = False
        fields.append("show_publicly")
    if publications_remove(dreams=[dream]):
        # Erasure and retention both end the consent to share (issue 19): the story, its
        # texts and its photo choices go; the timeline keeps when it was given.
        cleared.append("publication")
    dream.anonymised_at = timezone.now()
    dream.save(update_fields=fields)
    texts = events.anonymise(text=text)
    # The resident's own words on how the money was spent (the amounts stay, for the fund).
    Accountability.objects.filter(application__dream=dream).update(report=text)
    mails, _per_model = OutboxMail.objects.filter(
        dream=dream, state__in=_HANDLED_MAIL_STATES
    ).delete()
    return RetentionLog.objects.create(
        reason=reason,
        dream=dream,
        fields=cleared,
        photos=_dream_photos_delete(dream),
        texts=texts,
        mails=mails,
    )


@transaction.atomic
def resident_erase(*, resident: User) -> None:
    """Erase RESIDENT's account and personal data at their request (AVG/GDPR article 17).

    Open dreams are withdrawn first. Every dream loses its contact details, location and
    photos (the files too, once committed), and what the resident wrote on its timeline is
    replaced by a neutral text. Realised and not-possible dreams are kept, anonymously, as
    the municipality must keep them; other dreams lose their story as well. Mails to the
    resident are deleted. The account stays as an empty, inactive row (the history points
    at it) with an address that can never receive mail, so the old address is free to sign
    up again. Staff accounts are not erased here: the functional administrator does that.
    """
    resident = User.objects.select_for_update().get(pk=resident.pk)
    if resident.is_staff or resident.is_superuser:
        raise NotAllowed(_("Staff accounts are removed by the functional administrator."))
    if not resident.is_active:
        raise NotAllowed(_("This account has already been erased."))
    # The texts the resident wrote, gathered before the withdrawals below add their own
    # (neutral) reason, which stays so staff can read why the dream stopped.
    written = dict(
        TimelineEvent.objects.filter(dream__resident=resident, actor=resident)
        .exclude(body="")
        .values_list("pk", "dream_id")
    )
    reason = _default_language(ERASED_WITHDRAW_REASON)
    withdrawn = []
    for dream in Dream.objects.filter(resident=resident, status__in=WITHDRAWABLE):
        withdrawn.append(
            dream_withdraw(dream=dream, by=resident, reason=reason, tell_contact=False)
        )

    text = _default_language(ERASED_TEXT)
    dreams = list(Dream.objects.select_for_update().filter(resident=resident).order_by("pk"))
    # Mails about these dreams that have not gone yet quote what the resident wrote: they go,
    # whoever they were for. The contact persons get a neutral word below instead.
    OutboxMail.objects.filter(dream__in=dreams).exclude(state__in=_HANDLED_MAIL_STATES).delete()
    for dream in dreams:
        _dream_remove_personal_data(
            dream,
            reason=RetentionLog.Reason.ERASURE,
            text=text,
            events=TimelineEvent.objects.filter(
                pk__in=[pk for pk, dream_id in written.items() if dream_id == dream.pk]
            ),
            keep_story=dream.status in KEPT_DREAM_STATUSES,
        )
    for dream in withdrawn:
        if dream.contact_id:
            dream.refresh_from_db()  # the anonymised texts, for the mail below
            mail_queue(
                to=dream.contact,
                template="staff_dream_withdrawn",
                dream=dream,
                context={"reason": reason},
            )
    _weekly_reports_scrub({dream.pk: dream.title for dream in dreams})
    # A staff member's CSV export may hold the dreams' titles: every export file goes.
    exports_discard()
    _sessions_end(resident)
    # The links in mails already sent open no dream any more (the inactive account alone
    # would stop them too; this says so in the data).
    Dream.objects.filter(resident=resident).update(access_link_version=F("access_link_version") + 1)

    # Neighbourhood platforms (issue 16): invitations to their address go, their dreams are
    # no longer shared, and their membership ends (kept, without a name: who took part).
    PlatformInvitation.objects.filter(email__iexact=resident.email).delete()
    AgendaItem.dreams.through.objects.filter(dream__resident=resident).delete()
    Dream.objects.filter(resident=resident).update(
        shared_with_platform=False, shared_with_partners=False
    )
    PlatformMember.objects.filter(user=resident, left_at__isnull=True).update(
        left_at=timezone.now()
    )

    # A citizens' assembly (issue 18): what they typed when they registered, found by their
    # account or their address, goes now rather than when the assembly's pool is cleared.
    # The pseudonym and its answers stay, as they do for everyone in the pool.
    Participant.objects.filter(
        Q(user=resident) | Q(email__iexact=resident.email), anonymised_at__isnull=True
    ).update(
        **dict.fromkeys(PARTICIPANT_PERSONAL_FIELDS, ""), user=None, anonymised_at=timezone.now()
    )

    # Nothing more goes to this person: not a pending mail, not a daily email.
    mails, _per_model = OutboxMail.objects.filter(recipient=resident).delete()
    cleared = ["email", "password"]
    cleared += [name for name in ("full_name", "phone") if getattr(resident, name)]
    resident.email = f"verwijderd-{uuid.uuid4().hex}{ERASED_EMAIL_SUFFIX}"  # unique, undeliverable
    resident.full_name = ""
    resident.phone = ""
    resident.is_active = False
    # Also ends every other session and makes outstanding sign-in links useless: both are
    # bound to the password hash.
    resident.set_unusable_password()
    resident.save()
    RetentionLog.objects.create(
        reason=RetentionLog.Reason.ERASURE, account=resident, fields=cleared, mails=mails
    )


def _weekly_reports_scrub(titles: dict[int, str]) -> None:
    """Give the dreams TITLES (id → title now) their present title in every stored weekly
    report, so a snapshot never keeps a title the dream itself no longer has."""

    def scrub(value) -> bool:
        changed = False
        if isinstance(value, dict):
            if value.get("id") in titles and "title" in value:
                changed = value["title"] != titles[value["id"]]
                value["title"] = titles[value["id"]]
            for item in value.values():
                changed = scrub(item) or changed
        elif isinstance(value, list):
            for item in value:
                changed = scrub(item) or changed
        return changed

    for report in WeeklyReport.objects.select_for_update().only("pk", "figures"):
        if scrub(report.figures):
            report.save(update_fields=["figures"])


def _sessions_end(user: User) -> None:
    """Delete every session of USER, and the sessions that remember USER's address (the
    sign-in page keeps the address typed, to show where the link went)."""
    address = email_normalise(user.email)
    doomed = []
    for session in Session.objects.iterator(chunk_size=500):
        data = session.get_decoded()
        if data.get("_auth_user_id") == str(user.pk) or (
            email_normalise(data.get("sign_in_email", "")) == address
        ):
            doomed.append(session.pk)
    Session.objects.filter(pk__in=doomed).delete()


def retention_apply() -> dict[str, int]:
    """Remove the personal data of dreams closed longer than RETENTION_MONTHS ago.

    Contact details, location, photos (files too), the resident's texts on the timeline and
    the delivery records of mails go; the dream and its history stay for the municipality.
    Audit log entries older than AUDIT_RETENTION_MONTHS are deleted, and failed staff
    sign-ins once they can no longer lock anyone out. Every removal of a dream's data or of
    audit entries is logged in RetentionLog. Each dream is handled once: running it twice
    changes nothing more.
    """
    now = timezone.now()
    cutoff = months_before(now, settings.RETENTION_MONTHS)
    text = _default_language(EXPIRED_TEXT)
    due = Dream.objects.filter(
        status__in=CLOSED, closed_at__lt=cutoff, anonymised_at__isnull=True
    ).order_by("closed_at", "pk")
    dreams = 0
    for dream_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            dream = _lock(Dream(pk=dream_id))
            if dream.anonymised_at is not None:
                continue  # another run got here first
            _dream_remove_personal_data(
                dream,
                reason=RetentionLog.Reason.RETENTION,
                text=text,
                events=TimelineEvent.objects.filter(dream=dream, actor_id=dream.resident_id)
                .exclude(body="")
                .exclude(body=text),
                keep_story=True,
            )
            dreams += 1

    with transaction.atomic():
        removed = AuditEntry.objects.purge_before(
            months_before(now, settings.AUDIT_RETENTION_MONTHS)
        )
        if removed:
            RetentionLog.objects.create(reason=RetentionLog.Reason.AUDIT, audit_entries=removed)

    # Failed staff sign-ins (an email address, an IP address) are kept while they can still
    # lock someone out, AXES_COOLOFF_TIME; django-axes removes them only when somebody signs
    # in again, so they go here as well. (Its own clean-up needs a request.)
    sign_in_failures, _kinds = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    unconfirmed, unused_accounts = _unfinished_sign_ups_remove(now)
    assembly_pools = _assembly_pools_clear(now)
    # Django never removes expired sessions by itself (its clearsessions command does this).
    sessions, _kinds = Session.objects.filter(expire_date__lt=now).delete()
    return {
        "dreams": dreams,
        "audit_entries": removed,
        "sign_in_failures": sign_in_failures,
        "unconfirmed_dreams": unconfirmed,
        "unused_accounts": unused_accounts,
        "expired_sessions": sessions,
        "assembly_pools": assembly_pools,
    }


# A participant's personal data: what they typed when they registered (issue 18).
PARTICIPANT_PERSONAL_FIELDS = ("name", "email", "phone", "availability")


def _assembly_pools_clear(now: datetime) -> int:
    """Remove the personal data of the pools of assemblies ended longer than
    ASSEMBLY_RETENTION_DAYS ago; return how many pools were cleared.

    Each participant's name, email, phone and availability are emptied and the link to the
    account of whoever took up an outcome goes (the dream and the account stay theirs); each
    invitation forgets its address (its neighbourhood stays, for figures); the mails sent to
    participants without an account go. The pseudonyms, the answers to the features, the
    draws' published inputs and results, the meetings and the outcomes stay: the public page
    needs nothing else. One RetentionLog row per assembly; a pool is cleared once.
    """
    cutoff = now - timedelta(days=settings.ASSEMBLY_RETENTION_DAYS)
    due = Assembly.objects.filter(
        stage=Assembly.Stage.ENDED, ended_at__lt=cutoff, personal_data_removed_at__isnull=True
    ).order_by("ended_at", "pk")
    cleared_pools = 0
    for assembly_id in list(due.values_list("pk", flat=True)):
        with transaction.atomic():
            assembly = Assembly.objects.select_for_update().get(pk=assembly_id)
            if assembly.personal_data_removed_at is not None:
                continue  # another run got here first
            pool = Participant.objects.filter(assembly=assembly)
            cleared = [
                name for name in PARTICIPANT_PERSONAL_FIELDS if pool.exclude(**{name: ""}).exists()
            ]
            emails = [e for e in pool.values_list("email", flat=True) if e]
            people = pool.filter(anonymised_at__isnull=True).update(
                **dict.fromkeys(PARTICIPANT_PERSONAL_FIELDS, ""), user=None, anonymised_at=now
            )
            addresses = Invitation.objects.filter(assembly=assembly, address__isnull=False).update(
                address=None
            )
            if addresses:
                cleared.append("address")
            # The letters' PDF holds every drawn address with its code: it goes too.
            transaction.on_commit(
                lambda a=assembly: assembly_letters_discard(assembly=a), robust=True
            )
            mails, _per_model = OutboxMail.objects.filter(
                recipient__isnull=True, to_email__in=emails, state__in=_HANDLED_MAIL_STATES
            ).delete()
            assembly.personal_data_removed_at = now
            assembly.save(update_fields=["personal_data_removed_at"])
            RetentionLog.objects.create(
                reason=RetentionLog.Reason.ASSEMBLY,
                assembly=assembly,
                fields=cleared,
                participants=people,
                mails=mails,
            )
            cleared_pools += 1
    return cleared_pools


def _unfinished_sign_ups_remove(now: datetime) -> tuple[int, int]:
    """Remove what a sign-up that never finished left behind, after UNFINISHED_SIGN_UP_DAYS:
    dreams whose address was never confirmed (their photos too), and resident accounts that
    asked for a sign-in link and never used it (anyone can type any address), when nothing
    else points at them."""
    cutoff = now - timedelta(days=settings.UNFINISHED_SIGN_UP_DAYS)
    unconfirmed = 0
    for dream_id in list(
        Dream.objects.filter(status=Status.UNCONFIRMED, created_at__lt=cutoff).values_list(
            "pk", flat=True
        )
    ):
        with transaction.atomic():
            dream = Dream.objects.select_for_update().filter(pk=dream_id).first()
            if dream is None or dream.status != Status.UNCONFIRMED:
                continue  # confirmed or removed meanwhile
            _dream_photos_delete(dream)
            TimelineEvent.objects.filter(dream=dream).remove_never_handed_in()
            dream.delete()
            unconfirmed += 1
    unused_accounts = 0
    candidates = User.objects.filter(
        is_staff=False,
        is_superuser=False,
        is_active=True,
        last_login__isnull=True,
        date_joined__lt=cutoff,
        dreams__isnull=True,
    )
    for user in candidates.only("pk"):
        try:
            with transaction.atomic():
                user.delete()
        except ProtectedError:
            continue  # something in the history points at this account: it stays
        unused_accounts += 1
    return unconfirmed, unused_accounts


# Every staff view of a dream writes one row: as plain SQL, without the model's save() and
# Django composing the INSERT each time (a third of a millisecond of Python per staff page).
_AUDIT_INSERT = (
    "INSERT INTO initiatives_auditentry "
    "(created_at, user_id, action, target, method, path, status, ip) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s::inet) RETURNING id"
)
# A look (GET) is recorded without waiting for the disk: the INSERT commits with
# synchronous_commit off, so the page is not held up by the WAL flush (0.2-1 ms a staff page,
# more under load, with two web workers that wait). What it risks: if PostgreSQL itself
# crashes, the looks of its last moment (at most three times wal_writer_delay, 0.6 s by
# default) may be missing from the log; never a half row, and never a change: changes (POST)
# and everything inside a transaction are recorded as before.
_AUDIT_INSERT_LOOK = (
    "WITH quick AS (SELECT set_config('synchronous_commit', 'off', true)) "
    "INSERT INTO initiatives_auditentry "
    "(created_at, user_id, action, target, method, path, status, ip) "
    "SELECT %s, %s, %s, %s, %s, %s, %s, %s::inet FROM quick RETURNING id"
)
LOOKS = frozenset({"GET", "HEAD"})


def audit_record(
    *,
    user: User | None,
    action: str,
    target: str,
    method: str,
    path: str,
    status: int,
    ip: str | None,
) -> AuditEntry:
    """Record that USER viewed personal data or tried a change on the staff side.

    A single INSERT, so it needs no transaction of its own; called by staff/audit.py.
    Returns the entry as saved.
    """
    entry = AuditEntry(
        user=user if user is not None and user.is_authenticated else None,
        action=action[:50],
        target=target[:200],
        method=method[:10],
        path=path[:500],
        status=status,
        ip=ip,
    )
    if connection.vendor != "postgresql":  # the embedded default (SQLite) has no ::inet
        entry.save()
        return entry
    entry.created_at = timezone.now()
    look = entry.method in LOOKS and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(
            _AUDIT_INSERT_LOOK if look else _AUDIT_INSERT,
            [
                entry.created_at,
                entry.user_id,
                entry.action,
                entry.target,
                entry.method,
                entry.path,
                entry.status,
                entry.ip,
            ],
        )
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry
