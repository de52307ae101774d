"""A clinician's photo on their page, handled like a location's: given in the admin with its
description, stored without its metadata, with smaller copies for phones, shown on the page with
its size and `srcset`, named in the page's structured data, and known to the uploads' housekeeping."""

import io

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from articles.models import Clinician
from carter_site.roles import SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in
from tests.factories import ArticleFactory
from tests.images import PRIVATE, phone_photo, photo_bytes, png_bytes
from tests.seo.helpers import json_ld, one_of_type, parse, text
from tests.site.test_own_pictures_in_texts import copy, in_text, offered, text_pictures
from tests.site.test_picture_copies import copies_of, picture_copies

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
ALT = "Morgan Hale smiling, in a blue jacket, in front of a bookcase"
SIZES = "(min-width: 18rem) 16rem, calc(100vw - 2rem)"


def clinician(**fields):
    return Clinician.objects.create(
        name="Morgan Hale", credentials="LCSW", slug="morgan-hale", has_page=True, **fields
    )


def with_photo(data=None, name="morgan.jpg", **fields):
    morgan = clinician(photo_alt=ALT, **fields)
    morgan.photo.save(name, ContentFile(data or photo_bytes((1300, 900))))
    return morgan


def the_photo(response):
    assert response.status_code == 200
    return parse(response.content.decode()).find(".//img[@class='clinician__photo']")


@pytest.fixture
def admin_browser():
    return signed_in(SITE_ADMINISTRATORS, "ada", first_name="Ada")


# --- The admin's form


def test_the_photo_and_its_description_are_in_the_public_page_section(admin_browser):
    form = admin_browser.get(change_url(clinician())).context["adminform"]
    [public] = [fieldset for fieldset in form if fieldset.name == "Public page"]
    assert {"photo", "photo_alt"} <= set(public.fields)
    assert "a photo the clinician supplied themselves and agreed to" in form.form.fields["photo"].help_text


