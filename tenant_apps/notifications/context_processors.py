"""The bell's unread count in every tenant page (one cached number per person)."""
from django.db import connection


def bell(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or connection.schema_name == "public":
        return {}
    from .selectors import unread_count

    return {"notifications_unread": unread_count(user=user)}
