"""What can be bought: product kinds registered by the apps that own them (courses, tracks).

billing never imports those apps; each registers a provider from its AppConfig.ready()
through `billing.api.product_provider_register`. The provider answers what a product is and
costs, whether this person may buy it, and delivers or takes back access — idempotently,
because a payment can be confirmed more than once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError

from ..money import Money


@dataclass(frozen=True)
class Product:
    kind: str
    ref: str
    title: str
    price: Money
    url: str  # where the buyer goes once access is granted (a path on the tenant's site)


class ProductProvider(Protocol):
    def describe(self, ref: str) -> Product | None:
        """The product as sold now (None: no such product, or not for sale)."""

    def purchase_check(self, ref: str, user) -> None:
        """Raise ValidationError when `user` cannot buy it now (already has it, closed, full)."""

    def has_access(self, ref: str, user) -> bool:
        """Does `user` already have what the product gives?"""

    def fulfil(self, ref: str, user, *, order_number: str) -> None:
        """Grant access; calling it again for the same buyer changes nothing."""

    def revoke(self, ref: str, user, *, reason: str) -> None:
        """Take access back (a refund that revokes); nothing is deleted."""


_providers: dict[str, ProductProvider] = {}


def product_provider_register(kind: str, provider: ProductProvider) -> None:
    _providers[kind] = provider


def provider_for(kind: str) -> ProductProvider:
    try:
        return _providers[kind]
    except KeyError:
        raise ValidationError(f"“{kind[:20]}” is not something that can be bought here.", code="unknown_product") from None


def product_get(kind: str, ref: str) -> Product:
    product = provider_for(kind).describe(ref)
    if product is None:
        raise ValidationError("This is not for sale.", code="not_for_sale")
    return product


def tenant_currency() -> str:
    """The currency every price of the active institution is in (chosen at sign-up)."""
    from django.db import connection

    return getattr(connection.tenant, "currency", "") or "USD"


def price_currency_check(currency: str) -> str:
    """`currency` cleaned, if it is the institution's own; a ValidationError on `price_currency` else."""
    from .. import money

    try:
        code = money.currency_clean(currency)
    except ValidationError as exc:
        raise ValidationError({"price_currency": exc.messages}) from exc
    expected = tenant_currency()
    if code != expected:
        raise ValidationError({"price_currency": f"Prices on this site are in {expected}, the currency chosen when "
                                                 f"the institution signed up; {code} cannot be used."})
    return code


def product_kinds() -> list[str]:
    return sorted(_providers)
