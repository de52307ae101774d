"""The rich-text editor's configuration and the server-side sanitiser behind it."""

import json

import pytest
from ckeditor_uploader.backends import PillowBackend
from ckeditor_uploader.utils import storage as editor_storage
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.functional import empty
from django.utils.module_loading import import_string

from carter_site.richtext import ALLOWED_TAGS, MAX_RICH_TEXT_BYTES, RichTextField, sanitise_html
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory, FAQFactory, LocationFactory
from tests.images import png_bytes

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


def refused_on_the_field(staff_client, obj, field, text):
    """Post `text` as `field` of `obj` in its admin form and return the field's errors, having
    checked that the form came back (200) naming that field alone and the row kept its text."""
    before = getattr(obj, field)
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    data = admin_form_data(staff_client.get(url))
    data[field] = text
    response = staff_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    obj.refresh_from_db()
    assert getattr(obj, field) == before
    return errors[field]


def test_editor_toolbar_fits_what_marketing_writes_and_nothing_risky():
    for name, config in settings.CKEDITOR_CONFIGS.items():
        buttons = toolbar_buttons(config)
        # Headings (Format) everywhere but in an FAQ's answer, which shows under its question.
        assert ("Format" in buttons) is (name != "answer"), name
        assert {
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
    # django-ckeditor's Pillow backend, which also makes smaller copies for phones.
    assert issubclass(import_string(settings.CKEDITOR_IMAGE_BACKEND), PillowBackend)


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
        ("<h6 onclick=steal()>Small print</h6>", "steal"),
        ('<div style="position:fixed" onmouseover="steal()">Over everything</div>', "position"),
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


# A document pasted from a word processor, as the clipboard carries it (made-up content): a
# title in Heading 1, sections in Heading 2, fine print in Heading 5 and 6, and text in divs.
PASTED_DOCUMENT = (
    '<meta charset="utf-8"><h1 id="title" style="font-size:26pt">Coming back to IOP</h1>'
    '<div class="WordSection1"><p class="MsoNormal">Many people return after a break.</p></div>'
    "<h2>What changes the second time</h2>"
    '<div dir="ltr">You keep the progress you made.</div>'
    "<div>Your counsellor knows you already.</div>"
    "<h5>Insurance</h5><div>Most plans cover a second start.</div>"
    '<h6 class="small">Last updated in spring</h6>'
)


def test_a_pasted_documents_headings_and_blocks_survive_within_the_allowed_levels():
    assert sanitise_html(PASTED_DOCUMENT) == (
        "<h2>Coming back to IOP</h2>"
        "<p>Many people return after a break.</p>"
        "<h2>What changes the second time</h2>"
        "<p>You keep the progress you made.</p>"
        "<p>Your counsellor knows you already.</p>"
        "<h4>Insurance</h4><p>Most plans cover a second start.</p>"
        "<h4>Last updated in spring</h4>"
    )


def test_divs_around_blocks_are_unwrapped_and_divs_of_text_become_paragraphs():
    pasted = (
        "<div><div>First line of a note</div><div>Second line</div></div>"
        "<div><ul><li>Monday <div>morning track</div></li></ul></div>"
        "<table><tr><td><div>9:00</div></td></tr></table>"
    )
    assert sanitise_html(pasted) == (
        "<p>First line of a note</p><p>Second line</p>"
        "<ul><li>Monday <p>morning track</p></li></ul>"
        "<table><tbody><tr><td><p>9:00</p></td></tr></tbody></table>"
    )


def test_heading_tags_written_inside_an_attribute_are_left_as_words():
    html = '<p><a href="https://example.org" title="<h1> <div>">the &lt;h5&gt; link</a></p>'
    assert sanitise_html(html) == (
        '<p><a href="https://example.org" title="&lt;h1&gt; &lt;div&gt;" rel="noopener noreferrer">'
        "the &lt;h5&gt; link</a></p>"
    )


def test_sanitising_twice_changes_nothing():
    once = sanitise_html('<p>Hi <a href="https://example.org">there</a><script>x</script></p>')
    assert sanitise_html(once) == once


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("sms:988", "sms:988"),
        ("sms:+14702841834", "sms:+14702841834"),
        ("sms:988?body=I%20need%20to%20talk", "sms:988?body=I%20need%20to%20talk"),
        # The visual separators a number is written with are taken out, and spaces in the message
        # written as a browser sends them.
        (" SMS:+1 (470) 284-1834?body=Call me back ", "sms:+14702841834?body=Call%20me%20back"),
        ("sms:\t988", "sms:988"),
    ],
)
def test_a_text_message_link_to_one_phone_number_is_kept(sent, kept):
    """The site links `sms:988` in its own header, and an editor who writes "text us" with the
    Link dialog gets the same kind of link: it was dropped, the words left unlinked."""
    stored = sanitise_html(f'<p>Or <a href="{sent}">text us</a>.</p>')
    assert stored == f'<p>Or <a href="{kept}" rel="noopener noreferrer">text us</a>.</p>'
    assert sanitise_html(stored) == stored


