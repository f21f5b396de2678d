import uuid
from pathlib import PurePath

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.statuses import Status


class Neighbourhood(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("yearly amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="fund_unique_name_year"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="fund_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"


class Dream(models.Model):
    """A resident's initiative: what they dream of and what they will do themselves."""

    resident = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dreams",
        verbose_name=_("resident"),
    )
    title = models.CharField(_("title"), max_length=120)
    story = models.TextField(_("your dream"), max_length=5000)
    own_contribution = models.TextField(_("what I will do myself"), max_length=3000)
    needs_from_municipality = models.TextField(
        _("what I need from the municipality"), max_length=3000
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, verbose_name=_("neighbourhood")
    )
    location = models.CharField(_("street or spot"), max_length=200, blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, verbose_name=_("theme"))
    show_publicly = models.BooleanField(_("may be shown publicly once realised"), default=False)
    contact_name = models.CharField(_("name"), max_length=150, blank=True)
    contact_phone = models.CharField(_("phone number"), max_length=30, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    contact = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="dreams_in_care",
        verbose_name=_("MogelijkMaker"),
        help_text=_("The one face: the resident's single contact person."),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    last_public_update_at = models.DateTimeField(
        _("last update for the resident"), null=True, blank=True
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dream")
        verbose_name_plural = _("dreams")
        indexes = [
            models.Index(fields=["resident", "-created_at"], name="dream_resident_recent"),
            models.Index(fields=["status", "submitted_at"], name="dream_status_submitted"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="dream_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title


def _photo_path(instance: "DreamPhoto", filename: str) -> str:
    # A random name: a stored file's path says nothing about the dream or the resident.
    return f"dream-photos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class DreamPhoto(models.Model):
    dream = models.ForeignKey(
        Dream, on_delete=models.CASCADE, related_name="photos", verbose_name=_("dream")
    )
    image = models.FileField(_("photo"), upload_to=_photo_path)
    content_type = models.CharField(_("content type"), max_length=30)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.image.name


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Dream handed in")
    STATUS_CHANGED = "status_changed", _("Status changed")
    MESSAGE_FROM_RESIDENT = "message_from_resident", _("Message from the resident")
    MESSAGE_TO_RESIDENT = "message_to_resident", _("Message to the resident")
    NOTE = "note", _("Internal note")


class TimelineEventQuerySet(models.QuerySet):
    """The timeline is the dream's history: it is added to, never rewritten."""

    def update(self, **kwargs):
        raise TypeError("Timeline events are append-only.")

    def delete(self):
        raise TypeError("Timeline events are append-only.")


class TimelineEvent(models.Model):
    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="events", verbose_name=_("dream")
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EventKind.choices)
    public = models.BooleanField(
        _("visible to the resident"),
        help_text=_("Whether the resident sees this event on their dream page."),
    )
    from_status = models.CharField(
        _("from status"), max_length=20, choices=Status.choices, blank=True
    )
    to_status = models.CharField(_("to status"), max_length=20, choices=Status.choices, blank=True)
    body = models.TextField(_("text"), blank=True)

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [models.Index(fields=["dream", "created_at"], name="event_dream_time")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Timeline events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Timeline events are append-only.")


class OutboxMail(models.Model):
    """A mail that must reach someone, written in the same transaction as its cause."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    to_email = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=200)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    dream = models.ForeignKey(
        Dream,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("dream"),
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [models.Index(fields=["state", "created_at"], name="outbox_state_created")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"
