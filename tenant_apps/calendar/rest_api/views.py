"""Calendar API: the caller's entries in a range (UTC), and a new secret feed URL."""
from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response

from tenants.api import TenantApi

from .. import selectors, services

TAGS = ["calendar"]


class EntryOutput(serializers.Serializer):
    uid = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField(allow_null=True)
    is_deadline = serializers.BooleanField()
    url = serializers.CharField()
    context = serializers.CharField()
    location = serializers.CharField()
    sequence = serializers.IntegerField()
    modified_at = serializers.DateTimeField(allow_null=True)


class CalendarApi(TenantApi):
    class RangeInput(serializers.Serializer):
        start = serializers.DateTimeField(required=False, help_text="ISO 8601; default: now")
        end = serializers.DateTimeField(required=False, help_text="ISO 8601, after start; default: start + 30 days")

        def validate(self, data):
            start = data.get("start") or timezone.now()
            end = data.get("end") or start + timedelta(days=30)
            if end <= start:
                raise serializers.ValidationError({"end": "Must be after start."})
            if end - start > timedelta(days=selectors.MAX_RANGE_DAYS):
                raise serializers.ValidationError({"end": f"At most {selectors.MAX_RANGE_DAYS} days after start."})
            return {"start": start, "end": end}

    @extend_schema(tags=TAGS, summary="My deadlines and course events in a range", parameters=[RangeInput],
                   responses=EntryOutput(many=True))
    def get(self, request):
        serializer = self.RangeInput(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        entries = selectors.calendar_entries(user=request.user, **serializer.validated_data)
        return Response({"start": serializer.validated_data["start"], "end": serializer.validated_data["end"],
                         "results": EntryOutput(entries, many=True).data})


class FeedTokenOutput(serializers.Serializer):
    url = serializers.URLField()


class FeedTokenApi(TenantApi):
    @extend_schema(tags=TAGS, summary="A new secret iCal feed URL (the previous one stops working)", request=None,
                   responses={201: FeedTokenOutput})
    def post(self, request):
        token = services.feed_token_regenerate(user=request.user)
        url = request.build_absolute_uri(reverse("calendar:feed", kwargs={"token": token}))
        return Response({"url": url}, status=201)

    @extend_schema(tags=TAGS, summary="Turn the iCal feed off", responses={204: None})
    def delete(self, request):
        services.feed_token_revoke(user=request.user)
        return Response(status=204)
