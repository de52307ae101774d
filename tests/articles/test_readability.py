"""How hard a text is to read (articles/readability.py), and the warnings about it after saving an
article, a standing page, a location or an FAQ (content_checks.check_readability)."""

import pytest

from articles.content_checks import (
    ARTICLE_PROSE,
    FAQ_PROSE,
    LOCATION_PROSE,
    PAGE_PROSE,
    check_readability,
)
from articles.readability import count_syllables, measure
from tests.articles.test_wording import save_in_admin
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory

# A hard paragraph: long sentences of long words, as a pasted policy document reads.
HARD = (
    "Participation in the intensive outpatient programme necessitates the completion of a "
    "comprehensive biopsychosocial assessment, the documentation of which is subsequently "
    "reviewed by the multidisciplinary clinical team, whose recommendations regarding the "
    "appropriate frequency of attendance are communicated to the individual and, where "
    "authorisation has been provided, to designated family members. "
)
LONG_SENTENCE_START = "Participation in the intensive outpatient programme…"
# One sentence of 38 short words, short enough for a summary.
LONG_SUMMARY = (
    "You can come in the morning or the evening, and you can bring a friend or a family member, and "
    "you can ask us any question you like, and we will answer it as well as we can."
)
# A plain paragraph: the site's voice.
PLAIN = (
    "You come three to five days a week. Each day is about three hours. You sit with a small group. "
    "You can talk, or you can listen. Your therapist sees you on your own once a week. "
    "Most people keep their jobs while they come. "
)


def paragraphs(text, times):
    return "".join(f"<p>{text}</p>" for _ in range(times))


def warnings_about(body, **texts):
    return check_readability(ArticleFactory.build(body=body, **texts), ARTICLE_PROSE)


# --- What is measured ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("the", 1),
        ("calm", 1),
        ("make", 1),
        ("walked", 1),
        ("wanted", 2),
        ("people", 2),
        ("table", 2),
        ("being", 2),
        ("quiet", 2),
        ("usual", 3),
        ("morning", 2),
        ("family", 3),
        ("insurance", 3),
        ("anxiety", 4),
        ("recovery", 4),
        ("medication", 4),
        ("individual", 5),
        ("professional", 4),
    ],
)
def test_syllables_are_estimated_right_for_common_words(word, syllables):
    assert count_syllables(word) == syllables


@pytest.mark.parametrize(
    ("word", "estimate", "said"),
    [("lifeline", 3, 2), ("business", 3, 2), ("create", 1, 2), ("handled", 1, 2)],
)
def test_the_estimate_is_one_off_for_some_words_which_is_why_the_limit_has_a_grade_of_slack(
    word, estimate, said
):
    assert count_syllables(word) == estimate and abs(estimate - said) == 1


def test_the_grade_is_the_flesch_kincaid_grade():
    reading = measure([PLAIN * 4])
    # 0.39 × words per sentence + 11.8 × syllables per word − 15.59
    expected = (
        0.39 * reading.words / len(reading.sentences) + 11.8 * reading.syllables / reading.words - 15.59
    )
    assert reading.grade == round(expected, 1)
    assert reading.grade < 4
    assert measure([HARD * 3]).grade > 20


def test_sentences_end_where_a_reader_sees_them_end():
    reading = measure(
        [
            "Dr. Hale meets you at 9 a.m. on your first day, e.g. a Monday. Then you join the group! "
            "Is that all? “Yes,” she says. It is."
        ]
    )
    assert [sentence.words for sentence in reading.sentences] == [13, 5, 3, 3, 2]


def test_addresses_numbers_and_phone_numbers_are_not_words():
    reading = measure(
        ["Call (470) 284-1834 or write to help@example.org, or see https://www.samhsa.gov/find-help."]
    )
    assert reading.words == 6  # Call, or, write, to, or, see


# --- The warnings ----------------------------------------------------------------------------


