"""Uploaded pictures lose where, when and on what they were taken, and nothing of how they look.

The pictures here are made with Pillow the way phones and photo editors write them
(tests/images.py): EXIF with a GPS position and the phone's make and serial number; XMP naming
who edited it; comments; a colour profile; an orientation telling the browser to turn the
stored pixels upright. What is checked is what a reader of the stored file could learn, and that it decodes
to exactly the same pixels as the upload.
"""

import datetime as dt
import io
import json
import os
import random
import shutil
import struct
import tempfile
import zlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from PIL import ExifTags, Image

from carter_site.image_metadata import MAX_PARTS, NEUTRAL_NAME, DamagedPicture, without_metadata
from carter_site.management.commands import strip_image_metadata as strip_command
from tests.admin_forms import admin_form_data
from tests.images import (
    COMMENT,
    EDITOR,
    MAKER,
    PRIVATE,
    PROFILE,
    PROFILE_NAME,
    SERIAL,
    XMP,
    add_png_chunks,
    phone_exif,
    phone_photo,
    picture,
    png_chunk,
    profile_name,
    same_colours,
)


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_only_the_look_is_left(original, cleaned, orientation=6):
    for secret in PRIVATE:
        assert secret not in cleaned
    before, after = opened(original), opened(cleaned)
    assert after.format == before.format
    assert (after.size, after.mode) == (before.size, before.mode)
    assert after.tobytes() == before.tobytes()  # the same pixels, not a re-encoding
    profile = after.info.get("icc_profile")
    assert profile is not None and len(profile) == len(PROFILE)
    # The name is blanked in its own space: as much of "Colour profile" as fits there.
    assert profile_name(PROFILE) == PROFILE_NAME
    assert profile_name(profile) == NEUTRAL_NAME[: len(PROFILE_NAME)]
    assert same_colours(profile, PROFILE)
    exif = after.getexif()
    assert dict(exif) == ({ExifTags.Base.Orientation: orientation} if orientation != 1 else {})
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert "xmp" not in after.info and "comment" not in after.info


# --- Each format --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_a_phone_photo_keeps_its_pixels_profile_and_orientation_and_nothing_else(fmt):
    original = phone_photo(fmt)
    cleaned = without_metadata(original, fmt)
    assert_only_the_look_is_left(original, cleaned)
    assert len(cleaned) < len(original)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_an_upright_photo_keeps_no_exif_at_all(fmt):
    original = phone_photo(fmt, orientation=1)
    cleaned = without_metadata(original, fmt)
    assert_only_the_look_is_left(original, cleaned, orientation=1)
    assert b"Exif" not in cleaned and b"eXIf" not in cleaned and b"EXIF" not in cleaned


def test_a_progressive_jpeg_with_restart_markers_keeps_every_pixel():
    original = phone_photo("JPEG", progressive=True, restart_marker_blocks=1, quality=95)
    assert original.count(b"\xff\xd0") >= 1 and original.count(b"\xff\xda") > 1  # restarts, several scans
    assert_only_the_look_is_left(original, without_metadata(original, "JPEG"))


def test_the_preview_picture_inside_jfif_goes_and_its_density_stays():
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", dpi=(300, 300))
    data = buffer.getvalue()
    assert data[2:4] == b"\xff\xe0"
    (length,) = struct.unpack(">H", data[4:6])
    # The same APP0 with a 2 x 1 preview picture in it: 6 bytes of RGB.
    app0 = data[6 : 4 + length - 2] + b"\x02\x01" + b"\x10\x20\x30\x40\x50\x60"
    with_preview = data[:4] + struct.pack(">H", len(app0) + 2) + app0 + data[4 + length :]
    assert opened(with_preview).tobytes() == opened(data).tobytes()
    cleaned = without_metadata(with_preview, "JPEG")
    assert b"\x10\x20\x30\x40\x50\x60" not in cleaned
    assert opened(cleaned).info["dpi"] == (300, 300)
    assert opened(cleaned).tobytes() == opened(data).tobytes()


def test_a_jpeg_followed_by_a_phones_second_picture_keeps_only_the_first():
    first, second = Image.new("RGB", (20, 10), (200, 30, 30)), Image.new("RGB", (20, 10), (10, 10, 220))
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second], exif=phone_exif())
    original = buffer.getvalue()
    assert opened(original).format == "MPO" and opened(original).n_frames == 2
    cleaned = without_metadata(original, "MPO")
    assert MAKER not in cleaned and b"MPF" not in cleaned
    assert cleaned.endswith(b"\xff\xd9") and cleaned.count(b"\xff\xd8") == 1
    result = opened(cleaned)
    assert result.format == "JPEG" and getattr(result, "n_frames", 1) == 1
    assert result.tobytes() == opened(original).tobytes()  # the first picture's pixels


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_whatever_follows_the_end_of_the_picture_goes(fmt):
    original = phone_photo(fmt, orientation=1)
    if fmt == "WEBP":
        trailing = b"RIFF" + struct.pack("<I", 12) + b"WEBPEXIF" + struct.pack("<I", 4) + b"GPS!"
    else:
        trailing = b"GPS 34.075 -84.294 " + SERIAL
    cleaned = without_metadata(original + trailing, fmt)
    assert SERIAL not in cleaned and b"GPS" not in cleaned
    assert opened(cleaned).tobytes() == opened(original).tobytes()


