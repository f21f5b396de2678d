"""A dream's plan (issue 17): what it needs, and who covers it.

"Schuiven met budgetten": the best results come from combining budgets and expertise, not
from asking which pot a dream fits. A PlanNeed is one thing the dream needs (money, hours,
materials); a Contribution is one source covering it: a grant from one of the funds, a
partner's money, hours or materials, the residents' own hours, or someone else. The
workspace shows per need what is covered and what is still open.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/plans.py and initiatives/selectors/plans.py.
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream, Grant
from initiatives.partner_models import Organisation, PartnerInvitation


class ContributionKind(models.TextChoices):
    MONEY = "money", _("Money")
    HOURS = "hours", _("Hours")
    MATERIALS = "materials", _("Materials")


class PlanNeed(models.Model):
    """One thing the dream needs: an amount of money, a number of hours, or materials (with
    an estimated value when known)."""

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="plan_needs", verbose_name=_("dream")
    )
    description = models.CharField(_("what is needed"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10, choices=ContributionKind.choices)
    amount = models.DecimalField(
        _("amount (euro)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01)],
        help_text=_("For money, or the estimated value of materials."),
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1)],
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["dream", "created_at", "id"]
        verbose_name = _("need in the plan")
        verbose_name_plural = _("needs in the plan")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="money") | models.Q(amount__isnull=False),
                name="plan_need_money_has_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="hours") | models.Q(hours__isnull=False),
                name="plan_need_hours_has_hours",
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Contribution(models.Model):
    """One source covering (part of) the plan."""

    class Source(models.TextChoices):
        FUND = "fund", _("Grant from a fund")
        PARTNER = "partner", _("Partner")
        RESIDENTS = "residents", _("The residents themselves")
        OTHER = "other", _("Someone else")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="contributions", verbose_name=_("dream")
    )
    need = models.ForeignKey(
        PlanNeed,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("covers"),
        help_text=_("Empty: for the dream as a whole."),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=ContributionKind.choices)
    grant = models.ForeignKey(
        Grant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("grant"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("partner"),
    )
    # Set when the partner recorded it themselves, through their link.
    invitation = models.ForeignKey(
        PartnerInvitation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        verbose_name=_("through the partner's link"),
    )
    other_source = models.CharField(_("who else"), max_length=150, blank=True)
    amount = models.DecimalField(
        _("amount (euro)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01)],
    )
    hours = models.DecimalField(
        _("hours"),
        max_digits=7,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.1)],
    )
    description = models.CharField(_("what exactly"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the partner recorded it through their link."),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["dream", "created_at", "id"]
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source="fund") | models.Q(grant__isnull=False),
                name="contribution_fund_has_grant",
            ),
            models.CheckConstraint(
                condition=~models.Q(source="partner") | models.Q(organisation__isnull=False),
                name="contribution_partner_has_organisation",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="money") | models.Q(amount__isnull=False),
                name="contribution_money_has_amount",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="hours") | models.Q(hours__isnull=False),
                name="contribution_hours_has_hours",
            ),
            # A grant covers the plan once.
            models.UniqueConstraint(
                fields=["grant"],
                condition=models.Q(grant__isnull=False, withdrawn_at__isnull=True),
                name="contribution_grant_once",
            ),
        ]
        indexes = [
            # The weekly report: partners' contributions recorded in a week.
            models.Index(fields=["source", "created_at"], name="contribution_source_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.description or self.get_kind_display()}"
