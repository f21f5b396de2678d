from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.response import TemplateResponse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from initiatives import services
from initiatives.amounts import AmountField
from initiatives.models import (
    AgendaItem,
    AuditEntry,
    ContactMoment,
    Decision,
    Dream,
    DreamPhoto,
    Fund,
    Grant,
    Neighbourhood,
    OutboxMail,
    Platform,
    PlatformInvitation,
    PlatformMember,
    RetentionLog,
    Review,
    ServicePromises,
    Theme,
    TimelineEvent,
)
from initiatives.services.funds import FRAME_FIELDS
from initiatives.tokens import link_tokens_masked


class _ReadOnlyAdmin(admin.ModelAdmin):
    """Records made through the workspace: readable here, changed only by the services."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


class FundAdminForm(forms.ModelForm):
    """The frame of a fund year, checked by the service's rules (services.fund_frame_errors)."""

    class Meta:
        model = Fund
        fields = list(FRAME_FIELDS)

    def clean(self):
        cleaned = super().clean()
        # A field that is wrong in itself is None here: its own message says enough.
        errors = services.fund_frame_errors(
            fund_pk=self.instance.pk,
            amount=cleaned.get("amount"),
            max_per_application=cleaned.get("max_per_application"),
            decider=cleaned.get("decider") or Fund.Decider.STAFF,
            neighbourhood=cleaned.get("neighbourhood"),
            criteria=cleaned.get("criteria") or "",
            name=cleaned.get("name"),
            year=cleaned.get("year") or self.instance.year,
        )
        for field, field_errors in errors.items():
            if field in self.errors:
                continue
            for message in field_errors:
                self.add_error(field, message)
        return cleaned


class StartYearForm(forms.Form):
    """The amount of each chosen fund's next budget year, one field per fund."""

    def __init__(self, *args, funds: list[Fund], **kwargs):
        super().__init__(*args, **kwargs)
        self.funds = funds
        for fund in funds:
            self.fields[f"amount_{fund.pk}"] = AmountField(
                label=_("Yearly amount for %(name)s %(year)s (in euro)")
                % {"name": fund.name, "year": fund.year + 1},
                min_value=0,
                initial=fund.amount,
                error_messages={
                    "required": _("Fill in the yearly amount, or 0."),
                    "min_value": _("The yearly amount cannot be below zero."),
                },
            )

    def rows(self):
        return [(fund, self[f"amount_{fund.pk}"]) for fund in self.funds]


class _NotAll(Exception):
    """One of the new years was refused: none of them is kept."""


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    """The council's frame for each fund year, entered by the administrator on its behalf.

    The money a fund holds (`committed`) is the grants' business and is never typed in; a new
    budget year is started with the action, so the years before stay as they were.
    """

    form = FundAdminForm
    list_display = (
        "name",
        "year",
        "neighbourhood",
        "amount",
        "committed",
        "balance",
        "decider",
        "open_for_applications",
    )
    list_filter = ("year", "open_for_applications", "decider", "neighbourhood")
    list_select_related = ("neighbourhood",)
    search_fields = ("name",)
    readonly_fields = ("committed", "balance")
    actions = ["start_next_year"]
    fieldsets = (
        (None, {"fields": ("name", "year", "neighbourhood")}),
        (
            _("The frame"),
            {
                "fields": (
                    "amount",
                    "description",
                    "criteria",
                    "max_per_application",
                    "decider",
                    "open_for_applications",
                )
            },
        ),
        (_("Money"), {"fields": ("committed", "balance")}),
    )

    def get_readonly_fields(self, request, obj=None):
        # A fund row is one budget year: the next year is started with the action, so the
        # year of a row that exists stays what it is (its grants belong to it).
        if obj is not None:
            return ("year", *self.readonly_fields)
        return self.readonly_fields

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in ("amount", "max_per_application"):
            return AmountField(
                label=capfirst(db_field.verbose_name),
                help_text=db_field.help_text,
                required=not db_field.blank,
                min_value=0 if db_field.name == "amount" else Decimal("0.01"),
                error_messages={
                    "min_value": _("The yearly amount cannot be below zero.")
                    if db_field.name == "amount"
                    else _("The maximum must be more than € 0. Leave it empty for no maximum.")
                },
            )
        if db_field.name == "criteria":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 8, "cols": 80})
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("balance"))
    def balance(self, fund: Fund):
        if fund.amount is None:  # a new fund, before its amount is typed in
            return None
        return fund.balance

    def save_model(self, request, obj, form, change) -> None:
        # Checked by the form in the same transaction (the fund row is locked since then).
        services.fund_save_frame(fund=obj, by=request.user)

    @admin.action(description=_("Start the next budget year of the chosen funds"))
    def start_next_year(self, request, queryset):
        funds = list(queryset.select_related("neighbourhood").order_by("name", "year"))
        form = StartYearForm(request.POST if "confirm" in request.POST else None, funds=funds)
        if form.is_bound and form.is_valid():
            started = []
            try:
                with transaction.atomic():
                    for fund in funds:
                        field = f"amount_{fund.pk}"
                        try:
                            started.append(
                                services.fund_start_year(
                                    fund=fund,
                                    year=fund.year + 1,
                                    amount=form.cleaned_data[field],
                                    by=request.user,
                                )
                            )
                        except ValidationError as error:
                            for message in error.messages:
                                form.add_error(field, message)
                    if form.errors:
                        raise _NotAll
            except _NotAll:
                pass
            else:
                self.message_user(
                    request,
                    _("A new budget year has started for: %(funds)s.")
                    % {"funds": ", ".join(str(fund) for fund in started)},
                    messages.SUCCESS,
                )
                return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Start the next budget year"),
            "opts": self.model._meta,
            "form": form,
            "funds": funds,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        return TemplateResponse(request, "admin/initiatives/fund/start_year.html", context)


