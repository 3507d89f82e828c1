"""Quiz pages: learners under /learn/<course>/quiz/, staff under /studio/courses/<course>/quizzes/."""
from django.urls import path

from . import views, views_studio

app_name = "quizzes"

LEARN = "learn/<slug:slug>/quiz/<uuid:quiz_uuid>/"
ATTEMPT = LEARN + "attempts/<uuid:attempt_uuid>/"
STUDIO = "studio/courses/<slug:slug>/quizzes/"

urlpatterns = [
    path(LEARN, views.quiz_start_page, name="start"),
    path(LEARN + "start", views.attempt_start, name="attempt-start"),
    path(ATTEMPT, views.attempt_take, name="take"),
    path(ATTEMPT + "save", views.attempt_save, name="save"),
    path(ATTEMPT + "submit", views.attempt_submit, name="submit"),
    path(ATTEMPT + "results", views.attempt_results, name="results"),
    path(STUDIO + "grading/", views_studio.grading_queue, name="grading"),
    path(STUDIO + "attempts/<uuid:attempt_uuid>/", views_studio.attempt_detail, name="attempt"),
    path(STUDIO + "<uuid:quiz_uuid>/", views_studio.quiz_editor, name="editor"),
    path(STUDIO + "<uuid:quiz_uuid>/questions/new", views_studio.question_new, name="question-new"),
    path(STUDIO + "<uuid:quiz_uuid>/questions/<uuid:question_uuid>/", views_studio.question_edit, name="question-edit"),
    path(STUDIO + "<uuid:quiz_uuid>/questions/<uuid:question_uuid>/delete", views_studio.question_delete,
         name="question-delete"),
    path(STUDIO + "<uuid:quiz_uuid>/questions/<uuid:question_uuid>/move", views_studio.question_move, name="question-move"),
    path(STUDIO + "<uuid:quiz_uuid>/attempts/", views_studio.quiz_attempts, name="attempts"),
]
