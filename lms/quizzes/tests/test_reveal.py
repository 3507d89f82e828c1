"""Correct answers and explanations never reach a learner before the quiz's rule allows:
every learner page and API response is fetched and searched for secret marker strings
that only live in answers, explanations and grading guidance."""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from lms.courses.models import CourseVersion
from lms.quizzes.models import QuizAttempt

from .factories import SECRET_MARKERS, make_world, option_id
from .test_api import _json, api

pytestmark = pytest.mark.django_db

ANSWER_KEYS = ('"correct_answer"', '"explanation"', '"answer"', '"accepted"', '"guidance"', '"pattern"', '"correct": true',
               '"correct": false')


def _leaks(body: str) -> list[str]:
    return [m for m in SECRET_MARKERS if m in body]


def _neutral_form(w, attempt_questions) -> dict:
    """Plausible answers that contain no marker (wrong ones, mostly)."""
    form = {}
    for q in attempt_questions:
        if q["kind"] in ("single_choice", "true_false", "multiple_choice"):
            form[f"q-{q['uuid']}"] = q["options"][-1]["id"]
        else:
            form[f"q-{q['uuid']}"] = "12" if q["kind"] == "numeric" else "my answer"
    return form


def _every_learner_response_before_submission(w) -> tuple[list[tuple[str, str]], dict]:
    """(label, body) of every learner page and API response up to submission; and the attempt."""
    pages = w.site.client(w.learner)
    token = api(w.site, w.learner)
    base = f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/"
    bodies = [("start page", pages.get(base))]
    bodies.append(("api quiz", token.get(f"/api/v1/me/quizzes/{w.quiz.uuid}")))
    started = token.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts")
    assert started.status_code == 201
    bodies.append(("api start", started))
    attempt = started.json()
    take = f"{base}attempts/{attempt['uuid']}/"
    bodies.append(("page start again", pages.post(base + "start", follow=True)))
    bodies.append(("take page", pages.get(take)))
    form = _neutral_form(w, attempt["questions"])
    bodies.append(("htmx autosave", pages.post(take + "save", form, HTTP_HX_REQUEST="true")))
    bodies.append(("save button", pages.post(take + "save", form, follow=True)))
    bodies.append(("results before submission", pages.get(take + "results", follow=True)))
    answers = {key[2:]: value for key, value in form.items()}
    bodies.append(("api patch", _json(token, "patch", f"/api/v1/me/quiz-attempts/{attempt['uuid']}", {"answers": answers})))
    bodies.append(("api attempt", token.get(f"/api/v1/me/quiz-attempts/{attempt['uuid']}")))
    bodies.append(("api quiz with attempt", token.get(f"/api/v1/me/quizzes/{w.quiz.uuid}")))
    for label, response in bodies:
        assert response.status_code in (200, 201), (label, response.status_code)
    return [(label, response.content.decode()) for label, response in bodies], attempt


def _after_submission(w, attempt) -> list[tuple[str, str]]:
    pages = w.site.client(w.learner)
    token = api(w.site, w.learner)
    take = f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/attempts/{attempt['uuid']}/"
    submitted = _json(token, "post", f"/api/v1/me/quiz-attempts/{attempt['uuid']}/submit", {})
    assert submitted.status_code == 200
    return [
        ("api submit", submitted.content.decode()),
        ("results page", pages.get(take + "results").content.decode()),
        ("start page", pages.get(f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/").content.decode()),
        ("api attempt", token.get(f"/api/v1/me/quiz-attempts/{attempt['uuid']}").content.decode()),
        ("api quiz", token.get(f"/api/v1/me/quizzes/{w.quiz.uuid}").content.decode()),
    ]


def test_nothing_of_the_answer_key_is_sent_before_submission(site_a):
    w = make_world(site_a, show_answers="after_submission", time_limit_minutes=30, shuffle_options=True)
    bodies, attempt = _every_learner_response_before_submission(w)
    for label, body in bodies:
        assert _leaks(body) == [], label
        if label.startswith("api"):
            for key in ANSWER_KEYS:
                assert key not in body, (label, key)
    # the learner-facing question payload carries only these keys
    for question in attempt["questions"]:
        assert set(question) == {"uuid", "kind", "prompt", "points", "options", "response", "result"}
        assert all(set(o) == {"id", "text"} for o in question["options"])


def test_after_submission_rule_reveals_on_submitted_attempts_only(site_a):
    w = make_world(site_a, show_answers="after_submission")
    _, attempt = _every_learner_response_before_submission(w)
    after = dict(_after_submission(w, attempt))
    for label in ("api submit", "results page", "api attempt"):
        assert "EXPL-SINGLE-7f3a" in after[label] and "XYZZY-FILL-7f3a" in after[label], label  # now allowed
    assert _leaks(after["start page"]) == [] and _leaks(after["api quiz"]) == []
    with w.site:
        paris = option_id(w.quiz, 0, "Paris")
    submitted = json.loads(after["api submit"])
    assert submitted["answers_revealed"] is True
    assert submitted["questions"][0]["correct_answer"] == {"options": [paris], "text": "Paris"}
    # a second attempt in progress shows nothing again
    token = api(w.site, w.learner)
    second = token.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts")
    assert second.status_code == 201 and _leaks(second.content.decode()) == []
    take = w.site.client(w.learner).get(f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/attempts/{second.json()['uuid']}/")
    assert _leaks(take.content.decode()) == []


def test_never_rule_never_reveals(site_a):
    w = make_world(site_a, show_answers="never")
    _, attempt = _every_learner_response_before_submission(w)
    for label, body in _after_submission(w, attempt):
        assert _leaks(body) == [], label
        if label.startswith("api"):
            for key in ANSWER_KEYS:
                assert key not in body, (label, key)
    # graded essays still show the grader's points and feedback: that is not an answer key
    with w.site:
        stored = QuizAttempt.objects.get(uuid=attempt["uuid"])
    assert stored.status == "needs_grading"


def test_after_due_date_rule_waits_for_the_due_date(site_a):
    w = make_world(site_a, show_answers="after_due_date", due_at=timezone.now() + timedelta(days=1))
    _, attempt = _every_learner_response_before_submission(w)
    for label, body in _after_submission(w, attempt):
        assert _leaks(body) == [], label
    # the due date passes (the published version carries it)
    with w.site:
        version = CourseVersion.objects.get(pk=w.version.pk)
        snapshot = version.snapshot
        for module in snapshot["modules"]:
            for lesson in module["lessons"]:
                for item in lesson["items"]:
                    if item["kind"] == "quiz":
                        item["data"]["due_at"] = (timezone.now() - timedelta(minutes=1)).isoformat()
        CourseVersion.objects.filter(pk=version.pk).update(snapshot=snapshot)
    token = api(w.site, w.learner)
    body = token.get(f"/api/v1/me/quiz-attempts/{attempt['uuid']}").content.decode()
    assert "EXPL-ESSAY-7f3a" in body and "98765.4321" in body
    page = w.site.client(w.learner).get(f"/learn/{w.course.slug}/quiz/{w.quiz.uuid}/attempts/{attempt['uuid']}/results")
    assert "EXPL-MULTI-7f3a" in page.content.decode()
    # ...and the quiz is closed to new attempts
    assert token.post(f"/api/v1/me/quizzes/{w.quiz.uuid}/attempts").status_code == 409
