"""The date readers see (docs/editorial-workflow.md, "The date readers see"): an article says
"Updated" only when its words changed after it had been public, on a later day than it was
published; its JSON-LD dateModified, Open Graph tags and Atom feed say the same date. Through the
admin's own forms, as an editor's browser posts them."""

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.importing import decode_source, import_source
from articles.models import Article
from carter_site.roles import CLINICAL_REVIEWERS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in
from tests.factories import ArticleFactory, LocationFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
BODY = "<h2>The first day</h2><p>You meet your therapist and the group.</p>"


def days_ago(days):
    return timezone.now() - dt.timedelta(days=days)


def live(**fields):
    """A live article published ten days ago, its words never changed since."""
    return ArticleFactory(body=BODY, published_at=days_ago(10), **fields)


def saved(article):
    article.refresh_from_db()
    return article


def meta_line(response):
    assert response.status_code == 200
    return re.search(r'<p class="article__meta">(.*?)</p>', response.content.decode(), re.S)[1]


def json_ld_article(response):
    for block in re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', response.content.decode(), re.S
    ):
        data = json.loads(block)
        for node in data.get("@graph", [data]):
            if node.get("@type") == "Article":
                return node
    raise AssertionError("no Article in the page's JSON-LD")


def aware(text):
    return dt.datetime.fromisoformat(text)


# --- When the words are dated ----------------------------------------------------------------


def test_editing_a_draft_and_publishing_it_is_drafting_and_shows_no_updated_date(editor):
    article = ArticleFactory(draft=True, body=BODY)
    edit_in_admin(editor, article, body="<p>A first try at the words.</p>")
    edit_in_admin(editor, article, title="A better headline", summary="A better summary.")
    now = timezone.localtime()
    edit_in_admin(
        editor,
        article,
        body="<p>The words it goes out with.</p>",
        status="published",
        published_at_0=now.date().isoformat(),
        published_at_1=now.strftime("%H:%M:%S"),
    )
    article = saved(article)
    assert article.is_public and article.words_changed_at is None
    assert article.words_fingerprint == article.fingerprint()
    assert "Updated" not in meta_line(Client().get(article.get_absolute_url()))


def test_editing_a_scheduled_article_before_its_time_is_drafting(editor):
    article = ArticleFactory(scheduled=True, body=BODY)
    edit_in_admin(editor, article, body="<p>Changed before anyone could read it.</p>")
    assert saved(article).words_changed_at is None


def test_new_words_after_publishing_are_dated_and_shown_as_updated(editor):
    article = live()
    before = timezone.now()
    edit_in_admin(editor, article, body="<p>What the first week is like, said more plainly.</p>")
    article = saved(article)
    assert before <= article.words_changed_at <= timezone.now()
    line = meta_line(Client().get(article.get_absolute_url()))
    published = timezone.localtime(article.published_at)
    updated = timezone.localtime(article.words_changed_at)
    assert (
        f'Published <time datetime="{published.isoformat()}">{published:%B} {published.day}, {published.year}</time>'
        f' · Updated <time datetime="{updated.isoformat()}">{updated:%B} {updated.day}, {updated.year}</time>'
    ) in line


@pytest.mark.parametrize(
    "change",
    [{"title": "A new headline"}, {"summary": "A new summary, in other words."}],
    ids=["headline", "summary"],
)
def test_a_new_headline_or_summary_is_new_words_too(editor, change):
    article = live()
    edit_in_admin(editor, article, **change)
    assert saved(article).words_changed_at is not None


def test_an_article_taken_off_the_site_and_edited_is_dated(editor):
    """Readers had its old words: the new ones are news to them when it comes back."""
    article = live()
    edit_in_admin(editor, article, status="draft")
    edit_in_admin(editor, article, body="<p>Rewritten while it was off the site.</p>")
    assert saved(article).words_changed_at is not None


def test_the_first_edit_of_an_article_that_went_live_by_itself_is_dated(editor):
    """Scheduled, it went live at its time without a save: it has been public all the same."""
    article = ArticleFactory(scheduled=True, body=BODY)
    Article.objects.filter(pk=article.pk).update(published_at=days_ago(2))
    assert not saved(article).was_public
    edit_in_admin(editor, article, body="<p>Edited once it was live.</p>")
    assert saved(article).words_changed_at is not None


@pytest.mark.parametrize(
    "body",
    [
        "<h2>The first day</h2>\n\n<p>You meet your <strong>therapist</strong> and the group.</p>",
        "<h2>The first day</h2><p>You  meet your therapist and\nthe group.</p><p>&nbsp;</p>",
        '<h2 id="first">The first day</h2><p>You meet your <a href="/faqs/">therapist</a> and the group.</p>',
    ],
    ids=["bold", "spacing-and-blank-paragraph", "link-and-anchor"],
)
def test_markup_or_spacing_readers_cannot_see_is_not_new_words(editor, body):
    article = live()
    edit_in_admin(editor, article, body=body)
    article = saved(article)
    assert article.body != BODY  # the change was saved
    assert article.words_changed_at is None


