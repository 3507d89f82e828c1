"""The standalone verifier and the proof primitives, without Django or a database: the W3C test
vectors of eddsa-jcs-2022, multibase/Multikey, status list encoding, garbage in -> "invalid" out."""
from __future__ import annotations

import copy
import gzip
from datetime import datetime, timezone

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tenant_apps.credentials.openbadges import email_identity, email_matches, open_badge_credential
from tenant_apps.credentials.proofs import proof_add
from tenant_apps.credentials.verify import (
    STATUS_LIST_MIN_BITS,
    base58btc_decode,
    base58btc_encode,
    bit_is_set,
    decode_status_list,
    did_web_url,
    encode_status_list,
    hash_data,
    multibase_decode,
    multikey_decode,
    multikey_encode,
    verify_credential,
)

# W3C "Data Integrity EdDSA Cryptosuites v1.0", test vectors of eddsa-jcs-2022 (spec Appendix,
# TestVectors/keyPair.json and TestVectors/eddsa-jcs-2022/ of the specification's repository).
W3C_PUBLIC = "z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2"
W3C_PRIVATE = "z3u2en7t5LR2WtQH5PfFqMqwVHBeXouLzo6haApm8XHqvjxq"
W3C_VM = "https://vc.example/issuers/5678#" + W3C_PUBLIC
W3C_CONTEXT = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]
W3C_UNSIGNED = {
    "@context": W3C_CONTEXT,
    "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
    "type": ["VerifiableCredential", "AlumniCredential"],
    "name": "Alumni Credential",
    "description": "A minimum viable example of an Alumni Credential.",
    "issuer": "https://vc.example/issuers/5678",
    "validFrom": "2023-01-01T00:00:00Z",
    "credentialSubject": {"id": "did:example:abcdefgh", "alumniOf": "The School of Examples"},
}
W3C_PROOF = {
    "type": "DataIntegrityProof",
    "cryptosuite": "eddsa-jcs-2022",
    "created": "2023-02-24T23:36:38Z",
    "verificationMethod": W3C_VM,
    "proofPurpose": "assertionMethod",
    "@context": W3C_CONTEXT,
    "proofValue": "z63t83Y53KfzJ5ZosfKTnqfMcKB2dmTrfjSaQjeNNjAD5srBowQfmWqeRb8rRjmeEuCBEsddF9LsVogtuTsijJKh4",
}
W3C_SIGNED = W3C_UNSIGNED | {"proof": W3C_PROOF}
# The spec's example of an empty (all zeros) 16 KB status list.
SPEC_EMPTY_LIST = "uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA"


def _w3c_private_key() -> Ed25519PrivateKey:
    raw = multibase_decode(W3C_PRIVATE)
    assert raw[:2] == b"\x80\x26"  # multicodec ed25519-priv
    return Ed25519PrivateKey.from_private_bytes(raw[2:])


def test_the_w3c_eddsa_jcs_2022_test_vector_verifies():
    result = verify_credential(W3C_SIGNED, public_keys={W3C_VM: W3C_PUBLIC})
    assert result.valid and result.status == "valid", result.reasons
    assert result.verification_method == W3C_VM


def test_signing_the_w3c_test_vector_reproduces_its_proof_value_exactly():
    key = _w3c_private_key()
    public = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert multikey_encode(public) == W3C_PUBLIC
    signed = proof_add(W3C_UNSIGNED, private_key=key, verification_method=W3C_VM,
                       created=datetime(2023, 2, 24, 23, 36, 38, tzinfo=timezone.utc))
    assert signed == W3C_SIGNED
    # the spec's intermediate value: SHA-256(JCS(document)) is the second half of the hash data
    options = {k: v for k, v in W3C_PROOF.items() if k != "proofValue"}
    assert hash_data(W3C_UNSIGNED, options)[32:].hex() == (
        "59b7cb6251b8991add1ce0bc83107e3db9dbbab5bd2c28f687db1a03abc92f19")
    assert "proof" not in W3C_UNSIGNED  # the input is left alone


