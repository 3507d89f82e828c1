"""Rules for institution subdomains and custom domains."""
import re

from django.core.exceptions import ValidationError

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,38}[a-z0-9])$")
RESERVED_SUBDOMAINS = frozenset(
    """
    www admin administrator api app apps assets auth billing blog cdn console dashboard dev docs
    help status support static media mail email smtp imap pop ftp ns ns1 ns2 mx public root system
    template tenant tenants test staging localhost login logout signup register account accounts
    stripe webhook webhooks platform operator operators educrowd security abuse postmaster
    """.split()
)
DOMAIN_RE = re.compile(r"^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^[a-z0-9-]+\.localhost$")


def validate_subdomain(value: str) -> None:
    if not SUBDOMAIN_RE.match(value or ""):
        raise ValidationError(
            "Use 3 to 40 lowercase letters, digits and hyphens, starting and ending with a letter or digit.",
            code="invalid",
        )
    if value in RESERVED_SUBDOMAINS:
        raise ValidationError(f"“{value}” is reserved; please choose another subdomain.", code="reserved")


def validate_domain_name(value: str) -> None:
    if not DOMAIN_RE.match(value or ""):
        raise ValidationError("Enter a valid domain name such as learn.example.org.", code="invalid")


NUL_IN_TEXT = "Text may not contain NUL (\\u0000) characters."


def model_checked(instance, *, exclude=None) -> None:
    """Everything the database would refuse, as a ValidationError keyed by field, never a DataError:
    NUL in any text column (PostgreSQL refuses it; Django's model validation does not look), then
    `full_clean()` (max_length, blank, choices). For services that write raw request values."""
    errors = {f.name: [NUL_IN_TEXT] for f in instance._meta.concrete_fields
              if isinstance(getattr(instance, f.attname, None), str) and "\x00" in getattr(instance, f.attname)}
    if errors:
        raise ValidationError(errors)
    instance.full_clean(exclude=exclude)


def time_zone_names() -> list[str]:
    """Every IANA time zone name this machine knows (zoneinfo/tzdata), sorted, "UTC" included."""
    import zoneinfo

    return sorted(zoneinfo.available_timezones() | {"UTC"})


def validate_time_zone(value: str) -> None:
    """An IANA name such as Europe/Berlin or Asia/Tokyo (no abbreviations, no paths)."""
    import zoneinfo

    if value != "UTC" and value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a time zone; use an IANA name such as Europe/Berlin.",
                              code="invalid_time_zone")
