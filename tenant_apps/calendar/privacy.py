"""What the calendar holds about a person: whether they have a secret feed address (its hash), and
which deadline reminders they were sent."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, rows


def calendar_export(user) -> ExportPart:
    from .models import DeadlineReminderSent, FeedToken

    return ExportPart(records=[{"kind": "calendar_feed", **r} for r in rows(
        FeedToken.objects.filter(user=user), ("created_at", "last_used_at"))] + [
        {"kind": "deadline_reminder", **r} for r in rows(
            DeadlineReminderSent.objects.filter(user=user).order_by("sent_at"), ("uid", "due_at", "kind", "sent_at"))])


def calendar_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import DeadlineReminderSent, FeedToken

    deleted, _ = FeedToken.objects.filter(user=user).delete()
    reminders, _ = DeadlineReminderSent.objects.filter(user=user).delete()
    return {"calendar_feeds_deleted": deleted, "deadline_reminders_deleted": reminders}


CALENDAR = PrivacyProvider(
    area="calendar", title="Calendar feed",
    holdings=(Holding("calendar.FeedToken", fields=("user",)),
              Holding("calendar.DeadlineReminderSent", fields=("user",))),
    export=calendar_export, erase=calendar_erase, order=700,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(CALENDAR)
