"""Trainers in grading: the grading queue filtered to "my learners" (page and API), and new work
notified to the learner's trainer only (all course staff for a learner without one)."""
import pytest

from lms.assignments import services as assignment_services
from lms.assignments.models import Submission
from lms.assignments.tests.conftest import make_world
from lms.assignments.tests.test_api import token_client
from lms.cohorts import selectors, services
from lms.cohorts.scopes import Scope
from tenant_apps.notifications.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(site_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    w = make_world(site_a)  # instructor, TA; learner and other enrolled: one each
    with site_a:
        w.trainer_of = {u.pk: selectors.trainer_of(u, w.course) for u in (w.learner, w.other)}
    assert {t.pk for t in w.trainer_of.values()} == {w.instructor.pk, w.ta.pk}
    return w


def results(response) -> list:
    body = response.json()
    return body["results"] if isinstance(body, dict) else body


def submit(w, learner):
    with w.site:
        return assignment_services.submission_create(learner=learner, course=w.course, assignment_uuid=w.assignment.uuid,
                                                     text="My answer")


def test_the_grading_queue_shows_my_learners_only_when_asked(w):
    submit(w, w.learner)
    submit(w, w.other)
    mine = w.trainer_of[w.learner.pk]
    theirs = w.trainer_of[w.other.pk]
    base = f"/studio/courses/{w.slug}/grading/"
    client = w.site.client(mine)
    everything = client.get(base).content.decode()
    assert w.learner.email in everything and w.other.email in everything and "My learners" in everything
    filtered = client.get(base + "?mine=1").content.decode()
    assert w.learner.email in filtered and w.other.email not in filtered and "All learners" in filtered
    api = token_client(w.site, theirs)
    queue = f"/api/v1/studio/courses/{w.slug}/grading-queue"
    assert [r["learner"]["email"] for r in results(api.get(queue + "?mine=1"))] == [w.other.email]
    assert len(results(api.get(queue))) == 2
    nxt = client.get(f"/studio/courses/{w.slug}/grading/next?mine=1")
    with w.site:
        own = Submission.objects.get(learner=w.learner)
    assert nxt.status_code == 302 and str(own.uuid) in nxt["Location"]


def received(w) -> dict:
    with w.site:
        return {n.user_id: n for n in Notification.objects.filter(event_key="submission_received")}


def test_new_work_is_told_to_the_learners_trainer_only(w):
    submit(w, w.learner)
    got = received(w)
    assert set(got) == {w.trainer_of[w.learner.pk].pk}


def test_new_work_of_a_learner_without_trainer_is_told_to_all_course_staff(w):
    with w.site:
        services.trainer_assign(scope=Scope(course=w.course), learner=w.learner, trainer=None, actor=w.instructor)
    submit(w, w.learner)
    assert set(received(w)) == {w.instructor.pk, w.ta.pk}
