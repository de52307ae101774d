"""manage.py wait_for_db and migrate_once, as the entrypoint runs them, on the real PostgreSQL."""

import contextlib
import subprocess
import sys

import psycopg2
import pytest

from carter_site import demo_content
from carter_site.management.commands.migrate_once import MIGRATION_LOCK_ID
from tests.postgres_server import free_port

from . import helpers


def start_manage(*args, env):
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=helpers.REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.postgres_only
def test_wait_for_db_returns_once_the_database_answers(fresh_database, prod_env):
    result = helpers.manage(
        "wait_for_db", "--timeout", "30", env={**prod_env, "DATABASE_URL": fresh_database.url}
    )
    assert result.returncode == 0, result.stderr
    assert helpers.events(result.stdout) == ["db_ready"]


def test_wait_for_db_gives_up_with_a_clear_message_and_no_password(prod_env):
    port = free_port()
    env = {**prod_env, "DATABASE_URL": f"postgres://carter:pw-must-not-leak@127.0.0.1:{port}/carter"}
    result = helpers.manage("wait_for_db", "--timeout", "1", "--interval", "0.2", env=env)
    assert result.returncode == 1
    assert f"The postgresql database 'carter' at 127.0.0.1:{port} did not accept connections within 1 s" in (
        result.stderr
    )
    assert "Traceback" not in result.stderr
    assert "pw-must-not-leak" not in result.stdout + result.stderr
    assert helpers.events(result.stdout) == ["db_wait"]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ("sslmode=requir", 'invalid sslmode value: "requir"'),
        ("target_session_attrs=primary-ish", 'invalid target_session_attrs value: "primary-ish"'),
        ("connect_timeout=soon", 'invalid integer value "soon" for connection option "connect_timeout"'),
    ],
)
def test_wait_for_db_stops_at_once_on_an_option_the_driver_refuses(prod_env, options, said):
    """A typo in DATABASE_URL's options is no database still starting: waiting DB_WAIT_TIMEOUT
    (60 s) for it only delayed the sentence saying so."""
    port = free_port()
    env = {
        **prod_env,
        "DATABASE_URL": f"postgres://carter:pw-must-not-leak@127.0.0.1:{port}/carter?{options}",
    }
    result = helpers.manage("wait_for_db", "--timeout", "30", "--interval", "0.2", env=env)
    assert result.returncode == 1
    assert (
        f"The postgresql database 'carter' at 127.0.0.1:{port} cannot be reached as DATABASE_URL "
        f"says: {said}. Correct the option after the ? in DATABASE_URL." in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert "pw-must-not-leak" not in result.stdout + result.stderr
    assert helpers.events(result.stdout) == []


@pytest.mark.postgres_only
def test_containers_starting_together_migrate_exactly_once(fresh_database, prod_env):
    env = {**prod_env, "DATABASE_URL": fresh_database.url}
    processes = [start_manage("migrate_once", "--load-demo-content", env=env) for _ in range(3)]
    results = [(process.wait(timeout=300), *process.communicate()) for process in processes]

    assert [code for code, _out, _err in results] == [0, 0, 0], [err for _code, _out, err in results]
    logged = [helpers.events(out) for _code, out, _err in results]
    assert sum("migrate_done" in events for events in logged) == 1
    assert sum("migrate_none" in events for events in logged) == 2
    # Demo content, too, once: the other two saw a database that was no longer fresh.
    assert sum("demo_loaded" in events for events in logged) == 1
    assert sum("demo_skipped" in events for events in logged) == 2
    assert helpers.manage("migrate", "--check", env=env).returncode == 0


@pytest.mark.postgres_only
def test_migrate_once_waits_for_the_lock_and_gives_up_after_its_timeout(fresh_database, prod_env):
    env = {**prod_env, "DATABASE_URL": fresh_database.url}
    with contextlib.closing(psycopg2.connect(fresh_database.url)) as holder:
        holder.autocommit = True
        with holder.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATION_LOCK_ID])  # "another container"
        blocked = helpers.manage("migrate_once", "--lock-timeout", "1", env=env)

    assert blocked.returncode == 1
    assert "Another container has been migrating this database for more than 1 s" in blocked.stderr
    assert helpers.events(blocked.stdout) == ["migrate_wait"]
    assert helpers.manage("migrate", "--check", env=env).returncode == 1  # nothing was applied

    # The holder is gone (its session closed): the next start migrates.
    result = helpers.manage("migrate_once", "--lock-timeout", "5", env=env)
    assert result.returncode == 0, result.stderr
    assert helpers.manage("migrate", "--check", env=env).returncode == 0


@pytest.mark.postgres_only
def test_demo_content_is_loaded_on_the_first_start_only(fresh_database, prod_env):
    env = {**prod_env, "DATABASE_URL": fresh_database.url}
    first = helpers.manage("migrate_once", "--load-demo-content", env=env)
    assert first.returncode == 0, first.stderr
    assert "demo_loaded" in helpers.events(first.stdout)

    # An editor renames a demo location. Reloading the demo content would put the name back.
    with (
        contextlib.closing(psycopg2.connect(fresh_database.url)) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE locations_location SET name = 'Renamed by an editor' WHERE slug = 'jefferson'")
        assert cursor.rowcount == 1
        connection.commit()

    again = helpers.manage("migrate_once", "--load-demo-content", env=env)
    assert again.returncode == 0, again.stderr
    assert helpers.events(again.stdout) == ["migrate_none", "demo_skipped"]
    with (
        contextlib.closing(psycopg2.connect(fresh_database.url)) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT name FROM locations_location WHERE slug = 'jefferson'")
        assert cursor.fetchone()[0] == "Renamed by an editor"


def test_production_on_a_database_that_still_shows_the_demo_content_logs_a_warning(prod_env, tmp_path):
    """LOAD_DEMO_CONTENT acts on a fresh database only: .env changed to production on the compose
    demo's database left the invented testimonials live, without a word."""
    env = {**prod_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    demo = helpers.manage("migrate_once", "--load-demo-content", env=env)
    assert demo.returncode == 0, demo.stderr
    assert "demo_loaded" in helpers.events(demo.stdout)

    production = helpers.manage("migrate_once", env=env)  # LOAD_DEMO_CONTENT=false: no flag
    assert production.returncode == 0, production.stderr
    assert helpers.events(production.stdout) == ["migrate_none", "demo_content_live"]
    [warning] = [record for record in helpers.json_lines(production.stdout) if record["level"] == "WARNING"]
    testimonials = sum(
        1 for data in demo_content.TESTIMONIALS if data["is_published"] and data["consent_on_file"]
    )
    articles = len(demo_content.ARTICLES)
    assert warning["message"] == (
        f"This database shows visitors demo content ({testimonials} testimonials, {articles} articles, all "
        "invented), though LOAD_DEMO_CONTENT is off: a first start loaded it, and it stays until deleted. "
        'Start production from a fresh database (docs/operations.md, "From the demo to production"), or '
        "unpublish or delete it in the admin."
    )
    assert (warning["demo_testimonials"], warning["demo_articles"]) == (testimonials, articles)


def test_production_on_a_fresh_database_logs_no_demo_warning(prod_env, tmp_path):
    env = {**prod_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    result = helpers.manage("migrate_once", env=env)
    assert result.returncode == 0, result.stderr
    assert helpers.events(result.stdout) == ["migrate_start", "migrate_done"]
