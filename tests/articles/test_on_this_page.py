"""The "On this page" list of an article or a standing page, and the ids of its sections that the list and a link sent
by someone on the phone point to (carter_site.templatetags.richtext, `richtext:"sections"`)."""

import re

import html5lib
import pytest

from carter_site.richtext import sanitise_html
from carter_site.templatetags.richtext import (
    _ARTICLE_PAGE_ID_PATTERN,
    ARTICLE_PAGE_IDS,
    richtext,
)
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    ArticleTestimonialFactory,
    LocationFactory,
    LocationFAQFactory,
    OpeningHoursFactory,
    PageFactory,
)

pytestmark = pytest.mark.django_db

BODY = """\
<p>You can get help for drinking or drug use and still go to work in the morning.</p>
<h2>What a day in the program looks like</h2>
<p>About three hours, in the morning or the evening, three to five days a week.</p>
<h2>Can I keep my job?</h2>
<p>Most people do. You choose the track that fits around your hours.</p>
<h3>What to tell your manager</h3>
<p>As much or as little as you want: a medical appointment is enough.</p>
<h2>What it <em>costs</em></h2>
<p>Many plans pay for most of it. We check yours before your first day.</p>
<h2>If you stopped coming before</h2>
<p>You are welcome back, and you do not start over.</p>"""

SECTIONS = [
    ("what-a-day-in-the-program-looks-like", "What a day in the program looks like"),
    ("can-i-keep-my-job", "Can I keep my job?"),
    ("what-it-costs", "What it costs"),
    ("if-you-stopped-coming-before", "If you stopped coming before"),
]


def parse(response):
    assert response.status_code == 200
    return html5lib.parse(response.content.decode(), namespaceHTMLElements=False)


def on_this_page(document):
    """The "On this page" navigation, or None."""
    heading = document.find(".//*[@id='article-contents']")
    if heading is None:
        return None
    (nav,) = [nav for nav in document.iter("nav") if nav.get("aria-labelledby") == "article-contents"]
    return nav


def links(nav):
    return [(link.get("href"), "".join(link.itertext())) for link in nav.iter("a")]


def text(element):
    return " ".join("".join(element.itertext()).split())


def body_heading_ids(document):
    (body,) = [div for div in document.iter("div") if div.get("class") == "rich-text"]
    return [
        (heading.tag, heading.get("id"), text(heading)) for heading in body if heading.tag in ("h2", "h3")
    ]


def all_ids(document):
    return [element.get("id") for element in document.iter() if element.get("id") is not None]


@pytest.fixture
def article():
    article = ArticleFactory(title="Treatment that fits around work", body=sanitise_html(BODY))
    ArticleTestimonialFactory(article=article, testimonial__quote="I went to group after my shift.")
    ArticleFAQFactory(article=article, faq__question="Will my employer find out?")
    return article


def test_an_article_with_three_sections_or_more_lists_them_then_its_quote_and_questions(client, article):
    """A reader looking for "what does it cost" finds it in the list at the top and goes there;
    the list is a navigation landmark named apart from the site's menu and the breadcrumbs."""
    document = parse(client.get(article.get_absolute_url()))
    nav = on_this_page(document)
    assert nav is not None
    assert text(document.find(".//*[@id='article-contents']")) == "On this page"
    assert links(nav) == [
        *((f"#{section_id}", name) for section_id, name in SECTIONS),
        ("#article-stories", "In a client’s words"),
        ("#article-faqs", "Questions people ask"),
    ]
    # Each link leads to a heading with the words the list shows.
    for href, name in links(nav):
        target = document.find(f".//*[@id='{href[1:]}']")
        assert target is not None and text(target) == name, href
    # Before the body, just under the article's header.
    (main,) = document.iter("main")
    (article_element,) = main.iter("article")
    children = list(article_element)
    assert children.index(nav) == children.index(article_element.find("header")) + 1
    names = [
        nav.get("aria-label") or text(document.find(f".//*[@id='{nav.get('aria-labelledby')}']"))
        for nav in document.iter("nav")
    ]
    assert sorted(names) == ["Breadcrumb", "Main", "On this page"]


def test_the_list_links_the_quote_and_the_questions_only_when_the_page_shows_them(client):
    article = ArticleFactory(body=sanitise_html(BODY))
    nav = on_this_page(parse(client.get(article.get_absolute_url())))
    assert links(nav) == [(f"#{section_id}", name) for section_id, name in SECTIONS]


def test_an_article_with_fewer_than_three_sections_has_no_list_but_its_headings_can_be_linked(
    client, article
):
    article.body = sanitise_html(
        "<p>A short answer.</p><h2>Mornings</h2><h3>Before work</h3><p>Nine to noon.</p>"
        "<h3>After the school run</h3><h2>Evenings</h2><p>Six to nine.</p>"
    )
    article.save()
    document = parse(client.get(article.get_absolute_url()))
    assert on_this_page(document) is None
    assert document.find(".//*[@id='article-contents']") is None
    assert body_heading_ids(document) == [
        ("h2", "mornings", "Mornings"),
        ("h3", "before-work", "Before work"),
        ("h3", "after-the-school-run", "After the school run"),
        ("h2", "evenings", "Evenings"),
    ]


