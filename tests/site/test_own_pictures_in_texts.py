"""An article's picture or a location's photo that an editor put into a text (chosen in the
browse window, or its address pasted) is offered there with the smaller copies made of it, as at
the top of its own page: from what its row records, never a copy that was not made.

The pictures are real ones made with Pillow, stored in the test's own media folder."""

from urllib.parse import unquote

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from carter_site.richtext import sanitise_html
from locations.models import Location
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory
from tests.images import photo_bytes, png_bytes
from tests.seo.helpers import parse
from tests.site.test_picture_copies import copies_of, picture_copies

pytestmark = pytest.mark.django_db

SIZES = "(min-width: 44rem) 42rem, calc(100vw - 2rem)"


def article_with_picture(data, name="group-room.jpg", **fields):
    article = ArticleFactory(hero_image_alt="The group room", **fields)
    article.hero_image.save(name, ContentFile(data))
    return article


def location_with_photo(data, name="front-door.jpg", **fields):
    location = LocationFactory(photo_alt="The front door", **fields)
    location.photo.save(name, ContentFile(data))
    return location


def in_text(name, alt="The group room"):
    return f'<p><img src="{default_storage.url(name)}" alt="{alt}"></p>'


def text_pictures(client, url, css_class="rich-text"):
    """alt -> the <img> elements of the page's rich text, as a visitor gets the page."""
    response = client.get(url)
    assert response.status_code == 200
    images = parse(response.content.decode()).findall(f".//div[@class='{css_class}']//img")
    return {img.get("alt"): img for img in images}


def offered(img):
    """(stored name, width) of each entry of a picture's srcset, checked to be a stored file."""
    entries = []
    for entry in img.get("srcset").split(", "):
        address, width = entry.rsplit(" ", 1)
        name = unquote(address.removeprefix("/media/"))
        assert default_storage.exists(name), f"{address} is not stored: it would be a 404"
        entries.append((name, int(width.removesuffix("w"))))
    return entries


def copy(name, width):
    folder, base = name.rsplit("/", 1)
    stem, extension = base.rsplit(".", 1)
    return f"{folder}/copies/{stem}-{width}w.{extension}"


# --- Offered with the copies that were made, and only those


def test_an_articles_picture_in_another_articles_text_is_offered_with_its_copies_only(client):
    pictured = article_with_picture(photo_bytes((1300, 900)))
    name = pictured.hero_image.name
    assert pictured.hero_image_copy_widths == [480, 800]
    article = ArticleFactory(body=in_text(name))

    img = text_pictures(client, article.get_absolute_url())["The group room"]

    assert img.get("src") == f"/media/{name}"
    # 480 and 800 were made of a picture 1300 px wide; 1200 and 1600 were not, and are not named.
    assert offered(img) == [(copy(name, 480), 480), (copy(name, 800), 800), (name, 1300)]
    assert img.get("sizes") == SIZES
    assert (img.get("loading"), img.get("decoding")) == ("lazy", "async")


def test_an_articles_picture_in_its_own_text_is_offered_with_its_copies(client):
    article = article_with_picture(photo_bytes((2400, 1600)))
    article.body = in_text(article.hero_image.name, alt="Again, lower down")
    article.save()
    img = text_pictures(client, article.get_absolute_url())["Again, lower down"]
    assert [width for _, width in offered(img)] == [480, 800, 1200, 1600, 2400]


def test_a_locations_photo_is_offered_with_its_copies_in_every_kind_of_text(client):
    location = location_with_photo(photo_bytes((1000, 700), "PNG"), name="front-door.png")
    name = location.photo.name
    expected = [(copy(name, 480), 480), (copy(name, 800), 800), (name, 1000)]
    location.body = f"<p>Our entrance:</p>{in_text(name, alt='The front door')}"
    location.save()
    article = ArticleFactory(body=in_text(name, alt="The front door"))
    page = PageFactory(body=f"<h2>Where</h2>{in_text(name, alt='The front door')}")
    FAQFactory(answer=in_text(name, alt="The front door"))

    for url, css_class in (
        (location.get_absolute_url(), "rich-text"),
        (article.get_absolute_url(), "rich-text"),
        (page.get_absolute_url(), "rich-text"),
        (reverse("faqs:list"), "faq__answer rich-text"),
    ):
        img = text_pictures(client, url, css_class)["The front door"]
        assert offered(img) == expected, url


