"""Site search: finds the right page, ranks titles first, survives any query, never trusts stored HTML."""

import pytest
from django.urls import reverse

from carter_site.search import MAX_QUERY_LENGTH, clean_query, query_words, search, signals_crisis
from tests.factories import ArticleFactory, FAQFactory, LocationFactory, PageFactory

from .helpers import parse, text

pytestmark = pytest.mark.django_db

ODD_QUERIES = [
    "",
    "   ",
    "'",
    '"',
    '"unbalanced quote',
    "''",
    "&",
    "&&",
    "%",
    "%%",
    "_",
    "100%",
    "a & b | c ! d",
    "(",
    ")(",
    ":*",
    "\\",
    "-",
    "--",
    "or",
    "the",
    "<>&'\"",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<mark>week</mark>",
    "' OR 1=1; --",
    "'; DROP TABLE articles_article; --",
    "SELECT * FROM auth_user",
    "😀",
    "IOP 😀 week",
    "café naïve",
    "\x00",
    "week\x00group",
    "\x01\x02\x1f",
    "\u202e\u2028",
    "week " * 300,
    "x" * 5000,
]


def seen(element):
    """The text of `element` as it shows on the screen: without what is there for screen readers only."""
    parts = [element.text or ""]
    for child in element:
        if "visually-hidden" not in child.get("class", ""):
            parts.append(seen(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def results_of(response):
    """[(group heading, [titles])] as a reader sees them."""
    main = parse(response.content.decode()).find(".//main")
    groups = []
    for section in main.iter("section"):
        if "search-group" not in section.get("class", ""):
            continue
        titles = [seen(h3) for h3 in section.iter("h3")]
        groups.append((text(section.find("h2")), titles))
    return groups


def test_results_of_each_kind_are_told_apart_when_read_as_a_list_of_links(client, db):
    ArticleFactory(title="Does insurance cover IOP?", slug="insurance")
    FAQFactory(question="Does insurance cover IOP?", answer="<p>Most plans do.</p>")
    page = parse(client.get(reverse("search"), {"q": "insurance"}).content.decode())
    names = {
        text(link): link.get("href") for link in page.find(".//main").iter("a") if "?" not in text(link)[-1:]
    }
    names = {name: href for name, href in names.items() if name.startswith("Does insurance")}
    assert sorted(names) == ["Does insurance cover IOP? (article)", "Does insurance cover IOP? (question)"]
    assert len(set(names.values())) == 2


@pytest.fixture
def library(db):
    relapse_title = ArticleFactory(
        title="Relapse is not the end of your story",
        slug="relapse-title",
        summary="What to do in the first days after you use again.",
        body="<p>Many people come back to treatment. Coming back is part of getting better.</p>",
    )
    relapse_body = ArticleFactory(
        title="A week on the evening track",
        slug="evening-track",
        summary="How the evening schedule fits around work.",
        body="<p>"
        + "Groups meet after work and you are home by nine. " * 40
        + "Talking about a relapse helps.</p>",
    )
    draft = ArticleFactory(draft=True, title="Relapse draft", slug="relapse-draft")
    faq = FAQFactory(
        question="Will my employer find out?",
        answer="<p>No. What you share stays private &amp; <strong>confidential</strong>.</p>",
    )
    hidden_faq = FAQFactory(question="Hidden employer question?", is_published=False)
    location = LocationFactory(
        name="Alpharetta", slug="alpharetta", city="Alpharetta", summary="Close to GA-400."
    )
    return {
        "relapse_title": relapse_title,
        "relapse_body": relapse_body,
        "draft": draft,
        "faq": faq,
        "hidden_faq": hidden_faq,
        "location": location,
    }


@pytest.mark.parametrize("query", ODD_QUERIES, ids=range(len(ODD_QUERIES)))
def test_odd_queries_get_a_calm_page_never_an_error(client, library, query):
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    parse(html)  # well-formed, whatever was typed
    assert "<script>alert" not in html and "<img src=x" not in html
    assert html.count("<mark>") == html.count("</mark>")
    field = next(i for i in parse(html).iter("input") if i.get("id") == "search-page-q")
    assert len(field.get("value")) <= MAX_QUERY_LENGTH
    assert "\x00" not in field.get("value")


def test_odd_query_strings_in_the_raw_url_are_fine_too(client, library):
    for raw in ["q=%00", "q=%FF%FE", "q=%", "q=a&q=b", "q[]=x", "q=%E2%80%AE", "q=" + "%25" * 400]:
        response = client.get(f"{reverse('search')}?{raw}")
        assert response.status_code == 200, raw


def test_a_very_long_query_is_shortened_and_says_so(client, library):
    response = client.get(reverse("search"), {"q": "relapse " * 100})
    html = response.content.decode()
    assert "we used its first 200 characters" in html
    assert len(response.context["query"]) <= MAX_QUERY_LENGTH


def test_clean_query_removes_control_characters_and_extra_space():
    assert clean_query("  week\x00 \t group\x7f ") == "week group"
    assert clean_query(None) == ""
    assert len(clean_query("a" * 1000)) == MAX_QUERY_LENGTH


def test_marks_that_reverse_the_direction_of_text_are_removed(client):
    """Echoed back in the heading and the title, they would show the visitor's words reversed."""
    for mark in ("\u202e", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u200e", "\u202b"):
        assert clean_query(f"{mark}988 llac t'nod") == "988 llac t'nod"
    html = client.get("/search/", {"q": "\u202e988 llac t'nod"}).content.decode()
    assert "\u202e" not in html and "988 llac" in html


def test_search_finds_live_articles_faqs_and_locations_only(client, library):
    response = client.get(reverse("search"), {"q": "relapse"})
    groups = dict(results_of(response))
    assert set(groups["Articles"]) == {library["relapse_title"].title, library["relapse_body"].title}
    assert "Relapse draft" not in response.content.decode()

    groups = dict(results_of(client.get(reverse("search"), {"q": "employer"})))
    assert groups == {"Questions and answers": ["Will my employer find out?"]}

    groups = dict(results_of(client.get(reverse("search"), {"q": "alpharetta"})))
    assert groups["Locations"] == ["Alpharetta"]


def test_search_finds_published_standing_pages_by_their_words(client, db):
    PageFactory(
        title="Privacy on this website",
        slug="privacy",
        summary="What this website keeps when you visit it.",
        body="<h2>Cookies</h2><p>Reading this site sets no cookies at all.</p>",
    )
    PageFactory(title="Old cookie notice", slug="old-cookies", is_published=False)
    response = client.get(reverse("search"), {"q": "cookies"})
    assert dict(results_of(response)) == {"Notices and statements": ["Privacy on this website"]}
    # Its own heading: the footer's links to the same pages are under "About this site", and a
    # screen reader's list of headings would give that name twice.
    headings = [text(h2) for h2 in parse(response.content.decode()).iter("h2")]
    assert len(headings) == len(set(headings)), headings
    html = response.content.decode()
    assert 'href="/privacy/"' in html and "(page)" in html
    assert "<mark>cookies</mark>" in html
    assert "Old cookie notice" not in html


def test_a_title_match_ranks_above_a_single_mention_in_the_body(client, library):
    """On both databases; PostgreSQL with weighted tsvectors, SQLite with the same weights."""
    articles = dict(results_of(client.get(reverse("search"), {"q": "relapse"})))["Articles"]
    assert articles == [library["relapse_title"].title, library["relapse_body"].title]


@pytest.mark.postgres_only
def test_postgres_ranks_by_weight_and_stems_words(library):
    results = search("relapses")  # stemmed: matches "relapse"
    articles = next(group for group in results.groups if group.key == "articles")
    assert [hit.title for hit in articles.hits] == [
        library["relapse_title"].title,
        library["relapse_body"].title,
    ]
    assert articles.hits[0].rank > articles.hits[1].rank
    # websearch syntax: a quoted phrase and an excluded word.
    results = search('"evening track" -relapse')
    assert [hit.title for group in results.groups for hit in group.hits] == []
    results = search('"evening track"')
    assert [hit.title for group in results.groups for hit in group.hits] == [library["relapse_body"].title]


@pytest.mark.postgres_only
def test_postgres_ranks_a_question_match_above_an_answer_match(db):
    in_answer = FAQFactory(
        question="How long does IOP last?", answer="<p>Most people stay about six weeks.</p>"
    )
    in_question = FAQFactory(question="What if I miss a few weeks?", answer="<p>Call us and come back.</p>")
    hits = search("weeks").groups[0].hits
    assert [hit.title for hit in hits] == [in_question.question, in_answer.question]


@pytest.mark.postgres_only
def test_the_stored_documents_are_the_ones_search_would_build(db):
    """Articles and FAQs keep their search document in a generated column (their migrations);
    it must stay exactly the expression carter_site.search builds, after any kind of write."""
    from django.db.models import TextField
    from django.db.models.functions import Cast

    from articles.models import Article
    from carter_site.search import _PostgresEngine as engine
    from faqs.models import FAQ

    article = ArticleFactory(
        title="Relapse &amp; recovery",
        summary="After a slip.",
        body="<h2>First</h2><p>Come <em>back</em>.</p>",
    )
    ArticleFactory(summary="", body="")
    FAQFactory(question="Is it private?", answer="<p>Yes, <strong>always</strong>.</p>")
    Article.objects.filter(pk=article.pk).update(body="<ul><li>Changed without a save signal</li></ul>")
    for model in (Article, FAQ):
        pairs = model.objects.annotate(
            stored=Cast(engine.stored_document(model), TextField()),
            built=Cast(engine.document(model), TextField()),
        ).values_list("stored", "built")
        assert pairs and all(stored == built for stored, built in pairs), list(pairs)
    assert (
        "'chang':"
        in Article.objects.annotate(stored=Cast(engine.stored_document(Article), TextField()))
        .get(pk=article.pk)
        .stored
    )


@pytest.mark.postgres_only
def test_search_reads_the_indexed_documents_instead_of_building_them(library):
    """Building every row's document on every query cost about 70 ms with 200 articles."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        search("relapse employer")
    for table in ("articles_article", "faqs_faq"):
        (sql,) = [q["sql"] for q in captured if f'FROM "{table}"' in q["sql"]]
        assert f'"{table}"."search_document") @@' in sql
        assert "to_tsvector" not in sql
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [f"{table}_search_document"]
            )
            assert cursor.fetchone()[0].endswith("USING gin (search_document)")


def test_snippets_highlight_matches_and_escape_stored_text(client, library):
    response = client.get(reverse("search"), {"q": "confidential"})
    html = response.content.decode()
    snippet = next(p for p in parse(html).iter("p") if "search-result__snippet" in p.get("class", ""))
    assert [text(mark) for mark in snippet.iter("mark")] == ["confidential"]
    assert "<strong>" not in html[html.index("<main") :]  # stored markup is text, never tags
    assert "private &amp; " in html  # decoded once from the stored entity, escaped once for HTML


def test_snippets_keep_headings_and_list_items_apart(client, db):
    ArticleFactory(
        title="When coping stops working",
        summary="How to tell, and what helps.",
        body="<h2>Signs your coping has <strong>stopped working</strong></h2><p>There is no single line.</p>"
        "<ul><li>switching between the morning and evening tracks</li><li>attending a closer location</li></ul>",
    )
    snippets = {}
    for query in ("stopped", "tracks"):
        html = client.get(reverse("search"), {"q": query}).content.decode()
        snippet = next(p for p in parse(html).iter("p") if "search-result__snippet" in p.get("class", ""))
        snippets[query] = " ".join(text(snippet).split())
    assert "working · There is no single line." in snippets["stopped"], snippets
    assert "evening tracks · attending a closer location" in snippets["tracks"], snippets


def test_stored_text_that_looks_like_markup_is_shown_as_text(client, db):
    ArticleFactory(title="Coping with <anger> & relapse", summary='A "quoted" <b>summary</b> about relapse.')
    html = client.get(reverse("search"), {"q": "relapse"}).content.decode()
    main = html[html.index("<main") :]
    assert "&lt;anger&gt; &amp; relapse" in main
    assert "<b>" not in main  # shown as text (SQLite) or dropped as a tag by PostgreSQL's parser
    assert "summary" in main and "<mark>relapse</mark>" in main


def test_no_results_is_a_calm_message_with_a_way_to_call(client, library):
    response = client.get(reverse("search"), {"q": "zebra quantum"})
    html = response.content.decode()
    assert "Nothing matched “zebra quantum”" in html
    assert "call us" in html and 'href="tel:+14702841834"' in html
    assert results_of(response) == []
    # Never a dead end: the questions, the locations (a reader near one may call it) and the phone.
    empty = next(div for div in parse(html).iter("div") if "search__empty" in div.get("class", ""))
    assert {a.get("href") for a in empty.iter("a")} == {"/faqs/", "/locations/", "tel:+14702841834"}


def phone_box(html):
    """The box that answers a search for one of our numbers, or None."""
    return next(
        (
            section
            for section in parse(html).iter("section")
            if section.get("aria-labelledby") == "search-phone"
        ),
        None,
    )


@pytest.mark.parametrize(
    "typed",
    ["470-284-1834", "(470) 284-1834", "470.284.1834", "+1 470 284 1834", "1-470-284-1834", "284-1834"],
)
def test_our_number_typed_in_any_form_offers_the_way_to_call(client, library, typed):
    """With dashes it found nothing, and "Nothing matched" answered someone who wants to call."""
    html = client.get(reverse("search"), {"q": typed}).content.decode()
    box = phone_box(html)
    assert text(box.find("h2")) == "That is our number"
    assert [a.get("href") for a in box.iter("a")] == ["tel:+14702841834"]
    assert "Nothing matched" not in html
    assert "Talk it through with us" not in html  # one box with the number, not two


def test_a_locations_own_number_leads_to_the_location_and_its_line(client, library):
    LocationFactory(name="Jefferson", slug="jefferson", city="Jefferson", phone="(706) 555-0142")
    html = client.get(reverse("search"), {"q": "706 555 0142"}).content.decode()
    box = phone_box(html)
    assert [a.get("href") for a in box.iter("a")] == ["/locations/jefferson/", "tel:+17065550142"]
    assert "Jefferson location" in text(box)


@pytest.mark.parametrize("typed", ["(678) 555-0199", "555-0199", "30041", "1834", "988"])
def test_a_number_that_is_not_ours_gets_no_phone_box(client, library, typed):
    html = client.get(reverse("search"), {"q": typed}).content.decode()
    assert phone_box(html) is None


CRISIS_SEARCHES = [
    "suicide",
    "Kill myself",
    "i want to die",
    "I can’t go on",
    "self-harm",
    "overdose help",
    "988",
    "CRISIS",
    "what to do in an emergency",
    # Typed in distress, on a phone: slips, "my self", and ways of saying it without the word.
    "sucide",
    "suicde hotline",
    "suiside",
    "sucidal thoughts",
    "kill my self",
    "hang myself",
    "wish i was dead",
    "I want to end it",
    "end my own life",
    "unalive",
    "OD’d last night",
    "alcohol poisoning",
    "withdrawal seizures",
    "wanna die",
]

# An overdose or a body in danger, said in plain words by the person or by someone beside them,
# and ways of saying "suicide" without the word. None of these showed the line before.
DANGER_IN_PLAIN_WORDS = [
    # What the review typed.
    "took too many pills",
    "too many pills",
    "mixed xanax and alcohol",
    "cant breathe",
    "can't breathe",
    "I can’t breathe",
    "seizure",
    "ending it",
    # Too much of something, or drugs that slow breathing taken with alcohol.
    "I took too much",
    "too much fentanyl",
    "swallowed a bottle of pills",
    "took all my pills",
    "mixing benzos and alcohol",
    "took xanax and drank",
    "what to do if someone overdoses",
    # Breathing, waking, the heart, seen by someone beside them.
    "I cannot breathe",
    "he stopped breathing",
    "hard to breath",
    "he won’t wake up",
    "friend not waking up",
    "she is unresponsive",
    "passed out and will not wake",
    "having seizures",
    "he is seizing",
    "lips turning blue",
    "blue lips",
    "chest pain",
    "heart attack",
    "vomiting blood",
    "call an ambulance",
    # Ending one's life, said without the word.
    "end it",
    "I want to give up on life",
    "no way out",
    "nothing to live for",
    "I do not want to live",
    "can’t take it anymore",
    "i dont want to wake up",
    "kms",
]

# Said in distress on a phone, found by searching as visitors do; none showed the line before.
DANGER_SAID_OTHERWISE = [
    "relapsed and scared",
    "i relapsed and im scared",
    "scared i relapsed",
    "relapsed and afraid",
    "life isn't worth it",
    "life is not worth it anymore",
    "everyone would be better off without me",
    "nobody would miss me",
    "i shouldnt be here",
    "i want to disappear",
    "i want to sleep forever",
    "I want it all to end",
    "i hate my life",
    "took to many pills",
    "my friend is unconscious",
]

# Ordinary searches on this site, some with a word of the lists above: they must not show it.
ORDINARY_SEARCHES = [
    "week", "zebra quantum", "insurance", "odds", "odd hours", "crises of faith", "9110",
    "silicide", "decide", "my self-esteem", "overdone it at work", "weekend it", "evening track",
    "pills", "sleeping pills", "pills to stop drinking", "alcohol", "xanax and alcohol",
    "alcohol and opioid treatment", "mixing alcohol and energy drinks", "how much is too much alcohol",
    "breathing exercises", "blue cross insurance", "ending treatment early", "give up drinking",
    "leisure activities", "took a break from drinking", "is iop too much for opioid use",
    "afraid of relapse", "scared of relapsing", "relapse prevention", "relapsed", "scared to call",
    "took to drinking", "is treatment worth it",
]  # fmt: skip


def crisis_box(response):
    """The crisis line in the page's content (the header's strip and the footer's are outside <main>)."""
    main = parse(response.content.decode()).find(".//main")
    boxes = [aside for aside in main.iter("aside") if "crisis-line" in aside.get("class", "")]
    assert len(boxes) <= 1
    return boxes[0] if boxes else None


@pytest.mark.parametrize("query", CRISIS_SEARCHES + DANGER_IN_PLAIN_WORDS + DANGER_SAID_OTHERWISE)
def test_a_search_that_signals_danger_shows_the_crisis_line_first(client, library, query):
    response = client.get(reverse("search"), {"q": query})
    box = crisis_box(response)
    assert box is not None, query
    assert text(box.find("h2")) == "You can talk to someone right now"
    assert box.get("aria-labelledby") == "search-crisis"
    assert "988" in text(box) and {a.get("href") for a in box.iter("a")} == {"tel:988", "sms:988", "tel:911"}
    # The title is what a screen reader says first: the help, not "No results for ..." the words.
    title = text(parse(response.content.decode()).find(".//title"))
    assert title.startswith("You can talk to someone right now: call or text 988"), title
    assert "“" not in title and "result" not in title.lower(), title
    # Before anything else the page says: the results, the "nothing matched" message, the call box.
    html = response.content.decode()
    assert html.index('id="search-crisis"') < min(
        html.index(marker)
        for marker in ('class="search__empty"', 'class="search__summary"', "call-box")
        if marker in html
    )


@pytest.mark.parametrize("query", ORDINARY_SEARCHES)
def test_other_searches_do_not_show_it(client, library, query):
    assert crisis_box(client.get(reverse("search"), {"q": query})) is None


@pytest.mark.parametrize("query", CRISIS_SEARCHES + DANGER_IN_PLAIN_WORDS + DANGER_SAID_OTHERWISE)
def test_signals_crisis_reads_danger_however_it_is_put(query):
    assert signals_crisis(query)
    assert signals_crisis(f"{query.upper()}?!")  # typed in capitals, punctuation stuck to it


@pytest.mark.parametrize("query", ORDINARY_SEARCHES)
def test_signals_crisis_leaves_ordinary_searches_alone(query):
    assert not signals_crisis(query)


def test_empty_search_shows_the_form_and_where_to_browse(client, library):
    response = client.get(reverse("search"))
    html = response.content.decode()
    assert 'id="search-page-q"' in html and "Nothing matched" not in html
    assert response["X-Robots-Tag"] == "noindex, follow"


def test_results_are_capped_per_group(client, db):
    ArticleFactory.create_batch(14, title="Sleep and recovery")
    response = client.get(reverse("search"), {"q": "sleep"})
    assert len(dict(results_of(response))["Articles"]) == 10
    assert "These are the 10 closest matches." in response.content.decode()


def test_search_costs_a_fixed_number_of_queries(client, django_assert_max_num_queries, db):
    def queries():
        from django.core.cache import cache
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("search"), {"q": "week"}).status_code == 200
        return len(captured)

    ArticleFactory(title="One week")
    FAQFactory(question="A week?")
    one = queries()
    ArticleFactory.create_batch(20, title="Another week")
    FAQFactory.create_batch(20, answer="<p>Every week.</p>")
    assert queries() == one <= 8


def test_every_page_has_a_search_box_that_works_without_javascript(client, library):
    for url in ["/", "/articles/", "/faqs/", library["location"].get_absolute_url(), "/no-such-page/"]:
        tree = parse(client.get(url).content.decode())
        forms = [f for f in tree.iter("form") if f.get("role") == "search"]
        assert forms, url
        for form in forms:
            assert form.get("action") == "/search/" and form.get("method") == "get"
            field = next(i for i in form.iter("input") if i.get("name") == "q")
            label = next(label for label in form.iter("label") if label.get("for") == field.get("id"))
            assert text(label) == "Search the site"
            assert any(b.get("type") == "submit" for b in form.iter("button"))
    not_found = parse(client.get("/no-such-page/").content.decode())
    assert len([f for f in not_found.iter("form") if f.get("role") == "search"]) == 2  # header and page


@pytest.fixture
def clinics(db):
    """Pages that say "treatment", never "rehab": the words people search with are often not ours."""
    jefferson = LocationFactory(
        name="Jefferson", slug="jefferson", city="Jefferson", summary="Evening groups off Highway 129."
    )
    drinking = ArticleFactory(
        title="Treatment for drinking that fits around work",
        slug="treatment-for-drinking",
        summary="Alcohol use, and what an evening program looks like.",
        body="<p>Most people in our groups keep their jobs.</p>",
    )
    schedule = ArticleFactory(
        title="What a week of groups looks like",
        slug="week-of-groups",
        summary="Three evenings a week, three hours each.",
        body="<p>Groups start at six.</p>",
    )
    return {"jefferson": jefferson, "drinking": drinking, "schedule": schedule}


def titles(results):
    return {group.heading: [hit.title for hit in group.hits] for group in results.groups}


def test_a_word_people_search_with_finds_the_word_our_pages_use(clinics):
    """Nobody here writes "rehab"; a reader searching for it means treatment."""
    results = search("alcohol rehab")
    assert not results.partial
    assert titles(results) == {"Articles": [clinics["drinking"].title]}


def test_when_no_page_has_every_word_the_pages_with_some_are_shown_and_said_to_be(client, clinics):
    response = client.get(reverse("search"), {"q": "alcohol rehab Jefferson"})
    html = response.content.decode()
    groups = dict(results_of(response))
    # The article has "alcohol" and "treatment", the location "Jefferson"; neither has all three.
    assert groups["Articles"] == [clinics["drinking"].title]
    assert groups["Locations"] == ["Jefferson"]
    assert clinics["schedule"].title not in html  # none of the words
    summary = text(next(p for p in parse(html).iter("p") if "search__summary" in p.get("class", "")))
    assert summary == "No page has every word of “alcohol rehab Jefferson”. These 2 have some of them."
    assert "<title>2 results for some of “alcohol rehab Jefferson”" in html
    assert "Nothing matched" not in html


def test_pages_with_every_word_are_shown_alone_when_there_are_any(clinics):
    """Both articles and the location have "groups"; only the location has "highway" too."""
    results = search("groups highway")
    assert not results.partial
    assert titles(results) == {"Locations": ["Jefferson"]}


def test_a_query_with_quotes_or_a_minus_is_taken_as_written(clinics):
    assert search('"alcohol rehab"').groups == []  # no synonyms inside the quotes, no partial results
    assert search("“alcohol rehab”").groups == []  # as a phone types quotes
    assert search("“alcohol rehab”").query == "“alcohol rehab”"  # and as the page says them back
    assert search("alcohol -treatment").groups == []
    assert not search("alcohol -treatment").partial


def test_the_words_a_word_also_finds_are_marked_in_snippets(client, clinics):
    html = client.get(reverse("search"), {"q": "booze"}).content.decode()
    snippet = next(p for p in parse(html).iter("p") if "search-result__snippet" in p.get("class", ""))
    assert [text(mark).lower() for mark in snippet.iter("mark")] == ["alcohol"]


def test_a_location_is_found_by_how_to_get_there_but_not_by_what_every_location_says(client, db):
    LocationFactory(
        name="Atlanta",
        slug="atlanta",
        summary="Evening groups in Buckhead.",
        parking="Paid parking in the garage under the building.",
        public_transport="The MARTA station is a short walk away.",
        first_visit="Bring your insurance card.",
    )
    LocationFactory(
        name="Jefferson",
        slug="jefferson",
        summary="Groups near the square.",
        parking="Free parking by the door.",
        first_visit="Bring your insurance card.",
    )
    assert dict(results_of(client.get(reverse("search"), {"q": "marta"}))) == {"Locations": ["Atlanta"]}
    assert sorted(dict(results_of(client.get(reverse("search"), {"q": "parking"})))["Locations"]) == [
        "Atlanta",
        "Jefferson",
    ]
    html = client.get(reverse("search"), {"q": "garage"}).content.decode()
    snippet = next(p for p in parse(html).iter("p") if "search-result__snippet" in p.get("class", ""))
    assert [text(mark).lower() for mark in snippet.iter("mark")] == ["garage"]
    assert text(snippet).startswith("Evening groups in Buckhead.")  # the summary first, then the rest
    assert "Locations" not in dict(results_of(client.get(reverse("search"), {"q": "insurance card"})))


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("rehab?", ["rehab"]),
        ("Insurance.", ["insurance"]),
        ("(iop)", ["iop"]),
        ("“rehab”", ["rehab"]),
        ("cost?! rehab, Rehab", ["cost", "rehab"]),
        ("self-harm!", ["self-harm"]),  # a hyphen inside a word stays
        ("can’t sleep", ["can't", "sleep"]),  # a curly apostrophe is a straight one
        ("‘rehab’", ["rehab"]),
        ("-relapse? evening", ["-relapse", "evening"]),  # the minus still leaves the word out
        ("... ? !", []),
    ],
)
def test_query_words_are_the_words_without_the_punctuation_around_them(query, words):
    assert query_words(query) == words


