"""Checks for uploaded images, by content rather than by file name, and the names they are stored under."""

import contextlib
import logging
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import models
from django.db.models import signals
from django.db.models.fields.files import FieldFile, ImageFieldFile, ImageFileDescriptor
from django.template.defaultfilters import filesizeformat
from PIL import Image

from .image_metadata import ORIENTATION_TAG, DamagedPicture, without_metadata
from .picture_copies import copies_or_none, make_copies

logger = logging.getLogger(__name__)

# SVG is not here on purpose: it is a document that can carry script.
ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}
# The extension a stored picture gets: from what the file is, never from what it was called.
# A PNG uploaded as "notice.html" would otherwise be served as a web page from this site.
EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}
# Formats taken as another: Pillow calls a JPEG "MPO" when further pictures follow it (phones
# store a depth map or a second exposure there). It is accepted as the JPEG it starts with; the
# pictures after it go with the metadata (carter_site.image_metadata).
TAKEN_AS = {"MPO": "JPEG"}
# File systems refuse names longer than 255 bytes, and the storage may add a suffix to keep a
# name unique: a picture called by a whole sentence is stored under its first 100 bytes.
MAX_NAME_BYTES = 100

# Markup a browser would run if it ever treated the file as a page: an image that also carries
# it (a polyglot) is refused, whatever else it is. Specific enough to occur by chance in
# compressed image data about once in ten thousand 5 MB files; XMP metadata (<?xpacket,
# <x:xmpmeta, <rdf:...) is not among them.
_MARKUP = re.compile(
    rb"<\s*(?:script|html|body|iframe|svg|object|embed|!doctype|meta\s+http-equiv)[\s/>]|javascript:",
    re.IGNORECASE,
)


NOT_AN_IMAGE = "This file is not an image we can use. Upload a JPEG, PNG, GIF or WebP picture."


def validate_uploaded_image(upload):
    """Refuse anything that is not a reasonably sized JPEG, PNG, GIF or WebP image; return its
    format (a key of ALLOWED_IMAGE_FORMATS).

    Only a new upload is checked: a picture already stored passed when it was uploaded, and
    reading it again would make every later save of the article fail if its file had gone
    missing (a database restored without its media folder). Then the result is None."""
    if getattr(upload, "_committed", False):
        return None
    size = getattr(upload, "size", None)
    if size is not None and size > settings.MAX_IMAGE_UPLOAD_BYTES:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s. Save it smaller and try again.",
            code="image_too_large",
            params={
                "size": filesizeformat(size),
                "limit": filesizeformat(settings.MAX_IMAGE_UPLOAD_BYTES),
            },
        )
    try:
        with from_the_start(upload), Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "This image is %(w)s × %(h)s pixels, too large to show on a web page: the most "
                    "this site takes is %(megapixels)s million pixels, for example %(example)s. "
                    "Save it smaller and try again.",
                    code="image_too_many_pixels",
                    params={"w": width, "h": height, **_pixel_limit()},
                )
            image.verify()
    except ValidationError:
        raise
    except Image.DecompressionBombError:
        raise beyond_pillow_error() from None
    except Exception:  # Pillow raises many kinds
        raise ValidationError(NOT_AN_IMAGE, code="not_an_image") from None
    if _carries_markup(upload):
        raise ValidationError(
            "This file is a picture with web-page code hidden in it, so it was refused. Export the "
            "picture again from a photo editor and upload that copy.",
            code="image_with_markup",
        )
    image_format = TAKEN_AS.get(image_format, image_format)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG, GIF or WebP picture.",
            code="image_format",
            params={"format": image_format or "This kind of"},
        )
    try:
        cleaned_copy(upload, image_format)  # what will be stored: refuse now what cannot be cleaned
    except DamagedPicture as error:
        raise ValidationError(
            "%(damage)s Export the picture again from a photo editor and upload that copy.",
            code="image_damaged",
            params={"damage": str(error)},
        ) from None
    return image_format


def cleaned_copy(upload, picture_format):
    """The bytes of `upload` without camera and editing metadata (carter_site.image_metadata)."""
    with from_the_start(upload):
        return without_metadata(upload.read(), picture_format)


@contextlib.contextmanager
def from_the_start(upload):
    """Read `upload` from its first byte, and leave it where it was for whoever reads it next."""
    position = upload.tell() if hasattr(upload, "tell") else None
    upload.seek(0)
    try:
        yield upload
    finally:
        if position is not None:
            upload.seek(position)


