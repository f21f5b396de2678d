"""config.form_renderer.bound_select_html writes what str(bound_field) writes for a select."""

import pytest
from django import forms
from django.http import QueryDict

from config.form_renderer import bound_select_html
from config.forms import NLDesignFormMixin, ShortModelChoiceField
from initiatives.models import Neighbourhood
from staff.forms import DreamFilterForm, HandOverForm
from tests.factories import NeighbourhoodFactory

pytestmark = pytest.mark.django_db

HOSTILE = "<script>alert(\"x\")</script> & 'quotes'"


class HostileForm(NLDesignFormMixin, forms.Form):
    pick = forms.ChoiceField(
        label="Kies",
        help_text="Eén keuze",
        choices=[("", "—"), ("a", HOSTILE), ('"b"', "B"), (3, "drie"), (None, "geen")],
    )
    many = forms.MultipleChoiceField(
        label="Meer", required=False, choices=[("a", "A"), ("b", HOSTILE), ("c", "C")]
    )
    place = ShortModelChoiceField(label="Plaats", queryset=Neighbourhood.objects.order_by("pk"))
    twice = forms.ChoiceField(label="Twee keer", choices=[("x", "X"), ("x", "X again")])


def _selects(form):
    return [
        form[name] for name, field in form.fields.items() if isinstance(field.widget, forms.Select)
    ]


def _assert_same(form):
    selects = _selects(form)
    assert selects
    for field in selects:
        ours = bound_select_html(field)
        assert ours is not None, field.name
        assert ours == str(field), field.name


def test_the_list_filters_unbound_and_chosen(db):
    places = [NeighbourhoodFactory(name=HOSTILE), NeighbourhoodFactory(name="Drunen")]
    _assert_same(DreamFilterForm())
    chosen = QueryDict(
        f"status=picked_up&status=realised&neighbourhood={places[0].pk}&sort=title", mutable=True
    )
    form = DreamFilterForm(chosen)
    assert form.is_valid()
    _assert_same(form)
    assert " selected>" in bound_select_html(form["neighbourhood"])
    assert bound_select_html(form["status"]).count(" selected") == 2
    assert "<script>" not in bound_select_html(form["neighbourhood"])


def test_the_hand_over_form(db, enabler):
    _assert_same(HandOverForm(people=lambda: [(enabler.pk, HOSTILE)]))
    _assert_same(HandOverForm({"handover-to": "nobody"}, people=lambda: [(enabler.pk, "Sanne")]))


@pytest.mark.parametrize(
    "data",
    [None, {}, {"pick": "a", "many": ["b", "c"]}, {"pick": '"b"'}, {"pick": "3", "twice": "x"}],
)
def test_hostile_labels_values_errors_and_help(db, data):
    NeighbourhoodFactory(name=HOSTILE)
    form = HostileForm(data)
    if data is not None:
        form.is_valid()  # errors give aria-invalid and aria-describedby
    _assert_same(form)
    assert "<script>" not in bound_select_html(form["pick"])


def test_option_groups_and_other_widgets_are_left_to_django(db):
    class Grouped(forms.Form):
        grouped = forms.ChoiceField(choices=[("Groep", [("a", "A")])])
        radio = forms.ChoiceField(choices=[("a", "A")], widget=forms.RadioSelect)

    form = Grouped()
    assert bound_select_html(form["grouped"]) is None
    assert bound_select_html(form["radio"]) is None


def test_options_written_again_from_the_cache_and_safe_labels_kept_apart(db):
    """The second rendering reads each option from _option_parts' cache; a SafeString label
    equal to a plain one (equal as a cache key) must still not be escaped, and the plain one
    must be."""
    from django.utils.safestring import mark_safe

    class Labels(NLDesignFormMixin, forms.Form):
        plain = forms.ChoiceField(choices=[("<b>", "<b>bold</b>"), ("x", HOSTILE)])
        safe = forms.ChoiceField(choices=[("<b>", mark_safe("<b>bold</b>")), ("x", "X")])

    for data in (None, {"plain": "x", "safe": "<b>"}, None):  # the last: all from the cache
        form = Labels(data)
        _assert_same(form)
        assert "<b>bold</b>" not in bound_select_html(form["plain"])
        assert "<b>bold</b>" in bound_select_html(form["safe"])
        assert "<script>" not in bound_select_html(form["plain"])
