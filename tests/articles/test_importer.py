"""The article importer (articles.importing): reading files, finding their parts, saving them.

Fixtures are in tests/fixtures/importing, one per variant of the format. The real sample
article is imported too when the shared samples folder sits next to the repository.
"""

import codecs
import html
import io
import os
import re
from pathlib import Path

import pytest
from django.utils.html import strip_tags

from articles.importing import (
    MAX_FILE_BYTES,
    ImportFailure,
    decode_source,
    import_source,
    parse_source,
    read_source,
)
from articles.importing import writer as import_writer
from articles.importing.text import split_sentences
from articles.models import Article, ArticleLocation
from carter_site.models import SiteSettings
from faqs.models import FAQ, ArticleFAQ, Topic
from testimonials.models import ArticleTestimonial, Testimonial
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, TopicFactory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "importing"
REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("CARTER_SAMPLES_DIR") or REPOSITORY.parent / "shared" / "samples")
SAMPLE = SAMPLES / "what-to-expect-from-iop.txt"

ALLOWED_BODY_TAGS = {"h2", "h3", "p", "ul", "ol", "li", "strong", "em", "a"}


def fixture_source(name, data=None):
    return decode_source(name, (FIXTURES / name).read_bytes() if data is None else data)


def parse_fixture(name):
    return parse_source(fixture_source(name))


def parse_text(text, name="article.txt"):
    return parse_source(decode_source(name, text.encode()))


def import_fixture(name, **options):
    return import_source(fixture_source(name), **options)


def import_text(text, name="article.txt"):
    """Import `text` as a file called `name`; it must succeed."""
    report = import_source(decode_source(name, text.encode()))
    assert report.ok, report.error
    return report


def list_items(parsed):
    return [[item.text for item in block.items] for block in parsed.blocks if block.kind == "list"]


def paragraphs(parsed):
    return [block.text for block in parsed.blocks if block.kind == "paragraph"]


def tags_in(markup):
    return set(re.findall(r"<([a-z0-9]+)[\s>]", markup))


def visible_text(markup):
    return " ".join(html.unescape(strip_tags(markup)).split())


@pytest.fixture
def locations(db):
    return {
        name: LocationFactory(name=name, slug=name.lower(), city=name)
        for name in ("Alpharetta", "Jefferson", "Atlanta")
    }


# --- Plain text: blank lines between paragraphs, repeated title ------------------------------


class TestBlankLineArticleBehaviour:
    @pytest.fixture
    def parsed(self):
        return parse_fixture("repeated-title-blank-lines.txt")

    def test_a_repeated_title_is_the_title_once_and_not_in_the_body(self, parsed):
        assert parsed.title == "Evening IOP: Treatment After the Workday"
        assert not parsed.title_from_first_sentence
        assert "Treatment After the Workday" not in parsed.body_text
        assert paragraphs(parsed)[0].startswith("Some weeks the hardest part of the day")

    def test_title_case_lines_are_headings_including_ones_ending_in_question_mark_or_full_stop(self, parsed):
        assert parsed.sections == [
            (2, "Who the Evening Track Serves"),
            (2, "What an Evening Looks Like"),
            (3, "Check-In"),
            (3, "Group Work"),
            (3, "Closing Plan"),
            (2, "Is It Really Enough?"),
            (2, "Nobody Does This Alone."),
            (2, "Your Next Step"),
        ]
        assert "<h3>Check-In</h3>" in parsed.body_html
        assert "<h2>Is It Really Enough?</h2>" in parsed.body_html

    def test_indented_bullets_and_dash_bullets_become_lists(self, parsed):
        assert list_items(parsed) == [
            [
                "Shift workers who finish by late afternoon",
                "Parents who want the mornings with their children",
                "Professionals who cannot step away from meetings",
            ],
            [
                "Cravings that arrive at the end of a long day",
                "Saying “no” without a long explanation",
                "Sleep, and what gets in its way",
            ],
        ]
        assert "<ul><li>Shift workers who finish by late afternoon</li>" in parsed.body_html

    def test_faq_section_questions_take_the_paragraphs_and_lists_under_them(self, parsed):
        assert parsed.faq_headings == ["FAQs: Questions About the Evening Track"]
        assert [faq.question for faq in parsed.faqs] == [
            "Can I switch to mornings later?",
            "What if I have to travel for work?",
            "What should I bring to the first evening?",
        ]
        switch, travel, bring = parsed.faqs
        assert switch.answer_html.startswith("<p>Yes. Many people start in the evening")
        assert travel.answer_html.count("<p>") == 2
        assert "telehealth check-in" in travel.answer_text
        assert "<li>A photo ID and your insurance card</li>" in bring.answer_html

    def test_faq_section_ends_at_the_next_title_case_heading(self, parsed):
        assert parsed.sections[-1] == (2, "Your Next Step")
        assert "A short conversation is enough to begin." in parsed.body_text
        assert all("short conversation" not in faq.answer_text for faq in parsed.faqs)

    def test_faq_text_is_not_repeated_in_the_body(self, parsed):
        for faq in parsed.faqs:
            assert faq.question not in parsed.body_text
            assert visible_text(faq.answer_html) not in visible_text(parsed.body_html)
        assert "FAQs: Questions About" not in parsed.body_text

    def test_a_quoted_paragraph_with_a_dash_line_is_a_client_quote_kept_out_of_the_body(self, parsed):
        [quote] = parsed.quotes
        assert quote.quote == (
            "I came in thinking I would hide at the back of the room. By the second week I was the one "
            "saving a chair for the new person."
        )
        assert quote.attribution == "Former client, 2023"
        assert "saving a chair" not in parsed.body_text
        assert "Former client" not in parsed.body_text

    def test_the_closing_call_to_action_is_left_out_and_reported(self, parsed):
        assert parsed.calls_to_action == [
            "📞 Call (470) 284-1834 to ask about the evening track in Alpharetta."
        ]
        assert "284-1834" not in parsed.body_text
        assert "📞" not in parsed.body_html

    def test_emoji_curly_quotes_dashes_and_non_breaking_spaces_come_through_cleanly(self, parsed):
        body = visible_text(parsed.body_html)
        assert "lights go off. 🌙 If that is" in body
        assert "Saying “no” without" in body
        assert "you show up — and we make" in body
        assert "about three hours" in body  # a non-breaking space in the file, an ordinary one here
        assert "\u00a0" not in parsed.body_html

    def test_summary_is_the_first_paragraph(self, parsed):
        assert parsed.summary == (
            "Some weeks the hardest part of the day starts when the office lights go off. 🌙 If that is "
            "when the pull to drink or use gets loudest, the evening track was built for you."
        )

    def test_body_is_only_headings_paragraphs_and_lists(self, parsed):
        assert tags_in(parsed.body_html) == {"h2", "h3", "p", "ul", "li"}

    @pytest.mark.parametrize(
        "encode",
        [
            pytest.param(lambda text: codecs.BOM_UTF8 + text.replace("\n", "\r\n").encode(), id="bom-crlf"),
            pytest.param(lambda text: text.replace("\n", "\r").encode(), id="old-mac-cr"),
            pytest.param(lambda text: text.encode("utf-16"), id="utf-16-with-bom"),
        ],
    )
    def test_byte_order_marks_and_windows_line_endings_read_the_same(self, parsed, encode):
        text = (FIXTURES / "repeated-title-blank-lines.txt").read_text(encoding="utf-8")
        other = parse_source(fixture_source("repeated-title-blank-lines.txt", encode(text)))
        assert other.title == parsed.title
        assert other.body_html == parsed.body_html
        assert [(faq.question, faq.answer_html) for faq in other.faqs] == [
            (faq.question, faq.answer_html) for faq in parsed.faqs
        ]
        assert other.quotes == parsed.quotes


# --- Plain text: one paragraph per line, no blank lines --------------------------------------


class TestOneParagraphPerLineBehaviour:
    @pytest.fixture
    def parsed(self):
        return parse_fixture("one-paragraph-per-line.txt")

    def test_every_line_is_its_own_paragraph_heading_or_bullet(self, parsed):
        assert parsed.title == "Coming Back to IOP After Time Away"
        assert paragraphs(parsed)[:3] == [
            "Leaving treatment early is more common than most people think, and it does not cancel the "
            "work you already did.",
            "This page is for anyone who started an intensive outpatient program, stepped away, and is "
            "wondering whether the door is still open.",
            "It is.",
        ]
        assert parsed.sections == [(2, "Why People Step Away"), (2, "What Returning Looks Like")]

    def test_star_and_en_dash_bullets_become_lists(self, parsed):
        assert list_items(parsed) == [
            [
                "Feeling embarrassed about a slip",
                "Worrying that the group would judge you",
                "Not knowing how to start the conversation",
            ],
            [
                "The skills return faster than they expected",
                "The group is glad to see them",
                "Admitting a setback takes less courage the second time",
            ],
        ]

    def test_faq_section_runs_to_the_end_of_the_file(self, parsed):
        assert [(faq.question, faq.answer_text) for faq in parsed.faqs] == [
            (
                "Do I have to repeat the whole program?",
                "Not necessarily. Your counselor looks at how long you were away and what has changed, then "
                "suggests a length that fits.",
            ),
            (
                "Will my insurance cover a second admission?",
                "Many plans do. We check your benefits again before your first day back, so there are no "
                "surprises.",
            ),
            (
                "Can I return to a different location?",
                "Yes. You can move between our Jefferson and Atlanta groups if one is easier to reach now.",
            ),
        ]

    def test_a_call_line_with_the_number_is_left_out(self, parsed):
        assert parsed.calls_to_action == [
            "Call (470) 284-1834 to talk about coming back, with no pressure to decide on the phone."
        ]
        assert all("no pressure to decide" not in faq.answer_text for faq in parsed.faqs)


