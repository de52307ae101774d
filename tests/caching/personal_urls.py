"""A URL configuration for tests/caching/test_page_cache.py: public view names whose answers are
personal all the same, as a form on a public page would make them (a CSRF cookie)."""

import secrets

from django.http import HttpResponse
from django.urls import path


def sets_a_cookie(request):
    response = HttpResponse(f"<p>Form {secrets.token_hex(4)}</p>")
    response.set_cookie("csrftoken", secrets.token_hex(16))
    return response


def private(request):
    response = HttpResponse(f"<p>Yours {secrets.token_hex(4)}</p>")
    response["Cache-Control"] = "private"
    return response


urlpatterns = [
    path("", sets_a_cookie, name="home"),
    path("faqs/", private, name="faqs:list"),
]