@pytest.mark.parametrize(
    "sent",
    [
        "sms:988&body=x",  # fields other than the message
        "sms:988?to=911",
        "sms:988,911",  # more than one number
        "sms:988;911",
        "sms:help",
        "sms:12",  # no number is that short
        "sms:+1234567890123456",  # nor that long
        "sms://988",
        "sms:javascript:alert(1)",
        "sms:988#x",
    ],
)
def test_a_text_message_link_that_is_not_one_phone_number_loses_its_address(sent):
    assert (
        sanitise_html(f'<p><a href="{sent}">text us</a></p>')
        == '<p><a rel="noopener noreferrer">text us</a></p>'
    )


def test_each_table_is_shown_in_its_own_box_that_scrolls_named_by_its_caption():
    """A table wider than a phone scrolls in its own box, not the page (tests/e2e checks it in
    Chromium); the box takes the keyboard's focus and is named for a screen reader."""
    import html5lib

    from carter_site.templatetags.richtext import richtext

    stored = sanitise_html(
        "<p>Tables: write <code>&lt;table&gt;</code>.</p>"
        '<table><caption>What "each" <strong>plan</strong> pays</caption><tr><td>A</td></tr></table>'
        "<table><tr><td><table><tr><td>inner</td></tr></table></td></tr></table>"
    )
    shown = str(richtext(stored))
    assert "<p>Tables: write &lt;table&gt;.</p>" in shown  # the word in a sentence is left alone
    document = html5lib.parseFragment(shown, namespaceHTMLElements=False)
    boxes = [div for div in document.iter("div") if div.get("class") == "table-scroll"]
    assert [(box.get("role"), box.get("tabindex"), box.get("aria-label")) for box in boxes] == [
        ("region", "0", 'What "each" plan pays'),
        ("region", "0", "Table: inner"),
        ("region", "0", "Table: inner"),
    ]
    assert [[child.tag for child in box] for box in boxes] == [["table"]] * 3  # each table, whole


def test_a_table_without_a_caption_is_named_by_its_first_row():
    """Without a caption every such box was named "Table": a screen reader's list of regions
    could not tell two of them apart. The first row's words do, cut short at a word."""
    import html5lib

    from carter_site.templatetags.richtext import TABLE_NAME_LIMIT, richtext

    long_cell = "When the group meets on a weekday evening and what to bring " * 3
    stored = sanitise_html(
        '<table><thead><tr><th scope="col">Day</th><th colspan="2">What &amp; <em>when</em></th></tr></thead>'
        "<tbody><tr><td>Monday</td><td>Group</td></tr></tbody></table>"
        "<table><tbody><tr><td>&nbsp;</td><td></td></tr><tr><td>Tuesday</td></tr></tbody></table>"
        f"<table><tbody><tr><td>Evening track</td><td>{long_cell}</td></tr></tbody></table>"
    )
    document = html5lib.parseFragment(str(richtext(stored)), namespaceHTMLElements=False)
    names = [div.get("aria-label") for div in document.iter("div") if div.get("class") == "table-scroll"]
    assert names[:2] == ["Table: Day, What & when", "Table"]
    assert names[2].startswith("Table: Evening track, When the group meets") and names[2].endswith("…")
    assert len(names[2]) <= len("Table: ") + TABLE_NAME_LIMIT + 1
    assert not names[2].removesuffix("…").endswith((" ", ","))


