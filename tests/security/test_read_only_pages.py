"""Public pages only read: a form post or another writing method gets a 405, never the CSRF page.

Django's CSRF check runs before any view, so without `carter_site.security.read_only` a POST to
an article got 403 and a page telling the visitor their form could not be sent and to sign in
again: false on a page with no form. The admin keeps its check (last test).
"""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from django.views.generic import TemplateView

from carter_site.security import read_only

from .conftest import public_pages

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_writing_to_a_public_page_is_refused_as_a_method_it_does_not_take(strict_client, site, method):
    paths = [path for name, path in public_pages(site) if name != "not found"] + [
        reverse(name) for name in ("sitemap", "articles-feed", "robots_txt", "healthz", "readyz")
    ]
    for path in paths:
        response = strict_client.generic(
            method, path, "a=1", content_type="application/x-www-form-urlencoded"
        )
        assert response.status_code == 405, (path, response.status_code)
        allowed = set(response["Allow"].split(", "))
        assert {"GET", "HEAD"} <= allowed <= {"GET", "HEAD", "OPTIONS"}, (path, allowed)


def test_a_view_that_writes_cannot_be_marked_read_only():
    class SignUp(TemplateView):
        def post(self, request):
            return self.get(request)

    with pytest.raises(ImproperlyConfigured, match="SignUp handles POST"):
        read_only(SignUp.as_view())


def test_the_admin_keeps_its_csrf_check(strict_client, django_user_model):
    response = strict_client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    assert response.status_code == 403
