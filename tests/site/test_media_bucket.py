"""Uploads in a bucket, as several web containers share them (AWS_STORAGE_BUCKET_NAME).

Each test has a bucket of its own on an S3-compatible server (`media_bucket`, tests/conftest.py),
reached by the real S3 client through django-storages, with the pictures shown from a media
domain (AWS_S3_CUSTOM_DOMAIN). What is in the bucket is read back with a client of the test's own.
"""

import io
import json

import pytest
from botocore.config import Config
from botocore.exceptions import EndpointConnectionError
from ckeditor_uploader.utils import get_thumb_filename
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from carter_site.images import keep_stored_sizes
from carter_site.media_usage import stored_files
from locations.models import Location
from tests.admin_forms import admin_form_data
from tests.factories import FAQFactory, LocationFactory
from tests.images import PRIVATE, phone_photo, photo_bytes, png_bytes
from tests.seo.helpers import head_meta, json_ld, parse

pytestmark = pytest.mark.django_db
MEDIA = "https://media.carter.example/media/"


def test_a_picture_uploaded_in_the_editor_is_stored_cleaned_and_shown_from_the_media_domain(
    staff_client, media_bucket
):
    upload = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("yard.jpg", phone_photo("JPEG"))}
    )
    data = json.loads(upload.content)
    assert data["uploaded"] == "1", data
    address = data["url"]
    assert address.startswith(f"{MEDIA}editor/") and address.endswith("/yard.jpg")
    key = address.removeprefix("https://media.carter.example/")
    assert media_bucket.stored_keys() == sorted([key, get_thumb_filename(key)])
    for stored in media_bucket.stored_keys():
        assert not any(secret in media_bucket.read(stored) for secret in PRIVATE), stored

    faq = FAQFactory()
    url = reverse("admin:faqs_faq_change", args=[faq.pk])
    data = admin_form_data(staff_client.get(url))
    data["answer"] = f'<p>The yard behind the building.</p><p><img src="{address}" alt="The yard"></p>'
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    page = staff_client.get(reverse("faqs:list")).content.decode()
    assert f'<img src="{address}" alt="The yard" loading="lazy" decoding="async">' in page


def test_a_locations_photo_is_stored_in_the_bucket_and_every_address_of_it_is_the_media_domains(
    staff_client, media_bucket, client
):
    location = LocationFactory(name="Jefferson", slug="jefferson")
    url = reverse("admin:locations_location_change", args=[location.pk])
    data = admin_form_data(staff_client.get(url))
    data["photo"] = SimpleUploadedFile("front.jpg", phone_photo("JPEG", size=(40, 30)))
    data["photo_alt"] = "The front door of the Jefferson office"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    [key] = media_bucket.stored_keys()
    assert key.startswith("media/locations/") and key.endswith("/front.jpg")
    assert not any(secret in media_bucket.read(key) for secret in PRIVATE)
    location.refresh_from_db()
    # The phone held it sideways: it is kept, and shown, at the size it is seen.
    assert (location.photo_width, location.photo_height) == (30, 40)

    response = client.get(location.get_absolute_url())
    address = f"https://media.carter.example/{key}"
    photo = parse(response.content.decode()).find(".//img[@class='location__photo']")
    assert (photo.get("src"), photo.get("width"), photo.get("height")) == (address, "30", "40")
    metas, _ = head_meta(response)
    assert (metas["og:image"], metas["og:image:width"], metas["og:image:height"]) == (address, "30", "40")
    assert address in json.dumps(json_ld(response))


def run_unused_uploads(*arguments):
    out = io.StringIO()
    call_command("unused_uploads", *arguments, stdout=out)
    return out.getvalue()


