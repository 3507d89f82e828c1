"""Writes for institutions: provisioning, suspension, domains, deletion."""
from __future__ import annotations

import logging
import re
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from .audit import audit_log
from .bootstrap import TenantBootstrap, bootstrap_run

from .models import Domain, Tenant
from .provisioning import TEMPLATE_SCHEMA, migrate_schema, schema_provision
from .storage import tenant_files_purge
from .validators import validate_domain_name, validate_subdomain, validate_time_zone

logger = logging.getLogger(__name__)


def schema_name_for(slug: str) -> str:
    """A schema name never used before: t_<slug>_<8 hex>, a valid unquoted identifier (≤ 51 chars).

    Never reused, so a subdomain deleted and signed up again starts with no trace of the old
    institution: not its cache keys (prefixed by schema), not its files (tenants/<schema>/).
    Subdomains use hyphens, which schema names would need quoting for; no subdomain has '_'.
    """
    from django_tenants.utils import schema_exists

    base = "t_" + slug.replace("-", "_")[:40]
    while True:
        name = f"{base}_{secrets.token_hex(4)}"
        if not Tenant.objects.filter(schema_name=name).exists() and not schema_exists(name):
            return name


def tenant_cache_delete(schema: str, key_pattern: str = "*") -> int:
    """Delete the cache keys of tenant `schema` whose key (after "<schema>:<KEY_PREFIX>:") matches the
    glob `key_pattern` ("*" = all of them; "*:<key>" = one key of any version); -> how many were deleted.

    The one place that scans the key space: django_tenants.cache.make_key puts the schema first
    ("<schema>:<KEY_PREFIX>:<version>:<key>"), so a scan can never reach another tenant's keys.
    A backend without a key scan (only Redis is configured, settings.CACHES) deletes exact keys only.
    """
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    if not schema or not schema.replace("_", "").isalnum():
        return 0
    deleted = 0
    for alias, options in settings.CACHES.items():
        backend = caches[alias]
        if not isinstance(backend, RedisCache):  # Django's, or config.cache's subclass
            if not re.search(r"[*?\[]", key_pattern) and connection.schema_name == schema:
                deleted += int(bool(backend.delete(key_pattern)))
            continue
        client = backend._cache.get_client(write=True)
        batch = []
        for key in client.scan_iter(match=f"{schema}:{options.get('KEY_PREFIX', '')}:{key_pattern}", count=1000):
            batch.append(key)
            if len(batch) >= 1000:
                deleted += client.delete(*batch)
                batch = []
        if batch:
            deleted += client.delete(*batch)
    return deleted


def tenant_cache_purge(schema: str) -> int:
    """Delete every cache key of a tenant schema; returns how many were deleted."""
    return tenant_cache_delete(schema, "*")


def tenant_domain_for(slug: str) -> str:
    return f"{slug}.{settings.PLATFORM_DOMAIN}"


def public_tenant_ensure() -> Tenant:
    """The public schema's own tenant row and the platform domain that routes to it."""
    public, _ = Tenant.objects.get_or_create(
        schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "EduCrowd platform", "slug": "public"}
    )
    Domain.objects.get_or_create(domain=settings.PLATFORM_DOMAIN, defaults={"tenant": public, "is_primary": True})
    return public


def template_ensure() -> Tenant:
    """Create (or bring up to date) the template schema that new tenants are cloned from."""
    template = Tenant.objects.filter(schema_name=TEMPLATE_SCHEMA).first()
    if template is None:
        template = Tenant.objects.create(
            schema_name=TEMPLATE_SCHEMA, name="Tenant template", slug="tenant-template", is_template=True
        )
    migrate_schema(TEMPLATE_SCHEMA)
    return template


