"""Property-based tests: hostile paths, query strings, headers and posts at every public URL.

Hypothesis generates the requests; the budget is fixed (conftest.py: MAX_EXAMPLES examples per
property, derandomized, so CI tries the same inputs every run). Whatever arrives:

- GET and HEAD get 2xx, 3xx, 400 or 404: never a 5xx, never an exception. Paths are sent with
  the address as written in RAW_URI, as gunicorn sends them, and the site's redirects, followed,
  come to an end within a few steps and never lead back to an address already visited.
- Other methods (form posts and the rest) get the same, or 405 (public pages only read:
  carter_site.security.read_only) or 403 (the admin's CSRF check).
"""

import string
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from tests.caching.helpers import WsgiVisitor

from .conftest import public_pages

pytestmark = pytest.mark.django_db

SAFE_STATUSES = {200, 204, 301, 302, 303, 304, 307, 308, 400, 404}
REFUSED_METHOD_STATUSES = {403, 405}

# Text a visitor (or a scanner) can send, minus lone surrogates, which no HTTP request can carry.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
nasty_words = st.sampled_from(
    [
        "", " ", "0", "-1", "1e9", "99999999999999999999999", "last", "NaN", "None", "null", "true",
        "%00", "\x00", "\x00" * 5, "%", "%%", "%zz", "%c0%ae%c0%ae/", "../", "..%2f..%2fetc/passwd",
        "....//....//etc/passwd", "/etc/passwd", "C:\\Windows\\win.ini", "' OR '1'='1", "1; DROP TABLE x",
        '"><script>alert(7)</script>', "javascript:alert(7)", "{{7*7}}", "{% debug %}", "${7*7}",
        "\u202e", "\ufeff", "\U0001f600" * 50, "ǅ" * 100, "ß" * 200, "a" * 5000, "\r\nSet-Cookie: x=1",
        "&page=2", "?q=", "#frag", "*", "\\", "%E2%80%AE", "%F0%9F", "%ff%fe",
    ]
)  # fmt: skip
hostile_value = st.one_of(
    nasty_words, any_text, st.integers().map(str), st.binary(max_size=64).map(quote_from_bytes)
)
query_keys = st.one_of(
    st.sampled_from(["q", "page", "p", "utm_source", "format", "next", "preview"]), any_text
)


@st.composite
def query_strings(draw):
    """A raw query string: well-formed pairs, or bytes no form would produce."""
    if draw(st.booleans()):
        pairs = draw(st.lists(st.tuples(query_keys, hostile_value), max_size=6))
        return "&".join(f"{quote(k, safe='')}={quote(v, safe='%')}" for k, v in pairs)
    return quote_from_bytes(draw(st.binary(max_size=200)), safe="=&%+")


@st.composite
def hostile_paths(draw, bases):
    """A real public path, changed the way scanners and broken links change paths."""
    base = draw(st.sampled_from(bases))
    tail = draw(
        st.one_of(
            st.just(""),
            nasty_words.map(lambda w: quote(w, safe="/%")),
            any_text.map(lambda t: quote(t, safe="/")),
            st.binary(max_size=80).map(lambda b: quote_from_bytes(b, safe="/")),
            st.lists(
                st.sampled_from(["..", ".", "%2e%2e", "%00", "", "admin", "static", "media"]), max_size=8
            ).map("/".join),
        )
    )
    path = draw(st.sampled_from([base + tail, base.rstrip("/") + tail, "/" + tail, base + "/" + tail]))
    return "/" + path.lstrip("/")


header_names = st.one_of(
    st.sampled_from(
        [
            "HTTP_HOST", "HTTP_COOKIE", "HTTP_ACCEPT_LANGUAGE", "HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE",
            "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_REFERER",
            "HTTP_USER_AGENT", "HTTP_RANGE", "HTTP_ACCEPT", "HTTP_ACCEPT_ENCODING", "HTTP_ORIGIN",
            "CONTENT_TYPE", "HTTP_X_REQUESTED_WITH", "HTTP_AUTHORIZATION",
        ]
    ),
    st.text(string.ascii_uppercase + "_", min_size=1, max_size=20).map(lambda n: "HTTP_" + n),
)  # fmt: skip
# A WSGI server hands header bytes to Django as latin-1 text (PEP 3333), so any UTF-8 a client
# sends arrives that way.
header_values = st.one_of(
    st.one_of(nasty_words, any_text).map(lambda text: text.encode("utf-8").decode("latin-1")),
    st.binary(max_size=100).map(lambda b: b.decode("latin-1")),
    st.integers(1, 64).map(lambda kb: "x=" + "a" * kb * 1024),  # huge cookies and headers
)


