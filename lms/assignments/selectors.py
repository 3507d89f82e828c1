"""Reads for assignments: what a learner sees (from their pinned version; posted grades only),
the grading queue, the gradebook, and the learner dashboard's hooks.

Dashboard hooks (for lms/courses/selectors_learn.py):

    upcoming_deadlines(user, *, now=None, limit=10) -> list[Deadline]
        Assignments of the learner's courses (their pinned versions; dropped courses left out)
        due from now on that they have not submitted yet, soonest first. Two queries.
    recent_grades(user, *, limit=5) -> list[RecentGrade]
        The learner's POSTED grades, most recently posted first. Two queries.

Both return small dataclasses with display-ready fields, including the `url` of the
learner's assignment page.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.db.models import Count, Q, prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from lms.courses import api as course_permissions
from lms.courses import api as course_selectors
from lms.courses.api import Course

from .models import Assignment, GradeCategory, Grade, GradeChange, QuizCategory, Submission
from .rubric import rubric_max_points

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


# --- snapshots and the rules they carry ----------------------------------------------------


def assignment_snapshot(assignment: Assignment) -> dict:
    return {
        "uuid": str(assignment.uuid),
        "title": assignment.title,
        "instructions": assignment.instructions,
        "points": assignment.points,
        "due_at": assignment.due_at.isoformat() if assignment.due_at else None,
        "accept_late": assignment.accept_late,
        "penalty_percent_per_day": str(assignment.penalty_percent_per_day),
        "max_late_days": assignment.max_late_days,
        "submission_types": list(assignment.submission_types),
        "allowed_file_types": list(assignment.allowed_file_types),
        "max_file_mb": assignment.max_file_mb,
        "max_submissions": assignment.max_submissions,
        "rubric": assignment.rubric,
        "grade_posting": assignment.grade_posting,
        "category": {"uuid": str(assignment.category.uuid), "name": assignment.category.name} if assignment.category else None,
    }


def assignment_publish_problems(assignment: Assignment) -> list[str]:
    problems = []
    if not assignment.title.strip():
        problems.append("The assignment needs a title.")
    if not assignment.instructions.strip():
        problems.append("Write the instructions.")
    if assignment.points <= 0:
        problems.append("The assignment must be worth more than 0 points.")
    if not assignment.submission_types:
        problems.append("Choose at least one way to hand in work (file, text or link).")
    if "file" in assignment.submission_types and not assignment.allowed_file_types:
        problems.append("Choose the file types learners may upload.")
    if assignment.rubric:
        for criterion in assignment.rubric:
            too_high = [lv["label"] for lv in criterion["levels"] if lv["points"] > assignment.points]
            if too_high:
                problems.append(f"Rubric “{criterion['criterion']}”: levels worth more than the assignment's "
                                f"{assignment.points} points ({', '.join(too_high)}).")
        top = rubric_max_points(assignment.rubric)
        if top > assignment.points:
            problems.append(f"The rubric's best levels add up to {top} points, more than the assignment's {assignment.points}.")
    return problems


def assignment_in_snapshot(snapshot: dict, assignment_uuid) -> tuple[dict, dict] | None:
    """(content item, assignment data) of an assignment in a version's snapshot, or None."""
    wanted = str(assignment_uuid)
    for module in snapshot.get("modules", []):
        for lesson in module["lessons"]:
            for item in lesson["items"]:
                if item["kind"] == "assignment" and item.get("ref_uuid") == wanted and item.get("data"):
                    return item, item["data"]
    return None


def snapshot_assignment_items(snapshot: dict | None, kind: str = "assignment") -> list[dict]:
    """Assignment (or quiz) items of a version in course order, each {uuid, ref_uuid, title, data}."""
    found = []
    for module in (snapshot or {}).get("modules", []):
        for lesson in module["lessons"]:
            for item in lesson["items"]:
                if item["kind"] == kind and item.get("ref_uuid"):
                    found.append(item)
    return found


@dataclass(frozen=True)
class Rules:
    title: str
    instructions: str
    points: int
    due_at: datetime | None
    accept_late: bool
    penalty_percent_per_day: Decimal
    max_late_days: int | None
    submission_types: list[str]
    allowed_file_types: list[str]
    max_file_mb: int
    max_submissions: int | None
    rubric: list[dict]
    grade_posting: str


