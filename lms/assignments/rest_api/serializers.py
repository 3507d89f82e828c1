"""Serializers of the assignments API (inputs and outputs). Decimals travel as strings."""
from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lms.courses.api import render_markdown

from ..models import FILE_TYPES, MAX_FILE_MB_LIMIT, SUBMISSION_TYPES, Assignment, Grade

POINTS = {"max_digits": 9, "decimal_places": 2}


def enum_field(choices, *, allow_null: bool = False, **kwargs) -> serializers.ChoiceField:
    """A choice field documented inline (no shared enum component whose name could collide with other apps')."""
    values = [c[0] if isinstance(c, (tuple, list)) else c for c in choices]
    schema = {"type": "string", "enum": values + ([None] if allow_null else [])}
    if allow_null:
        schema["nullable"] = True

    @extend_schema_field(schema)
    class InlineChoiceField(serializers.ChoiceField):
        pass

    return InlineChoiceField(choices=choices, allow_null=allow_null, **kwargs)


# --- shared pieces -------------------------------------------------------------------------


class RubricLevelSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=100)
    points = serializers.IntegerField(min_value=0, max_value=100_000)


class RubricCriterionSerializer(serializers.Serializer):
    criterion = serializers.CharField(max_length=200)
    levels = RubricLevelSerializer(many=True)


class RubricSelectionOutput(serializers.Serializer):
    criterion = serializers.CharField()
    level_index = serializers.IntegerField(allow_null=True)
    level = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)


class FileOutput(serializers.Serializer):
    name = serializers.CharField(source="file_name")
    type = serializers.CharField(source="file_type", help_text=f"Detected from the content: one of {', '.join(FILE_TYPES)}.")
    content_type = serializers.CharField(source="file_content_type")
    size = serializers.IntegerField(source="file_size")
    url = serializers.SerializerMethodField(help_text="Served to the learner and the course staff only (token or session).")

    def get_url(self, submission) -> str:
        path = reverse("api-submission-file", kwargs={"submission_uuid": submission.uuid})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class PostedGradeOutput(serializers.Serializer):
    final_points = serializers.DecimalField(**POINTS)
    max_points = serializers.IntegerField()
    points_awarded = serializers.DecimalField(**POINTS, help_text="Before the late penalty.")
    late_penalty = serializers.DecimalField(**POINTS)
    rubric_selections = RubricSelectionOutput(many=True)
    feedback = serializers.CharField()
    posted_at = serializers.DateTimeField()


class UserBriefOutput(serializers.Serializer):
    id = serializers.SerializerMethodField()
    email = serializers.EmailField()
    name = serializers.SerializerMethodField()

    @extend_schema_field({"type": "string", "format": "uuid", "nullable": True})
    def get_id(self, user) -> str | None:
        profile = getattr(user, "profile", None)
        return str(profile.public_id) if profile else None

    def get_name(self, user) -> str:
        return user.get_full_name()


# --- the learner's side --------------------------------------------------------------------


class LearnerSubmissionOutput(serializers.Serializer):
    """A learner's own submission; `grade` is null until a grade is posted."""

    uuid = serializers.UUIDField(source="submission.uuid")
    assignment_uuid = serializers.UUIDField(source="submission.assignment_uuid")
    attempt = serializers.IntegerField(source="submission.attempt")
    submitted_at = serializers.DateTimeField(source="submission.submitted_at")
    late_days = serializers.IntegerField(source="submission.late_days")
    text = serializers.CharField(source="submission.text")
    url = serializers.CharField(source="submission.url")
    file = serializers.SerializerMethodField()
    grade = PostedGradeOutput(allow_null=True)

    @extend_schema_field(FileOutput(allow_null=True))
    def get_file(self, entry):
        return FileOutput(entry.submission, context=self.context).data if entry.submission.file else None


class CourseBriefOutput(serializers.Serializer):
    slug = serializers.SlugField(source="course.slug")
    title = serializers.CharField(source="course_title")


