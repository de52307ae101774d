"""Upgrading a site whose testimonials had consent on file before consent was dated: the real
database is taken back to that migration, given such testimonials, and migrated forward as an
upgrade does."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from testimonials.models import Testimonial

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE_CONSENT_DATES = [("testimonials", "0001_initial")]
GEORGIA = ZoneInfo("America/New_York")


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


def upgrade():
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.fixture
def old_testimonials():
    """The historical model of testimonials before consent was dated; the database is up to
    date again after the test, whatever it did."""
    migrate(BEFORE_CONSENT_DATES)
    yield (
        MigrationExecutor(connection)
        .loader.project_state(BEFORE_CONSENT_DATES)
        .apps.get_model("testimonials", "Testimonial")
    )
    upgrade()


@pytest.mark.parametrize(
    "added, signed_on",
    [
        # 9:30 pm in Georgia is 2:30 am the next day in UTC.
        (dt.datetime(2025, 3, 10, 21, 30, tzinfo=GEORGIA), dt.date(2025, 3, 10)),
        (dt.datetime(2025, 7, 4, 8, 0, tzinfo=GEORGIA), dt.date(2025, 7, 4)),
    ],
)
def test_consent_on_file_is_dated_the_day_the_testimonial_was_added_in_georgia(
    old_testimonials, added, signed_on
):
    testimonial = old_testimonials.objects.create(
        quote="I kept my job and got my evenings back.", attribution="J., Alpharetta", consent_on_file=True,
        is_published=True,
    )  # fmt: skip
    old_testimonials.objects.filter(pk=testimonial.pk).update(created_at=added)
    without_consent = old_testimonials.objects.create(
        quote="Not yet.", consent_on_file=False, is_published=False
    )

    upgrade()

    assert Testimonial.objects.get(pk=testimonial.pk).consent_signed_on == signed_on
    assert Testimonial.objects.get(pk=without_consent.pk).consent_signed_on is None


def test_a_testimonial_added_this_evening_stays_on_the_site_through_the_upgrade(old_testimonials):
    """Added at 11 pm in Georgia and migrated the same night: dated today, so still shown."""
    testimonial = old_testimonials.objects.create(
        quote="Coming back was easier than I feared.",
        attribution="M.",
        consent_on_file=True,
        is_published=True,
    )
    evening = dt.datetime(2025, 11, 3, 23, 0, tzinfo=GEORGIA)
    old_testimonials.objects.filter(pk=testimonial.pk).update(created_at=evening)

    upgrade()

    assert list(Testimonial.objects.published(today=evening.date()).values_list("pk", flat=True)) == [
        testimonial.pk
    ]


BEFORE_APPROVED_WORDS = [("testimonials", "0004_consent_expiry_help_text")]


@pytest.fixture
def testimonials_before_approved_words():
    migrate(BEFORE_APPROVED_WORDS)
    yield (
        MigrationExecutor(connection)
        .loader.project_state(BEFORE_APPROVED_WORDS)
        .apps.get_model("testimonials", "Testimonial")
    )
    upgrade()


def test_the_words_of_a_consent_on_file_are_those_its_client_approved_after_the_upgrade(
    testimonials_before_approved_words,
):
    """Remembering the words the client approved began with these testimonials on the site: the
    words of one with consent on file are approved under its consent; one without has none yet."""
    old = testimonials_before_approved_words
    consented = old.objects.create(
        quote="I kept my job and got my evenings back.", attribution="J., Alpharetta", consent_on_file=True,
        consent_signed_on=dt.date(2025, 3, 10), is_published=True,
    )  # fmt: skip
    drafted = old.objects.create(quote="Still being agreed.", attribution="M.", consent_on_file=False)

    upgrade()

    consented = Testimonial.objects.get(pk=consented.pk)
    words = {"quote": consented.quote, "attribution": consented.attribution}
    assert consented.unapproved_words(words, dt.date(2025, 3, 10)) == []
    other = {"quote": "Other words.", "attribution": "J."}
    assert consented.unapproved_words(other, dt.date(2025, 3, 10)) == ["quote", "attribution"]
    assert consented.unapproved_words(other, dt.date(2025, 3, 11)) == []  # new consent covers them
    drafted = Testimonial.objects.get(pk=drafted.pk)
    assert drafted.unapproved_words({"quote": "Other words.", "attribution": "M."}, None) == []
