"""`manage.py check_links`: list the links of published texts that lead visitors nowhere.

Every published text (live articles, published locations, standing pages and FAQs) is read, and
each link to this site is checked as the admin checks it after a save (carter_site.links): a link
to no page, to a page visitors cannot see (a draft, scheduled, taken down, unpublished), to the
admin or a preview, or to a part of a page (`#…`) the page does not have. One line per link:
where it is, its words, its address, why. Links to other websites are not checked (no network),
nor mail or phone links.

    python manage.py check_links                  # exit status 1 when a link leads nowhere
    python manage.py check_links --old-addresses  # also links to old addresses (they work)

For a weekly cron job or CI: the exit status is 1 when a link leads nowhere (or to a part of a
page that is not there), 0 otherwise. Links to an old address that redirects still work: they
are listed with --old-addresses, and never change the exit status.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from carter_site.links import check_texts, describe_text, published_texts, text_to_check


class Command(BaseCommand):
    help = "List the links of published texts that lead visitors nowhere; exit status 1 if there is one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--old-addresses",
            action="store_true",
            help="Also list links to old addresses, which work by a redirect (they never fail the check).",
        )

    def handle(self, *args, old_addresses=False, **options):
        try:
            texts = list(published_texts())
            found = check_texts(text_to_check(obj, obj, html) for obj, html, _base in texts)
        except DatabaseError as error:
            raise CommandError(f"The texts could not be read from the database ({error}).") from None
        dead = moved = parts = 0
        for obj, problems in found.items():
            for problem in problems:
                if not problem.dead and not old_addresses:
                    moved += 1
                    continue
                dead += problem.dead
                parts += problem.part
                moved += not problem.dead
                self.stdout.write(f"{describe_text(obj)}: {problem}")
        texts_count = f"{len(texts)} published text" + ("" if len(texts) == 1 else "s")
        if moved and not old_addresses:
            self.stdout.write(
                f"{moved} link(s) lead to an old address that redirects: they work; --old-addresses lists them."
            )
        if dead:
            of_them = f" ({parts} of them to a part of a page that is not there)" if parts else ""
            raise CommandError(f"{dead} link(s) in {texts_count} lead visitors nowhere{of_them}.")
        self.stdout.write(f"Checked {texts_count}: every link to this site leads to a page.")
