"""Assignment pages: the learner's side under /learn/, the staff side under /studio/courses/<slug>/."""
from django.urls import path

from . import views

app_name = "assignments"

STUDIO = "studio/courses/<slug:slug>/"

urlpatterns = [
    path("learn/<slug:slug>/assignment/<uuid:assignment_uuid>/", views.learner_assignment, name="learner-assignment"),
    path("learn/<slug:slug>/assignment/<uuid:assignment_uuid>/submit", views.learner_submit, name="learner-submit"),
    path("learn/<slug:slug>/submissions/<uuid:submission_uuid>/file", views.submission_file, name="submission-file"),
    path(STUDIO + "assignments/<uuid:assignment_uuid>/", views.assignment_editor, name="editor"),
    path(STUDIO + "assignments/<uuid:assignment_uuid>/post-grades", views.assignment_post_grades, name="post-grades"),
    path(STUDIO + "grading/", views.grading_queue, name="grading"),
    path(STUDIO + "grading/next", views.grading_next, name="grading-next"),
    path(STUDIO + "grading/<uuid:submission_uuid>/", views.grade_submission, name="grade"),
    path(STUDIO + "grade-categories/", views.categories, name="categories"),
    path(STUDIO + "grade-categories/quizzes", views.quiz_category, name="quiz-category"),
    path(STUDIO + "grade-categories/<uuid:category_uuid>/", views.category_update, name="category-update"),
    path(STUDIO + "grade-categories/<uuid:category_uuid>/delete", views.category_delete, name="category-delete"),
    path(STUDIO + "gradebook/", views.gradebook, name="gradebook"),
    path(STUDIO + "gradebook.csv", views.gradebook_csv, name="gradebook-csv"),
]
