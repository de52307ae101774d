"""Logs for machines: one JSON object per line on stdout, for Django and gunicorn alike.

Production logs are read by a collector (Docker's log driver, journald, a log shipper), not by a
person at a terminal, so every record becomes one line of JSON with a fixed set of keys:
`time` (UTC, ISO 8601), `level`, `logger`, `message`, and `exception` when there is one. Extra
values given with `logger.info(..., extra={...})` are added as keys of their own.

gunicorn's access log becomes structured too (`method`, `path`, `status`, `duration_ms`, ...).
Query strings are never logged: they can carry what a visitor searched for.

This module imports nothing from Django, so gunicorn.conf.py can use it before Django starts.
"""

import datetime as dt
import json
import logging
import re
from collections.abc import Mapping

# Attributes every LogRecord has; anything else on a record came from `extra=`.
_RECORD_ATTRIBUTES = frozenset(vars(logging.LogRecord("", logging.INFO, "", 0, "", (), None))) | {
    "message",
    "asctime",
}

HEALTH_CHECK_PATHS = frozenset({"/healthz", "/readyz"})


# What a log line must not carry even in a path or a message: the token of a shared preview link
# (whoever holds it can read the draft until it expires), and the address a refused post came
# from, which Django's CSRF check names in its reason ("Referer checking failed - <url> does...").
# In any case: "/articles/Preview/<token>/" is a 404, but its token opens the draft all the same.
_PREVIEW_TOKEN = re.compile(r"(/preview/)[^/\s?#]+", re.IGNORECASE)
_CSRF_ORIGIN = re.compile(r"((?:Referer|Origin) checking failed - ).*?( does not match)", re.DOTALL)
HIDDEN = "[not logged]"


def without_private_details(text):
    # Every log line passes here: the plain substring tests keep the common case to microseconds.
    if "/preview/" in text.lower():
        text = _PREVIEW_TOKEN.sub(rf"\g<1>{HIDDEN}", text)
    if "checking failed - " in text:
        text = _CSRF_ORIGIN.sub(rf"\g<1>{HIDDEN}\g<2>", text)
    return text


# gunicorn's error log names the request it could not read or serve, query string and all:
# "Invalid HTTP request line: 'GET /search/?q=... HTTP/1.1'" (a raw non-ASCII byte or control
# character), "Invalid HTTP Version: 'word HTTP/1.1'" (what followed a raw space in the query),
# "Error handling request GET /search/?q=..." (an exception that escaped the application).
_INVALID_REQUEST_LINE = re.compile(r"(Invalid HTTP request line: )(.*)", re.DOTALL)
_INVALID_VERSION = re.compile(r"(Invalid HTTP Version:? ).*", re.DOTALL)
# The method and the path of a request line: what may be kept of it.
_LINE_START = re.compile(r"([A-Z]{3,20} )?(/[^\s?'\"]*)?")
# A path or URL followed by its query string.
_QUERY_STRING = re.compile(r"(/[^\s?'\"]*)\?[^\s'\"]*")


def _start_of_request_line(match):
    shown = match.group(2)  # as gunicorn wrote it: repr() of the line, quotes included
    start = _LINE_START.match(shown[1:] if shown[:1] in "'\"" else shown)
    kept = (start.group(1) or "") + (start.group(2) or "")
    return f"{match.group(1)}'{kept}' {HIDDEN}" if kept else f"{match.group(1)}{HIDDEN}"


def without_request_details(text):
    """gunicorn's error log without query strings, and without what followed the path in a request
    line it could not read (the rest of the words of a search sent with a raw space)."""
    text = without_private_details(text)
    if "Invalid HTTP request line" in text:
        text = _INVALID_REQUEST_LINE.sub(_start_of_request_line, text)
    if "Invalid HTTP Version" in text:
        text = _INVALID_VERSION.sub(rf"\g<1>{HIDDEN}", text)
    if "?" in text:
        text = _QUERY_STRING.sub(rf"\g<1>?{HIDDEN}", text)
    return text


def _request_summary(request):
    """What a log line may say about a Django request: method and path, no query, no cookies."""
    path = getattr(request, "path", None)
    return {
        "method": getattr(request, "method", None),
        "path": without_private_details(path) if isinstance(path, str) else path,
    }


def _plain(value):
    """A value json can write; anything else becomes its text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    return str(value)


def _access_fields(atoms):
    """gunicorn's access-log atoms (see gunicorn.glogging.Logger.atoms) as named fields."""
    status = atoms.get("s")
    if isinstance(status, str) and status.isdigit():
        status = int(status)
    duration_us = atoms.get("D")
    fields = {
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "status": status,
        "bytes": atoms.get("B"),
        "duration_ms": round(duration_us / 1000, 3) if isinstance(duration_us, int) else None,
        "remote_addr": atoms.get("h"),
        "forwarded_for": atoms.get("{x-forwarded-for}i"),
        "request_id": atoms.get("{x-request-id}i"),
        "user_agent": atoms.get("a"),
        "protocol": atoms.get("H"),
    }
    return {key: value for key, value in fields.items() if value not in (None, "-", "")}