def test_phone_links_in_rich_text_move_to_the_next_line_whole_as_the_templates_do():
    """A number an editor links in the text broke at its hyphen on a 360 px phone ("(470) 284-"
    / "1834"): the templates hold each number in a `phone-number` box, and rich text now does
    too, with the punctuation right after it, which would otherwise start a line alone. A long
    link that merely dials (a sentence) is left to wrap as text does."""
    import html5lib

    from carter_site.templatetags.richtext import richtext
    from tests.site.test_public_pages import phone_numbers_that_may_break

    stored = sanitise_html(
        '<p>Call us at <a href="tel:+14702841834">(470) 284-1834</a>. Or the helpline '
        '(<a href="tel:+18006624357"><strong>1-800-662-4357</strong></a>), or '
        '<a href="tel:988">988</a> <a href="tel:+14702841834">any time, day or night, for a '
        'private conversation</a>; <a href="https://example.org/">not a phone</a>.</p>'
    )
    shown = str(richtext(stored))
    loose = phone_numbers_that_may_break(f"<!doctype html><html><body>{shown}</body></html>")
    assert loose == ["any time, day or night, for a private conversation"]
    document = html5lib.parseFragment(shown, namespaceHTMLElements=False)
    boxes = [span for span in document.iter("span") if span.get("class") == "phone-number"]
    assert ["".join(box.itertext()) for box in boxes] == ["(470) 284-1834.", "1-800-662-4357),", "988"]
    assert [box[0].get("href") for box in boxes] == ["tel:+14702841834", "tel:+18006624357", "tel:988"]
    assert "Call us at <span" in shown and '; <a href="https://example.org/"' in shown


def test_a_phone_number_typed_in_the_text_dials_when_tapped_and_stays_whole():
    """An editor types "call us at (470) 284-1834" as words: on a phone the number could not be
    tapped, and broke at its space ("(470)" / "284-1834"). Each number typed outside a link now
    dials; a linked one keeps its own link, and a reference no phone can dial stays words."""
    import html5lib

    from carter_site.templatetags.richtext import richtext
    from tests.site.test_public_pages import phone_numbers_that_may_break

    stored = sanitise_html(
        '<p>Our <a href="/locations/jefferson/">Jefferson office</a>&nbsp;has room: call (470)&nbsp;284-1834, '
        "or the helpline at 1-800-662-4357. Or "
        '<a href="tel:+14702841834">470-284-1834</a> at the front desk.</p>'
        "<h3>Text 470.284.1834</h3>"
        '<p>Claim 123-456-7890, dated 2026-11-24; <img alt="call 470-284-1834" src="/media/a.png"></p>'
    )
    shown = str(richtext(stored))
    document = html5lib.parseFragment(shown, namespaceHTMLElements=False)
    links = [(link.get("href"), "".join(link.itertext())) for link in document.iter("a")]
    assert links == [
        ("/locations/jefferson/", "Jefferson office"),
        ("tel:+14702841834", "(470)\xa0284-1834"),
        ("tel:+18006624357", "1-800-662-4357"),
        ("tel:+14702841834", "470-284-1834"),
        ("tel:+14702841834", "470.284.1834"),
    ]
    assert not phone_numbers_that_may_break(f"<!doctype html><html><body>{shown}</body></html>")
    assert "Claim 123-456-7890, dated 2026-11-24;" in shown
    assert 'alt="call 470-284-1834"' in shown


