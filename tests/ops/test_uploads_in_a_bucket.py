"""Two containers, one bucket: uploads as production stores them when it is scaled out.

Two production servers (`gunicorn -c gunicorn.conf.py carter_site.wsgi`, production settings)
are configured only by the environment ops set (AWS_STORAGE_BUCKET_NAME and the rest,
docs/operations.md), with a bucket on the suite's S3-compatible server (tests/s3_server.py) and
the cache in the suite's Redis. A picture uploaded through one is in the bucket, addressed on the
media domain, and seen by the other; the management commands find it there too.
"""

import json
import uuid

import pytest

from tests.images import phone_photo
from tests.ops import helpers

ADMIN_URL = "site-editor-bucket-tests/"
MEDIA_DOMAIN = "media.carter.example"


@pytest.fixture(scope="module")
def bucket(s3_server):
    name = f"carter-media-{uuid.uuid4().hex[:12]}"
    s3_server.client().create_bucket(Bucket=name)
    return name


@pytest.fixture(scope="module")
def env(s3_server, bucket, redis_server, tmp_path_factory):
    env = helpers.production_env(
        STATIC_ROOT=tmp_path_factory.mktemp("static"),
        DATABASE_URL=f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'site.sqlite3'}",
        REDIS_URL=redis_server.url(db=2),
        ADMIN_URL=ADMIN_URL,
        LOG_LEVEL="warning",
        AWS_STORAGE_BUCKET_NAME=bucket,
        AWS_ACCESS_KEY_ID=s3_server.access_key,
        AWS_SECRET_ACCESS_KEY=s3_server.secret_key,
        AWS_S3_ENDPOINT_URL=s3_server.endpoint_url,
        AWS_S3_REGION_NAME=s3_server.region,
        AWS_S3_CUSTOM_DOMAIN=MEDIA_DOMAIN,
    )
    return helpers.prepare_site(env)


@pytest.fixture(scope="module")
def instances(env, tmp_path_factory):
    with helpers.gunicorn_servers(env, tmp_path_factory.mktemp("gunicorn")) as servers:
        yield servers


def upload(server, session, name, data):
    """A picture posted to the editor's upload address, as CKEditor's Image dialog posts it."""
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; filename="{name}"\r\n'
            "Content-Type: image/jpeg\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return helpers.request(
        server.port,
        f"/{ADMIN_URL}editor/upload/",
        method="POST",
        body=body,
        headers={
            "Cookie": f"{session['cookie']}={session['key']}",
            "Origin": "https://localhost",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )


def test_a_picture_uploaded_through_one_container_is_in_the_bucket_and_seen_by_the_other(
    instances, env, s3_server, bucket
):
    a, b = instances
    session = helpers.staff_session(env)
    response = upload(a, session, "group room.jpg", phone_photo("JPEG"))
    assert response.status == 200, response.text[:500]
    address = json.loads(response.body)["url"]
    assert address.startswith(f"https://{MEDIA_DOMAIN}/media/editor/")
    assert address.endswith("/group-room.jpg")

    listed = s3_server.client().list_objects_v2(Bucket=bucket, Prefix="media/editor/")
    keys = sorted(entry["Key"] for entry in listed["Contents"])
    key = address.removeprefix(f"https://{MEDIA_DOMAIN}/")
    assert keys == [key, key.replace(".jpg", "_thumb.jpg")]  # the picture and the editor's small copy
    stored = s3_server.client().get_object(Bucket=bucket, Key=keys[0])
    assert stored["ContentType"] == "image/jpeg"
    assert b"GPS" not in stored["Body"].read()  # cleaned on the way in, as on a folder

    # The other container's Browse window shows it: the same bucket, read through its own client.
    browse = helpers.request(
        b.port, f"/{ADMIN_URL}editor/browse/", headers={"Cookie": f"{session['cookie']}={session['key']}"}
    )
    assert browse.status == 200
    assert address.replace(".jpg", "_thumb.jpg") in browse.text

    # Pages allow pictures from the media domain, and nothing else from elsewhere.
    policy = helpers.request(b.port, "/").headers["Content-Security-Policy"]
    assert f"img-src 'self' https://{MEDIA_DOMAIN}" in policy

    listing = helpers.manage("unused_uploads", env=env)
    assert listing.returncode == 0, listing.stderr
    assert "1 file uploaded: 0 in use, 0 used only by earlier versions, 1 used nowhere." in listing.stdout
    assert "editor/" in listing.stdout.split("Used nowhere:", 1)[1]


def test_the_deployment_checks_pass_with_uploads_in_a_bucket(env):
    checked = helpers.manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "System check identified no issues" in checked.stdout
