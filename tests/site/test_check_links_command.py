"""`manage.py check_links`: the published links that lead visitors nowhere, for a cron job or CI."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory, TopicFactory

pytestmark = pytest.mark.django_db


def link(href, words):
    return f'<p>See <a href="{href}">{words}</a>.</p>'


def check_links(*args):
    out = StringIO()
    try:
        call_command("check_links", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_each_link_that_leads_nowhere_is_a_line_and_the_status_is_one():
    ArticleFactory(draft=True, slug="paying-for-iop", title="Paying for IOP")
    ArticleFactory(
        title="Does insurance cover IOP?",
        slug="does-insurance-cover-iop",
        body=link("/articles/paying-for-iop/", "how to pay") + link("/locations/nowhere/", "our rooms"),
    )
    faq = FAQFactory(
        question="Can I keep my job?",
        topic=TopicFactory(slug="keeping-your-job"),
        answer=link("/admin/", "ask"),
    )
    out, error = check_links()
    lines = out.splitlines()
    assert lines[:3] == [
        "article “Does insurance cover IOP?” (/articles/does-insurance-cover-iop/): The link “how to pay” "
        "(/articles/paying-for-iop/) leads to the article “Paying for IOP”, a draft: visitors get “page not "
        "found” there until it is published.",
        "article “Does insurance cover IOP?” (/articles/does-insurance-cover-iop/): The link “our rooms” "
        "(/locations/nowhere/) leads to no page: visitors get “page not found” there. Open the page on the "
        "site and copy its address from the browser, or take the link out.",
        f"FAQ “Can I keep my job?” (/faqs/keeping-your-job/?open={faq.pk}#faq-{faq.pk}): The link “ask” (/admin/) leads "
        "to the site editor (the admin), which visitors cannot open. Link to the page’s public address instead.",
    ]
    assert error is not None and error.returncode == 1
    assert str(error) == "3 link(s) in 2 published texts lead visitors nowhere."


def test_texts_visitors_cannot_read_are_not_checked():
    ArticleFactory(draft=True, body=link("/articles/nowhere/", "gone"))
    LocationFactory(is_published=False, body=link("/articles/nowhere/", "gone"))
    PageFactory(is_published=False, body=link("/articles/nowhere/", "gone"))
    FAQFactory(is_published=False, answer=link("/articles/nowhere/", "gone"))
    out, error = check_links()
    assert error is None
    assert out == "Checked 0 published texts: every link to this site leads to a page.\n"


def test_links_that_work_leave_the_status_at_zero():
    target = ArticleFactory(slug="paying-for-iop")
    LocationFactory(
        body=link(target.get_absolute_url(), "how to pay") + link("https://www.samhsa.gov/x/", "help")
    )
    PageFactory(body=link("mailto:help@carter.example", "write to us"))
    out, error = check_links()
    assert error is None
    assert out == "Checked 3 published texts: every link to this site leads to a page.\n"


def test_links_to_old_addresses_are_counted_and_listed_on_request_without_failing():
    renamed = ArticleFactory(slug="paying-for-treatment")
    renamed.slug = "how-to-pay"
    renamed.save()
    ArticleFactory(title="Costs", slug="costs", body=link("/articles/paying-for-treatment/", "how to pay"))
    out, error = check_links()
    assert error is None
    assert "1 link(s) lead to an old address that redirects: they work; --old-addresses lists them." in out
    out, error = check_links("--old-addresses")
    assert error is None
    assert (
        "article “Costs” (/articles/costs/): The link “how to pay” (/articles/paying-for-treatment/) is an old "
        "address: visitors are sent on to /articles/how-to-pay/."
    ) in out


def test_the_queries_do_not_grow_with_the_texts(django_assert_max_num_queries):
    for n in range(30):
        body = link(f"/articles/missing-{n}/", "gone") + link("/locations/nowhere/", "here")
        ArticleFactory(slug=f"linked-{n}", body=body)
        LocationFactory(body=link(f"/articles/linked-{n}/", "an article"))
    # the four kinds of text, the old addresses, then the articles and the locations linked
    with django_assert_max_num_queries(7):
        _out, error = check_links()
    assert error is not None and str(error) == "60 link(s) in 60 published texts lead visitors nowhere."


def test_a_link_to_a_part_of_a_page_that_is_not_there_is_a_line_and_fails_the_check():
    ArticleFactory(slug="does-insurance-cover-iop", body="<h2>What we check first</h2><p>Your plan.</p>")
    ArticleFactory(
        title="Paying for IOP",
        slug="paying-for-iop",
        body=link("/articles/does-insurance-cover-iop/#what-we-check", "what we check")
        + link("/articles/does-insurance-cover-iop/#what-we-check-first", "what we check first"),
    )
    out, error = check_links()
    assert out.splitlines()[0].startswith(
        "article “Paying for IOP” (/articles/paying-for-iop/): The link “what we check” "
        "(/articles/does-insurance-cover-iop/#what-we-check) goes to /articles/does-insurance-cover-iop/, but "
        "it has no part called “what-we-check”: visitors land at the top of the page instead. Its parts are: "
        "“what-we-check-first” (What we check first),"
    )
    assert len(out.splitlines()) == 1
    assert error is not None and error.returncode == 1
    assert str(error) == (
        "1 link(s) in 2 published texts lead visitors nowhere (1 of them to a part of a page that is not there)."
    )


def test_a_link_to_a_part_the_page_has_leaves_the_status_at_zero():
    ArticleFactory(slug="does-insurance-cover-iop", body="<h2>What we check</h2><p>Your plan.</p>")
    ArticleFactory(body=link("/articles/does-insurance-cover-iop/#what-we-check", "what we check"))
    out, error = check_links()
    assert error is None
    assert out == "Checked 2 published texts: every link to this site leads to a page.\n"
