"""`manage.py migrate_once`: apply migrations exactly once, however many containers start at once.

On PostgreSQL the work happens under a session-level advisory lock: the first container to get
it migrates; the others wait for it, then find nothing left to do. (SQLite has a single writer
on a single machine and needs no lock.) With --load-demo-content, a database that had no
migrations applied before this run (a fresh one) also gets the demo content, once: restarting
the container, or deleting the demo content later, never brings it back. Without it, with the
production settings, a database whose visitors still see demo content (the compose demo's
database, kept for production) is logged as a warning at every start.

Everything it reports goes to the log (JSON lines in production), not to stdout as text.
"""

import io
import logging
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.recorder import MigrationRecorder

from carter_site.caching import content_changed
from carter_site.database_errors import positive_seconds
from carter_site.health import unapplied_migrations

logger = logging.getLogger(__name__)

# Any constant 64-bit number, the same in every container: the bytes of "carter-m" in ASCII.
MIGRATION_LOCK_ID = int.from_bytes(b"carter-m", "big") & 0x7FFF_FFFF_FFFF_FFFF


@contextmanager
def migration_lock(connection, timeout, poll_interval=1.0):
    """Hold PostgreSQL's advisory lock MIGRATION_LOCK_ID for the block; wait at most `timeout` s."""
    if connection.vendor != "postgresql":
        yield
        return
    deadline = time.monotonic() + timeout
    announced = False
    while True:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [MIGRATION_LOCK_ID])
            if cursor.fetchone()[0]:
                break
        if time.monotonic() >= deadline:
            raise CommandError(
                f"Another container has been migrating this database for more than {timeout:g} s "
                f"(advisory lock {MIGRATION_LOCK_ID} is held). Gave up. If no migration is running, "
                "find the session that holds it in pg_locks and end it."
            )
        if not announced:
            logger.info(
                "Another container is migrating the database; waiting for it (up to %g s).",
                timeout,
                extra={"event": "migrate_wait"},
            )
            announced = True
        time.sleep(poll_interval)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATION_LOCK_ID])
        except Exception:
            # Closing the session releases its advisory locks too.
            connection.close()


def is_fresh(connection):
    """True when no migration at all has been applied: a new, empty database."""
    recorder = MigrationRecorder(connection)
    return not recorder.has_table() or not recorder.applied_migrations()


class Command(BaseCommand):
    help = (
        "Apply database migrations once across several starting containers (PostgreSQL advisory "
        "lock), and load the demo content into a fresh database when asked to."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lock-timeout",
            type=positive_seconds,
            default=600,
            help="Seconds to wait for another container's migration to finish, up to 86400 (default 600).",
        )
        parser.add_argument(
            "--load-demo-content",
            action="store_true",
            help="If the database is fresh (no migration applied yet), load the demo content after migrating.",
        )
        # choices, as Django's own migrate has: an unknown name is a usage error, not a traceback.
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections), help="The database to use."
        )

    def handle(self, *args, lock_timeout, load_demo_content, database, **options):
        connection = connections[database]
        with migration_lock(connection, lock_timeout):
            fresh = is_fresh(connection)
            pending = unapplied_migrations(connection)
            if pending:
                names = [f"{migration.app_label}.{migration.name}" for migration in pending]
                logger.info(
                    "Applying %d migration(s).",
                    len(names),
                    extra={"event": "migrate_start", "migrations": names},
                )
                started = time.monotonic()
                output = io.StringIO()
                call_command("migrate", database=database, interactive=False, verbosity=1, stdout=output)
                logger.info(
                    "Applied %d migration(s) in %.1f s.",
                    len(names),
                    time.monotonic() - started,
                    extra={"event": "migrate_done", "migrations": names},
                )
            else:
                logger.info(
                    "The database schema is up to date; no migration to apply.",
                    extra={"event": "migrate_none"},
                )

            if load_demo_content:
                self.load_demo_content(fresh)
            elif (settings.SETTINGS_MODULE or "").endswith(".prod"):
                self.warn_of_live_demo_content()
        # A container starts after a release or a restore: pages cached from other templates or
        # other rows must not outlive it (a cache that is down is logged, never fatal).
        content_changed()

    def warn_of_live_demo_content(self):
        """LOAD_DEMO_CONTENT=false never removes what a first start loaded: the compose demo's database,
        kept when .env turns it into production, goes on showing invented testimonials."""
        from carter_site.demo_content import live_demo_content

        live = live_demo_content()
        if not live:
            return
        counted = ", ".join(f"{count} {kind if count != 1 else kind[:-1]}" for kind, count in live.items())
        logger.warning(
            "This database shows visitors demo content (%s, all invented), though LOAD_DEMO_CONTENT is "
            "off: a first start loaded it, and it stays until deleted. Start production from a fresh "
            'database (docs/operations.md, "From the demo to production"), or unpublish or delete it '
            "in the admin.",
            counted,
            extra={"event": "demo_content_live", **{f"demo_{kind}": count for kind, count in live.items()}},
        )

    def load_demo_content(self, fresh):
        if not fresh:
            logger.info(
                "Not a fresh database: the demo content is left as it is.", extra={"event": "demo_skipped"}
            )
            return
        output = io.StringIO()
        # The operator asked for it (LOAD_DEMO_CONTENT), so the production settings may take it.
        call_command("load_demo_content", allow_production=True, stdout=output)
        logger.info(
            "Fresh database: demo content loaded. %s",
            output.getvalue().strip(),
            extra={"event": "demo_loaded"},
        )
