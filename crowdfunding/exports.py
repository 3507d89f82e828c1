"""Backers' CSV as a background job: staff start it, a Celery task writes it into the
institution's storage (tenant-prefixed) while the row counts the backers written, and staff
download the file once it is ready. One job per campaign runs at a time.

The file is written to a temporary file first and stored in one save, so a worker killed
mid-run leaves no half file; the re-run (acks_late) writes it again from the start under the
same name.
"""
from __future__ import annotations

import csv
import io
import logging
import tempfile
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from billing.api import feature_check
from tenants.api import audit_log, csv_safe_cell

from .dashboard import backers_csv_rows
from .models import BackersExport, Campaign
from .services import _manage_check

logger = logging.getLogger(__name__)

# Progress is committed every this many backers (or in about 50 steps for big campaigns).
EXPORT_BATCH_ROWS = 200
# An unfinished job older than this is taken as lost (broker outage, worker gone for good).
EXPORT_STALE_AFTER = timedelta(minutes=15)
EXPORT_LOST = "The export stopped before it finished; a new one was started."


def backers_export_start(*, campaign: Campaign, actor) -> BackersExport:
    """A job writing the campaign's backers' CSV, queued when this transaction commits; an
    unfinished job of the same campaign is returned instead of starting a second one."""
    feature_check("crowdfunding")
    _manage_check(actor, campaign)
    with transaction.atomic():
        Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one start at a time per campaign
        unfinished = (BackersExport.objects.filter(campaign=campaign)
                      .exclude(status__in=(BackersExport.Status.DONE, BackersExport.Status.FAILED)).first())
        if unfinished is not None:
            if timezone.now() - unfinished.created_at < EXPORT_STALE_AFTER:
                return unfinished
            _finish(unfinished, error=EXPORT_LOST)
        export = BackersExport.objects.create(campaign=campaign, requested_by=actor,
                                              total_rows=campaign.pledges.count())
        audit_log(action="campaign.backers_export", target=campaign, actor=actor,
                  after={"export": str(export.public_id), "backers": export.total_rows})
        export_id = export.pk
        transaction.on_commit(lambda: _enqueue(export_id))
    return export


def _enqueue(export_id: int) -> None:
    from .tasks import backers_export_run

    try:
        backers_export_run.delay(export_id)
    except Exception:  # noqa: BLE001 - committed already; a new start after EXPORT_STALE_AFTER retries it
        logger.exception("could not enqueue backers export %s", export_id)


def _finish(export: BackersExport, *, error: str = "") -> BackersExport:
    export.status = BackersExport.Status.FAILED if error else BackersExport.Status.DONE
    export.error = error[:500]
    export.finished_at = timezone.now()
    export.save(update_fields=["status", "error", "finished_at", "processed_rows", "total_rows", "file"])
    return export


def backers_export_write(*, export_id: int) -> BackersExport | None:
    """Write the CSV of one job into storage, committing the progress as it goes. A finished job
    is left alone; an unfinished one (a re-delivered task) is written again from the start."""
    with transaction.atomic():
        export = BackersExport.objects.select_for_update().select_related("campaign").filter(pk=export_id).first()
        if export is None or export.is_finished:
            return export
        campaign = export.campaign
        export.status, export.processed_rows = BackersExport.Status.RUNNING, 0
        export.total_rows = campaign.pledges.count()
        export.save(update_fields=["status", "processed_rows", "total_rows"])
    batch = max(EXPORT_BATCH_ROWS, export.total_rows // 50)
    processed = 0
    with tempfile.TemporaryFile() as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="")
        writer = csv.writer(text)
        rows = backers_csv_rows(campaign)
        writer.writerow([csv_safe_cell(v) for v in next(rows)])  # the header
        for row in rows:
            writer.writerow([csv_safe_cell(v) for v in row])
            processed += 1
            if processed % batch == 0:
                BackersExport.objects.filter(pk=export_id).update(
                    processed_rows=processed, total_rows=max(export.total_rows, processed))
        text.flush()
        text.detach()
        handle.seek(0)
        with transaction.atomic():
            export = BackersExport.objects.select_for_update().get(pk=export_id)
            if export.is_finished:
                return export
            export.processed_rows = processed
            export.total_rows = max(export.total_rows, processed)
            name = f"backers-{campaign.slug}-{export.public_id}.csv"
            try:
                # a run killed after its save but before its commit left a file of this name: replace it
                export.file.storage.delete(export.file.field.generate_filename(export, name))
                export.file.save(name, File(handle, name=name), save=False)
            except ValidationError as exc:  # a storage check refused it (the plan's storage limit)
                return _finish(export, error=" ".join(exc.messages))
            return _finish(export)


def backers_export_fail(*, export_id: int, error: str) -> BackersExport | None:
    """Mark an unfinished job failed (its task gave up)."""
    with transaction.atomic():
        export = BackersExport.objects.select_for_update().filter(pk=export_id).first()
        if export is None or export.is_finished:
            return export
        return _finish(export, error=error)


# --- reads ------------------------------------------------------------------------------------------

def backers_export_get(*, campaign: Campaign, public_id) -> BackersExport | None:
    """A job of this campaign (the caller has already found the campaign among those it runs)."""
    return BackersExport.objects.filter(campaign=campaign, public_id=public_id).first()


def backers_export_latest(*, campaign: Campaign) -> BackersExport | None:
    return BackersExport.objects.filter(campaign=campaign).first()