def test_uploads_nothing_uses_are_listed_and_deleted_with_their_small_copies(media_bucket, caplog):
    for name in ("editor/2026/11/02/room.png", "editor/2026/11/06/client.png"):
        default_storage.save(name, ContentFile(png_bytes()))
        default_storage.save(get_thumb_filename(name), ContentFile(png_bytes((4, 4))))
    default_storage.save("locations/2026/10/old-door.png", ContentFile(png_bytes()))
    media_bucket.put("media/.cleaning-copy.png")  # hidden: never listed, never deleted
    media_bucket.put("elsewhere/not-media.png")  # outside the storage's folder (AWS_LOCATION)
    # Keys the storage would read as another: left alone. The second, deleted by its name, would
    # take the picture in use with it.
    media_bucket.put("media/editor//double.png")
    media_bucket.put("media/editor/2026/11/02\\room.png")
    FAQFactory(answer=f'<p><img src="{MEDIA}editor/2026/11/02/room.png" alt="The room"></p>')

    listing = run_unused_uploads()
    assert (
        listing.splitlines()[0]
        == "3 files uploaded: 1 in use, 0 used only by earlier versions, 2 used nowhere."
    )
    unused = listing.split("Used nowhere:\n", 1)[1].splitlines()[:2]
    assert [line.split()[0] for line in unused] == [
        "editor/2026/11/06/client.png",
        "locations/2026/10/old-door.png",
    ]
    size = len(png_bytes()) + len(png_bytes((4, 4)))  # the picture and its small copy
    assert f"{size}\N{NO-BREAK SPACE}bytes, uploaded " in unused[0]

    out = run_unused_uploads("--delete", "--older-than", "0")
    assert "Deleted 2 files (" in out
    assert media_bucket.stored_keys() == [
        "elsewhere/not-media.png",
        "media/.cleaning-copy.png",
        "media/editor//double.png",
        "media/editor/2026/11/02/room.png",
        "media/editor/2026/11/02/room_thumb.png",
        "media/editor/2026/11/02\\room.png",
    ]
    assert "The upload 'editor//double.png' has a name the storage cannot address" in caplog.text
    assert "The upload 'editor/2026/11/02\\\\room.png' has a name the storage cannot" in caplog.text


def test_the_bucket_is_listed_a_thousand_objects_a_request(media_bucket):
    """django-storages' listdir, size and modified time would ask twice a file: 2,000 requests
    and more for these. The bucket's listing gives all three, a thousand objects a page."""
    for number in range(1001):
        media_bucket.put(f"media/editor/2026/11/{number % 3 + 1:02}/room-{number:04}.png", b"12345")
    media_bucket.put("media/root.png", b"1")
    media_bucket.put("media/editor/")  # a folder marker, as some tools write them
    requests = []
    client = default_storage.connection.meta.client
    client.meta.events.register("before-send.s3", lambda request, **kwargs: requests.append(request.url))

    files = stored_files(default_storage)

    assert len(requests) == 2
    assert len(files) == 1002
    # A folder's files before its folders, as the folder walk gives them.
    assert [file.name for file in files[:2]] == ["root.png", "editor/2026/11/01/room-0000.png"]
    assert files[-1].name == "editor/2026/11/03/room-0998.png"
    assert {file.size for file in files[1:]} == {5}
    assert all(file.modified.tzinfo is not None for file in files)


def test_the_uploads_page_deletes_a_picture_from_the_bucket_after_confirmation(staff_client, media_bucket):
    name = default_storage.save("editor/2026/11/06/client.png", ContentFile(png_bytes()))
    uploads = reverse("admin:uploads")
    page = parse(staff_client.get(uploads).content.decode())
    assert [box.get("value") for box in page.iterfind(".//input[@name='name']")] == [name]
    assert page.find(f".//img[@src='{MEDIA}{name}']") is not None  # its preview, from the media domain

    confirmation = staff_client.post(uploads, {"name": [name]}).content.decode()
    assert name in confirmation and media_bucket.stored_keys() == [f"media/{name}"]
    done = staff_client.post(uploads, {"name": [name], "confirmed": "yes"}, follow=True)
    assert [str(message) for message in done.context["messages"]] == [
        f"Deleted 1 picture ({len(png_bytes())}\N{NO-BREAK SPACE}bytes)."
    ]
    assert media_bucket.stored_keys() == []


def test_a_page_never_reads_its_picture_from_the_bucket(staff_client, media_bucket, client):
    """A picture's width and height are kept with the row when it is stored. A page that read them
    from the bucket would download the whole picture on every uncached visit, and fail when the
    bucket cannot give it."""
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    requests = []
    default_storage.connection.meta.client.meta.events.register(
        "before-send.s3", lambda request, **kwargs: requests.append(request.url)
    )
    [key] = media_bucket.stored_keys()
    media_bucket.client.delete_object(Bucket=media_bucket.name, Key=key)

    response = client.get(location.get_absolute_url())

    assert response.status_code == 200
    photo = parse(response.content.decode()).find(".//img[@class='location__photo']")
    assert (photo.get("width"), photo.get("height")) == ("40", "30")
    assert requests == []


