"""Other municipalities' installations whose stories this one shows as "Elders gelukt" (issue 19).

An administrator lists a peer by its stories feed (/api/v1/stories/ on their installation); a
scheduled task fetches it, checks it against the published schema
(opendata/schemas/stories-v1.schema.json) and keeps the stories as plain text. Nothing a peer
sends is trusted: it is validated, cut to the lengths below and always rendered escaped.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PeerInstallation(models.Model):
    name = models.CharField(_("municipality or installation"), max_length=120)
    feed_url = models.URLField(_("address of their stories feed"), max_length=500, unique=True)
    active = models.BooleanField(_("fetched"), default=True)
    added_at = models.DateTimeField(_("added"), default=timezone.now)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(
        _("last fetched without problems"), null=True, blank=True
    )
    last_error = models.TextField(_("last problem"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("peer installation")
        verbose_name_plural = _("peer installations")

    def __str__(self) -> str:
        return self.name


class PeerStory(models.Model):
    peer = models.ForeignKey(
        PeerInstallation, on_delete=models.CASCADE, related_name="stories", verbose_name=_("peer")
    )
    remote_id = models.CharField(_("id at the peer"), max_length=64)
    title = models.CharField(_("title"), max_length=120)
    village = models.CharField(_("village or neighbourhood"), max_length=120, blank=True)
    theme = models.CharField(_("theme"), max_length=120, blank=True)
    dreamt = models.TextField(_("what they dreamt"), max_length=2000, blank=True)
    own_part = models.TextField(_("what they did themselves"), max_length=2000, blank=True)
    realised_on = models.DateField(_("realised"), null=True, blank=True)
    granted_total = models.DecimalField(
        _("granted"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    url = models.URLField(_("the story at the peer"), max_length=500, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)

    class Meta:
        ordering = ["-realised_on", "-id"]
        verbose_name = _("story elsewhere")
        verbose_name_plural = _("stories elsewhere")
        constraints = [
            models.UniqueConstraint(fields=["peer", "remote_id"], name="peer_story_once"),
        ]

    def __str__(self) -> str:
        return self.title
