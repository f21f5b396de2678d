"""The staff menu's links, written in Python: the same HTML as the eight template lines in
staff/templates/staff/base_staff.html that it replaces (tests/staff/test_staff_nav.py keeps
them and compares).

Every staff page wrote them through seven {% url %} tags, seven lookups of the current
page's name and seven permission lookups; here the addresses are reversed once per URLconf
and each link is one f-string (issue 15).
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

# (staff area, URL name in the staff namespace, label), in the menu's order.
LINKS = (
    ("start", "start", _("Waiting for you")),
    ("triage", "triage", _("New dreams")),
    ("dream_list", "dream_list", _("All dreams")),
    ("decisions", "decisions", _("Decisions")),
    ("approvals", "approvals", _("Approvals")),
    ("applications", "application_list", _("Applications")),
    ("workload", "workload", _("Workload")),
    ("reports", "report", _("Reports")),
    ("dilemmas", "dilemmas", _("Dilemmas")),
    ("funds", "funds", _("Funds")),
    ("payments", "payments", _("Payments")),
    ("accountability", "accountabilities", _("Accounting")),
    ("platforms", "platforms", _("Platforms")),
    ("partners", "partners", _("Partners")),
    ("assemblies", "assemblies", _("Citizens' assemblies")),
)


@lru_cache(maxsize=16)
def _addresses(urlconf: str | None, prefix: str) -> tuple[str, ...]:
    return tuple(reverse(f"staff:{name}", urlconf=urlconf) for _area, name, _label in LINKS)


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _addresses.cache_clear()


@register.simple_tag(takes_context=True)
def staff_nav(context) -> SafeString:
    """Return the <li> of each staff area the user may use (context's staff_can), the
    current page's marked with aria-current."""
    allowed = context.get("staff_can") or {}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match is not None else None
    addresses = _addresses(get_urlconf(), get_script_prefix())
    parts = []
    for (area, name, label), address in zip(LINKS, addresses, strict=True):
        if allowed.get(area):
            mark = ' aria-current="page"' if current == name else ""
            # The labels are the project's own translations: not escaped, as
            # {% translate "…" %} does not escape a literal's translation.
            parts.append(
                f'  <li><a class="utrecht-link utrecht-link--html-a" href="{address}"{mark}>'
                f"{label}</a></li>\n"
            )
        else:
            parts.append("  \n")
    return mark_safe("".join(parts).strip())  # noqa: S308 - addresses and our own labels