@pytest.fixture
def plain_pages(db):
    """Pages that say "treatment", "insurance", "pay" and "intensive outpatient", never "rehab",
    "cost" or "iop": found by the word a reader types only through SYNONYMS."""
    treatment = ArticleFactory(
        title="How treatment fits around work",
        slug="treatment-around-work",
        summary="An evening treatment program for people who keep their jobs.",
        body="<p>Groups meet after work.</p>",
    )
    insurance = ArticleFactory(
        title="Does insurance cover the program?",
        slug="insurance",
        summary="Most plans pay for part of an intensive outpatient program.",
        body="<p>We check your benefits before your first day.</p>",
    )
    faq = FAQFactory(question="What will I have to pay?", answer="<p>We tell you before your first day.</p>")
    return {"treatment": treatment, "insurance": insurance, "faq": faq}


@pytest.mark.parametrize(
    ("typed", "bare"),
    [
        ("rehab?", "rehab"),
        ("cost?", "cost"),
        ("Insurance.", "insurance"),
        ("iop?", "iop"),
        ("(rehab)", "rehab"),
        ("‘iop’", "iop"),  # single curly quotes: “iop” is a phrase in quotes, taken as written
        ("rehab?!", "rehab"),
        ("evening, rehab.", "evening rehab"),
    ],
)
def test_punctuation_stuck_to_a_word_finds_what_the_word_finds(client, plain_pages, typed, bare):
    """ "rehab?" found nothing where "rehab" found every page about treatment."""
    found = results_of(client.get(reverse("search"), {"q": typed}))
    assert found, typed
    assert found == results_of(client.get(reverse("search"), {"q": bare}))


