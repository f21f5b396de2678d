"""
Everything that changes a dream, its timeline or its mail goes through here.

Each service is keyword-only, runs in one transaction, locks the dream row before
it reads the status, and records what happened on the timeline.
"""

import logging
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import F, ProtectedError
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from sesame.utils import get_query_string, get_user

from accounts.addresses import email_normalise
from accounts.models import NotificationMode, User
from accounts.roles import Role, has_role
from initiatives import photos, promises
from initiatives.exceptions import (
    AlreadyPickedUp,
    InsufficientFunds,
    InvalidTransition,
    NotAllowed,
)
from initiatives.models import (
    ContactMoment,
    CoreValue,
    Decision,
    Dream,
    DreamPhoto,
    EventKind,
    Fund,
    Grant,
    Neighbourhood,
    OutboxMail,
    PracticeNote,
    Review,
    ServicePromises,
    Theme,
    TimelineEvent,
    Verdict,
    WeeklyReport,
    WorkingPractice,
)
from initiatives.notifications import mail_queue
from initiatives.statuses import (
    ALLOWED,
    CLOSED,
    NEEDS_REVIEW,
    OPEN,
    RESIDENT_EXPLANATION,
    STAFF_MOVES,
    Status,
    is_open,
    is_picked_up,
)

logger = logging.getLogger(__name__)


# --- residents and sign-in links ------------------------------------------------------------


def resident_get_or_create(*, email: str, language: str = "") -> User:
    """Return the account for EMAIL, creating a resident account on first use."""
    email = email_normalise(email)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, language=language or settings.LANGUAGE_CODE)
    return user


def _sign_in_scope(number: int) -> str:
    return f"sign-in:{number}"


def sign_in_link_build(*, user: User, next_url: str) -> str:
    """Return an absolute one-time sign-in link for USER that lands on NEXT_URL.

    The link carries the number of USER's newest link, signed into the token's scope, so
    that a link stops working as soon as a newer one is sent.
    """
    number = user.sign_in_links_sent
    # "?sesame=…": single use, valid SESAME_MAX_AGE seconds, for this number only.
    query = get_query_string(user, scope=_sign_in_scope(number))
    path = reverse("residents:sign_in_link")
    return f"{settings.SITE_URL}{path}{query}&{urlencode({'n': number, 'next': next_url})}"


def sign_in_link_user(request) -> User | None:
    """Return the resident a sign-in link in REQUEST signs in, or None when it does not work:
    expired, used before, altered, or not the newest link sent."""
    number = request.GET.get("n", "")
    if not number.isdigit() or len(number) > 9:
        return None
    # Checking an older link must not use up the newest one: last_login (which one-time
    # tokens are bound to) moves only once the link is known to be the newest.
    user = get_user(request, scope=_sign_in_scope(int(number)), update_last_login=False)
    if user is None or user.sign_in_links_sent != int(number):
        return None
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])  # used up: the link works once
    return user


def sign_in_link_request(*, email: str, next_url: str = "", language: str = "") -> None:
    """Ask for a sign-in link for EMAIL, in the same time whoever EMAIL belongs to.

    The sign-in form answers before anything is looked up: a worker does the lookup and
    writes the mail (sign_in_link_send), so a resident's, a staff member's and an unknown
    address all cost the request one message to the broker. Without a broker (the embedded
    default) or when it cannot be reached, the work is done here, as before.
    """
    from celery import current_app

    work = {"email": email, "next_url": next_url, "language": language}
    if current_app.conf.task_always_eager:
        sign_in_link_send(**work)
        return
    try:
        # One try to connect and short socket timeouts: Celery's own policy retries for
        # seconds, which a resident waiting for the page must not (issue 13, item 1).
        quick = {"socket_timeout": 0.5, "socket_connect_timeout": 0.5}
        with current_app.connection_for_write(transport_options=quick) as connection:
            connection.ensure_connection(max_retries=1, interval_start=0, interval_step=0)
            current_app.send_task(
                "initiatives.tasks.sign_in_link_send",
                kwargs=work,
                retry=False,
                connection=connection,
            )
    except Exception as exc:  # the broker is away: the resident still gets their link
        logger.warning("Broker unreachable for a sign-in link (%s): done in the request", exc)
        sign_in_link_send(**work)


