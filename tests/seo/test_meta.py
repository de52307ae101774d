"""The head of every public page: title, description, canonical URL, Open Graph, Twitter card."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse
from PIL import Image

from tests.factories import ArticleFactory

from .helpers import head_meta, json_ld, parse, public_pages

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"


def canonical_of(response):
    _, links = head_meta(response)
    canonicals = links.get("canonical", [])
    assert len(canonicals) <= 1
    return canonicals[0]["href"] if canonicals else None


def title_of(response):
    return parse(response.content.decode()).find(".//head/title").text


def test_every_public_page_has_its_own_title_and_description(client, site):
    ArticleFactory.create_batch(10)  # a second page of articles
    urls = [*public_pages(site).values(), "/articles/?page=2"]
    titles, descriptions = set(), set()
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        metas, _ = head_meta(response)
        title = title_of(response)
        assert title and title.strip() == title, url
        assert 10 <= len(metas["description"]) <= 300, url
        titles.add(title)
        descriptions.add(metas["description"])
    assert len(titles) == len(urls)
    assert len(descriptions) == len(urls) - 1  # both locations use the factory's summary
    assert "Page 2 of 2." in head_meta(client.get("/articles/?page=2"))[0]["description"]


def test_canonical_url_is_absolute_and_drops_query_parameters(client, site):
    for url in public_pages(site).values():
        response = client.get(url, {"utm_source": "newsletter", "fbclid": "abc", "q": "x"})
        assert canonical_of(response) == ORIGIN + url
        metas, _ = head_meta(response)
        assert metas["og:url"] == ORIGIN + url


def test_pages_of_a_list_have_their_own_canonical_and_neighbours(client, db):
    ArticleFactory.create_batch(25)
    first = client.get("/articles/", {"page": 1, "utm_medium": "email"}, follow=True)
    assert first.redirect_chain == [("/articles/", 301)]  # page 1 is the list itself
    assert canonical_of(first) == f"{ORIGIN}/articles/"
    second = client.get("/articles/", {"page": 2, "utm_medium": "email"})
    assert canonical_of(second) == f"{ORIGIN}/articles/?page=2"
    _, links = head_meta(second)
    assert links["prev"][0]["href"] == "/articles/"  # page 1 is the list itself
    assert links["next"][0]["href"] == "/articles/?page=3"
    assert json_ld(second)[2]["url"] == f"{ORIGIN}/articles/?page=2"
    last = client.get("/articles/", {"page": "last"}, follow=True)
    assert last.redirect_chain == [("/articles/?page=3", 302)]  # the last page's own address
    assert canonical_of(last) == f"{ORIGIN}/articles/?page=3"
    assert "next" not in head_meta(last)[1]
    html = second.content.decode()
    assert 'href="/articles/" rel="prev"' in html and 'href="/articles/?page=3" rel="next"' in html


def test_canonical_is_https_in_production(client, site, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = site["article"].get_absolute_url()
    # Behind the load balancer, which terminates TLS and says so.
    response = client.get(url, headers={"host": "testserver", "x-forwarded-proto": "https"})
    assert canonical_of(response) == f"https://testserver{url}"
    graph = json_ld(response)
    assert all(node["@id"].startswith("https://testserver/") for node in graph if "@id" in node)
    metas, _ = head_meta(response)
    assert metas["og:image"].startswith("https://testserver/media/")


def test_a_configured_site_url_fixes_the_host_of_every_absolute_url(client, site, settings):
    settings.SITE_URL = "https://www.example.org/"
    settings.ALLOWED_HOSTS = ["testserver", "other.example.org"]
    response = client.get("/locations/", headers={"host": "other.example.org"})
    assert canonical_of(response) == "https://www.example.org/locations/"
    assert "other.example.org" not in response.content.decode()
    assert "Sitemap: https://www.example.org/sitemap.xml" in client.get("/robots.txt").content.decode()


def test_a_title_with_an_apostrophe_or_ampersand_is_escaped_once(client, site):
    article = ArticleFactory(title="What's IOP & what does it cost?")
    response = client.get(article.get_absolute_url())
    assert title_of(response) == "What's IOP & what does it cost? · The Carter Treatment Center"
    page = response.content.decode()
    assert "&amp;amp;" not in page and "&amp;#x27;" not in page
    metas, _ = head_meta(response)
    assert metas["og:title"] == metas["twitter:title"] == "What's IOP & what does it cost?"


def test_open_graph_and_twitter_card_use_the_hero_image_when_there_is_one(client, site):
    article = site["article"]
    metas, _ = head_meta(client.get(article.get_absolute_url()))
    hero = ORIGIN + article.hero_image.url
    assert metas["og:type"] == "article"
    assert metas["og:image"] == metas["twitter:image"] == hero
    assert (metas["og:image:width"], metas["og:image:height"]) == ("1200", "630")
    assert metas["og:image:alt"] == metas["twitter:image:alt"] == "A quiet group room with chairs in a circle"
    assert metas["twitter:card"] == "summary_large_image"
    # The page's own title: og:site_name carries the site's name, which <title> adds when it fits.
    assert metas["og:title"] == metas["twitter:title"] == article.get_page_title()
    assert metas["og:site_name"] == "The Carter Treatment Center"
    assert metas["article:published_time"].startswith(str(article.published_at.astimezone().year))


def test_pages_without_a_picture_share_the_default_site_image(client, site):
    for name, url in public_pages(site).items():
        if name == "article":
            continue
        metas, _ = head_meta(client.get(url))
        assert metas["og:image"] == f"{ORIGIN}/static/img/share-default.png", name
        assert metas["og:site_name"] == "The Carter Treatment Center"
        assert metas["og:title"] and metas["og:description"] and metas["twitter:card"]
        assert metas["og:type"] == ("article" if name.startswith("article-without") else "website")


def test_default_share_image_and_logo_exist_at_the_sizes_the_tags_announce():
    for name, size in (("img/share-default.png", (1200, 630)), ("img/logo.png", (512, 512))):
        path = finders.find(name)
        assert path, name
        with Image.open(path) as image:
            assert image.format == "PNG" and image.size == size
        with open(path, "rb") as file:
            assert len(file.read()) < 100 * 1024, f"{name} should stay small"


def test_pages_not_to_be_indexed_have_no_canonical(client, staff_client, site):
    not_found = client.get("/no-such-page/")
    assert not_found.status_code == 404 and canonical_of(not_found) is None
    search = client.get(reverse("search"), {"q": "week"})
    assert canonical_of(search) is None
    assert head_meta(search)[0]["robots"] == "noindex, follow"


def test_staff_preview_of_a_draft_is_noindex_without_canonical(staff_client, site):
    response = staff_client.get(site["hidden_articles"]["draft"].get_absolute_url())
    assert response.status_code == 200
    assert head_meta(response)[0]["robots"] == "noindex, nofollow"
    assert canonical_of(response) is None


def test_pages_that_are_not_public_carry_no_social_tags_or_structured_data(staff_client, client, site):
    """A draft's address is not one to share, and a shared preview's is a key to the draft."""
    from articles.models import PreviewLink

    draft = site["hidden_articles"]["draft"]
    link = PreviewLink.objects.create(article=draft, note="Dr. Lee")
    for response in (staff_client.get(draft.get_absolute_url()), client.get(link.get_absolute_url())):
        assert response.status_code == 200
        html = response.content.decode()
        assert 'property="og:' not in html and 'name="twitter:' not in html
        assert "application/ld+json" not in html
        assert link.token not in html.split("</head>")[0]
    # A public page keeps both.
    html = client.get(site["article"].get_absolute_url()).content.decode()
    assert 'property="og:url"' in html and "application/ld+json" in html


def test_feeds_are_advertised_in_the_head_of_every_page(client, site):
    for url in public_pages(site).values():
        _, links = head_meta(client.get(url))
        alternates = {link["type"]: link["href"] for link in links["alternate"]}
        assert alternates == {
            "application/rss+xml": reverse("articles-feed"),
            "application/atom+xml": reverse("articles-atom-feed"),
        }


def test_titles_name_the_site_when_it_fits_and_never_run_past_65_characters(client, site, db):
    from tests.factories import ArticleFactory

    short = ArticleFactory(title="What a week of IOP looks like")
    long = ArticleFactory(title="Anxiety, burnout and drinking: when the ways you cope stop working")
    seo = ArticleFactory(
        title="Whatever", seo_title="Coming back to treatment after you stepped away, without shame"
    )
    assert (
        title_of(client.get(short.get_absolute_url()))
        == "What a week of IOP looks like · The Carter Treatment Center"
    )
    assert title_of(client.get(long.get_absolute_url())) == long.title
    assert title_of(client.get(seo.get_absolute_url())) == seo.seo_title
    assert title_of(client.get("/")).startswith("The Carter Treatment Center")
    for name, url in public_pages(site).items():
        title = title_of(client.get(url))
        assert len(title) <= 65 or "·" not in title, (name, title)


def test_the_locations_list_names_its_towns_in_a_sentence(client, site):
    from tests.factories import LocationFactory

    LocationFactory(name="Commerce", slug="commerce-town", order=50)
    description = head_meta(client.get("/locations/"))[0]["description"]
    assert " and Commerce, Georgia:" in description
    assert ", Commerce" not in description


def test_the_locations_list_has_a_whole_description_before_any_location_is_published(client, db):
    # A production site starts from an empty database: the list is live before its locations.
    description = head_meta(client.get("/locations/"))[0]["description"]
    assert " in ," not in description and " in  " not in description
    assert (
        description == "Where to find our intensive outpatient programs: addresses, hours and phone numbers."
    )
