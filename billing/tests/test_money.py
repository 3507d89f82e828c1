"""billing.money: the one table of ISO 4217 exponents, conversion both ways and the house format."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import money
from billing.money import Money


@pytest.mark.parametrize("currency, exponent", [
    ("ISK", 0), ("JPY", 0), ("KRW", 0), ("CLP", 0), ("VND", 0), ("XOF", 0),
    ("USD", 2), ("EUR", 2), ("GBP", 2), ("CHF", 2), ("MGA", 2), ("MRU", 2),
    ("KWD", 3), ("BHD", 3), ("JOD", 3), ("OMR", 3), ("TND", 3), ("IQD", 3), ("LYD", 3),
    ("kwd", 3), (" isk ", 0),
])
def test_exponents_follow_iso_4217(currency, exponent):
    assert money.currency_exponent(currency) == exponent


@pytest.mark.parametrize("code", ["XYZ", "", "US", "USDX", "XAU", "CLF", "HRK", None, 840])
def test_unknown_or_inactive_currency_is_a_validation_error(code):
    with pytest.raises(ValidationError) as exc:
        money.currency_exponent(code)
    assert exc.value.code == "unknown_currency"
    with pytest.raises(ValidationError):
        money.to_minor(Decimal("1"), code)


# One case per exponent class: (written, currency, minor units, shown).
ROUND_TRIPS = [
    (Decimal("1500"), "ISK", 1500, "1,500 ISK"),
    (Decimal("49"), "USD", 4900, "49.00 USD"),
    (Decimal("1.5"), "KWD", 1500, "1.500 KWD"),
    (Decimal("0.29"), "USD", 29, "0.29 USD"),
    (Decimal("0.001"), "KWD", 1, "0.001 KWD"),
    (Decimal("1234567.89"), "EUR", 123456789, "1,234,567.89 EUR"),
    (Decimal("2147483647"), "JPY", 2147483647, "2,147,483,647 JPY"),
    (Decimal("2147483.647"), "BHD", 2147483647, "2,147,483.647 BHD"),
    (0, "USD", 0, "0.00 USD"),
]


@pytest.mark.parametrize("amount, currency, minor, shown", ROUND_TRIPS)
def test_round_trip_and_house_format(amount, currency, minor, shown):
    assert money.to_minor(amount, currency) == minor
    assert money.from_minor(minor, currency) == Decimal(amount)
    assert money.format_minor(minor, currency) == shown
    assert str(Money.from_amount(amount, currency)) == shown
    assert Money(minor, currency.lower()).amount == Decimal(amount)


def test_from_minor_keeps_the_currencys_decimals():
    assert str(money.from_minor(5, "USD")) == "0.05"
    assert str(money.from_minor(500, "JPY")) == "500"
    assert str(money.from_minor(1234, "KWD")) == "1.234"
    assert str(money.from_minor(150, "KWD")) == "0.150"


@pytest.mark.parametrize("amount, currency, code", [
    (Decimal("0.001"), "USD", "too_many_decimals"),
    (Decimal("10.5"), "ISK", "too_many_decimals"),
    (Decimal("1.0001"), "KWD", "too_many_decimals"),
    (Decimal("-0.01"), "USD", "negative"),
    (Decimal("21474836.48"), "USD", "too_large"),
    (Decimal("2147483648"), "ISK", "too_large"),
    (Decimal("NaN"), "USD", "invalid"),
    (Decimal("Infinity"), "USD", "invalid"),
])
def test_refused_amounts(amount, currency, code):
    with pytest.raises(ValidationError) as exc:
        money.to_minor(amount, currency)
    assert exc.value.code == code


def test_whole_amounts_with_trailing_zeros_are_fine_in_zero_decimal_currencies():
    assert money.to_minor(Decimal("1500.00"), "ISK") == 1500


@pytest.mark.parametrize("amount", [0.29, 1.0, "1.00", True, None])
def test_floats_and_other_types_are_refused(amount):
    with pytest.raises(TypeError):
        money.to_minor(amount, "USD")


def test_from_minor_and_money_take_integers_only():
    with pytest.raises(TypeError):
        money.from_minor(49.0, "USD")
    with pytest.raises(TypeError):
        Money(Decimal("4900"), "USD")
    with pytest.raises(ValidationError):
        Money(-1, "USD")
    with pytest.raises(ValidationError):
        Money(100, "XYZ")


def test_money_is_frozen_and_normalises_the_code():
    price = Money(1500, "kwd")
    assert price == Money(1500, "KWD") and price.currency == "KWD" and not price.is_zero
    with pytest.raises(AttributeError):
        price.amount_minor = 1


def test_price_label_says_free_for_nothing():
    assert money.price_label(0, "KWD") == "Free"
    assert money.price_label(1500, "KWD") == "1.500 KWD"


def test_nothing_else_keeps_a_currency_table():
    """The exponents live in billing.money only (the defect was two tables that disagreed)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    pattern = re.compile(r"\b(ISK|KWD|BHD)\b.*\b(JPY|OMR|KRW)\b")
    offenders = [
        str(path.relative_to(root)) for path in root.glob("**/*.py")
        if ".venv" not in path.parts and "tests" not in path.parts and path.name != "money.py"
        and pattern.search(path.read_text(encoding="utf-8", errors="ignore"))
    ]
    assert offenders == []


@pytest.mark.parametrize("amount,rounded", [
    (Decimal("4083.3333"), 4083), (Decimal("4083.5"), 4084), (Decimal("4084.5"), 4085),  # halves up, not to even
    (Decimal("0.4999"), 0), (Decimal(98000) / 12, 8167), (12, 12),
])
def test_minor_round_is_the_one_rounding_rule(amount, rounded):
    assert money.minor_round(amount) == rounded


def test_minor_round_refuses_floats():
    with pytest.raises(TypeError):
        money.minor_round(4083.5)
