"""Applications to a fund, by a resident or an organisation (issue 16).

An application always rides on a dream (an existing one, or one handed in with it): the
dream's one face, timeline and mails are the application's too. It holds a budget plan in
lines, what the applicant brings themselves (money and hours), other sources of money, and
an answer to each of the fund's criteria as they read when the application was made.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/applications.py and initiatives/selectors/applications.py.
"""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream, Fund

# The Dutch Chamber of Commerce (KvK) number: eight digits.
KVK_NUMBER = RegexValidator(r"^\d{8}$", _("A KvK number has 8 digits, for example 12345678."))


class Application(models.Model):
    class Applicant(models.TextChoices):
        RESIDENT = "resident", _("A resident")
        ORGANISATION = "organisation", _("An organisation")

    class OrganisationKind(models.TextChoices):
        FOUNDATION = "foundation", _("Foundation (stichting)")
        ASSOCIATION = "association", _("Association (vereniging)")
        SCHOOL = "school", _("School")
        OTHER = "other", _("Other organisation")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Handed in")
        ADVISED = "advised", _("Advice given")
        # The platform decided within the frame; the municipality checks the frame.
        FRAME_CHECK = "frame_check", _("Decided by the platform; the municipality checks it")
        GRANTED = "granted", _("Granted")
        PARTLY_GRANTED = "partly_granted", _("Partly granted")
        REFUSED = "refused", _("Not granted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="applications", verbose_name=_("dream")
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="applications", verbose_name=_("fund")
    )
    applicant = models.CharField(_("who applies"), max_length=20, choices=Applicant.choices)
    organisation_name = models.CharField(_("name of the organisation"), max_length=200, blank=True)
    organisation_kind = models.CharField(
        _("kind of organisation"), max_length=20, choices=OrganisationKind.choices, blank=True
    )
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, validators=[KVK_NUMBER]
    )
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    signatory = models.CharField(_("who signs for the organisation"), max_length=150, blank=True)
    signatory_role = models.CharField(_("their role"), max_length=100, blank=True)
    own_money = models.DecimalField(
        _("own contribution in money"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    own_hours = models.PositiveIntegerField(_("own contribution in hours"), default=0)
    other_sources = models.TextField(
        _("other sources of money"),
        max_length=2000,
        blank=True,
        help_text=_("Who else pays a part, and how much. Empty if nobody else does."),
    )
    requested = models.DecimalField(
        _("amount asked for"), max_digits=12, decimal_places=2, editable=False
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("handed in by"),
    )
    submitted_at = models.DateTimeField(_("handed in"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reasons = models.TextField(_("reasons"), max_length=3000, blank=True)
    granted = models.DecimalField(
        _("amount granted"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    frame_note = models.TextField(
        _("the municipality's check of the frame"),
        max_length=2000,
        blank=True,
        help_text=_("Why a platform's decision does not fit the fund's frame (when it does not)."),
    )
    not_funded = models.TextField(
        _("what is not funded"),
        max_length=2000,
        blank=True,
        help_text=_("With a partial grant: what the money does not cover, and why."),
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["fund", "state"], name="application_fund_state")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(requested__gt=0), name="application_requested_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(own_money__gte=0), name="application_own_money_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(granted__isnull=True)
                | models.Q(granted__gte=0, granted__lte=models.F("requested")),
                name="application_granted_within_requested",
            ),
            # An organisation is known by its name, its KvK number and who signs for it.
            models.CheckConstraint(
                condition=models.Q(applicant="resident")
                | (
                    ~models.Q(organisation_name="")
                    & ~models.Q(signatory="")
                    & ~models.Q(contact_person="")
                    & ~models.Q(organisation_kind="")
                ),
                name="application_organisation_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund}: {self.dream}"

    @property
    def by_organisation(self) -> bool:
        return self.applicant == self.Applicant.ORGANISATION


class BudgetLine(models.Model):
    """One line of an application's budget plan; after a partial grant, what it got."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="lines", verbose_name=_("application")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    description = models.CharField(_("what for"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    granted = models.DecimalField(
        _("granted"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["application", "position", "id"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="budget_line_amount_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(granted__isnull=True)
                | models.Q(granted__gte=0, granted__lte=models.F("amount")),
                name="budget_line_granted_within_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: € {self.amount}"


class CriterionAnswer(models.Model):
    """The applicant's answer to one of the fund's criteria, with the criterion as it read."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="answers", verbose_name=_("application")
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    criterion = models.CharField(_("criterion"), max_length=300)
    answer = models.TextField(_("answer"), max_length=2000)

    class Meta:
        ordering = ["application", "position", "id"]
        verbose_name = _("answer to a criterion")
        verbose_name_plural = _("answers to the criteria")

    def __str__(self) -> str:
        return self.criterion


class ApplicationAdvice(models.Model):
    """The neighbourhood platform's advice on an application: for, against, or for with
    conditions; its reasons and who took part. Shown on the dream's timeline, to the
    applicant too, before staff decide (Fund.Decider.STAFF_AFTER_ADVICE)."""

    class Verdict(models.TextChoices):
        FOR = "for", _("For")
        CONDITIONS = "conditions", _("For, with conditions")
        AGAINST = "against", _("Against")

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="advice", verbose_name=_("application")
    )
    verdict = models.CharField(_("advice"), max_length=20, choices=Verdict.choices)
    conditions = models.TextField(_("conditions"), max_length=2000, blank=True)
    reasons = models.TextField(_("reasons"), max_length=3000)
    participants = models.CharField(
        _("who took part"),
        max_length=300,
        help_text=_("For example: 7 members at the meeting of 3 March."),
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    given_at = models.DateTimeField(_("given"), default=timezone.now)

    class Meta:
        verbose_name = _("platform advice")
        verbose_name_plural = _("platform advice")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(verdict="conditions") | ~models.Q(conditions=""),
                name="advice_conditions_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_verdict_display()}: {self.application}"


class Accountability(models.Model):
    """Accounting for a granted application afterwards (verantwoording): the applicant says in
    plain words what was done and spent, with photos and receipts; the MogelijkMaker accepts
    it or asks a question, which the applicant answers by reporting again."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Sent, waiting for the municipality")
        QUESTION = "question", _("The municipality has a question")
        ACCEPTED = "accepted", _("Accounted for")

    application = models.OneToOneField(
        Application,
        on_delete=models.CASCADE,
        related_name="accountability",
        verbose_name=_("application"),
    )
    report = models.TextField(_("what happened, in your own words"), max_length=5000)
    spent = models.DecimalField(
        _("money spent"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    submitted_at = models.DateTimeField(_("sent"), default=timezone.now)
    question = models.TextField(_("question from the municipality"), max_length=2000, blank=True)
    asked_at = models.DateTimeField(_("question asked"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("accountability")
        verbose_name_plural = _("accountabilities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(spent__gte=0), name="accountability_spent_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()}: {self.application}"


def _accountability_path(instance: "AccountabilityFile", filename: str) -> str:
    # A random name: a stored file's path says nothing about the dream or the resident.
    return f"accountability/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class AccountabilityFile(models.Model):
    """A photo of what was made, or of a receipt, cleaned as a dream's photos are."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        RECEIPT = "receipt", _("Receipt")

    accountability = models.ForeignKey(
        Accountability,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("accountability"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    image = models.FileField(_("file"), upload_to=_accountability_path)
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("photo or receipt")
        verbose_name_plural = _("photos and receipts")

    def __str__(self) -> str:
        return self.image.name
