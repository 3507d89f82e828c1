"""The gradebook: weighted category totals (hand-computed), CSV export, quizzes, and a query
count that does not grow with learners, items or grades."""
import csv
import io
import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.assignments import selectors, services
from lms.courses import permissions as course_permissions
from lms.courses import services as course_services

from .helpers import add_assignment

pytestmark = pytest.mark.django_db
D = Decimal


def build(site, *, categories: dict[str, str], items: list[tuple[str, int, str | None]], learners: int):
    """A published course; categories {name: weight}; items (title, points, category name); enrolled learners."""
    instructor = site.make_user(role="instructor")
    ta = site.make_user(role="teaching_assistant")
    people = [site.make_user(role="learner", first_name=f"L{n}", last_name=f"Learner{n:02d}") for n in range(learners)]
    with site:
        course = course_services.course_create(author=instructor, title=f"Gradebook {uuid.uuid4().hex[:6]}")
        cats = {name: services.category_create(course=course, name=name, weight_percent=D(w)) for name, w in categories.items()}
        lesson = course_services.lesson_create(module=course_services.module_create(course=course, title="M"), title="L")
        assignments = {}
        for title, points, cat in items:
            assignments[title], _ = add_assignment(course, lesson, title=title, points=points, rubric=[],
                                                   category=cats[cat] if cat else None, max_submissions=None)
        course_services.course_publish(course=course, author=instructor)
        course.refresh_from_db()
        course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        for person in people:
            course_services.enrollment_create(course=course, learner=person)
    return course, assignments, people, instructor, ta


def grade(site, course, assignment, learner, grader, points, *, post=True):
    with site:
        submission = services.submission_create(learner=learner, course=course, assignment_uuid=assignment.uuid, text="w")
        return services.grade_save(submission=submission, grader=grader, points=points, post=post)


def test_weighted_totals_hand_computed(site_a):
    course, a, (lea, otto, nadia), instructor, ta = build(
        site_a, categories={"Homework": "40", "Exams": "60"},
        items=[("HW1", 10, "Homework"), ("HW2", 20, "Homework"), ("Exam", 50, "Exams"), ("Bonus", 10, None)], learners=3)
    grade(site_a, course, a["HW1"], lea, ta, "8")
    grade(site_a, course, a["HW2"], lea, ta, "15")
    grade(site_a, course, a["Exam"], lea, ta, "40")
    grade(site_a, course, a["Bonus"], lea, ta, "10")
    grade(site_a, course, a["HW1"], otto, ta, "5")
    grade(site_a, course, a["HW2"], otto, ta, "20", post=False)  # a draft: shown to staff as draft, not counted
    with site_a:
        book = selectors.gradebook(course=course)
    assert [c.title for c in book.columns] == ["HW1", "HW2", "Exam", "Bonus"]
    assert [(b.name, b.weight) for b in book.buckets] == [("Homework", D("40")), ("Exams", D("60")), ("Uncategorised", D("0"))]
    assert book.uncategorised_unweighted
    rows = {row.learner.pk: row for row in book.rows}
    # Lea: Homework (8 + 15) / (10 + 20) = 76.666…%, Exams 40/50 = 80 %; 0.4 × 76.666… + 0.6 × 80 = 78.666… → 78.67
    lea_row = rows[lea.pk]
    assert [c.points for c in lea_row.cells] == [D("8.00"), D("15.00"), D("40.00"), D("10.00")]
    assert lea_row.bucket_values == [D("76.67"), D("80.00"), D("100.00")]
    assert lea_row.total == D("78.67")
    # Otto: only HW1 posted → Homework 50 %, no exam grade → the total re-scales over Homework: 50 %
    otto_row = rows[otto.pk]
    assert [c.status for c in otto_row.cells] == ["posted", "draft", "", ""]
    assert otto_row.bucket_values == [D("50.00"), None, None] and otto_row.total == D("50.00")
    # Nadia: nothing yet
    assert rows[nadia.pk].total is None and rows[nadia.pk].bucket_values == [None, None, None]


def test_without_categories_the_total_is_points_over_points_and_late_penalties_count(site_a):
    course, a, (lea,), _, ta = build(site_a, categories={}, items=[("A", 10, None), ("B", 30, None)], learners=1)
    grade(site_a, course, a["A"], lea, ta, "10")
    grade(site_a, course, a["B"], lea, ta, "21")
    with site_a:
        book = selectors.gradebook(course=course)
    assert [(b.name, b.weight) for b in book.buckets] == [("All items", D("100"))]
    assert book.rows[0].total == D("77.50")  # 31 / 40


