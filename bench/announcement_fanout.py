"""Benchmark: one announcement to a course of N enrolled learners (default 5,000) through a real Celery worker.

A published course with N enrolled learners (seeded in bulk), each on the default delivery for the
"announcement" event (in-app and email). The instructor publishes one announcement
(`announcement_create`, in one transaction): on commit the fan-out task is queued; a real worker
(prefork, 2 processes, `-Q celery`) lists the audience and queues one notify task per 500
learners; each writes its 500 in-app notifications in one INSERT and renders the 500 emails, queued
on commit in delivery tasks of 100 (the notification service's batching), which the same worker
delivers (file backend). Timed from the publish until every in-app row exists and every chunk has
committed (so every email is queued), then until every email is delivered. Checks: N in-app rows,
one per learner, and N emails; prints the CPU seconds each process used.

Target: 5,000 learners fanned out (in-app + email queued) ≤ 20 s on 2 cores.
Run on demand: `make bench-announcements` (or `.venv/bin/python bench/announcement_fanout.py [N]`).
"""
from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

TARGET_SECONDS = 20.0


def _mails_delivered(folder: Path) -> int:
    return sum(path.read_bytes().count(b"\nMessage-ID: ") for path in folder.glob("*.log")) if folder.exists() else 0


def setup(slug: str):
    from config.embedded import ensure_services

    services = ensure_services(data_dir=ROOT / ".data" / "bench", for_tests=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    from django.core.management import call_command

    from tenants.models import Tenant
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    template_ensure()
    tenant_create(name="Bench Announcements", slug=slug, admin_email=f"admin@{slug}.test",
                  admin_password="bench-password-123", admin_first_name="B", admin_last_name="Ench")
    return services, Tenant.objects.get(slug=slug)


def seed(tenant, n: int):
    """-> (course, instructor): a published course with N enrolled learners."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django_tenants.utils import tenant_context

    from lms.courses import services as course_services
    from lms.courses.models import Enrollment
    from tenant_apps.accounts.services import user_create

    with tenant_context(tenant):
        instructor = user_create(email=f"teacher@{tenant.slug}.test", password="bench-password-123", role="instructor",
                                 first_name="Ines", last_name="Structor")
        course = course_services.course_create(author=instructor, title="Bench Course")
        module = course_services.module_create(course=course, title="Week 1")
        lesson = course_services.lesson_create(module=module, title="Start")
        course_services.item_create(lesson=lesson, kind="text", title="Welcome", body="Hello")
        course_services.course_publish(course=course, author=instructor, change_note="v1")
        course.refresh_from_db()
        unusable = make_password(None)
        users = User.objects.bulk_create([
            User(username=f"l{i}@{tenant.slug}.test", email=f"l{i}@{tenant.slug}.test", first_name=f"Learner{i}",
                 last_name="Cohort", password=unusable) for i in range(n)], batch_size=2000)
        Enrollment.objects.bulk_create([Enrollment(course=course, learner=u, version=course.published_version)
                                        for u in users], batch_size=2000)
    return course, instructor


def main(n: int = 5000) -> None:
    from payments_common import cpu_seconds, cpu_used, worker_start

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    data_dir = Path(tempfile.mkdtemp(prefix="bench-announcements-"))
    os.environ["EDUCROWD_DATA_DIR"] = str(data_dir)  # the worker's emails go to data_dir/mail (file backend)
    slug = f"annc{int(time.time())}"
    services, tenant = setup(slug)
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    worker = None
    try:
        started = time.perf_counter()
        course, instructor = seed(tenant, n)
        connection.set_schema_to_public()
        print(f"{n} enrolled learners seeded in {time.perf_counter() - started:.1f} s")
        try:
            print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
        except OSError:
            pass

        from lms.announcements import services as announcement_services
        from lms.announcements.models import Announcement
        from tenant_apps.notifications.models import Notification

        mail_dir = data_dir / "mail"
        worker = worker_start(queues="celery")
        cpu_before = cpu_seconds(services)
        started = time.perf_counter()
        with tenant_context(tenant):
            with transaction.atomic():
                announcement = announcement_services.announcement_create(
                    author=instructor, course=course, title="Exam moved to Friday",
                    body="The exam is on **Friday** at 10:00, room 4. Bring the *reading list*.")
            published = time.perf_counter() - started
            while Announcement.objects.filter(pk=announcement.pk).values_list("notified", flat=True)[0] < n:
                if time.perf_counter() - started > 600:
                    break
                time.sleep(0.1)
            fanned_out = time.perf_counter() - started
            rows = Notification.objects.filter(event_key="announcement").count()
            distinct = Notification.objects.filter(event_key="announcement").values("user_id").distinct().count()
        connection.set_schema_to_public()
        while (mails := _mails_delivered(mail_dir)) < n and time.perf_counter() - started < 600:
            time.sleep(0.25)
        delivered = time.perf_counter() - started
        cpu = cpu_used(cpu_before, cpu_seconds(services))
        try:
            load = " ".join(f"{v:.2f}" for v in os.getloadavg())
        except OSError:
            load = "?"
        print(f"publish request: {published * 1000:.0f} ms; fan-out to {n} learners: {rows} in-app rows "
              f"({distinct} distinct learners), every email queued after {fanned_out:.1f} s "
              f"({n / fanned_out:.0f} learners/s); {mails} emails delivered after {delivered:.1f} s")
        print(f"CPU seconds: {cpu}")
        print(f"load average after: {load}")
        ok = rows == distinct == n and mails >= n
        print(f"target ≤ {TARGET_SECONDS:.0f} s for 5,000 (scaled: ≤ {TARGET_SECONDS * n / 5000:.1f} s for {n}): "
              f"{'met' if fanned_out <= TARGET_SECONDS * n / 5000 and ok else 'MISSED'}")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        connection.close()
        services.stop()
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5000)
