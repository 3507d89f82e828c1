"""Learner pages: catalog, course page, enroll/drop, lesson player, file downloads, dashboard; the
course staff's enrollment page; drafts never reaching learners; isolation between institutions."""
from __future__ import annotations

import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from lms.courses import selectors, services
from lms.courses.models import ContentItem, Course, Enrollment, ItemProgress
from lms.courses.tests.factories import build_course, build_published_course
from tenant_apps.accounts.tests.manage_helpers import media_in_tmp, text  # noqa: F401 - media_in_tmp is a fixture

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_in_tmp")]

SECRET = "SECRET-ANSWER-42"
FILE_BYTES = b"%PDF-1.4 glaze chart"


# --- builders shared with the API and query-count tests ------------------------------------------


def _secret_quiz_item(*, lesson, author):
    """A real quiz whose answer and explanation carry SECRET: it must never reach a learner."""
    from lms.quizzes import publishing as quiz_publishing
    from lms.quizzes import services as quiz_services
    from lms.quizzes.models import Quiz

    quiz = Quiz.objects.get(uuid=quiz_publishing.draft_create(lesson.module.course, "Kiln quiz", author))
    quiz_services.question_create(quiz=quiz, kind="fill_blank", prompt="Kiln temperature?", points=1,
                                  explanation=SECRET, answer={"accepted": [SECRET]})
    return services.item_create(lesson=lesson, kind="quiz", title="Kiln quiz", ref_uuid=quiz.uuid)


def build_rich_course(*, author, title="Pottery Basics", publish=True, **fields):
    """A course with one item of each learner-visible kind (call inside the tenant)."""
    fields.setdefault("summary", "Clay, wheels and kilns")
    fields.setdefault("description", "# Welcome\n\nLearn **pottery**.<script>alert(1)</script>")
    fields.setdefault("tags", ["craft", "art"])
    fields.setdefault("estimated_minutes", 90)
    course = services.course_create(author=author, title=title, **fields)
    m1 = services.module_create(course=course, title="Getting started")
    l1 = services.lesson_create(module=m1, title="Tools")
    services.item_create(lesson=l1, kind="text", title="Read me", body="Clay is *soft*.")
    services.item_create(lesson=l1, kind="video", title="Wheel video", url="https://cdn.example.org/wheel.mp4")
    services.item_create(lesson=l1, kind="video", title="Hosted video", url="https://video.example.org/watch?v=1")
    m2 = services.module_create(course=course, title="Firing")
    l2 = services.lesson_create(module=m2, title="Kilns")
    services.item_create(lesson=l2, kind="link", title="Supplier", url="https://example.org/clay")
    services.item_create(lesson=l2, kind="file", title="Glaze chart", file=ContentFile(FILE_BYTES, name="glaze.pdf"))
    _secret_quiz_item(lesson=l2, author=author)
    if publish:
        services.course_publish(course=course, author=author, change_note="First release")
        course.refresh_from_db()
    return course


def items_by_title(course) -> dict[str, dict]:
    return {i["title"]: i for i in selectors.snapshot_items(course.published_version.snapshot)}


