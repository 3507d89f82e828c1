"""What cohorts hold about a person: exported to them, erased with them."""
import pytest

from lms.cohorts import privacy, services
from lms.cohorts.models import CohortMember, TrainerAssignment
from lms.cohorts.scopes import Scope

from .helpers import course_world, enroll

pytestmark = pytest.mark.django_db


def test_export_and_erase_of_memberships_and_trainer_assignments(site_a):
    w = course_world(site_a, tas=0)
    me, other = enroll(site_a, w.course, 2)
    with site_a:
        cohort = services.cohort_create(scope=Scope(course=w.course), name="Morning", actor=w.instructor)
        services.cohort_members_add(cohort=cohort, learners=[me, other])
        mine = {r["kind"]: r for r in privacy.COHORTS.export(me).records}
        assert mine["cohort_member"]["cohort__name"] == "Morning"
        assert mine["your_trainer"]["trainer__email"] == w.instructor.email
        assert set(mine) == {"cohort_member", "your_trainer"}
        teaching = {r["kind"] for r in privacy.COHORTS.export(w.instructor).records}
        assert teaching == {"trained_by_you", "cohort_created"}
        assert privacy.COHORTS.erase(me, pseudonym="x", files=[], holds=[]) == {
            "cohort_memberships_deleted": 1, "trainer_assignments_deleted": 1}
        assert not CohortMember.objects.filter(learner=me).exists()
        assert not TrainerAssignment.objects.filter(learner=me).exists()
        assert TrainerAssignment.objects.filter(learner=other).exists()  # nobody else's