def spec_rules(spec: dict) -> Rules:
    return Rules(
        title=spec["title"], instructions=spec.get("instructions", ""), points=int(spec["points"]),
        due_at=parse_datetime(spec["due_at"]) if spec.get("due_at") else None,
        accept_late=bool(spec.get("accept_late")),
        penalty_percent_per_day=Decimal(spec.get("penalty_percent_per_day") or "0"),
        max_late_days=spec.get("max_late_days"),
        submission_types=list(spec.get("submission_types") or []),
        allowed_file_types=list(spec.get("allowed_file_types") or []),
        max_file_mb=int(spec.get("max_file_mb") or 10),
        max_submissions=spec.get("max_submissions"),
        rubric=list(spec.get("rubric") or []),
        grade_posting=spec.get("grade_posting") or Assignment.Posting.MANUAL,
    )


def assignment_spec_for_submission(submission: Submission) -> dict:
    """The assignment as published in the version the submission was made against."""
    version = submission.course.versions.filter(number=submission.version_number).only("snapshot").first()
    found = assignment_in_snapshot(version.snapshot, submission.assignment_uuid) if version else None
    if found is not None:
        return found[1]
    assignment = Assignment.objects.select_related("category").get(uuid=submission.assignment_uuid)
    return assignment_snapshot(assignment)


# --- lookups -------------------------------------------------------------------------------


def uuid_or_none(value) -> UUID | None:
    """A UUID from user input (a query parameter, a form value); None when it is not one."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def course_access(*, user: User, course: Course) -> dict[str, bool]:
    """The user's staff rights on a course ("staff": any course role, "grade", "edit"), in few queries.

    The user's groups (their institution role) are loaded once and reused by every check.
    """
    if not (user and user.is_authenticated):
        return {"staff": False, "grade": False, "edit": False}
    if not hasattr(user, "_prefetched_objects_cache") or "groups" not in user._prefetched_objects_cache:
        prefetch_related_objects([user], "groups")
    grade = course_permissions.can_grade(user, course)
    edit = course_permissions.can_edit(user, course)
    staff = grade or edit or course_permissions.can_view_staff_pages(user, course)
    return {"staff": staff, "grade": grade, "edit": edit}


def course_get(*, slug: str) -> Course | None:
    """Any course of the institution by slug (draft or published); callers check access."""
    return Course.objects.select_related("published_version").filter(slug=slug).first()


def assignment_get(*, course: Course, assignment_uuid) -> Assignment | None:
    return Assignment.objects.select_related("category").filter(course=course, uuid=assignment_uuid).first()


def assignment_list(*, course: Course):
    return Assignment.objects.filter(course=course).select_related("category").order_by("due_at", "title", "id")


def category_list(*, course: Course):
    return GradeCategory.objects.filter(course=course).order_by("position", "id")


# --- the learner's side --------------------------------------------------------------------


@dataclass
class LearnerSubmission:
    submission: Submission
    grade: Grade | None  # posted grades only


@dataclass
class LearnerAssignment:
    course: Course
    enrollment: object
    item: dict
    spec: dict
    rules: Rules
    submissions: list[LearnerSubmission]

    @property
    def uuid(self) -> str:
        return self.spec["uuid"]

    @property
    def course_title(self) -> str:
        """As published in the learner's version (a draft title never reaches learners)."""
        return _version_course_title(self.enrollment.version, self.course)

    @property
    def submissions_left(self) -> int | None:
        if self.rules.max_submissions is None:
            return None
        return max(0, self.rules.max_submissions - len(self.submissions))

    @property
    def late_days_now(self) -> int:
        from .services import late_days_for

        return late_days_for(due_at=self.rules.due_at, submitted_at=timezone.now())

    @property
    def closed_reason(self) -> str:
        """Why the learner cannot submit now ('' when they can)."""
        if self.enrollment.status == self.enrollment.Status.DROPPED:
            return "You dropped this course; enroll again to submit work."
        if self.submissions_left == 0:
            return f"You have used all {self.rules.max_submissions} submission(s) allowed."
        days = self.late_days_now
        if days and not self.rules.accept_late:
            return "The due date has passed and this assignment does not accept late work."
        if days and self.rules.max_late_days is not None and days > self.rules.max_late_days:
            return f"Late work was accepted for {self.rules.max_late_days} day(s) after the due date."
        return ""


def _version_course_title(version, course: Course) -> str:
    return ((version.snapshot if version else {}) or {}).get("course", {}).get("title") or course.slug