def test_a_photo_without_a_description_is_refused_and_nothing_is_saved(admin_browser, media_root):
    morgan = clinician(bio="Morgan leads the evening groups.")
    data = admin_form_data(admin_browser.get(change_url(morgan)))
    data.update(
        photo=SimpleUploadedFile("morgan.png", png_bytes((400, 300)), content_type="image/png"),
        photo_alt="  ",
        bio="A bio that must not be saved without the photo's description.",
    )
    response = admin_browser.post(change_url(morgan), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["photo_alt"] == [
        "Describe the photo for people who cannot see it (required with a photo)."
    ]
    morgan.refresh_from_db()
    assert not morgan.photo
    assert morgan.bio == "Morgan leads the evening groups."
    assert not default_storage.exists("clinicians")  # nothing stored either


def test_the_database_refuses_a_photo_without_a_description():
    morgan = with_photo()
    with pytest.raises(IntegrityError), transaction.atomic():
        Clinician.objects.filter(pk=morgan.pk).update(photo_alt="")


def test_a_photo_from_the_admin_is_stored_without_its_metadata_and_with_its_copies(admin_browser):
    morgan = clinician()
    original = phone_photo("JPEG", size=(1300, 900))
    data = admin_form_data(admin_browser.get(change_url(morgan)))
    data.update(photo=SimpleUploadedFile("morgan.jpg", original, content_type="image/jpeg"), photo_alt=ALT)
    response = admin_browser.post(change_url(morgan), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    morgan.refresh_from_db()
    assert morgan.photo.name.startswith("clinicians/")
    with morgan.photo.open("rb") as stored:
        kept = stored.read()
    assert not [secret for secret in PRIVATE if secret in kept]
    # Stored upright (the phone's note to turn it kept), so the size kept is the turned one.
    assert (morgan.photo_width, morgan.photo_height) == (900, 1300)
    assert morgan.photo_copy_widths == [480, 800]
    assert len(copies_of(morgan.photo.name)) == 2


def test_a_chosen_photo_the_browser_drops_on_a_refused_save_is_asked_for_again(admin_browser):
    Clinician.objects.create(name="Dana Reyes", credentials="LPC", slug="dana-reyes")
    morgan = clinician()
    data = admin_form_data(admin_browser.get(change_url(morgan)))
    data.update(
        photo=SimpleUploadedFile("morgan.png", png_bytes((400, 300)), content_type="image/png"),
        photo_alt=ALT,
        slug="dana-reyes",  # taken: the form comes back
    )
    response = admin_browser.post(change_url(morgan), data)
    assert response.status_code == 200
    assert "again before saving" in response.context["adminform"].form.errors["photo"][0]


# --- The page


def test_the_page_shows_the_photo_with_its_size_and_the_copies_made(client):
    morgan = with_photo()
    image = the_photo(client.get(morgan.get_absolute_url()))
    assert image.get("src") == morgan.photo.url
    assert image.get("alt") == ALT
    assert (image.get("width"), image.get("height")) == ("1300", "900")
    assert image.get("loading") is None  # at the top of the page: fetched with it
    assert image.get("sizes") == SIZES
    name = morgan.photo.name
    assert offered(image) == [(copy(name, 480), 480), (copy(name, 800), 800), (name, 1300)]


def test_copies_not_recorded_as_made_are_never_offered(client):
    morgan = with_photo()
    Clinician.objects.filter(pk=morgan.pk).update(photo_copy_widths=None)
    image = the_photo(client.get(morgan.get_absolute_url()))
    assert image.get("src") == morgan.photo.url
    assert image.get("srcset") is None and image.get("sizes") is None


def test_the_person_in_the_structured_data_has_the_photo_the_page_shows(client):
    morgan = with_photo()
    response = client.get(morgan.get_absolute_url())
    graph = json_ld(response)
    person = one_of_type(graph, "Person")
    image = next(node for node in graph if node.get("@id") == person["image"]["@id"])
    assert image["@type"] == "ImageObject"
    assert image["contentUrl"] == ORIGIN + morgan.photo.url
    assert (image["width"], image["height"]) == (1300, 900)
    assert image["caption"] == ALT
    metas = {
        node.get("property"): node.get("content") for node in parse(response.content.decode()).iter("meta")
    }
    assert metas["og:image"] == ORIGIN + morgan.photo.url


def test_without_a_photo_there_is_no_picture_and_no_image_in_the_markup(client):
    morgan = clinician()
    response = client.get(morgan.get_absolute_url())
    assert the_photo(response) is None
    assert "image" not in one_of_type(json_ld(response), "Person")


def test_the_photo_pasted_into_a_text_is_offered_with_its_copies(client):
    morgan = with_photo()
    article = ArticleFactory(body=in_text(morgan.photo.name, alt="Morgan"))
    name = morgan.photo.name
    assert offered(text_pictures(client, article.get_absolute_url())["Morgan"]) == [
        (copy(name, 480), 480),
        (copy(name, 800), 800),
        (name, 1300),
    ]


# --- Copies made later, and the uploads' housekeeping


def test_picture_copies_makes_the_copies_of_a_photo_stored_before_them(client):
    morgan = with_photo()
    for stored in copies_of(morgan.photo.name):
        default_storage.delete(stored)
    Clinician.objects.filter(pk=morgan.pk).update(photo_copy_widths=None)
    out, err, failure = picture_copies()
    assert (err, failure) == ("", None)
    assert "Clinician photo: 1 picture given smaller copies." in out.splitlines()
    assert Clinician.objects.get().photo_copy_widths == [480, 800]
    assert the_photo(client.get(morgan.get_absolute_url())).get("srcset")


def unused_uploads(*arguments):
    out = io.StringIO()
    call_command("unused_uploads", *arguments, stdout=out)
    return out.getvalue()


def test_the_photo_in_use_is_kept_and_a_replaced_one_is_offered_for_deletion(admin_browser):
    morgan = with_photo(name="first.jpg")
    first = morgan.photo.name
    out = unused_uploads()
    assert (
        out.splitlines()[0] == "1 file uploaded: 1 in use, 0 used only by earlier versions, 0 used nowhere."
    )
    assert first not in out

    morgan.photo.save("second.jpg", ContentFile(photo_bytes((1300, 900))))
    second = morgan.photo.name
    out = unused_uploads()
    assert (
        out.splitlines()[0] == "2 files uploaded: 1 in use, 0 used only by earlier versions, 1 used nowhere."
    )
    unused = out.split("Used nowhere:\n", 1)[1]
    assert [line.split()[0] for line in unused.splitlines() if line.strip().startswith("clinicians/")] == [
        first
    ]
    assert second not in out

    page = parse(admin_browser.get(reverse("admin:uploads")).content.decode())
    [row] = [
        row
        for row in page.find(".//section[@id='uploads-in-use']").iterfind(".//tbody/tr")
        if second in text(row)
    ]
    assert row.find(".//ul/li/a").get("href") == reverse("admin:articles_clinician_change", args=[morgan.pk])
