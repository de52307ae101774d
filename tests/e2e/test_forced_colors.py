"""The public pages in forced colours (Windows contrast themes), emulated in Chromium: the theme
replaces every colour with a few of its own and drops backgrounds and box-shadows, so what is
drawn only with those disappears. Every Tab stop still shows an outline (a focus ring made of a
box-shadow would not), the call link, the buttons and the fields keep an edge, an icon that
means something stays visible, the crisis line keeps its box, and the one under the header its
band's edges. Screenshots:
`forced-<page>-<width>.png`.
"""

import pytest

from .browser import CONTRAST_FUNCTIONS_JS, VIEWPORTS, screenshot, walk_tab_order

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PAGE_TYPES = ["home", "article", "location", "faqs", "search-results", "search-crisis", "not-found"]
FORCED = {"forced_colors": "active"}

QUOTE_AND_TABLE = """
<blockquote><p>Someone answered the phone at seven in the evening, and that was the start.</p></blockquote>
<table><caption>Two tracks</caption>
<thead><tr><th scope="col">Track</th><th scope="col">When</th></tr></thead>
<tbody><tr><td>Day</td><td>Mornings, three days a week</td></tr><tr><td>Evening</td><td>Evenings, three days a week</td></tr></tbody>
</table>"""

# What the theme leaves of each thing that must stand out from the page: the edges of the
# controls drawn as boxes and of the crisis boxes (each side's style, width and contrast with
# the page), and the colour each part of an inline SVG is painted with.
FORCED_EDGES_JS = (
    """() => {"""
    + CONTRAST_FUNCTIONS_JS
    + """    const canvas = parse(getComputedStyle(document.body).backgroundColor);
    const shown = (el) => el.getClientRects().length > 0 && !el.closest(".visually-hidden");
    const name = (el) => el.tagName.toLowerCase() + (el.className && typeof el.className === "string" ? "." + el.className : "")
        + " " + JSON.stringify((el.textContent || el.value || "").trim().replace(/\\s+/g, " ").slice(0, 30));
    const edgeless = [];
    const all = ["Top", "Right", "Bottom", "Left"];
    // The crisis line under the header is a band: its edges above and below keep it apart from
    // the header's name and from the menu. The lower edge of the menu's band (the menu and the
    // search) is where the header ends.
    const boxes = [[".button, .call-link, button, input:not([type=hidden]), .crisis-line", all],
                   [".crisis-strip", ["Top", "Bottom"]], [".site-header__menu", ["Bottom"]]];
    for (const [selector, sides] of boxes) for (const el of [...document.querySelectorAll(selector)].filter(shown)) {
        const s = getComputedStyle(el);
        for (const side of sides) {
            const style = s[`border${side}Style`], width = parseFloat(s[`border${side}Width`]);
            const colour = parse(s[`border${side}Color`]);
            const contrast = colour && colour.a > 0 ? ratio(colour, canvas) : 0;
            if (style === "none" || style === "hidden" || width < 1 || contrast < 3) {
                edgeless.push(`${name(el)}: ${side.toLowerCase()} edge ${style} ${width}px, ${contrast.toFixed(2)}:1`);
                break;
            }
        }
    }
    const unseen = [];
    const shapes = "svg path, svg circle, svg rect, svg line, svg polyline, svg polygon, svg ellipse, svg text";
    for (const shape of [...document.querySelectorAll(shapes)].filter(shown)) {
        const s = getComputedStyle(shape);
        const paints = [s.fill, s.stroke].map(parse).filter(c => c && c.a > 0);
        if (!paints.some(c => ratio(c, canvas) >= 3)) unseen.push(`${name(shape.ownerSVGElement)}: ${s.fill} / ${s.stroke}`);
    }
    return {edgeless, unseen, svgs: document.querySelectorAll("svg").length};
}"""
)


@pytest.fixture
def pages(site):
    site.article.body += QUOTE_AND_TABLE
    site.article.save()
    return site.pages


@pytest.mark.parametrize("width", ["phone", "desktop"])
@pytest.mark.parametrize("page_type", PAGE_TYPES)
def test_in_forced_colours_focus_rings_edges_and_icons_stay_visible(
    page_type, width, pages, new_context, screenshots
):
    path = pages[page_type]
    where = f"the {page_type} page ({path}) at {width} width in forced colours"
    page = new_context(**VIEWPORTS[width], **FORCED).new_page()
    page.goto(path)
    assert page.evaluate("() => matchMedia('(forced-colors: active)').matches"), where
    screenshot(page, screenshots, f"forced-{page_type}-{width}")

    found = page.evaluate(FORCED_EDGES_JS)
    assert not found["edgeless"], f"{where}, without a visible edge:\n- " + "\n- ".join(found["edgeless"])
    assert not found["unseen"], f"{where}, icons drawn in the page's colour:\n- " + "\n- ".join(
        found["unseen"]
    )
    assert page.locator("aside.crisis-line").count() >= 1, f"{where}: no crisis box"

    stops = walk_tab_order(page, forced_colors=True)
    assert stops, f"{where}: nothing can be reached with the Tab key"
    ring_problems = [stop["problem"] for stop in stops if stop["problem"]]
    assert not ring_problems, f"{where}:\n- " + "\n- ".join(ring_problems)


def test_in_forced_colours_a_question_opens_and_closes_with_its_focus_ring_showing(pages, new_context):
    """The FAQ page's questions are native disclosure widgets: opened and closed from the keyboard,
    the question keeps its outline, and its open or closed state stays drawn (the marker is text,
    in the theme's colour)."""
    from .browser import focus_ring_problem, focused, press_tab

    page = new_context(**VIEWPORTS["phone"], **FORCED).new_page()
    page.goto(pages["faqs"])
    for _ in range(60):
        state = press_tab(page)
        if state and state["tag"] == "summary":
            break
    else:
        pytest.fail("the keyboard never reaches a question")
    details = page.locator("details.faq").first
    marker = "e => getComputedStyle(e.querySelector('summary')).display"
    assert details.evaluate(marker) == "list-item", "the question has no open/closed marker"
    for key, is_open in (("Enter", True), ("Space", False)):
        page.keyboard.press(key)
        assert details.evaluate("e => e.open") is is_open, key
        problem = focus_ring_problem(page, focused(page), forced_colors=True)
        assert not problem, f"after {key}: {problem}"
