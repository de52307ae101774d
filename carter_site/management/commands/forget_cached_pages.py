"""`manage.py forget_cached_pages`: every cached page is out of date from now on, on every container.

Content changed behind Django's back (a database restored from a backup, rows changed with SQL)
does not invalidate the page cache by itself: with Redis, pages rendered from the old rows would
be served until PAGE_CACHE_TIMEOUT. This moves the content version on, exactly as a save in the
admin does. `migrate_once` does the same whenever a web container starts.
"""

from django.core.management.base import BaseCommand

from carter_site.caching import content_changed


class Command(BaseCommand):
    help = "Make every cached page out of date, on every container (after a restore or an SQL change)."

    def handle(self, *args, **options):
        content_changed()
        self.stdout.write("Cached pages forgotten: every page is rendered afresh on its next request.")