def image_format(upload):
    """The picture format Pillow reads in `upload` (JPEG, PNG...), or None."""
    try:
        with from_the_start(upload), Image.open(upload) as image:
            return TAKEN_AS.get(image.format, image.format)
    except Exception:  # Pillow raises many kinds
        return None


def stored_name(name, picture_format):
    """The name a picture called `name` is stored under: its own words, cut to MAX_NAME_BYTES,
    and the extension of what it is. A file of no known picture format gets `.bin`, which no
    browser shows as a page. A name never starts with a dot: such files are hidden, and the
    media folder's own temporary files are named so (strip_image_metadata)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:
        stem = base.lstrip(".")
    extension = EXTENSIONS.get(picture_format, "bin")
    budget = MAX_NAME_BYTES - len(extension) - 1
    stem = stem.encode()[:budget].decode(errors="ignore").strip().lstrip(". ") or "image"
    return f"{stem}.{extension}"


class PictureFieldFile(ImageFieldFile):
    """A stored picture, named by stored_name() and without its metadata (cleaned_copy()),
    whatever saves it: a form, the shell, a fixture. Its size is read from the bytes in hand as it
    is stored, and kept with the row (PictureField), as are the widths of the smaller copies made of
    it then (carter_site.picture_copies)."""

    def save(self, name, content, save=True):
        picture_format = image_format(content)
        if picture_format in ALLOWED_IMAGE_FORMATS:
            content = ContentFile(cleaned_copy(content, picture_format))
        size = _size_or_none(lambda: shown_size(content), name)
        # Django's FieldFile.save, but for its last step: it sets the field to the stored name,
        # which the field then wraps in a new file that would read the size back from storage.
        name = self.field.generate_filename(self.instance, stored_name(name, picture_format))
        self.name = self.storage.save(name, content, max_length=self.field.max_length)
        self._committed = True
        if size is None:
            self.__dict__.pop("_dimensions_cache", None)  # the previous picture's, if any
        else:
            self._dimensions_cache = size
        self.instance.__dict__[self.field.attname] = self
        self.field.keep_size(self.instance, size, self.name)
        if self.field.copies_field:
            # Made from the bytes in hand, already cleaned; a failure leaves the picture stored,
            # shown at its full size.
            copies = copies_or_none(self.storage, self.name, _bytes(content)) if size is not None else None
            self.field.keep_copies(self.instance, copies)
        if save:
            self.instance.save()

    save.alters_data = True

    def _get_image_dimensions(self):
        """(width, height) as browsers show the picture (shown_size())."""
        if not hasattr(self, "_dimensions_cache"):
            close = self.closed
            self.open()
            try:
                self._dimensions_cache = shown_size(self)
            finally:
                if close:
                    self.close()
        return self._dimensions_cache


def _bytes(content):
    with from_the_start(content):
        return content.read()


def shown_size(file):
    """(width, height) as browsers show a picture: a photo stored sideways with an EXIF
    orientation that turns it (5 to 8) has its width and height swapped, so the page's width and
    height attributes keep its shape and nothing moves when it loads."""
    with from_the_start(file), Image.open(file) as image:
        width, height = image.size
        turned = _orientation(image) in (5, 6, 7, 8)
    return (height, width) if turned else (width, height)


def _bucket_errors():
    """What a bucket's client raises, which are not OSErrors (a missing object is a
    FileNotFoundError, as a missing file is): all of them, and those of a bucket out of reach
    (no connection, no answer in time), as against one object refused."""
    try:
        from botocore.exceptions import BotoCoreError, ClientError
    except ImportError:  # no bucket support installed
        return (), ()
    return (BotoCoreError, ClientError), (BotoCoreError,)


BUCKET_ERRORS, BUCKET_OUT_OF_REACH = _bucket_errors()


def _size_or_none(read, name):
    try:
        return read()
    except Exception as error:  # Pillow, and a storage, raise many kinds
        logger.warning(
            "The size of the picture %s could not be read (%s); pages show it without a width and height.",
            name,
            error,
        )
        return None


def _pixel_limit():
    return {
        "megapixels": settings.MAX_IMAGE_PIXELS // 1_000_000,
        "example": _example_size(settings.MAX_IMAGE_PIXELS),
    }


def beyond_pillow_error():
    """For a picture so large that Pillow will not even open it (DecompressionBombError, past
    twice Image.MAX_IMAGE_PIXELS: about 179 million pixels), so its size cannot be given."""
    return ValidationError(
        "This image has far more pixels than a web page can show (over %(pillow)s million): the most "
        "this site takes is %(megapixels)s million pixels, for example %(example)s. Save it smaller "
        "and try again.",
        code="image_too_many_pixels",
        params={"pillow": 2 * Image.MAX_IMAGE_PIXELS // 1_000_000, **_pixel_limit()},
    )


def _beyond_pillow(upload):
    try:
        with from_the_start(upload), Image.open(upload):
            return False
    except Image.DecompressionBombError:
        return True
    except Exception:  # Pillow raises many kinds; the caller says the file is no image
        return False


class PictureFormField(forms.ImageField):
    """Django's ImageField answers a picture Pillow will not open for its size as "not an image
    or a corrupted image", before validate_uploaded_image can give the size: this gives it."""

    def to_python(self, data):
        try:
            return super().to_python(data)
        except ValidationError:
            if data is not None and hasattr(data, "read") and _beyond_pillow(data):
                raise beyond_pillow_error() from None
            raise


