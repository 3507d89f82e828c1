"""Cohort and trainer pages and API: who may see and change them, cohorts and members, the
manual assignment over the cap (409), "My learners" with constant queries, tracks."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lms.assignments.tests.test_api import token_client
from lms.cohorts import selectors, services
from lms.cohorts.models import Cohort, CohortMember
from lms.cohorts.scopes import Scope
from lms.courses import services as course_services
from lms.tracks import services as track_services

from .helpers import course_world, enroll

pytestmark = pytest.mark.django_db


def api(w, rest=""):
    return f"/api/v1/studio/courses/{w.slug}/{rest}"


def page(w, rest=""):
    return f"/studio/courses/{w.slug}/{rest}"


def pid(user) -> str:
    return str(user.profile.public_id)


def test_learners_get_403_and_other_courses_staff_404(site_a):
    w = course_world(site_a, tas=1)
    (learner,) = enroll(site_a, w.course, 1)
    stranger = site_a.make_user(role="instructor")
    for path in (page(w, "cohorts/"), page(w, "my-learners/")):
        assert site_a.client(learner).get(path).status_code == 403
        assert site_a.client(stranger).get(path).status_code == 404
        assert site_a.client(w.tas[0]).get(path).status_code == 200
    assert site_a.client(learner).post(page(w, "cohorts/"), {"name": "A"}).status_code == 403
    assert site_a.client(w.tas[0]).post(page(w, "cohorts/"), {"name": "A"}).status_code == 403  # views, cannot manage
    assert site_a.client(stranger).post(page(w, "trainers/rebalance")).status_code == 404
    assert token_client(site_a, learner).get(api(w, "cohorts")).status_code == 403
    assert token_client(site_a, learner).post(api(w, "cohorts"), {"name": "A"}, content_type="application/json").status_code == 403
    assert token_client(site_a, stranger).get(api(w, "trainers")).status_code == 404
    assert token_client(site_a, w.tas[0]).post(api(w, "trainers/rebalance")).status_code == 403
    assert site_a.client().get(page(w, "cohorts/")).status_code == 302  # to the login page
    with site_a:
        assert not Cohort.objects.exists()


def test_staff_manage_cohorts_on_the_course_studio_page(site_a):
    w = course_world(site_a, tas=0)
    a, b = enroll(site_a, w.course, 2)
    outsider = site_a.make_user(role="learner")
    client = site_a.client(w.instructor)
    assert "Cohorts and trainers" in client.get(page(w)).content.decode()  # linked from the course studio
    response = client.post(page(w, "cohorts/"), {"name": "Spring", "starts_on": "2027-03-01"})
    assert response.status_code == 302
    assert client.post(page(w, "cohorts/"), {"name": "spring"}).status_code == 400  # the name is taken
    with site_a:
        cohort = Cohort.objects.get(course=w.course)
    assert client.post(page(w, f"cohorts/{cohort.uuid}/members"), {"emails": f"{a.email}, {b.email}"}).status_code == 302
    refused = client.post(page(w, f"cohorts/{cohort.uuid}/members"), {"emails": outsider.email})
    assert refused.status_code == 400 and "is not enrolled" in refused.content.decode()
    body = client.get(page(w, f"cohorts/{cohort.uuid}/")).content.decode()
    assert a.email in body and b.email in body and outsider.email not in body
    assert client.post(page(w, f"cohorts/{cohort.uuid}/members/{pid(a)}/remove")).status_code == 302
    assert client.post(page(w, f"cohorts/{cohort.uuid}/members/{pid(a)}/remove")).status_code == 404
    overview = client.get(page(w, "cohorts/")).content.decode()
    assert "Spring" in overview and "1 Mar 2027" in overview
    assert client.post(page(w, f"cohorts/{cohort.uuid}/delete")).status_code == 302
    with site_a:
        assert not Cohort.objects.exists() and not CohortMember.objects.exists()


def test_cohorts_api(site_a):
    w = course_world(site_a, tas=0)
    a, b = enroll(site_a, w.course, 2)
    client = token_client(site_a, w.instructor)
    created = client.post(api(w, "cohorts"), {"name": "Evening", "starts_on": "2027-01-10"}, content_type="application/json")
    assert created.status_code == 201, created.content
    uuid = created.json()["uuid"]
    assert client.post(api(w, "cohorts"), {"name": "Evening"}, content_type="application/json").status_code == 400
    added = client.post(api(w, f"cohorts/{uuid}/members"), {"learners": [pid(a), pid(b)]}, content_type="application/json")
    assert added.status_code == 200 and {m["email"] for m in added.json()["members"]} == {a.email, b.email}
    assert client.patch(api(w, f"cohorts/{uuid}"), {"name": "Late"}, content_type="application/json").json()["name"] == "Late"
    assert client.delete(api(w, f"cohorts/{uuid}/members/{pid(a)}")).status_code == 204
    assert client.get(api(w, "cohorts")).json() == [{"uuid": uuid, "name": "Late", "starts_on": "2027-01-10", "member_count": 1}]
    assert client.delete(api(w, f"cohorts/{uuid}")).status_code == 204
    assert client.get(api(w, f"cohorts/{uuid}")).status_code == 404


def test_manual_assignment_over_the_cap_answers_409(site_a):
    w = course_world(site_a, tas=0)
    client = token_client(site_a, w.instructor)
    assert client.put(api(w, "trainers/cap"), {"max_learners_per_trainer": 1}, content_type="application/json").status_code == 200
    first, second = enroll(site_a, w.course, 2)
    overview = client.get(api(w, "trainers")).json()
    assert overview["max_learners_per_trainer"] == 1
    assert [p["email"] for p in overview["unassigned"]] == [second.email]
    body = {"learner": pid(second), "trainer": pid(w.instructor)}
    response = client.post(api(w, "trainers/assignments"), body, content_type="application/json")
    assert response.status_code == 409 and response.json()["code"] == "trainer_full"
    page_response = site_a.client(w.instructor).post(page(w, "trainers/assign"), body)
    assert page_response.status_code == 409 and "already has 1 learners" in page_response.content.decode()
    client.put(api(w, "trainers/cap"), {"max_learners_per_trainer": 2}, content_type="application/json")
    assert client.post(api(w, "trainers/assignments"), body, content_type="application/json").status_code == 200
    assert client.get(api(w, "trainers")).json()["unassigned"] == []
    nobody = client.post(api(w, "trainers/assignments"), {"learner": pid(w.instructor), "trainer": None},
                         content_type="application/json")
    assert nobody.status_code == 400  # the instructor is not a learner of the course


def test_my_learners_lists_the_trainers_learners_with_constant_queries(site_a):
    w = course_world(site_a, tas=1)
    learners = enroll(site_a, w.course, 2)
    client = site_a.client(w.instructor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page(w, "my-learners/"))
        assert response.status_code == 200
        return len(queries), response.content.decode()

    count()  # warm: the first request of a session loads more (session, site settings)
    few, body = count()
    with site_a:
        mine = selectors.my_learner_ids(w.instructor, w.course)
    assert len(mine) == 1
    for learner in learners:
        assert (learner.email in body) == (learner.pk in mine)
    enroll(site_a, w.course, 8)
    many, body = count()
    assert many == few
    rows = token_client(site_a, w.instructor).get(api(w, "my-learners")).json()
    assert len(rows) == 5 and {r["progress_percent"] for r in rows} == {0}


def test_track_cohorts_and_trainers(site_a):
    instructor = site_a.make_user(role="instructor")
    ta = site_a.make_user(role="teaching_assistant")
    learners = [site_a.make_user(role="learner") for _ in range(3)]
    with site_a:
        track = track_services.track_create(author=instructor, title="Data track", free_order=True)
        track_services.track_add_project(track=track, title="Capstone", actor=instructor)
        track_services.track_update(track=track, actor=instructor, is_published=True)
        track_services.track_staff_set(track=track, user=ta, track_role="teaching_assistant", actor=instructor)
        for learner in learners:
            track_services.track_enroll(track=track, learner=learner)
        scope = Scope(track=track)
        assert sorted(services.trainer_loads(scope, [instructor.pk, ta.pk]).values()) == [1, 2]
        track_services.track_staff_set(track=track, user=ta, track_role=None, actor=instructor)
        assert services.trainer_loads(scope, [instructor.pk]) == {instructor.pk: 3}
    base = f"/studio/tracks/{track.slug}/"
    client = site_a.client(instructor)
    assert client.post(base + "cohorts/", {"name": "Cohort 1"}).status_code == 302
    assert "Cohort 1" in client.get(base + "cohorts/").content.decode()
    assert learners[0].email in client.get(base + "my-learners/").content.decode()
    assert site_a.client(learners[0]).get(base + "cohorts/").status_code == 403
    assert token_client(site_a, instructor).get(f"/api/v1{base}trainers").json()["unassigned"] == []


def test_schema_documents_the_cohort_endpoints(site_a):
    paths = site_a.client().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for scope in ("/api/v1/studio/courses/{slug}/", "/api/v1/studio/tracks/{slug}/"):
        assert {"get", "post"} <= set(paths[scope + "cohorts"])
        assert {"get", "patch", "delete"} <= set(paths[scope + "cohorts/{cohort_uuid}"])
        assert "delete" in paths[scope + "cohorts/{cohort_uuid}/members/{learner_id}"]
        assert "post" in paths[scope + "trainers/assignments"] and "put" in paths[scope + "trainers/cap"]
        assert "get" in paths[scope + "my-learners"] and "post" in paths[scope + "trainers/rebalance"]
    queue = paths["/api/v1/studio/courses/{slug}/grading-queue"]["get"]
    assert "mine" in {p["name"] for p in queue["parameters"]}
