"""The run command's demo data: two institutions with a living catalog, idempotent."""
import pytest
from django.core.management import call_command
from django_tenants.utils import tenant_context

from tenants.models import Tenant

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_institutions_with_courses_and_is_idempotent(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STRIPE_SECRET_KEY = ""  # as `make run` without keys: payments go to the simulator
    # The session's test institutions are acme and globex too: the command fills them (rolled back afterwards).
    call_command("seed_demo")
    call_command("seed_demo")
    from lms.courses.models import Course, Enrollment
    from lms.tracks.models import Track

    tenant = Tenant.objects.get(slug="acme")
    with tenant_context(tenant):
        assert Course.objects.filter(published_version__isnull=False).count() == 3
        assert Track.objects.filter(is_published=True).count() == 1
        learner_enrollment = Enrollment.objects.get(learner__username="learner@acme.test", course__slug="python-for-beginners")
        assert 0 < learner_enrollment.progress_percent < 100
        kinds = {i["kind"] for m in learner_enrollment.version.snapshot["modules"] for lesson in m["lessons"] for i in lesson["items"]}
        assert {"text", "video", "link", "quiz", "assignment"} <= kinds
    from billing.api import connect_account_ready

    assert connect_account_ready(tenant)  # a made-up ready Connect account sells the priced demo course
    from crowdfunding.models import Campaign

    with tenant_context(tenant):  # two live demo campaigns, one funding scholarship seats (made once)
        live = {c.slug: c for c in Campaign.objects.filter(state="live")}
        assert set(live) == {"new-science-lab", "scholarships-for-ten"}
        assert live["scholarships-for-ten"].is_scholarship and live["new-science-lab"].tiers.count() == 2


def test_seed_demo_with_real_stripe_keys_leaves_the_priced_course_a_draft(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.STRIPE_SECRET_KEY = "sk_test_real_account"  # onboarding goes through Stripe: no made-up account
    call_command("seed_demo")
    from billing.api import connect_account_ready
    from lms.courses.models import Course

    tenant = Tenant.objects.get(slug="acme")
    assert not connect_account_ready(tenant)
    with tenant_context(tenant):
        assert Course.objects.filter(published_version__isnull=False).count() == 2
        assert Course.objects.get(slug="research-writing").published_version_id is None
