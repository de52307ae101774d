"""A byline naming the clinician who wrote an article (Article.written_by): the article's line
and its link, the rule of one byline, the structured data and the feeds, the clinician's page,
the page cache, the admin, restoring old versions and what each page costs."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles.admin import ArticleAdmin
from articles.models import Clinician
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in
from tests.articles.test_clinician_pages import clinician, reviewed, text
from tests.caching.test_query_budget import PAGE_QUERIES, site_data_cached
from tests.factories import ArticleFactory
from tests.seo.helpers import json_ld, one_of_type

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def listed(response):
    """The list of articles on a clinician's page."""
    page = text(response)
    start = page.index('<ul class="reviewed-articles">')
    return page[start : page.index("</ul>", start)]


def byline(response):
    """The line under the headline: "By …", the publish date and the reading time."""
    page = text(response)
    start = page.index('<p class="article__meta">')
    return " ".join(page[start : page.index("</p>", start)].split())


@pytest.fixture
def morgan():
    return clinician(has_page=True, bio="Morgan leads the evening groups.")


@pytest.fixture
def editor():
    return signed_in(MARKETING_EDITORS, "erin", first_name="Erin")


@pytest.fixture
def admin_browser():
    return signed_in(SITE_ADMINISTRATORS, "ada", first_name="Ada")


# --- The article's byline.


def test_a_clinician_with_a_page_is_the_byline_linked_to_it(client, morgan):
    article = ArticleFactory(written_by=morgan)
    assert article.author == ""
    line = byline(client.get(article.get_absolute_url()))
    assert 'By <a href="/clinicians/morgan-hale/">Morgan Hale, LCSW</a> ·' in line


def test_a_clinician_without_a_page_is_named_in_plain_text(client):
    article = ArticleFactory(written_by=clinician())
    line = byline(client.get(article.get_absolute_url()))
    assert "By Morgan Hale, LCSW ·" in line
    assert "<a " not in line


def test_without_a_clinician_the_typed_byline_reads_as_before(client, morgan):
    typed = ArticleFactory(author="Carter admissions team")
    assert "By Carter admissions team ·" in byline(client.get(typed.get_absolute_url()))
    none = ArticleFactory(author="")
    assert "By " not in byline(client.get(none.get_absolute_url()))


# --- One byline: a clinician or typed words, never both.


def test_an_editor_chooses_the_clinician_who_wrote_it_in_the_admin(editor, morgan):
    article = ArticleFactory()
    form = editor.get(change_url(article))
    field = form.context["adminform"].form.fields["written_by"]
    assert "the clinician who wrote the article" in field.help_text
    assert list(form.context["adminform"].form.fields).index("written_by") == (
        list(form.context["adminform"].form.fields).index("author") + 1
    )
    edit_in_admin(editor, article, author="", written_by=str(morgan.pk))
    article.refresh_from_db()
    assert (article.written_by, article.author) == (morgan, "")


def test_both_bylines_are_refused_beside_the_field_naming_both_and_nothing_is_saved(editor, morgan):
    article = ArticleFactory(author="Carter clinical team")
    title = article.title
    data = admin_form_data(editor.get(change_url(article)))
    data.update(title="A new headline", written_by=str(morgan.pk))
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    (error,) = form.errors["written_by"]
    assert "Morgan Hale, LCSW" in error and "“Carter clinical team”" in error and "“author”" in error
    assert "__all__" not in form.errors  # said once, beside the field, not again at the top
    article.refresh_from_db()
    assert (article.title, article.written_by, article.author) == (title, None, "Carter clinical team")


def test_the_database_refuses_both_bylines_too(morgan):
    article = ArticleFactory(author="Carter clinical team")
    article.written_by = morgan
    with pytest.raises(IntegrityError), transaction.atomic():
        article.save()