# --- Plain text: other variants ---------------------------------------------------------------


def test_without_a_title_line_the_first_sentence_is_a_draft_title_flagged_for_the_editor():
    parsed = parse_fixture("missing-title.txt")
    assert parsed.title == "Asking for help can feel like admitting defeat"
    assert parsed.title_from_first_sentence
    assert any("taken from its first sentence" in warning for warning in parsed.warnings)
    # The sentence stays in the article: nothing is lost.
    assert paragraphs(parsed)[0].startswith("Asking for help can feel like admitting defeat. Most people")
    assert parsed.sections == [(2, "The First Phone Call"), (2, "Checking Your Benefits")]


def test_a_long_title_makes_an_address_a_redirect_can_keep_when_it_changes_later(db):
    """Addresses of up to 200 characters fit in a redirect (Article.slug_limit): a longer one,
    renamed once public, could not lead readers on."""
    title = " ".join(["Evenings"] * 21) + " and Weekend"  # 200 characters, and a slug as long
    report = import_text(f"<h1>{title}</h1><p>A first paragraph, of a sentence or two.</p>", "long.html")
    slug = Article.objects.get(pk=report.article_id).slug
    assert len(f"/articles/{slug}/") <= 200
    assert slug == "-".join(["evenings"] * 21)  # cut at a hyphen, whole words kept


def test_lines_cut_in_the_middle_of_a_sentence_are_joined():
    parsed = parse_fixture("hard-wrapped-lines.txt")
    assert paragraphs(parsed) == [
        "When alcohol or other substances have been doing the work of helping you fall asleep, the first "
        "weeks without them can bring restless nights. That is normal, and it usually improves.",
        "If sleep does not improve after a few weeks, tell your counselor. Poor sleep is worth treating in "
        "its own right.",
    ]
    assert list_items(parsed) == [
        [
            "Keep the same wake-up time every day, including weekends, even after a short night",
            "Put the phone in another room an hour before bed",
            "Save the bedroom for sleep, not for work email",
        ]
    ]


def test_faq_questions_written_in_title_case_are_still_questions_in_an_faq_section():
    parsed = parse_text(
        "Starting Next Week\n\nA short note before your first day.\n\n"
        "FAQ\n\nWhat Time Should I Arrive?\n\nTen minutes early, so the first session starts calmly.\n\n"
        "Where Do I Park?\n\nIn the lot behind the building.\n\nSee You Soon\n\nWe are glad you are coming.\n"
    )
    assert [(faq.question, faq.answer_text) for faq in parsed.faqs] == [
        ("What Time Should I Arrive?", "Ten minutes early, so the first session starts calmly."),
        ("Where Do I Park?", "In the lot behind the building."),
    ]
    assert parsed.sections == [(2, "See You Soon")]


def test_a_title_case_question_is_a_heading_and_a_sentence_case_one_a_paragraph_outside_faqs():
    parsed = parse_text(
        "Morning Or Evening\n\nBoth tracks cover the same ground.\n\nWhich Track Fits You?\n\n"
        "Think about when your cravings are strongest. Is it after work?\n\nDoes that sound familiar?\n"
    )
    assert parsed.sections == [(2, "Which Track Fits You?")]
    assert "Does that sound familiar?" in paragraphs(parsed)
    assert parsed.faqs == []


def test_an_attribution_on_the_same_line_as_the_quote():
    parsed = parse_text(
        "Small Wins\n\nProgress rarely looks dramatic.\n\n"
        "“The first good week felt strange, then it felt like mine.” – Former evening-track client\n"
    )
    assert [(quote.quote, quote.attribution) for quote in parsed.quotes] == [
        ("The first good week felt strange, then it felt like mine.", "Former evening-track client")
    ]
    assert "felt like mine" not in parsed.body_text


def test_a_quote_over_several_paragraphs_is_one_testimonial():
    parsed = parse_text(
        "In Their Words\n\nA client agreed to share this.\n\n"
        "“I kept telling myself I was fine because I never missed work.\n\n"
        "“Group showed me how many people were doing the same thing.”\n\n"
        "— Former client, 2024\n"
    )
    [quote] = parsed.quotes
    assert quote.quote == (
        "I kept telling myself I was fine because I never missed work.\n\n"
        "Group showed me how many people were doing the same thing."
    )
    assert quote.attribution == "Former client, 2024"


def test_a_quoted_paragraph_without_a_dash_line_stays_in_the_body_with_a_warning():
    parsed = parse_text(
        "What People Say\n\nWe hear this often:\n\n“I thought I had to lose everything before I could ask.”\n\n"
        "You do not.\n"
    )
    assert parsed.quotes == []
    assert "“I thought I had to lose everything before I could ask.”" in paragraphs(parsed)
    assert any("has no line naming who said it" in warning for warning in parsed.warnings)


def test_a_list_of_dash_items_after_a_quote_is_a_list_not_an_attribution():
    parsed = parse_text(
        "Why It Matters\n\n“Recovery is a practice, not a finish line.”\n\n- Practice daily\n- Ask for help\n"
    )
    assert parsed.quotes == []
    assert list_items(parsed) == [["Practice daily", "Ask for help"]]


def test_marked_headings_and_numbered_items():
    parsed = parse_text(
        "# Your First Week\n\nHere is the order of things.\n\n## Before Day One\n\n"
        "1. Verify your benefits\n2. Choose a track\n\n### Paperwork\n\nBring your ID.\n"
    )
    assert parsed.title == "Your First Week"
    assert parsed.sections == [(2, "Before Day One"), (3, "Paperwork")]
    assert "<ol><li>Verify your benefits</li><li>Choose a track</li></ol>" in parsed.body_html


def test_sentence_case_short_lines_without_punctuation_are_headings_unless_a_list_follows():
    parsed = parse_text(
        "Getting started\n\nA few words first.\n\nWhat to bring\n\nYour ID and insurance card.\n\n"
        "You might notice\n- More energy\n- Better sleep\n"
    )
    assert parsed.title == "Getting started"
    assert parsed.sections == [(2, "What to bring")]
    assert "You might notice" in paragraphs(parsed)


def test_a_heading_with_nothing_under_it_is_kept_and_warned_about():
    parsed = parse_text(
        "Our Groups\n\nIntro text here.\n\nSupport Button\n\nHow Groups Work\n\nThey are small.\n"
    )
    assert parsed.sections == [(2, "Support Button"), (2, "How Groups Work")]
    assert any("“Support Button” has no text under it" in warning for warning in parsed.warnings)


def test_a_question_with_no_answer_stays_in_the_article():
    parsed = parse_text(
        "Notes\n\nA short page.\n\nFAQs\n\nIs there parking?\n\nCan I bring a friend?\n\nYes, to the first visit.\n"
    )
    assert [faq.question for faq in parsed.faqs] == ["Can I bring a friend?"]
    assert "Is there parking?" in paragraphs(parsed)
    assert any("“Is there parking?” has no answer" in warning for warning in parsed.warnings)


def test_a_call_in_the_middle_of_the_article_stays_unless_it_starts_with_a_telephone():
    parsed = parse_text(
        "Paying for Treatment\n\nCall (470) 284-1834 and we check your benefits before you decide.\n\n"
        "What Plans Cover\n\nMost commercial plans cover IOP.\n\n☎️ (470) 284-1834, any day of the week.\n\n"
        "Next Steps\n\nBring your card to the first session.\n"
    )
    assert "Call (470) 284-1834 and we check your benefits before you decide." in paragraphs(parsed)
    assert parsed.calls_to_action == ["☎️ (470) 284-1834, any day of the week."]


def test_lines_of_pure_decoration_are_left_out_and_mentioned():
    parsed = parse_text("A Quiet Morning\n\nFirst part.\n\n* * *\n\n🌿🌿🌿\n\nSecond part.\n")
    assert paragraphs(parsed) == ["First part.", "Second part."]
    assert any("2 line(s) without words" in warning for warning in parsed.warnings)


def test_markup_typed_in_a_text_file_is_text_not_markup():
    parsed = parse_text("Safe Text\n\nType <script>alert(1)</script> & <b>bold</b> if you like.\n")
    assert "<script>" not in parsed.body_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in parsed.body_html


# --- HTML -------------------------------------------------------------------------------------


