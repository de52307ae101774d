"""Before a page goes away, the admin names the published texts that link to it (carter_site.links)."""

import datetime as dt

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article
from carter_site.links import texts_linking_to
from pages.models import Page
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def link(href, words="how to pay for treatment"):
    return f'<p>Read <a href="{href}">{words}</a>.</p>'


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def left_behind(response):
    return [message for message in messages_of(response) if "to “page not found”: change them" in message]


@pytest.fixture
def paying():
    """A live article two published texts link to, one by its old address."""
    article = ArticleFactory(title="Paying for IOP", slug="paying-for-treatment")
    article.slug = "paying-for-iop"
    article.save()  # renamed while public: /articles/paying-for-treatment/ redirects
    ArticleFactory(
        title="Does insurance cover IOP?", slug="insurance", body=link("/articles/paying-for-iop/")
    )
    FAQFactory(
        question="What does it cost?", answer=link("https://testserver/articles/paying-for-treatment/")
    )
    return article


def test_who_links_to_a_page_by_any_of_its_addresses(paying):
    ArticleFactory(draft=True, body=link("/articles/paying-for-iop/"))  # not published: no visitor sees it
    ArticleFactory(body=link("/articles/paying-for-iop-later/"))  # holds the address, links elsewhere
    ArticleFactory(body="<p>Type /articles/paying-for-iop/ in your browser.</p>")  # no link
    found = texts_linking_to([paying])
    assert [str(text) for text in found[paying]] == ["Does insurance cover IOP?", "What does it cost?"]


def test_finding_who_links_costs_one_query_for_old_addresses_and_one_per_kind_of_text(
    paying, django_assert_num_queries
):
    pages = [paying, LocationFactory(), PageFactory()]
    with django_assert_num_queries(5):
        texts_linking_to(pages)


def test_unpublishing_an_article_in_its_form_names_the_texts_that_link_to_it(staff_client, paying):
    url = change_url(paying)
    data = admin_form_data(staff_client.get(url))
    data["status"] = Article.Status.DRAFT
    response = staff_client.post(url, data, follow=True)
    insurance = Article.objects.get(slug="insurance")
    (warning,) = left_behind(response)
    assert warning.startswith(
        "2 published texts link to “Paying for IOP” (/articles/paying-for-iop/): "
        f'<a href="{change_url(insurance)}">article “Does insurance cover IOP?” (/articles/insurance/)</a>, '
        '<a href="/admin/faqs/faq/'
    )
    assert warning.endswith(
        "Their links now lead visitors to “page not found”: change them, or add a redirect from "
        "/articles/paying-for-iop/ to the page that replaces it (Redirects)."
    )
    assert Article.objects.get(pk=paying.pk).status == Article.Status.DRAFT  # a warning, not a refusal


def test_scheduling_a_live_article_for_later_warns_too(staff_client, paying):
    url = change_url(paying)
    data = admin_form_data(staff_client.get(url))
    later = timezone.localtime(timezone.now() + dt.timedelta(days=2))
    data["published_at_0"], data["published_at_1"] = later.strftime("%Y-%m-%d"), later.strftime("%H:%M:%S")
    response = staff_client.post(url, data, follow=True)
    assert len(left_behind(response)) == 1


def test_a_save_that_keeps_the_page_public_says_nothing_about_links_to_it(staff_client, paying):
    url = change_url(paying)
    data = admin_form_data(staff_client.get(url))
    data["summary"] = "How people pay for intensive outpatient treatment."
    response = staff_client.post(url, data, follow=True)
    assert left_behind(response) == []


def test_unticking_published_on_a_location_names_the_texts_that_link_to_it(staff_client):
    location = LocationFactory(name="Jefferson", slug="jefferson")
    PageFactory(title="Accessibility", slug="accessibility", body=link("/locations/jefferson/", "Jefferson"))
    url = change_url(location)
    data = admin_form_data(staff_client.get(url))
    del data["is_published"]
    response = staff_client.post(url, data, follow=True)
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Jefferson” (/locations/jefferson/): ")
    assert "standing page “Accessibility” (/accessibility/)" in warning


