"""Smaller copies of an article's picture and a location's photo (carter_site.picture_copies), so
that a phone downloads a picture near the width it draws rather than the one uploaded.

The pictures are real ones made with Pillow, stored in the test's own media folder."""

import io
import logging

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from articles.models import Article
from locations.models import Location
from tests.admin_forms import admin_form_data, article_form_data, change_url
from tests.factories import ArticleFactory, LocationFactory
from tests.images import PRIVATE, phone_photo, photo_bytes
from tests.seo.helpers import parse

pytestmark = pytest.mark.django_db

ALT = "A quiet group room with chairs in a circle"


def with_picture(data, name="group-room.jpg", **fields):
    article = ArticleFactory(hero_image_alt=ALT, **fields)
    article.hero_image.save(name, ContentFile(data))
    return article


def stored(name):
    with default_storage.open(name) as file:
        return file.read()


def opened(name):
    image = Image.open(io.BytesIO(stored(name)))
    image.load()
    return image


def copies_of(name):
    """The names of the copies of the picture `name` in the copies folder beside it."""
    folder, base = name.rsplit("/", 1)
    stem = base.rsplit(".", 1)[0]
    try:
        files = default_storage.listdir(f"{folder}/copies")[1]
    except FileNotFoundError:
        return []
    return sorted(f"{folder}/copies/{file}" for file in files if file.rsplit("-", 1)[0] == stem)


# --- Copies made as a picture is stored


def test_a_large_picture_gets_a_copy_at_each_width_narrower_than_it_each_smaller_in_bytes():
    original = photo_bytes((2400, 1600))
    article = with_picture(original)
    name = article.hero_image.name
    folder, stem = name.rsplit("/", 1)[0], name.rsplit("/", 1)[1].removesuffix(".jpg")

    article.refresh_from_db()
    assert article.hero_image_copy_widths == [480, 800, 1200, 1600]
    assert copies_of(name) == sorted(
        f"{folder}/copies/{stem}-{width}w.jpg" for width in (480, 800, 1200, 1600)
    )
    sizes = []
    for width in (480, 800, 1200, 1600):
        copy_name = f"{folder}/copies/{stem}-{width}w.jpg"
        copy = opened(copy_name)
        assert (copy.format, copy.size) == ("JPEG", (width, round(1600 * width / 2400)))
        assert copy.info.get("progressive") or copy.info.get("progression"), copy_name
        sizes.append(len(stored(copy_name)))
    assert sizes == sorted(sizes) and sizes[-1] < len(stored(name)) < len(original) + 1


def test_a_copy_of_a_phone_photo_is_upright_and_carries_none_of_its_metadata():
    """Stored sideways with a note to turn it, as phones do: the copies are turned, so they look as
    the picture does in a browser and need no note; and nothing private reaches them."""
    data = phone_photo("JPEG", orientation=6, size=(1800, 1000), quality=95)
    article = with_picture(data)
    article.refresh_from_db()
    assert (article.hero_image_width, article.hero_image_height) == (1000, 1800)
    assert article.hero_image_copy_widths == [480, 800]
    for name in copies_of(article.hero_image.name):
        copy = opened(name)
        assert copy.height > copy.width, name
        assert not copy.getexif(), name
        assert not any(secret in stored(name) for secret in PRIVATE), name


@pytest.mark.parametrize("fmt", ["PNG", "WEBP", "GIF"])
def test_a_copy_is_in_the_format_of_its_picture(fmt):
    extension = {"PNG": "png", "WEBP": "webp", "GIF": "gif"}[fmt]
    article = with_picture(photo_bytes((1000, 700), fmt), name=f"walk.{extension}")
    article.refresh_from_db()
    assert article.hero_image_copy_widths == [480, 800]
    for name in copies_of(article.hero_image.name):
        assert name.endswith(f".{extension}") and opened(name).format == fmt
        assert len(stored(name)) < len(stored(article.hero_image.name))