class TestHtmlPageBehaviour:
    @pytest.fixture
    def parsed(self):
        return parse_fixture("full-page.html")

    def test_title_headings_paragraphs_and_lists(self, parsed):
        assert parsed.source_format == "html"
        assert parsed.title == "When Anxiety and Substance Use Feed Each Other"
        assert parsed.sections == [
            (2, "How the Cycle Works"),
            (3, "Signs You Might Notice"),
            (2, "Treating Both at Once"),
            (2, "Taking the First Step"),
        ]
        assert list_items(parsed) == [
            ["Needing something to wind down every night", "Feeling shaky or on edge before the first drink"],
            [
                "Learn what your body does when worry rises",
                "Practise a calming skill until it becomes automatic",
            ],
        ]
        assert parsed.summary.startswith("Many people first reach for a drink")

    def test_page_furniture_scripts_and_event_handlers_are_left_out(self, parsed):
        body = parsed.body_html
        for absent in (
            "Home",
            "Contact",
            "trackVisit",
            "never imported",
            "All rights reserved",
            "onclick",
            "<img",
        ):
            assert absent not in body
        assert tags_in(body) <= ALLOWED_BODY_TAGS

    def test_emphasis_and_web_links_are_kept_links_to_old_pages_are_not(self, parsed):
        body = parsed.body_html
        assert "<strong>more</strong>" in body
        assert "<em>wind down</em>" in body
        assert '<a href="https://www.samhsa.gov/" rel="noopener noreferrer">understands both</a>' in body
        assert "/approach" not in body
        assert "approach page" in body
        assert any("/approach" in warning for warning in parsed.warnings)
        assert any("image" in warning for warning in parsed.warnings)

    def test_faq_section_from_question_subheadings(self, parsed):
        assert [(faq.question, faq.answer_text) for faq in parsed.faqs] == [
            (
                "Will I have to stop my anxiety medication?",
                "No. Your prescriber stays part of your care, and we coordinate with them if you agree.",
            ),
            (
                "Is group therapy hard when you are anxious?",
                "It can feel hard at first. You can listen for as long as you need before you speak.",
            ),
        ]
        assert "Frequently Asked Questions" not in parsed.body_text

    def test_blockquote_with_footer_is_a_client_quote(self, parsed):
        assert [(quote.quote, quote.attribution) for quote in parsed.quotes] == [
            (
                "I finally understood that the drinking was my way of handling panic. Once I had other tools, "
                "I needed it less.",
                "Former client, Atlanta, 2022",
            )
        ]
        assert "handling panic" not in parsed.body_text

    def test_call_to_action_with_a_phone_link_is_left_out(self, parsed):
        assert parsed.calls_to_action == ["📞 Call (470) 284-1834 to talk with our admissions team."]
        assert "tel:" not in parsed.body_html
        assert "You can start with one conversation." in parsed.body_text


def test_html_fragment_takes_its_title_from_the_page_title_and_a_dash_paragraph_as_attribution():
    parsed = parse_fixture("fragment-with-page-title.html")
    assert parsed.title == "Supporting a Partner Through IOP"
    assert not parsed.title_from_first_sentence
    assert parsed.sections == [(2, "What Helps"), (2, "What Gets in the Way")]
    assert [(quote.quote, quote.attribution) for quote in parsed.quotes] == [
        (
            "My husband stopped asking where I had been and started asking how I was. That changed our evenings.",
            "Family member of a client, Jefferson",
        )
    ]
    assert "Old Site" not in parsed.body_text


def test_html_without_any_title_takes_the_first_sentence():
    parsed = parse_text(
        "<p>Recovery rarely moves in a straight line. That is expected.</p>", name="note.html"
    )
    assert parsed.title == "Recovery rarely moves in a straight line"
    assert parsed.title_from_first_sentence


def test_an_html_table_with_rows_and_cells_left_unclosed_is_still_a_table():
    """Old pages leave <tr>, <th> and <td> unclosed: each ends where the next begins, as browsers
    read them, and an empty row goes."""
    parsed = parse_text(
        "<h1>Opening Hours</h1><p>When we are open.</p>"
        "<table><thead><tr><th>Day<th>Hours</thead>"
        "<tbody><tr><td>Monday<td>9 a.m. to noon<tr><td><td><tr><td>Tuesday<td></table>"
        "<p>After the table.</p>",
        name="hours.html",
    )
    assert parsed.body_html == (
        "<p>When we are open.</p>\n"
        '<table><thead><tr><th scope="col">Day</th><th scope="col">Hours</th></tr></thead><tbody>'
        "<tr><td>Monday</td><td>9 a.m. to noon</td></tr><tr><td>Tuesday</td><td></td></tr></tbody></table>\n"
        "<p>After the table.</p>"
    )
    assert [warning for warning in parsed.warnings if "table was read" in warning]


def test_an_html_list_right_inside_a_list_goes_under_the_item_before_it():
    parsed = parse_text(
        "<h1>What to Bring</h1><p>A short list.</p>"
        "<ul><li>Papers<ul><li>Insurance card</li><li>ID</li></ul></li><li>Medications</li>"
        "<ol><li>A list straight inside the list</li></ol></ul>",
        name="bring.html",
    )
    assert parsed.body_html == (
        "<p>A short list.</p>\n"
        "<ul><li>Papers<ul><li>Insurance card</li><li>ID</li></ul></li>"
        "<li>Medications<ol><li>A list straight inside the list</li></ol></li></ul>"
    )
    assert parsed.warnings == []


def test_an_html_quote_in_a_figure_takes_its_caption_as_attribution():
    parsed = parse_text(
        "<h1>In Their Words</h1><p>Some text here.</p>"
        "<figure><blockquote><p>I came back to my family.</p></blockquote>"
        "<figcaption>— Former client, Alpharetta</figcaption></figure>",
        name="words.html",
    )
    assert [(quote.quote, quote.attribution) for quote in parsed.quotes] == [
        ("I came back to my family.", "Former client, Alpharetta")
    ]
    assert paragraphs(parsed) == ["Some text here."]


def test_a_long_glossary_with_unclosed_terms_keeps_every_term_apart():
    """Each <dt> and <dd> ends where the next begins, as browsers read them: left open, sixty
    terms would nest past the depth the reader keeps and run into one paragraph."""
    terms = [(f"Term {number}", f"What term {number} means.") for number in range(1, 61)]
    glossary = "".join(f"<dt>{term}<dd>{meaning}" for term, meaning in terms)
    parsed = parse_text(
        f"<h1>Terms We Use</h1><p>Some text here.</p><dl>{glossary}</dl><hr><p>End.</p>",
        name="terms.html",
    )
    assert paragraphs(parsed) == [
        "Some text here.",
        *(line for term in terms for line in term),
        "End.",
    ]


def test_broken_html_still_imports():
    parsed = parse_text(
        "<h1>Unclosed Tags<p>First paragraph<p>Second paragraph<ul><li>One<li>Two</ul><div><b>bold",
        name="broken.html",
    )
    assert parsed.title == "Unclosed Tags"
    assert paragraphs(parsed)[:2] == ["First paragraph", "Second paragraph"]
    assert list_items(parsed) == [["One", "Two"]]


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "The file is empty"),
        ("blank.txt", b"  \n\n\t\n", "The file is empty"),
        ("only-spaces.txt", "\u00a0 \n \u00a0".encode(), "empty"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a text file"),
        ("control.txt", b"Title\n\x01\x02\x03 data", "not a text file"),
        ("report.pdf", b"%PDF-1.7 ...", "PDF"),
        ("article.docx", b"PK\x03\x04 whatever", "Word document"),
        ("article.txt", b"PK\x03\x04 a zip renamed", "zip"),
        ("latin.txt", "Café – “quoted”".encode("cp1252"), "not UTF-8"),
    ],
)
def test_unreadable_files_are_refused_with_a_clear_message(name, data, message):
    with pytest.raises(ImportFailure, match=message):
        decode_source(name, data)


def test_the_windows_1252_fixture_is_refused_as_not_utf8():
    with pytest.raises(ImportFailure, match=r"not UTF-8 text.*Save as"):
        fixture_source("windows-1252.txt")


def test_marks_that_set_the_direction_of_text_are_taken_out():
    """U+202E in a title would make the rest of it read backwards on every page and in feeds."""
    source = decode_source(
        "weekend.txt", "Weekend \u202ePlans\u202c Matter\n\nA \u2066quiet\u2069 start.".encode()
    )
    assert source.text == "Weekend Plans Matter\n\nA quiet start."


def test_a_file_of_thousands_of_nested_tags_is_read_with_its_text(db):
    """A broken exporter (or a file made to hurt) nests tags thousands deep: the tree is kept at
    htmlsource.MAX_DEPTH, and the text inside is read, not lost to a recursion error."""
    deep = "<div><b>" * 5_000 + "<p>Evenings start at six.</p>" + "</b></div>" * 5_000
    html = f"<h1>Evening groups</h1><p>Groups meet after work.</p>{deep}<p>Call us to ask.</p>"
    report = import_text(html, name="evenings.html")
    body = Article.objects.get(title="Evening groups").body
    assert "Evenings start at six." in body and "Groups meet after work." in body
    assert report.ok


def test_long_runs_of_punctuation_and_brackets_are_read_as_written():
    """The patterns that find sentence ends and links take one pass over such runs."""
    assert split_sentences("Wait" + "." * 5_000 + " Then go. Now!") == [
        "Wait" + "." * 5_000,
        "Then go.",
        "Now!",
    ]
    paragraph = parse_text(
        "Title here\n\nSee " + "[" * 3_000 + "[the guide](https://example.org/guide) today."
    )
    html = paragraph.body_html
    assert '<a href="https://example.org/guide"' in html and "[" * 3_000 in html


@pytest.mark.parametrize(
    "line",
    ["**Staying Steady on Weekends**", "__Staying Steady on Weekends__", "*Staying Steady on Weekends*"],
)
def test_a_title_written_bold_or_italic_loses_its_marks(line):
    parsed = parse_text(f"{line}\n\nFriday evenings can be the hardest part of the week. Plan them.")
    assert parsed.title == "Staying Steady on Weekends"


def test_a_picture_left_out_leaves_no_space_before_the_punctuation_after_it():
    picture = '<img src="room.png" alt="">'
    parsed = parse_text(
        f"<h1>The group room</h1><p>It has eight chairs {picture}. Come and see it {picture}, before you start.</p>",
        name="room.html",
    )
    assert "It has eight chairs. Come and see it, before you start." in parsed.body_html
    assert parsed.summary.startswith("It has eight chairs. Come")


