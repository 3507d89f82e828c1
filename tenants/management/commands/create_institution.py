"""Create an institution from the command line (schema cloned from the template)."""
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from tenants.services import tenant_create


class Command(BaseCommand):
    help = "Create an institution: manage.py create_institution --name 'Acme' --subdomain acme --admin-email a@b.c --admin-password ..."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--subdomain", required=True)
        parser.add_argument("--admin-email", required=True)
        parser.add_argument("--admin-password", required=True)
        parser.add_argument("--admin-first-name", default="")
        parser.add_argument("--admin-last-name", default="")
        parser.add_argument("--plan", help="plan code (default: the first active plan)")
        parser.add_argument("--currency", default="USD", help="ISO 4217 code every price of the site is in")
        parser.add_argument("--country", default="US", help="ISO 3166 country of its payout account")

    def handle(self, *args, **o):
        try:
            tenant = tenant_create(
                name=o["name"], slug=o["subdomain"], plan=o["plan"], options={"plan_default": not o["plan"]}, admin_email=o["admin_email"], currency=o["currency"], country=o["country"],
                admin_password=o["admin_password"], admin_first_name=o["admin_first_name"],
                admin_last_name=o["admin_last_name"],
            )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from exc
        self.stdout.write(self.style.SUCCESS(f"Created {tenant.name} at {tenant.primary_domain} (schema {tenant.schema_name})."))
