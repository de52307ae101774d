"""`load_demo_content`: a complete, real-looking site, loaded as often as you like."""

import datetime as dt
import difflib
import html
import os
import re
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from carter_site.models import SiteSettings
from faqs.models import FAQ, ArticleFAQ
from locations.models import Location, OpeningHours, SpecialDay
from pages.models import Page
from testimonials.models import ArticleTestimonial, Testimonial

pytestmark = pytest.mark.django_db


def snapshot():
    return {
        model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
        if hasattr(model, "updated_at")
        else model.objects.count()
        for model in (Article, Location, FAQ, Testimonial, ArticleFAQ, ArticleTestimonial, Page)
    }


def test_demo_content_is_idempotent():
    call_command("load_demo_content", verbosity=0)
    first = snapshot()
    call_command("load_demo_content", verbosity=0)
    assert snapshot() == first


def test_demo_content_gives_every_page_its_content(client):
    call_command("load_demo_content", verbosity=0)
    assert set(Location.objects.published().values_list("city", flat=True)) == {
        "Alpharetta",
        "Jefferson",
        "Atlanta",
    }
    assert Article.objects.published().count() >= 4
    assert Testimonial.objects.exclude(consent_on_file=True).exists()  # shows the consent gate at work

    pages = [reverse("home"), reverse("articles:list"), reverse("locations:list"), reverse("faqs:list")]
    pages += [reverse("testimonials:list")]
    pages += [location.get_absolute_url() for location in Location.objects.all()]
    pages += [article.get_absolute_url() for article in Article.objects.all()]
    pages += [page.get_absolute_url() for page in Page.objects.in_footer()]
    assert len(pages) >= 12  # two standing pages among them, each linked from the footer
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url

    for article in Article.objects.published():
        html = client.get(article.get_absolute_url()).content.decode()
        assert article.title in html
        assert article.faq_placements.exists() and article.testimonial_placements.exists()
        for placement in article.faq_placements.select_related("faq"):
            assert placement.faq.question.replace("'", "&#x27;") in html


def test_demo_testimonials_name_their_town_once(client):
    """The caption adds the location's name after the attribution, so the attribution leaves it out."""
    import re

    call_command("load_demo_content", verbosity=0)
    html = client.get(reverse("testimonials:list")).content.decode()
    captions = re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S)
    assert captions
    for testimonial in Testimonial.objects.published().exclude(location=None).select_related("location"):
        caption = next(c for c in captions if testimonial.attribution in c)
        assert caption.count(testimonial.location.name) == 1, caption


def test_the_demo_article_on_coming_back_leads_to_what_to_expect_first(client):
    """Its editor chose it: someone returning wants to know what the first weeks hold again."""
    call_command("load_demo_content", verbosity=0)
    call_command("load_demo_content", verbosity=0)  # a second run keeps the one choice
    coming_back = Article.objects.get(slug="coming-back-to-iop-after-you-stepped-away")
    assert [choice.chosen.slug for choice in coming_back.read_next_choices.all()] == [
        "what-to-expect-from-an-intensive-outpatient-program"
    ]
    shown = client.get(coming_back.get_absolute_url()).context["related_articles"]
    assert shown[0].title == "What an intensive outpatient program involves"
    assert len({article.pk for article in shown}) == len(shown) <= 3


def test_demo_content_and_the_default_settings_pass_the_admins_checks():
    """What the demo loads (and a site that never saved its settings) could be saved in the admin as is."""
    call_command("load_demo_content", verbosity=0)
    SiteSettings().full_clean()
    for model in (SiteSettings, Location, OpeningHours):
        assert model.objects.exists(), model.__name__
        for obj in model.objects.all():
            obj.full_clean()


def test_demo_consent_is_signed_no_earlier_than_the_year_the_quote_is_from():
    """An attribution like "Evening-track client, 2024" dates the treatment: the written consent to
    quote the client comes with or after it, never years before."""
    import re

    from carter_site.demo_content import TESTIMONIALS

    for entry in TESTIMONIALS:
        year = re.search(r"\b(20\d\d)\b", entry["attribution"])
        if entry.get("consent_signed_on") and year:
            assert entry["consent_signed_on"].year >= int(year.group(1)), entry["key"]


def test_demo_content_starts_each_object_s_history_so_a_first_edit_can_be_undone(staff_client):
    from reversion.models import Version

    from tests.admin_forms import admin_form_data, edit_in_admin

    call_command("load_demo_content", verbosity=0)
    objects = [
        SiteSettings.objects.get(),
        *Location.objects.all(),
        *FAQ.objects.all(),
        *Article.objects.all(),
    ]
    assert all(Version.objects.get_for_object(obj).count() == 1 for obj in objects)
    call_command("load_demo_content", verbosity=0)  # nothing changed: no new versions
    assert all(Version.objects.get_for_object(obj).count() == 1 for obj in objects)

    article = Article.objects.order_by("pk").first()
    demo_title = article.title
    edit_in_admin(staff_client, article, title="A title typed over by mistake")
    demo_version = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, demo_version.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == demo_title

    # Loading the demo content again over an edit puts the demo text back, and keeps that too.
    edit_in_admin(staff_client, article, title="Another edit")
    versions = Version.objects.get_for_object(article).count()
    call_command("load_demo_content", verbosity=0)
    assert Version.objects.get_for_object(article).count() == versions + 1
    assert Version.objects.get_for_object(article).first().field_dict["title"] == demo_title