def test_a_picture_whose_copies_are_not_made_or_not_worth_making_gets_no_srcset(client):
    failed = article_with_picture(photo_bytes((1300, 900)), name="failed.jpg")
    # As a picture whose copies could not be made when it was stored: none is named, though the
    # files of two are there (left by the attempt, say).
    Article.objects.filter(pk=failed.pk).update(hero_image_copy_widths=None)
    small = article_with_picture(png_bytes((300, 200)), name="map.png")
    assert small.hero_image_copy_widths == []
    unread = location_with_photo(photo_bytes((1300, 900)))
    Location.objects.filter(pk=unread.pk).update(photo_width=None)
    article = ArticleFactory(
        body=in_text(failed.hero_image.name, alt="Failed")
        + in_text(small.hero_image.name, alt="Small")
        + in_text(unread.photo.name, alt="Unread")
    )

    pictures = text_pictures(client, article.get_absolute_url())

    assert {alt: img.get("srcset") for alt, img in pictures.items()} == {
        "Failed": None,
        "Small": None,
        "Unread": None,
    }
    assert all(img.get("sizes") is None and img.get("loading") == "lazy" for img in pictures.values())


def test_two_rows_that_name_one_picture_differently_offer_only_the_copies_both_name(client):
    """A picture set on a second row by name brings its record with it; should the two records
    differ, only what both say was made is offered."""
    pictured = article_with_picture(photo_bytes((2400, 1600)))
    name = pictured.hero_image.name
    LocationFactory(
        photo=name,
        photo_alt="The group room",
        photo_width=2400,
        photo_height=1600,
        photo_copy_widths=[480, 800],
    )
    article = ArticleFactory(body=in_text(name))
    img = text_pictures(client, article.get_absolute_url())["The group room"]
    assert [width for _, width in offered(img)] == [480, 800, 2400]

    Location.objects.update(photo_width=1200)  # and on its width: nothing is sure
    pictured.save()  # a new content version
    assert text_pictures(client, article.get_absolute_url())["The group room"].get("srcset") is None


def test_a_rows_record_is_taken_over_an_editor_record_of_the_same_name(client):
    """A record of the editor's under a picture field's name can only be older than the row's
    (a file of that name deleted by hand, say): the row's, made with the picture it shows, holds."""
    from carter_site.models import EditorPicture

    pictured = article_with_picture(photo_bytes((1300, 900)))
    name = pictured.hero_image.name
    EditorPicture.objects.create(name=name, width=2400, copy_widths=[480, 800, 1200, 1600])
    article = ArticleFactory(body=in_text(name))
    img = text_pictures(client, article.get_absolute_url())["The group room"]
    assert [width for _, width in offered(img)] == [480, 800, 1300]


# --- A picture replaced or deleted after the text was written


def test_replacing_an_articles_picture_stops_offering_the_copies_of_the_old_one(client):
    """The old picture stays at its address (the text shows it), but no row records its copies
    any more: it is shown at its full size, never with copies nobody vouches for; the new one is
    offered with its own, at once, though the pages were cached."""
    pictured = article_with_picture(photo_bytes((2400, 1600)))
    old = pictured.hero_image.name
    article = ArticleFactory(body=in_text(old, alt="Old"))
    assert [width for _, width in offered(text_pictures(client, article.get_absolute_url())["Old"])] == [
        480, 800, 1200, 1600, 2400,
    ]  # fmt: skip

    pictured.hero_image.save("smaller.jpg", ContentFile(photo_bytes((1000, 700))))
    new = pictured.hero_image.name
    assert new != old and default_storage.exists(old)

    assert text_pictures(client, article.get_absolute_url())["Old"].get("srcset") is None
    article.body = in_text(old, alt="Old") + in_text(new, alt="New")
    article.save()
    pictures = text_pictures(client, article.get_absolute_url())
    assert pictures["Old"].get("srcset") is None
    assert offered(pictures["New"]) == [(copy(new, 480), 480), (copy(new, 800), 800), (new, 1000)]


