"""Quiz pages: learners taking a quiz (start, take, autosave, submit, results) and staff
(editor, attempt history, grading queue); who may use each; other institutions."""
from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest
from django.utils import timezone

from lms.quizzes.models import Question, Quiz, QuizAttempt

from .factories import make_world, option_id

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return unescape(response.content.decode())


@pytest.fixture
def world(site_a):
    return make_world(site_a, attempts_allowed=2)


def _urls(w):
    base = f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/"
    return base, base + "start"


def _start(client, w) -> QuizAttempt:
    base, start = _urls(w)
    response = client.post(start)
    assert response.status_code == 302, response.content
    with w.site:
        attempt = QuizAttempt.objects.filter(learner=w.learner).order_by("-number").first()
    assert response["Location"] == f"{base}attempts/{attempt.uuid}/"
    return attempt


def _form(w, attempt, **by_index) -> dict:
    """The take form's POST data, {"q0": value, ...} by question position."""
    with w.site:
        questions = list(w.quiz.questions.order_by("position"))
    return {f"q-{questions[int(k[1:])].uuid}": v for k, v in by_index.items()}


# --- learners ------------------------------------------------------------------------------


def test_learner_takes_the_quiz_end_to_end(world):
    w = world
    client = w.site.client(w.learner)
    base, _ = _urls(w)
    page = client.get(base)
    assert page.status_code == 200
    body = text(page)
    assert "Checkpoint" in body and "8 (13 points)" in body and "0 of 2 used" in body and "Start the quiz" in body

    attempt = _start(client, w)
    take_url = f"{base}attempts/{attempt.uuid}/"
    take = client.get(take_url)
    assert take.status_code == 200
    body = text(take)
    assert "Capital of France?" in body and "Discuss." in body and 'hx-post="' + take_url + 'save"' in body
    with w.site:
        paris, two, three = option_id(w.quiz, 0, "Paris"), option_id(w.quiz, 1, "two"), option_id(w.quiz, 1, "three")

    # "Save answers" without JavaScript: a normal POST, back to the page with the answers kept
    saved = client.post(take_url + "save", _form(w, attempt, q0=paris, q3="plugh"))
    assert saved.status_code == 302 and saved["Location"] == take_url
    body = text(client.get(take_url))
    assert f'value="{paris}" checked' in body and 'value="plugh"' in body

    # autosave through HTMX answers a status fragment
    fragment = client.post(take_url + "save", _form(w, attempt, q0=paris, q3="plugh", q4="98765.43"), HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "Saved at" in text(fragment)

    data = _form(w, attempt, q0=paris, q2="true", q3="PLUGH", q4="98765.4321", q5="xyzzy-short-7f3a",
                 q6="patternmark-yes", q7="My essay.")
    with w.site:
        multi = str(w.quiz.questions.get(position=2).uuid)
    submitted = client.post(take_url + "submit", {**data, f"q-{multi}": [two, three]})
    assert submitted.status_code == 302 and submitted["Location"] == take_url + "results"
    with w.site:
        attempt.refresh_from_db()
    assert attempt.status == "needs_grading" and attempt.score == Decimal("8.00")
    results = client.get(take_url + "results")
    assert results.status_code == 200
    assert "Waiting for grading" in text(results) and "8 / 13" in text(results)
    # once submitted, the take page sends to the results
    assert client.get(take_url)["Location"] == take_url + "results"
    # the start page lists the attempt
    assert "Results" in text(client.get(base)) and "1 of 2 used" in text(client.get(base))


def test_attempts_allowed_is_enforced_on_the_page(site_a):
    w = make_world(site_a, attempts_allowed=1, questions=[{"kind": "true_false", "prompt": "Yes?", "answer": {"correct": True}}])
    client = w.site.client(w.learner)
    base, start = _urls(w)
    attempt = _start(client, w)
    assert _start(client, w).pk == attempt.pk  # starting again resumes the open attempt
    client.post(f"{base}attempts/{attempt.uuid}/submit", _form(w, attempt, q0="true"))
    refused = client.post(start)
    assert refused.status_code == 409
    assert "You have used all 1 attempt at this quiz." in text(refused)
    with w.site:
        assert QuizAttempt.objects.filter(learner=w.learner).count() == 1
    assert "You have used all 1 attempt." in text(client.get(base))


def test_time_limit_is_enforced_on_the_server_for_pages(site_a):
    w = make_world(site_a, time_limit_minutes=5, questions=[
        {"kind": "fill_blank", "prompt": "A?", "answer": {"accepted": ["a"]}},
        {"kind": "fill_blank", "prompt": "B?", "answer": {"accepted": ["b"]}}])
    client = w.site.client(w.learner)
    base, _ = _urls(w)
    attempt = _start(client, w)
    take_url = f"{base}attempts/{attempt.uuid}/"
    assert "Time left" in text(client.get(take_url))
    client.post(take_url + "save", _form(w, attempt, q0="a"), HTTP_HX_REQUEST="true")
    with w.site:
        QuizAttempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(minutes=1))
    late_save = client.post(take_url + "save", _form(w, attempt, q0="a", q1="b"), HTTP_HX_REQUEST="true")
    assert late_save.status_code == 409 and late_save["HX-Redirect"] == take_url + "results"
    late_submit = client.post(take_url + "submit", _form(w, attempt, q0="a", q1="b"))
    assert late_submit.status_code == 302 and late_submit["Location"] == take_url + "results"
    with w.site:
        attempt.refresh_from_db()
    assert attempt.closed_by_deadline and attempt.score == Decimal("1.00") and attempt.answers == _form_answers(w, attempt, "a")
    results = text(client.get(take_url + "results"))
    assert "time ran out" in results and "1 / 2" in results


