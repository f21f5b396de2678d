"""The paspoort (issue 17): the municipality's one thin frame for its MogelijkMakers.

Short texts the administrator writes and edits; editing a part adds a version and keeps the
ones before, so that a core-value review that cited a part still shows what that part said
when it was weighed.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/paspoort.py and initiatives/selectors/paspoort.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PaspoortPart(models.Model):
    """One version of one part of the paspoort. KEY names the part across its versions."""

    key = models.SlugField(_("part"), max_length=60)
    version = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=120)
    text = models.TextField(_("text"), max_length=3000)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("written"), default=timezone.now)

    class Meta:
        ordering = ["position", "key", "-version"]
        verbose_name = _("part of the paspoort")
        verbose_name_plural = _("paspoort")
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="paspoort_version_unique"),
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(is_current=True),
                name="paspoort_one_current_per_part",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"
