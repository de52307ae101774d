"""FAQs in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from faqs.models import FAQ, Topic
from tests.admin_forms import admin_form_data, edit_in_admin
from tests.factories import FAQFactory, TopicFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("spelling", ["is parking free", "Is  parking free ?", "IS PARKING FREE!"])
def test_the_same_question_in_another_case_or_punctuation_is_refused(staff_client, spelling):
    FAQFactory(question="Is parking free?")
    topic = TopicFactory()
    response = staff_client.post(
        reverse("admin:faqs_faq_add"),
        {"question": spelling, "answer": "<p>Yes.</p>", "topic": topic.pk, "order": 0},
    )
    assert response.status_code == 200
    assert "“Is parking free?” already exists." in response.content.decode()
    assert FAQ.objects.count() == 1


def test_a_question_saved_again_is_not_its_own_duplicate():
    faq = FAQFactory(question="Is parking free?")
    faq.full_clean()
    FAQFactory(question="Is parking free at night?").full_clean()


def test_restoring_a_question_another_faq_now_asks_is_refused(staff_client):
    topic = TopicFactory()
    faq = FAQFactory(question="Is there a place to park?", topic=topic)
    edit_in_admin(staff_client, faq, question="Where can I park my car?")
    edit_in_admin(staff_client, faq, question="Where do visitors park?")
    FAQFactory(question="where can i park my car", topic=topic)  # asked again since
    first = Version.objects.get_for_object(faq).order_by("pk").first()
    url = reverse("admin:faqs_faq_revision", args=[faq.pk, first.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    faq.refresh_from_db()
    assert faq.question == "Where do visitors park?"


def test_recovering_a_faq_whose_question_another_now_asks_is_refused(staff_client):
    faq = FAQFactory(question="May I bring someone with me?")
    pk = faq.pk
    assert staff_client.post(reverse("admin:faqs_faq_delete", args=[pk]), {"post": "yes"}).status_code == 302
    FAQFactory(question="may I bring someone with me")
    version = Version.objects.get_deleted(FAQ).get(object_id=str(pk))
    url = reverse("admin:faqs_faq_recover", args=[version.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert not FAQ.objects.filter(pk=pk).exists()


def test_a_question_changed_back_is_checked_again():
    faq = FAQ.objects.get(pk=FAQFactory(question="Is there evening childcare?").pk)
    faq.question = "Can my children come along?"
    faq.full_clean()
    faq.save()
    FAQFactory(question="is there evening childcare")  # takes the question it left
    faq.question = "Is there evening childcare?"
    with pytest.raises(ValidationError, match="already exists"):
        faq.full_clean()


def test_a_changed_question_is_still_checked_against_every_other(staff_client):
    topic = TopicFactory()
    FAQFactory(question="Can I bring my own water bottle?", topic=topic)
    faq = FAQFactory(question="Is there parking?", topic=topic)
    url = reverse("admin:faqs_faq_change", args=[faq.pk])
    data = admin_form_data(staff_client.get(url))
    data["question"] = "can I bring my own water-bottle"
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "“Can I bring my own water bottle?” already exists." in response.content.decode()


def test_a_faq_whose_topic_was_deleted_after_it_is_recovered_once_the_topic_is(staff_client, client):
    """Delete an FAQ, then its topic (no FAQ uses it any more): recovering the FAQ says which
    topic to recover first, changes nothing, and works once the topic is back."""
    topic = TopicFactory(name="Getting here")
    faq = FAQFactory(question="Is there parking at the Jefferson office?", topic=topic)
    faq_pk, topic_pk = faq.pk, topic.pk
    assert (
        staff_client.post(reverse("admin:faqs_faq_delete", args=[faq_pk]), {"post": "yes"}).status_code == 302
    )
    assert (
        staff_client.post(reverse("admin:faqs_topic_delete", args=[topic_pk]), {"post": "yes"}).status_code
        == 302
    )

    version = Version.objects.get_deleted(FAQ).get(object_id=str(faq_pk))
    url = reverse("admin:faqs_faq_recover", args=[version.pk])
    response = staff_client.get(url, follow=True)
    messages = [str(m) for m in response.context["messages"]]
    assert messages[-1:] == [
        "“Is there parking at the Jefferson office?” cannot be recovered: its topic “Getting here” was "
        "deleted after it. Nothing was changed. Recover the topic first (Recover deleted topics, on the "
        "list of topics), then try again."
    ], messages
    assert not FAQ.objects.filter(pk=faq_pk).exists()

    topic_version = Version.objects.get_deleted(Topic).get(object_id=str(topic_pk))
    topic_url = reverse("admin:faqs_topic_recover", args=[topic_version.pk])
    assert staff_client.post(topic_url, admin_form_data(staff_client.get(topic_url))).status_code == 302
    assert staff_client.post(url, admin_form_data(staff_client.get(url))).status_code == 302
    assert FAQ.objects.get(pk=faq_pk).topic_id == topic_pk
    assert "Is there parking at the Jefferson office?" in client.get("/faqs/").content.decode()


@pytest.mark.parametrize("heading", ["<h2>Costs</h2>", "<h3>Costs</h3>", '<H4 class="x">Costs</H4>'])
def test_an_answer_with_a_heading_is_refused_and_what_was_typed_is_kept(staff_client, heading):
    """The answer sits under its question, a heading on every page that shows it: a heading of its own
    would break the page's outline (an h2 inside an article's questions, under their h3s)."""
    topic = TopicFactory()
    answer = f"<p>Most plans cover it.</p>{heading}<p>Call us to check yours.</p>"
    response = staff_client.post(
        reverse("admin:faqs_faq_add"),
        {"question": "Does insurance cover IOP?", "answer": answer, "topic": topic.pk, "order": 0},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "An answer cannot hold a heading" in html
    assert "Call us to check yours." in html  # nothing typed is lost
    assert not FAQ.objects.exists()


def test_an_answer_with_bold_text_and_a_list_is_accepted(staff_client):
    topic = TopicFactory()
    response = staff_client.post(
        reverse("admin:faqs_faq_add"),
        {
            "question": "What should I bring?",
            "answer": "<p><strong>On the first day</strong></p><ul><li>Your insurance card</li></ul>",
            "topic": topic.pk,
            "order": 0,
        },
    )
    assert response.status_code == 302
    assert FAQ.objects.get().answer.startswith("<p><strong>On the first day</strong></p>")


def test_the_answer_editor_offers_no_headings(staff_client):
    from django.conf import settings

    html = staff_client.get(reverse("admin:faqs_faq_add")).content.decode()
    assert "data-config=" in html and '"format_tags": "p"' in html.replace("&quot;", '"')
    config = settings.CKEDITOR_CONFIGS["answer"]
    assert all("Format" not in group["items"] for group in config["toolbar_Carter"])
    # The other rich-text fields keep theirs.
    assert any("Format" in group["items"] for group in settings.CKEDITOR_CONFIGS["default"]["toolbar_Carter"])


def test_the_list_of_topics_counts_the_live_articles_each_topics_page_lists(staff_client):
    """What the topic's page shows under "Articles about …" (faqs.views.TopicView), counted once
    per article, next to its questions."""
    from tests.factories import ArticleFactory, ArticleFAQFactory
    from tests.seo.helpers import parse, text

    insurance = TopicFactory(name="Insurance and cost", order=1)
    quiet = TopicFactory(name="Quiet topic", order=2)
    twice = ArticleFactory()
    ArticleFAQFactory(article=twice, faq=FAQFactory(topic=insurance))
    ArticleFAQFactory(article=twice, faq=FAQFactory(topic=insurance))
    ArticleFAQFactory(article=ArticleFactory(), faq=FAQFactory(topic=insurance))
    ArticleFAQFactory(article=ArticleFactory(draft=True), faq=FAQFactory(topic=insurance))
    ArticleFAQFactory(article=ArticleFactory(), faq=FAQFactory(topic=quiet, is_published=False))

    response = staff_client.get(reverse("admin:faqs_topic_changelist"))

    rows = {}
    for row in parse(response.content.decode()).iter("tr"):
        cells = {cell.get("class", ""): text(cell) for cell in row if cell.tag in ("td", "th")}
        if "field-name" in cells:
            rows[cells["field-name"]] = (cells["field-faq_count"], cells["field-live_article_count"])
    assert rows == {"Insurance and cost": ("4", "2"), "Quiet topic": ("1", "0")}
    assert "Live articles on its page" in response.content.decode()