def test_an_animated_png_keeps_its_frames_and_its_transparency():
    frames = [picture(mode="RGBA"), Image.new("RGBA", (24, 16), (0, 0, 0, 0))]
    buffer = io.BytesIO()
    frames[0].save(buffer, "PNG", save_all=True, append_images=frames[1:], duration=200, loop=3)
    original = add_png_chunks(buffer.getvalue(), [(b"iTXt", b"Author\x00\x00\x00\x00\x00" + EDITOR)])
    cleaned = without_metadata(original, "PNG")
    assert EDITOR not in cleaned
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    assert after.n_frames == 2 and after.info["loop"] == 3
    for index in range(2):
        before.seek(index)
        after.seek(index)
        assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()


def gif_extension(label, *blocks):
    return b"\x21" + bytes((label,)) + b"".join(bytes((len(block),)) + block for block in blocks) + b"\x00"


def test_an_animated_gif_keeps_its_frames_and_loop_and_loses_comments_and_xmp():
    frames = [picture().convert("P"), Image.new("RGB", (24, 16), (10, 200, 90)).convert("P")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=300, loop=0,
                   comment=COMMENT)  # fmt: skip
    data = buffer.getvalue()
    # XMP as photo editors put it in a GIF: an application extension, just before the trailer.
    xmp = gif_extension(0xFF, b"XMP DataXMP", XMP[:255], XMP[255:510])
    original = data[:-1] + xmp + b"\x3b"
    assert COMMENT in original and EDITOR in original
    cleaned = without_metadata(original, "GIF")
    assert COMMENT not in cleaned and EDITOR not in cleaned
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    assert after.n_frames == 2 and after.info["loop"] == 0 and "comment" not in after.info
    for index in range(2):
        before.seek(index)
        after.seek(index)
        assert after.convert("RGB").tobytes() == before.convert("RGB").tobytes()
        assert after.info.get("duration") == before.info.get("duration") == 300


def test_a_webp_without_metadata_flags_none():
    cleaned = without_metadata(phone_photo("WEBP", orientation=1), "WEBP")
    assert cleaned[12:16] == b"VP8X"
    assert cleaned[20] & 0x0C == 0  # neither EXIF nor XMP announced
    (riff_size,) = struct.unpack("<I", cleaned[4:8])
    assert riff_size == len(cleaned) - 8


def test_other_formats_come_back_as_they_were():
    assert without_metadata(b"anything at all", "BMP") == b"anything at all"


# --- Damaged files: a sentence, never another exception -------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
def test_a_file_cut_anywhere_or_with_bytes_changed_is_cleaned_or_refused_with_a_sentence(fmt):
    if fmt == "GIF":
        buffer = io.BytesIO()
        picture().convert("P").save(buffer, "GIF", comment=COMMENT)
        original = buffer.getvalue()
    else:
        original = phone_photo(fmt)
    candidates = [original[:cut] for cut in range(len(original))]
    generator = random.Random(8)
    for _ in range(300):
        damaged = bytearray(original)
        for _ in range(3):
            damaged[generator.randrange(len(damaged))] = generator.randrange(256)
        candidates.append(bytes(damaged))
    refused = 0
    for candidate in candidates:
        try:
            without_metadata(candidate, fmt)
        except DamagedPicture as error:
            refused += 1
            assert str(error).startswith(f"This {fmt.replace('WEBP', 'WebP')} file is damaged: ")
            assert str(error).endswith(".")
    assert refused > 0


# --- Every way a picture is stored --------------------------------------------------------------


def stored_bytes(settings, url):
    return (settings.MEDIA_ROOT / url.removeprefix(settings.MEDIA_URL)).read_bytes()


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_the_editors_upload_stores_the_picture_and_its_thumbnail_without_metadata(
    staff_client, settings, fmt
):
    original = phone_photo(fmt)
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("yard.img", original)}
    )
    data = json.loads(response.content)
    assert data["uploaded"] == "1", data
    assert_only_the_look_is_left(original, stored_bytes(settings, data["url"]))
    stored = [path for path in settings.MEDIA_ROOT.glob("editor/**/*") if path.is_file()]
    assert len(stored) == 2  # the picture and django-ckeditor's thumbnail
    for path in stored:
        assert not any(secret in path.read_bytes() for secret in PRIVATE), path.name


