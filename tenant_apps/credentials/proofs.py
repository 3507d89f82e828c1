"""Adding a Data Integrity proof `eddsa-jcs-2022` to a document (vc-di-eddsa §3.3.1, Create Proof).

Pure functions: the key comes in, the signed document goes out. The verifier's primitives
(verify.py) are the only canonicalisation and hashing code, so signing and checking agree.
"""
from __future__ import annotations

import copy
from datetime import datetime, timezone

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from .verify import CRYPTOSUITE, base58btc_encode, hash_data


def timestamp(when: datetime | None = None) -> str:
    """An XML Schema dateTimeStamp in UTC, to the second: 2026-12-03T11:10:51Z."""
    when = (when or datetime.now(timezone.utc)).astimezone(timezone.utc)
    return when.replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def proof_add(document: dict, *, private_key: Ed25519PrivateKey, verification_method: str,
              created: datetime | None = None) -> dict:
    """The document with a new `proof`; the input is left as it was. A document that already
    carries a proof is refused (proof sets and chains are not used here)."""
    if not isinstance(document, dict):
        raise TypeError("a credential is a JSON object")
    if "proof" in document:
        raise ValueError("the document is already signed")
    unsecured = copy.deepcopy(document)
    proof_config = {
        "type": "DataIntegrityProof",
        "cryptosuite": CRYPTOSUITE,
        "created": timestamp(created),
        "verificationMethod": verification_method,
        "proofPurpose": "assertionMethod",
    }
    if "@context" in unsecured:
        proof_config["@context"] = copy.deepcopy(unsecured["@context"])
    signature = private_key.sign(hash_data(unsecured, proof_config))
    return unsecured | {"proof": proof_config | {"proofValue": "z" + base58btc_encode(signature)}}