def test_pages_with_pictures_are_shown_while_the_bucket_cannot_be_reached(
    staff_client, media_bucket, s3_server, settings, client
):
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    # The same bucket, at an address where nothing listens: an outage of the storage.
    options = s3_server.storage_options(
        media_bucket.name,
        custom_domain="media.carter.example",
        endpoint_url="http://127.0.0.1:9",
        client_config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}

    for page in (location.get_absolute_url(), reverse("locations:list"), reverse("home")):
        response = client.get(page)
        assert response.status_code == 200, page
    photo = parse(client.get(location.get_absolute_url()).content.decode()).find(
        ".//img[@class='location__photo']"
    )
    assert photo.get("src") == f"{MEDIA}{location.photo.name}"
    assert (photo.get("width"), photo.get("height")) == ("40", "30")


def requests_to(storage):
    """The requests `storage`'s S3 client sends from now on, by address."""
    sent = []
    storage.connection.meta.client.meta.events.register(
        "before-send.s3", lambda request, **kwargs: sent.append(request.url)
    )
    return sent


def test_saving_a_location_without_touching_its_photo_asks_nothing_of_the_bucket(staff_client, media_bucket):
    """Django's ImageField reads the picture again whenever the form sets it back unchanged."""
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    sent = requests_to(default_storage)
    url = reverse("admin:locations_location_change", args=[location.pk])
    data = admin_form_data(staff_client.get(url))
    data["name"] = "Atlanta, on Peachtree"
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sent == []
    location.refresh_from_db()
    assert (location.name, location.photo_width, location.photo_height) == ("Atlanta, on Peachtree", 40, 30)


def test_the_upgrade_stops_reading_sizes_at_once_when_the_bucket_cannot_be_reached(
    media_bucket, s3_server, settings, caplog
):
    for name in ("atlanta", "jefferson"):
        location = LocationFactory(name=name.title(), slug=name, photo_alt="The door")
        location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    Location.objects.update(photo_width=None, photo_height=None)  # as before the upgrade
    unreachable = s3_server.storage_options(
        media_bucket.name,
        endpoint_url="http://127.0.0.1:9",
        client_config=Config(connect_timeout=1, retries={"max_attempts": 1}),
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {**settings.STORAGES["default"], "OPTIONS": unreachable},
    }

    keep_stored_sizes(Location, "photo")

    assert "The media storage could not be reached (Could not connect to the endpoint URL" in caplog.text
    assert "the sizes of 2 pictures are left to be read as each is next saved" in caplog.text
    assert set(Location.objects.values_list("photo_width", flat=True)) == {None}


def test_the_upgrade_keeps_the_size_of_a_picture_saved_while_it_reads(media_bucket):
    """The upgrade reads outside a transaction while editors work: a photo saved meanwhile keeps
    the size its save gave it, not the one read for the photo it replaced."""
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    Location.objects.update(photo_width=None, photo_height=None)  # as before the upgrade
    old = location.photo.name

    saved = []

    def an_editor_saves_a_new_photo(request, **kwargs):
        if old in request.url and not saved:  # as the upgrade starts reading the old photo
            saved.append(True)
            editing = Location.objects.get(pk=location.pk)
            editing.photo.save("new-door.png", ContentFile(png_bytes((80, 60))))

    default_storage.connection.meta.client.meta.events.register("before-send.s3", an_editor_saves_a_new_photo)
    assert keep_stored_sizes(Location, "photo") == (0, 0, 0)  # read, and not kept
    assert saved
    location.refresh_from_db()
    assert location.photo.name.endswith("new-door.png")
    assert (location.photo_width, location.photo_height) == (80, 60)


