"""`manage.py clean_rich_text`: pass every stored rich text through today's sanitiser.

Rich text is sanitised on the way in (carter_site.richtext): a text is as clean as the rules of
the release that last saved it. When a release tightens the rules (a tag or attribute taken off
the allow-list after a browser or editor flaw, blank leftovers removed), texts saved before it
keep the old markup until someone edits them, and every page shows them as stored. This reads
every rich-text field of every kind of content and stores what `sanitise_html` makes of it.

    python manage.py clean_rich_text --check    # name the texts it would change; change nothing
    python manage.py clean_rich_text            # clean them

Only texts the sanitiser changes are written, each in one statement, and only if it still holds
what was read: a text an editor saved meanwhile was cleaned by that save and is left alone.
Nothing else of the row changes (not its "last updated" time: no one edited its words), no
version is added to its history (restoring an older version sanitises it again), and cached
pages are made out of date on every container once, at the end, as a save in the admin does.
A reviewed article whose words the cleaning changes (text inside a dropped `<script>`, say)
shows as needing a new review, as after any change to its words.

With `--check` the command ends with status 1 when anything would change, so a release step
can tell; running it again after a clean changes nothing.
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db.models import TextField, Value
from django.utils.text import capfirst

from carter_site.caching import content_changed
from carter_site.richtext import RichTextField, sanitise_html

# Rows read from the database at a time: a long article is up to 2 MB of HTML.
CHUNK = 100


def rich_text_fields():
    """(model, [field names]) for every concrete model with rich text, in a stable order."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = [field.attname for field in model._meta.concrete_fields if isinstance(field, RichTextField)]
        if names:
            found.append((model, names))
    return sorted(found, key=lambda item: item[0]._meta.label)


def _texts(count):
    return "1 rich text" if count == 1 else f"{count} rich texts"


class Command(BaseCommand):
    help = "Pass every stored rich text through the current sanitiser (after a release tightens it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Name the texts that would change and change nothing; status 1 if there are any.",
        )

    def handle(self, *args, check=False, **options):
        read = cleaned = changed_meanwhile = 0
        for model, names in rich_text_fields():
            manager = model._base_manager
            for row in manager.only(*names).order_by("pk").iterator(chunk_size=CHUNK):
                for name in names:
                    stored = getattr(row, name)
                    if not stored:
                        continue
                    read += 1
                    clean = sanitise_html(stored)
                    if clean == stored:
                        continue
                    label = f"{capfirst(model._meta.verbose_name)} {row.pk} “{row}”: {name}"
                    if check:
                        self.stdout.write(f"  would clean {label}")
                        cleaned += 1
                        continue
                    # The text as read, or nothing: an editor's save in between stays as saved.
                    # Compared as plain text: the field's own lookups sanitise what they compare.
                    still = Value(stored, output_field=TextField())
                    written = manager.filter(pk=row.pk, **{name: still}).update(**{name: clean})
                    if written:
                        self.stdout.write(f"  cleaned {label}")
                        cleaned += 1
                    else:
                        changed_meanwhile += 1
        clean_already = read - cleaned - changed_meanwhile
        summary = f"Read {_texts(read)}: "
        if check:
            self.stdout.write(summary + f"{cleaned} would be cleaned, {clean_already} already clean.")
            if cleaned:
                raise CommandError(
                    f"{_texts(cleaned)} would change: run `manage.py clean_rich_text` to clean them."
                )
            return
        meanwhile = (
            f", {changed_meanwhile} saved meanwhile by an editor (so already clean)"
            if changed_meanwhile
            else ""
        )
        self.stdout.write(summary + f"{cleaned} cleaned{meanwhile}, {clean_already} already clean.")
        if cleaned and not content_changed():
            raise CommandError(
                f"{_texts(cleaned)} cleaned, but cached pages were not forgotten: the cache did not answer "
                "(the log says why). Run `manage.py forget_cached_pages` once it answers."
            )
