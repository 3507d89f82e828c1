"""Tracks as products billing can sell (registered from TracksConfig.ready()). Buying a track
joins it with source "payment"; its courses are then started without paying for each. Access
taken back by a refund removes the track membership; course enrollments and progress stay."""
from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.urls import reverse

from billing.api import Money, Product, limit_check

from .models import Track, TrackEnrollment


def _track(ref: str) -> Track | None:
    try:
        key = uuid.UUID(str(ref))
    except ValueError:
        return None
    return Track.objects.filter(uuid=key).first()


class TrackProducts:
    kind = "track"

    def describe(self, ref: str) -> Product | None:
        track = _track(ref)
        if track is None or not track.is_published or track.is_free:
            return None
        return Product(kind=self.kind, ref=str(track.uuid), title=track.title,
                       price=Money(track.price_amount, track.price_currency),
                       url=reverse("tracks:detail", args=[track.slug]))

    def has_access(self, ref: str, user) -> bool:
        track = _track(ref)
        return bool(track) and TrackEnrollment.objects.filter(track=track, learner=user).exists()

    def purchase_check(self, ref: str, user) -> None:
        track = _track(ref)
        if track is None or not track.is_published or track.is_free:
            raise ValidationError("This track is not for sale.", code="not_for_sale")
        if self.has_access(ref, user):
            raise ValidationError(f"You have already joined “{track.title}”.", code="already_enrolled")
        limit_check("learners", adding=0)

    def fulfil(self, ref: str, user, *, order_number: str) -> None:
        from .services import track_enroll

        track = _track(ref)
        if track is None:
            raise ValidationError("The track no longer exists.", code="gone")
        if not track.is_published:
            raise ValidationError("The track is no longer published.", code="gone")
        track_enroll(track=track, learner=user, source=TrackEnrollment.Source.PAYMENT)
        _tell_enrolled_paid(track, user)

    def revoke(self, ref: str, user, *, reason: str) -> None:
        track = _track(ref)
        if track is not None:
            TrackEnrollment.objects.filter(track=track, learner=user).delete()

    def for_sale(self) -> list[tuple[str, str]]:
        return [(str(t.uuid), f"Track: {t.title}") for t in Track.objects.filter(is_published=True, price_amount__gt=0)]


def _tell_enrolled_paid(track, user) -> None:
    """A bought track is an enrollment after payment, like a bought course ("enrollment_paid"; the
    courses it gives are told as each one starts)."""
    from django.db import connection
    from django.urls import reverse

    from tenant_apps.notifications.api import notify
    from tenants.api import site_url_for_tenant

    path = reverse("tracks:detail", args=[track.slug])
    notify("enrollment_paid", [user], {"course": {"title": track.title},
                                       "course_url": site_url_for_tenant(connection.tenant, path)}, url=path)
