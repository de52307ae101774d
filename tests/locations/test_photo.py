"""A location's photo: uploaded in the admin with its description, shown on the location's
page, shared with its page and described in its structured data."""

import importlib
import json

import pytest
import reversion
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from locations.models import Location
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, LocationFactory
from tests.images import png_bytes
from tests.seo.helpers import json_ld, one_of_type, parse

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
ALT = "The front door of the Jefferson office, with a ramp beside the steps"


def with_photo(**fields):
    location = LocationFactory(name="Jefferson", slug="jefferson", photo_alt=ALT, **fields)
    location.photo.save("front.png", ContentFile(png_bytes((800, 600))))
    return location


def the_photo(response):
    return parse(response.content.decode()).find(".//img[@class='location__photo']")


def test_the_photo_is_shown_with_its_description_and_size(client):
    location = with_photo()
    response = client.get(location.get_absolute_url())
    image = the_photo(response)
    assert image is not None
    assert image.get("src") == location.photo.url
    assert image.get("alt") == ALT
    assert (image.get("width"), image.get("height")) == ("800", "600")


def test_a_page_shared_elsewhere_shows_the_photo(client):
    location = with_photo()
    page = parse(client.get(location.get_absolute_url()).content.decode())
    metas = {node.get("property"): node.get("content") for node in page.iter("meta")}
    assert metas["og:image"] == ORIGIN + location.photo.url
    assert metas["og:image:alt"] == ALT


def test_the_clinic_in_the_structured_data_has_the_photo_the_page_shows(client):
    location = with_photo()
    graph = json_ld(client.get(location.get_absolute_url()))
    clinic = one_of_type(graph, "MedicalClinic")
    image = next(node for node in graph if node["@id"] == clinic["image"]["@id"])
    assert image["@type"] == "ImageObject"
    assert image["contentUrl"] == ORIGIN + location.photo.url
    assert (image["width"], image["height"]) == (800, 600)
    assert image["caption"] == ALT


def test_without_a_photo_there_is_no_picture_and_no_image_in_the_markup(client):
    location = LocationFactory(name="Atlanta", slug="atlanta")
    response = client.get(location.get_absolute_url())
    assert the_photo(response) is None
    assert "image" not in one_of_type(json_ld(response), "MedicalClinic")


def test_a_photo_without_a_description_is_refused_and_nothing_is_saved(staff_client, media_root):
    location = LocationFactory(summary="Evening groups near the square.")
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(
        photo=SimpleUploadedFile("front.png", png_bytes((400, 300)), content_type="image/png"),
        photo_alt="  ",
        summary="A summary that must not be saved without the photo's description.",
    )
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo_alt"] == [
        "Describe the photo for people who cannot see it (required with a photo)."
    ]
    location.refresh_from_db()
    assert not location.photo
    assert location.summary == "Evening groups near the square."