def test_an_unknown_clinician_is_a_form_error_not_a_crash(editor):
    article = ArticleFactory(author="")
    data = admin_form_data(editor.get(change_url(article)))
    data.update(written_by="999999")
    response = editor.post(change_url(article), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["written_by"]


def test_a_clinician_named_as_a_writer_cannot_be_deleted(morgan):
    ArticleFactory(written_by=morgan)
    with pytest.raises(ProtectedError):
        morgan.delete()
    assert Clinician.objects.filter(pk=morgan.pk).exists()


def test_the_admin_refuses_to_delete_a_writer_and_names_their_articles(admin_browser, morgan):
    article = ArticleFactory(title="Evenings in Alpharetta", written_by=morgan)
    url = reverse("admin:articles_clinician_delete", args=[morgan.pk])
    page = text(admin_browser.get(url))
    assert "Evenings in Alpharetta" in page
    assert reverse("admin:articles_article_change", args=[article.pk]) in page
    admin_browser.post(url, {"post": "yes"})
    assert Clinician.objects.filter(pk=morgan.pk).exists()
    article.refresh_from_db()
    assert article.written_by == morgan


def test_the_article_list_shows_and_searches_the_clinician_who_wrote_it(editor, morgan):
    ArticleFactory(title="Written by Morgan", written_by=morgan)
    ArticleFactory(title="Typed byline", author="Carter admissions team")
    listing = editor.get(reverse("admin:articles_article_changelist"))
    page = text(listing)
    assert "Morgan Hale, LCSW" in page and "Carter admissions team" in page
    found = editor.get(reverse("admin:articles_article_changelist"), {"q": "Hale"})
    assert [article.title for article in found.context["cl"].result_list] == ["Written by Morgan"]


# --- Structured data and feeds.


def test_the_articles_author_is_the_clinician_with_their_pages_url(client, morgan):
    article = ArticleFactory(written_by=morgan)
    node = one_of_type(json_ld(client.get(article.get_absolute_url())), "Article")
    assert node["author"] == {
        "@type": "Person",
        "@id": "http://testserver/clinicians/morgan-hale/#person",
        "name": "Morgan Hale",
        "honorificSuffix": "LCSW",
        "url": "http://testserver/clinicians/morgan-hale/",
    }


def test_a_writer_without_a_page_has_no_url_and_nothing_is_guessed(client):
    # A name with a word the typed byline reads as a team: chosen, it is a person all the same.
    article = ArticleFactory(written_by=clinician(name="Clinic Staffordson", slug="clinic-staffordson"))
    node = one_of_type(json_ld(client.get(article.get_absolute_url())), "Article")
    assert node["author"] == {"@type": "Person", "name": "Clinic Staffordson", "honorificSuffix": "LCSW"}


def test_the_feeds_name_the_clinician_and_atom_links_their_page(client, morgan):
    ArticleFactory(written_by=morgan)
    atom = ET.fromstring(client.get(reverse("articles-atom-feed")).content)
    entry = atom.find(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Morgan Hale, LCSW"
    assert entry.find(f"{ATOM}author/{ATOM}uri").text == "http://testserver/clinicians/morgan-hale/"
    rss = ET.fromstring(client.get(reverse("articles-feed")).content)
    assert (
        rss.find("channel/item").findtext("{http://purl.org/dc/elements/1.1/}creator") == "Morgan Hale, LCSW"
    )


# --- The clinician's page.


def test_the_clinicians_page_lists_the_live_articles_they_wrote(client, morgan):
    other = clinician(name="Jordan Okafor", slug="jordan-okafor", has_page=True)
    ArticleFactory(title="Listed: written, live", written_by=morgan)
    reviewed(other, title="Listed: written by Morgan, reviewed by Jordan", written_by=morgan)
    reviewed(morgan, title="Listed: written and reviewed by Morgan", written_by=morgan)
    changed = reviewed(other, title="Listed: written, its review out of date", written_by=morgan)
    changed.body += "<p>A sentence Jordan has not read.</p>"
    changed.save()
    ArticleFactory(title="Hidden: a draft Morgan wrote", written_by=morgan, draft=True)
    ArticleFactory(title="Hidden: scheduled", written_by=morgan, scheduled=True)
    ArticleFactory(title="Hidden: taken down", written_by=morgan, expired=True)
    ArticleFactory(title="Hidden: written by Jordan", written_by=other)

    response = client.get("/clinicians/morgan-hale/")
    assert "Articles Morgan Hale wrote or reviewed</h2>" in text(response)
    assert "Hidden:" not in text(response)
    articles = listed(response)
    assert articles.count("<li>") == 4
    assert articles.count("written by Morgan Hale") == 4
    assert articles.count("written by Morgan Hale and reviewed on <time") == 1


def test_a_clinician_who_wrote_nothing_keeps_the_page_of_reviews_as_before(client, morgan):
    reviewed(morgan, title="Reviewed, not written")
    page = text(client.get("/clinicians/morgan-hale/"))
    assert "Articles Morgan Hale reviewed</h2>" in page
    assert "written by" not in page and "reviewed on <time" in page


def test_written_and_reviewed_articles_come_newest_first_by_the_date_they_show(client, morgan):
    june_26 = dt.datetime(2026, 6, 26, 13, 0, tzinfo=dt.UTC)
    ArticleFactory(title="Published May 12", written_by=morgan, published_at=june_26 - dt.timedelta(days=45))
    reviewed(morgan, title="Reviewed June 19")  # published yesterday: listed by its review date
    ArticleFactory(title="Published June 26", written_by=morgan, published_at=june_26)
    articles = listed(client.get("/clinicians/morgan-hale/"))
    order = [articles.index(title) for title in ("Published June 26", "Reviewed June 19", "Published May 12")]
    assert order == sorted(order)


def cold_page(url, django_assert_max_num_queries, at_most=PAGE_QUERIES):
    """Render `url` as the page cache does not have it, the site-wide data being cached, within
    `at_most` queries; the response and the queries it cost."""
    site_data_cached()
    with django_assert_max_num_queries(at_most) as queries:
        response = Client().get(url)
    assert response.status_code == 200 and response["X-Page-Cache"] == "miss"
    return response, len(queries)


def test_the_clinicians_page_costs_the_same_queries_with_few_or_many_written(
    morgan, django_assert_max_num_queries
):
    for _ in range(2):
        ArticleFactory(written_by=morgan)
        reviewed(morgan)
    response, few = cold_page(morgan.get_absolute_url(), django_assert_max_num_queries)
    assert listed(response).count("written by Morgan Hale") == 2
    for _ in range(30):
        ArticleFactory(written_by=morgan)
        reviewed(morgan)
    response, _ = cold_page(morgan.get_absolute_url(), django_assert_max_num_queries, at_most=few)
    assert listed(response).count("<li>") == 20  # a page of them, the newest: the ones written
    response, _ = cold_page(morgan.get_absolute_url() + "?page=4", django_assert_max_num_queries, at_most=few)
    assert listed(response).count("reviewed on <time") == 4  # the last page: reviewed in June


def test_the_article_page_costs_no_query_more_with_a_clinician_as_byline(
    morgan, django_assert_max_num_queries
):
    typed = ArticleFactory(author="Carter clinical team").get_absolute_url()
    _, queries = cold_page(typed, django_assert_max_num_queries)
    written = ArticleFactory(written_by=morgan).get_absolute_url()
    response, _ = cold_page(written, django_assert_max_num_queries, at_most=queries)
    assert "Morgan Hale, LCSW</a>" in byline(response)


# --- The page cache.


def test_editing_the_writer_shows_on_a_cached_article_at_once(admin_browser):
    quiet = clinician()
    article = ArticleFactory(written_by=quiet)
    visitor = Client()
    visitor.get(article.get_absolute_url())
    cached = visitor.get(article.get_absolute_url())
    assert cached["X-Page-Cache"] == "hit" and "<a " not in byline(cached)

    edit_in_admin(admin_browser, quiet, name="Morgan Hale-Rivera", has_page="on")
    fresh = visitor.get(article.get_absolute_url())
    assert fresh["X-Page-Cache"] == "miss"
    assert 'By <a href="/clinicians/morgan-hale/">Morgan Hale-Rivera, LCSW</a>' in byline(fresh)

    visitor.get(article.get_absolute_url())
    assert visitor.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    data = admin_form_data(admin_browser.get(change_url(quiet)))
    data.pop("has_page")  # the page withdrawn
    assert admin_browser.post(change_url(quiet), data).status_code == 302
    withdrawn = visitor.get(article.get_absolute_url())
    assert withdrawn["X-Page-Cache"] == "miss"
    assert "By Morgan Hale-Rivera, LCSW ·" in byline(withdrawn) and "<a " not in byline(withdrawn)


# --- History.


def restore(browser, article, version):
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    response = browser.get(url)
    if response.status_code != 200:
        return response
    return browser.post(url, admin_form_data(response))


def test_restoring_an_old_version_brings_back_its_byline(editor, morgan, client):
    article = ArticleFactory(author="Carter clinical team")
    edit_in_admin(editor, article, summary="Typed byline, first version.")
    edit_in_admin(editor, article, author="", written_by=str(morgan.pk))
    typed, written = Version.objects.get_for_object(article).order_by("pk")

    assert restore(editor, article, typed).status_code == 302
    article.refresh_from_db()
    assert (article.author, article.written_by) == ("Carter clinical team", None)
    assert "By Carter clinical team ·" in byline(client.get(article.get_absolute_url()))

    assert restore(editor, article, written).status_code == 302
    article.refresh_from_db()
    assert (article.author, article.written_by) == ("", morgan)
    assert "Morgan Hale, LCSW</a>" in byline(client.get(article.get_absolute_url()))


def test_restoring_a_version_whose_writer_was_deleted_since_is_refused_plainly(editor):
    gone = clinician(name="Sam Ortiz", slug="sam-ortiz")
    article = ArticleFactory(written_by=gone)
    edit_in_admin(editor, article, summary="Written by Sam.")
    edit_in_admin(editor, article, written_by="", author="Carter clinical team")
    gone.delete()
    (old,) = [v for v in Version.objects.get_for_object(article) if v.field_dict["written_by_id"]]

    response = restore(editor, article, old)
    assert response.status_code == 302
    messages = [str(message) for message in response.wsgi_request._messages]
    assert any("was deleted after it" in message for message in messages), messages
    article.refresh_from_db()
    assert (article.author, article.written_by) == ("Carter clinical team", None)


# --- The demo content.


def test_the_demo_has_an_article_written_by_a_clinician_and_reviewed_by_another(client):
    from django.core.management import call_command

    call_command("load_demo_content", verbosity=0)
    call_command("load_demo_content", verbosity=0)  # loaded again: the one byline rule still holds
    response = client.get("/articles/morning-or-evening-track-choosing-the-schedule-that-fits/")
    assert 'By <a href="/clinicians/morgan-hale/">Morgan Hale, LCSW</a>' in byline(response)
    assert "Clinically reviewed by" in text(response) and "Jordan Okafor" in text(response)
    assert "written by Morgan Hale" in listed(client.get("/clinicians/morgan-hale/"))


def test_the_article_list_sorts_by_the_byline_shown(editor, morgan):
    ArticleFactory(title="Typed Zed", author="Zed Writer")
    ArticleFactory(title="Typed Abe", author="Abe Writer")
    ArticleFactory(title="By Morgan", author="", written_by=morgan)
    url = reverse("admin:articles_article_changelist")
    column = 1 + ArticleAdmin.list_display.index("byline")
    rows = editor.get(url, {"o": str(column)}).context["cl"].result_list
    assert [row.title for row in rows] == ["Typed Abe", "By Morgan", "Typed Zed"]
