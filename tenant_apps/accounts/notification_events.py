"""The account events this app sends through tenant_apps.notifications."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("welcome", title="Welcome", category="account", default="in_app",
                   sample={"recipient": {"first_name": "Ada", "email": "ada@example.org"}})
    # the invitation carries a single-use link to an address without an account: always emailed
    event_register("invitation", title="Invitation", category="account", default="email", mandatory=True,
                   sample={"invitation": {"email": "new@example.org", "get_role_display": "Learner", "expires_at": None},
                           "link": "https://example.org/accounts/invitation/TOKEN/", "inviter": {"get_full_name": "Grace Hopper", "email": "grace@example.org"}})