def test_a_picture_with_transparency_keeps_it_in_its_copies():
    article = with_picture(photo_bytes((1000, 700), "PNG", mode="RGBA"), name="logo.png")
    [copy, _] = copies_of(article.hero_image.name)
    assert opened(copy).mode == "RGBA"


def test_a_small_picture_and_an_animation_get_no_copies():
    small = with_picture(photo_bytes((500, 300)))
    frames = [Image.new("RGB", (1200, 800), colour) for colour in ("red", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, "GIF", save_all=True, append_images=frames[1:], duration=200, loop=0)
    animated = with_picture(buffer.getvalue(), name="waves.gif")
    for article in (small, animated):
        article.refresh_from_db()
        assert article.hero_image_copy_widths == []
        assert copies_of(article.hero_image.name) == []


def test_a_photo_uploaded_in_the_admin_gets_its_copies(staff_client):
    location = LocationFactory(name="Jefferson", slug="jefferson")
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(
        photo=SimpleUploadedFile("front.jpg", photo_bytes((1300, 900)), content_type="image/jpeg"),
        photo_alt="The front door",
    )
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (location.photo_width, location.photo_copy_widths) == (1300, [480, 800])
    assert len(copies_of(location.photo.name)) == 2


def test_saving_without_touching_the_picture_keeps_its_copies_and_makes_none(staff_client, monkeypatch):
    article = with_picture(photo_bytes((1000, 700)))
    made = []
    monkeypatch.setattr("carter_site.picture_copies.make_copies", lambda *args: made.append(args) or [])
    url = change_url(article)
    data = admin_form_data(staff_client.get(url))
    data["title"] = "A new title"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.title, article.hero_image_copy_widths, made) == ("A new title", [480, 800], [])


def test_clearing_the_picture_clears_its_copy_widths(staff_client):
    article = with_picture(photo_bytes((1000, 700)))
    url = change_url(article)
    data = admin_form_data(staff_client.get(url))
    data.update({"hero_image-clear": "on", "hero_image_alt": ""})
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article.refresh_from_db()
    assert (article.hero_image.name, article.hero_image_copy_widths) == ("", None)


def test_a_picture_taken_from_another_row_brings_its_copies_and_one_named_in_the_shell_has_none_yet():
    source = with_picture(photo_bytes((1000, 700)))
    article = ArticleFactory(hero_image_alt=ALT)
    article.hero_image = source.hero_image
    article.save()
    named = ArticleFactory(hero_image_alt=ALT, hero_image=source.hero_image.name)
    assert Article.objects.get(pk=article.pk).hero_image_copy_widths == [480, 800]
    assert Article.objects.get(pk=named.pk).hero_image_copy_widths is None


# --- A failure to make copies never loses the save


class FullForCopies(FileSystemStorage):
    """A media folder with room for the pictures, and none left for their copies."""

    def _save(self, name, content):
        if "/copies/" in name:
            raise OSError(28, "No space left on device")
        return super()._save(name, content)


def test_a_full_disk_keeps_the_editors_save_and_shows_the_picture_without_copies(
    staff_client, client, settings, media_root, caplog
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.site.test_picture_copies.FullForCopies",
            "OPTIONS": {"location": media_root},
        },
    }
    data = article_form_data(
        status="published",
        published_at_0="2026-11-01",
        published_at_1="09:00:00",
        hero_image=SimpleUploadedFile("walk.jpg", photo_bytes((1300, 900)), content_type="image/jpeg"),
        hero_image_alt=ALT,
    )
    with caplog.at_level(logging.WARNING, logger="carter_site.picture_copies"):
        response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    article = Article.objects.get()
    assert (article.hero_image_width, article.hero_image_copy_widths) == (1300, None)
    assert default_storage.exists(article.hero_image.name)
    assert f"Smaller copies of the picture {article.hero_image.name} could not be made" in caplog.text
    assert "No space left on device" in caplog.text
    page = client.get(article.get_absolute_url())
    assert page.status_code == 200
    assert f'src="/media/{article.hero_image.name}"' in page.content.decode()
    assert "srcset" not in page.content.decode()


