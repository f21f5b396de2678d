"""An amount as people type it (config/amount_field.py)."""

from decimal import Decimal

import pytest

from config.amount_field import parse_amount


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,50", Decimal("1234.50")),
        ("1234,50", Decimal("1234.50")),
        ("1234.50", Decimal("1234.50")),
        ("€ 1.234,50", Decimal("1234.50")),
        ("1.234", Decimal("1234")),
        ("1.234.567,8", Decimal("1234567.8")),
        ("12.5", Decimal("12.5")),
        (",5", Decimal("0.5")),
        ("0", Decimal("0")),
        ("-5", Decimal("-5")),
    ],
)
def test_amounts_in_every_way_of_writing(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed",
    ["", "abc", "1e5", "NaN", "Infinity", "1,2,3", "12.34.5", "1.23,4.5", "1,", "--5", "5-"],
)
def test_what_is_not_an_amount(typed):
    assert parse_amount(typed) is None
