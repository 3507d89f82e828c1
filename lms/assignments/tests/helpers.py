"""Builders for assignment tests (call them inside a tenant context)."""
from __future__ import annotations

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile

from lms.assignments import publishing, services
from lms.assignments.models import Assignment
from lms.courses import services as course_services

# A real, minimal one-page PDF.
PDF_BYTES = (
    b"%PDF-1.4\n"
    b"1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 72 72]>> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer <</Size 4 /Root 1 0 R>>\nstartxref\n186\n%%EOF\n"
)


def pdf_upload(name: str = "essay.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def text_disguised_as_pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("essay.pdf", b"This is plain text pretending to be a PDF.\n", content_type="application/pdf")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    return buffer.getvalue()


def add_assignment(course, lesson, *, title: str = "Essay", **fields) -> tuple[Assignment, object]:
    """An assignment item in a lesson of the draft; fields override the defaults."""
    ref = publishing.draft_create(course, title, None)
    assignment = Assignment.objects.get(uuid=ref)
    defaults = {"instructions": "Write **500 words**.", "points": 10, "submission_types": ["file", "text", "url"],
                "allowed_file_types": ["pdf", "txt"], "max_submissions": 3}
    services.assignment_update(assignment=assignment, **(defaults | fields))
    item = course_services.item_create(lesson=lesson, kind="assignment", title=title, ref_uuid=ref)
    assignment.refresh_from_db()
    return assignment, item


def course_with_assignment(*, author, title: str = "Writing 101", publish: bool = True, **fields):
    """(course, assignment, item): one module, one lesson with a reading and the assignment; published."""
    course = course_services.course_create(author=author, title=title)
    module = course_services.module_create(course=course, title="Module 1")
    lesson = course_services.lesson_create(module=module, title="Lesson 1")
    course_services.item_create(lesson=lesson, kind="text", title="Reading", body="Read this.")
    assignment, item = add_assignment(course, lesson, **fields)
    if publish:
        course_services.course_publish(course=course, author=author, change_note="v1")
        course.refresh_from_db()
    return course, assignment, item