def tenant_create(
    *,
    name: str,
    slug: str,
    admin_email: str,
    admin_password: str | None,
    admin_first_name: str = "",
    admin_last_name: str = "",
    plan=None,
    demo: bool = False,
    options: dict | None = None,
    pending: bool = False,
    currency: str = "USD",
    country: str = "US",
    time_zone: str = "UTC",
) -> Tenant:
    """Provision an institution: schema (cloned), primary domain, then the bootstrap steps apps
    register (site settings and first admin, subscription, demo content: tenants/bootstrap.py).

    One transaction: if any step fails, the tenant row, its schema and its domain all vanish.
    pending=True (public sign-up): the site is refused until the admin confirms their email
    (tenant_activate); unconfirmed ones are dropped by tenant_pending_expire_all.
    """
    slug = (slug or "").strip().lower()
    name = (name or "").strip()
    try:
        validate_subdomain(slug)
    except ValidationError as exc:
        raise ValidationError({"slug": exc.messages}) from exc
    if not name:
        raise ValidationError({"name": "Enter the institution's name."})
    currency, country = (currency or "USD").strip().upper(), (country or "US").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise ValidationError({"currency": "Use a three-letter ISO 4217 currency code such as USD."})
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise ValidationError({"country": "Use a two-letter ISO 3166 country code such as US."})
    time_zone = (time_zone or "UTC").strip()
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        raise ValidationError({"time_zone": exc.messages}) from exc
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if Tenant.objects.filter(slug=slug).exists() or Domain.objects.filter(domain=tenant_domain_for(slug)).exists():
                raise ValidationError({"slug": f"“{slug}” is already taken; please choose another subdomain."})
            tenant = Tenant.objects.create(
                schema_name=schema_name_for(slug), name=name, slug=slug,
                status=Tenant.Status.PENDING if pending else Tenant.Status.ACTIVE, currency=currency, country=country,
                time_zone=time_zone,
            )
            method = schema_provision(tenant.schema_name)
            Domain.objects.create(domain=tenant_domain_for(slug), tenant=tenant, is_primary=True)
            audit_log(action="tenant.create", target=tenant, after={"name": name, "slug": slug, "admin_email": admin_email, "status": tenant.status})
            bootstrap_run(TenantBootstrap(
                tenant=tenant, admin_email=admin_email, admin_password=admin_password,
                admin_first_name=admin_first_name, admin_last_name=admin_last_name,
                plan_code=getattr(plan, "code", plan), demo=demo, options=options or {},
            ))
    except IntegrityError as exc:  # a concurrent sign-up took the same subdomain
        raise ValidationError({"slug": f"“{slug}” is already taken; please choose another subdomain."}) from exc
    finally:
        connection.set_schema_to_public()
    logger.info("tenant %s provisioned by %s in %.3fs", tenant.schema_name, method, time.perf_counter() - started)
    return tenant


@transaction.atomic
def tenant_time_zone_set(*, tenant: Tenant, time_zone: str, actor=None) -> Tenant:
    """The zone the institution's pages show times in (an IANA name); times stay stored in UTC."""
    time_zone = (time_zone or "").strip()
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        raise ValidationError({"time_zone": exc.messages}) from exc
    row = Tenant.objects.select_for_update().get(pk=tenant.pk)
    before = row.time_zone
    if before != time_zone:
        row.time_zone = time_zone
        row.save(update_fields=["time_zone"])  # post_save clears this process's routing cache
        audit_log(action="tenant.time_zone", target=row, actor=actor, before={"time_zone": before},
                  after={"time_zone": time_zone})
    tenant.time_zone = time_zone
    return row


@transaction.atomic
def tenant_suspend(*, tenant: Tenant, reason: str = "") -> Tenant:
    if tenant.is_template:
        raise ValidationError("The template schema cannot be suspended.")
    tenant.status = Tenant.Status.SUSPENDED
    tenant.suspended_at = timezone.now()
    tenant.suspension_reason = reason.strip()[:500]
    tenant.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit_log(action="tenant.suspend", target=tenant, after={"status": tenant.status, "reason": tenant.suspension_reason})
    return tenant


@transaction.atomic
def tenant_reactivate(*, tenant: Tenant) -> Tenant:
    tenant.status = Tenant.Status.ACTIVE
    tenant.suspended_at = None
    tenant.suspension_reason = ""
    tenant.save(update_fields=["status", "suspended_at", "suspension_reason"])
    audit_log(action="tenant.reactivate", target=tenant, after={"status": tenant.status})
    return tenant


