"""Links between the site's own pages, checked after a save (carter_site/links.py)."""

import pytest
from django.contrib.redirects.models import Redirect

from articles.models import Article, PreviewLink
from carter_site.links import check_texts, own_path
from carter_site.publishing import local_time
from faqs.models import FAQ
from locations.models import Location
from pages.models import Page
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def problems(html, base="/articles/this-one/"):
    """The problems found in one text, as sentences."""
    return [str(problem) for problem in check_texts([("text", html, base)]).get("text", [])]


def link(href, words="how to pay for treatment"):
    return f'<p>Read <a href="{href}">{words}</a>.</p>'


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


# --- What counts as a link to this site.


@pytest.mark.parametrize(
    ("href", "path"),
    [
        ("/articles/x/", "/articles/x/"),
        ("/articles/x/?utm_source=mail#costs", "/articles/x/"),
        ("https://testserver/articles/x/", "/articles/x/"),
        ("http://LOCALHOST:8000/articles/x/", "/articles/x/"),
        ("https://www.carter.example/articles/x/", "/articles/x/"),  # SITE_URL's host
        ("x/", "/articles/this-one/x/"),  # relative: read from the page's own address
        ("https://www.samhsa.gov/find-help", None),
        ("//elsewhere.example/articles/x/", None),
        ("mailto:help@carter.example", None),
        ("tel:+14702841834", None),
        ("#costs", None),
        ("", None),
    ],
)
def test_only_links_to_this_site_are_read(settings, href, path):
    settings.SITE_URL = "https://www.carter.example"
    assert own_path(href, "/articles/this-one/") == path


def test_a_link_to_another_website_mail_or_a_phone_is_left_alone():
    html = (
        link("https://www.samhsa.gov/does-not-exist/")
        + link("mailto:help@carter.example")
        + link("tel:+14702841834")
        + link("#no-such-heading")
    )
    assert problems(html) == []


# --- Where a link leads.


def test_a_link_to_a_live_page_or_a_list_is_fine():
    article = ArticleFactory(slug="does-insurance-cover-iop", body="<h2>Who sees what</h2><p>Only us.</p>")
    location = LocationFactory(slug="alpharetta")
    page = PageFactory(slug="privacy")
    faq = FAQFactory(topic=TopicFactory(slug="insurance-and-cost"))
    html = "".join(
        link(href)
        for href in [
            article.get_absolute_url(),
            location.get_absolute_url(),
            page.get_absolute_url(),
            faq.topic.get_absolute_url(),
            "/",
            "/articles/",
            "/locations/?near=30004",
            "/faqs/",
            "https://testserver/articles/does-insurance-cover-iop/#who-sees-what",
        ]
    )
    assert problems(html) == []


def test_a_link_to_no_page_names_its_words_and_address():
    assert problems(link("/articles/how-to-pay/")) == [
        "The link “how to pay for treatment” (/articles/how-to-pay/) leads to no page: visitors get “page "
        "not found” there. Open the page on the site and copy its address from the browser, or take the "
        "link out."
    ]


def test_a_full_address_of_this_site_is_checked_like_a_path():
    found = problems(link("https://testserver/locations/nowhere/"))
    assert len(found) == 1 and "(https://testserver/locations/nowhere/) leads to no page" in found[0]


def test_a_link_to_a_draft_article_says_it_is_a_draft():
    ArticleFactory(draft=True, slug="paying-for-iop", title="Paying for IOP")
    assert problems(link("/articles/paying-for-iop/")) == [
        "The link “how to pay for treatment” (/articles/paying-for-iop/) leads to the article “Paying for "
        "IOP”, a draft: visitors get “page not found” there until it is published."
    ]


def test_a_link_to_a_scheduled_article_says_when_it_will_appear():
    article = ArticleFactory(scheduled=True, slug="paying-for-iop", title="Paying for IOP")
    (found,) = problems(link("/articles/paying-for-iop/"))
    assert f"scheduled to go live on {local_time(article.published_at)}: until then visitors get" in found