class LearnerAssignmentOutput(serializers.Serializer):
    """The assignment as the learner's version of the course shows it."""

    uuid = serializers.UUIDField()
    course = CourseBriefOutput(source="*")
    title = serializers.CharField(source="rules.title")
    instructions = serializers.CharField(source="rules.instructions", help_text="Markdown")
    instructions_html = serializers.SerializerMethodField(help_text="Sanitised HTML")
    points = serializers.IntegerField(source="rules.points")
    due_at = serializers.DateTimeField(source="rules.due_at", allow_null=True)
    accept_late = serializers.BooleanField(source="rules.accept_late")
    penalty_percent_per_day = serializers.DecimalField(source="rules.penalty_percent_per_day", max_digits=5, decimal_places=2)
    max_late_days = serializers.IntegerField(source="rules.max_late_days", allow_null=True)
    submission_types = serializers.ListField(source="rules.submission_types", child=enum_field(list(SUBMISSION_TYPES)))
    allowed_file_types = serializers.ListField(source="rules.allowed_file_types", child=enum_field(list(FILE_TYPES)))
    max_file_mb = serializers.IntegerField(source="rules.max_file_mb")
    max_submissions = serializers.IntegerField(source="rules.max_submissions", allow_null=True)
    rubric = RubricCriterionSerializer(source="rules.rubric", many=True)
    can_submit = serializers.SerializerMethodField()
    closed_reason = serializers.CharField(help_text="Why the learner cannot submit now; empty when they can.")
    submissions = LearnerSubmissionOutput(many=True)

    def get_instructions_html(self, la) -> str:
        return str(render_markdown(la.rules.instructions))

    def get_can_submit(self, la) -> bool:
        return not la.closed_reason


class SubmissionCreateInput(serializers.Serializer):
    text = serializers.CharField(required=False, allow_blank=True, max_length=200_000, trim_whitespace=False)
    url = serializers.CharField(required=False, allow_blank=True, max_length=1000)
    file = serializers.FileField(required=False, allow_empty_file=True, help_text="Type checked on the content.")


# --- staff: assignments --------------------------------------------------------------------


class AssignmentOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    instructions = serializers.CharField()
    points = serializers.IntegerField()
    due_at = serializers.DateTimeField(allow_null=True)
    accept_late = serializers.BooleanField()
    penalty_percent_per_day = serializers.DecimalField(max_digits=5, decimal_places=2)
    max_late_days = serializers.IntegerField(allow_null=True)
    submission_types = serializers.ListField(child=enum_field(list(SUBMISSION_TYPES)))
    allowed_file_types = serializers.ListField(child=enum_field(list(FILE_TYPES)))
    max_file_mb = serializers.IntegerField()
    max_submissions = serializers.IntegerField(allow_null=True)
    rubric = RubricCriterionSerializer(many=True)
    grade_posting = enum_field(Assignment.Posting.choices)
    category = serializers.UUIDField(source="category.uuid", allow_null=True, default=None)
    publish_problems = serializers.SerializerMethodField()
    editor_url = serializers.SerializerMethodField()

    def get_publish_problems(self, assignment) -> list[str]:
        from ..selectors import assignment_publish_problems

        return assignment_publish_problems(assignment)

    def get_editor_url(self, assignment) -> str:
        return reverse("assignments:editor", kwargs={"slug": assignment.course.slug, "assignment_uuid": assignment.uuid})


class AssignmentInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    instructions = serializers.CharField(required=False, allow_blank=True)
    points = serializers.IntegerField(required=False, min_value=0, max_value=100_000)
    due_at = serializers.DateTimeField(required=False, allow_null=True)
    accept_late = serializers.BooleanField(required=False)
    penalty_percent_per_day = serializers.DecimalField(required=False, max_digits=5, decimal_places=2, min_value=0, max_value=100)
    max_late_days = serializers.IntegerField(required=False, allow_null=True, min_value=0, max_value=32767)
    submission_types = serializers.ListField(required=False, child=enum_field(list(SUBMISSION_TYPES)))
    allowed_file_types = serializers.ListField(required=False, child=enum_field(list(FILE_TYPES)))
    max_file_mb = serializers.IntegerField(required=False, min_value=1, max_value=MAX_FILE_MB_LIMIT)
    max_submissions = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=32767)
    rubric = RubricCriterionSerializer(many=True, required=False)
    grade_posting = enum_field(Assignment.Posting.choices, required=False)
    category = serializers.UUIDField(required=False, allow_null=True, help_text="A grade category of the course, or null.")


# --- staff: submissions and grades ---------------------------------------------------------


