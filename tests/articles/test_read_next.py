"""Editors choose what a reader reads next: up to three articles, in their order, before the
related ones (articles.models.ReadNextChoice, ArticleQuerySet.related_to)."""

import datetime as dt
import re

import pytest
import time_machine
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from reversion.models import Version

from carter_site import caching
from tests.admin_forms import admin_form_data, change_url
from tests.caching.helpers import cache_status, text
from tests.caching.test_query_budget import PAGE_QUERIES, page_cold_queries
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    FAQFactory,
    LocationFactory,
)

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 13, 0, tzinfo=dt.UTC)


@pytest.fixture
def visitor():
    """An anonymous browser of its own (staff_client signs in pytest-django's `client`)."""
    return Client()


def days_ago(n):
    return timezone.now() - dt.timedelta(days=n)


def choose(article, *chosen, orders=None):
    """Rows as the admin saves them: `chosen` in this order, unless `orders` numbers them."""
    from articles.models import ReadNextChoice

    for position, other in enumerate(chosen):
        order = orders[position] if orders else position + 1
        ReadNextChoice.objects.create(article=article, chosen=other, order=order)


def read_next(client, article):
    return [a.title for a in client.get(article.get_absolute_url()).context["related_articles"]]


@pytest.fixture
def article_with_neighbours():
    """An article, and three live ones related to it by location or topic, closest first:
    "Same location and topic", "Same location", "Same topic"."""
    location, topic = LocationFactory(), FAQFactory().topic
    article = ArticleFactory(title="Coming back after a break")
    ArticleLocationFactory(article=article, location=location)
    ArticleFAQFactory(article=article, faq=FAQFactory(topic=topic))
    both = ArticleFactory(title="Same location and topic", published_at=days_ago(9))
    ArticleLocationFactory(article=both, location=location)
    ArticleFAQFactory(article=both, faq=FAQFactory(topic=topic))
    same_location = ArticleFactory(title="Same location", published_at=days_ago(2))
    ArticleLocationFactory(article=same_location, location=location)
    same_topic = ArticleFactory(title="Same topic", published_at=days_ago(3))
    ArticleFAQFactory(article=same_topic, faq=FAQFactory(topic=topic))
    return article


# --- What the page shows ------------------------------------------------------------------------


def test_chosen_articles_come_first_in_the_editors_order_and_related_ones_fill_the_rest(
    client, article_with_neighbours
):
    older = ArticleFactory(title="Your first week", published_at=days_ago(40))
    newer = ArticleFactory(title="Paying for treatment", published_at=days_ago(1))
    choose(article_with_neighbours, older, newer)
    assert read_next(client, article_with_neighbours) == [
        "Your first week",
        "Paying for treatment",
        "Same location and topic",
    ]


def test_the_order_numbers_decide_not_the_order_the_rows_were_added_in(client, article_with_neighbours):
    first, second = ArticleFactory(title="Read me first"), ArticleFactory(title="Read me second")
    choose(article_with_neighbours, second, first, orders=[5, 2])
    assert read_next(client, article_with_neighbours)[:2] == ["Read me first", "Read me second"]


def test_equal_order_numbers_keep_the_order_the_rows_were_added_in(client, article_with_neighbours):
    added_first, added_second = ArticleFactory(title="Added first"), ArticleFactory(title="Added second")
    choose(article_with_neighbours, added_first, added_second, orders=[0, 0])
    assert read_next(client, article_with_neighbours)[:2] == ["Added first", "Added second"]


def test_a_chosen_article_that_is_also_related_is_shown_once_in_its_chosen_place(
    client, article_with_neighbours
):
    same_topic = article_with_neighbours.__class__.objects.get(title="Same topic")
    choose(article_with_neighbours, same_topic)
    assert read_next(client, article_with_neighbours) == [
        "Same topic",
        "Same location and topic",
        "Same location",
    ]


def test_three_chosen_leave_no_place_for_related_ones(client, article_with_neighbours):
    chosen = [ArticleFactory(title=f"Chosen {n}") for n in range(3)]
    choose(article_with_neighbours, *chosen)
    assert read_next(client, article_with_neighbours) == ["Chosen 0", "Chosen 1", "Chosen 2"]


@pytest.mark.parametrize("state", ["draft", "scheduled", "taken down", "deleted"])
def test_a_chosen_article_that_is_not_live_is_left_out_and_its_place_filled(
    client, article_with_neighbours, state
):
    hidden = ArticleFactory(title="Not for readers now")
    shown = ArticleFactory(title="Live and chosen")
    choose(article_with_neighbours, hidden, shown)
    if state == "draft":
        hidden.status = hidden.Status.DRAFT
    elif state == "scheduled":
        hidden.published_at = timezone.now() + dt.timedelta(days=2)
    elif state == "taken down":
        hidden.expires_at = timezone.now() - dt.timedelta(minutes=1)
    if state == "deleted":
        hidden.delete()
    else:
        hidden.save()
    assert read_next(client, article_with_neighbours) == [
        "Live and chosen",
        "Same location and topic",
        "Same location",
    ]