@pytest.mark.django_db
def test_a_phone_photo_with_a_second_picture_is_accepted_as_a_jpeg(staff_client, settings):
    """Pillow calls it MPO; it used to be refused as "MPO images are not accepted"."""
    buffer = io.BytesIO()
    picture().save(buffer, "MPO", save_all=True, append_images=[picture((24, 16))], exif=phone_exif())
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("portrait.jpeg", buffer.getvalue())}
    )
    data = json.loads(response.content)
    assert data["uploaded"] == "1", data
    assert data["url"].endswith("/portrait.jpg")
    stored = opened(stored_bytes(settings, data["url"]))
    assert stored.format == "JPEG" and MAKER not in stored_bytes(settings, data["url"])


@pytest.mark.django_db
def test_the_article_picture_is_stored_without_metadata_from_a_form_or_the_shell(staff_client, site):
    article = site["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    original = phone_photo("JPEG")
    data["hero_image"] = SimpleUploadedFile("yard.jpg", original)
    data["hero_image_alt"] = "A garden bench in the sun"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    with article.hero_image.open("rb") as stored:
        assert_only_the_look_is_left(original, stored.read())
    # A script or the shell saving a picture goes through the same cleaning.
    article.hero_image.save("yard.png", ContentFile(phone_photo("PNG")))
    with article.hero_image.open("rb") as stored:
        assert not any(secret in stored.read() for secret in PRIVATE)


@pytest.mark.django_db
def test_a_picture_that_cannot_be_cleaned_is_refused_with_a_message_and_nothing_is_stored(
    staff_client, settings
):
    # A PNG whose last part claims more bytes than follow: Pillow reads the picture, the
    # cleaner cannot tell where its parts are.
    good = phone_photo("PNG", orientation=1)
    damaged = good[:-12] + struct.pack(">I", 5000) + b"IEND" + b"\x00" * 4
    response = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("yard.png", damaged)}
    )
    data = json.loads(response.content)
    assert data["uploaded"] == 0
    assert data["error"]["message"] == (
        "This PNG file is damaged: a part of it runs past its end. Export the picture again from a "
        "photo editor and upload that copy."
    )
    assert not [path for path in settings.MEDIA_ROOT.glob("editor/**/*") if path.is_file()]


# --- Pictures stored before: manage.py strip_image_metadata -------------------------------------


