"""The certificates' privacy provider (runs where tenant_apps.privacy is installed): export names
the person's certificates; erasure deletes them and the public page says "unknown" at once."""
import pytest

from lms.certificates import selectors, services

from .helpers import build_world, enroll

privacy = pytest.importorskip("tenant_apps.privacy.registry")

pytestmark = pytest.mark.django_db


def test_export_and_erasure_of_a_learners_certificates(site_a):
    instructor = site_a.make_user(role="instructor")
    learner = site_a.make_user(role="learner", first_name="Era", last_name="Sure")
    keeper = site_a.make_user(role="learner", first_name="Kee", last_name="Per")
    with site_a:
        world = build_world(instructor=instructor, rules={"enabled": True, "min_completion_percent": 0})
        mine = services.certificate_issue_for_enrollment(enrollment=enroll(world, learner)).certificate
        kept = services.certificate_issue_for_enrollment(enrollment=enroll(world, keeper)).certificate
        services.certificate_revoke(certificate=mine, reason="Wrong cohort", actor=instructor)
        assert selectors.certificate_verify(number=mine.number).learner_name == "Era Sure"  # cached now
        provider = privacy.provider_get("certificates")
        records = provider.export(learner).records
        assert [r["number"] for r in records if r["kind"] == "certificate"] == [mine.number]
        assert records[0]["revocation__reason"] == "Wrong cohort"
        assert [r["number"] for r in provider.export(instructor).records if r["kind"] == "certificate_issued_by_you"] == []
        result = provider.erase(learner, pseudonym="erased-1", files=[], holds=[])
        assert result["certificates_deleted"] == 1
        assert selectors.certificate_verify(number=mine.number).status == "unknown"
        assert selectors.certificate_verify(number=kept.number).status == "valid"
        assert provider.erase(learner, pseudonym="erased-1", files=[], holds=[])["certificates_deleted"] == 0
