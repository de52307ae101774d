"""What the browser tests share: axe, page structure checks, keyboard walks, screenshots."""

import contextlib
import json
import re
from pathlib import Path
from urllib.parse import urlsplit

E2E_DIR = Path(__file__).resolve().parent
ROOT = E2E_DIR.parent.parent
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
FAILURES = ARTIFACTS / "failures"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Only the live server is reachable: every other host name resolves to nothing.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# WCAG 2.0 and 2.1, levels A and AA (what HHS's Section 504 rule requires), and axe's best
# practices on top; WCAG 2.2's A and AA rules (target size, ...) too, which the site meets already.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa", "best-practice"]


def run_axe(page, tags=AXE_TAGS, exclude=()):
    """axe-core's violations on the page as it is now, as plain dicts."""
    # axe checks inside frames (CKEditor's editing area is one) only where it runs too.
    for frame in page.frames:
        if frame.is_detached() or frame.evaluate("() => typeof window.axe !== 'undefined'"):
            continue
        frame.add_script_tag(path=str(AXE_JS))
    return page.evaluate(
        """async ([tags, exclude]) => {
            const context = exclude.length ? {include: [document], exclude: exclude.map(s => [s])} : document;
            const results = await axe.run(context, {
                runOnly: {type: "tag", values: tags},
                resultTypes: ["violations"],
            });
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl, tags: v.tags,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
            }));
        }""",
        [tags, list(exclude)],
    )


def format_violations(violations, where):
    """A report a person can act on: rule, impact, help link, and each offending element."""
    if not violations:
        return f"no accessibility violations on {where}"
    count = sum(len(v["nodes"]) for v in violations)
    lines = [f"{len(violations)} axe rule(s) violated by {count} element(s) on {where}:"]
    for violation in violations:
        lines.append(f"\n- {violation['id']} ({violation['impact']}): {violation['help']}")
        lines.append(f"  {violation['helpUrl']}")
        for node in violation["nodes"]:
            lines.append(f"  * {node['target']}")
            lines.append(f"    {_shorten(node['html'], 200)}")
            for summary_line in (node["summary"] or "").splitlines():
                lines.append(f"      {summary_line.strip()}")
    return "\n".join(lines)


def _shorten(text, limit):
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- Page structure -----------------------------------------------------------------------

PAGE_FACTS_JS = """() => {
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const headings = [...document.querySelectorAll("h1, h2, h3, h4, h5, h6")]
        .filter(visible)
        .map(h => ({level: Number(h.tagName[1]), text: h.textContent.trim().replace(/\\s+/g, " ")}));
    const fields = [...document.querySelectorAll("input, select, textarea")]
        .filter(el => el.type !== "hidden")
        .map(el => ({
            id: el.id, name: el.name,
            label: [...(el.labels || [])].map(l => l.textContent.trim()).join(" ")
                || el.getAttribute("aria-label") || "",
        }));
    const images = [...document.images].map(img => ({
        src: img.getAttribute("src"), alt: img.getAttribute("alt"),
        loaded: img.complete && img.naturalWidth > 0,
    }));
    return {
        lang: document.documentElement.getAttribute("lang"),
        title: document.title,
        headings, fields, images,
        mains: document.querySelectorAll("main").length,
        skipTarget: (document.querySelector("a.skip-link") || {}).hash || null,
        scripts: [...document.scripts].map(s => s.type || "text/javascript"),
        horizontalOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
}"""


def page_facts(page):
    return page.evaluate(PAGE_FACTS_JS)


