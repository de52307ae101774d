"""The public pages on a phone (or computer) set to dark mode: a calm dark page, light words,
still WCAG 2.1 AA. axe with the same rules as the light pages, nothing more left out; every Tab
stop's focus ring; the crisis links at 4.5:1 at least; printing still gives dark words on white.
Screenshots of each page in dark mode go to test-artifacts/screenshots/ (`dark-…`).
"""

import pytest

from .browser import (
    CONTRAST_FUNCTIONS_JS,
    VIEWPORTS,
    format_violations,
    run_axe,
    screenshot,
    walk_tab_order,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The page types a reader in bed at night is most likely to land on, and those with a field,
# a crisis box or an error of their own.
DARK_PAGE_TYPES = [
    "home",
    "article",
    "location",
    "location-nearest-unknown",
    "faqs",
    "search-results",
    "search-crisis",
    "clinician",  # who reviewed what they read: a page of its own layout
    "not-found",
]
NOT_FOUND_PAGE_TYPES = {"not-found"}
DARK = {"color_scheme": "dark", "bypass_csp": True}  # axe is injected as a <script>

# A quote and a table in the article's own text (the demo's article has the client's words, a
# picture and its questions already): rich text has colours of its own to check.
QUOTE_AND_TABLE = """
<blockquote><p>The evenings were the hard part, and that is when the group met.</p></blockquote>
<table><caption>A week on the evening track</caption>
<thead><tr><th>Day</th><th>What happens</th></tr></thead>
<tbody><tr><td>Monday</td><td>Group therapy</td></tr><tr><td>Wednesday</td><td>Skills group</td></tr></tbody>
</table>"""

# The colour functions, and the background the words of an element are drawn on, kept on the page.
COLOUR_JS = (
    """() => {"""
    + CONTRAST_FUNCTIONS_JS
    + """    // The background an element's words are drawn on: its own, or the nearest opaque one behind it.
    const ground = (el) => {
        for (let node = el; node; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c && c.a > 0.5) return c;
        }
        return parse(getComputedStyle(document.documentElement).backgroundColor);
    };
    window.__colour = {parse, lum, ratio, ground};
}"""
)


def install_colour_helpers(page):
    page.evaluate(COLOUR_JS)


def page_colours(page):
    """The luminance of the body's background and of its words (0 is black, 1 is white)."""
    install_colour_helpers(page)
    return page.evaluate(
        """() => { const {parse, lum} = window.__colour; const s = getComputedStyle(document.body);
            return {paper: lum(parse(s.backgroundColor)), ink: lum(parse(s.color))}; }"""
    )


def low_contrast_words(page, selector, minimum):
    """Each element matching `selector` whose words have less than `minimum`:1 against their background."""
    install_colour_helpers(page)
    return page.evaluate(
        """([selector, minimum]) => { const {parse, ratio, ground} = window.__colour;
            return [...document.querySelectorAll(selector)]
                .filter(el => el.offsetWidth || el.offsetHeight)
                .map(el => ({text: el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60),
                             ratio: ratio(parse(getComputedStyle(el).color), ground(el))}))
                .filter(found => found.ratio < minimum); }""",
        [selector, minimum],
    )


@pytest.fixture
def article_with_quote_and_table(site):
    site.article.body += QUOTE_AND_TABLE
    site.article.save()
    return site


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("page_type", DARK_PAGE_TYPES)
def test_in_dark_mode_a_page_is_dark_with_light_words_and_passes_axe_and_the_focus_rings(
    page_type, width, article_with_quote_and_table, new_context, axe_js, screenshots
):
    site = article_with_quote_and_table
    path = site.pages[page_type]
    where = f"the {page_type} page ({path}) at {width} width in dark mode"
    page = new_context(**VIEWPORTS[width], **DARK).new_page()
    response = page.goto(path)
    assert response.status == (404 if page_type in NOT_FOUND_PAGE_TYPES else 200), where
    screenshot(page, screenshots, f"dark-{page_type}-{width}")
    if page_type == "article":  # what the rich text adds is there for axe to see
        assert page.locator(".rich-text blockquote").count() == 1, where
        assert page.get_by_role("region", name="A week on the evening track").count() == 1, where
        assert page.locator("#article-faqs").count() == 1, where

    colours = page_colours(page)
    assert colours["paper"] < 0.02, f"{where}: the page's background is not dark ({colours})"
    assert colours["ink"] > 0.6, f"{where}: the words are not light ({colours})"

    violations = run_axe(page)
    assert not violations, format_violations(violations, where)

    stops = walk_tab_order(page)
    assert stops, f"{where}: nothing can be reached with the Tab key"
    ring_problems = [stop["problem"] for stop in stops if stop["problem"]]
    assert not ring_problems, f"{where}:\n- " + "\n- ".join(ring_problems)


def test_in_dark_mode_the_crisis_links_keep_at_least_4_5_to_1(site, new_context):
    """The line under the header, the box a crisis search shows, and the footer's: "Call 988",
    "Text 988", "Emergency: call 911" stay the easiest words on the page to read and tap."""
    page = new_context(**VIEWPORTS["phone"], color_scheme="dark").new_page()
    page.goto(site.pages["search-crisis"])
    links = page.locator(".crisis-strip a, .crisis-line a")
    assert links.count() == 8  # two in the header's line, three in each box
    assert page_colours(page)["paper"] < 0.02, "the page is not in dark mode: the test shows nothing"
    weak = low_contrast_words(page, ".crisis-strip a, .crisis-line a", 4.5)
    assert not weak, weak


def test_in_dark_mode_the_dark_colours_come_with_the_one_stylesheet(site, new_context):
    """No light page before the dark one: the dark colours are in the page's only stylesheet,
    which the page waits for, and the page tells the browser from its first bytes that it
    has a dark scheme, so form fields and scrollbars follow."""
    page = new_context(**VIEWPORTS["phone"], color_scheme="dark").new_page()
    page.goto(site.pages["home"])
    sheets = page.evaluate(
        """() => [...document.styleSheets].map(sheet => ({
            href: sheet.href,
            dark: [...sheet.cssRules].some(rule => rule instanceof CSSMediaRule
                && rule.conditionText.includes("prefers-color-scheme: dark")),
        }))"""
    )
    assert len(sheets) == 1 and sheets[0]["dark"], sheets
    assert page.locator('meta[name="color-scheme"]').get_attribute("content") == "light dark"


# What printing gives each element: its colours and its edges' colours.
PRINTED_COLOURS_JS = """() => [...document.querySelectorAll("body *")].map(el => {
    const s = getComputedStyle(el);
    return [el.tagName.toLowerCase() + "." + el.className, s.color, s.backgroundColor,
            s.borderTopColor, s.borderLeftColor, s.outlineColor].join(" ");
})"""


@pytest.mark.parametrize("page_type", ["home", "article", "search-crisis"])
def test_a_page_printed_in_dark_mode_is_the_page_printed_in_light_mode(page_type, site, new_context):
    """Someone in dark mode who prints a page (to read it away from the screen, to show family)
    gets the light page on paper: dark words on white, every colour as printed in light mode."""
    page = new_context(**VIEWPORTS["desktop"]).new_page()
    printed = {}
    for scheme in ("light", "dark"):
        page.emulate_media(media="print", color_scheme=scheme)
        page.goto(site.pages[page_type])
        assert page.evaluate(f"() => matchMedia('(prefers-color-scheme: {scheme})').matches"), scheme
        printed[scheme] = page.evaluate(PRINTED_COLOURS_JS)
    colours = page_colours(page)
    assert colours["paper"] == 1 and colours["ink"] == 0, f"{page_type}: {colours}"
    weak = low_contrast_words(page, "h1, h2, h3, p, li, a, td, th, figcaption, blockquote", 4.5)
    assert not weak, f"{page_type}: {weak}"
    assert len(printed["light"]) == len(printed["dark"]), page_type
    changed = [pair for pair in zip(printed["light"], printed["dark"], strict=True) if pair[0] != pair[1]]
    assert not changed, f"{page_type}: {changed[:5]}"


def test_the_sites_stylesheet_stays_out_of_the_admin(site, new_context, live_server):
    """The admin has a dark mode of its own (Django's): nothing of the public site's colours
    reaches it, in dark mode or not."""
    from .browser import admin_url

    page = new_context(**VIEWPORTS["desktop"], color_scheme="dark").new_page()
    page.goto(admin_url("login"))
    sheets = page.evaluate("() => [...document.styleSheets].map(sheet => sheet.href || 'inline')")
    assert sheets and not [href for href in sheets if "site" in href.rsplit("/", 1)[-1]], sheets
    assert page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--paper')") == ""


def dark_page_problems(page, where):
    """What the parametrized test above asks of a page in dark mode, for the pages it cannot
    open by address: dark paper and light words, axe with nothing left out, every focus ring."""
    problems = []
    colours = page_colours(page)
    if colours["paper"] >= 0.02 or colours["ink"] <= 0.6:
        problems.append(f"the page is not dark with light words ({colours})")
    violations = run_axe(page)
    if violations:
        problems.append(format_violations(violations, where))
    stops = walk_tab_order(page)
    problems += [stop["problem"] for stop in stops if stop["problem"]] or ([] if stops else ["no Tab stop"])
    return problems


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_in_dark_mode_the_staff_banner_over_a_draft_reads_well(width, site, editor, new_context, screenshots):
    """An editor checking a draft late in the evening sees it at its public address under the
    banner that says it is not public: the banner's words keep 4.5:1 on its own background."""
    from articles.models import Article

    from .browser import log_in

    draft = Article.objects.get(title="A draft sent for outside review")
    page = new_context(**VIEWPORTS[width], **DARK).new_page()
    log_in(page, editor.username, editor.password)
    assert page.goto(draft.get_absolute_url()).status == 200
    banner = page.locator(".draft-banner")
    assert banner.count() == 1 and "Draft" in banner.inner_text(), "no staff banner: the test shows nothing"
    screenshot(page, screenshots, f"dark-staff-banner-{width}")
    where = f"a draft under the staff banner at {width} width in dark mode"
    weak = low_contrast_words(page, ".draft-banner, .draft-banner *", 4.5)
    assert not weak, f"{where}: {weak}"
    problems = dark_page_problems(page, where)
    assert not problems, f"{where}:\n- " + "\n- ".join(problems)


@pytest.mark.parametrize("status", [400, 405, 500])
def test_in_dark_mode_the_error_pages_are_dark_and_pass_axe(
    status, site, new_context, screenshots, monkeypatch
):
    """The 400, 405 and 500 pages, reached as a browser reaches them (test_accessibility.py), in
    dark mode on a phone: the same page in the same colours as every other."""
    from .test_accessibility import open_error_page

    page = new_context(**VIEWPORTS["phone"], **DARK).new_page()
    assert open_error_page(page, status, monkeypatch).status == status
    screenshot(page, screenshots, f"dark-error-{status}-phone")
    where = f"the {status} page at phone width in dark mode"
    problems = dark_page_problems(page, where)
    weak = low_contrast_words(page, ".crisis-strip a, .crisis-line a, .call-box a", 4.5)
    problems += [f"words below 4.5:1: {weak}"] if weak else []
    assert not problems, f"{where}:\n- " + "\n- ".join(problems)


def test_in_dark_mode_the_admins_search_result_preview_reads_well(site, editor, new_context):
    """The article form's preview of the search result draws its title, address and description
    in a search engine's colours: on the admin's dark page (Django's own dark mode) they were dark
    blue, green and grey on near-black (1.5 to 2.6:1). They keep 4.5:1 in both modes."""
    from .browser import admin_url, log_in

    for scheme in ("light", "dark"):
        page = new_context(**VIEWPORTS["desktop"], color_scheme=scheme).new_page()
        log_in(page, editor.username, editor.password)
        page.goto(admin_url("articles_article_change", site.article.pk))
        preview = page.locator(".search-preview")
        assert preview.inner_text().startswith(site.article.get_page_title()), scheme
        admin_paper = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert (admin_paper == "rgb(255, 255, 255)") == (scheme == "light"), f"{scheme}: {admin_paper}"
        weak = low_contrast_words(page, ".search-preview, .search-preview *", 4.5)
        assert not weak, f"{scheme} mode: {weak}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("page_type", ["home", "search-crisis"])
def test_every_link_and_button_keeps_its_words_readable_under_the_pointer(
    page_type, scheme, site, new_context
):
    """Hovered (after the keyboard has brought it into view: the skip link shows only then),
    each link, button and question keeps 4.5:1 against what it is drawn on. In dark mode the
    skip link took the links' light hover colour on its own light box: 1.1:1."""
    page = new_context(**VIEWPORTS["desktop"], color_scheme=scheme).new_page()
    page.goto(site.pages[page_type])
    install_colour_helpers(page)
    controls = page.locator("a, button, summary")
    weak = []
    for index in range(controls.count()):
        control = controls.nth(index)
        control.focus()
        if not control.is_visible():
            continue
        control.hover()
        found = control.evaluate(
            """el => { const {parse, ratio, ground} = window.__colour;
                return {text: el.textContent.trim().replace(/\\s+/g, " ").slice(0, 60),
                        ratio: ratio(parse(getComputedStyle(el).color), ground(el)),
                        hovered: el.matches(":hover")}; }"""
        )
        assert found["hovered"], f"{found['text']!r} is not under the pointer: the test shows nothing"
        if found["ratio"] < 4.5:
            weak.append(found)
    assert controls.count() > 20, "too few links: the test shows nothing"
    assert not weak, f"the {page_type} page in {scheme} mode: {weak}"
