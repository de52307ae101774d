"""The warnings an editor reads after saving an article (articles/content_checks.py)."""

import pytest
from django.urls import reverse

from articles.content_checks import check_article
from tests.admin_forms import admin_form_data
from tests.factories import ArticleFactory

ALT_WARNING = "has no description (alt text) for people who cannot see it."


def image_warnings(body):
    article = ArticleFactory.build(body=body, meta_description="A short description.")
    return [warning for warning in check_article(article) if ALT_WARNING in warning]


@pytest.mark.parametrize(
    ("image", "warning"),
    [
        ('<img src="/media/editor/2025/01/06/room.png">', "The image room.png"),
        ('<img src="/media/editor/group%20room.jpg?v=2" alt=" ">', "The image group room.jpg"),
        ("<img>", "An image"),
        ('<img src="" alt="">', "An image"),
        ('<img src="/media/editor/">', "An image"),
    ],
)
def test_an_image_without_a_description_is_named_in_a_sentence_that_reads_well(image, warning):
    assert image_warnings(f"<p>Before {image} after.</p>") == [f"{warning} {ALT_WARNING}"]


def test_images_with_a_description_raise_no_warning():
    assert (
        image_warnings('<p><img src="/media/editor/room.png" alt="The group room, morning light"></p>') == []
    )


