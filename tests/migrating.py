"""Moving the test database back to an old migration and forward again, for the tests of data
migrations: what an upgrade does to rows saved before it."""

import contextlib

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate the database to `targets`; the apps (models) as they were there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    """The migrations the code has now, app by app: where a test leaves the database."""
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@contextlib.contextmanager
def back_at(targets):
    """The database at `targets`, and its models as they were then; up to date again afterwards."""
    try:
        yield migrate(targets)
    finally:
        migrate(latest())