def test_a_punctuated_search_is_echoed_as_typed_with_its_matches_marked(client, plain_pages):
    response = client.get(reverse("search"), {"q": "rehab?"})
    html = response.content.decode()
    page = parse(html)
    field = next(i for i in page.iter("input") if i.get("id") == "search-page-q")
    assert field.get("value") == "rehab?"
    summary = next(p for p in page.iter("p") if "search__summary" in p.get("class", ""))
    assert text(summary) == "1 result for “rehab?”."
    assert text(page.find(".//title")).startswith("1 result for “rehab?”")
    snippet = next(p for p in page.iter("p") if "search-result__snippet" in p.get("class", ""))
    assert [text(mark).lower() for mark in snippet.iter("mark")] == ["treatment"]


def test_a_curly_apostrophe_finds_what_a_straight_one_finds(client, db):
    """Phones type "can’t"; pages say "can't" or, pasted from a word processor, "can’t"."""
    straight = ArticleFactory(
        title="When you can't sleep",
        slug="cant-sleep",
        summary="Nights without sleep in early recovery.",
        body="<p>If you can't sleep, you are not alone.</p>",
    )
    curly = ArticleFactory(
        title="Nights you can’t switch off",
        slug="cant-switch-off",
        summary="When you can’t sleep after an evening group.",
        body="<p>Ways to rest.</p>",
    )
    for query in ("can't sleep", "can’t sleep"):
        response = client.get(reverse("search"), {"q": query})
        assert sorted(dict(results_of(response)).get("Articles", [])) == sorted(
            [straight.title, curly.title]
        ), query
        snippets = [p for p in parse(response.content.decode()).iter("p") if "snippet" in p.get("class", "")]
        assert all("sleep" in [text(mark).lower() for mark in p.iter("mark")] for p in snippets), query


