"""Peer installations in /beheer/: the administrator lists other municipalities' installations
whose stories "Elders gelukt" shows, sees each one's stories (read-only: they come from the
peer) and the last fetch with its problem, and can fetch now. (Imported by admin.py.)
"""

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from initiatives import services
from initiatives.peer_models import PeerInstallation, PeerStory
from initiatives.peer_tasks import peer_fetch


class PeerInstallationForm(forms.ModelForm):
    class Meta:
        model = PeerInstallation
        fields = ("name", "feed_url", "active")
        help_texts = {
            "feed_url": _(
                "The address of their stories feed, for example "
                "https://dromen.example.nl/api/v1/stories/"
            ),
            "active": _("Fetched every half hour and shown on “Elders gelukt”."),
        }

    def clean_feed_url(self) -> str:
        url = self.cleaned_data["feed_url"].strip()
        refusal = services.peer_feed_url_refusal(url)
        if refusal:
            raise forms.ValidationError(refusal)
        return url


class PeerStoryInline(admin.TabularInline):
    """The stories as last fetched: the peer's, never changed here."""

    model = PeerStory
    fields = ("title", "village", "theme", "realised_on", "granted_total", "url", "fetched_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PeerInstallation)
class PeerInstallationAdmin(admin.ModelAdmin):
    form = PeerInstallationForm
    list_display = (
        "name",
        "feed_url",
        "active",
        "story_count",
        "last_fetched_at",
        "last_success_at",
        "last_error",
    )
    list_filter = ("active",)
    search_fields = ("name", "feed_url")
    readonly_fields = ("added_at", "last_fetched_at", "last_success_at", "last_error")
    fieldsets = (
        (None, {"fields": ("name", "feed_url", "active", "added_at")}),
        (_("Last fetch"), {"fields": ("last_fetched_at", "last_success_at", "last_error")}),
    )
    inlines = [PeerStoryInline]
    actions = ["fetch_now"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(story_total=Count("stories"))

    @admin.display(description=_("stories"), ordering="story_total")
    def story_count(self, peer: PeerInstallation) -> int:
        return peer.story_total

    @admin.action(description=_("Fetch now"))
    def fetch_now(self, request, queryset):
        peer_ids = list(queryset.values_list("pk", flat=True))
        for peer_id in peer_ids:
            transaction.on_commit(lambda peer_id=peer_id: peer_fetch.delay(peer_id), robust=True)
        self.message_user(
            request,
            ngettext(
                "Fetching %(count)s feed. Reload this page in a moment to see the result.",
                "Fetching %(count)s feeds. Reload this page in a moment to see the result.",
                len(peer_ids),
            )
            % {"count": len(peer_ids)},
            messages.SUCCESS,
        )
