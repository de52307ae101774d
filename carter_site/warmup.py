"""Work every web worker would otherwise repeat on its first request, done once before forking.

gunicorn loads the application in its master process (`preload_app` in gunicorn.conf.py) and
calls `warm_up()` there before starting workers. Every worker, including each one started later
to replace a recycled worker (`max_requests`), is a copy of the master: it begins with the URL
patterns compiled and the templates parsed, instead of spending a few hundred milliseconds of
CPU on its first requests while visitors wait (docs/performance.md).

Nothing here touches the database or the cache: a connection opened in the master would be
shared by every worker after the fork.
"""

import logging
from pathlib import Path

from django.conf import settings
from django.template import TemplateDoesNotExist, TemplateSyntaxError, engines
from django.urls import URLResolver, get_resolver

from locations import nearest

logger = logging.getLogger(__name__)


def _populate(resolver):
    """Compile every URL pattern and build the reverse lookups, as the first request would."""
    resolver.reverse_dict  # noqa: B018 (property with side effects: populates the resolver)
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            _populate(pattern)


def project_templates():
    """Names of the templates in the project's own folders (public pages, error pages, includes)."""
    names = []
    for backend in settings.TEMPLATES:
        for folder in map(Path, backend.get("DIRS", [])):
            names += sorted(str(path.relative_to(folder)) for path in folder.rglob("*.html"))
    return names


def warm_up():
    _populate(get_resolver())
    nearest.warm_up()  # the ZIP code list, shared by the workers forked after this
    engine = engines["django"]
    loaded = 0
    for name in project_templates():
        try:
            engine.get_template(name)
            loaded += 1
        except (TemplateDoesNotExist, TemplateSyntaxError):  # reported when a page uses it
            logger.warning("Template %s could not be loaded ahead of time.", name, exc_info=True)
    return loaded
