"""Run the site the way production does: real processes, production settings, real HTTP.

Everything here starts subprocesses with an environment built from scratch for the production
settings, so nothing of the test run's own settings (DJANGO_SETTINGS_MODULE=...test) leaks in.
"""

import contextlib
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from tests.postgres_server import free_port

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
GUNICORN = str(VENV_BIN / "gunicorn")

# Variables the production settings, gunicorn.conf.py or the entrypoint read: none of them may
# come from the environment the tests run in.
OPS_PREFIXES = (
    "DJANGO_",
    "DEBUG",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "CSRF_TRUSTED_ORIGINS",
    "DATABASE_URL",
    "DB_",
    "MIGRATE_",
    "LOAD_DEMO_CONTENT",
    "REDIS_URL",
    "CACHE_KEY_PREFIX",
    "SECURE_",
    "AWS_",
    "EMAIL_",
    "DEFAULT_FROM_EMAIL",
    "SERVER_EMAIL",
    "ADMINS",
    "ADMIN_",
    "AXES_",
    "CSP_",
    "OTP_",
    "BREAK_GLASS_",
    "TRUSTED_PROXY_COUNT",
    "SESSION_COOKIE_AGE",
    "LOG_",
    "SENTRY_",
    "GUNICORN_",
    "WEB_CONCURRENCY",
    "PORT",
    "BIND_ADDRESS",
    "FORWARDED_ALLOW_IPS",
    "MEDIA_ROOT",
    "STATIC_ROOT",
    "HEALTHCHECK_",
    "DRAIN_SECONDS",
    "CARTER_SITE_DRAIN_MARKER",
)


def strong_secret_key():
    return secrets.token_urlsafe(64)


def production_env(**overrides):
    """The environment of a production process: production settings and a strong key."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(OPS_PREFIXES)}
    env.update(
        DJANGO_SETTINGS_MODULE="carter_site.settings.prod",
        SECRET_KEY=strong_secret_key(),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        ADMIN_URL="editor-ops-tests/",
        # Required in production; tests that use a database name their own.
        DATABASE_URL="sqlite://:memory:",
        PATH=f"{VENV_BIN}{os.pathsep}{env.get('PATH', '')}",
        PYTHONDONTWRITEBYTECODE="1",
    )
    return with_env(env, **overrides)


def with_env(env, **changes):
    """A copy of env with changes; a change to None removes the variable."""
    env = dict(env)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = str(value)
    return env


def run(command, env, timeout=120, **kwargs):
    """Run a command in the repository; its output as text. A safety timeout, not a measurement."""
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout, check=False, **kwargs
    )


def manage(*args, env, timeout=180):
    return run([sys.executable, "manage.py", *args], env=env, timeout=timeout)


# A PostgreSQL address nothing listens on, with a password no message may repeat.
UNREACHABLE_DATABASE = "postgres://nobody:pw-must-not-leak@127.0.0.1:1/x"


def assert_one_sentence(result, sentence):
    """The process failed with exactly this one line on stderr, and no traceback anywhere."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr.strip() == sentence
    assert "Traceback" not in result.stdout + result.stderr


def json_lines(text):
    """Every non-empty line parsed as JSON; fails on the first line that is not."""
    records = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip():
            try:
                records.append(json.loads(line))
            except ValueError:
                raise AssertionError(f"line {number} is not JSON: {line!r}") from None
    return records


def events(text):
    return [record.get("event") for record in json_lines(text) if record.get("event")]


# --- Containers without Docker -------------------------------------------------------------

# The command as the PID 1 of a new PID namespace, as in a container: the kernel then delivers a
# signal from outside only if the process handles it. --kill-child: ending unshare ends it all.
AS_PID_1 = ["unshare", "--user", "--map-root-user", "--pid", "--fork", "--kill-child"]

# The command with no writable folder for temporary files, as in a container run with a
# read-only root filesystem and no tmpfs on /tmp: read-only /tmp and /var/tmp, and a read-only
# repository (Python's last resort is the current folder, and the entrypoint runs from it).
# Each is bound read-only onto itself, so its contents stay in view: a checkout that lives
# under /tmp (as CI's does) is still there to run.
_READ_ONLY = """
set -eu
for folder in /tmp /var/tmp /usr/tmp "$0"; do
    if [ -d "$folder" ]; then
        mount --bind "$folder" "$folder"
        mount -o remount,bind,ro "$folder"
    fi
done
exec "$@"
"""


def without_writable_tmp(command):
    return ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", _READ_ONLY, str(REPO), *command]


