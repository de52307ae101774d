"""Links to a part of a page (`/articles/x/#what-we-check`, `#costs`), checked against the ids the
page a visitor gets has (carter_site/links.py, page_parts)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article
from carter_site.links import check_texts
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, TopicFactory

pytestmark = pytest.mark.django_db

INSURANCE_BODY = (
    "<p>Most plans cover part of a program like ours.</p>"
    "<h2>What we check</h2><p>Your plan, your deductible, and what is left of it this year.</p>"
    "<h2>What it costs you</h2><p>We tell you before your first day.</p>"
)


def link(href, words="what we check"):
    return f'<p>See <a href="{href}">{words}</a>.</p>'


def problems(html, base="/articles/costs/", *own):
    """The problems found in one text, as sentences."""
    found = check_texts([("text", html, base, *own)])
    return [str(problem) for problem in found.get("text", [])]


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def insurance():
    return ArticleFactory(
        slug="does-insurance-cover-iop", title="Does insurance cover IOP?", body=INSURANCE_BODY
    )


def test_a_link_to_a_heading_the_page_has_is_fine(insurance):
    assert problems(link("/articles/does-insurance-cover-iop/#what-we-check")) == []
    assert problems(link("https://testserver/articles/does-insurance-cover-iop/#what-it-costs-you")) == []


def test_a_link_to_a_reworded_heading_names_the_parts_the_page_has(insurance):
    insurance.body = INSURANCE_BODY.replace("What we check", "What we check first")
    insurance.save()
    assert problems(link("/articles/does-insurance-cover-iop/#what-we-check")) == [
        "The link “what we check” (/articles/does-insurance-cover-iop/#what-we-check) goes to "
        "/articles/does-insurance-cover-iop/, but it has no part called “what-we-check”: visitors land at "
        "the top of the page instead. Its parts are: “what-we-check-first” (What we check first), "
        "“what-it-costs-you” (What it costs you), “call-box-heading” (Talk it through with us). Write one of "
        "them after the “#”, or take the “#…” out."
    ]
    (found,) = check_texts([("text", link("/articles/does-insurance-cover-iop/#what-we-check"), "/")])["text"]
    assert found.dead and found.part


def test_the_warning_appears_after_a_save_and_goes_when_the_link_is_fixed(staff_client, insurance):
    article = ArticleFactory(slug="paying-for-iop")
    url = change_url(article)
    data = admin_form_data(staff_client.get(url))
    data["body"] = link("/articles/does-insurance-cover-iop/#what-we-check-first")
    response = staff_client.post(url, data, follow=True)
    assert any("no part called “what-we-check-first”" in message for message in messages_of(response))
    assert "#what-we-check-first" in Article.objects.get(pk=article.pk).body  # the save held

    data["body"] = link("/articles/does-insurance-cover-iop/#what-we-check")
    response = staff_client.post(url, data, follow=True)
    assert not [message for message in messages_of(response) if "The link" in message]


def test_a_dead_page_gets_one_warning_about_the_page_not_its_part():
    ArticleFactory(draft=True, slug="paying-for-iop", title="Paying for IOP")
    (found,) = problems(link("/articles/paying-for-iop/#no-such-part"))
    assert "a draft" in found and "no part called" not in found


def test_a_part_of_the_page_behind_an_old_address_is_checked_on_the_new_one(insurance):
    insurance.slug = "what-insurance-covers"
    insurance.save()  # a public article renamed: its old address redirects
    assert problems(link("/articles/does-insurance-cover-iop/#what-we-check"))[0].endswith(
        "is an old address: visitors are sent on to /articles/what-insurance-covers/. It works, but link to "
        "/articles/what-insurance-covers/ instead."
    )
    (found,) = problems(link("/articles/does-insurance-cover-iop/#how-to-pay"))
    assert "goes to /articles/what-insurance-covers/, but it has no part called “how-to-pay”" in found


# --- "#costs": a part of the page the text is on.


def test_a_link_within_the_text_is_read_on_its_own_page(insurance):
    html = link("#what-it-costs-you", "costs") + link("#costs", "costs")
    assert problems(html, insurance.get_absolute_url()) == [
        "The link “costs” (#costs) goes to this page, but it has no part called “costs”: visitors land at "
        "the top of the page instead. Its parts are: “what-we-check” (What we check), “what-it-costs-you” "
        "(What it costs you), “call-box-heading” (Talk it through with us). Write one of them after the "
        "“#”, or take the “#…” out."
    ]


def test_a_draft_is_read_on_its_page_as_the_editor_who_saved_it_sees_it(staff_client):
    article = ArticleFactory(draft=True, slug="coming-back", body="<p>Old words.</p>")
    url = change_url(article)
    data = admin_form_data(staff_client.get(url))
    data["body"] = (
        "<h2>Starting again</h2><p>Welcome back.</p>" + link("#starting-again") + link("#restarting")
    )
    response = staff_client.post(url, data, follow=True)
    found = [message for message in messages_of(response) if "The link" in message]
    assert len(found) == 1
    assert "(#restarting) goes to this page, but it has no part called “restarting”" in found[0]
    assert "“starting-again” (Starting again)" in found[0]


def test_a_link_within_an_faq_answer_is_read_on_its_topics_page():
    topic = TopicFactory(slug="insurance-and-cost", name="Insurance and cost")
    other = FAQFactory(topic=topic, question="Do you take my plan?")
    faq = FAQFactory(topic=topic, answer=link(f"#{other.anchor}") + link("#deductibles", "deductibles"))
    base = faq.topic.get_absolute_url()
    (found,) = problems(faq.answer, "/faqs/", base)
    assert found.startswith(
        "The link “deductibles” (#deductibles) goes to the page /faqs/insurance-and-cost/, but it has no part "
        "called “deductibles”"
    )


def test_a_question_on_the_faq_page_is_a_part_a_link_may_name():
    faq = FAQFactory(topic=TopicFactory(slug="insurance-and-cost"))
    assert (
        problems(link(f"/faqs/#{faq.anchor}") + link(f"/faqs/insurance-and-cost/?open={faq.pk}#{faq.anchor}"))
        == []
    )
    (found,) = problems(link(f"/faqs/#faq-{faq.pk + 1000}"))
    assert f"goes to /faqs/, but it has no part called “faq-{faq.pk + 1000}”" in found


@pytest.mark.parametrize(
    "href",
    [
        "/faqs/#",  # nothing after "#": the top of the page
        "#top",  # the top of the page, on every page
        "#main",  # the <main> every page has, where the skip link leads
        "/articles/does-insurance-cover-iop/#:~:text=deductible",  # a text fragment, searched for
        "/articles/does-insurance-cover-iop/#what%2Dwe%2Dcheck",  # %-escapes, read as browsers do
        "/feeds/articles/#x",  # not an HTML page: nothing to read ids from
        "https://www.samhsa.gov/#no-such-part",  # another website
    ],
)
def test_links_that_land_where_they_say(insurance, href):
    FAQFactory()
    assert problems(link(href), insurance.get_absolute_url()) == []


def test_ids_are_compared_as_written_and_odd_characters_are_read_decoded(insurance):
    found = problems(
        link("/articles/does-insurance-cover-iop/#What-We-Check")
        + link("/articles/does-insurance-cover-iop/#caf%C3%A9")
        + link("#main-content"),
        insurance.get_absolute_url(),
    )
    assert [sentence.split(" but ", 1)[1].split(":", 1)[0] for sentence in found] == [
        "it has no part called “What-We-Check”",
        "it has no part called “café”",
        "it has no part called “main-content”",
    ]


def test_many_links_to_parts_of_a_page_cost_the_queries_of_one(insurance, django_assert_max_num_queries):
    def text(anchors):
        html = "".join(link(f"/articles/does-insurance-cover-iop/#{anchor}") for anchor in anchors)
        return html + "".join(link(f"#{anchor}") for anchor in anchors)

    with CaptureQueriesContext(connection) as one:
        check_texts([("text", text(["what-we-check"]), "/faqs/")])
    # The old addresses and the articles, then the article's page and the FAQ page, rendered once
    # each (a savepoint around each): a few queries per page, none per link.
    assert len(one) <= 16
    many = ["what-we-check", "what-it-costs-you", "nope", "main", "top", "faq-1", "gone", "x"]
    with django_assert_max_num_queries(len(one)):
        found = check_texts([(n, text(many), "/faqs/") for n in range(10)])
    # Four parts the article lacks, six the FAQ page lacks (all but "main" and "top").
    assert len(found) == 10 and all(len(problems) == 10 for problems in found.values())
