"""Every public page type, at phone and desktop widths, in Chromium: axe finds nothing, the
structure holds (one h1, no skipped heading level, labels, alt text, lang, skip link), every
tab stop shows a visible focus ring, and nothing leaves the site. Each page is also kept as a
screenshot in test-artifacts/screenshots/.
"""

import pytest

from .browser import (
    CONTRAST_FUNCTIONS_JS,
    MAX_TAB_STOPS,
    TEXT_SPACING_CSS,
    VIEWPORTS,
    focus_ring_problem,
    focused,
    format_violations,
    page_facts,
    press_tab,
    run_axe,
    screenshot,
    structure_problems,
    walk_tab_order,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = [
    "home",
    "article-list",
    "article",
    "location-list",
    "location",
    "location-closure",
    "location-nearest",
    "location-nearest-unknown",
    "faqs",
    "faq-topic",
    "testimonials",
    "standing-page",
    "clinician-list",
    "clinician",
    "search-results",
    "search-some-words",
    "search-crisis",
    "not-found",
    "preview-link-ended",
]
# Pages that answer 404 by design: an unknown address, a shared preview link that has ended.
NOT_FOUND_PAGE_TYPES = {"not-found", "preview-link-ended"}
# axe is injected as a <script>, which the site's Content-Security-Policy (rightly) refuses; the
# pages checked here are opened with the policy bypassed for that. The journeys in the other
# files run under the real policy.
AXE_CONTEXT = {"bypass_csp": True}


def assert_public_page_checks_pass(page, where):
    """axe finds nothing; the structure checks find nothing; the Tab key reaches the skip link
    first, and every stop shows its focus ring."""
    violations = run_axe(page)
    assert not violations, format_violations(violations, where)

    problems = structure_problems(page_facts(page))
    assert not problems, f"{where}:\n- " + "\n- ".join(problems)

    stops = walk_tab_order(page)
    assert stops, f"{where}: nothing can be reached with the Tab key"
    assert "skip-link" in stops[0]["classes"], f"{where}: the first tab stop is {stops[0]['text']!r}"
    ring_problems = [stop["problem"] for stop in stops if stop["problem"]]
    assert not ring_problems, f"{where}:\n- " + "\n- ".join(ring_problems)


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_public_page_type_passes_axe_and_structure_checks(
    page_type, width, site, new_context, live_server, guard_page, axe_js, screenshots
):
    path = site.pages[page_type]
    where = f"the {page_type} page ({path}) at {width} width"
    page = new_context(**VIEWPORTS[width], **AXE_CONTEXT).new_page()
    guard = guard_page(page, live_server.url)

    response = page.goto(path)
    assert response.status == (404 if page_type in NOT_FOUND_PAGE_TYPES else 200), where
    screenshot(page, screenshots, f"{page_type}-{width}")
    if page_type == "article":  # axe and the checks below see its "On this page" list too
        assert page.get_by_role("navigation", name="On this page").count() == 1, where

    assert_public_page_checks_pass(page, where)

    # The 404 page's own status shows up in the console as a failed load; nothing else may.
    ignore = [r"status of 404"] if page_type in NOT_FOUND_PAGE_TYPES else []
    assert not guard.problems(ignore_errors=ignore), f"{where}: {guard.problems(ignore_errors=ignore)}"


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_a_topic_page_with_earlier_articles_by_title_passes_axe_and_structure_checks(
    width, site, new_context, live_server, guard_page, axe_js, screenshots, monkeypatch
):
    """The demo's topics have too few articles for the list of earlier ones: one card a page
    makes the first topic's other articles that list (the live server runs in this process)."""
    from django.core.cache import caches

    from faqs.views import TopicView

    monkeypatch.setattr(TopicView, "related_articles", 1)
    caches["default"].clear()  # the page as it was, with every article a card, may be kept
    path = site.pages["faq-topic"]
    where = f"the topic page ({path}) with earlier articles at {width} width"
    page = new_context(**VIEWPORTS[width], **AXE_CONTEXT).new_page()
    guard = guard_page(page, live_server.url)
    try:
        assert page.goto(path).status == 200, where
        screenshot(page, screenshots, f"faq-topic-earlier-{width}")
        assert page.get_by_role("list", name="Earlier articles about").get_by_role("link").count() >= 1, where

        assert_public_page_checks_pass(page, where)
        assert not guard.problems(), f"{where}: {guard.problems()}"
    finally:
        caches["default"].clear()  # and the page with one card is not kept for the other tests


def open_error_page(page, status, monkeypatch):
    """The site's 400, 405 or 500 page, reached as a visitor's browser reaches it."""
    if status == 400:  # more fields than Django reads (DATA_UPLOAD_MAX_NUMBER_FIELDS)
        return page.goto("/search/?" + "&".join(f"f{n}=1" for n in range(1001)))
    if status == 405:  # a form sent to a public page
        page.route(
            "**/faqs/",
            lambda route: route.fulfill(
                response=route.fetch(
                    method="POST",
                    post_data="q=help",
                    headers={**route.request.headers, "content-type": "application/x-www-form-urlencoded"},
                )
            ),
        )
        return page.goto("/faqs/")
    from carter_site.search import SearchView

    def fail(*args, **kwargs):
        raise RuntimeError("a bug, for the 500 page")

    monkeypatch.setattr(SearchView, "get_context_data", fail)  # the live server runs in this process
    return page.goto("/search/?q=help")


@pytest.mark.parametrize("status", [400, 405, 500])
def test_error_pages_pass_axe_and_offer_the_phone_number_and_988_on_the_first_screen(
    status, site, new_context, live_server, guard_page, axe_js, screenshots, monkeypatch
):
    """The pages no one plans to see are the ones read in the worst moments: on a phone, they
    still pass axe and the structure checks, and show the call button and 988 without scrolling."""
    from carter_site.models import SiteSettings

    page = new_context(**VIEWPORTS["phone"], **AXE_CONTEXT).new_page()
    guard = guard_page(page, live_server.url)
    response = open_error_page(page, status, monkeypatch)
    where = f"the {status} page at phone width"
    assert response.status == status, where
    screenshot(page, screenshots, f"error-{status}-phone")

    violations = run_axe(page)
    assert not violations, format_violations(violations, where)
    problems = structure_problems(page_facts(page))
    assert not problems, f"{where}:\n- " + "\n- ".join(problems)
    height = VIEWPORTS["phone"]["viewport"]["height"]
    for href in (SiteSettings.load().tel_uri, "tel:988", "sms:988"):
        box = page.locator(f".site-header a[href='{href}']").bounding_box()
        assert box and box["y"] + box["height"] <= height, f"{where}: no {href} link on the first screen"
    assert not guard.problems(ignore_errors=[rf"status of {status}"]), guard.problems()


# What visitors paste into the search box: an address, a word run together. Nothing matches them,
# and the page repeats them in its heading, which must wrap rather than push the page sideways.
LONG_SEARCHES = [
    "/search/?q=https%3A%2F%2Fwww.example.org%2Farticles%2Fdoes-insurance-cover-iop%3Futm_source%3Dfb",
    "/search/?q=insurance+" + "x" * 70,
    "/search/?q=" + "evening" * 28,
]


def test_every_page_type_reflows_at_320_pixels_even_with_wider_text_spacing(site, new_context):
    """WCAG 1.4.10 and 1.4.12: no sideways scrolling at 320 CSS pixels (a 1280 screen at 400 %)."""
    narrow = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
    page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the spacing is injected as a <style>
    problems = []
    for path in [*site.pages.values(), *LONG_SEARCHES]:
        page.goto(path)
        for spacing in (False, True):
            if spacing:
                page.add_style_tag(content=TEXT_SPACING_CSS)
            facts = page_facts(page)
            if facts["horizontalOverflow"] > 0:
                wider = page.evaluate(
                    """() => [...document.querySelectorAll("body *")]
                        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
                        .slice(0, 3).map(el => el.tagName.toLowerCase() + (el.className ? "." + el.className : ""))"""
                )
                extra = " with wider text spacing" if spacing else ""
                problems.append(
                    f"{path}{extra}: scrolls sideways by {facts['horizontalOverflow']}px ({wider})"
                )
    assert not problems, "\n".join(problems)


def sideways_overflow_with_and_without_text_spacing(page, paths):
    """What scrolls sideways among `paths`, as it is and with WCAG 1.4.12's text spacing."""
    problems = []
    for path in paths:
        page.goto(path)
        for spacing in (False, True):
            if spacing:
                page.add_style_tag(content=TEXT_SPACING_CSS)
            overflow = page_facts(page)["horizontalOverflow"]
            if overflow > 0:
                extra = " with wider text spacing" if spacing else ""
                problems.append(f"{path}{extra}: scrolls sideways by {overflow}px")
    return problems


# A word longer than a phone is wide, as editors do write them: a web address, a drug's name.
LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis"
WEB_ADDRESS = "https://www.example.org/find-help/national-helpline/frequently-asked-questions"


def test_long_words_in_an_articles_title_and_summary_wrap_at_320_pixels(site, new_context):
    """The article list's cards are grid items and the breadcrumbs flex items: both were as wide
    as their longest word, so one long word in a title or summary widened the whole page."""
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        title=f"What {LONG_WORD} means",
        summary=f"About {LONG_WORD}, and where to read more: {WEB_ADDRESS}",
    )
    narrow = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
    page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the spacing is injected as a <style>
    paths = [site.pages["article-list"], site.pages["home"], article.get_absolute_url()]
    problems = sideways_overflow_with_and_without_text_spacing(page, paths)
    assert not problems, "\n".join(problems)


