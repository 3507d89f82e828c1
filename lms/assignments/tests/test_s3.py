"""Submitted files in object storage (moto's S3 server on loopback): stored under the tenant
prefix, handed out as short-lived signed URLs to their learner and the course staff only."""
import urllib.error
import urllib.request

import pytest

from lms.assignments.models import Submission
from tests.fixtures_s3 import S3_BUCKET as BUCKET

from .conftest import make_world
from .helpers import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db


def test_submitted_file_goes_to_s3_and_is_served_by_signed_url(site_a, s3):
    w = make_world(site_a, allowed_file_types=["pdf"])
    response = site_a.client(w.learner).post(f"/learn/{w.slug}/assignment/{w.assignment.uuid}/submit", {"file": pdf_upload()})
    assert response.status_code == 302
    with site_a:
        submission = Submission.objects.get()
    key = f"tenants/{site_a.tenant.schema_name}/{submission.file.name}"
    assert key.startswith(f"tenants/{site_a.tenant.schema_name}/assignments/{w.course.uuid}/learner-{w.learner.pk}/")
    assert [o["Key"] for o in s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("Contents", [])] == [key]

    url = f"/learn/{w.slug}/submissions/{submission.uuid}/file"
    for user in (w.learner, w.ta, w.instructor):
        response = site_a.client(user).get(url)
        assert response.status_code == 302, user
        signed = response["Location"]
        assert "X-Amz-Signature" in signed and "X-Amz-Expires=300" in signed and BUCKET in signed
        with urllib.request.urlopen(signed) as fetched:  # the signed URL really serves the file
            assert fetched.read() == PDF_BYTES
            assert "attachment" in fetched.headers["Content-Disposition"]
    for user in (w.other, w.outsider):
        assert site_a.client(user).get(url).status_code == 404
    api = site_a.client(w.learner).get(f"/api/v1/submissions/{submission.uuid}/file")
    assert api.status_code == 302 and "X-Amz-Signature" in api["Location"]


def test_unsigned_access_to_the_bucket_is_refused(site_a, s3, s3_server):
    w = make_world(site_a, allowed_file_types=["pdf"])
    site_a.client(w.learner).post(f"/learn/{w.slug}/assignment/{w.assignment.uuid}/submit", {"file": pdf_upload()})
    with site_a:
        name = Submission.objects.get().file.name
    public = f"{s3_server}/{BUCKET}/tenants/{site_a.tenant.schema_name}/{name}"
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(public)
    assert exc.value.code == 403