class PictureDescriptor(ImageFileDescriptor):
    """Notes which row a stored picture set on another row comes from, before Django's descriptor
    makes the picture that row's: its size can be taken from there (PictureField._known_size)."""

    def __set__(self, instance, value):
        source = getattr(value, "instance", None) if isinstance(value, FieldFile) else None
        if source is not None and source is not instance:
            value._size_source = source
        super().__set__(instance, value)


class PictureField(models.ImageField):
    """An ImageField whose files get the extension of what they are (see EXTENSIONS), and whose
    width and height, as shown, are kept in the row's `width_field` and `height_field`.

    Pages show a picture's size from those fields and never from the file: from a bucket, reading
    it would download the picture on every page not in the cache, and fail the page while the
    bucket cannot be reached. Django's ImageField reads the file whenever a row is loaded without
    a size, and whenever the field is assigned, even the picture it already has (as the admin's
    form does on every save). Here the size is taken from the bytes when a picture is stored or
    uploaded, and read from storage only when another stored picture is assigned by name, or a
    row is saved without a size (created with a stored name, or restored from a version saved
    before sizes were kept). `QuerySet.update()` and `bulk_update()` pass all of this by: name the
    size fields with the picture's, or use `manage.py picture_sizes` after clearing them.

    With a `copies_field` (a JSONField), smaller copies are made of each picture as it is stored
    (carter_site.picture_copies), and the widths made are kept there: a list, empty when none was
    worth making, and None when they are yet to be made (a failure, a picture stored before copies
    were made, or another stored picture assigned by name): `manage.py picture_copies` makes
    those. A picture taken from another row brings that row's widths with it."""

    attr_class = PictureFieldFile
    descriptor_class = PictureDescriptor

    def __init__(self, *args, copies_field=None, **kwargs):
        self.copies_field = copies_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.copies_field:
            kwargs["copies_field"] = self.copies_field
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        if not cls._meta.abstract and (self.width_field or self.height_field):
            signals.post_save.connect(self._size_after_raw_save, sender=cls)

    @property
    def _size_is_for(self):
        """Where a row keeps the name of the picture its size was read from."""
        return f"_{self.attname}_size_is_for"

    def update_dimension_fields(self, instance, force=False, *args, **kwargs):
        if not (self.width_field or self.height_field) or self.attname not in instance.__dict__:
            return  # no size kept, or the field is deferred
        file = getattr(instance, self.attname)
        if not force:  # a row being loaded (post_init): its size is the one it was saved with
            instance.__dict__[self._size_is_for] = file.name if file else None
            return
        if not file:
            self.keep_size(instance, None, None)
            self.keep_copies(instance, None)
        elif file._committed and instance.__dict__.get(self._size_is_for) == file.name:
            return  # the picture it has, set again (as the admin's form does on every save)
        elif (known := self._known_size(file)) is not None:
            source, size = known
            self.keep_size(instance, size, file.name)
            self.keep_copies(instance, getattr(source, self.copies_field) if self.copies_field else None)
        else:  # an upload (read from the bytes in hand, its copies made as it is stored), or another stored picture
            self.keep_size(instance, _size_or_none(file._get_image_dimensions, file.name), file.name)
            self.keep_copies(instance, None)

    def _known_size(self, file):
        """(the row, the size) of a stored picture taken from another row that keeps it
        (`a.photo = b.photo`, refresh_from_db), or None."""
        source = file.__dict__.pop("_size_source", None)
        if source is None or not file._committed or source.__dict__.get(self._size_is_for) != file.name:
            return None
        width, height = getattr(source, self.width_field, None), getattr(source, self.height_field, None)
        return (source, (width, height)) if width is not None and height is not None else None

    def pre_save(self, model_instance, add):
        file = super().pre_save(model_instance, add)  # stores a new upload, its size with it
        if file and self.width_field and getattr(model_instance, self.width_field) is None:
            # A row that came without a size: read once, as it is saved, rather than on every
            # page that shows it.
            self.keep_size(model_instance, _size_or_none(file._get_image_dimensions, file.name), file.name)
        return file

    def _size_after_raw_save(self, sender, instance, raw=False, using=None, **kwargs):
        """A raw save (a version restored by django-reversion, loaddata) passes pre_save by:
        a picture it stored without a size gets it here."""
        if not raw or self.attname not in instance.__dict__:
            return
        file = getattr(instance, self.attname)
        if not file or getattr(instance, self.width_field) is not None:
            return
        size = _size_or_none(file._get_image_dimensions, file.name)
        if size is not None:
            self.keep_size(instance, size, file.name)
            sender._base_manager.using(using).filter(pk=instance.pk).update(
                **{self.width_field: size[0], self.height_field: size[1]}
            )

    def keep_size(self, instance, size, name):
        width, height = size or (None, None)
        if self.width_field:
            setattr(instance, self.width_field, width)
        if self.height_field:
            setattr(instance, self.height_field, height)
        instance.__dict__[self._size_is_for] = name

    def keep_copies(self, instance, widths):
        if self.copies_field:
            setattr(instance, self.copies_field, widths)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PictureFormField, **kwargs})


