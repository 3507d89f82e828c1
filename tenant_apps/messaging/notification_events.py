"""The event this app sends through tenant_apps.notifications: a new message (not to its sender,
not to people who muted the conversation or block the sender)."""
from __future__ import annotations


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("message_received", title="New message", category="messages", default="all", sample={
        "sender_name": "Grace Hopper", "conversation_title": "", "is_group": False,
        "preview": "Could we look at your essay on Thursday?", "url": "/messages/",
    })
