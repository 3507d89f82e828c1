"""Announcements API: the member's own (/me/announcements: list, detail, mark read), the course staff's
(/studio/courses/<slug>/announcements) and the tenant admins' tenant-wide ones (/manage/announcements).

Anything the caller may not see answers 404 like a missing one; an enrolled learner writing to their
course's staff routes gets 403.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from django.core.exceptions import ValidationError
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from tenant_apps.accounts.api import IsTenantAdmin
from tenants.api import PlanLimitExceeded, TenantApi, error_response

from .. import selectors, services
from . import serializers as s

MY_TAGS = ["announcements"]
STAFF_TAGS = ["studio: announcements"]
MANAGE_TAGS = ["manage: announcements"]
NOT_FOUND = OpenApiResponse(description="No such announcement, or not yours to see")


def _staff_course(request, slug):
    course = selectors.course_get(slug=slug)
    if course is None:
        raise NotFound()
    if not selectors.is_course_staff(user=request.user, course=course):
        if selectors.is_enrolled(user=request.user, course_id=course.pk):
            raise PermissionDenied("Only the course's staff write announcements.")
        raise NotFound()
    return course


def _staff_announcement(course, public_id):
    announcement = selectors.staff_get(course=course, public_id=public_id)
    if announcement is None:
        raise NotFound()
    return announcement


# --- the member's own --------------------------------------------------------------------------------

class MyAnnouncementListApi(TenantApi):
    @extend_schema(tags=MY_TAGS, summary="Announcements to me (tenant-wide and my courses'), pinned first",
                   responses={200: s.MyAnnouncementOutput(many=True)})
    def get(self, request):
        rows = selectors.announcement_list_for_user(user=request.user).prefetch_related("attachments")[:200]
        return Response(s.MyAnnouncementOutput(rows, many=True).data)


class MyAnnouncementApi(TenantApi):
    @extend_schema(tags=MY_TAGS, summary="One announcement to me", responses={200: s.MyAnnouncementOutput, 404: NOT_FOUND})
    def get(self, request, id):
        announcement = selectors.announcement_get_for_viewer(user=request.user, public_id=id)
        if announcement is None:
            raise NotFound()
        return Response(s.MyAnnouncementOutput(announcement).data)


class MyAnnouncementReadApi(TenantApi):
    @extend_schema(tags=MY_TAGS, summary="Mark an announcement read (idempotent)", request=None,
                   responses={204: None, 404: NOT_FOUND})
    def post(self, request, id):
        announcement = selectors.announcement_get_for_viewer(user=request.user, public_id=id)
        if announcement is None:
            raise NotFound()
        services.announcement_mark_read(announcement=announcement, user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- staff (course) and tenant admins (tenant-wide): one implementation, two scopes --------------------

class _ListBase(TenantApi):
    def scope(self, request, **kwargs):
        raise NotImplementedError

    def _list(self, request, **kwargs):
        course = self.scope(request, **kwargs)
        rows = selectors.staff_list(course=course).prefetch_related("attachments")
        return Response(s.StaffAnnouncementOutput(rows, many=True).data)

    def _create(self, request, **kwargs):
        course = self.scope(request, **kwargs)
        data = self.validated(request, s.AnnouncementInput)
        announcement = services.announcement_create(author=request.user, course=course, **data)
        return Response(s.StaffAnnouncementOutput(announcement).data, status=status.HTTP_201_CREATED)


class _DetailBase(TenantApi):
    def scope(self, request, **kwargs):
        raise NotImplementedError

    def _get(self, request, id, **kwargs):
        return _staff_announcement(self.scope(request, **kwargs), id)

    def _patch(self, request, id, **kwargs):
        announcement = self._get(request, id, **kwargs)
        data = self.validated(request, s.AnnouncementInput, partial=True)
        data = {k: v for k, v in data.items() if k in request.data}
        announcement = services.announcement_update(announcement=announcement, actor=request.user, **data)
        return Response(s.StaffAnnouncementOutput(announcement).data)

    def _delete(self, request, id, **kwargs):
        services.announcement_delete(announcement=self._get(request, id, **kwargs), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _reads(self, request, id, **kwargs):
        announcement = self._get(request, id, **kwargs)
        reads = selectors.reads_list(announcement=announcement).select_related("user__profile")
        return Response(s.ReadsOutput({"count": reads.count(), "audience": selectors.audience_size(announcement=announcement),
                                       "reads": reads[:5000]}).data)


    def _attach(self, request, id, **kwargs):
        announcement = self._get(request, id, **kwargs)
        data = self.validated(request, s.AttachmentInput)
        try:
            attachment = services.attachment_add(announcement=announcement, upload=data["file"], actor=request.user)
        except services.AttachmentTooLarge as exc:
            return error_response(" ".join(exc.messages), code="too_large",
                                  http_status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
        except PlanLimitExceeded:
            raise
        except ValidationError as exc:
            return error_response(" ".join(exc.messages), code=getattr(exc, "code", None) or "invalid")
        return Response(s.AnnouncementAttachmentOutput(attachment).data, status=status.HTTP_201_CREATED)


ATTACH_RESPONSES = {201: s.AnnouncementAttachmentOutput, 400: OpenApiResponse(description="Empty file or too many attachments"),
                    404: NOT_FOUND, 413: OpenApiResponse(description="The file is over the size limit")}


class _CourseScope:
    def scope(self, request, slug):
        return _staff_course(request, slug)


class _TenantScope:
    permission_classes = [IsTenantAdmin]

    def scope(self, request):
        return None


class CourseAnnouncementListApi(_CourseScope, _ListBase):
    @extend_schema(tags=STAFF_TAGS, summary="A course's announcements, every state, with read counts",
                   responses={200: s.StaffAnnouncementOutput(many=True), 404: NOT_FOUND})
    def get(self, request, slug):
        return self._list(request, slug=slug)

    @extend_schema(tags=STAFF_TAGS, summary="Announce to the course's enrolled learners (now or at publish_at)",
                   request=s.AnnouncementInput, responses={201: s.StaffAnnouncementOutput, 400: OpenApiResponse(
                       description="Invalid input"), 403: OpenApiResponse(description="Not the course's staff"),
                       404: NOT_FOUND})
    def post(self, request, slug):
        return self._create(request, slug=slug)


class CourseAnnouncementApi(_CourseScope, _DetailBase):
    @extend_schema(tags=STAFF_TAGS, summary="One of the course's announcements",
                   responses={200: s.StaffAnnouncementOutput, 404: NOT_FOUND})
    def get(self, request, slug, id):
        return Response(s.StaffAnnouncementOutput(self._get(request, id, slug=slug)).data)

    @extend_schema(tags=STAFF_TAGS, summary="Change an announcement", request=s.AnnouncementInput(partial=True),
                   responses={200: s.StaffAnnouncementOutput, 404: NOT_FOUND})
    def patch(self, request, slug, id):
        return self._patch(request, id, slug=slug)

    @extend_schema(tags=STAFF_TAGS, summary="Delete an announcement", responses={204: None, 404: NOT_FOUND})
    def delete(self, request, slug, id):
        return self._delete(request, id, slug=slug)


class CourseAnnouncementReadsApi(_CourseScope, _DetailBase):
    @extend_schema(tags=STAFF_TAGS, summary="Who has read an announcement", responses={200: s.ReadsOutput, 404: NOT_FOUND})
    def get(self, request, slug, id):
        return self._reads(request, id, slug=slug)


class CourseAnnouncementAttachmentsApi(_CourseScope, _DetailBase):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=STAFF_TAGS, summary="Attach a file to an announcement",
                   request={"multipart/form-data": s.AttachmentInput}, responses=ATTACH_RESPONSES)
    def post(self, request, slug, id):
        return self._attach(request, id, slug=slug)


class TenantAnnouncementListApi(_TenantScope, _ListBase):
    @extend_schema(tags=MANAGE_TAGS, summary="Tenant-wide announcements, every state, with read counts",
                   responses={200: s.StaffAnnouncementOutput(many=True)})
    def get(self, request):
        return self._list(request)

    @extend_schema(tags=MANAGE_TAGS, summary="Announce to every active member (now or at publish_at)",
                   request=s.AnnouncementInput, responses={201: s.StaffAnnouncementOutput})
    def post(self, request):
        return self._create(request)


class TenantAnnouncementApi(_TenantScope, _DetailBase):
    @extend_schema(tags=MANAGE_TAGS, summary="One tenant-wide announcement",
                   responses={200: s.StaffAnnouncementOutput, 404: NOT_FOUND})
    def get(self, request, id):
        return Response(s.StaffAnnouncementOutput(self._get(request, id)).data)

    @extend_schema(tags=MANAGE_TAGS, summary="Change a tenant-wide announcement", request=s.AnnouncementInput(partial=True),
                   responses={200: s.StaffAnnouncementOutput, 404: NOT_FOUND})
    def patch(self, request, id):
        return self._patch(request, id)

    @extend_schema(tags=MANAGE_TAGS, summary="Delete a tenant-wide announcement", responses={204: None, 404: NOT_FOUND})
    def delete(self, request, id):
        return self._delete(request, id)


class TenantAnnouncementReadsApi(_TenantScope, _DetailBase):
    @extend_schema(tags=MANAGE_TAGS, summary="Who has read a tenant-wide announcement",
                   responses={200: s.ReadsOutput, 404: NOT_FOUND})
    def get(self, request, id):
        return self._reads(request, id)


class TenantAnnouncementAttachmentsApi(_TenantScope, _DetailBase):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=MANAGE_TAGS, summary="Attach a file to a tenant-wide announcement",
                   request={"multipart/form-data": s.AttachmentInput}, responses=ATTACH_RESPONSES)
    def post(self, request, id):
        return self._attach(request, id)
