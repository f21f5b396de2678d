"""Dilemmas and exceptions in the open (issue 17).

Heusden makes "no new rule for one exception": a MogelijkMaker who decides outside a rule
records it as an exception (which rule, why, who agreed), and a dilemma met along the way is
written down too. Managers discuss the open ones in the weekly meeting and note an outcome
per item. Nothing here approves or blocks anything: it is a record, in the spirit of trust.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/dilemmas.py and initiatives/selectors/dilemmas.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream, Review


class Dilemma(models.Model):
    class Kind(models.TextChoices):
        DILEMMA = "dilemma", _("Dilemma")
        EXCEPTION = "exception", _("Exception to a rule")

    class Outcome(models.TextChoices):
        OPEN = "open", _("To discuss")
        NO_NEW_RULE = "no_new_rule", _("Discussed: no new rule")
        FOLLOW_UP = "follow_up", _("Discussed: follow-up")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="dilemmas", verbose_name=_("dream")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    summary = models.CharField(_("what was decided or is in doubt"), max_length=300)
    rule = models.CharField(
        _("which rule"),
        max_length=300,
        blank=True,
        help_text=_("For an exception: the rule the decision departs from."),
    )
    why = models.TextField(_("why"), max_length=3000)
    agreed_with = models.CharField(_("who agreed"), max_length=300, blank=True)
    # Set when the dilemma was written in a core-value review.
    review = models.ForeignKey(
        Review,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dilemmas",
        verbose_name=_("core-value review"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN
    )
    outcome_note = models.TextField(_("what was agreed"), max_length=3000, blank=True)
    discussed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("discussed by"),
    )
    discussed_at = models.DateTimeField(_("discussed"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("dilemma or exception")
        verbose_name_plural = _("dilemmas and exceptions")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(kind="exception") | ~models.Q(rule=""),
                name="dilemma_exception_names_rule",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="open") | models.Q(discussed_at__isnull=False),
                name="dilemma_outcome_has_date",
            ),
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(outcome="open"),
                name="dilemma_open",
            ),
        ]

    def __str__(self) -> str:
        return self.summary