def test_a_link_to_an_expired_article_says_when_it_came_down():
    article = ArticleFactory(expired=True, slug="paying-for-iop", title="Paying for IOP")
    (found,) = problems(link("/articles/paying-for-iop/"))
    assert f"taken down on {local_time(article.expires_at)}: visitors get “page not found”" in found


def test_links_to_an_unpublished_location_page_or_topic_say_so():
    LocationFactory(slug="jefferson", name="Jefferson", is_published=False)
    PageFactory(slug="nondiscrimination", title="Notice of nondiscrimination", is_published=False)
    topic = TopicFactory(slug="insurance-and-cost", name="Insurance and cost")
    FAQFactory(topic=topic, is_published=False)
    found = problems(
        link("/locations/jefferson/") + link("/nondiscrimination/") + link("/faqs/insurance-and-cost/")
    )
    assert [sentence.split(") ", 1)[1] for sentence in found] == [
        "leads to the location “Jefferson”, which is not published: visitors get “page not found” there "
        "until it is.",
        "leads to the standing page “Notice of nondiscrimination”, which is not published: visitors get "
        "“page not found” there until it is.",
        "leads to the FAQ topic “Insurance and cost”, which has no published question: visitors get “page "
        "not found” there until one is published.",
    ]


def test_a_link_to_the_admin_or_a_preview_says_visitors_cannot_open_it():
    article = ArticleFactory(draft=True, slug="coming-soon")
    shared = PreviewLink.objects.create(article=article)
    found = problems(
        link("/admin/articles/article/")
        + link(f"http://testserver/admin/articles/article/{article.pk}/preview/")
        + link(shared.get_absolute_url())
    )
    assert "leads to the site editor (the admin), which visitors cannot open" in found[0]
    assert "is a staff preview in the admin, which visitors cannot open" in found[1]
    assert "Link to the article’s own address, /articles/coming-soon/" in found[1]
    assert "is a shared preview link" in found[2] and "/articles/coming-soon/" in found[2]


@pytest.mark.parametrize("object_id", ["²", "9" * 30, "9" * 5000])
def test_a_link_to_an_admin_preview_of_no_article_is_reported_as_one(object_id):
    # Digits Python reads but int() does not ("²"), an id no article can have, and more digits
    # than int() reads at all: the text is checked, and the link reported, all the same.
    (found,) = problems(link(f"/admin/articles/article/{object_id}/preview/"))
    assert "is a staff preview in the admin, which visitors cannot open" in found
    assert "Link to the article’s own address (/articles/…/)" in found


def test_a_link_to_the_admin_without_its_final_slash_says_it_is_the_admin():
    for href in ("/admin", "https://testserver/admin"):
        (found,) = problems(link(href))
        assert "leads to the site editor (the admin), which visitors cannot open" in found
    assert "leads to no page" in problems(link("/administration"))[0]


def test_an_old_address_works_but_the_new_one_is_suggested():
    article = ArticleFactory(slug="paying-for-treatment")
    article.slug = "how-to-pay-for-treatment"
    article.save()  # a public article renamed: its old address redirects
    assert problems(link("/articles/paying-for-treatment/")) == [
        "The link “how to pay for treatment” (/articles/paying-for-treatment/) is an old address: visitors "
        "are sent on to /articles/how-to-pay-for-treatment/. It works, but link to "
        "/articles/how-to-pay-for-treatment/ instead."
    ]
    (found,) = check_texts([("text", link("/articles/paying-for-treatment/"), "/")])["text"]
    assert not found.dead


