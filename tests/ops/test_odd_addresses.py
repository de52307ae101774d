"""Hostile and odd addresses, as the production command answers them over real HTTP.

gunicorn decodes the path before Django sees it ("/privacy%2F" arrives as "/privacy/") and keeps
the address as it was sent in RAW_URI; the tests here send bytes exactly as a client would.
"""

import http.client
import shutil

import pytest

from . import helpers

# An upload the site serves itself (SERVE_MEDIA, as a single-host compose stack does).
PICTURE = "/media/editor/logo.png"


@pytest.fixture(scope="module")
def server(request, pytestconfig, ops_env, tmp_path_factory):
    folder = tmp_path_factory.mktemp("odd-addresses")
    (folder / "media" / "editor").mkdir(parents=True)
    shutil.copy(helpers.REPO / "static" / "img" / "logo.png", folder / "media" / "editor" / "logo.png")
    databases = helpers.module_database(request, pytestconfig, tmp_path_factory, "carter_odd")
    env = {
        **ops_env,
        "DATABASE_URL": next(databases),
        "MEDIA_ROOT": str(folder / "media"),
        "SERVE_MEDIA": "true",
        "ADMINS": "ops@carter.example",
    }
    helpers.prepare_site(env)
    with helpers.gunicorn_server(env, folder / "site.log") as running:
        yield running
    next(databases, None)  # drops the PostgreSQL database


def send(port, target, method="GET"):
    """`target` sent exactly as written (no client normalises it): (status, headers)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", "localhost")
        connection.putheader("X-Forwarded-Proto", "https")
        connection.endheaders()
        response = connection.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def records_since(server, count):
    return helpers.json_lines(server.output())[count:]


def log_length(server):
    return len(helpers.json_lines(server.output()))


# One more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1000), short enough for gunicorn's request line.
TOO_MANY_FIELDS = "&".join("x" for _ in range(1001))


@pytest.mark.parametrize(
    ("target", "logger", "path"),
    [
        ("/media/../x", "django.security.SuspiciousFileOperation", "/media/../x"),
        ("/media/%2e%2e/x", "django.security.SuspiciousFileOperation", "/media/../x"),
        (f"/search/?{TOO_MANY_FIELDS}", "django.security.TooManyFieldsSent", "/search/"),
        (f"/articles/?q=secret-words&{TOO_MANY_FIELDS}", "django.security.TooManyFieldsSent", "/articles/"),
    ],
)
def test_a_request_refused_as_suspicious_is_one_warning_naming_it(server, target, logger, path):
    """Anyone can send these: each used to be an ERROR line (with its traceback in the past), the
    level ops alert on. Now a warning that says what was refused, never with the query string."""
    before = log_length(server)
    status, _headers = send(server.port, target)
    assert status == 400
    records = [record for record in records_since(server, before) if record["logger"] != "gunicorn.access"]
    assert [(record["level"], record["logger"]) for record in records] == [("WARNING", logger)]
    record = records[0]
    assert record["status_code"] == 400
    assert record["request"] == {"method": "GET", "path": path}
    assert f"(refused: GET {path})" in record["message"]
    assert "exception" not in record
    assert "secret-words" not in server.output()


def test_a_foreign_host_is_a_warning_too(server):
    before = log_length(server)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
    try:
        connection.request("GET", "/", headers={"Host": "scanner.example", "X-Forwarded-Proto": "https"})
        assert connection.getresponse().status == 400
    finally:
        connection.close()
    records = [r for r in records_since(server, before) if r["logger"] != "gunicorn.access"]
    assert [(r["level"], r["logger"]) for r in records] == [("WARNING", "django.security.DisallowedHost")]
    assert "'scanner.example'" in records[0]["message"]


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/privacy%2F", "/privacy/"),  # an escaped slash
        ("/privacy%2f?utm_source=flyer", "/privacy/?utm_source=flyer"),
        ("/locations%2Falpharetta/", "/locations/alpharetta/"),
        ("//privacy/", "/privacy/"),  # doubled slashes
        ("/locations//alpharetta/", "/locations/alpharetta/"),
        ("/privacy/.", "/privacy/"),  # dot segments
        ("/articles/../privacy/", "/privacy/"),
        ("/priv%61cy/", "/privacy/"),  # an escaped letter
        (f"{PICTURE.replace('/logo', '/./logo')}", PICTURE),
        (f"{PICTURE.replace('/logo', '/%2e/logo')}", PICTURE),
        (f"{PICTURE.replace('/editor', '//editor')}", PICTURE),
        (f"{PICTURE.replace('/logo', '/../editor/logo')}", PICTURE),
    ],
)
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_page_written_another_way_leads_to_the_page(server, target, location, method):
    """Each answered 200 with the page itself, from Django or from the page cache's copy."""
    path = location.split("?")[0]
    assert send(server.port, path)[0] == 200  # sent once: the page cache may replay it now
    assert send(server.port, path)[0] == 200
    status, headers = send(server.port, target, method)
    assert (status, headers.get("Location")) == (301, location)


@pytest.mark.parametrize(
    "target",
    ["/nothing%2F", "//elsewhere.example/", "/%2F%2Felsewhere.example/", f"{PICTURE}/", "/privacy;x/"],
)
def test_an_odd_address_that_leads_to_no_page_is_not_found(server, target):
    status, headers = send(server.port, target)
    assert status == 404
    assert "Location" not in headers