def test_saves_that_leave_the_words_alone_do_not_date_the_article(editor):
    article = live()
    edit_in_admin(editor, article, seo_title="First week of treatment", meta_description="What to expect.")
    edit_in_admin(editor, article, status="draft")
    edit_in_admin(editor, article, status="published")
    location = LocationFactory()
    data = admin_form_data(editor.get(change_url(article)))
    count = int(data["location_links-TOTAL_FORMS"])
    data.update(
        {"location_links-TOTAL_FORMS": str(count + 1), f"location_links-{count}-location": str(location.pk)}
    )
    assert editor.post(change_url(article), data).status_code == 302
    article = saved(article)
    assert list(article.locations.all()) == [location]
    assert article.words_changed_at is None
    assert article.updated_at > article.published_at  # saved all the same


def test_a_small_correction_keeps_the_date_and_the_next_real_change_moves_it(editor):
    article = live(summary="What the frist week of treatment is like.")
    edit_in_admin(editor, article, body="<p>What the first week is like, said more plainly.</p>")
    first = saved(article).words_changed_at
    assert first is not None
    edit_in_admin(editor, article, summary="What the first week of treatment is like.", small_correction="on")
    article = saved(article)
    assert article.summary == "What the first week of treatment is like."
    assert article.words_changed_at == first
    assert article.words_fingerprint == article.fingerprint()  # the corrected words are the saved ones
    edit_in_admin(editor, article, meta_description="Saved again with the box unticked.")
    assert saved(article).words_changed_at == first  # the correction is not news on the next save
    edit_in_admin(editor, article, body="<p>A new section on what to bring.</p>")
    assert saved(article).words_changed_at > first


def test_the_small_correction_box_is_offered_only_once_the_article_has_been_public(editor):
    draft = ArticleFactory(draft=True)
    assert "small_correction" not in editor.get(change_url(draft)).context["adminform"].form.fields
    page = editor.get(change_url(live())).content.decode()
    assert 'name="small_correction"' in page
    assert "Small correction (a typo, a broken link): keep the date readers see" in page
    assert 'name="small_correction" checked' not in page


def test_a_clinical_reviewer_gets_no_small_correction_box():
    reviewer = signed_in(CLINICAL_REVIEWERS, "dana")
    assert 'name="small_correction"' not in reviewer.get(change_url(live())).content.decode()


def test_the_form_says_when_the_words_last_changed(editor):
    draft = ArticleFactory(draft=True)
    assert "Not public yet" in editor.get(change_url(draft)).content.decode()
    article = live()
    assert "Not changed since publishing" in editor.get(change_url(article)).content.decode()
    edit_in_admin(editor, article, body="<p>New words.</p>")
    page = editor.get(change_url(article)).content.decode()
    today = timezone.localdate()
    assert f"Readers see “Updated {today:%B} {today.day}, {today.year}”" in page


# --- History and the importer ----------------------------------------------------------------


def restore(editor, article, version):
    url = reverse("admin:articles_article_revision", args=[article.pk, version.pk])
    response = editor.post(url, admin_form_data(editor.get(url)))
    assert response.status_code == 302, response.context["adminform"].form.errors
    return saved(article)


def test_restoring_other_words_dates_them_and_restoring_the_same_words_keeps_todays_date(editor):
    article = live()
    edit_in_admin(editor, article, meta_description="The first wording, versioned.")
    first_wording = Version.objects.get_for_object(article).order_by("pk").last()
    edit_in_admin(editor, article, body="<p>The second wording.</p>")
    edit_in_admin(editor, article, meta_description="The second wording, versioned.")
    same_words = Version.objects.get_for_object(article).order_by("pk").last()
    edit_in_admin(editor, article, meta_description="Changed once more.")
    four_days_ago = days_ago(4)
    Article.objects.filter(pk=article.pk).update(words_changed_at=four_days_ago)

    # The version holds another date; the words readers have are the same: their date stays.
    article = restore(editor, article, same_words)
    assert article.meta_description == "The second wording, versioned."
    assert article.words_changed_at == four_days_ago

    # The version's words differ from the readers': new to them, dated now (not its empty date).
    before = timezone.now()
    article = restore(editor, article, first_wording)
    assert article.body == BODY
    assert article.words_changed_at >= before


