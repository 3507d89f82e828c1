"""Quiz API: learners (/me/quizzes, /me/quiz-attempts), staff (/studio/courses/<slug>/quizzes...),
who may call what, and other institutions."""
from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from conftest import PASSWORD
from lms.quizzes.models import Question, Quiz, QuizAttempt

from .factories import make_world, option_id, perfect_answers

pytestmark = pytest.mark.django_db


def api(site, user=None) -> Client:
    if user is None:
        return Client(HTTP_HOST=site.host)
    response = Client(HTTP_HOST=site.host).post("/api/v1/auth/token", {"email": user.email, "password": PASSWORD},
                                                content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(HTTP_HOST=site.host, HTTP_AUTHORIZATION=f"Bearer {response.json()['access']}")


def _json(client, method, path, body=None):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, content_type="application/json")


@pytest.fixture
def world(site_a):
    return make_world(site_a, attempts_allowed=2)


# --- learners ------------------------------------------------------------------------------


def test_learner_api_flow(world):
    w = world
    client = api(w.site, w.learner)
    quiz_url = f"/api/v1/me/quizzes/{w.quiz.uuid}"
    quiz = client.get(quiz_url)
    assert quiz.status_code == 200, quiz.content
    body = quiz.json()
    assert body["title"] == "Checkpoint" and body["question_count"] == 8 and body["attempts_left"] == 2
    assert body["can_start"] is True and body["attempts"] == [] and "questions" not in body

    started = client.post(quiz_url + "/attempts")
    assert started.status_code == 201
    attempt = started.json()
    assert attempt["status"] == "in_progress" and attempt["version_number"] == 1 and len(attempt["questions"]) == 8
    assert all(q["result"] is None for q in attempt["questions"])
    assert client.post(quiz_url + "/attempts").status_code == 200  # the open one, not a new one
    attempt_url = f"/api/v1/me/quiz-attempts/{attempt['uuid']}"

    with w.site:
        answers = perfect_answers(w.quiz)
    first = dict(list(answers.items())[:3])
    saved = _json(client, "patch", attempt_url, {"answers": first})
    assert saved.status_code == 200
    assert {q["uuid"]: q["response"] for q in saved.json()["questions"] if q["response"] is not None} == first
    bad = _json(client, "patch", attempt_url, {"answers": {str(uuid.uuid4()): "x"}})
    assert bad.status_code == 400 and bad.json()["code"] == "invalid" and "answers" in bad.json()["errors"]
    assert _json(client, "patch", attempt_url, {"answers": "nope"}).status_code == 400

    submitted = _json(client, "post", attempt_url + "/submit", {"answers": answers})
    assert submitted.status_code == 200
    result = submitted.json()
    assert result["status"] == "needs_grading" and result["score"] == "8.00" and result["max_score"] == "13.00"
    assert result["passed"] is None
    again = _json(client, "post", attempt_url + "/submit", {})
    assert again.status_code == 409 and again.json()["code"] == "attempt_closed"
    assert client.get(attempt_url).status_code == 200
    assert client.get(quiz_url).json()["attempts"][0]["status"] == "needs_grading"


def test_attempt_limit_and_time_limit_answer_409(site_a):
    w = make_world(site_a, attempts_allowed=1, time_limit_minutes=5)
    client = api(w.site, w.learner)
    quiz_url = f"/api/v1/me/quizzes/{w.quiz.uuid}"
    attempt = client.post(quiz_url + "/attempts").json()
    assert attempt["seconds_left"] in (299, 300) and attempt["deadline_at"]
    attempt_url = f"/api/v1/me/quiz-attempts/{attempt['uuid']}"
    with w.site:
        paris = option_id(w.quiz, 0, "Paris")
        first = str(w.quiz.questions.get(position=1).uuid)
        QuizAttempt.objects.filter(uuid=attempt["uuid"]).update(deadline_at=timezone.now() - timedelta(minutes=1))
    late = _json(client, "patch", attempt_url, {"answers": {first: [paris]}})
    assert late.status_code == 409 and late.json()["code"] == "time_up"
    with w.site:
        stored = QuizAttempt.objects.get(uuid=attempt["uuid"])
    assert stored.answers == {} and stored.closed_by_deadline and stored.status != "in_progress"
    refused = client.post(quiz_url + "/attempts")
    assert refused.status_code == 409 and refused.json()["code"] == "no_attempts_left"
    assert "used all 1 attempt" in refused.json()["message"]


