"""docker-entrypoint.sh, run outside Docker with the same commands the image gives it."""

import contextlib
import os
import re
import signal
import socket
import stat
import subprocess
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from carter_site.database_errors import WAIT_SECONDS
from carter_site.drain import DRAIN_SECONDS_TEXT
from tests.postgres_server import free_port

from . import helpers

ENTRYPOINT = ["sh", "docker-entrypoint.sh"]
WEB_COMMAND = ["gunicorn", "-c", "gunicorn.conf.py", "carter_site.wsgi"]


def unreachable_url():
    return f"postgres://carter:pw-must-not-leak@127.0.0.1:{free_port()}/carter"


@pytest.mark.postgres_only
def test_web_command_waits_migrates_and_execs_gunicorn(fresh_database, ops_env, tmp_path):
    port = free_port()
    env = {
        **ops_env,
        "DATABASE_URL": fresh_database.url,
        "PORT": str(port),
        "BIND_ADDRESS": "127.0.0.1",
        "GUNICORN_WORKERS": "1",
    }
    server = helpers.Server([*ENTRYPOINT, *WEB_COMMAND], env, tmp_path / "entrypoint.log", port)
    with server:
        assert helpers.get(port, "/readyz").status == 200  # migrated before serving
        # exec: the process the entrypoint started as is now gunicorn's master, so that it
        # receives the container's SIGTERM itself.
        command_line = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
        assert any(part.endswith(b"gunicorn") for part in command_line)
    assert server.process.returncode == 0
    assert {"db_ready", "migrate_start", "migrate_done"} <= set(helpers.events(server.output()))


@pytest.mark.postgres_only
def test_web_command_does_not_migrate_when_told_not_to(fresh_database, ops_env, tmp_path):
    port = free_port()
    env = {
        **ops_env,
        "DATABASE_URL": fresh_database.url,
        "MIGRATE_ON_START": "false",
        "PORT": str(port),
        "BIND_ADDRESS": "127.0.0.1",
        "GUNICORN_WORKERS": "1",
    }
    with helpers.Server([*ENTRYPOINT, *WEB_COMMAND], env, tmp_path / "no-migrate.log", port):
        assert helpers.get(port, "/readyz").status == 503


def test_web_command_gives_up_on_an_unreachable_database(ops_env):
    env = {**ops_env, "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "1"}
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=60)
    assert result.returncode != 0
    assert "did not accept connections within 1 s" in result.stderr
    assert "Check DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr
    assert "pw-must-not-leak" not in result.stdout + result.stderr
    assert "Listening at" not in result.stdout  # gunicorn never started


def test_web_command_refuses_incomplete_settings_in_one_sentence(prod_env):
    env = helpers.with_env(prod_env, SECRET_KEY=None, DATABASE_URL=unreachable_url())
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip() == (
        "carter-site cannot start: The environment variable SECRET_KEY is required in production "
        "and is not set. See .env.example for what it means."
    )


@pytest.mark.parametrize(
    ("name", "value"),
    [("MIGRATE_ON_START", "ture"), ("LOAD_DEMO_CONTENT", "maybe"), ("MIGRATE_ON_START", "no way")],
)
def test_a_yes_or_no_variable_with_another_value_stops_the_web_command_at_once(prod_env, name, value):
    """Read as "no", a typo in MIGRATE_ON_START would serve an unmigrated database without a word."""
    env = {**prod_env, "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "30", name: value}
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=20)
    helpers.assert_one_sentence(
        result, f"carter-site cannot start: {name} must be true or false, not '{value}'."
    )


@pytest.mark.parametrize("value", ["TRUE", " true ", "yes", "1", "On"])
def test_yes_in_any_spelling_the_docs_allow_is_yes(prod_env, tmp_path, value):
    key_file = tmp_path / "secret_key"
    env = helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file, SECRET_KEY_GENERATE=value)
    result = helpers.run([*ENTRYPOINT, "python", "-c", "print('ok')"], env=env)
    assert result.returncode == 0, result.stderr
    assert len(key_file.read_text().strip()) >= 50


