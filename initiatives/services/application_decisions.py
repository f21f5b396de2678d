"""Deciding together on an application to a fund (issue 16, item 4).

Who decides is the fund's rule (Fund.decider), set by the council:

staff               the dream's MogelijkMaker decides
staff_after_advice  the neighbourhood platform's chair records the platform's advice first
                    (for, against, for with conditions; reasons; who took part); then the
                    MogelijkMaker decides
platform            the platform's chair decides within the frame; the MogelijkMaker checks
                    that the decision fits the frame (the criteria, the maximum, the balance)
                    and only then is the money granted

A decision grants all that was asked, or part of it (saying what is and is not funded, line
by line). Refusing a whole application is not done here: it follows the "not possible" route
with its signed letter (services.decision_propose, decision_sign), which closes the dream's
open applications as refused. Advice and decisions are on the dream's timeline, where the
applicant reads them.
"""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from accounts.roles import Role
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Application,
    ApplicationAdvice,
    EventKind,
    Fund,
)
from initiatives.selectors.platforms import platform_for_neighbourhood, platform_is_chair
from initiatives.services._core import (
    _lock,
    _notify_resident,
    _notify_staff,
    _record,
    _require_contact,
    _require_open,
    _require_picked_up,
    _require_role,
    _resident_text,
)
from initiatives.services.grants import grant_for_application

# Where a decision may still be taken.
UNDECIDED = (Application.State.SUBMITTED, Application.State.ADVISED)


def is_platform_chair(user: User, fund: Fund) -> bool:
    """Whether USER chairs the platform of FUND's neighbourhood now (the platforms' own rule:
    selectors.platform_is_chair)."""
    platform = platform_for_neighbourhood(fund.neighbourhood_id)
    return platform is not None and platform_is_chair(platform, user)


def _locked(application: Application) -> Application:
    """APPLICATION read again with its row locked, after its dream's (the services' order)."""
    dream = _lock(application.dream)
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("fund")
        .get(pk=application.pk)
    )
    application.dream = dream
    return application


@transaction.atomic
def application_advise(
    *,
    application: Application,
    by: User,
    verdict: str,
    reasons: str,
    participants: str,
    conditions: str = "",
) -> ApplicationAdvice:
    """Record the platform's advice (its chair writes it down); staff decide after it."""
    application = _locked(application)
    fund = application.fund
    if fund.decider != Fund.Decider.STAFF_AFTER_ADVICE:
        raise NotAllowed(_("This fund does not ask the platform for advice."))
    if not is_platform_chair(by, fund):
        raise NotAllowed(_("Only the chair of the neighbourhood platform records its advice."))
    if application.state != Application.State.SUBMITTED:
        raise NotAllowed(_("This application already has advice or a decision."))
    if verdict not in ApplicationAdvice.Verdict.values:
        raise ValueError("Unknown verdict.")
    reasons, participants, conditions = reasons.strip(), participants.strip(), conditions.strip()
    if not reasons or not participants:
        raise ValueError("Reasons and participants are required.")
    if verdict == ApplicationAdvice.Verdict.CONDITIONS and not conditions:
        raise ValueError("Conditions are required with this verdict.")
    advice = ApplicationAdvice.objects.create(
        application=application,
        verdict=verdict,
        reasons=reasons,
        participants=participants,
        conditions=conditions if verdict == ApplicationAdvice.Verdict.CONDITIONS else "",
        given_by=by,
    )
    application.state = Application.State.ADVISED
    application.save(update_fields=["state"])
    dream = application.dream
    body = _resident_text(
        dream,
        gettext_noop(
            "Advice of the neighbourhood platform on the application to %(fund)s: %(verdict)s."
        ),
        fund=fund.name,
        verdict=_verdict_label(dream, verdict),
    )
    body += f"\n\n{reasons}"
    if advice.conditions:
        body += (
            "\n\n" + _resident_text(dream, gettext_noop("Conditions:")) + f" {advice.conditions}"
        )
    body += "\n\n" + _resident_text(dream, gettext_noop("Who took part:")) + f" {participants}"
    event = _record(dream=dream, kind=EventKind.ADVICE, public=True, actor=by, body=body)
    _notify_resident(dream, event)
    if dream.contact is not None:
        _notify_staff(
            to=dream.contact,
            template="staff_application_advised",
            dream=dream,
            context={"application": application, "advice": advice},
            digest=gettext_noop("The platform advised on the application for “%(title)s”."),
            title=dream.title,
        )
    return advice


def _verdict_label(dream, verdict: str) -> str:
    words = {
        ApplicationAdvice.Verdict.FOR: gettext_noop("for"),
        ApplicationAdvice.Verdict.CONDITIONS: gettext_noop("for, with conditions"),
        ApplicationAdvice.Verdict.AGAINST: gettext_noop("against"),
    }
    return _resident_text(dream, words[verdict])


