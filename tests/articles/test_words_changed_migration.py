"""Upgrading a site whose articles were saved before their words had a date: each gets the
fingerprint of its words as they stand, and no "Updated" date; the next save of the same words
leaves it so, and the next new words date it."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article, review_fingerprint
from tests.migrating import back_at, latest, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0025_article_written_by")]


@pytest.fixture
def back_in_time():
    """The database at `BEFORE`, and its models as they were then; up to date again afterwards."""
    with back_at(BEFORE) as old_apps:
        yield old_apps


def test_existing_articles_get_the_fingerprint_of_their_words_and_no_date(back_in_time):
    old = back_in_time.get_model("articles", "Article")
    week_ago = timezone.now() - dt.timedelta(days=7)
    live = old.objects.create(
        title="The first week",
        slug="the-first-week",
        summary="What it is like &amp; what to bring.",
        body="<h2>Day one</h2><p>You meet <strong>your</strong> group.</p><p>&nbsp;</p>",
        status="published",
        published_at=week_ago,
        was_public=True,
    )
    draft = old.objects.create(title="A draft", slug="a-draft", summary="Not yet.", body="")

    new = migrate(latest()).get_model("articles", "Article")

    rows = {row["pk"]: row for row in new.objects.values("pk", "words_fingerprint", "words_changed_at")}
    assert rows[live.pk]["words_fingerprint"] == review_fingerprint(live.title, live.summary, live.body)
    assert rows[draft.pk]["words_fingerprint"] == review_fingerprint("A draft", "Not yet.", "")
    assert rows[live.pk]["words_changed_at"] is None and rows[draft.pk]["words_changed_at"] is None

    # As the site reads them: saving the same words is no change, new words are.
    article = Article.objects.get(pk=live.pk)
    assert article.words_fingerprint == article.fingerprint()
    article.meta_description = "Saved after the upgrade."
    article.save()
    assert Article.objects.get(pk=live.pk).words_changed_at is None
    article.body = "<p>New words after the upgrade.</p>"
    article.save()
    assert Article.objects.get(pk=live.pk).words_changed_at is not None
