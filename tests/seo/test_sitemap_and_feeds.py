"""sitemap.xml, robots.txt and the RSS and Atom feeds list exactly what is public."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from carter_site.caching import content_changed
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def sitemap_entries(client, **kwargs):
    response = client.get(reverse("sitemap"), **kwargs)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    return {
        url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod") for url in root.iter(f"{SITEMAP}url")
    }


def rss_links(client):
    response = client.get(reverse("articles-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    return [item.findtext("link") for item in channel.iter("item")]


def atom_links(client):
    response = client.get(reverse("articles-atom-feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "The Carter Treatment Center"
    return [entry.find(f"{ATOM}link").get("href") for entry in feed.iter(f"{ATOM}entry")]


def live_article_urls(site):
    return [ORIGIN + site[key].get_absolute_url() for key in ("article", "coming_back")]


def test_sitemap_lists_the_pages_and_exactly_the_live_articles_locations_topics_and_standing_pages(
    client, site
):
    entries = sitemap_entries(client)
    expected = {
        f"{ORIGIN}/",
        f"{ORIGIN}/articles/",
        f"{ORIGIN}/locations/",
        f"{ORIGIN}/faqs/",
        f"{ORIGIN}/testimonials/",
        *live_article_urls(site),
        *(ORIGIN + faq.topic.get_absolute_url() for faq in site["faqs"]),  # topics with published FAQs
        f"{ORIGIN}/locations/alpharetta/",
        f"{ORIGIN}/locations/jefferson/",
        f"{ORIGIN}/privacy/",
    }
    assert set(entries) == expected
    assert len(entries) == len(expected)
    for url, lastmod in entries.items():
        assert dt.date.fromisoformat(lastmod) <= timezone.localdate() + dt.timedelta(days=1), url


def test_sitemap_lastmod_of_an_article_is_its_last_change(client, site):
    article = site["coming_back"]
    Article.objects.filter(pk=article.pk).update(updated_at=dt.datetime(2024, 3, 5, 12, tzinfo=dt.UTC))
    Article.objects.filter(pk=article.pk).update(published_at=dt.datetime(2024, 2, 1, 12, tzinfo=dt.UTC))
    assert sitemap_entries(client)[ORIGIN + article.get_absolute_url()] == "2024-03-05"


def test_sitemap_lastmod_follows_the_answers_and_quotes_a_page_shows(client, site):
    """Google trusts lastmod only while it stays accurate: a page changes when an FAQ answer or a
    client's quote on it does, not only when its own row is saved."""
    from faqs.models import FAQ
    from locations.models import Location
    from testimonials.models import Testimonial

    article, alpharetta = site["article"], Location.objects.get(slug="alpharetta")
    long_ago = dt.datetime(2024, 1, 10, 12, tzinfo=dt.UTC)
    for model in (Article, Location, FAQ, Testimonial):
        model.objects.update(updated_at=long_ago)
    Article.objects.published().update(published_at=long_ago)
    content_changed()
    article_url, location_url = ORIGIN + article.get_absolute_url(), f"{ORIGIN}/locations/alpharetta/"
    assert sitemap_entries(client)[article_url] == "2024-01-10"

    parking = FAQ.objects.get(question="Is there parking?")  # on the article and on Alpharetta
    FAQ.objects.filter(pk=parking.pk).update(updated_at=dt.datetime(2024, 5, 2, 12, tzinfo=dt.UTC))
    FAQ.objects.filter(is_published=False).update(updated_at=dt.datetime(2024, 9, 9, 12, tzinfo=dt.UTC))
    content_changed()  # update() sends no signal
    entries = sitemap_entries(client)
    assert entries[article_url] == entries[location_url] == "2024-05-02"  # the unpublished one counts not

    quote = article.testimonial_placements.get().testimonial
    Testimonial.objects.filter(pk=quote.pk).update(updated_at=dt.datetime(2024, 6, 3, 12, tzinfo=dt.UTC))
    featured = Testimonial.objects.get(location=alpharetta)
    Testimonial.objects.filter(pk=featured.pk).update(updated_at=dt.datetime(2024, 7, 4, 12, tzinfo=dt.UTC))
    content_changed()
    entries = sitemap_entries(client)
    assert entries[article_url] == "2024-06-03"
    assert entries[location_url] == "2024-07-04"
    assert entries[f"{ORIGIN}/"] == "2024-07-04"  # the home page shows featured stories too
    assert not quote.is_featured  # a story the home page does not show leaves its date alone
    Testimonial.objects.filter(pk=quote.pk).update(updated_at=dt.datetime(2024, 8, 1, 12, tzinfo=dt.UTC))
    content_changed()
    entries = sitemap_entries(client)
    assert (entries[article_url], entries[f"{ORIGIN}/"]) == ("2024-08-01", "2024-07-04")


