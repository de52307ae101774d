"""Hostile uploads: wrong type, image/HTML polyglots, oversized files and decompression bombs.

Each goes through the editor's upload view and the article's picture field; each is refused
with a message the editor can act on, and nothing is stored.
"""

import io
import json
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin

from tests.admin_forms import admin_form_data
from tests.images import png_bytes

pytestmark = pytest.mark.django_db

HTML = b"<html><body><script>alert(7)</script></body></html>"


def image_bytes(fmt, size=(16, 16), **save_options):
    buffer = io.BytesIO()
    Image.new("RGB", size, (31, 78, 90)).save(buffer, format=fmt, **save_options)
    return buffer.getvalue()


def png_declaring(width, height):
    """A tiny PNG whose header claims width x height pixels (its data stops short)."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def png_with_text(key, text):
    info = PngImagePlugin.PngInfo()
    info.add_text(key, text)
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def bomb_png():
    """About 64 million pixels (more than MAX_IMAGE_PIXELS) in a file of a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (8000, 8000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


BEYOND_PILLOW = (
    "This image has far more pixels than a web page can show (over 178 million): the most this site "
    "takes is 40 million pixels, for example 7700 × 5100. Save it smaller and try again."
)

REFUSED = [
    ("text file named .png", "notes.png", b"Dear team, here are my notes.", "not an image we can use"),
    ("HTML named .jpg", "page.jpg", HTML, "not an image we can use"),
    (
        "SVG with script",
        "logo.svg",
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(7)"/>',
        "not an image",
    ),
    ("PDF", "flyer.png", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "not an image we can use"),
    ("BMP (not a web format)", "scan.png", image_bytes("BMP"), "BMP images are not accepted"),
    ("TIFF (not a web format)", "scan.jpg", image_bytes("TIFF"), "TIFF images are not accepted"),
    ("PNG with an HTML page after its end", "room.png", png_bytes() + HTML, "web-page code hidden in it"),
    (
        "GIF with script in its comment",
        "room.gif",
        image_bytes("GIF", comment=b"<script>alert(7)</script>"),
        "web-page code",
    ),
    (
        "JPEG with HTML in its comment",
        "room.jpg",
        image_bytes("JPEG", comment=b"<!DOCTYPE html><html>"),
        "web-page code",
    ),
    (
        "PNG with SVG in a text chunk",
        "room.png",
        png_with_text("Comment", "<svg onload=alert(7)>"),
        "web-page code",
    ),
    (
        "WebP with a script URL appended",
        "room.webp",
        image_bytes("WEBP") + b"javascript:alert(7)",
        "web-page code",
    ),
    (
        "decompression bomb",
        "bomb.png",
        bomb_png(),
        "too large to show on a web page: the most this site takes is 40 million pixels, for example "
        "7700 × 5100. Save it smaller",
    ),
    (
        "header claiming 50000 x 50000 pixels",
        "huge.png",
        png_declaring(50_000, 50_000),
        BEYOND_PILLOW,
    ),
    ("empty file", "empty.png", b"", "not an image we can use"),
]


@pytest.mark.parametrize(("what", "name", "content", "message"), REFUSED, ids=[r[0] for r in REFUSED])
def test_the_editor_upload_refuses_hostile_files_with_a_message(
    staff_client, settings, what, name, content, message
):
    response = staff_client.post(reverse("ckeditor_upload"), {"upload": SimpleUploadedFile(name, content)})
    data = json.loads(response.content)
    assert data["uploaded"] == 0, what
    assert message in data["error"]["message"], (what, data)
    assert not list(settings.MEDIA_ROOT.glob("editor/**/*.*"))


def test_an_oversized_file_is_refused_before_it_is_read(staff_client, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 50_000
    big = image_bytes("PNG", size=(400, 400), compress_level=0)
    assert len(big) > 50_000
    data = json.loads(
        staff_client.post(reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("big.png", big)}).content
    )
    assert data["uploaded"] == 0
    assert "the limit is 48.8\xa0KB" in data["error"]["message"] or "the limit is" in data["error"]["message"]


@pytest.mark.parametrize(
    "content",
    [
        image_bytes("JPEG"),
        image_bytes("PNG"),
        image_bytes("GIF"),
        image_bytes("WEBP"),
        # A photo straight from a camera app: XMP metadata is XML, and still accepted.
        image_bytes(
            "JPEG",
            xmp=b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF></x:xmpmeta>'
            b'<?xpacket end="w"?>',
        ),
    ],
    ids=["jpeg", "png", "gif", "webp", "jpeg-with-xmp"],
)
def test_ordinary_pictures_are_accepted(staff_client, content):
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("photo.img", content)}
    )
    assert json.loads(response.content)["uploaded"] == "1"


