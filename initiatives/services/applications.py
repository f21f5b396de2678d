"""Applying to a fund (issue 16): a resident applies, for themselves or for an organisation,
with a budget plan, what they bring themselves and an answer to each of the fund's criteria.

The application rides on a dream: one of the resident's own open dreams, or a new one handed
in with it (dreams.dream_submit), so the dream's one face, timeline and mails are the
application's too. All of it is stored in one transaction, or nothing is.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User
from initiatives.application_models import KVK_NUMBER
from initiatives.exceptions import NotAllowed
from initiatives.models import (
    Application,
    BudgetLine,
    CriterionAnswer,
    Dream,
    EventKind,
    Fund,
    Neighbourhood,
)
from initiatives.notifications import mail_queue
from initiatives.selectors.applications import APPLICATION_PENDING
from initiatives.services._core import _dream_link, _lock, _notify_staff, _record, _resident_text
from initiatives.services.dreams import dream_submit
from initiatives.services.sign_in import dream_link_build
from initiatives.statuses import is_open

# What an organisation that applies must tell: (field, the message when it is missing).
ORGANISATION_FIELDS = {
    "organisation_name": gettext_noop("Fill in the name of the organisation."),
    "kvk_number": gettext_noop("Fill in the KvK number of the organisation (8 digits)."),
    "contact_person": gettext_noop("Fill in who we can contact at the organisation."),
    "signatory": gettext_noop("Fill in who signs for the organisation."),
    "signatory_role": gettext_noop("Fill in the role of the person who signs."),
}
# Every field that describes the organisation that applies.
ORGANISATION_KEYS = ("organisation_kind", *ORGANISATION_FIELDS)
CENT = Decimal("0.01")
# The largest amount a line or a contribution can hold (12 digits, 2 after the comma).
AMOUNT_LIMIT = Decimal("9999999999.99")


def _euro(amount: Decimal) -> str:
    return f"€ {number_format(amount, 2, force_grouping=True)}"


def application_fund_refusal(fund: Fund) -> str | None:
    """Return why nobody can apply to FUND now, in words for the resident; None when they can.

    A fund takes applications when it is open for them and its budget year is this year.
    """
    year = timezone.localdate().year
    if not fund.open_for_applications:
        return _("This fund does not take applications at the moment.")
    if fund.year < year:
        return _(
            "The budget year %(year)s of this fund is closed. You can no longer apply to it."
        ) % {"year": fund.year}
    if fund.year > year:
        return _(
            "The budget year %(year)s of this fund has not started yet. You can apply from "
            "1 January %(year)s."
        ) % {"year": fund.year}
    return None


def _dream_problem(*, resident: User, fund: Fund, dream: Dream) -> str | None:
    if dream.resident_id != resident.pk:
        return _("Choose one of your own dreams.")
    if not is_open(dream):
        return _(
            "This dream is closed or not handed in yet. Choose an open dream, or describe a "
            "new one."
        )
    if fund.neighbourhood_id is not None and dream.neighbourhood_id != fund.neighbourhood_id:
        return _("This fund is for dreams in %(neighbourhood)s.") % {
            "neighbourhood": fund.neighbourhood.name
        }
    pending = Application.objects.filter(dream=dream, fund=fund, state__in=APPLICATION_PENDING)
    if pending.exists():
        return _("This dream already has an application to this fund that waits for a decision.")
    return None


def application_problems(
    *,
    resident: User,
    fund: Fund,
    dream: Dream | None = None,
    new_dream_neighbourhood: Neighbourhood | None = None,
    applicant: str,
    organisation: Mapping[str, str] | None = None,
    lines: Sequence[tuple[str, Decimal]] | None,
    own_money: Decimal | None = Decimal(0),
    own_hours: int | None = 0,
    answers: Sequence[str] | None,
) -> dict[str, str]:
    """Return what keeps this application from being handed in: {field: message}, or {}.

    The application rides on DREAM (the resident's own), or on a new dream in
    NEW_DREAM_NEIGHBOURHOOD when DREAM is None. LINES are the budget plan (what for,
    amount); ANSWERS one per criterion of the fund, in order. None for LINES, ANSWERS,
    OWN_MONEY or OWN_HOURS: not known yet (the form found a mistake in it already), so not
    checked here. The keys are the form's: fund, dream, applicant, organisation_kind, the
    ORGANISATION_FIELDS, lines, own_money, own_hours, answers and answer_<n> (from 0).
    """
    problems: dict[str, str] = {}
    refusal = application_fund_refusal(fund)
    if refusal:
        problems["fund"] = refusal
    if dream is not None:
        problem = _dream_problem(resident=resident, fund=fund, dream=dream)
        if problem:
            problems["dream"] = problem
    elif (
        fund.neighbourhood_id is not None
        and new_dream_neighbourhood is not None
        and new_dream_neighbourhood.pk != fund.neighbourhood_id
    ):
        problems["dream"] = _("This fund is for dreams in %(neighbourhood)s.") % {
            "neighbourhood": fund.neighbourhood.name
        }
    if applicant not in Application.Applicant.values:
        problems["applicant"] = _("Choose who applies: you, or an organisation.")
    elif applicant == Application.Applicant.ORGANISATION:
        organisation = organisation or {}
        if organisation.get("organisation_kind") not in Application.OrganisationKind.values:
            problems["organisation_kind"] = _("Choose what kind of organisation it is.")
        for field, message in ORGANISATION_FIELDS.items():
            if not (organisation.get(field) or "").strip():
                problems[field] = _(message)
        kvk = kvk_number_clean(organisation.get("kvk_number") or "")
        if kvk and "kvk_number" not in problems:
            try:
                KVK_NUMBER(kvk)
            except ValidationError as exc:
                problems["kvk_number"] = str(exc.messages[0])
    if lines is not None:
        problem = _lines_problem(fund, lines)
        if problem:
            problems["lines"] = problem
    if own_money is not None and (own_money < 0 or own_money > AMOUNT_LIMIT):
        problems["own_money"] = _("Fill in 0 or more euro.")
    if own_hours is not None and own_hours < 0:
        problems["own_hours"] = _("Fill in 0 or more hours.")
    if answers is not None:
        criteria = fund.criteria_list
        if len(answers) != len(criteria):
            problems["answers"] = _("Answer each of the fund's criteria.")
        for number, answer in enumerate(answers):
            if not answer.strip():
                problems[f"answer_{number}"] = _("Answer this criterion.")
    return problems


def _lines_problem(fund: Fund, lines: Sequence[tuple[str, Decimal]]) -> str | None:
    if not lines:
        return _("Add at least one line to your budget plan: what for, and how much.")
    for description, amount in lines:
        if not description.strip():
            return _("Say for each line of the budget plan what the money is for.")
        if len(description) > 200:
            return _("Describe each line of the budget plan in at most 200 characters.")
        if amount <= 0 or amount > AMOUNT_LIMIT or amount != amount.quantize(CENT):
            return _("Each amount in the budget plan must be more than € 0, in euro and cents.")
    total = sum((amount for _description, amount in lines), Decimal(0))
    if fund.max_per_application is not None and total > fund.max_per_application:
        return _(
            "Together you ask for %(total)s. This fund gives at most %(maximum)s per "
            "application. Make your budget plan smaller."
        ) % {"total": _euro(total), "maximum": _euro(fund.max_per_application)}
    return None


def kvk_number_clean(value: str) -> str:
    """Return a KvK number as typed without its spaces ("1234 5678" is 12345678)."""
    return "".join(value.split())


@transaction.atomic
def application_submit(
    *,
    resident: User,
    fund: Fund,
    dream: Dream | None = None,
    new_dream: Mapping | None = None,
    applicant: str,
    organisation: Mapping[str, str] | None = None,
    lines: Sequence[tuple[str, Decimal]],
    own_money: Decimal = Decimal(0),
    own_hours: int = 0,
    other_sources: str = "",
    answers: Sequence[str],
) -> Application:
    """Hand in RESIDENT's application to FUND, riding on DREAM or on NEW_DREAM.

    NEW_DREAM holds dream_submit's fields: the dream is handed in with the application, as
    any new dream (the triage queue, its mail). The application goes on the dream's
    timeline, the resident gets a confirmation and the dream's MogelijkMaker, when it has
    one, hears of it. Raises ValidationError({field: message}) (application_problems, and
    the new dream's own checks) and stores nothing then; NotAllowed for a staff account.
    """
    if resident.is_staff:
        raise NotAllowed(_("Staff cannot apply to a fund. Residents and organisations can."))
    fund = Fund.objects.select_related("neighbourhood").get(pk=fund.pk)
    if dream is not None:
        dream = _lock(dream)  # a second application at the same moment waits, then is refused
    elif new_dream is None:
        raise ValidationError({"dream": _("Choose one of your dreams, or describe a new one.")})
    lines = [(description.strip(), amount) for description, amount in lines]
    problems = application_problems(
        resident=resident,
        fund=fund,
        dream=dream,
        new_dream_neighbourhood=(new_dream or {}).get("neighbourhood"),
        applicant=applicant,
        organisation=organisation,
        lines=lines,
        own_money=own_money,
        own_hours=own_hours,
        answers=answers,
    )
    if problems:
        raise ValidationError(problems)
    if dream is None:
        dream = dream_submit(resident=resident, confirmed=True, **new_dream)
    organisation = organisation or {}
    by_organisation = applicant == Application.Applicant.ORGANISATION
    application = Application(
        dream=dream,
        fund=fund,
        applicant=applicant,
        requested=sum((amount for _description, amount in lines), Decimal(0)),
        own_money=own_money,
        own_hours=own_hours,
        other_sources=other_sources.strip(),
        submitted_by=resident,
        **{
            field: (
                kvk_number_clean(organisation.get(field) or "")
                if field == "kvk_number"
                else (organisation.get(field) or "").strip()
            )
            if by_organisation
            else ""
            for field in ORGANISATION_KEYS
        },
    )
    application.full_clean()
    application.save()
    application.line_list = BudgetLine.objects.bulk_create(
        BudgetLine(application=application, position=number, description=description, amount=amount)
        for number, (description, amount) in enumerate(lines)
    )
    application.answer_list = CriterionAnswer.objects.bulk_create(
        CriterionAnswer(
            application=application,
            position=number,
            criterion=criterion[:300],
            answer=answer.strip(),
        )
        for number, (criterion, answer) in enumerate(zip(fund.criteria_list, answers, strict=True))
    )
    _announce(application, dream, fund, resident)
    return application


def _announce(application: Application, dream: Dream, fund: Fund, resident: User) -> None:
    """Put APPLICATION on its dream's timeline, confirm it to the resident, tell the contact."""
    if application.by_organisation:
        body = _resident_text(
            dream,
            gettext_noop("€ %(amount)s asked from %(fund)s, for %(organisation)s."),
            amount=application.requested,
            fund=fund.name,
            organisation=application.organisation_name,
        )
    else:
        body = _resident_text(
            dream,
            gettext_noop("€ %(amount)s asked from %(fund)s."),
            amount=application.requested,
            fund=fund.name,
        )
    _record(dream=dream, kind=EventKind.APPLICATION, public=True, actor=resident, body=body)
    mail_queue(
        to=dream.resident,
        template="application_submitted",
        dream=dream,
        context={
            "application": application,
            "fund": fund,
            "link": dream_link_build(dream),
            "link_days": settings.DREAM_LINK_DAYS,
        },
    )
    if dream.contact_id is not None and dream.contact.is_active:
        _notify_staff(
            to=dream.contact,
            template="staff_application_submitted",
            dream=dream,
            context={"application": application, "fund": fund, "link": _dream_link(dream)},
            digest=gettext_noop("An application to %(fund)s for “%(title)s”."),
            fund=fund.name,
            title=dream.title,
        )
