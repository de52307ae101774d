"""Uploaded images are served in production only when SERVE_MEDIA says the site must do it."""

import importlib

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

import carter_site.urls


def reload_urls():
    clear_url_caches()
    importlib.reload(carter_site.urls)


@pytest.fixture
def media_file(media_root):
    (media_root / "editor").mkdir(parents=True)
    (media_root / "editor" / "room.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    yield "/media/editor/room.png"
    reload_urls()


@pytest.mark.django_db
@pytest.mark.parametrize(("serve_media", "status"), [(True, 200), (False, 404)])
def test_media_is_served_without_debug_only_when_asked(client, media_file, serve_media, status):
    with override_settings(DEBUG=False, SERVE_MEDIA=serve_media):
        reload_urls()
        response = client.get(media_file)
        assert response.status_code == status
        if status == 200:
            assert response["X-Content-Type-Options"] == "nosniff"
            # A picture deleted on purpose leaves caches with the page that showed it: a CDN
            # keeps it no longer than a page (it kept it a day), a browser five minutes.
            assert response["Cache-Control"] == "public, max-age=300, s-maxage=60"
            # Opened as a document, an upload runs nothing: sandboxed, loading nothing else.
            policy = response["Content-Security-Policy"]
            assert "sandbox" in policy and "default-src 'none'" in policy
