"""`manage.py wait_for_db`: wait, for a bounded time, until the database accepts connections.

The container's entrypoint runs it before migrating, so that a web container started together
with its database (or during a database restart) waits instead of crashing, and one whose
database never comes says so clearly and stops, rather than hanging or looping for ever. An
option of DATABASE_URL the driver cannot read is a typo no wait mends: it stops at once.
"""

import logging
import os
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError

from carter_site.database_errors import describe, positive_seconds, reason, refused_option

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Wait until the database accepts connections, for at most --timeout seconds."

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=positive_seconds,
            default=os.environ.get("DB_WAIT_TIMEOUT") or "60",
            help="Seconds to wait before giving up, up to 86400 (default: DB_WAIT_TIMEOUT, else 60).",
        )
        parser.add_argument(
            "--interval", type=positive_seconds, default=1.0, help="Seconds between tries (default 1)."
        )
        # choices, as Django's own migrate has: an unknown name is a usage error, not a traceback.
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, choices=tuple(connections), help="The database to use."
        )

    def handle(self, *args, timeout, interval, database, **options):
        connection = connections[database]
        target = describe(connection)
        deadline = time.monotonic() + timeout
        attempts = 0
        while True:
            attempts += 1
            try:
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                    cursor.fetchone()
            except OperationalError as error:
                connection.close()
                if said := refused_option(error):
                    raise CommandError(
                        f"The {target} cannot be reached as DATABASE_URL says: {said}. Correct the "
                        "option after the ? in DATABASE_URL."
                    ) from None
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise CommandError(
                        f"The {target} did not accept connections within {timeout:g} s "
                        f"({attempts} tries). Last error: {reason(error)}. Check DATABASE_URL, and that "
                        "the database server is running and reachable from this container."
                    ) from None
                if attempts == 1:
                    logger.warning(
                        "Waiting up to %g s for the %s: %s",
                        timeout,
                        target,
                        reason(error),
                        extra={"event": "db_wait"},
                    )
                time.sleep(min(interval, remaining))
            else:
                logger.info(
                    "The %s accepts connections.", target, extra={"event": "db_ready", "attempts": attempts}
                )
                return