def test_a_hard_text_warns_with_its_grade_and_its_longest_sentence_quoted():
    warnings = warnings_about(paragraphs(HARD, 3))
    assert warnings[0].startswith("The text reads at about grade ")
    assert "(Flesch–Kincaid), above the grade 8 the site aims for" in warnings[0]
    assert (
        "Its sentences have 49 words on average: shorter ones, of 15 to 20, bring it down most."
        in warnings[0]
    )
    assert warnings[1] == (
        f"3 sentences in the text have over 30 words (they have: 49 words (“{LONG_SENTENCE_START}”), "
        f"49 words (“{LONG_SENTENCE_START}”), 49 words (“{LONG_SENTENCE_START}”)). The site aims for under "
        "25 words a sentence: split each where it says “and” or “but”, or make it a list."
    )
    assert len(warnings) == 2


def test_a_text_of_long_words_is_told_about_its_words():
    words = "Individual medication evaluation necessitates comprehensive consultation. " * 20
    [warning] = warnings_about(f"<p>{words}</p>")
    assert "Its words are long: everyday ones bring it down" in warning


def test_only_the_three_longest_sentences_are_quoted_longest_first():
    longer = "Please " + "read this very long sentence again and again, " * 7 + "then stop. "
    body = f"<p>{HARD}</p><p>{longer}</p><p>{HARD}</p><p>{HARD}</p>"
    warning = next(warning for warning in warnings_about(body) if "sentences in the text" in warning)
    assert warning.startswith(
        "4 sentences in the text have over 30 words (the longest: 59 words (“Please read this very long "
        f"sentence…”), 49 words (“{LONG_SENTENCE_START}”), 49 words"
    )


def test_one_long_sentence_in_a_short_text_is_pointed_out_but_gets_no_grade():
    assert warnings_about(f"<p>{HARD}</p>") == [
        f"A sentence in the text has 49 words (“{LONG_SENTENCE_START}”). The site aims for under 25 words "
        "a sentence: split each where it says “and” or “but”, or make it a list."
    ]


def test_a_plain_text_raises_no_warning():
    assert warnings_about(paragraphs(PLAIN, 6)) == []


def test_a_short_text_gets_no_grade_however_hard_its_words():
    # Two sentences of long words: a grade from so few words would be noise.
    text = "<p>Comprehensive evaluation precedes admission. Authorisation necessitates documentation.</p>"
    assert measure(["Comprehensive evaluation precedes admission."]).grade is None
    assert warnings_about(text) == []


def test_a_wall_of_text_is_pointed_out_with_its_first_words():
    wall = "Most people keep their jobs while they come to the group each week. " * 10
    warnings = warnings_about(f"<p>Short first.</p><p>{wall}</p>")
    assert warnings == [
        "A paragraph in the text has 130 words (“Most people keep their jobs while…”): on a phone that is "
        "a screen of text with no break. Split it in two where the subject changes; if it names "
        "several things, a list may read more easily."
    ]


def test_the_summary_is_read_too():
    summary = HARD.strip()
    [warning] = check_readability(ArticleFactory.build(summary=summary), ARTICLE_PROSE)
    assert warning.startswith("A sentence in the summary has 49 words")


# --- What is not running prose ---------------------------------------------------------------


def test_a_clients_words_in_a_quote_are_theirs_and_not_measured():
    body = f"<blockquote><p>{HARD * 3}</p><blockquote><p>{HARD}</p></blockquote></blockquote>"
    assert warnings_about(body + paragraphs(PLAIN, 2)) == []


def test_headings_tables_and_short_list_items_are_not_measured():
    heading = "<h2>" + "Comprehensive multidisciplinary biopsychosocial evaluation " * 8 + "</h2>"
    table = f"<table><caption>{HARD}</caption><tr><th>{HARD}</th><td>{HARD * 3}</td></tr></table>"
    items = "<ul>" + "<li>Individualised pharmacological consultation</li>" * 40 + "</ul>"
    assert warnings_about(heading + table + items + paragraphs(PLAIN, 2)) == []


def test_a_long_list_item_is_prose_and_is_measured():
    [warning] = warnings_about(f"<ul><li>Group therapy</li><li>{HARD}</li></ul>")
    assert warning.startswith(f"A sentence in the text has 49 words (“{LONG_SENTENCE_START}”)")


@pytest.mark.django_db
def test_a_testimonial_is_a_clients_own_words_and_is_not_measured(staff_client):
    from tests.factories import TestimonialFactory

    testimonial = TestimonialFactory(quote=(HARD * 3).strip())
    assert save_in_admin(staff_client, testimonial) == []


