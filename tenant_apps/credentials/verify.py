"""Standalone verifier of our credentials: W3C VC 2.0 with a Data Integrity proof `eddsa-jcs-2022`,
issuer keys as Multikey in a did:web document, revocation through a Bitstring Status List.

Standard library + `cryptography` + `rfc8785` only: no Django, no database. The file can be copied
out of the project and run on its own (`python verify.py credential.json --did-document did.json`).
The signing side (tenant_apps/credentials/proofs.py) builds on the primitives defined here, so
signer and verifier cannot drift apart.

Specs: W3C Data Integrity EdDSA Cryptosuites v1.0 (§3.3 eddsa-jcs-2022), Verifiable Credentials
Data Model 2.0, Controlled Identifiers 1.0 (Multikey), Bitstring Status List v1.0, did:web.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

CRYPTOSUITE = "eddsa-jcs-2022"
ED25519_PUB_PREFIX = b"\xed\x01"  # multicodec ed25519-pub, varint-encoded
ED25519_PRIV_PREFIX = b"\x80\x26"  # multicodec ed25519-priv (0x1300), varint-encoded
STATUS_LIST_MIN_BITS = 131_072  # Bitstring Status List §6.1: herd privacy
MAX_FETCH_BYTES = 2 * 1024 * 1024

# --- base58btc and multibase -------------------------------------------------------------

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_B58_INDEX = {c: i for i, c in enumerate(_B58)}


def base58btc_encode(data: bytes) -> str:
    zeros = len(data) - len(data.lstrip(b"\0"))
    n = int.from_bytes(data, "big")
    out = []
    while n:
        n, rem = divmod(n, 58)
        out.append(_B58[rem])
    return "1" * zeros + "".join(reversed(out))


def base58btc_decode(text: str) -> bytes:
    n = 0
    for char in text:
        if char not in _B58_INDEX:
            raise ValueError(f"not base58btc: {char!r}")
        n = n * 58 + _B58_INDEX[char]
    zeros = len(text) - len(text.lstrip("1"))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return b"\0" * zeros + body


def multibase_decode(value: str) -> bytes:
    """'z' base58btc or 'u' base64url without padding (the two bases these specs use)."""
    if not isinstance(value, str) or len(value) < 2:
        raise ValueError("not a multibase string")
    prefix, body = value[0], value[1:]
    if prefix == "z":
        return base58btc_decode(body)
    if prefix == "u":
        if "=" in body or not re.fullmatch(r"[A-Za-z0-9_-]+", body):
            raise ValueError("not base64url without padding")
        return base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    raise ValueError(f"unsupported multibase prefix {prefix!r}")


def multikey_encode(public_key: bytes) -> str:
    """publicKeyMultibase of an Ed25519 Multikey: 'z' + base58btc(0xed01 || 32-byte key) -> 'z6Mk...'."""
    if len(public_key) != 32:
        raise ValueError("an Ed25519 public key is 32 bytes")
    return "z" + base58btc_encode(ED25519_PUB_PREFIX + public_key)


def multikey_decode(value: str) -> bytes:
    raw = multibase_decode(value)
    if not raw.startswith(ED25519_PUB_PREFIX) or len(raw) != 34:
        raise ValueError("not an Ed25519 Multikey")
    return raw[2:]


# --- eddsa-jcs-2022 -----------------------------------------------------------------------

def jcs(value) -> bytes:
    """RFC 8785 JSON Canonicalization Scheme."""
    return rfc8785.dumps(value)


def hash_data(document: dict, proof_config: dict) -> bytes:
    """vc-di-eddsa §3.3.4: SHA-256(JCS(proof configuration)) || SHA-256(JCS(unsecured document))."""
    return hashlib.sha256(jcs(proof_config)).digest() + hashlib.sha256(jcs(document)).digest()


_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def parse_datetime(value) -> datetime | None:
    """An XML Schema dateTimeStamp (with a time zone), or None if it is not one."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def did_web_url(did: str, *, scheme: str = "https") -> str:
    """Where a did:web DID document lives (did:web method §3.2): host[%3Aport][:path...]."""
    if not did.startswith("did:web:"):
        raise ValueError("not a did:web DID")
    parts = did[len("did:web:"):].split(":")
    host = urllib.parse.unquote(parts[0])
    if not host or "/" in host:
        raise ValueError("bad did:web host")
    path = "/".join(urllib.parse.unquote(p) for p in parts[1:])
    return f"{scheme}://{host}/{path}/did.json" if path else f"{scheme}://{host}/.well-known/did.json"


