#!/usr/bin/env python3
"""The container's health check: exit 0 when this container's web server answers 200.

    python scripts/healthcheck.py [PATH]        (PATH defaults to /healthz)

Docker's HEALTHCHECK runs it every few seconds, so it uses the standard library only and never
starts Django. It asks the server this container runs (PORT, BIND_ADDRESS) with a Host header
that ALLOWED_HOSTS accepts, since Django refuses any other, and says https like the load
balancer would, so that SECURE_SSL_REDIRECT does not turn the answer into a redirect.
"""

import http.client
import os
import sys

WILDCARD_ADDRESSES = {"", "0.0.0.0", "::", "[::]"}


def host_header(allowed_hosts):
    """A Host value that Django's ALLOWED_HOSTS check accepts: the first entry, made concrete."""
    for entry in (item.strip() for item in allowed_hosts.split(",")):
        if not entry:
            continue
        if entry == "*":
            return "localhost"
        return entry[1:] if entry.startswith(".") else entry  # ".example.com" accepts example.com
    return "localhost"


def server_address(bind_address):
    address = (bind_address or "").strip()
    if address in WILDCARD_ADDRESSES:
        return "127.0.0.1"
    return address.strip("[]")


# What the two variables may be: name, default, type, least, most, unit. The image's HEALTHCHECK
# (Dockerfile) stops the whole check after 12 s, whatever it waits for: the longest wait for the
# answer, 10 s, leaves Python the time to start and report. docker-entrypoint.sh refuses a
# HEALTHCHECK_TIMEOUT that does not fit (carter_site/startup_check.py reads it from here).
PORT = ("PORT", 8000, int, 1, 65535, "")
TIMEOUT = ("HEALTHCHECK_TIMEOUT", 4, float, 0.1, 10, " s")


def setting(name, default, kind, low, high, unit):
    """(the variable's value, None), or (None, a sentence saying what fits)."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return default, None
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:  # NaN fails this too
        return None, f"{name} must be a number from {low:g} to {high:g}{unit}, not {os.environ.get(name)!r}."
    return value, None


def check(path="/healthz"):
    port, problem = setting(*PORT)
    timeout, timeout_problem = setting(*TIMEOUT)
    if problem or timeout_problem:
        return False, problem or timeout_problem
    connection = http.client.HTTPConnection(
        server_address(os.environ.get("BIND_ADDRESS")), port, timeout=timeout
    )
    headers = {
        "Host": host_header(os.environ.get("ALLOWED_HOSTS", "")),
        "X-Forwarded-Proto": "https",
        "User-Agent": "carter-site-healthcheck",
    }
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read(200).decode("utf-8", "replace").strip()
    except OSError as error:
        return False, f"{path}: no answer on port {port}: {error}"
    finally:
        connection.close()
    if response.status != 200:
        return False, f"{path}: HTTP {response.status} {body}"
    return True, f"{path}: {body}"


def main(argv):
    healthy, message = check(argv[1] if len(argv) > 1 else "/healthz")
    print(("healthy " if healthy else "unhealthy ") + message)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
