"""Reads for courses, one module per concern:

- catalog: the catalog and the course page (current published versions);
- enrollments: a learner's enrollments (one by course, light rows for lists);
- snapshots: reading a version's snapshot;
- learning: the learner's pinned version, progress, the lesson player, file items;
- dashboard: the learner dashboard (enrollment summaries, other apps' sections);
- staff_enrollments: staff managing a course's enrollments;
- studio: the authoring studio's reads (who may use it, capabilities, draft tree, staff).

Everything a learner sees comes from a published snapshot, never from the draft rows: the
catalog and the course page read the course's current version (`Course.published_version`),
the player and the dashboard read the learner's pinned version (`Enrollment.version`). The
Course row still decides operational matters the enrollment services enforce on it (price,
capacity, enrollment window, listed/unlisted).

Pages that list rows (catalog, dashboard) pull the few snapshot keys they show with JSON
operators in the same query instead of loading whole snapshots, so their query count and
their weight stay flat as courses grow.

The names are re-exported here so `from lms.courses import selectors; selectors.x` reaches any of them.
"""
from .catalog import (
    catalog_list,
    catalog_tags,
    CATALOG_TAGS_CACHE_SECONDS,
    course_count,
    course_get_published,
    course_list_catalog,
    course_page_get,
    CoursePage,
    learner_message,
    paid_enrollment_next_step,
    PaidEnrollmentStep,
)
from .enrollments import (
    ACTIVE_STATUSES,
    enrollment_get,
    enrollment_list_for_learner,
    enrollments_for_lists,
    enrollments_for_lists_prime,
)
from .snapshots import (
    snapshot_find_item,
    snapshot_items,
    snapshot_outline,
)
from .learning import (
    completed_item_uuids,
    course_get_by_slug,
    enrollment_get_for_learning,
    enrollment_upgrade_available,
    file_item_for_user,
    is_direct_video,
    item_progress_map,
    item_self_completable,
    next_item_uuid,
    outline_with_progress,
    parse_uuid,
    player_state,
    PlayerState,
    resume_item_uuid,
    SELF_COMPLETED_KINDS,
    VIDEO_FILE_SUFFIXES,
)
from .dashboard import (
    DASHBOARD_SECTION_LIMIT,
    DASHBOARD_SECTIONS,
    dashboard_sections,
    enrollment_list_for_dashboard,
    enrollment_summarise,
    enrollment_summary_get,
    enrollments_with_next_item,
)
from .staff_enrollments import (
    course_enrollment_list,
    course_get_for_staff,
    learners_for_emails,
    users_by_email,
)
from .studio import (
    Capabilities,
    capabilities,
    capabilities_by_course,
    course_get_for_studio,
    course_list_for_studio,
    COURSE_ROLES,
    course_staff_list,
    editor_url,
    is_studio_member,
    kinds_available,
    outline_modules,
    PROVIDED_KINDS,
    staff_candidate_by_email,
    staff_member,
    STUDIO_ROLES,
    user_roles_prefetch,
    version_list,
)

__all__ = [
    "ACTIVE_STATUSES",
    "Capabilities",
    "capabilities",
    "capabilities_by_course",
    "catalog_list",
    "catalog_tags",
    "CATALOG_TAGS_CACHE_SECONDS",
    "completed_item_uuids",
    "course_count",
    "course_enrollment_list",
    "course_get_by_slug",
    "course_get_for_staff",
    "course_get_for_studio",
    "course_get_published",
    "course_list_catalog",
    "course_list_for_studio",
    "course_page_get",
    "COURSE_ROLES",
    "course_staff_list",
    "CoursePage",
    "DASHBOARD_SECTION_LIMIT",
    "DASHBOARD_SECTIONS",
    "dashboard_sections",
    "editor_url",
    "enrollment_get",
    "enrollment_get_for_learning",
    "enrollment_list_for_dashboard",
    "enrollment_list_for_learner",
    "enrollment_summarise",
    "enrollment_summary_get",
    "enrollment_upgrade_available",
    "enrollments_for_lists",
    "enrollments_for_lists_prime",
    "enrollments_with_next_item",
    "file_item_for_user",
    "is_direct_video",
    "is_studio_member",
    "item_progress_map",
    "item_self_completable",
    "kinds_available",
    "learner_message",
    "learners_for_emails",
    "next_item_uuid",
    "outline_modules",
    "outline_with_progress",
    "paid_enrollment_next_step",
    "PaidEnrollmentStep",
    "parse_uuid",
    "player_state",
    "PlayerState",
    "PROVIDED_KINDS",
    "resume_item_uuid",
    "SELF_COMPLETED_KINDS",
    "snapshot_find_item",
    "snapshot_items",
    "snapshot_outline",
    "staff_candidate_by_email",
    "staff_member",
    "STUDIO_ROLES",
    "user_roles_prefetch",
    "users_by_email",
    "version_list",
    "VIDEO_FILE_SUFFIXES",
]