def test_an_old_address_of_a_page_gone_since_leads_nowhere():
    Redirect.objects.create(site_id=1, old_path="/articles/old/", new_path="/articles/unpublished-now/")
    ArticleFactory(draft=True, slug="unpublished-now", title="Unpublished now")
    (found,) = check_texts([("text", link("/articles/old/"), "/")])["text"]
    assert found.dead
    assert "is an old address that leads to /articles/unpublished-now/, which leads to the article" in str(
        found
    )


def test_an_address_without_its_final_slash_or_in_capitals_suggests_the_exact_one():
    ArticleFactory(slug="paying-for-iop")
    found = problems(link("/articles/paying-for-iop") + link("/Articles/Paying-For-IOP/"))
    assert "Link to /articles/paying-for-iop/ instead." in found[0]
    assert "Link to /articles/paying-for-iop/ instead." in found[1]


def test_an_address_typed_without_its_first_slash_gets_the_one_meant():
    ArticleFactory(slug="paying-for-iop")
    assert problems(link("articles/paying-for-iop/"), base="/articles/costs/") == [
        "The link “how to pay for treatment” (articles/paying-for-iop/) does not start with a slash, so "
        "browsers read it from the page that shows it: it leads to /articles/costs/articles/paying-for-iop/: "
        "visitors get “page not found” there. Write /articles/paying-for-iop/ instead."
    ]


def test_one_query_for_old_addresses_and_one_per_kind_of_page_however_many_links(django_assert_num_queries):
    articles = ArticleFactory.create_batch(6)
    locations = LocationFactory.create_batch(3)
    html = "".join(link(obj.get_absolute_url()) for obj in [*articles, *locations])
    html += link("/articles/missing-one/") + link("/articles/missing-two/")
    texts = [(n, html, "/") for n in range(20)]
    with django_assert_num_queries(3):  # redirects, articles, locations
        found = check_texts(texts)
    assert len(found) == 20 and all(len(problems) == 2 for problems in found.values())


# --- After a save in the admin.


def test_the_editor_is_warned_after_saving_an_article_and_the_save_holds(staff_client):
    ArticleFactory(draft=True, slug="paying-for-iop", title="Paying for IOP")
    article = ArticleFactory()
    url = change_url(article)
    data = admin_form_data(staff_client.get(url))
    data["body"] = "<h2>Costs</h2>" + link("https://testserver/articles/paying-for-iop/")
    response = staff_client.post(url, data, follow=True)
    assert (
        "Check: The link “how to pay for treatment” (https://testserver/articles/paying-for-iop/) leads to "
        "the article “Paying for IOP”, a draft: visitors get “page not found” there until it is published."
    ) in messages_of(response)
    assert "paying-for-iop" in Article.objects.get(pk=article.pk).body


@pytest.mark.parametrize(
    ("factory", "field", "model"),
    [(LocationFactory, "body", Location), (PageFactory, "body", Page), (FAQFactory, "answer", FAQ)],
)
def test_every_rich_text_gets_the_warning_after_a_save(staff_client, factory, field, model):
    obj = factory()
    url = change_url(obj)
    data = admin_form_data(staff_client.get(url))
    data[field] = link("/articles/no-such-article/", words="paying for treatment")
    response = staff_client.post(url, data, follow=True)
    found = [message for message in messages_of(response) if message.startswith("Check: The link")]
    assert found == [
        "Check: The link “paying for treatment” (/articles/no-such-article/) leads to no page: visitors get "
        "“page not found” there. Open the page on the site and copy its address from the browser, or take "
        "the link out."
    ]
    assert "no-such-article" in getattr(model.objects.get(pk=obj.pk), field)


def test_a_text_whose_links_all_work_gets_no_link_warning(staff_client):
    target = ArticleFactory(slug="paying-for-iop")
    location = LocationFactory()
    url = change_url(location)
    data = admin_form_data(staff_client.get(url))
    data["body"] = link(target.get_absolute_url()) + link("tel:+14702841834", "(470) 284-1834")
    response = staff_client.post(url, data, follow=True)
    assert not [message for message in messages_of(response) if "The link" in message]