def test_the_bulk_unpublish_actions_name_the_texts_left_linking(staff_client, paying):
    response = staff_client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "unpublish_selected", "_selected_action": [paying.pk], "index": "0"},
        follow=True,
    )
    assert len(left_behind(response)) == 1
    page = PageFactory(title="Privacy on this website", slug="privacy")
    ArticleFactory(body=link("/privacy/", "our privacy notice"))
    response = staff_client.post(
        reverse("admin:pages_page_changelist"),
        {"action": "unpublish_selected", "_selected_action": [page.pk], "index": "0"},
        follow=True,
    )
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Privacy on this website” (/privacy/)")
    assert not Page.objects.get(pk=page.pk).is_published


def test_the_delete_confirmation_names_the_texts_that_link_to_the_page(staff_client, paying):
    response = staff_client.get(reverse("admin:articles_article_delete", args=[paying.pk]))
    (warning,) = left_behind(response)
    assert "Their links will lead visitors to “page not found”" in warning
    response = staff_client.post(reverse("admin:articles_article_delete", args=[paying.pk]), {"post": "yes"})
    assert not Article.objects.filter(pk=paying.pk).exists()


def test_the_bulk_delete_confirmation_names_them_too(staff_client):
    topic = TopicFactory(name="Insurance and cost", slug="insurance-and-cost")
    ArticleFactory(body=link("/faqs/insurance-and-cost/?open=3#faq-3", "the questions about cost"))
    response = staff_client.post(
        reverse("admin:faqs_topic_changelist"),
        {"action": "delete_selected", "_selected_action": [topic.pk]},
    )
    assert response.status_code == 200  # the confirmation page
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Insurance and cost” (/faqs/insurance-and-cost/)")


def test_who_links_is_found_among_many_articles():
    """As many articles as the benchmark's content (scripts/bench.py), of four sections: every one
    that links is found, and no other. Its time is `make profile ARGS=--checks`'s to print."""
    paragraph = (
        "Many people who start an intensive outpatient program keep their jobs and families, and come "
        "in for a few hours on three to five days a week. "
    ) * 3
    body = "".join(f"<h2>Part {part}</h2>" + f"<p>{paragraph}</p>" * 3 for part in range(4))
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            title=f"Recovery notes {n}",
            slug=f"recovery-notes-{n}",
            summary="Notes.",
            body=body + (link("/articles/recovery-notes-0/") if n % 20 == 1 else ""),
            status=Article.Status.PUBLISHED,
            published_at=now - dt.timedelta(hours=n + 1),
        )
        for n in range(220)
    )
    target = Article.objects.get(slug="recovery-notes-0")
    found = texts_linking_to([target])
    assert sorted(text.slug for text in found[target]) == sorted(
        f"recovery-notes-{n}" for n in range(1, 220, 20)
    )


@pytest.fixture
def cost_topic():
    """A topic with one published question, whose page a published article links to."""
    topic = TopicFactory(name="Insurance and cost", slug="insurance-and-cost")
    faq = FAQFactory(topic=topic, question="Does my plan cover IOP?")
    ArticleFactory(title="Paying for IOP", body=link("/faqs/insurance-and-cost/", "questions about cost"))
    return faq


def test_unpublishing_the_last_question_of_a_topic_names_the_texts_linking_to_its_page(
    staff_client, cost_topic
):
    url = change_url(cost_topic)
    data = admin_form_data(staff_client.get(url))
    del data["is_published"]
    response = staff_client.post(url, data, follow=True)
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Insurance and cost” (/faqs/insurance-and-cost/)")
    assert "article “Paying for IOP”" in warning


@pytest.mark.parametrize("unpublish_too", [False, True])
def test_moving_the_last_question_of_a_topic_to_another_names_the_texts_linking_to_its_page(
    staff_client, cost_topic, unpublish_too
):
    other = TopicFactory(name="Getting started", slug="getting-started")
    ArticleFactory(title="First steps", body=link("/faqs/getting-started/", "questions on starting"))
    url = change_url(cost_topic)
    data = admin_form_data(staff_client.get(url))
    data["topic"] = str(other.pk)
    if unpublish_too:
        del data["is_published"]
    response = staff_client.post(url, data, follow=True)
    cost_topic.refresh_from_db()
    assert cost_topic.topic == other
    # The old topic's page is gone; the new one's is not (it never had one when unpublished too).
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Insurance and cost” (/faqs/insurance-and-cost/)")
    assert "article “Paying for IOP”" in warning and "Their links now lead visitors" in warning
    assert "Getting started" not in warning


