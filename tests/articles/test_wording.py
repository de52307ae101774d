"""Words that label the reader or promise results (articles/wording.py), and the warnings about
them after saving an article, a standing page, a location or an FAQ (content_checks.check_wording)."""

import pytest

from articles.content_checks import (
    ARTICLE_TEXTS,
    FAQ_TEXTS,
    LOCATION_TEXTS,
    PAGE_TEXTS,
    check_wording,
)
from articles.wording import find, prepare
from tests.admin_forms import admin_form_data, change_url
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory


def found(text):
    """The words of the list in plain `text`, as found."""
    prepared = prepare(text)
    return [prepared[start:end] for _, start, end in find(prepared)]


def article_warnings(**texts):
    return check_wording(ArticleFactory.build(**texts), ARTICLE_TEXTS)


@pytest.mark.parametrize(
    ("text", "word"),
    [
        # Labels
        ("Most addicts who come to us keep their jobs.", "addicts"),
        ("He was an addict for years.", "addict"),
        ("An ex-addict leads the group.", "ex-addict"),
        ("Recovering alcoholics meet on Tuesdays.", "Recovering alcoholics"),
        ("Being an alcoholic is not a choice.", "alcoholic"),
        ("My father was a high-functioning alcoholic.", "alcoholic"),
        ("Alcoholics often hide it well.", "Alcoholics"),
        ("Nobody is just a junkie.", "junkie"),
        ("Crack-heads, they called us.", "Crack-heads"),
        ("A pot head", "pot head"),
        ("The drunk at the bar", "drunk"),
        ("Drunks are people too.", "Drunks"),
        ("Substance abuse is common.", "Substance abuse"),
        ("Treatment for drug-abuse", "drug-abuse"),
        ("Many abusers hide it.", "abusers"),
        ("A substance abuser", "substance abuser"),
        ("Abusing prescription drugs", "Abusing prescription drugs"),
        ("Services for drug users", "drug users"),
        ("A heroin habit costs more than money.", "heroin habit"),
        # Clean and dirty, of people and of drug tests
        ("How I stay clean.", "stay clean"),
        ("She got clean in 2019.", "got clean"),
        ("Clean and sober for a year", "Clean and sober"),
        ("A dirty urine means a talk, not a punishment.", "dirty urine"),
        ("A clean drug screen", "clean drug screen"),
        ("His test came back dirty.", "came back dirty"),
        # Promises
        ("We guarantee results.", "guarantee"),
        ("Guaranteed sobriety in 30 days", "Guaranteed"),
        ("We cure your addiction.", "cure"),
        ("You will be cured.", "cured"),
        ("A 100% success story", "100% success"),
        ("100 percent of our clients finish.", "100 percent of our clients"),
        ("Our success rate is the best in Georgia.", "success rate"),
        ("Leave and never relapse.", "never relapse"),
        ("Permanently sober, for good", "Permanently sober"),
        ("A permanent recovery", "permanent recovery"),
    ],
)
def test_each_kind_of_word_is_found_as_written(text, word):
    assert found(text) == [word]


@pytest.mark.parametrize(
    "text",
    [
        "Alcoholic drinks and alcoholic beverages are served at many work events.",
        "An alcoholic drink a day still counts.",
        "Your information is secure. We procure nothing. Insecurity is common. Curely, curious.",
        "Wash with clean hands; keep a clean kitchen; dirty dishes can wait.",
        "A relapse is not a failure. Many people relapse and come back.",
        "Meetings of Alcoholics Anonymous and Adult Children of Alcoholics are nearby.",
        "The National Institute on Drug Abuse and the Substance Abuse and Mental Health Services "
        "Administration publish guidance.",
        "Addiction is an illness. Addicted? Addictive?",
        "Screen reader users and every user of this site.",
        "People who lived through abuse are welcome here.",
        "Your visit is 100% confidential and your plan may cover 100% of the cost.",
        "No program can guarantee results. There is no cure, and we don't guarantee anything.",
        "We cannot promise you'll never relapse.",
        "He got drunk at a party. A drunk driver hit her car.",
    ],
)
def test_false_friends_and_honest_sentences_are_left_alone(text):
    assert found(text) == []


