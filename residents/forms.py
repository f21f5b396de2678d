from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationMode
from config.forms import NLDesignFormMixin, text_field
from initiatives import photos, selectors
from initiatives.models import Dream

# Browsers hint at the types they may pick; the content is checked on the server regardless.
PHOTO_ACCEPT = "image/jpeg,image/png"


class SignInForm(NLDesignFormMixin, forms.Form):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        error_messages={
            "required": _("Fill in your email address."),
            "invalid": _("Fill in a valid email address, like name@example.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiplePhotoField(forms.FileField):
    """Up to DREAM_PHOTO_MAX_COUNT JPEG or PNG photos, each checked by its content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiplePhotoInput(attrs={"accept": PHOTO_ACCEPT}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        uploads = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(uploads) > settings.DREAM_PHOTO_MAX_COUNT:
            raise ValidationError(
                ngettext_lazy(
                    "You can add at most %(max)d photo.",
                    "You can add at most %(max)d photos.",
                    "max",
                ),
                params={"max": settings.DREAM_PHOTO_MAX_COUNT},
                code="too_many",
            )
        photos.photos_check(uploads)
        return uploads


REQUIRED = {
    "title": _("Give your dream a short title."),
    "story": _("Tell us what your dream is."),
    "own_contribution": _("Tell us what you will do yourself."),
    "needs_from_municipality": _("Tell us what you need from the municipality."),
    "neighbourhood": _("Choose the village or neighbourhood."),
    "theme": _("Choose the theme that fits best."),
}


class DreamForm(NLDesignFormMixin, forms.ModelForm):
    # The typed-address lookup (issue 18): optional helpers that fill in the street or spot
    # and the village; the dream keeps neither. Never an error: a wrong postcode only means
    # the lookup finds nothing, and the resident types the street themselves.
    postcode = forms.CharField(
        label=_("Postcode"),
        required=False,
        help_text=_("For example: 5251 AB."),
        widget=forms.TextInput(
            attrs={"autocomplete": "postal-code", "autocapitalize": "characters", "size": 8}
        ),
    )
    house_number = forms.CharField(
        label=_("House number"),
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 6}),
    )
    addition = forms.CharField(
        label=_("Letter or addition (optional)"),
        required=False,
        help_text=_("For example: a, or 2 for the second floor."),
        widget=forms.TextInput(attrs={"size": 6}),
    )
    # What the last lookup filled in: a later lookup may replace that, never typed text.
    filled_location = forms.CharField(required=False, widget=forms.HiddenInput)
    filled_neighbourhood = forms.CharField(required=False, widget=forms.HiddenInput)
    photos = MultiplePhotoField(
        label=_("Photos (optional)"),
        required=False,
        help_text=_("At most 5 photos, JPEG or PNG, each at most 10 MB."),
    )
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_(
            "We send you a link to confirm your dream. We do not share your email address."
        ),
        error_messages={
            "required": _("Fill in your email address, so we can reach you."),
            "invalid": _("Fill in a valid email address, like name@example.nl."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    class Meta:
        model = Dream
        fields = [
            "title",
            "story",
            "own_contribution",
            "needs_from_municipality",
            "neighbourhood",
            "location",
            "theme",
            "show_publicly",
            "contact_name",
            "contact_phone",
        ]
        labels = {
            "title": _("Title of your dream"),
            "story": _("Your dream"),
            "own_contribution": _("What will you do yourself?"),
            "needs_from_municipality": _("What do you need from the municipality?"),
            "neighbourhood": _("Village or neighbourhood"),
            "location": _("Street or spot (optional)"),
            "theme": _("Theme"),
            "show_publicly": _("I would like to share my dream once it has come true"),
            "contact_name": _("Your name (optional)"),
            "contact_phone": _("Your phone number (optional)"),
        }
        help_texts = {
            "title": _("For example: “A bench by the pond in the park”."),
            "story": _("What do you dream of for your street or village? Why is it important?"),
            "own_contribution": _(
                "A dream is yours: what will you and your neighbours do to make it happen?"
            ),
            "needs_from_municipality": _("For example: advice, a permit, money, materials."),
            "location": _("Where should it happen?"),
            # What the box still does: the MogelijkMaker sees the wish (to ask for the story
            # later); a neighbourhood platform's public agenda may name the shared dream's
            # title; an assembly's page may say its outcome came true. The story itself
            # needs the resident's own consent on the dream's page (issue 19).
            "show_publicly": _(
                "When it has come true, we ask you to write its story for this website. If you "
                "share your dream with your neighbourhood platform, its public page may show "
                "the title. Never your name."
            ),
            "contact_phone": _("So your MogelijkMaker can call you."),
        }
        widgets = {
            "story": forms.Textarea(attrs={"rows": 6}),
            "own_contribution": forms.Textarea(attrs={"rows": 4}),
            "needs_from_municipality": forms.Textarea(attrs={"rows": 4}),
            "contact_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "contact_phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args, signed_in: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if signed_in:
            del self.fields["email"]
        self.fields["neighbourhood"].queryset = selectors.neighbourhood_list()
        self.fields["theme"].queryset = selectors.theme_list()
        self.fields["neighbourhood"].empty_label = _("Choose…")
        self.fields["theme"].empty_label = _("Choose…")
        for name, message in REQUIRED.items():
            self.fields[name].error_messages["required"] = message
            self.fields[name].error_messages["invalid_choice"] = message
        for name in (
            "title",
            "story",
            "own_contribution",
            "needs_from_municipality",
            "location",
            "contact_name",
            "contact_phone",
        ):
            field = self.fields[name]
            field.error_messages["max_length"] = _(
                "Use at most %(limit_value)d characters (you used %(show_value)d)."
            )

    def clean_contact_phone(self) -> str:
        phone = self.cleaned_data["contact_phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and (len(digits) < 10 or any(c not in "0123456789+-() " for c in phone)):
            raise ValidationError(
                _("Fill in a phone number with at least 10 digits, like 06 12345678."),
                code="invalid_phone",
            )
        return phone


LOOKUP_FIELDS = (
    "postcode",
    "house_number",
    "addition",
    "location",
    "neighbourhood",
    "filled_location",
    "filled_neighbourhood",
)


@dataclass(frozen=True)
class AddressFill:
    """What a typed-address lookup found, and the form's street and village after it."""

    found: bool
    message: str
    location: str
    neighbourhood: str
    filled_location: str
    filled_neighbourhood: str


def address_fill(data) -> AddressFill:
    """Look up the typed postcode and house number in DATA and fill in street and village.

    The street or spot and the village are filled in only when the resident left them
    empty, or they still hold what an earlier lookup put there: typed text is never lost.
    """
    values = {name: str(data.get(name, ""))[:300] for name in LOOKUP_FIELDS}
    location, neighbourhood = values["location"], values["neighbourhood"]
    unchanged = {
        "location": location,
        "neighbourhood": neighbourhood,
        "filled_location": values["filled_location"],
        "filled_neighbourhood": values["filled_neighbourhood"],
    }
    if not values["postcode"].strip() or not values["house_number"].strip():
        message = gettext("Fill in a postcode and a house number first.")
        return AddressFill(found=False, message=message, **unchanged)
    address = selectors.address_lookup(
        postcode=values["postcode"],
        house_number=values["house_number"],
        addition=values["addition"],
    )
    if address is None:
        message = gettext("We cannot find this address. Type the street yourself.")
        return AddressFill(found=False, message=message, **unchanged)
    text = selectors.address_text(address)
    sentences = [gettext("Found: %(address)s.") % {"address": text}]
    filled_location = values["filled_location"]
    if not location.strip() or location == filled_location:
        location = filled_location = text
        sentences.append(gettext("We filled it in as the street or spot."))
    elif location != text:
        sentences.append(gettext("You had already typed a street or spot: we left it as it is."))
    filled_neighbourhood = values["filled_neighbourhood"]
    if address.neighbourhood_id and (not neighbourhood or neighbourhood == filled_neighbourhood):
        neighbourhood = filled_neighbourhood = str(address.neighbourhood_id)
        sentences.append(gettext("We chose the village %(place)s.") % {"place": address.place})
    return AddressFill(
        found=True,
        message=" ".join(sentences),
        location=location,
        neighbourhood=neighbourhood,
        filled_location=filled_location,
        filled_neighbourhood=filled_neighbourhood,
    )


def dream_form_after_lookup(data, fill: AddressFill, *, signed_in: bool) -> DreamForm:
    """Return the dream form as the resident left it, with the lookup's street and village.

    Unbound, so that nothing is checked yet: the resident is still filling it in.
    """
    form = DreamForm(signed_in=signed_in)
    initial = {
        name: field.widget.value_from_datadict(data, {}, name)
        for name, field in form.fields.items()
        if name != "photos"
    }
    initial.update(
        location=fill.location,
        neighbourhood=fill.neighbourhood,
        filled_location=fill.filled_location,
        filled_neighbourhood=fill.filled_neighbourhood,
    )
    form.initial = initial
    return form


class MessageForm(NLDesignFormMixin, forms.Form):
    body = text_field(
        _("Your message"), max_length=3000, rows=4, required_message=_("Write a message first.")
    )


class WithdrawForm(NLDesignFormMixin, forms.Form):
    reason = text_field(
        _("Why do you withdraw your dream?"),
        max_length=1000,
        help_text=_("Your MogelijkMaker reads this. It helps us learn."),
        required_message=_("Tell us briefly why you withdraw your dream."),
    )


class NotificationPreferencesForm(NLDesignFormMixin, forms.Form):
    mode = forms.ChoiceField(
        label=_("How often do you want email about your dreams?"),
        choices=NotificationMode.choices,
        widget=forms.RadioSelect,
        help_text=_("Status changes and decisions always arrive at once."),
        error_messages={"required": _("Choose one of the options.")},
    )


class EraseAccountForm(NLDesignFormMixin, forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, I want to erase my account"),
        help_text=_("You cannot undo this."),
        error_messages={
            "required": _("Tick the box if you are sure you want to erase your account."),
        },
    )
