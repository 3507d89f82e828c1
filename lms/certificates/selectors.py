"""Reads: rule sets, eligibility (one learner or a whole cohort), certificate lists, verification."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet

from lms.assignments import api as assignments_api
from lms.courses import api as courses_api
from lms.courses.api import Course, CourseVersion, Enrollment
from lms.quizzes import api as quizzes_api
from lms.tracks import api as tracks_api

from .eligibility import Eligibility, evaluate_course, evaluate_track, LAB_PROVIDER
from .models import BulkIssueJob, Certificate, CertificateSettings, CourseRules, TrackRules
from .rules import rules_default

VERIFY_SECONDS = 300


def _verify_key(number: str) -> str:
    return f"certificates:verify:{number}"  # the cache key function prefixes the tenant schema


def number_normalise(number: str) -> str:
    return "".join(str(number or "").split()).upper()[:32]


# --- rules -----------------------------------------------------------------------------------


def course_rules_draft(*, course: Course) -> dict:
    row = CourseRules.objects.filter(course=course).first()
    return row.rules if row is not None else rules_default()


def version_rules(version: CourseVersion) -> dict | None:
    """The rule set published with this version (None: the version awards no certificate)."""
    return (version.snapshot or {}).get("certificate")


def track_rules(*, track) -> dict:
    row = TrackRules.objects.filter(track=track).first()
    return row.rules if row is not None else rules_default()


# --- eligibility -----------------------------------------------------------------------------


def _labs_completed(learner_id: int, rules: dict) -> set[str]:
    if not rules.get("labs"):
        return set()
    labs = courses_api.import_optional(LAB_PROVIDER)
    if labs is None:
        return set()
    return {lab["uuid"] for lab in rules["labs"] if labs.lab_completed(learner_id=learner_id, lab_uuid=lab["uuid"])}


def _evaluate(enrollment: Enrollment, rules: dict | None, quiz_scores: dict, grades: dict) -> Eligibility:
    learner_id = enrollment.learner_id
    return evaluate_course(
        rules=rules, digest=enrollment.version.digest or {}, progress_percent=enrollment.progress_percent,
        quiz_scores={str(q): (s[0], s[1]) for (lid, q), s in quiz_scores.items() if lid == learner_id},
        assignment_grades={a: g for (lid, a), g in grades.items() if lid == learner_id},
        labs_completed=_labs_completed(learner_id, rules or {}),
    )


def course_eligibility(*, enrollment: Enrollment) -> Eligibility:
    """Eligibility of one learner under the rules of their enrollment's version (3 queries)."""
    rules = version_rules(enrollment.version)
    if not rules or not rules.get("enabled"):
        return evaluate_course(rules=None, digest={}, progress_percent=0, quiz_scores={}, assignment_grades={})
    course = enrollment.course
    return _evaluate(enrollment, rules,
                     quizzes_api.quiz_scores_for_course(course=course, learner_id=enrollment.learner_id),
                     assignments_api.posted_grades_for_course(course=course, learner_id=enrollment.learner_id))


def cohort_enrollments(*, course: Course) -> QuerySet[Enrollment]:
    return (Enrollment.objects.filter(course=course).exclude(status=Enrollment.Status.DROPPED)
            .select_related("learner", "version", "course").order_by("id"))


def cohort_eligibility(*, course: Course, enrollments: list[Enrollment]) -> list[tuple[Enrollment, Eligibility]]:
    """Every given enrollment evaluated with course-wide score reads (2 queries + the versions)."""
    quiz_scores = quizzes_api.quiz_scores_for_course(course=course)
    grades = assignments_api.posted_grades_for_course(course=course)
    return [(e, _evaluate(e, version_rules(e.version), quiz_scores, grades)) for e in enrollments]


def track_eligibility(*, track, learner: User) -> Eligibility:
    rules = track_rules(track=track)
    if not rules.get("enabled"):
        return evaluate_track(rules=None, items=[], completed=set(), course_totals={})
    items = tracks_api.track_items(track)
    states = tracks_api.track_states(track=track, learner=learner, items=items)
    rows, completed, totals = [], set(), {}
    for item in items:
        ref = str(item.uuid)
        rows.append({"uuid": ref, "kind": item.kind, "title": item.title})
        if states.get(item.pk) in ("completed", "graded"):
            completed.add(ref)
        if item.kind == "course":
            enrollment = Enrollment.objects.select_related("version", "course").filter(
                course_id=item.course_id, learner=learner).first()
            totals[ref] = course_eligibility(enrollment=enrollment).total_percent if enrollment else None
    return evaluate_track(rules=rules, items=rows, completed=completed, course_totals=totals)


def tracks_with_course(*, course_id: int, learner_id: int) -> list:
    """The tracks with certificate rules that contain this course and the learner joined."""
    return list(tracks_api.Track.objects.filter(items__course_id=course_id, enrollments__learner_id=learner_id)
                .distinct())


def tracks_with_step(*, step_id: int, learner_id: int) -> list:
    return list(tracks_api.Track.objects.filter(items__project__steps__id=step_id, enrollments__learner_id=learner_id)
                .distinct())


# --- certificates ----------------------------------------------------------------------------


def certificate_list_for_learner(*, learner: User) -> QuerySet[Certificate]:
    return Certificate.objects.filter(learner=learner).select_related("revocation").order_by("-issued_at", "-id")


