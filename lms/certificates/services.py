"""Writes: rule sets, issuing (automatic, by staff, in bulk), revocation, reissue.

A certificate is issued once per learner, subject (course or track) and rule set: the unique
constraint `certificate_one_per_rule_set` makes repeated and concurrent issue calls return
the one row. The row is never updated (the database refuses it), except the two write-once
columns the verifiable-credential part seals (`certificate_credential_attach`).
"""
from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from billing.api import feature_check, plan_feature_enabled
from lms.courses.api import Course, Enrollment, can_edit, can_grade
from lms.tracks import api as tracks_api
from tenants.api import audit_log, site_url_for_tenant, tenant_branding

from tenant_apps.credentials import api as credentials

from . import selectors
from .eligibility import Eligibility
from .models import BulkIssueJob, Certificate, CertificateSettings, CourseRules, Revocation, TrackRules
from .rules import rules_clean, rules_digest

NUMBER_PREFIX = "EC-"
FEATURE = "certificates"  # the plan feature every issue path needs


def number_make() -> str:
    """ "EC-" + 16 base32 characters: 80 random bits, unguessable."""
    return NUMBER_PREFIX + base64.b32encode(secrets.token_bytes(10)).decode()


def learner_name(user: User) -> str:
    return (user.get_full_name() or "").strip() or user.email or user.username


def _institution_name() -> str:
    try:
        return tenant_branding().get("name") or connection.tenant.name
    except Exception:  # noqa: BLE001 - a missing branding row must not stop issuing
        return getattr(connection.tenant, "name", "")


# --- rules -----------------------------------------------------------------------------------


@transaction.atomic
def course_rules_update(*, course: Course, rules: dict, actor: User) -> CourseRules:
    """Edit the DRAFT rules; learners see them once the course is published."""
    if not can_edit(actor, course):
        raise PermissionDenied("You cannot edit this course.")
    cleaned = rules_clean(rules)
    row, _ = CourseRules.objects.update_or_create(course=course, defaults={"rules": cleaned})
    audit_log(action="certificate.rules_update", target=course, after=cleaned, actor=actor)
    return row


@transaction.atomic
def track_rules_update(*, track, rules: dict, actor: User) -> TrackRules:
    if not tracks_api.track_permission_has(actor, tracks_api.TRACK_EDIT, track):
        raise PermissionDenied("You cannot edit this track.")
    cleaned = rules_clean(rules)
    row, _ = TrackRules.objects.update_or_create(track=track, defaults={"rules": cleaned})
    audit_log(action="certificate.track_rules_update", target=track, after=cleaned, actor=actor)
    return row


# --- issuing ---------------------------------------------------------------------------------


@dataclass
class IssueResult:
    certificate: Certificate | None  # the new one, the one the learner already had, or None (not eligible)
    created: bool
    eligibility: Eligibility | None = None


def _existing(*, learner_id: int, kind: str, course_id=None, track_id=None, digest: str) -> Certificate | None:
    # Any certificate of this rule set, reissues included: a revoked one is not issued again automatically.
    return Certificate.objects.filter(learner_id=learner_id, subject_kind=kind, course_id=course_id,
                                      track_id=track_id, rules_digest=digest).order_by("id").first()


def _create(*, fields: dict, lookup: dict) -> tuple[Certificate, bool]:
    try:
        with transaction.atomic():
            certificate = Certificate.objects.create(number=number_make(), issued_at=timezone.now(), **fields)
    except IntegrityError:
        existing = _existing(**lookup)
        if existing is None:
            raise
        return existing, False
    return certificate, True


