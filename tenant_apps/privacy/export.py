"""A person's export (right of access and portability): the request, the Celery job that builds
the ZIP, the download checks, the expiry sweep.

The ZIP holds one `<area>.json` per privacy provider (a small header, then the records), the
area's files under `<area>/files/...` read from the institution's storage, and an `index.html`
that opens offline. It is written to the institution's own storage (tenant-prefixed, so no other
institution can address it) and kept 24 hours. The person is emailed a link carrying a token
whose sha256 only is stored; downloads need that person signed in (or, for an export a tenant
admin ran, that admin), are audited, and answer 410 after expiry. See
docs/decisions/0015-personal-data-export.md.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import tempfile
import zipfile
from datetime import timedelta
from typing import Any

from celery import shared_task
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from tenants.api import audit_log, site_url_for_tenant

from .models_export import EXPORT_VALID_FOR, ExportRequest
from .registry import ExportPart, Holding, PrivacyProvider, providers

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(hours=6)  # an export still open after this is failed, so the person can ask again
HTML_ROWS = 200  # rows per area shown in index.html (the JSON has them all)
FOLDER = "privacy/exports"


class ExportBusy(ValidationError):
    """The person already has an export being prepared."""

    def __init__(self):
        super().__init__("An export of this person's data is already being prepared; wait until it is ready.",
                         code="export_running")


# --- selectors ---------------------------------------------------------------------------------

def export_list_for_user(*, user) -> list[ExportRequest]:
    return list(ExportRequest.objects.filter(user=user).select_related("requested_by")[:50])


def export_get_for_owner(*, user, public_id) -> ExportRequest | None:
    """The person's own export; None for a missing one and for anybody else's alike."""
    return ExportRequest.objects.filter(user=user, public_id=public_id).select_related("user", "requested_by").first()


def export_get_for_requester(*, admin, public_id) -> ExportRequest | None:
    """An export a tenant admin ran for somebody else: only that admin gets it."""
    return (ExportRequest.objects.filter(requested_by=admin, public_id=public_id).exclude(user=admin)
            .select_related("user", "requested_by").first())


def export_token_matches(export: ExportRequest, token: str) -> bool:
    return bool(export.token_hash and token) and hmac.compare_digest(export.token_hash, _hash(token))


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- services ----------------------------------------------------------------------------------

@transaction.atomic
def export_request(*, user, requested_by) -> ExportRequest:
    """Queue an export of `user`'s data (by themselves or a tenant admin); audited. ExportBusy if
    one is already open."""
    if ExportRequest.objects.filter(user=user, status__in=ExportRequest.OPEN).exists():
        raise ExportBusy()
    try:
        with transaction.atomic():  # the constraint decides a race between two requests
            export = ExportRequest.objects.create(user=user, requested_by=requested_by, areas_total=len(providers()))
    except IntegrityError:
        raise ExportBusy() from None
    audit_log(action="privacy.export_request", target=user, actor=requested_by,
              after={"export": str(export.public_id), "by": "self" if requested_by == user else "admin"})
    transaction.on_commit(lambda: _enqueue(export.pk))
    return export


def _enqueue(export_id: int) -> None:
    try:
        export_build_task.delay(export_id)
    except Exception:  # noqa: BLE001 - the request stays queued; the sweep fails it after STALE_AFTER
        logger.exception("could not enqueue export %s", export_id)


def export_download_record(*, export: ExportRequest, actor) -> None:
    """Audit one download (by the person, or the admin who ran it)."""
    audit_log(action="privacy.export_download", target=export.user, actor=actor,
              after={"export": str(export.public_id), "by": "self" if actor.pk == export.user_id else "admin"})


def export_build(*, export_id: int) -> str:
    """Build the ZIP of one export request (re-runnable: a redelivered job starts over); -> status."""
    with transaction.atomic():
        export = ExportRequest.objects.select_for_update().select_related("user").filter(pk=export_id).first()
        if export is None or export.status not in ExportRequest.OPEN:
            return export.status if export else "missing"
        areas = providers()
        export.status, export.started_at = ExportRequest.Status.RUNNING, timezone.now()
        export.areas_total, export.areas_done, export.error = len(areas), 0, ""
        export.save(update_fields=["status", "started_at", "areas_total", "areas_done", "error"])
    try:
        with tempfile.TemporaryFile(suffix=".zip") as tmp:
            _zip_write(export, areas, tmp)
            size = tmp.tell()
            tmp.seek(0)
            name = default_storage.save(f"{FOLDER}/{export.public_id}-{secrets.token_hex(8)}.zip", File(tmp, name="export.zip"))
    except Exception as exc:  # noqa: BLE001 - recorded on the request, shown to the person
        logger.exception("export %s failed", export.public_id)
        ExportRequest.objects.filter(pk=export.pk).update(
            status=ExportRequest.Status.FAILED, finished_at=timezone.now(),
            error=(f"The export could not be prepared ({type(exc).__name__}). Please request a new one.")[:500])
        return ExportRequest.Status.FAILED
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        ExportRequest.objects.filter(pk=export.pk).update(
            status=ExportRequest.Status.READY, file_name=name, size=size, finished_at=now, expires_at=now + EXPORT_VALID_FOR,
            areas_done=len(areas), token_hash=_hash(token))
        export.refresh_from_db()
        _tell_ready(export, token)
    return ExportRequest.Status.READY


def _tell_ready(export: ExportRequest, token: str) -> None:
    path = f"/privacy/exports/{export.public_id}/download?token={token}"
    from tenant_apps.notifications.api import notify

    notify("export_ready", [export.user], {
        "person": export.user, "institution": connection.tenant.name, "export": export,
        "download_url": site_url_for_tenant(connection.tenant, path),
        "page_url": site_url_for_tenant(connection.tenant, "/privacy/"),
        "requested_by": export.requested_by if export.by_admin else None,
    }, url="/privacy/")


def exports_expire(*, now=None) -> dict[str, int]:
    """Beat (per institution): delete the files of exports past their 24 h (status expired), and
    fail exports that stayed open too long (a lost job), so the person can ask again."""
    now = now or timezone.now()
    out = {"expired": 0, "stale": 0}
    for export in ExportRequest.objects.filter(status=ExportRequest.Status.READY, expires_at__lte=now):
        if export.file_name:
            default_storage.delete(export.file_name)
        ExportRequest.objects.filter(pk=export.pk, status=ExportRequest.Status.READY).update(
            status=ExportRequest.Status.EXPIRED, file_name="", token_hash="")
        out["expired"] += 1
    out["stale"] = ExportRequest.objects.filter(status__in=ExportRequest.OPEN, created_at__lte=now - STALE_AFTER).update(
        status=ExportRequest.Status.FAILED, finished_at=now, error="The export took too long and was stopped. Please request a new one.")
    return out


# --- the ZIP -------------------------------------------------------------------------------------

def _dumps(data: Any) -> str:
    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def _member(*parts: str) -> str:
    """A safe path inside the ZIP: no absolute paths, no `..`, no backslashes."""
    clean = []
    for part in parts:
        for piece in str(part).replace("\\", "/").split("/"):
            piece = piece.strip().replace("\x00", "")
            if piece and piece not in (".", ".."):
                clean.append(piece[:120])
    return "/".join(clean) or "file"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (dict, list)):
        return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _zip_write(export: ExportRequest, areas: list[PrivacyProvider], fileobj) -> None:
    user = export.user
    header = {
        "generated_at": timezone.now(),
        "institution": connection.tenant.name,
        "person": {"email": user.email, "name": user.get_full_name()},
    }
    summary = []
    with zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, provider in enumerate(areas, start=1):
            part: ExportPart = provider.export(user)
            files, missing, taken = [], [], set()
            for inner, stored in part.files:
                member = _member(provider.area, inner)
                while member in taken:
                    member = member.rsplit("/", 1)[0] + "/_" + member.rsplit("/", 1)[-1]
                try:
                    with default_storage.open(stored, "rb") as source, archive.open(member, "w") as target:
                        for chunk in iter(lambda: source.read(1 << 16), b""):
                            target.write(chunk)
                except (OSError, ValueError):  # the record stays; the file is noted as missing
                    missing.append(inner)
                    continue
                taken.add(member)
                files.append(member)
            body = {**header, "area": provider.area, "title": provider.title, "records": part.records,
                    "files": files, "missing_files": missing}
            archive.writestr(f"{provider.area}.json", _dumps(body))
            columns = list(dict.fromkeys(key for record in part.records for key in record))
            summary.append({
                "area": provider.area, "title": provider.title, "count": len(part.records), "columns": columns,
                "rows": [[_cell(r.get(c)) for c in columns] for r in part.records[:HTML_ROWS]],
                "more": max(0, len(part.records) - HTML_ROWS), "files": files, "missing": missing,
            })
            ExportRequest.objects.filter(pk=export.pk).update(areas_done=done)  # autocommit: the progress bar sees it
        # For people: the account first, then the areas in the registry's reverse (erasure) order.
        order = {p.area: (p.area != "profile", -p.order) for p in areas}
        summary.sort(key=lambda a: order[a["area"]])
        archive.writestr("index.html", render_to_string("privacy/export_index.html", {**header, "areas": summary}))


@shared_task(acks_late=True)
def export_build_task(export_id: int) -> str:
    return export_build(export_id=export_id)


@shared_task(acks_late=True)
def exports_expire_for_tenant() -> dict:
    return exports_expire()


@shared_task
def exports_expire_everywhere() -> int:
    """Beat entry point (public schema): one sweep per institution."""
    from tenants.api import send_to_every_tenant

    return send_to_every_tenant(exports_expire_for_tenant)


# --- the exports themselves are personal data: an area of their own, erased with the person --------

def data_exports_export(user) -> ExportPart:
    from .registry import rows

    return ExportPart(records=rows(ExportRequest.objects.filter(user=user).order_by("created_at"), (
        "public_id", "status", "requested_by__email", "created_at", "finished_at", "expires_at")))


def data_exports_erase(user, *, pseudonym: str, files: list, holds: list) -> dict[str, int]:
    """Their exports go (the ZIPs in the pipeline's files step, after commit); exports they ran
    for others stay, without them."""
    mine = ExportRequest.objects.filter(user=user)
    files += list(mine.exclude(file_name="").values_list("file_name", flat=True))
    deleted, _ = mine.delete()
    ran = ExportRequest.objects.filter(requested_by=user).update(requested_by=None)
    return {"exports deleted": deleted, "exports run for others": ran}


DATA_EXPORTS = PrivacyProvider(
    area="data_exports", title="Exports of your data",
    holdings=(Holding("privacy.ExportRequest", fields=("user", "requested_by", "file_name")),),
    export=data_exports_export, erase=data_exports_erase, order=950,
)
