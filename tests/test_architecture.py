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
