"""Small texts of the quiz pages (issue 12 item 9): no "Quiz: Quiz: …", no "Creates an empty quiz"
on an existing quiz, the fill-in help only on fill-in questions, no raw regular expression shown
to learners as the correct answer, no empty "Model answer: —"."""
from __future__ import annotations

from html import unescape

import pytest
from django.template.loader import render_to_string

from lms.quizzes import services
from lms.quizzes.selectors import correct_answer_display

from .factories import make_world

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return unescape(response.content.decode())


def test_quiz_heading_does_not_repeat_quiz(site_a):
    w = make_world(site_a)
    client = w.site.client(w.instructor)
    editor = f"/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/"
    with w.site:
        services.quiz_update(quiz=w.quiz, title="Quiz: the basics")
    page = _text(client.get(editor))
    assert "<h1>Quiz: the basics</h1>" in page and "Quiz: Quiz:" not in page
    with w.site:
        services.quiz_update(quiz=w.quiz, title="Checkpoint")
    assert "<h1>Quiz: Checkpoint</h1>" in _text(client.get(editor))


def test_existing_quiz_item_does_not_say_it_creates_an_empty_quiz(site_a):
    w = make_world(site_a)
    client = w.site.client(w.instructor)
    page = _text(client.get(f"/studio/courses/{w.course.slug}/items/{w.item.uuid}/"))
    assert "Checkpoint quiz" in page and "Creates an empty" not in page


def test_fill_in_help_only_on_fill_in_questions(site_a):
    w = make_world(site_a)
    client = w.site.client(w.instructor)
    new = f"/studio/courses/{w.course.slug}/quizzes/{w.quiz.uuid}/questions/new?kind="
    assert "show the blank as ___" in _text(client.get(new + "fill_blank")).lower()
    for kind in ("single_choice", "essay", "numeric", "short_answer", "true_false"):
        assert "___" not in _text(client.get(new + kind)), kind


def test_patterns_are_not_shown_to_learners_as_correct_answers():
    pattern_only = {"kind": "short_answer", "answer": {"mode": "pattern", "pattern": "PATTERNMARK-(yes|oui)"}}
    assert "PATTERNMARK" not in str(correct_answer_display(pattern_only))
    with_examples = {"kind": "short_answer",
                     "answer": {"mode": "pattern", "pattern": "colou?r", "accepted": ["color", "colour"]}}
    shown = correct_answer_display(with_examples)
    assert "colou?r" not in str(shown) and shown["text"] == "For example: color / colour"


def test_no_empty_model_answer_line():
    q = {"uuid": "u1", "kind": "essay", "prompt": "Discuss.", "points": 5, "options": [], "response": "An essay",
         "result": {}, "correct_answer": {"text": ""}, "explanation": ""}
    html = render_to_string("lms/quizzes/_response.html", {"q": q, "number": 1})
    assert "Model answer" not in html and "—" not in html
    q["correct_answer"] = {"text": "Cover both sides."}
    html = render_to_string("lms/quizzes/_response.html", {"q": q, "number": 1})
    assert "Model answer / guidance" in html and "Cover both sides." in html