@pytest.mark.parametrize("wrapper", ["strong", "b", "em", "i"])
def test_a_picture_inside_bold_or_italic_leaves_no_empty_markup(wrapper):
    picture = f'<{wrapper}><img src="room.png" alt=""></{wrapper}>'
    parsed = parse_text(
        f"<h1>The group room</h1><p>It has eight chairs {picture}. Some people sit by the "
        f"<{wrapper}>window</{wrapper}>.</p>",
        name="room.html",
    )
    assert "It has eight chairs. Some people sit" in parsed.body_html
    assert "<strong></strong>" not in parsed.body_html
    assert "<em></em>" not in parsed.body_html
    assert "window</" in parsed.body_html


def test_the_empty_fixture_is_refused():
    with pytest.raises(ImportFailure, match="empty"):
        fixture_source("empty.txt")


def test_a_20_megabyte_file_is_refused_without_reading_it_all():
    big = io.BytesIO(b"A" * (20 * 1024 * 1024))
    with pytest.raises(ImportFailure, match=r"20\.0 MB; the limit is 2\.0 MB"):
        read_source("huge.txt", big, size=20 * 1024 * 1024)
    unknown_size = io.BytesIO(b"A" * (MAX_FILE_BYTES + 10))
    with pytest.raises(ImportFailure, match="the limit is"):
        read_source("huge.txt", unknown_size)
    assert unknown_size.tell() == MAX_FILE_BYTES + 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("- Bring a photo ID\n- Bring your card\n", "starts with a list"),
        ("Morning track\tEvening track\nMondays\tTuesdays\n\nMore text.\n", "starts with a table"),
        ("* * * * *\n\n---\n", "No recognisable title"),
        ("12345\n\n2024\n", "No recognisable title"),
        ("📞 Call (470) 284-1834 today.\n\nMore text.\n", "call-to-action"),
    ],
)
def test_files_without_a_recognisable_title_are_refused(text, message):
    with pytest.raises(ImportFailure, match=message):
        parse_text(text)


def test_the_starts_with_a_list_fixture_is_refused():
    with pytest.raises(ImportFailure, match="No recognisable title"):
        parse_fixture("starts-with-a-list.txt")


def test_a_title_with_nothing_under_it_is_refused():
    with pytest.raises(ImportFailure, match="no article text"):
        parse_text("Just a Title\n")


# --- Saving -----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestSavingBehaviour:
    def test_import_creates_a_draft_with_faqs_testimonial_and_the_locations_it_names(self, locations):
        report = import_fixture("repeated-title-blank-lines.txt")
        assert report.ok, report.error
        article = Article.objects.get()
        assert report.article_id == article.pk
        assert report.action == "create"
        assert article.title == "Evening IOP: Treatment After the Workday"
        assert article.slug == "evening-iop-treatment-after-the-workday"
        assert article.status == Article.Status.DRAFT
        assert article.published_at is None
        assert article.summary.startswith("Some weeks the hardest part of the day")
        assert "<h3>Group Work</h3>" in article.body
        assert [location.name for location in article.locations.all()] == ["Alpharetta"]
        assert report.locations == ["Alpharetta"]

        placements = list(ArticleFAQ.objects.filter(article=article).select_related("faq").order_by("order"))
        assert [placement.faq.question for placement in placements] == [
            "Can I switch to mornings later?",
            "What if I have to travel for work?",
            "What should I bring to the first evening?",
        ]
        assert all(not placement.faq.is_published for placement in placements)
        assert {placement.faq.topic.name for placement in placements} == {"Imported"}
        assert "<li>A list of any medications you take</li>" in placements[2].faq.answer

        testimonial = Testimonial.objects.get()
        assert testimonial.attribution == "Former client, 2023"
        assert testimonial.quote.startswith("I came in thinking I would hide")
        assert not testimonial.is_published
        assert not testimonial.consent_on_file
        assert ArticleTestimonial.objects.get().article == article

        assert report.calls_to_action == [
            "📞 Call (470) 284-1834 to ask about the evening track in Alpharetta."
        ]
        assert "call box" in report.call_to_action_note
        assert any("unpublished" in warning and "FAQ" in warning for warning in report.warnings)
        assert any("consent" in warning for warning in report.warnings)

    def test_the_body_never_repeats_faq_or_quote_text(self, locations):
        import_fixture("repeated-title-blank-lines.txt")
        body = visible_text(Article.objects.get().body)
        for faq in FAQ.objects.all():
            assert faq.question not in body
            assert visible_text(faq.answer) not in body
        assert "saving a chair" not in body

    def test_reimporting_updates_the_same_article_without_duplicating_anything(self, locations):
        first = import_fixture("repeated-title-blank-lines.txt")
        Article.objects.filter(pk=first.article_id).update(
            body="<p>Edited by hand.</p>", author="Carter team"
        )
        second = import_fixture("repeated-title-blank-lines.txt")
        assert second.ok, second.error
        assert second.action == "update"
        assert second.article_id == first.article_id
        assert "is already a draft here" in second.warnings[0]
        article = Article.objects.get()
        assert "<h3>Group Work</h3>" in article.body
        assert article.author == "Carter team"  # fields the file does not carry are kept
        assert FAQ.objects.count() == 3
        assert ArticleFAQ.objects.count() == 3
        assert Testimonial.objects.count() == 1
        assert ArticleTestimonial.objects.count() == 1
        assert ArticleLocation.objects.count() == 1
        assert [faq.status for faq in second.faqs] == ["existing", "existing", "existing"]

    def test_reimport_finds_a_draft_whose_address_was_changed_by_its_title(self, locations):
        first = import_fixture("repeated-title-blank-lines.txt")
        Article.objects.filter(pk=first.article_id).update(slug="evening-iop")
        second = import_fixture("repeated-title-blank-lines.txt")
        assert second.article_id == first.article_id
        assert Article.objects.get().slug == "evening-iop"

    def test_reimporting_a_draft_whose_address_has_capitals_writes_it_in_lower_case(self, locations):
        """Addresses are lower case (carter_site.redirects.validate_lower_case); one saved before
        the rule must not make the update fail on a field the file does not carry."""
        first = import_fixture("repeated-title-blank-lines.txt")
        Article.objects.filter(pk=first.article_id).update(slug="Evening-IOP")
        second = import_fixture("repeated-title-blank-lines.txt")
        assert second.ok, second.error
        assert second.article_id == first.article_id
        assert Article.objects.get().slug == "evening-iop"
        assert any("now /articles/evening-iop/" in warning for warning in second.warnings)

    def test_a_published_article_is_never_overwritten(self, locations):
        live = ArticleFactory(
            title="Evening IOP: Treatment After the Workday",
            slug="evening-iop-treatment-after-the-workday",
            body="<p>Reviewed and live.</p>",
        )
        report = import_fixture("repeated-title-blank-lines.txt")
        assert not report.ok
        assert "already published" in report.error
        live.refresh_from_db()
        assert live.body == "<p>Reviewed and live.</p>"
        assert FAQ.objects.count() == 0
        assert Testimonial.objects.count() == 0

    def test_an_existing_faq_is_placed_not_copied_matching_case_spaces_and_punctuation(self, locations):
        existing = FAQFactory(
            question="can I switch to  mornings later", answer="<p>Yes, at any time.</p>", is_published=True
        )
        report = import_fixture("repeated-title-blank-lines.txt")
        assert FAQ.objects.count() == 3
        existing.refresh_from_db()
        assert existing.answer == "<p>Yes, at any time.</p>"  # published: its answer is kept
        assert ArticleFAQ.objects.filter(faq=existing, order=0).exists()
        assert report.faqs[0].status == "existing"
        assert any("already exists with another answer" in warning for warning in report.warnings)

    def test_an_unpublished_faq_used_nowhere_else_takes_the_files_answer(self, locations):
        draft = FAQFactory(
            question="Can I switch to mornings later?", answer="<p>Old.</p>", is_published=False
        )
        report = import_fixture("repeated-title-blank-lines.txt")
        draft.refresh_from_db()
        assert draft.answer.startswith("<p>Yes. Many people start in the evening")
        assert report.faqs[0].status == "updated"

    def test_a_question_asked_twice_keeps_its_first_answer(self, locations):
        text = (
            "Parking at the Center\n\n"
            "Where to leave the car when you come to group, and what it costs.\n\n"
            "FAQ\n\n"
            "Is parking free?\n\n"
            "Yes. The lot behind the building is free, with no time limit.\n\n"
            "Is parking free?\n\n"
            "See above.\n"
        )
        report = import_text(text, "parking.txt")
        [faq] = FAQ.objects.all()
        assert faq.answer == "<p>Yes. The lot behind the building is free, with no time limit.</p>"
        assert ArticleFAQ.objects.filter(faq=faq).count() == 1
        assert any("asked twice; it is placed once, with the first answer" in w for w in report.warnings)

    def test_markdown_marks_inside_paragraphs_and_lists_mean_what_they_say(self, locations):
        text = (
            "## Getting Here\n\n"
            "Call **before your first day** and read [our questions page](https://carter.example/faqs/).\n\n"
            "- Bring *one* form of ID\n"
            "- Parking is free\n\n"
            "*Names are changed in the stories below.\n"
        )
        import_text(text, "getting-here.md")
        body = Article.objects.get().body
        assert "<strong>before your first day</strong>" in body
        assert (
            '<a href="https://carter.example/faqs/" rel="noopener noreferrer">our questions page</a>' in body
        )
        assert "<li>Bring <em>one</em> form of ID</li>" in body
        assert "*Names are changed" in body  # a lone asterisk is text
        assert "**" not in body and "](" not in body

    def test_a_quotes_town_is_not_named_twice(self, locations):
        text = (
            "Coming Back After a Break\n\n"
            "Many people return to group after time away, and they are welcome.\n\n"
            "“I walked back in after three months and nobody made me explain.”\n"
            "– Former client, Alpharetta, 2024\n"
        )
        import_text(text, "back.txt")
        testimonial = Testimonial.objects.get()
        assert testimonial.location.name == "Alpharetta"
        assert testimonial.attribution == "Former client, 2024"  # the page adds ", Alpharetta"

    def test_faqs_go_to_the_topic_the_faq_heading_names(self, locations):
        topic = TopicFactory(name="Returning to IOP", slug="returning-to-iop")
        report = import_fixture("one-paragraph-per-line.txt")
        assert report.ok, report.error
        assert set(FAQ.objects.values_list("topic", flat=True)) == {topic.pk}
        assert not Topic.objects.filter(slug="imported").exists()
        assert sorted(report.locations) == ["Atlanta", "Jefferson"]

    def test_locations_come_from_the_database_not_a_fixed_list(self, db):
        roswell = LocationFactory(name="Roswell", slug="roswell")
        report = import_source(
            decode_source(
                "a.txt", b"Meeting in Roswell\n\nOur Roswell group meets on Tuesdays in Alpharetta.\n"
            )
        )
        assert report.locations == ["Roswell"]
        assert list(Article.objects.get().locations.all()) == [roswell]

    def test_a_location_named_only_in_the_call_to_action_is_linked_and_said_so(self, locations):
        report = import_source(
            decode_source(
                "a.txt", b"A Calm Start\n\nYou are welcome here.\n\nCall (470) 284-1834 in Atlanta.\n"
            )
        )
        assert report.locations == ["Atlanta (named only in the call-to-action)"]

    def test_a_closing_paragraph_with_a_number_that_is_not_the_centers_stays_with_a_warning(self, db):
        SiteSettings.objects.create(phone="(470) 555-0199")
        LocationFactory(name="Roswell", slug="roswell", phone="(678) 555-0142")
        report = import_source(
            decode_source(
                "a.txt",
                b"A Calm Start\n\nYou are welcome here.\n\nCall (678) 555-0142 to reach the Roswell team.\n\n"
                b"For referrals at any hour, the national helpline is 1-800-662-4357.\n",
            )
        )
        article = Article.objects.get()
        assert "national helpline is 1-800-662-4357" in article.body
        assert report.calls_to_action == ["Call (678) 555-0142 to reach the Roswell team."]
        assert "(470) 555-0199" in report.call_to_action_note
        assert any(
            "1-800-662-4357" in warning and "not one of the center's numbers" in warning
            for warning in report.warnings
        )

    def test_a_dry_run_reports_everything_and_saves_nothing(self, locations):
        report = import_fixture("repeated-title-blank-lines.txt", dry_run=True)
        assert report.ok
        assert report.verb == "Would create"
        assert report.slug == "evening-iop-treatment-after-the-workday"
        assert len(report.faqs) == 3
        assert len(report.quotes) == 1
        assert report.locations == ["Alpharetta"]
        assert report.article_id is None
        assert Article.objects.count() == 0
        assert FAQ.objects.count() == 0
        assert Testimonial.objects.count() == 0
        assert not Topic.objects.exists()

    def test_publishing_publishes_the_article_and_new_faqs_never_the_testimonials(self, locations):
        report = import_fixture("repeated-title-blank-lines.txt", publish=True)
        article = Article.objects.get()
        assert article.status == Article.Status.PUBLISHED
        assert article.published_at is not None
        assert report.status == "published"
        assert FAQ.objects.filter(is_published=True).count() == 3
        assert not Testimonial.objects.filter(is_published=True).exists()

    def test_nothing_is_left_behind_when_saving_fails_halfway(self, locations, monkeypatch):
        def fail(*args, **kwargs):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(import_writer, "place_testimonials", fail)
        report = import_fixture("repeated-title-blank-lines.txt")
        assert not report.ok
        assert "unexpected" in report.error
        assert Article.objects.count() == 0
        assert FAQ.objects.count() == 0
        assert Topic.objects.count() == 0

    def test_html_import_saves_the_quote_with_the_location_its_attribution_names(self, locations):
        report = import_fixture("full-page.html")
        assert report.ok, report.error
        testimonial = Testimonial.objects.get()
        assert testimonial.attribution == "Former client, 2022"  # the page adds ", Atlanta"
        assert testimonial.location == locations["Atlanta"]
        assert report.locations == ["Atlanta"]
        assert tags_in(Article.objects.get().body) <= ALLOWED_BODY_TAGS