def test_an_article_about_nothing_in_common_shows_its_chosen_ones(client):
    article = ArticleFactory(title="Stepping away and coming back")
    choose(article, ArticleFactory(title="Your first week"))
    ArticleFactory(title="Unrelated and not chosen")
    response = client.get(article.get_absolute_url())
    assert [a.title for a in response.context["related_articles"]] == ["Your first week"]
    assert "Read next" in response.content.decode()


def test_an_article_is_never_its_own_read_next_in_the_database_either(db):
    article = ArticleFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        choose(article, article)


def test_the_same_article_cannot_be_chosen_twice_in_the_database_either(db):
    article, other = ArticleFactory(), ArticleFactory()
    choose(article, other)
    with pytest.raises(IntegrityError), transaction.atomic():
        choose(article, other)


# --- Query budget -------------------------------------------------------------------------------


def test_chosen_articles_cost_no_query_more_however_many_articles_and_choices(visitor):
    from articles.models import ReadNextChoice
    from tests.site.test_query_counts import grow_site

    article, _location = grow_site(3)
    without = page_cold_queries(visitor, article.get_absolute_url())
    others = ArticleFactory.create_batch(40)
    choose(article, *others[:3])
    with_three = page_cold_queries(visitor, article.get_absolute_url())
    # More rows than the form allows (the shell could write them): still one query, three shown.
    ReadNextChoice.objects.bulk_create(
        ReadNextChoice(article=article, chosen=other, order=9) for other in others[3:]
    )
    with_many = page_cold_queries(visitor, article.get_absolute_url())
    assert len(with_three) == len(with_many) == len(without) <= PAGE_QUERIES, with_many
    assert [a.pk for a in article.__class__.objects.related_to(article, [], [], limit=3)] == [
        other.pk for other in others[:3]
    ]


def test_an_article_with_nothing_in_common_but_chosen_ones_stays_within_the_budget(
    visitor, django_assert_max_num_queries
):
    article = ArticleFactory()
    choose(article, *ArticleFactory.create_batch(3))
    caches["default"].clear()  # no page cached; the site-wide data every page shares cached below
    caching.site_settings()
    caching.published_locations()
    caching.footer_pages()
    caching.clinician_pages()
    caching.seconds_until_next_change(caching.content_version())
    with django_assert_max_num_queries(PAGE_QUERIES):
        response = visitor.get(article.get_absolute_url())
    assert len(response.context["related_articles"]) == 3


def test_an_article_with_nothing_in_common_and_none_chosen_asks_no_related_query(visitor):
    article = ArticleFactory()
    ArticleFactory()
    queries = page_cold_queries(visitor, article.get_absolute_url())
    # A guard, true before choices existed too: the related-articles query (the one with a UNION)
    # is still skipped when the page's own query says there is nothing to look for.
    assert not any(" UNION " in sql.upper() for sql in queries), queries


# --- The admin's form ---------------------------------------------------------------------------


def with_rows(data, *rows):
    """Add rows (article, order) to the posted "Read next" inline, after those already there."""
    start = int(data["read_next_choices-TOTAL_FORMS"])
    for index, (other, order) in enumerate(rows, start):
        data[f"read_next_choices-{index}-chosen"] = str(other.pk)
        data[f"read_next_choices-{index}-order"] = str(order)
    data["read_next_choices-TOTAL_FORMS"] = str(start + len(rows))
    return data


def post_choices(editor, article, *rows, follow=False):
    data = with_rows(admin_form_data(editor.get(change_url(article))), *rows)
    return editor.post(change_url(article), data, follow=follow)


def chosen_titles(article):
    return [choice.chosen.title for choice in article.read_next_choices.all()]


def page_text(response):
    return response.content.decode()


def test_an_editor_chooses_articles_to_read_next_and_readers_see_them_in_order(staff_client, client):
    article = ArticleFactory(title="Coming back after a break")
    week, paying = ArticleFactory(title="Your first week"), ArticleFactory(title="Paying for treatment")
    response = post_choices(staff_client, article, (paying, 2), (week, 1))
    assert response.status_code == 302
    assert chosen_titles(article) == ["Your first week", "Paying for treatment"]
    client.logout()
    assert read_next(client, article) == ["Your first week", "Paying for treatment"]


