"""An S3-compatible server on loopback (moto's server mode) and settings that point the
default storage at it: the real boto3/HTTP path, not a Python-level mock."""
from __future__ import annotations

import socket

import boto3
import pytest
from django.conf import settings
from django.test import override_settings

S3_BUCKET = "educrowd-test"


def _client(endpoint: str):
    return boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test",
                        aws_secret_access_key="test")


@pytest.fixture(scope="session")
def s3_server():
    from moto.server import ThreadedMotoServer

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    _client(endpoint).create_bucket(Bucket=S3_BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3(s3_server):
    """Default storage on the S3 server for this test; yields a boto3 client to look inside."""
    with override_settings(
        STORAGES={**settings.STORAGES, "default": {"BACKEND": "tenants.storage.TenantS3Storage"}},
        AWS_STORAGE_BUCKET_NAME=S3_BUCKET, AWS_S3_ENDPOINT_URL=s3_server, AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test", AWS_S3_REGION_NAME="us-east-1",
    ):
        yield _client(s3_server)
