"""Studio API (/api/v1/studio/courses/...): authoring the draft, publishing, versions, staff.

Instructors, teaching assistants and administrators only (learners: 403). A course is found
among those the caller has staff access to, and modules, lessons and items only inside that
course, so missing and foreign ids both answer 404. Reading needs staff access; changing the
draft needs permissions.can_edit; publishing, rollback, unpublishing and staff changes need
permissions.can_publish (403 otherwise).
One module per resource: courses, outline (modules and lessons), items, versions (publishing),
staff; serializers and the per-course base view are shared.
"""
from .courses import CourseCoverApi, CourseDetailApi, CourseListApi
from .items import ItemCreateApi, ItemDetailApi, ItemReorderApi
from .outline import LessonCreateApi, LessonDetailApi, LessonReorderApi, ModuleCreateApi, ModuleDetailApi, ModuleReorderApi
from .staff import StaffDetailApi, StaffListApi
from .versions import PublishApi, RollbackApi, UnpublishApi, VersionListApi
