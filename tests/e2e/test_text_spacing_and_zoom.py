"""What a reader who needs bigger or more spaced-out text does to a page, in Chromium: WCAG
1.4.12's text spacing, the text alone doubled (1.4.4, the browser's text size at 200 %), and a
1280 px window zoomed to 400 % (1.4.10, 320 CSS px wide). Each time: no text cut off by a box
that hides what overflows it, no words running out of their button or menu link, no text drawn
over other text, and no sideways scrolling of the page; a wide table scrolls in its own box.
"""

import pytest

from .browser import PHONE, TEXT_SPACING_CSS, VIEWPORTS, layout_problems

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = ["home", "article", "location", "faqs", "search-results", "search-crisis", "not-found"]
BYPASS_CSP = {"bypass_csp": True}  # the spacing and sizes are injected as a <style>

# A quote and a table too wide for a phone in the article's own text: rich text is where an
# editor's words meet the layout.
QUOTE_AND_WIDE_TABLE = """
<blockquote><p>I kept my job, and on three evenings a week I had a room full of people who understood.</p></blockquote>
<table><caption>The evening track, week by week</caption>
<thead><tr><th scope="col">Week</th><th scope="col">Group sessions</th><th scope="col">One-to-one sessions</th>
<th scope="col">Family session</th><th scope="col">Hours in all</th></tr></thead>
<tbody><tr><td>First and second week</td><td>Three evenings, three hours each</td><td>One a week</td>
<td>Offered in the second week</td><td>Ten</td></tr></tbody></table>"""
TABLE_NAME = "The evening track, week by week"

ZOOMED_400 = {"viewport": {"width": 320, "height": 256}}  # a 1280 x 1024 window at 400 %


@pytest.fixture
def pages(site):
    site.article.body += QUOTE_AND_WIDE_TABLE
    site.article.save()
    return site.pages


def open_page(page, path, css=""):
    """The page, every FAQ answer open (their words are checked too), and `css` added."""
    page.goto(path)
    page.evaluate("() => document.querySelectorAll('details').forEach(d => { d.open = true; })")
    if css:
        page.add_style_tag(content=css)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_with_wcag_text_spacing_no_text_is_cut_off_or_overlaps(width, pages, new_context):
    """WCAG 1.4.12: line height 1.5, paragraphs 2em apart, letters 0.12em and words 0.16em:
    every page type keeps all its words, inside their buttons, without sideways scrolling."""
    page = new_context(**VIEWPORTS[width], **BYPASS_CSP).new_page()
    problems = []
    for page_type in PAGE_TYPES:
        open_page(page, pages[page_type], TEXT_SPACING_CSS)
        problems += [f"{page_type}: {p}" for p in layout_problems(page)]
    assert not problems, f"at {width} width with WCAG 1.4.12's spacing:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_with_the_text_size_doubled_no_text_is_cut_off_or_overlaps(width, pages, new_context):
    """WCAG 1.4.4: the browser's text size at 200 % (the root font size at 32 px; the site sizes
    everything in rem) loses nothing, on a phone and on a computer."""
    page = new_context(**VIEWPORTS[width], **BYPASS_CSP).new_page()
    problems = []
    for page_type in PAGE_TYPES:
        open_page(page, pages[page_type], "html { font-size: 200% !important; }")
        assert page.evaluate("() => getComputedStyle(document.documentElement).fontSize") == "32px"
        problems += [f"{page_type}: {p}" for p in layout_problems(page)]
    assert not problems, f"at {width} width with the text doubled:\n- " + "\n- ".join(problems)


def test_a_window_zoomed_to_400_percent_reflows_into_one_column(pages, new_context):
    """WCAG 1.4.10: a 1280 x 1024 window at 400 % is 320 x 256 CSS px, a desktop browser, not a
    phone. Nothing scrolls sideways but the wide table, in its own box; nothing is cut off."""
    page = new_context(**ZOOMED_400, **BYPASS_CSP).new_page()
    problems = []
    for page_type in PAGE_TYPES:
        open_page(page, pages[page_type])
        problems += [f"{page_type}: {p}" for p in layout_problems(page)]
    assert not problems, "at 320 x 256 (400 % zoom):\n- " + "\n- ".join(problems)

    open_page(page, pages["article"])
    box = page.get_by_role("region", name=TABLE_NAME)
    sizes = box.evaluate("e => [e.scrollWidth, e.clientWidth, getComputedStyle(e).overflowX]")
    assert sizes[0] > sizes[1], f"the table fits at 320 px: the test shows nothing ({sizes})"
    assert sizes[2] in ("auto", "scroll"), f"the table's box does not scroll ({sizes})"
    box.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert box.evaluate("e => e.scrollLeft") > 0, "the table's box does not scroll sideways"
    assert page.evaluate("() => scrollX") == 0, "scrolling the table scrolled the page"


@pytest.mark.parametrize(("width", "text_size"), [(320, 24), (320, 32), (360, 32), (375, 32)])
def test_with_big_text_on_a_phone_every_field_keeps_room_for_what_is_typed(
    width, text_size, site, new_context
):
    """The header's search, the search page's and the nearest-location field beside their
    buttons: with the text at Very large (24 px) on a 320 px phone, or doubled on any phone, the
    button took the row and left the field 0 to 73 px for the words, too little for a ZIP code, so
    a reader could not see what they typed. Each field shows at least three of its letters' width
    (a ZIP code's five digits), its button whole beside or under it, on the screen."""
    phone = {**PHONE, "viewport": {"width": width, "height": 740}}
    page = new_context(**phone, **BYPASS_CSP).new_page()
    problems = []
    for page_type in ("home", "location-list", "search-results"):
        open_page(page, site.pages[page_type], f"html {{ font-size: {text_size}px !important; }}")
        for field in page.locator("input[type=search], input[name=near]").all():
            room, letter, button, row = field.evaluate(
                """e => {
                    const s = getComputedStyle(e);
                    const room = e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
                    const b = e.form.querySelector('button').getBoundingClientRect();
                    return [room, parseFloat(s.fontSize), [b.left, b.right], innerWidth];
                }"""
            )
            name = f"{page_type}: #{field.get_attribute('id')}"
            if room < 3 * letter:
                problems.append(f"{name} has {room:.0f} px for words of {letter:.0f} px")
            if button[0] < 0 or button[1] > row:
                problems.append(f"{name}'s button runs off the screen ({button})")
    assert not problems, f"at {width} px with the text at {text_size} px:\n- " + "\n- ".join(problems)
