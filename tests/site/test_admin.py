"""The admin, as marketing staff use it."""

import datetime as dt
import re
import zoneinfo
from html import unescape

import pytest
import time_machine
from django.contrib import admin
from django.contrib.redirects.models import Redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from articles.models import Article, Clinician
from carter_site.models import AddressNotFound, SiteSettings
from carter_site.passkeys import Passkey
from faqs.models import FAQ
from locations.models import Location
from pages.models import Page
from testimonials.models import Testimonial
from tests.admin_forms import article_form_data
from tests.factories import (
    ArticleFactory,
    ArticleFAQFactory,
    ArticleLocationFactory,
    ArticleTestimonialFactory,
    FAQFactory,
    LocationFactory,
    OpeningHoursFactory,
    PageFactory,
    TestimonialFactory,
    TopicFactory,
    UserFactory,
)
from tests.security.passkey_device import SoftPasskey

pytestmark = pytest.mark.django_db

RICH_TEXT_FIELDS = {Article: ["body"], Location: ["body"], FAQ: ["answer"], Page: ["body"]}


@pytest.fixture
def one_of_everything():
    location = LocationFactory()
    OpeningHoursFactory(location=location)
    article = ArticleFactory()
    ArticleFAQFactory(article=article)
    ArticleTestimonialFactory(article=article)
    ArticleLocationFactory(article=article, location=location)
    TopicFactory()
    SiteSettings.objects.create()
    Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
    Redirect.objects.create(site_id=1, old_path="/articles/old/", new_path=article.get_absolute_url())
    PageFactory()
    today = timezone.localdate()  # not forgotten when its list is opened
    AddressNotFound.objects.create(path="/old-flyer/", first_seen=today, last_seen=today)
    SoftPasskey().saved_for(UserFactory(username="dana", is_staff=True))
    return article


def registered_models():
    # Django's and the security apps' own admins (axes, django-otp) are tested in tests/security.
    others = {"auth", "sites", "axes", "otp_totp", "otp_static"}
    return [model for model in admin.site._registry if model._meta.app_label not in others]


def test_every_admin_list_add_and_change_page_renders(staff_client, one_of_everything):
    for model in registered_models():
        opts = model._meta
        changelist = staff_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), follow=True
        )
        assert changelist.status_code == 200, opts.label
        obj = model.objects.first()
        assert obj is not None, opts.label
        change = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200, opts.label
        # The one row of settings, the addresses visitors did not find (counted, never typed) and
        # passkeys (made by their owner's own device, on My passkeys) have no add page.
        if model not in (SiteSettings, AddressNotFound, Passkey):
            add = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
            assert add.status_code == 200, opts.label
            for field in RICH_TEXT_FIELDS.get(model, []):
                html = add.content.decode()
                assert f'id="id_{field}"' in html
                assert 'data-type="ckeditortype"' in html, (opts.label, field)
                assert "ckeditor/ckeditor/ckeditor.js" in html


def test_admin_lists_search_filter_and_navigate_by_date(staff_client, one_of_everything):
    for model, query in [
        (Article, "Article"),
        (FAQ, "question"),
        (Location, "Town"),
        (Testimonial, "evening"),
    ]:
        opts = model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        response = staff_client.get(url, {"q": query})
        assert response.status_code == 200
        assert response.context["cl"].result_count >= 1, opts.label
        assert response.context["cl"].has_filters, opts.label
        assert response.context["cl"].date_hierarchy, opts.label


def test_article_list_shows_each_state(staff_client):
    ArticleFactory(title="Live one")
    ArticleFactory(title="Draft one", draft=True)
    ArticleFactory(title="Later one", scheduled=True)
    ArticleFactory(title="Old one", expired=True)
    html = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    for label in ("Live", "Draft", "Scheduled for", "Expired"):
        assert label in html
    response = staff_client.get(reverse("admin:articles_article_changelist"), {"state": "scheduled"})
    assert [a.title for a in response.context["cl"].result_list] == ["Later one"]