def test_the_copies_follow_a_replacement_in_the_admin_and_a_deleted_location(staff_client, client):
    location = location_with_photo(photo_bytes((1300, 900)))
    name = location.photo.name
    article = ArticleFactory(body=in_text(name, alt="The front door"))
    assert text_pictures(client, article.get_absolute_url())["The front door"].get("srcset")

    # The photo cleared in the admin's form: the row no longer records it.
    data = admin_form_data(staff_client.get(change_url(location)))
    data["photo-clear"] = "on"
    data["photo_alt"] = ""
    response = staff_client.post(change_url(location), data)
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    location.refresh_from_db()
    assert not location.photo
    assert text_pictures(client, article.get_absolute_url())["The front door"].get("srcset") is None

    other = location_with_photo(photo_bytes((1300, 900)), name="back-door.jpg")
    article.body = in_text(other.photo.name, alt="The back door")
    article.save()
    assert text_pictures(client, article.get_absolute_url())["The back door"].get("srcset")
    other.delete()
    assert text_pictures(client, article.get_absolute_url())["The back door"].get("srcset") is None


def test_picture_copies_makes_the_copies_of_an_articles_picture_a_text_shows(client):
    """A picture stored before copies were made is shown at full size in a text too, until
    `manage.py picture_copies` makes its copies; then the text offers them."""
    pictured = ArticleFactory(
        hero_image=default_storage.save("articles/2025/03/walk.jpg", ContentFile(photo_bytes((1300, 900)))),
        hero_image_alt="The group room",
    )
    pictured.refresh_from_db()
    assert pictured.hero_image_copy_widths is None
    article = ArticleFactory(body=in_text(pictured.hero_image.name))
    assert text_pictures(client, article.get_absolute_url())["The group room"].get("srcset") is None

    out, err, failure = picture_copies()

    assert (err, failure) == ("", None)
    assert "Article hero image: 1 picture given smaller copies." in out.splitlines()
    assert copies_of(pictured.hero_image.name) == [copy(pictured.hero_image.name, w) for w in (480, 800)]
    img = text_pictures(client, article.get_absolute_url())["The group room"]
    assert [width for _, width in offered(img)] == [480, 800, 1300]


# --- What it costs


def test_several_pictures_of_articles_and_locations_cost_no_query_more_than_none(
    client, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE_ENABLED = False
    names = [
        article_with_picture(photo_bytes((1300, 900)), name=f"room-{n}.jpg").hero_image.name for n in range(3)
    ]
    names += [
        location_with_photo(photo_bytes((1300, 900)), name=f"door-{n}.jpg").photo.name for n in range(3)
    ]
    several = ArticleFactory(slug="several", body="".join(in_text(name, alt=name) for name in names))
    none = ArticleFactory(slug="none", body="<p>No pictures.</p>")
    client.get(several.get_absolute_url())  # the site-wide data, once per content version

    with CaptureQueriesContext(connection) as without_pictures:
        text_pictures(client, none.get_absolute_url())
    with django_assert_max_num_queries(len(without_pictures)):
        pictures = text_pictures(client, several.get_absolute_url())
    assert len(pictures) == 6 and all(img.get("srcset") for img in pictures.values())

    # After a content change, the first page with such pictures reads every record in one query.
    ArticleFactory(slug="another")
    with CaptureQueriesContext(connection) as first:
        text_pictures(client, several.get_absolute_url())
    reading = [
        query["sql"] for query in first.captured_queries if "carter_site_editorpicture" in query["sql"]
    ]
    assert len(reading) == 1, reading
    assert all(
        table in reading[0]
        for table in ("carter_site_editorpicture", "articles_article", "locations_location")
    )


# --- The sanitiser still decides what an editor may write


def test_a_srcset_typed_on_an_articles_picture_is_dropped_and_the_records_one_written(client):
    pictured = article_with_picture(photo_bytes((1300, 900)))
    name = pictured.hero_image.name
    typed = (
        f'<p><img src="/media/{name}" srcset="https://elsewhere.example/track.gif 9000w" '
        'sizes="1px" alt="The group room"></p>'
    )
    assert "srcset" not in sanitise_html(typed) and "sizes" not in sanitise_html(typed)
    article = ArticleFactory(body=sanitise_html(typed))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "elsewhere.example" not in page and 'sizes="1px"' not in page
    img = text_pictures(client, article.get_absolute_url())["The group room"]
    assert [width for _, width in offered(img)] == [480, 800, 1300]