# --- The real sample --------------------------------------------------------------------------


def normalised(text):
    return " ".join(text.replace("\u00a0", " ").replace("\ufeff", "").split())


def sentences_of(text):
    """Every line of the file, bullets without their marker, cut at sentence ends."""
    sentences = []
    for line in text.splitlines():
        line = normalised(re.sub(r"^\s*[•\-*–]\s+", "", line))
        if line:
            sentences += [part for part in re.split(r"(?<=[.!?])\s+", line) if part]
    return sentences


def outline_of(lines):
    """What the sample says about itself, read line by line without the importer, so that the
    project holds none of its sentences: the title (its first line, repeated on the next), the
    FAQ heading, the questions after it (the only lines ending in '?' there), and the
    call-to-action (its last line)."""
    filled = [(index, normalised(line)) for index, line in enumerate(lines) if line.strip()]
    faq_index, faq_heading = next((index, line) for index, line in filled if line.startswith("FAQ"))
    return {
        "title": filled[0][1],
        "repeat": filled[1],
        "faq_heading": faq_heading,
        "questions": [line for index, line in filled if index > faq_index and line.endswith("?")],
        "call": filled[-1][1],
    }


@pytest.mark.django_db
@pytest.mark.skipif(
    not SAMPLE.is_file(),
    reason=f"the shared sample article is not here ({SAMPLE}); set CARTER_SAMPLES_DIR to its folder",
)
def test_the_real_sample_article_imports_without_losing_or_repeating_text():
    for name in ("Alpharetta", "Jefferson", "Atlanta"):
        LocationFactory(name=name, slug=name.lower())
    report = import_source(decode_source(SAMPLE.name, SAMPLE.read_bytes()))
    assert report.ok, report.error
    lines = SAMPLE.read_bytes().decode("utf-8-sig").splitlines()
    outline = outline_of(lines)
    repeat_index, repeat = outline["repeat"]

    article = Article.objects.get()
    assert article.title == outline["title"] == repeat
    assert article.status == Article.Status.DRAFT
    faqs = [placement.faq for placement in ArticleFAQ.objects.filter(article=article).order_by("order")]
    assert len(outline["questions"]) == 6
    assert [faq.question for faq in faqs] == outline["questions"]
    assert report.faq_headings == [outline["faq_heading"]]
    assert report.calls_to_action == [outline["call"]]
    assert "(470) 284-1834" in outline["call"]
    assert sorted(report.locations) == ["Atlanta (named only in the call-to-action)", "Jefferson"]
    assert any(level == 3 for level, _ in report.sections)

    # Everything the article keeps, in one text: its title, body, FAQs and quotes.
    kept = normalised(
        " ".join(
            [
                article.title,
                visible_text(article.body),
                *(f"{faq.question} {visible_text(faq.answer)}" for faq in faqs),
                *(testimonial.quote for testimonial in Testimonial.objects.all()),
            ]
        )
    )
    # Left out on purpose, and reported: the repeated title line, the call-to-action, and
    # the FAQ heading (the article page gives its FAQs a heading of its own).
    left_out = {outline["call"], outline["faq_heading"]}
    source = "\n".join(
        line for index, line in enumerate(lines) if index != repeat_index and normalised(line) not in left_out
    )
    source_flat = normalised(" ".join(sentences_of(source)))

    missing = [sentence for sentence in sentences_of(source) if sentence not in kept]
    assert missing == []
    repeated = [
        sentence
        for sentence in set(sentences_of(source))
        if kept.count(sentence) > source_flat.count(sentence)
    ]
    assert repeated == []
    assert "284-1834" not in kept


# --- The documentation's example --------------------------------------------------------------


@pytest.mark.django_db
def test_the_example_in_the_documentation_does_what_the_documentation_says():
    docs = (REPOSITORY / "docs" / "importing.md").read_text(encoding="utf-8")
    example = re.search(r"```text\n(.*?)```", docs, re.DOTALL).group(1)
    LocationFactory(name="Alpharetta", slug="alpharetta")
    report = import_source(decode_source("example.txt", example.encode()))
    assert report.ok, report.error
    assert report.title == "Evening IOP: Treatment After the Workday"
    assert report.slug == "evening-iop-treatment-after-the-workday"
    assert report.sections == [
        (2, "Who the Evening Track Serves"),
        (2, "What an Evening Looks Like"),
        (3, "Check-In"),
        (3, "Group Work"),
        (2, "Is It Really Enough?"),
    ]
    assert len(report.faqs) == 2
    assert [(quote.attribution, quote.status) for quote in report.quotes] == [("Former client, 2023", "new")]
    assert report.locations == ["Alpharetta (named only in the call-to-action)"]
    assert len(report.calls_to_action) == 1
    assert "284-1834" not in Article.objects.get().body


