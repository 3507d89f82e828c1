"""The quiz provider of the publishing contract: validation, snapshot, rollback."""
import pytest
from django.core.exceptions import ValidationError

from lms.courses import services as course_services
from lms.courses.models import CourseVersion
from lms.quizzes import publishing, selectors, services
from lms.quizzes.models import Question, Quiz

from .factories import build_quiz_course, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor(site_a):
    return site_a.make_user(role="instructor")


def test_publish_is_refused_for_a_quiz_without_answers_and_writes_nothing(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[
            {"kind": "single_choice", "prompt": "Pick", "options": [{"text": "x"}, {"text": "y"}]},  # nothing marked
            {"kind": "fill_blank", "prompt": "Fill ___"},
            {"kind": "numeric", "prompt": "How many?"},
            {"kind": "true_false", "prompt": "Yes?"},
            {"kind": "short_answer", "prompt": "Say it", "answer": {"mode": "exact", "accepted": []}},
            {"kind": "essay", "prompt": "Discuss"},  # essays need no answer
        ])
        with pytest.raises(ValidationError) as caught:
            course_services.course_publish(course=course, author=instructor)
        text = " ".join(caught.value.messages)
        assert "Question 1 has no correct option" in text
        assert "Question 2 has no accepted answer" in text
        assert "Question 3 has no correct value" in text
        assert "Question 4 has no correct answer" in text
        assert "Question 5 has no accepted answer" in text
        assert "Question 6" not in text
        assert "Checkpoint quiz" in text  # says which item
        assert CourseVersion.objects.filter(course=course).count() == 0


def test_publish_validation_rules(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[])
        assert publishing.validate_for_publish(quiz.uuid) == ["Add at least one question."]
        question = services.question_create(quiz=quiz, kind="single_choice", prompt="P",
                                            options=[{"text": "only", "correct": True}])
        assert "Question 1 needs at least two options." in publishing.validate_for_publish(quiz.uuid)
        # an answer id that no option has (e.g. edited behind the form's back)
        Question.objects.filter(pk=question.pk).update(answer={"correct": ["ghost"]}, options=[
            {"id": "a", "text": "A"}, {"id": "b", "text": "B"}])
        assert publishing.validate_for_publish(quiz.uuid) == ["Question 1 marks as correct an option that does not exist."]
        Question.objects.filter(pk=question.pk).update(answer={"correct": ["a"]}, points=0)
        assert publishing.validate_for_publish(quiz.uuid) == ["Question 1 must be worth more than 0 points."]
        Question.objects.filter(pk=question.pk).update(points=1)
        services.quiz_update(quiz=quiz, show_answers="after_due_date")
        assert publishing.validate_for_publish(quiz.uuid) == [
            "Answers are shown after the due date, but the quiz has no due date."]
        services.quiz_update(quiz=quiz, show_answers="never")
        assert publishing.validate_for_publish(quiz.uuid) == []
        Question.objects.filter(pk=question.pk).update(kind="short_answer", options=[],
                                                        answer={"mode": "pattern", "pattern": "(a+)+"})
        assert "unusable pattern" in publishing.validate_for_publish(quiz.uuid)[0]
        quiz.delete()
        assert publishing.validate_for_publish(quiz.uuid) == ["The quiz no longer exists; add the quiz again."]


def test_snapshot_freezes_settings_and_answers_and_draft_edits_do_not_leak(site_a, instructor):
    with site_a:
        course, quiz, item = build_quiz_course(author=instructor, attempts_allowed=2, time_limit_minutes=10)
        version = publish(course, instructor)
        found = selectors.snapshot_find_quiz(version.snapshot, quiz.uuid)
        assert found is not None
        snap_item, data = found
        assert snap_item["uuid"] == str(item.uuid)
        assert data["attempts_allowed"] == 2 and data["time_limit_minutes"] == 10
        assert [q["kind"] for q in data["questions"]][:3] == ["single_choice", "multiple_choice", "true_false"]
        assert data["questions"][3]["answer"] == {"accepted": ["XYZZY-FILL-7f3a", "plugh"]}
        assert data["questions"][0]["explanation"] == "EXPL-SINGLE-7f3a"
        services.question_update(question=quiz.questions.get(position=4), answer={"accepted": ["changed"]})
        version.refresh_from_db()
        assert "changed" not in str(version.snapshot)


def test_rollback_restores_the_draft_quiz_with_its_uuids(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor)
        publish(course, instructor)
        question_uuids = list(quiz.questions.values_list("uuid", flat=True))
        first = quiz.questions.get(position=1)
        services.question_update(question=first, prompt="Rewritten")
        services.question_delete(question=quiz.questions.get(position=2))
        services.quiz_update(quiz=quiz, title="Renamed", attempts_allowed=5)
        publish(course, instructor)
        course_services.course_rollback(course=course, version_number=1, author=instructor)
        quiz = Quiz.objects.get(uuid=quiz.uuid)
        assert quiz.title == "Checkpoint" and quiz.attempts_allowed is None
        assert list(quiz.questions.values_list("uuid", flat=True)) == question_uuids
        assert quiz.questions.get(position=1).prompt == "Capital of France?"
        assert publishing.validate_for_publish(quiz.uuid) == []