def test_sitemap_urls_are_https_in_production(client, site, settings):
    settings.SECURE_SSL_REDIRECT = True
    entries = sitemap_entries(client, secure=True)
    assert entries and all(url.startswith("https://testserver/") for url in entries)


def test_feeds_list_exactly_the_live_articles_newest_first(client, site):
    expected = live_article_urls(site)  # published a day ago, then three days ago
    assert rss_links(client) == expected
    assert atom_links(client) == expected


def test_a_draft_appears_in_sitemap_and_feeds_only_once_published(client, site):
    draft = ArticleFactory(draft=True, title="Sleep in early recovery", slug="sleep")
    url = ORIGIN + draft.get_absolute_url()
    assert url not in sitemap_entries(client)
    assert url not in rss_links(client) and url not in atom_links(client)

    draft.status = Article.Status.PUBLISHED
    draft.save()  # publishing sets the publish time to now

    assert url in sitemap_entries(client)
    assert rss_links(client)[0] == url
    assert atom_links(client)[0] == url


def test_scheduled_and_expired_articles_stay_out_until_live_and_leave_when_expired(client, site):
    scheduled = site["hidden_articles"]["scheduled"]
    url = ORIGIN + scheduled.get_absolute_url()
    assert url not in sitemap_entries(client) and url not in rss_links(client)
    # update() sends no signal: say so, as code that changes content this way must (carter_site.caching).
    Article.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - dt.timedelta(minutes=1))
    content_changed()
    assert url in sitemap_entries(client) and url in rss_links(client)
    Article.objects.filter(pk=scheduled.pk).update(expires_at=timezone.now())
    content_changed()
    assert url not in sitemap_entries(client) and url not in rss_links(client)


