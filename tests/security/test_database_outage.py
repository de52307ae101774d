"""When the database does not answer: a calm 503 page, fast, and no admin save half-applied.

These run in-process with the database failing on purpose; tests/security/test_production_server.py
stops a real PostgreSQL server under a running gunicorn.
"""

import logging

import pytest
from django.db import OperationalError
from django.db.utils import InterfaceError
from django.test import Client
from django.urls import reverse

from articles.admin import ArticleAdmin
from articles.models import Article
from carter_site import security
from carter_site.models import SiteSettings
from tests.admin_forms import admin_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_back_off(monkeypatch):
    monkeypatch.setattr(security, "_outage_until", 0.0)


def assert_calm_503(response):
    assert response.status_code == 503
    html = response.content.decode()
    assert "This page will be back in a moment" in html
    assert 'href="tel:' in html and "988" in html  # the phone number and the crisis line
    assert "Traceback" not in html and "OperationalError" not in html
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_a_view_whose_database_is_gone_answers_503_in_the_sites_design(client, site, monkeypatch, caplog):
    SiteSettings.objects.update(phone="(470) 555-0142")
    SiteSettings.load()  # cached, as on any busy site

    def down(*args, **kwargs):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed: Connection refused')

    monkeypatch.setattr(Article.objects.model._default_manager.__class__, "published", down, raising=False)
    response = client.get(reverse("articles:list") + "?q=private")
    assert_calm_503(response)
    assert "(470) 555-0142" in response.content.decode()  # from the cached site settings
    assert "Database unavailable" in caplog.text and "private" not in caplog.text
    # One warning, not an error per request (which would email the ADMINS for every page).
    assert not [r for r in caplog.records if r.name == "django.request" and r.levelno >= logging.ERROR]


def test_the_outage_page_still_shows_where_the_locations_are(client, site, monkeypatch):
    """Every page offers the nearest location; during an outage the last list read is in the cache."""
    client.get("/")  # any page read the locations lately, as on any visited site

    def down(*args, **kwargs):
        raise OperationalError("Connection refused")

    monkeypatch.setattr(Article.objects.model._default_manager.__class__, "published", down, raising=False)
    response = client.get(reverse("articles:list"))
    assert_calm_503(response)
    html = response.content.decode()
    location = site["location"]
    assert "Our locations" in html and location.one_line_address in html
    assert f'href="{location.get_absolute_url()}"' in html


def test_the_500_page_shows_the_locations_too(client, site, monkeypatch):
    from carter_site import views

    client.get(site["location"].get_absolute_url())  # another page read the locations lately
    monkeypatch.setattr(views.HomeView, "get_context_data", lambda self, **kw: 1 / 0)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert site["location"].one_line_address in response.content.decode()


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_errors_raised_outside_views_are_caught_by_the_error_handler(site, monkeypatch, error):
    """A 404 asks the redirects table (in middleware, after the view): that failing is a 503 too."""
    from django.contrib.redirects.middleware import RedirectFallbackMiddleware

    def down(self, request, response):
        raise error

    monkeypatch.setattr(RedirectFallbackMiddleware, "process_response", down)
    client = Client(raise_request_exception=False)
    assert_calm_503(client.get("/no-such-page/"))


def test_other_errors_still_get_the_500_page(site, monkeypatch):
    from carter_site import views

    monkeypatch.setattr(views.HomeView, "get_context_data", lambda self, **kw: 1 / 0)
    response = Client(raise_request_exception=False).get("/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_the_503_page_renders_with_no_database_and_no_cache_at_all(monkeypatch):
    """No database mark: any query would fail this test. The cache is broken too."""

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("django.core.cache.cache.get", broken)
    response = security.database_outage_response(None)
    assert response.status_code == 503
    html = response.content.decode()
    assert "(470) 284-1834" in html and "988" in html  # the built-in defaults


def test_after_a_failed_connection_the_process_answers_at_once_then_tries_again(client, site, monkeypatch):
    calls = []

    def down(*args, **kwargs):
        calls.append(1)
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(security, "_could_not_connect", lambda: True)
    monkeypatch.setattr(Article.objects.model._default_manager.__class__, "published", down, raising=False)
    assert client.get(reverse("articles:list")).status_code == 503
    assert len(calls) == 1
    # Within the back-off the view is not even tried; the health checks still are.
    assert client.get(reverse("articles:list")).status_code == 503
    assert len(calls) == 1
    assert client.get("/healthz").status_code == 200
    # Once it is over, the next request tries the database again.
    monkeypatch.setattr(security, "_outage_until", 0.0)
    monkeypatch.undo()
    assert client.get(reverse("articles:list")).status_code == 200


def test_an_admin_save_that_fails_half_way_changes_nothing(staff_client, site, monkeypatch, caplog):
    """The article is saved, then its inlines fail: the whole save is rolled back."""
    caplog.set_level(logging.WARNING)
    article = site["article"]
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = admin_form_data(staff_client.get(url))
    data.update(title="A title that must not stick", summary="Nor this summary.")

    def fail_after_the_article_was_saved(self, request, form, formsets, change):
        assert Article.objects.get(pk=article.pk).title == "A title that must not stick"
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ArticleAdmin, "save_related", fail_after_the_article_was_saved)
    response = staff_client.post(url, data)
    assert response.status_code == 503
    article.refresh_from_db()
    assert article.title == "What a week of IOP looks like"
    assert article.summary != "Nor this summary."
    from django.contrib.admin.models import LogEntry

    assert not LogEntry.objects.filter(object_id=str(article.pk)).exists()


def test_the_admin_views_that_write_run_in_one_transaction():
    """Django's own change, add and delete views are atomic; so are our bulk actions (test_admin_access)."""
    import inspect

    from django.contrib.admin.options import ModelAdmin

    for name in ("changeform_view", "delete_view"):
        assert "transaction.atomic" in inspect.getsource(getattr(ModelAdmin, name)), name


@pytest.mark.parametrize("cache_works", [True, False])
def test_when_the_503_page_itself_fails_the_plain_text_gives_the_number_of_the_day(
    client, site, settings, tmp_path, monkeypatch, cache_works
):
    """With no template to render (here: a template folder without 503.html), a few plain words
    stand in: the number in them is the site's current one while the cache has it."""
    SiteSettings.objects.update(phone="(470) 555-0142")
    assert client.get("/").status_code == 200  # a page read the site settings lately
    if not cache_works:

        def broken(*args, **kwargs):
            raise ConnectionError("cache down")

        monkeypatch.setattr("django.core.cache.cache.get", broken)
    settings.TEMPLATES = [
        {"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [str(tmp_path)]}
    ]
    response = security.database_outage_response(None)
    assert response.status_code == 503 and response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert ("(470) 555-0142" if cache_works else "(470) 284-1834") in body and "988" in body
