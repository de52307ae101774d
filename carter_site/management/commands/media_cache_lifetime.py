"""`manage.py media_cache_lifetime`: give every upload already in the bucket the lifetime caches
may keep it (MEDIA_CACHE_CONTROL).

Every object the site writes to a bucket carries `Cache-Control: MEDIA_CACHE_CONTROL`
(carter_site.storage), so that a picture deleted on purpose (a client's photo whose consent was
withdrawn) leaves the CDN in front of the bucket within a minute. Objects written before that
carry none, or another lifetime, and the CDN keeps those for its own default, often a day or
more. This copies each such object onto itself with the current lifetime, keeping its bytes, its
content type, the other headers it is served with, its metadata, storage class, encryption, tags
and a public-read grant. Objects that already have the lifetime are not touched.

    python manage.py media_cache_lifetime --dry-run    # count what would change, change nothing
    python manage.py media_cache_lifetime

It is safe while the site runs and to run again: each copy is made on condition that the object
is still the one read (S3's x-amz-copy-source-if-match), so an object replaced meanwhile is left
as the new write made it, an upload deleted meanwhile stays deleted (counted apart), and a
second run finds nothing left to change. An object that cannot
be read or copied is named with the reason, the others are still done, and the command then
ends with status 1; a bucket that stops answering stops it at once. Only a bucket has this to do: a media folder's files are sent with the
lifetime by the site or by the proxy in front (docs/operations.md, "Media files").
"""

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from carter_site.images import BUCKET_OUT_OF_REACH
from carter_site.management.commands.strip_image_metadata import ObjectInBucket
from carter_site.media_usage import STORAGE_ERRORS, bucket_key, is_bucket, reason

# What the object is served with besides its bytes, kept as it was: a copy that replaces the
# metadata (to change Cache-Control) takes only what it is given, and would drop the rest.
KEPT = tuple(name for name in ObjectInBucket.KEPT if name != "CacheControl")


def _uploads(count):
    return "1 upload" if count == 1 else f"{count} uploads"


class Command(BaseCommand):
    help = "Give every upload already in the bucket the lifetime a CDN may keep it (MEDIA_CACHE_CONTROL)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Count the uploads that would change; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        storage = default_storage
        if not is_bucket(storage):
            raise CommandError(
                "No bucket is configured (AWS_STORAGE_BUCKET_NAME is unset): uploads in the media folder "
                "get their lifetime from the site or the proxy that serves them, so there is nothing to change."
            )
        lifetime = settings.MEDIA_CACHE_CONTROL
        where = f"the bucket {storage.bucket_name} ({storage.location.strip('/') or 'all of it'})"
        client = storage.connection.meta.client
        try:
            keys = self._keys(client, storage)
        except STORAGE_ERRORS as error:
            raise CommandError(f"The bucket could not be read ({reason(error)}).") from None
        changed, had_it, gone, failed, acls = 0, 0, 0, [], {}
        for key in keys:
            try:
                head = _head(client, storage.bucket_name, key)
                if head.get("CacheControl") == lifetime:
                    had_it += 1
                    continue
                if not dry_run:
                    self._copy(client, storage.bucket_name, key, head, lifetime, acls)
            except _DeletedMeanwhile:
                gone += 1
                continue
            except _ChangedMeanwhile:
                failed.append(key)
                self.stderr.write(
                    f"{key}: it changed while it was being copied, so it was left for the next run."
                )
                continue
            except BUCKET_OUT_OF_REACH as error:
                raise CommandError(
                    f"The bucket stopped answering ({reason(error)}) after {changed} of {_uploads(len(keys))} "
                    f"{'would have been' if dry_run else 'were'} given the lifetime: run this again once it answers."
                ) from None
            except STORAGE_ERRORS as error:
                failed.append(key)
                self.stderr.write(
                    f"{key}: it could not be {'read' if dry_run else 'copied'} ({reason(error)})."
                )
                continue
            changed += 1
        verb = "would be given it" if dry_run else "given it"
        self.stdout.write(
            f"{_uploads(len(keys))} in {where}: {changed} {verb}, {had_it} had it already"
            f"{f', {gone} deleted meanwhile' if gone else ''} (Cache-Control: {lifetime})."
        )
        if acls.get("unreadable"):
            self.stdout.write(
                f"The objects' ACLs could not be read ({acls['unreadable']}): the uploads copied keep the "
                "bucket's default access. Grant s3:GetObjectAcl and run this again before relying on a "
                "grant of an object's own."
            )
        if failed:
            raise CommandError(
                f"{_uploads(len(failed))} could not be given the lifetime, named above with the reason: "
                "mend what it says and run this again."
            )

    @staticmethod
    def _keys(client, storage):
        """Every object under the storage's folder (AWS_LOCATION), folder markers apart: each is
        served at its key, whatever name the storage would read it by."""
        prefix = bucket_key(storage, "")
        pages = client.get_paginator("list_objects").paginate(Bucket=storage.bucket_name, Prefix=prefix)
        return [
            entry["Key"]
            for page in pages
            for entry in page.get("Contents", ())
            if not entry["Key"].endswith("/")
        ]

    @staticmethod
    def _copy(client, bucket, key, head, lifetime, acls):
        kept = {name: head[name] for name in KEPT if head.get(name)}
        kept.update(ObjectInBucket(client, bucket, key, acls).public_grant())
        try:
            client.copy_object(
                Bucket=bucket,
                Key=key,
                CopySource={"Bucket": bucket, "Key": key},
                CopySourceIfMatch=head["ETag"],
                MetadataDirective="REPLACE",
                CacheControl=lifetime,
                **kept,
            )
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code")
            if code == "PreconditionFailed":
                raise _ChangedMeanwhile from None
            if code in _NOT_FOUND:
                raise _DeletedMeanwhile from None
            raise


# What S3 answers for a key that is not there (a HEAD request's error has only the status).
_NOT_FOUND = {"NoSuchKey", "404"}


def _head(client, bucket, key):
    try:
        return client.head_object(Bucket=bucket, Key=key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in _NOT_FOUND:
            raise _DeletedMeanwhile from None
        raise


class _ChangedMeanwhile(Exception):
    pass


class _DeletedMeanwhile(Exception):
    """Deleted between the listing and the copy (on the uploads page, say): nothing to do."""
