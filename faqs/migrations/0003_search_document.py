"""A stored, indexed search document for each FAQ, on PostgreSQL.

As for articles (articles/migrations/0004_search_document.py): the text-search vector site
search ranks FAQs by (question A, answer without its tags B, English stemming) is kept in a
generated column with a GIN index, instead of being built for every FAQ on every query.
tests/seo/test_search.py checks it stays the one carter_site.search builds. SQLite gets nothing.
"""

from django.db import migrations

DOCUMENT = """
    setweight(to_tsvector('english'::regconfig, COALESCE("question", '')), 'A')
    || setweight(to_tsvector('english'::regconfig, COALESCE(regexp_replace("answer", '<[^>]*>', ' ', 'g'), '')), 'B')
"""


def add_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "faqs_faq" ADD COLUMN "search_document" tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED'
    )
    schema_editor.execute('CREATE INDEX "faqs_faq_search_document" ON "faqs_faq" USING gin ("search_document")')


def remove_document(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('ALTER TABLE "faqs_faq" DROP COLUMN "search_document"')


class Migration(migrations.Migration):
    dependencies = [
        ("faqs", "0002_alter_articlefaq_faq_alter_locationfaq_faq"),
    ]

    operations = [migrations.RunPython(add_document, remove_document, elidable=False)]
