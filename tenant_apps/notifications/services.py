"""The notification service: `notify()` and the writes behind the bell, preferences, unsubscribe and digest.

`notify(event, recipients, context)` resolves each recipient's choice for the event (their
preference row, else the event type's default; a mandatory event always emails), then, in
the caller's transaction: writes the in-app rows in one INSERT, appends digest items, renders
the emails now (only the request has the context) and queues them on commit
(tenants.api.mail_send_rendered: Celery, retried), and after commit drops the unread-count
caches and publishes a live message through settings.NOTIFICATIONS_REALTIME_PUBLISH.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_tenants.utils import tenant_context

from tenants.api import mail_recipients_allowed, mail_send_rendered, site_url_for_tenant

from .models import DigestItem, DigestSend, EmailUnsubscribe, Notification, NotificationPreference
from .registry import CATEGORIES, CONSENT_CATEGORIES, EventType, event_get, event_types
from .selectors import unread_cache_key

logger = logging.getLogger(__name__)
User = get_user_model()
UNSUBSCRIBE_SALT = "notifications.unsubscribe"


# --- rendering -------------------------------------------------------------------------------------

def _site_url(path: str = "/") -> str:
    return site_url_for_tenant(connection.tenant, path)


def _base_context(recipient, context: dict) -> dict:
    return {"site_name": getattr(connection.tenant, "name", ""), "site_url": _site_url("/").rstrip("/"),
            "recipient": recipient, **context}


def render_in_app(event: EventType, context: dict) -> str:
    return " ".join(render_to_string(f"notifications/{event.key}.inapp.txt", context).split())[:2000]


def render_email(event: EventType, context: dict, *, unsubscribe_url: str = "") -> dict:
    """{"subject", "text", "html"}; a non-mandatory email carries its category's unsubscribe link."""
    subject = " ".join(render_to_string(f"notifications/{event.key}.subject.txt", context).split())
    text = render_to_string(f"notifications/{event.key}.txt", context)
    html = render_to_string(f"notifications/{event.key}.html", context)
    if unsubscribe_url:
        label = CATEGORIES[event.category].lower()
        text = f"{text.rstrip()}\n\n--\nStop {label} emails: {unsubscribe_url}\n"
        html = (f'{html.rstrip()}\n<p style="font-size:12px;color:#666">'
                f'<a href="{escape(unsubscribe_url)}">Stop {escape(label)} emails</a></p>\n')
    return {"subject": subject, "text": text, "html": html}


# --- unsubscribe tokens -------------------------------------------------------------------------------

def _signer() -> signing.Signer:
    # The schema is part of the salt: a link made on one institution is void on every other.
    return signing.Signer(salt=f"{UNSUBSCRIBE_SALT}:{connection.schema_name}")


def unsubscribe_token_make(*, user_id: int, category: str) -> str:
    return _signer().sign_object({"u": user_id, "c": category})