# A table an editor writes in an article: five columns do not fit a phone, whatever the padding.
WIDE_TABLE = """<p>What the plans we see most often cost, per week of the program:</p>
<table><caption>Costs by insurance plan</caption>
<thead><tr><th scope="col">Plan</th><th scope="col">Deductible</th><th scope="col">Copay per session</th>
<th scope="col">Prior authorization</th><th scope="col">Out-of-pocket maximum</th></tr></thead>
<tbody><tr><td>Employer plan through a large national insurer</td><td>$1,500</td><td>$40</td>
<td>Required after twelve sessions</td><td>$6,000</td></tr></tbody></table>
<p>Call us and we check yours before your first day.</p>"""


def test_a_wide_table_in_an_article_scrolls_in_its_own_box_at_320_pixels(site, new_context):
    """WCAG 1.4.10 lets a data table scroll sideways, but in its own box: the page around it
    must not. The box takes the keyboard's focus (so it can be scrolled without a mouse), shows
    a focus ring, and is named after the table's caption."""
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="What treatment costs", body=WIDE_TABLE)
    narrow = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
    page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the spacing is injected as a <style>
    problems = sideways_overflow_with_and_without_text_spacing(page, [article.get_absolute_url()])
    assert not problems, "\n".join(problems)

    box = page.get_by_role("region", name="Costs by insurance plan")
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), "the table fits: the test shows nothing"
    for _ in range(MAX_TAB_STOPS):
        state = press_tab(page)
        if state and "table-scroll" in state["classes"]:
            break
    else:
        pytest.fail("the keyboard never reaches the table's box")
    assert not focus_ring_problem(page, state), focus_ring_problem(page, state)
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # the arrow keys scroll it