def test_article_list_shows_scheduled_times_in_the_site_time_zone(staff_client, settings):
    settings.TIME_ZONE = "America/New_York"
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        nine_in_atlanta = dt.datetime(2027, 1, 1, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
        ArticleFactory(title="New year", published_at=nine_in_atlanta)  # 14:00 UTC
        url = reverse("admin:articles_article_changelist")
        for params in ({}, {"state": "scheduled"}):
            response = staff_client.get(url, params)
            assert [a.title for a in response.context["cl"].result_list] == ["New year"]
            html = response.content.decode()
            assert "Scheduled for Jan. 1, 2027, 9 a.m." in html, params  # the State column
            assert "2 p.m." not in html, params


def test_article_list_says_who_reviewed_and_when_articles_come_down(staff_client, settings):
    """The list is where editors see what needs them: who vouched for an article (a review by a
    clinician who has left needs a new one), and when a live article leaves the site or did."""
    settings.TIME_ZONE = "America/New_York"
    atlanta = zoneinfo.ZoneInfo("America/New_York")
    with time_machine.travel(dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC), tick=False):
        clinician = Clinician.objects.create(name="Dana Reyes", credentials="LCSW")
        current = ArticleFactory(title="Reviewed as it reads")
        current.record_review(clinician, dt.date(2026, 5, 1))
        current.save()
        edited = ArticleFactory(title="Reviewed, then edited")
        edited.record_review(clinician, dt.date(2026, 5, 2))
        edited.body += "<p>A sentence added after the review.</p>"
        edited.save()
        ArticleFactory(title="Coming down", expires_at=dt.datetime(2026, 7, 1, 17, 0, tzinfo=atlanta))
        ArticleFactory(
            title="Came down",
            published_at=dt.datetime(2026, 4, 1, 9, 0, tzinfo=atlanta),
            expires_at=dt.datetime(2026, 5, 1, 9, 0, tzinfo=atlanta),
        )
        html = staff_client.get(reverse("admin:articles_article_changelist")).content.decode()
    text = " ".join(unescape(strip_tags(html)).split())
    assert "Reviewed May 1, 2026 by Dana Reyes, LCSW" in text
    assert "Review out of date (Dana Reyes, LCSW, May 2, 2026)" in text
    assert "Live until July 1, 2026, 5 p.m." in text
    assert "Expired May 1, 2026, 9 a.m." in text


def test_view_on_site_link_on_every_content_object(staff_client, one_of_everything):
    for obj in [
        one_of_everything,
        Location.objects.first(),
        FAQ.objects.first(),
        Testimonial.objects.first(),
    ]:
        opts = obj._meta
        html = staff_client.get(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        ).content
        assert b"View on site" in html, opts.label


HOSTILE = (
    '<h2>Safe heading</h2><p>Kind words <script>alert("x")</script>'
    '<img src="/media/x.png" alt="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)">a trap</a> <a href="https://example.org/">a real link</a>'
    '<span style="position:fixed">styled</span></p>'
)


def test_hostile_html_saved_through_the_admin_is_gone_from_storage_and_page(staff_client):
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form_data(body=HOSTILE, status="published")
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    article = Article.objects.get(slug="saved-through-the-admin")
    for stored_or_rendered in (article.body, staff_client.get(article.get_absolute_url()).content.decode()):
        scripts = stored_or_rendered.count("<script")
        assert scripts == stored_or_rendered.count('<script type="application/ld+json"')  # only our own data
        assert 'alert("x")' not in stored_or_rendered
        assert "onerror" not in stored_or_rendered
        assert "javascript:" not in stored_or_rendered
        assert "position:fixed" not in stored_or_rendered
    assert "<h2>Safe heading</h2>" in article.body
    assert 'href="https://example.org/"' in article.body
    assert 'alt="x"' in article.body


