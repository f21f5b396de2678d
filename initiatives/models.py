import uuid
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from initiatives.search import dream_search_vector
from initiatives.statuses import OPEN, Status, status_order


def _label(choices: type[models.TextChoices], value: str) -> str:
    """Return the label of VALUE among CHOICES (VALUE itself when it is not one of them).

    Django's get_FOO_display() translates every label of the field to find the one it
    needs: a workspace timeline of 200 events did that 3,000 times (make bench).
    """
    try:
        return str(choices(value).label)
    except ValueError:
        return value


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
    """One budget year of a fund: the municipality's, or a neighbourhood's (issue 16).

    The council sets the frame: the yearly amount (entered by the administrator on its
    behalf), the criteria shown to applicants, a maximum per application and who decides.
    A new budget year is a new row with the same name (services.fund_start_year): the
    years before stay as they were.
    """

    class Decider(models.TextChoices):
        STAFF = "staff", _("Staff decide")
        STAFF_AFTER_ADVICE = "staff_after_advice", _("Staff decide after the platform's advice")
        PLATFORM = "platform", _("The platform decides within the frame; staff check the frame")

    name = models.CharField(_("name"), max_length=100)
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("yearly amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funds",
        verbose_name=_("neighbourhood"),
        help_text=_("Empty: the municipality's fund. Set: the neighbourhood's own fund."),
    )
    description = models.TextField(
        _("what the fund is for"), max_length=2000, blank=True, help_text=_("Shown to applicants.")
    )
    criteria = models.TextField(
        _("criteria"),
        max_length=3000,
        blank=True,
        help_text=_("One criterion per line. Applicants see them and answer each one."),
    )
    max_per_application = models.DecimalField(
        _("maximum per application"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0.01)],
        help_text=_("Empty: no maximum other than the balance."),
    )
    decider = models.CharField(
        _("who decides"), max_length=20, choices=Decider.choices, default=Decider.STAFF
    )
    open_for_applications = models.BooleanField(
        _("residents and organisations can apply"),
        default=False,
        help_text=_("Off: only MogelijkMakers grant from it, as before."),
    )
    committed = models.DecimalField(
        _("committed"),
        max_digits=12,
        decimal_places=2,
        default=0,
        editable=False,
        help_text=_("Granted or awaiting approval; kept by the services, never typed in."),
    )

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        constraints = [
            models.UniqueConstraint(fields=["name", "year"], name="fund_unique_name_year"),
            # Advice or a decision by a platform needs the neighbourhood it belongs to.
            models.CheckConstraint(
                condition=models.Q(decider="staff") | models.Q(neighbourhood__isnull=False),
                name="fund_platform_decider_has_neighbourhood",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="fund_amount_not_negative"
            ),
            # The database itself refuses a balance below zero, whatever the code does.
            models.CheckConstraint(
                condition=models.Q(committed__gte=0, committed__lte=models.F("amount")),
                name="fund_balance_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    @property
    def balance(self):
        return self.amount - self.committed

    @property
    def criteria_list(self) -> list[str]:
        return [line.strip() for line in self.criteria.splitlines() if line.strip()]


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
    # The resident's choice, per dream: members of the neighbourhood platform may read it
    # (without the resident's name or contact details). Off until the resident turns it on.
    shared_with_platform = models.BooleanField(
        # db_default: rows written in bulk (the benchmark's seed, COPY) without the column.
        _("shared with the neighbourhood platform"),
        default=False,
        db_default=False,
    )
    # The resident's choice, per dream (issue 17): the partners their MogelijkMaker invites
    # may read its story and what the resident does themselves. Without it a partner sees
    # the title, the neighbourhood and the status only.
    shared_with_partners = models.BooleanField(
        _("story shared with the partners who help"), default=False, db_default=False
    )
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
    # When the scheduled jobs last warned about this dream, so that they warn once.
    silence_reminded_at = models.DateTimeField(
        _("MogelijkMaker reminded of silence"), null=True, blank=True, editable=False
    )
    pick_up_flagged_at = models.DateTimeField(
        _("managers told it was not picked up"), null=True, blank=True, editable=False
    )
    first_contact_reminded_at = models.DateTimeField(
        _("MogelijkMaker reminded of first contact"), null=True, blank=True, editable=False
    )
    # Set once the resident's personal data has been removed (retention or erasure),
    # so the retention job handles each dream once.
    anonymised_at = models.DateTimeField(
        _("personal data removed"), null=True, blank=True, editable=False
    )
    # Signed into every mail link to this dream (initiatives/tokens.py); raised to make all
    # links sent so far stop working (services.dream_links_revoke, erasure).
    access_link_version = models.PositiveIntegerField(
        _("version of the links in mails"), default=0, db_default=0, editable=False
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Written by the database from title and story (initiatives/search.py); never by Python.
    search_document = models.GeneratedField(
        expression=dream_search_vector(),
        output_field=SearchVectorField(null=True),
        db_persist=True,
        verbose_name=_("search document"),
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dream")
        verbose_name_plural = _("dreams")
        indexes = [
            models.Index(fields=["resident", "-created_at"], name="dream_resident_recent"),
            models.Index(fields=["status", "submitted_at"], name="dream_status_submitted"),
            models.Index(fields=["-submitted_at", "-id"], name="dream_newest"),
            models.Index(fields=["contact", "status"], name="dream_contact_status"),
            models.Index(fields=["last_public_update_at"], name="dream_last_public_update"),
            # Dutch full-text search in the staff list; created on PostgreSQL only (migration 0009).
            GinIndex(fields=["search_document"], name="dream_search_document"),
            # The staff list never shows unconfirmed dreams; its sorts read these in order, and
            # a deep page skips index entries only (make bench, BENCHMARKS.md).
            models.Index(
                fields=["-submitted_at", "-id"],
                condition=~models.Q(status=Status.UNCONFIRMED),
                name="dream_listed_newest",
            ),
            models.Index(
                fields=["title", "id"],
                condition=~models.Q(status=Status.UNCONFIRMED),
                name="dream_listed_title",
            ),
            # The list's other two sorts, so that every sort seeks its pages in an index
            # (selectors.dream_list_page): by status in the order a dream goes through...
            models.Index(
                status_order(),
                models.F("submitted_at"),
                models.F("id"),
                condition=~models.Q(status=Status.UNCONFIRMED),
                name="dream_listed_status",
            ),
            # ...and longest silent first.
            models.Index(
                fields=["last_public_update_at", "id"],
                condition=~models.Q(status=Status.UNCONFIRMED),
                name="dream_listed_silent",
            ),
            # The list filtered by village and status, newest first, in one index range: the two
            # indexes apart cost a bitmap of a village's 50,000 dreams at a million (6 ms a query).
            models.Index(
                models.F("neighbourhood"),
                models.F("status"),
                models.F("submitted_at").desc(),
                models.F("id").desc(),
                condition=~models.Q(status=Status.UNCONFIRMED),
                name="dream_listed_place_status",
            ),
            # The weekly report: first contacts in a week, and the dreams still open at its end.
            models.Index(fields=["first_contact_at"], name="dream_first_contact"),
            models.Index(fields=["closed_at"], name="dream_closed"),
            # The home page's newest realised dreams shown publicly: without it PostgreSQL
            # walks dream_closed backwards past every other closed dream (8,700 rows, 44 ms
            # at 100,000 dreams; issue 15).
            models.Index(
                fields=["-closed_at", "-id"],
                condition=models.Q(status=Status.REALISED, show_publicly=True),
                name="dream_realised_public",
            ),
            # Silent dreams (the weekly report, the silence rule): the open ones by their last
            # update, without walking the closed archive that sorts before them.
            models.Index(
                fields=["last_public_update_at", "id"],
                condition=models.Q(status__in=sorted(OPEN)),
                name="dream_open_last_public",
            ),
            # The weekly report's workload: the open dreams per contact person.
            models.Index(
                fields=["contact", "status"],
                condition=models.Q(status__in=sorted(OPEN)),
                name="dream_open_contact",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=Status.values), name="dream_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_status_display(self) -> str:
        return _label(Status, self.status)


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
    MESSAGE_TO_RESIDENT = "message_to_resident", _("Message from your MogelijkMaker")
    NOTE = "note", _("Internal note")
    CONTACT_MOMENT = "contact_moment", _("Contact moment")
    PRACTICE = "practice", _("Working practice updated")
    REVIEW = "review", _("Core-value review")
    GRANT = "grant", _("Budget granted")
    GRANT_REQUESTED = "grant_requested", _("Budget awaiting approval")
    GRANT_REJECTED = "grant_rejected", _("Budget not approved")
    DECISION_PROPOSED = "decision_proposed", _("Proposed: not possible")
    DECISION_LETTER = "decision_letter", _("Decision letter")
    HANDOVER = "handover", _("Handed over")
    CONTACT_CHANGED = "contact_changed", _("New MogelijkMaker")
    STILL_ON_IT = "still_on_it", _("We are still working on it")
    SHARED_WITH_PLATFORM = "shared_with_platform", _("Shared with the neighbourhood platform")
    UNSHARED_WITH_PLATFORM = (
        "unshared_with_platform",
        _("No longer shared with the neighbourhood platform"),
    )
    AGENDA = "agenda", _("On the neighbourhood agenda")
    APPLICATION = "application", _("Application to a fund")
    ADVICE = "advice", _("Advice of the neighbourhood platform")
    APPLICATION_DECIDED = "application_decided", _("Decision on the application")
    GRANT_PAID = "grant_paid", _("Money paid")
    ACCOUNTABILITY = "accountability", _("Accounting for the money")
    # Partners and the MogelijkMaker's craft (issue 17).
    PARTNER_INVITED = "partner_invited", _("Partner invited")
    PARTNER_WITHDRAWN = "partner_withdrawn", _("Partner's invitation withdrawn")
    PARTNER_MESSAGE = "partner_message", _("Message from a partner")
    PLAN = "plan", _("Plan: what is needed")
    CONTRIBUTION = "contribution", _("Contribution to the plan")
    SITUATION = "situation", _("Situation mapped")
    DILEMMA = "dilemma", _("Dilemma or exception recorded")
    DILEMMA_DISCUSSED = "dilemma_discussed", _("Dilemma or exception discussed")
    SHARED_WITH_PARTNERS = "shared_with_partners", _("Story shared with the partners who help")
    UNSHARED_WITH_PARTNERS = (
        "unshared_with_partners",
        _("Story no longer shared with the partners who help"),
    )
    # A citizens' assembly by lot (issue 18): an outcome taken up as a dream.
    FROM_ASSEMBLY = "from_assembly", _("From the citizens' assembly")
    # Open data and stories (issue 19): the resident's consent to share the dream publicly.
    PUBLISHED = "published", _("Shared publicly")
    UNPUBLISHED = "unpublished", _("No longer shared publicly")


class TimelineEventQuerySet(models.QuerySet):
    """The timeline is the dream's history: it is added to, never rewritten."""

    def update(self, **kwargs):
        raise TypeError("Timeline events are append-only.")

    def delete(self):
        raise TypeError("Timeline events are append-only.")

    def remove_never_handed_in(self) -> int:
        """Delete these events, which must all belong to dreams still awaiting confirmation.

        The second exception: a dream whose address was never confirmed was never handed in
        and is no one's history; the retention job removes it whole.
        """
        if self.exclude(dream__status="unconfirmed").exists():
            raise TypeError("Only the events of unconfirmed dreams can be removed.")
        deleted, _per_model = models.QuerySet.delete(self)
        return deleted

    def anonymise(self, *, text: str) -> int:
        """Replace the text of these events with TEXT; return how many were changed.

        The one exception to the append-only rule, mandated by the AVG/GDPR: the right to
        erasure (article 17) and storage limitation (article 5(1)(e)) require that what a
        resident wrote can be removed, while the history itself must stay intact for the
        municipality. So only the text is replaced; who, when, what kind of event and
        which status stay as they were. Called only by the privacy services in
        initiatives/services.py (resident_erase, retention_apply), never by anything else.
        """
        return super().update(body=text)


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
    # A partner acting through their link has no account: the organisation's name, as it was
    # then, says who did it (issue 17). db_default: rows written in bulk without the column.
    partner_name = models.CharField(
        _("by partner"), max_length=150, blank=True, default="", db_default=""
    )

    objects = TimelineEventQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")
        indexes = [
            models.Index(fields=["dream", "created_at"], name="event_dream_time"),
            # The weekly report: the status changes of a week, and a dream's status at a moment.
            models.Index(fields=["kind", "created_at"], name="event_kind_time"),
            models.Index(
                fields=["dream", "created_at"],
                condition=models.Q(kind__in=[EventKind.SUBMITTED, EventKind.STATUS_CHANGED]),
                name="event_status_history",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Timeline events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Timeline events are append-only.")

    def get_kind_display(self) -> str:
        return _label(EventKind, self.kind)

    def get_from_status_display(self) -> str:
        return _label(Status, self.from_status)

    def get_to_status_display(self) -> str:
        return _label(Status, self.to_status)


class OutboxMail(models.Model):
    """A mail that must reach someone, written in the same transaction as its cause."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        HELD_FOR_DIGEST = "held", _("Held for the daily email")
        IN_DIGEST = "in_digest", _("Sent in the daily email")
        SKIPPED = "skipped", _("Not sent: the recipient asked for essential mail only")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    essential = models.BooleanField(
        _("essential"),
        default=True,
        help_text=_("Status changes, decisions and sign-in links always go out at once."),
    )
    digest_line = models.TextField(_("line in the daily email"), blank=True)
    digest = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="digested",
        verbose_name=_("sent in daily email"),
    )
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
    # The dispatcher (initiatives/outbox/) sends a pending mail once it is due and no live
    # dispatch holds it: a new mail at once, a failed one after its retry wait.
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("A dispatch is sending it; after this moment another may take it."),
    )

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mail")
        indexes = [
            models.Index(fields=["state", "created_at"], name="outbox_state_created"),
            models.Index(fields=["recipient", "state"], name="outbox_recipient_state"),
            # What the dispatcher claims: the pending mails, in the order they are due.
            models.Index(
                fields=["next_attempt_at", "id"],
                name="outbox_pending_due",
                condition=models.Q(state="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_email}"


class ServicePromises(models.Model):
    """The promises to residents and the grant limit, set by the functional administrator.

    One row; the environment's PROMISE_* settings are the defaults when it is created.
    """

    pick_up_working_days = models.PositiveSmallIntegerField(_("picked up within (working days)"))
    first_contact_working_days = models.PositiveSmallIntegerField(
        _("first contact within (working days)")
    )
    silence_days = models.PositiveSmallIntegerField(
        _("longest silence towards the resident (days)")
    )
    grant_approval_limit = models.DecimalField(
        _("grants above this amount need a manager's approval"), max_digits=12, decimal_places=2
    )

    class Meta:
        verbose_name = _("service promises")
        verbose_name_plural = _("service promises")

    def __str__(self) -> str:
        return str(_("Service promises"))


class ContactMoment(models.Model):
    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone call")
        VISIT = "visit", _("Visit on location")
        MEETING = "meeting", _("Meeting")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="contact_moments", verbose_name=_("dream")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    date = models.DateField(_("date"))
    summary = models.TextField(_("summary"), max_length=2000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("contact moment")
        verbose_name_plural = _("contact moments")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date}"


class WorkingPractice(models.TextChoices):
    """The five vital working practices ("Publieke bricoleurs")."""

    MAPPING = "mapping", _("Mapping the situation")
    RELATIONSHIPS = "relationships", _("Working on relationships")
    SHARED_SOLUTIONS = "shared_solutions", _("Working on shared solutions")
    OUTSIDE_INSIDE = "outside_inside", _("Connecting outside to inside and back")
    PRACTICAL_SUPPORT = "practical_support", _("Practical support")


class PracticeNote(models.Model):
    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="practices", verbose_name=_("dream")
    )
    practice = models.CharField(_("practice"), max_length=20, choices=WorkingPractice.choices)
    done = models.BooleanField(_("done"), default=False)
    note = models.TextField(_("note"), max_length=2000, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        ordering = ["dream", "practice"]
        verbose_name = _("working practice")
        verbose_name_plural = _("working practices")
        constraints = [
            models.UniqueConstraint(fields=["dream", "practice"], name="practice_once_per_dream")
        ]

    def __str__(self) -> str:
        return self.get_practice_display()


class CoreValue(models.TextChoices):
    CUSTOMER = "customer", "De Klant Centraal"
    RESPONSIBILITY = "responsibility", "Aanspreken en Verantwoordelijkheid"
    DIALOGUE = "dialogue", "Dialoog en Samenwerking"


class Verdict(models.TextChoices):
    SUPPORTS = "supports", _("Supports")
    TENSION = "tension", _("Tension")
    NOT_RELEVANT = "not_relevant", _("Not relevant")


class Review(models.Model):
    """A core-value review of a dream. Revising adds a version; earlier ones are kept."""

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("dream")
    )
    version = models.PositiveSmallIntegerField(_("version"))
    is_current = models.BooleanField(_("current"), default=True)
    customer_verdict = models.CharField("De Klant Centraal", max_length=15, choices=Verdict.choices)
    customer_reasoning = models.TextField(_("reasoning"), max_length=2000)
    responsibility_verdict = models.CharField(
        "Aanspreken en Verantwoordelijkheid", max_length=15, choices=Verdict.choices
    )
    responsibility_reasoning = models.TextField(_("reasoning"), max_length=2000)
    dialogue_verdict = models.CharField(
        "Dialoog en Samenwerking", max_length=15, choices=Verdict.choices
    )
    dialogue_reasoning = models.TextField(_("reasoning"), max_length=2000)
    dilemma = models.TextField(_("dilemma"), max_length=3000, blank=True)
    discussed_with = models.CharField(_("discussed with"), max_length=300, blank=True)
    # The part of the paspoort each value was weighed against, as it read then (issue 17).
    customer_cites = models.ForeignKey(
        "initiatives.PaspoortPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weighed against (De Klant Centraal)"),
    )
    responsibility_cites = models.ForeignKey(
        "initiatives.PaspoortPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weighed against (Aanspreken en Verantwoordelijkheid)"),
    )
    dialogue_cites = models.ForeignKey(
        "initiatives.PaspoortPart",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("weighed against (Dialoog en Samenwerking)"),
    )
    has_tension = models.BooleanField(_("has a tension"), default=False, editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        ordering = ["dream", "-version"]
        verbose_name = _("core-value review")
        verbose_name_plural = _("core-value reviews")
        constraints = [
            models.UniqueConstraint(fields=["dream", "version"], name="review_version_unique"),
            models.UniqueConstraint(
                fields=["dream"],
                condition=models.Q(is_current=True),
                name="review_one_current_per_dream",
            ),
        ]
        indexes = [
            models.Index(
                fields=["dream"],
                condition=models.Q(is_current=True, has_tension=True),
                name="review_current_tension",
            ),
            models.Index(fields=["created_at"], name="review_created"),  # the weekly report
        ]

    def __str__(self) -> str:
        return f"{self.dream} v{self.version}"

    def verdicts(self) -> list[tuple[str, str, str]]:
        """Return (value label, verdict, reasoning) for the three core values."""
        return [
            (
                value.label,
                getattr(self, f"{value.value}_verdict"),
                getattr(self, f"{value.value}_reasoning"),
            )
            for value in CoreValue
        ]


class Grant(models.Model):
    class State(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting a manager's approval")
        GRANTED = "granted", _("Granted")
        REJECTED = "rejected", _("Not approved")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="grants", verbose_name=_("dream")
    )
    fund = models.ForeignKey(
        Fund, on_delete=models.PROTECT, related_name="grants", verbose_name=_("fund")
    )
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0.01)]
    )
    purpose = models.CharField(_("purpose"), max_length=300)
    state = models.CharField(_("state"), max_length=20, choices=State.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="grant_amount_positive")
        ]

    def __str__(self) -> str:
        return f"€ {self.amount} {self.purpose}"


class Decision(models.Model):
    """A *not possible* decision: proposed by the MogelijkMaker, worded and signed by
    a communications advisor. Only the signed letter reaches the resident."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Awaiting the letter")
        SIGNED = "signed", _("Signed and sent")

    dream = models.ForeignKey(
        Dream, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("dream")
    )
    reasons = models.TextField(_("reasons"), max_length=5000)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("proposed by"),
    )
    proposed_at = models.DateTimeField(_("proposed"), default=timezone.now)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PROPOSED
    )
    letter = models.TextField(_("letter"), max_length=10000, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), null=True, blank=True)
    other_help = models.TextField(
        _("who else can help"),
        max_length=2000,
        blank=True,
        db_default="",
        help_text=_("Another organisation or a neighbourhood platform, shown under the letter."),
    )

    class Meta:
        ordering = ["proposed_at", "id"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        # The weekly report: the letters signed in a week.
        indexes = [models.Index(fields=["signed_at"], name="decision_signed")]
        constraints = [
            models.UniqueConstraint(
                fields=["dream"],
                condition=models.Q(state="proposed"),
                name="decision_one_open_per_dream",
            ),
            models.CheckConstraint(
                condition=models.Q(state="proposed")
                | (models.Q(signed_by__isnull=False) & ~models.Q(letter="")),
                name="decision_signed_has_letter_and_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dream}: {self.get_state_display()}"


class WeeklyReport(models.Model):
    """The managers' weekly report, kept as built: the figures as JSON, and when."""

    week_start = models.DateField(_("week starting"), unique=True)
    figures = models.JSONField(_("figures"))
    built_at = models.DateTimeField(_("built"), default=timezone.now)
    mailed_at = models.DateTimeField(_("mailed to the managers"), null=True, blank=True)

    class Meta:
        ordering = ["-week_start"]
        verbose_name = _("weekly report")
        verbose_name_plural = _("weekly reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(week_start__week_day=2), name="report_starts_on_monday"
            )
        ]

    def __str__(self) -> str:
        return self.figures.get("current", {}).get("week", str(self.week_start))


class DreamExport(models.Model):
    """A staff member's CSV export of the dreams a list's filters found, built by a worker.

    A large export takes minutes, longer than any web request may take: a worker writes it to
    a private file, and it is downloaded once it is READY. Only a complete write is marked
    ready (services/exports.py says how a killed worker's export is never served).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("Waiting for its turn")
        BUILDING = "building", _("Being made")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Removed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("asked for by"),
    )
    # The list's query string, to show and repeat the filters; the validated filters the
    # worker applies (ids, flags, the search words) in `filters`.
    query_string = models.CharField(_("filters (query string)"), max_length=2000, blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    rows_expected = models.PositiveIntegerField(_("rows expected"), null=True, blank=True)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    # A path in the private media storage, never under a public URL; set only once READY.
    file = models.CharField(_("file"), max_length=200, blank=True)
    # Each build is one attempt; a worker writes only while its attempt is the row's current
    # one and its lease (claimed_until) holds, so a worker thought dead can never mark it ready.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    claimed_until = models.DateTimeField(
        _("claimed until"),
        null=True,
        blank=True,
        help_text=_("A worker is making it; after this moment it is taken to have stopped."),
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked for"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("dream export")
        verbose_name_plural = _("dream exports")
        indexes = [
            models.Index(fields=["requested_by", "-created_at"], name="export_requested_recent"),
            # The sweep: exports in progress, and finished ones whose file must expire.
            models.Index(fields=["state", "created_at"], name="export_state_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=["queued", "building", "ready", "failed", "expired"]),
                name="export_state_known",
            ),
            # Ready means a complete file: its name, its size and its row count are known.
            models.CheckConstraint(
                condition=~models.Q(state="ready")
                | (~models.Q(file="") & models.Q(size__isnull=False)),
                name="export_ready_has_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requested_by} {self.created_at:%Y-%m-%d %H:%M}: {self.state}"

    @property
    def in_progress(self) -> bool:
        return self.state in (self.State.QUEUED, self.State.BUILDING)

    def get_state_display(self) -> str:
        return _label(self.State, self.state)


class ReportDay(models.Model):
    """One ended day of history, counted once for the weekly report.

    A week's figures are the sum of its seven days, and "open at the end of the week" is
    the running total kept in its Sunday, so a report reads 12 weeks of small rows instead
    of the whole timeline (issue 15). Kept by services.report_days_store: the stored days
    run without a gap from the first day of the history; the marks are the highest ids it
    had seen, so a row added later with a time inside a stored day (an import, a back-dated
    event) is noticed and the days from there on are counted again.
    """

    day = models.DateField(_("day"), unique=True)
    ends_at = models.DateTimeField(_("end of the day"))
    figures = models.JSONField(_("figures"))
    event_mark = models.BigIntegerField(_("highest timeline event id counted"))
    dream_mark = models.BigIntegerField(_("highest dream id counted"))
    review_mark = models.BigIntegerField(_("highest review id counted"))
    grant_mark = models.BigIntegerField(_("highest grant id counted"))
    built_at = models.DateTimeField(_("counted"), default=timezone.now)
    # A Sunday counted soon after it ended: its week's lists, read only for that week.
    week_end = models.JSONField(_("lists at the end of the week"), null=True, blank=True)

    class Meta:
        ordering = ["day"]
        verbose_name = _("report day")
        verbose_name_plural = _("report days")

    def __str__(self) -> str:
        return self.day.isoformat()


# --- privacy: the retention log and the audit log ---------------------------------------------


class RetentionLog(models.Model):
    """What the privacy services removed, and when: the proof that personal data went.

    It names fields and counts, never the removed values themselves.
    """

    class Reason(models.TextChoices):
        RETENTION = "retention", _("Retention period ended")
        ERASURE = "erasure", _("The resident erased their account")
        AUDIT = "audit", _("Audit log entries past their retention period")
        # A citizens' assembly's pool (issue 18), some days after the assembly ended.
        ASSEMBLY = "assembly", _("Citizens' assembly ended: the pool's personal data")

    created_at = models.DateTimeField(_("when"), default=timezone.now)
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    dream = models.ForeignKey(
        Dream,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_logs",
        verbose_name=_("dream"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    fields = models.JSONField(_("fields cleared"), default=list, blank=True)
    photos = models.PositiveIntegerField(_("photos deleted"), default=0)
    texts = models.PositiveIntegerField(_("timeline texts replaced"), default=0)
    mails = models.PositiveIntegerField(_("mails deleted"), default=0)
    audit_entries = models.PositiveIntegerField(_("audit log entries deleted"), default=0)
    # Issue 18: whose pool was cleared, and of how many people. The model is named by its
    # label: initiatives.assembly_models imports this module.
    assembly = models.ForeignKey(
        "initiatives.Assembly",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retention_logs",
        verbose_name=_("citizens' assembly"),
    )
    participants = models.PositiveIntegerField(_("participants' personal data removed"), default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("retention log entry")
        verbose_name_plural = _("retention log")

    def __str__(self) -> str:
        return f"{self.get_reason_display()} ({self.created_at:%Y-%m-%d %H:%M})"


class AuditEntryQuerySet(models.QuerySet):
    """The audit log says who saw or changed what: it is added to, never rewritten."""

    def update(self, **kwargs):
        raise TypeError("Audit log entries are append-only.")

    def delete(self):
        raise TypeError("Audit log entries are append-only.")

    def purge_before(self, moment) -> int:
        """Delete the entries made before MOMENT; return how many went.

        The one exception to the append-only rule, mandated by the AVG/GDPR (storage
        limitation, article 5(1)(e)): the log holds personal data of staff and is kept
        for AUDIT_RETENTION_MONTHS only. Called only by services.retention_apply().
        """
        deleted, _per_model = models.QuerySet.delete(self.filter(created_at__lt=moment))
        return deleted


class AuditEntry(models.Model):
    """One staff view of a resident's personal data, or one staff change (a POST)."""

    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=50)
    target = models.CharField(_("object"), max_length=200, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("address"), max_length=500)
    status = models.PositiveSmallIntegerField(_("answer (HTTP status)"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("audit log entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["user", "-created_at"], name="audit_user_recent")]

    def __str__(self) -> str:
        return f"{self.action} {self.target}".strip()

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise TypeError("Audit log entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit log entries are append-only.")


# The owners' half (issue 16): platforms and their agenda, applications to a fund. Their own
# modules, registered with this app here. Partners and the MogelijkMaker's craft (issue 17);
# a citizens' assembly by lot and the address register (issue 18).
from initiatives.address_models import Address  # noqa: E402, F401
from initiatives.application_models import (  # noqa: E402, F401
    Accountability,
    AccountabilityFile,
    Application,
    ApplicationAdvice,
    BudgetLine,
    CriterionAnswer,
)
from initiatives.assembly_models import (  # noqa: E402, F401
    Assembly,
    AssemblyFeature,
    AssemblyFeatureValue,
    AssemblyMeeting,
    AssemblyOutcome,
    Invitation,
    Participant,
    PublicDraw,
)
from initiatives.dilemma_models import Dilemma  # noqa: E402, F401
from initiatives.partner_models import Organisation, PartnerInvitation  # noqa: E402, F401
from initiatives.paspoort_models import PaspoortPart  # noqa: E402, F401
from initiatives.peer_models import PeerInstallation, PeerStory  # noqa: E402, F401
from initiatives.plan_models import Contribution, ContributionKind, PlanNeed  # noqa: E402, F401
from initiatives.platform_models import (  # noqa: E402, F401
    AgendaItem,
    Platform,
    PlatformInvitation,
    PlatformMember,
)
from initiatives.publication_models import Publication, PublicationPhoto  # noqa: E402, F401
from initiatives.situation_models import SituationMap  # noqa: E402, F401
