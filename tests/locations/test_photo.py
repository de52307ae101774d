"""A location's photo: uploaded in the admin with its description, shown on the location's
page, shared with its page and described in its structured data."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from reversion.models import Version

from locations.models import Location
from tests.admin_forms import admin_form_data, change_url
from tests.factories import LocationFactory
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
