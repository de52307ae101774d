"""A rolling upgrade migrates first, then replaces the containers one at a time
(docs/operations.md, "Upgrades"): until the last old container stops, the previous release
serves and saves on the new schema. Its inserts name only the columns it knows, so every column
a migration adds to an existing table must accept the row without it: a database default
(`db_default`) or NULL. A Python `default=` is not one: Django fills it in for its own inserts
and leaves the column without a default in the database, so the previous release's admin
answered every new article, testimonial, FAQ topic or clinician with a server error
(`null value in column "words_fingerprint" … violates not-null constraint`) for the length of the
roll."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import AddField, CreateModel
from django.utils import timezone

from tests.migrating import back_at, latest, migrate

OUR_APPS = ("carter_site", "articles", "locations", "faqs", "testimonials", "pages")

# The schema of a release from before most of today's columns: what its code inserts.
PREVIOUS_RELEASE = [
    ("articles", "0011_publish_time_schedules_only_when_published"),
    ("carter_site", "0003_crisis_line_gives_988"),
    ("faqs", "0003_search_document"),
    ("locations", "0004_address_formats"),
    ("testimonials", "0003_attribution_help_text"),
]


def columns_added_to_existing_tables():
    """(migration, field) for each column a migration adds to a table made before it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    for (app_label, name), migration in sorted(loader.disk_migrations.items()):
        if app_label not in OUR_APPS:
            continue
        made_here = {op.name_lower for op in migration.operations if isinstance(op, CreateModel)}
        for op in migration.operations:
            if not isinstance(op, AddField) or op.model_name_lower in made_here:
                continue
            try:
                field = apps.get_model(app_label, op.model_name)._meta.get_field(op.name)
            except (LookupError, FieldDoesNotExist):
                continue  # removed since
            if field.concrete and not field.many_to_many:
                yield f"{app_label}.{name}", field


@pytest.mark.django_db
def test_every_column_added_to_an_existing_table_has_a_default_in_the_database():
    added = list(columns_added_to_existing_tables())
    assert len(added) > 20  # the search above finds what it looks for
    without_default = [
        f"{field.model._meta.db_table}.{field.column} ({migration})"
        for migration, field in added
        if not accepts_a_row_without(field.model._meta.db_table, field.column)
    ]
    assert without_default == []


def accepts_a_row_without(table, column):
    """Whether the database fills `column` of an insert that does not name it: a default, or NULL."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f'PRAGMA table_info("{table}")')
            not_null, default = next((row[3], row[4]) for row in cursor.fetchall() if row[1] == column)
            return not not_null or default is not None
        cursor.execute(
            "SELECT is_nullable, column_default FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND table_name = %s AND column_name = %s",
            [table, column],
        )
        nullable, default = cursor.fetchone()
        return nullable == "YES" or default is not None


@pytest.mark.django_db(transaction=True)
def test_the_previous_release_saves_new_content_after_the_migrations():
    with back_at(PREVIOUS_RELEASE) as old_apps:
        migrate(latest())  # the release step, while the old containers keep serving
        old = old_apps.get_model
        topic = old("faqs", "Topic").objects.create(name="Before you start", slug="before-you-start")
        faq = old("faqs", "FAQ").objects.create(
            question="What do I bring?", answer="<p>An ID.</p>", topic=topic
        )
        clinician = old("articles", "Clinician").objects.create(name="Avery Brooks", credentials="LPC")
        article = old("articles", "Article").objects.create(
            title="Evenings in the program",
            slug="evenings-in-the-program",
            summary="How the evening track fits a working day.",
            body="<p>Groups start at six.</p>",
            author="Program staff",
            status="published",
            published_at=timezone.now() - dt.timedelta(hours=1),
        )
        testimonial = old("testimonials", "Testimonial").objects.create(
            quote="The evening track let me keep my job.",
            attribution="Evening-track client",
            consent_on_file=True,
            consent_signed_on=timezone.localdate(),
            is_published=True,
        )
        location = old("locations", "Location").objects.create(
            name="Roswell",
            slug="roswell",
            summary="Our newest office.",
            street_address="100 Example Way",
            city="Roswell",
            state="GA",
            postal_code="30075",
            phone="(404) 555-0100",
        )

    # The new release reads them, with the values its own code would have given.
    from articles.models import Article, Clinician
    from faqs.models import FAQ, Topic
    from locations.models import Location
    from testimonials.models import Testimonial

    assert Topic.objects.get(pk=topic.pk).updated_at is not None
    assert FAQ.objects.get(pk=faq.pk).updated_at is not None
    saved = Clinician.objects.get(pk=clinician.pk)
    assert (saved.has_page, saved.was_public, saved.photo.name, saved.photo_alt) == (False, False, "", "")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.was_public, saved.words_fingerprint, saved.reviewed_fingerprint) == (False, "", "")
    assert Testimonial.objects.get(pk=testimonial.pk).approved_quote_fingerprint == ""
    saved = Location.objects.get(pk=location.pk)
    assert (saved.parking, saved.step_free_access, saved.photo.name, saved.was_public) == ("", "", "", False)
