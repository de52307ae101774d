"""Health checks for load balancers, orchestrators and Docker's HEALTHCHECK.

- /healthz (liveness): the process is up and answering. Touches no database, so a database
  outage never gets healthy web containers restarted.
- /readyz (readiness): this container can serve pages: the database answers, and every
  migration this code expects has been applied. Otherwise 503 with a one-line reason, so the
  load balancer sends traffic elsewhere (during an upgrade, until `migrate` has run). And
  503 from the moment the container is told to stop, while it drains (DRAIN_SECONDS,
  carter_site/drain.py): pages are still served until the load balancer has noticed.

Both are plain text, cheap (at most one `SELECT 1` once migrations have been seen applied),
never cached, and answer GET and HEAD only. The details of a failure go to the log, not to
the response, which anyone can read: one warning per check that fails, and the traceback of
an unreachable database with the first of a run of them and then once a minute, not with each
probe every few seconds. A 503 of /readyz is this module's to log: Django's own "Service
Unavailable: /readyz" at ERROR, on every probe of every container while it drains before a
stop, would have an ordinary deploy read as an outage.
"""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from carter_site.drain import draining

logger = logging.getLogger(__name__)

# Once this process has seen every migration of its code applied, they stay applied: later
# checks skip reading the migration history and only ask the database to answer.
_migrations_confirmed = False

# While the database does not answer: when this process last logged the traceback saying why
# (time.monotonic()), None while it answers.
_traceback_logged_at = None
TRACEBACK_EVERY_SECONDS = 60


def _plain(text, status=200):
    response = HttpResponse(f"{text}\n", content_type="text/plain; charset=utf-8", status=status)
    if status >= 500:
        response._has_been_logged = True  # this module logs why (django.utils.log.log_response)
    return response


def _with_traceback():
    """Whether this failed check of the database should log its traceback: the first of a run
    of failures, then once every TRACEBACK_EVERY_SECONDS."""
    global _traceback_logged_at
    now = time.monotonic()
    if _traceback_logged_at is not None and now - _traceback_logged_at < TRACEBACK_EVERY_SECONDS:
        return False
    _traceback_logged_at = now
    return True


def unapplied_migrations(connection):
    """Migrations on disk that the database has not recorded as applied."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [migration for migration, _backwards in plan]


@never_cache
@require_safe
def healthz(request):
    """The process is up and answering. Touches no database."""
    return _plain("ok")


@never_cache
@require_safe
def readyz(request):
    """The database answers and its schema matches this code, and the container is not stopping."""
    global _migrations_confirmed, _traceback_logged_at
    if draining():
        return _plain("not ready: shutting down", status=503)
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:
        logger.warning(
            "Not ready: the database did not answer.",
            exc_info=_with_traceback(),
            extra={"error": type(error).__name__},
        )
        return _plain("not ready: database unreachable", status=503)
    _traceback_logged_at = None

    if not _migrations_confirmed:
        try:
            pending = unapplied_migrations(connection)
        except Exception:
            logger.warning("Not ready: could not read the migration history.", exc_info=True)
            return _plain("not ready: migration history unreadable", status=503)
        if pending:
            logger.warning(
                "Not ready: %d migration(s) not applied: %s",
                len(pending),
                ", ".join(f"{m.app_label}.{m.name}" for m in pending),
            )
            return _plain(f"not ready: {len(pending)} migration(s) not applied", status=503)
        _migrations_confirmed = True
    return _plain("ok")