def posted_grades_for(submissions) -> dict[int, Grade]:
    """Posted grades of these submissions by submission id (draft grades are never loaded)."""
    ids = [s.pk for s in submissions]
    if not ids:
        return {}
    return {g.submission_id: g for g in Grade.objects.filter(submission_id__in=ids, status=Grade.Status.POSTED)}


def learner_assignment_get(*, learner: User, course: Course, assignment_uuid) -> LearnerAssignment | None:
    """The assignment as the learner's pinned version shows it, with their submissions and posted grades."""
    enrollment = course_selectors.enrollment_get(learner=learner, course=course)
    if enrollment is None:
        return None
    found = assignment_in_snapshot(enrollment.version.snapshot, assignment_uuid)
    if found is None:
        return None
    item, spec = found
    submissions = list(Submission.objects.filter(course=course, assignment_uuid=assignment_uuid, learner=learner)
                       .order_by("attempt"))
    grades = posted_grades_for(submissions)
    return LearnerAssignment(
        course=course, enrollment=enrollment, item=item, spec=spec, rules=spec_rules(spec),
        submissions=[LearnerSubmission(s, grades.get(s.pk)) for s in submissions],
    )


def learner_assignment_by_uuid(*, learner: User, assignment_uuid) -> LearnerAssignment | None:
    """The same, for the API where only the assignment's uuid is known."""
    assignment = Assignment.objects.select_related("course").filter(uuid=assignment_uuid).first()
    if assignment is None:
        return None
    return learner_assignment_get(learner=learner, course=assignment.course, assignment_uuid=assignment_uuid)


def learner_submission_get(*, learner: User, submission_uuid) -> LearnerSubmission | None:
    submission = Submission.objects.select_related("course").filter(uuid=submission_uuid, learner=learner).first()
    if submission is None:
        return None
    return LearnerSubmission(submission, posted_grades_for([submission]).get(submission.pk))


def submission_get_for_file(*, user: User, submission_uuid) -> Submission | None:
    """A submission whose file this user may read: their own, or one of a course they grade."""
    if not user.is_authenticated:
        return None
    submission = Submission.objects.select_related("course").filter(uuid=submission_uuid).first()
    if submission is None:
        return None
    if submission.learner_id == user.pk or course_permissions.can_grade(user, submission.course):
        return submission
    return None


# --- grading -------------------------------------------------------------------------------


def submission_get_for_grading(*, course: Course, submission_uuid) -> Submission | None:
    return (Submission.objects.select_related("course", "learner", "grade", "grade__grader")
            .filter(course=course, uuid=submission_uuid).first())


def submission_get_for_grader(*, user: User, submission_uuid) -> Submission | None:
    """A submission of a course this user grades (the API addresses submissions by uuid alone)."""
    submission = (Submission.objects.select_related("course", "learner__profile", "grade", "grade__grader")
                  .filter(uuid=submission_uuid).first())
    if submission is None or not course_permissions.can_grade(user, submission.course):
        return None
    return submission


def grading_queue(*, course: Course, assignment_uuid=None):
    """Submissions with no grade yet, oldest first (the order they should be graded in)."""
    qs = (Submission.objects.filter(course=course, grade__isnull=True)
          .select_related("learner", "course").order_by("submitted_at", "id"))
    if assignment_uuid:
        qs = qs.filter(assignment_uuid=assignment_uuid)
    return qs


def grading_next(*, course: Course, assignment_uuid=None) -> Submission | None:
    return grading_queue(course=course, assignment_uuid=assignment_uuid).first()


@dataclass
class AssignmentGradingSummary:
    assignment: Assignment
    submissions: int = 0
    ungraded: int = 0
    drafts: int = 0
    posted: int = 0


def grading_summary(*, course: Course) -> list[AssignmentGradingSummary]:
    """Per assignment: submissions, ungraded, draft and posted grades (two queries)."""
    rows = {a.uuid: AssignmentGradingSummary(a) for a in assignment_list(course=course)}
    counts = (Submission.objects.filter(course=course).values("assignment_uuid")
              .annotate(total=Count("id"), ungraded=Count("id", filter=Q(grade__isnull=True)),
                        drafts=Count("id", filter=Q(grade__status=Grade.Status.DRAFT)),
                        posted=Count("id", filter=Q(grade__status=Grade.Status.POSTED))))
    for c in counts:
        summary = rows.get(c["assignment_uuid"])
        if summary:
            summary.submissions, summary.ungraded, summary.drafts, summary.posted = (
                c["total"], c["ungraded"], c["drafts"], c["posted"])
    return list(rows.values())