def test_recovering_a_deleted_article_brings_it_back_with_its_date(editor):
    article = live()
    edit_in_admin(editor, article, body="<p>Changed, then deleted.</p>")
    dated = saved(article).words_changed_at
    version = Version.objects.get_for_object(article).order_by("pk").last()
    editor.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})
    url = reverse("admin:articles_article_recover", args=[version.pk])
    assert editor.post(url, admin_form_data(editor.get(url))).status_code == 302
    recovered = Article.objects.get(pk=article.pk).words_changed_at
    assert abs(recovered - dated) < dt.timedelta(milliseconds=1)  # a version keeps milliseconds


IMPORTED = "What the first week is like\n\nA plain summary of the first week.\n\nYou meet your therapist.\n"


def test_importing_new_words_over_an_article_that_had_been_public_dates_them():
    article = live(title="What the first week is like", status=Article.Status.DRAFT, was_public=True)
    report = import_source(decode_source("week.txt", IMPORTED.encode()), publish=True)
    assert report.article_id == article.pk, report.error
    assert saved(article).words_changed_at is not None


def test_importing_a_new_article_and_publishing_it_is_not_an_update():
    report = import_source(decode_source("week.txt", IMPORTED.encode()), publish=True)
    article = Article.objects.get(pk=report.article_id)
    assert article.is_public and article.words_changed_at is None


# --- One date, said the same everywhere ------------------------------------------------------


def test_the_page_the_json_ld_and_open_graph_agree_on_the_updated_date(editor):
    article = live()
    edit_in_admin(editor, article, body="<p>New words.</p>")
    article = saved(article)
    response = Client().get(article.get_absolute_url())
    node = json_ld_article(response)
    shown = re.search(r'Updated <time datetime="([^"]+)">', meta_line(response))[1]
    assert aware(node["dateModified"]) == aware(shown) == article.words_changed_at
    assert aware(node["datePublished"]) == article.published_at
    og = re.search(r'<meta property="article:modified_time" content="([^"]+)">', response.content.decode())[1]
    assert aware(og) == article.words_changed_at


def test_without_new_words_date_modified_is_the_publish_date_whatever_was_saved(editor):
    article = live()
    edit_in_admin(editor, article, seo_title="Saved today, words untouched")
    response = Client().get(article.get_absolute_url())
    node = json_ld_article(response)
    assert aware(node["dateModified"]) == aware(node["datePublished"]) == saved(article).published_at
    assert "Updated" not in meta_line(response)


def test_new_words_on_the_day_it_was_published_show_the_publish_date_alone(editor):
    midnight = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time()))
    article = ArticleFactory(body=BODY, published_at=midnight)
    edit_in_admin(editor, article, body="<p>Fixed an hour after it went out.</p>")
    article = saved(article)
    assert article.words_changed_at is not None and article.updated_on is None
    response = Client().get(article.get_absolute_url())
    assert "Updated" not in meta_line(response) and "Published" not in meta_line(response)
    node = json_ld_article(response)  # the same day, at the time the words changed
    assert aware(node["dateModified"]) == article.words_changed_at


def test_the_atom_feed_says_the_article_was_updated_when_its_words_changed(editor):
    untouched, changed = live(), live()
    edit_in_admin(editor, untouched, seo_title="A save with no new words")
    edit_in_admin(editor, changed, body="<p>New words.</p>")
    response = Client().get(reverse("articles-atom-feed"))
    feed = ET.fromstring(response.content)
    updated = {
        entry.find(f"{ATOM}link").get("href"): aware(entry.findtext(f"{ATOM}updated"))
        for entry in feed.iter(f"{ATOM}entry")
    }
    assert updated[f"http://testserver{untouched.get_absolute_url()}"] == saved(untouched).published_at
    assert updated[f"http://testserver{changed.get_absolute_url()}"] == saved(changed).words_changed_at
    assert aware(feed.findtext(f"{ATOM}updated")) == saved(changed).words_changed_at


def test_the_cached_page_shows_the_updated_date_on_the_next_visit(editor):
    article = live()
    visitor = Client()
    assert visitor.get(article.get_absolute_url())["X-Page-Cache"] == "miss"
    assert visitor.get(article.get_absolute_url())["X-Page-Cache"] == "hit"
    edit_in_admin(editor, article, body="<p>New words.</p>")
    response = visitor.get(article.get_absolute_url())
    assert "Updated <time" in meta_line(response)


def test_an_updated_date_costs_the_article_page_no_query(editor, django_assert_max_num_queries):
    from tests.articles.test_written_by import cold_page

    plain = live()
    _, queries = cold_page(plain.get_absolute_url(), django_assert_max_num_queries)
    dated = live()
    edit_in_admin(editor, dated, body="<p>New words.</p>")
    response, _ = cold_page(dated.get_absolute_url(), django_assert_max_num_queries, at_most=queries)
    assert "Updated <time" in meta_line(response)
