"""Smaller copies of an uploaded picture, so that a phone downloads one near the width it draws.

A picture field's picture (an article's picture, a location's photo) is stored as uploaded, up to
5 MB and 40 million pixels: a 3000 px photo drawn 328 px wide on a phone. When it is stored, copies
are made at each of COPY_WIDTHS narrower than it, and the widths made are kept with the row
(PictureField's `copies_field`), so that a page writes `srcset` from the row alone, without asking
the storage anything (carter_site.seo.uploaded_image). Pictures uploaded through the rich-text
editor get the same copies, their widths kept in an EditorPicture row (carter_site.editor_uploads),
and the `richtext` filter offers them, and those of an article's picture or a location's photo
that an editor put into a text, from what their rows keep (known_copies()).

The copies are made from the picture as stored, already without its metadata
(carter_site.image_metadata), in the same format, turned upright as browsers show the picture
(so they need no EXIF at all), with its colour profile. They live in the same storage, in a folder
`copies/` beside the picture, under names made from the picture's (copy_name()): nothing else is
stored there, as pictures are stored under their field's folder and the editor's under its own
(`editor/2026/11/24/copies/walk-480w.jpg` beside `editor/2026/11/24/walk.jpg`).
They are used exactly when their picture is (carter_site.media_usage).
"""

import functools
import io
import logging
import posixpath
import re

from django.conf import settings
from django.core.files.base import ContentFile
from PIL import Image, ImageOps

from .image_metadata import ORIENTATION_TAG

logger = logging.getLogger(__name__)

# The widths copies are made at, in pixels. The pages draw an article's picture at
# min(100vw - 2rem, 40rem) (static/css/site.css: `.article` is 42rem wide with 1rem of padding on
# each side), 328 px on a 360 px phone and 640 px at most; and a location's photo at
# min(100vw - 2rem, 62rem) (`.wrap`, 64rem), 992 px at most. A browser wants that width times the
# screen's pixels per CSS pixel:
#   480  phones of 360 to 430 CSS px at 1 to 1.5 pixels each (328 to 398 px drawn): cheap phones;
#   800  the same phones at 2 pixels each (656 to 796), and an article on a desktop screen (640);
#   1200 phones at 3 pixels each (984 to 1194), and a location's photo on a desktop screen (992);
#   1600 an article on a desktop screen at 2 to 2.5 pixels each, a location's photo at 1.5.
# Anything wider gets the picture itself.
COPY_WIDTHS = (480, 800, 1200, 1600)
# A copy must be this much narrower than its picture to be worth its bytes.
NARROWER_BY = 0.9
COPIES_FOLDER = "copies"
JPEG_QUALITY = 80
WEBP_QUALITY = 80
# What Pillow calls the formats copies are made in. A JPEG with pictures after it (MPO) is stored
# without them, as a JPEG.
_FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WEBP"}
_COPY_NAME = re.compile(
    rf"^(?P<folder>(?:.+/)?){COPIES_FOLDER}/(?P<stem>[^/]+)-(?P<width>[1-9][0-9]*)w\.(?P<extension>[^./]+)$"
)


def copy_name(name, width):
    """The stored name of the copy `width` px wide of the picture stored as `name`:
    `articles/2026/11/walk.jpg` -> `articles/2026/11/copies/walk-480w.jpg`."""
    folder, base = posixpath.split(name)
    stem, _, extension = base.rpartition(".")
    return posixpath.join(folder, COPIES_FOLDER, f"{stem}-{width}w.{extension}")


def picture_of_copy(name):
    """The name of the picture whose copy is stored as `name`, or None if `name` is not a copy's."""
    match = _COPY_NAME.match(name)
    if match is None:
        return None
    return f"{match['folder']}{match['stem']}.{match['extension']}"


def copy_widths(size):
    """The widths of COPY_WIDTHS worth making of a picture of `size` (width, height) as shown."""
    width = size[0]
    return [copy for copy in COPY_WIDTHS if copy <= width * NARROWER_BY]


