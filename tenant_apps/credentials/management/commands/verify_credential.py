"""`manage.py verify_credential FILE [--did-document FILE] [--status-list FILE] [--online]`.

Checks a credential with the standalone verifier (tenant_apps/credentials/verify.py): no database,
only the files given, or (--online) the issuer's did:web document and status lists fetched. Prints
VALID / REVOKED / INVALID with the reasons; exits 1 unless valid.
"""
from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from tenant_apps.credentials.verify import fetch_json, report, verify_files


class Command(BaseCommand):
    help = "Verify an Open Badges 3.0 / W3C verifiable credential (eddsa-jcs-2022), offline or online."
    requires_system_checks: list = []  # needs no database at all

    def add_arguments(self, parser):
        parser.add_argument("file", help="the credential (JSON)")
        parser.add_argument("--did-document", help="the issuer's DID document (did.json)")
        parser.add_argument("--status-list", action="append", default=[],
                            help="a status list credential (JSON); repeatable")
        parser.add_argument("--online", action="store_true", help="fetch the DID document and status lists not given")
        parser.add_argument("--insecure-http", action="store_true",
                            help="with --online: resolve did:web over plain http (local development hosts)")

    def handle(self, *args, file, did_document, status_list, online, insecure_http, **options):
        fetch = None
        if online:
            fetch = (lambda url: fetch_json(url.replace("https://", "http://", 1))) if insecure_http else fetch_json
        result = verify_files(file, did_document=did_document, status_lists=status_list, fetch=fetch)
        self.stdout.write(report(result))
        if not result.valid:
            sys.exit(1)
