"""Request bodies of the isolation walk, and the proof that they are valid.

Every write (POST/PUT/PATCH) of the walk sends the body `kwargs_for(b, route, method)` gives:
the per-route override of BODIES if the route has one, else the universal form/JSON dict below
(every field name any of our forms/serializers uses, with a plausible value; views ignore the
fields they do not know). A refusal of a foreign write only proves isolation if the same
request would have been *accepted* for the object's legitimate owner: a body rejected by
validation (400) before the object lookup proves nothing. That is what the control pass of
tests/test_isolation.py checks (`test_write_bodies_are_accepted_by_the_owner`): the same
method, path and body, sent by B's own people on B's host, in a savepoint rolled back after
each request. A route whose universal body the owner rejects gets an override here; one for
which no body can be accepted in a rollback-only run is listed, with its reason, in
UNPROVEN (tests/test_isolation.py).

Overrides are keyed by route pattern, or "METHOD pattern" for one method; the function gets
B's seeded world (`b.values`: registry kind -> B's real ids, `b.people`) and returns the form
data (pages) or JSON object (API). Where the form/serializer allows it, an override is derived
from it generically (`derived_form`), so it follows the fields when they change.
"""
from __future__ import annotations

import json
import secrets
from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.isolation.seed import PDF

PASSWORD = "correct-horse-battery-staple"
MULTIPART_API = ("/cover", "users/imports", "/submissions", "settings", "/attachments")

def _form(b, route) -> dict:
    v, people = b.values, b.people
    body = {
        "title": "Hijacked", "name": "Hijacked", "summary": "Hijacked", "description": "Hijacked", "body": "Hijacked",
        "text": "Hijacked", "url": "https://example.com/hijacked", "kind": "text", "direction": "up", "position": "1",
        "role": "tenant_admin", "course_role": "instructor", "track_role": "teaching_assistant", "is_active": "false", "active": "0", "points": "10",
        "feedback": "Hijacked", "weight_percent": "10", "version": "1", "version_number": "1", "number": "1",
        "change_note": "Hijacked", "note": "Hijacked", "accepted": "true", "decision": "accept", "action": "accept",
        "first_name": "Hijacked", "last_name": "Hijacked", "display_name": "Hijacked", "prompt": "Hijacked?",
        "explanation": "x", "confirm": "yes", "deliverable": "url", "instructions": "x", "is_published": "on",
        "free_order": "on", "grade_posting": "manual", "max_submissions": "3", "category": v["category"][0],
        "course": v["course_slug"][0], "email": people["instructor2"].email, "user": people["instructor2"].email,
        "password": PASSWORD, "password1": "N3w-Passw0rd-long!", "password2": "N3w-Passw0rd-long!",
        "new_password1": "N3w-Passw0rd-long!", "new_password2": "N3w-Passw0rd-long!", "post": "on",
        "accept_policies": "on",
    }
    if route.pattern.startswith("accounts/login"):
        body |= {"username": people["admin"].email, "email": people["admin"].email}
    if route.pattern.startswith("accounts/signup") or route.pattern.startswith("manage/invitations"):
        body["email"] = f"new-{secrets.token_hex(4)}@example.org"
    return body


def _files() -> dict:
    pdf = SimpleUploadedFile("work.pdf", PDF, content_type="application/pdf")
    return {"file": pdf, "cover": SimpleUploadedFile("cover.pdf", PDF, content_type="application/pdf")}


def _json(b, route) -> dict:
    v, people = b.values, b.people
    body = {
        "title": "Hijacked", "name": "Hijacked", "summary": "Hijacked", "description": "Hijacked", "body": "Hijacked",
        "text": "Hijacked", "url": "https://example.com/hijacked", "kind": "text", "role": "tenant_admin",
        "course_role": "instructor", "track_role": "teaching_assistant", "is_active": False, "points": 10, "feedback": "Hijacked", "weight_percent": 10,
        "version": 1, "version_number": 1, "change_note": "Hijacked", "accepted": True, "decision": "accept",
        "first_name": "Hijacked", "last_name": "Hijacked", "display_name": "Hijacked", "prompt": "Hijacked?",
        "is_published": True, "free_order": True, "post": True, "completed": True, "position_seconds": 5,
        "video_position_seconds": 5, "answers": {q: "Hijacked" for q in v["question"]}, "grades": {
            v["question"][-1]: {"points": 5, "feedback": "Hijacked"}},
        "ids": v["module"], "order": v["question"], "email": people["instructor2"].email,
        "user": v["member"][0],
        "category": v["category"][0], "grade_posting": "manual",
    }
    if route.pattern.startswith("api/v1/auth/token"):
        body = {"email": people["admin"].email, "password": PASSWORD, "refresh": people["admin"].refresh or people["admin"].jwt}
    if route.pattern.startswith("api/v1/invitations"):
        body["email"] = f"new-{secrets.token_hex(4)}@example.org"
    return body



