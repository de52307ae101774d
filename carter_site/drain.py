"""The drain before a web container stops: DRAIN_SECONDS (docker-entrypoint.sh, docs/operations.md).

A load balancer learns that a container is going away only at its next check of /readyz. With
DRAIN_SECONDS above 0, the entrypoint keeps gunicorn serving for that long after a SIGTERM while
/readyz answers 503 in every worker, and only then hands the SIGTERM on.

The entrypoint tells the workers by creating a file, the marker, in a folder of its own it makes
for temporary files, and names the marker in DRAIN_MARKER_VARIABLE before it starts gunicorn:
every worker inherits the name, and /readyz asks whether the file exists, one stat() per check
and nothing for any other request. Standard library only: carter_site.startup_check reads the
limits from here before Django starts.
"""

import os

DRAIN_SECONDS = "DRAIN_SECONDS"
# Five minutes: a load balancer that needs longer to notice a container going away (its check
# interval times the failures it waits for) is better told sooner, and every orchestrator's
# grace period would have to be longer still.
MAX_DRAIN_SECONDS = 300
DRAIN_SECONDS_TEXT = f"a whole number of seconds from 0 to {MAX_DRAIN_SECONDS}"

# Set by the entrypoint, never by hand: the path of the marker file.
DRAIN_MARKER_VARIABLE = "CARTER_SITE_DRAIN_MARKER"
_marker = os.environ.get(DRAIN_MARKER_VARIABLE) or None

# What the shell's `tr -d '[:space:]'` takes away too, and nothing more.
_ASCII_SPACE = " \t\n\r\x0b\x0c"


def drain_seconds(raw):
    """DRAIN_SECONDS as a number; ValueError with the sentence that says what fits."""
    text = (raw or "").strip(_ASCII_SPACE)
    if not text:
        return 0
    # ASCII digits only: the entrypoint's shell hands the value to sleep, which knows no other.
    if not (text.isascii() and text.isdigit()) or int(text) > MAX_DRAIN_SECONDS:
        raise ValueError(f"{DRAIN_SECONDS} must be {DRAIN_SECONDS_TEXT}, not {raw!r}.")
    return int(text)


def draining():
    """True once the entrypoint has started the drain of this container."""
    return _marker is not None and os.path.exists(_marker)
