"""`python -m carter_site.startup_check`: what docker-entrypoint.sh checks before it waits for anything.

A web container whose configuration cannot work should stop at once, in one sentence, not after
waiting a minute for its database or with a traceback. This loads gunicorn.conf.py as gunicorn
will, which loads the production settings and checks every value of its own (the limits live
there, once), and then the two numbers the entrypoint hands to manage.py.

It matters most for WEB_CONCURRENCY: gunicorn reads that variable itself, while importing its own
configuration and before gunicorn.conf.py runs, so a word there would end in gunicorn's traceback.
And for HEALTHCHECK_TIMEOUT, which only the container's health check reads, every 15 s: a value
that does not fit would otherwise start the server and only turn the container unhealthy later.
And for DRAIN_SECONDS, which the entrypoint reads only when the container is told to stop.
"""

import argparse
import os
import runpy
import sys
from pathlib import Path

GUNICORN_CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
# The image's HEALTHCHECK (standard library only), which holds the limits of its own variables.
HEALTHCHECK = Path(__file__).resolve().parent.parent / "scripts" / "healthcheck.py"

# Seconds the entrypoint passes to wait_for_db and migrate_once.
START_UP_SECONDS = ("DB_WAIT_TIMEOUT", "MIGRATE_LOCK_TIMEOUT")


def main():
    # Stops with "carter-site cannot start: ..." on the first value that does not fit.
    runpy.run_path(str(GUNICORN_CONF))

    from carter_site.database_errors import WAIT_SECONDS, positive_seconds

    for name in START_UP_SECONDS:
        raw = os.environ.get(name, "")
        if raw == "":
            continue
        try:
            positive_seconds(raw)
        except argparse.ArgumentTypeError:
            sys.exit(f"carter-site cannot start: {name} must be {WAIT_SECONDS}, not {raw!r}.")

    from carter_site.drain import DRAIN_SECONDS, drain_seconds

    try:
        drain_seconds(os.environ.get(DRAIN_SECONDS))
    except ValueError as error:
        sys.exit(f"carter-site cannot start: {error}")

    healthcheck = runpy.run_path(str(HEALTHCHECK))
    _timeout, problem = healthcheck["setting"](*healthcheck["TIMEOUT"])
    if problem:
        sys.exit(f"carter-site cannot start: {problem}")


if __name__ == "__main__":
    main()
