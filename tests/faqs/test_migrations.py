"""Upgrading a site whose FAQ answers were saved with headings, before answers were refused
them: the real database is taken back to that migration, given such answers as the admin saved
them then, and migrated forward as an upgrade does."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from faqs.models import FAQ
from tests.factories import FAQFactory

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("faqs", "0005_answer_without_headings")]


def migrate(targets):
    MigrationExecutor(connection).migrate(targets)


@pytest.fixture
def back_in_time():
    """The database at `BEFORE`; up to date again after the test, whatever it did."""
    migrate(BEFORE)
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def saved_before_the_upgrade(answer, **fields):
    faq = FAQFactory(**fields)
    FAQ.objects.filter(pk=faq.pk).update(answer=answer)  # as the admin stored it then, unchecked
    return FAQ.objects.get(pk=faq.pk)


def test_an_answer_saved_with_headings_shows_them_as_bold_paragraphs_after_the_upgrade(back_in_time, client):
    faq = saved_before_the_upgrade(
        "<h2>The short answer</h2><p>Most plans cover it.</p>\n<h3>What to <em>bring</em></h3>"
        "<ul><li>Your card</li></ul><h4> </h4>",
        question="Does insurance cover the program?",
    )
    plain = saved_before_the_upgrade(
        "<p>Usually <strong>three</strong> hours.</p>", question="How long is a day?"
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    faq.refresh_from_db()
    assert faq.answer == (
        "<p><strong>The short answer</strong></p><p>Most plans cover it.</p>\n"
        "<p><strong>What to <em>bring</em></strong></p><ul><li>Your card</li></ul>"
    )
    faq.full_clean()  # the answer's own check accepts it: the FAQ can be saved again
    assert FAQ.objects.get(pk=plain.pk).answer == "<p>Usually <strong>three</strong> hours.</p>"
    assert FAQ.objects.get(pk=plain.pk).updated_at == plain.updated_at

    page = client.get(reverse("faqs:list")).content.decode()
    assert "<strong>The short answer</strong>" in page
    assert "<h2>The short answer" not in page


def test_going_back_before_the_upgrade_keeps_the_answers_as_they_are(back_in_time):
    faq = saved_before_the_upgrade("<h3>Yes</h3><p>Call us.</p>")
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    migrate(BEFORE)

    assert FAQ.objects.get(pk=faq.pk).answer == "<p><strong>Yes</strong></p><p>Call us.</p>"
