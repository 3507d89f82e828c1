"""Quiz API: learners (/me/quizzes, /me/quiz-attempts) and course staff
(/studio/courses/<slug>/quizzes...).

Learners reach only their own attempts and quizzes of their pinned course version; correct
answers and explanations come only through selectors.attempt_for_learner. Staff endpoints
answer 404 for courses the caller cannot edit (grading: cannot grade), like missing ones.
409 answers refusals that depend on the attempt's state (attempts used up, time up,
already submitted).
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.response import Response

from lms.courses import api as permissions
from tenants.api import TenantApi, TenantGenericApi

from .. import selectors, services
from ..models import Question, Quiz, QuizAttempt
from ..publishing import editor_url
from .serializers import (
    QuizAnswersInput,
    QuizGradeInput,
    QuizLearnerAttemptOutput,
    LearnerQuizOutput,
    QuizAttemptListOutput,
    QuizQuestionInput,
    QuizQuestionOrderInput,
    QuizQuestionOutput,
    QuizQuestionUpdateInput,
    QuizDetailOutput,
    QuizInput,
    QuizOutput,
    QuizStaffAttemptOutput,
    QuizSubmitInput,
)

LEARNER_TAGS = ["quizzes (learners)"]
STAFF_TAGS = ["quizzes (staff)"]


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "This cannot be done now."
    default_code = "conflict"


def _validated(serializer_class, request, *, partial: bool = False) -> dict:
    serializer = serializer_class(data=request.data, partial=partial, context={"request": request})
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _conflict(exc: services.AttemptRefused) -> Conflict:
    return Conflict(detail=exc.message, code=exc.code)


# --- learners ------------------------------------------------------------------------------


def _attempt_payload(attempt: QuizAttempt) -> dict:
    quiz = selectors.attempt_quiz_data(attempt)
    if quiz is None:
        raise NotFound()
    return QuizLearnerAttemptOutput(selectors.attempt_for_learner(attempt=attempt, quiz=quiz)).data


class LearnerQuizApi(TenantApi):
    def _learner_quiz(self, request, quiz_uuid):
        learner_quiz = selectors.learner_quiz_locate(learner=request.user, quiz_uuid=quiz_uuid)
        if learner_quiz is None:
            raise NotFound()
        return learner_quiz

    @extend_schema(tags=LEARNER_TAGS, summary="A quiz of a course you are enrolled in: settings and your attempts",
                   description="From the course version your enrollment is pinned to. No questions here: they come "
                               "with an attempt.", responses={200: LearnerQuizOutput})
    def get(self, request, quiz_uuid):
        learner_quiz = self._learner_quiz(request, quiz_uuid)
        attempts = [services.attempt_close_if_overdue(attempt=a) if a.is_open else a
                    for a in selectors.attempt_list_for_learner(learner=request.user, quiz_uuid=learner_quiz.quiz_uuid)]
        return Response(LearnerQuizOutput(selectors.quiz_for_learner(learner_quiz=learner_quiz, attempts=attempts)).data)


class LearnerAttemptStartApi(LearnerQuizApi):
    @extend_schema(
        tags=LEARNER_TAGS, summary="Start an attempt (or get the one in progress)", request=None,
        description="201 with a new attempt, 200 with the attempt already in progress; 409 when no attempt is left or "
                    "the quiz is closed. The time limit runs on the server from now.",
        responses={201: QuizLearnerAttemptOutput, 200: QuizLearnerAttemptOutput, 409: None},
    )
    def post(self, request, quiz_uuid):
        learner_quiz = self._learner_quiz(request, quiz_uuid)
        try:
            started = services.attempt_start(learner_quiz=learner_quiz)
        except services.AttemptRefused as exc:
            raise _conflict(exc) from exc
        return Response(_attempt_payload(started.attempt),
                        status=status.HTTP_201_CREATED if started.created else status.HTTP_200_OK)


class _OwnAttemptApi(TenantGenericApi):
    queryset = QuizAttempt.objects.none()  # schema hint only; scoping is safely_get_queryset
    lookup_field = "uuid"
    lookup_url_kwarg = "attempt_uuid"

    def safely_get_queryset(self, request):
        return QuizAttempt.objects.filter(learner=request.user).select_related("course")


class LearnerAttemptApi(_OwnAttemptApi):
    @extend_schema(tags=LEARNER_TAGS, summary="One of your attempts", responses={200: QuizLearnerAttemptOutput})
    def get(self, request, attempt_uuid):
        attempt = self.get_object()
        if attempt.is_open:
            attempt = services.attempt_close_if_overdue(attempt=attempt)
        return Response(_attempt_payload(attempt))

    @extend_schema(
        tags=LEARNER_TAGS, summary="Save answers (autosave)", request=QuizAnswersInput,
        description="Merged into the saved answers. 409 (code time_up) after the deadline: the answers are refused and "
                    "the attempt is scored with what was saved in time.",
        responses={200: QuizLearnerAttemptOutput, 409: None},
    )
    def patch(self, request, attempt_uuid):
        attempt = self.get_object()
        data = _validated(QuizAnswersInput, request)
        try:
            attempt = services.attempt_answers_save(attempt=attempt, answers=data["answers"])
        except services.AttemptRefused as exc:
            raise _conflict(exc) from exc
        return Response(_attempt_payload(attempt))


class LearnerAttemptSubmitApi(_OwnAttemptApi):
    @extend_schema(
        tags=LEARNER_TAGS, summary="Submit an attempt for scoring", request=QuizSubmitInput,
        description="Optional last answers are merged first. 409 (time_up) after the deadline, the attempt then being "
                    "scored with the answers saved in time; 409 (attempt_closed) if already submitted.",
        responses={200: QuizLearnerAttemptOutput, 409: None},
    )
    def post(self, request, attempt_uuid):
        attempt = self.get_object()
        data = _validated(QuizSubmitInput, request)
        try:
            attempt = services.attempt_submit(attempt=attempt, answers=data.get("answers"))
        except services.AttemptRefused as exc:
            raise _conflict(exc) from exc
        return Response(_attempt_payload(attempt))


# --- staff: quizzes and questions ----------------------------------------------------------


def _staff_course(request, slug, allowed=permissions.can_edit):
    course = selectors.course_get(slug=slug)
    if course is None or not allowed(request.user, course):
        raise NotFound()
    return course


def _question_data(question: Question) -> dict:
    correct = set((question.answer or {}).get("correct") or [])
    options = [{"id": o["id"], "text": o["text"], "correct": o["id"] in correct} for o in question.options or []]
    return {
        "uuid": question.uuid, "position": question.position, "kind": question.kind, "prompt": question.prompt,
        "points": question.points, "explanation": question.explanation, "options": options,
        "answer": question.answer or {}, "problems": selectors.question_problems(question),
    }


def _quiz_data(quiz: Quiz, *, detail: bool) -> dict:
    questions = list(selectors.question_list(quiz=quiz)) if detail else None
    data = {
        name: getattr(quiz, name) for name in (
            "uuid", "title", "instructions", "attempts_allowed", "time_limit_minutes", "shuffle_questions",
            "shuffle_options", "passing_percent", "show_answers", "due_at", "updated_at")
    }
    data["question_count"] = len(questions) if questions is not None else getattr(quiz, "question_count", 0)
    if detail:
        data["problems"] = selectors.quiz_problems(quiz)
        data["editor_url"] = editor_url(quiz.course, quiz.uuid)
        data["questions"] = [_question_data(q) for q in questions]
    return data


def _service_call(fn, **kwargs):
    try:
        return fn(**kwargs)
    except services.AttemptRefused as exc:
        raise _conflict(exc) from exc


class StudioQuizListApi(mixins.ListModelMixin, TenantGenericApi):
    queryset = Quiz.objects.none()
    serializer_class = QuizOutput

    def safely_get_queryset(self, request):
        return selectors.quiz_list_for_course(course=_staff_course(request, self.kwargs["slug"]))

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([QuizOutput(_quiz_data(q, detail=False)).data for q in page])

    @extend_schema(tags=STAFF_TAGS, summary="The course's draft quizzes")
    def get(self, request, slug):
        return self.list(request)

    @extend_schema(tags=STAFF_TAGS, summary="Create a draft quiz", request=QuizInput, responses={201: QuizDetailOutput})
    def post(self, request, slug):
        course = _staff_course(request, slug)
        data = _validated(QuizInput, request)
        quiz = services.quiz_create(course=course, **data)
        quiz = selectors.quiz_get(course=course, quiz_uuid=quiz.uuid)
        return Response(QuizDetailOutput(_quiz_data(quiz, detail=True)).data, status=status.HTTP_201_CREATED)


class _StudioQuizApi(TenantGenericApi):
    queryset = Quiz.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "quiz_uuid"

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"])
        return Quiz.objects.filter(course=course).select_related("course")


class StudioQuizDetailApi(_StudioQuizApi):
    @extend_schema(tags=STAFF_TAGS, summary="A draft quiz with its questions (answers included)",
                   responses={200: QuizDetailOutput})
    def get(self, request, slug, quiz_uuid):
        return Response(QuizDetailOutput(_quiz_data(self.get_object(), detail=True)).data)

    @extend_schema(tags=STAFF_TAGS, summary="Change a draft quiz's settings", request=QuizInput,
                   responses={200: QuizDetailOutput})
    def patch(self, request, slug, quiz_uuid):
        quiz = self.get_object()
        fields = {k: v for k, v in _validated(QuizInput, request, partial=True).items() if k in request.data}
        quiz = services.quiz_update(quiz=quiz, **fields)
        return Response(QuizDetailOutput(_quiz_data(quiz, detail=True)).data)

    @extend_schema(tags=STAFF_TAGS, summary="Delete a draft quiz",
                   description="409 while a content item of the course embeds it. Published versions keep their copy.",
                   responses={204: None, 409: None})
    def delete(self, request, slug, quiz_uuid):
        _service_call(services.quiz_delete, quiz=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class StudioQuestionListApi(_StudioQuizApi):
    @extend_schema(tags=STAFF_TAGS, summary="The quiz's questions, in order", responses={200: QuizQuestionOutput(many=True)})
    def get(self, request, slug, quiz_uuid):
        quiz = self.get_object()
        return Response(QuizQuestionOutput([_question_data(q) for q in selectors.question_list(quiz=quiz)], many=True).data)

    @extend_schema(tags=STAFF_TAGS, summary="Add a question", request=QuizQuestionInput, responses={201: QuizQuestionOutput})
    def post(self, request, slug, quiz_uuid):
        quiz = self.get_object()
        data = _validated(QuizQuestionInput, request)
        question = services.question_create(quiz=quiz, **data)
        return Response(QuizQuestionOutput(_question_data(question)).data, status=status.HTTP_201_CREATED)


class StudioQuestionOrderApi(_StudioQuizApi):
    @extend_schema(tags=STAFF_TAGS, summary="Reorder the questions", request=QuizQuestionOrderInput,
                   responses={200: QuizQuestionOutput(many=True)})
    def post(self, request, slug, quiz_uuid):
        quiz = self.get_object()
        data = _validated(QuizQuestionOrderInput, request)
        services.question_reorder(quiz=quiz, ordered_uuids=data["order"])
        return Response(QuizQuestionOutput([_question_data(q) for q in selectors.question_list(quiz=quiz)], many=True).data)


class StudioQuestionDetailApi(TenantGenericApi):
    queryset = Question.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "question_uuid"

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"])
        return Question.objects.filter(quiz__course=course, quiz__uuid=self.kwargs["quiz_uuid"]).select_related("quiz")

    @extend_schema(tags=STAFF_TAGS, summary="One question", responses={200: QuizQuestionOutput})
    def get(self, request, slug, quiz_uuid, question_uuid):
        return Response(QuizQuestionOutput(_question_data(self.get_object())).data)

    @extend_schema(tags=STAFF_TAGS, summary="Change a question", request=QuizQuestionUpdateInput,
                   responses={200: QuizQuestionOutput})
    def patch(self, request, slug, quiz_uuid, question_uuid):
        question = self.get_object()
        fields = {k: v for k, v in _validated(QuizQuestionUpdateInput, request, partial=True).items() if k in request.data}
        question = services.question_update(question=question, **fields)
        return Response(QuizQuestionOutput(_question_data(question)).data)

    @extend_schema(tags=STAFF_TAGS, summary="Delete a question", responses={204: None})
    def delete(self, request, slug, quiz_uuid, question_uuid):
        services.question_delete(question=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- staff: attempts and grading -------------------------------------------------------------


class StudioGradingQueueApi(mixins.ListModelMixin, TenantGenericApi):
    queryset = QuizAttempt.objects.none()
    serializer_class = QuizAttemptListOutput

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"], permissions.can_grade)
        return selectors.grading_queue(course=course)

    @extend_schema(tags=STAFF_TAGS, summary="Submitted attempts with essay answers to grade, oldest first")
    def get(self, request, slug):
        services.attempts_close_overdue(course=_staff_course(request, slug, permissions.can_grade))
        return self.list(request)


class StudioQuizAttemptsApi(mixins.ListModelMixin, TenantGenericApi):
    queryset = QuizAttempt.objects.none()
    serializer_class = QuizAttemptListOutput

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"], permissions.can_grade)
        search = str(request.query_params.get("learner", "")).strip()[:100]
        return selectors.attempt_list_for_quiz(course=course, quiz_uuid=self.kwargs["quiz_uuid"], learner_search=search)

    @extend_schema(tags=STAFF_TAGS, summary="Attempt history of a quiz, per learner",
                   parameters=[OpenApiParameter("learner", str, description="Part of the learner's name or email.")])
    def get(self, request, slug, quiz_uuid):
        return self.list(request)


class _StaffAttemptApi(TenantGenericApi):
    queryset = QuizAttempt.objects.none()
    lookup_field = "uuid"
    lookup_url_kwarg = "attempt_uuid"

    def safely_get_queryset(self, request):
        course = _staff_course(request, self.kwargs["slug"], permissions.can_grade)
        return QuizAttempt.objects.filter(course=course).select_related("learner", "grader", "course")

    def _payload(self, attempt: QuizAttempt) -> dict:
        quiz = selectors.attempt_quiz_data(attempt)
        if quiz is None:
            raise NotFound()
        attempt = QuizAttempt.objects.select_related("learner", "grader").get(pk=attempt.pk)
        return QuizStaffAttemptOutput(selectors.attempt_for_staff(attempt=attempt, quiz=quiz)).data


class StudioAttemptApi(_StaffAttemptApi):
    @extend_schema(tags=STAFF_TAGS, summary="One attempt, with correct answers and results",
                   responses={200: QuizStaffAttemptOutput})
    def get(self, request, slug, attempt_uuid):
        attempt = self.get_object()
        if attempt.is_open:
            services.attempt_close_if_overdue(attempt=attempt)
        return Response(self._payload(attempt))


class StudioAttemptGradeApi(_StaffAttemptApi):
    @extend_schema(
        tags=STAFF_TAGS, summary="Grade essay answers of an attempt", request=QuizGradeInput,
        description="Once every essay has points the attempt is graded and its score final. 409 while in progress.",
        responses={200: QuizStaffAttemptOutput, 409: None},
    )
    def post(self, request, slug, attempt_uuid):
        attempt = self.get_object()
        data = _validated(QuizGradeInput, request)
        try:
            attempt = services.attempt_grade(attempt=attempt, grader=request.user, grades=data["grades"])
        except services.AttemptRefused as exc:
            raise _conflict(exc) from exc
        return Response(self._payload(attempt))
