"""What a visitor does: call from a phone with the keyboard alone, use the site without
JavaScript, and see an editor's phone photo the right way up.
"""

import pytest

from .browser import PHONE, PageGuard, press_tab

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

MAX_TABS_TO_CALL = 3
NEW_NUMBER = "(404) 555-0173"
NEW_TEL = "tel:+14045550173"


def shown_text(link):
    """A link's words as they show on the screen, without what is there for screen readers only."""
    return link.evaluate(
        "e => [...e.childNodes].filter(n => !(n.classList && n.classList.contains('visually-hidden')))"
        ".map(n => n.textContent).join('').trim()"
    )


def test_call_link_is_a_few_tab_stops_away_on_every_page_and_dials_the_number_from_site_settings(
    site, new_context, live_server
):
    from carter_site.models import SiteSettings

    settings = SiteSettings.load()
    settings.phone = NEW_NUMBER
    settings.save()

    page = new_context(**PHONE).new_page()
    guard = PageGuard(page, live_server.url)  # under the site's real Content-Security-Policy
    for page_type, path in site.pages.items():
        page.goto(path)
        stops = []
        for _ in range(MAX_TABS_TO_CALL):
            state = press_tab(page)
            stops.append(state)
            if state and (state["href"] or "").startswith("tel:"):
                break
        where = f"the {page_type} page ({path}) on a 360 × 740 phone"
        assert "skip-link" in stops[0]["classes"], f"{where}: the first tab stop is {stops[0]['text']!r}"
        call = stops[-1]
        assert (call["href"] or "").startswith("tel:"), (
            f"{where}: no call link within {MAX_TABS_TO_CALL} tab stops: {[s and s['text'] for s in stops]}"
        )
        assert call["href"] == NEW_TEL, f"{where}: the call link dials {call['href']}"
        assert NEW_NUMBER in call["text"], f"{where}: the call link reads {call['text']!r}"
        assert call["inViewport"] and call["focusVisible"], f"{where}: the focused call link is not in view"
        assert call["rect"]["height"] >= 44, f"{where}: the call link is {call['rect']['height']}px tall"
        # Every other call button on the page dials the same number (locations may have their own).
        numbers = page.locator("a.call-link, .call-box a[href^='tel:'], .hero a[href^='tel:']")
        assert set(numbers.evaluate_all("links => links.map(a => a.getAttribute('href'))")) == {NEW_TEL}
    assert not guard.problems(ignore_errors=[r"status of 404"]), guard.problems()


def test_the_crisis_line_is_on_the_first_screen_of_every_page_on_a_phone(site, new_context, live_server):
    """Someone in crisis reaches 988 without scrolling, apart from the admissions number."""
    page = new_context(**PHONE).new_page()
    guard = PageGuard(page, live_server.url)
    height = PHONE["viewport"]["height"]
    for page_type, path in site.pages.items():
        page.goto(path)
        where = f"the {page_type} page ({path}) on a 360 × 740 phone"
        for href in ("tel:988", "sms:988"):
            link = page.locator(f".site-header a[href='{href}']")
            assert link.count() == 1, f"{where}: no {href} link in the header"
            box = link.bounding_box()
            assert box and box["y"] + box["height"] <= height, (
                f"{where}: the {href} link is below the first screen"
            )
            assert box["height"] >= 44, f"{where}: the {href} link is {box['height']}px tall"
        admissions = page.locator(".site-header a.call-link").get_attribute("href")
        assert admissions != "tel:988", f"{where}: the admissions button dials 988"
    assert not guard.problems(ignore_errors=[r"status of 404"]), guard.problems()


@pytest.mark.parametrize(("width", "height"), [(360, 740), (320, 640)], ids=["phone-360", "phone-320"])
def test_the_crisis_line_stays_on_the_first_screen_with_the_text_doubled(site, new_context, width, height):
    """WCAG 1.4.4: a phone whose reader has doubled the text size (the root font size at 32 px; the
    site sizes text in rem). The header's search came before the crisis line and took the 988
    links below the first screen of every page. Not by a bar stuck over the page either: the
    header scrolls away with it, and the page never scrolls sideways."""
    phone = {"viewport": {"width": width, "height": height}, "is_mobile": True, "has_touch": True}
    page = new_context(**phone, bypass_csp=True).new_page()  # the size is injected as a <style>
    problems = []
    for page_type, path in site.pages.items():
        page.goto(path)
        page.add_style_tag(content="html { font-size: 32px !important; }")
        where = f"the {page_type} page ({path}) at {width} × {height} with the text doubled"
        for href in ("tel:988", "sms:988"):
            box = page.locator(f".site-header a[href='{href}']").bounding_box()
            if not box or box["y"] + box["height"] > height:
                problems.append(
                    f"{where}: the {href} link ends at {box and round(box['y'] + box['height'])}px"
                )
        stuck = page.evaluate(
            "() => [...document.querySelectorAll('header, header *')]"
            ".filter(e => ['fixed', 'sticky'].includes(getComputedStyle(e).position)).length"
        )
        if stuck:
            problems.append(f"{where}: {stuck} part(s) of the header stay over the page")
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        if overflow > 0:
            problems.append(f"{where}: scrolls {overflow} px sideways")
    assert not problems, "\n".join(problems)


