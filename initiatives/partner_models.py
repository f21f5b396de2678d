"""Partners (issue 17): organisations that help residents, each with one face at the
municipality, and their dream-scoped links.

A housing corporation, a school, a business, a care or welfare organisation "wants one
face": one contact who is responsible for their question. An Organisation records who they
are, who their contact person is and which member of staff is their one face. A
MogelijkMaker invites the organisation's contact to one dream (PartnerInvitation): they
need no account. The link holds a token of which only a hash is kept; it opens that one
dream until it expires or is withdrawn. What the partner does through it (a message, a
contribution) is a timeline event of the dream.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/partners.py and initiatives/selectors/partners.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream


class Organisation(models.Model):
    class Kind(models.TextChoices):
        HOUSING = "housing", _("Housing corporation")
        SCHOOL = "school", _("School")
        BUSINESS = "business", _("Business")
        CARE = "care", _("Care or welfare organisation")
        ASSOCIATION = "association", _("Association or foundation")
        OTHER = "other", _("Other organisation")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=150, unique=True)
    contact_name = models.CharField(_("contact person"), max_length=150)
    contact_email = models.EmailField(_("contact person's email address"))
    contact_phone = models.CharField(_("contact person's phone number"), max_length=30, blank=True)
    one_face = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="partner_organisations",
        verbose_name=_("one face at the municipality"),
        help_text=_("The member of staff who is responsible for this partner's questions."),
    )
    notes = models.TextField(
        _("what they can offer"),
        max_length=2000,
        blank=True,
        help_text=_("Expertise, budgets, people: what to think of when a dream needs it."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")

    def __str__(self) -> str:
        return self.name


class PartnerInvitation(models.Model):
    """An organisation's contact invited to one dream, as helper or co-owner.

    The link works while it is neither expired nor withdrawn: GET shows the dream as far as
    the resident agreed to share it, POST acts (a message, a contribution).
    """

    class Role(models.TextChoices):
        HELPER = "helper", _("Helper")
        CO_OWNER = "co_owner", _("Co-owner")

    dream = models.ForeignKey(
        Dream,
        on_delete=models.PROTECT,
        related_name="partner_invitations",
        verbose_name=_("dream"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.HELPER)
    # Who the link was sent to, as it was then: the organisation's contact may change later.
    email = models.EmailField(_("sent to"))
    message = models.TextField(_("message with the invitation"), max_length=2000, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("partner invitation")
        verbose_name_plural = _("partner invitations")
        constraints = [
            # One live invitation per organisation and dream: inviting again renews it.
            models.UniqueConstraint(
                fields=["dream", "organisation"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="partner_invitation_once_per_dream",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.dream}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.withdrawn_at is None and self.expires_at > now
