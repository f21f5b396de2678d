"""Who may do what on the staff side: the one place that says it.

Each staff page or action belongs to an *area*; ACCESS lists the roles that may use it.
Administrators (superusers) may use every area. Residents never reach the staff side:
a signed-in resident gets 404, an anonymous visitor the staff sign-in page.
"""

from collections.abc import Callable
from functools import cache, wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.urls import reverse

from accounts.roles import Role
from staff.two_factor import needs_second_factor, second_factor_redirect

ENABLER, COMMS, MANAGER = Role.ENABLER, Role.COMMUNICATIONS, Role.MANAGER
ADMINISTRATOR = Role.ADMINISTRATOR

ACCESS: dict[str, frozenset[str]] = {
    "start": frozenset({ENABLER, COMMS, MANAGER}),  # /medewerkers/: what waits for me
    "preferences": frozenset({ENABLER, COMMS, MANAGER}),  # how I hear of waiting work
    "triage": frozenset({ENABLER, MANAGER}),
    "dream_list": frozenset({ENABLER, COMMS, MANAGER}),
    "dream_view": frozenset({ENABLER, COMMS, MANAGER}),
    "dream_work": frozenset({ENABLER}),  # pick up, contact, message, review, budget, status
    "dream_note": frozenset({ENABLER, COMMS, MANAGER}),
    # A shared story taken offline by staff, with a reason (issue 19): not the resident's
    # MogelijkMaker, so that someone else looks at what must come down.
    "story_take_down": frozenset({COMMS, MANAGER}),
    "hand_over": frozenset({ENABLER, MANAGER}),
    "export": frozenset({ENABLER, MANAGER}),
    "decisions": frozenset({COMMS}),
    "approvals": frozenset({MANAGER}),
    "workload": frozenset({ENABLER, MANAGER}),
    "reports": frozenset({MANAGER}),  # the weekly report ("keek op de week")
    "payments": frozenset({ENABLER, MANAGER}),  # granted money marked paid
    "accountability": frozenset({ENABLER, MANAGER}),  # reports on the money afterwards
    "funds": frozenset({MANAGER}),  # per fund and neighbourhood: budget, granted, waiting
    "platforms": frozenset({ENABLER, MANAGER}),  # invite residents to a neighbourhood platform
    # Applications to a fund (issue 16): the MogelijkMaker decides or checks the frame of a
    # platform's decision; managers may read.
    "applications": frozenset({ENABLER, MANAGER}),
    "application_decide": frozenset({ENABLER}),
    # Dilemmas and exceptions in the open (issue 17): managers discuss them in the weekly
    # meeting and note an outcome; MogelijkMakers may read along, to learn from each other.
    "dilemmas": frozenset({ENABLER, MANAGER}),
    "dilemma_discuss": frozenset({MANAGER}),
    # The paspoort (issue 17): every staff member reads it; only the administrator edits it.
    "paspoort": frozenset({ENABLER, COMMS, MANAGER}),
    "paspoort_edit": frozenset(),
    # Partner organisations (issue 17): MogelijkMakers know the partners of their dreams and
    # keep their records; managers look after the partnerships. Inviting one to a dream is
    # the dream's contact's work ("dream_work").
    "partners": frozenset({ENABLER, MANAGER}),
    # A citizens' assembly by lot (issue 18): MogelijkMakers and managers prepare it, run the
    # draws and record its meetings and outcomes. Every look at the pool's personal data is
    # audit-logged (staff/audit.py).
    "assemblies": frozenset({ENABLER, MANAGER}),
}


# The parts of the start page, in order, and whose work each one is. Someone with two roles
# sees the parts of both. The functional administrator sees every part that shows what waits
# anywhere, and their own part; not "my dreams", unless they are a MogelijkMaker too.
START_PARTS: dict[str, frozenset[str]] = {
    "my_dreams": frozenset({ENABLER}),  # first contact due, silence near, residents' replies
    "to_pick_up": frozenset({ENABLER, MANAGER}),  # the triage queue
    "letters": frozenset({COMMS}),  # "not possible" letters to sign
    "approvals": frozenset({MANAGER}),  # grants above the limit
    "promises_broken": frozenset({MANAGER}),
    "administration": frozenset({ADMINISTRATOR}),
}
PERSONAL_PARTS = frozenset({"my_dreams"})


def roles_of(user) -> set[str]:
    """Return the staff roles USER has (cached on the user for the request)."""
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return set()
    if not hasattr(user, "_staff_roles"):
        user._staff_roles = group_names(user.pk)
        if user.is_superuser:
            user._staff_roles.add(Role.ADMINISTRATOR)
    return user._staff_roles


def group_names(user_id: int) -> set[str]:
    """Return the names of the groups of user USER_ID: {g.name for g in user.groups.all()}.

    Every staff page asks this once. Composed by the ORM each time (a related manager, a
    join, a model per group) it cost some 0.4 ms of Python, four times the query itself
    (issue 15): the query is composed once per process, and run with the user's id.
    """
    sql, _params = _group_names_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id])
        return {name for (name,) in cursor.fetchall()}


@cache
def _group_names_sql(vendor: str) -> tuple[str, tuple]:
    from accounts.models import User  # the models are loaded by the time a page asks

    groups = User.groups.field.related_model.objects.filter(user__id=0)  # 0: the one parameter
    return groups.values_list("name", flat=True).query.sql_with_params()


def _may(user, roles: set[str], allowed: frozenset[str]) -> bool:
    """The rule: staff with one of the ALLOWED roles may; administrators always may."""
    if not roles:
        return False
    return user.is_superuser or Role.ADMINISTRATOR in roles or bool(roles & allowed)


def can(user, area: str) -> bool:
    """Return whether USER may use AREA."""
    return _may(user, roles_of(user), ACCESS[area])


def areas_of(user) -> dict[str, bool]:
    """Return, for every area, whether USER may use it, with the user's roles read once (the
    staff menu asks about every area on every page)."""
    roles = roles_of(user)
    return {area: _may(user, roles, allowed) for area, allowed in ACCESS.items()}


def start_parts(user) -> list[str]:
    """Return the parts of the start page USER sees, in the order of START_PARTS."""
    roles = roles_of(user)
    administrator = ADMINISTRATOR in roles
    return [
        part
        for part, allowed in START_PARTS.items()
        if roles & allowed or (administrator and part not in PERSONAL_PARTS)
    ]


def staff_area(area: str) -> Callable:
    """Let only staff with a role for AREA through.

    Put it above @require_GET/@require_POST, so that who may enter is decided before the
    method: otherwise a resident would get 405 instead of 404 and learn the URL exists.
    """
    if area not in ACCESS:
        raise ValueError(f"Unknown staff area: {area}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("staff:login"))
            if not user.is_staff:
                raise Http404  # a resident does not learn that the staff side exists
            if needs_second_factor(request):
                return second_factor_redirect(request)
            if not can(user, area):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.staff_area = area
        return wrapper

    return decorator