def fetch_json(url: str, *, timeout: float = 10.0) -> dict:
    """GET a JSON document (https, or http for local hosts), at most MAX_FETCH_BYTES."""
    import urllib.request

    if not url.startswith(("https://", "http://")):
        raise ValueError(f"refusing to fetch {url!r}")
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - scheme checked above
        body = response.read(MAX_FETCH_BYTES + 1)
    if len(body) > MAX_FETCH_BYTES:
        raise ValueError(f"{url} is larger than {MAX_FETCH_BYTES} bytes")
    return json.loads(body)


# --- the result --------------------------------------------------------------------------

@dataclass
class VerificationResult:
    """`valid`: the proof verifies against the issuer's key, the credential is in its validity
    period and not revoked. `revoked`: True/False from the status list, None when not checked."""

    valid: bool
    revoked: bool | None = None
    reasons: list[str] = field(default_factory=list)
    issuer: str | None = None
    verification_method: str | None = None

    @property
    def status(self) -> str:
        if self.revoked:
            return "revoked"
        return "valid" if self.valid else "invalid"


class _Invalid(Exception):
    pass


# --- keys --------------------------------------------------------------------------------

def _split_did_url(url: str) -> tuple[str, str]:
    base, _, fragment = url.partition("#")
    return base, fragment


def _public_key_from(value) -> Ed25519PublicKey:
    if isinstance(value, Ed25519PublicKey):
        return value
    if isinstance(value, (bytes, bytearray)) and len(value) == 32:
        return Ed25519PublicKey.from_public_bytes(bytes(value))
    if isinstance(value, str):
        return Ed25519PublicKey.from_public_bytes(multikey_decode(value))
    if isinstance(value, dict):  # a Multikey verification method or an OKP JWK
        if "publicKeyMultibase" in value:
            return Ed25519PublicKey.from_public_bytes(multikey_decode(value["publicKeyMultibase"]))
        if value.get("kty") == "OKP" and value.get("crv") == "Ed25519" and isinstance(value.get("x"), str):
            x = value["x"]
            return Ed25519PublicKey.from_public_bytes(base64.urlsafe_b64decode(x + "=" * (-len(x) % 4)))
    raise _Invalid("unusable public key")


def _key_from_did_document(doc: dict, vm_id: str) -> Ed25519PublicKey:
    if not isinstance(doc, dict) or not isinstance(doc.get("id"), str):
        raise _Invalid("the DID document has no id")
    controller, fragment = _split_did_url(vm_id)
    if doc["id"] != controller:
        raise _Invalid(f"the DID document is {doc['id']}, not {controller}")

    def full(ref):
        if isinstance(ref, dict):
            ref = ref.get("id")
        if not isinstance(ref, str):
            return None
        return doc["id"] + ref if ref.startswith("#") else ref

    assertion = {full(ref) for ref in doc.get("assertionMethod") or []}
    if vm_id not in assertion:
        raise _Invalid(f"{vm_id} is not an assertion method of {doc['id']}")
    methods = list(doc.get("verificationMethod") or []) + [m for m in doc.get("assertionMethod") or [] if isinstance(m, dict)]
    for method in methods:
        if isinstance(method, dict) and full(method) == vm_id:
            if method.get("type") not in ("Multikey", "JsonWebKey"):
                raise _Invalid(f"{vm_id} is a {method.get('type')}, not a Multikey")
            if method.get("controller", doc["id"]) != doc["id"]:
                raise _Invalid(f"{vm_id} is controlled by {method.get('controller')}")
            if method.get("revoked"):
                raise _Invalid(f"{vm_id} was revoked by its controller")
            return _public_key_from(method.get("publicKeyJwk") or method)
    raise _Invalid(f"{vm_id} is not in the DID document")


