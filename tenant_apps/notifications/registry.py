"""The event types every app registers (in its AppConfig.ready()): what `notify()` may be asked to send.

An event type names its templates (templates/notifications/<key>.inapp.txt for the bell,
<key>.subject.txt / <key>.txt / <key>.html for email), the category a person unsubscribes
from by email, the default delivery, and whether it is mandatory (a transactional message
that must arrive: "off" and "in-app only" are not offered, and no unsubscribe link is added).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# A person's choice per event type -> the channels it delivers on.
CHOICES: dict[str, frozenset[str]] = {
    "all": frozenset({"in_app", "email"}),
    "in_app": frozenset({"in_app"}),
    "email": frozenset({"email"}),
    "digest": frozenset({"in_app", "digest"}),
    "off": frozenset(),
}
CHOICE_LABELS = {"all": "In-app and email", "in_app": "In-app only", "email": "Email only",
                 "digest": "In-app and daily digest", "off": "Off"}
MANDATORY_CHOICES = ("all", "email")  # a mandatory message always goes out by email
CATEGORIES = {"account": "Account", "course": "Courses", "payments": "Payments", "crowdfunding": "Crowdfunding",
              "privacy": "Privacy", "messages": "Messages", "admin": "Site administration", "marketing": "News and offers",
              "digest": "Daily digest"}
# Emails of these categories go only to people who consented (tenants.api.mail_recipients_allowed asks
# the privacy app); the bell is not marketing and is unaffected.
CONSENT_CATEGORIES = frozenset({"marketing"})
# Who an event type is for: the preferences page lists an event only to the people it can reach.
AUDIENCES = ("everyone", "staff", "admin")


@dataclass(frozen=True)
class EventType:
    key: str
    title: str
    category: str
    default: str = "all"
    mandatory: bool = False
    audience: str = "everyone"
    sample: Callable[[], dict] | dict = field(default_factory=dict)  # context for the staff preview page

    @property
    def choices(self) -> tuple[str, ...]:
        return MANDATORY_CHOICES if self.mandatory else tuple(CHOICES)

    def channels_for(self, choice: str | None) -> frozenset[str]:
        if choice not in self.choices:
            choice = self.default
        return CHOICES[choice]

    def sample_context(self) -> dict:
        return dict(self.sample() if callable(self.sample) else self.sample)


_EVENTS: dict[str, EventType] = {}


def event_register(key: str, *, title: str, category: str, default: str = "all", mandatory: bool = False,
                   audience: str = "everyone", sample: Callable[[], dict] | dict | None = None) -> EventType:
    """Declare an event type (idempotent for the same key: the last declaration wins). `audience`
    ("everyone", "staff", "admin") only decides who sees it on the preferences page."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown notification category {category!r}")
    if audience not in AUDIENCES:
        raise ValueError(f"unknown audience {audience!r} for {key!r}")
    if mandatory and category in CONSENT_CATEGORIES:
        raise ValueError(f"{key!r}: a {category} message needs consent, it cannot be mandatory")
    if default not in CHOICES or (mandatory and default not in MANDATORY_CHOICES):
        raise ValueError(f"default {default!r} is not allowed for {key!r}")
    event = EventType(key=key, title=title, category=category, default=default, mandatory=mandatory,
                      audience=audience, sample=sample or {})
    _EVENTS[key] = event
    return event


def event_get(key: str) -> EventType:
    try:
        return _EVENTS[key]
    except KeyError:
        raise LookupError(f"notification event {key!r} is not registered") from None


def event_types() -> list[EventType]:
    """Every event type, by category (in CATEGORIES' order), then title."""
    order = {c: i for i, c in enumerate(CATEGORIES)}
    return sorted(_EVENTS.values(), key=lambda e: (order.get(e.category, len(order)), e.title))
