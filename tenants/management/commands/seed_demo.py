"""Demo data for local runs: plans, an operator and two institutions with one user per role.

Idempotent: a second run changes nothing that exists.
"""
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.module_loading import import_string

from tenants.bootstrap import TenantBootstrap, bootstrap_run
from tenants.models import Tenant
from tenants.services import tenant_create

DEMO_PASSWORD = "demo-password-123"
OPERATOR_EMAIL = "operator@educrowd.local"
INSTITUTIONS = [("acme", "Acme Academy", "growth"), ("globex", "Globex Institute", "free")]
ROLES = [("admin", "tenant_admin", "Ada", "Admin"), ("instructor", "instructor", "Ian", "Instructor"),
         ("learner", "learner", "Lea", "Learner")]


class Command(BaseCommand):
    help = "Create demo plans, a platform operator and two demo institutions (idempotent)."

    def handle(self, *args, **options):
        for step in settings.PLATFORM_DEMO_STEPS:
            import_string(step)()
        operator, created = User.objects.get_or_create(
            username=OPERATOR_EMAIL, defaults={"email": OPERATOR_EMAIL, "is_staff": True, "is_superuser": True}
        )
        if created:
            operator.set_password(DEMO_PASSWORD)
            operator.save()
        for slug, name, plan_code in INSTITUTIONS:
            # The demo members and catalog come from the apps' bootstrap steps (tenants/bootstrap.py).
            members = [
                {"email": f"{local}@{slug}.test", "role": role, "first_name": first, "last_name": last}
                for local, role, first, last in ROLES[1:]
            ]
            options = {"demo_members": members, "demo_instructor": f"instructor@{slug}.test",
                       "demo_learner": f"learner@{slug}.test"}
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant_create(
                    name=name, slug=slug, plan=plan_code, admin_email=f"admin@{slug}.test",
                    admin_password=DEMO_PASSWORD, admin_first_name="Ada", admin_last_name="Admin", demo=True,
                    options=options,
                )
                continue
            with transaction.atomic():  # an existing institution gets what is missing of its demo content
                bootstrap_run(TenantBootstrap(
                    tenant=tenant, admin_email=f"admin@{slug}.test", admin_password=DEMO_PASSWORD,
                    demo=True, existing=True, options=options,
                ))
        connection.set_schema_to_public()
        self.stdout.write(self.style.SUCCESS("Demo data ready."))


def demo_summary(port: int) -> str:
    host = settings.PLATFORM_DOMAIN
    lines = [
        f"  Public site       http://{host}:{port}/",
        f"  Operator console  http://{host}:{port}/console/   {OPERATOR_EMAIL} / {DEMO_PASSWORD}",
    ]
    for slug, name, _ in INSTITUTIONS:
        lines.append(f"  {name:<17} http://{slug}.{host}:{port}/")
        for local, role, _, _ in ROLES:
            lines.append(f"      {role:<20} {local}@{slug}.test / {DEMO_PASSWORD}")
    return "\n".join(lines)
