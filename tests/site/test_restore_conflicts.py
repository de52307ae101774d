"""Restoring or recovering a version whose address or question another page has taken since:
the editor is told what is in the way and what to do, and nothing is changed."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from faqs.models import FAQ
from locations.models import Location
from tests.admin_forms import admin_form_data, change_url, edit_in_admin
from tests.factories import ArticleFactory, FAQFactory, LocationFactory

pytestmark = pytest.mark.django_db

PAGES = [
    pytest.param(ArticleFactory, "articles_article", "article", "/articles/", id="article"),
    pytest.param(LocationFactory, "locations_location", "location", "/locations/", id="location"),
]


def messages_after(staff_client, url):
    response = staff_client.get(url, follow=True)
    return response, [str(message) for message in response.context["messages"]]


@pytest.mark.parametrize(("factory", "admin_name", "name", "prefix"), PAGES)
def test_restoring_an_address_another_page_took_since_says_which_page(staff_client, factory, admin_name,
                                                                        name, prefix):  # fmt: skip
    page = factory(slug="first-steps")
    edit_in_admin(staff_client, page)
    edit_in_admin(staff_client, page, slug="first-steps-in-iop")
    other = factory(slug="first-steps")
    oldest = Version.objects.get_for_object(page).order_by("pk").first()
    staff_client.get(reverse(f"admin:{admin_name}_changelist"))  # reads the messages of the edits

    url = reverse(f"admin:{admin_name}_revision", args=[page.pk, oldest.pk])
    response, said = messages_after(staff_client, url)
    assert said == [
        f"This version cannot be restored: its address, {prefix}first-steps/, is used now by another "
        f'{name}, “<a href="{change_url(other)}">{other}</a>”. Nothing was changed. To restore it, first '
        f"change the slug of that {name}, then try again."
    ]
    assert response.redirect_chain[-1][0] == reverse(f"admin:{admin_name}_history", args=[page.pk])
    page.refresh_from_db()
    assert page.slug == "first-steps-in-iop"


@pytest.mark.parametrize(("factory", "admin_name", "name", "prefix"), PAGES)
def test_recovering_a_page_whose_address_another_took_since_says_which_page(staff_client, factory, admin_name,
                                                                            name, prefix):  # fmt: skip
    page = factory(slug="evening-track")
    pk, title = page.pk, str(page)
    staff_client.post(reverse(f"admin:{admin_name}_delete", args=[pk]), {"post": "yes"})
    other = factory(slug="evening-track")
    staff_client.get(reverse(f"admin:{admin_name}_changelist"))
    version = Version.objects.get_deleted(type(page)).get(object_id=str(pk))

    response, said = messages_after(staff_client, reverse(f"admin:{admin_name}_recover", args=[version.pk]))
    assert said == [
        f"“{title}” cannot be recovered: its address, {prefix}evening-track/, is used now by another "
        f'{name}, “<a href="{change_url(other)}">{other}</a>”. Nothing was changed. To recover it, first '
        f"change the slug of that {name}, then try again."
    ]
    assert response.redirect_chain[-1][0] == reverse(f"admin:{admin_name}_recoverlist")
    assert not type(page).objects.filter(pk=pk).exists()


def test_recovering_a_faq_whose_very_question_another_asks_now_says_which(staff_client):
    faq = FAQFactory(question="Can I keep working during treatment?")
    pk = faq.pk
    staff_client.post(reverse("admin:faqs_faq_delete", args=[pk]), {"post": "yes"})
    other = FAQFactory(question="Can I keep working during treatment?")
    staff_client.get(reverse("admin:faqs_faq_changelist"))
    version = Version.objects.get_deleted(FAQ).get(object_id=str(pk))

    _, said = messages_after(staff_client, reverse("admin:faqs_faq_recover", args=[version.pk]))
    assert said == [
        "“Can I keep working during treatment?” cannot be recovered: its question is used now by another "
        f'FAQ, “<a href="{change_url(other)}">Can I keep working during treatment?</a>”. Nothing was '
        "changed. To recover it, first change the question of that FAQ, then try again."
    ]
    assert not FAQ.objects.filter(pk=pk).exists()


def test_articles_deleted_together_are_recovered_only_when_every_address_is_free(staff_client):
    first, second = ArticleFactory(slug="one-day-at-a-time"), ArticleFactory(slug="asking-for-help")
    changelist = reverse("admin:articles_article_changelist")
    staff_client.post(
        changelist, {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"}
    )
    ArticleFactory(slug="asking-for-help", title="Asking for help, again")
    version = Version.objects.get_deleted(Article).get(object_id=str(first.pk))
    staff_client.get(changelist)

    _, said = messages_after(staff_client, reverse("admin:articles_article_recover", args=[version.pk]))
    [message] = said
    assert message.startswith(
        f"“{first}” cannot be recovered: it was deleted together with the article “{second}”, whose "
        "address, /articles/asking-for-help/, is used now by another article, “<a href="
    )
    assert not Article.objects.filter(pk__in=[first.pk, second.pk]).exists()


@pytest.mark.parametrize("button", [{}, {"_continue": "Save and continue editing"}])
def test_after_a_restore_the_message_and_the_next_page_are_the_articles_own(staff_client, button):
    article = ArticleFactory(title="Finding your footing")
    edit_in_admin(staff_client, article)
    edit_in_admin(staff_client, article, title="Finding your footing again")
    oldest = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    staff_client.get(reverse("admin:articles_article_changelist"))  # reads the edits' messages
    response = staff_client.post(url, {**admin_form_data(staff_client.get(url)), **button}, follow=True)
    said = [str(message) for message in response.context["messages"]]
    restored = f'The article “<a href="{change_url(article)}">Finding your footing</a>” was restored'
    assert [message for message in said if message.startswith(restored)], said
    assert not [message for message in said if url in message], said
    expected = change_url(article) if button else reverse("admin:articles_article_changelist")
    assert response.redirect_chain[0][0] == expected


def test_after_a_recover_the_message_links_to_the_recovered_page(staff_client):
    location = LocationFactory(name="Jefferson")
    pk = location.pk
    staff_client.post(reverse("admin:locations_location_delete", args=[pk]), {"post": "yes"})
    version = Version.objects.get_deleted(Location).get(object_id=str(pk))
    url = reverse("admin:locations_location_recover", args=[version.pk])
    staff_client.get(reverse("admin:locations_location_changelist"))
    response = staff_client.post(url, admin_form_data(staff_client.get(url)), follow=True)
    said = [str(message) for message in response.context["messages"]]
    link = reverse("admin:locations_location_change", args=[pk])
    assert f'The location “<a href="{link}">Jefferson</a>” was recovered.' in said, said
