"""A throwaway PostgreSQL server for shell scripts (make docker-check), until told to stop.

    .venv/bin/python .ci/throwaway_postgres.py [--database NAME]

Starts the test suite's server (tests/postgres_server.py: a temporary folder, 127.0.0.1 and a
free port), creates the database, prints `DATABASE_URL=postgres://...` on one line, then waits.
SIGTERM, SIGINT or SIGHUP stops the server and removes its folder.
"""

import argparse
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg2

from tests.postgres_server import PostgresUnavailable, ThrowawayPostgres


class Stop(Exception):
    pass


def _stop(signum, frame):
    raise Stop


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="carter")
    args = parser.parse_args()
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, _stop)

    try:
        server = ThrowawayPostgres().start()
    except PostgresUnavailable as error:
        sys.exit(str(error))
    try:
        connection = psycopg2.connect(server.url("postgres"))
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{args.database}"')
        connection.close()
        print(f"DATABASE_URL={server.url(args.database)}", flush=True)
        while True:
            signal.pause()
    except Stop:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