@transaction.atomic
def application_decide(
    *,
    application: Application,
    by: User,
    line_amounts: dict[int, Decimal],
    reasons: str,
    not_funded: str = "",
) -> Application:
    """Grant APPLICATION, all of it or part: LINE_AMOUNTS gives what each budget line gets
    (its id → an amount from 0 to the line's amount). A partial grant says what is not
    funded. Staff decide (the dream's MogelijkMaker, after the platform's advice when the
    fund asks for it) and the money is granted at once; under the platform rule its chair
    decides and the MogelijkMaker then checks the frame (application_frame_check)."""
    application = _locked(application)
    fund, dream = application.fund, application.dream
    if application.state not in UNDECIDED:
        raise NotAllowed(_("This application has already been decided."))
    _require_open(dream)
    if fund.decider == Fund.Decider.PLATFORM:
        if not is_platform_chair(by, fund):
            raise NotAllowed(
                _("The neighbourhood platform decides on this fund: its chair records it.")
            )
    else:
        _require_role(by, Role.ENABLER)
        _require_picked_up(dream)
        _require_contact(dream, by)
        if fund.decider == Fund.Decider.STAFF_AFTER_ADVICE and application.state != (
            Application.State.ADVISED
        ):
            raise NotAllowed(_("This fund asks the neighbourhood platform's advice first."))
    reasons, not_funded = reasons.strip(), not_funded.strip()
    if not reasons:
        raise ValueError("Reasons are required.")
    total = _granted_lines(application, line_amounts)
    if total <= 0:
        raise NotAllowed(
            _("Nothing is granted. To refuse the whole application, propose “not possible”.")
        )
    partial = total < application.requested
    if partial and not not_funded:
        raise ValueError("Say what is not funded.")
    if fund.max_per_application is not None and total > fund.max_per_application:
        raise NotAllowed(_("That is more than this fund gives per application."))
    application.granted = total
    application.not_funded = not_funded if partial else ""
    application.decision_reasons = reasons
    application.decided_by, application.decided_at = by, timezone.now()
    if fund.decider == Fund.Decider.PLATFORM:
        application.state = Application.State.FRAME_CHECK
    else:
        application.state = (
            Application.State.PARTLY_GRANTED if partial else Application.State.GRANTED
        )
        grant_for_application(
            application=application, by=by, amount=total, purpose=_purpose(application)
        )
    application.save(
        update_fields=[
            "granted",
            "not_funded",
            "decision_reasons",
            "decided_by",
            "decided_at",
            "state",
        ]
    )
    _announce_decision(application, by)
    return application


def _granted_lines(application: Application, line_amounts: dict[int, Decimal]) -> Decimal:
    """Write what each budget line gets; return the total. Every line must be named once."""
    lines = list(application.lines.select_for_update())
    if {line.pk for line in lines} != set(line_amounts):
        raise ValueError("Every budget line needs an amount.")
    for line in lines:
        amount = line_amounts[line.pk]
        if amount < 0 or amount > line.amount:
            raise ValueError("A line gets at most what it asked for.")
        line.granted = amount
        line.save(update_fields=["granted"])
    return sum((line.granted for line in lines), Decimal(0))


def _purpose(application: Application) -> str:
    return _resident_text(
        application.dream,
        gettext_noop("application to %(fund)s"),
        fund=application.fund.name,
    )[:300]


def _announce_decision(application: Application, by: User) -> None:
    dream = application.dream
    if application.state == Application.State.FRAME_CHECK:
        message = gettext_noop(
            "The neighbourhood platform grants € %(amount)s of € %(requested)s. The "
            "municipality checks that it fits the fund's frame; then the money is yours."
        )
    elif application.state == Application.State.PARTLY_GRANTED:
        message = gettext_noop(
            "Your application is partly granted: € %(amount)s of € %(requested)s."
        )
    else:
        message = gettext_noop("Your application is granted: € %(amount)s.")
    body = _resident_text(
        dream, message, amount=application.granted, requested=application.requested
    )
    body += f"\n\n{application.decision_reasons}"
    if application.not_funded:
        body += (
            "\n\n"
            + _resident_text(dream, gettext_noop("Not funded:"))
            + f" {application.not_funded}"
        )
    event = _record(
        dream=dream, kind=EventKind.APPLICATION_DECIDED, public=True, actor=by, body=body
    )
    _notify_resident(dream, event)


@transaction.atomic
def application_frame_check(
    *, application: Application, by: User, fits: bool, note: str = ""
) -> Application:
    """The MogelijkMaker checks a platform's decision against the fund's frame: when it fits,
    the money is granted; when it does not, the application goes back to the platform with
    the reason (NOTE), and nothing is granted."""
    application = _locked(application)
    dream = application.dream
    _require_role(by, Role.ENABLER)
    _require_picked_up(dream)
    _require_contact(dream, by)
    if application.state != Application.State.FRAME_CHECK:
        raise NotAllowed(_("There is no platform decision to check on this application."))
    note = note.strip()
    if fits:
        _require_open(dream)
        partial = application.granted < application.requested
        application.state = (
            Application.State.PARTLY_GRANTED if partial else Application.State.GRANTED
        )
        application.frame_note = ""
        grant_for_application(
            application=application,
            by=by,
            amount=application.granted,
            purpose=_purpose(application),
        )
        application.save(update_fields=["state", "frame_note"])
        return application
    if not note:
        raise ValueError("Say why the decision does not fit the frame.")
    application.state = Application.State.SUBMITTED
    application.frame_note = note
    application.granted = None
    application.not_funded = ""
    application.decided_by = application.decided_at = None
    application.save(
        update_fields=["state", "frame_note", "granted", "not_funded", "decided_by", "decided_at"]
    )
    application.lines.update(granted=None)
    body = _resident_text(
        dream,
        gettext_noop(
            "The platform's decision does not fit the fund's frame; the platform decides again."
        ),
    )
    _record(
        dream=dream,
        kind=EventKind.APPLICATION_DECIDED,
        public=True,
        actor=by,
        body=f"{body}\n\n{note}",
    )
    return application


def applications_refused_with_dream(dream, by: User, letter: str) -> int:
    """The dream became *not possible* (a signed letter): its undecided applications are
    refused with it. Return how many. Called by services.decision_sign, in its transaction."""
    return Application.objects.filter(
        dream=dream, state__in=(*UNDECIDED, Application.State.FRAME_CHECK)
    ).update(
        state=Application.State.REFUSED,
        decided_by=by,
        decided_at=timezone.now(),
        decision_reasons=letter,
        granted=None,
    )
