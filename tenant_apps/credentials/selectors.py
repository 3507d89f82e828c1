"""Reads: the institution's issuer identity (did:web, profile, keys) and its status lists."""
from __future__ import annotations

import base64
import urllib.parse

from django.db import connection
from django.urls import reverse

from tenants.api import site_url_for_tenant, tenant_branding

from .models import STATUS_LIST_BITS, IssuerKey, StatusList
from .verify import multikey_decode

DID_CONTEXT = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


def issuer_host() -> str:
    """The institution's own subdomain (with a non-default port): stable whatever custom domain it adds."""
    url = urllib.parse.urlsplit(site_url_for_tenant(connection.tenant))
    return url.netloc


def issuer_did() -> str:
    """did:web:<host> (the port, if any, percent-encoded: did:web:acme.localhost%3A8000)."""
    return "did:web:" + urllib.parse.quote(issuer_host(), safe=".-")


def site_url(path: str) -> str:
    return site_url_for_tenant(connection.tenant, path)


def issuer_profile() -> dict:
    """The OB3 issuer Profile (served at /credentials/issuer.json); its id is the DID."""
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"],
        "id": issuer_did(),
        "type": ["Profile"],
        "name": tenant_branding()["name"] or connection.tenant.name,
        "url": site_url("/"),
    }


def issuer_key_list() -> list[IssuerKey]:
    """Every key, active and retired, oldest first."""
    return list(IssuerKey.objects.all())


def verification_method_id(key: IssuerKey) -> str:
    return f"{issuer_did()}#{key.key_id}"


def did_document() -> dict:
    """The did:web document: every key as a Multikey and an assertion method (retired keys stay, so
    what they signed keeps verifying)."""
    did = issuer_did()
    keys = issuer_key_list()
    return {
        "@context": DID_CONTEXT,
        "id": did,
        "verificationMethod": [{"id": f"{did}#{k.key_id}", "type": "Multikey", "controller": did,
                                "publicKeyMultibase": k.public_key_multibase} for k in keys],
        "assertionMethod": [f"{did}#{k.key_id}" for k in keys],
    }


def jwks() -> dict:
    """The same keys as a JWK Set (RFC 8037 OKP keys), for tools that want JWKs."""
    keys = []
    for k in issuer_key_list():
        x = base64.urlsafe_b64encode(multikey_decode(k.public_key_multibase)).decode().rstrip("=")
        keys.append({"kty": "OKP", "crv": "Ed25519", "x": x, "kid": f"{issuer_did()}#{k.key_id}",
                     "use": "sig", "alg": "EdDSA"})
    return {"keys": keys}


def status_list_url(status_list: StatusList) -> str:
    return site_url(reverse("credentials:status-list", kwargs={"public_id": status_list.public_id}))


def status_list_locate(index: int) -> tuple[int, int]:
    """A status handle -> (list number, position in that list)."""
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise ValueError("a status index is a non-negative integer")
    return index // STATUS_LIST_BITS + 1, index % STATUS_LIST_BITS


def status_list_for_index(index: int) -> StatusList:
    number, _ = status_list_locate(index)
    return StatusList.objects.get(number=number)


def status_list_get(*, public_id) -> StatusList:
    return StatusList.objects.get(public_id=public_id)


def status_is_revoked(index: int) -> bool:
    from .verify import bit_is_set

    _, position = status_list_locate(index)
    return bit_is_set(bytes(status_list_for_index(index).revoked), position)


def status_entry(index: int) -> dict:
    """The credentialStatus (BitstringStatusListEntry) of an allocated handle."""
    from .openbadges import status_entry as entry

    _, position = status_list_locate(index)
    return entry(status_list_credential=status_list_url(status_list_for_index(index)), status_list_index=position)

