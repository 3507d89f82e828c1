"""Writes for courses, one module per concern:

- drafts: authoring the draft tree (courses, modules, lessons, items, order, course staff);
- studio: the studio's checked writes on top of drafts (details with cover and tags, items with
  uploads or a quiz/assignment draft, reorder by uuid, staff by email);
- uploads: upload limits and checks, storage names;
- publishing: versions (publish, rollback, unpublish), snapshots and digests;
- enrollment: enrolling, dropping, moving to a newer version;
- progress: a learner's progress through their version.

The names are re-exported here so `from lms.courses import services; services.x` reaches any of them.
"""
from .drafts import (
    course_create,
    COURSE_FIELDS,
    course_staff_set,
    course_update,
    EDITABLE_COURSE_FIELDS,
    item_create,
    item_delete,
    item_update,
    lesson_create,
    lesson_delete,
    lesson_update,
    module_create,
    module_delete,
    module_update,
    move,
    reorder,
)
from .studio import (
    course_details_save,
    course_staff_add,
    item_add,
    item_change,
    MAX_TAG_LENGTH,
    MAX_TAGS,
    reorder_by_uuid,
    tags_clean,
    tags_parse,
)
from .uploads import (
    COVER_KINDS,
    cover_max_bytes,
    cover_upload_read,
    display_file_name,
    file_max_bytes,
    file_upload_check,
    FileTooLarge,
)
from .publishing import (
    course_publish,
    course_rollback,
    course_snapshot,
    course_unpublish,
    course_validate_for_publish,
    DIGEST_COURSE_FIELDS,
    snapshot_changes,
    SNAPSHOT_SCHEMA,
    version_digest,
)
from .enrollment import (
    enrollment_bulk_create,
    enrollment_create,
    enrollment_drop,
    enrollment_move_to_version,
    PaymentRequired,
)
from .progress import (
    progress_item_complete,
    progress_item_visit,
    snapshot_item_uuids,
)

__all__ = [
    "course_create",
    "course_details_save",
    "COURSE_FIELDS",
    "course_publish",
    "course_rollback",
    "course_snapshot",
    "course_staff_add",
    "course_staff_set",
    "course_unpublish",
    "course_update",
    "course_validate_for_publish",
    "COVER_KINDS",
    "cover_max_bytes",
    "cover_upload_read",
    "DIGEST_COURSE_FIELDS",
    "display_file_name",
    "EDITABLE_COURSE_FIELDS",
    "enrollment_bulk_create",
    "enrollment_create",
    "enrollment_drop",
    "enrollment_move_to_version",
    "file_max_bytes",
    "file_upload_check",
    "FileTooLarge",
    "item_add",
    "item_change",
    "item_create",
    "item_delete",
    "item_update",
    "lesson_create",
    "lesson_delete",
    "lesson_update",
    "MAX_TAG_LENGTH",
    "MAX_TAGS",
    "module_create",
    "module_delete",
    "module_update",
    "move",
    "PaymentRequired",
    "progress_item_complete",
    "progress_item_visit",
    "reorder",
    "reorder_by_uuid",
    "snapshot_changes",
    "snapshot_item_uuids",
    "SNAPSHOT_SCHEMA",
    "tags_clean",
    "tags_parse",
    "version_digest",
]
