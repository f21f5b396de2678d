"""Neighbourhood platforms: residents who own their neighbourhood's agenda (issue 16).

A platform is a neighbourhood's residents organised, as Capelle's *Wijk Overleg Platform*:
the administrator creates it (not every neighbourhood has one), its chair and members are
residents, invited by the chair or by staff and joining by a link. Its agenda is the
neighbourhood's own priorities ("opgaven"), written by the platform and dated, each with the
dreams that serve it. Members read the dreams of their neighbourhood that residents chose to
share with the platform (Dream.shared_with_platform), never a resident's personal data.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/platforms.py and initiatives/selectors/platforms.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream, Neighbourhood


class Platform(models.Model):
    neighbourhood = models.OneToOneField(
        Neighbourhood,
        on_delete=models.PROTECT,
        related_name="platform",
        verbose_name=_("neighbourhood"),
    )
    name = models.CharField(
        _("name"), max_length=120, help_text=_("For example: Wijkplatform Oostgaarde.")
    )
    slug = models.SlugField(_("web address"), max_length=120, unique=True)
    introduction = models.TextField(
        _("introduction"),
        max_length=3000,
        blank=True,
        help_text=_("Who the platform is and how to take part. Shown on its public page."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood platform")
        verbose_name_plural = _("neighbourhood platforms")

    def __str__(self) -> str:
        return self.name


class PlatformMember(models.Model):
    """A resident's membership of a platform. Leaving ends it (left_at); it is kept, so that
    who took part in an advice stays known."""

    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        CHAIR = "chair", _("Chair")

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("platform")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="platform_memberships",
        verbose_name=_("resident"),
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        ordering = ["platform", "joined_at", "id"]
        verbose_name = _("platform member")
        verbose_name_plural = _("platform members")
        constraints = [
            # A resident is a member once at a time (they may leave and join again).
            models.UniqueConstraint(
                fields=["platform", "user"],
                condition=models.Q(left_at__isnull=True),
                name="platform_member_once",
            ),
            # One chair at a time.
            models.UniqueConstraint(
                fields=["platform"],
                condition=models.Q(left_at__isnull=True, role="chair"),
                name="platform_one_chair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.platform})"

    @property
    def is_active(self) -> bool:
        return self.left_at is None


class PlatformInvitation(models.Model):
    """An invitation to join a platform, sent to an email address. The link holds a token
    of which only a hash is kept; it works once, until it expires or is withdrawn."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("platform")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=PlatformMember.Role.choices,
        default=PlatformMember.Role.MEMBER,
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("invited by"),
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("platform invitation")
        verbose_name_plural = _("platform invitations")

    def __str__(self) -> str:
        return f"{self.email} → {self.platform}"


class AgendaItem(models.Model):
    """One of the neighbourhood's own priorities ("opgave"), with the dreams that serve it."""

    platform = models.ForeignKey(
        Platform, on_delete=models.CASCADE, related_name="agenda", verbose_name=_("platform")
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("what and why"), max_length=3000)
    set_on = models.DateField(_("on the agenda since"), default=timezone.localdate)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    dreams = models.ManyToManyField(
        Dream, blank=True, related_name="agenda_items", verbose_name=_("dreams that serve it")
    )

    class Meta:
        ordering = ["platform", "position", "set_on", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return self.title
