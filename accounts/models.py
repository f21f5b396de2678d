from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.addresses import email_normalise


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> "User":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=email_normalise(email), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> "User":
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username: str) -> "User":
        return self.get(email__iexact=email_normalise(username))


# An erased account's address: the .invalid top-level domain never delivers (RFC 2606).
ERASED_EMAIL_SUFFIX = "@invalid"


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Every update at once")
    DAILY = "daily", _("One email a day with the smaller updates")
    ESSENTIAL = "essential", _("Only status changes and decisions")


class StaffNotificationMode(models.TextChoices):
    """How a staff member hears that work waits for them: a letter, an approval, a reply."""

    IMMEDIATE = "immediate", _("An email each time, at once")
    DAILY = "daily", _("One email a day with everything that started waiting")


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a resident (by one-time link) or a staff member (by password)."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone number"), max_length=30, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    # Counts the sign-in links sent; a link carries its number, so only the newest one signs
    # in, without touching the password hash (which would end the resident's sessions).
    sign_in_links_sent = models.PositiveIntegerField(default=0, db_default=0, editable=False)
    notification_mode = models.CharField(
        _("email about my dreams"),
        max_length=10,
        choices=NotificationMode.choices,
        default=NotificationMode.IMMEDIATE,
        help_text=_("Status changes and decisions are always sent."),
    )
    staff_notification_mode = models.CharField(
        _("email about work waiting for me"),
        max_length=10,
        choices=StaffNotificationMode.choices,
        default=StaffNotificationMode.IMMEDIATE,
        db_default=StaffNotificationMode.IMMEDIATE,
        help_text=_("For staff: a letter to sign, a grant to approve, a reply from a resident."),
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user works for the municipality and may use the staff pages."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        """Return the name to show. A staff member's email never stands in for their name,
        because residents see who works on their dream."""
        if self.full_name:
            return self.full_name
        if self.is_erased:
            return str(_("Erased account"))
        return str(_("Municipality staff member")) if self.is_staff else self.email

    @property
    def is_erased(self) -> bool:
        """Whether the resident erased their account (initiatives.services.resident_erase)."""
        return not self.is_active and self.email.endswith(ERASED_EMAIL_SUFFIX)

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email
