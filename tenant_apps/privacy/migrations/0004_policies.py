import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import connection, migrations, models
from django.db.models import Q


def defaults_for_existing(apps, schema_editor):
    """Institutions that exist get the platform's defaults as version 1 (new ones get them from the
    bootstrap step; the template schema stays empty so clones do not inherit its date)."""
    schema = connection.schema_name
    if schema in ("public", getattr(settings, "TENANT_BASE_SCHEMA", "")):
        return
    from django.template.loader import render_to_string
    from django.utils import timezone

    PolicyDocument = apps.get_model("privacy", "PolicyDocument")
    name = "this institution"
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM public.tenants_tenant WHERE schema_name = %s", [schema])
        row = cursor.fetchone()
        if row:
            name = row[0]
    now = timezone.now()
    for kind, title in (("privacy", "Privacy policy"), ("terms", "Terms of use")):
        if not PolicyDocument.objects.filter(kind=kind).exists():
            PolicyDocument.objects.create(
                kind=kind, version=1, title=title, body=render_to_string(f"privacy/defaults/{kind}.md", {"institution": name}),
                summary="First version.", reconsent=False, platform_default=True, effective_at=now, published_at=now,
                announced_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("privacy", "0003_retention"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="PolicyDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ("kind", models.CharField(choices=[("privacy", "Privacy policy"), ("terms", "Terms of use")], max_length=16)),
                ("version", models.PositiveIntegerField(blank=True, null=True)),
                ("title", models.CharField(max_length=200)),
                ("body", models.TextField(help_text="Markdown")),
                ("summary", models.TextField(blank=True, help_text="What changed since the previous version")),
                ("reconsent", models.BooleanField(default=True)),
                ("platform_default", models.BooleanField(default=False)),
                ("effective_at", models.DateTimeField(blank=True, null=True)),
                ("published_at", models.DateTimeField(blank=True, null=True)),
                ("announced_at", models.DateTimeField(blank=True, null=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("updated_at", models.DateTimeField(auto_now=True)),
                ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                 related_name="+", to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["kind", "-version"],
                "indexes": [models.Index(fields=["kind", "effective_at"], name="privacy_policy_effective")],
                "constraints": [
                    models.UniqueConstraint(condition=Q(version__isnull=False), fields=("kind", "version"),
                                            name="privacy_policy_version_unique"),
                    models.CheckConstraint(condition=Q(published_at__isnull=True) | Q(version__isnull=False,
                                                                                       effective_at__isnull=False),
                                           name="privacy_policy_published_numbered"),
                ],
            },
        ),
        migrations.CreateModel(
            name="ConsentRecord",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("accepted_at", models.DateTimeField()),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=512)),
                ("source", models.CharField(choices=[("signup", "Sign-up"), ("invitation", "Invitation"),
                                                     ("prompt", "Asked after a new version"), ("api", "API")],
                                            max_length=16)),
                ("document", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="consents",
                                               to="privacy.policydocument")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="policy_consents",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-accepted_at", "-id"],
                "constraints": [models.UniqueConstraint(fields=("user", "document"), name="privacy_consent_once")],
            },
        ),
        migrations.CreateModel(
            name="ConsentChoice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("purpose", models.CharField(choices=[("marketing_email", "News and offers by email"),
                                                      ("analytics", "Usage analytics")], max_length=32)),
                ("granted", models.BooleanField()),
                ("changed_at", models.DateTimeField()),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=512)),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="consent_choices",
                                           to=settings.AUTH_USER_MODEL)),
            ],
            options={
                "ordering": ["-changed_at", "-id"],
                "indexes": [models.Index(fields=["user", "purpose", "-changed_at"], name="privacy_choice_latest")],
            },
        ),
        migrations.RunPython(defaults_for_existing, migrations.RunPython.noop),
    ]
