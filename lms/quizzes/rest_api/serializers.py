"""Serializers of the quiz API. Learner outputs serialize the dicts built by
selectors.quiz_for_learner / attempt_for_learner: only the fields declared here are sent."""
from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Question, QuizAttempt, ShowAnswers

POINTS = {"max_digits": 8, "decimal_places": 2}


def _enum_field(choices, component_name: str) -> type[serializers.ChoiceField]:
    """A ChoiceField class documented as its own named enum component, so it never collides
    with other apps' choice sets that share the field name ("kind", "status")."""
    values = [value for value, _ in choices]
    field_class = type(f"{component_name}Field", (serializers.ChoiceField,), {})
    return extend_schema_field({"type": "string", "enum": values}, component_name=component_name)(field_class)


_KIND = _enum_field(Question.Kind.choices, "QuizQuestionKindEnum")
_STATUS = _enum_field(QuizAttempt.Status.choices, "QuizAttemptStatusEnum")
_SHOW_ANSWERS = _enum_field(ShowAnswers.choices, "QuizShowAnswersEnum")


def _choice(choices, **kwargs) -> serializers.ChoiceField:
    field_class = {tuple(Question.Kind.choices): _KIND, tuple(QuizAttempt.Status.choices): _STATUS,
                   tuple(ShowAnswers.choices): _SHOW_ANSWERS}[tuple(choices)]
    return field_class(choices=choices, **kwargs)


# --- learners ------------------------------------------------------------------------------


class QuizLearnerOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class QuizLearnerResultOutput(serializers.Serializer):
    points = serializers.DecimalField(**POINTS, allow_null=True, help_text="Null while hidden or not yet graded.")
    max_points = serializers.DecimalField(**POINTS)
    correct = serializers.BooleanField(allow_null=True, help_text="Null unless correct answers may be shown.")
    needs_grading = serializers.BooleanField()
    feedback = serializers.CharField(allow_blank=True)


class QuizLearnerQuestionOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = _choice(Question.Kind.choices)
    prompt = serializers.CharField(help_text="Markdown")
    points = serializers.DecimalField(**POINTS)
    options = QuizLearnerOptionOutput(many=True, help_text="Choice questions only, in this attempt's order.")
    correct_answer = serializers.DictField(
        required=False, help_text="Present only once the quiz's rule allows: {text, options | accepted | value+tolerance | pattern}.")
    explanation = serializers.CharField(required=False, allow_blank=True, help_text="Present only with correct_answer.")
    response = serializers.JSONField(allow_null=True, help_text="Your answer: option ids (choice) or text.")
    result = QuizLearnerResultOutput(allow_null=True, help_text="Null while the attempt is in progress.")


class QuizAttemptSummaryOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    number = serializers.IntegerField()
    status = _choice(QuizAttempt.Status.choices)
    version_number = serializers.IntegerField(help_text="The course version the attempt was made against.")
    started_at = serializers.DateTimeField()
    deadline_at = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    closed_by_deadline = serializers.BooleanField()
    score = serializers.DecimalField(**POINTS, allow_null=True)
    max_score = serializers.DecimalField(**POINTS, allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True, help_text="Null until graded.")


class QuizLearnerAttemptOutput(QuizAttemptSummaryOutput):
    quiz_uuid = serializers.UUIDField()
    quiz_title = serializers.CharField()
    seconds_left = serializers.IntegerField(allow_null=True, help_text="Server-side time left; null without a limit.")
    answers_saved_at = serializers.DateTimeField(allow_null=True)
    answers_revealed = serializers.BooleanField()
    passing_percent = serializers.IntegerField()
    questions = QuizLearnerQuestionOutput(many=True)


class LearnerQuizOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    instructions = serializers.CharField(allow_blank=True, help_text="Markdown")
    course = serializers.SlugField()
    version_number = serializers.IntegerField()
    question_count = serializers.IntegerField()
    total_points = serializers.DecimalField(**POINTS)
    attempts_allowed = serializers.IntegerField(allow_null=True, help_text="Null: unlimited.")
    attempts_used = serializers.IntegerField()
    attempts_left = serializers.IntegerField(allow_null=True)
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    passing_percent = serializers.IntegerField()
    show_answers = _choice(ShowAnswers.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    is_closed = serializers.BooleanField()
    can_start = serializers.BooleanField()
    start_blocked_reason = serializers.CharField(allow_blank=True)
    open_attempt = serializers.UUIDField(allow_null=True)
    attempts = QuizAttemptSummaryOutput(many=True)


class QuizAnswersInput(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.JSONField(allow_null=True),
        help_text="{question uuid: option id(s) for choice questions, text otherwise}. Merged into the saved answers.",
    )


class QuizSubmitInput(serializers.Serializer):
    answers = serializers.DictField(child=serializers.JSONField(allow_null=True), required=False,
                                    help_text="Last answers to save before scoring (merged), optional.")


# --- staff ---------------------------------------------------------------------------------


class QuizInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(allow_blank=True, required=False, default="")
    attempts_allowed = serializers.IntegerField(min_value=1, allow_null=True, required=False, default=None)
    time_limit_minutes = serializers.IntegerField(min_value=1, max_value=24 * 60, allow_null=True, required=False, default=None)
    shuffle_questions = serializers.BooleanField(required=False, default=False)
    shuffle_options = serializers.BooleanField(required=False, default=False)
    passing_percent = serializers.IntegerField(min_value=0, max_value=100, required=False, default=60)
    show_answers = _choice(ShowAnswers.choices, required=False, default=ShowAnswers.AFTER_SUBMISSION)
    due_at = serializers.DateTimeField(allow_null=True, required=False, default=None)


class QuizOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    instructions = serializers.CharField()
    attempts_allowed = serializers.IntegerField(allow_null=True)
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    shuffle_questions = serializers.BooleanField()
    shuffle_options = serializers.BooleanField()
    passing_percent = serializers.IntegerField()
    show_answers = _choice(ShowAnswers.choices)
    due_at = serializers.DateTimeField(allow_null=True)
    question_count = serializers.IntegerField()
    updated_at = serializers.DateTimeField()


class QuizOptionInput(serializers.Serializer):
    id = serializers.CharField(required=False, max_length=32, help_text="Leave out for a new option.")
    text = serializers.CharField(max_length=500)
    correct = serializers.BooleanField(required=False, default=False)


class QuizOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()
    correct = serializers.BooleanField()


class QuizQuestionInput(serializers.Serializer):
    kind = _choice(Question.Kind.choices, help_text="Fixed once created.")
    prompt = serializers.CharField(max_length=10_000, help_text="Markdown")
    points = serializers.DecimalField(**POINTS, min_value=Decimal("0.01"), max_value=Decimal("1000"), required=False,
                                      default=Decimal("1"))
    explanation = serializers.CharField(max_length=10_000, allow_blank=True, required=False, default="")
    options = QuizOptionInput(many=True, required=False, help_text="single_choice / multiple_choice only.")
    answer = serializers.DictField(
        required=False, default=dict,
        help_text='true_false {"correct": bool}; fill_blank {"accepted": [..]}; numeric {"value", "tolerance"}; '
                  'short_answer {"mode": "exact", "accepted": [..]} or {"mode": "pattern", "pattern", "case_sensitive"}; '
                  'essay {"guidance"}. Choice questions mark correct options instead.',
    )


class QuizQuestionUpdateInput(QuizQuestionInput):
    kind = None  # a question's kind does not change


class QuizQuestionOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    position = serializers.IntegerField()
    kind = _choice(Question.Kind.choices)
    prompt = serializers.CharField()
    points = serializers.DecimalField(**POINTS)
    explanation = serializers.CharField()
    options = QuizOptionOutput(many=True)
    answer = serializers.DictField()
    problems = serializers.ListField(child=serializers.CharField(), help_text="What keeps it from being published.")


class QuizDetailOutput(QuizOutput):
    problems = serializers.ListField(child=serializers.CharField(), help_text="What keeps the quiz from being published.")
    editor_url = serializers.CharField()
    questions = QuizQuestionOutput(many=True)


class QuizQuestionOrderInput(serializers.Serializer):
    order = serializers.ListField(child=serializers.UUIDField(), help_text="Every question's uuid, in the new order.")


class QuizAttemptListOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    quiz_uuid = serializers.UUIDField()
    number = serializers.IntegerField()
    version_number = serializers.IntegerField()
    status = _choice(QuizAttempt.Status.choices)
    learner = serializers.EmailField(source="learner.email")
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.DecimalField(**POINTS, allow_null=True)
    max_score = serializers.DecimalField(**POINTS)


class QuizStaffOptionOutput(serializers.Serializer):
    id = serializers.CharField()
    text = serializers.CharField()


class QuizStaffQuestionOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    kind = _choice(Question.Kind.choices)
    prompt = serializers.CharField()
    points = serializers.DecimalField(**POINTS)
    options = QuizStaffOptionOutput(many=True)
    correct_answer = serializers.DictField()
    explanation = serializers.CharField(allow_blank=True)
    response = serializers.JSONField(allow_null=True)
    result = serializers.DictField(allow_null=True, help_text="{points, max_points, correct, needs_grading, feedback}")


class QuizStaffAttemptOutput(QuizAttemptSummaryOutput):
    quiz_uuid = serializers.UUIDField()
    quiz_title = serializers.CharField()
    learner = serializers.EmailField()
    grader = serializers.EmailField(allow_null=True)
    graded_at = serializers.DateTimeField(allow_null=True)
    questions = QuizStaffQuestionOutput(many=True)


class QuizGradeItemInput(serializers.Serializer):
    points = serializers.DecimalField(**POINTS, min_value=Decimal("0"))
    feedback = serializers.CharField(max_length=5000, allow_blank=True, required=False, default="")


class QuizGradeInput(serializers.Serializer):
    grades = serializers.DictField(child=QuizGradeItemInput(), help_text="{essay question uuid: {points, feedback}}")