def _after_issue(certificate: Certificate, actor: User | None) -> None:
    # One certificate, one credential: sealed in the issuing transaction (a failure issues nothing).
    from .sealing import credential_seal

    credential_seal(certificate)
    audit_log(action="certificate.issue", target=certificate, actor=actor,
              after={"number": certificate.number, "learner": certificate.learner_id, "source": certificate.source,
                     "grade_band": certificate.grade_band})
    selectors.verify_cache_drop(certificate.number)
    from tenant_apps.notifications.api import notify

    notify("certificate_issued", [certificate.learner],
           {"certificate": certificate, "site_name": certificate.institution_name,
            "site_url": site_url_for_tenant(connection.tenant, "/").rstrip("/")},
           url="/certificates/", actor=actor)


@transaction.atomic
def certificate_credential_ensure(*, certificate: Certificate) -> Certificate:
    """A certificate issued before credentials were wired gets its credential now (write-once, so
    at most once; a revoked one gets its status bit set at once). Others are returned unchanged."""
    if certificate.credential is not None:
        return certificate
    from .sealing import credential_seal

    locked = Certificate.objects.select_for_update().select_related("learner").get(pk=certificate.pk)
    if locked.credential is None:
        credential_seal(locked)
        if Revocation.objects.filter(certificate=locked).exists():
            credentials.status_set(locked.status_list_index, revoked=True)
    certificate.credential, certificate.status_list_index = locked.credential, locked.status_list_index
    return certificate


@transaction.atomic
def certificate_issue_for_enrollment(*, enrollment: Enrollment, source: str = Certificate.Source.AUTO,
                                     issued_by: User | None = None, allow_ineligible: bool = False,
                                     eligibility: Eligibility | None = None) -> IssueResult:
    """Issue the learner's certificate for their enrollment's version rules, once. Not eligible:
    nothing is written (unless staff override with allow_ineligible)."""
    feature_check(FEATURE)
    if issued_by is not None and not can_grade(issued_by, enrollment.course):
        raise PermissionDenied("You cannot issue certificates for this course.")
    rules = selectors.version_rules(enrollment.version)
    if not rules or not rules.get("enabled"):
        return IssueResult(None, False, selectors.course_eligibility(enrollment=enrollment))
    digest = rules_digest(rules)
    lookup = {"learner_id": enrollment.learner_id, "kind": Certificate.Subject.COURSE, "course_id": enrollment.course_id,
              "digest": digest}
    existing = _existing(**lookup)
    if existing is not None:
        return IssueResult(existing, False)
    result = eligibility or selectors.course_eligibility(enrollment=enrollment)
    if not result.eligible and not allow_ineligible:
        return IssueResult(None, False, result)
    title = ((enrollment.version.digest or {}).get("course") or {}).get("title") or enrollment.course.title
    certificate, created = _create(lookup=lookup, fields={
        "learner": enrollment.learner, "subject_kind": Certificate.Subject.COURSE, "course": enrollment.course,
        "version_number": enrollment.version.number, "rules": rules, "rules_digest": digest,
        "learner_name": learner_name(enrollment.learner), "subject_title": title,
        "institution_name": _institution_name(), "grade_band": result.grade_band,
        "total_percent": result.total_percent, "breakdown": result.breakdown_json(), "source": source,
        "issued_by": issued_by,
    })
    if created:
        _after_issue(certificate, issued_by)
    return IssueResult(certificate, created, result)


@transaction.atomic
def certificate_issue_for_track(*, track, learner: User, source: str = Certificate.Source.AUTO,
                                issued_by: User | None = None) -> IssueResult:
    feature_check(FEATURE)
    if issued_by is not None and not tracks_api.track_permission_has(issued_by, tracks_api.TRACK_REVIEW, track):
        raise PermissionDenied("You cannot issue certificates for this track.")
    rules = selectors.track_rules(track=track)
    if not rules.get("enabled"):
        return IssueResult(None, False, None)
    digest = rules_digest(rules)
    lookup = {"learner_id": learner.pk, "kind": Certificate.Subject.TRACK, "track_id": track.pk, "digest": digest}
    existing = _existing(**lookup)
    if existing is not None:
        return IssueResult(existing, False)
    result = selectors.track_eligibility(track=track, learner=learner)
    if not result.eligible:
        return IssueResult(None, False, result)
    certificate, created = _create(lookup=lookup, fields={
        "learner": learner, "subject_kind": Certificate.Subject.TRACK, "track": track, "rules": rules,
        "rules_digest": digest, "learner_name": learner_name(learner), "subject_title": track.title,
        "institution_name": _institution_name(), "grade_band": result.grade_band,
        "total_percent": result.total_percent, "breakdown": result.breakdown_json(), "source": source,
        "issued_by": issued_by,
    })
    if created:
        _after_issue(certificate, issued_by)
    return IssueResult(certificate, created, result)


