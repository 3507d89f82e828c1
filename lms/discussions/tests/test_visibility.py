"""Who sees a course's discussions: its enrolled learners and staff; anybody else gets 404 on
every page and API route. Anonymous posts hide their author from learners only, in the pages
and in the API."""
import pytest
from django.urls import reverse

from lms.courses import services as course_services
from lms.courses.models import Enrollment
from lms.discussions import services

from .helpers import build_world, thread_with_replies

pytestmark = pytest.mark.django_db


def _routes(world, thread, post, report):
    slug, f, t, p, r = world.course.slug, world.forum.uuid, thread.uuid, post.uuid, report.uuid
    pages = [
        ("get", reverse("discussions:forums", args=[slug])),
        ("get", reverse("discussions:search", args=[slug]) + "?q=question"),
        ("get", reverse("discussions:forum", args=[slug, f])),
        ("get", reverse("discussions:thread-new", args=[slug, f])),
        ("post", reverse("discussions:thread-new", args=[slug, f])),
        ("get", reverse("discussions:thread", args=[slug, t])),
        ("post", reverse("discussions:reply", args=[slug, t])),
        ("post", reverse("discussions:subscription", args=[slug, t])),
        ("post", reverse("discussions:answer", args=[slug, t])),
        ("post", reverse("discussions:thread-flags", args=[slug, t])),
        ("post", reverse("discussions:vote", args=[slug, p])),
        ("get", reverse("discussions:report", args=[slug, p])),
        ("post", reverse("discussions:report", args=[slug, p])),
        ("post", reverse("discussions:moderate", args=[slug, p])),
        ("get", reverse("discussions:staff-forums", args=[slug])),
        ("get", reverse("discussions:staff-forum", args=[slug, f])),
        ("get", reverse("discussions:staff-moderation", args=[slug])),
        ("post", reverse("discussions:staff-report", args=[slug, r])),
    ]
    base = f"/api/v1/courses/{slug}/discussions/"
    api = [
        ("get", base + "forums"), ("post", base + "forums"), ("get", f"{base}forums/{f}"), ("patch", f"{base}forums/{f}"),
        ("get", f"{base}forums/{f}/threads"), ("post", f"{base}forums/{f}/threads"), ("get", f"{base}forums/{f}/grades"),
        ("get", base + "search?q=question"), ("get", f"{base}threads/{t}"), ("patch", f"{base}threads/{t}"),
        ("post", f"{base}threads/{t}/replies"), ("post", f"{base}threads/{t}/answer"),
        ("put", f"{base}threads/{t}/subscription"), ("delete", f"{base}threads/{t}/subscription"),
        ("post", f"{base}posts/{p}/vote"), ("post", f"{base}posts/{p}/report"), ("post", f"{base}posts/{p}/moderate"),
        ("get", base + "reports"), ("post", f"{base}reports/{r}"),
    ]
    return pages, api


def test_non_enrolled_learner_gets_404_on_every_page_and_api_route(site_a):
    world = build_world(site_a, learners=2)
    thread = thread_with_replies(site_a, world, author=world.learners[0], replies=1)
    with site_a:
        post = thread.posts.get(is_opening=False)
        report = services.report_create(access=world.access(world.learners[1]), post=post, reason="Spam")
    pages, api = _routes(world, thread, post, report)
    # the same routes answer the enrolled learner (not 404), so the 404s below are about visibility
    member = site_a.client(world.learners[1])
    assert member.get(pages[0][1]).status_code == 200
    assert member.get(pages[5][1]).status_code == 200
    # a learner who dropped the course is an outsider again
    dropped = site_a.make_user(role="learner")
    with site_a:
        enrollment = course_services.enrollment_create(course=world.course, learner=dropped)
        Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.DROPPED)
    for outsider in (world.outsider, dropped):
        client = site_a.client(outsider)
        for method, url in pages + api:
            kwargs = {"data": "{}", "content_type": "application/json"} if url.startswith("/api/") and method != "get" else {}
            response = getattr(client, method)(url, **kwargs)
            assert response.status_code == 404, (method, url, response.status_code)


def test_the_other_tenant_cannot_reach_the_course(site_a, site_b):
    world = build_world(site_a, learners=1)
    b_learner = site_b.make_user(role="learner")
    response = site_b.client(b_learner).get(reverse("discussions:forums", args=[world.course.slug]))
    assert response.status_code == 404


def _anonymous_thread(site, world):
    author = world.learners[0]
    with site:
        thread = services.thread_create(access=world.access(author), forum=world.forum, title="Shy question",
                                        body="Who am I?", anonymous=True)
        services.reply_create(access=world.access(author), thread=thread, body="Anonymous reply", anonymous=True)
    return thread, author


def test_anonymous_posts_hide_the_author_from_learners_in_the_page(site_a):
    world = build_world(site_a, learners=2)
    thread, author = _anonymous_thread(site_a, world)
    url = reverse("discussions:thread", args=[world.course.slug, thread.uuid])
    learner_html = site_a.client(world.learners[1]).get(url).content.decode()
    assert "Anonymous" in learner_html and "Anonymous reply" in learner_html
    for revealing in (author.first_name, author.last_name, author.email, author.email.split("@")[0]):
        assert revealing not in learner_html
    staff_html = site_a.client(world.ta).get(url).content.decode()
    assert author.get_full_name() in staff_html and "anonymous to learners" in staff_html


def test_anonymous_posts_hide_the_author_from_learners_in_the_api(site_a):
    world = build_world(site_a, learners=2)
    thread, author = _anonymous_thread(site_a, world)
    url = f"/api/v1/courses/{world.course.slug}/discussions/threads/{thread.uuid}"
    response = site_a.client(world.learners[1]).get(url)
    assert response.status_code == 200
    data = response.json()
    assert data["opening"]["author"] is None and data["opening"]["author_name"] == "Anonymous"
    assert data["replies"][0]["author"] is None
    text = response.content.decode()
    for revealing in (author.first_name, author.last_name, author.email):
        assert revealing not in text
    staff = site_a.client(world.instructor).get(url).json()
    assert staff["opening"]["author"]["email"] == author.email
    assert staff["replies"][0]["author"]["email"] == author.email


def test_anonymous_posting_refused_where_the_forum_does_not_allow_it(site_a):
    world = build_world(site_a, learners=1, allow_anonymous=False)
    url = f"/api/v1/courses/{world.course.slug}/discussions/forums/{world.forum.uuid}/threads"
    response = site_a.client(world.learners[0]).post(url, {"title": "T", "body": "B", "anonymous": True},
                                                       content_type="application/json")
    assert response.status_code == 400 and "anonymous" in response.json()["errors"]