def test_the_page_links_of_a_long_list_wrap_with_large_text_and_wider_spacing(site, new_context):
    """ "Newer · Page 2 of 3 · Older" sat on one line whatever the width: with the text size
    doubled on a phone, or Very large with WCAG 1.4.12's spacing at 320 px, the page scrolled
    sideways. The demo content has one page of articles, so this list is made longer."""
    from tests.factories import ArticleFactory

    ArticleFactory.create_batch(25)
    problems = []
    # (width, root text size, WCAG 1.4.12's spacing): what the other reflow tests ask of every page.
    for width, text_size, spacing in ((320, 16, True), (320, 24, True), (320, 32, False), (375, 32, False)):
        narrow = {"viewport": {"width": width, "height": 700}, "is_mobile": True, "has_touch": True}
        page = new_context(**narrow, **AXE_CONTEXT).new_page()
        page.goto(f"{site.pages['article-list']}?page=2")
        assert page.get_by_text("Page 2 of 3").count() == 1
        page.add_style_tag(
            content=f"html {{ font-size: {text_size}px !important; }} {TEXT_SPACING_CSS if spacing else ''}"
        )
        overflow = page_facts(page)["horizontalOverflow"]
        if overflow > 0:
            problems.append(
                f"{width} px, {text_size} px text{' and spacing' if spacing else ''}: {overflow}px"
            )
        page.context.close()
    assert not problems, "the article list scrolls sideways at " + "; ".join(problems)