def srcset(storage, name, width, copies):
    """The `srcset` of the picture stored as `name`, `width` px wide: its copies narrower than it
    by their widths, then the picture itself by its own; "" when it has none. Only the storage's
    addresses are asked for, which are made from the names alone. They quote spaces and commas,
    which would otherwise split a srcset."""
    widths = [copy for copy in sorted(copies or ()) if copy < (width or 0)]
    if not widths:
        return ""
    address = storage.url(name)
    candidates = [f"{_copy_address(storage, name, address, copy)} {copy}w" for copy in widths]
    return ", ".join([*candidates, f"{address} {width}w"])


def known_copies():
    """Stored name -> (width, copy widths) of every picture a text may show that has smaller
    copies, as the site recorded them when it made them: the pictures of picture fields (an
    article's picture, a location's photo), from their rows, and those uploaded through the
    editor, from EditorPicture. One query (a UNION of those tables), however many pictures: the
    `richtext` filter offers these copies (carter_site.caching.pictures_with_copies loads this
    once per content version, for every text of every page).

    Only copies recorded as made are named, so none of them is missing. A picture that no row
    shows any more (an article's picture replaced or deleted since a text showed it) is not
    here, and is shown at its full size. Should two rows name the same picture with different
    records, only the copies both name are offered, and none at all when they differ on its
    width; a row's record is taken over the editor's, which would be older."""
    from django.db.models import IntegerField, Value

    from .models import EditorPicture

    def recorded(queryset, name, width, copies, source):
        return (
            queryset.exclude(**{name: ""})
            .filter(**{f"{width}__isnull": False, f"{copies}__isnull": False})
            .annotate(source=Value(source, output_field=IntegerField()))
            .order_by()
            .values_list(name, width, copies, "source")
        )

    parts = [
        recorded(model._base_manager.all(), field.name, field.width_field, field.copies_field, FIELD_ROW)
        for model, field in _fields_with_copies()
    ]
    editor = recorded(EditorPicture.objects.all(), "name", "width", "copy_widths", EDITOR_ROW)
    rows = editor.union(*parts, all=True) if parts else editor
    return _merged(rows)


@functools.cache
def _fields_with_copies():
    """(model, field) of each picture field whose rows record their picture's copies."""
    from django.apps import apps

    from .images import PictureField

    return tuple(
        (model, field)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, PictureField) and field.copies_field and field.width_field
    )


def may_have_copies(name):
    """Whether the stored name `name` is in a folder where pictures with copies are stored: the
    editor's, or a picture field's (`articles/` for `articles/%Y/%m/`). Any other file is written
    as it is, without reading known_copies()."""
    return name.startswith((settings.CKEDITOR_UPLOAD_PATH, *_field_folders()))


@functools.cache
def _field_folders():
    """The folders the picture fields' pictures are stored under: their `upload_to` up to its
    first date format ("" for one made some other way, which may be anywhere)."""
    return tuple(
        field.upload_to.split("%", 1)[0] if isinstance(field.upload_to, str) else ""
        for _, field in _fields_with_copies()
    )


# Where known_copies() read a picture's record: a picture field's row, or EditorPicture.
FIELD_ROW, EDITOR_ROW = 0, 1


def _merged(rows):
    """known_copies() from its rows (name, width, copies, source): one record a picture."""
    found = {}
    for name, width, copies, source in sorted(rows, key=lambda row: row[3]):
        copies = frozenset(copies or ())
        if name not in found:
            found[name] = (source, width, copies)
            continue
        kept_source, kept_width, kept_copies = found[name]
        if kept_source != source:
            continue  # a row's record was taken first
        found[name] = (source, width if width == kept_width else None, kept_copies & copies)
    return {
        name: (width, tuple(sorted(copies)))
        for name, (_, width, copies) in found.items()
        if width is not None and copies
    }


def _copy_address(storage, name, address, width):
    """storage.url(copy_name(name, width)), from the picture's own `address`: a storage writes a
    name into its address quoted piece by piece, so the copy's differs only after the last "/".
    A fifth of the time of asking the storage again (urljoin), which the `richtext` filter would
    pay four times a picture on every page not in the cache. An address with a query (a signed
    one) is asked for."""
    if "?" in address or "#" in address:
        return storage.url(copy_name(name, width))
    folder, _, base = address.rpartition("/")
    stem, _, extension = base.rpartition(".")
    return f"{folder}/{COPIES_FOLDER}/{stem}-{width}w.{extension}"


