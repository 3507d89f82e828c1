"""Quiz API routes (included under /api/v1/)."""
from django.urls import path

from . import views

STUDIO = "studio/courses/<slug:slug>/"

urlpatterns = [
    path("me/quizzes/<uuid:quiz_uuid>", views.LearnerQuizApi.as_view(), name="api-my-quiz"),
    path("me/quizzes/<uuid:quiz_uuid>/attempts", views.LearnerAttemptStartApi.as_view(), name="api-my-quiz-attempts"),
    path("me/quiz-attempts/<uuid:attempt_uuid>", views.LearnerAttemptApi.as_view(), name="api-my-quiz-attempt"),
    path("me/quiz-attempts/<uuid:attempt_uuid>/submit", views.LearnerAttemptSubmitApi.as_view(),
         name="api-my-quiz-attempt-submit"),
    path(STUDIO + "quizzes", views.StudioQuizListApi.as_view(), name="api-studio-quizzes"),
    path(STUDIO + "quizzes/grading", views.StudioGradingQueueApi.as_view(), name="api-studio-quiz-grading"),
    path(STUDIO + "quizzes/<uuid:quiz_uuid>", views.StudioQuizDetailApi.as_view(), name="api-studio-quiz"),
    path(STUDIO + "quizzes/<uuid:quiz_uuid>/questions", views.StudioQuestionListApi.as_view(),
         name="api-studio-quiz-questions"),
    path(STUDIO + "quizzes/<uuid:quiz_uuid>/questions/order", views.StudioQuestionOrderApi.as_view(),
         name="api-studio-quiz-question-order"),
    path(STUDIO + "quizzes/<uuid:quiz_uuid>/questions/<uuid:question_uuid>", views.StudioQuestionDetailApi.as_view(),
         name="api-studio-quiz-question"),
    path(STUDIO + "quizzes/<uuid:quiz_uuid>/attempts", views.StudioQuizAttemptsApi.as_view(),
         name="api-studio-quiz-attempts"),
    path(STUDIO + "quiz-attempts/<uuid:attempt_uuid>", views.StudioAttemptApi.as_view(), name="api-studio-quiz-attempt"),
    path(STUDIO + "quiz-attempts/<uuid:attempt_uuid>/grade", views.StudioAttemptGradeApi.as_view(),
         name="api-studio-quiz-attempt-grade"),
]