def test_988_typed_where_the_sentence_says_to_call_or_text_it_reaches_the_line_in_one_tap():
    """A reader in crisis halfway down an article read "call or text 988" and could not tap it:
    988 is linked where its sentence tells the reader to reach it (to text it where the
    sentence says only to text), and 911 where it says to call; the same three digits
    elsewhere, or inside a longer number, stay words."""
    import html5lib

    from carter_site.templatetags.richtext import richtext

    stored = sanitise_html(
        "<p>Thinking about suicide? Call or text 988, any time. In danger right now? Dial&nbsp;911.</p>"
        "<p>Prefer to type? Text <strong>988</strong>.</p>"
        "<p>The 988 Suicide &amp; Crisis Lifeline is free. Call, text or chat the 988 Lifeline.</p>"
        '<p>Call <a href="https://988lifeline.org/">988</a> or call 988-555-0101 or (470) 988-2040.</p>'
        "<p>Last year 988 people called us; our office is at 988 Peachtree St, room 911; "
        "call us at 911 Main St; the fee is $988; 1988; 988.5 miles.</p>"
        "<p>Call</p><p>988 times a day.</p><p>Text 911 is not answered here.</p>"
    )
    shown = str(richtext(stored))
    document = html5lib.parseFragment(shown, namespaceHTMLElements=False)
    links = [(link.get("href"), "".join(link.itertext())) for link in document.iter("a")]
    assert links == [
        ("tel:988", "988"),
        ("tel:911", "911"),
        ("sms:988", "988"),
        ("tel:988", "988"),
        ("tel:988", "988"),
        ("https://988lifeline.org/", "988"),
        ("tel:+19885550101", "988-555-0101"),
        ("tel:+14709882040", "(470) 988-2040"),
    ]
    assert "Last year 988 people called us; our office is at 988 Peachtree St, room 911;" in shown
    assert "<p>988 times a day.</p><p>Text 911 is not answered here.</p>" in shown
    assert str(richtext(stored)) == shown  # the same at every render


@pytest.mark.django_db
def test_a_phone_number_typed_in_an_article_is_a_call_link_on_its_page(client):
    article = ArticleFactory(body="<p>Ask which evening has room: (470) 284-1834.</p>")
    html = client.get(article.get_absolute_url()).content.decode()
    assert '<span class="phone-number"><a href="tel:+14702841834">(470) 284-1834</a>.</span>' in html


@pytest.mark.django_db
def test_pictures_in_rich_text_load_only_when_the_reader_comes_near_them(client):
    """A long article's pictures, and those in FAQ answers that stay closed, all downloaded with
    the page: on a slow phone connection they took the bandwidth from the text being read, and
    data for pictures the reader never reached. Each is now `loading="lazy"`, keeps the width and
    height that reserve its place, and the picture's own words are left alone."""
    import html5lib

    article = ArticleFactory(
        body=sanitise_html(
            "<p>Write &lt;img src=x&gt; to show a picture.</p>"
            '<p><img src="/media/editor/2026/11/room.jpg" alt="The room &gt; the hall" width="800" height="533"></p>'
            "<h2>Later</h2>"
            '<p><img alt="The garden" src="/media/editor/2026/11/garden.png"></p>'
        )
    )
    shown = client.get(article.get_absolute_url()).content.decode()
    assert "<p>Write &lt;img src=x&gt; to show a picture.</p>" in shown
    document = html5lib.parse(shown, namespaceHTMLElements=False)
    pictures = document.findall(".//div[@class='rich-text']//img")
    assert [dict(picture.attrib) for picture in pictures] == [
        {
            "src": "/media/editor/2026/11/room.jpg",
            "alt": "The room > the hall",
            "width": "800",
            "height": "533",
            "loading": "lazy",
            "decoding": "async",
        },
        {
            "src": "/media/editor/2026/11/garden.png",
            "alt": "The garden",
            "loading": "lazy",
            "decoding": "async",
        },
    ]