def test_case_curly_apostrophes_and_hyphens_as_pasted_are_read_as_typed():
    assert found("ADDICTS’ families") == ["ADDICTS"]
    assert found("an addict’s family") == ["addict"]
    assert found("ex\u2011addicts") == ["ex-addicts"]  # a non-breaking hyphen
    assert found("ad\u00addicts") == ["addicts"]  # a soft hyphen, from a word processor
    assert found("abusers") == ["abusers"] and found("abuser") == ["abuser"]


def test_a_word_in_quotation_marks_of_its_own_is_mentioned_not_used():
    assert found("Do I have to call myself an “addict”?") == []
    assert found("The word 'junkie' hurts.") == []
    assert found("an “addict” and an addict") == ["addict"]


def test_words_in_addresses_and_code_like_text_are_left_alone():
    assert found("See https://example.org/addicts-guide or write to addicts@example.org.") == []
    assert found("The file cure_guide.pdf and www.cure.example") == []


def test_the_warning_names_the_word_its_place_its_context_and_what_to_say():
    body = "<p>Over the years most addicts who come to us have tried to stop alone.</p>"
    assert article_warnings(body=body) == [
        "“addicts” in the text (“…the years most addicts who come to…”): the site puts the person "
        "first: “a person with a substance use disorder”, “people who use drugs”."
    ]


def test_a_word_used_again_and_again_gives_one_warning_with_its_count():
    body = "".join(f"<p>Paragraph {n}: addicts and Addicts again.</p>" for n in range(25))
    [warning] = article_warnings(body=body)
    assert warning.startswith(
        "“addicts” in the text, 50 times (the first: “Paragraph 0: addicts and Addicts again.”)"
    )


def test_each_word_and_each_text_gets_its_own_warning():
    warnings = article_warnings(
        title="Why we guarantee results",
        summary="Guaranteed: addicts welcome.",
        body="<p>An addict, two addicts.</p>",
        seo_title="",
        meta_description="",
    )
    assert [warning.split(" (")[0] for warning in warnings] == [
        "“guarantee” in the title",
        "“Guaranteed” in the summary",
        "“addicts” in the summary",
        "“addict” in the text",
        "“addicts” in the text",
    ]


def test_headings_list_items_and_link_words_are_checked_but_not_link_addresses():
    body = (
        "<h2>Junkies</h2><ul><li>Stay clean</li><li>Substance abuse</li></ul>"
        '<p><a href="/articles/a-cure/">what can help</a> <a href="/articles/help/">success rates</a></p>'
    )
    words = [warning.split("”")[0].lstrip("“") for warning in article_warnings(body=body)]
    assert words == ["Junkies", "Stay clean", "Substance abuse", "success rates"]


def test_a_clients_words_in_a_quote_are_theirs():
    body = (
        "<blockquote><p>I was a junkie, and now I am clean and sober.</p>"
        "<blockquote><p>A quote in a quote: addicts.</p></blockquote><p>Still quoted: drunks.</p></blockquote>"
        "<p>After the quote, our own words: drunks.</p>"
    )
    [warning] = article_warnings(body=body)
    assert warning.startswith("“drunks” in the text (“…our own words: drunks.”)")


def test_tags_inside_a_word_keep_it_whole_and_blocks_keep_words_apart():
    assert article_warnings(body="<p><strong>Add</strong>icts</p>")[0].startswith("“Addicts”")
    # "stay" ends one item and "clean" starts the next: not "stay clean".
    assert article_warnings(body="<ul><li>Where to stay</li><li>clean towels</li></ul>") == []


@pytest.mark.parametrize(
    ("factory", "texts", "field", "where"),
    [
        (PageFactory, PAGE_TEXTS, "summary", "the summary"),
        (LocationFactory, LOCATION_TEXTS, "services", "the services"),
        (FAQFactory, FAQ_TEXTS, "question", "the question"),
        (FAQFactory, FAQ_TEXTS, "answer", "the answer"),
    ],
)
def test_every_kind_of_text_names_the_place_of_the_word(factory, texts, field, where):
    obj = factory.build(**{field: "Results guaranteed."})
    assert [warning.split(" (")[0] for warning in check_wording(obj, texts)] == [f"“guaranteed” in {where}"]