def _orientation(image):
    """The EXIF orientation of an open picture, 1 (upright) when it has none or it cannot be read."""
    try:
        return image.getexif().get(ORIENTATION_TAG, 1)
    except Exception:  # Pillow raises many kinds for damaged EXIF
        return 1


def _example_size(pixels):
    """A 3:2 photo size within `pixels`, in round hundreds: '7700 × 5100' for 40 million."""
    width = int((pixels * 3 / 2) ** 0.5) // 100 * 100
    height = width * 2 // 3 // 100 * 100
    return f"{width} × {height}"


def _carries_markup(upload, chunk_size=1024 * 1024):
    """Whether the file contains HTML or script anywhere (chunks overlap, so nothing hides at a seam)."""
    with from_the_start(upload):
        tail = b""
        while chunk := upload.read(chunk_size):
            if _MARKUP.search(tail + chunk):
                return True
            tail = chunk[-64:]
        return False


def keep_stored_sizes(model, field_name):
    """Read the size of each picture stored without one into its row: for the migrations that
    brought in the kept sizes, and `manage.py picture_sizes`. Returns (sizes kept, pictures that
    could not be read, pictures left unread).

    A picture that cannot be read (missing, damaged, refused) is left without a size, as pages
    showed it before. A bucket out of reach (no connection, no answer) stops the reading at once,
    so a deploy is not held up by a bucket that does not answer; the pictures left are read as
    each row is next saved, or by `manage.py picture_sizes`. A row whose picture changes meanwhile
    keeps the size its save gave it."""
    field = model._meta.get_field(field_name)
    rows = list(
        model._base_manager.exclude(**{field_name: ""})
        .filter(**{f"{field.width_field}__isnull": True})
        .values_list("pk", field_name)
    )
    kept = failed = 0
    for done, (pk, name) in enumerate(rows):
        file = field.attr_class(None, field, name)
        try:
            width, height = file._get_image_dimensions()
        except BUCKET_OUT_OF_REACH as error:
            logger.warning(
                "The media storage could not be reached (%s): the sizes of %d pictures are left to be "
                "read as each is next saved, or by manage.py picture_sizes.",
                error,
                len(rows) - done,
            )
            return kept, failed, len(rows) - done
        except Exception as error:  # missing, damaged or refused: Pillow and storages raise many kinds
            logger.warning("The size of the picture %s could not be read (%s).", name, error)
            failed += 1
            continue
        finally:
            file.close()
        # Only if the row still shows that picture without a size: an editor may have saved
        # another picture meanwhile, with its own size.
        kept += model._base_manager.filter(
            **{"pk": pk, field_name: name, f"{field.width_field}__isnull": True}
        ).update(**{field.width_field: width, field.height_field: height})
    return kept, failed, 0


