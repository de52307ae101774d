"""`manage.py unused_uploads`: uploads nothing shows any more are listed, and deleted on request.

An upload is public at its address whether or not a page shows it. The files here are stored in a
real media folder (the suite gives each test its own) and named the way the editor and the
picture fields name them; the rows that use them are real rows, versions saved by django-reversion.
"""

import io
import json
import logging
import os
import time
from pathlib import Path

import pytest
import reversion
from botocore.config import Config
from ckeditor_uploader.utils import get_thumb_filename
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.contrib.redirects.models import Redirect
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection
from django.template.defaultfilters import filesizeformat
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision, Version

from articles.models import Article
from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
from locations.models import Location
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, UserFactory
from tests.images import photo_bytes, png_bytes
from tests.seo.helpers import parse, text

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def store(name, age_hours=48, thumbnail=False):
    """A file in the media storage as an upload `age_hours` old (and the editor's small copy)."""
    names = [name, get_thumb_filename(name)] if thumbnail else [name]
    for each in names:
        stored = default_storage.save(each, ContentFile(png_bytes()))
        assert stored == each
        then = time.time() - age_hours * 3600
        os.utime(default_storage.path(each), (then, then))
    return name


def exists(name):
    return default_storage.exists(name)


def run(*arguments):
    out = io.StringIO()
    call_command("unused_uploads", *arguments, stdout=out)
    return out.getvalue()


@pytest.fixture
def media(settings):
    """Files in every state, with the rows and versions that use them."""
    settings.CSP_MEDIA_ORIGINS = ["https://media.carter.example"]  # pictures may be shown from there
    files = {
        "in_text": store("editor/2026/11/02/group-room.png", thumbnail=True),
        "in_draft": store("editor/2026/11/03/garden.png"),
        "in_faq_by_domain": store("editor/2026/11/04/front desk.png"),
        "hero": store("articles/2026/11/bench.png"),
        "location_photo": store("locations/2026/11/entrance.png"),
        "in_history": store("editor/2026/11/05/old-sign.png"),
        "replaced_photo": store("locations/2026/10/old-entrance.png"),
        "unused": store("editor/2026/11/06/client-at-intake.png", thumbnail=True),
        "unused_today": store("editor/2026/11/22/just-now.png", age_hours=1),
        "lone_thumbnail": store("editor/2026/11/07/gone_thumb.png"),
    }
    default_storage.save(".cleaning-leftover.png", ContentFile(b"x"))  # hidden: never listed
    ArticleFactory(body='<p>Our room.</p><img src="/media/editor/2026/11/02/group-room.png" alt="The room">')
    ArticleFactory(
        draft=True, body='<p>Soon.</p><img src="/media/editor/2026/11/03/garden.png" alt="The garden">'
    )
    # An address in full, on the media's own domain, its space written as the storage writes it.
    FAQFactory(
        answer='<p><img src="https://media.carter.example/media/editor/2026/11/04/front%20desk.png" alt="x"></p>'
    )
    article = ArticleFactory()
    article.hero_image.name = files["hero"]
    article.hero_image_alt = "A bench"
    article.save()
    location = LocationFactory()
    location.photo.name = files["location_photo"]
    location.photo_alt = "The entrance"
    location.save()
    with reversion.create_revision():
        article.body = '<p>Old.</p><img src="/media/editor/2026/11/05/old-sign.png" alt="The old sign">'
        article.save()
    article.body = "<p>New, without the sign.</p>"
    article.save()
    return files


def test_the_listing_names_what_nothing_uses_and_deletes_nothing(media):
    out = run()
    # Ten files, the editor's small copies of two of them not counted apart.
    assert (
        out.splitlines()[0] == "10 files uploaded: 5 in use, 1 used only by earlier versions, 4 used nowhere."
    )
    unused_block = out.split("Used nowhere:\n", 1)[1].split("Used only by", 1)[0]
    listed = [line.split()[0] for line in unused_block.splitlines()]
    assert listed == sorted(
        [media["replaced_photo"], media["unused"], media["unused_today"], media["lone_thumbnail"]]
    )
    assert f"  {media['in_history']}  " in out.split("Used only by earlier versions", 1)[1]
    assert "Nothing was deleted. Run again with --delete" in out
    assert all(exists(name) for name in media.values())