@pytest.mark.parametrize("text_size", [20, 24, 32], ids=["large-text", "very-large-text", "double-text"])
def test_every_page_type_reflows_with_the_browser_text_size_turned_up(site, new_context, text_size):
    """WCAG 1.4.4 and 1.4.10: a reader who sets the browser's text size to Large (20 px) or Very
    large (24 px) on a phone still never scrolls sideways, nor with it doubled (32 px), which is
    more than WCAG asks of a 320 px screen. The site sizes text in rem, so the root font size
    stands for that setting."""
    problems = []
    for width in (320, 375):
        narrow = {"viewport": {"width": width, "height": 700}, "is_mobile": True, "has_touch": True}
        page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the size is injected as a <style>
        for path in site.pages.values():
            page.goto(path)
            page.add_style_tag(content=f"html {{ font-size: {text_size}px !important; }}")
            overflow = page_facts(page)["horizontalOverflow"]
            if overflow > 0:
                problems.append(f"{path} at {width} px: scrolls sideways by {overflow}px")
        page.context.close()
    assert not problems, "\n".join(problems)


# Each `phone-number` box (matching `selector`) whose number the browser broke onto two lines.
BROKEN_PHONE_NUMBERS_JS = """(selector) => [...document.querySelectorAll(selector)].filter(box => {
    const range = document.createRange();
    range.selectNodeContents(box);
    const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
    return lines.size > 1;
}).map(box => `${box.closest("[class]:not(.phone-number)")?.className}: ${box.textContent.trim()}`)"""


def test_phone_numbers_stay_on_one_line_at_320_pixels_with_large_text(site, new_context):
    """WCAG 1.4.4: with the browser's text size at Large (20 px) on a 320 px phone, the call
    buttons broke their number ("(470) 284-" / "1834") because their padding, and the call box's,
    left too little room; so did a number an editor linked in an article. The header's call link
    keeps its number whole even at Very large (24 px)."""
    from tests.factories import ArticleFactory

    article = ArticleFactory(
        title="Calling us", body='<p>Call us at <a href="tel:+14702841834">(470) 284-1834</a>.</p>'
    )
    narrow = {"viewport": {"width": 320, "height": 700}, "is_mobile": True, "has_touch": True}
    page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the size is injected as a <style>
    problems = []
    for path in [*site.pages.values(), article.get_absolute_url()]:
        page.goto(path)
        for text_size, selector in ((20, ".phone-number"), (24, ".call-link .phone-number")):
            page.add_style_tag(content=f"html {{ font-size: {text_size}px !important; }}")
            broken = page.evaluate(BROKEN_PHONE_NUMBERS_JS, selector)
            problems += [f"{path} at {text_size} px: {b}" for b in broken]
    assert not problems, "numbers broken across lines:\n" + "\n".join(problems)


def test_skip_link_moves_the_keyboard_into_the_main_content(site, page):
    page.goto(site.pages["article"])
    first = press_tab(page)
    assert "skip-link" in first["classes"] and first["inViewport"], "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    after = press_tab(page)
    in_main = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert in_main, f"after the skip link, Tab went to {after['text']!r}, outside <main>"


@pytest.mark.parametrize(
    ("width", "text_size"), [(320, 24), (375, 32)], ids=["very-large-text-320", "double-text-375"]
)
def test_the_skip_link_stays_out_of_sight_until_focused_with_large_text(site, new_context, width, text_size):
    """With the browser's text size turned up (WCAG 1.4.4) the skip link wraps onto two lines. It
    must still be wholly above the page until it has the focus, not a white bar with cut-off
    words over the site's name; and wholly on the screen once it has it."""
    narrow = {"viewport": {"width": width, "height": 700}, "is_mobile": True, "has_touch": True}
    page = new_context(**narrow, **AXE_CONTEXT).new_page()  # the size is injected as a <style>
    page.goto(site.pages["home"])
    page.add_style_tag(content=f"html {{ font-size: {text_size}px !important; }}")
    skip = page.locator("a.skip-link")
    hidden = skip.bounding_box()
    assert hidden["y"] + hidden["height"] <= 0, f"{hidden['y'] + hidden['height']:.0f}px of it shows"
    state = press_tab(page)
    assert "skip-link" in state["classes"]
    shown = skip.bounding_box()
    assert shown["y"] >= 0 and shown["y"] + shown["height"] <= 700, shown
    assert shown["x"] >= 0 and shown["x"] + shown["width"] <= width, shown


