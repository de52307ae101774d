"""What marketing does in the admin, in Chromium, and what a visitor then sees.

1. An editor writes an article by typing into CKEditor (a heading from the Format list, a
   paragraph with a bold word and a link made with the Link dialog, a bulleted list), adds a
   picture with its description, attaches two FAQs and a testimonial through the autocomplete
   widgets, saves a draft, sees it behind the "Draft — not public" banner, publishes, and a
   visitor's browser shows the article exactly as written.
2. An editor pastes hostile HTML into CKEditor (or posts it past the editor): the published
   page runs none of it and contains none of it.
3. An editor adds a picture with the Image dialog's Upload tab and a description; a visitor sees
   it. Taken out of the text, it stays on the web until the editor deletes it from Uploaded
   pictures, after which its address answers 404.
"""

import pytest
from playwright.sync_api import expect

from tests.images import png_bytes

from .browser import DESKTOP, admin_url, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "Your first week in the evening track"
SLUG = "your-first-week-in-the-evening-track"
SUMMARY = "What the first five evenings hold, and why feeling nervous is part of it."
HEADING = "What the first week holds"
PARAGRAPH = (
    "Most people feel nervous on their first evening, and that is normal. If a night feels too "
    "heavy to wait for group, you can call or text the 988 Lifeline."
)
BOLD = "nervous"
LINK_TEXT = "988 Lifeline"
LINK_URL = "https://988lifeline.org"
BULLETS = ["Bring a water bottle", "Write down one question for your therapist", "Plan how you get home"]
HERO_ALT = "Two armchairs by a window in a quiet group room"
FAQ_QUESTIONS = ["Can I bring water and a snack to group?", "Is the parking lot lit in the evening?"]
QUOTE = "On my first evening I barely spoke, and nobody pushed me. By Thursday I wanted to."


def editor_frame(page):
    return page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")


def wait_for_ckeditor(page):
    page.wait_for_function("() => window.CKEDITOR && CKEDITOR.instances.id_body?.status === 'ready'")


def choose_in_autocomplete(page, row, search, option_text):
    """Pick `option_text` in the select2 autocomplete of inline row `row` (e.g. "#faq_placements-0")."""
    page.locator(f"{row} .select2-selection").click()
    search_field = page.locator(".select2-container--open .select2-search__field")
    search_field.press_sequentially(search)
    page.locator(".select2-container--open .select2-results__option", has_text=option_text).click()
    page.locator(f"{row} .select2-selection__rendered", has_text=option_text).wait_for()


def add_inline_row(page, group):
    """Click "Add another …" in an inline group; the id of the new row."""
    rows = page.locator(f"#{group}-group tr.form-row.dynamic-{group}")
    before = rows.count()
    page.locator(f"#{group}-group .add-row a").click()
    return f"#{group}-{before}"


def rich_text_outline(page):
    """The article body as (tag, text) pairs, one per block, with inline bold and links."""
    return page.evaluate(
        """() => {
            const norm = (s) => s.replace(/\\u00a0/g, " ").replace(/\\s+/g, " ").trim();
            const body = document.querySelector("article > .rich-text");
            return [...body.children].map(el => ({
                tag: el.tagName.toLowerCase(),
                text: norm(el.textContent),
                items: [...el.querySelectorAll(":scope > li")].map(li => norm(li.textContent)),
                bold: [...el.querySelectorAll("strong, b")].map(b => norm(b.textContent)),
                links: [...el.querySelectorAll("a")].map(a => ({text: norm(a.textContent), href: a.getAttribute("href"), rel: a.getAttribute("rel")})),
            }));
        }"""
    )


