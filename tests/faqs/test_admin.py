"""FAQs in the admin."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from reversion.models import Version

from faqs.models import FAQ
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
