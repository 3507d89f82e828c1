"""Issuing and checking credentials in an institution: keys at rest, signing, rotation, revocation
through the published status list, the public URLs, and verification with an empty database."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest
import rfc8785
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from tenant_apps.credentials import api, keys
from tenant_apps.credentials.models import STATUS_LIST_BITS, IssuerKey, StatusList
from tenant_apps.credentials.verify import verify_credential

ROOT = Path(__file__).resolve().parents[3]


def _badge(*, status_index=None, name="Ann Lee"):
    return api.open_badge_build(
        credential_id="https://acme.localhost/certificates/7f3c", achievement_id="https://acme.localhost/courses/python",
        achievement_name="Python for everyone", achievement_description="An introductory course.",
        criteria_narrative="Complete every lesson and pass the final quiz with 70 %.", recipient_name=name,
        recipient_email="ann.lee@example.org", issued_at=datetime(2026, 12, 1, 9, 30, tzinfo=timezone.utc),
        status_index=status_index, grade="B")


def _vm_key(credential: dict, did: dict) -> str:
    vm = credential["proof"]["verificationMethod"]
    return next(m["publicKeyMultibase"] for m in did["verificationMethod"] if m["id"] == vm)


def test_signed_badge_verifies_with_the_did_document_or_only_the_public_key(site_a):
    with site_a:
        index = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        did = api.did_document()
        status = api.status_list_credential(index)
    assert signed["issuer"]["id"] == did["id"] and did["id"].startswith("did:web:acme.")
    assert signed["proof"]["cryptosuite"] == "eddsa-jcs-2022" and signed["proof"]["proofValue"].startswith("z")
    assert signed["proof"]["verificationMethod"].startswith(did["id"] + "#key-")
    assert signed["credentialStatus"]["statusListCredential"] == status["id"]
    result = verify_credential(signed, did_document=did, status_list=status)
    assert result.valid and result.revoked is False and result.status == "valid", result.reasons
    only_key = verify_credential(signed, public_keys={signed["proof"]["verificationMethod"]: _vm_key(signed, did)})
    assert only_key.valid and only_key.revoked is None  # status not checked without the list
    assert "revocation status not checked" in " ".join(only_key.reasons)
    # the status list is itself a signed credential of the same issuer
    assert verify_credential(status, did_document=did).valid


def test_verifier_runs_without_django_or_a_database(site_a, tmp_path):
    """python -c, no DJANGO_SETTINGS_MODULE: the verifier imports nothing of Django."""
    with site_a:
        index = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        key = {signed["proof"]["verificationMethod"]: _vm_key(signed, api.did_document())}
        api.status_set(index, revoked=True)
        status = api.status_list_credential(index)
    (tmp_path / "c.json").write_text(json.dumps(signed))
    (tmp_path / "k.json").write_text(json.dumps(key))
    (tmp_path / "s.json").write_text(json.dumps(status))
    script = (
        "import json, sys\n"
        "from tenant_apps.credentials.verify import verify_credential\n"
        "c, k, s = (json.load(open(sys.argv[i])) for i in (1, 2, 3))\n"
        "plain = verify_credential(c, public_keys=k)\n"
        "with_status = verify_credential(c, public_keys=k, status_list=s)\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django imported'\n"
        "print(json.dumps([plain.status, plain.valid, with_status.status, with_status.revoked]))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO", "DATABASE", "EDUCROWD"))}
    out = subprocess.run([sys.executable, "-c", script, *(str(tmp_path / f) for f in ("c.json", "k.json", "s.json"))],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == ["valid", True, "revoked", True]


def _manage(*args, tmp_path):
    """manage.py with production-like settings and a database that does not exist: nothing may touch it."""
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "EDUCROWD_TESTING"}}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="1", EDUCROWD_DATA_DIR=str(tmp_path),
               DATABASE_URL="postgres://nobody@127.0.0.1:9/absent", REDIS_URL="redis://127.0.0.1:9/0")
    return subprocess.run([sys.executable, "manage.py", "verify_credential", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_manage_verify_credential_offline_with_no_database(site_a, tmp_path):
    with site_a:
        index = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        did = api.did_document()
        clean = api.status_list_credential(index)
        api.status_set(index, revoked=True)
        revoked = api.status_list_credential(index)
    for name, data in {"c": signed, "d": did, "clean": clean, "revoked": revoked}.items():
        (tmp_path / f"{name}.json").write_text(json.dumps(data))
    tampered = dict(signed, name="Python for experts")
    (tmp_path / "t.json").write_text(json.dumps(tampered))
    c, d = str(tmp_path / "c.json"), str(tmp_path / "d.json")

    ok = _manage(c, "--did-document", d, "--status-list", str(tmp_path / "clean.json"), tmp_path=tmp_path)
    assert ok.returncode == 0 and ok.stdout.startswith("VALID"), ok.stdout + ok.stderr
    gone = _manage(c, "--did-document", d, "--status-list", str(tmp_path / "revoked.json"), tmp_path=tmp_path)
    assert gone.returncode == 1 and gone.stdout.startswith("REVOKED") and "revoked by the issuer" in gone.stdout
    bad = _manage(str(tmp_path / "t.json"), "--did-document", d, tmp_path=tmp_path)
    assert bad.returncode == 1 and bad.stdout.startswith("INVALID") and "signature does not match" in bad.stdout
    no_key = _manage(c, tmp_path=tmp_path)
    assert no_key.returncode == 1 and "no public key" in no_key.stdout


def test_changing_any_single_byte_fails_verification(site_a):
    with site_a:
        index = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        did = api.did_document()
    text = json.dumps(signed, indent=1, ensure_ascii=False).encode()
    canonical = rfc8785.dumps(signed)
    assert verify_credential(json.loads(text), did_document=did).valid
    checked = unparsable = same = 0
    for position in range(len(text)):
        choices = {text[position] ^ 0x01, ord("x") if text[position] != ord("x") else ord("y")}
        if text[position] in b" \n":
            choices.add(ord("\t"))  # whitespace between tokens: canonically the same
        for replacement in choices:
            mutated = text[:position] + bytes([replacement]) + text[position + 1:]
            try:
                parsed = json.loads(mutated)
            except ValueError:
                unparsable += 1
                continue
            try:
                if rfc8785.dumps(parsed) == canonical:
                    same += 1  # e.g. whitespace between tokens: the same credential
                    continue
            except Exception:  # noqa: BLE001 - not representable in JCS: must be invalid below
                pass
            checked += 1
            result = verify_credential(parsed, did_document=did)
            assert not result.valid, f"byte {position} -> {chr(replacement)!r} still verifies"
    assert checked > len(text)  # most mutations parse and were really checked
    assert unparsable and same


def test_rotation_keeps_old_credentials_valid_and_all_keys_published(site_a):
    with site_a:
        old = api.credential_sign(_badge())
        first = IssuerKey.objects.get(retired_at__isnull=True)
        new_key = api.issuer_key_rotate()
        new = api.credential_sign(_badge(name="Bob Ray"))
        did = api.did_document()
        from tenants.api import audit_entry_list
        from tenant_apps.audit.models import AuditEntry

        assert audit_entry_list(model=AuditEntry, action="credentials.key_rotate").exists()
        first.refresh_from_db()
    assert first.retired_at is not None and new_key.retired_at is None
    assert old["proof"]["verificationMethod"] != new["proof"]["verificationMethod"]
    assert {m["publicKeyMultibase"] for m in did["verificationMethod"]} == {first.public_key_multibase,
                                                                           new_key.public_key_multibase}
    assert set(did["assertionMethod"]) == {m["id"] for m in did["verificationMethod"]}
    assert verify_credential(old, did_document=did).valid and verify_credential(new, did_document=did).valid
    # a DID document without the old key no longer vouches for it
    trimmed = dict(did, assertionMethod=[f"{did['id']}#{new_key.key_id}"])
    assert not verify_credential(old, did_document=trimmed).valid


def test_revocation_through_the_status_list(site_a):
    with site_a:
        index = api.status_index_allocate()
        other = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        did = api.did_document()
        before = api.status_list_credential(index)
        assert api.status_set(index, revoked=True) is True
        assert api.status_set(index, revoked=True) is False  # no change, no re-signing
        after = api.status_list_credential(index)
        assert api.status_is_revoked(index) and not api.status_is_revoked(other)
        assert api.credential_verify(signed).status == "revoked"
    assert before["proof"]["proofValue"] != after["proof"]["proofValue"]  # re-signed when it changed
    assert verify_credential(after, did_document=did).valid
    result = verify_credential(signed, did_document=did, status_list=after)
    assert result.revoked is True and not result.valid and result.status == "revoked"
    assert verify_credential(signed, did_document=did, status_list=before).status == "valid"
    # a list that was tampered with (bit cleared without the issuer's key) is refused
    forged = json.loads(json.dumps(after))
    forged["credentialSubject"]["encodedList"] = before["credentialSubject"]["encodedList"]
    assert not verify_credential(signed, did_document=did, status_list=forged).valid
    with site_a:
        api.status_set(index, revoked=False)
        assert api.credential_verify(signed).status == "valid"
        with pytest.raises(ValueError):
            api.status_set(STATUS_LIST_BITS * 50 + 3, revoked=True)


def test_status_indexes_are_unique_and_a_full_list_opens_the_next(site_a):
    with site_a:
        indexes = [api.status_index_allocate() for _ in range(200)]
        assert len(set(indexes)) == 200 and all(0 <= i < STATUS_LIST_BITS for i in indexes)
        first = StatusList.objects.get(number=1)
        assert first.allocated_count == 200
        StatusList.objects.filter(pk=first.pk).update(allocated_count=STATUS_LIST_BITS)
        spill = api.status_index_allocate()
        assert STATUS_LIST_BITS <= spill < 2 * STATUS_LIST_BITS
        second = StatusList.objects.get(number=2)
        assert api.status_list_credential(spill)["id"].endswith(str(second.public_id))
        entry = api.open_badge_build(**{**_badge_kwargs(), "status_index": spill})["credentialStatus"]
        assert entry["statusListIndex"] == str(spill - STATUS_LIST_BITS)


def _badge_kwargs():
    return dict(credential_id="urn:uuid:1", achievement_id="urn:uuid:2", achievement_name="A", achievement_description="B",
                criteria_narrative="C", recipient_name="D", recipient_id="urn:uuid:3",
                issued_at=datetime(2026, 1, 1, tzinfo=timezone.utc), status_index=None)


def test_concurrent_allocations_never_share_an_index(site_a, committed_db):
    from tests.concurrency import race

    with site_a:
        kept_lists = set(StatusList.objects.values_list("pk", flat=True))
        kept_keys = set(IssuerKey.objects.values_list("pk", flat=True))
    try:
        results = race(lambda i: [api.status_index_allocate() for _ in range(5)], 8, tenant=site_a.tenant)
        assert not [r for r in results if isinstance(r, BaseException)], results
        flat = [i for r in results for i in r]
        assert len(flat) == 40 and len(set(flat)) == 40
        with site_a:
            assert IssuerKey.objects.filter(retired_at__isnull=True).count() <= 1
    finally:
        with site_a:
            StatusList.objects.exclude(pk__in=kept_lists).delete()
            IssuerKey.objects.exclude(pk__in=kept_keys).delete()


def test_private_keys_are_encrypted_at_rest(site_a, settings):
    from cryptography.hazmat.primitives import serialization

    from tenant_apps.credentials.services import _private_key

    with site_a:
        api.credential_sign(_badge())
        key = IssuerKey.objects.get(retired_at__isnull=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT private_key_encrypted FROM credentials_issuerkey WHERE id = %s", [key.pk])
            stored = bytes(cursor.fetchone()[0])
        seed = _private_key(key).private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                               serialization.NoEncryption())
        assert len(seed) == 32 and seed not in stored and seed.hex().encode() not in stored
        assert len(stored) == 1 + 12 + 32 + 16  # version, nonce, ciphertext, GCM tag
        # another environment key cannot open it; a row's ciphertext does not open under another key id
        settings.CREDENTIALS_ENCRYPTION_KEY = "A" * 43
        settings.DEBUG, settings.TESTING = False, False
        with pytest.raises(ImproperlyConfigured):
            _private_key(key)
        settings.CREDENTIALS_ENCRYPTION_KEY = ""
        with pytest.raises(ImproperlyConfigured, match="CREDENTIALS_ENCRYPTION_KEY"):
            keys.current_key()
        with pytest.raises(ImproperlyConfigured):
            api.issuer_key_rotate()  # production without the environment key: no signing, no new keys
        settings.DEBUG, settings.TESTING = True, True
        swapped = IssuerKey(key_id="key-other", public_key_multibase=key.public_key_multibase,
                            private_key_encrypted=stored, encryption_key_id=key.encryption_key_id)
        with pytest.raises(Exception):
            _private_key(swapped)


def test_a_configured_environment_key_seals_and_old_keys_still_open(site_a, settings):
    import base64
    import secrets

    from tenant_apps.credentials.services import _private_key

    first, second = (base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() for _ in range(2))
    settings.CREDENTIALS_ENCRYPTION_KEY = first
    with site_a:
        signer = api.issuer_key_rotate()
        assert signer.encryption_key_id == keys.key_id(base64.urlsafe_b64decode(first))
        settings.CREDENTIALS_ENCRYPTION_KEY, settings.CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS = second, first
        assert _private_key(IssuerKey.objects.get(pk=signer.pk))  # still opens with the previous key
        settings.CREDENTIALS_ENCRYPTION_KEY = "too-short"
        with pytest.raises(ImproperlyConfigured):
            keys.current_key()


def test_signing_refuses_a_document_of_another_issuer(site_a):
    with site_a:
        document = _badge()
        document["issuer"]["id"] = "did:web:globex.localhost"
        with pytest.raises(ValueError):
            api.credential_sign(document)
        with pytest.raises(ValueError):
            api.credential_sign(api.credential_sign(_badge()))  # already signed


def test_public_urls_serve_the_issuer_and_only_this_institutions_keys(site_a, site_b):
    with site_b:
        b_signed = api.credential_sign(_badge())
        b_did = api.did_document()
        b_index = api.status_index_allocate()
        b_list = StatusList.objects.get(number=1)
    with site_a:
        api.credential_sign(_badge())
        api.issuer_key_rotate()
        a_index = api.status_index_allocate()
        a_did = api.did_document()
        a_url = api.status_list_credential(a_index)["id"]
    client = site_a.client()
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200 and did["Access-Control-Allow-Origin"] == "*" and "max-age" in did["Cache-Control"]
    assert did.json() == a_did and len(did.json()["verificationMethod"]) == 2
    body = did.content.decode() + client.get("/.well-known/jwks.json").content.decode()
    for b_key in b_did["verificationMethod"]:
        assert b_key["publicKeyMultibase"] not in body and b_key["id"] not in body
    assert "globex" not in body
    jwks = client.get("/.well-known/jwks.json").json()
    assert {k["kid"] for k in jwks["keys"]} == {m["id"] for m in a_did["verificationMethod"]}
    profile = client.get("/credentials/issuer.json").json()
    assert profile["id"] == a_did["id"] and profile["type"] == ["Profile"] and profile["name"]
    # the status list at its URL, with caching headers and revalidation
    path = a_url.split("localhost", 1)[1].split("/", 1)[1]
    listed = client.get("/" + path)
    assert listed.status_code == 200 and listed.json()["id"] == a_url and "public" in listed["Cache-Control"]
    assert client.get("/" + path, HTTP_IF_NONE_MATCH=listed["ETag"]).status_code == 304
    # B's list is not reachable on A's host; B's credential does not verify against A's document
    assert client.get(f"/credentials/status/{b_list.public_id}").status_code == 404
    assert client.post("/.well-known/did.json").status_code == 405
    assert not verify_credential(b_signed, did_document=did.json()).valid
    assert b_index >= 0


def test_verify_credential_online_resolves_did_web_through_fetch(site_a):
    from tenant_apps.credentials.verify import did_web_url

    with site_a:
        index = api.status_index_allocate()
        signed = api.credential_sign(_badge(status_index=index))
        api.status_set(index, revoked=True)
        served = {did_web_url(api.issuer_did()): api.did_document(),
                  signed["credentialStatus"]["statusListCredential"]: api.status_list_credential(index)}
    fetched = []

    def fetch(url):
        fetched.append(url)
        return served[url]

    result = verify_credential(signed, fetch=fetch)
    assert result.status == "revoked", result.reasons
    assert set(fetched) == set(served)


def test_only_one_key_is_active_at_a_time(site_a):
    from django.db import IntegrityError, transaction

    from tenant_apps.credentials.services import _key_new

    with site_a:
        api.credential_sign(_badge())
        with pytest.raises(IntegrityError), transaction.atomic():
            _key_new().save()
