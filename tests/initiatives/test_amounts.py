"""Amounts as people type them (initiatives/amounts.py): "1.234,50", "1234,50", "1234.50"."""

from decimal import Decimal

import pytest
from django import forms

from initiatives.amounts import AmountField, amount_text, parse_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,50", "1234.50"),
        ("1234,50", "1234.50"),
        ("1234.50", "1234.50"),
        ("1234", "1234"),
        ("€ 1.234", "1234"),
        ("1.500", "1500"),  # a Dutch reader means fifteen hundred
        ("1,5", "1.5"),
        ("1.2", "1.2"),
        ("1.234.567,89", "1234567.89"),
        ("1,234,567", "1234567"),
        ("1,234.56", "1234.56"),
        (" 250 ", "250"),
        ("12\u00a0500", "12500"),
        ("-5", "-5"),  # read, so that the field says it must be more than zero
    ],
)
def test_what_people_type_is_read(typed, amount):
    assert parse_amount(typed) == Decimal(amount)


@pytest.mark.parametrize(
    "typed", ["", "abc", "12.34.5", "1.", ",50", "1,2.3,4", "1e5", "1.234,5.6"]
)
def test_what_is_no_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_amount(typed)


def test_the_field_gives_dutch_messages(settings):
    settings.LANGUAGE_CODE = "nl"

    class Form(forms.Form):
        amount = AmountField(min_value=Decimal("0.01"))

    assert Form({"amount": "1.234,50"}).is_valid()
    form = Form({"amount": "twaalf"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Vul een bedrag in euro in, zoals 1250 of 1.250,50."]
    form = Form({"amount": "1,505"})
    assert not form.is_valid()
    assert form.errors["amount"] == ["Gebruik hoogstens 2 cijfers achter de komma (centen)."]
    form = Form({"amount": "0"})
    assert not form.is_valid()
    form = Form({"amount": "1.234,50"})
    form.is_valid()
    assert form.cleaned_data["amount"] == Decimal("1234.50")
    assert 'inputmode="decimal"' in str(form["amount"])


def test_an_amount_is_shown_as_it_is_typed():
    assert amount_text(Decimal("1234.5")) == "1234,50"
    assert amount_text(None) == ""
