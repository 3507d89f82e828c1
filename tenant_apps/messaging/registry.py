"""Who may message whom beyond the rules this app knows itself (staff <-> staff, learner <-> learner
where the institution allows it): apps above register a contact policy in their AppConfig.ready().

A policy is two functions:
- `allows(sender, recipient) -> bool`: may these two (of one institution, different roles) talk;
- `contacts(user) -> QuerySet of user ids` (`values("pk")`-like, usable in `pk__in`): everyone
  the policy lets `user` reach, in one query.
lms.courses registers "courses": a learner <-> the staff of a course they are enrolled in.
This app never imports the apps that register.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class ContactPolicy:
    name: str
    allows: Callable[[object, object], bool]
    contacts: Callable[[object], object]


_POLICIES: dict[str, ContactPolicy] = {}


def contact_policy_register(name: str, *, allows: Callable[[object, object], bool],
                            contacts: Callable[[object], object]) -> None:
    """Register (or replace) the policy `name`."""
    _POLICIES[name] = ContactPolicy(name=name, allows=allows, contacts=contacts)


def contact_policies() -> list[ContactPolicy]:
    return [p for _, p in sorted(_POLICIES.items())]