def test_small_words_are_left_out_on_both_databases(client, db):
    """PostgreSQL leaves out "i", "a", "my" and the like; SQLite found them inside every other word
    ("i" in "with"), so "a" listed every page and "i want ..." marked every letter i."""
    article = ArticleFactory(
        title="Evening groups",
        slug="evening-groups",
        summary="Three evenings a week, with time for family.",
        body="<p>Groups meet after work.</p>",
    )
    for query in ("a", "i", "the and of", "my"):
        assert search(query).groups == [], query
    results = search("am i in the evening groups")
    assert not results.partial
    assert titles(results) == {"Articles": [article.title]}
    response = client.get(reverse("search"), {"q": "i want evenings"})
    snippet = next(
        p
        for p in parse(response.content.decode()).iter("p")
        if "search-result__snippet" in p.get("class", "")
    )
    assert [text(mark).lower() for mark in snippet.iter("mark")] == ["evenings"]


@pytest.mark.parametrize(
    "query", ["do you take insurance", "Do you accept insurance?", "how much will I need to pay"]
)
def test_the_words_of_asking_do_not_decide_which_pages_have_every_word(client, db, query):
    """A page that says "take" or "need" in passing had every word of "do you take insurance" and
    was shown alone; the one about insurance and paying, which says neither, was left out."""
    about_it = ArticleFactory(
        title="Does insurance cover IOP?",
        slug="insurance",
        summary="What your plan may pay, and how we check it with you.",
        body="<p>We call your insurer before the first session.</p>",
    )
    in_passing = FAQFactory(
        question="Will my employer find out?",
        answer="<p>No. You may need to take time off; your insurance claim stays between you and us. "
        "Many people get through it without a word at work, much as you would expect.</p>",
    )
    results = titles(search(query))
    assert list(results)[:1] == ["Articles"] and results["Articles"] == [about_it.title], results
    assert results.get("Questions and answers") in (None, [in_passing.question]), results
    html = client.get(reverse("search"), {"q": query}).content.decode()
    assert "No page has every word" not in html and about_it.title in html


