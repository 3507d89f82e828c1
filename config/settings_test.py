"""Test settings: the real stack (PostgreSQL, Redis), started embedded when no URLs are given.

The servers must exist before the base settings read DATABASE_URL / REDIS_URL, which is why
this module starts them on import; they stop when the test process exits.
"""
import atexit
import os

os.environ["EDUCROWD_TESTING"] = "1"
os.environ.setdefault("DEBUG", "1")  # debug is off unless set (config/settings.py)
os.environ.setdefault("CACHE_KEY_PREFIX", "educrowd-test")

if not (os.environ.get("DATABASE_URL") and os.environ.get("REDIS_URL")):
    from .embedded import ensure_services

    atexit.register(ensure_services(for_tests=True).stop)

from .settings import *  # noqa: E402,F403

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = False
# Only the mail task runs in-process on commit, so tests can read mail.outbox (tenants/mail.py).
MAIL_DELIVER_EAGER = True
# Deterministic query counts: every request reads its routing (tenants/tests cover the cache).
TENANT_ROUTING_CACHE_SECONDS = 0

# Stripe: tests plug the fake in at stripe-python's HTTP-client seam (billing/testing.py).
STRIPE_SECRET_KEY = "sk_test_educrowd"
STRIPE_API_BASE = "http://127.0.0.1:9"  # a test without the fake can never reach Stripe
STRIPE_WEBHOOK_SECRET = "whsec_test_platform"
STRIPE_CONNECT_WEBHOOK_SECRET = "whsec_test_connect"
