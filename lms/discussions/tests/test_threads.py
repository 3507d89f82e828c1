"""Threads and replies: nesting, locks, votes, answers, mentions and subscriptions (who is
notified), reports and the moderation queue, hiding, graded forums in the gradebook, search,
and a thread page whose query count does not grow with its replies."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lms.assignments import selectors as assignment_selectors
from lms.discussions import selectors, services
from lms.discussions.models import Post, Report, Vote
from tenant_apps.notifications.models import Notification

from .helpers import build_world, thread_with_replies

pytestmark = pytest.mark.django_db


def api(world):
    return f"/api/v1/courses/{world.course.slug}/discussions/"


def test_replies_nest_one_level_only(site_a):
    world = build_world(site_a)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=1)
    with site_a:
        top = thread.posts.get(is_opening=False)
    client = site_a.client(world.learners[1])
    answer = client.post(api(world) + f"threads/{thread.uuid}/replies", {"body": "to the reply", "parent": str(top.uuid)},
                         content_type="application/json")
    assert answer.status_code == 201 and answer.json()["parent"] == str(top.uuid)
    deeper = client.post(api(world) + f"threads/{thread.uuid}/replies", {"body": "too deep", "parent": answer.json()["uuid"]},
                         content_type="application/json")
    assert deeper.status_code == 400 and "parent" in deeper.json()["errors"]
    page = client.post(reverse("discussions:reply", args=[world.course.slug, thread.uuid]),
                       {"body": "too deep", "parent": answer.json()["uuid"]})
    assert page.status_code == 400 and "nest one level" in page.content.decode()
    with site_a:
        assert not Post.objects.filter(body="too deep").exists()


def test_locked_thread_refuses_replies_with_409(site_a):
    world = build_world(site_a)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=0)
    learner = site_a.client(world.learners[1])
    assert learner.patch(api(world) + f"threads/{thread.uuid}", {"locked": True},
                         content_type="application/json").status_code == 403
    staff = site_a.client(world.ta)
    assert staff.patch(api(world) + f"threads/{thread.uuid}", {"locked": True},
                       content_type="application/json").json()["is_locked"] is True
    response = learner.post(api(world) + f"threads/{thread.uuid}/replies", {"body": "late"}, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "locked"
    page = learner.post(reverse("discussions:reply", args=[world.course.slug, thread.uuid]), {"body": "late"})
    assert page.status_code == 409


def test_pinned_threads_come_first(site_a):
    world = build_world(site_a)
    first = thread_with_replies(site_a, world, author=world.learners[0], replies=0, title="Older")
    thread_with_replies(site_a, world, author=world.learners[0], replies=0, title="Newer")
    with site_a:
        services.thread_flags_set(access=world.access(world.instructor), thread=first, pinned=True)
    rows = site_a.client(world.learners[1]).get(api(world) + f"forums/{world.forum.uuid}/threads").json()["results"]
    assert [r["title"] for r in rows] == ["Older", "Newer"] and rows[0]["is_pinned"]


def test_votes_toggle_and_count_one_per_person(site_a):
    world = build_world(site_a, learners=3)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=1)
    with site_a:
        post = thread.posts.get(is_opening=False)
    url = api(world) + f"posts/{post.uuid}/vote"
    one, two = site_a.client(world.learners[1]), site_a.client(world.learners[2])
    assert one.post(url).json() == {"voted": True, "vote_count": 1}
    assert two.post(url).json() == {"voted": True, "vote_count": 2}
    assert one.post(url).json() == {"voted": False, "vote_count": 1}
    assert one.post(url).json() == {"voted": True, "vote_count": 2}
    page = one.post(reverse("discussions:vote", args=[world.course.slug, post.uuid]), HTTP_HX_REQUEST="true")
    assert page.status_code == 200 and f'id="vote-{post.uuid}"' in page.content.decode()
    with site_a:
        assert Vote.objects.filter(post=post).count() == 1
        post.refresh_from_db()
        assert post.vote_count == 1


def test_only_the_thread_author_or_staff_mark_the_answer(site_a):
    world = build_world(site_a, learners=3)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=2)
    with site_a:
        reply = thread.posts.filter(is_opening=False).first()
    url = api(world) + f"threads/{thread.uuid}/answer"
    other = site_a.client(world.learners[2])
    assert other.post(url, {"post": str(reply.uuid)}, content_type="application/json").status_code == 403
    author = site_a.client(world.learners[0])
    assert author.post(url, {"post": str(reply.uuid)}, content_type="application/json").json()["answered"] is True
    assert site_a.client(world.ta).post(url, {"post": None}, content_type="application/json").json()["answered"] is False
    with site_a:
        opening = thread.posts.get(is_opening=True)
    assert author.post(url, {"post": str(opening.uuid)}, content_type="application/json").status_code == 400


def _notified(event):
    return set(Notification.objects.filter(event_key=event).values_list("user_id", flat=True))


def test_mentions_notify_exactly_the_mentioned_members_who_see_the_course(site_a, django_capture_on_commit_callbacks):
    world = build_world(site_a, learners=3)
    lea0, lea1, lea2 = world.learners
    outsider = world.outsider
    thread = thread_with_replies(site_a, world, author=lea0, replies=0)
    body = (f"Thanks @{lea1.email} and @{lea2.email.split('@')[0]}, also @{outsider.email} and "
            f"@{world.ta.email.split('@')[0]} and @{lea0.email} and @nobody")
    with site_a, django_capture_on_commit_callbacks(execute=True):
        services.reply_create(access=world.access(lea0), thread=thread, body=body)
    with site_a:
        assert _notified("discussion_mention") == {lea1.pk, lea2.pk, world.ta.pk}
        # the thread's only subscriber is its author, who wrote the reply: no reply notification
        assert _notified("discussion_reply") == set()


def test_reply_notifies_subscribers_except_its_author(site_a, django_capture_on_commit_callbacks):
    world = build_world(site_a, learners=3)
    lea0, lea1, lea2 = world.learners
    thread = thread_with_replies(site_a, world, author=lea0, replies=0)
    client1 = site_a.client(lea1)
    assert client1.put(api(world) + f"threads/{thread.uuid}/subscription").json() == {"subscribed": True}
    site_a.client(world.instructor).put(api(world) + f"threads/{thread.uuid}/subscription")
    with site_a, django_capture_on_commit_callbacks(execute=True):
        services.reply_create(access=world.access(lea1), thread=thread, body="A reply")
    with site_a:
        assert _notified("discussion_reply") == {lea0.pk, world.instructor.pk}
        Notification.objects.all().delete()
    assert client1.delete(api(world) + f"threads/{thread.uuid}/subscription").json() == {"subscribed": False}
    with site_a, django_capture_on_commit_callbacks(execute=True):
        services.reply_create(access=world.access(lea2), thread=thread, body="Another")
    with site_a:
        assert _notified("discussion_reply") == {lea0.pk, world.instructor.pk}
        assert lea2.pk not in _notified("discussion_reply")


def test_report_reaches_the_queue_and_resolving_hides_the_post(site_a):
    world = build_world(site_a, learners=2)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=1)
    with site_a:
        post = thread.posts.get(is_opening=False, author=world.learners[0])
    reporter = site_a.client(world.learners[1])
    url = reverse("discussions:report", args=[world.course.slug, post.uuid])
    assert reporter.post(url, {"reason": "Rude"}).status_code == 302
    assert reporter.post(url, {"reason": "Rude again"}).status_code == 409
    assert reporter.get(reverse("discussions:staff-moderation", args=[world.course.slug])).status_code == 404
    staff = site_a.client(world.ta)
    queue = staff.get(reverse("discussions:staff-moderation", args=[world.course.slug])).content.decode()
    assert "Rude" in queue and "Reply 0" in queue
    api_queue = staff.get(api(world) + "reports").json()["results"]
    assert [r["reason"] for r in api_queue] == ["Rude"]
    with site_a:
        report = Report.objects.get(post=post)
    assert staff.post(reverse("discussions:staff-report", args=[world.course.slug, report.uuid]),
                      {"action": "resolve"}).status_code == 302
    with site_a:
        post.refresh_from_db()
        report.refresh_from_db()
        assert post.status == "hidden" and report.status == "resolved"
    assert staff.get(api(world) + "reports").json()["results"] == []
    thread_url = reverse("discussions:thread", args=[world.course.slug, thread.uuid])
    assert "Reply 0" not in reporter.get(thread_url).content.decode()
    assert "Reply 0" in staff.get(thread_url).content.decode()


def test_hidden_and_deleted_posts_leave_the_learners_view(site_a):
    world = build_world(site_a, learners=2)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=2)
    with site_a:
        first, second = thread.posts.filter(is_opening=False).order_by("created_at")
    staff = site_a.client(world.instructor)
    assert site_a.client(world.learners[1]).post(api(world) + f"posts/{first.uuid}/moderate", {"action": "hide"},
                                                 content_type="application/json").status_code == 403
    assert staff.post(api(world) + f"posts/{first.uuid}/moderate", {"action": "hide"},
                      content_type="application/json").json()["status"] == "hidden"
    assert staff.post(reverse("discussions:moderate", args=[world.course.slug, second.uuid]),
                      {"action": "delete"}).status_code == 302
    learner = site_a.client(world.learners[1])
    html = learner.get(reverse("discussions:thread", args=[world.course.slug, thread.uuid])).content.decode()
    assert "Reply 0" not in html and "Reply 1" not in html and "This post was deleted" in html
    data = learner.get(api(world) + f"threads/{thread.uuid}").json()
    assert [r["body"] for r in data["replies"]] == [""] and data["replies"][0]["status"] == "deleted"
    assert learner.post(api(world) + f"posts/{first.uuid}/vote").status_code == 404
    with site_a:
        second.refresh_from_db()
        assert second.body == "" and second.body_html == ""


def test_a_graded_discussion_grade_appears_in_the_gradebook(site_a):
    world = build_world(site_a, learners=2, graded=True)
    thread_with_replies(site_a, world, author=world.learners[0], replies=2)
    lea0, lea1 = world.learners
    url = api(world) + f"forums/{world.forum.uuid}/grades"
    assert site_a.client(lea0).post(url, {"learner": lea0.pk, "points": 20}, content_type="application/json").status_code == 403
    staff = site_a.client(world.ta)
    participants = {p["email"]: p for p in staff.get(url).json()}
    assert participants[lea0.email]["posts"] == 2 and participants[lea1.email]["posts"] == 1
    assert staff.post(url, {"learner": lea0.pk, "points": 25}, content_type="application/json").status_code == 400
    assert staff.post(url, {"learner": world.outsider.pk, "points": 5}, content_type="application/json").status_code == 400
    page = staff.post(reverse("discussions:staff-grades", args=[world.course.slug, world.forum.uuid]),
                      {"learner": lea0.pk, "points": "15", "feedback": "Good"})
    assert page.status_code == 302
    with site_a:
        book = assignment_selectors.gradebook(course=world.course)
    column = next(i for i, c in enumerate(book.columns) if c.kind == "discussion")
    assert book.columns[column].title == "Discussion: General" and book.columns[column].points == 20
    cells = {row.learner.pk: row.cells[column] for row in book.rows}
    assert cells[lea0.pk].points == Decimal("15.00") and cells[lea1.pk].points is None
    assert {row.learner.pk: row.total for row in book.rows}[lea0.pk] == Decimal("75.00")
    gradebook_api = staff.get(f"/api/v1/studio/courses/{world.course.slug}/gradebook")
    assert gradebook_api.status_code == 200 and "discussion" in gradebook_api.content.decode()
    assert "Discussion: General" in staff.get(reverse("assignments:gradebook", args=[world.course.slug])).content.decode()


def test_search_finds_titles_and_bodies_of_this_course_only(site_a):
    world = build_world(site_a, learners=1)
    other = build_world(site_a, learners=1)
    thread_with_replies(site_a, world, author=world.learners[0], replies=0, title="Steam engines", body="About boilers")
    hidden = thread_with_replies(site_a, world, author=world.learners[0], replies=0, title="Other", body="zeppelins fly")
    thread_with_replies(site_a, other, author=other.learners[0], replies=0, title="Boilers elsewhere", body="boilers")
    with site_a:
        services.post_moderate(access=world.access(world.instructor), post=hidden.posts.get(is_opening=True), action="hide")
    learner = site_a.client(world.learners[0])
    titles = lambda q: [r["title"] for r in learner.get(api(world) + f"search?q={q}").json()["results"]]  # noqa: E731
    assert titles("engine") == ["Steam engines"]
    assert titles("boiler") == ["Steam engines"]  # not the other course's thread
    assert titles("zeppelin") == []  # hidden from learners
    staff_titles = [r["title"] for r in site_a.client(world.instructor).get(api(world) + "search?q=zeppelin").json()["results"]]
    assert staff_titles == ["Other"]
    html = learner.get(reverse("discussions:search", args=[world.course.slug]) + "?q=boilers").content.decode()
    assert "Steam engines" in html and "Boilers elsewhere" not in html


@pytest.mark.parametrize("who", ["learner", "staff"])
def test_thread_page_queries_do_not_grow_with_replies(site_a, who):
    world = build_world(site_a, learners=3)
    small = thread_with_replies(site_a, world, author=world.learners[0], replies=5)
    large = thread_with_replies(site_a, world, author=world.learners[0], replies=50)
    with site_a:
        for thread in (small, large):  # answers to replies too, and votes
            tops = list(thread.posts.filter(is_opening=False)[:3])
            for top in tops:
                post = services.reply_create(access=world.access(world.learners[1]), thread=thread, body="nested", parent=top)
                services.vote_toggle(access=world.access(world.learners[2]), post=post)
    user = world.learners[2] if who == "learner" else world.ta
    client = site_a.client(user)
    counts = []
    for thread in (small, large):
        for url in (reverse("discussions:thread", args=[world.course.slug, thread.uuid]),
                    api(world) + f"threads/{thread.uuid}"):
            client.get(url)  # warm per-process caches
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    html = client.get(reverse("discussions:thread", args=[world.course.slug, large.uuid])).content.decode()
    assert html.count('class="post') == 1 + 50 + 3 and "<strong>bold</strong>" in html