def _form_answers(w, attempt, first):
    with w.site:
        q = list(w.quiz.questions.order_by("position"))
    return {str(q[0].uuid): first, str(q[1].uuid): ""}


def test_overdue_attempt_is_closed_when_the_learner_comes_back(site_a):
    w = make_world(site_a, time_limit_minutes=5)
    client = w.site.client(w.learner)
    base, _ = _urls(w)
    attempt = _start(client, w)
    with w.site:
        QuizAttempt.objects.filter(pk=attempt.pk).update(deadline_at=timezone.now() - timedelta(hours=1))
    response = client.get(f"{base}attempts/{attempt.uuid}/")
    assert response.status_code == 302 and response["Location"].endswith("/results")
    with w.site:
        attempt.refresh_from_db()
    assert attempt.closed_by_deadline


def test_who_may_open_the_learner_pages(world, site_a):
    w = world
    base, start = _urls(w)
    attempt = _start(w.site.client(w.learner), w)
    take_url = f"{base}attempts/{attempt.uuid}/"
    anonymous = w.site.client()
    for url in (base, take_url, take_url + "results"):
        response = anonymous.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login"), url
    for url in (start, take_url + "save", take_url + "submit"):
        assert anonymous.post(url).status_code == 302
    # a learner of the institution who is not enrolled, and staff who are not: 404 (learner pages need an enrollment)
    for user in (w.outsider, w.instructor):
        client = w.site.client(user)
        for url in (base, take_url, take_url + "results"):
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(start).status_code == 404
        assert client.post(take_url + "submit").status_code == 404
    # unknown course or quiz
    learner = w.site.client(w.learner)
    assert learner.get(f"/learn/nope/quiz/{w.quiz.uuid}/").status_code == 404
    assert learner.get(f"/learn/{w.course.slug}/quiz/{uuid.uuid4()}/").status_code == 404
    with w.site:
        assert QuizAttempt.objects.filter(learner=w.learner).get().answers == {}


def test_draft_quiz_changes_are_not_visible_until_published(world):
    w = world
    with w.site:
        Question.objects.filter(quiz=w.quiz, position=1).update(prompt="DRAFT-ONLY prompt")
    client = w.site.client(w.learner)
    attempt = _start(client, w)
    base, _ = _urls(w)
    body = text(client.get(f"{base}attempts/{attempt.uuid}/"))
    assert "DRAFT-ONLY" not in body and "Capital of France?" in body


# --- staff: editor ---------------------------------------------------------------------------


def _editor(w):
    return f"/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/"


