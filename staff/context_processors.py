from staff.permissions import areas_of


def staff_access(request) -> dict:
    """Return which staff areas the user may use, so menus offer only what works."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_staff:
        return {}
    return {"staff_can": areas_of(user)}
