"""stripe-python's HTTP-client seam, answered by a `FakeStripe` in the same process."""
from __future__ import annotations

import json

import stripe

from .core import FakeStripe


class FakeStripeHTTPClient(stripe.HTTPClient):
    """`StripeClient(key, http_client=FakeStripeHTTPClient(fake))`: no socket is ever opened."""

    name = "educrowd-fake"

    def __init__(self, fake: FakeStripe):
        super().__init__()
        self.fake = fake

    def request(self, method, url, headers, post_data=None, *, _usage=None):
        status, body = self.fake.handle(method, url, dict(headers or {}), post_data)
        return json.dumps(body), status, {"request-id": f"req_fake_{len(self.fake.requests)}",
                                          "content-type": "application/json"}

    def request_stream(self, method, url, headers, post_data=None, *, _usage=None):
        raise NotImplementedError("streaming endpoints are not used by EduCrowd")

    def close(self):
        return None
