"""`manage.py strip_image_metadata`: take camera and editing metadata out of pictures already stored.

Pictures uploaded since this site cleans uploads (carter_site.image_metadata) have none. Run this
once on the media stored before that, and again whenever pictures are copied into the media
folder by hand. Every picture in the media storage is read; one that carries metadata is
replaced by its cleaned copy, under the same name, so pages and links to it are unchanged.
Nothing else is touched: the pixels are the same bytes, and a file that is not a picture is
left alone.

    python manage.py strip_image_metadata --dry-run    # say what would change, change nothing
    python manage.py strip_image_metadata

In the media folder (MEDIA_ROOT, the default and the Docker volume) a picture is replaced by
writing the cleaned copy beside it and renaming it over the original; in a bucket
(AWS_STORAGE_BUCKET_NAME) by writing the object again, with its content type and headers, on
condition that it is still the one read (If-Match). Either way a visitor never gets half a
file, an interrupted run leaves every picture whole, and a picture that changes while it is
being cleaned is left for the next run. A picture that cannot be read, cleaned or replaced is
named with the reason and left as it is, the others are still cleaned, and the command then ends
with status 1.
"""

import os
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from botocore.exceptions import ClientError
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError
from django.template.defaultfilters import filesizeformat

from carter_site.image_metadata import DamagedPicture, sniffed_format, without_metadata
from carter_site.media_usage import STORAGE_ERRORS, bucket_key, is_bucket, reason, stored_files

# The cleaned copy's name while it is written. Uploads never start with a dot
# (carter_site.images.stored_name), so a file of this name is one a run left when it was stopped.
TEMPORARY_PREFIX = ".cleaning-"