def assignment_titles(*, course: Course) -> dict[UUID, str]:
    return dict(Assignment.objects.filter(course=course).values_list("uuid", "title"))


def grade_history(*, grade: Grade | None):
    if grade is None or grade.pk is None:
        return GradeChange.objects.none()
    return grade.changes.select_related("changed_by").order_by("-changed_at", "-id")


def learner_other_submissions(*, submission: Submission):
    return (Submission.objects.filter(course_id=submission.course_id, assignment_uuid=submission.assignment_uuid,
                                      learner_id=submission.learner_id)
            .exclude(pk=submission.pk).select_related("grade").order_by("attempt"))


# --- gradebook -----------------------------------------------------------------------------


UNCATEGORISED = "uncategorised"


@dataclass
class GradebookColumn:
    key: str
    kind: str  # "assignment" | "quiz"
    uuid: str
    title: str
    points: int | None
    bucket: str  # a category's uuid, or UNCATEGORISED


@dataclass
class GradebookCell:
    points: Decimal | None = None  # final points of the posted grade counted
    max_points: Decimal | None = None
    status: str = ""  # "posted", "draft" (graded, not posted), "ungraded" (work waiting), "" (nothing)
    needs_grading: bool = False

    @property
    def percent(self) -> Decimal | None:
        if self.points is None or not self.max_points:
            return None
        return (self.points * HUNDRED / self.max_points).quantize(CENT, ROUND_HALF_UP)


@dataclass
class GradebookBucket:
    key: str
    name: str
    weight: Decimal


@dataclass
class GradebookRow:
    learner: User
    cells: list[GradebookCell]
    buckets: dict[str, Decimal | None] = field(default_factory=dict)  # percent per bucket key
    bucket_values: list[Decimal | None] = field(default_factory=list)  # the same, in the gradebook's bucket order
    total: Decimal | None = None


@dataclass
class Gradebook:
    course: Course
    columns: list[GradebookColumn]
    buckets: list[GradebookBucket]
    rows: list[GradebookRow]
    weights_total: Decimal
    uncategorised_unweighted: bool  # items outside categories while the categories take 100 %


def _quiz_scores(course: Course) -> dict:
    from lms.courses.api import import_optional

    quizzes = import_optional("lms.quizzes.api")  # the quizzes app is optional; an error inside it is not
    if quizzes is None:
        return {}
    return quizzes.quiz_scores_for_course(course=course) or {}


def _decimal(value) -> Decimal | None:
    if value is None:
        return None
    return Decimal(str(value))


def _percent(points: Decimal, max_points: Decimal) -> Decimal:
    return points * HUNDRED / max_points


