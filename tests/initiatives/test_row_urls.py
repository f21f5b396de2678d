"""`pk_url` writes the same URL as {% url %} for each row, also after the URLconf changes."""

import pytest
from django.template import engines
from django.urls import reverse, set_script_prefix

from initiatives.templatetags.row_urls import pk_url


@pytest.mark.parametrize(
    "viewname", ["staff:dream_workspace", "staff:pick_up", "residents:dream_detail"]
)
@pytest.mark.parametrize("pk", [1, 7, 90, 12345, 987654321])
def test_the_same_url_as_reverse(viewname, pk):
    assert pk_url(pk, viewname) == reverse(viewname, args=[pk])


def test_in_a_template_the_same_as_the_url_tag():
    source = (
        "{% load row_urls %}{{ pk|pk_url:'staff:dream_workspace' }}"
        "|{% url 'staff:dream_workspace' pk %}"
    )
    ours, django_s = engines["django"].from_string(source).render({"pk": 42}).split("|")
    assert ours == django_s


def test_a_name_that_takes_no_number_is_refused():
    with pytest.raises(Exception):  # noqa: B017 - NoReverseMatch or ValueError
        pk_url(1, "staff:triage")


def test_a_script_prefix_is_followed():
    """Behind a proxy that serves the portal under a path, each URL starts with it."""
    before = pk_url(3, "staff:dream_workspace")
    set_script_prefix("/portaal/")
    try:
        assert pk_url(3, "staff:dream_workspace") == "/portaal" + before
        assert pk_url(3, "staff:dream_workspace") == reverse("staff:dream_workspace", args=[3])
    finally:
        set_script_prefix("/")


FIXED = [
    "mailbox_list",
    "residents:dream_create",
    "residents:home",
    "residents:my_data",
    "residents:my_dreams",
    "residents:notification_preferences",
    "residents:privacy",
    "residents:sign_in",
    "residents:sign_out",
    "set_language",
    "staff:dream_bulk",
    "staff:dream_export",
    "staff:dream_list",
    "staff:logout",
]


@pytest.mark.parametrize("viewname", FIXED)
def test_a_fixed_url_is_what_the_url_tag_writes(viewname):
    source = f"{{% load row_urls %}}{{% fixed_url '{viewname}' %}}|{{% url '{viewname}' %}}"
    ours, django_s = engines["django"].from_string(source).render({}).split("|")
    assert ours == django_s == reverse(viewname)
    set_script_prefix("/portaal/")
    try:
        ours, django_s = engines["django"].from_string(source).render({}).split("|")
        assert ours == django_s and ours.startswith("/portaal/")
    finally:
        set_script_prefix("/")
