"""WSGI entry point. Production settings unless DJANGO_SETTINGS_MODULE says otherwise.

Pages this process has already sent from the page cache are answered before Django
(carter_site.caching.PageCacheApplication); everything else is Django's.
"""

import os

from django.core.wsgi import get_wsgi_application

from carter_site.caching import PageCacheApplication

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carter_site.settings.prod")

application = PageCacheApplication(get_wsgi_application())
