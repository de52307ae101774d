"""WSGI entry point. Production settings unless DJANGO_SETTINGS_MODULE says otherwise.

Pages this process has already sent from the page cache are answered before Django
(carter_site.caching.PageCacheApplication); everything else is Django's. A HEAD request gets the
headers only (HeadWithoutBody).
"""

import os

from django.core.wsgi import get_wsgi_application

from carter_site.caching import PageCacheApplication

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carter_site.settings.prod")


class HeadWithoutBody:
    """WSGI middleware: the answer to a HEAD request has no body.

    Django answers HEAD like GET, body included, and leaves it to the server to leave the body
    out. gunicorn does, but logs a warning for each such request (load balancers and uptime
    checks send many). So the body is dropped here; the headers, Content-Length among them,
    stay those of the GET.
    """

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        # Django and the page cache call start_response before they return: the headers are sent.
        response = self.application(environ, start_response)
        if environ.get("REQUEST_METHOD") != "HEAD":
            return response
        # Closing tells Django the request is over (request_finished: database connections).
        close = getattr(response, "close", None)
        if close is not None:
            close()
        return []


application = HeadWithoutBody(PageCacheApplication(get_wsgi_application()))