def test_picture_sizes_reads_what_the_upgrade_left(media_bucket, s3_server, settings):
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.png", ContentFile(png_bytes((40, 30))))
    Location.objects.update(photo_width=None, photo_height=None)
    reachable = settings.STORAGES["default"]
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            **reachable,
            "OPTIONS": s3_server.storage_options(
                media_bucket.name,
                endpoint_url="http://127.0.0.1:9",
                client_config=Config(connect_timeout=1, retries={"max_attempts": 1}),
            ),
        },
    }
    with pytest.raises(CommandError) as caught:
        call_command("picture_sizes", stdout=io.StringIO())
    assert str(caught.value) == (
        "The media storage could not be reached, so 1 pictures are still without a size: run this "
        "again once it answers."
    )
    settings.STORAGES = {**settings.STORAGES, "default": reachable}
    out = io.StringIO()
    call_command("picture_sizes", stdout=out)
    assert out.getvalue().splitlines() == [
        "Article hero image: 0 sizes kept.",
        "Clinician photo: 0 sizes kept.",
        "Location photo: 1 size kept.",
    ]
    assert Location.objects.values_list("photo_width", "photo_height").get(pk=location.pk) == (40, 30)


def test_two_uploads_of_one_name_at_once_through_two_containers_keep_both(media_bucket, settings):
    """Each container asks the bucket whether the name is free, then writes: both can hear
    "free". The second write used to replace the first picture; the bucket now refuses it
    (If-None-Match) and the second picture takes another free name."""
    from django.core.files.storage import storages

    first, second = (
        storages.create_storage(settings.STORAGES["default"]),
        storages.create_storage(settings.STORAGES["default"]),
    )
    name = "editor/2026/11/23/garden.png"
    assert first.get_available_name(name) == second.get_available_name(name) == name  # both hear "free"

    stored_first = first.save(name, ContentFile(png_bytes((20, 10)), name="garden.png"))
    stored_second = second._save(name, ContentFile(png_bytes((30, 10)), name="garden.png"))

    assert stored_first == name and stored_second != name
    assert stored_second.startswith("editor/2026/11/23/garden_") and stored_second.endswith(".png")
    assert media_bucket.read(f"media/{name}") == png_bytes((20, 10))
    assert media_bucket.read(f"media/{stored_second}") == png_bytes((30, 10))


def refuse_conditional_writes(storage, code, status):
    """From now on the bucket answers each conditional write (If-None-Match) of `storage` with
    the error `code`, as a service that cannot honour it, or that refuses the write, does.
    Returns the keys of the conditional writes it was asked for."""
    from botocore.exceptions import ClientError

    asked = []

    def refuse(params, **kwargs):
        if "IfNoneMatch" in params:
            asked.append(params["Key"])
            error = {"Error": {"Code": code, "Message": code}, "ResponseMetadata": {"HTTPStatusCode": status}}
            raise ClientError(error, "PutObject")

    storage.connection.meta.client.meta.events.register("before-parameter-build.s3.PutObject", refuse)
    return asked


def test_a_service_without_conditional_writes_still_stores_uploads(media_bucket, settings):
    """Not every S3-compatible service knows If-None-Match: one that answers NotImplemented gets
    the unconditional write that django-storages makes, and the picture is stored."""
    from django.core.files.storage import storages

    storage = storages.create_storage(settings.STORAGES["default"])
    asked = refuse_conditional_writes(storage, "NotImplemented", 501)

    stored = storage.save("editor/2026/11/23/garden.png", ContentFile(png_bytes((20, 10))))

    assert asked == ["media/editor/2026/11/23/garden.png"]
    assert stored == "editor/2026/11/23/garden.png"
    assert media_bucket.read(f"media/{stored}") == png_bytes((20, 10))


def test_a_write_the_bucket_refuses_for_another_reason_fails_at_once(media_bucket, settings):
    """Only a name taken meanwhile sends the picture to another name: a refusal such as
    AccessDenied is the editor's error to see, not a reason to try five more names."""
    from botocore.exceptions import ClientError
    from django.core.files.storage import storages

    storage = storages.create_storage(settings.STORAGES["default"])
    asked = refuse_conditional_writes(storage, "AccessDenied", 403)

    with pytest.raises(ClientError, match="AccessDenied"):
        storage.save("editor/2026/11/23/garden.png", ContentFile(png_bytes((20, 10))))
    assert asked == ["media/editor/2026/11/23/garden.png"]
    assert media_bucket.stored_keys() == []