def make_stored_copies(model, field_name, made_before=None):
    """Make the smaller copies (carter_site.picture_copies) of each picture stored without them
    (its row's `copies_field` is None), and keep their widths with the row: for `manage.py
    picture_copies`. Returns (pictures given copies, pictures none was worth making of, [(name,
    reason)] of the pictures that could not be read or copied, pictures left unread).

    `made_before` (stored name -> widths) spares a picture that several rows show from being
    copied once for each; it is filled in as pictures are copied. A bucket out of reach stops the
    work at once, as keep_stored_sizes() does. A row whose picture changes meanwhile keeps what its
    save gave it."""
    field = model._meta.get_field(field_name)
    made_before = {} if made_before is None else made_before
    rows = list(
        model._base_manager.exclude(**{field_name: ""})
        .filter(**{f"{field.copies_field}__isnull": True})
        .order_by("pk")
        .values_list("pk", field_name)
    )
    copied = none_worth = 0
    failures = []
    for done, (pk, name) in enumerate(rows):
        if any(name == failed for failed, _ in failures):
            continue  # shown by another row too: said once
        if name not in made_before:
            try:
                with field.storage.open(name, "rb") as file:
                    data = file.read()
                made_before[name] = make_copies(field.storage, name, data)
            except BUCKET_OUT_OF_REACH as error:
                logger.warning("The media storage could not be reached (%s).", error)
                return copied, none_worth, failures, len(rows) - done
            except Exception as error:  # missing, damaged or refused: Pillow and storages raise many kinds
                logger.warning("Smaller copies of the picture %s could not be made (%s).", name, error)
                failures.append((name, _in_words(error)))
                continue
        widths = made_before[name]
        updated = model._base_manager.filter(
            **{"pk": pk, field_name: name, f"{field.copies_field}__isnull": True}
        ).update(**{field.copies_field: widths})
        if updated and widths:
            copied += 1
        elif updated:
            none_worth += 1
    return copied, none_worth, failures, 0


def _in_words(error):
    """What went wrong reading or copying a picture, in a few words."""
    if isinstance(error, FileNotFoundError):
        return "the file is missing"
    if isinstance(error, Image.UnidentifiedImageError):
        return "the file is not a picture Pillow can read"
    if isinstance(error, OSError) and error.strerror:
        return error.strerror
    return str(error) or type(error).__name__


def kept_with_the_picture():
    """The fields a row keeps beside a PictureField: the size the picture is shown at (width,
    height) and the widths of its smaller copies for phones (carter_site.picture_copies; None:
    yet to be made), so that pages write its `width`, `height` and `srcset` without reading the
    file or asking the storage. Declare them right after the picture, with the names it gives as
    `width_field`, `height_field` and `copies_field`:

        photo_width, photo_height, photo_copy_widths = kept_with_the_picture()

    After it, not before (nor in an abstract base, whose fields come first): the picture's
    pre_save fills them in, and Django reads the values of a row's fields in the order they are
    declared, so one read before the picture's would be saved as it was."""
    return (
        models.PositiveIntegerField(null=True, blank=True, editable=False),
        models.PositiveIntegerField(null=True, blank=True, editable=False),
        models.JSONField(null=True, blank=True, editable=False),
    )


PHOTO_NOT_DESCRIBED = "Describe the photo for people who cannot see it"


def photo_fields(upload_to, help_text):
    """A row's own photo (a location's, a clinician's), as five fields to declare in this order:

        photo, photo_width, photo_height, photo_copy_widths, photo_alt = photo_fields(…)

    the picture, what is kept beside it (kept_with_the_picture(), after it) and its description,
    which the row's Meta (photo_described()) and clean() (photo_errors()) require with a photo."""
    photo = PictureField(
        width_field="photo_width",
        height_field="photo_height",
        copies_field="photo_copy_widths",
        upload_to=upload_to,
        blank=True,
        default="",
        db_default="",
        validators=[validate_uploaded_image],
        help_text=help_text,
    )
    kept = kept_with_the_picture()
    alt = models.CharField(
        "photo description",
        max_length=250,
        blank=True,
        default="",
        db_default="",
        help_text="Required with a photo: what it shows, for people who cannot see it.",
    )
    return (photo, *kept, alt)


def photo_described(name):
    """The database's rule, named `name`, that a row's photo has a description."""
    return models.CheckConstraint(
        condition=models.Q(photo="") | ~models.Q(photo_alt=""),
        name=name,
        violation_error_message=f"{PHOTO_NOT_DESCRIBED}.",
    )


def photo_errors(row):
    """{field: message} for a row's clean(): its photo without a description."""
    if row.photo and not row.photo_alt.strip():
        return {"photo_alt": f"{PHOTO_NOT_DESCRIBED} (required with a photo)."}
    return {}