def test_admin_refuses_a_hero_image_without_a_description(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.images import png_bytes

    data = article_form_data(hero_image=SimpleUploadedFile("hero.png", png_bytes(), content_type="image/png"))
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    assert "Describe the picture" in response.content.decode()
    # The browser shows the picture field empty again: the editor is told to choose it again,
    # or the corrected save would go through without it.
    assert response.context["adminform"].form.errors["hero_image"] == [
        "Choose the hero image “hero.png” again before saving: it was fine, but a browser does not "
        "keep a chosen file when the page comes back with something to correct, so it is not saved yet."
    ]
    assert not Article.objects.exists()


def test_admin_refuses_a_hero_image_that_is_not_an_image(staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = SimpleUploadedFile("hero.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form_data(hero_image=fake, hero_image_alt="A hallway")
    )
    assert response.status_code == 200
    assert "This file is not an image we can use." in response.content.decode()
    assert not Article.objects.exists()


def test_deleting_an_faq_shows_every_page_it_will_leave_before_anything_changes(staff_client):
    placement = ArticleFAQFactory(faq__question="Will my employer know?", article__title="Starting quietly")
    url = reverse("admin:faqs_faq_delete", args=[placement.faq.pk])
    html = staff_client.get(url).content.decode()
    assert "FAQ on an article" in html
    assert "“Will my employer know?” on “Starting quietly”" in html
    assert FAQ.objects.filter(pk=placement.faq.pk).exists()


def test_bulk_publish_and_unpublish_articles(staff_client):
    drafts = ArticleFactory.create_batch(2, draft=True)
    url = reverse("admin:articles_article_changelist")
    staff_client.post(url, {"action": "publish_selected", "_selected_action": [a.pk for a in drafts]})
    assert all(a.is_public for a in Article.objects.filter(pk__in=[a.pk for a in drafts]))
    staff_client.post(url, {"action": "unpublish_selected", "_selected_action": [drafts[0].pk]})
    assert Article.objects.get(pk=drafts[0].pk).status == Article.Status.DRAFT


def test_bulk_publish_testimonials_skips_those_without_consent(staff_client):
    consented = TestimonialFactory(is_published=False)
    unconsented = TestimonialFactory(is_published=False, consent_on_file=False)
    response = staff_client.post(
        reverse("admin:testimonials_testimonial_changelist"),
        {"action": "publish_selected", "_selected_action": [consented.pk, unconsented.pk]},
        follow=True,
    )
    consented.refresh_from_db()
    unconsented.refresh_from_db()
    assert consented.is_published and not unconsented.is_published
    assert "their written consent is missing, withdrawn or expired" in response.content.decode()


def test_bulk_unpublish_faqs(staff_client):
    faq = FAQFactory()
    staff_client.post(
        reverse("admin:faqs_faq_changelist"), {"action": "unpublish_selected", "_selected_action": [faq.pk]}
    )
    faq.refresh_from_db()
    assert not faq.is_published


def test_site_settings_is_one_row_edited_in_place_and_changes_every_page(staff_client, client):
    response = staff_client.get(reverse("admin:carter_site_sitesettings_changelist"))
    assert response.status_code == 302 and response["Location"].endswith("/add/")
    SiteSettings.objects.create()
    response = staff_client.get(reverse("admin:carter_site_sitesettings_changelist"))
    assert response["Location"].endswith("/1/change/")
    assert staff_client.get(reverse("admin:carter_site_sitesettings_add")).status_code == 403

    data = {
        "organization_name": "The Carter Treatment Center",
        "phone": "(470) 555-0123",
        "phone_hours": "",
        "crisis_line_text": "Call or text 988 any time.",
        "default_meta_description": "Help close to home.",
        "review_again_after_months": "12",
    }
    response = staff_client.post(
        reverse("admin:carter_site_sitesettings_change", args=[1]), data, follow=True
    )
    said = [str(message) for message in response.context["messages"]]
    assert said == ["The site settings were saved: every page shows them from now on."]
    assert "docs/" not in response.content.decode()  # no developer's file named to an editor
    html = client.get(reverse("home")).content.decode()
    assert 'href="tel:+14705550123"' in html
    assert "Call or text 988 any time." in html


def test_site_settings_refuse_a_phone_number_that_cannot_be_dialled(staff_client):
    SiteSettings.objects.create()
    data = {
        "organization_name": "x",
        "phone": "call us maybe",
        "phone_hours": "",
        "crisis_line_text": "988",
        "default_meta_description": "x",
    }
    response = staff_client.post(reverse("admin:carter_site_sitesettings_change", args=[1]), data)
    assert response.status_code == 200
    assert "Use only digits" in response.content.decode()
    assert SiteSettings.objects.get().phone == "(470) 284-1834"


def site_settings_data(**changes):
    data = {
        "organization_name": "The Carter Treatment Center",
        "phone": "(470) 284-1834",
        "phone_hours": "",
        "crisis_line_text": "In a crisis, call or text 988 any time.",
        "default_meta_description": "Help close to home.",
        "review_again_after_months": "12",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "impossible", ["(000) 000-0000", "+0 000 0000", "++1 470 284 1834", "(470) 123-4567"]
)
def test_site_settings_refuse_a_number_no_phone_could_dial(staff_client, client, impossible):
    SiteSettings.objects.create()
    url = reverse("admin:carter_site_sitesettings_change", args=[1])
    response = staff_client.post(url, site_settings_data(phone=impossible, phone_hours="Open late"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["phone"]
    assert "(470) 284-1834" in errors["phone"][0]  # says what a valid number looks like
    assert errors["phone"][0] in response.content.decode().replace("&#x27;", "'")
    saved = SiteSettings.objects.get()
    assert (saved.phone, saved.phone_hours) == ("(470) 284-1834", SiteSettings().phone_hours)  # nothing saved
    assert 'href="tel:+14702841834"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("typed", "dialled"), [("470-555-0123", "tel:+14705550123"), ("+44 20 7946 0958", "tel:+442079460958")]
)
def test_site_settings_keep_accepting_real_numbers(staff_client, client, typed, dialled):
    SiteSettings.objects.create()
    response = staff_client.post(
        reverse("admin:carter_site_sitesettings_change", args=[1]), site_settings_data(phone=typed)
    )
    assert response.status_code == 302
    assert SiteSettings.objects.get().phone == typed
    assert f'href="{dialled}"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "without_988",
    [
        "Call us.",
        "In a crisis call 9880 or 1988.",
        "Call the Lifeline any time.",
        # 988 inside another number: a visitor would dial that line, not the Lifeline.
        "In a crisis, call our after-hours line at (470) 988-2040.",
        "Call 988-555-0101 any time.",
        "Call 470.988.2040 at night.",
    ],
)
def test_site_settings_refuse_a_crisis_line_without_988(staff_client, client, without_988):
    SiteSettings.objects.create()
    url = reverse("admin:carter_site_sitesettings_change", args=[1])
    response = staff_client.post(
        url, site_settings_data(crisis_line_text=without_988, organization_name="Carter Center")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["crisis_line_text"]
    assert "988" in errors["crisis_line_text"][0]
    saved = SiteSettings.objects.get()
    assert (saved.crisis_line_text, saved.organization_name) == (
        SiteSettings().crisis_line_text,
        SiteSettings().organization_name,
    )
    assert "Call or text 988" in client.get(reverse("home")).content.decode()


def test_site_settings_accept_a_crisis_line_with_988_however_it_is_worded(staff_client):
    SiteSettings.objects.create()
    text = "Thinking about suicide? Dial 988 (the Lifeline) now, or 911 in an emergency. Or text 988."
    response = staff_client.post(
        reverse("admin:carter_site_sitesettings_change", args=[1]), site_settings_data(crisis_line_text=text)
    )
    assert response.status_code == 302
    assert SiteSettings.objects.get().crisis_line_text == text


@pytest.mark.parametrize(
    ("model", "example"),
    [
        (Article, "your-article-name makes /articles/your-article-name/"),
        (Location, "alpharetta makes /locations/alpharetta/"),
    ],
)
def test_the_slug_help_text_shows_an_example_address(staff_client, model, example):
    opts = model._meta
    html = staff_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add")).content.decode()
    [help_text] = re.findall(r'<div class="help"[^>]*>\s*<div>(.*?)</div>', html.split('id="id_slug"')[1])[:1]
    assert example in help_text
    assert "//" not in help_text


def test_no_help_text_holds_markup_that_the_admin_would_swallow():
    # The admin outputs help texts as HTML: a literal <slug> is an unknown tag and disappears.
    for model in registered_models():
        for field in model._meta.get_fields():
            help_text = str(getattr(field, "help_text", ""))
            assert strip_tags(help_text) == help_text, f"{model._meta.label}.{field.name}: {help_text}"


# A picture pasted into the editor arrives inside the text, as a data: address of about 2.2 MB.
PASTED_PICTURE = '<img alt="The garden" src="data:image/png;base64,' + "iVBORw0KGgo" * 200_000 + '">'


def test_a_pasted_picture_of_two_megabytes_gets_a_form_error_and_the_editor_keeps_the_article(staff_client):
    body = f"<h2>A week in the garden group</h2><p>Words the editor wrote for an hour.</p><p>{PASTED_PICTURE}</p>"
    assert len(body) > 2_200_000
    data = article_form_data(
        title="The garden group", slug="the-garden-group", summary="Outside, together.", body=body
    )
    response = staff_client.post(reverse("admin:articles_article_add"), data)
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert list(form.errors) == ["body"]
    [message] = form.errors["body"]
    assert "a picture pasted into it (2.1 MB)" in message
    assert "Upload" in message
    html = response.content.decode()
    assert message in unescape(html)
    # What the editor typed is all still in the form, the picture too, ready to fix and save.
    assert form["title"].value() == "The garden group" and 'value="The garden group"' in html
    assert form["body"].value() == body
    assert "Words the editor wrote for an hour." in html and "iVBORw0KGgo" * 1000 in html
    assert not Article.objects.exists()


def test_a_text_too_large_to_keep_is_refused_with_its_size(staff_client):
    body = "<p>" + "Plain words, far too many of them. " * 64_000 + "</p>"
    response = staff_client.post(reverse("admin:articles_article_add"), article_form_data(body=body))
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["body"]
    assert "The text is 2.1 MB" in message and "at most 2 MB" in message
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "dates, says",
    [
        (
            {"expires_at_0": "2020-01-01", "expires_at_1": "09:00"},
            "which is now when you publish without one",
        ),
        (
            {
                "published_at_0": "2030-05-01",
                "published_at_1": "09:00",
                "expires_at_0": "2030-04-01",
                "expires_at_1": "09:00",
            },
            "The take-down time must be after the publish time.",
        ),
    ],
)
def test_a_take_down_time_before_publishing_is_an_error_beside_that_field(staff_client, dates, says):
    response = staff_client.post(
        reverse("admin:articles_article_add"), article_form_data(status="published", **dates)
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["expires_at"], errors
    assert says in errors["expires_at"][0]
    assert not Article.objects.filter(slug="saved-through-the-admin").exists()


def test_bulk_unpublish_says_which_were_shown_on_the_site_and_which_were_not(staff_client):
    """A testimonial ticked Published whose consent starts next week was never shown: unpublishing
    it takes nothing off the site, and the message must not say it did."""
    shown = TestimonialFactory()
    waiting = TestimonialFactory(consent_signed_on=timezone.localdate() + dt.timedelta(days=7))
    changelist = reverse("admin:testimonials_testimonial_changelist")

    def unpublish(*testimonials):
        response = staff_client.post(
            changelist,
            {"action": "unpublish_selected", "_selected_action": [t.pk for t in testimonials]},
            follow=True,
        )
        return [
            str(message) for message in response.context["messages"] if str(message).startswith("Unpublished")
        ]

    assert unpublish(shown, waiting)[0] == (
        "Unpublished 2 items. 1 of them was on the public site and no longer is; the others were not shown there."
    )
    waiting.is_published = True
    waiting.save()
    assert (
        unpublish(waiting)[0]
        == "Unpublished 1 item. None of them was shown on the public site, so visitors see no change."
    )
    shown.is_published = True
    shown.save()
    assert unpublish(shown)[0] == "Unpublished 1 item: it is no longer on the public site."


@pytest.mark.parametrize(
    ("model", "slug"),
    [
        (Article, "coming back!"),
        (Location, "east side"),
        (Page, "privacy?"),
        ("faqs.Topic", "cost & insurance"),
    ],
)
def test_an_address_with_a_space_or_a_mark_is_refused_in_an_editors_words(rf, model, slug):
    from django.apps import apps
    from django.core.exceptions import ValidationError

    from carter_site.admin_input import SLUG_MESSAGE

    model = apps.get_model(model) if isinstance(model, str) else model
    request = rf.get("/")
    from tests.factories import StaffFactory

    request.user = StaffFactory(username="editor")
    field = admin.site._registry[model].get_form(request)().fields["slug"]
    with pytest.raises(ValidationError) as refused:
        field.clean(slug)
    assert refused.value.messages == [SLUG_MESSAGE]
    assert field.clean("coming-back-to-iop") == "coming-back-to-iop"