# --- per-route overrides: pattern or "METHOD pattern" -> function(b) -> body ---

Body = Callable[[object, object], dict]  # (b, route) -> body
_CACHE: dict[tuple, dict] = {}


def derived_form(owner: str, **changes) -> Body:
    """The form the route's page renders for `owner` (GET, B's host), submitted as rendered (every
    field with its current value: a valid edit by construction), with `changes` on top. Derived
    from the form itself, so it follows the form's fields; read once per route and cached."""

    def body(b, route) -> dict:
        key = (id(b), route.pattern, owner)
        if key not in _CACHE:
            from django.conf import settings
            from django.forms import BaseForm
            from django.test import Client

            from tests.isolation import registry

            client = Client(HTTP_HOST=f"{b.tenant.slug}.{settings.PLATFORM_DOMAIN}")
            client.cookies["sessionid"] = b.people[owner].session
            response = client.get(registry.paths(route, b.values)[0])
            assert response.status_code == 200, f"GET {route.pattern} as {owner}: {response.status_code}"
            forms = [v for c in response.context for v in c.flatten().values() if isinstance(v, BaseForm)]
            assert forms, f"{route.pattern}: the page renders no form to derive a body from"
            form = next((f for f in forms if f.prefix is None), forms[0])
            _CACHE[key] = _form_data(form)
        return _CACHE[key] | changes

    return body


def _form_data(form) -> dict:
    from django import forms as django_forms

    data = {}
    for bound in form:
        if isinstance(bound.field, django_forms.FileField):
            continue
        value = bound.value()
        if isinstance(bound.field, django_forms.BooleanField):
            if value:
                data[bound.html_name] = "on"
        elif isinstance(value, (list, tuple)):
            data[bound.html_name] = [str(v) for v in value]
        elif value is not None:
            data[bound.html_name] = str(getattr(value, "pk", value))
    return data


def _png(name: str = "cover.png") -> SimpleUploadedFile:
    from tenant_apps.accounts.tests.manage_helpers import png_bytes

    return SimpleUploadedFile(name, png_bytes(), "image/png")


def _question_uuids(b) -> list[str]:
    from django.db import connection
    from django_tenants.utils import tenant_context

    from lms.quizzes.models import Question

    with tenant_context(b.tenant):
        out = [str(u) for u in Question.objects.filter(quiz__uuid=b.values["quiz"][0])
               .order_by("position").values_list("uuid", flat=True)]
    connection.set_schema_to_public()
    return out


def _essay(b) -> str:
    return b.values["question"][-1]  # the last question of the seeded quiz is the essay


def _deadline(fmt: str = "%Y-%m-%dT%H:%M") -> str:
    from datetime import timedelta

    from django.utils import timezone

    return (timezone.now() + timedelta(days=40)).strftime(fmt)


def _live_session(fmt: str = "%Y-%m-%dT%H:%M") -> dict:
    from datetime import timedelta

    from django.utils import timezone

    start = timezone.now() + timedelta(days=40)
    return {"title": "Hijacked", "starts_at": start.strftime(fmt), "ends_at": (start + timedelta(hours=1)).strftime(fmt),
            "join_url": "https://meet.example.org/hijacked", "description": "Hijacked"}


