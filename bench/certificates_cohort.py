"""Benchmark: bulk issue to a cohort of N eligible learners (default 1,000) through a real Celery worker.

A published course (two quizzes, an essay; rules: 100 % completion and both quizzes ≥ 60 %) with
N enrolled learners who completed it and passed both quizzes (seeded in bulk: no events, so no
automatic issue runs before the bulk job). `bulk_issue_start` queues the job; a real worker
(prefork, 2 processes, `-Q celery`) evaluates the cohort in batches and issues every certificate:
the row, a status-list index, the Open Badges 3.0 credential signed with the institution's Ed25519
key (eddsa-jcs-2022), the audit entry and the learner's email (delivered by the same worker, file
backend). Timed until the job is "done", then until every email is delivered. Then checks: N
certificates, each with a credential and its own status index, a sample verified against the
published DID document and status list (no database: `verify_credential`), and prints the CPU
seconds each process used.

PDFs are not rendered at issue: they are rendered on download (see lms/certificates/rendering.py
and bench/certificate_pdf.py for their cost), so a cohort's issue is rows and signatures only.

Target: 1,000 certificates ≤ 3 min on 2 cores.
Run on demand: `make bench-certificates-cohort` (or `.venv/bin/python bench/certificates_cohort.py [N]`).
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

    from billing.models import Plan
    from tenants.models import Tenant
    from tenants.services import public_tenant_ensure, template_ensure, tenant_create

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    public_tenant_ensure()
    template_ensure()
    plan, _ = Plan.objects.get_or_create(code="bench-certificates", defaults={
        "name": "Bench certificates", "price_amount": 0, "features": {"certificates": True}})
    tenant_create(name="Bench Certificates", slug=slug, plan=plan, admin_email=f"admin@{slug}.test",
                  admin_password="bench-password-123", admin_first_name="B", admin_last_name="Ench")
    return services, Tenant.objects.get(slug=slug)


def seed(tenant, n: int):
    """-> (course, instructor): N learners enrolled, completed, both quizzes passed."""
    from decimal import Decimal

    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import User
    from django.utils import timezone
    from django_tenants.utils import tenant_context

    from lms.certificates.tests.helpers import all_rules, build_world
    from lms.courses.models import Enrollment
    from lms.quizzes.models import QuizAttempt
    from tenant_apps.accounts.services import user_create

    with tenant_context(tenant):
        instructor = user_create(email=f"teacher@{tenant.slug}.test", password="bench-password-123", role="instructor")
        world = build_world(instructor=instructor, title="Bench Course", publish=False)
        from lms.certificates import services as certificate_services
        from lms.courses import services as course_services

        rules = all_rules(world, assignments=[])
        certificate_services.course_rules_update(course=world.course, rules=rules, actor=instructor)
        course_services.course_publish(course=world.course, author=instructor, change_note="v1")
        world.course.refresh_from_db()
        unusable = make_password(None)
        users = User.objects.bulk_create([
            User(username=f"l{i}@{tenant.slug}.test", email=f"l{i}@{tenant.slug}.test", first_name=f"Learner{i}",
                 last_name="Cohort", password=unusable) for i in range(n)], batch_size=2000)
        now = timezone.now()
        Enrollment.objects.bulk_create([
            Enrollment(course=world.course, learner=u, version=world.course.published_version, progress_percent=100,
                       completed_at=now) for u in users], batch_size=2000)
        version = world.course.published_version.number
        QuizAttempt.objects.bulk_create([
            QuizAttempt(learner=u, course=world.course, quiz_uuid=quiz.uuid, item_uuid=item.uuid, version_number=version,
                        number=1, started_at=now, submitted_at=now, status=QuizAttempt.Status.GRADED,
                        score=Decimal(6 + (i + q) % 5), max_score=Decimal(10), graded_at=now)
            for i, u in enumerate(users) for q, (quiz, item) in enumerate(zip(world.quizzes, world.quiz_items))],
            batch_size=2000)
    return world.course, instructor


def main(n: int = 1000) -> None:
    from payments_common import cpu_seconds, cpu_used, worker_start

    os.environ.setdefault("LOG_LEVEL", "WARNING")
    data_dir = Path(tempfile.mkdtemp(prefix="bench-certificates-"))
    os.environ["EDUCROWD_DATA_DIR"] = str(data_dir)  # the worker's emails go to data_dir/mail (file backend)
    slug = f"certs{int(time.time())}"
    services, tenant = setup(slug)
    from django.db import connection, transaction
    from django_tenants.utils import tenant_context

    worker = None
    try:
        started = time.perf_counter()
        course, instructor = seed(tenant, n)
        connection.set_schema_to_public()
        print(f"{n} eligible learners seeded in {time.perf_counter() - started:.1f} s")
        try:
            print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} cores")
        except OSError:
            pass

        from lms.certificates import services as certificate_services
        from lms.certificates.models import BulkIssueJob, Certificate

        mail_dir = data_dir / "mail"
        worker = worker_start(queues="celery")
        cpu_before = cpu_seconds(services)
        started = time.perf_counter()
        with tenant_context(tenant):
            with transaction.atomic():
                job = certificate_services.bulk_issue_start(course=course, actor=instructor)
            while BulkIssueJob.objects.get(pk=job.pk).status != BulkIssueJob.Status.DONE:
                if time.perf_counter() - started > 900:
                    break
                time.sleep(0.25)
            elapsed = time.perf_counter() - started
            job = BulkIssueJob.objects.get(pk=job.pk)
            rows = list(Certificate.objects.filter(course=course).values_list("status_list_index", "credential"))
        connection.set_schema_to_public()
        while (mails := _mails_delivered(mail_dir)) < len(rows) and time.perf_counter() - started < 900:
            time.sleep(0.25)
        mailed = time.perf_counter() - started
        cpu = cpu_used(cpu_before, cpu_seconds(services))
        try:
            load = " ".join(f"{v:.2f}" for v in os.getloadavg())
        except OSError:
            load = "?"

        sealed = sum(1 for index, credential in rows if index is not None and credential and credential.get("proof"))
        distinct = len({index for index, _ in rows})
        with tenant_context(tenant):
            from tenant_apps.credentials import api as credentials

            did_document = credentials.did_document()
            status_list = credentials.status_list_credential(rows[0][0]) if rows else None
        connection.set_schema_to_public()
        from tenant_apps.credentials.verify import verify_credential

        sample = [credential for _, credential in rows[:: max(1, len(rows) // 50)]]
        verified = sum(1 for credential in sample
                       if verify_credential(credential, did_document=did_document, status_list=status_list).valid)
        print(f"bulk issue: {len(job.report.get('issued', []))} issued of {n} in {elapsed:.1f} s "
              f"({len(rows) / elapsed:.1f} certificates/s); credentials sealed {sealed}, distinct status indexes "
              f"{distinct}; sample verified offline {verified}/{len(sample)}; {mails} emails delivered after {mailed:.1f} s")
        print(f"CPU seconds: {cpu}")
        print(f"load average after: {load}")
        ok = len(rows) == sealed == distinct == n and verified == len(sample)
        print(f"target ≤ 180 s for 1,000 (scaled: ≤ {180 * n / 1000:.0f} s for {n}): "
              f"{'met' if elapsed <= 180 * n / 1000 and ok else 'MISSED'}")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(30)
        connection.close()
        services.stop()
        import shutil

        shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
