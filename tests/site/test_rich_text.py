"""The rich-text editor's configuration and the server-side sanitiser behind it."""

import pytest
from django.conf import settings

from carter_site.richtext import ALLOWED_TAGS, sanitise_html
from tests.factories import FAQFactory, LocationFactory

# Buttons a marketer needs, and no way to write raw HTML or embed other sites.
FORBIDDEN_BUTTONS = {
    "Source",
    "Sourcedialog",
    "CodeSnippet",
    "Iframe",
    "Flash",
    "Templates",
    "Preview",
    "Form",
}
RISKY_PLUGINS = {"sourcearea", "codesnippet", "iframe", "forms", "flash", "templates", "preview"}


def toolbar_buttons(config):
    toolbar = config[f"toolbar_{config['toolbar']}"]
    return {item for group in toolbar for item in (group["items"] if isinstance(group, dict) else group)}


def test_editor_toolbar_fits_what_marketing_writes_and_nothing_risky():
    for name, config in settings.CKEDITOR_CONFIGS.items():
        buttons = toolbar_buttons(config)
        assert {
            "Format",
            "Bold",
            "Italic",
            "BulletedList",
            "NumberedList",
            "Link",
            "Image",
            "Table",
        } <= buttons
        assert not buttons & FORBIDDEN_BUTTONS, name
        assert set(config["removePlugins"].split(",")) >= RISKY_PLUGINS, name
        assert config.get("allowedContent") is not True, name
        assert not config.get("fullPage"), name
        assert set(config["format_tags"].split(";")) <= ALLOWED_TAGS | {"p"}, name


def test_uploads_are_images_only():
    assert settings.CKEDITOR_ALLOW_NONIMAGE_FILES is False
    assert settings.CKEDITOR_IMAGE_BACKEND.endswith("PillowBackend")


@pytest.mark.parametrize(
    ("dirty", "must_not_contain"),
    [
        ("<script>alert(1)</script><p>x</p>", "alert"),
        ('<img src="x" onerror="alert(1)">', "onerror"),
        ('<a href="javascript:alert(1)">x</a>', "javascript"),
        ('<a href="JaVaScRiPt:alert(1)">x</a>', "alert"),
        ('<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>', "data:"),
        ('<p style="background:url(javascript:alert(1))">x</p>', "style"),
        ("<iframe src=https://example.org></iframe>", "iframe"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
        ("<style>body{display:none}</style>", "display"),
        ('<form action="/admin/"><input name="x"></form>', "<input"),
        ("<!-- <script>alert(1)</script> -->", "alert"),
        ('<p onclick="steal()">x</p>', "steal"),
        ("<h1>Page title twice</h1>", "<h1"),
        ('<object data="evil.swf"></object>', "object"),
    ],
)
def test_sanitiser_removes_what_could_run_or_restyle_the_page(dirty, must_not_contain):
    assert must_not_contain.lower() not in sanitise_html(dirty).lower()


def test_sanitiser_keeps_what_the_toolbar_makes():
    html = (
        "<h2>Heading</h2><h3>Sub</h3><p><strong>Bold</strong> <em>soft</em> "
        '<a href="https://example.org/a" title="t">link</a> <a href="tel:+14702841834">call</a> '
        '<a href="mailto:a@example.org">mail</a></p><ul><li>one</li></ul><ol><li>two</li></ol>'
        '<blockquote><p>quote</p></blockquote><img src="/media/editor/a.png" alt="a room">'
        '<table><thead><tr><th scope="col">Day</th></tr></thead><tbody><tr><td>Mon</td></tr></tbody></table>'
    )
    clean = sanitise_html(html)
    for fragment in [
        "<h2>Heading</h2>",
        "<h3>Sub</h3>",
        "<strong>Bold</strong>",
        "<em>soft</em>",
        'href="https://example.org/a"',
        'href="tel:+14702841834"',
        'href="mailto:a@example.org"',
        "<ul><li>one</li></ul>",
        "<ol><li>two</li></ol>",
        "<blockquote><p>quote</p></blockquote>",
        'src="/media/editor/a.png"',
        'alt="a room"',
        '<th scope="col">Day</th>',
    ]:
        assert fragment in clean
    assert 'rel="noopener noreferrer"' in clean


def test_sanitising_twice_changes_nothing():
    once = sanitise_html('<p>Hi <a href="https://example.org">there</a><script>x</script></p>')
    assert sanitise_html(once) == once


@pytest.mark.django_db
def test_every_rich_text_field_is_sanitised_on_save_whatever_saves_it():
    location = LocationFactory(body='<p>Hi</p><script>alert("loc")</script>')
    faq = FAQFactory(answer='<p onmouseover="x()">Yes</p>')
    location.refresh_from_db()
    faq.refresh_from_db()
    assert "script" not in location.body
    assert faq.answer == "<p>Yes</p>"
