"""carter_site.logging: one JSON object per line, for Django's records and gunicorn's."""

import json
import logging
import sys

import pytest
from django.test import RequestFactory

from carter_site.logging import (
    REFUSED_REQUEST_LOGGERS,
    JsonFormatter,
    RefusedRequests,
    SkipHealthChecks,
    django_logging,
    gunicorn_logging,
    normalise_level,
)


def make_record(msg="Saved %s", args=("article 7",), name="carter_site.test", level=logging.INFO, **extra):
    record = logging.LogRecord(name, level, __file__, 10, msg, args, None)
    record.__dict__.update(extra)
    return record


def access_record(path="/", status="200", query="q=private"):
    """A record as gunicorn's access logger makes it: the format string and the atoms."""
    atoms = {
        "h": "10.0.0.9",
        "m": "GET",
        "U": path,
        "q": query,
        "s": status,
        "B": 1234,
        "D": 2500,
        "M": 2,
        "a": "Mozilla/5.0",
        "H": "HTTP/1.1",
        "{x-forwarded-for}i": "203.0.113.5",
        "{x-request-id}i": "-",
    }
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, "%(m)s %(U)s %(s)s", (atoms,), None
    )


def test_a_record_is_one_line_of_json_with_the_fixed_keys():
    line = JsonFormatter().format(make_record())
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "Saved article 7"
    assert entry["level"] == "INFO"
    assert entry["logger"] == "carter_site.test"
    assert entry["time"].endswith("Z")
    assert isinstance(entry["pid"], int)


def test_extra_values_become_keys_and_odd_values_become_text():
    entry = json.loads(
        JsonFormatter().format(make_record(event="saved", count=3, when=object(), tags=("a", "b")))
    )
    assert entry["event"] == "saved"
    assert entry["count"] == 3
    assert entry["when"].startswith("<object object")
    assert entry["tags"] == ["a", "b"]


def test_an_exception_stays_on_the_same_line():
    try:
        raise ValueError("bad value\nwith a second line")
    except ValueError:
        record = make_record(level=logging.ERROR)
        record.exc_info = sys.exc_info()
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["exception"].startswith("Traceback (most recent call last):")
    assert "ValueError: bad value\nwith a second line" in entry["exception"]


def test_a_django_request_is_logged_as_method_and_path_only():
    request = RequestFactory().get("/search/?q=private+words", HTTP_COOKIE="sessionid=secret")
    entry = json.loads(JsonFormatter().format(make_record(request=request, status_code=404)))
    assert entry["request"] == {"method": "GET", "path": "/search/"}
    assert entry["status_code"] == 404
    assert "private" not in json.dumps(entry)
    assert "secret" not in json.dumps(entry)


def test_gunicorn_access_records_are_structured_and_leave_out_the_query():
    entry = json.loads(JsonFormatter().format(access_record()))
    assert entry["message"] == "GET / 200"
    assert entry["method"] == "GET"
    assert entry["path"] == "/"
    assert entry["status"] == 200
    assert entry["bytes"] == 1234
    assert entry["duration_ms"] == 2.5
    assert entry["forwarded_for"] == "203.0.113.5"
    assert "request_id" not in entry  # "-": not sent
    assert "private" not in json.dumps(entry)


@pytest.mark.parametrize(
    ("path", "status", "kept"),
    [("/healthz", "200", False), ("/readyz", "200", False), ("/readyz", "503", True), ("/", "200", True)],
)
def test_successful_health_checks_are_left_out_of_the_access_log(path, status, kept):
    assert SkipHealthChecks().filter(access_record(path, status)) is kept


def test_levels_are_normalised_and_unknown_ones_refused():
    assert normalise_level("warning") == "WARNING"
    assert normalise_level(None) == "INFO"
    with pytest.raises(ValueError, match="LOG_LEVEL must be one of"):
        normalise_level("verbose")
    with pytest.raises(ValueError, match="LOG_FORMAT must be json or plain"):
        django_logging("INFO", "xml")


def test_gunicorn_sends_both_its_logs_to_stdout_in_the_same_format():
    config = gunicorn_logging("info", "json")
    assert config["formatters"]["default"] == {"()": "carter_site.logging.JsonFormatter"}
    for logger in ("gunicorn.error", "gunicorn.access"):
        assert config["loggers"][logger]["propagate"] is False
        for handler in config["loggers"][logger]["handlers"]:
            assert config["handlers"][handler]["stream"] == "ext://sys.stdout"
    assert config["handlers"]["access"]["filters"] == ["private_details", "health_checks"]
    with_checks = gunicorn_logging("info", "json", log_health_checks=True)
    assert with_checks["handlers"]["access"]["filters"] == ["private_details"]


def test_the_access_log_stays_on_whatever_log_level_says():
    """docs/operations.md says so: LOG_LEVEL=WARNING quiets the rest, not the line per request."""
    config = gunicorn_logging("warning", "json")
    assert config["loggers"]["gunicorn.error"]["level"] == "WARNING"
    assert config["loggers"]["gunicorn.access"]["level"] == "INFO"