def test_instructor_edits_settings_and_questions(world):
    w = world
    client = w.site.client(w.instructor)
    editor = _editor(w)
    page = client.get(editor)
    assert page.status_code == 200
    assert "Capital of France?" in text(page) and "GUIDANCE" not in text(page)  # the list shows prompts and options

    settings = {"title": "Final check", "instructions": "Be brief.", "attempts_allowed": "3", "time_limit_minutes": "",
                "passing_percent": "70", "show_answers": "never", "due_at": "", "shuffle_questions": "on"}
    assert client.post(editor, settings).status_code == 302
    with w.site:
        quiz = Quiz.objects.get(pk=w.quiz.pk)
    assert (quiz.title, quiz.attempts_allowed, quiz.passing_percent, quiz.show_answers, quiz.shuffle_questions) == (
        "Final check", 3, 70, "never", True)
    invalid = client.post(editor, {**settings, "passing_percent": "150", "title": ""})
    assert invalid.status_code == 400 and "errorlist" in text(invalid)

    assert client.get(editor + "questions/new?kind=multiple_choice").status_code == 200
    assert client.get(editor + "questions/new?kind=bogus").status_code == 404
    created = client.post(editor + "questions/new", {
        "kind": "multiple_choice", "prompt": "Even numbers?", "points": "2", "explanation": "",
        "option_rows": "5", "option_0_text": "two", "option_0_correct": "on", "option_1_text": "three",
        "option_2_text": "four", "option_2_correct": "on", "option_3_text": "", "option_4_text": " "})
    assert created.status_code == 302
    with w.site:
        question = Question.objects.filter(quiz=w.quiz).order_by("-position").first()
    assert question.prompt == "Even numbers?" and [o["text"] for o in question.options] == ["two", "three", "four"]
    assert len(question.answer["correct"]) == 2
    bad_pattern = client.post(editor + "questions/new", {"kind": "short_answer", "prompt": "P", "points": "1",
                                                          "mode": "pattern", "pattern": "(a+)+"})
    assert bad_pattern.status_code == 400 and "take too long" in text(bad_pattern)
    bad_number = client.post(editor + "questions/new", {"kind": "numeric", "prompt": "P", "points": "1", "value": "ten"})
    assert bad_number.status_code == 400

    edit_url = f"{editor}questions/{question.uuid}/"
    form = client.get(edit_url)
    page = text(form)
    assert form.status_code == 200 and 'name="option_0_text" value="two"' in page and 'name="option_2_text" value="four"' in page
    assert 'name="option_0_correct" id="id_option_0_correct" checked' in page
    assert 'name="option_1_correct" id="id_option_1_correct" checked' not in page and "* two" not in page
    more = client.post(edit_url, {"prompt": "Even?", "points": "3", "option_rows": "4", "add_option": "1"})
    assert more.status_code in (200, 400) and 'name="option_4_text"' in text(more)  # one more row, nothing saved
    with w.site:
        question.refresh_from_db()
    assert len(question.options) == 3
    assert client.post(edit_url, {"prompt": "Even?", "points": "3", "option_rows": "4", "option_0_text": "two",
                                  "option_0_correct": "on", "option_1_text": "three"}).status_code == 302
    with w.site:
        question.refresh_from_db()
    assert question.prompt == "Even?" and question.points == 3 and len(question.options) == 2

    assert client.post(edit_url + "move", {"direction": "up"}).status_code == 302
    with w.site:
        question.refresh_from_db()
        count = w.quiz.questions.count()
    assert question.position == count - 1
    assert client.post(edit_url + "delete").status_code == 302
    with w.site:
        assert not Question.objects.filter(pk=question.pk).exists()
        assert list(w.quiz.questions.values_list("position", flat=True)) == list(range(1, count))


