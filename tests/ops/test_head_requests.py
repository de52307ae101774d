"""HEAD requests through the production command: headers only, and nothing in the log but the access line.

gunicorn logs a WARNING for every response to HEAD that comes with a body (it drops the body);
Django answers HEAD like GET, so the WSGI application leaves the body out itself.
"""

import http.client

from . import helpers


def head(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        connection.request("HEAD", path, headers={"Host": "localhost", "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        return response.status, dict(response.getheaders())
    finally:
        connection.close()


def test_head_requests_are_answered_without_a_warning(ops_env, tmp_path):
    env = {**ops_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    with helpers.gunicorn_server(env, tmp_path / "head.log") as server:
        assert head(server.port, "/healthz")[0] == 200
        # Not migrated: /readyz answers 503, with a body for GET.
        status, headers = head(server.port, "/readyz")
        assert status == 503
        assert int(headers["Content-Length"]) == len(helpers.get(server.port, "/readyz").body)
    records = helpers.json_lines(server.output())
    gunicorn_warnings = [
        record["message"]
        for record in records
        if record["logger"].startswith("gunicorn") and record["level"] not in {"DEBUG", "INFO"}
    ]
    assert gunicorn_warnings == []
    heads = [
        record for record in records if record["logger"] == "gunicorn.access" and record["method"] == "HEAD"
    ]
    assert [(record["path"], record["status"]) for record in heads] == [("/readyz", 503)]