def test_moving_a_question_that_leaves_its_topic_a_published_one_or_was_not_published_says_nothing(
    staff_client, cost_topic
):
    other = TopicFactory(name="Getting started", slug="getting-started")
    kept = FAQFactory(topic=cost_topic.topic, question="Is there a sliding scale?")
    url = change_url(cost_topic)
    data = admin_form_data(staff_client.get(url))
    data["topic"] = str(other.pk)
    assert left_behind(staff_client.post(url, data, follow=True)) == []

    # The question left is unpublished, then moved: the topic's page had gone already.
    kept.is_published = False
    kept.save()
    url = change_url(kept)
    data = admin_form_data(staff_client.get(url))
    data["topic"] = str(other.pk)
    assert left_behind(staff_client.post(url, data, follow=True)) == []


def test_a_topic_that_keeps_a_published_question_keeps_its_page_and_nothing_is_said(staff_client, cost_topic):
    FAQFactory(topic=cost_topic.topic)
    response = staff_client.post(
        reverse("admin:faqs_faq_changelist"),
        {"action": "unpublish_selected", "_selected_action": [cost_topic.pk], "index": "0"},
        follow=True,
    )
    assert left_behind(response) == []


def test_unpublishing_or_deleting_the_last_question_in_bulk_names_them(staff_client, cost_topic):
    response = staff_client.post(
        reverse("admin:faqs_faq_changelist"),
        {"action": "delete_selected", "_selected_action": [cost_topic.pk]},
    )
    (warning,) = left_behind(response)
    assert "Their links will lead visitors" in warning
    response = staff_client.post(
        reverse("admin:faqs_faq_changelist"),
        {"action": "unpublish_selected", "_selected_action": [cost_topic.pk], "index": "0"},
        follow=True,
    )
    (warning,) = left_behind(response)
    assert "Their links now lead visitors" in warning


# --- Restoring an old version (History) that takes a page off the site.


def version_of(obj, **state):
    """A version of `obj` with `state`, recorded as History records it; `obj` keeps what it had."""
    kept = {name: getattr(obj, name) for name in state}
    for name, value in state.items():
        setattr(obj, name, value)
    with reversion.create_revision():
        obj.save()
    for name, value in kept.items():
        setattr(obj, name, value)
    obj.save()
    return Version.objects.get_for_object(obj).order_by("-pk").first()


def restore(client, obj, version):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_revision", args=[obj.pk, version.pk])
    opened = client.get(url)
    assert left_behind(opened) == []  # opening the old version changes nothing, and says nothing
    return client.post(url, admin_form_data(opened), follow=True)


def test_restoring_a_draft_version_of_a_live_article_names_the_texts_linking_to_it(staff_client, paying):
    published = version_of(paying)
    draft = version_of(paying, status=Article.Status.DRAFT)
    response = restore(staff_client, paying, draft)
    paying.refresh_from_db()
    assert paying.status == Article.Status.DRAFT
    assert "was restored." in messages_of(response)[0]
    (warning,) = left_behind(response)
    assert warning.startswith("2 published texts link to “Paying for IOP” (/articles/paying-for-iop/)")
    assert "Their links now lead visitors" in warning

    # Restoring the published version puts it back: nothing to say.
    response = restore(staff_client, paying, published)
    paying.refresh_from_db()
    assert paying.is_public and "was restored." in messages_of(response)[0]
    assert left_behind(response) == []


def test_restoring_an_unpublished_version_of_a_location_names_the_texts_linking_to_it(staff_client):
    location = LocationFactory(name="Jefferson", slug="jefferson")
    ArticleFactory(title="Finding us", body=link("/locations/jefferson/", "our Jefferson office"))
    hidden = version_of(location, is_published=False)
    response = restore(staff_client, location, hidden)
    location.refresh_from_db()
    assert not location.is_published
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Jefferson” (/locations/jefferson/)")
    assert "article “Finding us”" in warning


def test_restoring_a_version_of_the_last_question_in_another_topic_names_the_texts_linking_to_it(
    staff_client, cost_topic
):
    other = TopicFactory(name="Getting started", slug="getting-started")
    elsewhere = version_of(cost_topic, topic=other)
    response = restore(staff_client, cost_topic, elsewhere)
    cost_topic.refresh_from_db()
    assert cost_topic.topic == other
    (warning,) = left_behind(response)
    assert warning.startswith("1 published text links to “Insurance and cost” (/faqs/insurance-and-cost/)")
