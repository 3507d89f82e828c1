"""manage.py create_operator --email x [--password y] [--role support|admin] [--superuser]: a platform operator."""
import sys
from getpass import getpass

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from shared_apps.console.access import ADMIN, ROLES
from shared_apps.console.services import operator_upsert


class Command(BaseCommand):
    help = ("Create a platform operator (staff user in the public schema) with a role, or reset an existing "
            "one's password. support: read everything, suspend and reactivate; admin: everything.")

    def add_arguments(self, parser):
        parser.add_argument("--email", required=True)
        parser.add_argument("--password", help="Asked for when omitted (avoid passwords in shell history).")
        parser.add_argument("--role", choices=ROLES, help="New operators default to support; existing ones keep theirs.")
        parser.add_argument("--superuser", action="store_true", help="Same as --role admin.")

    def handle(self, *args, email, password, role=None, superuser=False, **options):
        if superuser:
            if role not in (None, ADMIN):
                raise CommandError("--superuser means --role admin; give one of them.")
            role = ADMIN
        if not password:
            if not sys.stdin.isatty():
                raise CommandError("Give --password (no terminal to ask on).")
            password = getpass("Password: ")
            if password != getpass("Password again: "):
                raise CommandError("The two passwords differ.")
        connection.set_schema_to_public()
        try:
            user, created = operator_upsert(email=email, password=password, role=role)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        from shared_apps.console.access import operator_role

        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(
            f"{verb} {operator_role(user)} operator {user.username} (log in at /console/login/)."))
