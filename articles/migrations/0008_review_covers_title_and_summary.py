"""A clinical review now vouches for the headline and summary as well as the text.

Reviews that are current today (their fingerprint matches the text as it stands) stay current:
their fingerprint is recomputed over all three. Out-of-date reviews stay out of date.
"""

import hashlib

from django.db import migrations
from django.utils.html import strip_tags


def _words(html):
    return " ".join(strip_tags(html or "").split())


def _text_only(body):
    return hashlib.sha256(_words(body).encode()).hexdigest()


def _headline_summary_and_text(title, summary, body):
    return hashlib.sha256("\n".join(_words(part) for part in (title, summary, body)).encode()).hexdigest()


def forwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(reviewed_fingerprint="").iterator():
        if article.reviewed_fingerprint == _text_only(article.body):
            Article.objects.filter(pk=article.pk).update(
                reviewed_fingerprint=_headline_summary_and_text(article.title, article.summary, article.body)
            )


def backwards(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    for article in Article.objects.exclude(reviewed_fingerprint="").iterator():
        current = _headline_summary_and_text(article.title, article.summary, article.body)
        if article.reviewed_fingerprint == current:
            Article.objects.filter(pk=article.pk).update(reviewed_fingerprint=_text_only(article.body))


class Migration(migrations.Migration):
    dependencies = [("articles", "0007_picture_named_by_format")]

    operations = [migrations.RunPython(forwards, backwards)]
