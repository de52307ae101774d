"""Checks for uploaded images, by content rather than by file name."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from PIL import Image

# SVG is not here on purpose: it is a document that can carry script.
ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "GIF": "GIF", "WEBP": "WebP"}


def validate_uploaded_image(upload):
    """Refuse anything that is not a reasonably sized JPEG, PNG, GIF or WebP image."""
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
    position = upload.tell() if hasattr(upload, "tell") else None
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            if width * height > settings.MAX_IMAGE_PIXELS:
                raise ValidationError(
                    "This image is %(w)s × %(h)s pixels, too large to show on a web page.",
                    code="image_too_many_pixels",
                    params={"w": width, "h": height},
                )
            image.verify()
    except ValidationError:
        raise
    except Exception:  # Pillow raises many kinds, including DecompressionBombError
        raise ValidationError(
            "This file is not an image we can use. Upload a JPEG, PNG, GIF or WebP picture.",
            code="not_an_image",
        ) from None
    finally:
        if position is not None:
            upload.seek(position)
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            "%(format)s images are not accepted. Upload a JPEG, PNG, GIF or WebP picture.",
            code="image_format",
            params={"format": image_format or "This kind of"},
        )
