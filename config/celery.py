"""The Celery app: every task carries the tenant schema it was sent from and runs in it."""
import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = CeleryApp("educrowd")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
