"""Every app declares the personal data it holds (like Moodle's privacy providers).

An app registers one `PrivacyProvider` per export area in its `AppConfig.ready()`:
what it holds (`Holding`: a model and the fields that name or point at the person, and the
file fields), an `export(user)` that returns that person's records (JSON-ready dicts) and
files, and an `erase(user, pseudonym)` step for the erasure pipeline. Data that looks personal
but is not (a course's cover image, a grade category's name) is declared with
`privacy_not_personal`, with the reason. `coverage_gaps()` walks every tenant-schema model
and lists each user foreign key, email/name/IP field and file field that nobody declared: a
test fails on any, so a future app cannot forget.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Iterable

from django.apps import apps
from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class Holding:
    """Personal data one model holds: `model` is "app_label.ModelName"."""

    model: str
    fields: tuple[str, ...] = ()
    files: tuple[str, ...] = ()


@dataclass
class ExportPart:
    """One area of a person's export: records (JSON-ready dicts) and files.

    `files` are (path inside the area's folder, name in the tenant's storage)."""

    records: list[dict[str, Any]] = field(default_factory=list)
    files: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class PrivacyProvider:
    area: str  # the export's `<area>.json`: "enrollments", "payments", ...
    title: str  # for people: "Enrollments and progress"
    holdings: tuple[Holding, ...]
    export: Callable[[Any], ExportPart]
    # The erasure pipeline's step: anonymise or delete this area's data of `user`; re-runnable
    # (a second run finds nothing more to do). -> {"what": count} for the status page.
    erase: Callable[..., dict[str, int]] | None = None
    # Non-empty: these records are kept under legal hold (retention category), the person's
    # name replaced where the law allows, visible only to finance staff.
    legal_hold: str = ""
    order: int = 100  # erasure runs providers in this order (then the account itself)
    # Retention of inactive accounts (tenant_apps/privacy/retention_accounts.py), both optional:
    # `last_activity(user_ids)` -> {user id: the latest time this area saw the person act};
    # `obligations(user_ids)` -> {user id: why the account must stay for now ("open_pledge")}.
    last_activity: Callable[[list[int]], dict[int, datetime]] | None = None
    obligations: Callable[[list[int]], dict[int, str]] | None = None
    # The legal hold on some of this area's records ended (retention category "payments"):
    # `release(model_label, ids)` removes what is left of the person in them -> {"what": count}.
    release: Callable[[str, list[str]], dict[str, int]] | None = None


_providers: dict[str, PrivacyProvider] = {}
_not_personal: dict[tuple[str, str], str] = {}


def privacy_provider_register(provider: PrivacyProvider) -> None:
    known = _providers.get(provider.area)
    if known is not None and known != provider:
        raise ValueError(f"privacy area {provider.area!r} is registered twice")
    _providers[provider.area] = provider


def privacy_not_personal(model: str, fields: Iterable[str], reason: str) -> None:
    """Fields the walk would flag that hold no personal data (course artwork, category names)."""
    for name in fields:
        _not_personal[(model, name)] = reason


def providers() -> list[PrivacyProvider]:
    return sorted(_providers.values(), key=lambda p: (p.order, p.area))


def provider_get(area: str) -> PrivacyProvider | None:
    return _providers.get(area)


def last_activity_of(user_ids: list[int]) -> dict[int, datetime]:
    """The latest activity each area knows of, per person (absent: no area saw any)."""
    latest: dict[int, datetime] = {}
    for provider in providers():
        if provider.last_activity is None:
            continue
        for user_id, when in provider.last_activity(user_ids).items():
            if when is not None and (user_id not in latest or when > latest[user_id]):
                latest[user_id] = when
    return latest


def obligations_of(user_ids: list[int]) -> dict[int, str]:
    """Why some accounts must stay for now (the first area to name a reason wins)."""
    found: dict[int, str] = {}
    for provider in providers():
        if provider.obligations is not None:
            for user_id, reason in provider.obligations(user_ids).items():
                found.setdefault(user_id, reason)
    return found


def latest_by_user(queryset, user_field: str, *time_fields: str) -> dict[int, datetime]:
    """{user id: the greatest of `time_fields`} over `queryset` (a helper for `last_activity`)."""
    from django.db.models import Max
    from django.db.models.functions import Greatest

    if len(time_fields) == 1:
        latest = Max(time_fields[0])
    else:
        latest = Max(Greatest(*time_fields))  # Greatest ignores NULLs on PostgreSQL
    return {row[user_field]: row["latest"] for row in queryset.values(user_field).annotate(latest=latest).order_by()
            if row["latest"] is not None}


# --- the walk ------------------------------------------------------------------------------------

NAME_HINTS = ("email", "name", "ip", "user_agent")


def _tenant_models() -> list[type[models.Model]]:
    """Concrete models whose tables live in each institution's schema."""
    labels = set()
    for entry in settings.TENANT_APPS:
        for config in apps.get_app_configs():
            if config.name == entry:
                labels.add(config.label)
    return [m for m in apps.get_models() if m._meta.app_label in labels and not m._meta.proxy]


def looks_personal(model_field: models.Field) -> bool:
    """A user foreign key, an email/name/IP(/user agent) field, or a file."""
    if not getattr(model_field, "concrete", False):
        return False
    if isinstance(model_field, models.ForeignKey) and model_field.related_model is not None:
        return model_field.related_model._meta.label == settings.AUTH_USER_MODEL
    if isinstance(model_field, (models.FileField, models.EmailField, models.GenericIPAddressField)):
        return True
    if isinstance(model_field, (models.CharField, models.TextField)):
        parts = model_field.name.lower().split("_")
        return any(hint in parts for hint in NAME_HINTS) or model_field.name in ("username",)
    return False


def declared() -> set[tuple[str, str]]:
    out = set(_not_personal)
    for provider in _providers.values():
        for holding in provider.holdings:
            out.update((holding.model, name) for name in holding.fields + holding.files)
    return out


def coverage_gaps() -> list[str]:
    """"app_label.Model.field" for every personal-looking field no provider (nor exemption) covers."""
    covered = declared()
    gaps = []
    for model in _tenant_models():
        label = model._meta.label
        for model_field in model._meta.get_fields():
            if looks_personal(model_field) and (label, model_field.name) not in covered:
                gaps.append(f"{label}.{model_field.name}")
    return sorted(gaps)


def unknown_declarations() -> list[str]:
    """Declared fields that do not exist (a rename the declaration missed)."""
    wrong = []
    for model_label, name in declared():
        try:
            apps.get_model(model_label)._meta.get_field(name)
        except (LookupError, Exception):  # noqa: BLE001 - FieldDoesNotExist or an unknown model
            wrong.append(f"{model_label}.{name}")
    return sorted(wrong)


# --- helpers for the providers' export functions ---------------------------------------------------

def rows(queryset, fields: Iterable[str]) -> list[dict[str, Any]]:
    """`values(*fields)` as a list: dates stay datetimes (the export's JSON encoder writes them)."""
    return [dict(row) for row in queryset.values(*fields)]


def stored_files(queryset, field_name: str, *, folder: str, name_field: str | None = None) -> list[tuple[str, str]]:
    """(path in the export, storage name) for each non-empty file of the queryset's rows."""
    out = []
    for row in queryset.exclude(**{field_name: ""}).values("pk", field_name, *([name_field] if name_field else [])):
        stored = row[field_name]
        shown = (row.get(name_field) if name_field else "") or stored.rsplit("/", 1)[-1]
        out.append((f"{folder}/{row['pk']}-{shown}", stored))
    return out