class _Keys:
    """Finds the Ed25519 key for a verificationMethod: given keys, a given DID document, or (online) did:web."""

    def __init__(self, public_keys, did_document, fetch):
        self.public_keys = public_keys or {}
        self.did_document = did_document
        self.fetch = fetch
        self._fetched: dict[str, dict] = {}

    def get(self, vm_id: str) -> Ed25519PublicKey:
        controller, fragment = _split_did_url(vm_id)
        for candidate in (vm_id, fragment, f"#{fragment}"):
            if candidate and candidate in self.public_keys:
                return _public_key_from(self.public_keys[candidate])
        if self.did_document is not None:
            return _key_from_did_document(self.did_document, vm_id)
        if self.fetch is not None and controller.startswith("did:web:"):
            if controller not in self._fetched:
                try:
                    self._fetched[controller] = self.fetch(did_web_url(controller))
                except Exception as exc:  # noqa: BLE001 - any failure to resolve is a reason, never a crash
                    raise _Invalid(f"could not resolve {controller}: {exc}") from exc
            return _key_from_did_document(self._fetched[controller], vm_id)
        raise _Invalid(f"no public key for {vm_id} (give the issuer's DID document or key, or go online)")


# --- proofs ------------------------------------------------------------------------------

def _issuer_id(credential: dict) -> str:
    issuer = credential.get("issuer")
    if isinstance(issuer, dict):
        issuer = issuer.get("id")
    if not isinstance(issuer, str) or not issuer:
        raise _Invalid("the credential names no issuer")
    return issuer


def _verify_proof(secured: dict, keys: _Keys) -> tuple[str, str]:
    """vc-di-eddsa §3.3.2 (Verify Proof, eddsa-jcs-2022). Returns (issuer, verificationMethod)."""
    proof = secured.get("proof")
    if isinstance(proof, list):
        ours = [p for p in proof if isinstance(p, dict) and p.get("cryptosuite") == CRYPTOSUITE]
        if len(ours) != 1 or len(proof) != 1:
            raise _Invalid("expected exactly one eddsa-jcs-2022 proof")
        proof = ours[0]
    if not isinstance(proof, dict):
        raise _Invalid("no proof")
    unsecured = {k: v for k, v in secured.items() if k != "proof"}
    options = {k: v for k, v in proof.items() if k != "proofValue"}
    if options.get("type") != "DataIntegrityProof" or options.get("cryptosuite") != CRYPTOSUITE:
        raise _Invalid("not a DataIntegrityProof with cryptosuite eddsa-jcs-2022")
    if options.get("proofPurpose") != "assertionMethod":
        raise _Invalid("proofPurpose is not assertionMethod")
    if "created" in options and parse_datetime(options["created"]) is None:
        raise _Invalid("proof.created is not a date-time")
    if "expires" in options:
        expires = parse_datetime(options["expires"])
        if expires is None or expires < datetime.now(timezone.utc):
            raise _Invalid("the proof has expired")
    if "@context" in options:
        # §3.3.2 step 4: the proof's context must be a prefix of the document's; the document is then
        # hashed with the proof's context.
        proof_context, doc_context = options["@context"], unsecured.get("@context")
        as_list = (lambda c: c if isinstance(c, list) else [c])
        if doc_context is None or as_list(doc_context)[: len(as_list(proof_context))] != as_list(proof_context):
            raise _Invalid("the proof's @context does not match the document's")
        unsecured["@context"] = proof_context
    vm_id = options.get("verificationMethod")
    if not isinstance(vm_id, str) or not vm_id:
        raise _Invalid("no verificationMethod")
    issuer = _issuer_id(unsecured)
    if _split_did_url(vm_id)[0] != issuer:
        raise _Invalid(f"signed with {vm_id}, which is not a key of the issuer {issuer}")
    proof_value = proof.get("proofValue")
    if not isinstance(proof_value, str) or not proof_value.startswith("z"):
        raise _Invalid("proofValue is not multibase base58btc")
    try:
        signature = multibase_decode(proof_value)
    except ValueError as exc:
        raise _Invalid(f"proofValue: {exc}") from exc
    if len(signature) != 64:
        raise _Invalid("proofValue is not a 64-byte Ed25519 signature")
    key = keys.get(vm_id)
    try:
        data = hash_data(unsecured, options)
    except Exception as exc:  # noqa: BLE001 - e.g. a value JCS cannot represent
        raise _Invalid(f"cannot canonicalise: {exc}") from exc
    try:
        key.verify(signature, data)
    except InvalidSignature as exc:
        raise _Invalid("the signature does not match (the credential was changed or signed by another key)") from exc
    return issuer, vm_id