def test_a_marketing_editor_chooses_and_a_clinical_reviewer_does_not_see_the_rows(client):
    from carter_site.roles import CLINICAL_REVIEWERS, MARKETING_EDITORS
    from tests.admin_forms import signed_in

    article, week = ArticleFactory(), ArticleFactory(title="Your first week")
    editor = signed_in(MARKETING_EDITORS, "sam")
    assert 'name="read_next_choices-TOTAL_FORMS"' in page_text(editor.get(change_url(article)))
    assert post_choices(editor, article, (week, 1)).status_code == 302
    assert chosen_titles(article) == ["Your first week"]
    reviewer = signed_in(CLINICAL_REVIEWERS, "dana")
    assert 'name="read_next_choices-TOTAL_FORMS"' not in page_text(reviewer.get(change_url(article)))


def test_the_form_offers_a_searchable_picker_of_articles(staff_client):
    article = ArticleFactory()
    ArticleFactory(title="After a pause in treatment")
    html = page_text(staff_client.get(change_url(article)))
    assert 'name="read_next_choices-__prefix__-chosen"' in html
    assert 'data-model-name="readnextchoice" data-field-name="chosen"' in html
    found = staff_client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "articles",
            "model_name": "readnextchoice",
            "field_name": "chosen",
            "term": "pause",
        },
    ).json()
    assert [result["text"] for result in found["results"]] == ["After a pause in treatment"]


def picker_titles(staff_client, address, term=""):
    """The titles the Read next picker offers for `term`, asked at `address` as its script asks."""
    params = {"app_label": "articles", "model_name": "readnextchoice", "field_name": "chosen", "term": term}
    response = staff_client.get(f"{address}{'&' if '?' in address else '?'}{urlencode(params)}")
    assert response.status_code == 200
    return sorted(result["text"] for result in response.json()["results"])


def test_the_picker_never_offers_the_article_being_edited(staff_client):
    article = ArticleFactory(title="Coming back after a break")
    ArticleFactory(title="Coming back to the evening track")
    html = page_text(staff_client.get(change_url(article)))
    address = re.search(
        r'data-ajax--url="([^"]*)" data-app-label="articles" data-model-name="readnextchoice"', html
    )
    assert address, "the Read next picker names no address to search"
    address = address.group(1).replace("&amp;", "&")
    assert address == f"{reverse('admin:autocomplete')}?leave_out={article.pk}"
    assert picker_titles(staff_client, address, "coming back") == ["Coming back to the evening track"]
    # Without it (the picker of a new article, which is not in the database yet) all are offered.
    assert picker_titles(staff_client, reverse("admin:autocomplete"), "coming back") == [
        "Coming back after a break",
        "Coming back to the evening track",
    ]
    assert "leave_out" not in page_text(staff_client.get(reverse("admin:articles_article_add")))


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999"])
def test_a_picker_told_to_leave_out_something_that_is_not_an_id_leaves_out_nothing(staff_client, value):
    ArticleFactory(title="Coming back after a break")
    address = f"{reverse('admin:autocomplete')}?leave_out={value}"
    assert picker_titles(staff_client, address, "coming") == ["Coming back after a break"]


def test_a_fourth_article_is_refused_with_a_clear_error(staff_client):
    article = ArticleFactory()
    chosen = ArticleFactory.create_batch(4)
    response = post_choices(staff_client, article, *((other, n) for n, other in enumerate(chosen)))
    assert response.status_code == 200
    assert "Choose at most 3 articles to read next (4 are chosen)" in page_text(response)
    assert chosen_titles(article) == []


def test_four_rows_of_which_one_is_deleted_are_saved(staff_client):
    article = ArticleFactory()
    choose(article, *ArticleFactory.create_batch(3))
    extra = ArticleFactory(title="One more")
    data = with_rows(admin_form_data(staff_client.get(change_url(article))), (extra, 9))
    data["read_next_choices-0-DELETE"] = "on"
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 302
    assert len(chosen_titles(article)) == 3 and chosen_titles(article)[-1] == "One more"


def test_the_article_itself_is_refused(staff_client):
    article = ArticleFactory(title="Coming back after a break")
    response = post_choices(staff_client, article, (article, 1))
    assert response.status_code == 200
    assert "This is the article you are editing: choose another one" in page_text(response)
    assert chosen_titles(article) == []


def test_the_same_article_twice_is_refused(staff_client):
    article, week = ArticleFactory(), ArticleFactory(title="Your first week")
    response = post_choices(staff_client, article, (week, 1), (week, 2))
    assert response.status_code == 200
    assert "“Your first week” is chosen twice to read next. Delete one of the two rows." in page_text(
        response
    )
    assert chosen_titles(article) == []


