"""The production attachment store against an S3 API (a moto server on loopback): private, encrypted, no overwrite."""

import socket
import urllib.error
import urllib.request

import boto3
import pytest
from django.core.files.base import ContentFile
from moto.server import ThreadedMotoServer

from complaints.storage import PrivateS3Storage

BUCKET = "portal-attachments"


@pytest.fixture(scope="module")
def s3_endpoint():  # type: ignore[no-untyped-def]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    client = boto3.client(
        "s3", endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1"
    )
    client.create_bucket(Bucket=BUCKET)
    yield endpoint, client
    server.stop()


@pytest.fixture
def storage(s3_endpoint):  # type: ignore[no-untyped-def]
    endpoint, _ = s3_endpoint
    return PrivateS3Storage(
        bucket_name=BUCKET, endpoint_url=endpoint, access_key="test", secret_key="test", region_name="us-east-1"
    )


def test_objects_are_private_encrypted_and_marked_for_download(storage, s3_endpoint):
    _, client = s3_endpoint
    name = storage.save("a1b2c3", ContentFile(b"%PDF-1.4 member data"))
    key = f"attachments/{name}"
    head = client.head_object(Bucket=BUCKET, Key=key)
    assert head["ServerSideEncryption"] == "AES256"
    assert head["CacheControl"] == "no-store" and head["ContentDisposition"] == "attachment"
    grants = client.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert [grant["Permission"] for grant in grants] == ["FULL_CONTROL"]
    assert all("URI" not in grant["Grantee"] for grant in grants)  # no AllUsers / AuthenticatedUsers grant


def test_a_same_named_upload_never_overwrites(storage):
    first = storage.save("same-name", ContentFile(b"first"))
    second = storage.save("same-name", ContentFile(b"second"))
    assert first != second
    assert storage.open(first).read() == b"first" and storage.open(second).read() == b"second"


def test_an_anonymous_get_of_the_key_is_refused(storage, s3_endpoint):
    endpoint, _ = s3_endpoint
    name = storage.save("secret", ContentFile(b"PHI"))
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{endpoint}/{BUCKET}/attachments/{name}", timeout=5)  # noqa: S310 - loopback moto
    assert refused.value.code == 403


def test_links_are_signed_and_expire(storage):
    url = storage.url("anything")
    assert ("Signature=" in url) and ("Expires=" in url)  # query-string signed, never a public URL