def test_the_menu_is_one_row_on_a_phone_so_the_page_starts_higher(site, new_context, live_server):
    """The header's four links fit one row of a 360 px phone: a second row cost every page 44 px of
    its first screen, above its heading."""
    page = new_context(**PHONE).new_page()
    for page_type, path in site.pages.items():
        page.goto(path)
        tops = page.locator(".site-nav li").evaluate_all(
            "items => items.map(item => Math.round(item.getBoundingClientRect().top))"
        )
        assert len(tops) >= 4 and len(set(tops)) == 1, f"the {page_type} page ({path}): menu rows at {tops}"
        overflow = page.evaluate("() => document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, f"the {page_type} page ({path}) scrolls {overflow} px sideways"


def test_navigation_faq_answers_and_search_work_without_javascript(site, new_context, live_server):
    context = new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    guard = PageGuard(page, live_server.url)
    page.goto("/")
    assert page.locator("noscript").count() == 0  # nothing on the site asks for JavaScript

    # The main navigation, from page to page.
    nav = page.get_by_role("navigation", name="Main")
    for name, heading in [
        ("Articles", "Articles"),
        ("Locations", "Our locations"),
        ("Stories", "Client stories"),
        ("Questions", "Questions and answers"),
    ]:
        nav.get_by_role("link", name=name).click()
        assert page.locator("h1").inner_text() == heading
        assert nav.get_by_role("link", name=name).get_attribute("aria-current") == "page"

    # FAQ answers open and close (details and summary), by mouse and by keyboard.
    faq = page.locator("details.faq").first
    answer = faq.locator(".faq__answer")
    assert not answer.is_visible()
    faq.locator("summary").click()
    assert answer.is_visible() and faq.get_attribute("open") is not None
    faq.locator("summary").click()
    assert not answer.is_visible()
    second = page.locator("details.faq").nth(1)
    second.locator("summary").focus()
    page.keyboard.press("Enter")
    assert second.locator(".faq__answer").is_visible()
    # The topic links jump within the page.
    topic = page.get_by_role("navigation", name="Topics").get_by_role("link").first
    target = topic.get_attribute("href")
    topic.click()
    assert page.url.endswith(target)

    # Search from the header, read the results, open one.
    header_search = page.get_by_role("search", name="Site search")
    header_search.get_by_role("searchbox").fill("insurance")
    header_search.get_by_role("searchbox").press("Enter")
    page.wait_for_url("**/search/?q=insurance")
    assert page.locator("h1").inner_text() == "Search"
    assert "for “insurance”" in page.get_by_role("status").inner_text()
    first_hit = page.locator(".search-result__title a").first
    title = shown_text(first_hit)
    assert first_hit.inner_text().endswith(("(article)", "(question)", "(location)"))
    first_hit.click()
    assert page.locator("h1").inner_text() == title

    # A question found by search opens on its answer, without JavaScript.
    page.goto("/search/?q=employer")
    question = page.locator(".search-result__title a", has_text="employer").first
    asked = shown_text(question)
    question.click()
    target = page.locator("details.faq:target")
    assert target.locator(".faq__question").inner_text() == asked
    assert target.locator(".faq__answer").is_visible()
    assert page.locator("details.faq[open]").count() == 1

    # A search that finds nothing says so kindly, and offers the way on.
    page.goto("/search/?q=zebra")
    assert "Nothing matched" in page.get_by_role("status").inner_text()

    # Words no page has all of: the pages with some of them, said so; Jefferson's closes a day soon.
    page.goto(site.pages["search-some-words"])
    assert page.get_by_role("status").inner_text().startswith("No page has every word of")
    page.locator(".search-result__title a", has_text="Jefferson").first.click()
    assert page.locator("h1").inner_text() == "Jefferson"
    assert page.locator(".special-hours li").first.inner_text().startswith("Closed ")

    # A location from the list, and back home by the site's name.
    page.goto("/locations/")
    page.get_by_role("heading", name="Alpharetta").get_by_role("link").click()
    assert page.locator("h1").inner_text() == "Alpharetta"
    page.locator("a.brand").click()
    assert page.url == live_server.url + "/"
    assert not guard.problems(), guard.problems()


def test_a_phone_photo_stored_sideways_shows_upright_in_the_space_the_page_kept_for_it(
    site, new_context, live_server
):
    """A phone stores a portrait photo as landscape pixels with an EXIF note to turn it. The
    upload keeps that note and nothing else of its EXIF; Chromium turns the photo, and the
    page's width and height attributes already gave it that shape."""
    from django.core.files.base import ContentFile

    from tests.images import PRIVATE, phone_photo

    article = site.article
    article.hero_image.save("bench.jpg", ContentFile(phone_photo("JPEG", orientation=6, size=(300, 200))))
    with article.hero_image.open("rb") as stored:
        assert not any(secret in stored.read() for secret in PRIVATE)

    page = new_context(**PHONE).new_page()
    PageGuard(page, live_server.url)
    assert page.goto(article.get_absolute_url()).status == 200
    hero = page.locator("img.article__hero")
    assert (hero.get_attribute("width"), hero.get_attribute("height")) == ("200", "300")
    hero.evaluate("img => img.decode()")
    assert hero.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [200, 300]
    box = hero.bounding_box()
    assert box["height"] > box["width"]  # shown upright: taller than wide


def test_a_photo_in_an_articles_text_reaches_a_phone_as_its_smaller_copy(site, new_context, live_server):
    """A 1300 px photo an editor uploaded into an article's text: a 360 px phone draws it 328 px
    wide, so Chromium downloads the 480 px copy when the reader comes near it, and never the photo."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from carter_site.editor_uploads import record_picture
    from tests.images import photo_bytes

    data = photo_bytes((1300, 900))
    name = default_storage.save("editor/2026/11/24/evening-group.jpg", ContentFile(data))
    record_picture(default_storage, name, data)  # as the editor's Upload tab stores it
    article = site.article
    article.body += f'<p><img src="{default_storage.url(name)}" alt="The group room in the evening" width="1300" height="900"></p>'
    article.save()

    page = new_context(**PHONE).new_page()
    guard = PageGuard(page, live_server.url)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    assert page.goto(article.get_absolute_url()).status == 200
    picture = page.get_by_role("img", name="The group room in the evening")
    picture.scroll_into_view_if_needed()  # it loads when the reader comes near it (loading="lazy")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    assert picture.evaluate("img => img.currentSrc").endswith(
        "/media/editor/2026/11/24/copies/evening-group-480w.jpg"
    )
    assert not [url for url in requested if url.endswith(f"/media/{name}")], requested
    assert not guard.problems(), guard.problems()


def test_a_printed_page_has_every_answer_and_the_phone_number_but_no_menu_or_search(
    site, new_context, live_server
):
    """Printed to read privately or to show family: paper cannot open a question or follow a link."""
    page = new_context().new_page()
    page.goto(site.pages["faqs"])
    closed = page.locator("details.faq:not([open]) .faq__answer")
    assert closed.count() > 5
    assert not closed.first.is_visible()  # on the screen, answers wait behind their questions
    page.emulate_media(media="print")
    assert all(closed.nth(i).is_visible() for i in range(closed.count()))
    assert not page.locator(".search-form").first.is_visible()
    assert not page.locator(".site-nav").is_visible()
    call = page.locator("a.call-link")
    assert call.is_visible() and "(470) 284-1834" in call.inner_text()
    for selector in (".brand", "a.call-link"):
        assert page.locator(selector).evaluate("e => getComputedStyle(e).color") == "rgb(0, 0, 0)", selector

    page.goto(site.pages["location"])
    directions = page.locator("main a[href^='https://']").first
    address = directions.evaluate("e => getComputedStyle(e, '::after').content")
    assert directions.get_attribute("href") in address


def test_finding_the_nearest_location_by_zip_code_or_town_without_javascript(site, new_context, live_server):
    page = new_context(java_script_enabled=False, **PHONE).new_page()
    guard = PageGuard(page, live_server.url)
    page.goto("/")
    field = page.get_by_label("Your ZIP code or town in Georgia")
    field.fill("30549")  # Jefferson's ZIP code
    field.press("Enter")
    page.wait_for_url("**/locations/?near=30549#nearest")
    answer = page.locator(".nearest__answer")
    assert answer.inner_text().startswith("Nearest to 30549 (Jefferson, GA): Jefferson, ")
    assert answer.is_visible() and answer.bounding_box()["y"] < PHONE["viewport"]["height"]
    assert page.locator(".location-summary h2").first.inner_text() == "Jefferson"
    answer.get_by_role("link", name="Jefferson").click()
    assert page.locator("h1").inner_text() == "Jefferson"

    # A town that cannot be found: said under the field, which says it is invalid and why.
    page.goto("/locations/")
    field = page.get_by_label("Your ZIP code or town in Georgia")
    field.fill("Springfield, IL")
    page.get_by_role("button", name="Find the nearest").click()
    field = page.get_by_label("Your ZIP code or town in Georgia")
    assert field.get_attribute("aria-invalid") == "true"
    assert field.input_value() == "Springfield, IL"
    described = page.locator(f"#{field.get_attribute('aria-describedby')}")
    assert described.inner_text().startswith("We can find towns in Georgia by name.")
    assert described.is_visible()
    assert not guard.problems(), guard.problems()


@pytest.mark.parametrize(
    ("javascript", "text_size"),
    [(False, 16), (True, 16), (False, 32), (True, 32)],
    ids=["without-javascript", "with-javascript", "doubled-text", "doubled-text-with-javascript"],
)
def test_the_nearest_location_answer_carries_the_call_link_and_the_crisis_line(
    site, new_context, live_server, javascript, text_size
):
    """The form brings the visitor to its answer (#nearest), which scrolls the header, with its
    call link and 988, off the screen: the answer gives them again, on the same first screen,
    with the browser's text size doubled too: for a ZIP code near a location, a town too far
    away (whose longer answer once came first) and places that cannot be found (the form and
    the message under its field came first), from the home page and the locations page."""
    from carter_site.models import SiteSettings

    tel = SiteSettings.load().tel_uri
    context = new_context(java_script_enabled=javascript, **PHONE)
    page = context.new_page()
    if text_size != 16:  # the browser's own text size setting, which holds across the form's page load
        cdp = context.new_cdp_session(page)
        cdp.send("Page.enable")
        cdp.send("Page.setFontSizes", {"fontSizes": {"standard": text_size, "fixed": 13}})
    guard = PageGuard(page, live_server.url)
    height = PHONE["viewport"]["height"]
    # ZIP codes near a location (30043 gets a longer answer: "Nearest to 30043 (Lawrenceville, GA):
    # Alpharetta, about ..."), a town and a ZIP code far from all of them (a longer answer again,
    # "Nearest to 90210 (Beverly Hills, CA): Atlanta, about 1,9.. miles away ..."), and two places
    # that cannot be found.
    places = ("30549", "30043", "Savannah", "90210", "Springfield, IL", "Atlantis")
    for near, start in [(near, start) for near in places for start in ("/", "/locations/")]:
        page.goto(start)
        field = page.get_by_label("Your ZIP code or town in Georgia")
        field.fill(near)
        field.press("Enter")
        page.wait_for_url("**/locations/?near=*#nearest")
        where = f"after looking for {near!r} from {start}, text at {text_size} px"
        assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == f"{text_size}px"
        header = page.locator(".site-header").bounding_box()
        assert header["y"] + header["height"] <= 0, f"{where}: the header is still in view"
        for href in (tel, "tel:988", "sms:988"):
            seen = page.locator(f"#nearest a[href='{href}']").evaluate_all(
                "links => links.filter(a => { const r = a.getBoundingClientRect();"
                f" return r.height > 0 && r.top >= 0 && r.bottom <= {height}; }}).length"
            )
            assert seen, f"{where}: no {href} link on the screen with the answer"
        if near in ("Springfield, IL", "Atlantis"):  # the message stays under its field, tied to it
            field = page.get_by_label("Your ZIP code or town in Georgia")
            assert field.get_attribute("aria-invalid") == "true", where
            message = page.locator(f"#{field.get_attribute('aria-describedby')}").bounding_box()
            assert message["y"] >= field.bounding_box()["y"] + field.bounding_box()["height"], where
    assert not guard.problems(), guard.problems()


def test_an_hours_table_stays_a_tab_stop_because_large_text_makes_it_scroll(site, new_context, live_server):
    """The opening-hours region is a Tab stop, one more press on the way down a location's page.
    At the usual text size it scrolls nothing, but on a 320 px phone with the browser's text at
    Large (20 px) or more it scrolls sideways, and then the keyboard must be able to scroll it:
    Chromium would make it focusable by itself, Safari would not (and axe's
    scrollable-region-focusable fails without the tabindex). So it keeps its tabindex."""
    phone = {"viewport": {"width": 320, "height": 640}, "is_mobile": True, "has_touch": True}
    page = new_context(**phone, bypass_csp=True).new_page()  # the size is injected as a <style>
    page.goto(site.pages["location-closure"])
    page.add_style_tag(content="html { font-size: 24px !important; }")
    box = page.locator(".table-scroll").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth"), (
        "the hours fit: the tabindex is no longer needed"
    )
    for _ in range(40):
        state = press_tab(page)
        if state and "table-scroll" in state["classes"]:
            break
    else:
        pytest.fail("the keyboard never reaches the hours table's region")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.activeElement.scrollLeft > 0")  # the arrow keys scroll it
