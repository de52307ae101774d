"""An editor's unsaved work in the admin, and the links CKEditor's Link dialog offers.

1. Typing in an article (its body in CKEditor, its summary) and then clicking History left the
   page and lost the typing without a word. Now the browser asks first ("Leave site?"): on a
   changed form, when a link is followed; not on an unchanged one, and never when the form
   itself is saved (static/js/unsaved-changes.js).
2. The Link dialog offered ftp:// and news://, whose links lost their address on save. It now
   offers https://, http:// and <other>, refuses an address of another kind typed under <other>,
   and keeps a text-message link (sms:988), which the site links too (static/js/link-dialog.js).
"""

import pytest

from .browser import DESKTOP, admin_url, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def editor_frame(page):
    return page.frame_locator("#cke_id_body iframe.cke_wysiwyg_frame")


def wait_for_ckeditor(page):
    page.wait_for_function(
        """() => window.CKEDITOR && Object.keys(CKEDITOR.instances).length
            && Object.values(CKEDITOR.instances).every((editor) => editor.status === "ready")"""
    )


class Dialogs:
    """Records the page's dialogs and answers each: stays on the page (dismiss), or not."""

    def __init__(self, page, accept=False):
        self.seen, self.accept = [], accept
        page.on("dialog", self._answer)

    def _answer(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        dialog.accept() if self.accept else dialog.dismiss()

    @property
    def types(self):
        return [kind for kind, _message in self.seen]


@pytest.fixture
def article(transactional_db):
    from tests.factories import ArticleFactory

    return ArticleFactory(
        title="Coming back after a break from group",
        summary="What changes when you return, and what stays the same.",
        body="<p>Many people come back after a break.</p>",
    )


@pytest.fixture
def editing(editor, new_context, live_server):
    """A page of the editor's browser, signed in, and a function opening a change form on it."""
    page = new_context(**DESKTOP).new_page()
    log_in(page, editor.username, editor.password)

    def open_change_form(obj):
        page.goto(admin_url(f"{obj._meta.app_label}_{obj._meta.model_name}_change", obj.pk))
        wait_for_ckeditor(page)
        page.wait_for_load_state("load")
        return page

    return open_change_form


def history_link(page):
    return page.locator(".object-tools").get_by_role("link", name="History")


def type_into_the_article(page):
    editor_frame(page).locator("body").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Most of what you learned stays with you.")
    page.locator("#id_summary").press("End")
    page.locator("#id_summary").press_sequentially(" Ask us first.")


def test_leaving_an_article_with_unsaved_typing_asks_first_and_staying_keeps_the_typing(editing, article):
    page = editing(article)
    change_url = page.url
    type_into_the_article(page)
    dialogs = Dialogs(page)  # the editor answers "Cancel": stay on the page

    history_link(page).click()
    page.wait_for_timeout(500)
    assert dialogs.types == ["beforeunload"]
    assert page.url == change_url
    assert page.locator("#id_summary").input_value().endswith("Ask us first.")
    assert "stays with you" in page.evaluate("() => CKEDITOR.instances.id_body.getData()")

    dialogs.accept = True  # asked again, the editor leaves
    history_link(page).click()
    page.wait_for_url("**/history/")
    assert dialogs.types == ["beforeunload", "beforeunload"]
    article.refresh_from_db()
    assert "stays with you" not in article.body


def test_typing_in_the_rich_text_editor_alone_counts_as_a_change(editing, article):
    page = editing(article)
    editor_frame(page).locator("body").click()
    page.keyboard.type("More words. ")
    dialogs = Dialogs(page)
    page.locator(".object-tools").get_by_role("link", name="Ask for clinical review").click()
    page.wait_for_timeout(500)
    assert dialogs.types == ["beforeunload"]


def a_location():
    from tests.factories import LocationFactory, OpeningHoursFactory, SpecialDayFactory

    location = LocationFactory(body="<p>A quiet house on a side street.</p>")
    OpeningHoursFactory(location=location)
    SpecialDayFactory(location=location)
    return location


def a_faq():
    from tests.factories import FAQFactory

    return FAQFactory(answer="<p>Yes, and the entrance is right by the lot.</p>")


def a_standing_page():
    from tests.factories import PageFactory

    return PageFactory(body="<h2>Who we are</h2><p>A clinic in Georgia.</p>")


@pytest.mark.parametrize("make", ["article", a_location, a_faq, a_standing_page])
def test_an_unchanged_form_is_left_without_a_question(editing, article, make):
    """Looked at, clicked into and scrolled through, but not changed: nothing the admin's own
    scripts set up on the page (pickers, calendars, the editor) counts as a change."""
    page = editing(article if make == "article" else make())
    page.locator(".cke_wysiwyg_frame").first.content_frame.locator("body").click()
    page.mouse.wheel(0, 600)
    dialogs = Dialogs(page)
    history_link(page).click()
    page.wait_for_url("**/history/")
    assert dialogs.types == []


@pytest.mark.parametrize("button", ["_save", "_continue", "_addanother"])
def test_saving_a_changed_article_asks_nothing_and_saves_it(editing, article, button):
    page = editing(article)
    type_into_the_article(page)
    dialogs = Dialogs(page)
    page.locator(f"input[name='{button}']").click()
    page.locator(".messagelist .success").wait_for()
    assert dialogs.types == []
    article.refresh_from_db()
    assert "stays with you" in article.body and article.summary.endswith("Ask us first.")


def test_a_row_added_to_an_inline_counts_as_a_change(editing, article):
    page = editing(article)
    page.locator("#faq_placements-group .add-row a").click()
    dialogs = Dialogs(page)
    history_link(page).click()
    page.wait_for_timeout(500)
    assert dialogs.types == ["beforeunload"]


def test_a_form_sent_back_with_something_to_correct_asks_before_it_is_left(editing, article):
    """What it holds was never saved: leaving it loses the typing as surely."""
    page = editing(article)
    page.locator("#id_title").fill("")
    type_into_the_article(page)
    page.locator("input[name='_continue']").click()
    page.locator(".errornote").wait_for()
    wait_for_ckeditor(page)
    dialogs = Dialogs(page)
    page.locator("#id_summary").click()  # a gesture on the page, without a change
    history_link(page).click()
    page.wait_for_timeout(500)
    assert dialogs.types == ["beforeunload"]


def link_dialog(page):
    page.locator("#cke_id_body .cke_button__link").click()
    dialog = page.locator(".cke_dialog").filter(has_text="Link Info")
    dialog.wait_for()
    return dialog


def test_the_link_dialog_offers_only_links_the_site_keeps_and_a_text_message_link_is_saved(editing, article):
    from articles.models import Article

    page = editing(article)
    editor_frame(page).locator("body").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Or text us.")
    page.keyboard.press("ArrowLeft")  # before the full stop
    for _ in "text us":
        page.keyboard.press("Shift+ArrowLeft")

    dialog = link_dialog(page)
    protocol = dialog.get_by_label("Protocol")
    offered = protocol.locator("option").evaluate_all("options => options.map(o => [o.value, o.text.trim()])")
    assert offered == [["https://", "https://\u200e"], ["http://", "http://\u200e"], ["", "<other>"]], offered
    assert protocol.input_value() == "https://"
    assert dialog.get_by_role("tab", name="Target").count() == 0
    assert dialog.get_by_role("tab", name="Advanced").count() == 0

    # An address the site does not keep, typed whole: the dialog says so and stays open.
    dialogs = Dialogs(page)
    dialog.get_by_label("URL").fill("")
    dialog.get_by_label("URL").press_sequentially("ftp://files.example.org/intake-form.pdf")
    assert protocol.input_value() == ""  # <other>: the address kept whole, not cut to a path
    dialog.locator(".cke_dialog_ui_button_ok").click()
    assert dialogs.seen and dialogs.seen[0][0] == "alert", dialogs.seen
    assert "does not link to ftp: addresses" in dialogs.seen[0][1]
    assert dialog.is_visible()

    # A text message to the crisis line is kept.
    protocol.select_option("")
    dialog.get_by_label("URL").fill("sms:988")
    dialog.locator(".cke_dialog_ui_button_ok").click()
    dialog.wait_for(state="hidden")
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    body = Article.objects.get(pk=article.pk).body
    assert '<a href="sms:988" rel="noopener noreferrer">text us</a>.' in body, body
    assert [kind for kind, _ in dialogs.seen] == ["alert"]


def test_a_link_the_site_does_not_keep_is_named_after_the_save(editing, article):
    """Sent past the Link dialog (pasted from another page, or set by a script): the save goes
    through and the editor reads which link lost its address and why."""
    page = editing(article)
    page.evaluate(
        """() => CKEDITOR.instances.id_body.setData(
            '<p>Fill in <a href="ftp://files.example.org/intake-form.pdf">the intake form</a>.</p>')"""
    )
    page.locator("input[name='_continue']").click()
    page.locator(".messagelist .success").wait_for()
    assert (
        "Check: 1 link in the body lost its address because the site does not link to ftp: addresses "
        "(ftp://files.example.org/intake-form.pdf); its words stay. Only web, email, phone and "
        "text-message links are kept: link to a web page (https://) instead."
    ) in page.locator(".messagelist .warning").all_inner_texts()
