"""Helpers to build courses with quizzes in tests (call inside a tenant context)."""
from __future__ import annotations

from lms.courses import services as course_services
from lms.courses.tests.factories import build_course
from lms.quizzes import publishing, services
from lms.quizzes.models import Quiz

# Distinctive strings that only ever live in answers, explanations and grading guidance: a
# learner response containing any of them before the rules allow is a leak.
SECRET_MARKERS = (
    "EXPL-SINGLE-7f3a", "EXPL-MULTI-7f3a", "EXPL-TF-7f3a", "EXPL-FILL-7f3a", "EXPL-NUM-7f3a", "EXPL-SHORT-7f3a",
    "EXPL-PATTERN-7f3a", "EXPL-ESSAY-7f3a", "XYZZY-FILL-7f3a", "XYZZY-SHORT-7f3a", "98765.4321", "PATTERNMARK",
    "GUIDANCE-ESSAY-7f3a",
)


def every_kind_questions() -> list[dict]:
    """One question of every kind, with secret markers in answers and explanations."""
    return [
        {"kind": "single_choice", "prompt": "Capital of France?", "points": 1, "explanation": "EXPL-SINGLE-7f3a",
         "options": [{"text": "Paris", "correct": True}, {"text": "London"}, {"text": "Rome"}]},
        {"kind": "multiple_choice", "prompt": "Which are prime?", "points": 2, "explanation": "EXPL-MULTI-7f3a",
         "options": [{"text": "two", "correct": True}, {"text": "three", "correct": True}, {"text": "four"},
                     {"text": "nine"}]},
        {"kind": "true_false", "prompt": "The sky is blue.", "points": 1, "explanation": "EXPL-TF-7f3a",
         "answer": {"correct": True}},
        {"kind": "fill_blank", "prompt": "The password is ___.", "points": 1, "explanation": "EXPL-FILL-7f3a",
         "answer": {"accepted": ["XYZZY-FILL-7f3a", "plugh"]}},
        {"kind": "numeric", "prompt": "A big number?", "points": 1, "explanation": "EXPL-NUM-7f3a",
         "answer": {"value": "98765.4321", "tolerance": "0.0001"}},
        {"kind": "short_answer", "prompt": "The magic word?", "points": 1, "explanation": "EXPL-SHORT-7f3a",
         "answer": {"mode": "exact", "accepted": ["XYZZY-SHORT-7f3a"]}},
        {"kind": "short_answer", "prompt": "Agree?", "points": 1, "explanation": "EXPL-PATTERN-7f3a",
         "answer": {"mode": "pattern", "pattern": "PATTERNMARK-(yes|oui)"}},
        {"kind": "essay", "prompt": "Discuss.", "points": 5, "explanation": "EXPL-ESSAY-7f3a",
         "answer": {"guidance": "GUIDANCE-ESSAY-7f3a"}},
    ]


def build_quiz_course(*, author, questions: list[dict] | None = None, title: str = "Quiz Course", **quiz_settings):
    """A draft course with one text item and one quiz item; returns (course, quiz, item)."""
    course = build_course(author=author, title=title, items=1)
    lesson = course.modules.first().lessons.first()
    quiz = Quiz.objects.get(uuid=publishing.draft_create(course, "Checkpoint", author))
    if quiz_settings:
        services.quiz_update(quiz=quiz, **quiz_settings)
    item = course_services.item_create(lesson=lesson, kind="quiz", title="Checkpoint quiz", ref_uuid=quiz.uuid)
    for question in questions if questions is not None else every_kind_questions():
        services.question_create(quiz=quiz, **question)
    return course, quiz, item


def publish(course, author, note: str = ""):
    version = course_services.course_publish(course=course, author=author, change_note=note)
    course.refresh_from_db()
    return version


def enroll(course, learner):
    return course_services.enrollment_create(course=course, learner=learner)


def answers_by_kind(quiz: Quiz, **by_index) -> dict:
    """{question uuid: value} from {"q<index>": value} (index in the quiz's order, from 0)."""
    questions = list(quiz.questions.order_by("position"))
    return {str(questions[int(key[1:])].uuid): value for key, value in by_index.items()}


def option_id(quiz: Quiz, index: int, text: str) -> str:
    question = list(quiz.questions.order_by("position"))[index]
    return next(o["id"] for o in question.options if o["text"] == text)


def perfect_answers(quiz: Quiz) -> dict:
    """Answers that earn full marks on every auto-graded question of every_kind_questions()."""
    q = list(quiz.questions.order_by("position"))
    return {
        str(q[0].uuid): [option_id(quiz, 0, "Paris")],
        str(q[1].uuid): [option_id(quiz, 1, "two"), option_id(quiz, 1, "three")],
        str(q[2].uuid): ["true"],
        str(q[3].uuid): "  plugh ",
        str(q[4].uuid): "98765.4321",
        str(q[5].uuid): "xyzzy-short-7f3a",
        str(q[6].uuid): "patternmark-OUI",
        str(q[7].uuid): "An essay of substance.",
    }


def make_world(site, *, questions: list[dict] | None = None, **quiz_settings):
    """A published course with a quiz on `site`: its instructor, a TA of the course, an
    enrolled learner, a learner who is not enrolled, and a bystander instructor."""
    from types import SimpleNamespace

    from lms.courses import permissions

    instructor = site.make_user(role="instructor")
    ta = site.make_user(role="teaching_assistant")
    learner = site.make_user(role="learner")
    outsider = site.make_user(role="learner")
    bystander = site.make_user(role="instructor")
    with site:
        course, quiz, item = build_quiz_course(author=instructor, questions=questions, title=f"Quiz course {site.tenant.slug}",
                                               **quiz_settings)
        permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        version = publish(course, instructor)
        enroll(course, learner)
    return SimpleNamespace(site=site, course=course, quiz=quiz, item=item, version=version, instructor=instructor, ta=ta,
                           learner=learner, outsider=outsider, bystander=bystander)