def structure_problems(facts):
    """What is wrong with a page's structure, in words; an empty list when nothing is."""
    problems = []
    if facts["lang"] != "en":
        problems.append(f"<html lang> is {facts['lang']!r}, not 'en'")
    if not facts["title"].strip():
        problems.append("the page has no title")
    h1s = [h for h in facts["headings"] if h["level"] == 1]
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} h1 elements instead of one: {[h['text'] for h in h1s]}")
    if facts["headings"] and facts["headings"][0]["level"] != 1:
        problems.append(f"the first heading is h{facts['headings'][0]['level']}, not the h1")
    previous = 1
    for heading in facts["headings"]:
        if heading["level"] > previous + 1:
            problems.append(
                f"heading level skipped: h{previous} then h{heading['level']} ({heading['text']!r})"
            )
        previous = heading["level"]
    if facts["mains"] != 1:
        problems.append(f"{facts['mains']} <main> elements instead of one")
    if facts["skipTarget"] != "#main":
        problems.append(f"no skip link to #main (found {facts['skipTarget']!r})")
    for field in facts["fields"]:
        if not field["label"].strip():
            problems.append(f"form field without a label: id={field['id']!r} name={field['name']!r}")
    for image in facts["images"]:
        if image["alt"] is None:
            problems.append(f"image without an alt attribute: {image['src']}")
        if not image["loaded"]:
            problems.append(f"image did not load: {image['src']}")
    if facts["horizontalOverflow"] > 0:
        problems.append(f"the page scrolls sideways by {facts['horizontalOverflow']}px")
    return problems


# --- Keyboard -------------------------------------------------------------------------------

FOCUSED_JS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const rect = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        text: (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\\s+/g, " "),
        href: el.getAttribute("href"),
        classes: el.className || "",
        focusVisible: el.matches(":focus-visible"),
        outlineStyle: style.outlineStyle,
        outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor,
        outlineOffset: parseFloat(style.outlineOffset) || 0,
        boxShadow: style.boxShadow,
        rect: {x: rect.x, y: rect.y, width: rect.width, height: rect.height},
        inViewport: rect.bottom > 0 && rect.right > 0 && rect.top < innerHeight && rect.left < innerWidth,
        // How far the focus ring reaches past the screen's edges, in px (0: all of it shows). Of
        // something taller than the screen (a long table in its box), the top must show.
        ringCut: (() => {
            const reach = Math.max(0, parseFloat(style.outlineOffset) || 0) + (parseFloat(style.outlineWidth) || 0);
            const fits = rect.height + 2 * reach <= innerHeight;
            return Math.max(0, reach - rect.top, fits ? rect.bottom + reach - innerHeight : 0,
                            reach - rect.left, rect.right + reach - innerWidth);
        })(),
    };
}"""


def focused(page):
    return page.evaluate(FOCUSED_JS)


def press_tab(page, times=1, shift=False):
    for _ in range(times):
        page.keyboard.press("Shift+Tab" if shift else "Tab")
    return focused(page)


MAX_TAB_STOPS = 120


def walk_tab_order(page, forced_colors=False):
    """Tab from the top of the page to the end; the state of each stop, in order, with what is
    wrong with its focus ring (`focus_ring_problem`, below), or None."""
    stops, first = [], None
    for _ in range(MAX_TAB_STOPS):
        state = press_tab(page)
        if state is None or state == first:  # past the last stop, or round to the first again
            break
        first = first or state
        stops.append({**state, "problem": focus_ring_problem(page, state, forced_colors)})
    return stops


# A computed colour read ("rgb(…)", "rgba(…)"; null for anything else), its relative luminance
# (WCAG 2.1) and the contrast of two: the lines a colour check's script starts with.
CONTRAST_FUNCTIONS_JS = """
    const parse = (c) => {
        const m = c.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
        return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
    };
    const lum = ({r, g, b}) => {
        const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
    };
    const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
"""

# The focus ring must show against what lies around the element: the colour of the outline
# against the background just outside it (where the outline is drawn), at least 3:1
# (WCAG 1.4.11, non-text contrast).
OUTLINE_CONTRAST_JS = (
    """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
