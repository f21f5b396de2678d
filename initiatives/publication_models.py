"""A resident's consent to share their dream with everyone (issue 19).

One Publication per dream, made by the resident. While it is shared (withdrawn_at is None) the
open data lists the dream with the texts below, and once the dream is realised it is a story
with its own page, in the gallery and the Atom feed, and in the feed other municipalities read.
The texts are written for publication by the resident, never copied from the dream itself:
what a resident wrote to the municipality may name people. Withdrawing empties the texts and
the photo choices and takes the dream out of everything public at once; the timeline keeps
when consent was given and withdrawn.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Publication(models.Model):
    dream = models.OneToOneField(
        "initiatives.Dream",
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name=_("dream"),
    )
    title = models.CharField(_("title for publication"), max_length=120)
    dreamt = models.TextField(_("what we dreamt"), max_length=2000)
    own_part = models.TextField(_("what we did ourselves"), max_length=2000)
    helped_by = models.TextField(_("who helped"), max_length=1000, blank=True)
    # The resident may leave choosing the photos (and writing their alt text) to staff.
    staff_may_choose_photos = models.BooleanField(_("staff may choose the photos"), default=False)
    consented_at = models.DateTimeField(_("consent given"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("consent withdrawn"), null=True, blank=True)
    # The first moment it was shared while realised: the story's date in the gallery and the
    # Atom feed. Set by the services, kept when the texts change.
    story_published_at = models.DateTimeField(_("story published"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        indexes = [
            models.Index(
                fields=["-story_published_at", "-id"],
                condition=models.Q(withdrawn_at__isnull=True, story_published_at__isnull=False),
                name="publication_story_newest",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_shared(self) -> bool:
        return self.withdrawn_at is None


class PublicationPhoto(models.Model):
    class Role(models.TextChoices):
        BEFORE = "before", _("Before")
        AFTER = "after", _("After")

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="photos", verbose_name=_("publication")
    )
    photo = models.ForeignKey(
        "initiatives.DreamPhoto",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("photo"),
    )
    role = models.CharField(_("before or after"), max_length=10, choices=Role.choices)
    alt_text = models.CharField(
        _("description for people who cannot see the photo"), max_length=250
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    chosen_at = models.DateTimeField(_("chosen"), default=timezone.now)

    class Meta:
        ordering = ["role", "chosen_at", "id"]
        verbose_name = _("photo in a story")
        verbose_name_plural = _("photos in stories")
        constraints = [
            models.UniqueConstraint(fields=["publication", "photo"], name="publication_photo_once"),
        ]

    def __str__(self) -> str:
        return self.alt_text
