from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib import admin
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse

        from accounts.admin_site import PortalAdminSite

        # The functional administrator's only, with the second factor like the staff pages.
        admin.site.__class__ = PortalAdminSite

        # One way in for staff: the admin's own sign-in page sends them to the staff one.
        def login(request, extra_context=None):
            return redirect_to_login(
                request.GET.get("next", reverse("admin:index")), reverse("staff:login")
            )

        admin.site.login = login