@pytest.mark.django_db
def test_every_rich_text_field_is_sanitised_on_save_whatever_saves_it():
    location = LocationFactory(body='<p>Hi</p><script>alert("loc")</script>')
    faq = FAQFactory(answer='<p onmouseover="x()">Yes</p>')
    location.refresh_from_db()
    faq.refresh_from_db()
    assert "script" not in location.body
    assert faq.answer == "<p>Yes</p>"


# --- Texts that show nothing --------------------------------------------------------------------


@pytest.mark.parametrize(
    "looks_empty",
    ["<p>&nbsp;</p>", "<p> </p><ul><li></li></ul>", "<p>\u200b</p>", "<h2>&#160;</h2><hr>", "<table><tr><td> </td></tr></table>"],
)  # fmt: skip
def test_a_text_a_reader_would_see_as_empty_is_empty(looks_empty):
    assert sanitise_html(looks_empty) == ""


@pytest.mark.parametrize(
    "shows_something",
    ["<p>&amp;</p>", "<p>0</p>", '<p><img src="/media/editor/2026/11/22/a.png" alt="The garden"></p>'],
)
def test_a_single_character_or_a_picture_is_something(shows_something):
    assert sanitise_html(shows_something) == shows_something


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "factory"),
    [("body", ArticleFactory), ("answer", FAQFactory)],
)
def test_a_required_text_that_shows_nothing_is_refused_as_empty(staff_client, field, factory):
    """An FAQ answered with a space was published as a question with no answer, and FAQPage
    structured data with an empty answer."""
    assert refused_on_the_field(staff_client, factory(), field, "<p>&nbsp;</p>\n<p>&nbsp;</p>")


# --- Pictures pasted into the text, and texts too large to keep -------------------------------

SMALL_PASTED_PICTURE = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt="A dot">'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "factory"),
    [("body", LocationFactory), ("answer", FAQFactory)],
)
def test_a_pasted_picture_is_refused_on_the_field_not_silently_dropped(staff_client, field, factory):
    errors = refused_on_the_field(
        staff_client, factory(), field, f"<p>New words.</p><p>{SMALL_PASTED_PICTURE}</p>"
    )
    assert "a picture pasted into it" in errors[0]


def test_pasted_pictures_are_counted_and_the_size_named():
    field = RichTextField().formfield()
    with pytest.raises(ValidationError) as caught:
        field.clean(f"<p>One {SMALL_PASTED_PICTURE} two <img src='  DATA:image/png;base64,AAAA'></p>")
    [message] = caught.value.messages
    assert message.startswith("The text has 2 pictures pasted into it (")
    assert "Image button" in message


def test_pictures_from_this_site_and_ordinary_text_pass():
    field = RichTextField().formfield()
    html = '<p>Data: the numbers.</p><img src="/media/editor/room.png" alt="data:image/png">'
    assert field.clean(html) == html


@pytest.mark.django_db
def test_a_picture_from_another_website_is_refused_on_the_field_not_silently_dropped(staff_client):
    text = '<p>New words.</p><p><img src="https://photos.example/room.jpg" alt="Our room"></p>'
    errors = refused_on_the_field(staff_client, FAQFactory(), "answer", text)
    assert errors[0].startswith("The text shows a picture from another website (photos.example).")


def test_pictures_from_other_websites_are_named_once_each():
    field = RichTextField().formfield()
    with pytest.raises(ValidationError) as caught:
        field.clean(
            '<p><img src="https://a.example/1.png" alt="one"><img src="//b.example/2.png" alt="two">'
            '<img src=" HTTPS://A.example/3.png " alt="three"><img src="/media/editor/ok.png" alt="ours"></p>'
        )
    [message] = caught.value.messages
    assert message.startswith("The text shows pictures from other websites (a.example, b.example).")