def test_delete_removes_what_nothing_uses_with_its_small_copy_and_keeps_the_rest(media):
    out = run("--delete")
    gone = {
        media["replaced_photo"],
        media["unused"],
        get_thumb_filename(media["unused"]),
        media["lone_thumbnail"],
    }
    assert not any(exists(name) for name in gone)
    kept = set(media.values()) - gone
    assert all(exists(name) for name in kept)
    assert exists(get_thumb_filename(media["in_text"]))  # the copy of a picture in use stays
    assert "Deleted 3 files (" in out
    assert "Kept 1 file uploaded in the last 24 hours" in out
    # Nothing is left to delete but the recent file and the one in the history.
    again = run("--delete")
    assert "Deleted 0 files" in again and "Kept 1 file" in again


def test_with_history_and_no_waiting_everything_unused_goes(media):
    run("--delete", "--older-than", "0", "--with-history")
    assert not exists(media["in_history"]) and not exists(media["unused_today"])
    in_use = ("in_text", "in_draft", "in_faq_by_domain", "hero", "location_photo")
    assert all(exists(media[key]) for key in in_use)
    out = run()
    assert out.splitlines() == [
        "5 files uploaded: 5 in use, 0 used only by earlier versions, 0 used nowhere."
    ]


def test_a_picture_put_back_in_a_text_is_in_use_again(media):
    FAQFactory(answer=f'<p><img src="/media/{media["unused"]}" alt="x"></p>')
    run("--delete")
    assert exists(media["unused"]) and exists(get_thumb_filename(media["unused"]))


def test_a_picture_an_old_address_leads_to_is_in_use(media):
    Redirect.objects.create(
        site=Site.objects.get_current(), old_path="/our-room/", new_path=f"/media/{media['unused']}"
    )
    assert "1 used only by earlier versions, 3 used nowhere." in run("--delete")
    assert exists(media["unused"])


def test_a_file_in_use_is_never_taken_for_the_small_copy_of_another(media):
    """Only the editor makes small copies, in its folder; a name alone proves nothing."""
    photo = store("locations/2026/11/door_thumb.png")  # a location's photo, so named
    location = LocationFactory(slug="jefferson")
    location.photo.name, location.photo_alt = photo, "The entrance"
    location.save()
    store("locations/2026/11/door.png")  # an old photo, replaced
    in_text = store("editor/2026/11/08/sign_thumb.png")
    FAQFactory(answer=f'<p><img src="/media/{in_text}" alt="Our sign"></p>')
    store("editor/2026/11/08/sign.png")
    run("--delete")
    assert exists(photo) and exists(in_text)
    assert not exists("locations/2026/11/door.png") and not exists("editor/2026/11/08/sign.png")


@pytest.mark.parametrize(
    "written",
    ["/media/./editor/2026/11/06/client-at-intake.png", "/media//editor/2026/11/06/client-at-intake.png",
     "/media/editor/2026/x/../11/06/client-at-intake.png"],
)  # fmt: skip
def test_an_address_written_another_way_to_the_same_file_counts(media, written):
    FAQFactory(answer=f'<p><img src="{written}" alt="x"></p>')
    run("--delete")
    assert exists(media["unused"])


