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
    # one-time links to an account's own address: mandatory (always emailed, no unsubscribe link); the bell,
    # if the person asks for it, says only that the email went out (the link is never in it)
    user = {"first_name": "Ada", "email": "ada@example.org"}
    event_register("password_reset", title="Password reset link", category="account", default="email", mandatory=True,
                   sample={"user": user, "link": "https://example.org/accounts/reset/UID/TOKEN/"})
    event_register("account_created", title="Account created for you (choose a password)", category="account",
                   default="email", mandatory=True,
                   sample={"user": user, "link": "https://example.org/accounts/reset/UID/TOKEN/"})
    event_register("email_verify", title="Email address confirmation", category="account", default="email",
                   mandatory=True, sample={"user": user, "link": "https://example.org/accounts/verify/TOKEN/"})
