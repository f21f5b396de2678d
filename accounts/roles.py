"""Staff roles. Each is a Django group, created by a data migration and shown in the admin."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ENABLER = "MogelijkMaker", _("MogelijkMaker")
    COMMUNICATIONS = "Communicatieadviseur", _("Communications advisor")
    MANAGER = "Manager", _("Manager")
    ADMINISTRATOR = "Functioneel beheerder", _("Functional administrator")


def has_role(user, role: str) -> bool:
    """Return whether USER is staff with ROLE (administrators are superusers too)."""
    if not (user.is_authenticated and user.is_staff and user.is_active):
        return False
    # In a staff request the roles were read once already (staff.permissions.roles_of).
    if hasattr(user, "_staff_roles"):
        return role in user._staff_roles
    return any(group.name == role for group in user.groups.all())