def _check_validity_period(credential: dict, reasons: list[str]) -> bool:
    now = datetime.now(timezone.utc)
    ok = True
    for name in ("validFrom", "validUntil"):
        if name in credential:
            when = parse_datetime(credential[name])
            if when is None:
                reasons.append(f"{name} is not a date-time")
                ok = False
            elif name == "validFrom" and when > now:
                reasons.append(f"not valid before {credential[name]}")
                ok = False
            elif name == "validUntil" and when < now:
                reasons.append(f"expired on {credential[name]}")
                ok = False
    return ok


# --- Bitstring Status List ---------------------------------------------------------------

def encode_status_list(bits: bytes) -> str:
    """encodedList: multibase base64url (no padding) of the GZIP-compressed bitstring."""
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_status_list(encoded: str) -> bytes:
    return gzip.decompress(multibase_decode(encoded))


def bit_is_set(bits: bytes, index: int) -> bool:
    """Index 0 is the left-most (most significant) bit of the first byte (Bitstring Status List §4)."""
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def _status_entries(credential: dict) -> list[dict]:
    status = credential.get("credentialStatus")
    if status is None:
        return []
    entries = status if isinstance(status, list) else [status]
    if not all(isinstance(e, dict) for e in entries):
        raise _Invalid("credentialStatus is malformed")
    return entries


def _status_list_for(url: str, status_list, fetch) -> dict | None:
    if isinstance(status_list, dict):
        if "credentialSubject" in status_list:  # one list credential
            if status_list.get("id") == url:
                return status_list
        elif isinstance(status_list.get(url), dict):  # {url: list credential}
            return status_list[url]
    if fetch is not None:
        return fetch(url)
    return None


def _check_status(credential: dict, issuer: str, status_list, keys: _Keys, fetch, reasons: list[str]) -> bool | None:
    """True revoked, False not revoked, None not checked. A bad status list is a reason (and invalid)."""
    revoked: bool | None = None
    for entry in _status_entries(credential):
        if entry.get("type") != "BitstringStatusListEntry":
            reasons.append(f"status type {entry.get('type')!r} not checked")
            continue
        purpose = entry.get("statusPurpose")
        url = entry.get("statusListCredential")
        index = entry.get("statusListIndex")
        if not isinstance(url, str) or not isinstance(index, str) or not index.isdigit():
            raise _Invalid("credentialStatus needs statusListCredential and a numeric statusListIndex")
        try:
            listed = _status_list_for(url, status_list, fetch)
        except Exception as exc:  # noqa: BLE001 - an unreachable list is a reason, never a crash
            reasons.append(f"status list {url} could not be fetched: {exc}")
            continue
        if listed is None:
            reasons.append(f"revocation status not checked (no status list {url})")
            continue
        if listed.get("id") != url:
            raise _Invalid(f"the status list given is {listed.get('id')}, not {url}")
        if "BitstringStatusListCredential" not in (listed.get("type") or []):
            raise _Invalid("the status list is not a BitstringStatusListCredential")
        try:
            list_issuer, _ = _verify_proof(listed, keys)
        except _Invalid as exc:
            raise _Invalid(f"status list: {exc}") from exc
        if list_issuer != issuer:
            raise _Invalid(f"the status list is issued by {list_issuer}, not by {issuer}")
        period: list[str] = []
        if not _check_validity_period(listed, period):
            raise _Invalid("status list: " + "; ".join(period))
        subject = listed.get("credentialSubject") or {}
        if not isinstance(subject, dict) or subject.get("statusPurpose") != purpose:
            raise _Invalid(f"the status list's purpose is not {purpose!r}")
        try:
            bits = decode_status_list(subject.get("encodedList"))
        except Exception as exc:  # noqa: BLE001
            raise _Invalid(f"the status list cannot be decoded: {exc}") from exc
        if len(bits) * 8 < STATUS_LIST_MIN_BITS:
            raise _Invalid("the status list is shorter than 131,072 bits")
        if int(index) >= len(bits) * 8:
            raise _Invalid("statusListIndex is outside the status list")
        if bit_is_set(bits, int(index)):
            if purpose == "revocation":
                reasons.append("revoked by the issuer")
                revoked = True
            else:
                reasons.append(f"status {purpose!r} is set")
        elif purpose == "revocation" and revoked is None:
            revoked = False
    return revoked


