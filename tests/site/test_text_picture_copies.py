"""Smaller copies of the pictures editors put into rich text through the editor's Upload tab, so
that a phone downloads one near the width the text draws it rather than the photo uploaded.

The pictures are real ones made with Pillow, uploaded through the editor's upload view into the
test's own media folder."""

import io
import json
import logging
import os

import pytest
from ckeditor_uploader.utils import storage as editor_storage
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import empty
from PIL import Image

from carter_site.richtext import sanitise_html
from tests.factories import ArticleFactory, FAQFactory
from tests.images import photo_bytes, png_bytes
from tests.seo.helpers import parse
from tests.site.test_picture_copies import copies_of, picture_copies

pytestmark = pytest.mark.django_db

UPLOAD = reverse("ckeditor_upload")
SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def recorded_pictures():
    """What the site knows of the pictures uploaded in the editor (imported here, so that each
    test says for itself what a release without these records does)."""
    from carter_site.models import EditorPicture

    return EditorPicture.objects


def upload(client, data, name="evening group.jpg"):
    """Upload a picture as the editor's Upload tab does; its stored name."""
    response = client.post(UPLOAD, {"upload": SimpleUploadedFile(name, data)})
    answer = json.loads(response.content)
    assert answer["uploaded"] == "1", answer
    return answer["url"].removeprefix("/media/")


def stored_as_before(name, data):
    """A picture the editor stored before copies were made: the file, and no record of it."""
    return default_storage.save(name, ContentFile(data))


def in_text(name, alt="The group room", width=None):
    size = f' width="{width}" height="{round(width * 2 / 3)}"' if width else ""
    return f'<p><img src="/media/{name}" alt="{alt}"{size}></p>'