def test_a_damaged_picture_is_stored_and_the_log_says_why_it_has_no_copies(caplog):
    """Saved from the shell (the admin refuses such a file): its size is in its header, and its
    pixels cannot be read."""
    data = bytearray(photo_bytes((1000, 700), "PNG"))
    start = data.index(b"IDAT") + 4
    data[start : start + 2] = b"\x00\x00"  # the compressed pixels' header, wrong
    with caplog.at_level(logging.WARNING, logger="carter_site.picture_copies"):
        article = with_picture(bytes(data), name="walk.png")
    article.refresh_from_db()
    assert (article.hero_image_width, article.hero_image_copy_widths) == (1000, None)
    assert default_storage.exists(article.hero_image.name)
    assert f"Smaller copies of the picture {article.hero_image.name} could not be made" in caplog.text
    assert "broken data stream" in caplog.text


# --- Pages offer the copies


def the_img(response, css_class):
    assert response.status_code == 200
    return parse(response.content.decode()).find(f".//img[@class='{css_class}']")


def test_the_article_page_offers_the_copies_and_the_picture_with_sizes_as_the_css_draws_it(client):
    article = with_picture(photo_bytes((2000, 1333)), name="morning-walk.jpg")
    name = article.hero_image.name
    folder = name.rsplit("/", 1)[0]
    address = f"/media/{folder}/copies/morning-walk"

    image = the_img(client.get(article.get_absolute_url()), "article__hero")

    assert image.get("src") == f"/media/{name}"
    assert image.get("srcset") == (
        f"{address}-480w.jpg 480w, {address}-800w.jpg 800w, {address}-1200w.jpg 1200w, "
        f"{address}-1600w.jpg 1600w, /media/{name} 2000w"
    )
    # .article is 42rem wide with 1rem of padding each side (static/css/site.css).
    assert image.get("sizes") == "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
    assert (image.get("alt"), image.get("width"), image.get("height")) == (ALT, "2000", "1333")
    for candidate in image.get("srcset").split(", "):
        assert default_storage.exists(candidate.split(" ")[0].removeprefix("/media/")), candidate


def test_the_location_page_offers_the_copies_with_sizes_as_the_css_draws_it(client):
    location = LocationFactory(name="Jefferson", slug="jefferson", photo_alt="The front door")
    location.photo.save("front.jpg", ContentFile(photo_bytes((1300, 900))))
    stem = location.photo.name.removesuffix(".jpg")
    folder, base = stem.rsplit("/", 1)

    image = the_img(client.get(location.get_absolute_url()), "location__photo")

    assert image.get("srcset") == (
        f"/media/{folder}/copies/{base}-480w.jpg 480w, /media/{folder}/copies/{base}-800w.jpg 800w, "
        f"/media/{location.photo.name} 1300w"
    )
    # .wrap is 64rem wide with 1rem of padding each side.
    assert image.get("sizes") == "(min-width: 64rem) 62rem, calc(100vw - 2rem)"
    assert (image.get("alt"), image.get("width"), image.get("height")) == ("The front door", "1300", "900")


def test_a_picture_without_copies_is_shown_exactly_as_before(client):
    small = with_picture(photo_bytes((500, 300)), slug="small")
    older = with_picture(photo_bytes((1000, 700)), slug="older")
    Article.objects.filter(pk=older.pk).update(hero_image_copy_widths=None)  # stored before copies
    for article, (width, height) in ((small, (500, 300)), (older, (1000, 700))):
        page = client.get(article.get_absolute_url()).content.decode()
        assert (
            f'<img class="article__hero" src="/media/{article.hero_image.name}" alt="{ALT}" '
            f'width="{width}" height="{height}">'
        ) in page