BODIES: dict[str, Body] = {
    # privacy: a valid draft (the universal "kind" is not a policy kind), accepting B's version 1
    "manage/privacy/policies/new": lambda b, r: {"kind": "terms", "title": "Hijacked", "body": "Hijacked"},
    "manage/privacy/policies/<uuid:public_id>/": lambda b, r: {"kind": "privacy", "title": "Hijacked", "body": "Hijacked"},
    "api/v1/manage/privacy/policies": lambda b, r: {"kind": "terms", "title": "Hijacked", "body": "Hijacked"},
    "api/v1/privacy/consents": lambda b, r: {"documents": [b.values["policy_version"][1]]},
    # messages: a staff colleague as recipient; a report's reason; a mute; a block of a member
    "api/v1/me/conversations": lambda b, r: {"recipients": [str(b.people["instructor2"].user.profile.public_id)],
                                             "body": "Hijacked"},
    "messages/new/": lambda b, r: {"recipients": [str(b.people["instructor2"].user.profile.public_id)],
                                   "body": "Hijacked"},
    "api/v1/me/conversations/<uuid:id>/messages": lambda b, r: {"body": "Hijacked"},
    "api/v1/me/conversations/<uuid:id>/mute": lambda b, r: {"muted": True},
    "api/v1/me/messages/<uuid:id>/report": lambda b, r: {"reason": "Hijacked"},
    "messages/m/<uuid:message_id>/report": lambda b, r: {"reason": "Hijacked"},
    "api/v1/me/message-blocks": lambda b, r: {"user": str(b.people["instructor2"].user.profile.public_id)},
    "messages/blocks/": lambda b, r: {"user": str(b.people["instructor2"].user.profile.public_id)},
    # notifications: one choice changed (the universal body has no "preferences")
    "api/v1/me/notification-preferences": lambda b, r: {"preferences": {"certificate_issued": "in_app"}},
    # crowdfunding: a new draft, its parts, a state change B's live campaign allows, the learner's pledge
    "manage/campaigns/new/": lambda b, r: {"title": "Hijacked", "pitch": "Hijacked", "category": "other",
                                           "goal_amount": "100.00", "deadline": _deadline()},
    "manage/campaigns/<slug:slug>/": derived_form("admin", title="Hijacked"),
    "manage/campaigns/<slug:slug>/tiers/": lambda b, r: {"tier-title": "Hijacked", "tier-minimum_amount": "25.00"},
    "manage/campaigns/<slug:slug>/stretch-goals/": lambda b, r: {"goal-amount": "3000.00", "goal-text": "Hijacked"},
    "manage/campaigns/<slug:slug>/faq/": lambda b, r: {"faq-question": "Hijacked?", "faq-answer": "Hijacked"},
    "campaigns/<slug:slug>/comments/": lambda b, r: {"body": "Hijacked"},
    "campaigns/<slug:slug>/comments/<uuid:public_id>/moderate": lambda b, r: {"action": "hide"},
    "manage/campaigns/<slug:slug>/updates/": lambda b, r: {"update-title": "Hijacked", "update-body": "Hijacked"},
    "api/v1/campaigns/<slug:slug>/updates": lambda b, r: {"title": "Hijacked", "body": "Hijacked"},
    "manage/campaigns/<slug:slug>/state": lambda b, r: {"action": "cancel"},
    "campaigns/my-pledges/<uuid:public_id>/": lambda b, r: {"tier": b.values["tier"][0], "amount": "35.00"},
    "api/v1/campaigns": lambda b, r: {"title": "Hijacked", "pitch": "Hijacked", "goal_amount": 10_000,
                                      "deadline": _deadline("%Y-%m-%dT%H:%M:%SZ")},
    "api/v1/campaigns/<slug:slug>": lambda b, r: {"title": "Hijacked"},
    "api/v1/campaigns/<slug:slug>/state": lambda b, r: {"action": "cancel"},
    "api/v1/campaigns/<slug:slug>/tiers": lambda b, r: {"title": "Hijacked", "minimum_amount": 2_500},
    "api/v1/campaigns/<slug:slug>/pledges": lambda b, r: {"amount": 2_500},
    "api/v1/me/pledges/<uuid:id>": lambda b, r: {"tier": b.values["tier"][0], "amount": 3_500},
    # scholarships: the live scholarship campaign's seats rise; an application; the applicant picked
    "manage/campaigns/<slug:slug>/scholarships/": lambda b, r: {"target": f"course:{b.values['product_ref'][0]}",
                                                                "seats_wanted": "50"},
    "manage/campaigns/<slug:slug>/scholarships/applications/<uuid:public_id>/decide": lambda b, r: {"decision": "award"},
    "campaigns/<slug:slug>/scholarship/": lambda b, r: {"motivation": "Hijacked"},
    "api/v1/campaigns/<slug:slug>/scholarships/applications": lambda b, r: {"motivation": "Hijacked"},
    "api/v1/campaigns/<slug:slug>/scholarships/applications/<uuid:id>/decide": lambda b, r: {"decision": "award"},
    # privacy: a member held from retention
    "manage/privacy/users/<uuid:public_id>/retention-hold": lambda b, r: {"action": "hold", "reason": "Hijacked"},
    "api/v1/manage/privacy/users/<uuid:id>/retention-hold": lambda b, r: {"reason": "Hijacked"},
    # privacy: a retention policy change, a dry run
    "manage/privacy/retention/policies": lambda b, r: {"category": "audit", "days": "120", "enabled": "on"},
    "api/v1/manage/privacy/retention": lambda b, r: {"category": "audit", "days": 120, "enabled": True},
    "api/v1/manage/privacy/retention/runs": lambda b, r: {"dry_run": True},
    # payments: B's priced course with B's 100 % coupon (no Stripe needed); a new coupon; a refund
    "billing/buy/<slug:kind>/<str:ref>/": lambda b, r: {"coupon": b.values["coupon"][0]},
    "api/v1/billing/orders": lambda b, r: {"product_kind": "course", "product_ref": b.values["product_ref"][0],
                                           "coupon": b.values["coupon"][0]},
    "manage/payments/coupons/": lambda b, r: {"code": f"NEW{secrets.token_hex(3)}", "kind": "percent", "percent_off": "5"},
    "api/v1/manage/billing/coupons": lambda b, r: {"code": f"NEW{secrets.token_hex(3)}", "kind": "percent", "percent_off": 5},
    "manage/payments/orders/<uuid:public_id>/refund": lambda b, r: {"amount": "1.00", "revoke_access": "keep"},
    "api/v1/manage/billing/orders/<str:id>/refunds": lambda b, r: {"amount": 100},
    # pages: the edit forms, as rendered for their owner, with a change
    # privacy (erasure): the person's password; the emailed cancel token; the cool-off setting
    "api/v1/privacy/erasure": lambda b, r: {"password": PASSWORD},
    "api/v1/privacy/erasure/cancel": lambda b, r: {"token": b.values["erasure_cancel_token"][0]},
    "manage/privacy/settings": lambda b, r: {"erasure_cool_off_days": "7"},
    "manage/settings/": derived_form("admin", site_name="Hijacked"),
    "studio/courses/<slug:slug>/": derived_form("instructor", title="Hijacked"),
    "studio/courses/<slug:slug>/assignments/<uuid:assignment_uuid>/": derived_form("instructor", title="Hijacked"),
    "studio/courses/<slug:slug>/quizzes/<uuid:quiz_uuid>/": derived_form("instructor", title="Hijacked"),
    # the tracks editor dispatches on "action" (lms/tracks/views.py studio_edit)
    "studio/tracks/<slug:slug>/": lambda b, r: {"action": "details", "title": "Hijacked", "description": "Hijacked"},
    # project steps: a due date on B's step (page) and through the API
    "studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/": lambda b, r: {
        "action": "due", "step": b.values["step"][0], "due_at": _deadline()},
    "api/v1/studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/steps": lambda b, r: {
        "title": "Hijacked", "deliverable": "text", "due_at": _deadline("%Y-%m-%dT%H:%M:%SZ")},
    "api/v1/studio/tracks/<slug:slug>/projects/<uuid:project_uuid>/steps/<uuid:step_uuid>": lambda b, r: {
        "title": "Hijacked", "due_at": _deadline("%Y-%m-%dT%H:%M:%SZ")},
    # live sessions: a valid session (https link, ends after it starts)
    "studio/courses/<slug:slug>/live-sessions/": lambda b, r: _live_session(),
    "studio/courses/<slug:slug>/live-sessions/<uuid:session_uuid>/": lambda b, r: _live_session(),
    "api/v1/courses/<slug:slug>/live-sessions": lambda b, r: _live_session("%Y-%m-%dT%H:%M:%SZ"),
    "api/v1/courses/<slug:slug>/live-sessions/<uuid:session_uuid>": lambda b, r: _live_session("%Y-%m-%dT%H:%M:%SZ"),
    # enrolment by email: a member of B not yet enrolled
    "courses/<slug:slug>/enrollments/": lambda b, r: {"emails": b.people["ta"].email},
    "api/v1/courses/<str:slug>/enrollments": lambda b, r: {"emails": [b.people["ta"].email]},
    # grading: points for the essay of the submitted attempt
    "studio/courses/<slug:slug>/quizzes/attempts/<uuid:attempt_uuid>/":
        lambda b, r: {f"points-{_essay(b)}": "1", f"feedback-{_essay(b)}": "Hijacked"},
    # the learner's open attempt: an answer to the essay only (choice answers name option ids)
    "api/v1/me/quiz-attempts/<uuid:attempt_uuid>": lambda b, r: {"answers": {_essay(b): "Hijacked"}},
    "api/v1/me/quiz-attempts/<uuid:attempt_uuid>/submit": lambda b, r: {"answers": {_essay(b): "Hijacked"}},
    # an image, not the universal PDF
    "api/v1/studio/courses/<str:slug>/cover": lambda b, r: {"file": _png()},
    # a text item's fields only (the first content item is the text reading)
    "PATCH api/v1/studio/courses/<str:slug>/items/<str:id>": lambda b, r: {"title": "Hijacked", "body": "Hijacked"},
    "studio/courses/<slug:slug>/quizzes/<uuid:quiz_uuid>/questions/new":
        lambda b, r: {"kind": "essay", "prompt": "Hijacked?", "points": "1"},
    # which grade category a quiz counts in: one of the course's quizzes and categories
    "studio/courses/<slug:slug>/grade-categories/quizzes":
        lambda b, r: {"quiz": b.values["quiz"][0], "category": b.values["category"][0]},
    "api/v1/studio/courses/<slug:slug>/quizzes/<uuid:quiz_uuid>/questions":
        lambda b, r: {"kind": "essay", "prompt": "Hijacked?", "points": 1},
    # reorders must list every current child exactly once
    "api/v1/studio/courses/<slug:slug>/quizzes/<uuid:quiz_uuid>/questions/order":
        lambda b, r: {"order": list(reversed(_question_uuids(b)))},
    "api/v1/studio/courses/<str:slug>/modules/reorder": lambda b, r: {"order": b.values["module"]},
    "api/v1/studio/courses/<str:slug>/modules/<str:id>/lessons/reorder": lambda b, r: {"order": b.values["lesson"]},
    "api/v1/studio/courses/<str:slug>/lessons/<str:id>/items/reorder":
        lambda b, r: {"order": list(reversed(b.values["content_item"]))},
    # certificates: a revocation needs its reason; rules need "enabled"; staff issue names an enrollment
    "studio/courses/<slug:slug>/certificates/<str:number>/revoke": lambda b, r: {"reason": "Hijacked"},
    "studio/tracks/<slug:slug>/certificates/<str:number>/revoke": lambda b, r: {"reason": "Hijacked"},
    "api/v1/certificates/<str:number>/revoke": lambda b, r: {"reason": "Hijacked"},
    "api/v1/studio/courses/<slug:slug>/certificate-rules": lambda b, r: {"enabled": True, "min_completion_percent": 0},
    "api/v1/studio/tracks/<slug:slug>/certificate-rules": lambda b, r: {"enabled": True, "min_completion_percent": 0},
    "api/v1/courses/<slug:slug>/certificates": lambda b, r: {"enrollment": b.values["enrollment"][0]},
    "manage/certificates/settings": derived_form("admin", name_1="Hijacked Signer", title_1="Hijacked"),
    # discussions: what each action names (a reply to mark, a staff action, a report's reason, a graded learner)
    "learn/<slug:slug>/discussions/threads/<uuid:thread_uuid>/answer": lambda b, r: {"post": b.values["discussion_post"][0]},
    "learn/<slug:slug>/discussions/threads/<uuid:thread_uuid>/flags": lambda b, r: {"action": "pin"},
    "learn/<slug:slug>/discussions/posts/<uuid:post_uuid>/report": lambda b, r: {"reason": "Hijacked"},
    "learn/<slug:slug>/discussions/posts/<uuid:post_uuid>/moderate": lambda b, r: {"action": "hide"},
    "studio/courses/<slug:slug>/discussions/forums/<uuid:forum_uuid>/grades":
        lambda b, r: {"learner": str(b.people["learner"].user.pk), "points": "5"},
    "studio/courses/<slug:slug>/discussions/reports/<uuid:report_uuid>": lambda b, r: {"action": "dismiss"},
    "api/v1/courses/<slug:slug>/discussions/threads/<uuid:thread_uuid>/answer":
        lambda b, r: {"post": b.values["discussion_post"][0]},
    "api/v1/courses/<slug:slug>/discussions/posts/<uuid:post_uuid>/report": lambda b, r: {"reason": "Hijacked"},
    "api/v1/courses/<slug:slug>/discussions/posts/<uuid:post_uuid>/moderate": lambda b, r: {"action": "hide"},
    "api/v1/courses/<slug:slug>/discussions/forums/<uuid:forum_uuid>/grades":
        lambda b, r: {"learner": b.people["learner"].user.pk, "points": 5},
    "api/v1/courses/<slug:slug>/discussions/reports/<uuid:report_uuid>": lambda b, r: {"action": "dismiss"},
}
# cohorts and trainers (lms/cohorts), the same for a course and a track: B's learner (enrolled in
# both, member of both cohorts) added again, given no trainer; the cap set
for _scope in ("studio/courses/<slug:slug>/", "studio/tracks/<slug:slug>/"):
    BODIES |= {
        _scope + "cohorts/<uuid:cohort_uuid>/members": lambda b, r: {"emails": b.people["learner"].email},
        _scope + "trainers/assign": lambda b, r: {"learner": b.values["cohort_learner"][0], "trainer": ""},
        _scope + "trainers/cap": lambda b, r: {"max_learners_per_trainer": "20"},
        "api/v1/" + _scope + "cohorts/<uuid:cohort_uuid>/members": lambda b, r: {"learners": b.values["cohort_learner"]},
        "api/v1/" + _scope + "trainers/assignments": lambda b, r: {"learner": b.values["cohort_learner"][0], "trainer": None},
        "api/v1/" + _scope + "trainers/cap": lambda b, r: {"max_learners_per_trainer": 20},
    }