def make_copies(storage, name, data):
    """Store copies of the picture `data`, stored as `name` in `storage`; return the widths made,
    in increasing order: none for a picture too small, an animation (a copy would keep one frame of
    it), a file without an extension, or a copy that would not be smaller in bytes than the picture.

    Raises what Pillow or the storage raise; the copies made before that stay where they are, and
    are used with their picture (carter_site.media_usage) and made again by `manage.py
    picture_copies`."""
    if "." not in posixpath.basename(name):
        return []
    with Image.open(io.BytesIO(data)) as image:
        picture_format = _FORMATS.get(image.format)
        if picture_format is None or getattr(image, "n_frames", 1) > 1:
            return []
        turned = _turned(data)
        stored_width, stored_height = image.size
        shown = (stored_height, stored_width) if turned else (stored_width, stored_height)
        widths = copy_widths(shown)
        if not widths:
            return []
        profile = image.info.get("icc_profile")
        scale = widths[-1] / shown[0]
        # A JPEG is decoded at a half, quarter or eighth of its size when that is still at least
        # as large as the widest copy: a quarter of the memory and time, or less.
        image.draft(image.mode, (round(stored_width * scale) + 1, round(stored_height * scale) + 1))
        image.load()  # raises for pixels that cannot be read (asked later, Pillow shows what it read)
        ImageOps.exif_transpose(image, in_place=True)  # no second picture in memory when upright
        upright = _for_resizing(image, picture_format)
        made = []
        for width in reversed(widths):  # the largest first: a full disk stops it where it saves most
            height = max(1, round(shown[1] * width / shown[0]))
            copy = upright.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
            encoded = _encoded(copy, picture_format, profile)
            if len(encoded) >= len(data):
                continue  # a picture already compressed hard: its copy would cost more
            _store(storage, copy_name(name, width), encoded)
            made.append(width)
    return sorted(made)


def copies_or_none(storage, name, data):
    """make_copies(), or None when they could not be made (a damaged picture, a full disk, a bucket
    that does not answer): the picture is shown at its full size, and the log says why."""
    try:
        return make_copies(storage, name, data)
    except Exception as error:  # Pillow and storages raise many kinds
        logger.warning(
            "Smaller copies of the picture %s could not be made (%s: %s); pages show it at its full "
            "size until manage.py picture_copies makes them.",
            name,
            type(error).__name__,
            error,
        )
        return None


def _turned(data):
    """Whether browsers turn the picture a quarter: as carter_site.images.shown_size() reads it,
    from an image of its own (reading a PNG's EXIF reads all of it, and Pillow would not say
    twice that its pixels are damaged)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return image.getexif().get(ORIENTATION_TAG, 1) in (5, 6, 7, 8)
    except Exception:  # Pillow raises many kinds for damaged EXIF
        return False


def _for_resizing(image, picture_format):
    """`image` in a mode that resizes smoothly and that `picture_format` can store."""
    if picture_format == "JPEG":
        return image if image.mode in ("L", "RGB", "CMYK") else image.convert("RGB")
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    transparent = image.mode.endswith("A") or "transparency" in image.info
    return image.convert("RGBA" if transparent else "RGB")


def _encoded(image, picture_format, profile):
    buffer = io.BytesIO()
    options = {"icc_profile": profile} if profile and picture_format != "GIF" else {}
    if picture_format == "JPEG":
        # Progressive: a slow connection shows the whole picture blurred first, then sharper.
        options.update(quality=JPEG_QUALITY, progressive=True, optimize=True)
    elif picture_format == "PNG":
        options.update(optimize=True)
    elif picture_format == "WEBP":
        options.update(quality=WEBP_QUALITY, method=4)
    image.save(buffer, picture_format, **options)
    return buffer.getvalue()


def _store(storage, name, data):
    """Store `data` as `name`, in place of any file of that name: one left by an earlier picture
    of the same name, deleted since. Another name would not be found by the pages."""
    storage.delete(name)
    stored = storage.save(name, ContentFile(data))
    if stored != name:
        storage.delete(stored)
        raise FileExistsError(f"the storage would keep the copy {name} only under another name")