def test_every_live_demo_article_shows_a_current_clinical_review(client):
    """A clinician should review what an article claims before it goes out: the demo, which is
    what the center's staff first see, shows that on every article, not on one of five."""
    call_command("load_demo_content", verbosity=0)
    live = Article.objects.published()
    assert live.count() == 5
    for article in live:
        html = client.get(article.get_absolute_url()).content.decode()
        assert "Clinically reviewed by" in html, article.slug


@pytest.mark.parametrize("loaded_on", [dt.date(2026, 11, 23), dt.date(2026, 11, 27), dt.date(2026, 12, 26)])
def test_the_demo_closure_is_coming_up_and_shown_whenever_the_demo_is_loaded(client, loaded_on):
    noon = timezone.make_aware(dt.datetime.combine(loaded_on, dt.time(12)))
    with time_machine.travel(noon, tick=False):
        call_command("load_demo_content", verbosity=0)
        [closure] = SpecialDay.objects.all()
        assert 8 <= (closure.first_day - loaded_on).days <= 10
        assert closure.first_day.weekday() < 5  # a day the location would be open
        html = client.get("/locations/jefferson/").content.decode()
        assert "Staff training" in html
    with time_machine.travel(noon + dt.timedelta(days=30), tick=False):
        call_command("load_demo_content", verbosity=0)
        assert SpecialDay.objects.get().first_day > closure.first_day  # replaced, not added


def test_the_demo_refuses_the_production_settings_unless_told_it_is_a_staging_copy(settings):
    """Its testimonials are invented: they must never reach the live site by a mistyped command."""
    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "carter_site.settings.prod"
    with pytest.raises(CommandError, match=r"must never reach the live site\. Use --allow-production"):
        call_command("load_demo_content")
    assert not Testimonial.objects.exists() and not Article.objects.exists()
    call_command("load_demo_content", "--allow-production")
    assert Testimonial.objects.exists()


def test_every_demo_text_passes_the_wording_check():
    """The demo shows the site's voice: no word that labels the reader, no promised result
    (articles/wording.py), in any text the admin checks."""
    from articles.content_checks import ARTICLE_TEXTS, FAQ_TEXTS, LOCATION_TEXTS, PAGE_TEXTS, check_wording

    call_command("load_demo_content", verbosity=0)
    for model, texts in [
        (Article, ARTICLE_TEXTS),
        (Page, PAGE_TEXTS),
        (Location, LOCATION_TEXTS),
        (FAQ, FAQ_TEXTS),
    ]:
        assert model.objects.exists(), model.__name__
        for obj in model.objects.all():
            assert check_wording(obj, texts) == [], obj


def test_every_demo_text_is_easy_to_read():
    """The demo shows the plain writing the site asks for: no grade above the limit, no sentence
    or paragraph the readability check points to (articles/readability.py)."""
    from articles.content_checks import (
        ARTICLE_PROSE,
        FAQ_PROSE,
        LOCATION_PROSE,
        PAGE_PROSE,
        check_readability,
    )

    call_command("load_demo_content", verbosity=0)
    for model, texts in [
        (Article, ARTICLE_PROSE),
        (Page, PAGE_PROSE),
        (Location, LOCATION_PROSE),
        (FAQ, FAQ_PROSE),
    ]:
        assert model.objects.exists(), model.__name__
        for obj in model.objects.all():
            assert check_readability(obj, texts) == [], obj


def test_a_demo_question_reworded_since_an_earlier_load_is_changed_in_place():
    """A database loaded before a demo question was reworded keeps one row for it, with its
    places on articles, rather than a second question the FAQ form would refuse as the same."""
    call_command("load_demo_content", verbosity=0)
    faq = FAQ.objects.get(question="Do I have to call myself an “addict”?")
    FAQ.objects.filter(pk=faq.pk).update(question="Do I have to call myself an addict?")
    call_command("load_demo_content", verbosity=0)
    assert FAQ.objects.get(pk=faq.pk).question == "Do I have to call myself an “addict”?"
    assert not FAQ.objects.filter(question="Do I have to call myself an addict?").exists()


