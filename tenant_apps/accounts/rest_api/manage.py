"""Tenant-admin API: members, invitations, CSV imports, site settings. Administrators only.

Members are addressed by Profile.public_id. Missing and foreign objects both answer 404.
"""
from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, inline_serializer
from rest_framework import mixins, permissions, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tenants.api import InTenantSchema, TenantApi, TenantGenericApi

from ..permissions import IsTenantAdmin
from tenants.api import error_response

from .. import selectors, services
from ..roles import Role, role_of
from ..uploads import csv_upload_read

ADMIN_ONLY = [InTenantSchema, permissions.IsAuthenticated, IsTenantAdmin]
TAGS = ["administration"]


def _validated(serializer_class, request, *, data=None, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data if data is None else data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- serializers ---------------------------------------------------------------------------


class UserOutput(serializers.Serializer):
    id = serializers.UUIDField(source="profile.public_id", read_only=True)
    email = serializers.EmailField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    role = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    email_verified = serializers.SerializerMethodField()
    date_joined = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=Role.choices, allow_null=True))
    def get_role(self, user) -> str | None:
        return role_of(user)

    def get_email_verified(self, user) -> bool:
        return user.profile.email_verified_at is not None


class UserUpdateInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=Role.choices, required=False)
    is_active = serializers.BooleanField(required=False)


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    email = serializers.EmailField()
    role = serializers.ChoiceField(choices=Role.choices)
    status = serializers.SerializerMethodField()
    invited_by = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()

    @extend_schema_field({"type": "string", "enum": ["pending", "expired"]})
    def get_status(self, invitation) -> str:
        return "expired" if invitation.expires_at <= timezone.now() else "pending"

    @extend_schema_field({"type": "string", "format": "email", "nullable": True})
    def get_invited_by(self, invitation) -> str | None:
        return invitation.invited_by.email if invitation.invited_by else None


class InvitationCreateInput(serializers.Serializer):
    email = serializers.EmailField(max_length=150)
    role = serializers.ChoiceField(choices=Role.choices, default=Role.LEARNER)
    confirm_role_change = serializers.BooleanField(
        default=False, help_text="Required (true) to change the role of a pending invitation for the same address; "
                                 "without it such a request answers 409.")


class RejectedRowOutput(serializers.Serializer):
    row = serializers.IntegerField(help_text="Row number in the file; the header is row 1.")
    email = serializers.CharField()
    reason = serializers.CharField()


class UserImportOutput(serializers.Serializer):
    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=["pending", "running", "done", "failed"])
    original_name = serializers.CharField()
    total = serializers.IntegerField(source="total_rows")
    processed = serializers.IntegerField(source="processed_rows")
    created = serializers.IntegerField(source="created_count")
    rejected = serializers.SerializerMethodField()
    percent = serializers.IntegerField()
    rejected_rows = RejectedRowOutput(many=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    def get_rejected(self, user_import) -> int:
        return len(user_import.rejected_rows)


class UserImportCreateInput(serializers.Serializer):
    file = serializers.FileField(help_text="CSV, UTF-8, header row: email,first_name,last_name,role.")

    def validate_file(self, upload):
        from django.core.exceptions import ValidationError

        try:
            csv_upload_read(upload)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return upload


class SiteSettingsOutput(serializers.Serializer):
    display_name = serializers.CharField()
    primary_color = serializers.CharField()
    allow_self_registration = serializers.BooleanField()
    messaging_learner_to_learner = serializers.BooleanField()
    time_zone = serializers.SerializerMethodField()
    logo_url = serializers.SerializerMethodField()

    def get_time_zone(self, site) -> str:
        return getattr(self.context["request"].tenant, "time_zone", "UTC")

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True})
    def get_logo_url(self, site) -> str | None:
        if not site.logo:
            return None
        return self.context["request"].build_absolute_uri(reverse("site-logo"))


class SiteSettingsInput(serializers.Serializer):
    display_name = serializers.CharField(max_length=200)
    primary_color = serializers.RegexField(r"^#[0-9a-fA-F]{6}$", max_length=7, error_messages={"invalid": "Use a hex colour such as #2563eb."})
    allow_self_registration = serializers.BooleanField()
    messaging_learner_to_learner = serializers.BooleanField(help_text="Learners may message other learners")
    time_zone = serializers.CharField(max_length=64, required=False,
                                      help_text="IANA name such as Europe/Berlin; pages show times in it (the API: UTC).")

    def validate_time_zone(self, value: str) -> str:
        from django.core.exceptions import ValidationError as DjangoValidationError

        from tenants.api import validate_time_zone

        try:
            validate_time_zone(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc
        return value

    def validate_primary_color(self, value: str) -> str:
        return value.lower()


# --- members -------------------------------------------------------------------------------


class UserFilterInput(serializers.Serializer):
    search = serializers.CharField(required=False, allow_blank=True, max_length=100)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_blank=True)
    status = serializers.ChoiceField(choices=["active", "inactive"], required=False, allow_blank=True)


class UserListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = UserOutput

    def safely_get_queryset(self, request):
        filters = _validated(UserFilterInput, request, data=request.query_params)
        return selectors.user_list(
            search=filters.get("search", "").strip(), role=filters.get("role", ""), status=filters.get("status", ""),
        )

    @extend_schema(
        tags=TAGS, summary="List members",
        parameters=[
            OpenApiParameter("search", str, description="Part of the name or email address."),
            OpenApiParameter("role", str, enum=Role.values),
            OpenApiParameter("status", str, enum=["active", "inactive"]),
        ],
    )
    def get(self, request):
        return self.list(request)


class _MemberApi(TenantGenericApi):
    """One member of this institution, addressed by their profile's public id."""

    permission_classes = ADMIN_ONLY
    serializer_class = UserOutput
    lookup_field = "profile__public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return selectors.user_list()


class UserDetailApi(_MemberApi):
    @extend_schema(tags=TAGS, summary="One member", responses={200: UserOutput})
    def get(self, request, id):
        return Response(UserOutput(self.get_object()).data)

    @extend_schema(
        tags=TAGS, summary="Change a member's role or active flag", request=UserUpdateInput, responses={200: UserOutput},
        description="Refused (400) for deactivating yourself or leaving the institution without an active administrator.",
    )
    def patch(self, request, id):
        user = self.get_object()
        data = _validated(UserUpdateInput, request, partial=True)
        services.user_admin_update(user=user, actor=request.user, **data)
        return Response(UserOutput(selectors.user_get_by_public_id(public_id=user.profile.public_id)).data)


class UserPasswordResetApi(_MemberApi):
    @extend_schema(
        tags=TAGS, summary="Email a member a link to choose a new password", request=None,
        responses={202: inline_serializer("PasswordResetSent", {"message": serializers.CharField()})},
    )
    def post(self, request, id):
        user = self.get_object()
        services.user_password_reset_by_admin(user=user, base_url=request.build_absolute_uri("/"))
        return Response({"message": f"A password link was sent to {user.email}."}, status=status.HTTP_202_ACCEPTED)


# --- invitations ---------------------------------------------------------------------------


class InvitationListApi(mixins.ListModelMixin, TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = InvitationOutput

    def safely_get_queryset(self, request):
        return selectors.invitation_list_open()

    @extend_schema(tags=TAGS, summary="Invitations not yet accepted or revoked")
    def get(self, request):
        return self.list(request)

    @extend_schema(tags=TAGS, summary="Invite someone by email", request=InvitationCreateInput, responses={201: InvitationOutput, 409: None},
                   description="409 (role_change_unconfirmed) when a pending invitation for the address has another "
                               "role and confirm_role_change is not true.")
    def post(self, request):
        data = _validated(InvitationCreateInput, request)
        try:
            invitation = services.invitation_create(
                email=data["email"], role=data["role"], invited_by=request.user, base_url=request.build_absolute_uri("/"),
                confirm_role_change=data["confirm_role_change"],
            )
        except services.InvitationRoleChange as change:
            return error_response(str(change), code="role_change_unconfirmed", http_status=status.HTTP_409_CONFLICT)
        return Response(InvitationOutput(invitation).data, status=status.HTTP_201_CREATED)


class InvitationDetailApi(TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = InvitationOutput
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return selectors.invitation_list_open()

    @extend_schema(tags=TAGS, summary="Revoke an invitation: its link stops working", responses={204: None})
    def delete(self, request, id):
        services.invitation_revoke(invitation=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- CSV imports ---------------------------------------------------------------------------


class UserImportCreateApi(TenantApi):
    permission_classes = ADMIN_ONLY
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        tags=TAGS, summary="Import members from a CSV file",
        description="Returns at once (202); poll the import resource for progress.",
        request={"multipart/form-data": UserImportCreateInput}, responses={202: UserImportOutput},
    )
    def post(self, request):
        data = self.validated(request, UserImportCreateInput)
        user_import = services.user_import_create(upload=data["file"], created_by=request.user)
        response = Response(UserImportOutput(user_import).data, status=status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("api-user-import", kwargs={"id": user_import.public_id})
        return response


class UserImportDetailApi(TenantGenericApi):
    permission_classes = ADMIN_ONLY
    serializer_class = UserImportOutput
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

    def safely_get_queryset(self, request):
        return selectors.user_import_list()

    @extend_schema(tags=TAGS, summary="Progress and outcome of a CSV import")
    def get(self, request, id):
        return Response(UserImportOutput(self.get_object()).data)


# --- site settings -------------------------------------------------------------------------


class SiteSettingsApi(TenantApi):
    permission_classes = ADMIN_ONLY

    @extend_schema(tags=TAGS, summary="The institution's site settings", responses={200: SiteSettingsOutput})
    def get(self, request):
        return Response(SiteSettingsOutput(selectors.site_settings_get(), context={"request": request}).data)

    @extend_schema(tags=TAGS, summary="Change site settings", request=SiteSettingsInput, responses={200: SiteSettingsOutput})
    def patch(self, request):
        data = self.validated(request, SiteSettingsInput, partial=True)
        site = services.site_settings_change(**data)
        return Response(SiteSettingsOutput(site, context={"request": request}).data)
