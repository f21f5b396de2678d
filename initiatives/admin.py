from django.contrib import admin

from initiatives.models import (
    Dream,
    DreamPhoto,
    Fund,
    Neighbourhood,
    OutboxMail,
    Theme,
    TimelineEvent,
)


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
    list_display = ("name", "year", "amount")
    list_filter = ("year",)


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
class DreamAdmin(admin.ModelAdmin):
    """Read-only: a dream's status and timeline change only through the services."""

    list_display = ("title", "status", "neighbourhood", "theme", "contact", "submitted_at")
    list_filter = ("status", "neighbourhood", "theme")
    list_select_related = ("neighbourhood", "theme", "contact")
    search_fields = ("title",)
    date_hierarchy = "created_at"
    inlines = [DreamPhotoInline, TimelineEventInline]
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(TimelineEvent)
class TimelineEventAdmin(admin.ModelAdmin):
    list_display = ("created_at", "dream", "kind", "public", "actor")
    list_filter = ("kind", "public")
    list_select_related = ("dream", "actor")
    raw_id_fields = ("dream", "actor")
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OutboxMail)
class OutboxMailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to_email", "subject", "state", "attempts", "sent_at")
    list_filter = ("state",)
    readonly_fields = (
        "to_email",
        "subject",
        "body_text",
        "dream",
        "state",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
    exclude = ("body_html",)
    show_full_result_count = False

    def has_add_permission(self, request) -> bool:
        return False
