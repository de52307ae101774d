"""Uploads in an S3-compatible bucket that several web containers share.

django-storages (`file_overwrite=False`) asks the bucket whether a name is free, then writes.
Two editors uploading `photo.jpg` in the same month through two containers can both be told the
name is free, and the second write replaced the first picture, under a page that shows it. Here
the write itself is conditional (`If-None-Match: *`, which S3 has honoured since 2024): the
bucket refuses it when the name was taken in between, and the picture is stored under another
free name, as it would have been had the check come a moment later.
"""

import os

from botocore.exceptions import ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage
from storages.utils import ReadBytesWrapper, clean_name, is_seekable

# A name taken between the check and the write, again and again, means something else is wrong.
MOST_TRIES = 5


class MediaBucketStorage(S3Storage):
    def get_object_parameters(self, name):
        """Every object is written with the lifetime caches may keep it (MEDIA_CACHE_CONTROL): the
        CDN in front of the bucket follows it, and without it keeps an object for its own default
        time, often a day, however soon the picture is deleted."""
        return {"CacheControl": settings.MEDIA_CACHE_CONTROL, **super().get_object_parameters(name)}

    def _save(self, name, content):
        for _ in range(MOST_TRIES):
            try:
                return self._save_if_free(name, content)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "NotImplemented":
                    # A service without conditional writes: the unconditional write, as before.
                    return super()._save(name, content)
                if error.response.get("Error", {}).get("Code") != "PreconditionFailed":
                    raise
            root, extension = os.path.splitext(name)
            name = self.get_available_name(self.get_alternative_name(root, extension))
        raise FileExistsError(f"No free name was found for {name!r} after {MOST_TRIES} tries.")

    def _save_if_free(self, name, content):
        """django-storages' _save, writing only if no object has the name yet (one request:
        an upload here is at most a few megabytes, far below S3's 5 GB for one write)."""
        cleaned_name = clean_name(name)
        key = self._normalize_name(cleaned_name)
        params = self._get_write_parameters(key, content)
        if is_seekable(content):
            content.seek(0, os.SEEK_SET)
        content = ReadBytesWrapper(content)
        if self.gzip and params["ContentType"] in self.gzip_content_types and "ContentEncoding" not in params:
            content = self._compress_content(content)
            params["ContentEncoding"] = "gzip"
        self.bucket.Object(key).put(Body=content.read(), IfNoneMatch="*", **params)
        return cleaned_name
