"""manage.py create_operator --email x --password y [--superuser]: a platform operator in the public schema."""
import sys
from getpass import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shared_apps.console.services import operator_upsert


class Command(BaseCommand):
    help = "Create a platform operator (staff user in the public schema), or reset an existing one's password."

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Asked for when omitted (avoid passwords in shell history).")
        parser.add_argument("--superuser", action="store_true", help="Also allow managing plans.")

    def handle(self, *args, email, password, superuser, **options):
        if not password:
            if not sys.stdin.isatty():
                raise CommandError("Give --password (no terminal to ask on).")
            password = getpass("Password: ")
            if password != getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        connection.set_schema_to_public()
        try:
            user, created = operator_upsert(email=email, password=password, superuser=superuser)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        kind = "superuser operator" if user.is_superuser else "operator"
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {kind} {user.username} (log in at /console/login/)."))
