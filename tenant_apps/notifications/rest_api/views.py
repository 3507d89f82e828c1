"""/api/v1/me/notifications...: a person's own notifications and notification settings."""
from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from tenants.api import TenantApi

from .. import selectors, services

TAGS = ["notifications"]
PAGE = 100


class NotificationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id")
    event = serializers.CharField(source="event_key")
    title = serializers.CharField()
    body = serializers.CharField()
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationListApi(TenantApi):
    @extend_schema(tags=TAGS, responses=NotificationOutput(many=True))
    def get(self, request):
        unread = request.query_params.get("unread") in ("1", "true")
        qs = selectors.notification_list_for_user(user=request.user, unread_only=unread)[:PAGE]
        return Response(NotificationOutput(qs, many=True).data)


class UnreadCountOutput(serializers.Serializer):
    unread = serializers.IntegerField()


class UnreadCountApi(TenantApi):
    @extend_schema(tags=TAGS, responses=UnreadCountOutput)
    def get(self, request):
        return Response({"unread": selectors.unread_count(user=request.user)})


class NotificationReadApi(TenantApi):
    @extend_schema(tags=TAGS, request=None, responses=NotificationOutput)
    def post(self, request, id):
        n = services.notification_mark_read(user=request.user, public_id=id)
        if n is None:
            raise Http404
        return Response(NotificationOutput(n).data)


class ReadAllOutput(serializers.Serializer):
    marked = serializers.IntegerField()


class NotificationReadAllApi(TenantApi):
    @extend_schema(tags=TAGS, request=None, responses=ReadAllOutput)
    def post(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})


class PreferenceOutput(serializers.Serializer):
    event = serializers.CharField(source="event.key")
    title = serializers.CharField(source="event.title")
    category = serializers.CharField(source="event.category")
    mandatory = serializers.BooleanField(source="event.mandatory")
    choice = serializers.CharField()
    choices = serializers.ListField(child=serializers.CharField())
    email_unsubscribed = serializers.BooleanField(source="unsubscribed")


class PreferencesInput(serializers.Serializer):
    preferences = serializers.DictField(child=serializers.CharField(max_length=16), allow_empty=True,
                                        help_text="event key -> in_app | email | all | digest | off")


class NotificationPreferencesApi(TenantApi):
    InputSerializer = PreferencesInput

    @extend_schema(tags=TAGS, responses=PreferenceOutput(many=True))
    def get(self, request):
        return Response(PreferenceOutput(selectors.preferences_for_user(user=request.user), many=True).data)

    @extend_schema(tags=TAGS, request=PreferencesInput, responses=PreferenceOutput(many=True))
    def patch(self, request):
        data = self.validated(request)
        if len(data["preferences"]) > 200:
            raise ValidationError({"preferences": "Too many entries."})
        try:
            with transaction.atomic():  # all or nothing
                for key, choice in data["preferences"].items():
                    services.preference_set(user=request.user, event_key=key, choice=choice)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages) from None
        return Response(PreferenceOutput(selectors.preferences_for_user(user=request.user), many=True).data)