def test_words_of_asking_alone_are_searched_for(db):
    """Nothing else to look for: "take" is then the word asked about."""
    article = ArticleFactory(title="Take the first step", slug="first-step", body="<p>Call us.</p>")
    assert titles(search("take")) == {"Articles": [article.title]}
    assert titles(search('"take the first step"')) == {"Articles": [article.title]}


@pytest.fixture
def everyday_pages(db):
    """Pages in our words ("keep working", "outpatient", "alcohol") for searches in a reader's."""
    working = FAQFactory(
        question="Can I keep working while I'm in the program?",
        answer="<p>Yes. Most people in our groups go on working, on the morning or evening track.</p>",
    )
    outpatient = ArticleFactory(
        title="What intensive outpatient care is",
        slug="intensive-outpatient-care",
        summary="Treatment a few hours a day, while you live at home.",
        body="<p>Groups meet three to five days a week.</p>",
    )
    drinking = ArticleFactory(
        title="When drinking stops helping",
        slug="when-drinking-stops-helping",
        summary="Alcohol and stress feed each other.",
        body="<p>A drink at the end of the day can become the day's plan.</p>",
    )
    return {"working": working, "outpatient": outpatient, "drinking": drinking}


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("can i keep my job", ("Questions and answers", "working")),
        ("keep my job?", ("Questions and answers", "working")),
        ("out patient", ("Articles", "outpatient")),
        ("Out-Patient care", ("Articles", "outpatient")),
        ("alchohol", ("Articles", "drinking")),
        ("alcohal and stress", ("Articles", "drinking")),
    ],
)
def test_a_search_as_a_reader_types_it_finds_the_page_in_our_words(client, everyday_pages, query, found):
    """ "can i keep my job" missed the answer that says "keep working"; "out patient" and
    "alchohol" found nothing on PostgreSQL."""
    heading, key = found
    response = client.get(reverse("search"), {"q": query})
    page = everyday_pages[key]
    title = getattr(page, "question", None) or page.title
    assert dict(results_of(response)).get(heading, [])[:1] == [title], query
    html = response.content.decode()
    assert "No page has every word" not in html  # found whole, not as some of the words
    field = next(i for i in parse(html).iter("input") if i.get("id") == "search-page-q")
    assert field.get("value") == query  # said back as typed


