"""Error reports that never carry what a visitor searched for or where they came from.

When a page fails in production, Django emails the ADMINS a report (settings.ADMINS, empty by
default) and, when SENTRY_DSN is set, Sentry receives one. Django's own report contains the
full address with its query string, every GET parameter, the Referer header and the local
variables of every frame: on /search/?q=… that is the visitor's search words, which on this site
can be health information ("relapse after detox"), sent by email. This module removes them:

- the query string, GET values, Referer and cookies are replaced with Django's usual
  "********************";
- the search words themselves (the `q` parameter, whole and word by word) are replaced wherever
  they appear in the report: frame variables, SQL parameters, the exception's message.

Developers with DEBUG on still see everything on their own machine: only reports made with
DEBUG off are changed (those are the ones that leave the server).
"""

import re
from urllib.parse import parse_qs

from django.conf import settings
from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

# Parameters whose values are the visitor's own words: what they searched for (carter_site.search)
# and where they live (locations.nearest).
PRIVATE_PARAMETERS = ("q", "near")
# Shorter words ("a", "to", "IOP") are too common to hide without hiding the report itself.
MIN_WORD_LENGTH = 4
# Request variables that can hold a search address or a session (RAW_URI is gunicorn's,
# REQUEST_URI other servers').
PRIVATE_META = ("QUERY_STRING", "RAW_URI", "REQUEST_URI", "HTTP_REFERER", "HTTP_COOKIE", "HTTP_AUTHORIZATION")


def private_words(values):
    """What to hide, longest first: each value whole, and each of its words long enough to tell."""
    words = set()
    for value in values:
        text = " ".join(str(value).split())
        if len(text) >= MIN_WORD_LENGTH:
            words.add(text)
        words.update(word for word in re.findall(r"\w+", text) if len(word) >= MIN_WORD_LENGTH)
    return longest_first(words)


def redact(text, words, substitute=SafeExceptionReporterFilter.cleansed_substitute):
    """`text` with every occurrence of `words` (any case) replaced."""
    if not words or not text:
        return text
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    return pattern.sub(substitute, text)


# A shared preview link's token, in any case: "/articles/Preview/<token>/" is a 404, but the token
# in it opens the draft at its own address all the same (carter_site.logging hides it likewise).
_PREVIEW_TOKEN = re.compile(r"/preview/([^/\s?#]+)", re.IGNORECASE)


def preview_tokens(path):
    """The tokens of shared preview links in `path`: whoever holds one reads the draft."""
    return _PREVIEW_TOKEN.findall(path) if isinstance(path, str) else []


def longest_first(words):
    return sorted(set(words), key=lambda word: (-len(word), word))


def words_typed(request):
    """What the visitor typed into the search box or the nearest-location field, to be hidden, and
    the token of the shared preview link they opened."""
    if request is None:
        return []
    typed = private_words(value for name in PRIVATE_PARAMETERS for value in request.GET.getlist(name))
    return longest_first([*typed, *preview_tokens(getattr(request, "path", ""))])


class _Shown:
    """A frame variable, already written out and redacted: the report prints it as is."""

    def __init__(self, text):
        self.text = text

    def __repr__(self):
        return self.text


class PrivateExceptionReporterFilter(SafeExceptionReporterFilter):
    """Django's filter, which hides passwords and keys, plus the visitor's search words."""

    def get_safe_request_meta(self, request):
        meta = super().get_safe_request_meta(request)
        if self.is_active(request):
            words = words_typed(request)
            for key, value in meta.items():
                if key in PRIVATE_META and value:
                    meta[key] = self.cleansed_substitute
                elif isinstance(value, str):
                    meta[key] = redact(value, words)
        return meta

    def get_safe_cookies(self, request):
        cookies = super().get_safe_cookies(request)
        if self.is_active(request):
            return dict.fromkeys(cookies, self.cleansed_substitute)
        return cookies

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        words = words_typed(request) if self.is_active(request) else []
        if not words:
            return variables
        shown = []
        for name, value in variables:
            try:
                text = repr(value)
            except Exception:  # the report shows Django's own note for these
                shown.append((name, value))
                continue
            hidden = redact(text, words)
            shown.append((name, _Shown(hidden) if hidden != text else value))
        return shown


class _RequestShown:
    """The request as a report shows it: its path with the hidden words hidden, all else as is."""

    def __init__(self, request, path_info):
        self._request = request
        self.path_info = path_info

    def __getattr__(self, name):
        return getattr(self._request, name)


class PrivateExceptionReporter(ExceptionReporter):
    """Django's report without the query string, GET values or search words (DEBUG off only)."""

    def get_traceback_data(self):
        data = super().get_traceback_data()
        if settings.DEBUG or self.request is None:
            return data
        substitute = SafeExceptionReporterFilter.cleansed_substitute
        data["request_GET_items"] = [(name, substitute) for name in self.request.GET]
        words = words_typed(self.request)
        data["request_insecure_uri"] = redact(data["request_insecure_uri"].split("?", 1)[0], words)
        if words and data.get("request") is not None:
            data["request"] = _RequestShown(self.request, redact(self.request.path_info, words))
        for key in ("exception_value", "exception_notes"):
            if data.get(key):
                data[key] = redact(data[key], words)
        for frame in data.get("frames", []):
            for key in ("context_line", "exc_cause"):
                if isinstance(frame.get(key), str):
                    frame[key] = redact(frame[key], words)
        return data


def _redact_event(event, words):
    """Replace `words` in every string of a Sentry event (frame variables, messages, breadcrumbs)."""
    if not words:
        return event

    def walk(value):
        if isinstance(value, str):
            return redact(value, words)
        if isinstance(value, dict):
            return {key: walk(item) for key, item in value.items()}
        if isinstance(value, list):
            return [walk(item) for item in value]
        return value

    return walk(event)


def scrub_error_report(event, hint):
    """Sentry's before_send: no query strings, search words, preview tokens or Referer leave the site.

    The search words are also replaced wherever else they appear in the event (frame
    variables, SQL parameters, the exception's message).
    """
    request = event.get("request") or {}
    query = request.get("query_string")
    words = []
    if isinstance(query, str) and query:
        values = parse_qs(query, keep_blank_values=True)
        words = private_words(value for name in PRIVATE_PARAMETERS for value in values.get(name, ()))
    url = request.get("url")
    words = longest_first([*words, *preview_tokens(url), *preview_tokens(event.get("transaction"))])
    if words:
        event = _redact_event(event, words)
        request = event.get("request") or {}
    request.pop("query_string", None)
    if isinstance(request.get("url"), str):
        request["url"] = request["url"].split("?", 1)[0]
    headers = request.get("headers")
    if isinstance(headers, dict):
        for name in list(headers):
            if name.lower() in {"referer", "cookie", "authorization"}:
                headers.pop(name)
    return event