def run_strip(*arguments):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("strip_image_metadata", *arguments, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


@pytest.fixture
def stored_media(media_root):
    """A media folder as an older site left it: phone photos, a clean picture, other files."""
    files = {
        "articles/2025/04/yard.jpg": phone_photo("JPEG"),
        "editor/2025/05/14/group.png": phone_photo("PNG"),
        "editor/2025/05/14/group_thumb.webp": phone_photo("WEBP", orientation=1),
        "editor/2025/05/14/plain.png": without_metadata(phone_photo("PNG", orientation=1), "PNG"),
        "notes/readme.txt": b"Photo credits: " + EDITOR,
    }
    for name, data in files.items():
        (media_root / name).parent.mkdir(parents=True, exist_ok=True)
        (media_root / name).write_bytes(data)
    (media_root / "articles/2025/04/yard.jpg").chmod(0o640)
    return files


def test_the_command_cleans_stored_pictures_in_place_and_leaves_everything_else(stored_media, media_root):
    out, err, failure = run_strip()
    assert failure is None and err == ""
    assert "articles/2025/04/yard.jpg: " in out and "of metadata removed" in out
    assert "plain.png" not in out and "readme.txt" not in out
    assert "4 pictures in " in out and ": 3 cleaned (" in out and "), 1 had none." in out
    for name in ("articles/2025/04/yard.jpg", "editor/2025/05/14/group.png"):
        assert_only_the_look_is_left(stored_media[name], (media_root / name).read_bytes())
    webp = media_root / "editor/2025/05/14/group_thumb.webp"
    assert_only_the_look_is_left(stored_media["editor/2025/05/14/group_thumb.webp"], webp.read_bytes(), 1)
    assert (media_root / "editor/2025/05/14/plain.png").read_bytes() == stored_media[
        "editor/2025/05/14/plain.png"
    ]
    assert (media_root / "notes/readme.txt").read_bytes() == stored_media["notes/readme.txt"]
    assert (media_root / "articles/2025/04/yard.jpg").stat().st_mode & 0o777 == 0o640
    assert not list(media_root.rglob(".cleaning-*"))
    # Run again: nothing left to do.
    out, _, failure = run_strip()
    assert failure is None and ": 0 cleaned (0\xa0bytes of metadata), 4 had none." in out


def test_a_dry_run_names_the_pictures_and_changes_nothing(stored_media, media_root):
    out, _, failure = run_strip("--dry-run")
    assert failure is None
    assert "editor/2025/05/14/group.png: " in out and "removed" not in out
    assert ": 3 would be cleaned (" in out
    for name, data in stored_media.items():
        assert (media_root / name).read_bytes() == data


def test_a_damaged_picture_is_named_left_as_it_is_and_the_command_fails(stored_media, media_root):
    damaged = stored_media["editor/2025/05/14/plain.png"]
    damaged = damaged[:-12] + struct.pack(">I", 5000) + b"IEND" + b"\x00" * 4
    (media_root / "editor/2025/05/14/plain.png").write_bytes(damaged)
    _, err, failure = run_strip()
    assert failure == (
        "1 picture was left as it was, named above with the reason: replace it with a fresh export from "
        "a photo editor, or mend what the reason says and run this again."
    )
    assert (
        "editor/2025/05/14/plain.png: This PNG file is damaged: a part of it runs past its end. Left as it is."
        in err
    )
    assert (media_root / "editor/2025/05/14/plain.png").read_bytes() == damaged
    assert MAKER not in (media_root / "articles/2025/04/yard.jpg").read_bytes()  # the others were cleaned


def test_with_no_media_folder_yet_there_is_nothing_to_do(media_root):
    out, _, failure = run_strip()
    assert failure is None and "There is no media folder yet" in out


class RemoteStorage(Storage):
    """A storage of some other kind, with no folder on this machine (Storage.path raises
    NotImplementedError) and no bucket."""


def test_media_neither_in_a_folder_nor_in_a_bucket_is_refused_with_a_sentence(settings):
    backend = f"{RemoteStorage.__module__}.{RemoteStorage.__qualname__}"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": backend}}
    _, _, failure = run_strip()
    assert failure.startswith("The media storage is neither a folder on this machine nor an S3 bucket")


@pytest.fixture
def media_in_bucket(media_bucket):
    """The stored_media of an older site, in a bucket: objects with the headers S3 serves them with."""
    objects = {
        "media/articles/2025/04/yard.jpg": (phone_photo("JPEG"), "image/jpeg"),
        "media/editor/2025/05/14/group.png": (phone_photo("PNG"), "image/png"),
        "media/editor/2025/05/14/plain.png": (
            without_metadata(phone_photo("PNG", orientation=1), "PNG"),
            "image/png",
        ),
        "media/notes/readme.txt": (b"Photo credits: " + EDITOR, "text/plain"),
        "elsewhere/not-media.jpg": (phone_photo("JPEG"), "image/jpeg"),  # outside AWS_LOCATION
    }
    for key, (data, content_type) in objects.items():
        media_bucket.client.put_object(
            Bucket=media_bucket.name,
            Key=key,
            Body=data,
            ContentType=content_type,
            CacheControl="public, max-age=86400",
            Metadata={"uploaded-by": "site"},
        )
    # One as a bucket's other tools leave them: stored for less, encrypted, tagged for a
    # lifecycle rule, public by its ACL, with an expiry and a redirect.
    media_bucket.client.put_object(
        Bucket=media_bucket.name,
        Key=YARD,
        Body=objects[YARD][0],
        ContentType="image/jpeg",
        CacheControl="public, max-age=86400",
        Metadata={"uploaded-by": "site"},
        StorageClass="STANDARD_IA",
        ServerSideEncryption="AES256",
        Expires=EXPIRES,
        WebsiteRedirectLocation="/articles/",
        Tagging="keep=forever&team=marketing",
        ACL="public-read",
    )
    return {key: data for key, (data, _) in objects.items()}


YARD = "media/articles/2025/04/yard.jpg"
EXPIRES = dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def settings_of(bucket, key):
    """What S3 keeps of an object besides its bytes and headers."""
    got = head(bucket, key)
    tags = bucket.client.get_object_tagging(Bucket=bucket.name, Key=key)["TagSet"]
    grants = bucket.client.get_object_acl(Bucket=bucket.name, Key=key)["Grants"]
    return {
        "class": got.get("StorageClass"),
        "encryption": got.get("ServerSideEncryption"),
        "expires": got.get("Expires"),
        "redirect": got.get("WebsiteRedirectLocation"),
        "tags": sorted((tag["Key"], tag["Value"]) for tag in tags),
        "public": any(grant["Grantee"].get("URI", "").endswith("/AllUsers") for grant in grants),
    }


def head(bucket, key):
    return bucket.client.head_object(Bucket=bucket.name, Key=key)


def test_pictures_in_a_bucket_are_cleaned_in_place_with_their_headers(media_bucket, media_in_bucket):
    plain = head(media_bucket, "media/editor/2025/05/14/plain.png")["ETag"]
    before = settings_of(media_bucket, YARD)
    assert before == {
        "class": "STANDARD_IA",
        "encryption": "AES256",
        "expires": EXPIRES,
        "redirect": "/articles/",
        "tags": [("keep", "forever"), ("team", "marketing")],
        "public": True,
    }
    out, err, failure = run_strip()
    assert failure is None and err == ""
    assert "articles/2025/04/yard.jpg: " in out and "of metadata removed" in out
    assert f"3 pictures in the bucket {media_bucket.name} (media): 2 cleaned (" in out
    for key in ("media/articles/2025/04/yard.jpg", "media/editor/2025/05/14/group.png"):
        assert_only_the_look_is_left(media_in_bucket[key], media_bucket.read(key))
        headers = head(media_bucket, key)
        assert headers["CacheControl"] == "public, max-age=86400"
        assert headers["ContentType"] == "image/" + key.rsplit(".", 1)[1].replace("jpg", "jpeg")
        assert headers["Metadata"] == {"uploaded-by": "site"}
    assert settings_of(media_bucket, YARD) == before
    assert head(media_bucket, "media/editor/2025/05/14/plain.png")["ETag"] == plain  # not written
    for key in ("media/notes/readme.txt", "elsewhere/not-media.jpg"):
        assert media_bucket.read(key) == media_in_bucket[key]
    out, _, failure = run_strip()
    assert failure is None and ": 0 cleaned (0\xa0bytes of metadata), 3 had none." in out


def test_a_dry_run_on_a_bucket_changes_nothing(media_bucket, media_in_bucket):
    out, _, failure = run_strip("--dry-run")
    assert failure is None and ": 2 would be cleaned (" in out
    for key, data in media_in_bucket.items():
        assert media_bucket.read(key) == data


def test_a_picture_replaced_in_the_bucket_while_it_is_cleaned_is_left_for_the_next_run(
    media_bucket, media_in_bucket
):
    """Another editor's upload lands between the command's read and its write."""
    key = "media/articles/2025/04/yard.jpg"
    newer = phone_photo("JPEG", size=(30, 20))

    def upload_meanwhile(params, **kwargs):
        if params["Key"] == key:
            media_bucket.client.put_object(Bucket=media_bucket.name, Key=key, Body=newer)

    events = default_storage.connection.meta.client.meta.events
    events.register("before-parameter-build.s3.PutObject", upload_meanwhile)
    _, err, failure = run_strip()
    assert (
        "articles/2025/04/yard.jpg: it changed while it was being cleaned, so it was left for the next run."
        in err
    )
    assert failure.startswith("1 picture was left as it was")
    assert media_bucket.read(key) == newer  # the newer upload, whole
    assert_only_the_look_is_left(
        media_in_bucket["media/editor/2025/05/14/group.png"],
        media_bucket.read("media/editor/2025/05/14/group.png"),
    )


@pytest.mark.django_db
def test_a_photo_stored_sideways_gets_the_width_and_height_it_is_shown_at(client, site):
    """Stored 60 x 40 with an orientation that turns it: shown 40 wide and 60 high."""
    article = site["article"]
    article.hero_image_alt = "A bench under a magnolia"
    article.hero_image.save("bench.jpg", ContentFile(phone_photo("JPEG", orientation=6, size=(60, 40))))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'class="article__hero"' in html and 'width="40" height="60"' in html
    assert '<meta property="og:image:width" content="40">' in html
    article.hero_image.save("bench.jpg", ContentFile(phone_photo("JPEG", orientation=1, size=(60, 40))))
    html = client.get(article.get_absolute_url()).content.decode()
    assert 'width="60" height="40"' in html


def test_a_picture_too_large_for_pillow_to_open_is_still_cleaned(media_root):
    """Pillow refuses to open 400 million pixels; the command knows a PNG by its first bytes."""
    header = struct.pack(">IIBBBBB", 20_000, 20_000, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"tEXt", b"Author\x00" + EDITOR)
        + png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + png_chunk(b"IEND", b"")
    )
    (media_root / "huge.png").parent.mkdir(parents=True)
    (media_root / "huge.png").write_bytes(data)
    out, _, failure = run_strip()
    assert failure is None and "huge.png: " in out and "1 picture in " in out
    assert EDITOR not in (media_root / "huge.png").read_bytes()


