"""Discussions API under /api/v1/courses/<slug>/discussions/: forums, threads, replies, votes,
answers, pin/lock, subscriptions, reports and the moderation queue, search, graded forums.

A course the caller neither learns in nor teaches answers 404 on every route (like a missing
one); staff-only operations by a learner answer 403; a locked thread or a second open report
answers 409.
"""
from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response

from tenants.api import TenantApi, error_response

from .. import selectors, services
from ..models import Report
from . import serializers as s

TAGS = ["discussions"]
PAGE = OpenApiParameter("page", OpenApiTypes.INT, required=False)


def _access(request, slug, *, staff: bool = False):
    access = selectors.course_access(user=request.user, slug=slug)
    if access is None:
        raise NotFound()
    if staff and not access.staff:
        raise PermissionDenied("Only the course staff can do this.")
    return access


def _forum(access, forum_uuid):
    forum = selectors.forum_get(access=access, forum_uuid=forum_uuid)
    if forum is None:
        raise NotFound()
    return forum


def _thread(access, thread_uuid):
    thread = selectors.thread_get(access=access, thread_uuid=thread_uuid)
    if thread is None:
        raise NotFound()
    return thread


def _post(access, post_uuid):
    post = selectors.post_get(access=access, post_uuid=post_uuid)
    if post is None:
        raise NotFound()
    return post


def _refused(exc: services.Refused) -> Response:
    return error_response(" ".join(exc.messages), code=exc.code, http_status=status.HTTP_409_CONFLICT)


def _page_meta(page) -> dict:
    return {"page": page.number, "pages": page.paginator.num_pages, "count": page.paginator.count}


class ForumListApi(TenantApi):
    @extend_schema(tags=TAGS, summary="The course's forums", responses={200: s.DiscussionForumOutput(many=True)})
    def get(self, request, slug):
        access = _access(request, slug)
        return Response(s.DiscussionForumOutput(selectors.forum_list(access=access), many=True).data)

    @extend_schema(tags=TAGS, summary="Add a forum (instructors)", request=s.DiscussionForumInput, responses={201: s.DiscussionForumOutput})
    def post(self, request, slug):
        access = _access(request, slug, staff=True)
        forum = services.forum_create(access=access, **self.validated(request, s.DiscussionForumInput))
        return Response(s.DiscussionForumOutput(forum).data, status=201)


class ForumApi(TenantApi):
    @extend_schema(tags=TAGS, summary="A forum", responses={200: s.DiscussionForumOutput})
    def get(self, request, slug, forum_uuid):
        return Response(s.DiscussionForumOutput(_forum(_access(request, slug), forum_uuid)).data)

    @extend_schema(tags=TAGS, summary="Change a forum (instructors)", request=s.DiscussionForumInput, responses={200: s.DiscussionForumOutput})
    def patch(self, request, slug, forum_uuid):
        access = _access(request, slug, staff=True)
        forum = services.forum_update(access=access, forum=_forum(access, forum_uuid),
                                      **self.validated(request, s.DiscussionForumInput, partial=True))
        return Response(s.DiscussionForumOutput(forum).data)


class ThreadListApi(TenantApi):
    @extend_schema(tags=TAGS, summary="The forum's threads, pinned first", parameters=[PAGE],
                   responses={200: s.DiscussionThreadListOutput})
    def get(self, request, slug, forum_uuid):
        access = _access(request, slug)
        page = selectors.thread_list_page(access=access, forum=_forum(access, forum_uuid), page=request.GET.get("page", 1))
        return Response({**_page_meta(page), "results": s.DiscussionThreadOutput(page.object_list, many=True).data})

    @extend_schema(tags=TAGS, summary="Start a thread", request=s.DiscussionThreadInput, responses={201: s.DiscussionThreadOutput})
    def post(self, request, slug, forum_uuid):
        access = _access(request, slug)
        forum = _forum(access, forum_uuid)
        thread = services.thread_create(access=access, forum=forum, **self.validated(request, s.DiscussionThreadInput))
        return Response(s.DiscussionThreadOutput(thread).data, status=201)


class SearchApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Search the course's threads (titles and posts)",
                   parameters=[OpenApiParameter("q", OpenApiTypes.STR, required=True), PAGE],
                   responses={200: s.DiscussionThreadListOutput})
    def get(self, request, slug):
        access = _access(request, slug)
        q = request.GET.get("q", "").replace("\x00", "").strip()[:200]
        if not q:
            return error_response("Give a search query: ?q=", code="invalid")
        page = selectors.thread_list_page(access=access, search=q, page=request.GET.get("page", 1))
        return Response({**_page_meta(page), "results": s.DiscussionThreadOutput(page.object_list, many=True).data})


class ThreadApi(TenantApi):
    @extend_schema(tags=TAGS, summary="A thread with one page of replies (50 top-level replies and their answers)",
                   parameters=[PAGE], responses={200: s.DiscussionThreadPageOutput})
    def get(self, request, slug, thread_uuid):
        access = _access(request, slug)
        tp = selectors.thread_page(access=access, thread=_thread(access, thread_uuid), page=request.GET.get("page", 1))
        return Response(s.DiscussionThreadPageOutput(tp).data)

    @extend_schema(tags=TAGS, summary="Pin or lock a thread (staff)", request=s.DiscussionThreadFlagsInput, responses={200: s.DiscussionThreadOutput})
    def patch(self, request, slug, thread_uuid):
        access = _access(request, slug, staff=True)
        thread = services.thread_flags_set(access=access, thread=_thread(access, thread_uuid),
                                           **self.validated(request, s.DiscussionThreadFlagsInput))
        return Response(s.DiscussionThreadOutput(thread).data)


class ReplyCreateApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Reply to a thread (or to a top-level reply)", request=s.DiscussionReplyInput,
                   responses={201: s.DiscussionPostOutput})
    def post(self, request, slug, thread_uuid):
        access = _access(request, slug)
        thread = _thread(access, thread_uuid)
        data = self.validated(request, s.DiscussionReplyInput)
        parent = _post(access, data["parent"]) if data["parent"] else None
        try:
            post = services.reply_create(access=access, thread=thread, body=data["body"], parent=parent,
                                         anonymous=data["anonymous"])
        except services.Refused as exc:
            return _refused(exc)
        return Response(s.DiscussionPostOutput(selectors.post_for_display(access=access, post=post)).data, status=201)


class AnswerApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Mark a reply as the answer (thread author or staff)", request=s.DiscussionAnswerInput,
                   responses={200: s.DiscussionThreadOutput})
    def post(self, request, slug, thread_uuid):
        access = _access(request, slug)
        thread = _thread(access, thread_uuid)
        data = self.validated(request, s.DiscussionAnswerInput)
        post = _post(access, data["post"]) if data["post"] else None
        return Response(s.DiscussionThreadOutput(services.answer_mark(access=access, thread=thread, post=post)).data)


class SubscriptionApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Follow a thread", request=None, responses={200: s.DiscussionSubscriptionOutput})
    def put(self, request, slug, thread_uuid):
        access = _access(request, slug)
        return Response({"subscribed": services.subscription_set(access=access, thread=_thread(access, thread_uuid),
                                                                 subscribed=True)})

    @extend_schema(tags=TAGS, summary="Stop following a thread", request=None, responses={200: s.DiscussionSubscriptionOutput})
    def delete(self, request, slug, thread_uuid):
        access = _access(request, slug)
        return Response({"subscribed": services.subscription_set(access=access, thread=_thread(access, thread_uuid),
                                                                 subscribed=False)})


class VoteApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Up-vote a post, or take the vote back (toggle)", request=None,
                   responses={200: s.DiscussionVoteOutput})
    def post(self, request, slug, post_uuid):
        access = _access(request, slug)
        try:
            voted, count = services.vote_toggle(access=access, post=_post(access, post_uuid))
        except services.Refused as exc:
            return _refused(exc)
        return Response({"voted": voted, "vote_count": count})


class ReportCreateApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Report a post to the course staff", request=s.DiscussionReportInput,
                   responses={201: s.DiscussionReportInput})
    def post(self, request, slug, post_uuid):
        access = _access(request, slug)
        post = _post(access, post_uuid)
        try:
            report = services.report_create(access=access, post=post, **self.validated(request, s.DiscussionReportInput))
        except services.Refused as exc:
            return _refused(exc)
        return Response({"reason": report.reason}, status=201)


class ModerateApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Hide, unhide or delete a post (staff)", request=s.DiscussionModerateInput,
                   responses={200: s.DiscussionPostOutput})
    def post(self, request, slug, post_uuid):
        access = _access(request, slug, staff=True)
        post = _post(access, post_uuid)
        try:
            post = services.post_moderate(access=access, post=post, **self.validated(request, s.DiscussionModerateInput))
        except services.Refused as exc:
            return _refused(exc)
        return Response(s.DiscussionPostOutput(selectors.post_for_display(access=access, post=post)).data)


class ReportListApi(TenantApi):
    @extend_schema(tags=TAGS, summary="The moderation queue (staff)",
                   parameters=[OpenApiParameter("status", OpenApiTypes.STR, required=False, enum=Report.Status.values), PAGE],
                   responses={200: s.DiscussionReportListOutput})
    def get(self, request, slug):
        access = _access(request, slug, staff=True)
        wanted = request.GET.get("status", Report.Status.OPEN)
        if wanted not in Report.Status.values:
            return error_response(f"status: one of {', '.join(Report.Status.values)}", code="invalid")
        page = Paginator(selectors.moderation_queue(access=access, status=wanted), selectors.QUEUE_PER_PAGE).get_page(
            request.GET.get("page", 1))
        reports = list(page.object_list)
        for r in reports:
            selectors.post_for_display(access=access, post=r.post)
        return Response({**_page_meta(page), "results": s.DiscussionReportOutput(reports, many=True).data})


class ReportApi(TenantApi):
    @extend_schema(tags=TAGS, summary="Resolve (hide the post) or dismiss a report (staff)", request=s.DiscussionReportResolveInput,
                   responses={200: s.DiscussionReportOutput})
    def post(self, request, slug, report_uuid):
        access = _access(request, slug, staff=True)
        report = selectors.report_get(access=access, report_uuid=report_uuid)
        if report is None:
            raise NotFound()
        try:
            report = services.report_resolve(access=access, report=report, **self.validated(request, s.DiscussionReportResolveInput))
        except services.Refused as exc:
            return _refused(exc)
        selectors.post_for_display(access=access, post=report.post)
        return Response(s.DiscussionReportOutput(report).data)


class GradeListApi(TenantApi):
    @extend_schema(tags=TAGS, summary="A graded forum's participants and their grades (staff)",
                   responses={200: s.DiscussionParticipantOutput(many=True)})
    def get(self, request, slug, forum_uuid):
        access = _access(request, slug, staff=True)
        forum = _forum(access, forum_uuid)
        return Response(s.DiscussionParticipantOutput(selectors.forum_participants(forum=forum), many=True).data)

    @extend_schema(tags=TAGS, summary="Grade a learner's participation (graders); shown in the gradebook",
                   request=s.DiscussionGradeInput, responses={200: s.DiscussionParticipantOutput})
    def post(self, request, slug, forum_uuid):
        access = _access(request, slug, staff=True)
        forum = _forum(access, forum_uuid)
        data = self.validated(request, s.DiscussionGradeInput)
        learner = User.objects.filter(pk=data["learner"]).first()
        if learner is None:
            raise ValidationError({"learner": "Not a learner of this course."})
        try:
            grade = services.grade_save(access=access, forum=forum, learner=learner, points=data["points"],
                                        feedback=data["feedback"])
        except services.Refused as exc:
            return _refused(exc)
        participant = selectors.Participant(learner=learner, posts=0, grade=grade)
        return Response(s.DiscussionParticipantOutput(participant).data)