def utc_time(record):
    """When `record` was made, in UTC, to the millisecond: 2025-06-01T09:12:03.512Z."""
    return (
        dt.datetime.fromtimestamp(record.created, tz=dt.UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


class PlainFormatter(logging.Formatter):
    """LOG_FORMAT=plain: "<time> <level> <logger> <message>", the time in UTC as the JSON lines
    and the entrypoint's own have it. Python's default, the local time without an offset, was
    Eastern in the server (Django sets the process's time zone to TIME_ZONE) and UTC in the
    container's shell: the lines of one stop jumped five hours."""

    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def formatTime(self, record, datefmt=None):
        return utc_time(record)


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON. Never raises for odd values: they become text."""

    def format(self, record):
        entry = {
            "time": utc_time(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "pid": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(_access_fields(record.args))
        for key, value in vars(record).items():
            if key in _RECORD_ATTRIBUTES or key.startswith("_") or key in entry:
                continue
            entry[key] = _request_summary(value) if key == "request" else _plain(value)
        if record.exc_text:  # already written out (and cleaned: HidePrivateDetails)
            entry["exception"] = record.exc_text
        elif record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class SkipHealthChecks(logging.Filter):
    """Drops access-log lines of successful health checks, which a load balancer sends every
    few seconds from every node. Failed checks (a 503 from /readyz) are still logged."""

    def filter(self, record):
        atoms = record.args if isinstance(record.args, Mapping) else None
        if not atoms or atoms.get("U") not in HEALTH_CHECK_PATHS:
            return True
        try:
            return int(atoms.get("s")) >= 400
        except (TypeError, ValueError):
            return True


class ServerErrorsOnly(logging.Filter):
    """Lets through only the records of server errors (500): what the ADMINS email is for.

    Django logs every response of 500 or more at ERROR. A deliberate 503 (/readyz while the
    database is away, the calm page during an outage, even when it comes from an exception) is
    not a fault of the site, and each would send an email, waiting for the SMTP server inside the
    request. What passes: django.request's record of a 500, which is what an unhandled exception
    becomes. (A request Django refuses as suspicious never reaches this far: RefusedRequests
    makes its record a warning before any handler sees it.)
    """

    def filter(self, record):
        return record.name == "django.request" and getattr(record, "status_code", None) == 500


# Django logs a request it refuses as suspicious (a 400) to "django.security.<the exception's
# class>", at ERROR: these are the classes of Django and its contrib apps this site uses.
# RefusedRequests is set on each of these loggers, and on the stdout handler for any other.
REFUSED_REQUEST_LOGGERS = tuple(
    f"django.security.{name}"
    for name in (
        "SuspiciousOperation",
        "DisallowedHost",
        "DisallowedRedirect",
        "SuspiciousFileOperation",
        "SuspiciousMultipartForm",
        "TooManyFieldsSent",
        "TooManyFilesSent",
        "RequestDataTooBig",
        "InvalidSessionKey",
        "SuspiciousSession",
        "DisallowedModelAdminLookup",
        "DisallowedModelAdminToField",
    )
)


def _escaped(text):
    """`text` with control characters and non-ASCII written as escapes, as Django's own request
    records write a path: a newline in an address cannot start a line of its own in the log."""
    return text.encode("unicode_escape").decode("ascii")


class RefusedRequests(logging.Filter):
    """A request Django refused as suspicious (a 400, logger django.security.*) is a WARNING, in
    one line, that names the request: not an ERROR with a traceback.

    Anyone can send one: a Host header ALLOWED_HOSTS does not list (every scanner that asks for
    the server's address), "/media/../x", more query parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS.
    Django logs each at ERROR, with a traceback that only retold its own checks (some 2 KB), so a
    script could fill the log with the level that alerts are set on, and would also reach Sentry
    as an error. Set on the loggers themselves (REFUSED_REQUEST_LOGGERS), the record is a warning
    before any handler sees it: the ADMINS email (level ERROR) and Sentry's error events leave it
    out. The message keeps Django's reason and adds the method and path (never the query string).
    """

    def filter(self, record):
        if (
            record.name.startswith("django.security.")
            and getattr(record, "status_code", None) == 400
            and record.levelno > logging.WARNING
        ):
            record.levelno, record.levelname = logging.WARNING, logging.getLevelName(logging.WARNING)
            record.exc_info = record.exc_text = None
            summary = _request_summary(getattr(record, "request", None))
            if isinstance(summary["method"], str) and isinstance(summary["path"], str):
                try:
                    message = record.getMessage()
                except (TypeError, ValueError):  # arguments that do not fit: left to the handler
                    return True
                record.msg = f"{message} (refused: {_escaped(summary['method'])} {_escaped(summary['path'])})"
                record.args = ()
        return True


# gunicorn's access-log atoms that hold the path: "U" (path) and "r" (the request line).
ACCESS_ATOMS_WITH_A_PATH = ("U", "r")


def _hide_words_typed(record):
    """What the visitor typed (the search words, the ZIP code or town for the nearest location) out
    of a record logged with its Django request: its message, and the text of its exception, which
    can quote them (a database error quoting its parameter). The error email and Sentry hide the
    same words (carter_site.error_reports); the traceback is formatted here, once, redacted."""
    request = getattr(record, "request", None)
    try:
        query = getattr(request, "GET", None)
    except Exception:
        # A query string Django refuses to read (more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS):
        # its 400 is being logged now, and no code read words from it to quote.
        return
    if not hasattr(query, "getlist"):
        return  # not a Django request (gunicorn's records, the development server's socket)
    from carter_site.error_reports import redact, words_typed  # Django is loaded: a request exists

    words = words_typed(request)
    if not words:
        return
    try:
        message = record.getMessage()
    except (TypeError, ValueError):  # arguments that do not fit: the handler reports that itself
        message = None
    if message is not None and (hidden := redact(message, words)) != message:
        record.msg, record.args = hidden, ()
    # Formatters write a record's exc_text when it has one (logging.Formatter caches the traceback
    # there, and JsonFormatter reads it first); exc_info stays for handlers that make their own
    # report from it, such as the ADMINS email.
    if record.exc_info or record.exc_text:
        text = record.exc_text or logging.Formatter().formatException(record.exc_info)
        record.exc_text = redact(text, words)


# Loggers that write whole request lines into their records: gunicorn's error log (requests it could
# not read or serve) and Django's development server (`make run`), which logs every request as
# '"GET /search/?q=... HTTP/1.1" 200 4243'.
LOGGERS_OF_REQUEST_LINES = frozenset({"gunicorn.error", "django.server"})


class HidePrivateDetails(logging.Filter):
    """Takes preview tokens and the CSRF check's origin addresses out of a record's message and
    arguments (gunicorn's access-log atoms too), before any handler formats it; and, from the
    loggers that write request lines, query strings and the rest of lines that could not be read."""

    def filter(self, record):
        _hide_words_typed(record)
        clean = (
            without_request_details if record.name in LOGGERS_OF_REQUEST_LINES else without_private_details
        )
        if isinstance(record.msg, str):
            record.msg = clean(record.msg)
        if isinstance(record.args, dict):  # gunicorn's atoms: changed in place, keeping their type
            # Only the path and the request line carry a path; the rest are headers and numbers.
            for key in ACCESS_ATOMS_WITH_A_PATH:
                value = record.args.get(key)
                if isinstance(value, str):
                    record.args[key] = without_private_details(value)
        elif isinstance(record.args, tuple):
            record.args = tuple(clean(value) if isinstance(value, str) else value for value in record.args)
        return True


def _formatters(fmt):
    if fmt not in {"json", "plain"}:
        raise ValueError(f"LOG_FORMAT must be json or plain, not {fmt!r}.")
    if fmt == "json":
        return {"default": {"()": "carter_site.logging.JsonFormatter"}}
    return {"default": {"()": "carter_site.logging.PlainFormatter"}}


def normalise_level(level):
    """LOG_LEVEL as logging knows it: 'info' -> 'INFO'; refuses names logging does not know."""
    name = str(level or "INFO").strip().upper()
    if name not in {"CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"}:
        raise ValueError(f"LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL, not {level!r}.")
    return name


def django_logging(level="INFO", fmt="json"):
    """Django's LOGGING: everything through the root logger to stdout in one format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": _formatters(fmt),
        "filters": {
            "private_details": {"()": "carter_site.logging.HidePrivateDetails"},
            "refused_requests": {"()": "carter_site.logging.RefusedRequests"},
        },
        "handlers": {
            "stdout": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stdout",
                "filters": ["private_details", "refused_requests"],
            }
        },
        "loggers": {name: {"filters": ["refused_requests"]} for name in REFUSED_REQUEST_LOGGERS},
        "root": {"handlers": ["stdout"], "level": normalise_level(level)},
    }


def gunicorn_logging(level="INFO", fmt="json", log_health_checks=False):
    """gunicorn's logconfig_dict: its error log and access log to stdout in the same format."""
    config = django_logging(level, fmt)
    config["filters"]["health_checks"] = {"()": "carter_site.logging.SkipHealthChecks"}
    config["handlers"]["access"] = {
        "class": "logging.StreamHandler",
        "formatter": "default",
        "stream": "ext://sys.stdout",
        "filters": ["private_details"] + ([] if log_health_checks else ["health_checks"]),
    }
    config["loggers"] |= {
        "gunicorn.error": {"handlers": ["stdout"], "level": normalise_level(level), "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    }
    return config
