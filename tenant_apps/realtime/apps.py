from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    """Live pushes to a person's open pages over WebSockets (Django Channels; no models)."""

    name = "tenant_apps.realtime"
    label = "realtime"
    verbose_name = "Live updates"