def test_a_picture_address_that_names_no_website_is_not_called_another_websites():
    """`<img src="x">` was refused as "a picture from another website (x)": it is on no other
    website, it is simply not one of our uploads."""
    field = RichTextField().formfield()
    with pytest.raises(ValidationError) as caught:
        field.clean(
            '<p><img src="x" alt="one"><img src="images/a.png" alt="two"><img src="x" alt="again"></p>'
        )
    [message] = caught.value.messages
    assert message.startswith(
        "The text shows pictures whose addresses are not this site's uploads (x, images/a.png)."
    )
    assert "another website" not in message and "other websites" not in message


def test_a_picture_the_sanitiser_cannot_keep_leaves_no_empty_image_behind():
    # Saved without a form (the shell, a fixture): the picture goes, with its alt text, whole,
    # rather than an <img> with no address that browsers show as a broken picture.
    clean = sanitise_html(
        '<p>Before <img src="https://tracker.example/p.gif" alt="a > b"> after'
        '<img alt="no address at all"><img src="/media/editor/ok.png" alt="ours &quot;room&quot;"/></p>'
    )
    assert clean == '<p>Before  after<img src="/media/editor/ok.png" alt="ours &quot;room&quot;"></p>'


def test_the_largest_text_allowed_fits_in_what_django_accepts_in_one_post():
    # Otherwise a long text, or one with a pasted picture, would get Django's bare 400 page.
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE >= MAX_RICH_TEXT_BYTES + 4 * 1024 * 1024


@pytest.mark.parametrize(
    "source",
    [
        "/&#9;/elsewhere.example/p.gif",
        "/\n/elsewhere.example/p.gif",
        "/&#13;/elsewhere.example/p.gif",
        "&#1; //elsewhere.example/p.gif",
    ],
)
def test_a_picture_address_is_judged_as_a_browser_reads_it(source):
    # Browsers drop tabs and line breaks from an address, and controls and spaces at its ends:
    # "/<tab>/elsewhere.example/" loads from elsewhere.example.
    html = f'<p>Hi</p><img src="{source}" alt="team">'
    assert "elsewhere" not in sanitise_html(html)
    with pytest.raises(ValidationError) as caught:
        RichTextField().formfield().clean(html)
    assert "(elsewhere.example)" in caught.value.messages[0]


def test_a_local_picture_address_is_stored_as_a_browser_reads_it():
    assert sanitise_html('<img src=" /media/editor/ro&#9;om.png " alt="a room">') == (
        '<img src="/media/editor/room.png" alt="a room">'
    )


def test_a_picture_of_this_site_written_in_full_is_kept_as_its_path(settings):
    # What the editor makes of a picture copied from one of our own pages.
    settings.SITE_URL = "https://www.carter.example"
    html = (
        '<img src="https://www.carter.example/media/editor/room.png" alt="Our room">'
        '<img src="http://localhost:8000/media/editor/hall.png" alt="Our hall">'
    )
    RichTextField().formfield().clean(html)  # no "picture from another website"
    assert sanitise_html(html) == (
        '<img src="/media/editor/room.png" alt="Our room"><img src="/media/editor/hall.png" alt="Our hall">'
    )
    with pytest.raises(ValidationError):
        RichTextField().formfield().clean('<img src="https://carter.example.evil.example/x.png" alt="x">')


@pytest.mark.parametrize(
    "source",
    [
        "/admin/",
        "/admin/logout/",
        "/search/?q=relapse",
        "/feeds/articles/",
        "/media/../admin/",
        "/media/%2e%2E/admin/",
        "/media/..\\admin/",
        "/static/./../admin/",
        "/mediafiles/room.png",
        "https://www.carter.example/admin/",
    ],
)
def test_a_picture_address_of_another_page_of_this_site_is_refused(settings, source):
    """Any path of the site passed as a picture: every reader's browser then asked for it, a staff
    member's with their session (the admin's pages, a sign-out, a search that counts). A picture
    comes from the uploads or the static files only."""
    settings.SITE_URL = "https://www.carter.example"
    html = f'<p>Our room</p><p><img src="{source}" alt="Our room"></p>'
    assert sanitise_html(html) == "<p>Our room</p>"  # the picture gone whole, and its empty paragraph
    with pytest.raises(ValidationError) as caught:
        RichTextField().formfield().clean(html)
    [message] = caught.value.messages
    assert message.startswith("The text shows a picture whose address is not one of this site's uploads (")
    assert "another website" not in message


