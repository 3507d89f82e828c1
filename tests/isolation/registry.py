"""Every route of the tenant URLconf, and which of B's real objects fills each of its parameters.

REGISTRY maps (parameter name, route pattern) to a kind of object of the seeded world (see
seed.py): the first entry whose name matches and whose pattern is found in the route wins.
A parameter no entry matches is reported by `unmapped()`, and the suite fails on it: a new
route cannot slip through with a made-up id.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver

PARAM = re.compile(r"<(?:(?P<conv>\w+):)?(?P<name>\w+)>")
ALL_METHODS = ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")

REGISTRY: list[tuple[str, str, str]] = [
    # (parameter, regex searched in the route, kind of B's object)
    ("public_id", r"^studio/courses/.*/announcements/", "course_announcement"),
    ("public_id", r"^manage/announcements/", "tenant_announcement"),
    ("public_id", r"^announcements/", "announcement"),
    ("attachment_id", r"^studio/courses/.*/announcements/", "course_announcement_attachment"),
    ("attachment_id", r"^manage/announcements/", "tenant_announcement_attachment"),
    ("attachment_id", r"^announcements/", "announcement_attachment"),
    ("id", r"^api/v1/studio/courses/.*/announcements/", "course_announcement"),
    ("id", r"^api/v1/manage/announcements/", "tenant_announcement"),
    ("id", r"^api/v1/me/announcements/", "announcement"),
    ("export_id", r"", "export"),
    ("conversation_id", r"", "conversation"),
    ("id", r"^api/v1/me/conversations/", "conversation"),
    ("message_id", r"", "message"),
    ("id", r"^api/v1/me/messages/", "message"),
    ("attachment_id", r"", "message_attachment"),
    ("report_id", r"", "message_report"),
    ("user_id", r"^messages/blocks/", "member"),
    ("id", r"^api/v1/me/message-blocks/", "member"),
    ("public_id", r"^notifications/", "notification"),
    ("id", r"^api/v1/me/notifications/", "notification"),
    ("token", r"^notifications/unsubscribe/", "unsubscribe_token"),
    ("id", r"^api/v1/privacy/exports/", "export"),
    ("id", r"^api/v1/manage/privacy/users/", "member"),
    ("public_id", r"^manage/privacy/users/", "member"),
    ("slug", r"^(api/v1/)?(studio/)?tracks/", "track_slug"),
    ("slug", r"^(api/v1/)?(manage/)?campaigns/<slug:slug>/scholarships?/", "scholarship_campaign_slug"),
    ("slug", r"^(api/v1/)?(manage/)?campaigns/", "campaign_slug"),
    ("slug", r"", "course_slug"),
    ("module", r"", "module"),
    ("lesson", r"", "lesson"),
    ("item", r"/file$", "file_item"),
    ("item", r"", "content_item"),
    ("item_uuid", r"^tracks/", "track_item"),
    ("item_uuid", r"/file$", "file_item"),
    ("item_uuid", r"", "content_item"),
    ("enrollment_uuid", r"", "enrollment"),
    ("number", r"^studio/tracks/", "track_certificate_number"),
    ("number", r"certificates", "certificate_number"),
    ("job_uuid", r"", "certificate_job"),
    ("quiz_uuid", r"", "quiz"),
    ("question_uuid", r"", "question"),
    ("attempt_uuid", r"", "attempt"),
    ("assignment_uuid", r"", "assignment"),
    ("submission_uuid", r"^(track-submissions|studio/tracks)/", "step_submission"),
    ("submission_uuid", r"", "submission"),
    ("category_uuid", r"", "category"),
    ("cohort_uuid", r"^(api/v1/)?studio/tracks/", "track_cohort"),
    ("cohort_uuid", r"", "cohort"),
    ("learner_id", r"", "cohort_learner"),
    ("forum_uuid", r"", "discussion_forum"),
    ("thread_uuid", r"", "discussion_thread"),
    ("post_uuid", r"", "discussion_post"),
    ("report_uuid", r"", "discussion_report"),
    ("project_uuid", r"", "project"),
    ("step_uuid", r"", "step"),
    ("session_uuid", r"", "live_session"),
    ("public_id", r"^manage/users/import/", "user_import"),
    ("public_id", r"^manage/users/", "member"),
    ("public_id", r"^manage/invitations/", "invitation"),
    ("public_id", r"^(api/v1/)?studio/tracks/", "track_staff"),
    ("public_id", r"/staff/", "course_staff"),
    ("id", r"^api/v1/users/imports/", "user_import"),
    ("id", r"^api/v1/users/", "member"),
    ("id", r"^api/v1/invitations/", "invitation"),
    ("id", r"/modules/", "module"),
    ("id", r"/lessons/", "lesson"),
    ("id", r"/items/", "content_item"),
    ("id", r"/staff/", "course_staff"),
    ("kind", r"^billing/buy/", "product_kind"),
    ("ref", r"^billing/buy/", "product_ref"),
    ("public_id", r"^(manage/payments|billing)/orders/", "order"),
    ("id", r"^api/v1/(manage/)?billing/orders/", "order"),
    ("code", r"^(api/v1/)?manage/(payments|billing)/coupons/", "coupon"),
    ("public_id", r"^manage/campaigns/.*/scholarships/seats/", "scholarship_seat"),
    ("public_id", r"^manage/campaigns/.*/scholarships/applications/", "scholarship_application"),
    ("id", r"^api/v1/campaigns/.*/scholarships/seats/", "scholarship_seat"),
    ("id", r"^api/v1/campaigns/.*/scholarships/applications/", "scholarship_application"),
    ("public_id", r"^manage/campaigns/.*/tiers/", "tier"),
    ("public_id", r"^manage/campaigns/.*/backers-exports/", "backers_export"),
    ("id", r"^api/v1/campaigns/.*/backers-exports/", "backers_export"),
    ("public_id", r"^credentials/status/", "status_list"),
    ("id", r"^api/v1/campaigns/.*/tiers/", "tier"),
    ("public_id", r"^campaigns/my-pledges/", "pledge"),
    ("public_id", r"^campaigns/.*/comments/", "comment"),
    ("id", r"^api/v1/me/pledges/", "pledge"),
    ("public_id", r"^manage/privacy/retention/runs/", "retention_run"),
    ("id", r"^api/v1/manage/privacy/retention/runs/", "retention_run"),
    ("public_id", r"^(manage/)?privacy/(policies|versions)/", "policy_version"),
    ("id", r"^api/v1/manage/privacy/policies/", "policy_version"),
    ("public_id", r"^manage/privacy/erasures/", "erasure"),
    ("id", r"^api/v1/manage/privacy/erasures/", "erasure"),
    ("token", r"^privacy/erasure/cancel/", "erasure_cancel_token"),
    ("token", r"^calendar/feed/", "calendar_feed_token"),
    ("token", r"^accounts/verify/", "verify_token"),
    ("token", r"^accounts/invitation/", "invitation_token"),
    ("uidb64", r"^accounts/reset/", "reset_uid"),
    ("token", r"^accounts/reset/", "reset_token"),
]


@dataclass(frozen=True)
class Route:
    pattern: str  # e.g. "studio/courses/<slug:slug>/modules/<uuid:module>/rename"
    name: str
    callback: object

    @property
    def params(self) -> list[str]:
        return [m.group("name") for m in PARAM.finditer(self.pattern)]

    def __str__(self) -> str:
        return self.pattern


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield Route(prefix + str(p.pattern), p.name or "", p.callback)


def tenant_routes() -> list[Route]:
    from config import urls_tenant

    seen: dict[str, Route] = {}
    for route in _walk(get_resolver(urls_tenant).url_patterns):
        seen.setdefault(route.pattern, route)
    return sorted(seen.values(), key=lambda r: r.pattern)


def kind_for(route: Route, param: str) -> str | None:
    for name, where, kind in REGISTRY:
        if name == param and re.search(where, route.pattern):
            return kind
    return None


def unmapped(routes: list[Route]) -> list[str]:
    return [f"{r.pattern}: <{p}>" for r in routes for p in r.params if kind_for(r, p) is None]


def paths(route: Route, values: dict[str, list[str]]) -> list[str]:
    """Every path of the route with its parameters filled from `values` (kind -> ids): their product."""
    params = route.params
    choices = [values[kind_for(route, p)] for p in params]
    out = []
    for combo in itertools.product(*choices):
        filled = iter(combo)
        out.append("/" + PARAM.sub(lambda _m: next(filled), route.pattern))
    return out


def allowed_methods(route: Route) -> list[str]:
    """The methods the view answers: a class's handlers, or a function view's require_http_methods list;
    an unrestricted function view answers every method."""
    view_class = getattr(route.callback, "view_class", None)
    if view_class is not None:
        methods = [m.upper() for m in view_class.http_method_names if hasattr(view_class, m)]
        if "GET" in methods and "HEAD" not in methods:
            methods.append("HEAD")
        return [m for m in ALL_METHODS if m in methods]
    fn, seen = route.callback, set()
    while fn is not None and id(fn) not in seen:
        seen.add(id(fn))
        for cell in getattr(fn, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, (list, tuple)) and value and all(isinstance(v, str) and v.isupper() for v in value):
                methods = set(value)
                if "GET" in methods:
                    methods.add("HEAD")
                return [m for m in ALL_METHODS if m in methods]
        fn = getattr(fn, "__wrapped__", None)
    return list(ALL_METHODS)