def test_faq_answers_open_and_close_from_the_keyboard(site, page):
    page.goto(site.pages["faqs"])
    summary = page.locator("details.faq summary").first
    summary.focus()
    state = focused(page)
    assert state["tag"] == "summary"
    answer = page.locator("details.faq .faq__answer").first
    assert not answer.is_visible()
    page.keyboard.press("Enter")
    assert answer.is_visible()
    page.keyboard.press("Space")
    assert not answer.is_visible()


def test_call_buttons_keep_their_edge_in_forced_colors_mode(site, page):
    """Windows contrast themes replace backgrounds: a button shaped by its background alone
    becomes plain text. A transparent border is drawn in the theme's colour there."""
    page.emulate_media(forced_colors="active")
    page.goto(site.pages["location"])
    for selector in [".call-link", ".button"]:
        edge = page.locator(selector).first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor]; }"
        )
        assert edge[0] == "solid" and edge[1] >= 2, (selector, edge)
        assert edge[2] not in ("rgba(0, 0, 0, 0)", "transparent"), (selector, edge)


def test_the_crisis_boxes_keep_their_edge_in_forced_colors_mode(site, page):
    """The crisis line's box was shaped by its background alone: in a contrast theme it became
    loose lines of text, while the admissions box next to it kept its border."""
    page.emulate_media(forced_colors="active")
    page.goto(site.pages["search-crisis"])
    boxes = page.locator("aside.crisis-line")
    assert boxes.count() == 2  # on the page, and in the footer
    for index in range(boxes.count()):
        edge = boxes.nth(index).evaluate(
            "e => { const s = getComputedStyle(e); return [s.borderTopStyle, parseFloat(s.borderTopWidth), s.borderTopColor]; }"
        )
        assert edge[0] == "solid" and edge[1] >= 2, edge
        assert edge[2] not in ("rgba(0, 0, 0, 0)", "transparent"), edge


# Each side's border of an element: [side, style, width in px, colour].
BORDERS_JS = """e => { const s = getComputedStyle(e);
    return ["Top", "Right", "Bottom", "Left"].map(side =>
        [side, s[`border${side}Style`], parseFloat(s[`border${side}Width`]), s[`border${side}Color`]]); }"""


def test_holiday_hours_keep_their_box_in_forced_colors_mode(site, page):
    """A closure sits in a box of its own above the weekly hours, apart from them: in a contrast
    theme, which drops backgrounds, the box must keep an edge on every side."""
    page.emulate_media(forced_colors="active")
    for page_type, count in (("location-closure", 1), ("location-list", 2)):
        page.goto(site.pages[page_type])
        boxes = page.locator(".special-hours")
        assert boxes.count() == count, page_type
        for index in range(count):
            for side, style, width, colour in boxes.nth(index).evaluate(BORDERS_JS):
                assert style == "solid" and width >= 1, (page_type, side, style, width)
                assert colour not in ("rgba(0, 0, 0, 0)", "transparent"), (page_type, side, colour)


def test_the_page_types_for_todays_pieces_show_them(site, page):
    """The holiday hours, the results for some of the words and the ended preview link are
    checked through the page types above only if those pages really show them."""
    page.goto(site.pages["location-closure"])
    assert page.locator(".special-hours li").inner_text().startswith("Closed ")
    page.goto(site.pages["location-list"])
    lines = page.locator(".special-hours li").all_inner_texts()
    assert [line.split(" ")[0] for line in lines] == ["Closed", "Today:"], lines
    page.goto(site.pages["search-some-words"])
    assert page.get_by_role("status").inner_text().startswith("No page has every word of")
    assert page.goto(site.pages["preview-link-ended"]).status == 404
    assert page.locator("h1").inner_text() == "This preview link has ended"


