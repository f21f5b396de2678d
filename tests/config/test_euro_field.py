"""EuroField reads amounts as people type them, in Dutch or not (config/forms.py)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from config.forms import EuroField


class AmountForm(forms.Form):
    amount = EuroField(label="Bedrag")


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("250", "250"),
        ("250,5", "250.50"),
        ("1234,50", "1234.50"),
        ("1234.50", "1234.50"),  # a point before two digits: the decimal mark, not thousands
        ("1.234,50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1.234", "1234"),  # a point before three digits groups thousands, as in Dutch
        ("1.234.567", "1234567"),
        ("€ 1.250,00", "1250.00"),
        (" 12,5 ", "12.50"),
    ],
)
@pytest.mark.parametrize("language", ["nl", "en"])
def test_amounts_are_read_as_meant(typed, amount, language):
    with translation.override(language):
        form = AmountForm({"amount": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["amount"] == Decimal(amount)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("0", "Het bedrag moet meer dan € 0 zijn."),
        ("-5", "Het bedrag moet meer dan € 0 zijn."),
        ("twaalf", "Vul een bedrag in zoals 250 of 1.250,50."),
        ("12,345", "Gebruik maximaal 2 cijfers achter de komma."),
        ("1e5", "Vul een bedrag in zoals 250 of 1.250,50."),
        ("99999999999", "Dat bedrag is te hoog."),
    ],
)
def test_what_is_not_an_amount_is_said_in_dutch(typed, message):
    with translation.override("nl"):
        form = AmountForm({"amount": typed})
        assert not form.is_valid()
        assert form.errors["amount"] == [message]
