"""FAQs in the admin."""

import pytest
from django.urls import reverse

from faqs.models import FAQ
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
