"""The resident's forms to share their dream as a story (issue 19): the texts, and the photos
with their descriptions. The staff's photo form is the same (staff/story_panel.py)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import TOO_LONG, NLDesignFormMixin, text_field
from initiatives import services
from initiatives.publication_models import Publication, PublicationPhoto

# The texts are CC0 open data, read by anyone and by other municipalities: nobody may be
# recognisable in them. The form's template says so once above the fields (_story.html);
# each text field repeats it short, where the resident is typing.
NO_NAMES = _("No names of people or addresses.")


class PublicationForm(NLDesignFormMixin, forms.Form):
    title = forms.CharField(
        label=_("Title of your story"),
        max_length=120,
        help_text=_("For example: “A bench by the pond in Drunen”."),
        error_messages={"required": _("Give your story a title."), "max_length": TOO_LONG},
    )
    dreamt = text_field(
        _("What did you dream of?"),
        max_length=2000,
        rows=4,
        help_text=NO_NAMES,
        required_message=_("Write what you dreamt of."),
    )
    own_part = text_field(
        _("What did you do yourselves?"),
        max_length=2000,
        rows=4,
        help_text=NO_NAMES,
        required_message=_("Write what you did yourselves."),
    )
    helped_by = text_field(
        _("Who helped? (optional)"),
        max_length=1000,
        required=False,
        rows=2,
        help_text=_(
            "For example: the neighbours, the football club. No names of people. Partner "
            "organisations that helped are named by us."
        ),
    )
    staff_may_choose_photos = forms.BooleanField(
        label=_("My MogelijkMaker may choose the photos and describe them"),
        required=False,
    )

    @classmethod
    def for_publication(cls, publication: Publication | None) -> "PublicationForm":
        """The form filled with what is shared now (empty when nothing is)."""
        if publication is None or not publication.is_shared:
            return cls()
        return cls(
            initial={
                "title": publication.title,
                "dreamt": publication.dreamt,
                "own_part": publication.own_part,
                "helped_by": publication.helped_by,
                "staff_may_choose_photos": publication.staff_may_choose_photos,
            }
        )


ROLE_CHOICES = [
    ("", _("Not in the story")),
    (PublicationPhoto.Role.BEFORE, _("Before: how it was")),
    (PublicationPhoto.Role.AFTER, _("After: how it is now")),
]


class PhotoChoiceForm(NLDesignFormMixin, forms.Form):
    """Per photo of the dream: in the story before or after, or not; and its description.
    The fields are named by services.photo_field, so a refusal lands beside its field."""

    def __init__(self, *args, photos, chosen: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.photos = list(photos)
        for number, photo in enumerate(self.photos, start=1):
            current = chosen.get(photo.pk)
            role = services.photo_field(photo.pk, "role")
            alt = services.photo_field(photo.pk, "alt")
            self.fields[role] = forms.ChoiceField(
                label=_("Photo %(number)d: in the story?") % {"number": number},
                choices=ROLE_CHOICES,
                required=False,
                # Added after the mixin styled the form's fields: styled here.
                widget=forms.Select(attrs={"class": "utrecht-select utrecht-select--html-select"}),
                initial=current.role if current else "",
                error_messages={"invalid_choice": _("Choose one of the options.")},
            )
            self.fields[alt] = forms.CharField(
                label=_("Photo %(number)d: what does it show?") % {"number": number},
                help_text=_(
                    "For people who cannot see the photo. For example: “The new bench "
                    "by the pond, with flowers around it”."
                ),
                max_length=250,
                required=False,
                widget=forms.TextInput(
                    attrs={"class": "utrecht-textbox utrecht-textbox--html-input"}
                ),
                initial=current.alt_text if current else "",
                error_messages={"max_length": TOO_LONG},
            )
            # As NLDesignFormMixin does: a browser would cut a long paste without a word.
            self.fields[alt].widget.attrs.pop("maxlength", None)

    def rows(self):
        """Each photo with its two fields, for the template."""
        return [
            (
                photo,
                self[services.photo_field(photo.pk, "role")],
                self[services.photo_field(photo.pk, "alt")],
            )
            for photo in self.photos
        ]

    def clean(self):
        cleaned = super().clean()
        for photo in self.photos:
            role = cleaned.get(services.photo_field(photo.pk, "role"))
            alt_field = services.photo_field(photo.pk, "alt")
            if role and not (cleaned.get(alt_field) or "").strip():
                self.add_error(
                    alt_field, _("Describe what the photo shows, for people who cannot see it.")
                )
        return cleaned

    def choices(self) -> list[services.PhotoChoice]:
        return [
            services.PhotoChoice(
                photo.pk,
                self.cleaned_data[services.photo_field(photo.pk, "role")],
                self.cleaned_data[services.photo_field(photo.pk, "alt")],
            )
            for photo in self.photos
            if self.cleaned_data.get(services.photo_field(photo.pk, "role"))
        ]
