"""Demo catalog for the run command's institutions: courses with modules, lessons, a quiz,
an assignment, a track, and a learner with some progress. Idempotent per institution."""
from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.utils import timezone

from billing import api as billing_api
from lms.assignments import api as assignment_publishing
from lms.assignments import api as assignment_services
from lms.assignments.api import Assignment
from lms.courses import api as cs
from lms.courses.api import Course
from lms.quizzes.api import demo_quiz_add
from lms.tracks import api as track_services

LOREM = (
    "Learning works best in small steps. Read this page, try the examples, then mark it complete.\n\n"
    "* Take notes as you go\n* Try every example yourself\n* Ask questions in class\n"
)

COURSES = [
    {
        "title": "Python for Beginners", "slug": "python-for-beginners", "level": "beginner", "estimated_minutes": 240,
        "summary": "Variables, loops and functions: write your first useful programs.", "tags": ["programming", "python"],
        "modules": [
            ("Getting started", [
                ("Why Python?", [("text", "Welcome", "# Welcome!\n\n" + LOREM),
                                 ("video", "A first look", "https://media.example.org/python-intro.mp4"),
                                 ("link", "Install Python", "https://www.python.org/downloads/")]),
                ("Variables and types", [("text", "Names for values", "## Variables\n\n" + LOREM)]),
            ]),
            ("Control flow", [
                ("Loops", [("text", "for and while", "## Loops\n\n" + LOREM)]),
                ("Check your understanding", [("quiz", "Quiz: the basics", None)]),
                ("Your first program", [("assignment", "Assignment: a temperature converter", None)]),
            ]),
        ],
    },
    {
        "title": "Data Visualisation", "slug": "data-visualisation", "level": "intermediate", "estimated_minutes": 180,
        "summary": "Turn numbers into charts people understand.", "tags": ["data"],
        "modules": [("Charts that work", [("Choosing a chart", [("text", "Bars, lines, dots", LOREM)]),
                                          ("Colour and labels", [("text", "Less is more", LOREM)])])],
    },
    {
        "title": "Research Writing", "slug": "research-writing", "level": "advanced", "estimated_minutes": 300,
        "summary": "Structure, argue and cite: write papers reviewers enjoy.", "tags": ["writing"],
        "price_amount": 4900,
        "modules": [("The paper", [("Structure", [("text", "IMRaD", LOREM)])])],
    },
]


def demo_catalog_seed(*, instructor: User, learner: User) -> None:
    if Course.objects.exists():
        return
    courses = {}
    for spec in COURSES:
        spec = dict(spec)
        modules = spec.pop("modules")
        course = cs.course_create(author=instructor, **spec)
        for module_title, lessons in modules:
            module = cs.module_create(course=course, title=module_title)
            for lesson_title, items in lessons:
                lesson = cs.lesson_create(module=module, title=lesson_title)
                for kind, title, content in items:
                    if kind == "text":
                        cs.item_create(lesson=lesson, kind=kind, title=title, body=content)
                    elif kind in ("video", "link"):
                        cs.item_create(lesson=lesson, kind=kind, title=title, url=content)
                    elif kind == "quiz":
                        demo_quiz_add(lesson=lesson, author=instructor, title=title)
                    elif kind == "assignment":
                        ref = assignment_publishing.draft_create(course, title, instructor)
                        assignment_services.assignment_update(
                            assignment=Assignment.objects.get(uuid=ref),
                            instructions="Write a program that converts Celsius to Fahrenheit. Upload it as a "
                                         "text file or paste it.",
                            points=20, due_at=timezone.now() + timedelta(days=10), accept_late=True,
                            penalty_percent_per_day=10, max_late_days=3, submission_types=["file", "text"],
                            allowed_file_types=["txt", "pdf"], max_submissions=3, grade_posting="manual",
                            rubric=[{"criterion": "Correctness", "levels": [{"label": "Correct", "points": 12},
                                                                          {"label": "Partly", "points": 6}]},
                                    {"criterion": "Style", "levels": [{"label": "Clear", "points": 8},
                                                                    {"label": "Messy", "points": 3}]}],
                        )
                        cs.item_create(lesson=lesson, kind="assignment", title=title, ref_uuid=ref)
        courses[course.slug] = course
        if course.price_amount and not billing_api.connect_account_ready(connection.tenant):
            continue  # a draft until the institution connects Stripe on its Billing page
        cs.course_publish(course=course, author=instructor, change_note="First release")

    track = track_services.track_create(author=instructor, title="Data Analyst Path",
                                        description="From your first program to your first dashboard.")
    track_services.track_add_course(track=track, course=courses["python-for-beginners"], actor=instructor)
    track_services.track_add_course(track=track, course=courses["data-visualisation"], actor=instructor)
    project = track_services.track_add_project(track=track, title="Capstone: a public dashboard",
                                               description="Publish a small dashboard about a topic you like.",
                                               actor=instructor)
    track_services.project_step_add(project=project.project, title="Share your repository",
                                    instructions="Link to the code.", deliverable="url", actor=instructor)
    track_services.project_step_add(project=project.project, title="Write a short report",
                                    instructions="What did you find?", deliverable="text", actor=instructor)
    track_services.track_update(track=track, actor=instructor, is_published=True)

    track_services.track_enroll(track=track, learner=learner)
    enrollment = track_services.track_start_course(item=track.items.first(), learner=learner)
    for item_uuid in cs.snapshot_item_uuids(enrollment.version.snapshot)[:3]:
        cs.progress_item_complete(enrollment=enrollment, item_uuid=item_uuid)
    # Locked in the track until Python is done: the instructor enrolls the learner (staff may override the lock).
    cs.enrollment_create(course=courses["data-visualisation"], learner=learner, source="staff", enrolled_by=instructor)


def demo_catalog_bootstrap(bootstrap) -> None:
    """Bootstrap step (tenants/bootstrap.py): a demo institution gets the demo catalog."""
    if not bootstrap.demo:
        return
    demo_catalog_seed(instructor=User.objects.get(username=bootstrap.options["demo_instructor"]),
                      learner=User.objects.get(username=bootstrap.options["demo_learner"]))
