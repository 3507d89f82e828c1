"""Front door of `tenants`: the only module of this app that other apps import.

See docs/decisions/0009-app-front-doors-and-bootstrap-steps.md.
"""
from . import lockout
from .audit import (
    AuditEntryBase,
    AuditFilterForm,
    audit_actions,
    audit_anonymise,
    audit_entry_list,
    audit_log,
    audit_purge,
    client_ip,
    query_without_page,
)
from .activation import activation_pending_admins, activation_token_claim, activation_token_make, activation_token_read
from .filekinds import upload_kind
from .handoff import handoff_token_make, handoff_token_redeem
from .limits import FEATURE_REQUIRED, LIMIT_REACHED, PlanLimitExceeded
from .login import EmailLoginForm
from .csvio import csv_safe_cell, csv_streaming_response
from .mail import mail_recipients_allowed, mail_render, mail_send, mail_send_many, mail_send_rendered
from .markdown import render_markdown
from .middleware import tenant_for_hostname
from .notify import notify, notify_event_register
from .models import Domain, Tenant
from .rest_api.authentication import refresh_rotate, tokens_for
from .rest_api.base import InTenantSchema, TenantApi, TenantGenericApi
from .rest_api.errors import error_response
from .rest_api.parsers import SafeJSONParser
from .rest_api.throttling import ScopedThrottle
from .selectors import (
    tenant_admin_check,
    tenant_branding,
    tenant_usage_cached,
    tenant_usage_count,
    tenant_usage_counter_register,
    tenant_usage_current,
)
from .services import (
    domain_add,
    domain_remove,
    tenant_activate,
    tenant_cache_delete,
    tenant_create,
    tenant_delete,
    tenant_domain_for,
    tenant_pending_expires_at,
    tenant_reactivate,
    tenant_suspend,
    tenant_time_zone_set,
    tenant_users_counts,
)
from .storage import tenant_storage_check_register, tenant_storage_used
from .tasks import send_to_every_tenant
from .urlhelpers import site_url_for_host, site_url_for_tenant
from .validators import NUL_IN_TEXT, model_checked, time_zone_names, validate_subdomain, validate_time_zone

__all__ = [
    "AuditEntryBase",
    "AuditFilterForm",
    "Domain",
    "EmailLoginForm",
    "FEATURE_REQUIRED",
    "LIMIT_REACHED",
    "PlanLimitExceeded",
    "InTenantSchema",
    "NUL_IN_TEXT",
    "SafeJSONParser",
    "ScopedThrottle",
    "Tenant",
    "TenantApi",
    "TenantGenericApi",
    "activation_pending_admins",
    "activation_token_claim",
    "activation_token_make",
    "activation_token_read",
    "audit_actions",
    "audit_anonymise",
    "audit_entry_list",
    "audit_log",
    "audit_purge",
    "client_ip",
    "csv_safe_cell",
    "csv_streaming_response",
    "domain_add",
    "domain_remove",
    "error_response",
    "handoff_token_make",
    "handoff_token_redeem",
    "lockout",
    "mail_render",
    "mail_recipients_allowed",
    "mail_send",
    "mail_send_many",
    "mail_send_rendered",
    "model_checked",
    "notify",
    "notify_event_register",
    "query_without_page",
    "refresh_rotate",
    "render_markdown",
    "send_to_every_tenant",
    "site_url_for_host",
    "site_url_for_tenant",
    "tenant_activate",
    "tenant_cache_delete",
    "tenant_create",
    "tenant_delete",
    "tenant_domain_for",
    "tenant_for_hostname",
    "tenant_pending_expires_at",
    "tenant_reactivate",
    "tenant_suspend",
    "tenant_time_zone_set",
    "time_zone_names",
    "tenant_admin_check",
    "tenant_branding",
    "tenant_storage_check_register",
    "upload_kind",
    "tenant_storage_used",
    "tenant_usage_cached",
    "tenant_usage_count",
    "tenant_usage_current",
    "tenant_usage_counter_register",
    "tenant_users_counts",
    "tokens_for",
    "validate_subdomain",
    "validate_time_zone",
]
