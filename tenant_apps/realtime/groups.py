"""Channel-layer group names: one per person and institution, picked by the server only.

A socket joins exactly the group of the tenant its Host header routes to and the user its session
cookie names in that tenant's schema; nothing a client sends ever names a group.
"""
from __future__ import annotations

import re

_SCHEMA = re.compile(r"^[a-z0-9_]{1,63}$")


def user_group(*, schema_name: str, user_id: int) -> str:
    """`user.<schema>.<id>`. Schema names are [a-z0-9_] and never reused (tenants/services.py
    schema_name_for), so an institution signed up again on a deleted subdomain shares no group."""
    if not _SCHEMA.match(schema_name or "") or schema_name == "public":
        raise ValueError(f"not a tenant schema: {schema_name!r}")
    return f"user.{schema_name}.{int(user_id)}"