def test_a_name_taken_at_every_try_is_given_up_after_a_few(media_bucket, settings):
    from django.core.files.storage import storages

    from carter_site.storage import MOST_TRIES

    storage = storages.create_storage(settings.STORAGES["default"])
    asked = refuse_conditional_writes(storage, "PreconditionFailed", 412)

    with pytest.raises(FileExistsError, match="No free name"):
        storage.save("editor/2026/11/23/garden.png", ContentFile(png_bytes((20, 10))))
    assert len(asked) == len(set(asked)) == MOST_TRIES  # each try under a name of its own
    assert media_bucket.stored_keys() == []


# --- The smaller copies of a picture (carter_site.picture_copies), in the bucket


def test_a_photos_copies_are_stored_beside_it_and_offered_from_the_media_domain_without_asking_the_bucket(
    media_bucket, client
):
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("door.jpg", ContentFile(photo_bytes((1000, 700))))
    key = f"media/{location.photo.name}"
    folder = key.rsplit("/", 1)[0]
    assert media_bucket.stored_keys() == sorted(
        [key, f"{folder}/copies/door-480w.jpg", f"{folder}/copies/door-800w.jpg"]
    )
    assert len(media_bucket.read(f"{folder}/copies/door-480w.jpg")) < len(media_bucket.read(key))
    sent = requests_to(default_storage)

    response = client.get(location.get_absolute_url())

    photo = parse(response.content.decode()).find(".//img[@class='location__photo']")
    copies = f"https://media.carter.example/{folder}/copies/door"
    assert photo.get("srcset") == (
        f"{copies}-480w.jpg 480w, {copies}-800w.jpg 800w, https://media.carter.example/{key} 1000w"
    )
    assert sent == []


def test_a_bucket_that_stops_answering_after_the_photo_keeps_the_save_without_copies(
    staff_client, media_bucket, caplog
):
    def no_answer_for_copies(params, **kwargs):
        if "/copies/" in params.get("Key", ""):
            raise EndpointConnectionError(endpoint_url="https://bucket.example")

    default_storage.connection.meta.client.meta.events.register(
        "before-parameter-build.s3.PutObject", no_answer_for_copies
    )
    location = LocationFactory(name="Jefferson", slug="jefferson")
    url = reverse("admin:locations_location_change", args=[location.pk])
    data = admin_form_data(staff_client.get(url))
    data["photo"] = SimpleUploadedFile("front.jpg", photo_bytes((1000, 700)))
    data["photo_alt"] = "The front door"
    response = staff_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    location.refresh_from_db()
    assert (location.photo_width, location.photo_copy_widths) == (1000, None)
    assert media_bucket.stored_keys() == [f"media/{location.photo.name}"]
    assert "Smaller copies of the picture" in caplog.text and "Could not connect" in caplog.text


def test_a_replaced_photo_is_deleted_from_the_bucket_with_its_copies_and_old_photos_get_theirs(media_bucket):
    location = LocationFactory(name="Atlanta", slug="atlanta", photo_alt="The door")
    location.photo.save("old-door.jpg", ContentFile(photo_bytes((1000, 700))))
    old = location.photo.name
    location.photo.save("door.jpg", ContentFile(photo_bytes((1000, 700))))
    folder = f"media/{old.rsplit('/', 1)[0]}"

    out = run_unused_uploads("--delete", "--older-than", "0")

    assert "Deleted 1 file (" in out
    assert media_bucket.stored_keys() == sorted(
        [f"media/{location.photo.name}", f"{folder}/copies/door-480w.jpg", f"{folder}/copies/door-800w.jpg"]
    )

    # Stored before copies were made: manage.py picture_copies makes them in the bucket.
    for key in media_bucket.stored_keys():
        if "/copies/" in key:
            media_bucket.client.delete_object(Bucket=media_bucket.name, Key=key)
    Location.objects.update(photo_copy_widths=None)
    out = io.StringIO()
    call_command("picture_copies", stdout=out)
    assert "Location photo: 1 picture given smaller copies." in out.getvalue()
    assert len(media_bucket.stored_keys()) == 3


