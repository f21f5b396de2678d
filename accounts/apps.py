from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.conf import settings
        from django.contrib import admin
        from django.contrib.auth.views import redirect_to_login
        from django.urls import reverse
        from django_otp.admin import OTPAdminSite

        if settings.STAFF_REQUIRE_2FA:
            # The admin, like the staff pages, needs the second factor.
            admin.site.__class__ = OTPAdminSite

        # One way in for staff: the admin's own sign-in page sends them to the staff one.
        def login(request, extra_context=None):
            return redirect_to_login(
                request.GET.get("next", reverse("admin:index")), reverse("staff:login")
            )

        admin.site.login = login