@pytest.mark.parametrize("value", ["abc", "1.5", "99999999999999999999"])
def test_a_picker_sent_something_that_is_not_an_article_says_choose_again(staff_client, value):
    article = ArticleFactory()
    data = with_rows(admin_form_data(staff_client.get(change_url(article))), (ArticleFactory(), 1))
    data["read_next_choices-0-chosen"] = value
    response = staff_client.post(change_url(article), data)
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"]
    assert chosen_titles(article) == []


def test_after_saving_the_editor_is_told_which_chosen_articles_readers_do_not_see(staff_client):
    article = ArticleFactory()
    draft = ArticleFactory(title="Half written", draft=True)
    scheduled = ArticleFactory(title="Out next week", published_at=timezone.now() + dt.timedelta(days=7))
    live = ArticleFactory(title="Your first week")
    response = post_choices(staff_client, article, (draft, 1), (scheduled, 2), (live, 3), follow=True)
    messages = [str(message) for message in response.context["messages"]]
    assert (
        "Check: Readers do not see “Half written” under Read next: it is a draft, so another article takes "
        "its place." in messages
    )
    assert any(
        m.startswith("Check: Readers see “Out next week” under Read next once it goes live, on ")
        for m in messages
    )
    assert not any("Your first week" in m for m in messages)


# --- Versions -----------------------------------------------------------------------------------


def restore_first_version(editor, article, follow=False):
    first = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    form = editor.get(url)
    assert form.status_code == 200
    return form, editor.post(url, admin_form_data(form), follow=follow)


def test_the_choice_is_part_of_a_version_and_comes_back_on_restore(staff_client):
    article = ArticleFactory()
    week, paying, other = (ArticleFactory(title=t) for t in ("Your first week", "Paying", "Something else"))
    assert post_choices(staff_client, article, (paying, 2), (week, 1)).status_code == 302
    data = admin_form_data(staff_client.get(change_url(article)))
    data["read_next_choices-0-DELETE"] = data["read_next_choices-1-DELETE"] = "on"
    assert staff_client.post(change_url(article), with_rows(data, (other, 1))).status_code == 302
    assert chosen_titles(article) == ["Something else"]

    _form, response = restore_first_version(staff_client, article)
    assert response.status_code == 302
    assert chosen_titles(article) == ["Your first week", "Paying"]


def test_a_version_that_chose_an_article_deleted_since_restores_without_it_and_says_so(staff_client):
    article = ArticleFactory()
    gone, kept = ArticleFactory(title="Deleted later"), ArticleFactory(title="Your first week")
    assert post_choices(staff_client, article, (gone, 1), (kept, 2)).status_code == 302
    gone.delete()

    form, response = restore_first_version(staff_client, article, follow=True)
    assert "This version placed 1 article that was deleted since: left out here." in page_text(form)
    assert response.status_code == 200 and response.redirect_chain
    assert chosen_titles(article) == ["Your first week"]


# --- The page cache -----------------------------------------------------------------------------


def test_a_new_choice_shows_on_the_next_anonymous_request(visitor, staff_client, article_with_neighbours):
    article = article_with_neighbours
    assert "Your first week" not in text(visitor.get(article.get_absolute_url()))
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"
    week = ArticleFactory(title="Your first week")
    # The factory saved an article, which moved the content version: cache the page again first.
    visitor.get(article.get_absolute_url())
    assert cache_status(visitor.get(article.get_absolute_url())) == "hit"

    assert post_choices(staff_client, article, (week, 1)).status_code == 302
    response = visitor.get(article.get_absolute_url())
    assert cache_status(response) == "miss"
    assert "Your first week" in text(response)


def test_a_chosen_article_appears_at_its_publish_time_though_the_page_was_cached(visitor, settings):
    settings.PAGE_CACHE_TIMEOUT = 24 * 60 * 60  # only the schedule may end the cached page's life
    with time_machine.travel(NOW, tick=False) as clock:
        article = ArticleFactory(title="Coming back after a break", published_at=NOW - dt.timedelta(days=1))
        later = ArticleFactory(title="Goes live at three", published_at=NOW + dt.timedelta(hours=2))
        choose(article, later)
        assert "Goes live at three" not in text(visitor.get(article.get_absolute_url()))
        assert cache_status(visitor.get(article.get_absolute_url())) == "hit"

        clock.shift(dt.timedelta(hours=2) - dt.timedelta(seconds=2))
        assert cache_status(visitor.get(article.get_absolute_url())) == "hit"

        clock.shift(dt.timedelta(seconds=3))
        response = visitor.get(article.get_absolute_url())
        assert cache_status(response) == "miss"
        assert "Goes live at three" in text(response)