def test_a_photo_uploaded_in_the_editor_gets_copies_in_the_bucket_offered_without_asking_it(
    staff_client, media_bucket, client
):
    upload = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("yard.jpg", photo_bytes((1000, 700)))}
    )
    address = json.loads(upload.content)["url"]
    key = address.removeprefix("https://media.carter.example/")
    folder = key.rsplit("/", 1)[0]
    assert media_bucket.stored_keys() == sorted(
        [key, get_thumb_filename(key), f"{folder}/copies/yard-480w.jpg", f"{folder}/copies/yard-800w.jpg"]
    )
    FAQFactory(answer=f'<p>The yard.</p><p><img src="{address}" alt="The yard"></p>')
    sent = requests_to(default_storage)

    response = client.get(reverse("faqs:list"))

    picture = parse(response.content.decode()).find(".//div[@class='faq__answer rich-text']//img")
    copies = f"https://media.carter.example/{folder}/copies/yard"
    assert picture.get("srcset") == f"{copies}-480w.jpg 480w, {copies}-800w.jpg 800w, {address} 1000w"
    assert sent == []


def test_an_upload_is_kept_by_the_cdn_in_front_of_the_bucket_no_longer_than_a_page(media_bucket, settings):
    """Without a lifetime of its own, an object is kept for the CDN's default time (often a day):
    a picture deleted on purpose (a client's photo whose consent was withdrawn) stayed that long."""
    default_storage.save("editor/2026/11/25/room.png", ContentFile(png_bytes()))
    [key] = media_bucket.stored_keys()
    stored = media_bucket.client.head_object(Bucket=media_bucket.name, Key=key)
    assert stored["CacheControl"] == settings.MEDIA_CACHE_CONTROL == "public, max-age=300, s-maxage=60"


# --- Uploads stored before they carried their lifetime (manage.py media_cache_lifetime)