class Command(BaseCommand):
    help = "Take camera and editing metadata (GPS, dates, camera, names) out of stored pictures."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say which pictures carry metadata; change nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        self.pictures = self.cleaned = self.removed = 0
        self.failed, self.other_failures = [], []
        if is_bucket(default_storage):
            where = self._clean_bucket(default_storage, dry_run)
        else:
            where = self._clean_folder(dry_run)
            if where is None:
                return
        verb = "would be cleaned" if dry_run else "cleaned"
        untouched = self.pictures - self.cleaned - len(self.failed)
        pictures = "1 picture" if self.pictures == 1 else f"{self.pictures} pictures"
        self.stdout.write(
            f"{pictures} in {where}: {self.cleaned} {verb} ({filesizeformat(self.removed)} of metadata), "
            f"{untouched} had none."
        )
        if self.failed or self.other_failures:
            raise CommandError(self._failures())

    def _clean_folder(self, dry_run):
        """Clean the media folder; where it was, or None when there is none yet."""
        try:
            root = Path(default_storage.path(""))
        except NotImplementedError:
            raise CommandError(
                "The media storage is neither a folder on this machine nor an S3 bucket, so pictures "
                "cannot be replaced in place: copy the media into a folder, run this with MEDIA_ROOT "
                "set to it, then copy the folder back."
            ) from None
        try:
            if not root.is_dir():
                self.stdout.write(f"There is no media folder yet ({root}): no picture to clean.")
                return None
            os.scandir(root).close()
        except OSError as error:
            raise CommandError(
                f"The media folder {root} could not be read ({error.strerror or error}): run this as "
                "the user the web server runs as, or as root."
            ) from None
        for path in self._files(root):
            name = path.relative_to(root).as_posix()
            if path.name.startswith(TEMPORARY_PREFIX):
                self._leftover(path, name, dry_run)
            else:
                self._clean(name, _InFolder(path), dry_run)
        return root

    def _clean_bucket(self, storage, dry_run):
        """Clean every picture under the storage's folder in its bucket; where that was."""
        where = f"the bucket {storage.bucket_name} ({storage.location.strip('/') or 'all of it'})"
        try:
            files = stored_files(storage)
        except STORAGE_ERRORS as error:
            raise CommandError(f"The bucket could not be read ({reason(error)}).") from None
        client = storage.connection.meta.client
        acls = {}  # whether the objects' ACLs can be read, learnt from the first
        for file in files:
            stored = ObjectInBucket(client, storage.bucket_name, bucket_key(storage, file.name), acls)
            self._clean(file.name, stored, dry_run)
        if acls.get("unreadable"):
            self.stdout.write(
                f"The objects' ACLs could not be read ({acls['unreadable']}): the pictures cleaned were "
                "written back with the bucket's default access. Grant s3:GetObjectAcl and run this again "
                "before relying on a grant of an object's own."
            )
        return where

    def _files(self, root):
        """Every file under `root`, in order, without following links; a folder that cannot be
        read is named as a failure, not passed over (pathlib's rglob skips it in silence)."""

        def unreadable(error):
            name = Path(error.filename).relative_to(root).as_posix()
            self.other_failures.append(name)
            self.stderr.write(f"{name}: it could not be read ({error.strerror or error}). Left as it is.")

        files = []
        for folder, _, names in os.walk(root, onerror=unreadable):
            files.extend(Path(folder, name) for name in names)
        return sorted(path for path in files if not path.is_symlink() and path.is_file())

    def _failures(self):
        """The closing sentences when something was left as it was."""
        sentences = []
        if len(self.failed) == 1:
            sentences.append(
                "1 picture was left as it was, named above with the reason: replace it with a fresh "
                "export from a photo editor, or mend what the reason says and run this again."
            )
        elif self.failed:
            sentences.append(
                f"{len(self.failed)} pictures were left as they were, named above with the reasons: "
                "replace them with fresh exports from a photo editor, or mend what the reasons say "
                "and run this again."
            )
        if self.other_failures:
            what = (
                "1 folder or leftover copy"
                if len(self.other_failures) == 1
                else (f"{len(self.other_failures)} folders or leftover copies")
            )
            sentences.append(
                f"{what} could not be read or removed, named above: run this again as a user who may "
                "read and change the whole media folder (the web server's user, or root)."
            )
        return " ".join(sentences)

    def _clean(self, name, stored, dry_run):
        try:
            data = stored.read()
        except STORAGE_ERRORS as error:
            self._fail(name, f"it could not be read ({reason(error)}).")
            return
        picture_format = sniffed_format(data)
        if picture_format is None:
            return  # not a picture: not ours to change
        self.pictures += 1
        try:
            clean = without_metadata(data, picture_format)
        except DamagedPicture as error:
            self._fail(name, str(error))
            return
        if clean == data:
            return
        self.cleaned += 1
        saved = len(data) - len(clean)
        self.removed += max(saved, 0)
        if saved > 0:
            what = f"{filesizeformat(saved)} of metadata"
        else:
            what = "no metadata, but its parts are written out in order"
        if dry_run:
            self.stdout.write(f"{name}: {what}")
            return
        try:
            stored.replace(clean)
        except _ChangedMeanwhile:
            self.cleaned -= 1
            self.removed -= max(saved, 0)
            self._fail(name, "it changed while it was being cleaned, so it was left for the next run.")
            return
        except (*STORAGE_ERRORS, _Unreadable) as error:
            self.cleaned -= 1
            self.removed -= max(saved, 0)
            self._fail(name, f"it could not be replaced ({reason(error)}).")
            return
        self.stdout.write(f"{name}: {what}{' removed' if saved > 0 else ''}")

    def _leftover(self, path, name, dry_run):
        """A cleaned copy a stopped run left behind: the picture it was made for is whole."""
        if dry_run:
            self.stdout.write(f"{name}: left by a stopped run; it would be removed")
            return
        try:
            path.unlink()
        except OSError as error:
            self.other_failures.append(name)
            self.stderr.write(
                f"{name}: left by a stopped run, and it could not be removed ({error.strerror or error})."
            )
            return
        self.stdout.write(f"{name}: left by a stopped run; removed")

    def _fail(self, name, reason):
        self.failed.append(name)
        self.stderr.write(f"{name}: {reason} Left as it is.")


