"""Signal handlers (connected in AppConfig.ready): thin, they call services."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.db import connection
from django.db.models.signals import post_save
from django_tenants.utils import get_public_schema_name

from lms.courses import api as courses
from lms.tracks import api as tracks


def on_enrollment(sender, enrollment, **kwargs):
    from .scopes import Scope
    from .services import trainer_auto_assign

    trainer_auto_assign(scope=Scope(course=enrollment.course), learner=enrollment.learner)


def on_track_enrollment(sender, instance, created, **kwargs):
    if not created:
        return
    from .scopes import Scope
    from .services import trainer_auto_assign

    trainer_auto_assign(scope=Scope(track=instance.track), learner=instance.learner)


def on_course_staff_removed(sender, course, user, **kwargs):
    from .scopes import Scope
    from .services import trainer_left

    trainer_left(scope=Scope(course=course), trainer=user)


def on_track_staff_removed(sender, track, user, **kwargs):
    from .scopes import Scope
    from .services import trainer_left

    trainer_left(scope=Scope(track=track), trainer=user)


def on_user_saved(sender, instance, update_fields=None, **kwargs):
    """A deactivated account stops training: its learners are redistributed in every scope."""
    if instance.is_active or (update_fields is not None and "is_active" not in update_fields):
        return
    if connection.schema_name == get_public_schema_name():  # a platform operator: no courses, no cohorts here
        return
    from .models import TrainerAssignment
    from .scopes import Scope
    from .services import trainer_left

    scopes = (TrainerAssignment.objects.filter(trainer=instance).values_list("course_id", "track_id").distinct())
    for course_id, track_id in list(scopes):
        scope = (Scope(course=courses.Course.objects.get(pk=course_id)) if course_id
                 else Scope(track=tracks.Track.objects.get(pk=track_id)))
        trainer_left(scope=scope, trainer=instance)


def connect() -> None:
    courses.enrollment_created.connect(on_enrollment, dispatch_uid="cohorts-enrollment")
    courses.course_staff_removed.connect(on_course_staff_removed, dispatch_uid="cohorts-course-staff-removed")
    tracks.track_staff_removed.connect(on_track_staff_removed, dispatch_uid="cohorts-track-staff-removed")
    post_save.connect(on_track_enrollment, sender=tracks.TrackEnrollment, dispatch_uid="cohorts-track-enrollment")
    post_save.connect(on_user_saved, sender=User, dispatch_uid="cohorts-user-deactivated")
