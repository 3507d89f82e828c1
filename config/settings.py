"""EduCrowd settings: one module, driven by environment variables with safe local defaults."""
from __future__ import annotations

import os

from celery.schedules import crontab
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


# Off unless asked for: a bare `manage.py runserver`, gunicorn or celery is production-safe.
# The run command (config/devstack.py) and the test settings turn it on explicitly.
DEBUG = env_bool("DEBUG", False)
TESTING = env_bool("EDUCROWD_TESTING", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production-0123456789"

# The platform's own domain: the public site answers on it, tenants on <slug>.<domain>.
PLATFORM_DOMAIN = os.environ.get("PLATFORM_DOMAIN", "localhost")
SITE_SCHEME = os.environ.get("SITE_SCHEME", "http")  # links in emails sent by tasks (no request)
SITE_PORT = os.environ.get("SITE_PORT", os.environ.get("PORT", "8000"))  # left out when default for the scheme
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h] or ["*"]
DATA_DIR = Path(os.environ.get("EDUCROWD_DATA_DIR", BASE_DIR / (".data/test" if TESTING else ".data")))

# --- apps: public schema (shared) and every tenant schema -------------------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "billing",
    "shared_apps.console",
    "shared_apps.signup",
    "shared_apps.audit",
    # present in both schemas (django-tenants: auth and sessions at the same level)
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    # no models: listed once
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
]
TENANT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "guardian",
    # Refresh tokens belong to the tenant's users, so their blacklist lives in each schema.
    "rest_framework_simplejwt.token_blacklist",
    "tenant_apps.accounts",
    "tenant_apps.audit",
    "tenant_apps.privacy",
    "tenant_apps.credentials",
    "tenant_apps.calendar",
    "tenant_apps.notifications",
    "tenant_apps.messaging",
    "tenant_apps.realtime",  # no models: the live socket of the bell (WebSockets, docs/decisions/0020)
    "lms.courses",
    "lms.quizzes",
    "lms.assignments",
    "lms.tracks",
    "lms.certificates",
    "lms.announcements",
    "lms.live_sessions",
    "lms.cohorts",
    "lms.discussions",
    "billing.commerce",
    "crowdfunding",
    # no models: wiring between lms and crowdfunding (scholarship seats), one floor above both
    "integrations",
]
INSTALLED_APPS = list(SHARED_APPS) + [a for a in TENANT_APPS if a not in SHARED_APPS]

# What a new institution gets inside its schema: steps other apps register, run in order
# inside the provisioning transaction (tenants/bootstrap.py, docs/decisions/0009).
TENANT_BOOTSTRAP_STEPS = [
    "tenant_apps.accounts.bootstrap.site_and_first_admin",
    "billing.bootstrap.subscription_start",
    "billing.demo.demo_connected_account",
    "lms.demo.demo_catalog_bootstrap",
    "crowdfunding.demo.demo_campaigns_bootstrap",
    "tenant_apps.privacy.api.bootstrap_policies",  # the platform's privacy policy and terms as version 1
]
# Who administers an institution (tenants.api.tenant_admin_check asks this, for apps beside accounts).
TENANT_ADMIN_CHECK = "tenant_apps.accounts.api.is_tenant_admin"
# The active institution's name, colour and logo for documents apps beside accounts render (receipts).
TENANT_BRANDING = "tenant_apps.accounts.api.site_branding"
# A signed-in user's own time zone for pages ("" = the institution's; tenants.middleware.TenantTimeZoneMiddleware).
USER_TIME_ZONE = "tenant_apps.accounts.api.user_time_zone"
# Marketing email goes only to people who opted in (tenants.mail.mail_send(category="marketing") asks this).
MAIL_CONSENT_FILTER = "tenant_apps.privacy.api.marketing_recipients"
# The notification service, for apps that may not import tenant_apps (billing): tenants.api.notify forwards here.
NOTIFY_SERVICE = "tenant_apps.notifications.api.notify"
NOTIFY_EVENT_REGISTER = "tenant_apps.notifications.api.event_register"
# Live push of a new notification to the person's open pages (tenant_apps/realtime); no-op when absent.
NOTIFICATIONS_REALTIME_PUBLISH = os.environ.get("NOTIFICATIONS_REALTIME_PUBLISH", "tenant_apps.realtime.api.user_publish")
# Platform-wide demo data for `seed_demo` (the run command), before the demo institutions.
PLATFORM_DEMO_STEPS = ["billing.demo.demo_plans_ensure"]

TENANT_MODEL = "tenants.Tenant"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New tenants are cloned from this schema; it is a real (domain-less) tenant row that
# migrate_schemas keeps current. See tenants/provisioning.py and docs/decisions/0002.
TENANT_BASE_SCHEMA = "tenant_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_NAME = "public"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
ROOT_URLCONF = "config.urls_tenant"
SHOW_PUBLIC_IF_NO_TENANT_FOUND = False