@pytest.mark.django_db
def test_checking_makes_no_query(django_assert_num_queries):
    article = ArticleFactory(body="<p>Addicts, guaranteed.</p>")
    with django_assert_num_queries(0):
        assert len(check_wording(article, ARTICLE_TEXTS)) == 2


# --- In the admin: after saving, never blocking the save --------------------------------------


def save_in_admin(client, obj, **changes):
    data = admin_form_data(client.get(change_url(obj)))
    data.update(changes)
    response = client.post(change_url(obj), data, follow=True)
    assert response.status_code == 200
    assert "adminform" not in response.context, response.context["adminform"].form.errors  # saved
    return [str(message) for message in response.context["messages"] if str(message).startswith("Check:")]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "field", "value", "warning"),
    [
        (
            ArticleFactory,
            "body",
            "<h2>Who comes</h2><p>Most addicts who come to us work.</p>",
            "“addicts” in the text",
        ),
        (
            PageFactory,
            "body",
            "<h2>Our promise</h2><p>We guarantee your recovery.</p>",
            "“guarantee” in the text",
        ),
        (LocationFactory, "summary", "A quiet place to get clean.", "“get clean” in the summary"),
        (FAQFactory, "answer", "<p>Yes: our success rate is high.</p>", "“success rate” in the answer"),
    ],
)
def test_the_editor_reads_the_warning_after_saving_and_the_save_goes_through(
    staff_client, factory, field, value, warning
):
    obj = factory()
    warnings = save_in_admin(staff_client, obj, **{field: value})
    assert [message for message in warnings if message.startswith(f"Check: {warning} (")], warnings
    obj.refresh_from_db()
    assert getattr(obj, field) == value


@pytest.mark.django_db
def test_an_faq_question_is_checked_after_saving(staff_client):
    faq = FAQFactory()
    warnings = save_in_admin(staff_client, faq, question="Do you turn addicts away?")
    assert [warning.split(":")[0] for warning in warnings] == ["Check"]
    assert warnings[0].startswith("Check: “addicts” in the question (“Do you turn addicts away?”)")


@pytest.mark.django_db
def test_a_question_promises_nothing_its_answer_is_what_is_checked(staff_client):
    """Readers ask "Can IOP cure my drinking?"; the site must not answer "Yes, we cure it."."""
    faq = FAQFactory()
    assert save_in_admin(staff_client, faq, question="Can IOP cure my drinking?") == []
    warnings = save_in_admin(
        staff_client, faq, question="Can IOP cure my drinking?", answer="<p>Yes: we cure it for good.</p>"
    )
    assert [warning.split(" (")[0] for warning in warnings] == ["Check: “cure” in the answer"]
    assert found("Is there a cure? We guarantee one.") == ["guarantee"]
    assert found("Will I be cured, or will it come back?") == []


@pytest.mark.django_db
def test_a_testimonial_is_a_clients_own_words_and_is_not_checked(staff_client):
    from tests.factories import TestimonialFactory

    testimonial = TestimonialFactory(quote="I was a junkie. Now I am clean and sober.")
    assert save_in_admin(staff_client, testimonial) == []


@pytest.mark.parametrize(
    ("factory", "texts"),
    [
        (ArticleFactory, ARTICLE_TEXTS),
        (PageFactory, PAGE_TEXTS),
        (LocationFactory, LOCATION_TEXTS),
        (FAQFactory, FAQ_TEXTS),
    ],
)
def test_the_test_factories_write_in_the_sites_voice(factory, texts):
    """Tests that count the warnings after a save would otherwise count these too."""
    assert check_wording(factory.build(), texts) == []


def test_a_pictures_description_is_checked_as_screen_readers_read_it():
    body = '<p>Our group room.</p><p><img src="/media/editor/room.jpg" alt="Recovering addicts in group"></p>'
    assert [warning.split(" (")[0] for warning in article_warnings(body=body)] == [
        "“Recovering addicts” in a picture's description in the text"
    ]
    calm = '<p><img src="/media/editor/room.jpg" alt="Eight chairs in a circle"></p>'
    assert article_warnings(body=calm) == []