class GradeChangeOutput(serializers.Serializer):
    changed_at = serializers.DateTimeField()
    changed_by = serializers.EmailField(source="changed_by.email", allow_null=True, default=None)
    old_final_points = serializers.DecimalField(**POINTS, allow_null=True)
    new_final_points = serializers.DecimalField(**POINTS)
    old_status = serializers.CharField(help_text="draft or posted")
    new_status = serializers.CharField(help_text="draft or posted")
    reason = serializers.CharField()


class StaffGradeOutput(PostedGradeOutput):
    status = enum_field(Grade.Status.choices)
    points_overridden = serializers.BooleanField()
    posted_at = serializers.DateTimeField(allow_null=True)
    grader = serializers.EmailField(source="grader.email", allow_null=True, default=None)
    history = serializers.SerializerMethodField()

    @extend_schema_field(GradeChangeOutput(many=True))
    def get_history(self, grade):
        return GradeChangeOutput(grade.changes.select_related("changed_by").order_by("changed_at", "id"), many=True).data


class StaffSubmissionOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    assignment_uuid = serializers.UUIDField()
    course = serializers.SlugField(source="course.slug")
    learner = UserBriefOutput()
    attempt = serializers.IntegerField()
    version_number = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    late_days = serializers.IntegerField()
    text = serializers.CharField()
    url = serializers.CharField()
    file = serializers.SerializerMethodField()
    grade = serializers.SerializerMethodField()

    @extend_schema_field(FileOutput(allow_null=True))
    def get_file(self, submission):
        return FileOutput(submission, context=self.context).data if submission.file else None

    @extend_schema_field(StaffGradeOutput(allow_null=True))
    def get_grade(self, submission):
        grade = getattr(submission, "grade", None) if self.context.get("with_grade", True) else None
        return StaffGradeOutput(grade, context=self.context).data if grade else None


class QueueItemOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    assignment_uuid = serializers.UUIDField()
    learner = UserBriefOutput()
    attempt = serializers.IntegerField()
    submitted_at = serializers.DateTimeField()
    late_days = serializers.IntegerField()


class GradeInput(serializers.Serializer):
    rubric = serializers.ListField(
        required=False, child=serializers.IntegerField(min_value=0, allow_null=True),
        help_text="One level index (or null) per rubric criterion, in the rubric's order.",
    )
    points = serializers.DecimalField(**POINTS, required=False, allow_null=True, min_value=0,
                                      help_text="Points before the late penalty; overrides the rubric's total.")
    feedback = serializers.CharField(required=False, allow_blank=True, default="", max_length=20_000)
    post = serializers.BooleanField(required=False, default=False,
                                    help_text="Post (visible to the learner); false saves a draft. Automatic posting always posts.")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500,
                                   help_text="Recorded when a posted grade changes.")


class PostGradesOutput(serializers.Serializer):
    posted = serializers.IntegerField()


# --- categories and gradebook --------------------------------------------------------------


class CategoryOutput(serializers.Serializer):
    uuid = serializers.UUIDField()
    name = serializers.CharField()
    weight_percent = serializers.DecimalField(max_digits=5, decimal_places=2)


class CategoryInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    weight_percent = serializers.DecimalField(max_digits=5, decimal_places=2, min_value=0, max_value=100)


class GradebookColumnOutput(serializers.Serializer):
    key = serializers.CharField()
    kind = enum_field(["assignment", "quiz", "discussion"])
    uuid = serializers.UUIDField()
    title = serializers.CharField()
    points = serializers.IntegerField(allow_null=True)
    category = serializers.CharField(source="bucket", help_text="A category's uuid, or 'uncategorised'.")


class GradebookBucketOutput(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)


class GradebookCellOutput(serializers.Serializer):
    points = serializers.DecimalField(**POINTS, allow_null=True)
    max_points = serializers.DecimalField(**POINTS, allow_null=True)
    status = enum_field(["", "posted", "draft", "ungraded"])
    needs_grading = serializers.BooleanField()


class GradebookRowOutput(serializers.Serializer):
    learner = UserBriefOutput()
    cells = GradebookCellOutput(many=True)
    categories = serializers.ListField(source="bucket_values", child=serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True),
                                       help_text="Percent per category, in the order of `categories`.")
    total = serializers.DecimalField(max_digits=7, decimal_places=2, allow_null=True)


class GradebookOutput(serializers.Serializer):
    columns = GradebookColumnOutput(many=True)
    categories = GradebookBucketOutput(source="buckets", many=True)
    rows = GradebookRowOutput(many=True)