def test_a_photo_with_its_description_is_saved_from_the_admin(staff_client, client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(
        photo=SimpleUploadedFile("front.png", png_bytes((400, 300)), content_type="image/png"),
        photo_alt=ALT,
    )
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert location.photo.name.startswith("locations/")
    assert the_photo(client.get(location.get_absolute_url())).get("alt") == ALT


def test_a_file_that_is_not_a_picture_is_refused(staff_client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(
        photo=SimpleUploadedFile("front.png", b"<html>not a picture</html>", content_type="image/png"),
        photo_alt=ALT,
    )
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["photo"]
    # Refused, so not asked for again as a picture that was fine.
    assert errors and not [error for error in errors if "again before saving" in error]
    location.refresh_from_db()
    assert not location.photo


def test_the_database_refuses_a_photo_without_a_description():
    location = with_photo()
    Location.objects.filter(pk=location.pk).update(photo_alt="x")
    with pytest.raises(IntegrityError), transaction.atomic():
        Location.objects.filter(pk=location.pk).update(photo_alt="")


def test_versions_with_and_without_the_photo_compare_and_restore(staff_client, client):
    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    assert staff_client.post(change_url(location), data).status_code == 302  # a version without
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(photo=SimpleUploadedFile("front.png", png_bytes((400, 300))), photo_alt=ALT)
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context["adminform"].form.errors  # and one with
    newer, older = Version.objects.get_for_object(location).values_list("pk", flat=True)[:2]
    compare = reverse("admin:locations_location_compare", args=[location.pk])
    response = staff_client.get(f"{compare}?version_id1={older}&version_id2={newer}")
    assert response.status_code == 200
    assert ALT in response.content.decode()
    assert "photo width" not in response.content.decode()  # it goes with the photo

    revert = reverse("admin:locations_location_revision", args=[location.pk, older])
    restored = admin_form_data(staff_client.get(revert))
    assert staff_client.post(revert, restored).status_code == 302
    location.refresh_from_db()
    assert (location.photo.name, location.photo_alt) == ("", "")
    assert the_photo(client.get(location.get_absolute_url())) is None


def test_a_chosen_photo_the_browser_drops_on_a_refused_save_is_asked_for_again(staff_client):
    """A browser never sends a chosen file twice: when the page comes back to correct something
    else (here two opening hours that overlap, in the inline), the photo field is empty again.
    Saving the corrected page would then drop the photo without a word; the field says so."""
    from tests.locations.test_admin import SATURDAY, add_hours

    location = LocationFactory()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update(
        photo=SimpleUploadedFile("front.png", png_bytes((400, 300)), content_type="image/png"),
        photo_alt=ALT,
    )
    add_hours(data, SATURDAY, "09:00", "12:00")
    add_hours(data, SATURDAY, "10:00", "13:00")
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo"] == [
        "Choose the photo “front.png” again before saving: it was fine, but a browser does not keep "
        "a chosen file when the page comes back with something to correct, so it is not saved yet."
    ]
    location.refresh_from_db()
    assert not location.photo


# --- The photo's size, kept with the row --------------------------------------------------------


def test_the_size_is_kept_with_the_row_and_the_page_never_opens_the_file(client, media_root):
    """Reading the size from the file would download it from a bucket on every page not in the
    cache (tests/site/test_media_bucket.py). Here the file is gone, and the size is still known."""
    location = with_photo()
    assert Location.objects.values_list("photo_width", "photo_height").get(pk=location.pk) == (800, 600)
    (media_root / location.photo.name).unlink()
    image = the_photo(client.get(location.get_absolute_url()))
    assert (image.get("width"), image.get("height")) == ("800", "600")


def test_clearing_the_photo_clears_its_size(staff_client):
    location = with_photo()
    data = admin_form_data(staff_client.get(change_url(location)))
    data.update({"photo-clear": "on", "photo_alt": ""})
    assert staff_client.post(change_url(location), data).status_code == 302
    assert Location.objects.values_list("photo", "photo_width", "photo_height").get(pk=location.pk) == (
        "",
        None,
        None,
    )


def test_a_stored_name_given_in_the_shell_gets_that_pictures_size_or_none(caplog):
    stored = with_photo().photo.name
    created = LocationFactory(name="Atlanta", slug="atlanta", photo_alt=ALT, photo=stored)
    assert (created.photo_width, created.photo_height) == (800, 600)
    location = LocationFactory(photo_alt=ALT)
    location.photo = stored
    location.save()
    assert (location.photo_width, location.photo_height) == (800, 600)
    location.photo = "locations/2026/11/no-such-file.png"
    location.save()  # saved all the same; pages show it without a size
    assert (location.photo_width, location.photo_height) == (None, None)
    assert "The size of the picture locations/2026/11/no-such-file.png could not be read" in caplog.text


def test_a_version_saved_before_sizes_were_kept_gets_its_size_when_restored(staff_client, client):
    location = with_photo()
    data = admin_form_data(staff_client.get(change_url(location)))
    assert staff_client.post(change_url(location), data).status_code == 302  # a version with the photo
    version = Version.objects.get_for_object(location).first()
    fields = json.loads(version.serialized_data)
    for item in fields:
        del item["fields"]["photo_width"], item["fields"]["photo_height"]
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(fields))
    Location.objects.filter(pk=location.pk).update(
        photo="", photo_alt="", photo_width=None, photo_height=None
    )

    revert = reverse("admin:locations_location_revision", args=[location.pk, version.pk])
    assert staff_client.post(revert, admin_form_data(staff_client.get(revert))).status_code == 302
    assert Location.objects.values_list("photo_width", "photo_height").get(pk=location.pk) == (800, 600)
    image = the_photo(client.get(location.get_absolute_url()))
    assert (image.get("width"), image.get("height")) == ("800", "600")


