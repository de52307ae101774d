"""What visitors searched for stays out of gunicorn's own error log, as out of the access log.

A request gunicorn cannot read is logged with its request line ("Invalid HTTP request line:
'GET /search/?q=...'"), and one whose application raised with its address ("Error handling
request GET /search/?q=..."): both would carry the search words.
"""

import io
import json
import logging
import logging.config
import socket

import pytest

from carter_site.logging import gunicorn_logging

from . import helpers

SECRET = "secretword"


def send_raw(port, request_line):
    """Sends one request line as raw bytes (no client library would send these) and reads the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=15) as connection:
        connection.sendall(request_line + b"\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n")
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer.split(b"\r\n", 1)[0]


def test_requests_gunicorn_cannot_read_leave_their_query_out_of_the_log(ops_env, tmp_path):
    env = {**ops_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    with helpers.gunicorn_server(env, tmp_path / "bad-requests.log") as server:
        # A raw space in the query: gunicorn reads "other" as the path and the rest as the version.
        assert send_raw(server.port, f"GET /search/?q={SECRET} other{SECRET} HTTP/1.1".encode()).startswith(
            b"HTTP/1.1 400"
        )
        # Raw non-ASCII bytes in the query: the whole request line is invalid.
        assert send_raw(server.port, f"GET /search/?q=caf\u00e9{SECRET} HTTP/1.1".encode()).startswith(
            b"HTTP/1.1 400"
        )
    records = helpers.json_lines(server.output())
    invalid = [
        record["message"] for record in records if record["message"].startswith("Invalid request from")
    ]
    assert len(invalid) == 2, invalid
    assert SECRET not in server.output()
    assert invalid[0].endswith("Invalid HTTP Version: [not logged]")
    assert invalid[1].endswith("Invalid HTTP request line: 'GET /search/' [not logged]")


@pytest.fixture
def gunicorn_error_log():
    """gunicorn's logging as gunicorn.conf.py configures it, writing to a buffer."""
    from django.conf import settings

    config = gunicorn_logging("info", "json")
    buffer = io.StringIO()
    for handler in config["handlers"].values():
        handler["stream"] = buffer
    logging.config.dictConfig(config)
    yield (
        logging.getLogger("gunicorn.error"),
        lambda: [json.loads(line) for line in buffer.getvalue().splitlines()],
    )
    logging.config.dictConfig(settings.LOGGING)


def test_an_exception_that_escapes_the_application_is_logged_without_the_query(gunicorn_error_log):
    log, entries = gunicorn_error_log
    # As gunicorn.workers.base.Worker.handle_error logs it.
    try:
        raise RuntimeError("the application failed")
    except RuntimeError:
        log.exception("Error handling request %s %s", "GET", f"/search/?q={SECRET}&page=2")
        log.exception("Error handling request %s", f"/search/?q={SECRET}")
    messages = [entry["message"] for entry in entries()]
    assert messages == [
        "Error handling request GET /search/?[not logged]",
        "Error handling request /search/?[not logged]",
    ]