def test_unsafe_links_are_named_as_such_not_as_pages_of_the_old_site():
    parsed = parse_text(
        "<h1>Links of every kind</h1><p>Read <a href='javascript:alert(3)'>this</a>, "
        "<a href='data:text/html,hi'>that</a> and <a href='/old-page'>our old page</a>.</p>",
        name="scripts.html",
    )
    assert "javascript:" not in parsed.body_html and "data:" not in parsed.body_html
    old_site = [w for w in parsed.warnings if "pages of the old site" in w]
    refused = [w for w in parsed.warnings if "kind of address the site does not link to" in w]
    assert old_site == [
        "1 link(s) pointed to pages of the old site (/old-page). Their text was kept without the link; "
        "add links to the new pages in the editor."
    ]
    assert len(refused) == 1 and "2 link(s)" in refused[0] and "javascript:alert(3)" in refused[0]


# --- Web pages exported by a word processor ---------------------------------------------------
# Google Docs ("Download → Web page") and Word ("Save as → Web Page, Filtered") mark the
# document's title as a paragraph in the Title style, and its sections as Heading 1, with
# Heading 2 under them. Written for these tests, in the shape those programs give.

GOOGLE_DOCS_EXPORT = (
    '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
    '<style type="text/css">.c1{font-weight:700}.c2{font-style:italic}.c3{font-size:11pt}'
    ".title{font-size:26pt}</style></head>"
    '<body class="c5 doc-content">'
    '<p class="c4 title" id="h.a1"><span class="c3">Rest and Early Recovery</span></p>'
    '<p class="c0"><span class="c3">The first weeks without alcohol can upset your sleep.</span></p>'
    '<h1 class="c6" id="h.a2"><span class="c3">Why Sleep Changes</span></h1>'
    '<p class="c0"><span class="c3">Your body is learning to rest on its own again.</span></p>'
    '<h2 class="c6" id="h.a3"><span class="c3">The First Nights</span></h2>'
    '<p class="c0"><span class="c3">Expect to wake more often for a while.</span></p>'
    '<h1 class="c6" id="h.a4"><span class="c3">FAQ</span></h1>'
    '<h2 class="c6" id="h.a5"><span class="c3">Can I take something to help me sleep?</span></h2>'
    '<p class="c0"><span class="c3">Ask your doctor first: some sleep aids carry risks of their own.</span></p>'
    '<h2 class="c6" id="h.a6"><span class="c3">How long does it last?</span></h2>'
    '<p class="c0"><span class="c3">A few weeks for most people.</span></p>'
    "</body></html>"
)

WORD_EXPORT = (
    '<html><head><meta http-equiv=Content-Type content="text/html; charset=utf-8">'
    '<meta name=Generator content="Microsoft Word 15 (filtered)"><title>Work and IOP</title></head>'
    "<body lang=EN-US><div class=WordSection1>"
    "<p class=MsoTitle>Keeping Your Job During IOP</p>"
    "<p class=MsoNormal>Most people in our program keep working.</p>"
    "<h1>Talking to Your Manager</h1>"
    "<p class=MsoNormal>You decide how much to share.</p>"
    "<h1>Frequently Asked Questions</h1>"
    "<h2>Do I have to say why I need the time?</h2>"
    "<p class=MsoNormal>No. A medical appointment is reason enough.</p>"
    "</div></body></html>"
)


def test_a_google_docs_title_paragraph_is_the_title_and_the_opening_text_is_kept():
    parsed = parse_text(GOOGLE_DOCS_EXPORT, name="rest.html")
    assert parsed.title == "Rest and Early Recovery"
    assert not parsed.title_from_first_sentence
    assert paragraphs(parsed)[0] == "The first weeks without alcohol can upset your sleep."
    assert parsed.summary == "The first weeks without alcohol can upset your sleep."
    assert not [warning for warning in parsed.warnings if "left out" in warning]
    # Heading 1 is a section and Heading 2 a sub-section under it.
    assert parsed.sections == [(2, "Why Sleep Changes"), (3, "The First Nights")]


def test_a_google_docs_faq_section_in_heading_1_keeps_its_heading_2_questions():
    parsed = parse_text(GOOGLE_DOCS_EXPORT, name="rest.html")
    assert [faq.question for faq in parsed.faqs] == [
        "Can I take something to help me sleep?",
        "How long does it last?",
    ]
    assert "How long does it last?" not in parsed.body_text


def test_a_word_title_paragraph_is_the_title_and_its_faq_section_is_read():
    parsed = parse_text(WORD_EXPORT, name="work.htm")
    assert parsed.title == "Keeping Your Job During IOP"
    assert paragraphs(parsed)[0] == "Most people in our program keep working."
    assert parsed.sections == [(2, "Talking to Your Manager")]
    assert [faq.question for faq in parsed.faqs] == ["Do I have to say why I need the time?"]


def test_a_web_page_in_the_windows_encoding_it_declares_is_read_in_that_encoding():
    # Word's "Web Page" on Windows saves in windows-1252 and says so in the page.
    page = WORD_EXPORT.replace("charset=utf-8", "charset=windows-1252").replace(
        "Most people in our program keep working.", "Most people in our program keep working – it’s “normal”."
    )
    parsed = parse_source(decode_source("work.htm", page.encode("cp1252")))
    assert parsed.title == "Keeping Your Job During IOP"
    assert paragraphs(parsed)[0] == "Most people in our program keep working – it’s “normal”."


def test_a_web_page_not_in_utf8_that_declares_no_encoding_is_still_refused():
    page = "<h1>Café</h1><p>“Quoted” text.</p>".encode("cp1252")
    with pytest.raises(ImportFailure, match="not UTF-8"):
        decode_source("page.html", page)


def word_list_paragraph(position, marker, text, font="Symbol", style="text-indent:-.25in"):
    """One item of a list as Word's "Web Page, Filtered" writes it: a paragraph whose bullet or
    number is typed in front of the text, followed by a run of non-breaking spaces."""
    spacer = "<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span>"
    return (
        f"<p class=MsoListParagraphCxSp{position} style='{style}'>"
        f"<span style='font-family:{font}'>{marker}{spacer}</span>{text}</p>"
    )


def test_a_word_bulleted_and_numbered_list_is_a_list_without_its_typed_bullets():
    page = WORD_EXPORT.replace(
        "<p class=MsoNormal>You decide how much to share.</p>",
        "<p class=MsoNormal>You decide how much to share. You might:</p>"
        + word_list_paragraph("First", "·", "Ask for a later start")
        + word_list_paragraph("Middle", "·", "Keep the <b>details</b> private")
        + word_list_paragraph("Last", "·", "Use paid leave")
        + "<p class=MsoNormal>Then, in order:</p>"
        + word_list_paragraph("First", "1.", "Book a meeting", font="Calibri")
        + word_list_paragraph("Last", "2.", "Bring a note from us", font="Calibri"),
    )
    parsed = parse_text(page, name="work.htm")
    lists = [block for block in parsed.blocks if block.kind == "list"]
    assert [[item.text for item in block.items] for block in lists] == [
        ["Ask for a later start", "Keep the details private", "Use paid leave"],
        ["Book a meeting", "Bring a note from us"],
    ]
    assert [block.ordered for block in lists] == [False, True]
    assert "<li>Keep the <strong>details</strong> private</li>" in parsed.body_html
    assert "·" not in parsed.body_html and "1." not in parsed.body_text


def test_a_word_list_style_paragraph_without_a_typed_bullet_stays_a_paragraph():
    page = WORD_EXPORT.replace(
        "<p class=MsoNormal>You decide how much to share.</p>",
        "<p class=MsoListParagraph>Only you decide how much to share.</p>",
    )
    parsed = parse_text(page, name="work.htm")
    assert "Only you decide how much to share." in paragraphs(parsed)
    assert not [block for block in parsed.blocks if block.kind == "list"]


def test_a_google_docs_link_goes_straight_to_its_address_not_through_google():
    # Google Docs' export sends every link through google.com/url, which would tell Google
    # which of our readers followed it.
    page = GOOGLE_DOCS_EXPORT.replace(
        "Your body is learning to rest on its own again.",
        'Your body is learning to rest. <a href="https://www.google.com/url?q=https://www.samhsa.gov/'
        'find-help%3Fa%3D1&amp;sa=D&amp;source=editors&amp;ust=1700000000000000&amp;usg=AOvVaw1">'
        'Find help</a> or <a href="https://www.google.com/url?q=mailto:help@example.org&amp;sa=D">'
        "write</a>.",
    )
    parsed = parse_text(page, name="rest.html")
    assert '<a href="https://www.samhsa.gov/find-help?a=1"' in parsed.body_html
    assert '<a href="mailto:help@example.org"' in parsed.body_html
    assert "google" not in parsed.body_html


def test_google_docs_bold_and_italic_written_as_styles_stay_bold_and_italic():
    # Google Docs marks bold and italic with classes its style sheet defines (.c1, .c2 above).
    page = GOOGLE_DOCS_EXPORT.replace(
        '<span class="c3">Your body is learning to rest on its own again.</span>',
        '<span class="c3">Your body is </span><span class="c1">learning</span>'
        '<span class="c3"> to rest </span><span class="c2 c3">on its own</span><span class="c3"> again.</span>',
    ).replace('<span class="c3">Why Sleep Changes</span>', '<span class="c1">Why Sleep Changes</span>')
    parsed = parse_text(page, name="rest.html")
    assert (
        "<p>Your body is <strong>learning</strong> to rest <em>on its own</em> again.</p>" in parsed.body_html
    )
    assert "<h2>Why Sleep Changes</h2>" in parsed.body_html


