"""Odd requests for uploaded files, where the site serves them itself (SERVE_MEDIA, as the compose
stack does): a calm 404 or 405, never a 500, the CSRF page or the file for a method that only asks.

Before: "/media/" and a name of 300 characters was a 500 with a traceback in the log (the
filesystem refuses a name over 255 bytes, and Django's serve() let that through); a POST, PUT or
DELETE got the "form could not be sent, sign in again" page (403), and OPTIONS the picture itself.
"""

import importlib
import logging

import pytest
from django.test import Client, override_settings
from django.urls import clear_url_caches
from hypothesis import example, given

import carter_site.urls

from .test_hostile_input import assert_answered_calmly, hostile_paths, query_strings

pytestmark = pytest.mark.django_db

PICTURE = b"\x89PNG\r\n\x1a\n"


def reload_urls():
    clear_url_caches()
    importlib.reload(carter_site.urls)


@pytest.fixture
def served_media(media_root):
    (media_root / "editor").mkdir(parents=True)
    (media_root / "editor" / "room.png").write_bytes(PICTURE)
    with override_settings(DEBUG=False, SERVE_MEDIA=True):
        reload_urls()
        yield "/media/editor/room.png"
    reload_urls()


def errors_logged(caplog):
    return [record for record in caplog.records if record.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    "path",
    [
        "/media/" + "a" * 300,
        "/media/" + "a" * 300 + "/",
        "/media/editor/" + "a" * 256 + ".png",
        "/media/" + "é" * 200,  # 400 bytes in UTF-8
        "/media/editor/" + "a" * 300 + "/room.png",
    ],
)
def test_a_name_too_long_for_the_filesystem_is_not_found(client, served_media, caplog, path):
    for method in ("get", "head"):
        response = getattr(client, method)(path)
        assert response.status_code == 404, (method, response.status_code)
    assert not errors_logged(caplog)


def test_the_file_is_still_served(client, served_media):
    response = client.get(served_media)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PICTURE


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("which", ["present", "missing"])
def test_an_upload_is_only_read(served_media, caplog, method, which):
    path = served_media if which == "present" else "/media/editor/nothing.png"
    client = Client(enforce_csrf_checks=True)  # as a browser or a script meets it
    response = client.generic(method, path, "a=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 405, response.status_code
    assert set(response["Allow"].split(", ")) == {"GET", "HEAD"}
    assert PICTURE not in response.content
    assert not errors_logged(caplog)


def test_hostile_media_paths(served_media, caplog):
    """The property test's paths (tests/security/test_hostile_input.py) against the media view
    itself, which the suite's settings otherwise leave unrouted. A path that climbs out of the
    media folder is Django's 400 (SuspiciousFileOperation, logged by django.security without a
    traceback); nothing else may be logged at ERROR."""
    client = Client()

    @given(path=hostile_paths([served_media, "/media/"]), query=query_strings())
    @example(path="/media/" + "a" * 5000, query="")
    @example(path="/media/" + "a/" * 2100, query="")
    @example(path="/media/%00", query="")
    @example(path="/media/%ff/room.png", query="")
    def check(path, query):
        caplog.clear()
        for method in ("GET", "HEAD"):
            assert_answered_calmly(client.generic(method, path, QUERY_STRING=query), method)
        assert not [r for r in errors_logged(caplog) if not r.name.startswith("django.security.")], path

    check()


@pytest.mark.parametrize(
    "address",
    [
        "/media/editor/./room.png",
        "/media/editor/%2e/room.png",
        "/media/editor//room.png",
        "/media//editor/room.png",
        "/media/editor/../editor/room.png",
        "/media/editor%2Froom.png",
        "/media/editor/r%6Fom.png",
    ],
)
def test_an_upload_written_another_way_leads_to_it(client, served_media, address):
    """Each served the picture itself, at an address of its own (Django's serve() tidies the path)."""
    response = client.get(address, RAW_URI=address)  # as gunicorn hands it over
    assert (response.status_code, response["Location"]) == (301, served_media)


@pytest.mark.parametrize(
    "path",
    [
        "/media/editor/./room.png",
        "/media/editor//room.png",
        "/media//editor/room.png",
        "/media/editor/room.png/",
    ],
)
def test_an_upload_written_another_way_is_not_found_where_the_server_keeps_no_raw_address(
    client, served_media, path
):
    """Django's development server keeps no RAW_URI: the file view itself serves one address."""
    for method in ("get", "head"):
        assert getattr(client, method)(path).status_code == 404, method


def test_a_path_that_climbs_out_stays_a_calm_400(served_media):
    """It leads to no upload, so it is not redirected: Django refuses it (logged as a warning in
    production: carter_site.logging.RefusedRequests)."""
    response = Client(raise_request_exception=False).get("/media/../x", RAW_URI="/media/../x")
    assert response.status_code == 400