def certificate_auto_issue(*, learner_id: int, course_id: int | None = None, step_id: int | None = None) -> list[str]:
    """After a grade/progress event: issue what the learner has become eligible for (the course,
    and the tracks containing it or the project step). Idempotent; returns the new numbers."""
    issued = []
    learner = User.objects.filter(pk=learner_id).first()
    if learner is None or not plan_feature_enabled(FEATURE):
        return issued
    tracks = []
    if course_id is not None:
        enrollment = (Enrollment.objects.select_related("version", "course", "learner")
                      .filter(course_id=course_id, learner_id=learner_id).exclude(status=Enrollment.Status.DROPPED)
                      .first())
        if enrollment is not None:
            result = certificate_issue_for_enrollment(enrollment=enrollment)
            if result.created:
                issued.append(result.certificate.number)
        tracks = selectors.tracks_with_course(course_id=course_id, learner_id=learner_id)
    if step_id is not None:
        tracks += selectors.tracks_with_step(step_id=step_id, learner_id=learner_id)
    for track in {t.pk: t for t in tracks}.values():
        result = certificate_issue_for_track(track=track, learner=learner)
        if result.created:
            issued.append(result.certificate.number)
    return issued


@transaction.atomic
def certificate_credential_attach(*, certificate: Certificate, credential: dict | None = None,
                                  status_list_index: int | None = None) -> None:
    """Seal the write-once columns (for tenant_apps.credentials): each may go from NULL to a value
    once; the database trigger refuses any other change. ValidationError if already set."""
    fields = {}
    if credential is not None:
        fields["credential"] = credential
    if status_list_index is not None:
        fields["status_list_index"] = status_list_index
    if not fields:
        return
    rows = Certificate.objects.filter(pk=certificate.pk, **{f"{name}__isnull": True for name in fields})
    if rows.update(**fields) != 1:
        raise ValidationError("This certificate's credential is already sealed.")
    for name, value in fields.items():
        setattr(certificate, name, value)


# --- revocation and reissue ------------------------------------------------------------------