def assert_answered_calmly(response, method="GET"):
    allowed = SAFE_STATUSES if method in {"GET", "HEAD"} else SAFE_STATUSES | REFUSED_METHOD_STATUSES
    assert response.status_code in allowed, (method, response.status_code)


@pytest.fixture
def bases(site):
    return [path for _name, path in public_pages(site)] + [
        reverse("sitemap"),
        reverse("articles-feed"),
        reverse("articles-atom-feed"),
        reverse("robots_txt"),
        reverse("healthz"),
        reverse("readyz"),
        "/static/css/site.css",
        "/media/editor/room.png",
    ]


def test_hostile_paths_and_query_strings(bases):
    client = Client()

    @given(path=hostile_paths(bases), query=query_strings())
    @example(path="/articles/", query="page=%00")
    @example(path="/search/", query="q=%00%00%00")
    @example(path="/search/", query="q=" + "a" * 10_000)
    @example(path="/articles/%00/", query="")
    @example(path="/articles/preview/%00/", query="")
    @example(path="/locations/../../etc/passwd", query="")
    @example(path="/articles/", query="page=99999999999999999999999")
    @example(path="/sitemap.xml", query="p=%ff")
    @example(path="/privacy%2F", query="")
    @example(path="/media/editor/./room.png", query="")
    @example(path="/articles/%2e%2e/articles/", query="page=2")
    @example(path="/Priv%61cy", query="")
    def check(path, query):
        assert_answered_calmly(get_as_gunicorn_sends_it(client, path, query))
        assert_redirects_come_to_an_end(client, path, query)

    check()


def get_as_gunicorn_sends_it(client, path, query):
    """GET `path` (escaped, as sent) with the address as sent in RAW_URI, as gunicorn hands it to
    Django: the one-address redirects (carter_site.addresses) read it."""
    return client.get(path, QUERY_STRING=query, RAW_URI=path + (f"?{query}" if query else ""))


def assert_redirects_come_to_an_end(client, path, query, hops=4):
    """Following the site's redirects leads to an answer within a few steps, never back to an
    address already visited (the one-address, lower-case and slash redirects, one after another)."""
    seen = [(path, query)]
    response = get_as_gunicorn_sends_it(client, path, query)
    while response.status_code in {301, 302, 307, 308}:
        location = response["Location"]
        if not location.startswith("/") or location.startswith("//"):
            return  # another host (the https:// redirect): not ours to follow
        path, _, query = location.partition("?")
        assert (path, query) not in seen, seen
        seen.append((path, query))
        assert len(seen) <= hops, seen
        response = get_as_gunicorn_sends_it(client, path, query)
    assert_answered_calmly(response)


def test_hostile_headers(bases):
    client = Client()

    @given(
        path=st.sampled_from(bases),
        headers=st.dictionaries(header_names, header_values, max_size=5),
        method=st.sampled_from(["GET", "HEAD"]),
    )
    @example(path="/", headers={"HTTP_HOST": "evil.example"}, method="GET")
    @example(path="/", headers={"HTTP_HOST": "localhost:99999999"}, method="GET")
    @example(path="/", headers={"HTTP_HOST": "\x00"}, method="GET")
    @example(
        path="/articles/", headers={"HTTP_COOKIE": "sessionid=\x00\x00\x00\x00\x00\x00\x00\x00"}, method="GET"
    )
    @example(path="/articles/", headers={"HTTP_COOKIE": "sessionid=" + "a" * 100_000}, method="GET")
    @example(path="/articles/", headers={"HTTP_COOKIE": "csrftoken=\x00; sessionid='\"; --"}, method="GET")
    @example(path="/", headers={"HTTP_IF_NONE_MATCH": '"' + "\x00" * 10}, method="GET")
    @example(path="/", headers={"HTTP_IF_MODIFIED_SINCE": "Sun, 99 Foo 99999 99:99:99 GMT"}, method="GET")
    def check(path, headers, method):
        response = client.generic(method, path, **headers)
        assert_answered_calmly(response, method)

    check()


