"""Certificate pages: learners' "My certificates", the public verification page, and the
course staff's list, issue, bulk issue (with progress), revoke, reissue and the rules editor."""
from __future__ import annotations

from datetime import datetime, time
from functools import wraps
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from billing.api import PlanLimitExceeded, feature_check, limit_refusal_html, limit_refusal_plain
from lms.courses.api import Course, Enrollment, can_edit, can_grade
from lms.tracks import api as tracks_api
from tenants.api import tenant_admin_check

from . import rendering, selectors, services
from .models import Certificate, CertificateSettings
from .rules import rules_digest

FEATURE = "certificates"


def feature_required(view):
    """Every certificate page except verification needs the plan feature: otherwise a page that says so (403)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            feature_check(FEATURE)
        except PlanLimitExceeded as exc:
            user = request.user if request.user.is_authenticated else None
            message = limit_refusal_html(exc, user=user) if user and tenant_admin_check(user) else limit_refusal_plain(exc)
            return render(request, "certificates/unavailable.html", {"message": message}, status=403)
        return view(request, *args, **kwargs)

    return wrapper


def _messages_of(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [m for errors in exc.message_dict.values() for m in errors]
    return exc.messages


def course_staff(need: str):
    """Resolve <slug> to a course the user grades ("grade") or edits ("edit"); 404 otherwise."""

    def decorator(view):
        @login_required
        @feature_required
        @wraps(view)
        def wrapper(request, slug, *args, **kwargs):
            course = Course.objects.select_related("published_version").filter(slug=slug[:80]).first()
            allowed = course is not None and (can_grade(request.user, course) if need == "grade"
                                              else can_edit(request.user, course))
            if not allowed:
                raise Http404("No such course")
            return view(request, course, *args, **kwargs)

        return wrapper

    return decorator


def verify_url(request, number: str) -> str:
    return request.build_absolute_uri(reverse("certificates:verify", args=[number]))


def linkedin_url(request, certificate: Certificate) -> str:
    """LinkedIn's "Add license or certification" link, filled in."""
    return "https://www.linkedin.com/profile/add?" + urlencode({
        "startTask": "CERTIFICATION_NAME", "name": certificate.subject_title,
        "organizationName": certificate.institution_name, "issueYear": certificate.issued_at.year,
        "issueMonth": certificate.issued_at.month, "certUrl": verify_url(request, certificate.number),
        "certId": certificate.number,
    })


# --- learners and the public -----------------------------------------------------------------


@login_required
@feature_required
@require_GET
def my_certificates(request):
    rows = [{"certificate": c, "verify_url": verify_url(request, c.number), "linkedin_url": linkedin_url(request, c),
             "revocation": getattr(c, "revocation", None), "links": document_links(c.number)}
            for c in selectors.certificate_list_for_learner(learner=request.user)[:200]]
    have = {(c["certificate"].course_id, c["certificate"].rules_digest) for c in rows}
    pending = []
    for enrollment in (Enrollment.objects.filter(learner=request.user).exclude(status=Enrollment.Status.DROPPED)
                       .select_related("version", "course")[:50]):
        rules = selectors.version_rules(enrollment.version)
        if not rules or not rules.get("enabled"):
            continue
        if (enrollment.course_id, rules_digest(rules)) in have:
            continue
        result = selectors.course_eligibility(enrollment=enrollment)
        pending.append({"enrollment": enrollment, "result": result})
    return render(request, "certificates/mine.html", {"rows": rows, "pending": pending})


@require_GET
def verify_form(request):
    """Public (no login): a number field; a submitted number goes to its page (the QR target)."""
    number = selectors.number_normalise(request.GET.get("number", ""))
    if number:
        return redirect("certificates:verify", number=number)
    return render(request, "certificates/verify_form.html", {})


@require_GET
def verify(request, number: str):
    result = selectors.certificate_verify(number=number)
    status = 404 if result.status == "unknown" else 200
    return render(request, "certificates/verify.html", {"v": result}, status=status)


@require_GET
def verify_credential_json(request, number: str):
    """Public, like the page: the signed credential of a valid certificate (a revoked or unknown one: 404)."""
    result = selectors.certificate_verify(number=number)
    certificate = selectors.certificate_get_by_number(number=number) if result.status == "valid" else None
    if certificate is None or getattr(certificate, "revocation", None) is not None:
        raise Http404("No valid certificate has this number")
    return credential_response(services.certificate_credential_ensure(certificate=certificate))


# --- documents: the learner who owns the certificate, its course (track) staff, tenant admins ---