@pytest.mark.parametrize("key", ["label", "talk-in-group", "missed-session"])
def test_each_reworded_demo_question_is_changed_in_place(key):
    """Every question with an earlier wording ("was") gets the new words on its own row, with its
    places on pages, in a database loaded before it was reworded."""
    from carter_site.demo_content import FAQS

    [data] = [data for data in FAQS if data["key"] == key]
    call_command("load_demo_content", verbosity=0)
    faq = FAQ.objects.get(question=data["question"])
    placements = ArticleFAQ.objects.filter(faq=faq).count()
    FAQ.objects.filter(pk=faq.pk).update(question=data["was"])
    call_command("load_demo_content", verbosity=0)
    assert FAQ.objects.get(pk=faq.pk).question == data["question"]
    assert not FAQ.objects.filter(question=data["was"]).exists()
    assert ArticleFAQ.objects.filter(faq=faq).count() == placements


def test_a_demo_article_loaded_under_its_earlier_title_is_still_known_as_the_demo():
    """The warning that demo content is live (migrate_once) still finds an article loaded before
    its title was reworded, and loading the demo again gives it the new title on the same row."""
    from carter_site.demo_content import ARTICLES, live_demo_content

    [data] = [data for data in ARTICLES if data.get("was_title")]
    call_command("load_demo_content", verbosity=0)
    article = Article.objects.get(slug=data["slug"])
    Article.objects.filter(pk=article.pk).update(title=data["was_title"])
    assert live_demo_content()["articles"] == Article.objects.published().count()
    call_command("load_demo_content", verbosity=0)
    assert Article.objects.get(pk=article.pk).title == data["title"]


# The center's own article, which the demo and the templates may check facts against but must not
# copy (the same folder as tests/articles/test_importer.py reads).
REPOSITORY = Path(__file__).resolve().parents[2]
SAMPLES = Path(os.environ.get("CARTER_SAMPLES_DIR") or REPOSITORY.parent / "shared" / "samples")
SAMPLE = SAMPLES / "what-to-expect-from-iop.txt"


def _sentences(text):
    """Plain sentences of `text` (HTML or a template, tags and template code taken out), each a
    list of lower-case words, curly apostrophes straight."""
    text = re.sub(r"\{%.*?%\}|\{\{.*?\}\}|\{#.*?#\}|<[^>]+>", "\n", text, flags=re.S)
    text = html.unescape(text).replace("\u2019", "'")
    for sentence in re.split(r"(?<=[.?!:;])\s+|\n+|\u2014|\u2013", text):
        words = re.findall(r"[a-z0-9']+", sentence.lower())
        if len(words) >= 5:
            yield words


def _demo_strings(value):
    """The texts in a demo entry; not its slugs, which are addresses, not sentences."""
    if isinstance(value, str):
        if " " in value:
            yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _demo_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _demo_strings(item)


@pytest.mark.skipif(
    not SAMPLE.is_file(),
    reason=f"the shared sample article is not here ({SAMPLE}); set CARTER_SAMPLES_DIR to its folder",
)
def test_no_demo_or_template_sentence_is_copied_from_the_center_s_sample_article():
    """The demo and the pages are written in the site's own words: no title, question or sentence
    of the center's article, word for word or nearly (the demo's earlier wordings are left out)."""
    from carter_site import demo_content

    sample = list(_sentences(SAMPLE.read_text(encoding="utf-8-sig")))
    sources = {}
    for name in ("LOCATIONS", "FAQS", "TESTIMONIALS", "ARTICLES", "STANDING_PAGES", "CLINICIANS"):
        for entry in getattr(demo_content, name):
            current = {k: v for k, v in entry.items() if k not in {"was", "was_title"}}
            for text in _demo_strings(current):
                sources.setdefault(f"demo {name}", []).append(text)
    for path in sorted((REPOSITORY / "templates").rglob("*.html")):
        if "admin" not in path.relative_to(REPOSITORY / "templates").parts:
            sources[str(path.relative_to(REPOSITORY))] = [path.read_text()]
    copied = []
    for source, texts in sources.items():
        for text in texts:
            for words in _sentences(text):
                for theirs in sample:
                    if difflib.SequenceMatcher(None, words, theirs).ratio() >= 0.85:
                        copied.append(f"{source}: {' '.join(words)!r} ~ {' '.join(theirs)!r}")
    assert copied == []


# British spellings a reader in Georgia would take for mistakes (the site is en-US throughout).
BRITISH = re.compile(r"\b(?:licences?|centres?|colours?|organis\w*|programmes?|counsell\w*)\b", re.I)


def test_the_demo_pages_are_spelled_as_their_american_readers_spell(client):
    """What a visitor reads says "license", as Georgia's own certificates do, not "licence"."""
    from articles.models import Clinician

    call_command("load_demo_content", verbosity=0)
    pages = [reverse("home"), reverse("articles:list"), reverse("locations:list"), reverse("faqs:list")]
    pages += [reverse("testimonials:list"), reverse("clinicians:list")]
    for model in (Location, Article, Page, Clinician):
        pages += [obj.get_absolute_url() for obj in model.objects.all()]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = re.sub(r"<[^>]+>", " ", response.content.decode())
        assert BRITISH.findall(text) == [], url
