"""The "courses" contact policy of tenant_apps.messaging: a learner and the staff (instructors,
teaching assistants) of a course the learner is enrolled in (active or completed) may message each other."""
from __future__ import annotations

from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.db.models.functions import Cast
from guardian.models import UserObjectPermission

from .models import Course, Enrollment
from .permissions import VIEW

LIVE = (Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED)


def _staff_rows():
    """Object permissions that make someone a member of a course's staff (every course role has VIEW)."""
    return UserObjectPermission.objects.filter(content_type=ContentType.objects.get_for_model(Course),
                                               permission__codename=VIEW.split(".", 1)[1])


def _course_ids_as_text(learner_q: Q):
    return (Enrollment.objects.filter(learner_q, status__in=LIVE)
            .annotate(course_text=Cast("course_id", output_field=UserObjectPermission._meta.get_field("object_pk")))
            .values("course_text"))


def allows(sender: User, recipient: User) -> bool:
    for learner, staff in ((sender, recipient), (recipient, sender)):
        if _staff_rows().filter(user=staff, object_pk__in=_course_ids_as_text(Q(learner=learner))).exists():
            return True
    return False


def contacts(user: User):
    """Ids of the staff of the user's courses, and of the learners of the courses the user is staff of."""
    staff_of_mine = _staff_rows().filter(object_pk__in=_course_ids_as_text(Q(learner=user))).values("user_id")
    my_course_pks = _staff_rows().filter(user=user).values("object_pk")
    learners = (Enrollment.objects.filter(status__in=LIVE)
                .annotate(course_text=Cast("course_id", output_field=UserObjectPermission._meta.get_field("object_pk")))
                .filter(course_text__in=my_course_pks).values("learner_id"))
    return User.objects.filter(Q(pk__in=staff_of_mine) | Q(pk__in=learners)).values("pk")


def register() -> None:
    from tenant_apps.messaging.api import contact_policy_register

    contact_policy_register("courses", allows=allows, contacts=contacts)
