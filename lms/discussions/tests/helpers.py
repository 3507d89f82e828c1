"""A course with discussions for tests: an instructor, a TA, enrolled learners, an outsider."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

from lms.courses import permissions as course_permissions
from lms.courses import services as course_services
from lms.courses.tests.factories import build_published_course
from lms.discussions import selectors, services


@dataclass
class World:
    course: object
    forum: object
    instructor: object
    ta: object
    learners: list
    outsider: object

    def access(self, user):
        return selectors.course_access(user=user, slug=self.course.slug)


def build_world(site, *, learners: int = 2, allow_anonymous: bool = True, graded: bool = False) -> World:
    instructor = site.make_user(role="instructor", first_name="Ines", last_name="Instructor")
    ta = site.make_user(role="teaching_assistant", first_name="Tom", last_name="Assistant")
    people = [site.make_user(role="learner", first_name=f"Lea{n}", last_name=f"Learner{n}") for n in range(learners)]
    outsider = site.make_user(role="learner", first_name="Otto", last_name="Outsider")
    with site:
        course = build_published_course(author=instructor, title=f"Talk {uuid.uuid4().hex[:6]}")
        course_permissions.course_role_assign(course=course, user=ta, course_role="teaching_assistant")
        for person in people:
            course_services.enrollment_create(course=course, learner=person)
        access = selectors.course_access(user=instructor, slug=course.slug)
        forum = services.forum_create(access=access, title="General", allow_anonymous=allow_anonymous,
                                      is_graded=graded, points=20)
    return World(course=course, forum=forum, instructor=instructor, ta=ta, learners=people, outsider=outsider)


def thread_with_replies(site, world, *, author, replies: int, title="A question", body="Opening body"):
    with site:
        thread = services.thread_create(access=world.access(author), forum=world.forum, title=title, body=body)
        for n in range(replies):
            who = world.learners[n % len(world.learners)]
            services.reply_create(access=world.access(who), thread=thread, body=f"Reply {n} **bold**")
    return thread