def run_media_cache_lifetime(*arguments):
    out, err = io.StringIO(), io.StringIO()
    call_command("media_cache_lifetime", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_uploads_stored_before_their_lifetime_are_given_it_keeping_their_content(media_bucket, settings):
    """Objects written before every write carried MEDIA_CACHE_CONTROL have none (or a day): the
    CDN keeps those for its own default, and a photo deleted on purpose stays on the web that long."""
    lifetime = settings.MEDIA_CACHE_CONTROL
    client, bucket = media_bucket.client, media_bucket.name
    photo = photo_bytes((20, 10))
    client.put_object(
        Bucket=bucket,
        Key="media/locations/2025/04/door.png",
        Body=png_bytes((40, 30)),
        ContentType="image/png",
        ContentDisposition="inline",
        Metadata={"uploaded-by": "an-older-release"},
    )
    client.put_object(
        Bucket=bucket,
        Key="media/editor/2025/05/01/yard.jpg",
        Body=photo,
        ContentType="image/jpeg",
        CacheControl="public, max-age=86400",
    )
    media_bucket.put("media/editor/")  # a folder marker: no upload
    media_bucket.put("elsewhere/not-media.png")  # outside the storage's folder (AWS_LOCATION)
    default_storage.save("editor/2026/11/25/room.png", ContentFile(png_bytes()))  # has it already
    old = ("media/locations/2025/04/door.png", "media/editor/2025/05/01/yard.jpg")

    def head(key):
        return client.head_object(Bucket=bucket, Key=key)

    out, err = run_media_cache_lifetime("--dry-run")
    assert out.splitlines() == [
        f"3 uploads in the bucket {bucket} (media): 2 would be given it, 1 had it already "
        f"(Cache-Control: {lifetime})."
    ]
    assert err == ""
    assert [head(key).get("CacheControl") for key in old] == [None, "public, max-age=86400"]

    out, err = run_media_cache_lifetime()
    assert out.splitlines() == [
        f"3 uploads in the bucket {bucket} (media): 2 given it, 1 had it already (Cache-Control: {lifetime})."
    ]
    assert err == ""
    door, yard = head(old[0]), head(old[1])
    assert (door["CacheControl"], door["ContentType"], door["ContentDisposition"]) == (
        lifetime,
        "image/png",
        "inline",
    )
    assert door["Metadata"] == {"uploaded-by": "an-older-release"}
    assert (yard["CacheControl"], yard["ContentType"]) == (lifetime, "image/jpeg")
    assert media_bucket.read(old[0]) == png_bytes((40, 30))
    assert media_bucket.read(old[1]) == photo
    assert head("elsewhere/not-media.png").get("CacheControl") is None
    assert head("media/editor/").get("CacheControl") is None

    out, _ = run_media_cache_lifetime()  # again: nothing left to do
    assert out.startswith(f"3 uploads in the bucket {bucket} (media): 0 given it, 3 had it already")


def test_an_upload_deleted_while_lifetimes_are_set_stays_deleted_and_the_others_are_done(
    media_bucket, settings
):
    """An editor may delete a picture on the uploads page while the command runs: copying it onto
    itself must neither fail the run nor bring it back."""
    client, bucket = media_bucket.client, media_bucket.name
    deleted, kept = "media/editor/2025/05/01/client.png", "media/editor/2025/05/01/lawn.png"
    for key in (deleted, kept):
        client.put_object(Bucket=bucket, Key=key, Body=png_bytes(), ContentType="image/png")

    def deleted_meanwhile(params, **kwargs):
        if params.get("Key") == deleted:
            client.delete_object(Bucket=bucket, Key=deleted)

    default_storage.connection.meta.client.meta.events.register(
        "before-parameter-build.s3.CopyObject", deleted_meanwhile
    )
    out, err = run_media_cache_lifetime()

    assert out.splitlines() == [
        f"2 uploads in the bucket {bucket} (media): 1 given it, 0 had it already, 1 deleted meanwhile "
        f"(Cache-Control: {settings.MEDIA_CACHE_CONTROL})."
    ]
    assert err == ""
    assert media_bucket.stored_keys() == [kept]
    assert client.head_object(Bucket=bucket, Key=kept)["CacheControl"] == settings.MEDIA_CACHE_CONTROL


def test_setting_upload_lifetimes_without_a_bucket_says_why_in_a_sentence():
    with pytest.raises(CommandError) as caught:
        run_media_cache_lifetime()
    assert str(caught.value) == (
        "No bucket is configured (AWS_STORAGE_BUCKET_NAME is unset): uploads in the media folder get "
        "their lifetime from the site or the proxy that serves them, so there is nothing to change."
    )


def test_setting_upload_lifetimes_stops_at_once_when_the_bucket_stops_answering(media_bucket):
    """A bucket out of reach would otherwise cost each remaining upload its own timeouts."""
    for name in ("lawn", "yard"):
        media_bucket.put(f"media/editor/2025/05/01/{name}.png", png_bytes())
    asked = []

    def no_answer(params, **kwargs):
        asked.append(params["Key"])
        raise EndpointConnectionError(endpoint_url="https://bucket.example")

    default_storage.connection.meta.client.meta.events.register(
        "before-parameter-build.s3.HeadObject", no_answer
    )
    with pytest.raises(CommandError) as caught:
        run_media_cache_lifetime()
    assert str(caught.value) == (
        'The bucket stopped answering (Could not connect to the endpoint URL: "https://bucket.example") '
        "after 0 of 2 uploads were given the lifetime: run this again once it answers."
    )
    assert asked == ["media/editor/2025/05/01/lawn.png"]


def test_an_upload_given_its_lifetime_stays_public_and_keeps_its_tags(media_bucket, settings):
    """A copy gets the bucket's default access unless told otherwise: a picture made public by its
    own grant (a bucket that still uses ACLs) would answer 403 to the CDN after it."""
    client, bucket = media_bucket.client, media_bucket.name
    key = "media/locations/2025/04/door.png"
    client.put_object(
        Bucket=bucket,
        Key=key,
        Body=png_bytes(),
        ContentType="image/png",
        ACL="public-read",
        Tagging="kept=yes",
    )

    run_media_cache_lifetime()

    assert client.head_object(Bucket=bucket, Key=key)["CacheControl"] == settings.MEDIA_CACHE_CONTROL
    grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
    assert any(
        grant["Grantee"].get("URI") == "http://acs.amazonaws.com/groups/global/AllUsers"
        and grant["Permission"] == "READ"
        for grant in grants
    )
    assert client.get_object_tagging(Bucket=bucket, Key=key)["TagSet"] == [{"Key": "kept", "Value": "yes"}]
