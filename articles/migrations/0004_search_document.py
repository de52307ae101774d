"""A stored, indexed search document for each article, on PostgreSQL.

Site search ranked every published article by building its text-search vector from the title,
summary and body on every query: tens of milliseconds with two hundred articles, growing with
each one, on a page no cache can hold. PostgreSQL now keeps the vector in a generated column
(computed on every insert and update, whatever writes the row: the admin, QuerySet.update(),
the importer, raw SQL) with a GIN index, so a search reads the matching rows' vectors instead.

The expression is the one carter_site.search builds for articles (title A, summary B, body
without its tags C, English stemming); tests/seo/test_search.py checks they stay the same.
SQLite, which searches with LIKE, gets nothing.
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, COALESCE("title", '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE("summary", '')), 'B')
    || setweight(to_tsvector('english'::regconfig, COALESCE(regexp_replace("body", '<[^>]*>', ' ', 'g'), '')), 'C')
"""


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "articles_article" ADD COLUMN "search_document" tsvector '
        f"GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(
        'CREATE INDEX "articles_article_search_document" ON "articles_article" USING gin ("search_document")'
    )


def remove_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE "articles_article" DROP COLUMN "search_document"')


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0003_slug_help_text_example"),
    ]

    operations = [migrations.RunPython(add_document, remove_document, elidable=False)]