def test_symbolic_links_and_names_that_are_not_text_are_left_alone(media, settings, tmp_path, caplog):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "keep.png").write_bytes(png_bytes())
    (Path(settings.MEDIA_ROOT) / "legacy").symlink_to(outside)
    (Path(settings.MEDIA_ROOT) / "editor" / "linked.png").symlink_to(outside / "keep.png")
    odd = os.path.join(os.fsencode(settings.MEDIA_ROOT), b"editor", b"caf\xe9.png")
    with open(odd, "wb") as file:
        file.write(png_bytes())
    out = run("--delete", "--older-than", "0")
    assert "legacy" not in out and "linked.png" not in out and "caf" not in out
    assert (outside / "keep.png").exists() and os.path.exists(odd)
    assert "has a name that is not UTF-8 text; it is left alone." in caplog.text


def test_with_no_uploads_yet_there_is_nothing_to_do(settings):
    assert not Path(settings.MEDIA_ROOT).exists()
    assert run("--delete") == "0 files uploaded: 0 in use, 0 used only by earlier versions, 0 used nowhere.\n"


def test_a_media_folder_that_cannot_be_read_is_reported_in_a_sentence(settings, staff_client):
    blocker = Path(settings.MEDIA_ROOT)
    blocker.parent.mkdir(parents=True, exist_ok=True)
    blocker.write_text("a file where the media folder should be")
    with pytest.raises(CommandError) as caught:
        run("--delete")
    assert str(caught.value).startswith("The uploaded files could not be read (Not a directory): run this as")
    response = staff_client.get(UPLOADS, follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    [message] = [str(message) for message in response.context["messages"]]
    assert message == (
        "The uploaded pictures could not be read (Not a directory); nothing was deleted. Tell whoever runs the site."
    )


@pytest.mark.parametrize("hours", ["soon", "-1", "nan", "876000.5", "99999999999999"])
def test_a_wrong_number_of_hours_is_refused_with_a_sentence(media, hours):
    with pytest.raises(CommandError) as caught:
        call_command("unused_uploads", "--delete", "--older-than", hours)
    assert str(caught.value) == (
        f"Error: argument --older-than: must be a number of hours from 0 to 876000, not {hours!r}"
    )
    assert all(exists(name) for name in media.values())


# The admin's "Uploaded pictures" page, for editors who cannot run commands.

UPLOADS = reverse("admin:uploads")


def signed_in(client, role):
    user = UserFactory(username=f"member-{role}", is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    client.force_login(user)
    return client


def test_editors_find_the_page_on_the_admin_index_and_reviewers_neither_see_nor_open_it(client, media):
    editor = signed_in(client, MARKETING_EDITORS)
    assert f'href="{UPLOADS}"' in editor.get(reverse("admin:index")).content.decode()
    assert editor.get(UPLOADS).status_code == 200
    reviewer = signed_in(Client(), CLINICAL_REVIEWERS)
    assert f'href="{UPLOADS}"' not in reviewer.get(reverse("admin:index")).content.decode()
    assert reviewer.get(UPLOADS).status_code == 403
    assert reviewer.post(UPLOADS, {"name": media["unused"], "confirmed": "yes"}).status_code == 403
    assert exists(media["unused"])
    anonymous = Client().get(UPLOADS)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("admin:login"))


def test_the_page_sorts_the_uploads_and_says_where_each_is_used(staff_client, media):
    page = parse(staff_client.get(UPLOADS).content.decode())

    def section(name):
        return page.find(f".//section[@id='uploads-{name}']")

    def names(name):
        return [text(cell) for cell in section(name).iterfind(".//td[@class='name']")]

    assert names("unused") == sorted(
        [media["replaced_photo"], media["unused"], media["unused_today"], media["lone_thumbnail"]]
    )
    assert names("history") == [media["in_history"]]
    assert sorted(names("in-use")) == sorted(
        media[key] for key in ("in_text", "in_draft", "in_faq_by_domain", "hero", "location_photo")
    )
    boxes = page.find(".//form[@id='uploads-form']").iterfind(".//input[@type='checkbox']")
    assert sorted(box.get("value") for box in boxes) == sorted(names("unused") + names("history"))
    article = Article.objects.get(body="<p>New, without the sign.</p>")
    [history] = section("history").iterfind(".//ul/li/a")
    assert text(history) == f"Article “{article.title}”: an earlier version"
    assert history.get("href") == reverse("admin:articles_article_history", args=[article.pk])
    [photo_row] = [
        row for row in section("in-use").iterfind(".//tbody/tr") if media["location_photo"] in text(row)
    ]
    location = Location.objects.get(photo=media["location_photo"])
    assert photo_row.find(".//ul/li/a").get("href") == reverse(
        "admin:locations_location_change", args=[location.pk]
    )


def test_deleting_asks_first_then_deletes_the_picture_with_its_small_copy(staff_client, media, caplog):
    caplog.set_level(logging.INFO, logger="carter_site.uploads_admin")
    chosen = [media["unused"], media["in_history"]]
    confirmation = staff_client.post(UPLOADS, {"name": chosen})
    assert confirmation.status_code == 200
    text = confirmation.content.decode()
    assert "These 2 pictures are deleted for good" in text and "Restoring an earlier version" in text
    assert all(exists(name) for name in chosen)
    done = staff_client.post(UPLOADS, {"name": chosen, "confirmed": "yes"}, follow=True)
    assert [str(message) for message in done.context["messages"]][-1].startswith("Deleted 2 pictures (")
    assert not any(exists(name) for name in [*chosen, get_thumb_filename(media["unused"])])
    assert f"editor deleted the uploads {media['unused']}, {media['in_history']}" in caplog.text
    assert all(exists(media[key]) for key in ("in_text", "hero", "location_photo", "replaced_photo"))


def test_a_picture_in_use_or_not_uploaded_is_never_deleted_whatever_is_posted(staff_client, media, settings):
    outside = Path(settings.MEDIA_ROOT).parent / "outside.png"
    outside.write_bytes(png_bytes())
    posted = [media["in_text"], get_thumb_filename(media["in_text"]), "../outside.png", "editor/nothing.png"]
    done = staff_client.post(UPLOADS, {"name": posted, "confirmed": "yes"}, follow=True)
    assert done.status_code == 200
    messages = [str(message) for message in done.context["messages"]]
    assert messages[0].startswith(f"{media['in_text']} was kept: it is used now (Article “")
    assert messages[1:] == [
        f"{get_thumb_filename(media['in_text'])} is the editor's small copy of {media['in_text']}, and goes with it.",
        "../outside.png is not among the uploads (deleted already?).",
        "editor/nothing.png is not among the uploads (deleted already?).",
    ]
    assert exists(media["in_text"]) and exists(get_thumb_filename(media["in_text"])) and outside.exists()


def test_the_confirmation_names_pictures_uploaded_in_the_last_day(staff_client, media):
    page = staff_client.post(UPLOADS, {"name": [media["unused"], media["unused_today"]]}).content.decode()
    assert (
        f"<strong>Uploaded in the last day:</strong> {media['unused_today']}. A picture this recent" in page
    )
    assert exists(media["unused_today"])


def test_a_bucket_that_cannot_be_reached_is_reported_in_a_sentence(settings, staff_client):
    """A real S3 client, sent to an address where nothing listens: its errors are not OSErrors."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "carter_site.storage.MediaBucketStorage",
            "OPTIONS": {
                "bucket_name": "carter-media",
                "endpoint_url": "http://127.0.0.1:9",
                "access_key": "an-access-key",
                "secret_key": "a-secret-key",
                "region_name": "us-east-1",
                "client_config": Config(connect_timeout=1, retries={"max_attempts": 1}),
            },
        },
    }
    with pytest.raises(CommandError) as caught:
        run()
    assert str(caught.value).startswith(
        "The uploaded files could not be read (Could not connect to the endpoint URL"
    )
    response = staff_client.get(UPLOADS, follow=True)
    assert response.redirect_chain == [(reverse("admin:index"), 302)]
    [message] = [str(message) for message in response.context["messages"]]
    assert message.startswith(
        "The uploaded pictures could not be read (Could not connect to the endpoint URL"
    )


def test_a_picture_put_to_use_before_the_deletion_is_confirmed_is_kept(staff_client, media):
    staff_client.post(UPLOADS, {"name": [media["unused"]]})  # the confirmation page
    FAQFactory(answer=f'<p><img src="/media/{media["unused"]}" alt="x"></p>')
    done = staff_client.post(UPLOADS, {"name": [media["unused"]], "confirmed": "yes"}, follow=True)
    [message] = [str(message) for message in done.context["messages"]]
    assert message.startswith(f"{media['unused']} was kept: it is used now (FAQ “")
    assert exists(media["unused"])


def test_deleting_nothing_chosen_says_what_to_do(staff_client, media):
    done = staff_client.post(UPLOADS, {}, follow=True)
    assert [str(message) for message in done.context["messages"]] == [
        "Choose the pictures to delete first: tick the box beside each."
    ]


def queries_of_the_page(client, pictures):
    for number in range(pictures):
        name = store(f"editor/2026/11/10/room-{pictures}-{number}.png")
        ArticleFactory(body=f'<p>A room.</p><img src="/media/{name}" alt="A room">')
        FAQFactory(answer=f'<p><img src="/media/{name}" alt="A room"></p>')
    with CaptureQueriesContext(connection) as queries:
        assert client.get(UPLOADS).status_code == 200
    return len(queries)


def test_the_page_asks_the_same_number_of_queries_for_few_pictures_or_many(staff_client):
    few = queries_of_the_page(staff_client, 2)
    assert queries_of_the_page(staff_client, 12) == few


def test_a_version_whose_id_is_no_longer_a_key_reads_as_deleted(staff_client, media):
    """A row of a model whose primary key changed type since its version was saved."""
    revision = Revision.objects.create(date_created=timezone.now())
    Version.objects.create(
        revision=revision,
        object_id="not-a-number",
        content_type=ContentType.objects.get_for_model(Article),
        db="default",
        format="json",
        serialized_data=json.dumps(
            [
                {
                    "model": "articles.article",
                    "pk": "x",
                    "fields": {"body": f'<img src="/media/{media["unused"]}">'},
                }
            ]
        ),
        object_repr="An old article",
    )
    page = staff_client.get(UPLOADS).content.decode()
    assert "Article no. not-a-number, deleted: an earlier version" in page


# --- The smaller copies of a picture field's pictures (carter_site.picture_copies)


def copies(name, widths=(480, 800)):
    folder, base = name.rsplit("/", 1)
    stem, extension = base.rsplit(".", 1)
    return [f"{folder}/copies/{stem}-{width}w.{extension}" for width in widths]


@pytest.fixture
def pictures():
    """Pictures with their copies: one in use, one replaced, one only in an earlier version, and a
    copy whose picture is gone."""
    article = ArticleFactory(slug="walk", hero_image_alt="A morning walk")
    with reversion.create_revision():
        article.hero_image.save("walk.jpg", ContentFile(photo_bytes((1000, 700))))
    earlier = article.hero_image.name
    article.hero_image.save("walk-again.jpg", ContentFile(photo_bytes((1000, 700))))
    location = LocationFactory(photo_alt="The door")
    location.photo.save("old-door.jpg", ContentFile(photo_bytes((1000, 700))))
    replaced = location.photo.name
    location.photo.save("door.jpg", ContentFile(photo_bytes((1000, 700))))
    lone = default_storage.save(
        "locations/2026/01/copies/gone-480w.jpg", ContentFile(photo_bytes((480, 300)))
    )
    files = {
        "in_use": article.hero_image.name,
        "photo": location.photo.name,
        "replaced": replaced,
        "earlier": earlier,
        "lone": lone,
    }
    assert all(
        exists(copy) for key in ("in_use", "photo", "replaced", "earlier") for copy in copies(files[key])
    )
    return files


def test_a_pictures_copies_are_never_listed_apart_from_it_and_count_in_its_size(pictures):
    out = run()
    assert (
        out.splitlines()[0] == "5 files uploaded: 2 in use, 1 used only by earlier versions, 2 used nowhere."
    )
    assert "/copies/" not in out.replace(pictures["lone"], "")
    unused_block = out.split("Used nowhere:\n", 1)[1].split("Used only by", 1)[0]
    assert [line.split()[0] for line in unused_block.splitlines()] == sorted(
        [pictures["lone"], pictures["replaced"]]
    )
    replaced_size = sum(
        default_storage.size(name) for name in [pictures["replaced"], *copies(pictures["replaced"])]
    )
    [line] = [line for line in unused_block.splitlines() if pictures["replaced"] in line]
    assert f"  {filesizeformat(replaced_size)}, uploaded" in line


def test_deleting_a_picture_deletes_its_copies_and_keeps_those_of_pictures_in_use_or_in_history(
    pictures, client
):
    out = run("--delete", "--older-than", "0")
    assert "Deleted 2 files (" in out
    assert not any(
        exists(name) for name in [pictures["replaced"], *copies(pictures["replaced"]), pictures["lone"]]
    )
    for key in ("in_use", "photo", "earlier"):
        assert all(exists(name) for name in [pictures[key], *copies(pictures[key])]), key

    # Restoring the earlier version shows its picture with its copies again.
    article = Article.objects.get(slug="walk")
    Version.objects.get_for_object(article).last().revert()
    page = client.get(article.get_absolute_url()).content.decode()
    srcset = parse(page).find(".//img[@class='article__hero']").get("srcset")
    small, medium = copies(pictures["earlier"])
    assert srcset == f"/media/{small} 480w, /media/{medium} 800w, /media/{pictures['earlier']} 1000w"


def test_with_history_an_earlier_versions_picture_goes_with_its_copies(pictures):
    run("--delete", "--older-than", "0", "--with-history")
    assert not any(exists(name) for name in [pictures["earlier"], *copies(pictures["earlier"])])
    assert all(exists(name) for name in [pictures["in_use"], *copies(pictures["in_use"])])


def test_the_uploads_page_shows_a_picture_by_its_smallest_copy_and_never_lists_copies(staff_client, pictures):
    page = parse(staff_client.get(UPLOADS).content.decode())
    listed = [text(cell) for cell in page.iterfind(".//td[@class='name']")]
    assert sorted(listed) == sorted(pictures.values())
    previews = [image.get("src") for image in page.iterfind(".//img")]
    assert f"/media/{copies(pictures['in_use'])[0]}" in previews
    assert f"/media/{pictures['in_use']}" not in previews

    copy = copies(pictures["replaced"])[1]
    response = staff_client.post(UPLOADS, {"name": [copy]}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        f"{copy} is a smaller copy for phones of {pictures['replaced']}, and goes with it."
    ]
    assert exists(copy)


def test_cleaning_metadata_leaves_the_copies_as_they_are(pictures):
    made = {
        name: default_storage.open(name).read()
        for key in ("in_use", "photo")
        for name in copies(pictures[key])
    }
    out = io.StringIO()
    call_command("strip_image_metadata", stdout=out, stderr=out)
    assert "/copies/" not in out.getvalue(), out.getvalue()
    assert all(default_storage.open(name).read() == data for name, data in made.items())


def test_the_page_dates_each_file_as_the_rest_of_the_admin_does(client, media):
    """ "Nov. 24, 2026, 7:30 a.m.", as every list of the admin writes a moment, not "24 Nov 2026, 07:30"."""
    from django.utils import timezone
    from django.utils.formats import date_format

    html = signed_in(client, MARKETING_EDITORS).get(UPLOADS).content.decode()
    modified = timezone.localtime(default_storage.get_modified_time(media["unused"]))
    assert f"<td>{date_format(modified, 'DATETIME_FORMAT')}</td>" in html