MIDDLEWARE = [
    "tenants.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tenants.security.SecurityHeadersMiddleware",
    "tenants.security.RejectNulQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "tenants.middleware.TenantMiddleware",
    "tenants.middleware.TenantTimeZoneMiddleware",  # pages in the institution's time zone (UTC stored)
    "billing.middleware.PlanApiAccessMiddleware",  # 403 on /api/ for plans without API access
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tenants.audit.AuditContextMiddleware",
    "tenant_apps.privacy.middleware.ConsentRequiredMiddleware",  # a new policy version: accept before continuing
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenant_apps.accounts.context_processors.site",
                "crowdfunding.context_processors.navigation",  # the "Campaigns" links
                "tenant_apps.notifications.context_processors.bell",  # the bell's unread count (cached)
                "tenant_apps.realtime.context_processors.socket",  # where the bell's live socket connects
            ],
        },
    }
]

WSGI_APPLICATION = "config.wsgi.application"
# The WebSocket server (uvicorn, config.asgi) runs beside gunicorn (docs/decisions/0020).
ASGI_APPLICATION = "config.asgi.application"

# --- data --------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/educrowd")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "300")))}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
# Each connection caches catalogue entries for every schema it touches: cap its life.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")


def _redis_db(url: str, db: int) -> str:
    """The same Redis server, another logical database (cache apart from the Celery broker)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{db}"))


# Live pushes (tenant_apps/realtime): Redis pub/sub. Pub/sub channels ignore the database number,
# so the prefix is what keeps environments sharing one Redis apart.
CHANNEL_LAYERS = {
    "default": {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [os.environ.get("CHANNEL_LAYER_URL") or REDIS_URL],
            "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", f"{os.environ.get('CACHE_KEY_PREFIX', 'educrowd')}:ws"),
        },
    }
}
# Where browsers open the live socket of the bell: the page's own host (so the tenant and the session
# cookie are the page's) on REALTIME_WEBSOCKET_PORT ("" = the page's port: a proxy routes /ws/ to the
# ASGI server). REALTIME_ENABLED=0 leaves the bell on its 30-second polling alone.
REALTIME_ENABLED = env_bool("REALTIME_ENABLED", True)
REALTIME_WEBSOCKET_PORT = os.environ.get("REALTIME_WEBSOCKET_PORT", "")
REALTIME_WEBSOCKET_PATH = "/ws/notifications/"

CACHE_URL = os.environ.get("CACHE_URL") or _redis_db(REDIS_URL, 1)
CACHES = {
    "default": {
        "BACKEND": "config.cache.RedisCache",  # one redis-py client per pool (config/cache.py)
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "educrowd"),
        # Every key carries the tenant schema (django-tenants' key function).
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
# Sessions live in the tenant's schema and, for speed, in the tenant-prefixed cache.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
# Seconds a web process keeps host -> tenant routing (suspensions elsewhere apply within this).
TENANT_ROUTING_CACHE_SECONDS = int(os.environ.get("TENANT_ROUTING_CACHE_SECONDS", "5"))

# --- auth --------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "tenant_apps.accounts.backends.EmailBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "tenant_apps.accounts.hashers.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
# Public "Start your institution": accepted sign-ups per client IP and platform-wide per window.
SIGNUP_THROTTLE_PER_IP = int(os.environ.get("SIGNUP_THROTTLE_PER_IP", "3"))
SIGNUP_THROTTLE_GLOBAL = int(os.environ.get("SIGNUP_THROTTLE_GLOBAL", "30"))
SIGNUP_THROTTLE_WINDOW_SECONDS = int(os.environ.get("SIGNUP_THROTTLE_WINDOW_SECONDS", "3600"))
# "Resend the verification email" of a pending sign-up (same window): requests per client IP,
# per email address and platform-wide.
SIGNUP_RESEND_PER_IP = int(os.environ.get("SIGNUP_RESEND_PER_IP", "5"))
SIGNUP_RESEND_PER_EMAIL = int(os.environ.get("SIGNUP_RESEND_PER_EMAIL", "3"))
SIGNUP_RESEND_GLOBAL = int(os.environ.get("SIGNUP_RESEND_GLOBAL", "100"))
# The "forgot password" form of an institution, per client IP (tenant_apps/accounts/reset_throttle.py).
PASSWORD_RESET_THROTTLE_PER_IP = int(os.environ.get("PASSWORD_RESET_THROTTLE_PER_IP", "10"))
PASSWORD_RESET_THROTTLE_WINDOW_SECONDS = int(os.environ.get("PASSWORD_RESET_THROTTLE_WINDOW_SECONDS", "900"))
# A publicly signed-up institution stays pending until its admin confirms their email;
# unconfirmed ones are dropped after this many hours (tenants.tasks.tenant_pending_expire).
SIGNUP_PENDING_HOURS = int(os.environ.get("SIGNUP_PENDING_HOURS", "48"))
LOGIN_LOCKOUT_SECONDS = int(os.environ.get("LOGIN_LOCKOUT_SECONDS", "900"))
INVITATION_MAX_AGE = timedelta(days=int(os.environ.get("INVITATION_MAX_AGE_DAYS", "7")))
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
ANONYMOUS_USER_NAME = None  # django-guardian: no anonymous user row per tenant
GUARDIAN_MONKEY_PATCH_USER = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
X_FRAME_OPTIONS = "DENY"
# The audit log takes the client address from X-Forwarded-For only behind our own proxy.
AUDIT_TRUST_X_FORWARDED_FOR = env_bool("BEHIND_TLS_PROXY", False)
if env_bool("BEHIND_TLS_PROXY", False):  # the proxy terminates TLS and sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
# Production (DEBUG off) passes `manage.py check --deploy` with no warnings; each can be switched
# off by environment for a deployment that terminates TLS elsewhere.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# DEBUG error pages never show connection URLs (they carry passwords) or other secrets.
DEFAULT_EXCEPTION_REPORTER_FILTER = "tenants.security.SecretHidingReporterFilter"

# --- verifiable credentials (tenant_apps/credentials, docs/decisions/0015) ------------------
# 32 random bytes, urlsafe base64: seals the institutions' Ed25519 private keys at rest. Required to
# sign with DEBUG off; in DEBUG and tests a key derived from SECRET_KEY stands in. After changing it,
# keep the old value in CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS (comma-separated) so existing keys open.
CREDENTIALS_ENCRYPTION_KEY = os.environ.get("CREDENTIALS_ENCRYPTION_KEY", "")
CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS = os.environ.get("CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS", "")

# --- i18n / static / media ---------------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles" if not (DEBUG or TESTING) else None  # dev/test serve from finders
STATICFILES_DIRS = [BASE_DIR / "static"]
WHITENOISE_USE_FINDERS = DEBUG or TESTING
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# Stored files always live under a per-tenant prefix (tenants/storage.py).
S3_BUCKET = os.environ.get("S3_BUCKET", "")
STORAGES = {
    "default": {
        "BACKEND": "tenants.storage.TenantS3Storage" if S3_BUCKET else "tenants.storage.TenantFileSystemStorage",
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not (DEBUG or TESTING)
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
AWS_STORAGE_BUCKET_NAME = S3_BUCKET
AWS_S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
AWS_ACCESS_KEY_ID = os.environ.get("AWS_ACCESS_KEY_ID")
AWS_SECRET_ACCESS_KEY = os.environ.get("AWS_SECRET_ACCESS_KEY")
AWS_QUERYSTRING_EXPIRE = 300  # signed URLs live five minutes
AWS_S3_SIGNATURE_VERSION = "s3v4"
AWS_DEFAULT_ACL = None
AWS_S3_FILE_OVERWRITE = False
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
LOGO_MAX_BYTES = 2 * 1024 * 1024
CSV_IMPORT_MAX_BYTES = 5 * 1024 * 1024
COURSE_COVER_MAX_BYTES = 5 * 1024 * 1024
COURSE_FILE_MAX_BYTES = 50 * 1024 * 1024

# --- email -------------------------------------------------------------------------------
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"
# Stripe (billing/gateway.py). Without a secret key, DEBUG runs use the local payment
# simulator (billing/simulator.py) and its signing secrets; with DEBUG off a key is required.
STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("STRIPE_WEBHOOK_SECRET", "" if STRIPE_SECRET_KEY or not DEBUG else "whsec_simulator_platform")
STRIPE_CONNECT_WEBHOOK_SECRET = os.environ.get(
    "STRIPE_CONNECT_WEBHOOK_SECRET", "" if STRIPE_SECRET_KEY or not DEBUG else "whsec_simulator_connect")
STRIPE_API_BASE = os.environ.get("STRIPE_API_BASE", "")  # empty: Stripe itself
STRIPE_SIMULATOR_URL = os.environ.get("STRIPE_SIMULATOR_URL", "http://127.0.0.1:8765")
# Stored webhook events still pending after this many seconds are picked up by beat.
STRIPE_EVENT_SWEEP_AFTER_SECONDS = int(os.environ.get("STRIPE_EVENT_SWEEP_AFTER_SECONDS", "60"))
STRIPE_EVENT_MAX_ATTEMPTS = int(os.environ.get("STRIPE_EVENT_MAX_ATTEMPTS", "8"))
# Days a past-due institution keeps its plan before the free plan's limits apply (banner + email meanwhile).
BILLING_GRACE_DAYS = int(os.environ.get("BILLING_GRACE_DAYS", "7"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "EduCrowd <no-reply@educrowd.local>")

# --- API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "tenants.rest_api.authentication.TenantJWTAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "tenants.rest_api.pagination.Pagination",
    "PAGE_SIZE": 25,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "tenants.rest_api.errors.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "tenants.rest_api.metadata.InputAwareBrowsableAPIRenderer"],
    "DEFAULT_PARSER_CLASSES": ["tenants.rest_api.parsers.SafeJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_METADATA_CLASS": "tenants.rest_api.metadata.InputAwareMetadata",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Scoped API throttles (tenants/api/throttling.py), "<count>/<second|minute|hour|day>", per client IP.
API_THROTTLE_RATES = {
    "auth-token": os.environ.get("API_THROTTLE_TOKEN", "20/minute"),
    "auth-refresh": os.environ.get("API_THROTTLE_REFRESH", "60/minute"),
}
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=15),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=7),
    "SIGNING_KEY": SECRET_KEY,
    "ALGORITHM": "HS256",
    "UPDATE_LAST_LOGIN": True,
    # Every refresh answers a new refresh token and blacklists the one presented
    # (tenants/api/authentication.refresh_rotate; reuse revokes the whole family).
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "EduCrowd API",
    "DESCRIPTION": "Per-institution API. Tokens are bound to the institution that minted them.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"OrderStatusEnum": "billing.commerce.models.Order.Status",
                            "CampaignStateEnum": "crowdfunding.models.Campaign.State",
                            "PledgeStatusEnum": "crowdfunding.models.Pledge.Status",
                            "PolicyKindEnum": "tenant_apps.privacy.models_policies.PolicyDocument.Kind"},
}

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Long, resumable money runs (crowdfunding settlement) have their own queue: workers take
# `-Q celery,settlement` (devstack, Procfile, compose); tests own a worker on it to kill it mid-run.
CELERY_TASK_ROUTES = {"crowdfunding.settlement.settlement_*": {"queue": "settlement"}}
# Erasure keeps payment records under legal hold this long (tenant_apps/privacy/erasure.py).
PRIVACY_PAYMENT_RETENTION_YEARS = int(os.environ.get("PRIVACY_PAYMENT_RETENTION_YEARS", "7"))
# Announcement attachments: the largest file staff may attach (lms/announcements), in MB.
ANNOUNCEMENT_ATTACHMENT_MAX_MB = int(os.environ.get("ANNOUNCEMENT_ATTACHMENT_MAX_MB", "10"))
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "privacy-retention-nightly": {
        "task": "tenant_apps.privacy.retention.retention_nightly_everywhere",
        "schedule": crontab(hour=3, minute=17),
    },
    "stripe-events-sweep": {
        "task": "billing.webhooks.stripe_events_sweep",
        "schedule": 60.0,
    },
    "purge-expired-invitations": {
        "task": "tenant_apps.accounts.tasks.purge_expired_invitations",
        "schedule": 3600.0,
        "options": {"queue": "celery"},
    },
    "close-overdue-quiz-attempts": {
        "task": "lms.quizzes.tasks.attempts_close_overdue_everywhere",
        "schedule": 300.0,
    },
    "expire-pending-tenants": {
        "task": "tenants.tasks.tenant_pending_expire",
        "schedule": 3600.0,
    },
    "crowdfunding-settlement-sweep": {
        "task": "crowdfunding.settlement.settlement_sweep_everywhere",
        "schedule": 60.0,
    },
    "privacy-exports-expire": {"task": "tenant_apps.privacy.export.exports_expire_everywhere", "schedule": 900.0},
    "privacy-policy-announce": {
        "task": "tenant_apps.privacy.tasks_policies.policy_announce_due_everywhere",
        "schedule": 600.0,
    },
    "privacy-erasure-sweep": {
        "task": "tenant_apps.privacy.erasure.erasure_sweep_everywhere",
        "schedule": 300.0,
    },
    "calendar-deadline-reminders": {
        "task": "tenant_apps.calendar.tasks.deadline_reminders_everywhere",
        "schedule": 300.0,
    },
    "notifications-daily-digest": {
        "task": "tenant_apps.notifications.tasks.digest_send_everywhere",
        "schedule": crontab(hour=6, minute=30),
    },
    "announcements-publish-due": {
        "task": "lms.announcements.tasks.announcements_publish_due_everywhere",
        "schedule": 60.0,
    },
    "refresh-tenant-usage": {
        "task": "tenants.tasks.tenant_usage_refresh_all",
        "schedule": 6 * 3600.0,
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {"tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["tenant"], "formatter": "tenant"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
DEFAULT_NOT_FOUND_TENANT_VIEW = "tenants.middleware.unknown_host"