@transaction.atomic
def sign_in_link_send(*, email: str, next_url: str = "", language: str = "") -> None:
    """Mail a one-time sign-in link to EMAIL.

    The same happens whether or not the address is known, so the answer never
    tells a stranger who has an account here. Sending a link never ends a session the
    resident already has: a stranger can ask for links, but cannot sign anyone out.
    """
    user = resident_get_or_create(email=email, language=language)
    if not user.is_active or user.is_staff:
        return  # staff sign in with password and second factor, never by link
    User.objects.filter(pk=user.pk).update(sign_in_links_sent=F("sign_in_links_sent") + 1)
    user.refresh_from_db(fields=["sign_in_links_sent"])
    link = sign_in_link_build(user=user, next_url=next_url or reverse("residents:my_dreams"))
    mail_queue(
        to=user,
        template="sign_in_link",
        context={"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
    )


# --- the dream's life ------------------------------------------------------------------------


def _lock(dream: Dream) -> Dream:
    return Dream.objects.select_for_update().get(pk=dream.pk)


def _require_transition(dream: Dream, target: str) -> None:
    if target not in ALLOWED[dream.status]:
        raise InvalidTransition(Status(dream.status).label, Status(target).label)


def _record(
    *,
    dream: Dream,
    kind: str,
    public: bool,
    actor: User | None,
    body: str = "",
    from_status: str = "",
    to_status: str = "",
) -> TimelineEvent:
    event = TimelineEvent.objects.create(
        dream=dream,
        kind=kind,
        public=public,
        actor=actor,
        body=body,
        from_status=from_status,
        to_status=to_status,
    )
    if public:
        Dream.objects.filter(pk=dream.pk).update(last_public_update_at=event.created_at)
        dream.last_public_update_at = event.created_at
    return event


def _transition(
    *, dream: Dream, target: str, by: User | None, body: str = "", also: Sequence[str] = ()
) -> TimelineEvent:
    """Move the (locked) DREAM to TARGET and record it: the one place that writes a status.

    One UPDATE of the dream row: the status, the time of this public event, and the fields
    ALSO that the caller changed on DREAM with it (a pick-up's contact).
    """
    _require_transition(dream, target)
    previous = dream.status
    now = timezone.now()
    dream.status = target
    dream.last_public_update_at = now
    fields = ["status", "updated_at", "last_public_update_at", *also]
    if target in CLOSED:
        dream.closed_at = now
        fields.append("closed_at")
    dream.save(update_fields=fields)
    return TimelineEvent.objects.create(
        dream=dream,
        kind=EventKind.STATUS_CHANGED,
        public=True,
        actor=by,
        body=body,
        from_status=previous,
        to_status=target,
        created_at=now,
    )


def service_promises_ensure() -> ServicePromises:
    """Make the one service-promises row from the environment's defaults, if it is missing.

    Run after every `migrate` (initiatives.apps), so the administrator finds it at /beheer/;
    reading the promises (promises.current) never writes.
    """
    row, _created = ServicePromises.objects.get_or_create(pk=1, defaults=promises.defaults())
    return row


def pick_up_deadline(dream: Dream) -> date:
    """Return the day by which the dream is promised to be picked up."""
    return promises.pick_up_deadline(dream.submitted_at, promises.current())


def _mark_submitted(dream: Dream, *, by: User) -> None:
    dream.status = Status.SUBMITTED
    dream.submitted_at = timezone.now()
    dream.save(update_fields=["status", "submitted_at", "updated_at"])
    _record(
        dream=dream,
        kind=EventKind.SUBMITTED,
        public=True,
        actor=by,
        to_status=Status.SUBMITTED,
    )
    mail_queue(
        to=dream.resident,
        template="dream_submitted",
        dream=dream,
        context={
            "status_label": Status.SUBMITTED.label,
            "pick_up_deadline": pick_up_deadline(dream),
            "link": sign_in_link_build(
                user=dream.resident,
                next_url=reverse("residents:dream_detail", args=[dream.pk]),
            ),
        },
    )


@transaction.atomic
def dream_submit(
    *,
    resident: User,
    title: str,
    story: str,
    own_contribution: str,
    needs_from_municipality: str,
    neighbourhood: Neighbourhood,
    theme: Theme,
    location: str = "",
    show_publicly: bool = False,
    contact_name: str = "",
    contact_phone: str = "",
    photo_uploads: Sequence[UploadedFile] = (),
    confirmed: bool,
) -> Dream:
    """Hand in a dream for RESIDENT.

    A signed-in resident (CONFIRMED) hands it in at once. Otherwise the dream is
    kept as awaiting confirmation and the resident gets a link to confirm it, so
    nothing typed is lost and no one can hand in dreams in someone else's name.
    """
    if len(photo_uploads) > settings.DREAM_PHOTO_MAX_COUNT:
        raise ValueError("Too many photos.")
    cleaned = photos.photos_clean(photo_uploads)
    dream = Dream(
        resident=resident,
        title=title.strip(),
        story=story.strip(),
        own_contribution=own_contribution.strip(),
        needs_from_municipality=needs_from_municipality.strip(),
        neighbourhood=neighbourhood,
        theme=theme,
        location=location.strip(),
        show_publicly=show_publicly,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        status=Status.UNCONFIRMED,
    )
    dream.full_clean()
    dream.save()
    for photo in cleaned:
        DreamPhoto.objects.create(
            dream=dream,
            image=photo.file,
            content_type=photo.content_type,
            width=photo.width,
            height=photo.height,
        )
    if contact_name and not resident.full_name:
        resident.full_name = contact_name.strip()
        resident.save(update_fields=["full_name"])
    if confirmed:
        _mark_submitted(dream, by=resident)
    else:
        link = sign_in_link_build(
            user=resident, next_url=reverse("residents:dream_confirm", args=[dream.pk])
        )
        mail_queue(
            to=resident,
            template="dream_confirm",
            dream=dream,
            context={"link": link, "minutes": settings.SESAME_MAX_AGE // 60},
        )
    return dream


@transaction.atomic
def dream_hand_in(
    *, signed_in_as: User | None, email: str = "", language: str = "", **dream
) -> Dream:
    """Hand in a dream from the form: all or nothing, the account included.

    A signed-in resident (SIGNED_IN_AS) hands it in at once. Anyone else types an address:
    its account is found or made, and the dream waits until that address confirms it
    (dream_submit). A refused dream leaves no new account behind. DREAM holds
    dream_submit's fields.
    """
    if signed_in_as is not None:
        return dream_submit(resident=signed_in_as, confirmed=True, **dream)
    resident = resident_get_or_create(email=email, language=language)
    return dream_submit(resident=resident, confirmed=False, **dream)


def _require_resident(dream: Dream, by: User) -> None:
    if dream.resident_id != by.pk:
        raise NotAllowed(_("Only the resident who handed in this dream can do this."))


@transaction.atomic
def dream_confirm(*, dream: Dream, by: User) -> Dream:
    """Hand in a dream that was waiting for the resident to confirm their address."""
    dream = _lock(dream)
    _require_resident(dream, by)
    if dream.status != Status.UNCONFIRMED:
        return dream  # a second click on the same link changes nothing
    _require_transition(dream, Status.SUBMITTED)
    _mark_submitted(dream, by=by)
    return dream


@transaction.atomic
def dream_withdraw(*, dream: Dream, by: User, reason: str, tell_contact: bool = True) -> Dream:
    """Withdraw the dream at its resident's request, with their reason on the timeline.

    TELL_CONTACT false leaves the contact person's mail to the caller (an erasure writes it
    once the dream's personal data is gone, so the mail cannot quote it).
    """
    dream = _lock(dream)
    _require_resident(dream, by)
    reason = reason.strip()
    if not reason:
        raise ValueError("A reason is required.")
    _transition(dream=dream, target=Status.WITHDRAWN, by=by, body=reason)
    _release_waiting_grants(dream, by)
    if dream.contact_id and tell_contact:
        mail_queue(
            to=dream.contact,
            template="staff_dream_withdrawn",
            dream=dream,
            context={"reason": reason},
        )
    return dream


@transaction.atomic
def dream_message_from_resident(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Add the resident's message to the timeline and tell their MogelijkMaker."""
    dream = _lock(dream)
    _require_resident(dream, by)
    body = body.strip()
    if not body:
        raise ValueError("A message cannot be empty.")
    if not is_open(dream):
        raise NotAllowed(_("You can no longer send messages about this dream."))
    event = _record(
        dream=dream, kind=EventKind.MESSAGE_FROM_RESIDENT, public=True, actor=by, body=body
    )
    if dream.contact_id:
        mail_queue(
            to=dream.contact,
            template="staff_resident_replied",
            dream=dream,
            context={"message": body},
        )
    return event


# --- the MogelijkMakers' work ----------------------------------------------------------------


def _resident_text(dream: Dream, message: str, **values) -> str:
    """Return MESSAGE translated into the resident's language, for a public event.

    The timeline keeps text as written, so what the resident reads is written in their
    language, whatever language the staff member works in. Amounts are written the way
    the resident reads numbers (250,00 in Dutch).
    """
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        formatted = {
            key: number_format(value, 2, force_grouping=True)
            if isinstance(value, Decimal)
            else value
            for key, value in values.items()
        }
        return _(message) % formatted if formatted else _(message)


# Always mailed at once; other updates follow the resident's choice (at once, daily, never).
ESSENTIAL_EVENTS = frozenset({EventKind.STATUS_CHANGED, EventKind.DECISION_LETTER})


def _notify_resident(dream: Dream, event: TimelineEvent) -> None:
    """Mail the resident about a public event: what happened, the status in words, what next."""
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        digest_line = f"{dream.title} — {event.get_kind_display()}: {event.body}"[:600]
    mail_queue(
        to=dream.resident,
        template="resident_update",
        dream=dream,
        essential=event.kind in ESSENTIAL_EVENTS,
        digest_line=digest_line,
        context={
            "event": event,
            "status_label": Status(dream.status).label,
            "explanation": RESIDENT_EXPLANATION[dream.status],
            "link": sign_in_link_build(
                user=dream.resident,
                next_url=reverse("residents:dream_detail", args=[dream.pk]),
            ),
        },
    )


def _require_role(user: User, *roles: str) -> None:
    if user.is_superuser or any(has_role(user, role) for role in roles):
        return
    raise NotAllowed(_("Your role does not allow this."))


def _require_open(dream: Dream) -> None:
    if not is_open(dream):
        raise NotAllowed(
            _("This dream is “%(status)s”: it can no longer be changed.")
            % {"status": Status(dream.status).label}
        )


def _require_picked_up(dream: Dream) -> None:
    _require_open(dream)
    if not is_picked_up(dream):
        raise NotAllowed(_("Pick up this dream first."))


def is_dream_contact(dream: Dream, user: User) -> bool:
    """True when USER is DREAM's one face: the contact person who picked it up."""
    return dream.contact_id is not None and dream.contact_id == user.pk


def _require_contact(dream: Dream, by: User) -> None:
    """One face: only the contact person speaks to the resident and moves the dream on.

    Colleagues, managers and communications advisors may add internal notes. Whoever wants
    to take over hands the dream over first, with a note that says why; the resident then
    hears who their new contact is.
    """
    if not is_dream_contact(dream, by):
        raise NotAllowed(
            _(
                "Only the contact person of this dream (%(name)s) can do this. Write an "
                "internal note, or hand the dream over first."
            )
            % {"name": dream.contact.get_full_name() if dream.contact else "—"}
        )


def _require_current_review(dream: Dream, target: str) -> None:
    if target in NEEDS_REVIEW and not dream.reviews.filter(is_current=True).exists():
        raise NotAllowed(
            _("Record a core-value review before the dream can become “%(status)s”.")
            % {"status": Status(target).label}
        )


@transaction.atomic
def dream_pick_up(*, dream: Dream, by: User) -> Dream:
    """Make BY the dream's one face. Of two people at once, one wins; the other is told who."""
    _require_role(by, Role.ENABLER)
    # The one read of the dream, locked: the second of two simultaneous clicks waits here,
    # then sees the first. A dream not yet confirmed does not exist for staff.
    dream = (
        Dream.objects.select_for_update(of=("self",))
        .select_related("resident")
        .exclude(status=Status.UNCONFIRMED)
        .get(pk=dream.pk)
    )
    if is_picked_up(dream):
        raise AlreadyPickedUp(
            _("%(name)s has already picked up this dream.") % {"name": dream.contact}
        )
    _require_transition(dream, Status.PICKED_UP)
    dream.contact = by
    dream.picked_up_at = timezone.now()
    event = _transition(
        also=["contact", "picked_up_at"],
        dream=dream,
        target=Status.PICKED_UP,
        by=by,
        body=_resident_text(
            dream,
            gettext_noop("%(name)s has picked up your dream and is your contact from now on."),
            name=by.get_full_name(),
        ),
    )
    _notify_resident(dream, event)
    return dream


@transaction.atomic
def dream_log_contact(
    *, dream: Dream, by: User, kind: str, on: date, summary: str
) -> ContactMoment:
    """Record a call, visit or meeting. The first one starts the conversation."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if on > timezone.localdate():
        raise ValueError("A contact moment cannot be in the future.")
    moment = ContactMoment.objects.create(
        dream=dream, kind=kind, date=on, summary=summary.strip(), by=by
    )
    _record(
        dream=dream,
        kind=EventKind.CONTACT_MOMENT,
        public=False,
        actor=by,
        body=f"{moment.get_kind_display()} ({on:%d-%m-%Y}): {moment.summary}",
    )
    if dream.first_contact_at is None:
        dream.first_contact_at = timezone.now()  # stops the first-contact clock
        dream.save(update_fields=["first_contact_at", "updated_at"])
    if dream.status == Status.PICKED_UP:
        event = _transition(
            dream=dream,
            target=Status.IN_CONVERSATION,
            by=by,
            body=_resident_text(
                dream,
                gettext_noop(
                    "We have spoken with you about your dream. Now we work it out together."
                ),
            ),
        )
        _notify_resident(dream, event)
    return moment


@transaction.atomic
def dream_send_message(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Send the resident a message; it is on their timeline and in their mail."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    body = body.strip()
    if not body:
        raise ValueError("A message cannot be empty.")
    event = _record(
        dream=dream, kind=EventKind.MESSAGE_TO_RESIDENT, public=True, actor=by, body=body
    )
    _notify_resident(dream, event)
    return event


@transaction.atomic
def dream_add_note(*, dream: Dream, by: User, body: str) -> TimelineEvent:
    """Write an internal note: staff only, never shown to the resident."""
    _require_role(by, Role.ENABLER, Role.MANAGER, Role.COMMUNICATIONS)
    dream = _lock(dream)
    body = body.strip()
    if not body:
        raise ValueError("A note cannot be empty.")
    return _record(dream=dream, kind=EventKind.NOTE, public=False, actor=by, body=body)


@transaction.atomic
def practice_update(
    *, dream: Dream, by: User, practice: str, done: bool, note: str
) -> PracticeNote:
    """Tick off one of the five working practices, with a short note."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    item, _created = PracticeNote.objects.update_or_create(
        dream=dream,
        practice=practice,
        defaults={
            "done": done,
            "note": note.strip(),
            "updated_by": by,
            "updated_at": timezone.now(),
        },
    )
    state = _("done") if done else _("not done yet")
    _record(
        dream=dream,
        kind=EventKind.PRACTICE,
        public=False,
        actor=by,
        body=f"{WorkingPractice(practice).label}: {state}. {item.note}".strip(),
    )
    return item


@transaction.atomic
def review_record(
    *,
    dream: Dream,
    by: User,
    verdicts: dict[str, tuple[str, str]],
    dilemma: str = "",
    discussed_with: str = "",
) -> Review:
    """Record (or revise) the core-value review; every earlier version is kept.

    VERDICTS maps each CoreValue to (Verdict, reasoning).
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
    return review


@transaction.atomic
def grant_create(*, dream: Dream, by: User, fund: Fund, amount: Decimal, purpose: str) -> Grant:
    """Grant budget from FUND. Above the limit it waits for a manager; the money is held.

    The fund row is locked, so two simultaneous grants cannot both spend the last euro;
    the database's check on the fund refuses a negative balance in any case.
    """
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if amount <= 0:
        raise ValueError("The amount must be more than zero.")
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    if amount > fund.balance:
        raise InsufficientFunds(
            _("%(fund)s has € %(balance)s left: not enough for € %(amount)s.")
            % {
                "fund": fund.name,
                "balance": number_format(fund.balance, 2, force_grouping=True),
                "amount": number_format(amount, 2, force_grouping=True),
            }
        )
    fund.committed += amount
    fund.save(update_fields=["committed"])
    needs_approval = amount > promises.current().grant_approval_limit
    grant = Grant.objects.create(
        dream=dream,
        fund=fund,
        amount=amount,
        purpose=purpose.strip(),
        requested_by=by,
        state=Grant.State.AWAITING_APPROVAL if needs_approval else Grant.State.GRANTED,
        decided_by=None if needs_approval else by,
        decided_at=None if needs_approval else timezone.now(),
    )
    if needs_approval:
        _record(
            dream=dream,
            kind=EventKind.GRANT_REQUESTED,
            public=False,
            actor=by,
            body=_("€ %(amount)s from %(fund)s for: %(purpose)s. Waiting for a manager.")
            % {"amount": amount, "fund": fund, "purpose": grant.purpose},
        )
    else:
        _announce_grant(dream, grant, by)
    return grant


def _release_waiting_grants(dream: Dream, by: User) -> None:
    """A closed dream needs no money: refuse grants still waiting and free what they held."""
    for grant in Grant.objects.select_for_update().filter(
        dream=dream, state=Grant.State.AWAITING_APPROVAL
    ):
        _grant_refuse(grant, by)


def _grant_refuse(grant: Grant, by: User) -> None:
    """Refuse GRANT (locked, awaiting approval) and free the money its fund held for it."""
    fund = Fund.objects.select_for_update().get(pk=grant.fund_id)
    fund.committed -= grant.amount
    fund.save(update_fields=["committed"])
    grant.state = Grant.State.REJECTED
    grant.decided_by, grant.decided_at = by, timezone.now()
    grant.save(update_fields=["state", "decided_by", "decided_at"])


def _announce_grant(dream: Dream, grant: Grant, by: User) -> None:
    event = _record(
        dream=dream,
        kind=EventKind.GRANT,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop("€ %(amount)s from %(fund)s for: %(purpose)s."),
            amount=grant.amount,
            fund=grant.fund.name,
            purpose=grant.purpose,
        ),
    )
    _notify_resident(dream, event)


@transaction.atomic
def grant_decide(*, grant: Grant, by: User, approve: bool) -> Grant:
    """Approve or refuse a grant above the limit; a refusal frees the held money."""
    _require_role(by, Role.MANAGER)
    grant = Grant.objects.select_for_update().select_related("dream").get(pk=grant.pk)
    if grant.state != Grant.State.AWAITING_APPROVAL:
        raise NotAllowed(_("This grant has already been decided."))
    dream = _lock(grant.dream)
    if approve:
        grant.state = Grant.State.GRANTED
        grant.decided_by, grant.decided_at = by, timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        _announce_grant(dream, grant, by)
    else:
        _grant_refuse(grant, by)
        _record(
            dream=dream,
            kind=EventKind.GRANT_REJECTED,
            public=False,
            actor=by,
            body=_("€ %(amount)s for: %(purpose)s.")
            % {"amount": grant.amount, "purpose": grant.purpose},
        )
    return grant


@transaction.atomic
def dream_move(*, dream: Dream, by: User, target: str, note: str = "") -> Dream:
    """Move the dream on to one of the statuses a MogelijkMaker may choose directly."""
    _require_role(by, Role.ENABLER)
    dream = _lock(dream)
    if target not in STAFF_MOVES.get(dream.status, []):
        raise InvalidTransition(Status(dream.status).label, Status(target).label)
    _require_contact(dream, by)
    _require_current_review(dream, target)
    event = _transition(dream=dream, target=target, by=by, body=note.strip())
    _notify_resident(dream, event)
    return dream


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
        dream=dream,
        kind=EventKind.DECISION_PROPOSED,
        public=False,
        actor=by,
        body=decision.reasons,
    )
    return decision


@transaction.atomic
def decision_sign(*, decision: Decision, by: User, letter: str) -> Decision:
    """Sign the letter: only now does the dream become *not possible* and the resident hear.

    The letter is signed by the communications advisor, never by the MogelijkMaker.
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
    decision.save(update_fields=["state", "letter", "signed_by", "signed_at"])
    _transition(dream=dream, target=Status.NOT_POSSIBLE, by=by)
    _release_waiting_grants(dream, by)
    event = _record(
        dream=dream,
        kind=EventKind.DECISION_LETTER,
        public=True,
        actor=by,
        body=f"{letter}\n\n{by.get_full_name()}\n"
        + _resident_text(dream, gettext_noop("Communications advisor")),
    )
    _notify_resident(dream, event)
    return decision


def _hand_over_one(*, dream: Dream, by: User, to: User, note: str) -> None:
    dream = _lock(dream)
    _require_picked_up(dream)
    if dream.contact_id == to.pk:
        return
    previous = dream.contact
    dream.contact = to
    dream.save(update_fields=["contact", "updated_at"])
    _record(
        dream=dream,
        kind=EventKind.HANDOVER,
        public=False,
        actor=by,
        body=_("From %(from)s to %(to)s. %(note)s") % {"from": previous, "to": to, "note": note},
    )
    event = _record(
        dream=dream,
        kind=EventKind.CONTACT_CHANGED,
        public=True,
        actor=by,
        body=_resident_text(
            dream,
            gettext_noop("%(name)s is your MogelijkMaker from now on."),
            name=to.get_full_name(),
        ),
    )
    _notify_resident(dream, event)
    mail_queue(to=to, template="staff_handed_over", dream=dream, context={"note": note, "by": by})


@transaction.atomic
def dreams_hand_over(*, dreams: Sequence[Dream], by: User, to: User, note: str) -> int:
    """Hand DREAMS over to another MogelijkMaker with a note; all or none."""
    _require_role(by, Role.ENABLER, Role.MANAGER)
    if not has_role(to, Role.ENABLER):
        raise NotAllowed(_("Dreams can only be handed over to a MogelijkMaker."))
    note = note.strip()
    if not note:
        raise ValueError("A hand-over note is required.")
    for dream in dreams:
        _hand_over_one(dream=dream, by=by, to=to, note=note)
    return len(dreams)


# --- keeping residents informed: scheduled work -----------------------------------------------


@transaction.atomic
def notification_mode_set(*, user: User, mode: str) -> User:
    """Record how often USER wants non-essential mail; essential mail always goes."""
    if mode not in NotificationMode.values:
        raise ValueError("Unknown notification mode.")
    user.notification_mode = mode
    user.save(update_fields=["notification_mode"])
    return user


def outbox_digest_send() -> int:
    """Bundle each resident's held updates into one daily mail. Safe to run twice."""
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
                template="daily_digest",
                context={"lines": [mail.digest_line or mail.subject for mail in held]},
            )
            OutboxMail.objects.filter(pk__in=[mail.pk for mail in held]).update(
                state=OutboxMail.State.IN_DIGEST, digest=digest
            )
            sent += 1
    return sent


def _dream_link(dream: Dream) -> str:
    return settings.SITE_URL + reverse("staff:dream_workspace", args=[dream.pk])


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


def _resident_status(dream: Dream) -> str:
    with translation.override(dream.resident.language or settings.LANGUAGE_CODE):
        return str(Status(dream.status).label)


def _managers():
    """The active managers: who hears of broken promises and gets the weekly report."""
    return User.objects.filter(is_active=True, is_staff=True, groups__name=Role.MANAGER).distinct()


def promises_check() -> dict[str, int]:
    """Flag broken service promises: not picked up in time (to the managers, once per
    dream) and no first contact in time (to the MogelijkMaker, once per dream)."""
    from initiatives.selectors import dreams_first_contact_overdue, dreams_pick_up_overdue

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


# --- the weekly report -----------------------------------------------------------------------


def last_monday(today: date | None = None) -> date:
    """Return the Monday of last week (the last complete ISO week)."""
    today = today or timezone.localdate()
    return today - timedelta(days=today.weekday() + 7)


@transaction.atomic
def weekly_report_build(*, monday: date) -> WeeklyReport:
    """Build (or build again) the snapshot of the week starting on MONDAY.

    The figures are read from the history as it was at the end of that week, with the
    previous week beside them and the last 12 weeks as a trend.
    """
    from initiatives.selectors import weekly_figures

    if monday.weekday() != 0:
        raise ValueError("A report week starts on a Monday.")
    if monday > last_monday():
        raise ValueError("That week has not ended yet.")
    # Each week is read once: the trend's last two weeks are this week and the previous one.
    weeks = {0: weekly_figures(monday)}
    trend = []
    for weeks_back in range(11, -1, -1):
        if weeks_back not in weeks:
            weeks[weeks_back] = weekly_figures(monday - timedelta(weeks=weeks_back), detail=False)
        week = weeks[weeks_back]
        trend.append(
            {
                "week": week["week"],
                "intake": week["intake"]["total"],
                "realised": week["flow"]["realised"],
                "pick_up_share": week["promises"]["pick_up"]["in_time_share"],
                "first_contact_share": week["promises"]["first_contact"]["in_time_share"],
            }
        )
    figures = {"current": weeks[0], "previous": weeks[1], "trend": trend}
    report, _created = WeeklyReport.objects.update_or_create(
        week_start=monday, defaults={"figures": figures, "built_at": timezone.now()}
    )
    return report


@transaction.atomic
def weekly_report_mail(*, monday: date) -> int:
    """Mail the week's report to each manager, once: a second run sends nothing more."""
    report = WeeklyReport.objects.select_for_update().get(week_start=monday)
    if report.mailed_at:
        return 0
    managers = list(_managers())
    link = settings.SITE_URL + reverse("staff:report") + f"?week={monday.isoformat()}"
    for manager in managers:
        mail_queue(
            to=manager,
            template="staff_weekly_report",
            context={
                "figures": report.figures["current"],
                "previous": report.figures["previous"],
                "link": link,
            },
        )
    report.mailed_at = timezone.now()
    report.save(update_fields=["mailed_at"])
    return len(managers)


# --- privacy (AVG/GDPR): erasure, retention and the audit log ---------------------------------
#
# These services are the only code that removes personal data. Two records are append-only
# everywhere else, and each has one documented exception used only here:
#   - TimelineEvent.objects.anonymise(text=...) replaces the *text* of events the resident
#     wrote; who, when, what kind and which status stay, so the history still adds up.
#   - AuditEntry.objects.purge_before(moment) deletes audit entries older than
#     AUDIT_RETENTION_MONTHS.
# Both are mandated by the AVG/GDPR (right to erasure, article 17; storage limitation,
# article 5(1)(e)); nothing else may rewrite or delete those rows.

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


def _default_language(message: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _(message)


def months_before(moment: datetime, months: int) -> datetime:
    """Return MOMENT moved back MONTHS calendar months, in local time (31 March → 28/29 Feb)."""
    import calendar

    local = timezone.localtime(moment)
    year, month_index = divmod(local.year * 12 + local.month - 1 - months, 12)
    day = min(local.day, calendar.monthrange(year, month_index + 1)[1])
    return local.replace(year=year, month=month_index + 1, day=day)


def _files_delete(names: list[str]) -> None:
    """Delete stored files NAMES; one that cannot be deleted is logged, not fatal."""
    import logging

    from initiatives.models import DreamPhoto

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
    if not photos_of_dream:
        return 0
    names = [photo.image.name for photo in photos_of_dream if photo.image.name]
    DreamPhoto.objects.filter(pk__in=[photo.pk for photo in photos_of_dream]).delete()
    transaction.on_commit(lambda: _files_delete(names))
    return len(photos_of_dream)


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
    from initiatives.models import RetentionLog

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
    dream.anonymised_at = timezone.now()
    dream.save(update_fields=fields)
    texts = events.anonymise(text=text)
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
    import uuid

    from accounts.models import ERASED_EMAIL_SUFFIX
    from initiatives.models import RetentionLog
    from initiatives.statuses import WITHDRAWABLE

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
    _sessions_end(resident)

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
    from django.contrib.sessions.models import Session

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
    from initiatives.models import AuditEntry, RetentionLog

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
    from axes.models import AccessAttempt

    sign_in_failures, _kinds = AccessAttempt.objects.filter(
        attempt_time__lte=now - settings.AXES_COOLOFF_TIME
    ).delete()
    unconfirmed, unused_accounts = _unfinished_sign_ups_remove(now)
    # Django never removes expired sessions by itself (its clearsessions command does this).
    from django.contrib.sessions.models import Session

    sessions, _kinds = Session.objects.filter(expire_date__lt=now).delete()
    return {
        "dreams": dreams,
        "audit_entries": removed,
        "sign_in_failures": sign_in_failures,
        "unconfirmed_dreams": unconfirmed,
        "unused_accounts": unused_accounts,
        "expired_sessions": sessions,
    }


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


def audit_record(
    *,
    user: User | None,
    action: str,
    target: str,
    method: str,
    path: str,
    status: int,
    ip: str | None,
):
    """Record that USER viewed personal data or tried a change on the staff side.

    A single INSERT, so it needs no transaction of its own; called by staff/audit.py.
    """
    from initiatives.models import AuditEntry

    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action[:50],
        target=target[:200],
        method=method[:10],
        path=path[:500],
        status=status,
        ip=ip,
    )
