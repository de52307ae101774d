"""Small helpers shared by the page-cache tests."""

from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import RequestFactory
from django.urls import reverse

from carter_site.caching import PageCacheApplication


def cache_status(response):
    """'hit', 'miss' or 'skip' when the page cache looked at the request; None when it stayed out."""
    return response.get("X-Page-Cache")


def text(response):
    return response.content.decode()


def admin_action(editor, model, action, objects):
    """Run a bulk action of the changelist on `objects`."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = editor.post(url, {"action": action, "_selected_action": [str(obj.pk) for obj in objects]})
    assert response.status_code == 302
    return response


class Answer:
    def __init__(self, status, headers, body, through_django):
        self.status = status
        self.headers = dict(headers)
        self.header_names = [name.lower() for name, _ in headers]
        self.body = body
        self.through_django = through_django

    @property
    def status_code(self):
        return int(self.status.split()[0])


class EnvironFactory(RequestFactory):
    """RequestFactory's environ as a WSGI server hands it over, before Django's request reads it."""

    def request(self, **request):
        return self._base_environ(**request)


class WsgiVisitor:
    """Sends requests to the WSGI application gunicorn serves, as gunicorn does.

    Built as carter_site.wsgi builds it, but with the middleware of the settings at the time
    (Django's handler reads them when it is created).
    """

    def __init__(self):
        self.factory = EnvironFactory()
        self.application = PageCacheApplication(WSGIHandler())

    def request(self, method, path, secure=True, django_only=False, **extra):
        """Send a request; `django_only` skips the replay, as if the page had not been sent."""
        environ = self.factory.generic(method, path, secure=secure, **extra)
        application = self.application.application if django_only else self.application
        started = []

        def note(**kwargs):
            started.append(True)

        sent = {}

        def start_response(status, headers, exc_info=None):
            sent["status"], sent["headers"] = status, headers

        # As Django's test client does: the test's transaction must outlive the request.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        request_started.connect(note)
        try:
            result = application(environ, start_response)
            body = b"".join(result)
            if hasattr(result, "close"):
                result.close()
        finally:
            request_started.disconnect(note)
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return Answer(sent["status"], sent["headers"], body, through_django=bool(started))

    def get(self, path, **extra):
        return self.request("GET", path, **extra)
