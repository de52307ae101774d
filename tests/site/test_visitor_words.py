"""The words every visitor meets that no editor writes: the public templates, the site settings'
defaults and the demo's client quotes. They follow the rules the admin holds editors to: no word
that labels the reader, no promised result (articles/wording.py), and only the phone numbers the
center stands behind."""

import re
from pathlib import Path

import pytest

from articles.wording import context, find, prepare
from carter_site.models import SiteSettings
from carter_site.phone import PHONE_NUMBER_IN_TEXT

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
# The center's admissions line, and the national helpline run by SAMHSA (offered far away).
KNOWN_NUMBERS = {"4702841834", "18006624357"}


def public_templates():
    """Every template a visitor can meet: all but the site editor's."""
    return sorted(
        path
        for path in TEMPLATES.rglob("*.html")
        if not {"admin", "reversion"} & set(path.relative_to(TEMPLATES).parts)
    )


def visible_text(template):
    """A template's words, without its tags, comments and template code."""
    text = re.sub(r"\{% comment %\}.*?\{% endcomment %\}|\{#.*?#\}", " ", template, flags=re.S)
    return re.sub(r"\{%.*?%\}|\{\{.*?\}\}|<[^>]+>", " ", text, flags=re.S)


def settings_defaults():
    return {
        field.name: field.default
        for field in SiteSettings._meta.get_fields()
        if isinstance(getattr(field, "default", None), str)
    }


def demo_quotes():
    from carter_site.demo_content import TESTIMONIALS

    return {entry["key"]: f"{entry['quote']}\n{entry['attribution']}" for entry in TESTIMONIALS}


def texts():
    found = {str(path.relative_to(TEMPLATES)): visible_text(path.read_text()) for path in public_templates()}
    found |= {f"site settings: {name}": value for name, value in settings_defaults().items()}
    found |= {f"demo testimonial: {key}": quote for key, quote in demo_quotes().items()}
    return found


def test_the_scan_reads_the_pages_a_visitor_meets():
    names = {path.name for path in public_templates()}
    assert {"base.html", "home.html", "404.html", "search.html", "footer.html", "crisis_line.html"} <= names
    assert "Treatment that fits around your life" in visible_text((TEMPLATES / "home.html").read_text())
    assert "{%" not in visible_text((TEMPLATES / "home.html").read_text())


@pytest.mark.parametrize("name", sorted(texts()))
def test_no_word_labels_the_reader_or_promises_a_result(name):
    prepared = prepare(texts()[name])
    assert [context(prepared, start, end) for _, start, end in find(prepared)] == []


def test_the_wording_scan_would_catch_a_label_in_a_template():
    prepared = prepare(visible_text("<p>{% if x %}We help every addict{% endif %} get clean.</p>"))
    assert [prepared[start:end] for _, start, end in find(prepared)] == ["addict", "get clean"]


def demo_texts():
    """Every text of the demo content: its articles, pages, locations and FAQs too."""
    from carter_site import demo_content

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict | list | tuple):
            for item in value.values() if isinstance(value, dict) else value:
                yield from strings(item)

    names = ("SITE_SETTINGS", "LOCATIONS", "FAQS", "TESTIMONIALS", "ARTICLES", "STANDING_PAGES", "CLINICIANS")
    return {name: "\n".join(strings(getattr(demo_content, name))) for name in names}


@pytest.mark.parametrize("name", sorted(texts()) + [f"demo content: {name}" for name in sorted(demo_texts())])
def test_every_phone_number_printed_is_one_the_center_stands_behind(name):
    prefix = "demo content: "
    text = demo_texts()[name.removeprefix(prefix)] if name.startswith(prefix) else texts()[name]
    numbers = {re.sub(r"\D", "", number) for number in PHONE_NUMBER_IN_TEXT.findall(text)}
    assert numbers <= KNOWN_NUMBERS, numbers
