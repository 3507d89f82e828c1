"""Submitted files in object storage (moto's S3 server on loopback): stored under the tenant
prefix, handed out as short-lived signed URLs to their learner and the course staff only."""
import socket
import urllib.error
import urllib.request

import boto3
import pytest
from django.conf import settings
from django.test import override_settings

from lms.assignments.models import Submission

from .conftest import make_world
from .helpers import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db
BUCKET = "educrowd-assignments-test"


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                 aws_secret_access_key="test").create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server):
    with override_settings(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "tenants.storage.TenantS3Storage"}},
        AWS_STORAGE_BUCKET_NAME=BUCKET, AWS_S3_ENDPOINT_URL=s3_server, AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test", AWS_S3_REGION_NAME="us-east-1",
    ):
        yield boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", aws_access_key_id="test",
                           aws_secret_access_key="test")


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