def near_offer(response):
    main = parse(response.content.decode()).find(".//main")
    return next((p for p in main.iter("p") if "search__near" in p.get("class", "")), None)


@pytest.mark.parametrize(
    ("query", "place"),
    [("30041", "30041 (Cumming, GA)"), ("Cumming", "Cumming, GA"), ("cumming ga", "Cumming, GA")],
)
def test_a_search_for_a_zip_code_or_town_offers_the_nearest_location(client, library, query, place):
    """ "30041" or "Cumming" found nothing: no page names every town, and the reader was left
    with "Nothing matched" though the locations page can list them nearest first."""
    response = client.get(reverse("search"), {"q": query})
    offer = near_offer(response)
    assert offer is not None, query
    assert text(offer).startswith(f"Looking for the location nearest {place}?")
    link = offer.find("a")
    assert link.get("href") == f"/locations/?near={query.replace(' ', '%20')}#nearest"
    listed = client.get(link.get("href"))
    assert listed.status_code == 200 and place in listed.content.decode()


def test_no_place_is_offered_for_other_searches_or_when_a_location_is_found(client, db):
    LocationFactory(name="Jefferson", slug="jefferson", city="Jefferson", summary="Evening groups.")
    assert near_offer(client.get(reverse("search"), {"q": "Jefferson"})) is None  # found itself
    for query in ("insurance", "help", "detox", "x" * 100):
        assert near_offer(client.get(reverse("search"), {"q": query})) is None, query


