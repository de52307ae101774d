"""A URL configuration for tests/caching/test_lean_rendering.py: the home page elsewhere."""

from django.http import HttpResponse
from django.urls import path

urlpatterns = [path("welcome/", lambda request: HttpResponse("elsewhere"), name="home")]