def test_hostile_form_posts_and_other_methods(bases):
    client = Client(enforce_csrf_checks=True)  # as a browser meets it: the CSRF check is on

    @given(
        path=st.sampled_from(bases),
        method=st.sampled_from(["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]),
        fields=st.dictionaries(query_keys, hostile_value, max_size=8),
        raw=st.one_of(st.none(), st.binary(max_size=2000)),
        content_type=st.sampled_from(
            [
                "application/x-www-form-urlencoded",
                "multipart/form-data; boundary=xyz",
                "multipart/form-data",
                "application/json",
                "text/plain",
                "",
                "multipart/form-data; boundary=" + "a" * 200,
            ]
        ),
    )
    @example(
        path="/search/",
        method="POST",
        fields={"q": "x"},
        raw=None,
        content_type="application/x-www-form-urlencoded",
    )
    @example(
        path="/",
        method="POST",
        fields={},
        raw=b"a=" + b"b" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )
    @example(
        path="/",
        method="POST",
        fields={},
        raw=b"&".join(b"f%d=1" % i for i in range(2000)),
        content_type="application/x-www-form-urlencoded",
    )
    @example(
        path="/",
        method="POST",
        fields={},
        raw=b"--xyz\r\nbroken",
        content_type="multipart/form-data; boundary=xyz",
    )
    def check(path, method, fields, raw, content_type):
        if raw is None:
            body = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in fields.items()).encode()
        else:
            body = raw
        response = client.generic(method, path, data=body, content_type=content_type)
        assert_answered_calmly(response, method)

    check()


def test_the_search_page_answers_any_query(client, site):
    """Search is the one page whose text input reaches the database: any text at all, q and page."""

    @given(q=st.one_of(nasty_words, any_text), page=st.one_of(nasty_words, st.integers().map(str)))
    @example(q="\x00", page="1")
    @example(q='"unclosed', page="1")
    @example(q="!(&|:*)<->", page="1")
    @example(q="-", page="1")
    @example(q="OR OR OR", page="1")
    def check(q, page):
        response = client.get(reverse("search"), {"q": q, "page": page})
        assert response.status_code == 200

    check()


def test_hostile_admin_login_posts_never_fail(client, db):
    """The one form a visitor can reach on the admin: refused calmly, whatever is posted."""
    login = reverse("admin:login")

    latin1 = st.one_of(nasty_words, any_text).map(lambda text: text.encode("utf-8").decode("latin-1"))

    @given(
        username=st.one_of(nasty_words, any_text),
        password=st.one_of(nasty_words, any_text),
        user_agent=latin1,
        forwarded_for=latin1,
    )
    @example(username="a" * 300, password=" ", user_agent="x", forwarded_for="")
    @example(username="\x00", password="\x00", user_agent="\x00" * 300, forwarded_for="\x00")
    @example(username="dana", password="x", user_agent="x", forwarded_for="not-an-address, 999.1.1.1")
    def check(username, password, user_agent, forwarded_for):
        response = client.post(
            login,
            {"username": username, "password": password},
            REMOTE_ADDR="192.0.2.10",
            HTTP_USER_AGENT=user_agent,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )
        assert response.status_code in {200, 400, 403, 429}

    with override_settings(TRUSTED_PROXY_COUNT=1):
        check()


def test_hostile_requests_to_the_server_in_front_of_django(bases):
    """What gunicorn hands carter_site.wsgi: pages a process has sent from the cache are answered
    there, before Django. Whatever arrives is answered calmly, and a replayed answer is always
    the one Django itself gives to the same request."""
    wsgi = WsgiVisitor()
    for path in bases:
        wsgi.get(path)  # sent once: from now on each can be replayed

    @given(
        path=st.one_of(st.sampled_from(bases), hostile_paths(bases)),
        query=st.one_of(st.just(""), st.just("utm_source=x"), query_strings()),
        headers=st.dictionaries(header_names, header_values, max_size=3),
        method=st.sampled_from(["GET", "HEAD"]),
    )
    @example(path="/", query="", headers={"HTTP_HOST": "evil.example"}, method="GET")
    @example(path="/", query="", headers={"HTTP_X_FORWARDED_PROTO": "http"}, method="GET")
    @example(path="/", query="", headers={"HTTP_COOKIE": "sessionid=\x00; messages=x"}, method="GET")
    @example(path="/articles/", query="page=1", headers={}, method="GET")
    @example(path="/articles/", query="page=2&page=2", headers={}, method="HEAD")
    @example(path="/privacy%2F", query="", headers={}, method="GET")
    def check(path, query, headers, method):
        # The address as sent, as gunicorn gives it (RAW_URI): one written another way is Django's.
        headers = {**headers, "RAW_URI": path + (f"?{query}" if query else "")}
        answer = wsgi.request(method, path, QUERY_STRING=query, **headers)
        assert answer.status_code in SAFE_STATUSES, (method, path, query, answer.status)
        if not answer.through_django:
            direct = wsgi.request(method, path, QUERY_STRING=query, django_only=True, **headers)
            assert (direct.status, direct.body) == (answer.status, answer.body)

    check()