def test_editor_is_for_course_editors_only(world):
    w = world
    editor = _editor(w)
    with w.site:
        question = w.quiz.questions.first()
    urls_get = [editor, editor + "questions/new?kind=essay", f"{editor}questions/{question.uuid}/"]
    urls_post = [editor, editor + "questions/new", f"{editor}questions/{question.uuid}/",
                 f"{editor}questions/{question.uuid}/delete", f"{editor}questions/{question.uuid}/move"]
    for user in (w.learner, w.ta, w.bystander):
        client = w.site.client(user)
        for url in urls_get:
            assert client.get(url).status_code == 403, (user, url)
        for url in urls_post:
            assert client.post(url, {"title": "Hijack", "direction": "down", "prompt": "x", "points": "1"}).status_code == 403
    anonymous = w.site.client()
    for url in urls_get:
        assert anonymous.get(url)["Location"].startswith("/accounts/login")
    admin_client = w.site.client(_admin(w))
    assert admin_client.get(editor).status_code == 200  # tenant admins may edit every course
    assert admin_client.get(f"/studio/courses/{w.course.slug}/quizzes/{uuid.uuid4()}/").status_code == 404
    with w.site:
        assert Quiz.objects.get(pk=w.quiz.pk).title == "Checkpoint" and Question.objects.filter(pk=question.pk).exists()


def _admin(w):
    from django.contrib.auth.models import User

    with w.site:
        return User.objects.get(username=f"admin@{w.site.tenant.slug}.test")


# --- staff: attempts and grading --------------------------------------------------------------


def _submitted_essay_attempt(w) -> QuizAttempt:
    client = w.site.client(w.learner)
    attempt = _start(client, w)
    base, _ = _urls(w)
    client.post(f"{base}attempts/{attempt.uuid}/submit", _form(w, attempt, q7="An essay about things."))
    with w.site:
        attempt.refresh_from_db()
    assert attempt.status == "needs_grading"
    return attempt


def test_teaching_assistant_grades_essays_from_the_queue(world):
    w = world
    attempt = _submitted_essay_attempt(w)
    ta = w.site.client(w.ta)
    queue_url = f"/studio/courses/{w.course.slug}/quizzes/grading/"
    queue = ta.get(queue_url)
    assert queue.status_code == 200 and w.learner.email in text(queue) and "Checkpoint" in text(queue)
    attempt_url = f"/studio/courses/{w.course.slug}/quizzes/attempts/{attempt.uuid}/"
    page = ta.get(attempt_url)
    assert page.status_code == 200
    body = text(page)
    assert "An essay about things." in body and "GUIDANCE-ESSAY-7f3a" in body  # staff see the answer key
    with w.site:
        essay = w.quiz.questions.get(kind="essay").uuid
    too_many = ta.post(attempt_url, {f"points-{essay}": "9", f"feedback-{essay}": "?"})
    assert too_many.status_code == 400 and "between 0 and 5.00 points" in text(too_many)
    graded = ta.post(attempt_url, {f"points-{essay}": "4", f"feedback-{essay}": "Solid argument."})
    assert graded.status_code == 302 and graded["Location"] == queue_url
    with w.site:
        attempt.refresh_from_db()
    assert attempt.status == "graded" and attempt.grader_id == w.ta.pk and attempt.score == Decimal("4.00")
    assert "Nothing to grade" in text(ta.get(queue_url))
    # the learner sees the grade and the feedback (feedback is not an answer key)
    base, _ = _urls(w)
    results = text(w.site.client(w.learner).get(f"{base}attempts/{attempt.uuid}/results"))
    assert "Solid argument." in results and "4 / 13" in results and "Not passed" in results


def test_staff_see_each_learners_attempt_history(world):
    w = world
    attempt = _submitted_essay_attempt(w)
    url = f"/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/attempts/"
    for user in (w.instructor, w.ta):
        page = w.site.client(user).get(url)
        assert page.status_code == 200 and w.learner.email in text(page) and "v1" in text(page)
    filtered = w.site.client(w.ta).get(url, {"learner": "nobody-matches"})
    assert w.learner.email not in text(filtered)
    assert w.site.client(w.ta).get(url, {"learner": w.learner.email[:6]}).status_code == 200
    for user in (w.learner, w.bystander):
        client = w.site.client(user)
        assert client.get(url).status_code == 403
        assert client.get(f"/studio/courses/{w.course.slug}/quizzes/grading/").status_code == 403
        assert client.get(f"/studio/courses/{w.course.slug}/quizzes/attempts/{attempt.uuid}/").status_code == 403
        assert client.post(f"/studio/courses/{w.course.slug}/quizzes/attempts/{attempt.uuid}/", {}).status_code == 403
    assert w.site.client().get(url)["Location"].startswith("/accounts/login")
    ta = w.site.client(w.ta)
    assert ta.get(f"/studio/courses/{w.course.slug}/quizzes/attempts/{uuid.uuid4()}/").status_code == 404
    assert ta.get(f"/studio/courses/{w.course.slug}/quizzes/{uuid.uuid4()}/attempts/").status_code == 404
    with w.site:
        attempt.refresh_from_db()
    assert attempt.status == "needs_grading"


