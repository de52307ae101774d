"""gunicorn's configuration for production: `gunicorn -c gunicorn.conf.py carter_site.wsgi`.

The Docker image starts exactly this. Every value comes from an environment variable with a
default that suits a small container; .env.example and docs/operations.md list them.

Before anything starts, the production settings are loaded once: if they are incomplete (no
SECRET_KEY, DEBUG on, ...) gunicorn stops with one clear sentence instead of a traceback from
every worker it tries to boot.
"""

import gc
import ipaddress
import math
import os
import sys
from pathlib import Path

# carter_site is importable whatever the current directory.
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carter_site.settings.prod")

from carter_site.logging import gunicorn_logging, normalise_level


def _stop(message):
    sys.exit(f"carter-site cannot start: {message}")


def _int(name, default, minimum=0, maximum=None):
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        _stop(f"{name} must be a whole number, not {raw!r}.")
    if value < minimum:
        _stop(f"{name} must be at least {minimum}, not {raw!r}.")
    if maximum is not None and value > maximum:
        _stop(f"{name} must be at most {maximum}, not {raw!r}.")
    return value


def _bind_address(name, default):
    """An IP address to listen on, IPv6 in brackets as gunicorn wants it."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        address = ipaddress.ip_address(raw.removeprefix("[").removesuffix("]"))
    except ValueError:
        _stop(f"{name} must be an IP address such as 0.0.0.0, 127.0.0.1 or ::, not {raw!r}.")
    return f"[{address}]" if address.version == 6 else str(address)


def _proxy_addresses(name, default):
    """IP addresses or networks, comma-separated, or *: what gunicorn accepts for its trusted proxies.

    gunicorn reads FORWARDED_ALLOW_IPS itself, before this file runs, and refuses a bad entry in
    words that name no variable; the entrypoint runs this file first, so the sentence is ours.
    """
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    for entry in (item.strip() for item in raw.split(",")):
        if not entry or entry == "*":
            continue
        try:
            ipaddress.ip_network(entry)
        except ValueError:
            _stop(
                f"{name} has {entry!r}, which is not an IP address or network: list the proxies' addresses, "
                "comma-separated, such as 10.0.0.5,192.168.0.0/16 (a network ends in zeros: 192.168.1.0/24, "
                "not 192.168.1.1/24)."
            )
    return raw


def _bool(name, default):
    raw = os.environ.get(name, "").strip().lower()
    if not raw:
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    _stop(f"{name} must be true or false, not {raw!r}.")


def usable_cpus():
    """CPUs this process may use: its container's CPU quota when it has one (cgroup v2)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    try:
        quota, period = Path("/sys/fs/cgroup/cpu.max").read_text().split()
        if quota != "max":
            cpus = min(cpus, max(1, math.ceil(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return cpus


def _check_django_settings():
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.conf import settings

        settings.INSTALLED_APPS  # noqa: B018 (imports the settings module, which checks itself)
    except ImproperlyConfigured as error:
        _stop(str(error))


def _check_static_files():
    """Pages name their static files through the manifest collectstatic writes (the production
    storage): without it in STATIC_ROOT every page is a 500, while /healthz and /readyz, which
    name none, answer 200 and the load balancer sends visitors in."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin
    from django.core.files.storage import storages

    storage = storages.create_storage(settings.STORAGES["staticfiles"])
    if isinstance(storage, ManifestFilesMixin) and not storage.manifest_storage.exists(storage.manifest_name):
        _stop(
            f"STATIC_ROOT={settings.STATIC_ROOT} holds no collected static files ({storage.manifest_name} "
            "is missing): run python manage.py collectstatic --noinput, or point STATIC_ROOT at the "
            "folder they were collected into."
        )


def _check_media_folder():
    """Uploads go to MEDIA_ROOT unless a bucket is named: a folder the server may not write to (a
    host folder or volume owned by root, a read-only mount) would start a site whose health checks
    answer 200 while every upload fails."""
    from django.conf import settings
    from django.core.files.storage import FileSystemStorage
    from django.utils.module_loading import import_string

    if not issubclass(import_string(settings.STORAGES["default"]["BACKEND"]), FileSystemStorage):
        return
    try:
        os.makedirs(settings.MEDIA_ROOT, exist_ok=True)
        writable = os.access(settings.MEDIA_ROOT, os.W_OK | os.X_OK)
    except OSError:
        writable = False
    if not writable:
        _stop(
            f"MEDIA_ROOT={settings.MEDIA_ROOT} is not a folder this server can create and write to, so every "
            "upload would fail: give the folder or volume to the server's user (uid 10001 in the image), or "
            "keep uploads in a bucket (AWS_STORAGE_BUCKET_NAME)."
        )


_check_django_settings()

# Where to listen. Behind a load balancer or in a container: all interfaces, port 8000.
bind = [f"{_bind_address('BIND_ADDRESS', '0.0.0.0')}:{_int('PORT', 8000, minimum=1, maximum=65535)}"]

# Proxies whose X-Forwarded-* headers gunicorn trusts (docs/operations.md); empty means the default.
forwarded_allow_ips = _proxy_addresses("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# ...and nothing else from them. gunicorn would also take SCRIPT_NAME and PATH_INFO from request
# headers those proxies send, and most proxies pass a client's headers on untouched: one request
# with "SCRIPT_NAME: //elsewhere.example" then made a page of this site, canonical link and all
# naming the other host, that the page cache kept for everyone. The site always lives at the root
# of its host, so such headers are dropped (tests/ops/test_forwarded_headers.py).
forwarder_headers = ""

# Sync workers: one request at a time each, a process per CPU core and then some. Each keeps a
# database connection open (DB_CONN_MAX_AGE): containers x workers x threads must stay below
# PostgreSQL's max_connections.
# At least one: with none, gunicorn listens but nothing ever answers.
# Upper bounds everywhere: a value gunicorn cannot sleep for (GUNICORN_TIMEOUT=10**22) made
# every worker die at boot and be replaced at once, without end; a mistyped worker count would
# open that many database connections.
MAX_PROCESSES, MAX_SECONDS, MAX_REQUESTS = 64, 3600, 1_000_000_000
workers = _int(
    "GUNICORN_WORKERS",
    _int("WEB_CONCURRENCY", min(2 * usable_cpus() + 1, 8), minimum=1, maximum=MAX_PROCESSES),
    minimum=1,
    maximum=MAX_PROCESSES,
)
# More than 1 switches to the gthread worker.
threads = _int("GUNICORN_THREADS", 1, minimum=1, maximum=MAX_PROCESSES)
# A worker silent for this long is killed and replaced.
timeout = _int("GUNICORN_TIMEOUT", 30, maximum=MAX_SECONDS)
# On SIGTERM, time to finish requests.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30, maximum=MAX_SECONDS)
keepalive = _int("GUNICORN_KEEPALIVE", 5, maximum=MAX_SECONDS)
# Recycle each worker after about this many requests (the jitter spreads the restarts), so a
# slow leak never grows into an outage. Pages from the cache cost a few tenths of a millisecond,
# so under load a worker serves a thousand a second: each recycle costs a process's exit and
# start, and the new worker renders every page once more before it can replay it
# (docs/performance.md).
max_requests = _int("GUNICORN_MAX_REQUESTS", 200000, maximum=MAX_REQUESTS)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 20000, maximum=MAX_REQUESTS)
# Load the application once in the master and warm it up (URL patterns, templates: see
# carter_site/warmup.py) before forking: a worker, new or replacing a recycled one, then starts
# ready instead of spending about half a second of CPU on its first requests while they wait
# (docs/performance.md). Nothing opens a database connection there, so workers never share one.
preload_app = _bool("GUNICORN_PRELOAD", True)


def when_ready(server):
    if server.cfg.preload_app:
        from carter_site.warmup import warm_up

        templates = warm_up()
        # What the master has loaded lives as long as every worker. Frozen, the garbage
        # collector never walks it again in a worker, whose full collections would otherwise
        # write to every page of it and so copy it, worker by worker (about 17 MB each,
        # docs/performance.md). Python's documentation recommends this before forking.
        gc.collect()
        gc.freeze()
        server.log.info(
            "Warmed up before forking workers: %d templates parsed, %d objects kept out of the garbage "
            "collector's way.",
            templates,
            gc.get_freeze_count(),
        )


# Heartbeat files on a RAM disk: a container's overlay filesystem can stall them.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
proc_name = "carter-site"

# No control socket: nothing in the container uses gunicornc, and the user has no home to
# put it in (gunicorn 25.1+ opens one by default).
control_socket_disable = True

# Logs: both gunicorn's own and the access log on stdout, one JSON object per line (or plain
# text with LOG_FORMAT=plain). The access log never records query strings.
accesslog = "-"
errorlog = "-"
access_log_format = "%(m)s %(U)s %(s)s %(B)s %(M)sms"
try:
    loglevel = normalise_level(os.environ.get("LOG_LEVEL")).lower()
    logconfig_dict = gunicorn_logging(
        level=loglevel,
        fmt=os.environ.get("LOG_FORMAT", "").strip() or "json",
        log_health_checks=_bool("LOG_HEALTH_CHECKS", False),
    )
except ValueError as error:
    _stop(str(error))

# Last, so that a value of its own that does not fit is named first.
_check_media_folder()
_check_static_files()
