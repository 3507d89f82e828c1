"""Structural rules of the tenancy model."""
from django.apps import apps
from django.conf import settings

BOTH = {"django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions"}


def _app_names_with_models(app_list):
    names = set(app_list)
    return {cfg.name for cfg in apps.get_app_configs() if cfg.name in names and list(cfg.get_models())}


def test_auth_contenttypes_sessions_are_in_both_schemas():
    assert BOTH <= set(settings.SHARED_APPS)
    assert BOTH <= set(settings.TENANT_APPS)


def test_every_other_app_with_models_is_in_exactly_one_list():
    shared = _app_names_with_models(settings.SHARED_APPS) - BOTH
    tenant = _app_names_with_models(settings.TENANT_APPS) - BOTH
    assert shared and tenant
    assert shared.isdisjoint(tenant), shared & tenant
    every = {cfg.name for cfg in apps.get_app_configs() if list(cfg.get_models())}
    assert every - BOTH == shared | tenant, "an app with models is in neither list"


def test_no_tenant_model_has_a_foreign_key_into_the_public_schema():
    tenant_only = {cfg.label for cfg in apps.get_app_configs() if cfg.name in set(settings.TENANT_APPS)}
    shared_only = {cfg.label for cfg in apps.get_app_configs() if cfg.name in set(settings.SHARED_APPS)} - {
        "auth", "contenttypes", "sessions"
    }
    offenders = []
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label not in tenant_only:
            continue
        for field in model._meta.get_fields():
            related = getattr(field, "related_model", None)
            if field.is_relation and related is not None and field.concrete and related._meta.app_label in shared_only:
                offenders.append(f"{model._meta.label}.{field.name} -> {related._meta.label}")
    assert offenders == []


def test_cache_keys_carry_the_tenant_schema():
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "django_tenants.cache.make_key"


def test_passwords_are_hashed_with_argon2():
    assert settings.PASSWORD_HASHERS[0] == "tenant_apps.accounts.hashers.Argon2idHasher"
    from django.contrib.auth.hashers import make_password

    assert make_password("x" * 12).startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")


def test_import_contracts_hold():
    """Layers, independence and front doors (.importlinter): a broken contract lists each import."""
    from pathlib import Path

    from importlinter.cli import lint_imports

    config = Path(__file__).resolve().parent.parent / ".importlinter"
    assert lint_imports(config_filename=str(config), no_cache=True, no_logo=True) == 0


# --- one notification service: no app sends its own mail (issue 11) -------------------------------

# What sends mail directly: the tenancy core's mailer (tenants.api / tenants.mail) and Django's own.
MAIL_SENDERS = frozenset({
    "mail_send", "mail_send_many", "mail_send_rendered", "mail_deliver", "mail_deliver_many",
    "send_mail", "send_mass_mail", "mail_admins", "mail_managers", "EmailMessage", "EmailMultiAlternatives",
})
MAIL_MODULES = ("django.core.mail", "tenants.mail")
# Where sending is the job: the notification service itself and the tenancy core's mail plumbing.
# (tenants/tasks.py imports the delivery task so the worker registers it.)
MAIL_PLUMBING = ("tenant_apps/notifications/", "tenants/mail.py", "tenants/api.py", "tenants/tasks.py")
# Mail sent in the public schema, where tenant_apps.notifications has no tables and nobody has an account
# in an institution yet: a platform mail through tenants.api, each with its reason.
PLATFORM_MAILS = {
    "shared_apps/signup/views.py": "signup_verify: a new institution's first administrator, before it is active",
}
SOURCE_PACKAGES = ("config", "tenants", "billing", "shared_apps", "tenant_apps", "lms", "crowdfunding", "integrations")


def _direct_mail_calls(path, root) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(root)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith(MAIL_MODULES) or (node.module == "django.core" and any(a.name == "mail" for a in node.names)):
                found.append(f"{where} imports from {node.module}")
            elif any(a.name in MAIL_SENDERS for a in node.names):
                found.append(f"{where} imports {', '.join(a.name for a in node.names if a.name in MAIL_SENDERS)}")
        elif isinstance(node, ast.Import) and any(a.name.startswith(MAIL_MODULES) for a in node.names):
            found.append(f"{where} imports {', '.join(a.name for a in node.names)}")
        elif isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in MAIL_SENDERS:
                found.append(f"{where} calls {name}()")
    return found


def test_no_app_sends_its_own_mail():
    """Every email goes through tenant_apps.notifications.api.notify()/notify_each() (billing: tenants.api.notify)
    with a registered event: a direct mailer call or import anywhere else in the source fails here."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders, platform_seen = [], set()
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            rel = path.relative_to(root).as_posix()
            parts = set(path.relative_to(root).parts)
            if {"tests", "migrations"} & parts or rel.startswith(MAIL_PLUMBING) or path.name in ("conftest.py", "testing.py"):
                continue
            hits = _direct_mail_calls(path, root)
            if rel in PLATFORM_MAILS:
                if hits:
                    platform_seen.add(rel)
                continue
            offenders += hits
    assert offenders == [], "send through tenant_apps.notifications.api.notify() with a registered event instead:\n" + "\n".join(offenders)
    assert platform_seen == set(PLATFORM_MAILS), f"no longer sends mail, drop it from PLATFORM_MAILS: {set(PLATFORM_MAILS) - platform_seen}"


def test_every_registered_event_has_its_four_templates():
    from django.template.loader import get_template

    from tenant_apps.notifications.api import event_types

    missing = []
    for event in event_types():
        for suffix in ("inapp.txt", "subject.txt", "txt", "html"):
            try:
                get_template(f"notifications/{event.key}.{suffix}")
            except Exception:  # noqa: BLE001 - TemplateDoesNotExist or a syntax error: both are a missing template
                missing.append(f"notifications/{event.key}.{suffix}")
    assert missing == []