def test_a_style_both_bold_and_italic_gives_both():
    page = GOOGLE_DOCS_EXPORT.replace(
        ".c1{font-weight:700}", ".c1{font-weight:700;font-style:italic}"
    ).replace(
        '<span class="c3">Your body is learning to rest on its own again.</span>',
        '<span class="c3">Your body is </span><span class="c1">learning</span><span class="c3"> to rest.</span>',
    )
    parsed = parse_text(page, name="rest.html")
    assert "<p>Your body is <strong><em>learning</em></strong> to rest.</p>" in parsed.body_html


FLATTENED = "were flattened into the list that holds them"


def flattened(parsed):
    return any(FLATTENED in warning for warning in parsed.warnings)


def word_page_with_list(*paragraphs):
    return WORD_EXPORT.replace(
        "<p class=MsoNormal>You decide how much to share.</p>",
        "<p class=MsoNormal>You decide how much to share. You might:</p>" + "".join(paragraphs),
    )


def word_level(level, marker, text, position="Middle"):
    """An item at `level` of one of Word's lists: the level in the style, and a deeper margin."""
    style = f"margin-left:{0.5 * level}in;text-indent:-.25in;mso-list:l0 level{level} lfo1"
    font = "Symbol" if marker == "·" else "Courier New" if marker == "o" else "Calibri"
    return word_list_paragraph(position, marker, text, font=font, style=style)


SUB_LIST = (
    "<ul><li>Ask for a later start<ul><li>Or an earlier finish</li></ul></li><li>Use paid leave</li></ul>"
)


def test_sub_items_of_a_word_list_stay_a_list_inside_the_list_as_nested_html_lists_do():
    """Word marks a sub-item with its list level in the style (`mso-list:l0 level2 lfo1`) and a
    deeper margin, and types another bullet ("o") in front of it. The editor nests lists too
    (Tab in a list item), and the site shows them indented."""
    nested_html = word_page_with_list(SUB_LIST)
    first = word_level(1, "·", "Ask for a later start", position="First")
    sub_item = word_level(2, "o", "Or an earlier finish")
    last = word_level(1, "·", "Use paid leave", position="Last")

    for parsed in (
        parse_text(nested_html, name="work.htm"),
        parse_text(word_page_with_list(first, sub_item, last), name="work.htm"),
    ):
        assert SUB_LIST in parsed.body_html
        assert list_items(parsed) == [["Ask for a later start", "Use paid leave"]]
        assert not flattened(parsed)


def test_lists_nested_deeper_than_three_levels_are_flattened_into_the_third_with_a_warning():
    expected = (
        "<ul><li>Talk to HR<ul><li>Ask about leave<ol><li>Short-term disability</li>"
        "<li>Family leave</li><li>Unpaid leave</li></ol></li></ul></li><li>Talk to your manager</li></ul>"
    )
    nested_html = word_page_with_list(
        "<ul><li>Talk to HR<ul><li>Ask about leave<ol><li>Short-term disability"
        "<ul><li>Family leave</li></ul></li><li>Unpaid leave</li></ol></li></ul></li>"
        "<li>Talk to your manager</li></ul>"
    )
    word = word_page_with_list(
        word_level(1, "·", "Talk to HR", position="First"),
        word_level(2, "o", "Ask about leave"),
        word_level(3, "1.", "Short-term disability"),
        word_level(4, "§", "Family leave"),
        word_level(3, "2.", "Unpaid leave"),
        word_level(1, "·", "Talk to your manager", position="Last"),
    )
    for parsed in (parse_text(nested_html, name="work.htm"), parse_text(word, name="work.htm")):
        assert expected in parsed.body_html
        assert flattened(parsed)


def test_empty_list_items_are_left_out_and_a_list_with_none_goes_too():
    page = word_page_with_list(
        "<ul><li>Ask for a later start</li><li></li><li>&nbsp;</li><li><b> </b></li></ul>"
        "<ol><li>&nbsp;</li><li><br></li></ol>",
        word_level(1, "·", "&nbsp;", position="First"),
        word_level(1, "·", "Use paid leave", position="First"),
        word_level(1, "·", "&nbsp;", position="Last"),
    )
    parsed = parse_text(page, name="work.htm")
    assert "<ul><li>Ask for a later start</li></ul>\n<ul><li>Use paid leave</li></ul>" in parsed.body_html
    assert "<ol" not in parsed.body_html and "<li></li>" not in parsed.body_html


def test_bulleted_sub_items_of_a_numbered_word_list_keep_the_numbered_list_whole():
    """Web Page, Filtered leaves out the list level: only the margin says an item is a sub-item.
    The bulleted sub-items cut the numbered list in three, and its second part started at 1
    again."""
    page = word_page_with_list(
        word_list_paragraph("First", "1.", "Book a meeting", font="Calibri", style="margin-left:.5in"),
        word_list_paragraph("Middle", "o", "By phone", font="Courier New", style="margin-left:1.0in"),
        word_list_paragraph("Middle", "o", "Or by email", font="Courier New", style="margin-left:72.0pt"),
        word_list_paragraph("Last", "2.", "Bring a note from us", font="Calibri", style="margin-left:36pt"),
    )
    parsed = parse_text(page, name="work.htm")
    assert (
        "<ol><li>Book a meeting<ul><li>By phone</li><li>Or by email</li></ul></li>"
        "<li>Bring a note from us</li></ol>"
    ) in parsed.body_html
    assert list_items(parsed) == [["Book a meeting", "Bring a note from us"]]
    assert not flattened(parsed)


# --- Tables in plain text ------------------------------------------------------------------------
# Word's "Save as Plain Text" writes a table as one line per row, with a tab between cells.

TRACKS_TABLE = (
    "Choosing Your Track\n\n"
    "Both tracks cover the same ground; only the hours differ.\n\n"
    "Morning track\tEvening track\n"
    "Monday, 9 am to noon\tMonday, 6 to 9 pm\n"
    "Wednesday, 9 am to noon\t\n"
    "\tThursday, 6 to 9 pm\n\n"
    "Either way, you will need:\n\n"
    "•\tA photo ID\n"
    "•\tYour insurance card\n"
)


def test_tab_separated_lines_become_a_table_with_a_header_row_and_a_line_in_the_report():
    parsed = parse_text(TRACKS_TABLE)
    assert parsed.sections == []  # the header row is not a heading
    assert (
        "<table><thead><tr>"
        '<th scope="col">Morning track</th><th scope="col">Evening track</th></tr></thead><tbody>'
        "<tr><td>Monday, 9 am to noon</td><td>Monday, 6 to 9 pm</td></tr>"
        "<tr><td>Wednesday, 9 am to noon</td><td></td></tr>"
        "<tr><td></td><td>Thursday, 6 to 9 pm</td></tr>"
        "</tbody></table>"
    ) in parsed.body_html
    assert paragraphs(parsed) == [
        "Both tracks cover the same ground; only the hours differ.",
        "Either way, you will need:",
    ]
    # A bullet followed by a tab, as Word writes its lists in plain text, is still a bullet.
    assert list_items(parsed) == [["A photo ID", "Your insurance card"]]
    [warning] = [warning for warning in parsed.warnings if "table" in warning]
    assert "“Morning track | Evening track”" in warning
    assert "4 rows of 2 cells" in warning and "header" in warning


def test_a_table_whose_first_line_is_not_a_header_has_no_header_row():
    parsed = parse_text(
        "Your First Week\n\nHere is what happens when.\n\n"
        "Monday\tIntake takes about two hours, with a nurse and a counsellor.\n"
        "Tuesday\tYour first group, from 6 to 9 pm.\n"
    )
    assert parsed.sections == []
    assert (
        "<table><tbody><tr><td>Monday</td><td>Intake takes about two hours, with a nurse and a counsellor.</td>"
        "</tr><tr><td>Tuesday</td><td>Your first group, from 6 to 9 pm.</td></tr></tbody></table>"
    ) in parsed.body_html
    assert "<th" not in parsed.body_html
    [warning] = [warning for warning in parsed.warnings if "table" in warning]
    assert "no header row" in warning


def test_lines_with_tabs_that_make_no_table_stay_paragraphs_with_a_warning_never_headings():
    parsed = parse_text(
        "Your First Week\n\nHere is what happens when.\n\n"
        "Morning track\tEvening track\n\n"
        "Both meet three times a week.\n\n"
        "Monday\tIntake\tWith a nurse\n"
        "Tuesday\tFirst group\n\n"
        "\tA paragraph indented with a tab, as some people type them, and cut\n"
        "in the middle of its sentence.\n"
    )
    assert parsed.sections == []
    assert "<table" not in parsed.body_html
    assert paragraphs(parsed) == [
        "Here is what happens when.",
        "Morning track – Evening track",
        "Both meet three times a week.",
        "Monday – Intake – With a nurse",
        "Tuesday – First group",
        "A paragraph indented with a tab, as some people type them, and cut in the middle of its sentence.",
    ]
    warnings = [warning for warning in parsed.warnings if "tab" in warning]
    assert len(warnings) == 2
    assert "“Morning track – Evening track”" in warnings[0]
    assert "“Monday – Intake – With a nurse”" in warnings[1]
    assert all("rebuild it in the editor" in warning for warning in warnings)