def _can_manage(user: User, certificate: Certificate) -> bool:
    if certificate.course_id:
        course = Course.objects.filter(pk=certificate.course_id).first()
        return course is not None and can_grade(user, course)
    track = tracks_api.Track.objects.filter(pk=certificate.track_id).first()
    return track is not None and tracks_api.track_permission_has(user, tracks_api.TRACK_REVIEW, track)


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, actor: User) -> Revocation:
    if not _can_manage(actor, certificate):
        raise PermissionDenied("You cannot revoke this certificate.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the certificate is revoked (learners and verifiers see it)."})
    if "\x00" in reason:
        raise ValidationError({"reason": "The reason cannot contain null characters."})
    try:
        with transaction.atomic():
            revocation = Revocation.objects.create(certificate=certificate, reason=reason[:500],
                                                   revoked_at=timezone.now(), revoked_by=actor)
    except IntegrityError:
        raise ValidationError("This certificate is already revoked.") from None
    status_list_index = (Certificate.objects.filter(pk=certificate.pk)
                         .values_list("status_list_index", flat=True).first())
    if status_list_index is not None:  # the published status list says revoked from this commit on
        credentials.status_set(status_list_index, revoked=True)
    audit_log(action="certificate.revoke", target=certificate, actor=actor,
              after={"number": certificate.number, "reason": revocation.reason})
    selectors.verify_cache_drop(certificate.number)
    return revocation


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, actor: User, reason: str = "") -> Certificate:
    """A correction: revoke (if not yet) and issue a new certificate (new number) for the same
    subject and rule set, with the learner's current name and scores; it names the one it replaces."""
    if not _can_manage(actor, certificate):
        raise PermissionDenied("You cannot reissue this certificate.")
    if "\x00" in (reason or ""):
        raise ValidationError({"reason": "The reason cannot contain null characters."})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if Certificate.objects.filter(replaces=certificate).exists():
        raise ValidationError("This certificate was already reissued.")
    if not Revocation.objects.filter(certificate=certificate).exists():
        certificate_revoke(certificate=certificate, reason=reason or "Replaced by a corrected certificate", actor=actor)
    learner = certificate.learner
    if certificate.subject_kind == Certificate.Subject.COURSE:
        enrollment = (Enrollment.objects.select_related("version", "course")
                      .filter(course_id=certificate.course_id, learner=learner).first())
        result = selectors.course_eligibility(enrollment=enrollment) if enrollment else None
        title = certificate.subject_title if enrollment is None else (
            ((enrollment.version.digest or {}).get("course") or {}).get("title") or enrollment.course.title)
    else:
        track = tracks_api.Track.objects.filter(pk=certificate.track_id).first()
        result = selectors.track_eligibility(track=track, learner=learner) if track else None
        title = track.title if track else certificate.subject_title
    new = Certificate.objects.create(
        number=number_make(), issued_at=timezone.now(), learner=learner, subject_kind=certificate.subject_kind,
        course_id=certificate.course_id, track_id=certificate.track_id, version_number=certificate.version_number,
        rules=certificate.rules, rules_digest=certificate.rules_digest, learner_name=learner_name(learner),
        subject_title=title, institution_name=_institution_name(),
        grade_band=result.grade_band if result and result.grade_band else certificate.grade_band,
        total_percent=result.total_percent if result and result.breakdown else certificate.total_percent,
        breakdown=result.breakdown_json() if result and result.breakdown else certificate.breakdown,
        source=Certificate.Source.REISSUE, issued_by=actor, replaces=certificate,
    )
    _after_issue(new, actor)
    selectors.verify_cache_drop(certificate.number)  # it now names its replacement
    return new


# --- bulk ------------------------------------------------------------------------------------


@transaction.atomic
def bulk_issue_start(*, course: Course, actor: User) -> BulkIssueJob:
    feature_check(FEATURE)
    if not can_grade(actor, course):
        raise PermissionDenied("You cannot issue certificates for this course.")
    if course.published_version_id is None or not course.versions.exists():
        raise ValidationError("The course is not published.")
    job = BulkIssueJob.objects.create(course=course, created_by=actor,
                                      total=selectors.cohort_enrollments(course=course).count())
    audit_log(action="certificate.bulk_issue", target=course, actor=actor, after={"job": str(job.uuid)})
    from .tasks import bulk_issue_task

    transaction.on_commit(lambda: bulk_issue_task.delay(job_id=job.pk))
    return job


BATCH = 100


