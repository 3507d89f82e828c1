"""Every text field of the API's input serializers has a max_length, so oversize input is a field
error (`{"field": ["Ensure this field has no more than N characters."]}`) and never reaches the
database, where only the generic DataError fallback (tenants/rest_api/errors.py) would catch it.

Serializers named `*Output` only shape responses (never bound to request data: checked below);
every other Serializer subclass of the project's modules is an input and is walked here.
"""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
from rest_framework import serializers

ROOT = Path(__file__).resolve().parent.parent
PROJECT_PACKAGES = ("config", "tenants", "billing", "shared_apps", "tenant_apps", "lms", "crowdfunding")

# Free text stored in a TextField (no column limit); the request body size limit bounds it.
# Each entry: "<module>.<Serializer qualname>.<field>" -> the column behind it.
UNBOUNDED_FREE_TEXT = {
    "lms.courses.rest_api.studio.serializers.StudioCourseInput.description": "Course.description (TextField, Markdown)",
    "lms.courses.rest_api.studio.serializers.StudioItemCreateInput.body": "ContentItem.body (TextField, Markdown)",
    "lms.courses.rest_api.studio.serializers.StudioItemUpdateInput.body": "ContentItem.body (TextField, Markdown)",
    "lms.quizzes.rest_api.serializers.QuizInput.instructions": "Quiz.instructions (TextField, Markdown)",
    "lms.assignments.rest_api.serializers.AssignmentInput.instructions": "Assignment.instructions (TextField, Markdown)",
    "lms.tracks.rest_api.views.StepSubmitApi.InputSerializer.text": "StepSubmission.text (TextField)",
}


def _project_serializers() -> list[type]:
    importlib.import_module("config.urls_api_tenant")  # loads every API module, hence every serializer
    importlib.import_module("config.urls_tenant")
    importlib.import_module("config.urls_public")
    out, todo = [], list(serializers.BaseSerializer.__subclasses__())
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        module = cls.__module__
        if module.split(".")[0] in PROJECT_PACKAGES and ".tests" not in module and cls not in out:
            out.append(cls)
    return out


def _text_fields(fields, prefix=""):
    for name, f in fields.items():
        while isinstance(f, (serializers.ListField, serializers.DictField)):
            f, name = f.child, f"{name}[]"
        if isinstance(f, serializers.CharField) and not f.read_only:
            yield prefix + name, f


def _inputs() -> list[type]:
    return [cls for cls in _project_serializers() if not cls.__name__.endswith("Output")]


def test_the_walk_finds_the_api_input_serializers():
    names = {cls.__qualname__ for cls in _inputs()}
    assert {"StudioCourseInput", "QuizQuestionInput", "InvitationCreateInput", "TokenObtainApi.InputSerializer"} <= names
    assert len(names) > 25, sorted(names)


def test_every_input_text_field_has_a_max_length():
    unbounded = set()
    for cls in _inputs():
        for name, field in _text_fields(cls().fields):
            if field.max_length is None:
                unbounded.add(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert sorted(unbounded - set(UNBOUNDED_FREE_TEXT)) == [], "give these a max_length matching their column"
    assert sorted(set(UNBOUNDED_FREE_TEXT) - unbounded) == [], "stale allow-list entries"


def test_output_serializers_are_never_bound_to_request_data():
    pattern = re.compile(r"\w+Output\((?:[^()]*,\s*)?data=")
    offenders = [f"{path.relative_to(ROOT)}:{n}" for package in PROJECT_PACKAGES for path in (ROOT / package).rglob("*.py")
                 if "/tests/" not in str(path) for n, line in enumerate(path.read_text().splitlines(), 1)
                 if pattern.search(line)]
    assert offenders == []


@pytest.mark.django_db
def test_an_oversize_site_colour_is_a_field_error_not_the_generic_fallback(site_a, admin_a):
    client = site_a.client(admin_a)
    response = client.patch("/api/v1/settings", {"primary_color": "#" + "a" * 100_000},
                            content_type="application/json")
    assert response.status_code == 400, response.content
    body = response.json()
    assert "Ensure this field has no more than 7 characters." in body["errors"]["primary_color"]
    assert "non_field_errors" not in body["errors"]
