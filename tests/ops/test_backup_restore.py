"""Backup and restore, as docs/operations.md tells ops to do it, on the real PostgreSQL.

pg_dump in custom format to a file (through stdout, as `docker compose exec -T db pg_dump`
writes it), the database dropped, an empty one created, pg_restore from the file on stdin.
Every field of every row of every content model must come back unchanged.
"""

import json
import subprocess
import sys

import pytest

from . import helpers

pytestmark = pytest.mark.postgres_only


def content_tool(*args, env):
    result = helpers.run([sys.executable, "-m", "tests.ops.content_tool", *args], env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout


def back_up(postgres_server, url, dump):
    """pg_dump -Fc, written to a file through stdout."""
    with dump.open("wb") as out:
        subprocess.run(
            [
                postgres_server.bin_dir / "pg_dump",
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                url,
            ],
            stdout=out,
            check=True,
            timeout=120,
        )
    assert dump.read_bytes().startswith(b"PGDMP")  # the custom format's signature


def restore(postgres_server, name, url, dump):
    """The database dropped if it is there, an empty one created, pg_restore reading the file on stdin."""
    if helpers.database_exists(postgres_server, name):
        helpers.drop_database(postgres_server, name)
    helpers.create_database(postgres_server, name)
    with dump.open("rb") as backup:
        restored = subprocess.run(
            [postgres_server.bin_dir / "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--dbname", url],
            stdin=backup,
            capture_output=True,
            text=True,
            timeout=120,
        )  # fmt: skip
    assert restored.returncode == 0, restored.stderr


@pytest.fixture
def database(postgres_server, prod_env):
    """A migrated database of its own, dropped afterwards: (its name, its URL, the environment
    of a server using it)."""
    name = helpers.unique_name("carter_backup")
    url = helpers.create_database(postgres_server, name)
    env = {**prod_env, "DATABASE_URL": url}
    try:
        migrate = helpers.manage("migrate_once", env=env)
        assert migrate.returncode == 0, migrate.stderr
        yield name, url, env
    finally:
        helpers.drop_database(postgres_server, name)


def test_backup_and_restore_round_trip_keeps_every_field_of_every_row(postgres_server, database, tmp_path):
    name, url, env = database
    dump = tmp_path / "carter.dump"
    content_tool("seed", env=env)
    content_tool("snapshot", tmp_path / "before.json", env=env)

    back_up(postgres_server, url, dump)

    # Disaster: the database is gone.
    helpers.drop_database(postgres_server, name)
    assert not helpers.database_exists(postgres_server, name)

    restore(postgres_server, name, url, dump)
    content_tool("snapshot", tmp_path / "after.json", env=env)

    before = json.loads((tmp_path / "before.json").read_text())
    after = json.loads((tmp_path / "after.json").read_text())
    for model in (
        "articles.Article",
        "faqs.FAQ",
        "locations.Location",
        "testimonials.Testimonial",
        "pages.Page",
    ):
        assert len(before[model]) >= 2, f"the seed made too few {model} rows to prove anything"
    assert before.keys() == after.keys()
    for model, rows in before.items():
        assert after[model] == rows, f"{model} differs after the restore"

    # The restored database is complete: schema current, sequences past the restored rows.
    assert helpers.manage("migrate", "--check", env=env).returncode == 0
    new_pk = int(content_tool("add-article", env=env).strip().splitlines()[-1])
    assert new_pk > max(row["id"] for row in before["articles.Article"])


_SESSION_EXISTS = """
import sys, django
django.setup()
from django.contrib.sessions.backends.db import SessionStore
print(SessionStore().exists(sys.argv[1]))
"""


def session_exists(key, env):
    result = helpers.run([sys.executable, "-c", _SESSION_EXISTS, key], env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1] == "True"


def test_a_restore_brings_back_staff_sessions_until_they_are_ended(postgres_server, database, tmp_path):
    """A session open when the backup was taken, ended since, is valid again once the backup is
    restored; `end_staff_sessions`, in the restore steps, ends it again."""
    name, url, env = database
    dump = tmp_path / "carter.dump"
    key = helpers.staff_session(env)["key"]
    back_up(postgres_server, url, dump)

    ended = helpers.manage("end_staff_sessions", env=env)  # signed out after the backup
    assert ended.returncode == 0, ended.stderr
    assert not session_exists(key, env)

    restore(postgres_server, name, url, dump)
    assert session_exists(key, env)

    ended = helpers.manage("end_staff_sessions", "--revoke-preview-links", env=env)
    assert ended.returncode == 0, ended.stderr
    assert "Signed out 1 account (1 session): ops-tests." in ended.stdout
    assert not session_exists(key, env)