def test_copies_left_by_a_stopped_run_are_removed(stored_media, media_root):
    leftover = media_root / "editor/2025/05/14/.cleaning-k2j4.png"
    leftover.write_bytes(b"half of a picture")
    out, _, failure = run_strip("--dry-run")
    assert (
        failure is None
        and "editor/2025/05/14/.cleaning-k2j4.png: left by a stopped run; it would be removed" in out
    )
    assert leftover.exists()
    out, _, failure = run_strip()
    assert failure is None and "editor/2025/05/14/.cleaning-k2j4.png: left by a stopped run; removed" in out
    assert not leftover.exists()


def test_a_picture_changed_while_it_was_cleaned_is_left_for_the_next_run(media_root):
    """Between reading a picture and putting its cleaned copy in place, an editor may replace it."""
    path = media_root / "yard.jpg"
    path.parent.mkdir(parents=True)
    path.write_bytes(phone_photo("JPEG"))
    before = path.stat()
    replacement = phone_photo("JPEG", orientation=1, size=(30, 20))
    path.write_bytes(replacement)
    with pytest.raises(strip_command._ChangedMeanwhile):
        strip_command._replace(path, b"the cleaned copy of the old picture", before)
    assert path.read_bytes() == replacement
    assert not list(media_root.glob(".cleaning-*"))


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another user")
def test_run_as_root_the_pictures_keep_their_owner(stored_media, media_root):
    path = media_root / "articles/2025/04/yard.jpg"
    os.chown(path, 1000, 1000)
    _, _, failure = run_strip()
    assert failure is None
    assert (path.stat().st_uid, path.stat().st_gid) == (1000, 1000) and MAKER not in path.read_bytes()