@transaction.atomic
def domain_add(*, tenant: Tenant, domain: str) -> Domain:
    domain = (domain or "").strip().lower().rstrip(".")
    try:
        validate_domain_name(domain)
    except ValidationError as exc:
        raise ValidationError({"domain": exc.messages}) from exc
    if domain == settings.PLATFORM_DOMAIN or domain.endswith("." + settings.PLATFORM_DOMAIN):
        if domain != tenant_domain_for(tenant.slug):
            raise ValidationError({"domain": "Subdomains of the platform domain are assigned by sign-up, not added by hand."})
    if Domain.objects.filter(domain=domain).exists():
        raise ValidationError({"domain": f"{domain} is already in use."})
    audit_log(action="domain.add", target=tenant, after={"domain": domain})
    return Domain.objects.create(domain=domain, tenant=tenant, is_primary=False)


@transaction.atomic
def domain_remove(*, domain: Domain) -> None:
    if domain.is_primary:
        raise ValidationError({"domain": "The primary domain cannot be removed."})
    audit_log(action="domain.remove", target=domain.tenant, before={"domain": domain.domain})
    domain.delete()


@transaction.atomic
def tenant_activate(*, tenant: Tenant) -> Tenant:
    """A pending institution's admin confirmed their email: the site opens."""
    tenant = Tenant.objects.select_for_update().get(pk=tenant.pk)
    if tenant.status != Tenant.Status.PENDING:
        raise ValidationError("This institution is not waiting for confirmation.")
    tenant.status = Tenant.Status.ACTIVE
    tenant.save(update_fields=["status"])
    audit_log(action="tenant.activate", target=tenant, after={"status": tenant.status})
    return tenant


def tenant_pending_expires_at(tenant: Tenant):
    return tenant.created_at + timedelta(hours=settings.SIGNUP_PENDING_HOURS)


def tenant_pending_expire_all() -> int:
    """Drop pending institutions older than SIGNUP_PENDING_HOURS (never an active one)."""
    cutoff = timezone.now() - timedelta(hours=settings.SIGNUP_PENDING_HOURS)
    dropped = 0
    for pk in Tenant.objects.filter(status=Tenant.Status.PENDING, is_template=False, created_at__lt=cutoff).values_list("pk", flat=True):
        with transaction.atomic():
            tenant = Tenant.objects.select_for_update().filter(pk=pk, status=Tenant.Status.PENDING).first()
            if tenant is None:  # activated meanwhile
                continue
            _tenant_drop(tenant, action="tenant.pending_expire")
        dropped += 1
    return dropped


def tenant_delete(*, tenant: Tenant, confirmation: str) -> None:
    """Drop the institution: its schema, domains, and stored files. Irreversible."""
    if tenant.is_template:
        raise ValidationError("The template schema cannot be deleted.")
    if (confirmation or "").strip() != tenant.slug:
        raise ValidationError({"confirmation": f"Type the subdomain “{tenant.slug}” to confirm deletion."})
    _tenant_drop(tenant, action="tenant.delete")


def _tenant_drop(tenant: Tenant, *, action: str) -> None:
    if tenant.is_template or tenant.schema_name == settings.PUBLIC_SCHEMA_NAME:
        raise ValidationError("This schema cannot be deleted.")
    schema = tenant.schema_name
    with transaction.atomic():
        connection.set_schema_to_public()
        audit_log(action=action, target=tenant, before={"name": tenant.name, "slug": tenant.slug})
        tenant.delete(force_drop=True)
        transaction.on_commit(lambda: tenant_files_purge(schema))
        transaction.on_commit(lambda: tenant_cache_purge(schema))


def tenant_users_counts(schemas: list[str]) -> dict[str, int]:
    """Active member count per tenant schema, in one query."""
    schemas = [s for s in schemas if s.replace("_", "").isalnum()]
    if not schemas:
        return {}
    sql = " UNION ALL ".join(
        f"SELECT %s, count(*) FROM \"{s}\".auth_user WHERE is_active" for s in schemas
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, schemas)
        return {schema: count for schema, count in cursor.fetchall()}