def test_editor_writes_an_article_in_ckeditor_and_a_visitor_reads_it_as_written(
    editor, new_context, live_server, guard_page, screenshots
):
    from articles.models import Article
    from tests.factories import FAQFactory, TestimonialFactory

    FAQFactory(question=FAQ_QUESTIONS[0], answer="<p>Yes. Water, coffee and a light snack are all fine.</p>")
    FAQFactory(question=FAQ_QUESTIONS[1], answer="<p>Yes, and the entrance is right by the lot.</p>")
    FAQFactory(question="Can I bring my dog?", answer="<p>Only a service animal.</p>")  # not chosen
    TestimonialFactory(quote=QUOTE, attribution="Former evening-track client, 2025")

    page = new_context(**DESKTOP).new_page()
    admin_guard = guard_page(page, live_server.url)
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_add"))
    wait_for_ckeditor(page)

    page.locator("#id_title").press_sequentially(TITLE)
    assert page.locator("#id_slug").input_value() == SLUG, "the address is filled in from the title"
    page.locator("#id_summary").fill(SUMMARY)

    # --- The body, typed into CKEditor: a heading from the Format list first.
    editor_frame(page).locator("body").click()
    page.locator("#cke_id_body .cke_combo__format .cke_combo_button").click()
    page.frame_locator(".cke_combopanel iframe.cke_panel_frame").locator("a[title='Heading 2']").click()
    page.keyboard.type(HEADING)
    page.keyboard.press("Enter")

    # A paragraph with a bold word (Ctrl+B) and a link made with the Link dialog.
    before_bold, after_bold = PARAGRAPH.split(BOLD, 1)
    page.keyboard.type(before_bold)
    page.keyboard.press("Control+B")
    page.keyboard.type(BOLD)
    page.keyboard.press("Control+B")
    page.keyboard.type(after_bold)
    page.keyboard.press("ArrowLeft")  # before the full stop
    for _ in LINK_TEXT:
        page.keyboard.press("Shift+ArrowLeft")
    page.locator("#cke_id_body .cke_button__link").click()
    dialog = page.locator(".cke_dialog").filter(has_text="Link Info")
    dialog.get_by_label("Protocol").select_option("https://")
    dialog.get_by_label("URL").fill(LINK_URL.removeprefix("https://"))
    dialog.locator(".cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    # A bulleted list from the toolbar.
    page.locator("#cke_id_body .cke_button__bulletedlist").click()
    for index, bullet in enumerate(BULLETS):
        if index:
            page.keyboard.press("Enter")
        page.keyboard.type(bullet)

    # --- The picture, with its description.
    page.set_input_files(
        "#id_hero_image",
        files=[{"name": "group-room.png", "mimeType": "image/png", "buffer": png_bytes((1200, 630))}],
    )
    page.locator("#id_hero_image_alt").fill(HERO_ALT)

    # --- Two FAQs and a testimonial, through the autocomplete widgets of the inlines.
    for order, (search, question) in enumerate(zip(["water", "parking"], FAQ_QUESTIONS, strict=True), 1):
        row = add_inline_row(page, "faq_placements")
        choose_in_autocomplete(page, row, search, question)
        page.locator(f"{row} input[name$='-order']").fill(str(order))
    row = add_inline_row(page, "testimonial_placements")
    choose_in_autocomplete(page, row, "barely spoke", QUOTE[:40])

    # --- Saved as a draft.
    assert page.locator("#id_status").input_value() == "draft"
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    article = Article.objects.get(slug=SLUG)
    change_url = admin_url("articles_article_change", article.pk)
    assert page.url.endswith(change_url), page.url
    assert article.status == Article.Status.DRAFT and not article.is_public

    # The editor sees the draft at its public address, under the banner; a visitor gets a 404.
    page.goto(f"/articles/{SLUG}/")
    banner = page.get_by_role("status").filter(has_text="Draft — not public")
    assert banner.is_visible()
    screenshot(page, screenshots, "article-draft-as-seen-by-the-editor-desktop")
    visitor = new_context(**DESKTOP).new_page()
    assert visitor.goto(f"/articles/{SLUG}/").status == 404

    # --- Published.
    page.goto(change_url)
    wait_for_ckeditor(page)
    page.locator("#id_status").select_option("published")
    page.locator("input[name='_save']").click()
    page.locator(".messagelist .success").wait_for()
    article.refresh_from_db()
    assert article.is_public
    assert not admin_guard.dialogs

    # --- A visitor, not logged in, reads it exactly as written.
    visitor_guard = guard_page(visitor, live_server.url)
    assert visitor.goto(f"/articles/{SLUG}/").status == 200
    assert visitor.get_by_text("Draft — not public").count() == 0
    assert visitor.locator("h1").inner_text() == TITLE

    hero = visitor.locator("img.article__hero")
    assert hero.get_attribute("alt") == HERO_ALT
    # The 1200 px picture is offered with its smaller copies: the browser loads one of them, as it
    # draws the picture 640 CSS px wide on this screen (800w; naturalWidth is then in CSS px).
    loaded = hero.evaluate(
        """img => {
            const chosen = img.srcset.split(",").map(c => c.trim().split(" "))
                .find(([address]) => new URL(address, location.href).href === img.currentSrc);
            return [img.complete, img.naturalWidth, chosen && chosen[1]];
        }"""
    )
    assert loaded[0] and loaded[1] > 0 and loaded[2] in ("480w", "800w"), loaded

    outline = rich_text_outline(visitor)
    assert [block["tag"] for block in outline] == ["h2", "p", "ul"], outline
    heading, paragraph, bullets = outline
    assert heading["text"] == HEADING
    assert paragraph["text"] == PARAGRAPH
    assert paragraph["bold"] == [BOLD]
    assert paragraph["links"] == [{"text": LINK_TEXT, "href": LINK_URL, "rel": "noopener noreferrer"}]
    assert bullets["items"] == BULLETS

    faqs = visitor.locator("section.faqs details.faq")
    assert faqs.locator("summary").all_inner_texts() == FAQ_QUESTIONS
    faqs.first.locator("summary").click()
    assert (
        faqs.first.locator(".faq__answer").inner_text()
        == "Yes. Water, coffee and a light snack are all fine."
    )
    assert visitor.get_by_text("Can I bring my dog?").count() == 0

    stories = visitor.locator("section[aria-labelledby='article-stories'] figure.testimonial")
    assert stories.count() == 1
    assert stories.locator("blockquote").inner_text() == QUOTE
    screenshot(visitor, screenshots, "article-written-in-the-browser-desktop")
    assert not visitor_guard.problems(), visitor_guard.problems()


HOSTILE_HTML = """
<p>Before the hostile part.</p>
<script>window.__pwned = "script"; alert("script ran")</script>
<img src="/media/no-such-image.png" alt="broken" onerror="window.__pwned = 'onerror'; alert('onerror ran')">
<p><a href="javascript:window.__pwned = 'link'; alert('link ran')">Read our help page</a></p>
<p><a href=" JaVaScRiPt:alert('mixed case')">Mixed case link</a></p>
<p onmouseover="window.__pwned = 'hover'; alert('hover ran')">Hover over this line.</p>
<svg onload="alert('svg ran')"><circle r="5"></circle></svg>
<iframe src="javascript:alert('iframe ran')"></iframe>
<p>After the hostile part.</p>
"""

PAGE_SAFETY_JS = """() => ({
    pwned: window.__pwned ?? null,
    handlers: [...document.querySelectorAll("*")].flatMap(el =>
        [...el.attributes].filter(a => a.name.toLowerCase().startsWith("on")).map(a => `${el.tagName}[${a.name}]`)),
    scriptLinks: [...document.querySelectorAll("[href], [src], [action], [formaction]")].flatMap(el =>
        ["href", "src", "action", "formaction"].map(n => el.getAttribute(n)).filter(Boolean)
            .filter(v => /^\\s*(javascript|vbscript|data):/i.test(v))),
    scripts: [...document.scripts].map(s => s.type),
    embeds: document.querySelectorAll("main iframe, main svg, main object, main embed").length,
    body: document.querySelector("article > .rich-text")?.innerHTML ?? null,
})"""


def paste_into_ckeditor(page, context, html):
    """A real paste: the HTML goes on the clipboard, the editor gets Ctrl+V."""
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate(
        """async (html) => {
            const item = new ClipboardItem({
                "text/html": new Blob([html], {type: "text/html"}),
                "text/plain": new Blob([html.replace(/<[^>]*>/g, "")], {type: "text/plain"}),
            });
            await navigator.clipboard.write([item]);
        }""",
        html,
    )
    editor_frame(page).locator("body").click()
    page.keyboard.press("Control+V")
    editor_frame(page).get_by_text("After the hostile part.").wait_for()


def post_past_the_editor(page, html):
    """What a script or a browser without JavaScript could send: the raw HTML, no editor filter."""
    page.evaluate(
        """(html) => {
            CKEDITOR.instances.id_body.destroy(true);
            document.querySelector("#id_body").value = html;
        }""",
        html,
    )


@pytest.mark.parametrize("how", ["pasted-into-ckeditor", "posted-past-the-editor"])
def test_hostile_html_from_an_editor_never_reaches_the_published_page(
    how, editor, new_context, live_server, guard_page
):
    from articles.models import Article

    context = new_context(**DESKTOP)
    page = context.new_page()
    admin_guard = guard_page(page, live_server.url)
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_add"))
    wait_for_ckeditor(page)
    page.locator("#id_title").press_sequentially("A page with pasted text")
    page.locator("#id_summary").fill("Text pasted from somewhere else.")
    if how == "pasted-into-ckeditor":
        paste_into_ckeditor(page, context, HOSTILE_HTML)
    else:
        post_past_the_editor(page, HOSTILE_HTML)
    page.locator("#id_status").select_option("published")
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()

    stored = Article.objects.get(slug="a-page-with-pasted-text").body
    for marker in ["<script", "onerror", "onmouseover", "onload", "javascript:", "<svg", "<iframe"]:
        assert marker not in stored.lower(), f"{marker!r} was stored: {stored}"

    # Opening the saved article in the editor again runs nothing either.
    page.reload()
    wait_for_ckeditor(page)
    assert not admin_guard.dialogs, admin_guard.dialogs

    visitor = new_context(**DESKTOP).new_page()
    guard = guard_page(visitor, live_server.url)
    assert visitor.goto("/articles/a-page-with-pasted-text/").status == 200
    visitor.get_by_text("Hover over this line.").hover()
    for text in ["Read our help page", "Mixed case link"]:
        visitor.get_by_text(text).click()
    visitor.wait_for_timeout(200)

    facts = visitor.evaluate(PAGE_SAFETY_JS)
    assert facts["pwned"] is None
    assert facts["handlers"] == [], facts["handlers"]
    assert facts["scriptLinks"] == [], facts["scriptLinks"]
    assert set(facts["scripts"]) <= {"application/ld+json"}, facts["scripts"]
    assert facts["embeds"] == 0
    assert "Before the hostile part." in facts["body"] and "After the hostile part." in facts["body"]
    assert visitor.url.endswith("/articles/a-page-with-pasted-text/"), "the neutralised links go nowhere"
    assert guard.dialogs == [], guard.dialogs
    assert not guard.problems(ignore_errors=[r"status of 404"]), guard.problems()


PICTURE_ALT = "Eight chairs in a circle in the evening group room"


def test_editor_adds_a_picture_with_the_image_dialog_and_later_takes_it_off_the_web(
    editor, new_context, live_server, guard_page, media_root
):
    """The Image dialog's Upload tab stores the picture and puts it in the text with its
    description; a visitor sees it. Taken out of the text again, it is still on the web until the
    editor deletes it from Uploaded pictures, where it is listed as used only by an earlier
    version."""
    from articles.models import Article
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="An evening in group", slug="an-evening-in-group")
    page = new_context(**DESKTOP).new_page()
    admin_guard = guard_page(page, live_server.url)
    log_in(page, editor.username, editor.password)
    change_url = admin_url("articles_article_change", article.pk)
    page.goto(change_url)
    wait_for_ckeditor(page)
    editor_frame(page).locator("body").click()
    page.keyboard.press("Control+End")

    page.locator("#cke_id_body .cke_button__image").click()
    dialog = page.locator(".cke_dialog").filter(has_text="Image Properties")
    dialog.get_by_role("tab", name="Upload").click()
    dialog.frame_locator("iframe.cke_dialog_ui_input_file").locator("input[type='file']").set_input_files(
        files=[{"name": "group room.png", "mimeType": "image/png", "buffer": png_bytes((640, 420))}]
    )
    dialog.get_by_role("button", name="Send it to the Server").click()
    address = dialog.get_by_label("URL*", exact=True)  # the Image Info tab's, required
    page.wait_for_function(
        "(el) => el.value.startsWith('/media/editor/')", arg=address.element_handle(), timeout=10_000
    )
    stored = address.input_value().removeprefix("/media/")
    dialog.get_by_label("Alternative Text").fill(PICTURE_ALT)
    dialog.locator(".cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    assert f'alt="{PICTURE_ALT}"' in Article.objects.get(pk=article.pk).body
    assert (media_root / stored).is_file()

    visitor = new_context(**DESKTOP).new_page()
    visitor_guard = guard_page(visitor, live_server.url)
    assert visitor.goto(article.get_absolute_url()).status == 200
    picture = visitor.get_by_role("img", name=PICTURE_ALT)
    picture.scroll_into_view_if_needed()  # it loads when the reader comes near it (loading="lazy")
    visitor.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=picture.element_handle())
    # On a desktop screen the column is at least as wide as the picture: the browser takes the
    # upload itself from its copies, whether or not the dialog had read the picture's width
    # before OK was pressed (without one, `sizes` says the column's width, 672 px, not 640).
    assert picture.evaluate("img => img.currentSrc") == f"{live_server.url}/media/{stored}"
    assert not visitor_guard.problems(), visitor_guard.problems()

    # Taken out of the text: the file stays on the web, kept for the earlier version.
    page.goto(change_url)
    wait_for_ckeditor(page)
    page.evaluate("() => CKEDITOR.instances.id_body.setData('<p>The evening group meets at six.</p>')")
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    assert visitor.request.get(f"{live_server.url}/media/{stored}").status == 200

    page.goto(admin_url("uploads"))
    history = page.locator("#uploads-history")
    assert history.get_by_role("link", name=f"Article “{article.title}”: an earlier version").is_visible()
    history.get_by_role("checkbox", name=stored).check()
    page.get_by_role("button", name="Delete the chosen pictures…").click()
    page.get_by_role("button", name="Yes, delete it").click()
    assert page.locator(".messagelist .success").inner_text().startswith("Deleted 1 picture (")
    assert visitor.request.get(f"{live_server.url}/media/{stored}").status == 404
    assert not admin_guard.dialogs, admin_guard.dialogs


