from staff.permissions import ACCESS, can


def staff_access(request) -> dict:
    """Return which staff areas the user may use, so menus offer only what works."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {"staff_can": {area: can(user, area) for area in ACCESS}}