def unsubscribe_token_read(*, token: str) -> tuple[User, str] | None:
    """(user, category) of a valid link of this institution; None for anything else."""
    try:
        data = _signer().unsign_object(token or "")
        user_id, category = int(data["u"]), str(data["c"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or category not in CATEGORIES:
        return None
    return user, category


def unsubscribe_url(*, user_id: int, category: str) -> str:
    return _site_url(reverse("notifications:unsubscribe", args=[unsubscribe_token_make(user_id=user_id, category=category)]))


def unsubscribe_headers(url: str) -> dict:
    """RFC 8058 one-click: the POST to this URL (no session, no CSRF token) unsubscribes."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def email_unsubscribe(*, user, category: str) -> bool:
    """Stop this category's emails to `user`; True if it was subscribed."""
    _, created = EmailUnsubscribe.objects.get_or_create(user=user, category=category)
    return created


@transaction.atomic
def email_resubscribe(*, user, category: str) -> None:
    EmailUnsubscribe.objects.filter(user=user, category=category).delete()


# --- preferences -------------------------------------------------------------------------------------

@transaction.atomic
def preference_set(*, user, event_key: str, choice: str) -> NotificationPreference | None:
    """Store `user`'s choice for one event type (the default choice removes the row). Choosing an
    email delivery again lifts an unsubscribe of the event's category."""
    try:
        event = event_get(event_key)
    except LookupError:
        raise ValidationError({"event": f"Unknown notification type {event_key!r}."}) from None
    if choice not in event.choices:
        raise ValidationError({"choice": f"{choice!r} is not a choice for {event.title}."})
    if event.channels_for(choice) & {"email", "digest"}:
        EmailUnsubscribe.objects.filter(user=user, category=event.category).delete()
    if choice == event.default:
        NotificationPreference.objects.filter(user=user, event_key=event_key).delete()
        return None
    pref, _ = NotificationPreference.objects.update_or_create(user=user, event_key=event_key, defaults={"choice": choice})
    return pref


# --- notify ------------------------------------------------------------------------------------------

def _resolve(deliveries: Iterable[tuple]) -> list[tuple]:
    """(recipient, context) with users given as users or ids (one query for all ids), and bare
    addresses (str: someone without an account here, e.g. an invitee) kept as they are."""
    deliveries = list(deliveries)
    ids = [r for r, _ in deliveries if isinstance(r, int) and not isinstance(r, bool)]
    users = User.objects.in_bulk(ids) if ids else {}
    out = []
    for r, ctx in deliveries:
        if isinstance(r, User) or (isinstance(r, str) and r):
            out.append((r, ctx))
        elif isinstance(r, int) and not isinstance(r, bool):
            if r in users:
                out.append((users[r], ctx))
        elif r is not None:
            raise TypeError(f"notify() recipient {r!r} is neither a user, a user id nor an email address")
    return out


def notify(event: str, recipients, context: dict, *, url: str = "", actor=None) -> int:
    """Tell `recipients` (users, user ids or, for people without an account, email addresses) about
    `event` with one shared `context`; -> how many recipients got anything."""
    return notify_each(event, [(r, context) for r in recipients], url=url, actor=actor)


def notify_each(event: str, deliveries: Iterable[tuple], *, url: str = "", actor=None) -> int:
    """`notify` with a context per recipient: (recipient, context) pairs, as for the backers of a
    settlement batch. Emails are batched (one delivery task per 100)."""
    event_type = event_get(event)
    pairs = _resolve(deliveries)
    if not pairs:
        return 0
    user_ids = {r.pk for r, _ in pairs if isinstance(r, User)}
    prefs = dict(NotificationPreference.objects.filter(user_id__in=user_ids, event_key=event)
                 .values_list("user_id", "choice")) if user_ids else {}
    unsubscribed = set(EmailUnsubscribe.objects.filter(user_id__in=user_ids, category=event_type.category)
                       .values_list("user_id", flat=True)) if user_ids and not event_type.mandatory else set()
    rows, digest, mails, reached = [], [], [], 0
    for recipient, ctx in pairs:
        if isinstance(recipient, User):
            if not recipient.is_active and not event_type.mandatory:
                continue
            channels = set(event_type.channels_for(prefs.get(recipient.pk)))
            if recipient.pk in unsubscribed:
                channels -= {"email", "digest"}
            email = recipient.email
        else:
            channels, email = {"email"}, recipient  # no account: no bell, no preferences
        if not channels:
            continue
        reached += 1
        full = _base_context(recipient, ctx)
        if channels & {"in_app", "digest"}:
            text = render_in_app(event_type, full)
            if "in_app" in channels:
                rows.append(Notification(user=recipient, event_key=event, title=event_type.title[:200], body=text,
                                         url=url[:500], actor=actor if getattr(actor, "pk", None) else None))
            if "digest" in channels:
                digest.append(DigestItem(user=recipient, event_key=event, title=event_type.title[:200], body=text,
                                         url=url[:500]))
        if "email" in channels and email and not email.endswith("@invalid"):
            link = ""
            if isinstance(recipient, User) and not event_type.mandatory:
                link = unsubscribe_url(user_id=recipient.pk, category=event_type.category)
            message = {**render_email(event_type, full, unsubscribe_url=link), "to": [email]}
            if link:
                message["headers"] = unsubscribe_headers(link)
            mails.append(message)
    if mails and event_type.category in CONSENT_CATEGORIES:
        # marketing: only to the addresses whose owners consented (the privacy app's records)
        allowed = {a.lower() for a in mail_recipients_allowed(to=[m["to"][0] for m in mails], category=event_type.category)}
        mails = [m for m in mails if m["to"][0].lower() in allowed]
    with transaction.atomic():
        created = Notification.objects.bulk_create(rows)
        DigestItem.objects.bulk_create(digest)
        mail_send_rendered(messages=mails)
        if created:
            tenant = connection.tenant  # the callback may run at an outer commit, in another schema
            transaction.on_commit(lambda: _after_commit(created, tenant))
    return reached


def notify_render(event: str, recipient, context: dict) -> dict:
    """The email `notify` would send `recipient` for `event`, rendered and not sent: for a path that must
    cost what a real send costs (the password-reset form answers strangers after the same work)."""
    event_type = event_get(event)
    full = _base_context(recipient, context)
    render_in_app(event_type, full)
    return render_email(event_type, full)


def _after_commit(created: list[Notification], tenant) -> None:
    with tenant_context(tenant):  # cache keys, counts and the live groups are this institution's
        _drop_counts_and_publish(created)


def _drop_counts_and_publish(created: list[Notification]) -> None:
    cache.delete_many([unread_cache_key(n.user_id) for n in created])
    publish = _publisher()
    if publish is None:
        return
    # Each message carries the person's new unread count (one grouped query for the whole commit).
    unread = dict(Notification.objects.filter(user_id__in={n.user_id for n in created}, read_at__isnull=True)
                  .order_by().values("user_id").annotate(n=Count("id")).values_list("user_id", "n"))
    badge_url = reverse("notifications:badge")
    messages = [(n.user_id, {"type": "notification.new", "notification": notification_payload(n),
                             "unread": unread.get(n.user_id, 0), "badge_url": badge_url}) for n in created]
    many = getattr(publish, "many", None)  # the hook's batch form: a fan-out in one go
    if many is not None:
        try:
            many(messages)
        except Exception:  # noqa: BLE001 - a live push is best effort; the row and the poll are the truth
            logger.exception("live notifications for %d people not published", len(messages))
        return
    for user_id, message in messages:
        try:
            publish(user_id, message)
        except Exception:  # noqa: BLE001 - a live push is best effort; the row and the poll are the truth
            logger.exception("live notification for user %s not published", user_id)


def _publisher():
    path = getattr(settings, "NOTIFICATIONS_REALTIME_PUBLISH", "")
    if not path:
        return None
    from django.utils.module_loading import import_string

    try:
        return import_string(path)
    except ImportError:
        return None


def notification_payload(n: Notification) -> dict:
    return {"id": str(n.public_id), "event": n.event_key, "title": n.title, "body": n.body, "url": n.url,
            "created_at": n.created_at.isoformat() if n.created_at else None,
            "read": n.read_at is not None}


# --- reading -----------------------------------------------------------------------------------------

@transaction.atomic
def notification_mark_read(*, user, public_id) -> Notification | None:
    """Mark one of `user`'s notifications read; None when it is not theirs (or does not exist)."""
    n = Notification.objects.filter(user=user, public_id=public_id).first()
    if n is None:
        return None
    if n.read_at is None:
        n.read_at = timezone.now()
        n.save(update_fields=["read_at"])
        transaction.on_commit(lambda: cache.delete(unread_cache_key(user.pk)))
    return n


@transaction.atomic
def notification_mark_all_read(*, user) -> int:
    count = Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())
    transaction.on_commit(lambda: cache.delete(unread_cache_key(user.pk)))
    return count


# --- the daily digest --------------------------------------------------------------------------------

def digest_send_for_user(*, user, day: date) -> int:
    """Claim (user, day) and send one email of the pending items; 0 if already sent today or nothing waits."""
    with transaction.atomic():
        items = list(DigestItem.objects.select_for_update().filter(user=user, sent_at__isnull=True).order_by("created_at", "id"))
        if not items:
            return 0
        try:
            with transaction.atomic():
                DigestSend.objects.create(user=user, day=day, items=len(items))
        except IntegrityError:
            return 0  # today's digest already went out: these wait for tomorrow's
        DigestItem.objects.filter(pk__in=[i.pk for i in items]).update(sent_at=timezone.now())
        if user.email and not user.email.endswith("@invalid") and user.is_active:
            link = unsubscribe_url(user_id=user.pk, category="digest")
            context = _base_context(user, {"items": items, "day": day,
                                           "items_url": _site_url(reverse("notifications:list"))})
            message = {
                "subject": " ".join(render_to_string("notifications/digest.subject.txt", context).split()),
                "text": render_to_string("notifications/digest.txt", context)
                        + f"\n--\nStop daily digest emails: {link}\n",
                "html": render_to_string("notifications/digest.html", context)
                        + f'\n<p style="font-size:12px;color:#666"><a href="{escape(link)}">Stop daily digest emails</a></p>\n',
                "to": [user.email], "headers": unsubscribe_headers(link),
            }
            if not EmailUnsubscribe.objects.filter(user=user, category="digest").exists():
                mail_send_rendered(messages=[message])
        return len(items)


def digest_send_for_tenant(*, day: date | None = None) -> int:
    """Beat (per institution, daily): one digest per person with pending items; safe to run again."""
    day = day or timezone.localdate()
    user_ids = (DigestItem.objects.filter(sent_at__isnull=True).values_list("user_id", flat=True).distinct())
    sent = 0
    for user in User.objects.filter(pk__in=list(user_ids)):
        if digest_send_for_user(user=user, day=day):
            sent += 1
    return sent


def event_type_list() -> list[EventType]:
    return event_types()