def skip_unless_namespaces(prefix):
    """Skips the test where this machine cannot make the namespaces (no unshare, no user namespaces)."""
    try:
        result = subprocess.run([*prefix, "true"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        result = None
    if result is None or result.returncode != 0:
        pytest.skip(f"needs util-linux unshare and user namespaces: {' '.join(prefix[:1])} failed")


def child_pids(pid):
    """The direct children of a process (Linux)."""
    children = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(child) for child in children.read_text().split()] if children.exists() else []


# --- HTTP ---------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")


def get(port, path, https=True, host="localhost", timeout=15):
    """GET from 127.0.0.1:port as a load balancer that terminates TLS would send it."""
    headers = {"Host": host, "User-Agent": "carter-ops-tests"}
    if https:
        headers["X-Forwarded-Proto"] = "https"
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers=headers)
    try:
        with _opener.open(request, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


# --- Processes ----------------------------------------------------------------------------


class Server:
    """A server process on 127.0.0.1:port, its output captured in a file."""

    def __init__(self, command, env, log_path, port):
        self.command = command
        self.env = env
        self.log_path = Path(log_path)
        self.port = port
        self.process = None

    def start(self, wait_path="/healthz", startup_timeout=90):
        self._log = open(self.log_path, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            self.command, cwd=REPO, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + startup_timeout
        while True:
            if self.process.poll() is not None:
                raise AssertionError(
                    f"server exited with {self.process.returncode}:\n{self.output()[-4000:]}"
                )
            with contextlib.suppress(OSError):
                if get(self.port, wait_path, timeout=5).status == 200:
                    return self
            if time.monotonic() > deadline:
                raise AssertionError(f"server did not answer {wait_path}:\n{self.output()[-4000:]}")
            time.sleep(0.2)

    def output(self):
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self._log.close()
        return self.process.returncode if self.process else None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()


def prepare_site(env):
    """What a container's start does before serving: collect static files, migrate, demo content."""
    collected = manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    assert collected.returncode == 0, collected.stderr
    migrated = manage("migrate_once", "--load-demo-content", env=env)
    assert migrated.returncode == 0, migrated.stdout + migrated.stderr
    return env


@contextlib.contextmanager
def gunicorn_servers(env, log_folder, names="ab", **env_overrides):
    """Several production servers on one configuration, as several containers run; stopped after."""
    servers = [gunicorn_server(env, Path(log_folder) / f"{name}.log", **env_overrides) for name in names]
    try:
        for server in servers:
            server.start()
        yield servers
    finally:
        for server in servers:
            server.stop()


def gunicorn_server(env, log_path, **env_overrides):
    """The production command, exactly: gunicorn -c gunicorn.conf.py carter_site.wsgi."""
    port = free_port()
    overrides = {key: str(value) for key, value in env_overrides.items()}
    env = {**env, "PORT": str(port), "BIND_ADDRESS": "127.0.0.1", "GUNICORN_WORKERS": "1", **overrides}
    return Server([GUNICORN, "-c", "gunicorn.conf.py", "carter_site.wsgi"], env, log_path, port)


# --- Databases on the suite's PostgreSQL server -------------------------------------------


def admin_connection(server):
    connection = psycopg2.connect(server.url("postgres"))
    connection.autocommit = True
    return connection


def create_database(server, name):
    with contextlib.closing(admin_connection(server)) as connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return server.url(name)


def drop_database(server, name):
    with contextlib.closing(admin_connection(server)) as connection, connection.cursor() as cursor:
        cursor.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def database_exists(server, name):
    with contextlib.closing(admin_connection(server)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


def unique_name(prefix):
    return f"{prefix}_{secrets.token_hex(4)}"


def module_database(request, pytestconfig, tmp_path_factory, prefix):
    """A module's own database for the real servers it starts, as a generator for a fixture to
    `yield from`: a new one on the suite's PostgreSQL with --db=postgres (dropped afterwards), a
    SQLite file otherwise."""
    if pytestconfig.getoption("db") == "postgres":
        server = request.getfixturevalue("postgres_server")
        name = unique_name(prefix)
        yield create_database(server, name)
        drop_database(server, name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'site.sqlite3'}"


# --- A signed-in editor, for requests to a production server ---------------------------------

_STAFF_SESSION_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse
user = get_user_model().objects.create_superuser("ops-tests", "ops@example.com", "a long test passphrase")
session = SessionStore()
session[SESSION_KEY] = str(user.pk)
session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
session[HASH_SESSION_KEY] = user.get_session_auth_hash()
try:  # the admin asks for a second factor in production: a confirmed authenticator
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice
    device = TOTPDevice.objects.create(user=user, name="tests", confirmed=True)
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
except ImportError:
    pass
session.save()
print(json.dumps({"cookie": settings.SESSION_COOKIE_NAME, "key": session.session_key,
                  "csrf_cookie": settings.CSRF_COOKIE_NAME,
                  "changelist": reverse("admin:articles_article_changelist")}))
"""


def staff_session(env):
    """A superuser's session in the database of `env`, its second factor confirmed, as a browser
    holds it after signing in: the cookie names and values, and the article list's address."""
    result = run([sys.executable, "-c", _STAFF_SESSION_SCRIPT], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def request(port, path, *, method="GET", headers=None, data=None, body=None):
    """One request to 127.0.0.1:port as the TLS-terminating load balancer would send it: `data`
    sent as a form, or `body` as it is."""
    headers = {"Host": "localhost", "X-Forwarded-Proto": "https", **(headers or {})}
    if data is not None:
        body = urllib.parse.urlencode(data, doseq=True).encode()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, headers=headers, method=method)
    try:
        with _opener.open(req, timeout=15) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def bulk_action(port, staff_session, action, article_id):
    """Run an article bulk action through the admin of the server on `port`, as a signed-in
    editor's browser does."""
    cookie = f"{staff_session['cookie']}={staff_session['key']}"
    page = request(port, staff_session["changelist"], headers={"Cookie": cookie})
    assert page.status == 200, page.text[:500]
    assert "no-store" in page.headers["Cache-Control"]
    csrf_name = staff_session["csrf_cookie"]
    set_cookies = " ".join(page.headers.get_all("Set-Cookie") or [])
    csrf_cookie = re.search(re.escape(csrf_name) + r"=([^;]+)", set_cookies).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = request(
        port,
        staff_session["changelist"],
        method="POST",
        headers={"Cookie": f"{cookie}; {csrf_name}={csrf_cookie}", "Origin": "https://localhost"},
        data={"action": action, "_selected_action": [article_id], "csrfmiddlewaretoken": token, "index": "0"},
    )
    assert response.status == 302, response.text[:1000]


def article_id(env, path):
    """The id of the article at `path`, read from the database of `env`."""
    slug = path.strip("/").split("/")[-1]
    code = (
        "import django; django.setup(); from articles.models import Article; "
        f"print(Article.objects.get(slug={slug!r}).pk)"
    )
    result = run([sys.executable, "-c", code], env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]
