"""Quiz and assignment items live in their own apps; this is how publishing reaches them.

A provider module (see PROVIDERS) exposes three functions, all called inside the publish
transaction in the tenant's schema:

    draft_create(course, title: str, author) -> UUID        # a new empty draft quiz/assignment of the course
    editor_url(course, ref_uuid: UUID) -> str               # the studio page where staff edit it
    validate_for_publish(ref_uuid: UUID) -> list[str]      # human-readable problems, [] if fine
    snapshot(ref_uuid: UUID) -> dict                        # JSON-serialisable, includes answers
    draft_restore(course, data: dict) -> UUID               # rebuild a draft from a snapshot (rollback)

The studio adds a quiz/assignment item by calling `draft_create` and storing the uuid in
ContentItem.ref_uuid, then links to `editor_url`.

Snapshots include correct answers: they are never sent to learners as they are; the
learner-facing code of each app strips what its rules do not yet allow.
"""
from __future__ import annotations

import importlib
from types import ModuleType

PROVIDERS = {
    "quiz": "lms.quizzes.publishing",
    "assignment": "lms.assignments.publishing",
}

# Course-level parts of the draft that other apps own (not items), published into the snapshot
# under their key. A provider module exposes:
#
#     course_snapshot(course) -> dict | None          # None: nothing to publish (key left out)
#     course_validate_for_publish(course) -> list[str]
#     course_draft_restore(course, data: dict | None)  # rollback: the old version's part (None if absent)
COURSE_PROVIDERS = {
    "certificate": "lms.certificates.publishing",
}


def course_providers():
    for key, path in COURSE_PROVIDERS.items():
        provider = import_optional(path)
        if provider is not None:
            yield key, provider


def import_optional(path: str) -> ModuleType | None:
    """Import a provider module of an optional app: None when that module (or its app's package)
    does not exist. An import error inside an existing module (a typo, a missing dependency, a
    renamed function) is raised, never mistaken for "the app is not installed"."""
    try:
        return importlib.import_module(path)
    except ModuleNotFoundError as exc:
        if exc.name and (path == exc.name or path.startswith(exc.name + ".")):
            return None
        raise


def provider_for(kind: str) -> ModuleType | None:
    path = PROVIDERS.get(kind)
    return None if path is None else import_optional(path)
