"""Course routes of the API (/api/v1/): the authoring studio, then the learner side.

Course ids in paths are slugs; modules, lessons, items and staff members are addressed by uuid,
matched as strings so that a malformed id answers a JSON 404.
"""
from django.urls import path

from . import studio
from .learn import learn_urlpatterns

# --- authoring studio (instructors, teaching assistants, administrators) -------------------------
course = "studio/courses/<str:slug>"

urlpatterns = [
    path("studio/courses", studio.CourseListApi.as_view(), name="api-studio-courses"),
    path(course, studio.CourseDetailApi.as_view(), name="api-studio-course"),
    path(course + "/cover", studio.CourseCoverApi.as_view(), name="api-studio-course-cover"),
    path(course + "/modules", studio.ModuleCreateApi.as_view(), name="api-studio-modules"),
    path(course + "/modules/reorder", studio.ModuleReorderApi.as_view(), name="api-studio-modules-reorder"),
    path(course + "/modules/<str:id>", studio.ModuleDetailApi.as_view(), name="api-studio-module"),
    path(course + "/modules/<str:id>/lessons", studio.LessonCreateApi.as_view(), name="api-studio-lessons"),
    path(course + "/modules/<str:id>/lessons/reorder", studio.LessonReorderApi.as_view(), name="api-studio-lessons-reorder"),
    path(course + "/lessons/<str:id>", studio.LessonDetailApi.as_view(), name="api-studio-lesson"),
    path(course + "/lessons/<str:id>/items", studio.ItemCreateApi.as_view(), name="api-studio-items"),
    path(course + "/lessons/<str:id>/items/reorder", studio.ItemReorderApi.as_view(), name="api-studio-items-reorder"),
    path(course + "/items/<str:id>", studio.ItemDetailApi.as_view(), name="api-studio-item"),
    path(course + "/publish", studio.PublishApi.as_view(), name="api-studio-publish"),
    path(course + "/versions", studio.VersionListApi.as_view(), name="api-studio-versions"),
    path(course + "/rollback", studio.RollbackApi.as_view(), name="api-studio-rollback"),
    path(course + "/unpublish", studio.UnpublishApi.as_view(), name="api-studio-unpublish"),
    path(course + "/staff", studio.StaffListApi.as_view(), name="api-studio-staff"),
    path(course + "/staff/<str:id>", studio.StaffDetailApi.as_view(), name="api-studio-staff-member"),
]

# --- learner side: catalog, enrollment, progress (lms/courses/api/learn.py) ------------------------
urlpatterns += learn_urlpatterns
