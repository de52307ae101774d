"""`manage.py picture_sizes`: read the size of every picture stored without one into its row.

Pages give a picture the width and height kept with its row (carter_site.images.PictureField), and
never read the file for them. A picture gets its size when it is stored. Pictures stored before
sizes were kept got theirs in the upgrade that brought them in, unless the storage could not be
reached then (a bucket that did not answer stops it, docs/operations.md): this reads those,
and is safe to run again at any time.

    python manage.py picture_sizes
"""

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from carter_site.images import PictureField, keep_stored_sizes


class Command(BaseCommand):
    help = "Read the width and height of every uploaded picture stored without them into its row."

    def handle(self, *args, **options):
        left = 0
        for model in sorted(apps.get_models(), key=lambda model: model._meta.label):
            for field in model._meta.concrete_fields:
                if not isinstance(field, PictureField) or not field.width_field:
                    continue
                kept, failed, unread = keep_stored_sizes(model, field.name)
                left += unread
                what = f"{model._meta.verbose_name} {field.verbose_name}"
                line = f"{what.capitalize()}: {kept} {'size' if kept == 1 else 'sizes'} kept"
                if failed:
                    line += f", {failed} could not be read (named in the log; shown without a size)"
                self.stdout.write(f"{line}.")
        if left:
            raise CommandError(
                f"The media storage could not be reached, so {left} pictures are still without a size: "
                "run this again once it answers."
            )
