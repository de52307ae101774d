"""`manage.py unused_uploads`: list the uploaded files nothing on the site uses, and delete them.

A picture stays public at its address after the text that showed it lets it go, or when the text
it was uploaded for is never saved (carter_site.media_usage says how use is found). This lists
every such file with its size and upload time, and with `--delete` deletes the ones uploaded more
than `--older-than` hours ago (24 by default: a picture uploaded into an article still being
written is used by nothing until the article is saved).

    python manage.py unused_uploads                       # list; delete nothing
    python manage.py unused_uploads --delete              # delete those uploaded over a day ago
    python manage.py unused_uploads --delete --older-than 0 --with-history

A file that only an earlier version of something uses is kept, and counted apart: restoring that
version would show it again. `--with-history` deletes those too (a restored version then shows
the text without that picture). The editor's small copy of a picture goes with it. A file that
cannot be deleted is named with the reason, the others are still deleted, and the command then
ends with status 1. It works the same on a media folder and on a bucket.

Which uploads earlier versions use is read from the names kept for each version as it is saved
(carter_site.media_usage). `--read-history-again` reads every version again first: after
versions were changed in the database by hand or by a script (an update that sends no signal).
"""

import argparse
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from carter_site import media_usage
from carter_site.media_usage import STORAGE_ERRORS, reason, usage

# The longest --older-than, in hours: a hundred years.
MOST_HOURS = 24 * 365 * 100


def _files(count):
    return "1 file" if count == 1 else f"{count} files"


class Command(BaseCommand):
    help = "List the uploaded files that nothing on the site uses; with --delete, delete them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="Delete them (without it, only list them).")
        parser.add_argument(
            "--older-than",
            type=self._hours,
            default=24,
            metavar="HOURS",
            help=f"Delete only files uploaded more than this many hours ago, 0 to {MOST_HOURS} (default 24).",
        )
        parser.add_argument(
            "--with-history",
            action="store_true",
            help="Also delete files that only earlier versions use (restoring one then shows no picture).",
        )
        parser.add_argument(
            "--read-history-again",
            action="store_true",
            help="First read every saved version again for the uploads it uses (after versions were "
            "changed in the database by hand).",
        )

    @staticmethod
    def _hours(raw):
        """argparse type: an ArgumentTypeError becomes argparse's usage error in one line (a
        CommandError raised here would escape argparse as a traceback)."""
        try:
            hours = float(raw)
        except ValueError:
            hours = None
        if hours is None or not 0 <= hours <= MOST_HOURS:  # NaN fails this too
            raise argparse.ArgumentTypeError(f"must be a number of hours from 0 to {MOST_HOURS}, not {raw!r}")
        return hours

    def handle(
        self, *args, delete=False, older_than=24, with_history=False, read_history_again=False, **options
    ):
        if read_history_again:
            media_usage.read_names_in_versions(default_storage, again=True)
        try:
            found = usage(default_storage)
        except STORAGE_ERRORS as error:
            raise CommandError(
                f"The uploaded files could not be read ({reason(error)}): run "
                "this as the user the web server runs as, and check that the media storage can be reached."
            ) from None
        self.found = found
        candidates = found.unused + (found.only_in_history if with_history else [])
        everything = len(found.in_use) + len(found.only_in_history) + len(found.unused)
        self.stdout.write(
            f"{_files(everything)} uploaded: {len(found.in_use)} in use, "
            f"{len(found.only_in_history)} used only by earlier versions, {len(found.unused)} used nowhere."
        )
        self._list("Used nowhere:", found.unused)
        self._list(
            "Used only by earlier versions (kept unless --with-history: restoring one shows it):",
            found.only_in_history,
        )
        if not candidates:
            return
        if not delete:
            self.stdout.write(
                f"Nothing was deleted. Run again with --delete to delete the {_files(len(candidates))} "
                f"{'used nowhere or only by earlier versions' if with_history else 'used nowhere'}, "
                f"once uploaded more than {older_than:g} hours ago."
            )
            return
        cutoff = timezone.now() - timedelta(hours=older_than)
        recent = [file for file in candidates if file.modified > cutoff]
        deleted, freed, failures = media_usage.delete(
            default_storage, found, [file for file in candidates if file not in recent]
        )
        self.stdout.write(f"Deleted {_files(len(deleted))} ({filesizeformat(freed)}).")
        if recent:
            self.stdout.write(
                f"Kept {_files(len(recent))} uploaded in the last {older_than:g} hours: the text it was "
                "uploaded for may not be saved yet."
            )
        if failures:
            named = "; ".join(f"{name}: {why}" for name, why in failures)
            raise CommandError(f"{_files(len(failures))} could not be deleted: {named}.")

    def _size(self, file):
        return self.found.size(file)

    def _list(self, heading, files):
        if not files:
            return
        self.stdout.write(heading)
        for file in files:
            uploaded = timezone.localtime(file.modified).strftime("%Y-%m-%d %H:%M %Z")
            self.stdout.write(f"  {file.name}  {filesizeformat(self._size(file))}, uploaded {uploaded}")