def certificate_list_for_course(*, course: Course, status: str = "", search: str = "",
                                issued_from: datetime | None = None, issued_to: datetime | None = None
                                ) -> QuerySet[Certificate]:
    return _certificates_filtered(Certificate.objects.filter(course=course), status=status, search=search,
                                  issued_from=issued_from, issued_to=issued_to)


def certificate_list_for_track(*, track, status: str = "", search: str = "",
                               issued_from: datetime | None = None, issued_to: datetime | None = None
                               ) -> QuerySet[Certificate]:
    return _certificates_filtered(Certificate.objects.filter(track=track), status=status, search=search,
                                  issued_from=issued_from, issued_to=issued_to)


def _certificates_filtered(rows: QuerySet[Certificate], *, status: str, search: str,
                           issued_from: datetime | None, issued_to: datetime | None) -> QuerySet[Certificate]:
    rows = rows.select_related("revocation", "learner")
    if status == "valid":
        rows = rows.filter(revocation__isnull=True)
    elif status == "revoked":
        rows = rows.filter(revocation__isnull=False)
    if search:
        rows = rows.filter(Q(learner_name__icontains=search) | Q(learner__email__icontains=search)
                           | Q(number__iexact=search.strip()))
    if issued_from:
        rows = rows.filter(issued_at__gte=issued_from)
    if issued_to:
        rows = rows.filter(issued_at__lte=issued_to)
    return rows.order_by("-issued_at", "-id")


def certificate_get_by_number(*, number: str) -> Certificate | None:
    return Certificate.objects.select_related("revocation").filter(number=number_normalise(number)).first()


@dataclass(frozen=True)
class Verification:
    status: str  # "valid" | "revoked" | "unknown"
    number: str
    learner_name: str = ""
    subject_title: str = ""
    institution_name: str = ""
    issued_at: str = ""  # ISO 8601
    grade_band: str = ""
    revoked_at: str = ""
    revocation_reason: str = ""
    replaced_by: str = ""  # the number of the certificate that replaces a revoked one
    # The credential's entry in the institution's published Bitstring Status List
    status_list: str = ""  # the statusListCredential URL
    status_list_index: str = ""  # the position in that list
    status_list_state: str = ""  # "revoked" | "not revoked" | "" (no credential)


def _status_of(cert: Certificate) -> dict:
    from tenant_apps.credentials import api as credentials

    entry = (cert.credential or {}).get("credentialStatus") if cert.status_list_index is not None else None
    if not isinstance(entry, dict):
        return {}
    revoked = credentials.status_is_revoked(cert.status_list_index)
    return {"status_list": entry.get("statusListCredential", ""), "status_list_index": entry.get("statusListIndex", ""),
            "status_list_state": "revoked" if revoked else "not revoked"}


def certificate_verify(*, number: str) -> Verification:
    """What the public verification page shows; cached per tenant (the key function adds the
    schema) and dropped on issue and revocation. On a miss: the certificate and its
    status-list bit (2 queries); none on a hit."""
    number = number_normalise(number)
    if not number:
        return Verification(status="unknown", number="")
    key = _verify_key(number)
    cached = cache.get(key)
    if cached is not None:
        return Verification(**cached)
    cert = (Certificate.objects.select_related("revocation", "replaced_by")
            .only("number", "learner_name", "subject_title", "institution_name", "issued_at", "grade_band",
                  "revocation__reason", "revocation__revoked_at", "replaced_by__number", "status_list_index",
                  "credential")
            .filter(number=number).first())
    if cert is None:
        result = Verification(status="unknown", number=number)
    else:
        revocation = getattr(cert, "revocation", None)  # reverse one-to-ones: absent -> None
        replaced = getattr(cert, "replaced_by", None)
        result = Verification(
            status="revoked" if revocation else "valid", number=cert.number, learner_name=cert.learner_name,
            subject_title=cert.subject_title, institution_name=cert.institution_name,
            issued_at=cert.issued_at.isoformat(), grade_band=cert.grade_band,
            revoked_at=revocation.revoked_at.isoformat() if revocation else "",
            revocation_reason=revocation.reason if revocation else "",
            replaced_by=replaced.number if replaced else "",
            **_status_of(cert),
        )
    cache.set(key, result.__dict__, VERIFY_SECONDS)
    return result


def verify_cache_drop(number: str) -> None:
    """Drop the cached answer now and again on commit (a reader between the two may have cached the old one)."""
    key = _verify_key(number_normalise(number))
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


def bulk_job_get(*, course: Course, job_uuid) -> BulkIssueJob | None:
    return BulkIssueJob.objects.filter(course=course, uuid=job_uuid).first()


def certificate_settings_get() -> CertificateSettings:
    """The institution's certificate settings (defaults, unsaved, until an admin saves them)."""
    return CertificateSettings.objects.filter(pk=1).first() or CertificateSettings(pk=1)


def certificate_can_download(*, user: User, certificate: Certificate) -> bool:
    """The learner who owns it, the course's (track's) staff, and tenant admins."""
    from tenants.api import tenant_admin_check

    from .services import _can_manage

    if not user.is_authenticated:
        return False
    return certificate.learner_id == user.pk or tenant_admin_check(user) or _can_manage(user, certificate)
