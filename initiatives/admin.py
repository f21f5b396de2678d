from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


@admin.register(Fund)
class FundAdmin(admin.ModelAdmin):
    list_display = ("name", "year", "amount", "committed", "balance")
    list_filter = ("year",)
    readonly_fields = ("committed",)


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
        "fields",
        "photos",
        "texts",
        "mails",
        "audit_entries",
    )
    list_filter = ("reason", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("dream", "account")
    raw_id_fields = ("dream", "account")
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
