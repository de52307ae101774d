"""`manage.py clean_rich_text`: texts stored under older sanitiser rules, cleaned by today's.

Such texts are written here in SQL, as an older release or a restored backup left them: the
field sanitises whatever passes through Django, `update()` and lookups included."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from articles.models import Article
from carter_site.management.commands import clean_rich_text
from carter_site.richtext import sanitise_html
from faqs.models import FAQ
from locations.models import Location
from pages.models import Page
from tests.factories import ArticleFactory, FAQFactory, LocationFactory

pytestmark = pytest.mark.django_db

# What an older release let through: an event handler, a blank paragraph pasted from a word
# processor, and a bold around nothing.
OLD_BODY = (
    '<h2>Your first evening</h2><p onclick="steal()">You meet the group.</p><p>&nbsp;</p>'
    "<p>Bring <strong> </strong>a notebook.</p>"
)


def store_as_an_older_release(instance, field, html):
    table = connection.ops.quote_name(instance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {connection.ops.quote_name(field)} = %s WHERE id = %s", [html, instance.pk]
        )


def run(*args):
    output = io.StringIO()
    call_command("clean_rich_text", *args, stdout=output)
    return output.getvalue()


def stored(model, pk, field):
    return model.objects.values_list(field, flat=True).get(pk=pk)


def test_every_kind_of_rich_text_is_found():
    found = dict(clean_rich_text.rich_text_fields())
    assert found == {Article: ["body"], FAQ: ["answer"], Location: ["body"], Page: ["body"]}


def test_texts_stored_under_older_rules_are_cleaned_and_clean_ones_left_alone():
    old = ArticleFactory(title="Your first evening")
    store_as_an_older_release(old, "body", OLD_BODY)
    untouched = ArticleFactory(body="<p>Already clean.</p>")
    before = Article.objects.get(pk=untouched.pk).updated_at
    faq = FAQFactory(question="Can I bring a friend?")
    store_as_an_older_release(faq, "answer", '<p style="color:red">Yes, to the first visit.</p>')

    output = run()

    body = stored(Article, old.pk, "body")
    assert body == sanitise_html(OLD_BODY)
    assert "onclick" not in body and "&nbsp;" not in body and "<strong>" not in body
    assert "<p>You meet the group.</p>" in body
    assert stored(FAQ, faq.pk, "answer") == "<p>Yes, to the first visit.</p>"
    assert Article.objects.get(pk=untouched.pk).updated_at == before
    assert f"cleaned Article {old.pk} “Your first evening”: body" in output
    assert f"cleaned FAQ {faq.pk} “Can I bring a friend?”: answer" in output
    assert "Read 3 rich texts: 2 cleaned, 1 already clean." in output
    again = run()
    assert " 0 cleaned," in again and "  cleaned" not in again


def test_an_articles_last_updated_time_stays_when_only_its_markup_is_cleaned():
    article = ArticleFactory()
    store_as_an_older_release(article, "body", OLD_BODY)
    before = Article.objects.get(pk=article.pk).updated_at
    run()
    assert Article.objects.get(pk=article.pk).updated_at == before


def test_check_names_what_would_change_changes_nothing_and_fails():
    location = LocationFactory(name="Jefferson")
    store_as_an_older_release(location, "body", OLD_BODY)
    output = io.StringIO()
    with pytest.raises(CommandError, match="1 rich text would change"):
        call_command("clean_rich_text", "--check", stdout=output)
    assert f"would clean Location {location.pk} “Jefferson”: body" in output.getvalue()
    assert stored(Location, location.pk, "body") == OLD_BODY


def test_check_passes_once_everything_is_clean():
    ArticleFactory(body="<p>Already clean.</p>")
    assert "0 would be cleaned, 1 already clean" in run("--check")


def test_the_cleaned_text_is_on_the_next_visitors_page_even_when_it_was_cached():
    article = ArticleFactory(slug="first-evening")
    store_as_an_older_release(article, "body", OLD_BODY)
    visitor = Client()
    assert b'onclick="steal()"' in visitor.get(article.get_absolute_url()).content
    assert b'onclick="steal()"' in visitor.get(article.get_absolute_url()).content  # from the cache
    run()
    page = visitor.get(article.get_absolute_url())
    assert page.status_code == 200
    assert b"onclick" not in page.content
    assert b"You meet the group." in page.content


def test_a_text_saved_meanwhile_by_an_editor_is_not_overwritten(monkeypatch):
    """Read, then an editor saves, then the clean would write: the editor's text stays."""
    article = ArticleFactory()
    store_as_an_older_release(article, "body", OLD_BODY)
    real_sanitise = clean_rich_text.sanitise_html

    def editor_saves_first(html):
        fresh = Article.objects.get(pk=article.pk)
        fresh.body = "<p>The editor’s new words.</p>"
        fresh.save()
        return real_sanitise(html)

    monkeypatch.setattr(clean_rich_text, "sanitise_html", editor_saves_first)
    output = run()
    assert stored(Article, article.pk, "body") == "<p>The editor’s new words.</p>"
    assert "1 saved meanwhile by an editor" in output
    assert "cleaned Article" not in output


def test_a_cache_that_does_not_answer_is_reported_after_the_texts_are_cleaned(settings):
    settings.CACHES = {**settings.CACHES, "broken": {"BACKEND": "tests.caching.broken_cache.BrokenCache"}}
    settings.CONTENT_VERSION_CACHE = "broken"
    article = ArticleFactory()
    store_as_an_older_release(article, "body", OLD_BODY)
    with pytest.raises(CommandError, match="cached pages were not forgotten"):
        run()
    assert stored(Article, article.pk, "body") == sanitise_html(OLD_BODY)
