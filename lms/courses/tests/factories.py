"""Helpers to build courses in tests (inside a tenant context)."""
from __future__ import annotations

from lms.courses import services


def build_course(*, author, title="Intro to Testing", modules=1, lessons=1, items=2, **fields):
    course = services.course_create(author=author, title=title, **fields)
    for m in range(modules):
        module = services.module_create(course=course, title=f"Module {m + 1}")
        for lesson_no in range(lessons):
            lesson = services.lesson_create(module=module, title=f"Lesson {m + 1}.{lesson_no + 1}")
            for i in range(items):
                services.item_create(lesson=lesson, kind="text", title=f"Reading {i + 1}", body=f"Text **{i + 1}**")
    return course


def build_published_course(*, author, **kwargs):
    course = build_course(author=author, **kwargs)
    services.course_publish(course=course, author=author, change_note="First release")
    course.refresh_from_db()
    return course
