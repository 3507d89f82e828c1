"""The discussion events this app sends through tenant_apps.notifications."""
from __future__ import annotations

SAMPLE = {"course": {"title": "Analytical Engines"}, "thread_title": "How do the cards loop?", "author_name": "Ada Lovelace",
          "excerpt": "The Jacquard cards can be chained...", "url": "https://example.org/learn/engines/discussions/"}


def register() -> None:
    from tenant_apps.notifications.api import event_register

    event_register("discussion_reply", title="New reply in a discussion you follow", category="course", default="all",
                   sample=SAMPLE)
    event_register("discussion_mention", title="You were mentioned in a discussion", category="course", default="all",
                   sample=SAMPLE)