@pytest.mark.parametrize("stem", ["z" * 250, "é" * 200, "a group room, photographed on a quiet evening " * 5])
def test_a_picture_with_a_very_long_name_is_stored_under_a_shorter_one(staff_client, settings, stem):
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile(f"{stem}.png", image_bytes("PNG"))}
    )
    data = json.loads(response.content)
    assert data["uploaded"] == "1", data
    stored = list(settings.MEDIA_ROOT.glob("editor/**/*.png"))  # the picture and its thumbnail
    assert stored and all(len(path.name.encode()) <= 120 for path in stored)
    assert data["url"].rsplit("/", 1)[1] in {path.name for path in stored}


def test_an_article_whose_picture_file_went_missing_can_still_be_saved(staff_client, site, settings):
    """A database restored without its media folder: the stored picture is not read again."""
    article = site["article"]
    article.hero_image_alt = "The group room"
    article.hero_image.save("room.png", ContentFile(image_bytes("PNG")))
    Path(article.hero_image.path).unlink()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["summary"] = "A new summary, saved although the picture's file is gone."
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.summary == "A new summary, saved although the picture's file is gone."


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("room.png", png_bytes() + HTML, "web-page code hidden in it"),
        ("bomb.png", bomb_png(), "too large to show"),
        # Pillow will not even open it (DecompressionBombError): still the size, not "corrupted"
        ("huge.png", png_declaring(50_000, 50_000), BEYOND_PILLOW),
        # Django's ImageField answers first, in the words of the editor's own upload.
        (
            "notes.jpg",
            b"just text",
            "This file is not an image we can use. Upload a JPEG, PNG, GIF or WebP picture.",
        ),
    ],
)
def test_the_article_picture_field_refuses_hostile_files(staff_client, site, name, content, message):
    article = site["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["hero_image"] = SimpleUploadedFile(name, content)
    data["hero_image_alt"] = "The group room"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Upload a valid image" not in response.content.decode()
    article.refresh_from_db()
    assert not article.hero_image


# --- The names pictures are stored under ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "fmt", "stored_as"),
    [
        ("notice.html", "PNG", "notice.png"),  # served as a web page from this site, otherwise
        ("team.svg", "GIF", "team.gif"),
        ("index.php", "WEBP", "index.webp"),
        ("photo.png", "JPEG", "photo.jpg"),  # named for what it is, not for what it was called
        ("no-extension", "PNG", "no-extension.png"),
        (".cleaning-yard.png", "PNG", "cleaning-yard.png"),  # never hidden, never a temporary file
    ],
)
def test_an_editor_picture_is_stored_under_the_extension_of_what_it_is(
    staff_client, settings, name, fmt, stored_as
):
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile(name, image_bytes(fmt))}
    )
    data = json.loads(response.content)
    assert data["uploaded"] == "1", data
    assert data["url"].rsplit("/", 1)[1] == stored_as
    stored = [path.name for path in settings.MEDIA_ROOT.glob("editor/**/*") if path.is_file()]
    assert stored_as in stored
    assert not [
        stored_name for stored_name in stored if not stored_name.endswith((".png", ".jpg", ".gif", ".webp"))
    ]


def test_an_article_picture_is_stored_under_the_extension_of_what_it_is(staff_client, site):
    article = site["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["hero_image"] = SimpleUploadedFile("room.jpeg", image_bytes("PNG"))
    data["hero_image_alt"] = "The group room in the morning"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert article.hero_image.name.endswith("/room.png")
    # Whatever saves it: the shell or a script goes through the same naming.
    article.hero_image.save("notice.html", ContentFile(image_bytes("GIF")))
    assert article.hero_image.name.endswith("/notice.gif")


@pytest.mark.parametrize("origin", ["null", "evil.example", "//evil.example", "file:///tmp/x.html"])
def test_an_upload_from_an_origin_that_is_not_this_site_in_full_is_refused(staff_client, settings, origin):
    response = staff_client.post(
        reverse("ckeditor_upload"),
        {"upload": SimpleUploadedFile("room.png", image_bytes("PNG"))},
        headers={"Origin": origin},
    )
    assert response.status_code == 403
    assert not [path for path in settings.MEDIA_ROOT.glob("editor/**/*") if path.is_file()]
