"""When the words readers see last changed (Article.words_changed_at), and the fingerprint of the
words as last saved, to tell a change of words from any other save (Article.note_words_change).

Existing articles get the fingerprint of their words as they stand, and no date: nobody knows
when their words last changed, and `updated_at` moved with every save, so it would not say.
Their first change of words from now on dates them.

The fingerprint is read by the site's own review_fingerprint, not a copy: it must be exactly
the one every later save compares with, or each article's next save would look like new words.
"""

from django.db import migrations, models

BATCH = 500


def fill_fingerprints(apps, schema_editor):
    from articles.models import review_fingerprint

    Article = apps.get_model("articles", "Article")
    batch = []
    for article in Article.objects.only("title", "summary", "body").order_by("pk").iterator(chunk_size=BATCH):
        article.words_fingerprint = review_fingerprint(article.title, article.summary, article.body)
        batch.append(article)
        if len(batch) == BATCH:
            Article.objects.bulk_update(batch, ["words_fingerprint"])
            batch = []
    if batch:
        Article.objects.bulk_update(batch, ["words_fingerprint"])


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0025_article_written_by"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="words_changed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="words last changed"),
        ),
        migrations.AddField(
            model_name="article",
            name="words_fingerprint",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.RunPython(fill_fingerprints, migrations.RunPython.noop),
    ]
