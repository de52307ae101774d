"""`manage.py picture_copies`: make the smaller copies phones are sent of every picture without them.

A picture field's picture (an article's picture, a location's photo) and a picture uploaded through
the rich-text editor get smaller copies when they are stored (carter_site.picture_copies), and pages
offer them in `srcset`. Pictures stored before copies were made, and those whose copies could not be
made when they were stored (the log said why), are shown at their full size: this makes their
copies, and is safe to run again at any time. Pictures that already have their copies, or for which
none is worth making, are not read again. The pages show the copies made at once.

    python manage.py picture_copies
"""

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from carter_site.caching import content_changed
from carter_site.editor_uploads import copy_pictures_in_texts
from carter_site.images import PictureField, make_stored_copies


def _pictures(count):
    return f"{count} {'picture' if count == 1 else 'pictures'}"


class Command(BaseCommand):
    help = "Make the smaller copies, for phones, of every uploaded picture stored without them."

    def handle(self, *args, **options):
        failures, left, made_before, recorded = [], 0, {}, 0

        def report(what, copied, none_worth, failed, unread):
            nonlocal failures, left, recorded
            failures += failed
            left += unread
            recorded += copied + none_worth
            line = f"{what}: {_pictures(copied)} given smaller copies"
            if none_worth:
                line += f", {_pictures(none_worth)} too small or animated to need them"
            if failed:
                line += f", {_pictures(len(failed))} could not be read (below; shown at full size)"
            self.stdout.write(f"{line}.")

        for model in sorted(apps.get_models(), key=lambda model: model._meta.label):
            for field in model._meta.concrete_fields:
                if not isinstance(field, PictureField) or not field.copies_field:
                    continue
                what = f"{model._meta.verbose_name} {field.verbose_name}".capitalize()
                report(what, *make_stored_copies(model, field.name, made_before))
        if not left:
            report("Pictures in the text of pages", *copy_pictures_in_texts(default_storage))
        if recorded:
            content_changed()  # rows were changed with update(), which tells no cached page
        for name, why in failures:
            self.stderr.write(f"{name}: {why}.")
        if left:
            raise CommandError(
                f"The media storage could not be reached, so {_pictures(left)} are still without "
                "smaller copies: run this again once it answers."
            )
        if failures:
            raise CommandError(
                f"{_pictures(len(failures))} could not be read, named above: upload each again in the "
                "admin, or put the file back, then run this again."
            )