@pytest.mark.parametrize(
    "body",
    [
        "",
        "<p></p>",
        "<table><tr><td>9 a.m.</td><td>Group</td></tr></table>",
        "<ul><li>Group</li><li>Family</li></ul>",
        "<p>" + " ".join(["and"] * 5000) + "</p>",
        "<p>¿Habla español? Sí, y hablamos con su familia también. 我们会帮助你。 Ελληνικά; עברית. 🙂</p>",
        "<p>...</p><p>!!! ??? </p><p>https://example.org/a_b</p><p>(470) 284-1834</p>",
        "<p><strong>Un</strong>finished <br> <i>",
    ],
)
def test_odd_text_never_fails(body):
    assert isinstance(warnings_about(body), list)


def test_a_single_sentence_of_5000_words_is_one_long_sentence():
    [grade, sentence, wall] = warnings_about("<p>" + "and we " * 2500 + "</p>")
    assert "reads at about grade" in grade
    assert sentence.startswith("A sentence in the text has 5,000 words (“and we and we and we…”)")
    assert wall.startswith("A paragraph in the text has 5,000 words")


# --- Each kind, and in the admin --------------------------------------------------------------


@pytest.mark.parametrize(
    ("factory", "texts", "field", "where"),
    [
        (PageFactory, PAGE_PROSE, "body", "the text"),
        (LocationFactory, LOCATION_PROSE, "summary", "the summary"),
        (FAQFactory, FAQ_PROSE, "answer", "the answer to “Will my family be told?”"),
    ],
)
def test_every_kind_of_text_names_the_place(factory, texts, field, where):
    value = f"<p>{HARD}</p>" if field != "summary" else LONG_SUMMARY
    obj = (
        factory.build(question="Will my family be told?", **{field: value})
        if factory is FAQFactory
        else (factory.build(**{field: value}))
    )
    assert [warning.split(" has ")[0] for warning in check_readability(obj, texts)] == [
        f"A sentence in {where}"
    ]


@pytest.mark.parametrize(
    ("factory", "texts"),
    [
        (ArticleFactory, ARTICLE_PROSE),
        (PageFactory, PAGE_PROSE),
        (LocationFactory, LOCATION_PROSE),
        (FAQFactory, FAQ_PROSE),
    ],
)
def test_the_test_factories_write_plainly(factory, texts):
    assert check_readability(factory.build(), texts) == []


@pytest.mark.django_db
def test_checking_makes_no_query(django_assert_num_queries):
    article = ArticleFactory(body=paragraphs(HARD, 3))
    with django_assert_num_queries(0):
        assert len(check_readability(article, ARTICLE_PROSE)) == 2


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "value", "warning"),
    [
        (
            ArticleFactory,
            "body",
            f"<h2>Who comes</h2>{paragraphs(HARD, 3)}",
            "Check: The text reads at about grade",
        ),
        (PageFactory, "body", f"<p>{HARD}</p>", "Check: A sentence in the text has 49 words"),
        (LocationFactory, "body", f"<p>{HARD}</p>", "Check: A sentence in the text has 49 words"),
        (LocationFactory, "summary", LONG_SUMMARY, "Check: A sentence in the summary has 38 words"),
    ],
)
def test_the_editor_reads_the_warning_after_saving_and_the_save_goes_through(
    staff_client, factory, field, value, warning
):
    obj = factory()
    warnings = save_in_admin(staff_client, obj, **{field: value})
    assert [message for message in warnings if message.startswith(warning)], warnings
    obj.refresh_from_db()
    assert getattr(obj, field) == value


@pytest.mark.django_db
def test_an_faq_answer_is_named_by_its_question_after_saving(staff_client):
    faq = FAQFactory()
    warnings = save_in_admin(staff_client, faq, question="Will my family be told?", answer=f"<p>{HARD}</p>")
    assert warnings == [
        f"Check: A sentence in the answer to “Will my family be told?” has 49 words (“{LONG_SENTENCE_START}”). "
        "The site aims for under 25 words a sentence: split each where it says “and” or “but”, or make it "
        "a list."
    ]


@pytest.mark.django_db
def test_a_plain_answer_saves_without_a_word_of_advice(staff_client):
    faq = FAQFactory()
    assert save_in_admin(staff_client, faq, answer=f"<p>{PLAIN}</p>") == []
