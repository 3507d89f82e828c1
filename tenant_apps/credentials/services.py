"""Writes: issuer keys (create, rotate), signing, status list allocation and revocation."""
from __future__ import annotations

import hashlib
import secrets

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import IntegrityError, transaction
from django.utils import timezone

from tenants.api import audit_log

from . import keys, selectors
from .models import STATUS_LIST_BITS, IssuerKey, StatusList
from .proofs import proof_add, timestamp
from .verify import bit_is_set, encode_status_list, multikey_encode

# --- keys --------------------------------------------------------------------------------


def _key_new() -> IssuerKey:
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    multibase = multikey_encode(public)
    key_id = "key-" + hashlib.sha256(public).hexdigest()[:12]
    seed = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    sealed, encryption_key_id = keys.seal(seed, issuer_key_id=key_id, public_key_multibase=multibase)
    return IssuerKey(key_id=key_id, public_key_multibase=multibase, private_key_encrypted=sealed,
                     encryption_key_id=encryption_key_id)


def issuer_key_active() -> IssuerKey:
    """The key that signs now; the institution's first is made on first use (racing callers get the same)."""
    key = IssuerKey.objects.filter(retired_at__isnull=True).first()
    if key is not None:
        return key
    candidate = _key_new()  # raises ImproperlyConfigured in production without an encryption key
    try:
        with transaction.atomic():
            candidate.save()
            return candidate
    except IntegrityError:  # another request made the first key meanwhile
        return IssuerKey.objects.get(retired_at__isnull=True)


@transaction.atomic
def issuer_key_rotate(*, actor=None) -> IssuerKey:
    """Retire the active key (it stays published) and make a new active one."""
    new = _key_new()
    current = IssuerKey.objects.select_for_update().filter(retired_at__isnull=True).first()
    if current is not None:
        current.retired_at = timezone.now()
        current.save(update_fields=["retired_at"])
    new.save()
    audit_log(action="credentials.key_rotate", target=new, actor=actor,
              before={"key": current.key_id} if current else None, after={"key": new.key_id})
    return new


def _private_key(key: IssuerKey) -> Ed25519PrivateKey:
    seed = keys.open_sealed(key.private_key_encrypted, encryption_key_id=key.encryption_key_id,
                            issuer_key_id=key.key_id, public_key_multibase=key.public_key_multibase)
    return Ed25519PrivateKey.from_private_bytes(seed)


# --- signing -----------------------------------------------------------------------------


def credential_sign(*, document: dict) -> dict:
    """The document with an eddsa-jcs-2022 proof by the institution's active key. The document's
    issuer must be this institution's DID (the verifier refuses a key of another issuer)."""
    issuer = document.get("issuer") if isinstance(document, dict) else None
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if issuer_id != selectors.issuer_did():
        raise ValueError(f"the credential's issuer must be {selectors.issuer_did()}")
    key = issuer_key_active()
    return proof_add(document, private_key=_private_key(key), verification_method=selectors.verification_method_id(key))


# --- status lists ------------------------------------------------------------------------


def _status_list_document(status_list: StatusList) -> dict:
    url = selectors.status_list_url(status_list)
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": selectors.issuer_did(),
        "validFrom": timestamp(status_list.changed_at),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode_status_list(bytes(status_list.revoked)),
        },
    }


def _status_list_sign(status_list: StatusList) -> None:
    status_list.signed_credential = credential_sign(document=_status_list_document(status_list))


def _status_list_open() -> StatusList:
    """The first list with room, locked; a new one when all are full."""
    while True:
        open_list = StatusList.objects.select_for_update().filter(allocated_count__lt=STATUS_LIST_BITS).first()
        if open_list is not None:
            return open_list
        last = StatusList.objects.order_by("-number").values_list("number", flat=True).first() or 0
        empty = bytes(STATUS_LIST_BITS // 8)
        try:
            with transaction.atomic():
                created = StatusList(number=last + 1, allocated=empty, revoked=empty)
                _status_list_sign(created)
                created.save()
        except IntegrityError:
            continue  # another caller created it: lock theirs


def _bit_set(bits: bytearray, position: int, value: bool) -> None:
    mask = 0x80 >> (position % 8)
    bits[position // 8] = (bits[position // 8] | mask) if value else (bits[position // 8] & ~mask)


@transaction.atomic
def status_index_allocate() -> int:
    """A fresh status handle (never handed out before), drawn at random within the open list so the
    published position says nothing of the issue order. Concurrent callers serialise on the list row."""
    status_list = _status_list_open()
    allocated = bytearray(status_list.allocated)
    position = None
    for _ in range(64):
        candidate = secrets.randbelow(STATUS_LIST_BITS)
        if not bit_is_set(allocated, candidate):
            position = candidate
            break
    if position is None:  # nearly full: take the first free one
        position = next(i for i in range(STATUS_LIST_BITS) if not bit_is_set(allocated, i))
    _bit_set(allocated, position, True)
    status_list.allocated = bytes(allocated)
    status_list.allocated_count += 1
    status_list.save(update_fields=["allocated", "allocated_count"])
    return (status_list.number - 1) * STATUS_LIST_BITS + position


@transaction.atomic
def status_set(*, index: int, revoked: bool = True) -> bool:
    """Set (revoked) or clear the handle's revocation bit and re-sign the published list when it
    changed. Returns whether it changed. An index never allocated is refused (ValueError)."""
    number, position = selectors.status_list_locate(index)
    status_list = StatusList.objects.select_for_update().filter(number=number).first()
    if status_list is None or not bit_is_set(bytes(status_list.allocated), position):
        raise ValueError(f"status index {index} was never allocated")
    bits = bytearray(status_list.revoked)
    if bit_is_set(bits, position) == bool(revoked):
        return False
    _bit_set(bits, position, bool(revoked))
    status_list.revoked = bytes(bits)
    status_list.changed_at = timezone.now()
    _status_list_sign(status_list)
    status_list.save(update_fields=["revoked", "changed_at", "signed_credential"])
    return True


@transaction.atomic
def status_list_signed(*, status_list: StatusList) -> dict:
    """The published list; signed now if it never was (or its issuer moved)."""
    signed = status_list.signed_credential
    if not signed or signed.get("issuer") != selectors.issuer_did() or signed.get("id") != selectors.status_list_url(status_list):
        status_list = StatusList.objects.select_for_update().get(pk=status_list.pk)
        _status_list_sign(status_list)
        status_list.save(update_fields=["signed_credential"])
        signed = status_list.signed_credential
    return signed
