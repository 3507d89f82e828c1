"""What accounts holds about a person: the account, its profile, roles, invitations, sign-in tokens."""
from __future__ import annotations

from tenant_apps.privacy.api import ExportPart, Holding, PrivacyProvider, privacy_not_personal, rows


def profile_export(user) -> ExportPart:
    from guardian.models import UserObjectPermission
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from .models import Invitation, Profile, UserImport
    from .roles import role_of

    from django.contrib.auth.models import User

    account = rows(User.objects.filter(pk=user.pk),
                   ("username", "email", "first_name", "last_name", "date_joined", "last_login", "is_active"))[0]
    profile = rows(Profile.objects.filter(user=user), ("public_id", "email_verified_at", "created_at"))
    record = {
        "kind": "account", **account, "role": str(role_of(user) or ""),
        "groups": list(user.groups.values_list("name", flat=True)),
        "profile": profile[0] if profile else None,
    }
    return ExportPart(records=[
        record,
        *({"kind": "invitation", **r} for r in rows(Invitation.objects.filter(email__iexact=user.email),
                                                      ("public_id", "email", "role", "created_at", "expires_at",
                                                       "accepted_at", "revoked_at"))),
        *({"kind": "invitation_sent", **r} for r in rows(Invitation.objects.filter(invited_by=user),
                                                           ("public_id", "role", "created_at", "accepted_at"))),
        *({"kind": "user_import", **r} for r in rows(UserImport.objects.filter(created_by=user),
                                                       ("public_id", "original_name", "status", "created_at"))),
        *({"kind": "object_permission", **r} for r in rows(UserObjectPermission.objects.filter(user=user),
                                                             ("permission__codename", "content_type__model", "object_pk"))),
        *({"kind": "api_token", **r} for r in rows(OutstandingToken.objects.filter(user=user),
                                                     ("jti", "created_at", "expires_at"))),
    ])


def profile_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Invitations to their address, imports they ran (with the uploaded lists), object permissions
    and API tokens are deleted. The account row itself is anonymised by the pipeline's last step
    (services.user_anonymise), after files, caches and sessions."""
    from guardian.models import UserObjectPermission
    from rest_framework_simplejwt.token_blacklist.models import OutstandingToken

    from .models import Invitation, UserImport

    imports = UserImport.objects.filter(created_by=user)
    files += [name for name in imports.exclude(source="").values_list("source", flat=True)]
    invitations = Invitation.objects.filter(email__iexact=user.email).delete()[0] if user.email else 0
    return {
        "invitations_deleted": invitations,
        "imports_deleted": imports.delete()[0],
        "object_permissions_deleted": UserObjectPermission.objects.filter(user=user).delete()[0],
        "api_tokens_deleted": OutstandingToken.objects.filter(user=user).delete()[0],
    }


PROFILE = PrivacyProvider(
    area="profile", title="Account and profile",
    holdings=(
        Holding("auth.User", fields=("username", "email", "first_name", "last_name")),
        Holding("accounts.Profile", fields=("user",)),
        Holding("accounts.Invitation", fields=("email", "invited_by")),
        # The import's source file is a list of other people (the staff member's upload); it is
        # the institution's record, not this person's: exported by name only, erased with them.
        Holding("accounts.UserImport", fields=("created_by", "original_name"), files=("source",)),
        Holding("guardian.UserObjectPermission", fields=("user",)),
        Holding("token_blacklist.OutstandingToken", fields=("user",)),
    ),
    export=profile_export, erase=profile_erase, order=900,
)


def register() -> None:
    from tenant_apps.privacy.api import privacy_provider_register

    privacy_provider_register(PROFILE)
    privacy_not_personal("accounts.SiteSettings", ("display_name", "logo"), "the institution's name and logo")
    privacy_not_personal("auth.Group", ("name",), "role names")
    privacy_not_personal("auth.Permission", ("name",), "permission names")
