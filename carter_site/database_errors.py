"""Messages about a database that does not answer: where it is and why, never the password.

`manage.py wait_for_db` and manage.py itself (any command whose database does not answer) say it
the same way.
"""

import re

from django.db.utils import OperationalError

# What libpq says of an option it cannot read (in DATABASE_URL after the ?): a typo, which no wait
# mends, unlike a server still starting.
_REFUSED_OPTION = re.compile(
    r'invalid (?:[a-z_]+ value: "[^"\n]*"|integer value "[^"\n]*" for connection option "[a-z_]+"'
    r'|connection option "[^"\n]*")'
)


def describe(connection):
    """Where the database is, for messages: never the password."""
    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {config['NAME']}"
    host = config.get("HOST") or "local socket"
    port = config.get("PORT") or "default port"
    return f"{connection.vendor} database {config.get('NAME')!r} at {host}:{port}"


def reason(error):
    """The first line of the driver's message, which names the host and port, never the password."""
    return (str(error).strip().splitlines() or ["no reason given"])[0].strip()


def refused_option(error):
    """What the driver said of an option of the connection it cannot read, or None."""
    found = _REFUSED_OPTION.search(str(error))
    return found.group(0) if found else None


def is_connection_failure(error):
    """True for an OperationalError raised while opening a connection, not by a query."""
    if not isinstance(error, OperationalError):
        return False
    traceback = error.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_name == "get_new_connection":
            return True
        traceback = traceback.tb_next
    return False


def did_not_answer(connection, error):
    """One sentence for an operator: which database, what the driver said, what to check."""
    return (
        f"the {describe(connection)} did not answer ({reason(error)}). Check DATABASE_URL, and that "
        "the database server is running and reachable."
    )


# The longest any start-up wait may be (--timeout, --interval, --lock-timeout and the variables
# the entrypoint hands them): a day is far past any real wait, and far below what time.sleep()
# takes (a few hundred years), past which a wait ended in an OverflowError traceback.
MAX_WAIT_SECONDS = 24 * 60 * 60
WAIT_SECONDS = f"a number of seconds above 0 and at most {MAX_WAIT_SECONDS} (a day)"


def positive_seconds(value):
    """argparse type for a number of seconds above zero and at most MAX_WAIT_SECONDS (--timeout,
    --interval, --lock-timeout)."""
    import argparse

    try:
        seconds = float(value)
    except (TypeError, ValueError):
        seconds = None
    if seconds is None or not 0 < seconds <= MAX_WAIT_SECONDS:  # NaN fails too
        raise argparse.ArgumentTypeError(f"must be {WAIT_SECONDS}, not {value!r}")
    return seconds