# --- Tables in web pages ------------------------------------------------------------------------
# Word's "Web Page" writes each cell's text in a paragraph, and a header row only as bold text;
# Google Docs writes bold as a class its style sheet makes bold, and colspan="1" rowspan="1" on
# every cell.


def word_page_with(markup):
    return WORD_EXPORT.replace("<p class=MsoNormal>You decide how much to share.</p>", markup)


def word_cell(markup):
    return f"<td valign=top style='border:solid windowtext 1.0pt'><p class=MsoNormal>{markup}</p></td>"


WORD_SCHEDULE = (
    "<p class=MsoNormal>Pick the track that fits your shifts.</p>"
    "<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse'>"
    "<caption>Weekly schedule</caption>"
    "<tr>"
    + word_cell("<b>Track</b>")
    + word_cell("<b>Days</b>")
    + word_cell("<b><span>Hours</span></b>")
    + "</tr>"
    "<tr>" + word_cell("Morning") + word_cell("Mon, Wed, Thu") + word_cell("9 am to noon") + "</tr>"
    "<tr>"
    + word_cell("Evening <i>(most popular)</i>")
    + word_cell("Mon, Tue, Thu")
    + word_cell('6 to 9 pm, <a href="https://example.org/evening">details</a>')
    + "</tr>"
    "<tr>" + word_cell("&nbsp;") + word_cell("&nbsp;") + word_cell("&nbsp;") + "</tr>"
    "</table>"
    "<p class=MsoNormal>&nbsp;</p><p class=MsoNormal>Ask us to switch at any time.</p>"
)


def tables_of(parsed):
    return [block for block in parsed.blocks if block.kind == "table"]


def test_a_word_table_stays_a_table_its_bold_first_row_the_header_and_the_report_says_so():
    parsed = parse_text(word_page_with(WORD_SCHEDULE), name="work.htm")
    assert (
        "<table><caption>Weekly schedule</caption><thead><tr>"
        '<th scope="col">Track</th><th scope="col">Days</th><th scope="col">Hours</th></tr></thead><tbody>'
        "<tr><td>Morning</td><td>Mon, Wed, Thu</td><td>9 am to noon</td></tr>"
        "<tr><td>Evening <em>(most popular)</em></td><td>Mon, Tue, Thu</td>"
        '<td>6 to 9 pm, <a href="https://example.org/evening" rel="noopener noreferrer">details</a></td></tr>'
        "</tbody></table>"
    ) in parsed.body_html
    assert paragraphs(parsed) == [
        "Most people in our program keep working.",
        "Pick the track that fits your shifts.",
        "Ask us to switch at any time.",
    ]
    assert not [warning for warning in parsed.warnings if "paragraphs, one per row" in warning]
    [warning] = [warning for warning in parsed.warnings if "table was read" in warning]
    assert "“Track | Days | Hours”" in warning and "3 rows of 3 cells" in warning
    assert "header row" in warning and "“Weekly schedule”" in warning


GOOGLE_DOCS_TABLE = (
    '<table class="c9"><tbody>'
    '<tr class="c2"><td class="c7" colspan="1" rowspan="1"><p class="c0"><span class="c1">Night</span></p></td>'
    '<td class="c7" colspan="1" rowspan="1"><p class="c0"><span class="c1">What helps</span></p></td></tr>'
    '<tr class="c2"><td class="c7" colspan="1" rowspan="2"><p class="c0"><span class="c3">First week</span></p></td>'
    '<td class="c7" colspan="1" rowspan="1"><p class="c0"><span class="c3">A fixed </span>'
    '<span class="c2">bedtime</span></p></td></tr>'
    '<tr class="c2"><td class="c7" colspan="1" rowspan="1"><p class="c0"><span class="c3">No screens</span></p>'
    '<p class="c0"><span class="c3">after ten</span></p></td></tr>'
    '<tr class="c2"><td class="c7" colspan="2" rowspan="1"><p class="c0"><span class="c3">Later: whatever '
    "worked</span></p></td></tr>"
    "</tbody></table>"
)


def test_a_google_docs_table_keeps_its_merged_cells_and_styled_marks_without_its_default_spans():
    page = GOOGLE_DOCS_EXPORT.replace(
        '<p class="c0"><span class="c3">Expect to wake more often for a while.</span></p>',
        '<p class="c0"><span class="c3">Expect to wake more often for a while.</span></p>'
        + GOOGLE_DOCS_TABLE,
    )
    parsed = parse_text(page, name="rest.html")
    assert (
        '<table><thead><tr><th scope="col">Night</th><th scope="col">What helps</th></tr></thead><tbody>'
        '<tr><td rowspan="2">First week</td><td>A fixed <em>bedtime</em></td></tr>'
        "<tr><td>No screens<br>after ten</td></tr>"
        '<tr><td colspan="2">Later: whatever worked</td></tr>'
        "</tbody></table>"
    ) in parsed.body_html
    [warning] = [warning for warning in parsed.warnings if "table was read" in warning]
    assert "merged cells" in warning


def test_header_cells_of_a_hand_written_table_are_kept_for_its_columns_and_its_rows():
    parsed = parse_text(
        "<h1>Costs</h1><p>What a week costs.</p>"
        "<table><thead><tr><td></td><th>In network</th><th>Out of network</th></tr></thead>"
        "<tbody><tr><th>IOP</th><td>$20 a day</td><td>Ask us</td></tr>"
        "<tr><th>Testing</th><td>Included</td><td>Included</td></tr></tbody></table>",
        name="costs.html",
    )
    assert (
        '<table><thead><tr><td></td><th scope="col">In network</th><th scope="col">Out of network</th></tr>'
        '</thead><tbody><tr><th scope="row">IOP</th><td>$20 a day</td><td>Ask us</td></tr>'
        '<tr><th scope="row">Testing</th><td>Included</td><td>Included</td></tr></tbody></table>'
    ) in parsed.body_html


def test_a_table_without_header_cells_or_a_bold_first_row_has_no_header():
    parsed = parse_text(
        "<h1>Your First Week</h1><p>Here is what happens when.</p>"
        "<table><tr><td>Monday</td><td>Intake, <b>two hours</b></td></tr>"
        "<tr><td>Tuesday</td><td>Your first group</td></tr></table>",
        name="week.html",
    )
    assert (
        "<table><tbody><tr><td>Monday</td><td>Intake, <strong>two hours</strong></td></tr>"
        "<tr><td>Tuesday</td><td>Your first group</td></tr></tbody></table>"
    ) in parsed.body_html
    [warning] = [warning for warning in parsed.warnings if "table was read" in warning]
    assert "no header row" in warning


def test_a_table_inside_a_table_is_flattened_into_its_cell_with_a_warning():
    parsed = parse_text(
        "<h1>Groups</h1><p>Who leads what.</p>"
        "<table><tr><th>Group</th><th>Leaders</th></tr>"
        "<tr><td>Relapse prevention</td><td><table><tr><td>Dana</td><td>Mondays</td></tr>"
        "<tr><td>Lee</td><td>Thursdays</td></tr></table></td></tr></table>",
        name="groups.html",
    )
    assert (
        "<tr><td>Relapse prevention</td><td>Dana – Mondays<br>Lee – Thursdays</td></tr>" in parsed.body_html
    )
    assert parsed.body_html.count("<table>") == 1
    assert any("inside a table" in warning and "flattened" in warning for warning in parsed.warnings)


def test_layout_tables_are_unwrapped_into_their_content():
    """Some exports and old pages put the whole document in a table, or a box in a one-cell one."""
    page = (
        "<html><body><table width=100%><tr><td width=20%><p>Menu</p></td><td>"
        "<h1>Keeping Your Job During IOP</h1><p>Most people keep working.</p>"
        "<h2>Talking to Your Manager</h2><p>You decide how much to share.</p>"
        "<table border=1><tr><td><p>Tip: <b>keep a copy</b> of every note.</p></td></tr></table>"
        "</td></tr></table></body></html>"
    )
    parsed = parse_text(page, name="job.html")
    assert parsed.title == "Keeping Your Job During IOP"
    assert parsed.sections == [(2, "Talking to Your Manager")]
    assert "<table" not in parsed.body_html
    assert paragraphs(parsed) == [
        "Most people keep working.",
        "You decide how much to share.",
        "Tip: keep a copy of every note.",
    ]
    assert "<p>Tip: <strong>keep a copy</strong> of every note.</p>" in parsed.body_html
    assert not [warning for warning in parsed.warnings if "table was read" in warning]


def test_an_imported_text_message_link_is_kept_as_the_editor_keeps_it():
    """The site links "text 988" (sms:) in its own header, and an editor may in the text: an
    imported page's is kept too, cleaned as the editor's is, while other kinds are still refused."""
    parsed = parse_text(
        "<h1>When you need someone now</h1><p>You can <a href='sms:988'>text 988</a> any time, or "
        "<a href='ftp://files.example/form.pdf'>fill in the form</a>.</p>",
        name="crisis.html",
    )
    assert 'href="sms:988"' in parsed.body_html and ">text 988</a>" in parsed.body_html
    refused = [w for w in parsed.warnings if "kind of address the site does not link to" in w]
    assert len(refused) == 1 and "1 link(s)" in refused[0] and "ftp://files.example/form.pdf" in refused[0]
    assert "only web, email, phone and text-message links are kept" in refused[0]