@pytest.fixture
def reader_without_rights(settings):
    """The command run by a user who may not read every picture (the web server's user, say).

    Root reads any file, so as root the command runs with the effective user id of `nobody`,
    in a media folder that user may enter and write in; otherwise it runs as whoever runs the
    tests. What is made unreadable is unreadable for real: nothing is patched."""
    media = Path(tempfile.mkdtemp(prefix="carter-media-"))
    media.chmod(0o777)
    settings.MEDIA_ROOT = media
    switch = os.geteuid() == 0

    def run(*arguments):
        if not switch:
            return run_strip(*arguments)
        os.seteuid(65534)
        try:
            return run_strip(*arguments)
        finally:
            os.seteuid(0)

    yield media, run
    for folder, folders, _ in os.walk(media):
        for name in folders:
            (Path(folder) / name).chmod(0o755)
    shutil.rmtree(media)


def test_a_picture_that_cannot_be_read_is_named_and_the_others_are_cleaned(reader_without_rights):
    media, run = reader_without_rights
    (media / "locked.jpg").write_bytes(phone_photo("JPEG"))
    (media / "locked.jpg").chmod(0o000)
    (media / "yard.png").write_bytes(phone_photo("PNG"))
    (media / "yard.png").chmod(0o666)
    out, err, failure = run()
    assert err == "locked.jpg: it could not be read (Permission denied). Left as it is.\n"
    assert failure.startswith("1 picture was left as it was, named above with the reason")
    assert "yard.png: " in out and "of metadata removed" in out
    assert MAKER not in (media / "yard.png").read_bytes()
    assert MAKER in (media / "locked.jpg").read_bytes()  # read back as root, or as its owner


def test_a_folder_that_cannot_be_read_is_named_not_passed_over(reader_without_rights):
    media, run = reader_without_rights
    (media / "editor/2025").mkdir(parents=True)
    (media / "editor/2025/yard.png").write_bytes(phone_photo("PNG"))
    (media / "editor/2025").chmod(0o000)
    _, err, failure = run("--dry-run")
    assert err == "editor/2025: it could not be read (Permission denied). Left as it is.\n"
    assert failure == (
        "1 folder or leftover copy could not be read or removed, named above: run this again as a user "
        "who may read and change the whole media folder (the web server's user, or root)."
    )


def test_a_media_folder_that_cannot_be_entered_is_a_sentence(reader_without_rights, settings):
    media, run = reader_without_rights
    (media / "uploads").mkdir()
    (media / "uploads").chmod(0o000)
    settings.MEDIA_ROOT = media / "uploads"
    _, _, failure = run()
    assert failure == (
        f"The media folder {media / 'uploads'} could not be read (Permission denied): run this as the "
        "user the web server runs as, or as root."
    )


# --- What the review of the cleaner found ---------------------------------------------------------


def jpeg_segment(marker, payload):
    return b"\xff" + bytes((marker,)) + struct.pack(">H", len(payload) + 2) + payload


def plain(fmt, **options):
    buffer = io.BytesIO()
    picture().save(buffer, fmt, **options)
    return buffer.getvalue()


def animated_gif():
    buffer = io.BytesIO()
    frames = [picture().convert("P"), picture().rotate(180).convert("P")]
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], loop=0, duration=100)
    return buffer.getvalue()


def animated_webp():
    buffer = io.BytesIO()
    frames = [picture(mode="RGBA"), picture(mode="RGBA").rotate(180)]
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], lossless=True)
    return buffer.getvalue()


HIDDEN = b"34.0753N 84.2941W, serial SN-4411"


def before_scan(data, extra):
    at = data.index(b"\xff\xda")
    return data[:at] + extra + data[at:]


