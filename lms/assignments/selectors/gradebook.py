"""The weighted gradebook of a course, and its CSV export."""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID
from django.contrib.auth.models import User
from lms.courses.api import Course
from ..models import Assignment, Grade, QuizCategory, Submission
from .snapshots import CENT, HUNDRED, snapshot_assignment_items
from .lookups import category_list


# --- gradebook -----------------------------------------------------------------------------


UNCATEGORISED = "uncategorised"


@dataclass
class GradebookColumn:
    key: str
    kind: str  # "assignment" | "quiz" | a gradebook source's kind ("discussion")
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


def posted_grades_for_course(*, course: Course, learner_id: int | None = None
                             ) -> dict[tuple[int, str], tuple[Decimal, int]]:
    """{(learner_id, assignment uuid str): (final_points, max_points)} of each learner's latest
    POSTED attempt per assignment (what the gradebook counts). One query. `learner_id`: only that learner's."""
    rows = Submission.objects.filter(course=course, grade__status=Grade.Status.POSTED)
    if learner_id is not None:
        rows = rows.filter(learner_id=learner_id)
    latest: dict[tuple[int, str], tuple[int, Decimal, int]] = {}
    for learner, a_uuid, attempt, final, max_points in rows.values_list(
            "learner_id", "assignment_uuid", "attempt", "grade__final_points", "grade__max_points"):
        key = (learner, str(a_uuid))
        if key not in latest or attempt > latest[key][0]:
            latest[key] = (attempt, final, max_points)
    return {key: (final, max_points) for key, (_, final, max_points) in latest.items()}


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

    from ..gradebook_sources import gradebook_source_columns

    external: dict[str, dict] = {}  # column key -> {learner_id: points} of other apps' graded work
    for kind, column in gradebook_source_columns(course):
        key = f"{kind}:{column['uuid']}"
        external[key] = column["scores"]
        columns.append(GradebookColumn(key=key, kind=kind, uuid=str(column["uuid"]), title=column["title"],
                                       points=column["points"], bucket=UNCATEGORISED))

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
            elif column.key in external:
                points = external[column.key].get(learner.pk)
                if points is not None and column.points:
                    cell.points, cell.max_points, cell.status = _decimal(points), Decimal(column.points), "posted"
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