def pictures_on(client, article):
    """The <img> elements of an article's text, as a visitor gets the page."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return parse(response.content.decode()).findall(".//div[@class='rich-text']//img")


# --- Copies made as the editor stores a picture


def test_a_photo_uploaded_in_the_editor_gets_its_copies_and_a_record_of_their_widths(staff_client):
    name = upload(staff_client, photo_bytes((1300, 900)))

    assert name.startswith("editor/")
    copies = copies_of(name)
    assert [copy.rsplit("/", 1)[1] for copy in copies] == ["evening-group-480w.jpg", "evening-group-800w.jpg"]
    for copy, width in zip(copies, (480, 800), strict=True):
        with default_storage.open(copy) as file:
            image = Image.open(io.BytesIO(file.read()))
            assert (image.format, image.width) == ("JPEG", width)
        assert default_storage.size(copy) < default_storage.size(name)
    picture = recorded_pictures().get()
    assert (picture.name, picture.width, picture.copy_widths) == (name, 1300, [480, 800])
    # The editor's own thumbnail for its browse window is still made.
    assert default_storage.exists(name.replace(".jpg", "_thumb.jpg"))


def test_a_picture_too_small_for_copies_is_recorded_with_none(staff_client):
    name = upload(staff_client, png_bytes((300, 200)), name="map.png")
    assert copies_of(name) == []
    assert recorded_pictures().get().copy_widths == []


def test_the_browse_window_lists_the_picture_and_not_its_copies(staff_client):
    name = upload(staff_client, photo_bytes((1300, 900)))
    assert len(copies_of(name)) == 2
    response = staff_client.get(reverse("ckeditor_browse"))
    assert response.status_code == 200
    assert [file["src"] for file in response.context["files"]] == [f"/media/{name}"]


def test_a_full_disk_keeps_the_upload_and_the_picture_shows_at_full_size(
    staff_client, client, settings, media_root, caplog, monkeypatch
):
    # The editor keeps a handle of its own on the storage: emptied first, so that what it held
    # before the test is what it gets back after.
    monkeypatch.setattr(editor_storage, "_wrapped", empty)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "tests.site.test_picture_copies.FullForCopies",
            "OPTIONS": {"location": media_root},
        },
    }
    editor_storage._wrapped = empty  # whatever took it while the settings changed
    with caplog.at_level(logging.WARNING, logger="carter_site.picture_copies"):
        name = upload(staff_client, photo_bytes((1300, 900)))
    assert default_storage.exists(name)
    assert f"Smaller copies of the picture {name} could not be made" in caplog.text
    assert "No space left on device" in caplog.text
    picture = recorded_pictures().get()
    assert (picture.width, picture.copy_widths) == (1300, None)
    article = ArticleFactory(body=in_text(name))
    [img] = pictures_on(client, article)
    assert img.get("src") == f"/media/{name}"
    assert img.get("srcset") is None


def test_an_upload_under_the_name_of_a_deleted_picture_replaces_its_record(staff_client):
    """Deleted pictures free their names: the record describes the picture stored now."""
    from carter_site.editor_uploads import record_picture

    record_picture(default_storage, "editor/2026/11/24/walk.jpg", photo_bytes((2000, 1300)))
    record_picture(default_storage, "editor/2026/11/24/walk.jpg", photo_bytes((600, 400)))
    picture = recorded_pictures().get()
    assert (picture.width, picture.copy_widths) == (600, [480])


# --- Pages offer the copies


def test_a_picture_uploaded_in_the_editor_is_offered_with_its_copies_and_sizes_as_the_css_draws_it(
    staff_client, client
):
    name = upload(staff_client, photo_bytes((1300, 900)))
    stem = name.removesuffix(".jpg").rsplit("/", 1)
    article = ArticleFactory(body=in_text(name, width=1300))

    [img] = pictures_on(client, article)

    assert img.get("src") == f"/media/{name}"
    assert img.get("srcset") == (
        f"/media/{stem[0]}/copies/{stem[1]}-480w.jpg 480w, /media/{stem[0]}/copies/{stem[1]}-800w.jpg 800w, "
        f"/media/{name} 1300w"
    )
    # .rich-text is at most 42rem wide, inside 1rem of padding on each side (static/css/site.css).
    assert img.get("sizes") == SIZES
    assert (img.get("loading"), img.get("decoding"), img.get("alt")) == ("lazy", "async", "The group room")


def test_a_picture_the_editor_made_narrower_than_the_column_says_so_in_sizes(staff_client, client):
    name = upload(staff_client, photo_bytes((1300, 900)))
    article = ArticleFactory(body=in_text(name, width=300))
    [img] = pictures_on(client, article)
    assert img.get("srcset")
    assert img.get("sizes") == "(min-width: 332px) 300px, calc(100vw - 2rem)"


def test_a_picture_in_an_faq_answer_is_offered_with_its_copies_too(staff_client, client):
    name = upload(staff_client, photo_bytes((1300, 900)))
    faq = FAQFactory(answer=f"<p>Our room:</p>{in_text(name)}")
    response = client.get(reverse("faqs:list"))
    assert response.status_code == 200, faq
    [img] = parse(response.content.decode()).findall(".//div[@class='faq__answer rich-text']//img")
    assert img.get("srcset", "").endswith(f"/media/{name} 1300w")


def test_only_recorded_uploads_of_the_editor_get_a_srcset(staff_client, client):
    """A picture stored before copies were made, one outside the editor's folder, and one whose
    file nobody recorded are shown as they were."""
    recorded = upload(staff_client, photo_bytes((1300, 900)))
    unrecorded = stored_as_before("editor/2025/01/02/old.jpg", photo_bytes((1300, 900)))
    elsewhere = stored_as_before("articles/2026/11/walk.jpg", photo_bytes((1300, 900)))
    article = ArticleFactory(
        body=in_text(recorded)
        + in_text(unrecorded, alt="Old")
        + in_text(elsewhere, alt="Elsewhere")
        + in_text("editor/2026/11/24/missing.jpg", alt="Missing")
        + '<p><img src="/static/img/logo.png" alt="Logo"></p>'
    )
    srcsets = {img.get("alt"): img.get("srcset") for img in pictures_on(client, article)}
    assert srcsets.pop("The group room")
    assert srcsets == {"Old": None, "Elsewhere": None, "Missing": None, "Logo": None}


def test_a_srcset_or_sizes_typed_by_an_editor_never_reaches_the_page(staff_client, client):
    name = upload(staff_client, photo_bytes((1300, 900)))
    typed = (
        f'<p><img src="/media/{name}" srcset="https://elsewhere.example/track.gif 9000w" '
        'sizes="1px" alt="The group room"></p>'
        '<p><img src="/media/editor/x.png" srcset="https://elsewhere.example/y.gif 1w" alt="Other"></p>'
    )
    assert "srcset" not in sanitise_html(typed) and "sizes" not in sanitise_html(typed)
    article = ArticleFactory(body=typed)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "elsewhere.example" not in page
    assert 'sizes="1px"' not in page
    srcsets = {img.get("alt"): img.get("srcset") for img in pictures_on(client, article)}
    assert srcsets["The group room"].startswith(f"/media/{name.rsplit('/', 1)[0]}/copies/")
    assert srcsets["Other"] is None


def test_the_copies_cost_no_query_per_picture_nor_per_text(staff_client, client, settings):
    """The widths of every copied upload are loaded once per content version (and process), for
    every text of every page: several pictures cost what one costs, and pages rendered after the
    first cost none."""
    settings.PAGE_CACHE_ENABLED = False
    names = [upload(staff_client, photo_bytes((1300, 900)), name=f"room {n}.jpg") for n in range(5)]
    one = ArticleFactory(slug="one", body=in_text(names[0]))
    several = ArticleFactory(slug="several", body="".join(in_text(name) for name in names))
    none = ArticleFactory(slug="none", body="<p>No pictures.</p>")

    for article in (one, several, none):
        client.get(article.get_absolute_url())  # the site-wide data, once per version
    counts = {}
    for article in (one, several, none):
        with CaptureQueriesContext(connection) as queries:
            pictures = pictures_on(client, article)
        counts[article.slug] = len(queries)
        assert all(img.get("srcset") for img in pictures)
    assert len(pictures_on(client, several)) == 5
    assert counts["one"] == counts["several"] == counts["none"], counts

    # After a content change, the first page with such pictures loads them all in one query.
    ArticleFactory(slug="another")
    cache.clear()
    with CaptureQueriesContext(connection) as first:
        assert all(img.get("srcset") for img in pictures_on(client, several))
    with CaptureQueriesContext(connection) as next_one:
        pictures_on(client, several)
    picture_queries = [q["sql"] for q in first.captured_queries if "editorpicture" in q["sql"]]
    assert len(picture_queries) == 1, picture_queries
    assert not [q for q in next_one.captured_queries if "editorpicture" in q["sql"]]


# --- manage.py picture_copies, for pictures put into texts before copies were made


TEXT_LINE = "Pictures in the text of pages: {}."


def test_picture_copies_makes_the_copies_of_pictures_already_in_texts_and_the_pages_offer_them(client):
    in_article = stored_as_before("editor/2025/03/04/walk.jpg", photo_bytes((1300, 900)))
    in_answer = stored_as_before("editor/2025/03/04/door.png", photo_bytes((1000, 700), "PNG"))
    small = stored_as_before("editor/2025/03/04/icon.png", png_bytes((200, 200)))
    unused = stored_as_before("editor/2025/03/04/unused.jpg", photo_bytes((1300, 900)))
    article = ArticleFactory(body=in_text(in_article) + in_text(small, alt="Icon"))
    FAQFactory(answer=in_text(in_answer))
    assert pictures_on(client, article)[0].get("srcset") is None

    out, err, failure = picture_copies()

    assert (err, failure) == ("", None)
    assert out.splitlines()[-1] == TEXT_LINE.format(
        "2 pictures given smaller copies, 1 picture too small or animated to need them"
    )
    recorded = {picture.name: picture.copy_widths for picture in recorded_pictures().all()}
    assert recorded == {in_article: [480, 800], in_answer: [480, 800], small: []}
    assert len(copies_of(in_article)) == len(copies_of(in_answer)) == 2
    assert copies_of(unused) == []
    # The cached page is not kept: the copies show at once.
    [walk, icon] = pictures_on(client, article)
    assert walk.get("srcset").endswith(f"/media/{in_article} 1300w")
    assert icon.get("srcset") is None

    out, err, failure = picture_copies()
    assert (out.splitlines()[-1], err, failure) == (
        TEXT_LINE.format("0 pictures given smaller copies"),
        "",
        None,
    )


def test_picture_copies_retries_an_upload_whose_copies_failed_and_forgets_one_gone(staff_client):
    failed = upload(staff_client, photo_bytes((1300, 900)))
    recorded_pictures().filter(name=failed).update(copy_widths=None)
    for copy in copies_of(failed):
        default_storage.delete(copy)
    recorded_pictures().create(name="editor/2025/01/01/gone.jpg", width=None, copy_widths=None)

    out, err, failure = picture_copies()

    assert (err, failure) == ("", None)
    assert out.splitlines()[-1] == TEXT_LINE.format("1 picture given smaller copies")
    assert dict(recorded_pictures().values_list("name", "copy_widths")) == {failed: [480, 800]}


def test_picture_copies_names_a_picture_in_a_text_it_cannot_read_and_fails_after_doing_the_rest():
    fine = stored_as_before("editor/2025/03/04/fine.jpg", photo_bytes((1300, 900)))
    damaged = stored_as_before("editor/2025/03/04/damaged.jpg", b"not a picture any more")
    ArticleFactory(
        body=in_text(fine)
        + in_text(damaged, alt="Damaged")
        + in_text("editor/2025/03/04/gone.jpg", alt="Gone")
    )

    out, err, failure = picture_copies()

    assert out.splitlines()[-1] == TEXT_LINE.format(
        "1 picture given smaller copies, 2 pictures could not be read (below; shown at full size)"
    )
    assert sorted(err.splitlines()) == [
        "editor/2025/03/04/damaged.jpg: the file is not a picture Pillow can read.",
        "editor/2025/03/04/gone.jpg: the file is missing.",
    ]
    assert failure.startswith("2 pictures could not be read, named above")
    assert dict(recorded_pictures().values_list("name", "copy_widths")) == {fine: [480, 800]}


# --- Housekeeping: the copies go with their picture


def unused_uploads(*args):
    out = io.StringIO()
    call_command("unused_uploads", *args, stdout=out)
    return out.getvalue()


def test_the_copies_of_a_picture_in_a_text_are_used_with_it_and_not_listed_apart(staff_client):
    used = upload(staff_client, photo_bytes((1300, 900)), name="used.jpg")
    ArticleFactory(body=in_text(used))
    listing = unused_uploads()
    assert "copies/" not in listing
    response = staff_client.get(reverse("admin:uploads"))
    assert response.status_code == 200
    listed = [
        row["file"].name for part in ("unused", "only_in_history", "in_use") for row in response.context[part]
    ]
    assert listed == [used]
    assert len(copies_of(used)) == 2


def test_deleting_an_unused_picture_from_a_text_deletes_its_copies_and_its_record(staff_client):
    used = upload(staff_client, photo_bytes((1300, 900)), name="used.jpg")
    unused = upload(staff_client, photo_bytes((1300, 900)), name="unused.jpg")
    ArticleFactory(body=in_text(used))

    unused_uploads("--delete", "--older-than", "0")

    assert not default_storage.exists(unused)
    assert copies_of(unused) == []
    assert list(recorded_pictures().values_list("name", flat=True)) == [used]
    assert default_storage.exists(used) and len(copies_of(used)) == 2


@pytest.mark.parametrize(
    "name",
    [
        "editor/2026/11/24/walk.jpg",
        "editor/2026/11/24/a, b & c.png",
        "editor/x/ça va.v2.webp",
        "editor/x/%20.gif",
    ],
)
@pytest.mark.parametrize("base_url", ["/media/", "https://media.carter.example/uploads/"])
def test_a_copys_address_in_srcset_is_the_one_the_storage_gives_it(name, base_url, tmp_path):
    """The addresses of the copies are made from the picture's own: they must be the storage's."""
    from django.core.files.storage import FileSystemStorage

    from carter_site.picture_copies import copy_name, srcset

    storage = FileSystemStorage(location=tmp_path, base_url=base_url)
    expected = [f"{storage.url(copy_name(name, width))} {width}w" for width in (480, 800, 1200)]
    assert srcset(storage, name, 1300, [480, 800, 1200, 1600]) == ", ".join(
        [*expected, f"{storage.url(name)} 1300w"]
    )


def test_a_picture_named_with_runs_of_spaces_keeps_its_name_and_its_copies(client):
    """A file put into the editor's folder by hand keeps whatever name it has: the record names it
    exactly as stored (content's plain-text cleaning would make it another name)."""
    from carter_site.editor_uploads import record_picture

    data = photo_bytes((1300, 900))
    name = stored_as_before("editor/2025/03/04/group  room\u200b.jpg", data)
    record_picture(default_storage, name, data)
    assert recorded_pictures().get().name == name
    article = ArticleFactory(body=f'<p><img src="{default_storage.url(name)}" alt="The group room"></p>')
    [img] = pictures_on(client, article)
    assert img.get("srcset", "").endswith(f"{default_storage.url(name)} 1300w")
    assert picture_copies()[1:] == ("", None)
    assert recorded_pictures().count() == 1


def test_a_file_whose_name_is_not_text_is_left_out_of_the_browse_window_and_logged(
    staff_client, media_root, settings, caplog
):
    """Copied into the uploads folder by hand from a machine that names files in Latin-1, a file
    has a name that is no text, and so no address: the window listed nothing and answered 500."""
    name = upload(staff_client, photo_bytes((1300, 900)))
    folder = os.fsencode(media_root / os.path.dirname(name))
    (media_root / os.path.dirname(name) / "plain.png").write_bytes(png_bytes())
    with open(os.path.join(folder, b"caf\xe9-room.png"), "wb") as copied:
        copied.write(png_bytes())
    with caplog.at_level(logging.WARNING, logger="carter_site.editor_uploads"):
        response = staff_client.get(reverse("ckeditor_browse"))
    assert response.status_code == 200
    assert sorted(file["src"] for file in response.context["files"]) == [
        f"/media/{name}",
        f"/media/{os.path.dirname(name)}/plain.png",
    ]
    assert [record.event for record in caplog.records] == ["unreadable_upload_names"]
    assert caplog.records[0].files == 1
