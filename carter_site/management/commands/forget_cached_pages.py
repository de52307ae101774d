"""`manage.py forget_cached_pages`: every cached page is out of date from now on, on every container.

Content changed behind Django's back (a database restored from a backup, rows changed with SQL)
does not invalidate the page cache by itself: with Redis, pages rendered from the old rows would
be served until PAGE_CACHE_TIMEOUT. This moves the content version on, exactly as a save in the
admin does. `migrate_once` does the same whenever a web container starts. When the cache does not
answer, it fails (status 1) rather than report pages forgotten that are not.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carter_site.caching import content_changed


class Command(BaseCommand):
    help = "Make every cached page out of date, on every container (after a restore or an SQL change)."

    def handle(self, *args, **options):
        # Ops run this after a restore and trust its exit status: a cache that did not answer
        # forgot nothing.
        if not content_changed():
            raise CommandError(
                "Cached pages were not forgotten: the cache did not answer (the log says why). Run this "
                f"again once it answers; until then pages may be stale for up to {settings.PAGE_CACHE_TIMEOUT} s."
            )
        self.stdout.write("Cached pages forgotten: every page is rendered afresh on its next request.")
