"""What the policies-and-consent part holds about a person: their consent records and optional
consent choices (area "consents"). The erasure part fills in `erase`."""
from __future__ import annotations

from .registry import ExportPart, Holding, PrivacyProvider, privacy_provider_register, rows


def consents_export(user) -> ExportPart:
    from .models_policies import ConsentChoice, ConsentRecord, PolicyDocument

    accepted = rows(ConsentRecord.objects.filter(user=user).order_by("accepted_at", "id"),
                    ("document__kind", "document__version", "document__title", "accepted_at", "ip", "user_agent",
                     "source"))
    choices = rows(ConsentChoice.objects.filter(user=user).order_by("changed_at", "id"),
                   ("purpose", "granted", "changed_at", "ip", "user_agent"))
    drafted = rows(PolicyDocument.objects.filter(created_by=user).order_by("created_at", "id"),
                   ("public_id", "kind", "version", "title", "created_at", "published_at"))
    return ExportPart(records=[*({"kind": "policy_accepted", **r} for r in accepted),
                               *({"kind": "optional_consent", **r} for r in choices),
                               *({"kind": "policy_drafted", **r} for r in drafted)])


CONSENTS = PrivacyProvider(
    area="consents", title="Policies accepted and consents given",
    holdings=(
        Holding("privacy.ConsentRecord", fields=("user", "ip", "user_agent")),
        Holding("privacy.ConsentChoice", fields=("user", "ip", "user_agent")),
        Holding("privacy.PolicyDocument", fields=("created_by",)),  # versions a staff member drafted
    ),
    export=consents_export, order=800,
)


def register() -> None:
    privacy_provider_register(CONSENTS)
