"""One address per page: the same page written another way is led to the way it is written.

gunicorn decodes the path before the site sees it, so "/privacy%2F" (an escaped slash) arrived as
"/privacy/" and answered 200 with the standing page; "/media/editor/./logo.png" (a dot segment)
and "/media//editor/logo.png" (a doubled slash) served the upload, which Django's file view
tidies up; "/priv%61cy/" (an escaped letter) was the page too. Each is a copy of a page at an
address of its own, for search engines, the page cache and the count of addresses not found.

The address as the client sent it is in the WSGI environ: gunicorn's RAW_URI (uWSGI and others
write REQUEST_URI). `canonical_address` writes it the one way: letters, digits and "-._~" and
"/" unescaped (RFC 3986 says they are the same address either way), no doubled slashes, no "."
or ".." segments. Where that differs from the address sent and leads to a page visitors get, the
answer is a permanent redirect to it (OneAddressMiddleware), as an address in capitals or
without its slash is led to the page (carter_site.redirects); anything else is left to the site
to answer as it did (a 404, or Django's 400 for a path that climbs out of the media folder).
Django's development server keeps no raw address: this works behind gunicorn only.

Imports nothing that needs Django set up: the page cache's replay, which runs before Django,
uses it too (carter_site.caching).
"""

import re

# "%" and two hex digits; whether one is decoded depends on what it stands for.
_ESCAPE = re.compile(r"%([0-9A-Fa-f]{2})")
# RFC 3986's unreserved characters, and the slash: escaped or not, the same address here (gunicorn
# decodes them all alike).
_SAME_EITHER_WAY = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/")
_DOUBLED_SLASHES = re.compile(r"/{2,}")


def address_as_sent(environ):
    """The path of the request as the client wrote it (still escaped), or None where the server
    does not say (Django's test client and development server)."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if not isinstance(raw, str) or not raw:
        return None
    if not raw.startswith("/"):  # "http://host/path" (absolute form) or "*"
        _scheme, separator, rest = raw.partition("://")
        if not separator or "/" not in rest:
            return None
        raw = "/" + rest.split("/", 1)[1]
    return raw.split("?", 1)[0].split("#", 1)[0]


def _unescaped_if_the_same(match):
    character = chr(int(match.group(1), 16))
    return character if character in _SAME_EITHER_WAY else match.group(0)


def _without_dot_segments(path):
    """RFC 3986's remove_dot_segments for a path that starts with "/" and has no empty segments
    but perhaps the last: "/a/b/../c" is "/a/c", "/a/." is "/a/", "/.." is "/"."""
    segments = path.split("/")[1:]
    kept = []
    for segment in segments:
        if segment == "..":
            if kept:
                kept.pop()
        elif segment != ".":
            kept.append(segment)
    if segments[-1] in {".", ".."}:
        kept.append("")  # the path named a folder: it still ends with a slash
    return "/" + "/".join(kept)


def canonical_address(path):
    """`path` (escaped, as sent) written the one way: see the module's docstring."""
    if "%" not in path and "//" not in path and "/." not in path:
        return path  # nearly every request: nothing to do
    path = _ESCAPE.sub(_unescaped_if_the_same, path)
    path = _DOUBLED_SLASHES.sub("/", path)
    return _without_dot_segments(path)


def written_another_way(environ):
    """The canonical address of the request when the client wrote it another way, else None."""
    sent = address_as_sent(environ)
    if sent is None:
        return None
    canonical = canonical_address(sent)
    return canonical if canonical != sent else None