def migration_models(app, name):
    """The models as the migration `name` of `app` sees them, and the migration's module."""
    state = MigrationLoader(connection).project_state((app, name))
    return state.apps, importlib.import_module(f"{app}.migrations.{name}")


def test_the_upgrade_reads_the_size_of_every_picture_already_stored(media_root, caplog):
    """The migrations that fill the kept sizes, run with their own models (as of when they run)."""
    kept, gone = with_photo(), LocationFactory(name="Atlanta", slug="atlanta", photo_alt=ALT)
    gone.photo.save("door.png", ContentFile(png_bytes((30, 20))))
    (media_root / gone.photo.name).unlink()
    article = ArticleFactory(hero_image_alt="A bench")
    article.hero_image.save("bench.png", ContentFile(png_bytes((60, 40))))
    Location.objects.update(photo_width=None, photo_height=None)
    Article.objects.update(hero_image_width=None, hero_image_height=None)

    for app, name in (("locations", "0007_fill_picture_size"), ("articles", "0014_fill_picture_size")):
        models, migration = migration_models(app, name)
        migration.keep_sizes(models, None)

    sizes = dict(Location.objects.values_list("pk", "photo_width"))
    assert (sizes[kept.pk], sizes[gone.pk]) == (800, None)
    assert Location.objects.get(pk=kept.pk).photo_height == 600
    assert Article.objects.values_list("hero_image_width", "hero_image_height").get(pk=article.pk) == (60, 40)
    assert f"The size of the picture {gone.photo.name} could not be read" in caplog.text


def test_a_new_file_whose_size_cannot_be_read_does_not_keep_the_previous_pictures():
    location = with_photo()
    location.photo.save("notes.txt", ContentFile(b"plain words, no picture"))
    location.refresh_from_db()
    assert (location.photo_width, location.photo_height) == (None, None)


def test_a_version_restored_from_the_shell_gets_its_size(client):
    """django-reversion restores with a raw save, which passes the field's pre_save by."""
    location = with_photo()
    with reversion.create_revision():
        location.save()
    version = Version.objects.get_for_object(location).first()
    fields = json.loads(version.serialized_data)
    for item in fields:  # as saved before sizes were kept
        del item["fields"]["photo_width"], item["fields"]["photo_height"]
    Version.objects.filter(pk=version.pk).update(serialized_data=json.dumps(fields))
    Location.objects.filter(pk=location.pk).update(
        photo="", photo_alt="", photo_width=None, photo_height=None
    )

    Version.objects.get(pk=version.pk).revert()

    assert Location.objects.values_list("photo_width", "photo_height").get(pk=location.pk) == (800, 600)


def test_a_picture_taken_from_another_row_brings_its_size_without_reading_the_file(media_root, caplog):
    source = Location.objects.get(pk=with_photo().pk)
    (media_root / source.photo.name).unlink()  # a read would find nothing, and say so
    other = LocationFactory(name="Atlanta", slug="atlanta", photo_alt=ALT)
    other.photo = source.photo
    other.save()
    assert (other.photo_width, other.photo_height) == (800, 600)
    assert "could not be read" not in caplog.text


def test_a_row_refreshed_after_another_saved_a_new_picture_reads_no_file(media_root, caplog):
    location = with_photo()
    elsewhere = Location.objects.get(pk=location.pk)
    elsewhere.photo.save("side.png", ContentFile(png_bytes((300, 200))))
    (media_root / elsewhere.photo.name).unlink()  # a read would find nothing, and say so
    location.refresh_from_db()
    assert location.photo.name == elsewhere.photo.name
    assert (location.photo_width, location.photo_height) == (300, 200)
    assert "could not be read" not in caplog.text
