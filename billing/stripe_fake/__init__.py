"""The project's one fake of Stripe (see core.py) and its plug for stripe-python."""
from .client import FakeStripeHTTPClient
from .core import (
    CARD_DECLINED,
    CARD_INSUFFICIENT_FUNDS,
    CARD_REQUIRES_AUTH,
    CARD_SUCCEEDS,
    FakeStripe,
    StripeError,
    decode_params,
    processor_fee,
)

__all__ = [
    "CARD_DECLINED", "CARD_INSUFFICIENT_FUNDS", "CARD_REQUIRES_AUTH", "CARD_SUCCEEDS", "FakeStripe",
    "FakeStripeHTTPClient", "StripeError", "decode_params", "processor_fee",
]
