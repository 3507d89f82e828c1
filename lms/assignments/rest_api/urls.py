"""/api/v1/ routes of assignments: the learner's (/me/...) and the course staff's (/studio/...)."""
from django.urls import path

from . import views

STUDIO = "studio/courses/<slug:slug>/"

urlpatterns = [
    path("me/assignments/<uuid:assignment_uuid>", views.MyAssignmentApi.as_view(), name="api-my-assignment"),
    path("me/assignments/<uuid:assignment_uuid>/submissions", views.MySubmissionCreateApi.as_view(),
         name="api-my-assignment-submissions"),
    path("me/submissions/<uuid:submission_uuid>", views.MySubmissionApi.as_view(), name="api-my-submission"),
    path("submissions/<uuid:submission_uuid>/file", views.SubmissionFileApi.as_view(), name="api-submission-file"),
    path(STUDIO + "assignments", views.CourseAssignmentListApi.as_view(), name="api-course-assignments"),
    path(STUDIO + "assignments/<uuid:assignment_uuid>", views.CourseAssignmentApi.as_view(), name="api-course-assignment"),
    path(STUDIO + "assignments/<uuid:assignment_uuid>/post-grades", views.PostGradesApi.as_view(), name="api-post-grades"),
    path(STUDIO + "grading-queue", views.GradingQueueApi.as_view(), name="api-grading-queue"),
    path(STUDIO + "grade-categories", views.CategoryListApi.as_view(), name="api-grade-categories"),
    path(STUDIO + "grade-categories/<uuid:category_uuid>", views.CategoryApi.as_view(), name="api-grade-category"),
    path(STUDIO + "gradebook", views.GradebookApi.as_view(), name="api-gradebook"),
    path("studio/submissions/<uuid:submission_uuid>", views.StaffSubmissionApi.as_view(), name="api-staff-submission"),
    path("studio/submissions/<uuid:submission_uuid>/grade", views.GradeApi.as_view(), name="api-grade"),
]
