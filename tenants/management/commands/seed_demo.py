"""Demo data for local runs: plans, an operator and two institutions with one user per role.

Idempotent: a second run changes nothing that exists.
"""
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import connection
from django_tenants.utils import tenant_context

from billing.models import Plan
from lms.demo import demo_catalog_seed
from tenants.models import Tenant
from tenants.services import tenant_create

DEMO_PASSWORD = "demo-password-123"
OPERATOR_EMAIL = "operator@educrowd.local"
PLANS = [
    dict(code="free", name="Free", price_amount=0, max_learners=50, max_courses=3, storage_mb=500, sort_order=0,
         description="Try EduCrowd with a small group.", features={}),
    dict(code="growth", name="Growth", price_amount=4900, max_learners=1000, max_courses=50, storage_mb=10240,
         sort_order=1, description="For growing schools.", features={"crowdfunding": True, "certificates": True, "api_access": True}),
    dict(code="scale", name="Scale", price_amount=19900, max_learners=None, max_courses=None, storage_mb=102400,
         sort_order=2, description="Unlimited learners and courses, custom domains.",
         features={"crowdfunding": True, "certificates": True, "api_access": True, "custom_domain": True, "sso": True}),
]
INSTITUTIONS = [("acme", "Acme Academy", "growth"), ("globex", "Globex Institute", "free")]
ROLES = [("admin", "tenant_admin", "Ada", "Admin"), ("instructor", "instructor", "Ian", "Instructor"),
         ("learner", "learner", "Lea", "Learner")]


class Command(BaseCommand):
    help = "Create demo plans, a platform operator and two demo institutions (idempotent)."

    def handle(self, *args, **options):
        from tenant_apps.accounts.services import user_create

        for plan in PLANS:
            Plan.objects.get_or_create(code=plan["code"], defaults=plan)
        operator, created = User.objects.get_or_create(
            username=OPERATOR_EMAIL, defaults={"email": OPERATOR_EMAIL, "is_staff": True, "is_superuser": True}
        )
        if created:
            operator.set_password(DEMO_PASSWORD)
            operator.save()
        for slug, name, plan_code in INSTITUTIONS:
            tenant = Tenant.objects.filter(slug=slug).first()
            if tenant is None:
                tenant = tenant_create(
                    name=name, slug=slug, plan=Plan.objects.get(code=plan_code),
                    admin_email=f"admin@{slug}.test", admin_password=DEMO_PASSWORD,
                    admin_first_name="Ada", admin_last_name="Admin",
                )
            with tenant_context(tenant):
                for local, role, first, last in ROLES[1:]:
                    email = f"{local}@{slug}.test"
                    if not User.objects.filter(username=email).exists():
                        user_create(email=email, password=DEMO_PASSWORD, role=role, first_name=first,
                                    last_name=last, email_verified=True)
                demo_catalog_seed(instructor=User.objects.get(username=f"instructor@{slug}.test"),
                                  learner=User.objects.get(username=f"learner@{slug}.test"))
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
