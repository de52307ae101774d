"""`manage.py import_articles FILE... [--dry-run] [--publish]`: bring existing articles in.

The importing itself is articles.importing; this prints its report for each file and exits
with status 1 when any file could not be imported (nothing is saved for such a file; the
others are imported all the same).
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importing import FileReport, check_batch, import_file


class Command(BaseCommand):
    help = (
        "Import articles from plain-text (.txt) or HTML (.html) files, UTF-8, as drafts. Each file is "
        "saved in a transaction of its own: a file that fails changes nothing, and the others still "
        "import. Re-importing a file updates its draft. The format: docs/importing.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="Files to import.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read the files and report what would be created or updated, without saving anything.",
        )
        parser.add_argument(
            "--publish",
            action="store_true",
            help="Publish the articles, and the FAQs the import creates, at once instead of saving drafts. "
            "Published articles are still never overwritten. Testimonials always stay unpublished "
            "until a person records the client's consent.",
        )

    def handle(self, *args, files, dry_run, publish, **options):
        reports = [self.import_path(name, dry_run=dry_run, publish=publish) for name in files]
        check_batch(reports)
        for report in reports:
            self.write_report(report, publish=publish)

        failed = [report for report in reports if not report.ok]
        done = len(reports) - len(failed)
        what = "checked (dry run: nothing was saved)" if dry_run else "imported"
        summary = f"{done} of {len(reports)} file(s) {what}."
        if failed:
            names = ", ".join(report.name for report in failed)
            raise CommandError(f"{summary} {len(failed)} failed and changed nothing: {names}.", returncode=1)
        self.stdout.write(self.style.SUCCESS(summary))

    def import_path(self, name, *, dry_run, publish):
        path = Path(name)
        # A name that is not UTF-8 (a file from another system's archive) arrives with its odd
        # bytes escaped, which neither the database (the history records the name) nor every
        # terminal takes: it is reported, and recorded, with � in their place.
        name = os.fsencode(name).decode("utf-8", "replace")
        if path.is_dir():
            return FileReport(
                name=name,
                dry_run=dry_run,
                error="This is a folder. Name the files, for example folder/*.txt.",
            )
        try:
            with path.open("rb") as fileobj:
                size = path.stat().st_size
                report = import_file(Path(name).name, fileobj, size=size, publish=publish, dry_run=dry_run)
        except OSError as error:
            return FileReport(
                name=name, dry_run=dry_run, error=f"The file could not be opened: {error.strerror}."
            )
        report.name = name
        return report

    def write_report(self, report, *, publish):
        out, style = self.stdout, self.style
        out.write(style.MIGRATE_HEADING(f"\n{report.name}"))
        if not report.ok:
            out.write(style.ERROR(f"  Failed: {report.error} Nothing was saved for this file."))
            return
        state = "published article" if publish else "draft"
        out.write(f"  {report.verb} {state}: {report.title}")
        if report.title_from_first_sentence:
            out.write(style.WARNING("  The title was taken from the first sentence: confirm it."))
        out.write(f"  Address: /articles/{report.slug}/")
        out.write(f"  Summary: {report.summary}")
        out.write(f"  Sections ({len(report.sections)}):")
        for level, text in report.sections:
            out.write(f"    {'  ' * (level - 2)}- {text}")
        if report.faqs:
            new = report.new_faq_count
            out.write(
                f"  FAQs ({len(report.faqs)}; {new} new, {len(report.faqs) - new} already on the site):"
            )
            for faq in report.faqs:
                shown = "published" if faq.is_published else "unpublished"
                out.write(f"    - {faq.question} [{faq.status}, {shown}, topic {faq.topic}]")
        else:
            out.write("  FAQs: none")
        if report.quotes:
            out.write(f"  Client quotes ({len(report.quotes)}), as unpublished testimonials without consent:")
            for quote in report.quotes:
                out.write(f"    - “{quote.quote}” — {quote.attribution} [{quote.status}]")
        else:
            out.write("  Client quotes: none")
        out.write(f"  Locations: {', '.join(report.locations) or 'none named'}")
        for call in report.calls_to_action:
            out.write(f"  Call-to-action left out: {call}")
        if report.call_to_action_note:
            out.write(f"    {report.call_to_action_note}")
        for warning in report.warnings:
            out.write(style.WARNING(f"  Check: {warning}"))
