"""Issuer private keys at rest: AES-256-GCM with a key from the environment.

CREDENTIALS_ENCRYPTION_KEY is 32 random bytes, urlsafe-base64 (`python -c "import secrets,base64;
print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())"`). When it is rotated, the old
value goes to CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS (comma-separated) so existing rows still open.
With DEBUG or in tests, a key derived from SECRET_KEY stands in; in production, signing refuses
to start without the variable. The ciphertext is bound (AAD) to the key's id and public key, so a
sealed private key cannot be swapped onto another key's row.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

VERSION = b"\x01"


def _decode(value: str, name: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(value.strip() + "=" * (-len(value.strip()) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured(f"{name} is not urlsafe base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (urlsafe base64)")
    return raw


def _dev_key() -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                info=b"educrowd credentials dev key").derive(settings.SECRET_KEY.encode())


def current_key() -> bytes:
    """The key new private keys are sealed with; ImproperlyConfigured in production without one."""
    value = getattr(settings, "CREDENTIALS_ENCRYPTION_KEY", "")
    if value:
        return _decode(value, "CREDENTIALS_ENCRYPTION_KEY")
    if settings.DEBUG or getattr(settings, "TESTING", False):
        return _dev_key()
    raise ImproperlyConfigured("CREDENTIALS_ENCRYPTION_KEY must be set to sign credentials when DEBUG is off")


def _known_keys() -> dict[str, bytes]:
    keys = [current_key()]
    previous = getattr(settings, "CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS", "")
    keys += [_decode(v, "CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS") for v in previous.split(",") if v.strip()]
    if settings.DEBUG or getattr(settings, "TESTING", False):
        keys.append(_dev_key())
    return {key_id(k): k for k in keys}


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"educrowd-credentials-kek" + key).hexdigest()[:16]


def _aad(issuer_key_id: str, public_key_multibase: str) -> bytes:
    return f"educrowd-credentials/v1/{issuer_key_id}/{public_key_multibase}".encode()


def seal(private_bytes: bytes, *, issuer_key_id: str, public_key_multibase: str) -> tuple[bytes, str]:
    """(ciphertext, id of the environment key used)."""
    key = current_key()
    nonce = os.urandom(12)
    sealed = AESGCM(key).encrypt(nonce, private_bytes, _aad(issuer_key_id, public_key_multibase))
    return VERSION + nonce + sealed, key_id(key)


def open_sealed(blob: bytes, *, encryption_key_id: str, issuer_key_id: str, public_key_multibase: str) -> bytes:
    blob = bytes(blob)
    if blob[:1] != VERSION:
        raise ValueError("unknown sealed-key format")
    key = _known_keys().get(encryption_key_id)
    if key is None:
        raise ImproperlyConfigured(f"no CREDENTIALS_ENCRYPTION_KEY with id {encryption_key_id} is configured")
    return AESGCM(key).decrypt(blob[1:13], blob[13:], _aad(issuer_key_id, public_key_multibase))