def gradebook(*, course: Course) -> Gradebook:
    """Learners × graded items with weighted category totals and a course total (percent).

    Totals count POSTED grades only (what learners have been shown); an item a learner has no
    posted grade for is left out of their totals rather than counted as zero. A learner's
    latest posted attempt counts. Each category's percent is its points earned over its points
    possible; the course total is the average of the categories weighted by their weights,
    re-scaled over the categories the learner has grades in. Items in no category form one
    more bucket weighing what the categories leave of 100 % (all of it when there are none).
    The number of queries does not depend on the number of learners or items.
    """
    categories = list(category_list(course=course))
    assignments = list(Assignment.objects.filter(course=course).select_related("category"))
    by_uuid = {str(a.uuid): a for a in assignments}
    snapshot = course.published_version.snapshot if course.published_version else None

    columns: list[GradebookColumn] = []
    seen: set[str] = set()
    published_order = [i["ref_uuid"] for i in snapshot_assignment_items(snapshot)]
    submitted = {str(u) for u in Submission.objects.filter(course=course).values_list("assignment_uuid", flat=True).distinct()}
    for ref in published_order + sorted(submitted - set(published_order), key=lambda u: (by_uuid[u].title if u in by_uuid else u)):
        assignment = by_uuid.get(ref)
        if assignment is None or ref in seen:
            continue
        seen.add(ref)
        columns.append(GradebookColumn(
            key=f"a:{ref}", kind="assignment", uuid=ref, title=assignment.title, points=assignment.points,
            bucket=str(assignment.category.uuid) if assignment.category else UNCATEGORISED,
        ))

    quiz_scores = _quiz_scores(course)
    quiz_categories = {str(q.quiz_uuid): str(q.category.uuid)
                       for q in QuizCategory.objects.filter(course=course).select_related("category")}
    quiz_items = {i["ref_uuid"]: i for i in snapshot_assignment_items(snapshot, kind="quiz")}
    quiz_uuids = list(quiz_items) + sorted({str(q) for (_, q) in quiz_scores} - set(quiz_items))
    for ref in quiz_uuids:
        item = quiz_items.get(ref)
        columns.append(GradebookColumn(
            key=f"q:{ref}", kind="quiz", uuid=ref, title=item["title"] if item else "Quiz", points=None,
            bucket=quiz_categories.get(ref, UNCATEGORISED),
        ))

    weights_total = sum((c.weight_percent for c in categories), Decimal(0))
    buckets = [GradebookBucket(str(c.uuid), c.name, c.weight_percent) for c in categories]
    has_uncategorised = any(c.bucket == UNCATEGORISED for c in columns)
    if has_uncategorised or not categories:
        buckets.append(GradebookBucket(UNCATEGORISED, "Uncategorised" if categories else "All items",
                                       max(Decimal(0), HUNDRED - weights_total)))

    enrollments = list(course.enrollments.exclude(status="dropped").select_related("learner__profile").order_by(
        "learner__last_name", "learner__first_name", "learner__email"))

    # One query for every submission of the course with its grade (if any).
    latest_posted: dict[tuple[int, str], tuple[int, Decimal, int]] = {}
    waiting: dict[tuple[int, str], str] = {}
    for learner_id, a_uuid, attempt, status, final, max_points in (
        Submission.objects.filter(course=course)
        .values_list("learner_id", "assignment_uuid", "attempt", "grade__status", "grade__final_points", "grade__max_points")
    ):
        key = (learner_id, str(a_uuid))
        if status == Grade.Status.POSTED:
            if key not in latest_posted or attempt > latest_posted[key][0]:
                latest_posted[key] = (attempt, final, max_points)
        else:
            if waiting.get(key) != "ungraded":  # an attempt waiting for a grade outranks a draft grade
                waiting[key] = "ungraded" if status is None else "draft"

    rows = []
    for enrollment in enrollments:
        learner = enrollment.learner
        cells = []
        earned: dict[str, Decimal] = defaultdict(Decimal)
        possible: dict[str, Decimal] = defaultdict(Decimal)
        for column in columns:
            cell = GradebookCell()
            if column.kind == "assignment":
                key = (learner.pk, column.uuid)
                if key in latest_posted:
                    _, final, max_points = latest_posted[key]
                    cell.points, cell.max_points, cell.status = final, Decimal(max_points), "posted"
                if key in waiting:
                    cell.needs_grading = waiting[key] == "ungraded"
                    if cell.status != "posted":
                        cell.status = waiting[key]
            else:
                score = quiz_scores.get((learner.pk, UUID(column.uuid))) or quiz_scores.get((learner.pk, column.uuid))
                if score is not None and score[0] is not None:
                    cell.points, cell.max_points, cell.status = _decimal(score[0]), _decimal(score[1]), "posted"
            if cell.points is not None and cell.max_points:
                earned[column.bucket] += cell.points
                possible[column.bucket] += cell.max_points
            cells.append(cell)
        row = GradebookRow(learner=learner, cells=cells)
        weighted, weight_used = Decimal(0), Decimal(0)
        for bucket in buckets:
            if possible.get(bucket.key):
                exact = _percent(earned[bucket.key], possible[bucket.key])
                row.buckets[bucket.key] = exact.quantize(CENT, ROUND_HALF_UP)
                if bucket.weight > 0:
                    weighted += exact * bucket.weight
                    weight_used += bucket.weight
            else:
                row.buckets[bucket.key] = None
        row.bucket_values = [row.buckets[b.key] for b in buckets]
        row.total = (weighted / weight_used).quantize(CENT, ROUND_HALF_UP) if weight_used else None
        rows.append(row)

    return Gradebook(
        course=course, columns=columns, buckets=buckets, rows=rows, weights_total=weights_total,
        uncategorised_unweighted=bool(categories) and has_uncategorised and weights_total >= HUNDRED,
    )


def _csv_cell(value) -> str:
    from tenant_apps.accounts.api import csv_safe_cell

    return csv_safe_cell("" if value is None else str(value))