@pytest.fixture
def configured():
    """Logging set up as the site sets it up (gunicorn's config is a superset of Django's), its
    handlers writing to a buffer instead of stdout; the test settings' logging is put back after."""
    import io
    import logging.config

    from django.conf import settings

    config = gunicorn_logging("info", "json")
    buffer = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = buffer
    logging.config.dictConfig(config)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    logging.config.dictConfig(settings.LOGGING)


@pytest.mark.parametrize("preview", ["preview", "Preview", "PREVIEW"])
def test_a_shared_preview_token_never_reaches_the_logs(configured, preview):
    # In any case: the address 404s with a capital, but the token in it still opens the draft.
    token = "Ax7-private-token.signed:9f2c"
    logging.getLogger("gunicorn.access").handle(access_record(f"/articles/{preview}/{token}/", "404"))
    request = RequestFactory().get(f"/articles/{preview}/{token}/")
    logging.getLogger("django.request").warning("Not Found: %s", request.path, extra={"request": request})
    entries = configured()
    assert len(entries) == 2
    assert token not in json.dumps(entries)
    assert entries[0]["path"] == f"/articles/{preview}/[not logged]/"
    assert entries[1]["message"] == f"Not Found: /articles/{preview}/[not logged]/"
    assert entries[1]["request"]["path"] == f"/articles/{preview}/[not logged]/"


@pytest.mark.django_db
def test_the_address_a_refused_post_came_from_never_reaches_the_logs(configured):
    from django.test import Client
    from django.urls import reverse

    client = Client(enforce_csrf_checks=True)
    response = client.post(  # the admin's forms keep the CSRF check; public pages take no posts
        reverse("admin:login"), {"username": "x"}, secure=True,
        headers={"Referer": "https://came-from.example/page-about-me"},
    )  # fmt: skip
    assert response.status_code == 403
    entries = [entry for entry in configured() if entry["logger"] == "django.security.csrf"]
    assert entries and entries[0]["message"].startswith("Forbidden (Referer checking failed - [not logged]")
    assert "came-from" not in json.dumps(entries)