def test_a_saved_shared_preview_link_leaves_its_expiry_and_revoked_box_on_the_screen(
    editor, new_context, live_server
):
    """Once saved, a shared preview link shows its whole address, about 140 characters without a
    space. It stretched the admin's page to about 1,900 px on a 1,280 px screen, and the link's
    expiry, its Revoked box and its Delete box were off to the right, where an editor asked to
    end the link would not find them. The address now wraps inside its column."""
    from articles.models import PreviewLink
    from tests.factories import ArticleFactory

    article = ArticleFactory(draft=True, title="Coming back after a break from group")
    PreviewLink.objects.create(article=article, note="Dr. Okafor, clinical review")

    page = new_context(**DESKTOP).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_change", article.pk))
    wait_for_ckeditor(page)
    address = page.locator("#preview_links-0 td.field-shareable_address a")
    assert address.inner_text().startswith(live_server.url + "/articles/preview/")

    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls {overflow} px sideways"
    viewport_width = page.viewport_size["width"]
    for field in [
        "#id_preview_links-0-expires_at_0",
        "#id_preview_links-0-revoked",
        "#id_preview_links-0-DELETE",
    ]:
        box = page.locator(field).bounding_box()
        assert box["x"] + box["width"] <= viewport_width, f"{field} is off the screen, at x={box['x']:.0f}"


