"""A small HTTP client for a production-settings server on 127.0.0.1, as a browser behind TLS.

Used by the tests that run gunicorn with the production settings and by the load test
(scripts/loadtest.py), which signs in to the admin and saves edits through its forms:

- every request says it came over HTTPS (X-Forwarded-Proto, as the TLS proxy sends it), so the
  production settings neither redirect it nor refuse its Secure, `__Host-` cookies;
- cookies are kept by hand (Python's cookie jar will not send Secure cookies over plain HTTP);
- posts carry the Origin a browser would send, so Django's CSRF check runs for real.
"""

import http.client
import time
from html.parser import HTMLParser
from urllib.parse import urlencode, urlsplit


class Response:
    def __init__(self, status, headers, body, elapsed):
        self.status = status
        self.headers = headers
        self.body = body
        self.text = body.decode("utf-8", "replace")
        self.elapsed = elapsed

    def header(self, name):
        return self.headers.get(name.lower())


class Session:
    def __init__(self, port, host="localhost", timeout=15):
        self.port = port
        self.host = host
        self.timeout = timeout
        self.cookies = {}

    @property
    def origin(self):
        return f"https://{self.host}"

    def request(self, method, path, data=None, headers=None):
        body = None
        sent = {"Host": self.host, "X-Forwarded-Proto": "https", "User-Agent": "carter-security-tests"}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if data is not None:
            body = urlencode(data, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
            sent["Referer"] = self.origin + path
        sent.update(headers or {})
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=sent)
            raw = connection.getresponse()
            content = raw.read()
            received = {}
            for name, value in raw.getheaders():
                if name.lower() == "set-cookie":
                    cookie, _, _ = value.partition(";")
                    key, _, val = cookie.partition("=")
                    if val:
                        self.cookies[key.strip()] = val.strip()
                    else:
                        self.cookies.pop(key.strip(), None)
                received[name.lower()] = value
            return Response(raw.status, received, content, time.monotonic() - started)
        finally:
            connection.close()

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, data, **kwargs):
        return self.request("POST", path, data=data, **kwargs)

    def sign_in(self, admin_url, username, password, code=""):
        login = f"/{admin_url}login/"
        page = self.get(login)
        data = form_fields(page.text, "login-form")
        data.update(username=username, password=password, otp_token=code, next=f"/{admin_url}")
        return self.post(login, data)


class _FormParser(HTMLParser):
    """The fields a browser would submit from one form: inputs, checked boxes, selects, textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []
        self._select = None
        self._option = None
        self._textarea = None
        self._text = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value")
            self._option = value
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or (
                [] if self._select["multiple"] else [self._select["first"] or ""]
            )
            self.fields.extend((self._select["name"], value or "") for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self.fields.append((self._textarea, text[1:] if text.startswith("\n") else text))
            self._textarea = None


def form_fields(html, form_id=None):
    """{name: value or [values]} for the form with this id (the first form when None)."""
    parser = _FormParser(form_id)
    parser.feed(html)
    data = {}
    for name, value in parser.fields:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data


def path_of(location):
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")