@pytest.mark.django_db
def test_the_editor_reads_the_warning_after_saving(staff_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = "<h2>Inside</h2><p><img src='/media/editor/'> <img src='/media/editor/hall.png'></p>"
    response = staff_client.post(url, data, follow=True)
    found = [str(message) for message in response.context["messages"]]
    assert f"Check: An image {ALT_WARNING}" in found
    assert f"Check: The image hall.png {ALT_WARNING}" in found
    assert not [message for message in found if "The image an image" in message]


@pytest.mark.django_db
def test_a_pasted_document_keeps_its_headings_and_its_title_heading_is_pointed_out(staff_client):
    article = ArticleFactory(title="Coming back to IOP")
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = (
        '<h1 style="font-size:26pt">Coming back to IOP</h1><div>Many people return after a break.</div>'
        "<h2>What changes</h2><h5>Insurance</h5><div>Most plans cover a second start.</div>"
    )
    response = staff_client.post(url, data, follow=True)
    article.refresh_from_db()
    assert article.body == (
        "<h2>Coming back to IOP</h2><p>Many people return after a break.</p>"
        "<h2>What changes</h2><h4>Insurance</h4><p>Most plans cover a second start.</p>"
    )
    found = [str(message) for message in response.context["messages"]]
    assert (
        "Check: The text starts with a heading that repeats the title, “Coming back to IOP” (a pasted "
        "document’s title, perhaps). The page shows the title above the text already: delete the heading."
    ) in found
    assert "Check: A Heading 4 follows a Heading 2: a level is skipped." in found
    assert not [message for message in found if "Heading 1" in message]


def test_a_first_heading_other_than_the_title_raises_no_warning():
    article = ArticleFactory.build(
        title="Coming back to IOP", body="<h2>Coming back</h2><p>Text.</p>", meta_description="A summary."
    )
    assert check_article(article) == []


@pytest.mark.django_db
def test_the_editor_is_told_what_the_article_places_but_does_not_show(staff_client):
    """An FAQ, testimonial or location placed on an article shows on its page only once it is
    public itself: "changed successfully" alone left the editor looking for it on the page."""
    import datetime as dt

    from tests.factories import (
        ArticleFAQFactory,
        ArticleLocationFactory,
        ArticleTestimonialFactory,
        LocationFactory,
    )

    article = ArticleFactory(title="Coming back to IOP")
    ArticleFAQFactory(article=article, faq__question="Is parking free?")
    ArticleFAQFactory(article=article, faq__question="Will my employer know?", faq__is_published=False)
    ArticleTestimonialFactory(article=article, testimonial__attribution="Shown client, 2024")
    ArticleTestimonialFactory(
        article=article,
        testimonial__attribution="Waiting client, 2025",
        testimonial__consent_on_file=False,
        testimonial__is_published=False,
    )
    ArticleTestimonialFactory(
        article=article,
        testimonial__attribution="Withdrawn client, 2023",
        testimonial__consent_withdrawn_on=dt.date(2025, 1, 6),
    )
    ArticleLocationFactory(article=article, location=LocationFactory(name="Alpharetta"))
    ArticleLocationFactory(article=article, location=LocationFactory(name="Jefferson", is_published=False))
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = staff_client.post(url, admin_form_data(staff_client.get(url)), follow=True)
    found = [str(message) for message in response.context["messages"]]
    not_shown = [message for message in found if "does not show" in message]
    assert not_shown == [
        "Check: The article does not show the FAQ “Will my employer know?”: it is not published. "
        "Publish it under FAQs, or take it off the article.",
        "Check: The article does not show the testimonial of “Waiting client, 2025”: it is not published, "
        "and no written consent is on file.",
        "Check: The article does not show the testimonial of “Withdrawn client, 2023”: the client withdrew "
        "consent on Jan. 6, 2025.",
        "Check: The article does not show the location Jefferson: it is not published.",
    ]


@pytest.mark.django_db
def test_a_testimonial_hidden_for_two_reasons_gives_both_in_one_readable_sentence():
    """The consent's reason may end in advice of its own ("Record a renewed consent"): said
    last, not followed by ", and it is not published"."""
    import datetime as dt

    from articles.content_checks import check_placements
    from tests.factories import ArticleTestimonialFactory

    article = ArticleFactory()
    ArticleTestimonialFactory(
        article=article,
        testimonial__attribution="Former client, 2024",
        testimonial__consent_expires_on=dt.date(2025, 1, 6),
        testimonial__is_published=False,
    )
    assert check_placements(article) == [
        "The article does not show the testimonial of “Former client, 2024”: it is not published, and "
        "the consent expired on Jan. 6, 2025. Record a renewed consent."
    ]


# --- Tables -----------------------------------------------------------------------------------

HEADERS_WARNING = (
    "has no header cells: a screen reader reads out each cell without the column or row it is in. "
    "Right-click the table, choose Table Properties and set Headers (to First Row, usually)."
)
CAPTION_WARNING = (
    "has no caption, so a screen reader names it only by its first row. Give it one: right-click the "
    "table, choose Table Properties and fill in Caption."
)
CAPTION_WARNING_NO_WORDS = CAPTION_WARNING.replace("by its first row", "“Table”")


def table_warnings(body):
    article = ArticleFactory.build(body=body, meta_description="A short description.")
    return [warning for warning in check_article(article) if warning.startswith(("The table", "A table"))]


def test_a_table_made_as_the_editor_makes_it_by_default_is_named_with_what_it_lacks():
    """CKEditor's Table dialog starts with Headers: None and no caption: a data table that a
    screen reader reads cell by cell, without saying which column each is in (WCAG 1.3.1), in a
    box named only by its first row."""
    body = (
        "<p>Your first week.</p><table><tbody><tr><td>Monday</td><td>Intake, about <b>two</b> hours</td></tr>"
        "<tr><td>Tuesday</td><td>Your first group</td></tr></tbody></table>"
    )
    assert table_warnings(body) == [
        f"The table that starts “Monday | Intake, about two hours” {HEADERS_WARNING}",
        f"The table that starts “Monday | Intake, about two hours” {CAPTION_WARNING}",
    ]


def test_a_table_with_a_header_row_and_a_caption_raises_no_warning():
    body = (
        "<table><caption>A week on the evening track</caption><thead><tr><th>Day</th><th>What happens</th>"
        "</tr></thead><tbody><tr><td>Monday</td><td>Group therapy</td></tr></tbody></table>"
    )
    assert table_warnings(body) == []
    # Header cells starting each row (Headers: First Column) are headers too.
    column = '<table><caption>Tracks</caption><tbody><tr><th scope="row">Morning</th><td>9 to noon</td></tr></tbody></table>'
    assert table_warnings(column) == []


def test_each_table_is_told_apart_and_one_with_no_words_in_its_first_row_still_named():
    body = (
        "<table><caption>Costs</caption><tbody><tr><td>Copay</td><td>$20</td></tr></tbody></table>"
        "<table><tbody><tr><td></td><td>&nbsp;</td></tr><tr><th>Day</th></tr></tbody></table>"
        "<table><thead><tr><th>Track</th><th>Times</th></tr></thead><tbody><tr><td>Morning</td></tr></tbody></table>"
    )
    assert table_warnings(body) == [
        f"The table that starts “Copay | $20” {HEADERS_WARNING}",
        f"A table {CAPTION_WARNING_NO_WORDS}",
        f"The table that starts “Track | Times” {CAPTION_WARNING}",
    ]


@pytest.mark.django_db
def test_the_editor_reads_the_table_warnings_after_saving(staff_client):
    article = ArticleFactory()
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data["body"] = "<p>Days.</p><table><tbody><tr><td>Monday</td><td>Intake</td></tr></tbody></table>"
    response = staff_client.post(url, data, follow=True)
    found = [str(message) for message in response.context["messages"]]
    assert f"Check: The table that starts “Monday | Intake” {HEADERS_WARNING}" in found
    assert f"Check: The table that starts “Monday | Intake” {CAPTION_WARNING}" in found


@pytest.mark.django_db
@pytest.mark.parametrize(("factory", "field"), [("LocationFactory", "body"), ("FAQFactory", "answer")])
def test_a_locations_text_and_an_answer_are_checked_for_what_a_screen_reader_misses(
    staff_client, factory, field
):
    """A location's text and an FAQ's answer have the same Image, Table and Link buttons as an
    article's, and show on public pages (an answer on every page that places it): a picture
    without a description, a table as the dialog makes it and a "click here" went without a word."""
    from tests import factories
    from tests.admin_forms import change_url

    obj = getattr(factories, factory)()
    data = admin_form_data(staff_client.get(change_url(obj)))
    data[field] = (
        '<p>The way in. <img src="/media/editor/door.png"> <a href="/faqs/">Click here</a></p>'
        "<table><tbody><tr><td>Monday</td><td>9 a.m.</td></tr></tbody></table>"
    )
    response = staff_client.post(change_url(obj), data, follow=True)
    assert "adminform" not in response.context  # saved all the same
    found = [str(message) for message in response.context["messages"] if str(message).startswith("Check:")]
    assert found[:4] == [
        f"Check: The image door.png {ALT_WARNING}",
        f"Check: The table that starts “Monday | 9 a.m.” {HEADERS_WARNING}",
        f"Check: The table that starts “Monday | 9 a.m.” {CAPTION_WARNING}",
        "Check: The link “Click here” does not say where it goes. Describe the destination instead.",
    ]