def override_for(route, method: str) -> Body | None:
    return BODIES.get(f"{method} {route.pattern}") or BODIES.get(route.pattern)


def body_for(b, route, method: str) -> tuple[dict, bool]:
    """(body, is_override) of a write."""
    override = override_for(route, method)
    if override is not None:
        return override(b, route), True
    if route.pattern.startswith("api/"):
        return _json(b, route), False
    return _form(b, route), False


def _multipart(data: dict, files: dict) -> dict:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    data = {k: (v if isinstance(v, (str, list)) else str(v)) for k, v in data.items()} | files
    return {"data": encode_multipart(BOUNDARY, data), "content_type": MULTIPART_CONTENT}


def kwargs_for(b, route, method: str) -> dict:
    """Client.generic() keyword arguments of one request: the body of a write, nothing for a read/DELETE."""
    if method in ("GET", "HEAD", "OPTIONS", "DELETE"):
        return {}
    is_api = route.pattern.startswith("api/")
    multipart = not is_api or (method == "POST" and any(m in route.pattern for m in MULTIPART_API))
    override = override_for(route, method)
    if override is not None:
        body = override(b, route)
        files = {k: v for k, v in body.items() if isinstance(v, SimpleUploadedFile)}
        if not multipart and not files:
            return {"data": json.dumps(body), "content_type": "application/json"}
        return _multipart({k: v for k, v in body.items() if k not in files}, files)
    if not multipart:
        return {"data": json.dumps(_json(b, route)), "content_type": "application/json"}
    data = (_json(b, route) | {k: str(v) for k, v in _form(b, route).items()}) if is_api else _form(b, route)
    files = _files()
    if route.pattern == "api/v1/users/imports" or route.pattern == "manage/users/import/":
        files["file"] = SimpleUploadedFile("members.csv", b"email,first_name,last_name,role\nhij@example.org,H,J,learner\n",
                                           "text/csv")
    return _multipart(data, files)