def hidden_in_netscape_loop(gif):
    at = gif.index(b"NETSCAPE2.0") + 11 + 4  # after the loop sub-block
    return gif[:at] + bytes((len(HIDDEN),)) + HIDDEN + gif[at:]


def hidden_in_a_webp_frame(webp):
    at = webp.index(b"ANMF")
    (length,) = struct.unpack("<I", webp[at + 4 : at + 8])
    extra = b"EXIF" + struct.pack("<I", len(HIDDEN)) + HIDDEN + b"\x00" * (len(HIDDEN) & 1)
    frame = b"ANMF" + struct.pack("<I", length + len(extra)) + webp[at + 8 : at + 8 + length] + extra
    body = webp[12:at] + frame + webp[at + 8 + length + (length & 1) :]
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("PNG", lambda: add_png_chunks(plain("PNG"), [(b"sPLT", HIDDEN + b"\x00\x08" + bytes(6))])),
        ("JPEG", lambda: plain("JPEG")[:-2] + jpeg_segment(0xDC, b"\x00\x10" + HIDDEN) + b"\xff\xd9"),
        (
            "JPEG",
            lambda: before_scan(
                plain("JPEG"), jpeg_segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + HIDDEN)
            ),
        ),
        ("JPEG", lambda: before_scan(plain("JPEG"), jpeg_segment(0xEF, HIDDEN))),  # a maker's own block
        ("GIF", lambda: hidden_in_netscape_loop(animated_gif())),
        (
            "GIF",
            lambda: (
                animated_gif()[:-1]
                + b"\x21\x01\x0c"
                + bytes(12)
                + bytes((len(HIDDEN),))
                + HIDDEN
                + b"\x00\x3b"
            ),
        ),
        ("WEBP", lambda: hidden_in_a_webp_frame(animated_webp())),
    ],
    ids=[
        "png-palette-name",
        "jpeg-lines",
        "jpeg-adobe",
        "jpeg-maker",
        "gif-loop",
        "gif-text",
        "webp-frame",
    ],
)
def test_text_hidden_in_the_parts_a_picture_needs_goes_too(fmt, build):
    original = build()
    assert HIDDEN in original
    cleaned = without_metadata(original, fmt)
    assert HIDDEN not in cleaned
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    for index in range(getattr(before, "n_frames", 1)):
        before.seek(index)
        after.seek(index)
        assert after.convert("RGBA").tobytes() == before.convert("RGBA").tobytes()
    assert after.info.get("loop") == before.info.get("loop")


def test_a_png_part_no_reader_knows_is_refused():
    with pytest.raises(DamagedPicture, match="it has a part no PNG reader knows"):
        without_metadata(add_png_chunks(plain("PNG"), [(b"GPSd", HIDDEN)]), "PNG")


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("JPEG", lambda: plain("JPEG")[:-2] + b"\xff\x01" * (MAX_PARTS + 1) + b"\xff\xd9"),
        ("GIF", lambda: plain("GIF")[:-1] + b"\x21\xf9\x04\x00\x00\x00\x00\x00" * (MAX_PARTS + 1) + b"\x3b"),
        ("PNG", lambda: add_png_chunks(plain("PNG"), [(b"sBIT", b"\x08\x08\x08")] * (MAX_PARTS + 1))),
    ],
    ids=["jpeg", "gif", "png"],
)
def test_a_file_of_more_parts_than_any_picture_has_is_refused(fmt, build):
    """Made to cost the cleaner time and memory out of proportion to its size."""
    with pytest.raises(DamagedPicture, match="it is made of more parts than any picture has"):
        without_metadata(build(), fmt)


def test_only_the_first_exif_before_the_picture_says_how_to_turn_it():
    """As for browsers: an EXIF block after the picture data, or a second one, is not read."""
    after_the_scan = plain("JPEG")[:-2] + jpeg_segment(0xE1, b"Exif\x00\x00" + phone_exif(6)) + b"\xff\xd9"
    assert Image.open(io.BytesIO(after_the_scan)).getexif().get(ExifTags.Base.Orientation) is None
    assert Image.open(io.BytesIO(without_metadata(after_the_scan, "JPEG"))).getexif() == {}
    upright_then_turned = before_scan(
        plain("JPEG", exif=phone_exif(1)), jpeg_segment(0xE1, b"Exif\x00\x00" + phone_exif(8))
    )
    assert Image.open(io.BytesIO(upright_then_turned)).getexif().get(ExifTags.Base.Orientation) == 1
    assert Image.open(io.BytesIO(without_metadata(upright_then_turned, "JPEG"))).getexif() == {}