def test_a_word_after_a_minus_leaves_out_the_pages_that_have_it_on_both_databases(client, db):
    """On SQLite "alcohol -inpatient" looked for the text "-inpatient" and found nothing, where
    PostgreSQL shows the pages about alcohol that do not say inpatient."""
    outpatient = ArticleFactory(
        title="Alcohol and an evening program", slug="alcohol-evening", summary="Groups after work."
    )
    ArticleFactory(title="Alcohol and inpatient care", slug="alcohol-inpatient", summary="A stay away.")
    for query in ("alcohol -inpatient", "-inpatient alcohol", "alcohol -inpatient -the"):
        results = search(query)
        assert titles(results) == {"Articles": [outpatient.title]}, query
        assert not results.partial
    response = client.get(reverse("search"), {"q": "alcohol -inpatient"})
    snippets = [p for p in parse(response.content.decode()).iter("p") if "snippet" in p.get("class", "")]
    assert all("inpatient" not in text(p) for p in snippets)


def test_a_word_is_not_found_inside_another_word_on_either_database(client, db):
    """On SQLite "meth" found every page that says "something", with "so[meth]ing" marked; on
    PostgreSQL, which compares words, it found none of them."""
    ArticleFactory(title="When something has to change", slug="something", summary="Something else.")
    meth = ArticleFactory(
        title="Stimulants and the evening track",
        slug="stimulants",
        summary="Something many people ask about: meth and other stimulants.",
    )
    assert titles(search("meth")) == {"Articles": [meth.title]}
    response = client.get(reverse("search"), {"q": "meth"})
    snippet = next(
        p
        for p in parse(response.content.decode()).iter("p")
        if "search-result__snippet" in p.get("class", "")
    )
    assert [text(mark).lower() for mark in snippet.iter("mark")] == ["meth"]


