"""The learner dashboard: enrollment summaries read light (from the versions' digests) and the
"Upcoming deadlines" / "Recent grades" sections other apps provide (DASHBOARD_PROVIDERS)."""
from __future__ import annotations

from django.db.models import F, Func, JSONField, QuerySet, Value
from django.db.models.fields.json import KeyTextTransform

from ..models import Enrollment, ItemProgress
from .enrollments import ACTIVE_STATUSES
from .learning import enrollment_upgrade_available, next_item_uuid
from .snapshots import snapshot_items


def _items_path(field_path: str, key: str) -> Func:
    """The `key` of every item of a snapshot, in outline order, as one JSON array (computed by PostgreSQL)."""
    return Func(F(field_path), Value(f"$.modules[*].lessons[*].items[*].{key}"), function="jsonb_path_query_array",
                output_field=JSONField())


def _digest_items_path(field_path: str, key: str) -> Func:
    """The `key` of every item of a version's digest (services.version_digest), in outline order."""
    return Func(F(field_path), Value(f"$.items[*].{key}"), function="jsonb_path_query_array", output_field=JSONField())


def _enrollment_summaries() -> QuerySet[Enrollment]:
    """Enrollments with what a list shows, light: the course title and the item uuids/titles of
    the pinned version come out of PostgreSQL, not whole snapshots.

    Each row carries `course_title`, `item_uuids`, `item_titles`.
    """
    return (
        Enrollment.objects.select_related("course", "version")
        .only("uuid", "status", "progress_percent", "last_item_uuid", "created_at", "completed_at", "version_id",
              "course_id", "course__slug", "course__published_version", "version__number", "version__course_id")
        .annotate(
            course_title=KeyTextTransform("title", "version__digest__course"),
            item_uuids=_digest_items_path("version__digest", "uuid"),
            item_titles=_digest_items_path("version__digest", "title"),
        )
    )


def enrollment_list_for_dashboard(*, learner) -> QuerySet[Enrollment]:
    """The learner's active and completed enrollments (see _enrollment_summaries), active first, newest first."""
    return (
        _enrollment_summaries().filter(learner_id=learner.pk, status__in=ACTIVE_STATUSES)
        .order_by("status", "-created_at", "pk")
    )


def enrollment_summarise(*, enrollment: Enrollment, progress: dict[str, ItemProgress]) -> Enrollment:
    """Sets what enrollments_with_next_item sets, on an enrollment loaded with its snapshot
    (enrollment_get_for_learning) and its progress (item_progress_map): no query."""
    items = snapshot_items(enrollment.version.snapshot)
    done = {u for u, p in progress.items() if p.completed_at}
    enrollment.course_title = enrollment.version.snapshot["course"]["title"]
    enrollment.next_item_uuid = next_item_uuid([i["uuid"] for i in items], done)
    enrollment.next_item_title = next((i["title"] for i in items if i["uuid"] == enrollment.next_item_uuid), None)
    enrollment.upgrade_available = enrollment_upgrade_available(enrollment)
    return enrollment


def enrollment_summary_get(*, enrollment: Enrollment) -> Enrollment:
    """One enrollment (any status) as the lists show it, with its next item (two queries)."""
    return enrollments_with_next_item(_enrollment_summaries().filter(pk=enrollment.pk))[0]


def enrollments_with_next_item(enrollments) -> list[Enrollment]:
    """Sets `next_item_uuid`, `next_item_title` and `upgrade_available` on each enrollment of
    `enrollment_list_for_dashboard`, with one query for all of them."""
    enrollments = list(enrollments)
    done: dict[int, set[str]] = {e.pk: set() for e in enrollments}
    rows = ItemProgress.objects.filter(enrollment_id__in=done.keys(), completed_at__isnull=False)
    for enrollment_id, item_uuid in rows.values_list("enrollment_id", "item_uuid"):
        done[enrollment_id].add(str(item_uuid))
    for e in enrollments:
        uuids, titles = e.item_uuids or [], e.item_titles or []
        e.next_item_uuid = next_item_uuid(uuids, done[e.pk])
        e.next_item_title = titles[uuids.index(e.next_item_uuid)] if e.next_item_uuid else None
        e.upgrade_available = enrollment_upgrade_available(e)
    return enrollments


DASHBOARD_SECTIONS = ("deadlines", "grades")

# Where the dashboard's sections come from: dotted paths "module.function"; a module that does
# not exist (yet) is skipped. See dashboard_sections().
DASHBOARD_PROVIDERS: dict[str, list[str]] = {
    "deadlines": ["lms.assignments.dashboard.upcoming_deadlines", "lms.quizzes.dashboard.upcoming_deadlines"],
    "grades": ["lms.assignments.dashboard.recent_grades", "lms.quizzes.dashboard.recent_grades"],
}
DASHBOARD_SECTION_LIMIT = 10


def _provider(path: str):
    from ..content import import_optional

    module_path, _, name = path.rpartition(".")
    module = import_optional(module_path)  # a missing module is skipped; an error inside one raises
    return None if module is None else getattr(module, name)


def dashboard_sections(user) -> dict[str, list[dict]]:
    """The learner dashboard's "Upcoming deadlines" and "Recent grades": {"deadlines": [...], "grades": [...]}.

    How another app plugs in: create the module named in DASHBOARD_PROVIDERS (for example
    `lms/assignments/dashboard.py`) with a function taking the user and returning a list of
    dicts. Nothing else to register; until that module exists its section stays empty.

        def upcoming_deadlines(user) -> list[dict]:
            # keys: title, course_title, due_at (aware datetime), url; optional: kind ("assignment", "quiz")
        def recent_grades(user) -> list[dict]:
            # keys: title, course_title, grade (display text, e.g. "8 / 10" or "85%"),
            #       posted_at (aware datetime), url; optional: kind

    Rules for providers: return only what the learner may see now (posted grades only, never
    drafts), in a constant number of queries whatever the number of rows (the dashboard's
    query count is tested with small and large data), at most DASHBOARD_SECTION_LIMIT rows.
    The dashboard merges providers, sorts deadlines by `due_at` (soonest first) and grades
    by `posted_at` (newest first) and keeps the first DASHBOARD_SECTION_LIMIT.
    """
    sections: dict[str, list[dict]] = {name: [] for name in DASHBOARD_SECTIONS}
    if not user.is_authenticated:
        return sections
    for name, paths in DASHBOARD_PROVIDERS.items():
        for path in paths:
            provider = _provider(path)
            if provider is not None:
                sections[name].extend(provider(user))
    sections["deadlines"].sort(key=lambda row: row["due_at"])
    sections["grades"].sort(key=lambda row: row["posted_at"], reverse=True)
    return {name: rows[:DASHBOARD_SECTION_LIMIT] for name, rows in sections.items()}