def test_the_vector_with_another_key_or_a_changed_claim_fails():
    other = multikey_encode(Ed25519PrivateKey.generate().public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    assert not verify_credential(W3C_SIGNED, public_keys={W3C_VM: other}).valid
    changed = copy.deepcopy(W3C_SIGNED)
    changed["credentialSubject"]["alumniOf"] = "The School of Forgeries"
    result = verify_credential(changed, public_keys={W3C_VM: W3C_PUBLIC})
    assert not result.valid and "signature does not match" in " ".join(result.reasons)
    assert not verify_credential(W3C_SIGNED).valid  # no key given, not online: cannot be checked


def test_a_key_of_another_controller_is_not_the_issuers():
    forged = copy.deepcopy(W3C_SIGNED)
    forged["issuer"] = "https://other.example/issuers/1"
    result = verify_credential(forged, public_keys={W3C_VM: W3C_PUBLIC})
    assert not result.valid and "not a key of the issuer" in " ".join(result.reasons)


def test_base58btc_and_multikey_round_trip():
    for data in (b"", b"\0", b"\0\0\x01", bytes(range(256)), b"hello world"):
        assert base58btc_decode(base58btc_encode(data)) == data
    assert base58btc_encode(b"hello world") == "StV1DL6CwTryKyV"
    public = bytes(range(32))
    assert multikey_encode(public).startswith("z6Mk") and multikey_decode(multikey_encode(public)) == public
    with pytest.raises(ValueError):
        base58btc_decode("0OIl")


def test_status_list_encoding_matches_the_spec():
    bits = decode_status_list(SPEC_EMPTY_LIST)
    assert len(bits) * 8 == STATUS_LIST_MIN_BITS and not any(bits)
    mine = bytearray(STATUS_LIST_MIN_BITS // 8)
    mine[0] = 0b1000_0001
    encoded = encode_status_list(bytes(mine))
    assert encoded.startswith("u") and "=" not in encoded
    decoded = decode_status_list(encoded)
    assert bit_is_set(decoded, 0) and bit_is_set(decoded, 7) and not bit_is_set(decoded, 1)
    assert gzip.decompress(multibase_decode(encoded)) == bytes(mine)


def test_did_web_urls():
    assert did_web_url("did:web:acme.example.org") == "https://acme.example.org/.well-known/did.json"
    assert did_web_url("did:web:acme.localhost%3A8000") == "https://acme.localhost:8000/.well-known/did.json"
    assert did_web_url("did:web:example.com:u:alice") == "https://example.com/u/alice/did.json"


@pytest.mark.parametrize("garbage", [
    None, [], "text", 7, {}, {"type": "VerifiableCredential"},
    W3C_UNSIGNED,
    W3C_UNSIGNED | {"proof": "nope"},
    W3C_UNSIGNED | {"proof": []},
    W3C_UNSIGNED | {"proof": [W3C_PROOF, W3C_PROOF]},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"proofValue": "z0OIl"}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"proofValue": "u" + "A" * 86}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"proofValue": 5}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"created": "yesterday"}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"cryptosuite": "eddsa-rdfc-2022"}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"proofPurpose": "authentication"}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"verificationMethod": {"id": W3C_VM}}},
    W3C_UNSIGNED | {"proof": W3C_PROOF | {"@context": ["https://example.org/other"]}},
    W3C_SIGNED | {"credentialStatus": "revoked?"},
    W3C_SIGNED | {"credentialStatus": {"type": "BitstringStatusListEntry", "statusListIndex": 3}},
    W3C_SIGNED | {"@context": "https://www.w3.org/ns/credentials/v2"},
    W3C_SIGNED | {"validFrom": float("nan")},
])
def test_malformed_input_is_invalid_with_a_reason_and_never_raises(garbage):
    result = verify_credential(garbage, public_keys={W3C_VM: W3C_PUBLIC},
                               did_document={"id": 5}, status_list={"x": "y"})
    assert not result.valid and result.reasons


def test_validity_period_is_enforced():
    key = _w3c_private_key()
    expired = proof_add(W3C_UNSIGNED | {"validUntil": "2024-01-01T00:00:00Z"}, private_key=key, verification_method=W3C_VM)
    result = verify_credential(expired, public_keys={W3C_VM: W3C_PUBLIC})
    assert not result.valid and "expired" in " ".join(result.reasons)
    future = proof_add(W3C_UNSIGNED | {"validFrom": "2999-01-01T00:00:00Z"}, private_key=key, verification_method=W3C_VM)
    assert not verify_credential(future, public_keys={W3C_VM: W3C_PUBLIC}).valid


def test_open_badge_hides_the_email_and_has_the_ob3_shape():
    credential = open_badge_credential(
        credential_id="https://acme.example/credentials/1", issuer_id="did:web:acme.example", issuer_name="Acme",
        issuer_url="https://acme.example/", achievement_id="https://acme.example/courses/py", achievement_name="Python",
        achievement_description="Python course", criteria_narrative="Pass every quiz", recipient_name="Ann Lee",
        recipient_email="Ann@Example.org", issued_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc), grade="A",
        status_list_credential="https://acme.example/credentials/status/x", status_list_index=42)
    assert credential["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                      "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["issuer"]["type"] == ["Profile"] and credential["validFrom"] == "2026-01-02T03:04:05Z"
    subject = credential["credentialSubject"]
    assert subject["type"] == ["AchievementSubject"] and subject["achievement"]["type"] == ["Achievement"]
    assert subject["result"][0]["value"] == "A"
    assert credential["credentialStatus"] == {
        "id": "https://acme.example/credentials/status/x#42", "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation", "statusListIndex": "42",
        "statusListCredential": "https://acme.example/credentials/status/x"}
    assert "example.org" not in str(credential).lower()
    hashed = next(i for i in subject["identifier"] if i["identityType"] == "emailAddress")
    assert hashed["identityHash"].startswith("sha256$") and email_matches(hashed, "ann@example.org")
    assert not email_matches(hashed, "bob@example.org")
    assert email_identity("a@b.c")["salt"] != email_identity("a@b.c")["salt"]
