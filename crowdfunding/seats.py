"""What a scholarship campaign can fund seats in: "seat targets" registered by the apps that own them.

crowdfunding never imports the LMS (.importlinter: the two are independent peers). A thin
integration package one floor up (`integrations/`) registers a provider per kind ("course",
"track") from its AppConfig.ready() through `crowdfunding.api.seat_target_register`, the way
courses and tracks register as billing products. See docs/decisions/0014.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class SeatTarget:
    kind: str
    ref: str
    title: str
    price_amount: int  # one seat at the list price, minor units (0: free or not priced)
    currency: str
    url: str  # the course or track page on the institution's site


class SeatTargetProvider(Protocol):
    def describe(self, ref: str) -> SeatTarget | None:
        """The course/track as it is now (None: no such thing, or not open to learners)."""

    def choices(self) -> list[tuple[str, str]]:
        """(ref, title) of every course/track a campaign may fund seats in now (staff form)."""

    def enroll(self, ref: str, learner, *, awarded_by) -> str:
        """Enroll `learner` with source "scholarship"; -> a reference of the enrollment.
        Raise ValidationError with a message for the staff when it cannot be done (already
        enrolled, full, closed)."""


_providers: dict[str, SeatTargetProvider] = {}


def seat_target_register(kind: str, provider: SeatTargetProvider) -> None:
    _providers[kind] = provider


def seat_target_kinds() -> list[str]:
    return sorted(_providers)


def seat_target_provider(kind: str) -> SeatTargetProvider:
    try:
        return _providers[kind]
    except KeyError:
        raise ValidationError({"seat_kind": f"“{kind[:20]}” is not something a campaign can fund seats in."},
                              code="unknown_seat_kind") from None


def seat_target_get(kind: str, ref: str) -> SeatTarget:
    target = seat_target_provider(kind).describe(str(ref)[:64])
    if target is None:
        raise ValidationError({"seat_ref": "Choose a published course or track."}, code="unknown_seat_target")
    return target


def seat_target_choices() -> list[tuple[str, str]]:
    """("kind:ref", "Kind: title") over every registered kind, for the staff form."""
    return [(f"{kind}:{ref}", f"{kind.title()}: {title}")
            for kind in seat_target_kinds() for ref, title in _providers[kind].choices()]