def test_the_read_next_picker_offers_other_articles_and_never_the_one_being_edited(
    editor, new_context, live_server
):
    """Choosing what to read next, the editor searches for "coming back": the picker offers the
    other articles with those words and not the one on the screen, which could not be saved."""
    from articles.models import ReadNextChoice
    from tests.factories import ArticleFactory

    article = ArticleFactory(title="Coming back after a break from group")
    other = ArticleFactory(title="Coming back to the evening track")

    page = new_context(**DESKTOP).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_change", article.pk))
    wait_for_ckeditor(page)
    row = add_inline_row(page, "read_next_choices")
    page.locator(f"{row} .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially("coming back")
    options = page.locator(".select2-container--open .select2-results__option")
    # Each key sends a search; the list settles on the answer to the last one.
    expect(options).to_have_text([other.title])
    options.filter(has_text=other.title).click()
    page.locator(f"{row} input[name$='-order']").fill("1")
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    assert list(ReadNextChoice.objects.filter(article=article).values_list("chosen__title", flat=True)) == [
        other.title
    ]


def test_an_editor_without_javascript_pages_through_a_long_history_and_compares_two_versions(
    editor, new_context, live_server
):
    """An article saved 120 times: its history shows the newest fifty, the next page by a plain
    link, and that page's two newest versions compared by the form's button."""
    from reversion.models import Version

    from tests.site.test_history_pages import with_versions

    article = with_versions(120)
    page = new_context(java_script_enabled=False, **DESKTOP).new_page()
    log_in(page, editor.username, editor.password)
    page.goto(admin_url("articles_article_history", article.pk))
    assert page.get_by_text("Versions 1 to 50 of 120, newest first.").is_visible()
    assert page.locator("#change-history tbody tr").count() == 50

    page.get_by_role("navigation", name="Pages of versions").get_by_role("link", name="Older").click()
    assert page.get_by_text("Versions 51 to 100 of 120, newest first.").is_visible()
    assert page.locator("#change-history tbody tr").first.inner_text().endswith("Version 70")

    page.get_by_role("button", name="compare").click()
    page.wait_for_url("**/history/compare/**")
    newest_first = Version.objects.get_for_object(article).order_by("-pk").values_list("pk", flat=True)
    assert f"version_id1={newest_first[51]}" in page.url and f"version_id2={newest_first[50]}" in page.url
    assert page.title().startswith("Compare Your first week")