class TimelineEventInline(admin.TabularInline):
    model = TimelineEvent
    fields = ("created_at", "kind", "public", "actor", "from_status", "to_status", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class DreamPhotoInline(admin.TabularInline):
    model = DreamPhoto
    fields = ("image", "content_type", "width", "height", "created_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Dream)
class DreamAdmin(_ReadOnlyAdmin):
    """Read-only: a dream's status and timeline change only through the services."""

    list_display = ("title", "status", "neighbourhood", "theme", "contact", "submitted_at")
    list_filter = ("status", "neighbourhood", "theme")
    list_select_related = ("neighbourhood", "theme", "contact")
    search_fields = ("title",)
    date_hierarchy = "created_at"
    inlines = [DreamPhotoInline, TimelineEventInline]
    show_full_result_count = False


@admin.register(TimelineEvent)
class TimelineEventAdmin(_ReadOnlyAdmin):
    list_display = ("created_at", "dream", "kind", "public", "actor")
    list_filter = ("kind", "public")
    list_select_related = ("dream", "actor")
    raw_id_fields = ("dream", "actor")
    show_full_result_count = False


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    # The last error in the list: a failing mail is seen without opening it.
    list_display = (
        "created_at",
        "to_email",
        "subject",
        "state",
        "attempts",
        "last_error",
        "sent_at",
    )
    list_filter = ("state",)
    readonly_fields = (
        "to_email",
        "subject",
        "body_masked",
        "dream",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    exclude = ("body_text", "body_html")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("text (link tokens hidden)"))
    def body_masked(self, mail: OutboxMail) -> str:
        return link_tokens_masked(mail.body_text)


@admin.register(ServicePromises)
class ServicePromisesAdmin(admin.ModelAdmin):
    """One row of settings: it can be changed, not added twice or deleted."""

    list_display = (
        "__str__",
        "pick_up_working_days",
        "first_contact_working_days",
        "silence_days",
        "grant_approval_limit",
    )

    def has_add_permission(self, request) -> bool:
        return not ServicePromises.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Review)
class ReviewAdmin(_ReadOnlyAdmin):
    list_display = ("dream", "version", "is_current", "has_tension", "by", "created_at")
    list_filter = ("is_current", "has_tension")
    list_select_related = ("dream", "by")


@admin.register(Grant)
class GrantAdmin(_ReadOnlyAdmin):
    list_display = ("dream", "fund", "amount", "state", "requested_by", "created_at")
    list_filter = ("state", "fund")
    list_select_related = ("dream", "fund", "requested_by")


@admin.register(Decision)
class DecisionAdmin(_ReadOnlyAdmin):
    list_display = ("dream", "state", "proposed_by", "signed_by", "proposed_at")
    list_filter = ("state",)
    list_select_related = ("dream", "proposed_by", "signed_by")


@admin.register(ContactMoment)
class ContactMomentAdmin(_ReadOnlyAdmin):
    list_display = ("dream", "kind", "date", "by")
    list_select_related = ("dream", "by")


# --- privacy: the retention log and the audit log (read-only) ---------------------------------


@admin.register(RetentionLog)
class RetentionLogAdmin(_ReadOnlyAdmin):
    """What the privacy services removed: written by them, only read here."""

    list_display = (
        "created_at",
        "reason",
        "dream",
        "account",
        "assembly",
        "fields",
        "photos",
        "texts",
        "mails",
        "audit_entries",
        "participants",
    )
    list_filter = ("reason", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("dream", "account", "assembly")
    raw_id_fields = ("dream", "account", "assembly")
    show_full_result_count = False


@admin.register(AuditEntry)
class AuditEntryAdmin(_ReadOnlyAdmin):
    """Who saw or changed what. For administrators only, whatever permissions a group gets:
    the log shows what colleagues looked at."""

    list_display = ("created_at", "user", "action", "target", "method", "path", "status", "ip")
    list_filter = (
        "action",
        "method",
        "status",
        ("created_at", admin.DateFieldListFilter),
        ("user", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("user",)
    search_fields = ("target", "path", "ip", "user__email", "user__full_name")
    date_hierarchy = "created_at"
    raw_id_fields = ("user",)
    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None) -> bool:
        return request.user.is_active and request.user.is_superuser


# --- neighbourhood platforms (issue 16) -------------------------------------------------------
# The administrator makes a platform here; its chair writes the agenda on the platform's own
# pages (/wijken/), and staff invite members at /medewerkers/wijkplatforms/.


class AgendaItemInline(admin.StackedInline):
    model = AgendaItem
    fields = ("title", "description", "set_on", "position", "done_on")
    extra = 0


class PlatformMemberInline(admin.TabularInline):
    """Who is and was a member: joining goes by invitation, leaving by the member."""

    model = PlatformMember
    fields = ("user", "role", "joined_at", "left_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Platform)
class PlatformAdmin(admin.ModelAdmin):
    list_display = ("name", "neighbourhood", "created_at")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name", "neighbourhood__name")
    fields = ("name", "slug", "neighbourhood", "introduction")
    inlines = [AgendaItemInline, PlatformMemberInline]


@admin.register(PlatformInvitation)
class PlatformInvitationAdmin(_ReadOnlyAdmin):
    list_display = ("email", "platform", "role", "created_at", "expires_at", "accepted_at")
    list_filter = ("platform",)
    exclude = ("token_hash",)


# Other installations whose stories "Elders gelukt" shows (issue 19): their own module.
from initiatives import peer_admin  # noqa: E402, F401