def bulk_issue_run(*, job_id: int) -> BulkIssueJob:
    """Run (or resume) a bulk job: every enrollment evaluated, the eligible issued, a report."""
    job = BulkIssueJob.objects.select_related("course").get(pk=job_id)
    if job.status == BulkIssueJob.Status.DONE:
        return job
    report = {"issued": [], "not_eligible": [], "already": []} | (job.report or {})
    done = {r["learner"] for kind in ("issued", "not_eligible", "already") for r in report[kind]}
    BulkIssueJob.objects.filter(pk=job.pk).update(status=BulkIssueJob.Status.RUNNING)
    enrollments = [e for e in selectors.cohort_enrollments(course=job.course) if e.learner_id not in done]
    for start in range(0, len(enrollments), BATCH):
        batch = enrollments[start:start + BATCH]
        for enrollment, result in selectors.cohort_eligibility(course=job.course, enrollments=batch):
            who = {"learner": enrollment.learner_id, "name": learner_name(enrollment.learner),
                   "email": enrollment.learner.email}
            outcome = certificate_issue_for_enrollment(enrollment=enrollment, source=Certificate.Source.BULK,
                                                       eligibility=result)
            if outcome.created:
                report["issued"].append(who | {"number": outcome.certificate.number})
            elif outcome.certificate is not None:
                report["already"].append(who | {"number": outcome.certificate.number})
            else:
                report["not_eligible"].append(who | {"reasons": outcome.eligibility.unmet if outcome.eligibility else []})
        BulkIssueJob.objects.filter(pk=job.pk).update(processed=len(done) + start + len(batch), report=report)
    BulkIssueJob.objects.filter(pk=job.pk).update(status=BulkIssueJob.Status.DONE, finished_at=timezone.now(),
                                                  report=report, processed=len(done) + len(enrollments),
                                                  total=max(job.total, len(done) + len(enrollments)))
    job.refresh_from_db()
    return job


# --- settings --------------------------------------------------------------------------------


@dataclass
class SignatoryInput:
    name: str
    title: str = ""
    signature_upload: object = None  # an uploaded image (PNG, JPEG, WebP), or None: keep the current one
    remove_signature: bool = False


@transaction.atomic
def certificate_settings_update(*, page_size: str, signatories: list[SignatoryInput], actor: User) -> CertificateSettings:
    """Tenant admins: the default page size and up to three signatories (name, title, signature
    image checked by its content). Replaced or removed images are deleted once committed."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tenant_apps.accounts.api import image_kind
    from tenants.api import tenant_admin_check

    if not tenant_admin_check(actor):
        raise PermissionDenied("Only the institution's administrators change certificate settings.")
    if page_size not in CertificateSettings.PageSize.values:
        raise ValidationError({"page_size": "Choose A4 or Letter."})
    if len(signatories) > CertificateSettings.MAX_SIGNATORIES:
        raise ValidationError(f"At most {CertificateSettings.MAX_SIGNATORIES} signatories.")
    row = CertificateSettings.objects.select_for_update().filter(pk=1).first() or CertificateSettings(pk=1)
    current = list(row.signatories or [])
    stored, keep, errors, saved = [], set(), {}, []
    for position, given in enumerate(signatories):
        name, title = (given.name or "").strip()[:200], (given.title or "").strip()[:200]
        old = current[position].get("signature", "") if position < len(current) else ""
        signature = "" if given.remove_signature else old
        if given.signature_upload is not None:
            data = given.signature_upload.read(2 * 1024 * 1024 + 1)
            kind = image_kind(data[:16])
            if len(data) > 2 * 1024 * 1024 or kind is None:
                errors[f"signature_{position + 1}"] = "Upload a PNG, JPEG or WebP image under 2 MB."
                continue
            signature = default_storage.save(f"certificates/signatures/{secrets.token_hex(8)}.{kind}",
                                             ContentFile(data))
            saved.append(signature)
        if "\x00" in name + title:
            errors[f"name_{position + 1}"] = "Names and titles cannot contain null characters."
            continue
        if not name:
            continue  # an empty row: no signatory
        stored.append({"name": name, "title": title, "signature": signature})
        keep.add(signature)
    for name in [n for n in saved if errors or n not in keep]:
        default_storage.delete(name)  # an upload on an empty row, or a refused form
    if errors:
        raise ValidationError(errors)
    before = {"page_size": row.page_size, "signatories": current}
    row.page_size, row.signatories = page_size, stored
    row.save()
    for old in {s.get("signature", "") for s in current} - keep - {""}:
        transaction.on_commit(lambda name=old: default_storage.delete(name))
    audit_log(action="certificate.settings_update", target=row, actor=actor, before=before,
              after={"page_size": row.page_size, "signatories": stored})
    return row
