"""Images uploaded from the editor: staff only, real images only, within the size limit."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
from tests.factories import UserFactory
from tests.images import png_bytes

pytestmark = pytest.mark.django_db
URL = reverse("ckeditor_upload")


def upload(client, name, content, **params):
    return client.post(URL + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""), {
        "upload": SimpleUploadedFile(name, content)
    })  # fmt: skip


def test_a_real_image_is_stored_and_its_address_returned(staff_client, settings):
    response = upload(staff_client, "room.png", png_bytes())
    data = json.loads(response.content)
    assert data["uploaded"] == "1"
    assert data["url"].startswith("/media/editor/")
    assert (settings.MEDIA_ROOT / data["url"].removeprefix("/media/")).exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notes.txt", b"just some text"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("empty.png", b""),
    ],
)
def test_a_file_that_is_not_an_image_is_refused_with_a_message(staff_client, settings, name, content):
    response = upload(staff_client, name, content)
    data = json.loads(response.content)
    assert data["uploaded"] == 0
    assert "not an image we can use" in data["error"]["message"]
    assert not list(settings.MEDIA_ROOT.glob("editor/**/*.*"))


def test_a_file_larger_than_the_limit_is_refused(staff_client):
    with override_settings(MAX_IMAGE_UPLOAD_BYTES=100):
        data = json.loads(upload(staff_client, "big.png", png_bytes((64, 64))).content)
    assert data["uploaded"] == 0
    assert "the limit is 100" in data["error"]["message"]


def test_an_image_with_too_many_pixels_is_refused(staff_client):
    with override_settings(MAX_IMAGE_PIXELS=1000):
        data = json.loads(upload(staff_client, "wide.png", png_bytes((100, 100))).content)
    assert data["uploaded"] == 0
    assert "too large to show" in data["error"]["message"]


def test_the_dialog_upload_answers_with_a_script_and_a_safely_quoted_message(staff_client):
    response = upload(staff_client, "notes.txt", b"text", CKEditorFuncNum="3")
    html = response.content.decode()
    assert "callFunction(3, ''," in html
    assert "not an image we can use" in html


@pytest.mark.parametrize("number", ["1);alert(1);//", "\u00b2", "\u0663", "1" * 10])
def test_a_callback_number_that_is_not_a_plain_number_is_a_bad_request(staff_client, number):
    """Superscript and Arabic-Indic digits pass str.isdigit() but are no number JavaScript reads."""
    for name, data in (("room.png", png_bytes()), ("notes.txt", b"text")):
        response = upload(staff_client, name, data, CKEditorFuncNum=number)
        assert response.status_code == 400
        assert response.content == b"CKEditorFuncNum must be a number of up to 9 digits."


def test_visitors_and_non_staff_cannot_upload(client):
    response = upload(client, "room.png", png_bytes())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(UserFactory(username="visitor"))
    assert upload(client, "room.png", png_bytes()).status_code == 302


def test_an_upload_posted_from_another_site_is_refused(staff_client):
    response = staff_client.post(
        URL,
        {"upload": SimpleUploadedFile("room.png", png_bytes())},
        headers={"Origin": "https://evil.example"},
    )
    assert response.status_code == 403


@pytest.mark.parametrize(("role", "may"), [(MARKETING_EDITORS, True), (CLINICAL_REVIEWERS, False)])
def test_only_those_who_edit_page_text_may_add_or_browse_pictures(client, settings, role, may):
    """A clinical reviewer holds "change article" only to record reviews and may not change a
    word of it: nor may they put a picture on the public media folder."""
    user = UserFactory(username="member", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    data = json.loads(upload(client, "room.png", png_bytes()).content)
    browse = client.get(reverse("ckeditor_browse"))
    if may:
        assert data["uploaded"] == "1" and browse.status_code == 200
    else:
        assert data == {
            "uploaded": 0,
            "error": {"message": "Only those who edit the text of pages may add pictures to it."},
        }
        assert not list(settings.MEDIA_ROOT.glob("**/*.png"))
        assert browse.status_code == 403
