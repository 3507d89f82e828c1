"""The platform's one set of money rules: ISO 4217 minor-unit exponents, conversion and formatting.

Amounts are stored as integer minor units (1.500 KWD -> 1500, 49.00 USD -> 4900, 1,500 ISK -> 1500)
and converted with Decimal only. Every price in the platform (plans, course prices, later payments
and pledges) goes through this module; nothing else keeps a currency table.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import ValidationError

# Active ISO 4217 currencies by minor-unit exponent (ISO's list, not a payment provider's: MGA and
# MRU are 2 in ISO 4217 even though some providers charge them whole). Funds codes, precious
# metals and 4-decimal units of account (CLF, UYW) are not money a price can be in.
_EXPONENT_0 = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF"
_EXPONENT_3 = "BHD IQD JOD KWD LYD OMR TND"
_EXPONENT_2 = (
    "AED AFN ALL AMD AOA ARS AUD AWG AZN BAM BBD BDT BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF "
    "CHF CNY COP CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD "
    "HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA "
    "MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN "
    "QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT "
    "TOP TRY TTD TWD TZS UAH USD UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG"
)
CURRENCY_EXPONENTS: dict[str, int] = {
    **{code: 2 for code in _EXPONENT_2.split()},
    **{code: 0 for code in _EXPONENT_0.split()},
    **{code: 3 for code in _EXPONENT_3.split()},
}
MAX_EXPONENT = max(CURRENCY_EXPONENTS.values())
# Prices are stored in PostgreSQL integer columns (PositiveIntegerField).
MAX_MINOR_UNITS = 2_147_483_647
# Enough digits for MAX_MINOR_UNITS at any exponent: form and serializer DecimalFields use these.
MAX_DIGITS = len(str(MAX_MINOR_UNITS)) + MAX_EXPONENT
DECIMAL_PLACES = MAX_EXPONENT


def currency_clean(currency: str) -> str:
    """'kwd ' -> 'KWD'; a code that is not an active ISO 4217 currency is a ValidationError."""
    code = (currency or "").strip().upper() if isinstance(currency, str) else ""
    if code not in CURRENCY_EXPONENTS:
        raise ValidationError(
            f"“{str(currency)[:10]}” is not a currency we accept: use an ISO 4217 code such as USD, EUR or JPY.",
            code="unknown_currency",
        )
    return code


def currency_exponent(currency: str) -> int:
    """Decimal places of the currency's minor unit: JPY 0, USD 2, KWD 3."""
    return CURRENCY_EXPONENTS[currency_clean(currency)]


def to_minor(amount: Decimal | int, currency: str) -> int:
    """An amount as people write it in integer minor units: 1.5 KWD -> 1500, 49 USD -> 4900, 1500 ISK -> 1500.

    Decimal (or int) only: a float is a programming error (binary fractions are not money).
    """
    if isinstance(amount, (float, bool)) or not isinstance(amount, (Decimal, int)):
        raise TypeError(f"Money amounts are Decimal, never {type(amount).__name__}.")
    exponent = currency_exponent(currency)
    code = currency_clean(currency)
    try:
        amount = Decimal(amount)
    except InvalidOperation as exc:  # pragma: no cover - Decimal(int/Decimal) does not fail
        raise ValidationError("Enter an amount such as 49.00.", code="invalid") from exc
    if not amount.is_finite():
        raise ValidationError("Enter an amount such as 49.00.", code="invalid")
    if amount < 0:
        raise ValidationError("The amount cannot be negative.", code="negative")
    minor = amount.scaleb(exponent)
    if minor != minor.to_integral_value():
        if exponent == 0:
            raise ValidationError(f"{code} has no minor unit: enter a whole amount.", code="too_many_decimals")
        raise ValidationError(f"{code} amounts have at most {exponent} decimal places.", code="too_many_decimals")
    minor = int(minor)
    if minor > MAX_MINOR_UNITS:
        raise ValidationError(f"The amount is too large: at most {format_minor(MAX_MINOR_UNITS, code)}.",
                              code="too_large")
    return minor


def from_minor(amount_minor: int, currency: str) -> Decimal:
    """Integer minor units as the amount people read: 1500 KWD -> Decimal('1.500'), 4900 USD -> Decimal('49.00')."""
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise TypeError(f"Minor units are an int, not {type(amount_minor).__name__}.")
    exponent = currency_exponent(currency)
    return Decimal(amount_minor).scaleb(-exponent).quantize(Decimal(1).scaleb(-exponent))


# The one written rounding rule for amounts derived from other amounts (a yearly price's monthly
# equivalent, shares and fees): exact Decimal arithmetic in minor units, then to the nearest whole
# minor unit with halves rounded up (away from zero), once, at the end.
ROUNDING = ROUND_HALF_UP


def minor_round(amount_minor: Decimal | int) -> int:
    """A Decimal amount of minor units as whole minor units by ROUNDING: Decimal('4083.5') -> 4084."""
    if isinstance(amount_minor, (float, bool)) or not isinstance(amount_minor, (Decimal, int)):
        raise TypeError(f"Money amounts are Decimal, never {type(amount_minor).__name__}.")
    return int(Decimal(amount_minor).to_integral_value(rounding=ROUNDING))


def format_minor(amount_minor: int, currency: str) -> str:
    """The house style: thousands separated by commas, the currency's own decimals, the code after.

    1500 KWD -> '1.500 KWD', 1500 ISK -> '1,500 ISK', 4900 USD -> '49.00 USD'.
    """
    return f"{from_minor(amount_minor, currency):,} {currency_clean(currency)}"


def price_label(amount_minor: int, currency: str) -> str:
    """A price as shown to buyers: 'Free' for nothing, else the house style."""
    return "Free" if not amount_minor else format_minor(amount_minor, currency)


@dataclass(frozen=True)
class Money:
    """An amount of one currency in integer minor units; what crosses app boundaries."""

    amount_minor: int
    currency: str

    def __post_init__(self):
        if isinstance(self.amount_minor, bool) or not isinstance(self.amount_minor, int):
            raise TypeError(f"Minor units are an int, not {type(self.amount_minor).__name__}.")
        object.__setattr__(self, "currency", currency_clean(self.currency))
        if self.amount_minor < 0:
            raise ValidationError("The amount cannot be negative.", code="negative")
        if self.amount_minor > MAX_MINOR_UNITS:
            raise ValidationError("The amount is too large.", code="too_large")

    @classmethod
    def from_amount(cls, amount: Decimal | int, currency: str) -> Money:
        return cls(to_minor(amount, currency), currency)

    @property
    def amount(self) -> Decimal:
        return from_minor(self.amount_minor, self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount_minor == 0

    def __str__(self) -> str:
        return format_minor(self.amount_minor, self.currency)
