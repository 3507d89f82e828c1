"""Front door of `tenant_apps.messaging`: the only module of this app that other apps import.

Apps above register who may talk to whom (`contact_policy_register` in their AppConfig.ready(),
see registry.py); pages elsewhere may show `unread_total(user=...)`.
"""
from .registry import ContactPolicy, contact_policy_register
from .selectors import can_message, unread_total

__all__ = ["ContactPolicy", "can_message", "contact_policy_register", "unread_total"]