def test_every_page_type_has_a_title_of_its_own_that_says_what_it_holds(site, page):
    """WCAG 2.4.2: the title is what a screen reader says first on a new page, and what a list of
    tabs shows. No two page types share one, and a crisis search's title gives the line first."""
    titles = {}
    for page_type, path in site.pages.items():
        page.goto(path)
        titles[page_type] = page.title()
    shared = {title for title in titles.values() if list(titles.values()).count(title) > 1}
    assert not shared, {page_type: title for page_type, title in titles.items() if title in shared}
    assert titles["search-crisis"].startswith("You can talk to someone right now: call or text 988")
    assert "for some of “alcohol rehab Jefferson”" in titles["search-some-words"]
    assert "Jefferson" in titles["location-closure"]
    assert titles["preview-link-ended"].startswith("Preview link ended")


def test_breadcrumb_separators_are_not_read_out(site, page):
    page.goto(site.pages["article"])
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    drawn = crumbs.locator("li").nth(1).evaluate("e => getComputedStyle(e, '::before').content")
    assert "›" in drawn  # on the screen
    tree = crumbs.aria_snapshot()  # what assistive technology is given
    assert "Articles" in tree and "›" not in tree, tree


# What axe finds on the article change form that Django's admin (or CKEditor 4) causes, not
# this project: rule -> pattern of the offending elements. docs/accessibility.md explains each.
# Anything else fails the test.
KNOWN_ADMIN_VIOLATIONS = {
    # TabularInline's first column header is empty (admin/edit_inline/tabular.html).
    "empty-table-header": r"table > thead > tr > \.original$",
    # The split date/time widget has one <label> for two inputs; a tabular inline labels its
    # fields by column header only.
    "label": r"^#id_\w+_[01]$|^#id_[a-z_]+-\d+-\w+$",
    # The admin's breadcrumbs are links told apart by colour only (admin/css/base.css).
    "link-in-text-block": r"^\.breadcrumbs > a",
    # CKEditor 4 gives its editing area's <body> the role "textbox".
    "aria-allowed-role": r"^iframe body$",
}


def violations_of_ours(violations):
    """axe's violations less the known ones of Django's admin and CKEditor 4."""
    import re

    ours = []
    for violation in violations:
        pattern = KNOWN_ADMIN_VIOLATIONS.get(violation["id"])
        nodes = [n for n in violation["nodes"] if not (pattern and re.search(pattern, n["target"]))]
        if nodes:
            ours.append({**violation, "nodes": nodes})
    return ours


def test_admin_article_form_has_no_accessibility_violations_of_ours(
    site, editor, new_context, axe_js, screenshots
):
    from django.utils import timezone

    from articles.models import ReviewRequest

    from .browser import DESKTOP, admin_url, log_in

    # A past request for a review, so its table is on the form axe reads.
    ReviewRequest.objects.create(
        article=site.article,
        note="The section on cravings is new.",
        closed_at=timezone.now(),
        outcome=ReviewRequest.Outcome.DECLINED,
        decline_reason="The dosage section needs a pharmacist.",
    )
    page = new_context(**DESKTOP, **AXE_CONTEXT).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_change", site.article.pk))
    assert page.get_by_role("table").filter(has_text="What became of it").is_visible()
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body?.status === 'ready'")
    screenshot(page, screenshots, "admin-article-form-desktop")
    violations = run_axe(page)
    # The full list, Django's own included, for docs/accessibility.md.
    (screenshots.parent / "axe-admin-article-form.txt").write_text(
        format_violations(violations, "the admin's article change form") + "\n"
    )
    ours = violations_of_ours(violations)
    assert not ours, format_violations(ours, "the admin's article form (not known Django admin issues)")