def test_feed_items_carry_title_summary_dates_and_byline(client, site):
    article = site["article"]
    channel = ET.fromstring(client.get(reverse("articles-feed")).content).find("channel")
    assert channel.findtext("link") == f"{ORIGIN}/articles/"
    item = next(i for i in channel.iter("item") if i.findtext("link").endswith(article.get_absolute_url()))
    assert item.findtext("title") == article.title
    assert item.findtext("description") == article.summary  # no characters HTML would read here
    assert item.findtext("pubDate")
    assert item.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Dana Reyes, LPC"
    feed = ET.fromstring(client.get(reverse("articles-atom-feed")).content)
    self_link = next(link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self")
    assert self_link.get("href") == f"{ORIGIN}/feeds/articles/atom/"
    entry = next(e for e in feed.iter(f"{ATOM}entry") if e.find(f"{ATOM}title").text == article.title)
    assert entry.findtext(f"{ATOM}updated") and entry.findtext(f"{ATOM}published")


def test_robots_txt_points_to_the_sitemap_and_does_not_reveal_the_admin(client, db):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    # The admin's address is kept out of public files; its pages say noindex themselves.
    assert not [line for line in lines if reverse("admin:index") in line]
    assert "Disallow: /search/" in lines  # internal search results are not for the index
    assert f"Sitemap: {ORIGIN}/sitemap.xml" in lines
    assert "Disallow: /" not in lines  # the public site stays open


def test_sitemap_and_feeds_cost_a_fixed_number_of_queries(client, site, django_assert_max_num_queries):
    ArticleFactory.create_batch(15)
    # One more for the standing pages, one for the FAQ topics, two for the clinicians' pages and their list.
    with django_assert_max_num_queries(14):
        client.get(reverse("sitemap"))
    with django_assert_max_num_queries(4):
        client.get(reverse("articles-feed"))


def cache_seconds(response):
    directives = dict(
        part.strip().partition("=")[::2] for part in response["Cache-Control"].split(",") if part.strip()
    )
    return int(directives["max-age"])


def test_the_sitemap_may_be_kept_an_hour_but_never_past_the_next_scheduled_change(client):
    ArticleFactory()
    assert 0 < cache_seconds(client.get(reverse("sitemap"))) <= 3600
    content_changed()
    going = ArticleFactory(title="Taken down soon", expires_at=timezone.now() + dt.timedelta(seconds=90))
    response = client.get(reverse("sitemap"))
    assert "public" in response["Cache-Control"]
    assert cache_seconds(response) <= 90
    assert ORIGIN + going.get_absolute_url() in sitemap_entries(client)
    content_changed()
    ArticleFactory(
        title="Coming soon", published_at=timezone.now() + dt.timedelta(seconds=40), status="published"
    )
    assert cache_seconds(client.get(reverse("sitemap"))) <= 40


def test_a_feed_entry_keeps_its_id_when_the_article_is_renamed(client, site):
    article = site["article"]

    def ids():
        rss = ET.fromstring(client.get(reverse("articles-feed")).content).find("channel")
        atom = ET.fromstring(client.get(reverse("articles-atom-feed")).content)
        item = next(i for i in rss.iter("item") if i.findtext("title") == article.title)
        entry = next(e for e in atom.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == article.title)
        assert item.find("guid").get("isPermaLink") == "false"
        return item.findtext("guid"), entry.findtext(f"{ATOM}id")

    before = ids()
    assert before == (f"tag:testserver,2026:articles/{article.pk}",) * 2
    article.slug = "a-new-name-for-it"
    article.save()
    content_changed()
    assert ids() == before


def test_a_summary_is_plain_text_in_feeds_as_on_the_site(client, site):
    article = site["article"]
    article.summary = "Why we say <b>you</b> & not “the patient”."
    article.save()
    content_changed()
    channel = ET.fromstring(client.get(reverse("articles-feed")).content).find("channel")
    item = next(i for i in channel.iter("item") if i.findtext("title") == article.title)
    # The reader gets HTML, so the text's own "<b>" arrives escaped: shown, never bold.
    assert item.findtext("description") == "Why we say &lt;b&gt;you&lt;/b&gt; &amp; not “the patient”."


# --- Characters no page text may carry (carter_site.text.HIDDEN_CHARACTERS) -----------------------


def test_a_title_pasted_with_control_characters_is_saved_without_them_and_the_feeds_still_work(
    staff_client, client
):
    """Word's manual line break (\\x0b) and other control characters arrive with pasted text.
    XML 1.0 refuses them: one in a title took both feeds down for every subscriber."""
    from tests.admin_forms import edit_in_admin

    article = ArticleFactory(title="Before", summary="Before.")
    edit_in_admin(
        staff_client, article, title="Weekends\x0bwithout\x1b a drink", summary="Plans\x0cthat hold.\x1f",
        author="Dana\x07 Reyes",
    )  # fmt: skip
    article.refresh_from_db()
    assert (article.title, article.summary, article.author) == (
        "Weekends without a drink",
        "Plans that hold.",
        "Dana Reyes",
    )
    for name in ("articles-feed", "articles-atom-feed"):
        response = client.get(reverse(name))
        assert response.status_code == 200
        assert "Weekends without a drink" in response.content.decode()
        ET.fromstring(response.content)


def test_a_row_written_with_control_characters_before_does_not_break_the_feeds(client):
    """Rows saved before the cleaning (or by SQL) are cleaned on the way out as well."""
    article = ArticleFactory(title="Clean for now", summary="Fine.")
    Article.objects.filter(pk=article.pk).update(title="Old\x0btitle", summary="Old\x1esummary")
    content_changed()
    for name in ("articles-feed", "articles-atom-feed"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "Old title" in response.content.decode()
        ET.fromstring(response.content)


def test_direction_marks_are_taken_out_of_names_and_quotes_wherever_they_are_saved():
    """U+202E in a title makes the rest of it read backwards, on every page that shows it."""
    from tests.factories import FAQFactory, LocationFactory, TestimonialFactory

    article = ArticleFactory(title="Weekend \u202ePlans\u202c Matter")
    faq = FAQFactory(question="Is \u2066parking\u2069 free?")
    location = LocationFactory(name="Alpharetta\u200f")
    quote = TestimonialFactory(quote="First line\nsecond\u202e line")
    assert Article.objects.get(pk=article.pk).title == "Weekend Plans Matter"
    assert type(faq).objects.get(pk=faq.pk).question == "Is parking free?"
    assert type(location).objects.get(pk=location.pk).name == "Alpharetta"
    assert type(quote).objects.get(pk=quote.pk).quote == "First line\nsecond line"  # its lines kept
