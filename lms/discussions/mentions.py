"""@mentions in post bodies. Accounts have no separate handle: the username is the email
address, so `@ada@example.org` names a member exactly and `@ada` names the one member of the
course whose address starts with "ada@" (ambiguous or unknown names notify nobody)."""
from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db.models import Q

from lms.courses.api import Course

from .selectors import visible_member_ids

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+(?:@[\w-]+(?:\.[\w-]+)+)?)")
MAX_MENTIONS = 20


def mention_names(text: str) -> list[str]:
    names = []
    for match in MENTION.finditer(text or ""):
        name = match.group(1).rstrip(".").lower()
        if name and name not in names:
            names.append(name)
    return names[:MAX_MENTIONS]


def mentioned_members(*, course: Course, text: str) -> list[User]:
    """The members who see the course named in `text`, each once."""
    names = mention_names(text)
    if not names:
        return []
    full = [n for n in names if "@" in n]
    short = [n for n in names if "@" not in n]
    match = Q(username__in=full) | Q(email__in=full)
    for name in short:
        match |= Q(email__istartswith=f"{name}@")
    candidates = list(User.objects.filter(match, is_active=True))
    visible = visible_member_ids(course=course, users=candidates)
    members = [u for u in candidates if u.pk in visible]
    found: dict[int, User] = {}
    for name in full:
        for u in members:
            if name in (u.username.lower(), u.email.lower()):
                found[u.pk] = u
    for name in short:
        hits = [u for u in members if u.email.lower().startswith(f"{name}@")]
        if len(hits) == 1:
            found[hits[0].pk] = hits[0]
    return list(found.values())
