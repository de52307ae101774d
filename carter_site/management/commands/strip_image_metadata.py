"""`manage.py strip_image_metadata`: take camera and editing metadata out of pictures already stored.

Pictures uploaded since this site cleans uploads (carter_site.image_metadata) have none. Run this
once on the media stored before that, and again whenever pictures are copied into the media
folder by hand. Every picture in the media storage is read; one that carries metadata is
replaced by its cleaned copy, under the same name, so pages and links to it are unchanged.
Nothing else is touched: the pixels are the same bytes, and a file that is not a picture is
left alone.

    python manage.py strip_image_metadata --dry-run    # say what would change, change nothing
    python manage.py strip_image_metadata

A picture is replaced by writing the cleaned copy beside it and renaming it over the original,
so a visitor never gets half a file and an interrupted run leaves every picture whole. That needs
the media on a file system (MEDIA_ROOT, the default and the Docker volume); with media in S3 the
command says so and changes nothing. A damaged picture is left as it is and named; the command
then ends with status 1.
"""

import os
import tempfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat
from PIL import Image

from carter_site.image_metadata import DamagedPicture, without_metadata
from carter_site.images import ALLOWED_IMAGE_FORMATS, TAKEN_AS

# The cleaned copy's name while it is written; a run stopped by force may leave one behind.
TEMPORARY_PREFIX = ".cleaning-"


class Command(BaseCommand):
    help = "Take camera and editing metadata (GPS, dates, camera, names) out of stored pictures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say which pictures carry metadata; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        try:
            default_storage.path("")
        except NotImplementedError:
            raise CommandError(
                "The media storage is not a folder on this machine (S3 or similar), so pictures cannot "
                "be replaced in place: copy the media into a folder, run this with MEDIA_ROOT set to "
                "it and AWS_STORAGE_BUCKET_NAME unset, then copy the folder back."
            ) from None
        root = Path(default_storage.path(""))
        if not root.is_dir():
            self.stdout.write(f"There is no media folder yet ({root}): no picture to clean.")
            return
        pictures = cleaned = removed = 0
        damaged = []
        for path in sorted(root.rglob("*")):
            if not path.is_file() or path.is_symlink() or path.name.startswith(TEMPORARY_PREFIX):
                continue
            name = path.relative_to(root).as_posix()
            picture_format = _picture_format(path)
            if picture_format is None:
                continue
            pictures += 1
            data = path.read_bytes()
            try:
                clean = without_metadata(data, picture_format)
            except DamagedPicture as error:
                damaged.append(name)
                self.stderr.write(f"{name}: {error} Left as it is.")
                continue
            if clean == data:
                continue
            cleaned += 1
            removed += len(data) - len(clean)
            if dry_run:
                self.stdout.write(f"{name}: {filesizeformat(len(data) - len(clean))} of metadata")
            else:
                _replace(path, clean)
                self.stdout.write(f"{name}: {filesizeformat(len(data) - len(clean))} of metadata removed")
        verb = "would be cleaned" if dry_run else "cleaned"
        self.stdout.write(
            f"{pictures} pictures in {root}: {cleaned} {verb} ({filesizeformat(removed)} of metadata), "
            f"{pictures - cleaned - len(damaged)} had none."
        )
        if damaged:
            if len(damaged) == 1:
                raise CommandError(
                    "1 damaged picture was left as it was, named above: replace it with a fresh export "
                    "from a photo editor."
                )
            raise CommandError(
                f"{len(damaged)} damaged pictures were left as they were, named above: replace them with "
                "fresh exports from a photo editor."
            )


def _picture_format(path):
    """The picture format of the file at `path` (JPEG, PNG, GIF, WEBP), or None for anything else."""
    try:
        with Image.open(path) as image:
            picture_format = TAKEN_AS.get(image.format, image.format)
    except Exception:  # not a picture Pillow reads: not ours to change
        return None
    return picture_format if picture_format in ALLOWED_IMAGE_FORMATS else None


def _replace(path, data):
    """Put `data` in place of the file at `path`, in one step: a reader gets the old file or the new."""
    mode = path.stat().st_mode & 0o777
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