def document_links(number: str) -> dict:
    return {"pdf": reverse("certificates:pdf", args=[number]),
            "marksheet": reverse("certificates:marksheet", args=[number]),
            "credential": reverse("certificates:credential", args=[number])}


def _attachment(body: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(certificate: Certificate, *, kind: str, page_size: str | None) -> HttpResponse:
    certificate = services.certificate_credential_ensure(certificate=certificate)
    if kind == "marksheet":
        body = rendering.marksheet_pdf(certificate, page_size=page_size)
    else:
        body = rendering.certificate_pdf(certificate, page_size=page_size)
    return _attachment(body, content_type="application/pdf", filename=f"{kind}-{certificate.number}.pdf")


def credential_response(certificate: Certificate) -> HttpResponse:
    return _attachment(rendering.credential_json(certificate), content_type="application/json",
                       filename=f"credential-{certificate.number}.json")


def downloadable(request, number: str) -> Certificate:
    """404 for a missing certificate and for one the user may not download alike."""
    certificate = selectors.certificate_get_by_number(number=number)
    if certificate is None or not selectors.certificate_can_download(user=request.user, certificate=certificate):
        raise Http404("No such certificate")
    return certificate


def page_size_param(request) -> str | None:
    """?size=A4|Letter (any case); anything else falls back to the institution's default."""
    wanted = (request.GET.get("size") or "").strip().lower()
    return {"a4": "A4", "letter": "Letter"}.get(wanted)


@login_required
@feature_required
@require_GET
def certificate_pdf(request, number: str):
    return pdf_response(downloadable(request, number), kind="certificate", page_size=page_size_param(request))


@login_required
@feature_required
@require_GET
def marksheet_pdf(request, number: str):
    return pdf_response(downloadable(request, number), kind="marksheet", page_size=page_size_param(request))


@login_required
@feature_required
@require_GET
def credential_download(request, number: str):
    return credential_response(services.certificate_credential_ensure(certificate=downloadable(request, number)))


# --- course staff ----------------------------------------------------------------------------


def _day(value: str | None, *, end: bool = False):
    """A date filter as an aware datetime: the start (or end) of that day; None if empty or invalid."""
    try:
        day = parse_date((value or "")[:10])
    except ValueError:
        return None
    if day is None:
        return None
    moment = datetime.combine(day, time.max if end else time.min)
    return timezone.make_aware(moment)


def _list_filters(request) -> dict:
    """The staff lists' filters from the query string (anything unknown is ignored)."""
    status = request.GET.get("status", "")
    return {"status": status if status in ("valid", "revoked") else "", "search": request.GET.get("q", "").strip()[:100],
            "issued_from": _day(request.GET.get("from")), "issued_to": _day(request.GET.get("to"), end=True)}


def _list_context(request, filters: dict, rows) -> dict:
    return {"page": Paginator(rows, 50).get_page(request.GET.get("page")), "status": filters["status"],
            "q": filters["search"], "from": request.GET.get("from", ""), "to": request.GET.get("to", "")}


@course_staff("grade")
@require_GET
def staff_list(request, course):
    filters = _list_filters(request)
    context = _list_context(request, filters, selectors.certificate_list_for_course(course=course, **filters))
    have = set(Certificate.objects.filter(course=course).values_list("learner_id", flat=True))
    candidates = [e for e in selectors.cohort_enrollments(course=course)[:200] if e.learner_id not in have]
    jobs = list(course_jobs(course)[:5])
    return render(request, "certificates/staff_list.html", {
        **context, "course": course, "candidates": candidates, "jobs": jobs,
        "revoke_url": "certificates:staff-revoke", "reissue_url": "certificates:staff-reissue", "subject_slug": course.slug,
        "rules": selectors.version_rules(course.published_version) if course.published_version else None,
    })


def course_jobs(course):
    from .models import BulkIssueJob

    return BulkIssueJob.objects.filter(course=course)


@course_staff("grade")
@require_POST
def staff_issue(request, course, enrollment_uuid):
    enrollment = (Enrollment.objects.select_related("version", "course", "learner")
                  .filter(course=course, uuid=enrollment_uuid).first())
    if enrollment is None:
        raise Http404("No such enrollment")
    result = services.certificate_issue_for_enrollment(
        enrollment=enrollment, source=Certificate.Source.STAFF, issued_by=request.user,
        allow_ineligible=request.POST.get("override") in ("on", "1", "true"))
    if result.created:
        messages.success(request, f"Certificate {result.certificate.number} issued.")
    elif result.certificate is not None:
        messages.info(request, f"The learner already has certificate {result.certificate.number}.")
    else:
        messages.error(request, "Not eligible: " + "; ".join(result.eligibility.unmet if result.eligibility else []))
    return redirect("certificates:staff-list", slug=course.slug)


@course_staff("grade")
@require_POST
def staff_bulk(request, course):
    try:
        job = services.bulk_issue_start(course=course, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
        return redirect("certificates:staff-list", slug=course.slug)
    return redirect("certificates:staff-job", slug=course.slug, job_uuid=job.uuid)


@course_staff("grade")
@require_GET
def staff_job(request, course, job_uuid):
    job = selectors.bulk_job_get(course=course, job_uuid=job_uuid)
    if job is None:
        raise Http404("No such job")
    return render(request, "certificates/staff_job.html", {"course": course, "job": job})


def _course_certificate(course, number: str) -> Certificate:
    certificate = Certificate.objects.filter(course=course, number=selectors.number_normalise(number)).first()
    if certificate is None:
        raise Http404("No such certificate")
    return certificate


@course_staff("grade")
@require_POST
def staff_revoke(request, course, number):
    certificate = _course_certificate(course, number)
    try:
        services.certificate_revoke(certificate=certificate, reason=request.POST.get("reason", "")[:500], actor=request.user)
        messages.success(request, f"Certificate {certificate.number} revoked.")
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    return redirect("certificates:staff-list", slug=course.slug)


@course_staff("grade")
@require_POST
def staff_reissue(request, course, number):
    certificate = _course_certificate(course, number)
    try:
        new = services.certificate_reissue(certificate=certificate, actor=request.user,
                                           reason=request.POST.get("reason", "")[:500])
        messages.success(request, f"Certificate {new.number} issued; it replaces {certificate.number}.")
    except ValidationError as exc:
        messages.error(request, " ".join(_messages_of(exc)))
    return redirect("certificates:staff-list", slug=course.slug)


# --- track staff ------------------------------------------------------------------------------


def _staff_track(request, slug):
    """The track, for someone who may review its work (revoke and reissue its certificates); else 404."""
    track = tracks_api.Track.objects.filter(slug=slug[:80]).first()
    if track is None or not tracks_api.track_permission_has(request.user, tracks_api.TRACK_REVIEW, track):
        raise Http404("No such track")
    return track


def _track_certificate(track, number: str) -> Certificate:
    certificate = Certificate.objects.filter(track=track, number=selectors.number_normalise(number)).first()
    if certificate is None:
        raise Http404("No such certificate")
    return certificate


@login_required
@feature_required
@require_GET
def staff_track_list(request, slug):
    track = _staff_track(request, slug)
    filters = _list_filters(request)
    context = _list_context(request, filters, selectors.certificate_list_for_track(track=track, **filters))
    return render(request, "certificates/staff_track_list.html", {
        **context, "track": track, "revoke_url": "certificates:staff-track-revoke",
        "reissue_url": "certificates:staff-track-reissue", "subject_slug": track.slug})


@login_required
@feature_required
@require_POST
def staff_track_revoke(request, slug, number):
    track = _staff_track(request, slug)
    certificate = _track_certificate(track, number)
    try:
        services.certificate_revoke(certificate=certificate, reason=request.POST.get("reason", "")[:500], actor=request.user)
        messages.success(request, f"Certificate {certificate.number} revoked.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc))
    return redirect("certificates:staff-track-list", slug=track.slug)


@login_required
@feature_required
@require_POST
def staff_track_reissue(request, slug, number):
    track = _staff_track(request, slug)
    certificate = _track_certificate(track, number)
    try:
        new = services.certificate_reissue(certificate=certificate, actor=request.user,
                                           reason=request.POST.get("reason", "")[:500])
        messages.success(request, f"Certificate {new.number} issued; it replaces {certificate.number}.")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(_messages_of(exc)) if isinstance(exc, ValidationError) else str(exc))
    return redirect("certificates:staff-track-list", slug=track.slug)


# --- rules editors ---------------------------------------------------------------------------


def _rules_from_post(post, current: dict) -> dict:
    """The rules form: enabled, minimum completion, per quiz/assignment "required" + minimum and a
    weight, grade bands as lines "A = 90"."""
    rules = {"enabled": post.get("enabled") in ("on", "1", "true"),
             "min_completion_percent": post.get("min_completion_percent", "0") or "0",
             "quizzes": [], "assignments": [], "projects": [], "courses": [], "weights": {},
             "labs": current.get("labs", [])}
    for key in post:
        if key.startswith("weight:"):
            value = post.get(key).strip()
            if value:
                rules["weights"][key[7:]] = value
        for kind in ("quizzes", "assignments"):
            if key == f"required:{kind}":
                for ref in post.getlist(key):
                    rules[kind].append({"uuid": ref, "min_percent": post.get(f"min:{ref}", "0") or "0"})
        for kind in ("projects", "courses"):
            if key == f"required:{kind}":
                rules[kind] = [{"uuid": ref} for ref in post.getlist(key)]
    bands = []
    for line in post.get("grade_bands", "").splitlines():
        if line.strip():
            label, _, minimum = line.rpartition("=")
            bands.append({"label": label.strip(), "min_percent": minimum.strip()})
    rules["grade_bands"] = bands or None
    return rules


def _bands_text(rules: dict) -> str:
    return "\n".join(f"{b['label']} = {b['min_percent']}" for b in rules.get("grade_bands", []))


@course_staff("edit")
@require_http_methods(["GET", "POST"])
def studio_rules(request, course):
    from lms.courses.api import ContentItem

    current = selectors.course_rules_draft(course=course)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.course_rules_update(course=course, rules=_rules_from_post(request.POST, current), actor=request.user)
            messages.success(request, "Certificate rules saved in the draft: they apply from the next published version.")
            return redirect("certificates:studio-rules", slug=course.slug)
        except ValidationError as exc:
            errors = _messages_of(exc)
    items = list(ContentItem.objects.filter(lesson__module__course=course, kind__in=["quiz", "assignment"],
                                            ref_uuid__isnull=False).order_by("lesson__module__position", "lesson__position", "position"))
    required = {r["uuid"]: r["min_percent"] for k in ("quizzes", "assignments") for r in current.get(k, [])}
    rows = [{"item": i, "ref": str(i.ref_uuid), "kind": "quizzes" if i.kind == "quiz" else "assignments",
             "required": str(i.ref_uuid) in required, "min": required.get(str(i.ref_uuid), 60 if i.kind == "quiz" else 50),
             "weight": current.get("weights", {}).get(str(i.ref_uuid), "")} for i in items]
    return render(request, "certificates/studio_rules.html", {
        "course": course, "rules": current, "rows": rows, "bands": _bands_text(current), "errors": errors,
    }, status=400 if errors else 200)


@login_required
@feature_required
@require_http_methods(["GET", "POST"])
def studio_track_rules(request, slug):
    track = tracks_api.Track.objects.filter(slug=slug[:80]).first()
    if track is None or not tracks_api.track_permission_has(request.user, tracks_api.TRACK_EDIT, track):
        raise Http404("No such track")
    current = selectors.track_rules(track=track)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.track_rules_update(track=track, rules=_rules_from_post(request.POST, current), actor=request.user)
            messages.success(request, "Certificate rules saved.")
            return redirect("certificates:studio-track-rules", slug=track.slug)
        except (ValidationError, PermissionDenied) as exc:
            errors = _messages_of(exc) if isinstance(exc, ValidationError) else [str(exc)]
    required = {r["uuid"] for k in ("projects", "courses") for r in current.get(k, [])}
    rows = [{"item": i, "ref": str(i.uuid), "kind": "courses" if i.kind == "course" else "projects",
             "required": str(i.uuid) in required, "weight": current.get("weights", {}).get(str(i.uuid), "")}
            for i in tracks_api.track_items(track)]
    return render(request, "certificates/studio_track_rules.html", {
        "track": track, "rules": current, "rows": rows, "bands": _bands_text(current), "errors": errors,
    }, status=400 if errors else 200)


# --- tenant admins: certificate settings -----------------------------------------------------


@login_required
@feature_required
@require_http_methods(["GET", "POST"])
def settings_page(request):
    from .forms import CertificateSettingsForm

    if not tenant_admin_check(request.user):
        raise Http404("No such page")
    current = selectors.certificate_settings_get()
    if request.method == "POST":
        form = CertificateSettingsForm(request.POST, request.FILES, current=current)
        if form.is_valid():
            try:
                services.certificate_settings_update(page_size=form.cleaned_data["page_size"],
                                                     signatories=form.signatories(), actor=request.user)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "Certificate settings saved.")
                return redirect("certificates:settings")
    else:
        form = CertificateSettingsForm(current=current)
    return render(request, "certificates/settings.html", {
        "form": form, "section": "certificates", "rows": form.rows(),
        "max_signatories": CertificateSettings.MAX_SIGNATORIES,
    }, status=400 if form.errors else 200)