def test_uploads_and_the_sites_own_static_pictures_are_kept(settings):
    html = (
        '<p><img src="/media/editor/2026/11/room.png" alt="Our room">'
        '<img src="/static/img/logo.png" alt="Carter Treatment Center"></p>'
    )
    assert RichTextField().formfield().clean(html) == html
    assert sanitise_html(html) == html


@pytest.mark.django_db
def test_a_picture_addressed_to_the_admin_is_refused_on_the_field(staff_client):
    text = '<p>New words.</p><p><img src="/admin/auth/user/" alt="Our team"></p>'
    errors = refused_on_the_field(staff_client, FAQFactory(), "answer", text)
    assert "(/admin/auth/user/)" in errors[0]


MEDIA_DOMAIN = "https://media.carter.example"


@pytest.fixture
def media_on_its_own_domain(settings, monkeypatch, tmp_path):
    """Uploads addressed on a domain of their own, as with a bucket behind AWS_S3_CUSTOM_DOMAIN
    (whose origin the settings then put in CSP_MEDIA_ORIGINS): here a folder with that address."""
    # The editor keeps a handle of its own on the storage: emptied first, so that what it held
    # before the test is what it gets back after.
    monkeypatch.setattr(editor_storage, "_wrapped", empty)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": f"{MEDIA_DOMAIN}/media/"},
        },
    }
    settings.CSP_MEDIA_ORIGINS = [MEDIA_DOMAIN]
    editor_storage._wrapped = empty  # whatever took it while the settings changed


@pytest.mark.django_db
def test_a_picture_uploaded_to_the_media_domain_is_kept_in_the_text_and_shown(
    staff_client, media_on_its_own_domain
):
    upload = staff_client.post(
        reverse("ckeditor_upload"), {"upload": SimpleUploadedFile("room.png", png_bytes())}
    )
    address = json.loads(upload.content)["url"]
    assert address.startswith(f"{MEDIA_DOMAIN}/media/editor/")
    faq = FAQFactory()
    url = reverse("admin:faqs_faq_change", args=[faq.pk])
    data = admin_form_data(staff_client.get(url))
    data["answer"] = f'<p>Our group room.</p><p><img src="{address}" alt="The group room"></p>'
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    faq.refresh_from_db()
    assert f'<img src="{address}" alt="The group room">' in faq.answer
    assert (
        f'<img src="{address}" alt="The group room" loading="lazy" decoding="async">'
        in staff_client.get(reverse("faqs:list")).content.decode()
    )


@pytest.mark.parametrize(
    "source",
    [
        "http://media.carter.example/media/editor/x.png",
        "https://media.carter.example:8443/media/editor/x.png",
        "https://someone@media.carter.example/media/editor/x.png",
        "https://media.carter.example.evil.example/media/editor/x.png",
        "//media.carter.example/media/editor/x.png",
        # A port no address can have: no origin at all, rather than an error from the sanitiser.
        "https://media.carter.example:99999/media/editor/x.png",
        "https://media.carter.example:443x/media/editor/x.png",
    ],
)
def test_only_the_media_domain_itself_over_https_is_the_sites_own(media_on_its_own_domain, source):
    kept = f'<img src="{MEDIA_DOMAIN.upper()}/media/editor/x.png" alt="ours">'
    assert sanitise_html(kept) == kept
    assert sanitise_html(f'<p>Hi</p><img src="{source}" alt="not ours">') == "<p>Hi</p>"
    with pytest.raises(ValidationError) as caught:
        RichTextField().formfield().clean(f'<img src="{source}" alt="not ours">')
    assert caught.value.messages[0].startswith("The text shows a picture from another website")