def test_an_articles_history_passes_axe_and_names_each_compare_button_by_its_version(
    editor, new_context, axe_js, screenshots, live_server
):
    """The history page's radio buttons each say which end of the comparison they pick and the
    version's number and date (a screen reader said only "radio button"), and choosing two by
    those names compares them."""
    import datetime

    from django.utils import formats, timezone
    from reversion.models import Revision, Version

    from tests.site.test_history_pages import with_versions

    from .browser import DESKTOP, admin_url, log_in

    article = with_versions(4, user=editor.user)
    versions = list(Version.objects.get_for_object(article).order_by("pk").select_related("revision"))
    start = timezone.now() - datetime.timedelta(days=10)
    for day, version in enumerate(versions):  # saved on four days, so that each date tells them apart
        Revision.objects.filter(pk=version.revision_id).update(
            date_created=start + datetime.timedelta(days=day)
        )
    when = [
        formats.date_format(timezone.localtime(start + datetime.timedelta(days=day)), "DATETIME_FORMAT")
        for day in range(len(versions))
    ]

    page = new_context(**DESKTOP, **AXE_CONTEXT).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_history", article.pk))
    assert page.get_by_text("4 versions, newest first.").is_visible()
    screenshot(page, screenshots, "admin-article-history-desktop")
    violations = run_axe(page)
    assert not violations, format_violations(violations, "the admin's history of an article")

    # Every radio button has a name; the newest version cannot be the older end, so it offers none.
    radios = page.get_by_role("radio")
    assert radios.count() == 7
    for oldest_first, date in enumerate(when):
        number = oldest_first + 1
        assert page.get_by_role("radio", name=f"to version {number}, of {date}", exact=True).count() == 1
        older_end = page.get_by_role("radio", name=f"Compare from version {number}, of {date}", exact=True)
        assert older_end.count() == (0 if oldest_first == len(when) - 1 else 1)
    assert page.get_by_role("radio", name=f"Compare from version 3, of {when[2]}").is_checked()
    assert page.get_by_role("radio", name=f"to version 4, of {when[3]}").is_checked()

    page.get_by_role("radio", name=f"Compare from version 1, of {when[0]}").check()
    page.get_by_role("radio", name=f"to version 3, of {when[2]}").check()
    page.get_by_role("button", name="compare").click()
    page.wait_for_url("**/history/compare/**")
    assert f"version_id1={versions[0].pk}" in page.url and f"version_id2={versions[2].pk}" in page.url