@pytest.mark.parametrize(
    "query, marked",
    [
        ("meth", "methamphetamine"),  # the start of a word: SQLite found it, PostgreSQL did not
        ("Meth group", "methamphetamine"),
        ("relapsed", "relapse"),  # another form of the word: PostgreSQL found it, SQLite did not
        ("relapses", "relapse"),
        ("relapsing", "relapse"),
        ("therapies", "therapy"),
    ],
)
def test_both_databases_find_the_start_of_a_word_and_its_other_forms(client, db, query, marked):
    ArticleFactory(
        title="When something has to change", slug="something", summary="Something else.", body="<p>Yes.</p>"
    )
    article = ArticleFactory(
        title="Stimulants and the evening group",
        slug="stimulants",
        summary=f"How the {marked} you fear is talked about in group.",
        body="<p>Yes.</p>",
    )
    assert titles(search(query)) == {"Articles": [article.title]}
    response = client.get(reverse("search"), {"q": query})
    snippet = next(
        p
        for p in parse(response.content.decode()).iter("p")
        if "search-result__snippet" in p.get("class", "")
    )
    assert marked in [text(mark).lower() for mark in snippet.iter("mark")]


@pytest.mark.postgres_only
def test_postgres_finds_a_short_word_whole_only(db):
    """Where a word starts, from four letters: "bus" is not the start of "busy", "meth" is."""
    busy = ArticleFactory(title="A busy week", slug="busy", summary="Work and groups.", body="<p>Yes.</p>")
    bus = ArticleFactory(
        title="Getting here", slug="bus", summary="The bus stops outside.", body="<p>Yes.</p>"
    )
    assert titles(search("bus")) == {"Articles": [bus.title]}
    assert titles(search("busy")) == {"Articles": [busy.title]}


@pytest.mark.parametrize("query", ["i want to die", "relapsed and scared", "kms", "no reason to live"])
def test_under_the_crisis_line_no_pages_that_share_only_a_word(client, library, query):
    """ "relapsed and scared" listed the article on relapse as having "some of the words", and
    "kms" said "Nothing matched … Try other or fewer words" under the crisis line."""
    response = client.get(reverse("search"), {"q": query})
    assert crisis_box(response) is not None
    html = response.content.decode()
    assert results_of(response) == []
    assert "No page has every word" not in html and "Nothing matched" not in html
    assert "call-box" in html  # the admissions line is still there, after the crisis line


def test_under_the_crisis_line_pages_with_every_word_are_still_shown(client, library):
    """Someone who searches "relapse crisis" for a page sees the crisis line and that page."""
    ArticleFactory(title="Relapse and crisis: what to do", slug="relapse-crisis", summary="Call 988.")
    response = client.get(reverse("search"), {"q": "relapse crisis"})
    assert crisis_box(response) is not None
    assert dict(results_of(response))["Articles"] == ["Relapse and crisis: what to do"]