# --- other institutions ----------------------------------------------------------------------


def test_another_institution_gets_nothing(site_a, site_b, admin_b):
    a = make_world(site_a)
    b = make_world(site_b)
    attempt_b = _submitted_essay_attempt(b)
    attempt_a = _submitted_essay_attempt(a)
    urls_a = [
        f"/learn/{a.course.slug}/quiz/{a.quiz.uuid}/", f"/learn/{a.course.slug}/quiz/{a.quiz.uuid}/attempts/{attempt_a.uuid}/results",
        _editor(a), f"/studio/courses/{a.course.slug}/quizzes/grading/",
        f"/studio/courses/{a.course.slug}/quizzes/attempts/{attempt_a.uuid}/",
    ]
    # B's learner and B's admin, with their sessions from B, on A's host: not signed in there
    for user in (b.learner, admin_b):
        client_b = b.site.client(user)
        for url in urls_a:
            response = client_b.get(url, HTTP_HOST=a.site.host)
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login"), url
    # A's admin on A's host with B's course slugs and object ids: 404
    client = a.site.client(_admin(a))
    for url in (f"/learn/{b.course.slug}/quiz/{b.quiz.uuid}/", _editor(b),
                f"/studio/courses/{b.course.slug}/quizzes/attempts/{attempt_b.uuid}/",
                f"/studio/courses/{a.course.slug}/quizzes/attempts/{attempt_b.uuid}/",
                f"/studio/courses/{a.course.slug}/quizzes/{b.quiz.uuid}/"):
        assert client.get(url).status_code == 404, url
    # A's learner with B's attempt id under A's course
    learner_a = a.site.client(a.learner)
    assert learner_a.get(f"/learn/{a.course.slug}/quiz/{a.quiz.uuid}/attempts/{attempt_b.uuid}/results").status_code == 404
    assert learner_a.post(f"/learn/{a.course.slug}/quiz/{a.quiz.uuid}/attempts/{attempt_b.uuid}/submit").status_code == 404
    with b.site:
        attempt_b.refresh_from_db()
    assert attempt_b.status == "needs_grading"


def _queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_query_counts_do_not_grow_with_attempts(site_a):
    from lms.quizzes import selectors, services

    from .factories import enroll

    w = make_world(site_a, questions=[{"kind": "essay", "prompt": "Discuss"}])
    learners = [w.site.make_user(role="learner") for _ in range(4)]

    def submit_for(learner):
        with w.site:
            enroll(w.course, learner) if learner != w.learner else None
            lq = selectors.learner_quiz_get(learner=learner, course=w.course, quiz_uuid=w.quiz.uuid)
            attempt = services.attempt_start(learner_quiz=lq).attempt
            services.attempt_submit(attempt=attempt, answers={attempt.question_order[0]: "Thoughts"})

    queue = f"/studio/courses/{w.course.slug}/quizzes/grading/"
    history = f"/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/attempts/"
    start = f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/"
    ta, learner = w.site.client(w.ta), w.site.client(w.learner)
    submit_for(w.learner)
    ta.get(queue)  # warm the per-institution settings cache
    learner.get(start)  # and the learner's cached unread count (the bell)
    small = (_queries(ta, queue), _queries(ta, history), _queries(learner, start))
    for other in learners:
        submit_for(other)
    for _ in range(3):
        submit_for(w.learner)
    large = (_queries(ta, queue), _queries(ta, history), _queries(learner, start))
    assert small == large
