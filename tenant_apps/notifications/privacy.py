"""What notifications hold about a person (tenant_apps.privacy): their bell, choices, unsubscribes, digest.

Erasure deletes all of it; a notification someone else triggered keeps no link to the erased actor.
"""
from __future__ import annotations


def notifications_export(user):
    from tenant_apps.privacy.api import ExportPart, rows

    from .models import DigestItem, EmailUnsubscribe, Notification, NotificationPreference

    return ExportPart(records=[
        *({"kind": "notification", **r} for r in rows(Notification.objects.filter(user=user).order_by("created_at"),
                                                      ("event_key", "title", "body", "url", "created_at", "read_at"))),
        *({"kind": "preference", **r} for r in rows(NotificationPreference.objects.filter(user=user),
                                                    ("event_key", "choice", "updated_at"))),
        *({"kind": "email_unsubscribe", **r} for r in rows(EmailUnsubscribe.objects.filter(user=user),
                                                           ("category", "created_at"))),
        *({"kind": "digest_item", **r} for r in rows(DigestItem.objects.filter(user=user),
                                                     ("event_key", "title", "body", "created_at", "sent_at"))),
    ])


def notifications_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    from .models import DigestItem, DigestSend, EmailUnsubscribe, Notification, NotificationPreference

    deleted = Notification.objects.filter(user=user).delete()[0]
    Notification.objects.filter(actor=user).update(actor=None)
    NotificationPreference.objects.filter(user=user).delete()
    EmailUnsubscribe.objects.filter(user=user).delete()
    DigestItem.objects.filter(user=user).delete()
    DigestSend.objects.filter(user=user).delete()
    return {"notifications_deleted": deleted}


def register() -> None:
    from tenant_apps.privacy import api as privacy

    privacy.privacy_provider_register(privacy.PrivacyProvider(
        area="notifications", title="Notifications",
        holdings=(
            privacy.Holding("notifications.Notification", fields=("user", "actor")),
            privacy.Holding("notifications.NotificationPreference", fields=("user",)),
            privacy.Holding("notifications.EmailUnsubscribe", fields=("user",)),
            privacy.Holding("notifications.DigestItem", fields=("user",)),
            privacy.Holding("notifications.DigestSend", fields=("user",)),
        ),
        export=notifications_export, erase=notifications_erase, order=250,
    ))
