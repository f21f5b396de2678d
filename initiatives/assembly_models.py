"""A citizens' assembly by lot (issue 18, Burgerberaad G1000).

The route, in three stages:

1. *Invitations.* Staff choose neighbourhoods and a number of letters. A PublicDraw of kind
   INVITATIONS is announced first: only the hash of a secret (the commitment) and of the
   pool is published. At the draw a witness value is chosen in front of witnesses; the seed
   is sha256(secret + witness), so neither staff (who could know the secret) nor the
   witnesses (who do not) can steer it. The draw picks households (Address.household)
   uniformly at random; each gets an Invitation with a registration code printed on a letter
   "to the residents of" the address. Only a hash of the code is kept.
2. *Registration.* With the code a resident registers (Participant): contact details, the
   assembly's features (AssemblyFeature, AssemblyFeatureValue), availability, consent.
3. *The panel.* Staff set quotas per feature value; a PublicDraw of kind PANEL selects the
   panel with the maximin algorithm (initiatives/sortition.py). Someone who declines is
   replaced by a draw of kind REPLACEMENT that keeps the quotas.

Then the assembly meets (AssemblyMeeting) and reaches outcomes (AssemblyOutcome), each of
which can become a dream. When the assembly ends, the retention job removes the pool's
personal data; the pseudonymous features and the draws stay, so the public page remains.

Registered with the app by initiatives/models.py; the rules are in
initiatives/services/assemblies.py and initiatives/selectors/assemblies.py.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.address_models import Address
from initiatives.models import Dream, Neighbourhood


class Assembly(models.Model):
    class Stage(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        INVITING = "inviting", _("Letters sent, registration open")
        SELECTING = "selecting", _("Registration closed, panel being selected")
        MEETING = "meeting", _("Panel selected, the assembly meets")
        ENDED = "ended", _("Ended")

    title = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("web address"), max_length=150, unique=True)
    question = models.TextField(
        _("the assembly's question"),
        max_length=2000,
        help_text=_("What the assembly thinks about, in the residents' own words."),
    )
    neighbourhoods = models.ManyToManyField(
        Neighbourhood, related_name="assemblies", verbose_name=_("neighbourhoods")
    )
    stage = models.CharField(
        _("stage"), max_length=20, choices=Stage.choices, default=Stage.PREPARING
    )
    invitations_wanted = models.PositiveIntegerField(_("number of letters"), default=1000)
    panel_size = models.PositiveIntegerField(_("panel size"), default=30)
    people_per_household = models.PositiveSmallIntegerField(
        _("people per household who may register"),
        default=1,
        help_text=_("The panel never takes more than one person per household."),
    )
    registration_closes_on = models.DateField(_("registration closes on"), null=True, blank=True)
    # The retention job removes the pool's personal data some days after this
    # (settings.ASSEMBLY_RETENTION_DAYS).
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    personal_data_removed_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assemblies_created",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("citizens' assembly")
        verbose_name_plural = _("citizens' assemblies")

    def __str__(self) -> str:
        return self.title


class AssemblyFeature(models.Model):
    """A feature the panel is balanced on: age band, gender, part of the neighbourhood, an
    opinion question. Asked of everyone who registers."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="features", verbose_name=_("assembly")
    )
    key = models.SlugField(_("key"), max_length=40)  # in the published pool: stable, plain
    question = models.CharField(_("question on the registration form"), max_length=200)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["assembly", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assembly", "key"], name="assembly_feature_key_unique")
        ]
        verbose_name = _("feature")
        verbose_name_plural = _("features")

    def __str__(self) -> str:
        return self.question


class AssemblyFeatureValue(models.Model):
    """One answer to a feature, with the panel's quota for it (min and max seats)."""

    feature = models.ForeignKey(
        AssemblyFeature, on_delete=models.CASCADE, related_name="values", verbose_name=_("feature")
    )
    key = models.SlugField(_("key"), max_length=40)
    label = models.CharField(_("answer"), max_length=150)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    min_seats = models.PositiveIntegerField(_("at least"), default=0)
    max_seats = models.PositiveIntegerField(_("at most"), null=True, blank=True)

    class Meta:
        ordering = ["feature", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["feature", "key"], name="assembly_value_key_unique")
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return self.label


