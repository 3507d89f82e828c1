"""Staff lists of discussions filtered to "my learners" (?mine=1): a trainer's thread list and
moderation queue keep the threads and reported posts of the learners assigned to them."""
import pytest
from django.urls import reverse

from lms.cohorts import services as cohort_services
from lms.cohorts.scopes import Scope
from lms.discussions import services

from .helpers import build_world, thread_with_replies

pytestmark = pytest.mark.django_db


def test_thread_list_and_moderation_queue_show_my_learners_only_when_asked(site_a):
    world = build_world(site_a, learners=2)
    mine, theirs = world.learners
    with site_a:
        scope = Scope(course=world.course)
        cohort_services.trainer_assign(scope=scope, learner=mine, trainer=world.ta, actor=world.instructor)
        cohort_services.trainer_assign(scope=scope, learner=theirs, trainer=world.instructor, actor=world.instructor)
    my_thread = thread_with_replies(site_a, world, author=mine, replies=0, title="Question of mine")
    their_thread = thread_with_replies(site_a, world, author=theirs, replies=0, title="Question of theirs")
    with site_a:
        for thread, reporter in ((my_thread, theirs), (their_thread, mine)):
            services.report_create(access=world.access(reporter), post=thread.posts.get(is_opening=True),
                                   reason=f"Report on {thread.title}")
    client = site_a.client(world.ta)
    forum = reverse("discussions:forum", args=[world.course.slug, world.forum.uuid])
    everything = client.get(forum).content.decode()
    assert "Question of mine" in everything and "Question of theirs" in everything and "My learners" in everything
    filtered = client.get(forum + "?mine=1").content.decode()
    assert "Question of mine" in filtered and "Question of theirs" not in filtered and "All learners" in filtered
    queue = reverse("discussions:staff-moderation", args=[world.course.slug])
    assert "Report on Question of theirs" in client.get(queue).content.decode()
    filtered = client.get(queue + "?mine=1").content.decode()
    assert "Report on Question of mine" in filtered and "Report on Question of theirs" not in filtered
    assert "&amp;mine=1" in filtered  # the status tabs keep the filter
    learner_page = site_a.client(mine).get(forum + "?mine=1").content.decode()  # learners: no filter, no toggle
    assert "Question of theirs" in learner_page and "My learners" not in learner_page