def gradebook_csv(book: Gradebook) -> str:
    """The gradebook as CSV: one row per learner; posted final points, category and course percents."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["Email", "First name", "Last name"]
        + [f"{c.title} ({c.points} pts)" if c.points is not None else f"{c.title} (quiz)" for c in book.columns]
        + [f"{b.name} % (weight {b.weight})" for b in book.buckets]
        + ["Course total %"]
    )
    for row in book.rows:
        writer.writerow(
            [_csv_cell(row.learner.email), _csv_cell(row.learner.first_name), _csv_cell(row.learner.last_name)]
            + [_csv_cell(cell.points) for cell in row.cells]
            + [_csv_cell(row.buckets.get(b.key)) for b in book.buckets]
            + [_csv_cell(row.total)]
        )
    return out.getvalue()


def quiz_columns_for_categories(*, course: Course) -> list[dict]:
    """Quizzes of the published version with their category uuid (for the categories page)."""
    snapshot = course.published_version.snapshot if course.published_version else None
    mapping = {str(q.quiz_uuid): str(q.category.uuid) for q in QuizCategory.objects.filter(course=course).select_related("category")}
    return [{"uuid": i["ref_uuid"], "title": i["title"], "category": mapping.get(i["ref_uuid"], "")}
            for i in snapshot_assignment_items(snapshot, kind="quiz")]


# --- learner dashboard hooks ---------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    course_title: str
    course_slug: str
    assignment_uuid: str
    title: str
    due_at: datetime
    points: int
    url: str


@dataclass(frozen=True)
class RecentGrade:
    course_title: str
    course_slug: str
    assignment_uuid: str
    title: str
    final_points: Decimal
    max_points: int
    percent: Decimal
    posted_at: datetime
    url: str


def _learner_url(slug: str, assignment_uuid) -> str:
    return reverse("assignments:learner-assignment", kwargs={"slug": slug, "assignment_uuid": assignment_uuid})


def upcoming_deadlines(user: User, *, now: datetime | None = None, limit: int = 10) -> list[Deadline]:
    """Assignments due from now on, not yet submitted, in the learner's pinned versions; soonest first."""
    if not user.is_authenticated:
        return []
    now = now or timezone.now()
    done = {str(u) for u in Submission.objects.filter(learner=user).values_list("assignment_uuid", flat=True).distinct()}
    found = []
    for enrollment in course_selectors.enrollments_for_lists(learner=user):
        course = enrollment.course
        digest = enrollment.version.digest or {}  # the version's read model: no snapshot loaded
        course_title = (digest.get("course") or {}).get("title") or course.slug
        for item in digest.get("assignments", []):
            due = parse_datetime(item["due_at"]) if item.get("due_at") else None
            if due is None or due < now or item["ref_uuid"] in done:
                continue
            found.append(Deadline(course_title, course.slug, item["ref_uuid"], item["title"], due,
                                  int(item.get("points") or 0), _learner_url(course.slug, item["ref_uuid"])))
    found.sort(key=lambda d: d.due_at)
    return found[:limit]


def recent_grades(user: User, *, limit: int = 5) -> list[RecentGrade]:
    """The learner's posted grades, most recently posted first."""
    if not user.is_authenticated:
        return []
    grades = list(
        Grade.objects.filter(submission__learner=user, status=Grade.Status.POSTED)
        .select_related("submission__course").order_by("-posted_at", "-id")[:limit]
    )
    # Titles as the learner's pinned versions show them (never the staff's draft).
    digests = {e.course_id: e.version.digest or {} for e in user.enrollments.filter(
        course_id__in={g.submission.course_id for g in grades}).select_related("version").defer(
        "version__snapshot", "version__changes")} if grades else {}
    found = []
    for g in grades:
        submission = g.submission
        digest = digests.get(submission.course_id, {})
        title = next((a["title"] for a in digest.get("assignments", [])
                      if a["ref_uuid"] == str(submission.assignment_uuid)), "Assignment")
        found.append(RecentGrade(
            course_title=(digest.get("course") or {}).get("title") or submission.course.slug,
            course_slug=submission.course.slug, assignment_uuid=str(submission.assignment_uuid), title=title,
            final_points=g.final_points, max_points=g.max_points,
            percent=(g.final_points * HUNDRED / g.max_points).quantize(CENT, ROUND_HALF_UP) if g.max_points else Decimal(0),
            posted_at=g.posted_at, url=_learner_url(submission.course.slug, submission.assignment_uuid),
        ))
    return found