class PublicDraw(models.Model):
    """A draw anyone can check: announced as a commitment, performed with a witness value.

    seed = sha256(secret_hex + ":" + witness_value), written only at the draw. The inputs
    the draw ran on (the pool as pseudonyms with their features, the quotas, the numbers)
    and what it gave (who, with which probability) are kept as published JSON, so that the
    public page and `manage.py assembly_draw_verify` need nothing else.
    """

    class Kind(models.TextChoices):
        INVITATIONS = "invitations", _("Invitation lottery")
        PANEL = "panel", _("Panel selection")
        REPLACEMENT = "replacement", _("Replacement draw")

    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="draws", verbose_name=_("assembly")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    number = models.PositiveSmallIntegerField(_("number"), default=1)  # per assembly and kind
    # Announced: the sha256 of the secret, and of the pool it will draw from.
    commitment = models.CharField(_("commitment (sha256 of the secret)"), max_length=64)
    secret = models.CharField(_("secret"), max_length=64, editable=False)  # shown after the draw
    pool_hash = models.CharField(_("sha256 of the pool"), max_length=64, blank=True)
    pool_size = models.PositiveIntegerField(_("pool size"), default=0)
    announced_at = models.DateTimeField(_("announced"), default=timezone.now)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("announced by"),
    )
    # Performed.
    witness_value = models.CharField(_("witness value"), max_length=100, blank=True)
    witnesses = models.CharField(_("witnesses"), max_length=300, blank=True)
    seed = models.CharField(_("seed"), max_length=64, blank=True)
    drawn_at = models.DateTimeField(_("drawn"), null=True, blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("drawn by"),
    )
    algorithm = models.CharField(_("algorithm"), max_length=100, blank=True)
    algorithm_version = models.CharField(_("algorithm version"), max_length=100, blank=True)
    inputs = models.JSONField(_("published inputs"), default=dict, blank=True)
    result = models.JSONField(_("published result"), default=dict, blank=True)

    class Meta:
        ordering = ["assembly", "announced_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "kind", "number"], name="public_draw_number_unique"
            )
        ]
        verbose_name = _("public draw")
        verbose_name_plural = _("public draws")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class Invitation(models.Model):
    """A household drawn in the invitation lottery, with its registration code."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("assembly")
    )
    draw = models.ForeignKey(
        PublicDraw, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("draw")
    )
    position = models.PositiveIntegerField(_("position in the draw"))
    # Cleared when the pool's personal data are removed; the neighbourhood stays for figures.
    address = models.ForeignKey(
        Address,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assembly_invitations",
        verbose_name=_("address"),
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.PROTECT, related_name="+", verbose_name=_("neighbourhood")
    )
    # sha256 of the code printed on the letter; the code itself is never stored.
    code_hash = models.CharField(_("code (hashed)"), max_length=64, unique=True)
    registrations_left = models.PositiveSmallIntegerField(_("registrations left"), default=1)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["assembly", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["draw", "position"], name="assembly_invitation_position_unique"
            )
        ]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"{self.assembly} #{self.position}"


class Participant(models.Model):
    """A resident who registered with a code: in the pool, perhaps on the panel."""

    class State(models.TextChoices):
        REGISTERED = "registered", _("In the pool")
        SELECTED = "selected", _("On the panel")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrew from the pool")

    assembly = models.ForeignKey(
        Assembly, on_delete=models.PROTECT, related_name="participants", verbose_name=_("assembly")
    )
    invitation = models.ForeignKey(
        Invitation,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("invitation"),
    )
    # What the public page shows instead of a name: "P-0042", unique per assembly.
    pseudonym = models.CharField(_("pseudonym"), max_length=12)
    # Personal data: emptied when the assembly's pool is cleared (anonymised_at set).
    name = models.CharField(_("name"), max_length=150, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    availability = models.TextField(_("when I can come"), max_length=1000, blank=True)
    # {feature key: value key}; pseudonymous, kept after the personal data are removed.
    features = models.JSONField(_("answers"), default=dict)
    consent_at = models.DateTimeField(_("consent given"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.REGISTERED
    )
    selected_by = models.ForeignKey(
        PublicDraw,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="selected",
        verbose_name=_("selected in"),
    )
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    # The resident's account once they take up an outcome as a dream (their dreams list).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assembly_participations",
        verbose_name=_("account"),
    )
    anonymised_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ["assembly", "pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "pseudonym"], name="assembly_participant_pseudonym_unique"
            )
        ]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")

    def __str__(self) -> str:
        return self.pseudonym


class AssemblyMeeting(models.Model):
    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("assembly")
    )
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=200)
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    summary = models.TextField(_("what was discussed"), max_length=5000, blank=True)

    class Meta:
        ordering = ["assembly", "starts_at", "id"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")

    def __str__(self) -> str:
        return f"{self.assembly}: {self.starts_at:%Y-%m-%d}"


class AssemblyOutcome(models.Model):
    """What the assembly proposes. Participants who take it up make it a dream of their own:
    the ordinary route from there on, marked as coming from the assembly."""

    assembly = models.ForeignKey(
        Assembly, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("assembly")
    )
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=5000)
    taken_up_by = models.ManyToManyField(
        Participant, blank=True, related_name="outcomes", verbose_name=_("taken up by")
    )
    dream = models.OneToOneField(
        Dream,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assembly_outcome",
        verbose_name=_("dream"),
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["assembly", "created_at", "id"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")

    def __str__(self) -> str:
        return self.title
