"""A clinical review's fingerprint reads the words as a reader sees them: a blank paragraph, a
no-break space or a block boundary no longer counts (articles.models.review_words).

Saving a text now takes out what showed nothing (a `<p>&nbsp;</p>` between paragraphs). Under
the old reading that changed the fingerprint, and a reviewed article would have lost its review
on its next save with no word changed. Reviews that are current today (their fingerprint
matches the text as it stands) stay current: their fingerprint is recomputed the new way.
Out-of-date reviews stay out of date. Both readings are copied here, as they are today.
"""

import hashlib
import re
from html import unescape

from django.db import migrations
from django.utils.html import strip_tags

_WORD_BREAKING_TAG = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|blockquote|table|caption|thead|tbody|tfoot|tr|td|th|div|figure"
    r"|figcaption|dl|dt|dd|pre|br|hr|img)\b[^>]*>",
    re.IGNORECASE,
)
_BLANK = re.compile(r"[\s\u00a0\u200b-\u200d\u2060\ufeff]+")


def _old(title, summary, body):
    parts = [" ".join(strip_tags(part or "").split()) for part in (title, summary, body)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _words(text):
    return _BLANK.sub(" ", unescape(strip_tags(_WORD_BREAKING_TAG.sub(" ", text or "")))).strip()


def _new(title, summary, body):
    return hashlib.sha256("\n".join(_words(part) for part in (title, summary, body)).encode()).hexdigest()


def _recompute(apps, current, wanted):
    Article = apps.get_model("articles", "Article")
    reviewed = Article.objects.exclude(reviewed_fingerprint="").only("title", "summary", "body", "reviewed_fingerprint")
    for article in reviewed.iterator():
        if article.reviewed_fingerprint == current(article.title, article.summary, article.body):
            Article.objects.filter(pk=article.pk).update(
                reviewed_fingerprint=wanted(article.title, article.summary, article.body)
            )


def forwards(apps, schema_editor):
    _recompute(apps, _old, _new)


def backwards(apps, schema_editor):
    _recompute(apps, _new, _old)


class Migration(migrations.Migration):
    dependencies = [("articles", "0016_slug_in_lower_case")]

    operations = [migrations.RunPython(forwards, backwards)]
