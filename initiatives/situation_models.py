"""The question behind the question (issue 17): the first working practice, mapping the
situation, recorded for each dream.

What does the resident really ask? For whom do they speak: only themselves, their street, a
group, the whole neighbourhood? Were other views heard, and by whom? Did the MogelijkMaker
see it on location? The workspace shows it in its summary; the weekly report counts the
dreams whose situation was seen on location before their plan was agreed (the dream went to
"In progress").

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/situation.py and initiatives/selectors/situation.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.models import Dream


class SituationMap(models.Model):
    class SpeaksFor(models.TextChoices):
        ONLY_ME = "only_me", _("Only themselves")
        STREET = "street", _("Their street")
        GROUP = "group", _("A group")
        NEIGHBOURHOOD = "neighbourhood", _("The whole neighbourhood")

    dream = models.OneToOneField(
        Dream, on_delete=models.PROTECT, related_name="situation", verbose_name=_("dream")
    )
    question_behind = models.TextField(
        _("the question behind the question"), max_length=2000, blank=True
    )
    speaks_for = models.CharField(
        _("the resident speaks for"), max_length=15, choices=SpeaksFor.choices, blank=True
    )
    other_views = models.TextField(_("other views heard"), max_length=2000, blank=True)
    views_heard_by = models.CharField(_("heard by whom"), max_length=300, blank=True)
    seen_on_location_on = models.DateField(
        _("seen on location on"),
        null=True,
        blank=True,
        help_text=_("Empty: not (yet) seen on location."),
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("the situation mapped")
        verbose_name_plural = _("situations mapped")

    def __str__(self) -> str:
        return str(self.dream)

    @property
    def seen_on_location(self) -> bool:
        return self.seen_on_location_on is not None
