"""The member an admin acts for on the privacy pages and API (exports, retention holds)."""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.http import Http404


def member_or_404(public_id):
    """The member of this institution with that profile public id, else 404 ("No such member")."""
    member = get_user_model().objects.filter(profile__public_id=public_id).select_related("profile").first()
    if member is None:
        raise Http404("No such member")
    return member
