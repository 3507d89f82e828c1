"""Front door of `tenant_apps.calendar`: the only module of this app that other apps import.

Apps above register where entries come from (`calendar_source_register` in their AppConfig.ready());
and, for reminders, every deadline with its audience (`deadline_source_register`); see registry.py
for the rules a source follows.
"""
from .registry import CalendarEntry, calendar_source_register, deadline_source_register
from .selectors import calendar_entries, dashboard_upcoming

__all__ = [
    "CalendarEntry",
    "calendar_entries",
    "calendar_source_register",
    "dashboard_upcoming",
    "deadline_source_register",
]
