"""Site search finds the clinicians who agreed to a public page, by name and licence, with no query
of its own: the list comes with every page's footer (carter_site.caching.clinician_pages)."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Clinician
from carter_site.search import folded_words
from tests.factories import ArticleFactory

from .helpers import parse, text
from .test_search import results_of

pytestmark = pytest.mark.django_db

REVIEWERS = "Our clinical reviewers"


def clinician(name, credentials, slug, has_page=True, bio=""):
    return Clinician.objects.create(name=name, credentials=credentials, slug=slug, has_page=has_page, bio=bio)


@pytest.fixture
def team():
    return {
        "morgan": clinician(
            "Morgan Hale", "LCSW", "morgan-hale", bio="Morgan leads the evening groups in Alpharetta."
        ),
        "jose": clinician("José Ortega", "LPC, CAADC", "jose-ortega"),
        "riley": clinician("Riley Brandt", "LMFT", "riley-brandt"),
        "private": clinician("Morgan Private", "MD", "morgan-private", has_page=False),
    }


def found(client, query):
    return dict(results_of(client.get(reverse("search"), {"q": query})))


def test_a_clinician_is_found_by_name_and_leads_to_their_page(client, team):
    response = client.get(reverse("search"), {"q": "Morgan Hale"})
    main = parse(response.content.decode()).find(".//main")
    section = next(s for s in main.iter("section") if text(s.find("h2")) == REVIEWERS)
    link = section.find(".//h3/a")
    assert link.get("href") == "/clinicians/morgan-hale/"
    assert text(link) == "Morgan Hale, LCSW (clinician)"  # its kind, for screen readers
    assert "LCSW: licensed clinical social worker" in text(section)
    assert results_of(response) == [(REVIEWERS, ["Morgan Hale, LCSW"])]


def test_a_clinician_without_a_page_is_never_found(client, team):
    assert found(client, "Morgan") == {REVIEWERS: ["Morgan Hale, LCSW"]}
    assert found(client, "Private") == {}
    assert found(client, "Morgan Private") == {REVIEWERS: ["Morgan Hale, LCSW"]}  # some of the words
    assert (
        "/clinicians/morgan-private/"
        not in client.get(reverse("search"), {"q": "Morgan Private"}).content.decode()
    )


@pytest.mark.parametrize(
    "query, expected",
    [
        ("morg", ["Morgan Hale, LCSW"]),  # the start of a name, as typed on a phone
        ("jose", ["José Ortega, LPC, CAADC"]),  # without its accent
        ("JOSÉ ortega", ["José Ortega, LPC, CAADC"]),
        ("lcsw", ["Morgan Hale, LCSW"]),
        ("social worker", ["Morgan Hale, LCSW"]),  # what the letters mean
        ("counselors", ["José Ortega, LPC, CAADC"]),  # a plural
        ("family therapist", ["Riley Brandt, LMFT"]),
    ],
)
def test_a_clinician_is_found_by_a_part_of_the_name_the_letters_or_what_they_mean(
    client, team, query, expected
):
    assert found(client, query) == {REVIEWERS: expected}


def test_a_word_that_also_finds_others_finds_clinicians_too(client, team):
    """ "therapist" also finds "counselor", as it does for pages."""
    assert found(client, "therapist") == {REVIEWERS: ["José Ortega, LPC, CAADC", "Riley Brandt, LMFT"]}


def test_small_words_of_a_licence_find_nobody(client, team):
    assert REVIEWERS not in found(client, "and")
    assert REVIEWERS not in found(client, "of the")
    assert REVIEWERS not in found(client, "ho")  # too short to be the start of a name


def test_a_word_after_a_minus_leaves_out_whoever_has_it(client, team):
    assert found(client, "morgan -lcsw") == {}
    licensed = [REVIEWERS, ["José Ortega, LPC, CAADC", "Morgan Hale, LCSW", "Riley Brandt, LMFT"]]
    assert found(client, "licensed") == dict([licensed])
    assert found(client, "licensed -lmft") == {REVIEWERS: licensed[1][:2]}


def test_the_bio_is_shown_escaped_but_never_searched(client, team):
    team["morgan"].bio = "Morgan <b>leads</b> the evening groups."
    team["morgan"].save()
    assert REVIEWERS not in found(client, "evening")
    html = client.get(reverse("search"), {"q": "morgan"}).content.decode()
    snippet = next(p for p in parse(html).iter("p") if "search-result__snippet" in p.get("class", ""))
    assert text(snippet) == "Morgan <b>leads</b> the evening groups."
    assert [text(mark) for mark in snippet.iter("mark")] == ["Morgan"]
    assert "<b>leads" not in html


def test_a_name_ranks_the_clinician_above_an_article_that_mentions_it(client, team):
    ArticleFactory(title="Evening groups", body="<p>Riley Brandt runs the Tuesday group.</p>")
    assert [heading for heading, _ in results_of(client.get(reverse("search"), {"q": "Riley Brandt"}))] == [
        REVIEWERS,
        "Articles",
    ]


@pytest.mark.parametrize("query", ["alcohol", "drug counselor", "caadc"])
def test_pages_about_a_subject_rank_above_a_clinician_whose_licence_names_it(client, team, query):
    """CAADC is a certified advanced alcohol and drug counselor: someone who searches for "alcohol"
    wants the pages about it first, even one that names it only once in its body."""
    ArticleFactory(
        title="Anxiety and coping",
        summary="When evenings get hard.",
        body="<p>A CAADC counselor helps when alcohol and drug use has become the way to cope.</p>",
    )
    headings = [heading for heading, _ in results_of(client.get(reverse("search"), {"q": query}))]
    assert headings == ["Articles", REVIEWERS]


def test_a_clinician_with_some_of_the_words_is_among_partial_results(client, team):
    ArticleFactory(title="Insurance and IOP", slug="insurance")
    html = client.get(reverse("search"), {"q": "morgan insurance"}).content.decode()
    assert "No page has every word of “morgan insurance”. These 2 have some of them." in html


def test_a_page_taken_down_leaves_search_at_once(client, team):
    assert REVIEWERS in found(client, "morgan")
    team["morgan"].has_page = False
    team["morgan"].save()
    assert REVIEWERS not in found(client, "morgan")


def test_a_renamed_clinician_is_found_by_the_new_name(client, team):
    assert REVIEWERS in found(client, "riley")
    team["riley"].name = "Riley Brandt-Shaw"
    team["riley"].save()
    assert found(client, "shaw") == {REVIEWERS: ["Riley Brandt-Shaw, LMFT"]}


def test_finding_clinicians_costs_no_query(client, db):
    def queries():
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("search"), {"q": "morgan"}).status_code == 200
        return len(captured)

    none = queries()
    for number in range(12):
        clinician(f"Morgan Number{number}", "LPC", f"morgan-{number}")
    assert found(client, "morgan")[REVIEWERS][0].startswith("Morgan Number")
    assert queries() == none


def test_at_most_five_are_shown(client, db):
    for number in range(7):
        clinician(f"Sam Reviewer{number}", "LPC", f"sam-{number}")
    response = client.get(reverse("search"), {"q": "sam"})
    assert len(dict(results_of(response))[REVIEWERS]) == 5
    assert "These are the 5 closest matches." in response.content.decode()


def test_the_search_page_says_clinicians_can_be_found_only_while_one_has_a_page(client, team):
    assert "find one of our clinical reviewers by name" in client.get(reverse("search")).content.decode()
    Clinician.objects.update(has_page=False)
    cache.clear()
    assert "clinical reviewers" not in client.get(reverse("search")).content.decode().split("<footer")[0]


def test_folded_words_drop_accents_and_case():
    assert folded_words("José O’Neil-ÅSE") == ["jose", "o", "neil", "ase"]