def test_other_commands_run_as_given_without_database_or_migrations(prod_env):
    env = {**prod_env, "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "1"}
    result = helpers.run([*ENTRYPOINT, "python", "-c", "print('one-off command')"], env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "one-off command\n"


def test_secret_key_file_is_generated_once_and_reused(prod_env, tmp_path):
    key_file = tmp_path / "secret_key"
    env = helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file, SECRET_KEY_GENERATE="true")
    show_key = [*ENTRYPOINT, "python", "-c", "import os; print(os.environ['SECRET_KEY'])"]

    first = helpers.run(show_key, env=env)
    second = helpers.run(show_key, env=env)

    assert first.returncode == second.returncode == 0
    key = first.stdout.strip()
    assert len(key) >= 50
    assert second.stdout.strip() == key
    assert key_file.read_text().strip() == key
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600


def test_generating_the_key_leaves_the_servers_umask_alone(prod_env, tmp_path):
    """Uploads and their folders must stay readable to a proxy that serves the media volume."""
    env = helpers.with_env(
        prod_env, SECRET_KEY=None, SECRET_KEY_FILE=tmp_path / "secret_key", SECRET_KEY_GENERATE="true"
    )
    show_umask = [*ENTRYPOINT, "sh", "-c", "umask"]
    result = helpers.run(show_umask, env=env, preexec_fn=lambda: os.umask(0o022))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0022"


def test_secret_key_file_is_not_generated_unless_asked(prod_env, tmp_path):
    key_file = tmp_path / "secret_key"
    env = helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file)
    result = helpers.run([*ENTRYPOINT, "true"], env=env)
    assert result.returncode == 1
    assert f"SECRET_KEY_FILE={key_file} cannot be read" in result.stderr
    assert not key_file.exists()


# The folder bound read-only onto itself in a mount namespace of its own, as a volume mounted
# read-only (or a read-only root filesystem without the volume) is: root included, nobody writes.
_READ_ONLY_FOLDER = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def in_read_only(folder, command):
    return [
        "unshare",
        "--user",
        "--map-root-user",
        "--mount",
        "sh",
        "-c",
        _READ_ONLY_FOLDER,
        str(folder),
        *command,
    ]


def generating(prod_env, key_file):
    return helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file, SECRET_KEY_GENERATE="true")


def test_a_key_file_that_is_a_folder_is_refused_in_one_sentence(prod_env, tmp_path):
    """It was `cat: /app/var: Is a directory`."""
    result = helpers.run([*ENTRYPOINT, "true"], env=generating(prod_env, tmp_path))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: SECRET_KEY_FILE={tmp_path} is a folder: name a file in it, such as "
        f"{tmp_path}/secret_key.",
    )


def test_a_key_file_in_a_folder_that_does_not_exist_is_refused_in_one_sentence(prod_env, tmp_path):
    """It was `cannot create /app/var/secret_key.1: Directory nonexistent`."""
    key_file = tmp_path / "var" / "secret_key"
    result = helpers.run([*ENTRYPOINT, "true"], env=generating(prod_env, key_file))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: SECRET_KEY_FILE={key_file} cannot be created: there is no folder "
        f"{tmp_path / 'var'}.",
    )


def test_a_key_file_in_a_read_only_folder_is_refused_in_one_sentence(prod_env, tmp_path):
    """It was `cannot create /app/var/secret_key.1: Read-only file system`: compose's read-only root
    filesystem without the appstate volume."""
    folder = tmp_path / "var"
    folder.mkdir()
    command = in_read_only(folder, [*ENTRYPOINT, "true"])
    helpers.skip_unless_namespaces(in_read_only(folder, []))
    result = helpers.run(command, env=generating(prod_env, folder / "secret_key"))
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: SECRET_KEY_FILE={folder / 'secret_key'} cannot be created: the folder "
        f"{folder} is read-only or not this user's to write to (mount a writable volume on it, or set "
        "SECRET_KEY).",
    )
    assert list(folder.iterdir()) == []


