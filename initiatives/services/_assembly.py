"""What every service of a citizens' assembly (issue 18) starts with: who may act on one
(MogelijkMakers and managers, as staff/permissions.py's "assemblies" area says), and the
assembly's row locked, so that two changes to one assembly happen one after the other."""

from accounts.models import User
from accounts.roles import Role
from initiatives.assembly_models import Assembly
from initiatives.services._core import _require_role


def require_assembly_staff(by: User) -> None:
    _require_role(by, Role.ENABLER, Role.MANAGER)


def lock_assembly(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)