def test_categories_that_leave_room_weigh_uncategorised_items(site_a):
    course, a, (lea,), _, ta = build(site_a, categories={"Labs": "70"}, items=[("Lab", 10, "Labs"), ("Essay", 10, None)],
                                     learners=1)
    grade(site_a, course, a["Lab"], lea, ta, "10")
    grade(site_a, course, a["Essay"], lea, ta, "5")
    with site_a:
        row = selectors.gradebook(course=course).rows[0]
    assert row.bucket_values == [D("100.00"), D("50.00")] and row.total == D("85.00")  # 0.7 × 100 + 0.3 × 50


def test_latest_posted_attempt_counts(site_a):
    course, a, (lea,), _, ta = build(site_a, categories={}, items=[("A", 10, None)], learners=1)
    grade(site_a, course, a["A"], lea, ta, "9")
    grade(site_a, course, a["A"], lea, ta, "4")
    with site_a:
        services.submission_create(learner=lea, course=course, assignment_uuid=a["A"].uuid, text="third, ungraded")
        cell = selectors.gradebook(course=course).rows[0].cells[0]
    assert cell.points == D("4.00") and cell.needs_grading


def test_quiz_scores_join_the_gradebook_in_their_category(site_a):
    from django.utils import timezone

    from lms.quizzes.demo import demo_quiz_add
    from lms.quizzes.models import QuizAttempt

    course, a, (lea, otto), instructor, ta = build(site_a, categories={"Homework": "50", "Quizzes": "50"},
                                                   items=[("HW", 10, "Homework")], learners=2)
    with site_a:
        item = demo_quiz_add(lesson=course.modules.get().lessons.get(), author=instructor, title="Weekly quiz")
        course_services.course_publish(course=course, author=instructor)
        QuizAttempt.objects.create(
            learner=lea, course=course, quiz_uuid=item.ref_uuid, item_uuid=item.uuid, version_number=2, number=1,
            started_at=timezone.now(), submitted_at=timezone.now(), status="graded", score=D("9"), max_score=D("10"),
            graded_at=timezone.now(),
        )
    grade(site_a, course, a["HW"], lea, ta, "5")
    with site_a:
        services.quiz_category_set(course=course, quiz_uuid=item.ref_uuid,
                                   category=course.grade_categories.get(name="Quizzes"))
        book = selectors.gradebook(course=course)
    assert [(c.kind, c.title) for c in book.columns] == [("assignment", "HW"), ("quiz", "Weekly quiz")]
    row = next(r for r in book.rows if r.learner.pk == lea.pk)
    assert row.cells[1].points == D("9") and row.bucket_values == [D("50.00"), D("90.00")] and row.total == D("70.00")


def test_csv_export(site_a):
    course, a, (lea, otto), instructor, ta = build(site_a, categories={"Homework": "100"}, items=[("HW", 10, "Homework")],
                                                   learners=2)
    grade(site_a, course, a["HW"], lea, ta, "7.5")
    with site_a:
        from django.contrib.auth.models import User

        User.objects.filter(pk=otto.pk).update(first_name="=HYPERLINK(\"http://evil\")")
    response = site_a.client(ta).get(f"/studio/courses/{course.slug}/gradebook.csv")
    assert response.status_code == 200 and response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="gradebook-{course.slug}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Email", "First name", "Last name", "HW (10 pts)", "Homework % (weight 100.00)", "Course total %"]
    by_email = {r[0]: r for r in rows[1:]}
    assert by_email[lea.email][3:] == ["7.50", "75.00", "75.00"]
    assert by_email[otto.email][1].startswith("'=")  # formulas neutralised
    assert by_email[otto.email][3:] == ["", "", ""]
    assert site_a.client(lea).get(f"/studio/courses/{course.slug}/gradebook.csv").status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_gradebook_query_count_does_not_grow_with_rows(site_a):
    small = build(site_a, categories={"Homework": "50"}, items=[("HW1", 10, "Homework")], learners=1)
    large = build(site_a, categories={"Homework": "50", "Exams": "30"},
                  items=[("HW1", 10, "Homework"), ("HW2", 10, "Homework"), ("Exam", 20, "Exams"), ("Extra", 5, None)],
                  learners=6)
    course, a, people, _, ta = small
    grade(site_a, course, a["HW1"], people[0], ta, "5")
    course, a, people, _, ta_large = large
    for n, person in enumerate(people):
        for title in ("HW1", "HW2", "Exam"):
            grade(site_a, course, a[title], person, ta_large, str(n + 1), post=n % 2 == 0)
    counts = {}
    for name, (course, _, _, _, ta) in (("small", small), ("large", large)):
        client = site_a.client(ta)
        client.get("/")  # warm the per-tenant caches (site settings) so both sides start alike
        counts[name] = [_queries(client, f"/studio/courses/{course.slug}/{path}")
                        for path in ("gradebook/", "gradebook.csv", "grading/")]
        counts[name].append(_queries(client, f"/api/v1/studio/courses/{course.slug}/gradebook"))
    assert counts["small"] == counts["large"], counts