def test_the_development_server_logs_no_query_strings(tmp_path):
    """`make run` serves the site with runserver, whose django.server logger writes each request
    line: the words searched for and the place typed for the nearest location must not be in it."""
    from tests.ops.helpers import Server, free_port, get, manage, production_env, with_env

    env = with_env(
        production_env(),
        DJANGO_SETTINGS_MODULE="carter_site.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}",
        MEDIA_ROOT=tmp_path / "media",
    )
    migrated = manage("migrate", "--noinput", "--verbosity", "0", env=env)
    assert migrated.returncode == 0, migrated.stderr
    port = free_port()
    command = [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"]
    with Server(command, env, tmp_path / "runserver.log", port) as server:
        for path in (
            "/search/?q=private-words-about-my-drinking",
            "/locations/?near=Secretville",
            "/?near=31999",
        ):
            assert get(server.port, path).status == 200
        log = server.output()
    assert '"GET /search/?[not logged] HTTP/1.1" 200' in log
    assert '"GET /locations/?[not logged] HTTP/1.1" 200' in log
    assert "private-words" not in log and "Secretville" not in log and "31999" not in log


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "plain"])
def test_a_failing_search_or_nearest_location_logs_its_traceback_without_the_words(fmt, monkeypatch):
    """The traceback of a 500 goes to stdout as well as to the ADMINS: the exception's message, and
    any message logged with the request, can quote what the visitor typed (a database error quoting
    its parameter), which the error email hides and the log line must hide too."""
    import io
    import logging.config

    from django.conf import settings
    from django.test import Client

    from carter_site import search as search_module
    from locations import nearest

    def broken(text, *more):
        raise ValueError(f"the index could not answer {text!r}")

    monkeypatch.setattr(search_module, "search", broken)
    monkeypatch.setattr(nearest, "find_place", broken)
    config = django_logging("INFO", fmt)
    buffer = io.StringIO()
    config["handlers"]["stdout"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        browser = Client(raise_request_exception=False)
        assert browser.get("/search/", {"q": "Relapse after detox"}).status_code == 500
        assert browser.get("/locations/", {"near": "Lawrenceville 30043"}).status_code == 500
        request = RequestFactory().get("/search/", {"q": "relapse"})
        logging.getLogger("django.request").error(
            "Slow answer to %s", request.GET["q"], extra={"request": request}
        )
    finally:
        logging.config.dictConfig(settings.LOGGING)
    log = buffer.getvalue()
    assert log.count("ValueError: the index could not answer") == 2, log
    assert "Slow answer to ********************" in log
    for word in ("relapse", "detox", "lawrenceville", "30043"):
        assert word not in log.lower(), log


def test_plain_lines_carry_the_same_utc_time_as_json_ones(monkeypatch):
    """Django sets the process's time zone to TIME_ZONE (Eastern), the container's shell runs on
    UTC: plain lines written in local time without an offset jumped five hours between the
    entrypoint's lines and the server's."""
    import logging.config
    import time

    from django.conf import settings

    record = make_record()
    record.created, record.msecs = 1764000000.25, 250.0  # 2025-11-24 16:00:00.250 UTC, 11:00 in New York
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    logging.config.dictConfig(django_logging("INFO", "plain"))
    try:
        [handler] = logging.getLogger().handlers
        line = handler.formatter.format(record)
    finally:
        logging.config.dictConfig(settings.LOGGING)
        monkeypatch.undo()
        time.tzset()
    assert line == "2025-11-24T16:00:00.250Z INFO carter_site.test Saved article 7"
    assert json.loads(JsonFormatter().format(record))["time"] == "2025-11-24T16:00:00.250Z"


def test_a_record_whose_arguments_do_not_fit_its_message_still_reaches_the_log(configured):
    """Logging never raises into the code that logs: the filter that hides the words typed leaves
    such a record to the handler, which reports the mistake as it always does."""
    request = RequestFactory().get("/search/", {"q": "relapse"})
    logging.raiseExceptions = False
    try:
        logging.getLogger("django.request").error("%s and %s", "one", extra={"request": request})
    finally:
        logging.raiseExceptions = True
    assert configured() == []  # the handler could not format it, and said so on stderr


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "plain"])
def test_a_foreign_host_is_logged_in_one_line_without_a_traceback(fmt):
    """Scanners ask for the server's address all day: each refused Host header used to add a
    traceback of Django's own host check to the log, at ERROR. The line naming the host stays."""
    import io
    import logging.config

    from django.conf import settings
    from django.test import Client

    config = django_logging("INFO", fmt)
    buffer = io.StringIO()
    config["handlers"]["stdout"]["stream"] = buffer
    logging.config.dictConfig(config)
    try:
        assert Client().get("/", headers={"host": "scanner.example"}).status_code == 400
    finally:
        logging.config.dictConfig(settings.LOGGING)
        without_refused_request_filters()
    lines = [line for line in buffer.getvalue().splitlines() if "scanner.example" in line]
    assert len(lines) == 1, buffer.getvalue()
    assert "Invalid HTTP_HOST header: 'scanner.example'" in lines[0]
    assert "(refused: GET /)" in lines[0]
    assert "Traceback" not in buffer.getvalue()
    if fmt == "json":
        entry = json.loads(lines[0])
        assert (entry["level"], entry["logger"], entry["status_code"]) == (
            "WARNING",
            "django.security.DisallowedHost",
            400,
        )
        assert "exception" not in entry
    else:
        assert " WARNING django.security.DisallowedHost " in lines[0]


def without_refused_request_filters():
    """dictConfig leaves the filters of loggers a later configuration does not name: the test
    settings' logging, restored, names none."""
    for name in REFUSED_REQUEST_LOGGERS:
        logging.getLogger(name).filters.clear()


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def test_every_suspicious_request_django_refuses_is_made_a_warning_at_its_logger():
    """Django names the logger after the exception's class: a class missing from the list would
    reach the ADMINS email's level and Sentry as an error (the stdout handler still lowers it)."""
    import django.contrib.admin.exceptions  # their classes, loaded
    import django.contrib.sessions.exceptions  # noqa: F401
    from django.core.exceptions import SuspiciousOperation

    names = {
        f"django.security.{cls.__name__}" for cls in [SuspiciousOperation, *_subclasses(SuspiciousOperation)]
    }
    names.discard("django.security.DisallowedRasterLookup")  # GeoDjango: not installed here
    assert names <= set(REFUSED_REQUEST_LOGGERS)
    config = django_logging()
    for name in REFUSED_REQUEST_LOGGERS:
        assert config["loggers"][name] == {"filters": ["refused_requests"]}


def test_a_refused_request_in_another_logger_becomes_a_warning_at_the_handler():
    record = make_record(
        msg="Some check refused it",
        args=(),
        name="django.security.SomethingNew",
        level=logging.ERROR,
        status_code=400,
        request=RequestFactory().get("/a%0Ab/", {"q": "private words"}),  # a newline in the path
    )
    assert RefusedRequests().filter(record)
    assert (record.levelno, record.levelname) == (logging.WARNING, "WARNING")
    assert record.getMessage() == "Some check refused it (refused: GET /a\\nb/)"  # still one line
    assert "private" not in record.getMessage()


def test_a_server_error_stays_an_error():
    record = make_record(msg="Internal Server Error: /", args=(), name="django.request", level=logging.ERROR)
    record.status_code = 500
    assert RefusedRequests().filter(record)
    assert record.levelname == "ERROR"
