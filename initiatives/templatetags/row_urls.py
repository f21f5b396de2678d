"""The URL of a row's object in a long list, without reversing it again for every row.

{% url 'staff:dream_workspace' dream.pk %} resolves the name, checks the argument against the
pattern and quotes the result: about 15-40 µs. The triage page wrote three such links for
each of its 50 rows (issue 15). `{{ dream.pk|pk_url:"staff:dream_workspace" }}` reverses the
name once (per URLconf and script prefix) with a stand-in number, and puts each row's number
in its place: the same URL (tests/initiatives/test_row_urls.py).
"""

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()

# A number no real URL holds twice: the place where the object's number goes.
_STAND_IN = 987654321987654321


@lru_cache(maxsize=64)
def _around(viewname: str, urlconf: str | None, prefix: str) -> tuple[str, str]:
    url = reverse(viewname, args=[_STAND_IN], urlconf=urlconf)
    before, found, after = url.partition(str(_STAND_IN))
    if not found or str(_STAND_IN) in after:
        raise ValueError(f"{viewname} does not take one number")
    return before, after


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _around.cache_clear()


@register.filter
def pk_url(pk, viewname: str) -> str:
    """Return the URL of VIEWNAME for the object number PK (an int URL argument)."""
    before, after = _around(viewname, get_urlconf(), get_script_prefix())
    return f"{before}{int(pk)}{after}"


@lru_cache(maxsize=256)
def _fixed(viewname: str, urlconf: str | None, prefix: str) -> str:
    return reverse(viewname, urlconf=urlconf)


@receiver(setting_changed)
def _forget_fixed(*, setting, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _fixed.cache_clear()


@register.simple_tag
def fixed_url(viewname: str) -> str:
    """Return the URL of VIEWNAME, a view without arguments, reversed once per URLconf and
    script prefix: what {% url viewname %} writes. The layout of every page has some ten of
    them (the menu, the language switch, the footer)."""
    return _fixed(viewname, get_urlconf(), get_script_prefix())
