"""The production command, started as ops start it, against the suite's real PostgreSQL.

`gunicorn -c gunicorn.conf.py carter_site.wsgi` with the production settings, a strong key and
a database migrated by `manage.py migrate_once`, answering over real HTTP on 127.0.0.1.
"""

import re

import pytest

from carter_site.warmup import project_templates
from tests.postgres_server import free_port

from . import helpers

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def site(site_database, ops_env, tmp_path_factory):
    env = {**ops_env, "DATABASE_URL": site_database.url}
    server = helpers.gunicorn_server(env, tmp_path_factory.mktemp("gunicorn") / "site.log")
    with server:
        yield server


@pytest.fixture
def unreachable_database_site(ops_env, tmp_path):
    """The same command, its DATABASE_URL pointing at a port where nothing listens."""
    env = {**ops_env, "DATABASE_URL": f"postgres://carter:hunter2-not-logged@127.0.0.1:{free_port()}/carter"}
    with helpers.gunicorn_server(env, tmp_path / "down.log") as server:
        yield server


def test_production_server_serves_pages(site):
    home = helpers.get(site.port, "/")
    assert home.status == 200
    assert "Carter" in home.text
    assert "max-age" in home.headers["Strict-Transport-Security"]
    locations = helpers.get(site.port, "/locations/")
    assert locations.status == 200
    assert "Alpharetta" in locations.text  # the demo content loaded into the fresh database


def test_production_server_serves_hashed_static_files(site):
    home = helpers.get(site.port, "/")
    stylesheet = next(
        word for word in home.text.split('"') if word.startswith("/static/") and word.endswith(".css")
    )
    response = helpers.get(site.port, stylesheet)
    assert response.status == 200
    assert "immutable" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_answer_ok_and_are_never_cached(site, path):
    response = helpers.get(site.port, path)
    assert response.status == 200
    assert response.text == "ok\n"
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "no-store" in response.headers["Cache-Control"]


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_checks_are_not_redirected_to_https(site, path):
    assert helpers.get(site.port, path, https=False).status == 200


def test_plain_http_pages_are_redirected_to_https(site):
    response = helpers.get(site.port, "/locations/", https=False)
    assert response.status == 301
    assert response.headers["Location"] == "https://localhost/locations/"


def test_logs_are_json_lines_with_structured_access_records(site):
    helpers.get(site.port, "/?q=private-search-words")
    helpers.get(site.port, "/healthz")
    output = site.output()
    records = helpers.json_lines(output)
    assert {"time", "level", "logger", "message"} <= set(records[0])
    access = [record for record in records if record["logger"] == "gunicorn.access"]
    home = [record for record in access if record["path"] == "/"]
    assert home
    assert home[-1]["method"] == "GET"
    assert home[-1]["status"] == 200
    assert home[-1]["duration_ms"] >= 0
    # Query strings never reach the log, and successful health checks are not logged.
    assert "private-search-words" not in output
    assert not [record for record in access if record["path"] == "/healthz"]


def test_workers_are_forked_from_a_warmed_up_master_with_its_objects_frozen(site):
    """The master parses the templates and freezes what it loaded (gc.freeze) before forking."""
    records = helpers.json_lines(site.output())
    [warmed] = [record for record in records if record["message"].startswith("Warmed up before forking")]
    templates, frozen = map(int, re.findall(r"\d+", warmed["message"]))
    assert templates == len(project_templates())
    assert frozen > 10_000


def test_readyz_is_503_when_the_database_is_unreachable(unreachable_database_site):
    response = helpers.get(unreachable_database_site.port, "/readyz")
    assert response.status == 503
    assert response.text == "not ready: database unreachable\n"
    assert "no-store" in response.headers["Cache-Control"]
    # The process itself is alive: liveness stays green, so nobody restarts it for nothing.
    assert helpers.get(unreachable_database_site.port, "/healthz").status == 200
    output = unreachable_database_site.output()
    assert "Not ready: the database did not answer." in output
    assert "hunter2-not-logged" not in output


def test_readyz_is_503_until_migrations_are_applied_then_200_without_restart(
    fresh_database, ops_env, tmp_path
):
    env = {**ops_env, "DATABASE_URL": fresh_database.url}
    with helpers.gunicorn_server(env, tmp_path / "fresh.log") as server:
        before = helpers.get(server.port, "/readyz")
        assert before.status == 503
        assert "migration(s) not applied" in before.text

        migrate = helpers.manage("migrate_once", env=env)
        assert migrate.returncode == 0, migrate.stderr

        assert helpers.get(server.port, "/readyz").status == 200


def test_health_check_script_passes_against_the_running_server(site):
    result = helpers.run(["python", "scripts/healthcheck.py"], env=site.env)
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("healthy /healthz: ok")

    result = helpers.run(["python", "scripts/healthcheck.py", "/readyz"], env=site.env)
    assert result.returncode == 0, result.stdout


def test_health_check_script_sends_a_host_that_allowed_hosts_accepts(site):
    # The first entry of ALLOWED_HOSTS becomes the Host header: one the server refuses fails.
    result = helpers.run(
        ["python", "scripts/healthcheck.py"], env={**site.env, "ALLOWED_HOSTS": "example.org"}
    )
    assert result.returncode == 1
    assert "HTTP 400" in result.stdout


def test_health_check_script_fails_when_nothing_answers(ops_env):
    result = helpers.run(["python", "scripts/healthcheck.py"], env={**ops_env, "PORT": str(free_port())})
    assert result.returncode == 1
    assert result.stdout.startswith("unhealthy /healthz: no answer")


def test_health_check_script_reports_readyz_failure(unreachable_database_site):
    result = helpers.run(["python", "scripts/healthcheck.py", "/readyz"], env=unreachable_database_site.env)
    assert result.returncode == 1
    assert "HTTP 503 not ready: database unreachable" in result.stdout


def test_sigterm_stops_the_server_gracefully(site_database, ops_env, tmp_path):
    server = helpers.gunicorn_server({**ops_env, "DATABASE_URL": site_database.url}, tmp_path / "stop.log")
    server.start()
    assert server.stop() == 0
    messages = [record["message"] for record in helpers.json_lines(server.output())]
    assert "Handling signal: term" in messages