def test_each_heading_has_an_id_made_of_its_words_the_same_at_every_render(client, article):
    first = body_heading_ids(parse(client.get(article.get_absolute_url())))
    assert first == [
        ("h2", "what-a-day-in-the-program-looks-like", "What a day in the program looks like"),
        ("h2", "can-i-keep-my-job", "Can I keep my job?"),
        ("h3", "what-to-tell-your-manager", "What to tell your manager"),
        ("h2", "what-it-costs", "What it costs"),
        ("h2", "if-you-stopped-coming-before", "If you stopped coming before"),
    ]
    assert body_heading_ids(parse(client.get(article.get_absolute_url()))) == first


def test_a_sections_id_does_not_change_when_other_text_does(client, article):
    """A link a staff member sent last week still leads to the part about cost after an editor
    rewrote paragraphs, renamed another section and added one before it."""
    article.body = sanitise_html(
        BODY.replace("Many plans pay for most of it.", "Most commercial plans cover part of it.")
        .replace("Can I keep my job?", "Keeping your job")
        .replace("<h2>What it", "<h2>Your first week</h2><p>New words.</p><h2>What it")
    )
    article.save()
    ids = {
        name: section_id
        for _, section_id, name in body_heading_ids(parse(client.get(article.get_absolute_url())))
    }
    assert ids["What it costs"] == "what-it-costs"
    assert ids["If you stopped coming before"] == "if-you-stopped-coming-before"
    assert ids["Keeping your job"] == "keeping-your-job"
    assert ids["Your first week"] == "your-first-week"


def test_headings_with_the_same_words_get_distinct_ids(client, article):
    article.body = sanitise_html(
        "<h2>Mornings</h2><h3>Cost</h3><p>One.</p><h2>Evenings</h2><h3>Cost</h3><p>Two.</p>"
        "<h2>Cost</h2><h2>Cost 2</h2><h2>“Cost”!</h2><h2>Café</h2><h2>Cafe</h2>"
    )
    article.save()
    document = parse(client.get(article.get_absolute_url()))
    assert [section_id for _, section_id, _ in body_heading_ids(document)] == [
        "mornings", "cost", "evenings", "cost-2", "cost-3", "cost-2-2", "cost-4", "cafe", "cafe-2",
    ]  # fmt: skip
    ids = all_ids(document)
    assert len(ids) == len(set(ids))
    assert [href for href, _ in links(on_this_page(document))][:4] == [
        "#mornings",
        "#evenings",
        "#cost-3",
        "#cost-2-2",
    ]


def test_a_heading_never_takes_an_id_the_pages_templates_use(client, article):
    """A heading called "Main" would have taken the skip link's target, one called "FAQ 12" the
    question's own anchor: each gets a number instead, and every id on the page is unique."""
    faq = article.faq_placements.get().faq
    testimonial = article.testimonial_placements.get().testimonial
    ArticleLocationFactory(article=article, location=LocationFactory())
    ArticleFactory(body="<p>Another article, for Read next.</p>").locations.set(article.locations.all())
    words = [*sorted(ARTICLE_PAGE_IDS), faq.anchor, testimonial.anchor]
    article.body = sanitise_html(
        "".join(f"<h2>{word.replace('-', ' ').title()}</h2><p>Text.</p>" for word in words)
    )
    article.save()
    document = parse(client.get(article.get_absolute_url()))
    headings = body_heading_ids(document)
    assert len(headings) == len(words)
    assert [section_id for _, section_id, _ in headings] == [f"{word}-2" for word in words]
    ids = all_ids(document)
    assert len(ids) == len(set(ids))
    assert document.find(".//main").get("id") == "main"
    # Every id the templates print here is one a heading cannot take: a new one must be added to
    # ARTICLE_PAGE_IDS, or a heading with its words would take it.
    in_body = {section_id for _, section_id, _ in headings}
    from_templates = {i for i in ids if i not in in_body}
    assert {
        "main",
        "article-contents",
        "article-stories",
        "article-faqs",
        "article-locations",
    } <= from_templates
    assert "article-related" in from_templates and "call-box-heading" in from_templates
    assert all(i in ARTICLE_PAGE_IDS or _ARTICLE_PAGE_ID_PATTERN.fullmatch(i) for i in from_templates), (
        from_templates
    )