@pytest.mark.parametrize(
    ("fmt", "build"),
    [
        ("GIF", lambda: animated_gif()[:-1]),  # no trailer
        ("GIF", lambda: animated_gif()[:-1] + b"\x00\x3b"),  # a stray byte before the trailer
        ("JPEG", lambda: before_scan(plain("JPEG"), b"\x00\x11\x22")),  # junk before a marker
        ("JPEG", lambda: plain("JPEG")[:-2] + jpeg_segment(0xFE, b"a comment cut")[:-4]),  # cut in a part
    ],
    ids=["gif-no-trailer", "gif-stray-byte", "jpeg-junk", "jpeg-cut-after-scan"],
)
def test_damage_browsers_read_past_is_read_past(fmt, build):
    original = build()
    cleaned = without_metadata(original, fmt)
    before, after = Image.open(io.BytesIO(original)), Image.open(io.BytesIO(cleaned))
    for index in range(getattr(before, "n_frames", 1)):
        before.seek(index)
        after.seek(index)
        assert after.convert("RGB").tobytes() == before.convert("RGB").tobytes()


def icc_v2_profile(name):
    """A small ICC version 2 profile whose names (description, copyright) are `name`."""
    ascii_name = name.encode() + b"\x00"
    unicode_name = name.encode("utf-16-be") + b"\x00\x00"
    desc = (
        b"desc" + bytes(4) + struct.pack(">I", len(ascii_name)) + ascii_name
        + bytes(4) + struct.pack(">I", len(unicode_name) // 2) + unicode_name
        + b"\x00\x00" + bytes((len(ascii_name),)) + ascii_name.ljust(67, b"\x00")
    )  # fmt: skip
    desc += bytes(-len(desc) % 4)
    copyright_text = b"text" + bytes(4) + b"Copyright " + name.encode() + b"\x00"
    copyright_text += bytes(-len(copyright_text) % 4)
    white = b"XYZ " + bytes(4) + struct.pack(">iii", 63190, 65536, 54061)
    tags = [(b"desc", desc), (b"cprt", copyright_text), (b"wtpt", white)]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + b"lcms" + b"\x02\x10\x00\x00" + b"mntrRGB XYZ " + bytes(12) + b"acsp"
        + bytes(28) + struct.pack(">iii", 63190, 65536, 54061) + b"lcms" + bytes(16 + 28)
    )  # fmt: skip
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + data


def test_the_names_in_an_older_colour_profile_are_blanked_too():
    profile = icc_v2_profile(PROFILE_NAME)
    buffer = io.BytesIO()
    picture().save(buffer, "JPEG", icc_profile=profile)
    cleaned = Image.open(io.BytesIO(without_metadata(buffer.getvalue(), "JPEG"))).info["icc_profile"]
    assert len(cleaned) == len(profile)
    for text in (PROFILE_NAME.encode(), PROFILE_NAME.encode("utf-16-be")):
        assert text in profile and text not in cleaned
    assert b"Colour profile"[: len(PROFILE_NAME)] in cleaned


def test_a_bucket_that_cannot_be_reached_is_refused_with_a_sentence(settings, s3_server):
    from botocore.config import Config

    options = s3_server.storage_options(
        "carter-media",
        endpoint_url="http://127.0.0.1:9",  # nothing listens there
        client_config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "carter_site.storage.MediaBucketStorage", "OPTIONS": options},
    }
    out, _, failure = run_strip()
    assert failure.startswith("The bucket could not be read (Could not connect to the endpoint URL")
    assert out == ""


def refused(operation, code, message):
    """A provider that refuses `operation` (S3's API by name) with an error of its own. moto grants
    everything; this stands for a provider, or a key, that does not."""

    class Answer:
        status_code = 403

    def refuse(**kwargs):
        return Answer(), {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": 403},
        }

    default_storage.connection.meta.client.meta.events.register(f"before-call.s3.{operation}", refuse)


def test_without_leave_to_read_acls_pictures_are_still_cleaned_and_that_is_said(
    media_bucket, media_in_bucket
):
    refused("GetObjectAcl", "AccessDenied", "Access Denied")
    out, err, failure = run_strip()
    assert failure is None and err == ""
    assert ": 2 cleaned (" in out
    assert out.count("The objects' ACLs could not be read (AccessDenied: Access Denied)") == 1
    assert_only_the_look_is_left(media_in_bucket[YARD], media_bucket.read(YARD))


def test_a_picture_whose_tags_cannot_be_read_is_left_as_it_is(media_bucket, media_in_bucket):
    refused("GetObjectTagging", "AccessDenied", "Access Denied")
    out, err, failure = run_strip()
    assert (
        "articles/2025/04/yard.jpg: it could not be replaced (its tags could not be read, and it would "
        "lose them: AccessDenied: Access Denied). Left as it is." in err
    )
    assert failure.startswith("1 picture was left as it was")
    assert media_bucket.read(YARD) == media_in_bucket[YARD]
    assert ": 1 cleaned (" in out  # the other picture, which has no tags
