"""The list of deleted things to recover, in an editor's words: django-reversion's own page said
"Choose a date from the list below to recover a deleted version of an object.", and "There are
no deleted objects to recover." when there were none."""

from django.urls import reverse
from django.utils.html import strip_tags

from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, FAQFactory


def page_text(response):
    return " ".join(strip_tags(response.content.decode()).split())


def test_a_deleted_article_is_listed_by_its_title_which_opens_it(staff_client):
    article = ArticleFactory(title="Coming back after a break")
    staff_client.post(reverse("admin:articles_article_delete", args=[article.pk]), {"post": "yes"})

    response = staff_client.get(reverse("admin:articles_article_recoverlist"))
    text = page_text(response)
    assert "Each article below was deleted at the time shown, newest first." in text
    assert "object" not in text.lower()
    table = response.content.decode().split('id="change-history"')[1]
    link = table.split('<td><a href="')[1].split('"')[0]
    assert link == reverse("admin:articles_article_recover", args=[response.context["deleted"][0].pk])
    recover_page = staff_client.get(link)
    assert recover_page.status_code == 200
    assert admin_form_data(recover_page)["title"] == "Coming back after a break"


def test_with_nothing_deleted_the_list_says_so_plainly(staff_client):
    """Nothing to recover, whether nothing was deleted or what was has been brought back."""
    FAQFactory()
    text = page_text(staff_client.get(reverse("admin:faqs_faq_recoverlist")))
    assert "There is no deleted FAQ to recover." in text
    assert "object" not in text.lower()


def test_deleting_an_article_says_it_can_be_recovered_without_its_shared_preview_links(staff_client):
    from articles.models import PreviewLink

    article = ArticleFactory(title="Coming back after a break")
    url = reverse("admin:articles_article_delete", args=[article.pk])
    text = page_text(staff_client.get(url))
    assert (
        "If you change your mind, Recover deleted articles brings it back with its text, its places and its date."
        in (text)
    )
    PreviewLink.objects.create(article=article, note="Dr. Lee")
    text = page_text(staff_client.get(url))
    assert (
        "but not its shared preview links: they stop working for good, so send new ones once it is back."
        in text
    )