def test_an_id_is_letters_digits_and_hyphens_whatever_the_heading_holds(client, article):
    """The heading's words are the editor's: quotes, markup written as text and links never reach
    the id, and the list shows the words escaped, as the heading does."""
    article.body = sanitise_html(
        '<h2>Say "hello" &lt;script&gt;alert(1)&lt;/script&gt;</h2>'
        '<h2><a href="https://findtreatment.gov/">Find<strong>Treatment</strong>.gov</a> and you</h2>'
        "<h2>日本語</h2><h2>&nbsp;Call (470) 284-1834&nbsp;</h2>"
        f"<h2>{'A very long heading that goes on ' * 5}</h2>"
    )
    article.save()
    response = client.get(article.get_absolute_url())
    assert "<script>" not in response.content.decode()
    document = parse(response)
    ids = [section_id for _, section_id, _ in body_heading_ids(document)]
    assert ids == [
        "say-hello-scriptalert1script",
        "findtreatmentgov-and-you",
        "section",
        "call-470-284-1834",
        "a-very-long-heading-that-goes-on-a-very-long-heading-that",
    ]
    assert all(re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", i) and len(i) <= 60 for i in ids)
    assert links(on_this_page(document))[0] == (
        "#say-hello-scriptalert1script",
        'Say "hello" <script>alert(1)</script>',
    )
    assert "tel:+14702841834" in response.content.decode()  # the number in the heading still dials


def test_rich_text_elsewhere_keeps_its_headings_as_they_were(client, article):
    """Only the body of an article or a standing page gets ids: FAQ answers on the same page and
    a location's text render as before, with no id a template of theirs might also use."""
    location = LocationFactory(
        body=sanitise_html("<h2>Hours</h2><p>Weekdays.</p><h3>Visit</h3><p>Park behind.</p>")
    )
    OpeningHoursFactory(location=location)
    LocationFAQFactory(location=location)
    faq = article.faq_placements.get().faq

    document = parse(client.get(article.get_absolute_url()))
    assert body_heading_ids(document)[0][1] == "what-a-day-in-the-program-looks-like"
    (answer,) = [div for div in document.iter("div") if div.get("class") == "faq__answer rich-text"]
    assert html5lib.serialize(answer).count("id=") == 0
    assert str(richtext(faq.answer)) in client.get(article.get_absolute_url()).content.decode()

    shown = client.get(location.get_absolute_url()).content.decode()
    assert str(richtext(location.body)) in shown and "<h2>Hours</h2>" in shown
    assert shown.count('id="hours"') == 1  # the template's own section, not the editor's heading


PAGE_BODY = """\
<p>This notice says what the site keeps about a visit, and for how long.</p>
<h2>What we keep</h2>
<p>The address asked for and the time, for two weeks.</p>
<h2>What we never keep</h2>
<p>Names, unless you write to us.</p>
<h3>Cookies</h3>
<p>None, unless you work here.</p>
<h2>Who to ask</h2>
<p>Call (470) 284-1834 and ask for the privacy officer.</p>"""


def test_a_standing_page_with_three_sections_or_more_lists_them_too(client):
    """The privacy notice is long and read for one answer ("do you keep my name?"): it opens
    with the same list as a long article, its headings can be linked, and every id is unique."""
    page = PageFactory(body=sanitise_html(PAGE_BODY))
    document = parse(client.get(page.get_absolute_url()))
    nav = on_this_page(document)
    assert nav is not None
    assert links(nav) == [
        ("#what-we-keep", "What we keep"),
        ("#what-we-never-keep", "What we never keep"),
        ("#who-to-ask", "Who to ask"),
    ]
    assert body_heading_ids(document) == [
        ("h2", "what-we-keep", "What we keep"),
        ("h2", "what-we-never-keep", "What we never keep"),
        ("h3", "cookies", "Cookies"),
        ("h2", "who-to-ask", "Who to ask"),
    ]
    # Just before the page's text.
    (article_element,) = document.find(".//main").iter("article")
    children = list(article_element)
    assert children.index(nav) + 1 == children.index(
        next(div for div in article_element.iter("div") if div.get("class") == "rich-text")
    )
    ids = all_ids(document)
    assert len(ids) == len(set(ids))


def test_a_standing_page_with_fewer_sections_has_no_list_and_keeps_the_templates_ids(client):
    page = PageFactory(
        body=sanitise_html("<h2>Main</h2><p>Anyone.</p><h2>Call box heading</h2><p>Little.</p>")
    )
    document = parse(client.get(page.get_absolute_url()))
    assert on_this_page(document) is None
    assert [section_id for _, section_id, _ in body_heading_ids(document)] == ["main-2", "call-box-heading-2"]
    assert document.find(".//main").get("id") == "main"
    ids = all_ids(document)
    assert len(ids) == len(set(ids))


def test_richtext_refuses_an_argument_it_does_not_know():
    from django.template import TemplateSyntaxError

    assert str(richtext("<h2>Cost</h2>", "sections")) == '<h2 id="cost">Cost</h2>'
    assert str(richtext("<h2>Cost</h2>")) == "<h2>Cost</h2>"
    with pytest.raises(TemplateSyntaxError):
        richtext("<h2>Cost</h2>", "section")
