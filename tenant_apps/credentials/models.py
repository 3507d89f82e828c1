"""An institution's issuer keys and its revocation status lists (tenant schema)."""
import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone

STATUS_LIST_BITS = 131_072  # the spec's minimum, for herd privacy; one list holds this many credentials


class IssuerKey(models.Model):
    """An Ed25519 key pair of the institution. One is active (signs); retired ones stay published so
    what they signed still verifies. The private key is stored encrypted (keys.py)."""

    key_id = models.CharField(max_length=40, unique=True)  # the DID URL fragment: did:web:<host>#<key_id>
    public_key_multibase = models.CharField(max_length=64, unique=True)  # Multikey "z6Mk..."
    private_key_encrypted = models.BinaryField()  # AES-256-GCM: version || nonce || ciphertext+tag
    encryption_key_id = models.CharField(max_length=16)  # which environment key sealed it
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(models.Value(True), condition=Q(retired_at__isnull=True),
                                    name="credentials_one_active_issuer_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key_id} ({'retired' if self.retired_at else 'active'})"


class StatusList(models.Model):
    """One Bitstring Status List (purpose "revocation") of STATUS_LIST_BITS entries, published signed.

    `allocated` marks the indexes handed out (private: indexes are drawn at random so a credential's
    position says nothing about when it was issued); `revoked` is the published bitstring."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField(unique=True)  # 1, 2, ...: list n holds handles (n-1)*BITS ...
    allocated = models.BinaryField()
    revoked = models.BinaryField()
    allocated_count = models.PositiveIntegerField(default=0)
    signed_credential = models.JSONField(null=True, blank=True)  # the published, signed list; None: to sign
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"status list {self.number}"
