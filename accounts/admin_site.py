"""/beheer/ is the functional administrator's, and only theirs.

Django's admin lets in every active staff member; here every staff member is staff (the
MogelijkMakers, managers, communications advisors), so without this each of them got an
empty admin index and the password-change page. The site asks for the administrator's role
(or a superuser) and, when STAFF_REQUIRE_2FA, the second factor; other signed-in staff get
403, not a sign-in form they cannot get past.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied

from accounts.roles import Role, has_role


def _is_administrator(user) -> bool:
    return (
        user.is_active
        and user.is_staff
        and (user.is_superuser or has_role(user, Role.ADMINISTRATOR))
    )


class PortalAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        if not _is_administrator(user):
            return False
        # What django-otp's OTPAdminSite adds: a device verified in this session.
        return super().has_permission(request) and (
            not settings.STAFF_REQUIRE_2FA or user.is_verified()
        )

    def admin_view(self, view, cacheable=False):
        wrapped = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_staff and not _is_administrator(user):
                raise PermissionDenied
            return wrapped(request, *args, **kwargs)

        return inner