def test_a_key_file_that_is_not_there_is_refused_in_one_sentence(prod_env, tmp_path):
    key_file = tmp_path / "secret_key"
    env = helpers.with_env(prod_env, SECRET_KEY=None, SECRET_KEY_FILE=key_file)
    result = helpers.run([*ENTRYPOINT, "true"], env=env)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: SECRET_KEY_FILE={key_file} cannot be read: there is no such file (set "
        "SECRET_KEY_GENERATE=true to create it, or set SECRET_KEY).",
    )


def test_containers_starting_together_all_get_the_one_key_they_generate(prod_env, tmp_path):
    """Compose's web containers share the appstate volume, and each entrypoint is PID 1: $$ is 1 in
    all of them, so a temporary file named after it was the same file for every container (one
    linked the other's half-written key, and started with an empty or different key)."""
    helpers.skip_unless_namespaces(helpers.AS_PID_1)
    show_key = [*helpers.AS_PID_1, *ENTRYPOINT, "sh", "-c", 'printf "%s" "$SECRET_KEY"']
    for round_ in range(5):
        folder = tmp_path / f"round-{round_}"
        folder.mkdir()
        env = generating(prod_env, folder / "secret_key")
        starts = [
            subprocess.Popen(
                show_key, cwd=helpers.REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
            for _ in range(6)
        ]
        outputs = [start.communicate(timeout=60) for start in starts]
        assert [start.returncode for start in starts] == [0] * 6, outputs
        stored = (folder / "secret_key").read_text().strip()
        assert len(stored) >= 50
        assert [key for key, _ in outputs] == [stored] * 6
        assert [path.name for path in folder.iterdir()] == ["secret_key"]  # no temporary file left


def test_secret_key_from_the_environment_wins_over_the_file(prod_env, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("from-the-file\n")
    env = {**prod_env, "SECRET_KEY": "from-the-environment", "SECRET_KEY_FILE": str(key_file)}
    result = helpers.run([*ENTRYPOINT, "python", "-c", "import os; print(os.environ['SECRET_KEY'])"], env=env)
    assert result.stdout.strip() == "from-the-environment"


def test_empty_variables_from_compose_leave_gunicorns_own_defaults(prod_env):
    """gunicorn reads WEB_CONCURRENCY and FORWARDED_ALLOW_IPS itself; empty, they must be unset."""
    env = helpers.with_env(prod_env, WEB_CONCURRENCY="", FORWARDED_ALLOW_IPS="", GUNICORN_TIMEOUT="", PORT="")
    show = "import os; print(sorted(n for n in ('WEB_CONCURRENCY', 'FORWARDED_ALLOW_IPS', 'PORT') if n in os.environ))"
    result = helpers.run([*ENTRYPOINT, "python", "-c", show], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "['PORT']\n"

    check = "from gunicorn.config import Config; c = Config(); print(c.workers, c.forwarded_allow_ips)"
    result = helpers.run([*ENTRYPOINT, "python", "-c", check], env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "1 ['127.0.0.1', '::1']\n"


# --- A stop during start-up (the entrypoint's shell is PID 1 until it execs gunicorn) --------------


def wait_for_line(path, text, process, timeout=60):
    deadline = time.monotonic() + timeout
    while text not in path.read_text():
        assert process.poll() is None, path.read_text()
        assert time.monotonic() < deadline, f"no {text!r} in:\n{path.read_text()}"
        time.sleep(0.1)


def start_as_pid_1(command, env, log_path):
    helpers.skip_unless_namespaces(helpers.AS_PID_1)
    with open(log_path, "w") as log:
        return subprocess.Popen(
            [*helpers.AS_PID_1, *command], cwd=helpers.REPO, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def stop_pid_1(process):
    """SIGTERM to the namespace's PID 1, as `docker stop` sends it; seconds until everything ended."""
    (pid_1,) = helpers.child_pids(process.pid)
    started = time.monotonic()
    os.kill(pid_1, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    return time.monotonic() - started


def test_a_stop_while_waiting_for_the_database_ends_the_start_up_at_once(ops_env, tmp_path):
    """PID 1 gets only the signals it handles: a shell that does not would sit out the whole grace
    period of `docker stop` (and be killed) while it waits for a database that is not there."""
    env = {**ops_env, "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "120"}
    log = tmp_path / "stop.log"
    process = start_as_pid_1([*ENTRYPOINT, *WEB_COMMAND], env, log)
    try:
        wait_for_line(log, '"event": "db_wait"', process)
        seconds = stop_pid_1(process)
    finally:
        process.kill()
        process.wait()
    assert seconds < 5, log.read_text()
    assert process.returncode == 143
    assert log.read_text().splitlines()[-1] == (
        "carter-site stopped during start-up, before the web server started."
    )
    assert "Traceback" not in log.read_text()


def test_gunicorn_started_by_the_entrypoint_as_pid_1_still_stops_gracefully(ops_env, tmp_path):
    """The entrypoint's own signal handling ends at exec: gunicorn gets SIGTERM itself."""
    port = free_port()
    env = {
        **ops_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "BIND_ADDRESS": "127.0.0.1",
        "PORT": str(port),
        "GUNICORN_WORKERS": "1",
    }
    log = tmp_path / "gunicorn.log"
    process = start_as_pid_1([*ENTRYPOINT, *WEB_COMMAND], env, log)
    try:
        wait_for_line(log, "Booting worker", process, timeout=120)
        seconds = stop_pid_1(process)
    finally:
        process.kill()
        process.wait()
    assert process.returncode == 0, log.read_text()
    assert seconds < 10
    messages = [record["message"] for record in helpers.json_lines(log.read_text())]
    assert "Handling signal: term" in messages


# --- Values the entrypoint hands on, checked before it waits for anything ---------------------


@pytest.mark.parametrize(
    ("change", "sentence"),
    [
        # gunicorn reads WEB_CONCURRENCY itself, before gunicorn.conf.py, with int(): a traceback.
        ({"WEB_CONCURRENCY": "abc"}, "WEB_CONCURRENCY must be a whole number, not 'abc'."),
        ({"WEB_CONCURRENCY": "65"}, "WEB_CONCURRENCY must be at most 64, not '65'."),
        ({"WEB_CONCURRENCY": "0"}, "WEB_CONCURRENCY must be at least 1, not '0'."),
        # Any value gunicorn.conf.py refuses stops the container before the database wait.
        ({"GUNICORN_TIMEOUT": "soon"}, "GUNICORN_TIMEOUT must be a whole number, not 'soon'."),
        # gunicorn reads FORWARDED_ALLOW_IPS itself too, and its refusal named no variable.
        (
            {"FORWARDED_ALLOW_IPS": "10.0.0.0/8, proxy.internal"},
            "FORWARDED_ALLOW_IPS has 'proxy.internal', which is not an IP address or network: list the "
            "proxies' addresses, comma-separated, such as 10.0.0.5,192.168.0.0/16 (a network ends in "
            "zeros: 192.168.1.0/24, not 192.168.1.1/24).",
        ),
        (
            {"FORWARDED_ALLOW_IPS": "192.168.1.1/24"},
            "FORWARDED_ALLOW_IPS has '192.168.1.1/24', which is not an IP address or network: list the "
            "proxies' addresses, comma-separated, such as 10.0.0.5,192.168.0.0/16 (a network ends in "
            "zeros: 192.168.1.0/24, not 192.168.1.1/24).",
        ),
        ({"DB_WAIT_TIMEOUT": "abc"}, f"DB_WAIT_TIMEOUT must be {WAIT_SECONDS}, not 'abc'."),
        ({"DB_WAIT_TIMEOUT": "0"}, f"DB_WAIT_TIMEOUT must be {WAIT_SECONDS}, not '0'."),
        # Past what time.sleep() takes: the wait would end in an OverflowError traceback.
        ({"DB_WAIT_TIMEOUT": "1e300"}, f"DB_WAIT_TIMEOUT must be {WAIT_SECONDS}, not '1e300'."),
        (
            {"MIGRATE_LOCK_TIMEOUT": "ten minutes"},
            f"MIGRATE_LOCK_TIMEOUT must be {WAIT_SECONDS}, not 'ten minutes'.",
        ),
        ({"MIGRATE_LOCK_TIMEOUT": "1e300"}, f"MIGRATE_LOCK_TIMEOUT must be {WAIT_SECONDS}, not '1e300'."),
        # Only the health check reads it: the container started, and turned unhealthy later.
        ({"HEALTHCHECK_TIMEOUT": "abc"}, "HEALTHCHECK_TIMEOUT must be a number from 0.1 to 10 s, not 'abc'."),
        ({"HEALTHCHECK_TIMEOUT": "30"}, "HEALTHCHECK_TIMEOUT must be a number from 0.1 to 10 s, not '30'."),
        # Read by the entrypoint only when the container is told to stop: too late to say so.
        ({"DRAIN_SECONDS": "abc"}, f"DRAIN_SECONDS must be {DRAIN_SECONDS_TEXT}, not 'abc'."),
        ({"DRAIN_SECONDS": "-1"}, f"DRAIN_SECONDS must be {DRAIN_SECONDS_TEXT}, not '-1'."),
        ({"DRAIN_SECONDS": "301"}, f"DRAIN_SECONDS must be {DRAIN_SECONDS_TEXT}, not '301'."),
        ({"DRAIN_SECONDS": "2.5"}, f"DRAIN_SECONDS must be {DRAIN_SECONDS_TEXT}, not '2.5'."),
    ],
)
def test_a_value_that_does_not_fit_stops_the_web_command_in_one_sentence(ops_env, change, sentence):
    env = {**ops_env, "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "2", **change}
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=60)
    helpers.assert_one_sentence(result, f"carter-site cannot start: {sentence}")


@pytest.mark.parametrize("static_root", ["nonexistent", "empty"])
def test_without_collected_static_files_the_web_command_stops_before_waiting(prod_env, tmp_path, static_root):
    """A wrong STATIC_ROOT would otherwise serve /healthz and /readyz with 200 and every page as a 500."""
    folder = tmp_path / static_root
    if static_root == "empty":
        folder.mkdir()
    env = {**prod_env, "STATIC_ROOT": str(folder), "DATABASE_URL": unreachable_url(), "DB_WAIT_TIMEOUT": "30"}
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=25)
    helpers.assert_one_sentence(
        result,
        f"carter-site cannot start: STATIC_ROOT={folder} holds no collected static files (staticfiles.json "
        "is missing): run python manage.py collectstatic --noinput, or point STATIC_ROOT at the folder "
        "they were collected into.",
    )


@pytest.mark.parametrize(
    ("url", "sentence"),
    [
        (
            "mysql://carter:pw-must-not-leak@127.0.0.1:3306/carter",
            "DATABASE_URL names a mysql database, but the site runs on PostgreSQL "
            "(postgres://user:password@host:5432/name) or SQLite (sqlite:///path/to/file.sqlite3).",
        ),
        (
            "postgres://carter:pw-must-not-leak@127.0.0.1:5432/",
            "DATABASE_URL has no database name: put it after the host, as in "
            "postgres://user:password@host:5432/name.",
        ),
    ],
)
def test_a_database_address_that_cannot_work_stops_the_web_command_in_one_sentence(prod_env, url, sentence):
    env = {**prod_env, "DATABASE_URL": url, "DB_WAIT_TIMEOUT": "2"}
    result = helpers.run([*ENTRYPOINT, *WEB_COMMAND], env=env, timeout=60)
    helpers.assert_one_sentence(result, f"carter-site cannot start: {sentence}")
    assert "pw-must-not-leak" not in result.stdout + result.stderr


def test_without_a_writable_tmp_the_web_command_says_to_mount_one(prod_env):
    """docker run --read-only without --tmpfs /tmp: Python finds no folder for temporary files."""
    helpers.skip_unless_namespaces(helpers.without_writable_tmp([]))
    env = helpers.with_env(
        prod_env, DATABASE_URL=unreachable_url(), DB_WAIT_TIMEOUT="2", TMPDIR=None, TEMP=None, TMP=None
    )
    result = helpers.run(helpers.without_writable_tmp([*ENTRYPOINT, *WEB_COMMAND]), env=env, timeout=60)
    helpers.assert_one_sentence(
        result,
        "carter-site cannot start: No folder for temporary files is writable: with a read-only root "
        "filesystem, mount a tmpfs on /tmp (docker run --tmpfs /tmp; docker-compose.yml does).",
    )


# --- The drain before a stop (DRAIN_SECONDS above 0: the entrypoint stays PID 1) ---------------
#
# Margins are generous: these tests are about what happens, in which order, not how fast.

DRAIN_DONE_MARGIN = 30  # seconds after the drain for gunicorn's graceful stop, on a busy machine
AT_ONCE = 20  # "at once": far below the drain these tests would otherwise sit out


@contextlib.contextmanager
def draining_server(ops_env, database_url, tmp_path, drain_seconds, **more):
    """The entrypoint and gunicorn as a container runs them (PID 1 of a PID namespace), on a
    migrated database with the demo content; yields once pages are served."""
    port = free_port()
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {
        **ops_env,
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "BIND_ADDRESS": "127.0.0.1",
        "GUNICORN_WORKERS": "2",
        "MIGRATE_ON_START": "false",
        "DRAIN_SECONDS": str(drain_seconds),
        "TMPDIR": str(temporary),
        **more,
    }
    log = tmp_path / "drain.log"
    process = start_as_pid_1([*ENTRYPOINT, *WEB_COMMAND], env, log)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, log.read_text()
            with contextlib.suppress(OSError):
                if helpers.get(port, "/healthz", timeout=5).status == 200:
                    break
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        (pid_1,) = helpers.child_pids(process.pid)
        yield SimpleNamespace(port=port, pid_1=pid_1, process=process, log=log, temporary=temporary)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def signal_and_wait_for(server, signum, text):
    os.kill(server.pid_1, signum)
    wait_for_line(server.log, text, server.process)


def exit_seconds(server, started, timeout):
    with contextlib.suppress(subprocess.TimeoutExpired):
        server.process.wait(timeout=timeout)
    return time.monotonic() - started


def messages(log):
    return [record["message"] for record in helpers.json_lines(log.read_text())]


@pytest.mark.postgres_only
def test_a_draining_container_serves_pages_while_readyz_says_it_is_shutting_down(
    ops_env, site_database, tmp_path
):
    """A load balancer notices a container going away only at its next check of /readyz: until
    then it still sends visitors here, and each must get the page, not a refused connection."""
    drain = 6
    with draining_server(ops_env, site_database.url, tmp_path, drain) as server:
        assert helpers.get(server.port, "/readyz").status == 200
        started = time.monotonic()
        signal_and_wait_for(server, signal.SIGTERM, '"event": "drain_start"')

        # Every worker says so at once (two of them here), each answer on a new connection.
        readiness = [helpers.get(server.port, "/readyz") for _ in range(8)]
        assert [(r.status, r.text) for r in readiness] == [(503, "not ready: shutting down\n")] * 8
        assert helpers.get(server.port, "/healthz").status == 200  # alive: the health check stays calm
        pages = [helpers.get(server.port, "/") for _ in range(4)]
        assert [page.status for page in pages] == [200] * 4
        assert "</html>" in pages[0].text
        assert server.process.poll() is None  # still draining
        markers = list(server.temporary.glob("carter-site-drain.*/draining"))
        assert len(markers) == 1

        seconds = exit_seconds(server, started, drain + DRAIN_DONE_MARGIN)

    assert server.process.returncode == 0, server.log.read_text()
    assert drain <= seconds < drain + DRAIN_DONE_MARGIN
    assert list(server.temporary.glob("carter-site-drain.*")) == []  # the marker's folder went with it
    records = helpers.json_lines(server.log.read_text())
    drain_records = [record for record in records if record.get("event", "").startswith("drain_")]
    assert [(r["event"], r["logger"], r["level"]) for r in drain_records] == [
        ("drain_start", "carter_site.entrypoint", "INFO"),
        ("drain_done", "carter_site.entrypoint", "INFO"),
    ]
    assert drain_records[0]["drain_seconds"] == drain
    assert drain_records[1]["early"] is False
    # The hand-over comes first, then gunicorn's own graceful stop.
    said = [record["message"] for record in records]
    assert said.index(drain_records[1]["message"]) < said.index("Handling signal: term")


def send_the_rest_and_read(connection):
    connection.sendall(b"X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n")
    answer = b""
    while chunk := connection.recv(65536):
        answer += chunk
    return answer.decode("utf-8", "replace")


@pytest.mark.postgres_only
def test_a_request_in_flight_when_the_drain_ends_still_completes(ops_env, site_database, tmp_path):
    """A phone on a poor line sends its request slowly: begun during the drain, it is still being
    read when gunicorn is told to stop, and gets its whole page all the same."""
    with draining_server(ops_env, site_database.url, tmp_path, 3, GUNICORN_WORKERS="1") as server:
        signal_and_wait_for(server, signal.SIGTERM, '"event": "drain_start"')
        with socket.create_connection(("127.0.0.1", server.port), timeout=60) as connection:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: carter-ops-tests\r\n")
            # The drain is over and gunicorn's master has told its worker to stop: the worker waits
            # for the end of the request it is reading.
            wait_for_line(server.log, "Handling signal: term", server.process)
            time.sleep(1)
            assert server.process.poll() is None, server.log.read_text()
            answer = send_the_rest_and_read(connection)
        server.process.wait(timeout=DRAIN_DONE_MARGIN)

    assert answer.startswith("HTTP/1.1 200 "), answer[:300]
    assert answer.rstrip().endswith("</html>")
    assert server.process.returncode == 0, server.log.read_text()


@pytest.mark.postgres_only
def test_a_second_sigterm_ends_the_drain_at_once(ops_env, site_database, tmp_path):
    """An operator in a hurry: the rest of the drain is skipped, gunicorn stops gracefully now."""
    with draining_server(ops_env, site_database.url, tmp_path, 120, LOG_FORMAT="plain") as server:
        signal_and_wait_for(server, signal.SIGTERM, "Draining for 120 s")
        started = time.monotonic()
        os.kill(server.pid_1, signal.SIGTERM)
        seconds = exit_seconds(server, started, AT_ONCE)

    assert server.process.returncode == 0, server.log.read_text()
    assert seconds < AT_ONCE
    lines = server.log.read_text().splitlines()
    # LOG_FORMAT=plain: the entrypoint's lines are written as Django's and gunicorn's are.
    assert any(
        " INFO carter_site.entrypoint Draining for 120 s: /readyz answers 503 " in line for line in lines
    )
    assert any(" INFO carter_site.entrypoint A second SIGTERM ends the drain early" in line for line in lines)
    # ... with the same clock: UTC, said so, in the shell's lines and the server's alike.
    stamped = [line for line in lines if re.match(r"\d{4}-\d\d-\d\d", line)]
    assert len(stamped) > 2 and all(
        re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [A-Z]+ [\w.]+ ", line) for line in stamped
    ), stamped
    assert list(server.temporary.glob("carter-site-drain.*")) == []


@pytest.mark.postgres_only
@pytest.mark.parametrize(
    ("signum", "during_the_drain"),
    [(signal.SIGINT, False), (signal.SIGINT, True), (signal.SIGQUIT, True)],
    ids=["sigint", "sigint-while-draining", "sigquit-while-draining"],
)
def test_sigint_and_sigquit_stop_at_once_drain_or_not(
    ops_env, site_database, tmp_path, signum, during_the_drain
):
    """Ctrl-C in a terminal: gunicorn's quick stop, as when it is PID 1 itself."""
    with draining_server(ops_env, site_database.url, tmp_path, 120) as server:
        if during_the_drain:
            signal_and_wait_for(server, signal.SIGTERM, '"event": "drain_start"')
        started = time.monotonic()
        os.kill(server.pid_1, signum)
        seconds = exit_seconds(server, started, AT_ONCE)

    assert server.process.returncode == 0, server.log.read_text()
    assert seconds < AT_ONCE
    assert f"Handling signal: {signal.Signals(signum).name[3:].lower()}" in messages(server.log)
    assert "drain_done" not in helpers.events(server.log.read_text())


@pytest.mark.postgres_only
def test_gunicorns_other_signals_reach_it_through_the_draining_entrypoint(ops_env, site_database, tmp_path):
    """PID 1 receives only the signals it handles: each must be passed on, none may start a drain."""
    with draining_server(ops_env, site_database.url, tmp_path, 1, GUNICORN_WORKERS="1") as server:
        for signum in (signal.SIGHUP, signal.SIGUSR1, signal.SIGTTIN, signal.SIGTTOU):
            name = signal.Signals(signum).name[3:].lower()
            signal_and_wait_for(server, signum, f"Handling signal: {name}")
        said = messages(server.log)
        assert "Hang up: Master" in said  # HUP: configuration reloaded, workers replaced
        assert helpers.get(server.port, "/").status == 200
        assert helpers.get(server.port, "/readyz").status == 200
        assert "drain_start" not in helpers.events(server.log.read_text())

        started = time.monotonic()
        os.kill(server.pid_1, signal.SIGTERM)
        seconds = exit_seconds(server, started, 1 + DRAIN_DONE_MARGIN)
    assert server.process.returncode == 0, server.log.read_text()
    assert seconds >= 1  # the drain, short here, was kept


@pytest.mark.postgres_only
@pytest.mark.parametrize("value", ["0", "", " 00 "])
def test_without_a_drain_the_entrypoint_still_execs_gunicorn(ops_env, site_database, tmp_path, value):
    port = free_port()
    env = {
        **ops_env,
        "DATABASE_URL": site_database.url,
        "PORT": str(port),
        "BIND_ADDRESS": "127.0.0.1",
        "GUNICORN_WORKERS": "1",
        "DRAIN_SECONDS": value,
        # Left behind by someone: must not turn /readyz to 503.
        "CARTER_SITE_DRAIN_MARKER": str(tmp_path / "stale-marker"),
    }
    (tmp_path / "stale-marker").touch()
    server = helpers.Server([*ENTRYPOINT, *WEB_COMMAND], env, tmp_path / "no-drain.log", port)
    with server:
        command_line = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().split(b"\0")
        assert any(part.endswith(b"gunicorn") for part in command_line)
        assert helpers.get(port, "/readyz").status == 200
    assert server.process.returncode == 0
    assert "drain_start" not in helpers.events(server.output())
