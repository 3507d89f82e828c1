"""`manage.py tenant_command credentials_key_rotate --schema=<schema>`: a new signing key for one institution.

The old key is retired but stays in /.well-known/did.json, so what it signed still verifies.
"""
from django.core.management.base import BaseCommand

from tenant_apps.credentials.services import issuer_key_rotate


class Command(BaseCommand):
    help = "Retire the institution's signing key and make a new one (run through tenant_command)."

    def handle(self, *args, **options):
        key = issuer_key_rotate()
        self.stdout.write(f"active key: {key.key_id} {key.public_key_multibase}")