# --- Empty leftovers of pasted text ------------------------------------------------------------


def test_empty_paragraphs_between_at_the_start_and_at_the_end_are_taken_out():
    """Text pasted from a word processor keeps its blank lines as `<p>&nbsp;</p>`, which left
    gaps on the public page: spacing is the style sheet's job."""
    pasted = (
        "<p>&nbsp;</p>\n<p><br></p>\n"
        "<p>Evenings suit people who work days.</p>\n<p>&nbsp;</p>\n<p>\u00a0</p>\n<p>\u200b</p>\n"
        "<p>Mornings suit parents.</p>\n<p><strong>&nbsp;</strong></p>\n<p>&nbsp;</p>"
    )
    assert (
        sanitise_html(pasted) == "<p>Evenings suit people who work days.</p>\n<p>Mornings suit parents.</p>"
    )


def test_bold_italic_and_links_around_nothing_are_taken_out_and_their_spaces_kept():
    pasted = (
        "<p>Calm<strong> </strong>and<em></em> steady<b><i></i></b>, "
        '<a href="https://example.org/"></a>every <u>\u00a0</u>week.</p>'
    )
    assert sanitise_html(pasted) == "<p>Calm and steady, every &nbsp;week.</p>"


def test_an_empty_heading_is_taken_out():
    assert sanitise_html("<h2>&nbsp;</h2>\n<p>What happens first.</p>") == "<p>What happens first.</p>"


def test_line_breaks_pictures_and_empty_table_cells_stay_among_the_leftovers_taken_out():
    kept = (
        "<p>Line one<br>Line two</p>",
        "<p>Before<br><br>after</p>",
        '<p><img src="/media/editor/room.png" alt="The group room"></p>',
        '<p><a href="/media/editor/hall.png" rel="noopener noreferrer">'
        '<img src="/media/editor/hall.png" alt="The hall"></a></p>',
        "<p><strong>Bold</strong> and <em>soft</em></p>",
        "<table><tbody><tr><th>Day</th><th>Track</th></tr>"
        "<tr><td>Monday</td><td>&nbsp;</td></tr><tr><td></td><td>Evening</td></tr></tbody></table>",
    )
    assert sanitise_html("<p>&nbsp;</p>".join(kept)) == "".join(kept)


def test_empty_list_items_are_taken_out_and_a_list_left_with_none_goes_too():
    """An empty bullet (the Enter key pressed twice, a blank line of a pasted list) showed on the
    page as a bullet with nothing beside it."""
    pasted = (
        "<p>Bring:</p>\n<ul>\n<li>A photo ID</li>\n<li></li>\n<li>&nbsp;</li>\n<li><br></li>\n"
        "<li><strong> </strong></li>\n<li>Your insurance card</li>\n</ul>\n"
        "<ol><li>\u00a0</li><li><ul><li> </li></ul></li></ol>\n<p>That is all.</p>"
    )
    assert sanitise_html(pasted) == (
        "<p>Bring:</p>\n<ul>\n<li>A photo ID</li>\n<li>Your insurance card</li>\n</ul>\n<p>That is all.</p>"
    )


def test_a_list_item_holding_a_list_or_a_picture_is_not_empty():
    kept = (
        "<ul><li>Tracks<ul><li>Morning</li><li>Evening</li></ul></li></ul>",
        "<ol><li><ul><li>Only a sub-item</li></ul></li></ol>",
        '<ul><li><img src="/media/editor/map.png" alt="The map"></li></ul>',
        "<ul><li>0</li></ul>",
    )
    assert sanitise_html("".join(kept)) == "".join(kept)


@pytest.mark.django_db
def test_an_article_saved_with_pasted_blank_lines_is_stored_without_them():
    article = ArticleFactory(body="<p>One.</p><p>&nbsp;</p><p><em> </em></p><p>Two.</p><p>&nbsp;</p>")
    article.refresh_from_db()
    assert article.body == "<p>One.</p><p>Two.</p>"