def test_an_editor_deletes_a_picture_nothing_uses_from_the_uploads_page_which_passes_axe(
    site, editor, new_context, axe_js, screenshots
):
    """Found from the admin's index, chosen by its checkbox (named by the file), confirmed."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from tests.images import png_bytes

    from .browser import DESKTOP, admin_url, log_in

    mistake = default_storage.save("editor/2026/11/20/client-at-intake.png", ContentFile(png_bytes((40, 30))))
    page = new_context(**DESKTOP, **AXE_CONTEXT).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("index"))
    page.get_by_role("link", name="Uploaded pictures").click()
    page.get_by_role("heading", name="Used nowhere (1)").wait_for()
    screenshot(page, screenshots, "admin-uploads-desktop")
    violations = run_axe(page)
    ours = violations_of_ours(violations)
    assert not ours, format_violations(ours, "the admin's uploaded pictures (not known Django admin issues)")

    page.get_by_role("checkbox", name=mistake).check()
    page.get_by_role("button", name="Delete the chosen pictures…").click()
    page.get_by_text("This picture is deleted for good").wait_for()
    assert page.get_by_text("Uploaded in the last day:").is_visible()  # it may be waiting in a text
    ours = violations_of_ours(run_axe(page))
    assert not ours, format_violations(ours, "the confirmation of a deletion of pictures")
    assert default_storage.exists(mistake)
    page.get_by_role("button", name="Yes, delete it").click()
    assert page.locator(".messagelist .success").inner_text().startswith("Deleted 1 picture (")
    assert not default_storage.exists(mistake)
    assert page.get_by_role("heading", name="Used nowhere (0)").is_visible()


def test_the_sign_in_page_with_passkeys_and_the_staff_pages_added_since_pass_axe(
    site, editor, new_context, axe_js, screenshots, settings
):
    """The sign-in page as production shows it (a code, or a passkey), the admin's home with its
    clinical review and Coming up lines, Coming up itself and My passkeys."""
    import datetime

    from django.utils import timezone

    from tests.factories import ArticleFactory

    from .browser import DESKTOP, admin_url
    from .test_passkeys import app_of, fill_sign_in, sign_in_with_code

    settings.ADMIN_REQUIRE_OTP = True
    ArticleFactory(title="Going live on Friday", published_at=timezone.now() + datetime.timedelta(days=3))
    device = app_of(editor.user)
    page = new_context(**DESKTOP, **AXE_CONTEXT).new_page()

    fill_sign_in(page, editor.username, editor.password)
    assert page.get_by_role("button", name="Log in with a passkey").is_visible()
    ours = violations_of_ours(run_axe(page))
    assert not ours, format_violations(ours, "the sign-in page with passkeys")

    sign_in_with_code(page, editor.username, editor.password, device)
    assert page.get_by_role("link", name="Coming up").is_visible()
    pages = {
        "the admin's home page": admin_url("index"),
        "Coming up": admin_url("coming_up"),
        "My passkeys": admin_url("my_passkeys"),
    }
    for name, url in pages.items():
        page.goto(url)
        screenshot(page, screenshots, f"admin-{name.split()[-1].lower()}-desktop")
        ours = violations_of_ours(run_axe(page))
        assert not ours, format_violations(ours, name)
    page.goto(admin_url("coming_up"))
    assert page.get_by_text("The article “Going live on Friday” goes live.").is_visible()


def links_told_by_colour_only(page, selector):
    """The links matching `selector` that only their colour tells from the words around them:
    not underlined, and under 3:1 against those words (WCAG 1.4.1, as axe's `link-in-text-block`)."""
    return page.evaluate(
        """(selector) => {"""
        + CONTRAST_FUNCTIONS_JS
        + """    return [...document.querySelectorAll(selector)]
                .map(a => ({link: a.textContent.trim(),
                            underlined: getComputedStyle(a).textDecorationLine.includes("underline"),
                            ratio: ratio(parse(getComputedStyle(a).color), parse(getComputedStyle(a.parentElement).color))}))
                .filter(found => !found.underlined && found.ratio < 3);
        }""",
        selector,
    )


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_links_in_the_admins_messages_are_told_from_their_words_by_more_than_colour(
    scheme, site, editor, new_context
):
    """The site's own messages name what they are about with links inside their sentences (here,
    the texts whose links an unpublished article leaves behind). Django's admin draws links in
    colour alone, 2.6:1 against the message's words (1.5:1 in its dark mode): WCAG 1.4.1."""
    from articles.models import Article
    from tests.factories import ArticleFactory

    from .browser import DESKTOP, admin_url, log_in

    ArticleFactory(
        title="Does insurance cover IOP at all?",
        body=f'<p>Read <a href="{site.article.get_absolute_url()}">what to expect</a> first.</p>',
    )
    page = new_context(**DESKTOP, color_scheme=scheme).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_change", site.article.pk))
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body?.status === 'ready'")
    page.locator("#id_status").select_option(Article.Status.DRAFT)
    page.locator("input[name='_save']").click()
    warning = page.locator(".messagelist .warning").filter(has_text="Their links now lead visitors")
    warning.wait_for()
    assert warning.get_by_role("link").count() >= 1, "the message links to nothing: the test shows nothing"

    # axe leaves these links to a person ("needs review": the message's icon is a background
    # picture), so the test asks what it would: an underline, or 3:1 against the words around.
    told_by_colour_only = links_told_by_colour_only(page, ".messagelist li a")
    assert not told_by_colour_only, f"{scheme} mode: {told_by_colour_only}"


def test_a_fixed_address_not_found_tells_its_link_from_its_words(editor, new_context):
    """*Addresses not found* says of a fixed row "Fixed: a page answers at /articles/first-week/
    now", a link inside the sentence of a cell, which the admin draws in colour alone (2.6:1)."""
    from django.contrib.redirects.models import Redirect
    from django.contrib.sites.models import Site
    from django.utils import timezone

    from carter_site.models import AddressNotFound
    from tests.factories import ArticleFactory

    from .browser import DESKTOP, admin_url, log_in

    ArticleFactory(slug="first-week")
    Redirect.objects.create(
        site=Site.objects.get_current(), old_path="/flyer/", new_path="/articles/first-week/"
    )
    today = timezone.localdate()
    for path in ("/flyer/", "/articles/first-week/", "/still-missing/"):
        AddressNotFound.objects.create(path=path, count=2, first_seen=today, last_seen=today)
    for scheme in ("light", "dark"):
        page = new_context(**DESKTOP, color_scheme=scheme).new_page()
        log_in(page, editor.username, editor.password)
        page.goto(admin_url("carter_site_addressnotfound_changelist"))
        fixed = page.locator("#result_list td a:not(.button)")
        assert fixed.count() == 2, "no fixed row: the test shows nothing"
        assert page.get_by_role("link", name="Redirect it…").first.is_visible()
        told = links_told_by_colour_only(page, "#result_list td a:not(.button)")
        assert not told, f"{scheme} mode: {told}"