def test_editor_url_and_draft_create(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[])
        assert publishing.editor_url(course, quiz.uuid) == f"/studio/courses/{course.slug}/quizzes/{quiz.uuid}/"
        assert Quiz.objects.get(uuid=publishing.draft_create(course, "", instructor)).title == "Quiz"


def test_question_input_is_validated_when_saved(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[])
        bad = [
            ({"kind": "nope", "prompt": "x"}, "kind"),
            ({"kind": "essay", "prompt": "  "}, "prompt"),
            ({"kind": "essay", "prompt": "x", "points": 0}, "points"),
            ({"kind": "essay", "prompt": "x", "points": "1.005"}, "points"),
            ({"kind": "single_choice", "prompt": "x", "options": [{"text": "a", "correct": True}, {"text": "b", "correct": True}]}, "options"),
            ({"kind": "single_choice", "prompt": "x", "options": [{"text": "a"}, {"text": "A"}]}, "options"),
            ({"kind": "single_choice", "prompt": "x", "options": [{"id": "made-up", "text": "a"}]}, "options"),
            ({"kind": "numeric", "prompt": "x", "answer": {"value": "lots"}}, "answer"),
            ({"kind": "numeric", "prompt": "x", "answer": {"value": 1, "tolerance": -1}}, "answer"),
            ({"kind": "short_answer", "prompt": "x", "answer": {"mode": "pattern", "pattern": "(a|aa)*"}}, "answer"),
            ({"kind": "fill_blank", "prompt": "x", "options": [{"text": "a"}]}, "options"),
            ({"kind": "true_false", "prompt": "x", "answer": {"correct": "maybe"}}, "answer"),
        ]
        for kwargs, field in bad:
            with pytest.raises(ValidationError) as caught:
                services.question_create(quiz=quiz, **kwargs)
            assert field in caught.value.message_dict, kwargs
        assert quiz.questions.count() == 0


def test_editing_options_keeps_ids_of_unchanged_options(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor, questions=[])
        question = services.question_create(quiz=quiz, kind="multiple_choice", prompt="x", options=[
            {"text": "a", "correct": True}, {"text": "b"}, {"text": "c", "correct": True}])
        ids = {o["text"]: o["id"] for o in question.options}
        services.question_update(question=question, options=[{"text": "c"}, {"text": "a", "correct": True}, {"text": "new"}])
        question.refresh_from_db()
        assert [o["text"] for o in question.options] == ["c", "a", "new"]
        assert question.options[0]["id"] == ids["c"] and question.options[1]["id"] == ids["a"]
        assert question.answer == {"correct": [ids["a"]]}
        services.question_update(question=question, prompt="only the prompt")
        question.refresh_from_db()
        assert question.answer == {"correct": [ids["a"]]} and len(question.options) == 3


def test_reorder_move_and_delete_keep_positions_dense(site_a, instructor):
    with site_a:
        course, quiz, _ = build_quiz_course(author=instructor)
        uuids = list(quiz.questions.values_list("uuid", flat=True))
        services.question_reorder(quiz=quiz, ordered_uuids=list(reversed(uuids)))
        assert list(quiz.questions.values_list("uuid", flat=True)) == list(reversed(uuids))
        with pytest.raises(ValidationError):
            services.question_reorder(quiz=quiz, ordered_uuids=uuids[:-1])
        last = quiz.questions.order_by("position").last()
        services.question_move(question=last, direction="up")
        assert list(quiz.questions.values_list("uuid", flat=True))[-2] == last.uuid
        services.question_delete(question=quiz.questions.get(position=1))
        assert list(quiz.questions.values_list("position", flat=True)) == list(range(1, len(uuids)))


def test_a_quiz_embedded_in_the_course_cannot_be_deleted(site_a, instructor):
    with site_a:
        course, quiz, item = build_quiz_course(author=instructor)
        with pytest.raises(services.QuizInUse):
            services.quiz_delete(quiz=quiz)
        course_services.item_delete(item=item)
        services.quiz_delete(quiz=quiz)
        assert not Quiz.objects.filter(pk=quiz.pk).exists()


def test_demo_quiz_publishes(site_a, instructor):
    from lms.courses.tests.factories import build_course
    from lms.quizzes.demo import demo_quiz_add

    with site_a:
        course = build_course(author=instructor, title="Demo")
        item = demo_quiz_add(lesson=course.modules.first().lessons.first(), author=instructor)
        version = publish(course, instructor)
        assert len(selectors.snapshot_find_quiz(version.snapshot, item.ref_uuid)[1]["questions"]) == 7