def test_late_submit_scores_only_answers_saved_in_time(site_a):
    w = make_world(site_a, time_limit_minutes=5, questions=[
        {"kind": "fill_blank", "prompt": "A?", "answer": {"accepted": ["a"]}},
        {"kind": "fill_blank", "prompt": "B?", "answer": {"accepted": ["b"]}}])
    client = api(w.site, w.learner)
    attempt = client.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts").json()
    q1, q2 = (q["uuid"] for q in attempt["questions"])
    attempt_url = f"/api/v1/me/quiz-attempts/{attempt['uuid']}"
    assert _json(client, "patch", attempt_url, {"answers": {q1: "a"}}).status_code == 200
    with w.site:
        QuizAttempt.objects.filter(uuid=attempt["uuid"]).update(deadline_at=timezone.now() - timedelta(seconds=30))
    late = _json(client, "post", attempt_url + "/submit", {"answers": {q1: "a", q2: "b"}})
    assert late.status_code == 409 and late.json()["code"] == "time_up"
    final = client.get(attempt_url).json()
    assert final["closed_by_deadline"] is True and final["score"] == "1.00" and final["status"] == "graded"


def test_learner_api_refuses_other_people_and_anonymous(world):
    w = world
    owner = api(w.site, w.learner)
    attempt = owner.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts").json()
    attempt_url = f"/api/v1/me/quiz-attempts/{attempt['uuid']}"
    paths = [("get", f"/api/v1/me/quizzes/{w.quiz.uuid}", None), ("post", f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts", None),
             ("get", attempt_url, None), ("patch", attempt_url, {"answers": {}}), ("post", attempt_url + "/submit", {})]
    for method, path, body in paths:
        assert _json(api(w.site), method, path, body).status_code == 401, path
        for user in (w.outsider, w.instructor):  # not enrolled / not their attempt
            response = _json(api(w.site, user), method, path, body)
            assert response.status_code == 404 and response.json()["code"] == "not_found", (user, path)
    assert api(w.site, w.learner).get(f"/api/v1/me/quizzes/{uuid.uuid4()}").status_code == 404
    with w.site:
        assert QuizAttempt.objects.get(uuid=attempt["uuid"]).status == "in_progress"
        assert QuizAttempt.objects.count() == 1


# --- staff -----------------------------------------------------------------------------------


def test_instructor_manages_quizzes_and_questions(world):
    w = world
    client = api(w.site, w.instructor)
    base = f"/api/v1/studio/courses/{w.course.slug}/quizzes"
    listing = client.get(base)
    assert listing.status_code == 200 and listing.json()["results"][0]["question_count"] == 8

    created = _json(client, "post", base, {"title": "Extra", "attempts_allowed": 3, "show_answers": "never"})
    assert created.status_code == 201, created.content
    quiz = created.json()
    assert quiz["problems"] == ["Add at least one question."] and quiz["editor_url"].endswith(f"/quizzes/{quiz['uuid']}/")
    quiz_url = f"{base}/{quiz['uuid']}"
    assert _json(client, "post", base, {"title": ""}).status_code == 400
    patched = _json(client, "patch", quiz_url, {"passing_percent": 80, "time_limit_minutes": 15})
    assert patched.status_code == 200 and patched.json()["passing_percent"] == 80 and patched.json()["attempts_allowed"] == 3
    assert _json(client, "patch", quiz_url, {"passing_percent": 101}).status_code == 400

    q_url = quiz_url + "/questions"
    single = _json(client, "post", q_url, {"kind": "single_choice", "prompt": "Pick", "points": "2",
                                           "options": [{"text": "A", "correct": True}, {"text": "B"}]})
    assert single.status_code == 201, single.content
    single = single.json()
    assert single["problems"] == [] and [o["correct"] for o in single["options"]] == [True, False]
    numeric = _json(client, "post", q_url, {"kind": "numeric", "prompt": "n?", "answer": {"value": 2.5, "tolerance": "0.1"}})
    assert numeric.status_code == 201 and numeric.json()["answer"] == {"value": "2.5", "tolerance": "0.1"}
    unsafe = _json(client, "post", q_url, {"kind": "short_answer", "prompt": "x", "answer": {"mode": "pattern", "pattern": "(x+)+"}})
    assert unsafe.status_code == 400 and "answer" in unsafe.json()["errors"]

    one_url = f"{q_url}/{single['uuid']}"
    a_id = single["options"][0]["id"]
    changed = _json(client, "patch", one_url, {"options": [{"id": a_id, "text": "A!"}, {"text": "C", "correct": True}]})
    assert changed.status_code == 200 and changed.json()["options"][0]["id"] == a_id
    assert changed.json()["answer"]["correct"] == [changed.json()["options"][1]["id"]]
    assert _json(client, "patch", one_url, {"kind": "essay"}).json()["kind"] == "single_choice"  # kind stays

    order = _json(client, "post", q_url + "/order", {"order": [numeric.json()["uuid"], single["uuid"]]})
    assert order.status_code == 200 and [q["uuid"] for q in order.json()] == [numeric.json()["uuid"], single["uuid"]]
    assert _json(client, "post", q_url + "/order", {"order": [single["uuid"]]}).status_code == 400
    assert client.delete(one_url).status_code == 204
    assert client.get(one_url).status_code == 404
    assert client.delete(quiz_url).status_code == 204
    embedded = client.delete(f"{base}/{w.quiz.uuid}")
    assert embedded.status_code == 409 and embedded.json()["code"] == "quiz_in_use"
    full = client.get(f"{base}/{w.quiz.uuid}").json()
    assert len(full["questions"]) == 8 and full["questions"][3]["answer"] == {"accepted": ["XYZZY-FILL-7f3a", "plugh"]}


def test_staff_endpoints_are_404_for_everyone_else(world):
    w = world
    base = f"/api/v1/studio/courses/{w.course.slug}/quizzes"
    with w.site:
        question = w.quiz.questions.first()
    calls = [("get", base, None), ("post", base, {"title": "Hijack"}), ("get", f"{base}/{w.quiz.uuid}", None),
             ("patch", f"{base}/{w.quiz.uuid}", {"title": "Hijack"}), ("delete", f"{base}/{w.quiz.uuid}", None),
             ("get", f"{base}/{w.quiz.uuid}/questions", None),
             ("post", f"{base}/{w.quiz.uuid}/questions", {"kind": "essay", "prompt": "x"}),
             ("post", f"{base}/{w.quiz.uuid}/questions/order", {"order": []}),
             ("patch", f"{base}/{w.quiz.uuid}/questions/{question.uuid}", {"prompt": "Hijack"}),
             ("delete", f"{base}/{w.quiz.uuid}/questions/{question.uuid}", None)]
    for user in (w.learner, w.ta, w.bystander):
        client = api(w.site, user)
        for method, path, body in calls:
            response = _json(client, method, path, body)
            assert response.status_code == 404, (user, method, path)
    for method, path, body in calls:
        assert _json(api(w.site), method, path, body).status_code == 401
    with w.site:
        assert Quiz.objects.get(pk=w.quiz.pk).title == "Checkpoint" and Quiz.objects.count() == 1
        assert Question.objects.get(pk=question.pk).prompt == "Capital of France?"


def test_grading_api_for_teaching_assistants(world):
    w = world
    learner = api(w.site, w.learner)
    attempt = learner.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts").json()
    with w.site:
        answers = perfect_answers(w.quiz)
        essay = str(w.quiz.questions.get(kind="essay").uuid)
    _json(learner, "post", f"/api/v1/me/quiz-attempts/{attempt['uuid']}/submit", {"answers": answers})
    ta = api(w.site, w.ta)
    queue_url = f"/api/v1/studio/courses/{w.course.slug}/quizzes/grading"
    queue = ta.get(queue_url)
    assert queue.status_code == 200 and [a["uuid"] for a in queue.json()["results"]] == [attempt["uuid"]]
    assert queue.json()["results"][0]["learner"] == w.learner.email
    detail_url = f"/api/v1/studio/courses/{w.course.slug}/quiz-attempts/{attempt['uuid']}"
    detail = ta.get(detail_url)
    assert detail.status_code == 200 and detail.json()["questions"][7]["correct_answer"]["text"] == "GUIDANCE-ESSAY-7f3a"
    history = ta.get(f"/api/v1/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/attempts", {"learner": w.learner.email})
    assert history.status_code == 200 and history.json()["count"] == 1
    bad = _json(ta, "post", detail_url + "/grade", {"grades": {essay: {"points": "7"}}})
    assert bad.status_code == 400 and essay in bad.json()["errors"]
    graded = _json(ta, "post", detail_url + "/grade", {"grades": {essay: {"points": "5", "feedback": "Excellent."}}})
    assert graded.status_code == 200 and graded.json()["status"] == "graded" and graded.json()["score"] == "13.00"
    assert graded.json()["grader"] == w.ta.email
    assert ta.get(queue_url).json()["results"] == []
    mine = learner.get(f"/api/v1/me/quiz-attempts/{attempt['uuid']}").json()
    assert mine["passed"] is True and mine["questions"][7]["result"]["feedback"] == "Excellent."
    for user in (w.learner, w.bystander):
        client = api(w.site, user)
        assert client.get(queue_url).status_code == 404
        assert client.get(detail_url).status_code == 404
        assert _json(client, "post", detail_url + "/grade", {"grades": {essay: {"points": "0"}}}).status_code == 404
    with w.site:
        assert QuizAttempt.objects.get(uuid=attempt["uuid"]).score == 13


def test_in_progress_attempts_cannot_be_graded(world):
    w = world
    attempt = api(w.site, w.learner).post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts").json()
    with w.site:
        essay = str(w.quiz.questions.get(kind="essay").uuid)
    response = _json(api(w.site, w.instructor), "post",
                     f"/api/v1/studio/courses/{w.course.slug}/quiz-attempts/{attempt['uuid']}/grade",
                     {"grades": {essay: {"points": "1"}}})
    assert response.status_code == 409 and response.json()["code"] == "attempt_open"


# --- other institutions ------------------------------------------------------------------------


def test_other_institutions_tokens_and_ids_get_nothing(site_a, site_b, admin_b):
    a, b = make_world(site_a), make_world(site_b)
    attempt_a = api(a.site, a.learner).post(f"/api/v1/me/quizzes/{a.quiz.uuid}/attempts").json()
    attempt_b = api(b.site, b.learner).post(f"/api/v1/me/quizzes/{b.quiz.uuid}/attempts").json()
    paths_a = [
        ("get", f"/api/v1/me/quizzes/{a.quiz.uuid}", None), ("post", f"/api/v1/me/quizzes/{a.quiz.uuid}/attempts", None),
        ("patch", f"/api/v1/me/quiz-attempts/{attempt_a['uuid']}", {"answers": {}}),
        ("post", f"/api/v1/me/quiz-attempts/{attempt_a['uuid']}/submit", {}),
        ("get", f"/api/v1/studio/courses/{a.course.slug}/quizzes/{a.quiz.uuid}", None),
        ("get", f"/api/v1/studio/courses/{a.course.slug}/quizzes/grading", None),
    ]
    # B's tokens on A's host: refused outright
    for user in (b.learner, admin_b):
        token_b = api(b.site, user).defaults["HTTP_AUTHORIZATION"]
        foreign = Client(HTTP_HOST=a.site.host, HTTP_AUTHORIZATION=token_b)
        for method, path, body in paths_a:
            assert _json(foreign, method, path, body).status_code == 401, path
    # A's admin and learner on A's host with B's ids: 404
    admin_a = api(a.site, _admin(a))
    learner_a = api(a.site, a.learner)
    for client, method, path, body in [
        (learner_a, "get", f"/api/v1/me/quizzes/{b.quiz.uuid}", None),
        (learner_a, "get", f"/api/v1/me/quiz-attempts/{attempt_b['uuid']}", None),
        (learner_a, "post", f"/api/v1/me/quiz-attempts/{attempt_b['uuid']}/submit", {}),
        (admin_a, "get", f"/api/v1/studio/courses/{b.course.slug}/quizzes/{b.quiz.uuid}", None),
        (admin_a, "get", f"/api/v1/studio/courses/{a.course.slug}/quizzes/{b.quiz.uuid}", None),
        (admin_a, "get", f"/api/v1/studio/courses/{a.course.slug}/quiz-attempts/{attempt_b['uuid']}", None),
        (admin_a, "delete", f"/api/v1/studio/courses/{a.course.slug}/quizzes/{b.quiz.uuid}", None),
    ]:
        assert _json(client, method, path, body).status_code == 404, path
    with b.site:
        assert QuizAttempt.objects.get(uuid=attempt_b["uuid"]).status == "in_progress"
        assert Quiz.objects.filter(pk=b.quiz.pk).exists()


def _admin(w):
    from django.contrib.auth.models import User

    with w.site:
        return User.objects.get(username=f"admin@{w.site.tenant.slug}.test")


def test_schema_documents_the_quiz_endpoints(site_a):
    response = site_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    for path in ("/api/v1/me/quizzes/{quiz_uuid}", "/api/v1/me/quizzes/{quiz_uuid}/attempts",
                 "/api/v1/me/quiz-attempts/{attempt_uuid}", "/api/v1/me/quiz-attempts/{attempt_uuid}/submit",
                 "/api/v1/studio/courses/{slug}/quizzes", "/api/v1/studio/courses/{slug}/quizzes/{quiz_uuid}",
                 "/api/v1/studio/courses/{slug}/quizzes/grading",
                 "/api/v1/studio/courses/{slug}/quiz-attempts/{attempt_uuid}/grade"):
        assert path in paths, path