"""
    + CONTRAST_FUNCTIONS_JS
    + """    const backgroundAt = (x, y) => {
        const stack = document.elementsFromPoint(x, y).filter(n => n !== el && !el.contains(n));
        for (const node of stack) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c && c.a > 0.5) return c;
        }
        return {r: 255, g: 255, b: 255, a: 1};
    };
    const outline = parse(style.outlineColor);
    const rect = el.getBoundingClientRect();
    const width = parseFloat(style.outlineWidth) || 0;
    const gap = (parseFloat(style.outlineOffset) || 0) + width / 2;
    if (!outline) return null;
    if (gap + width / 2 <= 0) {
        // An inset ring is drawn on the element itself: against its own background.
        for (let node = el; node; node = node.parentElement) {
            const c = parse(getComputedStyle(node).backgroundColor);
            if (c && c.a > 0.5) return ratio(outline, c);
        }
        return ratio(outline, {r: 255, g: 255, b: 255, a: 1});
    }
    const points = [
        [rect.left - gap, rect.top + rect.height / 2], [rect.right + gap, rect.top + rect.height / 2],
        [rect.left + rect.width / 2, rect.top - gap], [rect.left + rect.width / 2, rect.bottom + gap],
    ].filter(([x, y]) => x >= 0 && y >= 0 && x < innerWidth && y < innerHeight);
    if (!points.length) return null;
    return Math.min(...points.map(([x, y]) => ratio(outline, backgroundAt(x, y))));
}"""
)


def focus_ring_problem(page, state, forced_colors=False):
    """Why the focused element's focus indicator is not visible enough, or None. In forced
    colours (Windows contrast themes) a box-shadow is not drawn, so only an outline counts."""
    if state is None:
        return "nothing has the focus"
    where = f"{state['tag']} {state['text']!r}"
    if not state["focusVisible"]:
        return f"{where} does not match :focus-visible after keyboard focus"
    if state["outlineStyle"] in ("none", "hidden") or state["outlineWidth"] < 2:
        if forced_colors:
            return (
                f"{where} has no outline on focus (outline {state['outlineStyle']} "
                f"{state['outlineWidth']}px): in forced colours nothing else shows it"
            )
        if state["boxShadow"] in ("", "none"):
            return (
                f"{where} has no visible focus indicator (outline {state['outlineStyle']} "
                f"{state['outlineWidth']}px, box-shadow {state['boxShadow']})"
            )
        return None
    if not state["inViewport"]:
        return f"{where} has the focus but is outside the viewport"
    if state["ringCut"] > 0.5:
        return f"{where} has the focus, but {state['ringCut']:.0f}px of its focus ring is off the screen"
    contrast = page.evaluate(OUTLINE_CONTRAST_JS)
    if contrast is not None and contrast < 3:
        return f"{where}: focus outline {state['outlineColor']} has a contrast of only {contrast:.2f}:1 with its surroundings"
    return None


# --- Text spacing, zoom and reflow --------------------------------------------------------

# WCAG 1.4.12: text with these spacings must lose nothing (the W3C's own test values).
TEXT_SPACING_CSS = """
* { line-height: 1.5 !important; letter-spacing: 0.12em !important; word-spacing: 0.16em !important; }
p { margin-bottom: 2em !important; }
"""

# What the page's layout does to its words, once text is spaced out or enlarged:
# - clipped: a box that hides what overflows it (overflow hidden or clip) and has more in it
#   than it shows (scroll size beyond its client size), other than the visually hidden texts;
# - spilling: a control drawn as a box (a button, the call link, a menu link, a question) whose
#   words run out of that box;
# - overlapping: two runs of text drawn over each other (each text node's line boxes, compared).
# A box that scrolls (overflow auto, a wide table's region) loses nothing and is not reported.
LAYOUT_PROBLEMS_JS = """() => {
    const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
        + (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
    const hidden = (el) => !!el.closest(".visually-hidden, .skip-link");
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const clipped = [];
    for (const el of document.body.querySelectorAll("*")) {
        if (hidden(el) || !shown(el) || !el.textContent.trim()) continue;
        const s = getComputedStyle(el);
        const cuts = (v) => v === "hidden" || v === "clip";
        const x = cuts(s.overflowX) && el.scrollWidth > el.clientWidth + 1;
        const y = cuts(s.overflowY) && el.scrollHeight > el.clientHeight + 1;
        if (x || y) clipped.push(`${name(el)}: shows ${el.clientWidth}x${el.clientHeight} of ${el.scrollWidth}x${el.scrollHeight}`);
    }
    const textRects = (el) => {
        const range = document.createRange();
        range.selectNodeContents(el);
        return [...range.getClientRects()].filter(r => r.width > 1 && r.height > 1);
    };
    const spilling = [];
    const controls = "a, button, summary, label, .button, .call-link";
    for (const el of document.body.querySelectorAll(controls)) {
        if (hidden(el) || !shown(el) || getComputedStyle(el).display === "inline") continue;
        const box = el.getBoundingClientRect();
        const out = textRects(el).filter(r => r.left < box.left - 1 || r.right > box.right + 1
            || r.top < box.top - 1 || r.bottom > box.bottom + 1);
        if (out.length) spilling.push(`${name(el)} ${JSON.stringify(el.textContent.trim().slice(0, 40))}`);
    }
    const runs = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const parent = node.parentElement;
        if (!node.textContent.trim() || !parent || hidden(parent) || !shown(parent)) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const r of range.getClientRects()) {
            if (r.width <= 1 || r.height <= 1) continue;
            runs.push({node, top: r.top + scrollY, bottom: r.bottom + scrollY, left: r.left + scrollX, right: r.right + scrollX});
        }
    }
    runs.sort((a, b) => a.top - b.top);
    const overlapping = [];
    for (let i = 0; i < runs.length && overlapping.length < 10; i++) {
        for (let j = i + 1; j < runs.length && runs[j].top < runs[i].bottom - 2; j++) {
            const [a, b] = [runs[i], runs[j]];
            if (a.node === b.node) continue;
            const wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            if (wide > 2 && high > 2) {
                overlapping.push(`${JSON.stringify(a.node.textContent.trim().slice(0, 30))} (${name(a.node.parentElement)}) and `
                    + `${JSON.stringify(b.node.textContent.trim().slice(0, 30))} (${name(b.node.parentElement)})`);
                break;
            }
        }
    }
    return {
        clipped, spilling, overlapping,
        sideways: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    };
}"""


def layout_problems(page):
    """What is cut off, spills out of its control or is drawn over other text on the page, and
    how far the page scrolls sideways, in words; an empty list when nothing is."""
    found = page.evaluate(LAYOUT_PROBLEMS_JS)
    problems = [f"text cut off by {c}" for c in found["clipped"]]
    problems += [f"words run out of their control: {s}" for s in found["spilling"]]
    problems += [f"text drawn over other text: {o}" for o in found["overlapping"]]
    if found["sideways"] > 0:
        problems.append(f"the page scrolls sideways by {found['sideways']}px")
    return problems


# --- Guards on every page -------------------------------------------------------------------


class PageGuard:
    """Records what a page must never do: script errors, dialogs, requests to other hosts."""

    def __init__(self, page, live_server_url):
        self.page = page
        self.allowed = urlsplit(live_server_url).netloc
        self.errors, self.dialogs, self.foreign_requests = [], [], []
        page.on("pageerror", self._on_error)
        page.on("console", self._on_console)
        page.on("dialog", self._on_dialog)
        page.on("request", self._on_request)

    def _on_error(self, error):
        self.errors.append(str(error))

    def _on_console(self, message):
        if message.type == "error":
            self.errors.append(f"console: {message.text}")

    def _on_dialog(self, dialog):
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_request(self, request):
        parts = urlsplit(request.url)
        if parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.allowed:
            self.foreign_requests.append(request.url)

    def detach(self):
        for event, handler in [
            ("pageerror", self._on_error),
            ("console", self._on_console),
            ("dialog", self._on_dialog),
            ("request", self._on_request),
        ]:
            with contextlib.suppress(Exception):  # the page is already closed
                self.page.remove_listener(event, handler)

    def problems(self, ignore_errors=()):
        found = []
        errors = [e for e in self.errors if not any(re.search(p, e) for p in ignore_errors)]
        if errors:
            found.append(f"script errors: {json.dumps(errors, indent=1)}")
        if self.dialogs:
            found.append(f"dialogs opened: {self.dialogs}")
        if self.foreign_requests:
            found.append(f"requests to other hosts: {self.foreign_requests}")
        return found


# --- Admin ----------------------------------------------------------------------------------


def admin_url(name, *args):
    """An admin page's path (the admin's address is a setting, ADMIN_URL)."""
    from django.urls import reverse

    return reverse(f"admin:{name}", args=args)


def log_in(page, username, password):
    page.goto(admin_url("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"**{admin_url('index')}")


def screenshot(page, folder, name):
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