# --- the verifier ------------------------------------------------------------------------

def verify_credential(
    credential: dict,
    *,
    public_keys: dict | None = None,
    did_document: dict | None = None,
    status_list: dict | None = None,
    fetch: Callable[[str], dict] | None = None,
) -> VerificationResult:
    """Verify a credential secured with eddsa-jcs-2022; never raises on bad input.

    public_keys: {verificationMethod id, or its fragment: Multikey string / 32 raw bytes / JWK / key}.
    did_document: the issuer's DID document (its verificationMethod must be an assertionMethod).
    status_list: the BitstringStatusListCredential the credential points at, or {url: credential}.
    fetch: url -> parsed JSON, used for what is not given (did:web resolution, the status list).
    """
    result = VerificationResult(valid=False)
    if not isinstance(credential, dict):
        result.reasons.append("not a JSON object")
        return result
    keys = _Keys(public_keys, did_document, fetch)
    try:
        types = credential.get("type")
        if not isinstance(types, list) or "VerifiableCredential" not in types:
            raise _Invalid("not a VerifiableCredential")
        contexts = credential.get("@context")
        if not isinstance(contexts, list) or not contexts or contexts[0] != "https://www.w3.org/ns/credentials/v2":
            raise _Invalid("the first @context is not https://www.w3.org/ns/credentials/v2")
        result.issuer, result.verification_method = _verify_proof(credential, keys)
        in_period = _check_validity_period(credential, result.reasons)
        result.revoked = _check_status(credential, result.issuer, status_list, keys, fetch, result.reasons)
        result.valid = in_period and not result.revoked
    except _Invalid as exc:
        result.valid = False
        result.reasons.append(str(exc))
    except Exception as exc:  # noqa: BLE001 - malformed input of any shape is "invalid", with the reason
        result.valid = False
        result.reasons.append(f"malformed credential: {type(exc).__name__}: {exc}")
    return result


def main(argv: list[str] | None = None) -> int:
    """`python verify.py FILE [--did-document FILE] [--status-list FILE] [--online]`."""
    import argparse

    parser = argparse.ArgumentParser(description="Verify an eddsa-jcs-2022 verifiable credential.")
    parser.add_argument("credential")
    parser.add_argument("--did-document")
    parser.add_argument("--status-list", action="append", default=[])
    parser.add_argument("--online", action="store_true", help="resolve did:web and fetch status lists")
    args = parser.parse_args(argv)
    result = verify_files(args.credential, did_document=args.did_document, status_lists=args.status_list,
                          fetch=fetch_json if args.online else None)
    print(report(result))
    return 0 if result.valid else 1


def verify_files(credential: str, *, did_document: str | None = None, status_lists: list[str] = (),
                 fetch: Callable[[str], dict] | None = None) -> VerificationResult:
    """verify_credential on files: the credential, the issuer's DID document, status list credentials."""
    def load(path):
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    try:
        document = load(credential)
        did = load(did_document) if did_document else None
        lists = {}
        for path in status_lists:
            listed = load(path)
            lists[listed.get("id")] = listed
    except (OSError, ValueError) as exc:
        return VerificationResult(valid=False, reasons=[f"cannot read: {exc}"])
    return verify_credential(document, did_document=did, status_list=lists or None, fetch=fetch)


def report(result: VerificationResult) -> str:
    lines = [result.status.upper() + (f" (issuer {result.issuer})" if result.issuer else "")]
    lines += [f"- {reason}" for reason in result.reasons]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