@pytest.fixture
def world(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner")
    with site_a:
        course = build_rich_course(author=instructor)
        items = items_by_title(course)
    return SimpleNamespace(site=site_a, instructor=instructor, learner=learner, course=course, slug=course.slug, items=items)


def enroll(site, course, learner, **kwargs) -> Enrollment:
    with site:
        return services.enrollment_create(course=course, learner=learner, **kwargs)


# --- catalog -----------------------------------------------------------------------------------


def test_catalog_lists_published_listed_courses_with_their_published_details(site_a, world, payouts_ready):
    with site_a:
        build_published_course(author=world.instructor, title="Hidden Gem", visibility="unlisted")
        build_course(author=world.instructor, title="Draft Only")
        gone = build_published_course(author=world.instructor, title="Withdrawn")
        services.course_unpublish(course=gone, author=world.instructor)
        build_published_course(author=world.instructor, title="Paid Masterclass", price_amount=4900, price_currency="USD")
    page = text(site_a.client().get("/courses/"))  # anonymous visitors may browse
    assert "Pottery Basics" in page and "Clay, wheels and kilns" in page and "Paid Masterclass" in page
    assert "Hidden Gem" not in page and "Draft Only" not in page and "Withdrawn" not in page
    assert "Beginner" in page and "1 h 30 min" in page and "Free" in page and "49.00 USD" in page
    assert "Enrolled" not in page


def test_catalog_search_level_tag_filters_and_enrolled_badge(site_a, world):
    with site_a:
        build_published_course(author=world.instructor, title="Advanced Kilns", level="advanced", tags=["fire"],
                               summary="Hot stuff")
    enroll(site_a, world.course, world.learner)
    client = site_a.client(world.learner)
    assert "Enrolled" in text(client.get("/courses/"))
    by_search = text(client.get("/courses/", {"q": "hot stuff"}))
    assert "Advanced Kilns" in by_search and "Pottery Basics" not in by_search
    by_level = text(client.get("/courses/", {"level": "advanced"}))
    assert "Advanced Kilns" in by_level and "Pottery Basics" not in by_level
    by_tag = text(client.get("/courses/", {"tag": "craft"}))
    assert "Pottery Basics" in by_tag and "Advanced Kilns" not in by_tag
    nothing = client.get("/courses/", {"q": "no such course anywhere"})
    assert nothing.status_code == 200 and "No courses match these filters" in text(nothing)
    # nonsense filter values are ignored, never an error
    assert client.get("/courses/", {"level": "wizard", "page": "abc"}).status_code == 200


def test_catalog_is_paginated_and_htmx_gets_only_the_results(site_a, world, monkeypatch):
    from lms.courses import views_learn

    monkeypatch.setattr(views_learn, "CATALOG_PER_PAGE", 2)
    with site_a:
        for n in range(3):
            build_published_course(author=world.instructor, title=f"Course {n}")
    client = site_a.client()
    first = text(client.get("/courses/"))  # newest first
    assert "Page 1 of 2" in first and first.index("Course 2") < first.index("Course 1") and "Course 0" not in first
    second = text(client.get("/courses/", {"page": 2}))
    assert "Course 0" in second and "Pottery Basics" in second and "Course 2" not in second
    partial = client.get("/courses/", {"q": "Course 1"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="catalog-results")
    body = text(partial)
    assert body.lstrip().startswith('<div id="catalog-results">') and "<html" not in body and "Course 1" in body


# --- course page --------------------------------------------------------------------------------


def test_course_page_shows_published_outline_and_sanitised_description(site_a, world):
    page = site_a.client().get(f"/courses/{world.slug}/")
    body = text(page)
    assert page.status_code == 200
    assert "<h1>Welcome</h1>" in body and "<strong>pottery</strong>" in body and "<script>" not in body
    for title in ("Getting started", "Tools", "Read me", "Firing", "Kiln quiz"):
        assert title in body
    assert SECRET not in body
    assert "Log in to enroll" in body


def test_unlisted_course_reachable_by_link_but_drafts_and_unpublished_answer_404(site_a, world):
    with site_a:
        unlisted = build_published_course(author=world.instructor, title="By Invitation", visibility="unlisted")
        draft = build_course(author=world.instructor, title="Not Yet")
        gone = build_published_course(author=world.instructor, title="Gone")
        services.course_unpublish(course=gone, author=world.instructor)
    client = site_a.client(world.learner)
    assert client.get(f"/courses/{unlisted.slug}/").status_code == 200
    for course in (draft, gone):
        assert client.get(f"/courses/{course.slug}/").status_code == 404
        assert client.post(f"/courses/{course.slug}/enroll").status_code == 404
    assert client.get("/courses/no-such-course/").status_code == 404


# --- enrollment ---------------------------------------------------------------------------------


def test_learner_enrolls_in_a_free_course_and_lands_in_the_player(site_a, world):
    client = site_a.client(world.learner)
    response = client.post(f"/courses/{world.slug}/enroll", follow=True)
    first = world.items["Read me"]["uuid"]
    assert response.redirect_chain[-1][0] == f"/learn/{world.slug}/items/{first}/"
    assert "You are enrolled in “Pottery Basics”" in text(response)
    with site_a:
        enrollment = Enrollment.objects.get(course=world.course, learner=world.learner)
        assert enrollment.source == "self" and enrollment.version.number == 1
    course_page = text(client.get(f"/courses/{world.slug}/"))
    assert "You are enrolled" in course_page and "Leave this course" in course_page
    again = client.post(f"/courses/{world.slug}/enroll", follow=True)
    assert "You are already enrolled in “Pottery Basics”" in text(again)


def test_anonymous_enroll_goes_to_login_and_changes_nothing(site_a, world):
    response = site_a.client().post(f"/courses/{world.slug}/enroll")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert f"next=/courses/{world.slug}/" in response["Location"]
    with site_a:
        assert not Enrollment.objects.filter(course=world.course).exists()


def test_enrollment_rules_give_clear_messages(site_a, world, payouts_ready):
    other = site_a.make_user(role="learner")
    with site_a:
        tiny = build_published_course(author=world.instructor, title="Tiny Class", capacity=1)
        later = build_published_course(author=world.instructor, title="Later",
                                       enrollment_opens_at=timezone.now() + timedelta(days=3))
        closed = build_published_course(author=world.instructor, title="Closed",
                                        enrollment_opens_at=timezone.now() - timedelta(days=9),
                                        enrollment_closes_at=timezone.now() - timedelta(days=1))
        paid = build_published_course(author=world.instructor, title="Paid", price_amount=1999)
    enroll(site_a, tiny, world.learner)
    client = site_a.client(other)
    page = text(client.get(f"/courses/{tiny.slug}/"))
    assert "This course is full" in page
    assert "“Tiny Class” is full (1 places)" in text(client.post(f"/courses/{tiny.slug}/enroll", follow=True))
    assert "Enrollment opens on" in text(client.post(f"/courses/{later.slug}/enroll", follow=True))
    assert "Enrollment closed on" in text(client.post(f"/courses/{closed.slug}/enroll", follow=True))
    paid_page = text(client.get(f"/courses/{paid.slug}/"))
    assert "Buy for 19.99 USD" in paid_page
    assert "Pay 19.99 USD" in text(client.post(f"/courses/{paid.slug}/enroll", follow=True))  # the buy page
    with site_a:
        assert not Enrollment.objects.filter(learner=other).exists()


def test_drop_asks_for_confirmation_and_reenrolling_keeps_progress(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    with site_a:
        services.progress_item_complete(enrollment=enrollment, item_uuid=world.items["Read me"]["uuid"])
    client = site_a.client(world.learner)
    confirm = client.get(f"/courses/{world.slug}/drop")
    assert confirm.status_code == 200 and "Leave “Pottery Basics”?" in text(confirm)
    assert "your progress is kept" in text(confirm).lower()
    with site_a:
        assert Enrollment.objects.get(pk=enrollment.pk).status == "active"  # GET changed nothing
    dropped = client.post(f"/courses/{world.slug}/drop", follow=True)
    assert "You left “Pottery Basics”" in text(dropped)
    with site_a:
        assert Enrollment.objects.get(pk=enrollment.pk).status == "dropped"
    assert client.get(f"/learn/{world.slug}/").status_code == 302  # to the course page: enroll again
    assert client.get(f"/courses/{world.slug}/drop").status_code == 302
    back = client.post(f"/courses/{world.slug}/enroll", follow=True)
    assert "your progress was kept" in text(back)
    with site_a:
        again = Enrollment.objects.get(pk=enrollment.pk)
        assert again.status == "active" and again.item_progress.filter(completed_at__isnull=False).count() == 1
        assert again.progress_percent == 16  # 1 of 6 items, as before dropping


# --- lesson player ------------------------------------------------------------------------------


def test_player_resumes_and_renders_every_kind_of_item(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    items = world.items
    client = site_a.client(world.learner)
    assert client.get(f"/learn/{world.slug}/")["Location"] == f"/learn/{world.slug}/items/{items['Read me']['uuid']}/"
    with site_a:
        services.progress_item_visit(enrollment=enrollment, item_uuid=items["Wheel video"]["uuid"],
                                     video_position_seconds=75, time_spent_seconds=40)
    assert client.get(f"/learn/{world.slug}/")["Location"] == f"/learn/{world.slug}/items/{items['Wheel video']['uuid']}/"

    def page(title):
        response = client.get(f"/learn/{world.slug}/items/{items[title]['uuid']}/")
        assert response.status_code == 200, title
        body = text(response)
        assert SECRET not in body
        return body

    assert "Clay is <em>soft</em>." in page("Read me")
    video = page("Wheel video")
    assert '<video controls preload="metadata" src="https://cdn.example.org/wheel.mp4" data-track data-start="75">' in video
    assert "Resumes at 1:15" in video and "Time spent here: 0:40" in video
    assert "/api/v1/me/enrollments/pottery-basics/items/" in video  # the progress endpoint the script posts to
    hosted = page("Hosted video")
    assert "<video" not in hosted and 'href="https://video.example.org/watch?v=1"' in hosted
    assert 'href="https://example.org/clay"' in page("Supplier")
    assert f'href="/learn/{world.slug}/items/{items["Glaze chart"]["uuid"]}/file"' in page("Glaze chart")
    quiz = page("Kiln quiz")
    assert f'href="/learn/{world.slug}/quiz/{items["Kiln quiz"]["ref_uuid"]}/"' in quiz
    assert "Getting started" in quiz and "Firing" in quiz  # the outline sidebar


def test_mark_complete_goes_to_the_next_item_and_completing_all_finishes_the_course(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    client = site_a.client(world.learner)
    order = [i["uuid"] for i in selectors.snapshot_items(world.course.published_version.snapshot)]
    response = client.post(f"/learn/{world.slug}/items/{order[0]}/complete")
    assert response["Location"] == f"/learn/{world.slug}/items/{order[1]}/"
    page = text(client.get(f"/learn/{world.slug}/items/{order[0]}/"))
    assert "Completed" in page and "16% complete" in page and "Mark complete" not in page
    # a quiz is completed by submitting it (the quiz app calls the service), not by a button
    quiz = world.items["Kiln quiz"]["uuid"]
    quiz_page = text(client.get(f"/learn/{world.slug}/items/{quiz}/"))
    assert "Mark complete" not in quiz_page and "complete once you submit the quiz" in quiz_page
    refused = client.post(f"/learn/{world.slug}/items/{quiz}/complete", follow=True)
    assert "This quiz is completed by submitting it" in text(refused)
    with site_a:
        assert not ItemProgress.objects.filter(item_uuid=quiz).exists()
        services.progress_item_complete(enrollment=enrollment, item_uuid=quiz)
    for item_uuid in order[1:5]:
        last = client.post(f"/learn/{world.slug}/items/{item_uuid}/complete", follow=True)
    assert "Course complete. Well done!" in text(last) and "100% complete" in text(last)
    with site_a:
        enrollment = Enrollment.objects.get(course=world.course, learner=world.learner)
        assert enrollment.status == "completed" and enrollment.progress_percent == 100


def test_player_refuses_strangers_and_items_outside_the_learners_version(site_a, world):
    stranger = site_a.make_user(role="learner")
    item = world.items["Read me"]["uuid"]
    anonymous = site_a.client().get(f"/learn/{world.slug}/items/{item}/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    not_enrolled = site_a.client(stranger).get(f"/learn/{world.slug}/items/{item}/")
    assert not_enrolled.status_code == 302 and not_enrolled["Location"] == f"/courses/{world.slug}/"
    assert site_a.client(stranger).post(f"/learn/{world.slug}/items/{item}/complete").status_code == 302
    with site_a:
        assert not ItemProgress.objects.exists()
    enroll(site_a, world.course, world.learner)
    client = site_a.client(world.learner)
    assert client.get(f"/learn/{world.slug}/items/{uuid.uuid4()}/").status_code == 404
    assert client.post(f"/learn/{world.slug}/items/{uuid.uuid4()}/complete").status_code == 404
    assert client.get("/learn/no-such-course/").status_code == 404


def test_enrolled_learners_keep_learning_after_unpublish(site_a, world):
    enroll(site_a, world.course, world.learner)
    with site_a:
        services.course_unpublish(course=world.course, author=world.instructor)
    client = site_a.client(world.learner)
    item = world.items["Read me"]["uuid"]
    assert client.get(f"/learn/{world.slug}/items/{item}/").status_code == 200
    assert client.get(f"/courses/{world.slug}/").status_code == 404
    assert "Pottery Basics" in text(client.get("/dashboard/"))


def test_file_items_are_served_to_enrolled_learners_and_course_staff_only(site_a, world, admin_a):
    url = f"/learn/{world.slug}/items/{world.items['Glaze chart']['uuid']}/file"
    enroll(site_a, world.course, world.learner)
    response = site_a.client(world.learner).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == FILE_BYTES
    assert "attachment" in response["Content-Disposition"] and "glaze" in response["Content-Disposition"]
    for staff in (world.instructor, admin_a):
        assert site_a.client(staff).get(url).status_code == 200
    stranger = site_a.make_user(role="learner")
    other_instructor = site_a.make_user(role="instructor")
    for user in (stranger, other_instructor):
        assert site_a.client(user).get(url).status_code == 404
    assert site_a.client().get(url).status_code == 302
    # a non-file item and an unknown item are not downloadable
    assert site_a.client(world.learner).get(
        f"/learn/{world.slug}/items/{world.items['Read me']['uuid']}/file").status_code == 404
    assert site_a.client(world.learner).get(f"/learn/{world.slug}/items/{uuid.uuid4()}/file").status_code == 404


# --- versions: drafts never leak, learners stay pinned --------------------------------------------


MARKER = "DRAFT-MARKER-7f3a"


def _edit_draft_with_marker(site, course, instructor):
    with site:
        course = Course.objects.get(pk=course.pk)
        services.course_update(course=course, title=f"Pottery {MARKER}", summary=MARKER, description=MARKER,
                               tags=["craft", MARKER])
        for item in ContentItem.objects.filter(lesson__module__course=course):
            services.item_update(item=item, title=f"{item.title} {MARKER}", body=MARKER)
        lesson = course.modules.first().lessons.first()
        services.item_create(lesson=lesson, kind="text", title=f"New {MARKER}", body=MARKER)
        services.module_create(course=course, title=f"Module {MARKER}")


def test_learner_never_sees_draft_content_through_any_page_or_api(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    _edit_draft_with_marker(site_a, world.course, world.instructor)
    client = site_a.client(world.learner)
    urls = ["/courses/", "/courses/?tag=craft", f"/courses/{world.slug}/", "/dashboard/", f"/learn/{world.slug}/",
            f"/courses/{world.slug}/drop",
            "/api/v1/courses", f"/api/v1/courses/{world.slug}", "/api/v1/me/enrollments",
            f"/api/v1/me/enrollments/{world.slug}"]
    urls += [f"/learn/{world.slug}/items/{i['uuid']}/" for i in world.items.values()]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        body = response.content.decode()
        assert MARKER not in body, url
        assert SECRET not in body, url
    # the catalog shows the published title and searching the draft's text finds nothing
    assert "Pottery Basics" in text(client.get("/courses/"))
    assert "1 course." not in text(client.get("/courses/", {"q": "DRAFT-MARKER"}))
    # service messages name the course by its published title too
    with site_a:
        Course.objects.filter(pk=world.course.pk).update(capacity=1)
    other = site_a.make_user(role="learner")
    full = text(site_a.client(other).post(f"/courses/{world.slug}/enroll", follow=True))
    assert "“Pottery Basics” is full" in full and MARKER not in full
    assert enrollment.version.number == 1


def test_learner_stays_on_their_version_until_they_move(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    read_me = world.items["Read me"]["uuid"]
    with site_a:
        services.progress_item_complete(enrollment=enrollment, item_uuid=read_me)
        item = ContentItem.objects.get(uuid=read_me)
        services.item_update(item=item, title="Read me first", body="Clay is *very* soft.")
        services.item_create(lesson=item.lesson, kind="text", title="Brand new reading", body="New!")
        services.course_publish(course=world.course, author=world.instructor, change_note="v2")
    client = site_a.client(world.learner)
    page = text(client.get(f"/learn/{world.slug}/items/{read_me}/"))
    assert "Clay is <em>soft</em>." in page and "Brand new reading" not in page
    assert "A newer version of this course is out" in page and "Move to the newest version" in page
    assert "New version" in text(client.get("/dashboard/"))
    course_page = text(client.get(f"/courses/{world.slug}/"))
    assert "Brand new reading" in course_page and "You are on version 1" in course_page  # the public outline is v2
    moved = client.post(f"/learn/{world.slug}/upgrade", follow=True)
    assert "You are now on version 2" in text(moved)
    page = text(client.get(f"/learn/{world.slug}/items/{read_me}/"))
    assert "Clay is <em>very</em> soft." in page and "Brand new reading" in page and "A newer version" not in page
    with site_a:
        enrollment.refresh_from_db()
        assert enrollment.version.number == 2
        assert enrollment.item_progress.filter(completed_at__isnull=False).count() == 1  # kept across versions


# --- dashboard ----------------------------------------------------------------------------------


def fake_deadlines(user):
    return [{"title": "Glaze essay", "course_title": "Pottery Basics", "due_at": timezone.now() + timedelta(days=2),
             "url": "/learn/pottery-basics/assignment/x/"}]


def test_dashboard_shows_my_courses_with_progress_and_next_item(site_a, world):
    client = site_a.client(world.learner)
    empty = text(client.get("/dashboard/"))
    assert "You are not enrolled in any course yet" in empty
    assert "Nothing due." in empty and "No grades yet." in empty
    enrollment = enroll(site_a, world.course, world.learner)
    with site_a:
        services.progress_item_complete(enrollment=enrollment, item_uuid=world.items["Read me"]["uuid"])
        second = build_published_course(author=world.instructor, title="Wheel Throwing")
        dropped = build_published_course(author=world.instructor, title="Dropped Course")
        services.enrollment_drop(enrollment=services.enrollment_create(course=dropped, learner=world.learner))
    enroll(site_a, second, world.learner)
    response = client.get("/dashboard/")
    page = text(response)
    assert "Pottery Basics" in page and "Wheel Throwing" in page and "Dropped Course" not in page
    assert "16% complete" in page and "Next: Wheel video" in page
    assert f'href="/learn/{world.slug}/items/{world.items["Wheel video"]["uuid"]}/"' in page


def test_dashboard_sections_come_from_providers(site_a, world, monkeypatch):
    monkeypatch.setattr(selectors.dashboard, "DASHBOARD_PROVIDERS", {
        "deadlines": ["lms.courses.tests.test_learn_pages.fake_deadlines", "lms.not_an_app.dashboard.deadlines"],
        "grades": [],
    })
    page = text(site_a.client(world.learner).get("/dashboard/"))
    assert "Glaze essay" in page and "No grades yet." in page


def test_anonymous_dashboard_goes_to_login(site_a):
    response = site_a.client().get("/dashboard/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


# --- course staff: enrollments ------------------------------------------------------------------


def test_enrollment_page_is_for_the_course_instructors_and_admins(site_a, world, admin_a):
    ta = site_a.make_user(role="teaching_assistant")
    with site_a:
        from lms.courses import permissions

        permissions.course_role_assign(course=world.course, user=ta, course_role="teaching_assistant")
    url = f"/courses/{world.slug}/enrollments/"
    for user in (world.instructor, admin_a):
        assert site_a.client(user).get(url).status_code == 200
    for user in (world.learner, ta, site_a.make_user(role="instructor")):
        assert site_a.client(user).get(url).status_code == 403
        assert site_a.client(user).post(url, {"emails": world.learner.email}).status_code == 403
    assert site_a.client().get(url).status_code == 302
    with site_a:
        draft = build_course(author=world.instructor, title="Draft course")
    assert site_a.client(world.learner).get(f"/courses/{draft.slug}/enrollments/").status_code == 404
    assert site_a.client(world.instructor).get(f"/courses/{draft.slug}/enrollments/").status_code == 200
    with site_a:
        assert not Enrollment.objects.exists()
    course_page = text(site_a.client(world.instructor).get(f"/courses/{world.slug}/"))
    assert "Manage enrollments" in course_page
    assert "Manage enrollments" not in text(site_a.client(world.learner).get(f"/courses/{world.slug}/"))


def test_staff_enroll_many_learners_with_a_note_and_see_who_was_refused(site_a, world):
    ada = site_a.make_user(role="learner", email="ada@acme.test")
    grace = site_a.make_user(role="learner", email="grace@acme.test")
    gone = site_a.make_user(role="learner", email="gone@acme.test")
    with site_a:
        from django.contrib.auth.models import User

        User.objects.filter(pk=gone.pk).update(is_active=False)
        Course.objects.filter(pk=world.course.pk).update(capacity=3, enrollment_closes_at=timezone.now() - timedelta(days=1))
    enroll(site_a, world.course, world.learner, source="staff")
    client = site_a.client(world.instructor)
    emails = f"ADA@acme.test\ngrace@acme.test, nobody@acme.test\n{world.learner.email}\ngone@acme.test\n\nada@acme.test"
    response = client.post(f"/courses/{world.slug}/enrollments/", {"emails": emails, "note": "Scholarship 2025"})
    body = text(response)
    assert response.status_code == 200
    assert "Enrolled 2 learners." in body and "3 addresses were refused" in body
    assert "No account with this email address on this site." in body and "This account is deactivated." in body
    assert f"{world.learner.email} is already enrolled" in body
    with site_a:
        rows = {e.learner.email: e for e in Enrollment.objects.filter(course=world.course).select_related("learner")}
        assert set(rows) == {ada.email, grace.email, world.learner.email}
        assert rows[ada.email].note == "Scholarship 2025" and rows[ada.email].source == "staff"
        assert rows[ada.email].enrolled_by_id == world.instructor.pk
    # capacity is enforced for staff too
    late = site_a.make_user(role="learner", email="late@acme.test")
    full = text(client.post(f"/courses/{world.slug}/enrollments/", {"emails": late.email}))
    assert "is full (3 places)" in full
    listing = text(client.get(f"/courses/{world.slug}/enrollments/"))
    assert "3 enrollments" in listing and "Scholarship 2025" in listing and "ada@acme.test" in listing


def test_staff_bulk_enroll_rejects_bad_input_with_form_errors(site_a, world):
    client = site_a.client(world.instructor)
    bad = client.post(f"/courses/{world.slug}/enrollments/", {"emails": "ok@acme.test\nnot-an-email", "note": ""})
    assert bad.status_code == 400 and "Not valid email addresses: not-an-email" in text(bad)
    empty = client.post(f"/courses/{world.slug}/enrollments/", {"emails": "   "})
    assert empty.status_code == 400
    with site_a:
        draft = build_course(author=world.instructor, title="Unpublished")
    unpublished = client.post(f"/courses/{draft.slug}/enrollments/", {"emails": world.learner.email})
    assert unpublished.status_code == 400 and "Publish the course before enrolling learners." in text(unpublished)
    with site_a:
        assert not Enrollment.objects.exists()


def test_staff_can_move_a_learner_to_the_newest_version(site_a, world):
    enrollment = enroll(site_a, world.course, world.learner)
    with site_a:
        services.course_publish(course=world.course, author=world.instructor, change_note="v2")
    client = site_a.client(world.instructor)
    listing = text(client.get(f"/courses/{world.slug}/enrollments/"))
    assert "Move to v2" in listing
    url = f"/courses/{world.slug}/enrollments/{enrollment.uuid}/move"
    assert site_a.client(world.learner).post(url).status_code == 403
    assert client.get(url).status_code == 405
    moved = client.post(url, follow=True)
    assert f"{world.learner.email} moved to version 2" in text(moved)
    with site_a:
        enrollment.refresh_from_db()
        assert enrollment.version.number == 2
    assert client.post(f"/courses/{world.slug}/enrollments/{uuid.uuid4()}/move").status_code == 404


# --- nav and home --------------------------------------------------------------------------------


def test_nav_links_catalog_learning_and_studio_for_staff(site_a, world):
    learner_home = text(site_a.client(world.learner).get("/"))
    assert 'href="/courses/"' in learner_home and 'href="/dashboard/"' in learner_home
    assert 'href="/studio/"' not in learner_home
    assert 'href="/studio/"' in text(site_a.client(world.instructor).get("/"))
    anonymous = text(site_a.client().get("/"))
    assert 'href="/courses/"' in anonymous and 'href="/dashboard/"' not in anonymous


# --- isolation between institutions ------------------------------------------------------------------


def test_foreign_institution_sessions_and_ids_get_nothing(site_a, site_b, world, admin_a, admin_b):
    learner_b = site_b.make_user(role="learner")
    with site_b:
        course_b = build_published_course(author=admin_b, title="Globex Only Course", slug="globex-only")
        enrollment_b = services.enrollment_create(course=course_b, learner=learner_b)
        item_b = selectors.snapshot_items(course_b.published_version.snapshot)[0]["uuid"]
    # B's course and item ids do not exist on A's site, even for A's administrator
    admin_client = site_a.client(admin_a)
    assert admin_client.get("/courses/globex-only/").status_code == 404
    assert "Globex Only Course" not in text(site_a.client().get("/courses/"))
    # B's logged-in session on A's host is no session at all
    session_b = site_b.client(learner_b)
    session_b.get("/")
    on_a = site_a.client()
    on_a.cookies["sessionid"] = session_b.cookies["sessionid"].value
    for method, url in (("get", "/dashboard/"), ("get", f"/learn/{world.slug}/"), ("post", f"/courses/{world.slug}/enroll"),
                        ("get", f"/learn/globex-only/items/{item_b}/"), ("get", f"/courses/{world.slug}/enrollments/")):
        response = getattr(on_a, method)(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/"), url
    # A's learner asking for B's course on A's host: 404
    a_client = site_a.client(world.learner)
    assert a_client.post("/courses/globex-only/enroll").status_code == 404
    assert a_client.get(f"/learn/globex-only/items/{item_b}/").status_code == 404
    assert admin_client.post(f"/courses/globex-only/enrollments/{enrollment_b.uuid}/move").status_code == 404
    assert admin_client.post(f"/courses/{world.slug}/enrollments/{enrollment_b.uuid}/move").status_code == 404
    with site_a:
        assert not Enrollment.objects.exists()
    with site_b:
        assert Enrollment.objects.get(pk=enrollment_b.pk).status == "active"


def test_player_script_can_post_progress_with_the_pages_csrf_token(site_a, world):
    """The player's script posts to the progress API with the session cookie and the page's CSRF token."""
    import re

    from django.test import Client

    enroll(site_a, world.course, world.learner)
    logged_in = site_a.client(world.learner)
    client = Client(HTTP_HOST=site_a.host, enforce_csrf_checks=True)
    client.cookies["sessionid"] = logged_in.cookies["sessionid"].value
    video = world.items["Wheel video"]["uuid"]
    page = text(client.get(f"/learn/{world.slug}/items/{video}/"))
    url = re.search(r'data-progress-url="([^"]+)"', page).group(1)
    token = re.search(r'data-csrf="([^"]+)"', page).group(1)
    body = '{"time_spent_seconds": 12, "video_position_seconds": 95}'
    assert client.post(url, body, content_type="application/json").status_code == 403  # no token, no write
    response = client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200, response.content
    with site_a:
        progress = ItemProgress.objects.get(item_uuid=video)
        assert (progress.time_spent_seconds, progress.video_position_seconds) == (12, 95)
        assert str(Enrollment.objects.get(learner=world.learner).last_item_uuid) == video
    assert 'data-start="95"' in text(client.get(f"/learn/{world.slug}/items/{video}/"))