class _ChangedMeanwhile(Exception):
    pass


class _Unreadable(Exception):
    """A picture that could be read, but not all of what writing it again would have to keep."""


class _InFolder:
    """A picture in the media folder: read, then replaced unless it changed since."""

    def __init__(self, path):
        self.path = path

    def read(self):
        self.before = self.path.stat()
        return self.path.read_bytes()

    def replace(self, data):
        _replace(self.path, data, self.before)


class ObjectInBucket:
    """An object in the bucket: read, then written again as it was but for its bytes, on condition
    that it is still the object read (S3's If-Match). Kept: the headers it is served with, its
    metadata, storage class, encryption, expiry, redirect and tags, and a public-read grant (a
    bucket that still uses ACLs; one that does not answers that it has none)."""

    KEPT = (
        "ContentType",
        "CacheControl",
        "ContentDisposition",
        "ContentEncoding",
        "ContentLanguage",
        "Expires",
        "Metadata",
        "StorageClass",
        "ServerSideEncryption",
        "SSEKMSKeyId",
        "BucketKeyEnabled",
        "WebsiteRedirectLocation",
    )
    EVERYONE = "http://acs.amazonaws.com/groups/global/AllUsers"

    # What a provider answers for ACLs it will not show: not allowed, not implemented, turned off.
    NO_ACLS = {"AccessDenied", "NotImplemented", "MethodNotAllowed", "AccessControlListNotSupported"}

    def __init__(self, client, bucket, key, acls):
        self.client, self.bucket, self.key, self.acls = client, bucket, key, acls

    def read(self):
        self.got = self.client.get_object(Bucket=self.bucket, Key=self.key)
        return self.got["Body"].read()

    def replace(self, data):
        kept = {name: self.got[name] for name in self.KEPT if self.got.get(name)}
        try:
            kept.update(self._tags(), **self.public_grant())
            self.client.put_object(
                Bucket=self.bucket, Key=self.key, Body=data, IfMatch=self.got["ETag"], **kept
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") == "PreconditionFailed":
                raise _ChangedMeanwhile from None
            raise

    def _tags(self):
        if not self.got.get("TagCount"):
            return {}
        try:
            tags = self.client.get_object_tagging(Bucket=self.bucket, Key=self.key)["TagSet"]
        except ClientError as error:  # written again without them, it would lose them
            raise _Unreadable(
                f"its tags could not be read, and it would lose them: {reason(error)}"
            ) from None
        return {"Tagging": urlencode([(tag["Key"], tag["Value"]) for tag in tags])}

    def public_grant(self):
        """The arguments that give the object, written again, the public-read grant it has
        (media_cache_lifetime uses it too); none where the bucket keeps no ACLs."""
        if self.acls.get("unreadable"):
            return {}
        try:
            grants = self.client.get_object_acl(Bucket=self.bucket, Key=self.key)["Grants"]
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") not in self.NO_ACLS:
                raise
            self.acls["unreadable"] = reason(error)  # said once, at the end
            return {}
        public = any(
            grant["Grantee"].get("URI") == self.EVERYONE and grant["Permission"] in ("READ", "FULL_CONTROL")
            for grant in grants
        )
        return {"ACL": "public-read"} if public else {}


def _replace(path, data, before):
    """Put `data` in place of the file at `path`, in one step: a reader gets the old file or the
    new, never part of one. `before` is the file's state when it was read: if it has changed
    since (a new upload, a restore), nothing is replaced."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=TEMPORARY_PREFIX, suffix=path.suffix)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, before.st_mode & 0o777)
        if os.geteuid() == 0:  # run as root: the web server's user must still own its files
            os.chown(temporary, before.st_uid, before.st_gid)
        now = path.stat()
        if (now.st_ino, now.st_size, now.st_mtime_ns) != (before.st_ino, before.st_size, before.st_mtime_ns):
            raise _ChangedMeanwhile
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    folder = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(folder)  # the rename itself reaches the disk
    finally:
        os.close(folder)