def test_the_copies_cost_the_article_and_location_pages_no_query(client):
    """The widths are kept with the row the page reads anyway."""
    plain = ArticleFactory(slug="plain")
    pictured = with_picture(photo_bytes((1000, 700)), slug="pictured")
    place = LocationFactory(slug="place")
    photographed = LocationFactory(slug="photographed", photo_alt="The door")
    photographed.photo.save("door.jpg", ContentFile(photo_bytes((1000, 700))))

    for without, with_copies, css_class in (
        (plain, pictured, "article__hero"),
        (place, photographed, "location__photo"),
    ):
        counts = []
        for row in (without, with_copies):
            cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = client.get(row.get_absolute_url())
            counts.append(len(queries))
        assert the_img(response, css_class).get("srcset")
        assert counts[0] == counts[1], css_class


# --- manage.py picture_copies, for pictures stored before copies were made


def stored_before_copies(article):
    """As the upgrade leaves a picture stored before this: no copies, and no widths kept."""
    Article.objects.filter(pk=article.pk).update(hero_image_copy_widths=None)
    for name in copies_of(article.hero_image.name):
        default_storage.delete(name)


def picture_copies():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("picture_copies", stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), str(error)
    return out.getvalue(), err.getvalue(), None


def test_picture_copies_makes_the_copies_of_pictures_stored_before_and_then_has_nothing_to_do(client):
    large = with_picture(photo_bytes((1300, 900)), slug="large")
    small = with_picture(photo_bytes((500, 300)), slug="small")
    location = LocationFactory(slug="door", photo_alt="The door")
    location.photo.save("door.jpg", ContentFile(photo_bytes((1000, 700))))
    for article in (large, small):
        stored_before_copies(article)
    Location.objects.filter(pk=location.pk).update(photo_copy_widths=None)
    shared = ArticleFactory(slug="shared", hero_image_alt=ALT, hero_image=large.hero_image.name)
    Article.objects.filter(pk=shared.pk).update(hero_image_copy_widths=None)

    out, err, failure = picture_copies()

    assert (err, failure) == ("", None)
    assert out.splitlines() == [
        "Article hero image: 2 pictures given smaller copies, 1 picture too small or animated to need them.",
        "Clinician photo: 0 pictures given smaller copies.",
        "Location photo: 1 picture given smaller copies.",
        "Pictures in the text of pages: 0 pictures given smaller copies.",
    ]
    widths = dict(Article.objects.values_list("slug", "hero_image_copy_widths"))
    assert widths == {"large": [480, 800], "small": [], "shared": [480, 800]}
    assert Location.objects.get().photo_copy_widths == [480, 800]
    assert len(copies_of(large.hero_image.name)) == 2
    assert the_img(client.get(large.get_absolute_url()), "article__hero").get("srcset")

    assert picture_copies() == (
        "Article hero image: 0 pictures given smaller copies.\nClinician photo: 0 pictures given smaller copies.\n"
        "Location photo: 0 pictures given smaller copies.\n"
        "Pictures in the text of pages: 0 pictures given smaller copies.\n",
        "",
        None,
    )


def test_picture_copies_names_each_picture_it_cannot_read_and_fails_after_doing_the_rest(caplog):
    missing = with_picture(photo_bytes((1000, 700)), slug="missing")
    damaged = with_picture(photo_bytes((1000, 700)), slug="damaged", name="damaged.jpg")
    fine = with_picture(photo_bytes((1000, 700)), slug="fine", name="fine.jpg")
    for article in (missing, damaged, fine):
        stored_before_copies(article)
    default_storage.delete(missing.hero_image.name)
    with default_storage.open(damaged.hero_image.name, "wb") as file:
        file.write(b"not a picture any more")

    out, err, failure = picture_copies()

    assert out.splitlines()[0] == (
        "Article hero image: 1 picture given smaller copies, 2 pictures could not be read (below; shown at full size)."
    )
    assert sorted(err.splitlines()) == sorted(
        [
            f"{missing.hero_image.name}: the file is missing.",
            f"{damaged.hero_image.name}: the file is not a picture Pillow can read.",
        ]
    )
    assert failure == (
        "2 pictures could not be read, named above: upload each again in the admin, or put the file back, "
        "then run this again."
    )
    widths = dict(Article.objects.values_list("slug", "hero_image_copy_widths"))
    assert widths == {"missing": None, "damaged": None, "fine": [480, 800]}
