"""Browser journey through the whole course path on institution acme: an instructor builds a
course in the studio (module, lesson, text, quiz with a question, assignment), publishes it and
adds a teaching assistant; a learner enrolls, completes the text, passes the quiz and hands in
the assignment; the teaching assistant finds it in the grading queue; the instructor grades it
(rubric and feedback) as a draft, which the learner cannot see, then posts it; the learner
sees the grade on the assignment and the dashboard.

Headless Debian Chromium against the app under gunicorn, which sees committed data only: the
three accounts are created committed (unique per run) and everything is deleted afterwards.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

import pytest

from tests.browser.support import CHROMIUM, LAUNCH_ARGS, LOGS, log_in, require_browser

INSTRUCTOR_PASSWORD = "amber-kestrel-lantern-92"
LEARNER_PASSWORD = "quiet-harbour-violet-17"
TA_PASSWORD = "copper-meadow-otter-45"




@dataclass
class Journey:
    base: str  # http://acme.localhost:<port>
    tag: str
    instructor_email: str
    learner_email: str
    ta_email: str

    @property
    def slug(self) -> str:
        return f"journey-{self.tag}"

    @property
    def title(self) -> str:
        return f"Reflective Writing {self.tag}"


@pytest.fixture
def journey(request, django_db_blocker):
    """The live server and three committed acme accounts (instructor, learner, TA), unique per run;
    the accounts and the course the journey builds are deleted afterwards."""
    require_browser()
    port = request.getfixturevalue("live_server_port")
    from django.conf import settings
    from django.db import connection
    from django_tenants.utils import tenant_context

    from conftest import Site
    from tenants.models import Tenant

    tag = secrets.token_hex(4)
    data = Journey(base=f"http://acme.localhost:{port}", tag=tag, instructor_email=f"instructor-{tag}@acme.test",
                   learner_email=f"learner-{tag}@acme.test", ta_email=f"ta-{tag}@acme.test")
    with django_db_blocker.unblock():
        tenant = Tenant.objects.get(slug="acme")
    site = Site(tenant, f"acme.{settings.PLATFORM_DOMAIN}")
    try:
        with django_db_blocker.unblock():
            site.make_user(role="instructor", email=data.instructor_email, password=INSTRUCTOR_PASSWORD,
                           first_name="Iris", last_name="Instructor")
            site.make_user(role="learner", email=data.learner_email, password=LEARNER_PASSWORD,
                           first_name="Leo", last_name="Learner")
            site.make_user(role="teaching_assistant", email=data.ta_email, password=TA_PASSWORD,
                           first_name="Tara", last_name="Assistant")
            connection.set_schema_to_public()
        yield data
    finally:
        from django.contrib.auth.models import User

        from lms.courses.models import Course, Enrollment

        with django_db_blocker.unblock():
            with tenant_context(tenant):
                for course in Course.objects.filter(slug=data.slug):
                    # Enrollments PROTECT the versions they are pinned to: they go first, then the
                    # course cascades to versions, outline, quizzes, attempts, assignments, submissions.
                    Enrollment.objects.filter(course=course).delete()
                    course.delete()
                User.objects.filter(username__in=[data.instructor_email, data.learner_email, data.ta_email]).delete()
            connection.set_schema_to_public()


def _shot(page, name: str) -> None:
    LOGS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LOGS / f"course-journey-{name}.png"), full_page=True)


def _log_in(page, base: str, email: str, password: str) -> None:
    from playwright.sync_api import expect

    log_in(page, base, email, password)
    expect(page.locator("header")).to_contain_text("Log out")


def _messages(page):
    return page.locator("ul.messages")


def _build_and_publish(page, j: Journey) -> None:
    """The instructor's part: studio, course, outline, three items, quiz question, assignment, publish."""
    from playwright.sync_api import expect

    studio = f"{j.base}/studio/courses/{j.slug}/"
    page.get_by_role("banner").get_by_role("link", name="Studio", exact=True).click()
    page.wait_for_url(f"{j.base}/studio/")
    expect(page.get_by_role("heading", name="Studio", exact=True)).to_be_visible()
    page.get_by_role("link", name="New course").click()

    expect(page.get_by_role("heading", name="New course")).to_be_visible()
    page.get_by_label("Title").fill(j.title)
    page.get_by_label("Address (slug)").fill(j.slug)
    page.get_by_label("Summary").fill("Learn to write short, concrete reflections.")
    page.get_by_role("button", name="Create course").click()
    page.wait_for_url(studio)
    expect(_messages(page)).to_contain_text(f"“{j.title}” was created as a draft")
    expect(page.locator(".badge.warn", has_text="Not published")).to_be_visible()

    # Outline: a module, then a lesson in it (which opens the lesson page).
    page.get_by_label("New module").fill("Getting started")
    page.get_by_role("button", name="Add module").click()
    expect(page.get_by_role("heading", name="Module 1: Getting started")).to_be_visible()
    page.get_by_label("New lesson in this module").fill("First steps")
    page.get_by_role("button", name="Add lesson").click()
    expect(page.get_by_role("heading", name="Lesson: First steps")).to_be_visible()
    lesson_url = page.url

    # A rich text item.
    add_text = page.locator("details#add-text")
    add_text.locator("summary").click()
    add_text.get_by_label("Title", exact=True).fill("Welcome")
    add_text.get_by_label("Text", exact=True).fill("**Hello** and welcome. Read this, then mark it complete.")
    add_text.get_by_role("button", name="Add rich text").click()
    page.wait_for_url(lesson_url)
    expect(_messages(page)).to_contain_text("Rich text “Welcome” added.")

    # A quiz item: adding it opens the quiz editor, where a single-choice question is added.
    add_quiz = page.locator("details#add-quiz")
    add_quiz.locator("summary").click()
    add_quiz.get_by_label("Title", exact=True).fill("Check your understanding")
    add_quiz.get_by_role("button", name="Add quiz").click()
    expect(page.get_by_role("heading", name="Quiz: Check your understanding")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Add at least one question.")
    page.get_by_label("Add a question").select_option(label="Single choice")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("New question"))).to_be_visible()
    page.get_by_label("Question", exact=True).fill("Which makes a reflection concrete?")
    page.get_by_label("Points").fill("2")
    page.get_by_label("Option 1", exact=True).fill("Vague feelings")
    page.get_by_label("Option 2", exact=True).fill("A specific example")
    page.get_by_label("Option 2 correct").check()
    page.get_by_label("Option 3", exact=True).fill("A long title")
    page.get_by_label("Explanation").fill("Examples anchor a reflection in what happened.")
    page.get_by_role("button", name="Add question").click()
    expect(_messages(page)).to_contain_text("Question added.")
    question = page.locator(".quiz-q").first
    expect(question).to_contain_text("Which makes a reflection concrete?")
    expect(question.locator("li", has_text="A specific example")).to_contain_text("correct")
    expect(page.locator("main")).not_to_contain_text("To fix before publishing")
    _shot(page, "1-quiz-editor")

    # Back to the lesson, through the course editor's outline.
    page.get_by_role("link", name=f"← {j.title}").click()
    page.wait_for_url(studio)
    page.get_by_role("link", name="First steps", exact=True).click()
    page.wait_for_url(lesson_url)

    # An assignment item: adding it opens the assignment editor.
    add_assignment = page.locator("details#add-assignment")
    add_assignment.locator("summary").click()
    add_assignment.get_by_label("Title", exact=True).fill("Write a reflection")
    add_assignment.get_by_role("button", name="Add assignment").click()
    expect(page.get_by_role("heading", name="Write a reflection", exact=True)).to_be_visible()
    page.get_by_label("Instructions").fill("Describe one thing you learned, with a **concrete** example.")
    page.get_by_label("Points", exact=True).fill("10")
    page.get_by_label("File upload").uncheck()  # a new assignment takes PDF files; this one takes text only
    page.get_by_label("Text", exact=True).check()
    # The rubric builder: a table of criteria × levels; "Add a criterion" posts back for another row.
    page.get_by_role("button", name="Add a criterion").click()
    expect(page.get_by_label("Criterion 2", exact=True)).to_be_visible()
    for c, (name, levels) in enumerate([("Clarity", [("Clear", 6), ("Vague", 3), ("Missing", 0)]),
                                        ("Examples", [("Concrete", 4), ("Generic", 2), ("Absent", 0)])], start=1):
        page.get_by_label(f"Criterion {c}", exact=True).fill(name)
        for lv, (label, points) in enumerate(levels, start=1):
            page.get_by_label(f"Criterion {c}, level {lv}: label").fill(label)
            page.get_by_label(f"Criterion {c}, level {lv}: points").fill(str(points))
    page.get_by_label("Manual: grades stay drafts until staff post them").check()
    page.get_by_role("button", name="Save assignment").click()
    expect(_messages(page)).to_contain_text("Assignment saved.")
    expect(page.locator("main")).not_to_contain_text("Before this course can be published")
    expect(page.get_by_label("Text", exact=True)).to_be_checked()
    expect(page.get_by_label("File upload")).not_to_be_checked()
    expect(page.get_by_label("Manual: grades stay drafts until staff post them")).to_be_checked()

    # Publish with a change note.
    page.get_by_role("link", name=f"← {j.title}").click()
    page.wait_for_url(studio)
    outline = page.locator("#outline")
    expect(outline).to_contain_text("3 items: rich text, quiz, assignment")
    page.get_by_role("navigation", name="Course studio").get_by_role("link", name="Publish").click()
    page.wait_for_url(f"{studio}publish/")
    expect(page.get_by_role("heading", name="First version")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Fix these before publishing")
    page.get_by_label("What changed").fill("First release: text, quiz and assignment")
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_url(f"{studio}history/")
    expect(_messages(page)).to_contain_text("Version 1 is published.")
    row = page.locator("tbody tr").first
    expect(row).to_contain_text("First release: text, quiz and assignment")
    expect(row).to_contain_text("Live")
    expect(page.locator(".page-head .badge.ok")).to_contain_text("Published · version 1")
    _shot(page, "2-history")

    # A teaching assistant joins the course staff.
    page.get_by_role("navigation", name="Course studio").get_by_role("link", name="Staff").click()
    page.wait_for_url(f"{studio}staff/")
    page.get_by_label("Email").fill(j.ta_email)
    page.get_by_label("Course role").select_option(label="Teaching assistant")
    page.get_by_role("button", name="Add to the staff").click()
    expect(_messages(page)).to_contain_text(f"{j.ta_email} is now teaching assistant of this course.")
    expect(page.locator("tbody tr", has_text=j.ta_email)).to_contain_text("Teaching assistant")


def _progress(page):
    return page.locator(".progress-label")


def _learn_and_submit(page, j: Journey) -> None:
    """The learner's part: catalog, enroll, text item, quiz, assignment."""
    from playwright.sync_api import expect

    page.get_by_role("banner").get_by_role("link", name="Catalog", exact=True).click()
    page.wait_for_url(f"{j.base}/courses/")
    expect(page.get_by_role("heading", name="Courses", exact=True)).to_be_visible()
    page.get_by_label("Search").fill(j.tag)  # HTMX swaps the results in place
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("1 course match")
    results.get_by_role("link", name=j.title).click()

    page.wait_for_url(f"{j.base}/courses/{j.slug}/")
    expect(page.get_by_role("heading", name=j.title, level=1)).to_be_visible()
    outline = page.locator("section.outline")
    for title in ("Welcome", "Check your understanding", "Write a reflection"):
        expect(outline).to_contain_text(title)
    page.get_by_role("button", name="Enroll", exact=True).click()

    # Enrolling opens the player at the first item.
    page.wait_for_url(re.compile(re.escape(f"{j.base}/learn/{j.slug}/items/")))
    expect(_messages(page)).to_contain_text(f"You are enrolled in “{j.title}”.")
    expect(page.get_by_role("heading", name="Welcome", level=1)).to_be_visible()
    expect(page.locator(".prose strong")).to_have_text("Hello")
    expect(_progress(page)).to_have_text("0% complete")
    page.get_by_role("button", name="Mark complete and continue").click()

    # The quiz item: progress went up, the text item is ticked.
    expect(page.get_by_role("heading", name="Check your understanding", level=1)).to_be_visible()
    expect(_progress(page)).to_have_text("33% complete")
    expect(page.locator(".outline li", has_text="Welcome").get_by_label("completed")).to_be_visible()
    _shot(page, "3-player")
    page.get_by_role("link", name="Take the quiz").click()
    expect(page.get_by_role("heading", name="Check your understanding")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/$"))
    page.get_by_label("A specific example").check()
    page.once("dialog", lambda dialog: dialog.accept())  # "Submit this attempt?"
    page.get_by_role("button", name="Submit", exact=True).click()
    page.wait_for_url(re.compile(r"/attempts/[0-9a-f-]+/results$"))
    expect(_messages(page)).to_contain_text("Submitted.")
    expect(page.locator(".score-big")).to_contain_text("2 / 2")
    expect(page.locator(".score-big")).to_contain_text(re.compile(r"\(100(\.0)?%\)"))
    expect(page.locator("main .badge.ok", has_text="Passed")).to_be_visible()
    expect(page.locator(".quiz-q").first.locator(".badge.ok", has_text="Correct")).to_be_visible()
    _shot(page, "4-quiz-results")

    # Back to the course page, then the assignment through the outline and the player.
    page.get_by_role("link", name="← Check your understanding").click()
    page.get_by_role("link", name=f"← {j.title}").click()
    page.wait_for_url(f"{j.base}/courses/{j.slug}/")
    expect(_progress(page)).to_have_text("66% complete")
    page.locator("section.outline").get_by_role("link", name="Write a reflection").click()
    expect(page.get_by_role("heading", name="Write a reflection", level=1)).to_be_visible()
    page.get_by_role("link", name="Open the assignment").click()
    page.wait_for_url(re.compile(re.escape(f"{j.base}/learn/{j.slug}/assignment/")))
    expect(page.get_by_role("heading", name="Write a reflection", level=1)).to_be_visible()
    facts = page.locator("dl.kv")
    expect(facts.locator("dt", has_text="Hand in").locator("+ dd")).to_have_text("Text")
    expect(facts.locator("dt", has_text="Points").locator("+ dd")).to_have_text("10")
    expect(page.locator("main")).to_contain_text("Clarity")
    expect(page.get_by_label("File", exact=True)).to_have_count(0)
    page.get_by_label("Your answer").fill("I learned to back every claim with an example, like this one.")
    page.get_by_role("button", name="Submit", exact=True).click()
    expect(_messages(page)).to_contain_text("Submission 1 received.")
    submissions = page.locator(".card", has=page.get_by_role("heading", name="Your submissions"))
    expect(submissions).to_contain_text("I learned to back every claim with an example")
    expect(submissions).to_contain_text("Not graded yet")


def _open_grading_queue(page, j: Journey) -> None:
    """Studio, the course, then its grading queue from the course's studio menu."""
    from playwright.sync_api import expect

    page.get_by_role("banner").get_by_role("link", name="Studio", exact=True).click()
    page.get_by_role("link", name=j.title).click()
    page.wait_for_url(f"{j.base}/studio/courses/{j.slug}/")
    page.get_by_role("navigation", name="Course studio").get_by_role("link", name="Grading queue").click()
    page.wait_for_url(f"{j.base}/studio/courses/{j.slug}/grading/")
    expect(page.get_by_role("heading", name="Grading queue")).to_be_visible()


def _assistant_sees_submission(page, j: Journey) -> None:
    """A teaching assistant reads the studio (no publishing) and finds the submission waiting."""
    from playwright.sync_api import expect

    page.get_by_role("banner").get_by_role("link", name="Studio", exact=True).click()
    expect(page.locator("tbody tr", has_text=j.title)).to_contain_text("Read-only")
    page.get_by_role("link", name=j.title).click()
    studio_menu = page.get_by_role("navigation", name="Course studio")
    expect(studio_menu.get_by_role("link", name="Publish")).to_have_count(0)
    studio_menu.get_by_role("link", name="Grading queue").click()
    expect(page.get_by_role("heading", name="Grading queue")).to_be_visible()
    expect(page.locator("tbody tr", has_text=j.learner_email)).to_contain_text("Write a reflection")


def _grade_as_draft(page, j: Journey) -> None:
    """The instructor's grading: the queue, then the submission's grade page."""
    from playwright.sync_api import expect

    _open_grading_queue(page, j)
    waiting = page.locator("tbody tr", has_text=j.learner_email)
    expect(waiting).to_contain_text("Write a reflection")
    waiting.get_by_role("link", name="Grade").click()

    expect(page.get_by_role("heading", name="Write a reflection", level=1)).to_be_visible()
    expect(page.locator("pre.work")).to_contain_text("I learned to back every claim with an example")
    page.get_by_label("Clear (6)").check()
    page.get_by_label("Generic (2)").check()
    page.get_by_label("Feedback").fill("Clear writing; next time pick a more specific example.")
    page.get_by_role("button", name="Save draft").click()
    expect(_messages(page)).to_contain_text(re.compile(r"Grade 8(\.0+)?/10 saved as a draft"))
    expect(page.locator("dl.kv")).to_contain_text("Draft")


def _post(page, j: Journey) -> None:
    from playwright.sync_api import expect

    page.get_by_role("link", name="Queue", exact=True).click()
    expect(page.get_by_role("heading", name="Grading queue")).to_be_visible()
    row = page.locator("tbody tr", has_text="Write a reflection")
    expect(row).to_contain_text("Manual")
    row.get_by_role("button", name="Post all grades (1)").click()
    expect(_messages(page)).to_contain_text("1 grade(s) of “Write a reflection” posted.")
    _shot(page, "5-grading-queue")


@pytest.mark.browser
def test_course_from_authoring_to_a_posted_grade(journey):
    from playwright.sync_api import expect, sync_playwright

    j = journey
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        try:
            teacher = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            teacher.set_default_timeout(30_000)
            _log_in(teacher, j.base, j.instructor_email, INSTRUCTOR_PASSWORD)
            _build_and_publish(teacher, j)

            student = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            student.set_default_timeout(30_000)
            _log_in(student, j.base, j.learner_email, LEARNER_PASSWORD)
            _learn_and_submit(student, j)
            assignment_url = student.url

            assistant = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            assistant.set_default_timeout(30_000)
            _log_in(assistant, j.base, j.ta_email, TA_PASSWORD)
            _assistant_sees_submission(assistant, j)

            _grade_as_draft(teacher, j)

            # A draft grade stays hidden from the learner.
            student.reload()
            submissions = student.locator(".card", has=student.get_by_role("heading", name="Your submissions"))
            expect(submissions).to_contain_text("Not graded yet")
            expect(submissions).not_to_contain_text("8 / 10")

            _post(teacher, j)

            # Posted: the learner sees points, rubric levels and feedback, on the assignment and the dashboard.
            student.goto(assignment_url)
            submissions = student.locator(".card", has=student.get_by_role("heading", name="Your submissions"))
            expect(submissions).to_contain_text("8 / 10")
            expect(submissions).to_contain_text("Clarity: Clear (6)")
            expect(submissions).to_contain_text("Examples: Generic (2)")
            expect(submissions).to_contain_text("Clear writing; next time pick a more specific example.")
            _shot(student, "6-learner-grade")

            student.get_by_role("banner").get_by_role("link", name="My learning", exact=True).click()
            student.wait_for_url(f"{j.base}/dashboard/")
            card = student.locator("article.course-card", has_text=j.title)
            expect(card).to_contain_text("100% complete")
            grades = student.locator("section", has=student.get_by_role("heading", name="Recent grades"))
            expect(grades).to_contain_text("Write a reflection")
            expect(grades).to_contain_text("8")
            _shot(student, "7-dashboard")
        finally:
            browser.close()
