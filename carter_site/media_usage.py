"""Which uploaded files the site uses, and which nothing uses any more.

An upload is public at its address from the moment it is stored: a picture added in the editor
is stored before the text it was meant for is saved, and stays when that text is never saved, when
the picture is taken out of it again, when the text is deleted, or when a location's photo is
replaced. A photo uploaded by mistake (one with a client in it) is then still on the web for
anyone who has, or guesses, its address. `manage.py unused_uploads` lists such files and deletes
them (docs/operations.md, "Uploads nothing uses").

A file is in use when a row of the content apps names it: a picture field holds its name, or a
text (rich text above all) holds its address. Drafts count, as do articles not yet published or
already taken down. A file is in the history when only a saved version names it (restoring that
version would show it again); such files are kept unless asked otherwise. The search errs towards
keeping: an address is recognised by its path alone (`/media/editor/...`), whatever host is
written before it.
"""

import hashlib
import html
import itertools
import json
import logging
import os
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from ckeditor_uploader.utils import get_thumb_filename
from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.db import connections, models, transaction
from django.utils.timezone import make_naive

from .caching import CONTENT_APPS, DESCRIBE_UPLOADS
from .images import BUCKET_ERRORS
from .picture_copies import picture_of_copy

logger = logging.getLogger(__name__)

# A file name as a text may write it after the media address: up to a quote, a space, the end of a
# tag, a query or a fragment.
_NAME_IN_ADDRESS = r"([^\s\"'<>?#\\]+)"


@dataclass(frozen=True)
class StoredFile:
    name: str
    size: int
    modified: datetime


# What a storage raises when it cannot be read or written: OSError for a folder, and the S3
# client's own errors for a bucket (which are not OSErrors).
STORAGE_ERRORS = (OSError, *BUCKET_ERRORS)


def _is_link(storage, name):
    """Whether `name` is a symbolic link in a folder storage: followed, a link into the media
    folder would offer files outside it for deletion."""
    try:
        return os.path.islink(storage.path(name))
    except NotImplementedError:  # a bucket: no links
        return False


def stored_files(storage):
    """Every file in `storage`, but hidden ones (a cleaning run's temporary copies), symbolic
    links and names that are not text (a file copied in by hand with a name in another
    encoding: logged, and left alone), by name."""
    if is_bucket(storage):
        return _objects_in_bucket(storage)
    found = []

    def walk(folder):
        try:
            folders, files = storage.listdir(folder)
        except FileNotFoundError:  # no upload yet: the media folder does not exist
            return
        for name in sorted(files):
            path = posixpath.join(folder, name) if folder else name
            if _readable(path) and not name.startswith(".") and not _is_link(storage, path):
                found.append(StoredFile(path, storage.size(path), storage.get_modified_time(path)))
        for name in sorted(folders):
            path = posixpath.join(folder, name) if folder else name
            if _readable(path) and not name.startswith(".") and not _is_link(storage, path):
                walk(path)

    walk("")
    return found


def is_bucket(storage):
    try:
        from storages.backends.s3 import S3Storage
    except ImportError:  # no bucket support installed
        return False
    return isinstance(storage, S3Storage)


def _objects_in_bucket(storage):
    """The objects under the storage's folder (AWS_LOCATION) in its bucket, from the bucket's own
    listing, which gives each object's size and time with its name, a thousand objects a request.
    The storage's own `listdir`, `size` and `get_modified_time` would make two requests a file
    and one a folder. They come sorted as the folder walk sorts a folder's."""
    from storages.utils import clean_name  # how the storage reads a name

    prefix = bucket_key(storage, "")
    client = storage.connection.meta.client
    # list_objects (version 1), as the storage's own listdir: S3-compatible services all have it.
    pages = client.get_paginator("list_objects").paginate(Bucket=storage.bucket_name, Prefix=prefix)
    found = []
    for page in pages:
        for entry in page.get("Contents", ()):
            name = entry["Key"][len(prefix) :]
            if not name or name.endswith("/") or any(part.startswith(".") for part in name.split("/")):
                continue  # the folder itself, a folder marker, or hidden
            if clean_name(name) != name:
                # a//b.png, a\\b.png, a/../b.png: the storage reads, and deletes, another key by it.
                logger.warning("The upload %r has a name the storage cannot address; it is left alone.", name)
                continue
            modified = entry["LastModified"]
            if not settings.USE_TZ:
                modified = make_naive(modified)
            found.append(StoredFile(name, entry["Size"], modified))
    return sorted(found, key=_walk_order)


def bucket_key(storage, name):
    """The key in its bucket of a name in a bucket storage: under its folder (AWS_LOCATION)."""
    folder = storage.location.strip("/")
    return f"{folder}/{name}" if folder else name


def _walk_order(file):
    """A folder's files before its folders, as the folder walk finds them."""
    *folders, name = file.name.split("/")
    return [(1, folder) for folder in folders] + [(0, name)]


def _readable(name):
    try:
        name.encode()
    except UnicodeEncodeError:
        logger.warning("The upload %r has a name that is not UTF-8 text; it is left alone.", name)
        return False
    return True


def addresses_pattern(storage):
    """What finds the stored names in a text: the path of the storage's addresses, then a name."""
    path = urlsplit(storage.url("name")).path
    return re.compile(re.escape(path.removesuffix("name")) + _NAME_IN_ADDRESS)


def names_in_text(text, pattern):
    """The stored names a text's addresses lead to, as written and as a browser resolves them
    (`/media/./editor/a.png` and `/media//editor/a.png` both load `editor/a.png`)."""
    names = set()
    for match in pattern.findall(text):
        name = unquote(html.unescape(match))
        names |= {name, posixpath.normpath(name).lstrip("/")}
    return names


# The names kept for versions (below): the site's own bookkeeping, which uses no upload (as the
# rows that describe uploads, caching.DESCRIBE_UPLOADS, do not), and the addresses visitors did
# not find, which name no upload in use.
_BOOKKEEPING = frozenset(
    {"carter_site.NameInVersion", "carter_site.NamesInVersionsRead", "carter_site.AddressNotFound"}
)


def _content_models():
    """The content apps' models, and the redirects' (an old address may lead to an upload)."""
    redirects = ["redirects"] if apps.is_installed("django.contrib.redirects") else []
    for label in (*CONTENT_APPS, *redirects):
        for model in apps.get_app_config(label).get_models():
            if model._meta.label not in DESCRIBE_UPLOADS | _BOOKKEEPING:
                yield model


@dataclass(frozen=True)
class Place:
    """A row that names a stored file: `model` and primary key, or a saved version of such a row."""

    model: type
    pk: str
    in_history: bool = False


def places_in_use(storage):
    """Stored name -> the rows of the content apps that use it, with a picture field or in a text."""
    pattern = addresses_pattern(storage)
    places = defaultdict(set)
    for model in _content_models():
        files = [
            field.attname for field in model._meta.concrete_fields if isinstance(field, models.FileField)
        ]
        texts = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, (models.TextField, models.CharField))
            and not isinstance(field, models.FileField)
        ]
        if not files and not texts:
            continue
        for pk, *row in model._base_manager.values_list("pk", *files, *texts).iterator():
            named = {value for value in row[: len(files)] if value}
            for value in row[len(files) :]:
                if value and "/" in value:
                    named |= names_in_text(value, pattern)
            for name in named:
                places[name].add(Place(model, str(pk)))
    return places


# A version names a stored file when one of its fields holds the file's name, or a text of it an
# address of the file: what `names_in_version` finds. The *Uploaded pictures* page asked that of
# every version at every visit, reading each one's whole serialized data (every article's text,
# as often as it was saved): 430 ms at 17,777 versions on PostgreSQL, growing with each save
# (docs/performance.md). Each version's names are kept instead, as numbers (NameInVersion), when
# it is saved (`remember_names`; those saved before by the migration that brought this in); the
# page then looks up only the names of the stored files, with an index, however many versions
# there are.

# Longer than this, no name is a stored file's: PATH_MAX on Linux (a bucket's keys stop at 1,024).
_LONGEST_NAME = 4096


def _could_be_stored(value):
    """Whether `value` could be the name of a file that `stored_files` lists: short enough, and
    with no part hidden (a name or folder starting with a dot), which it never lists."""
    return len(value) <= _LONGEST_NAME and not any(part.startswith(".") for part in value.split("/"))


def names_in_version(data, pattern):
    """The names that a version's serialized data (django-reversion's JSON) uses a stored file
    by, among them many that are no file's: the value of each field that could be a stored name
    (a picture field's name, but also a title: which of them are files is known only when the
    files are listed), and the names each text's addresses give. Data that is not JSON is read
    as text, keeping what its addresses name."""
    try:
        objects = json.loads(data)
    except ValueError:
        return names_in_text(data, pattern)  # not JSON: read it as text, and keep what it names
    named = set()
    for item in objects if isinstance(objects, list) else [objects]:
        fields = item.get("fields", {}) if isinstance(item, dict) else {}
        for value in fields.values():
            if isinstance(value, str) and value:
                if _could_be_stored(value):
                    named.add(value)
                if "/" in value:
                    named |= names_in_text(value, pattern)
    return named


def name_digest(name):
    """A name as the number NameInVersion keeps (a 64-bit hash: two names with the same number
    would only keep a file as used that is not). None for a name no file can have (not UTF-8)."""
    try:
        encoded = name.encode()
    except UnicodeEncodeError:
        return None
    return int.from_bytes(hashlib.blake2b(encoded, digest_size=8).digest(), "big", signed=True)


def _rules(storage):
    """What the names kept depend on besides the versions: the path of the uploads' addresses."""
    return urlsplit(storage.url("name")).path.removesuffix("name")


def _rows_of_names(versions, pattern, row):
    """`row` (NameInVersion) rows for (version id, serialized data) pairs, and after each
    version's rows the version's id alone."""
    for version_id, data in versions:
        digests = {name_digest(name) for name in names_in_version(data, pattern)} - {None}
        for digest in digests:
            yield row(version_id=version_id, digest=digest)
        yield version_id


def _save_rows(rows, row, batch=2000):
    """Save the rows `_rows_of_names` gives; the id of the last version read, or None."""
    rows, last, chunk = iter(rows), None, []
    for item in itertools.chain(rows, [None]):
        if isinstance(item, row):
            chunk.append(item)
        elif item is not None:
            last = item
        if chunk and (item is None or len(chunk) >= batch):
            row.objects.bulk_create(chunk, ignore_conflicts=True)
            chunk = []
    return last


def remember_names(versions, storage=None):
    """Keep the names each of `versions` (saved django-reversion Versions) holds: called as each
    is saved (carter_site.apps). With versions that another configuration of the uploads' addresses
    read, they are all read again at the next use (`read_names_in_versions`)."""
    from .models import NameInVersion

    pattern = addresses_pattern(storage or default_storage)
    pairs = ((version.pk, version.serialized_data) for version in versions)
    _save_rows(_rows_of_names(pairs, pattern, NameInVersion), NameInVersion)


def _version_saved(sender, instance, created, **kwargs):
    if created:
        remember_names([instance])


def _revision_saved(sender, revision, versions, **kwargs):
    # django-reversion saves a revision's versions at once where the database gives their ids
    # back (no post_save), else one by one (`_version_saved`).
    if connections[revision._state.db or "default"].features.can_return_rows_from_bulk_insert:
        remember_names(versions)


def connect_signals():
    """Keep the names of each version as it is saved, however it is (carter_site.apps)."""
    from django.db.models.signals import post_save
    from reversion.models import Version
    from reversion.signals import post_revision_commit

    post_save.connect(_version_saved, sender=Version, dispatch_uid="carter_site.media_usage:version")
    post_revision_commit.connect(_revision_saved, dispatch_uid="carter_site.media_usage:revision")


def read_names_in_versions(storage, again=False, models=None):
    """Make sure NameInVersion holds the names of every saved version, read with the rules of
    `storage`. Each version's are kept as it is saved (`remember_names`); here the versions saved
    since the last call are read too, in case one was written around django-reversion (by hand,
    a bulk insert: no signal): as many as were saved since, not the whole history. They are all
    read again when it was never done, when the uploads' addresses have changed since (moved to
    a bucket, another MEDIA_URL), or `again`. The migration that adds NameInVersion reads them,
    with its `models` (Version, NameInVersion, NamesInVersionsRead)."""
    if models is None:
        from reversion.models import Version

        from .models import NameInVersion, NamesInVersionsRead

        models = (Version, NameInVersion, NamesInVersionsRead)
    version, row, read = models
    rules = _rules(storage)
    done = None if again else read.objects.filter(rules=rules).first()
    pattern = addresses_pattern(storage)
    with transaction.atomic():
        if done is None:
            read.objects.all().delete()
            row.objects.all().delete()
            done = read.objects.create(rules=rules)
        versions = (
            version.objects.filter(pk__gt=done.up_to).order_by("pk").values_list("pk", "serialized_data")
        )
        up_to = _save_rows(_rows_of_names(versions.iterator(chunk_size=200), pattern, row), row)
        if up_to is not None:
            read.objects.filter(pk=done.pk, up_to__lt=up_to).update(up_to=up_to)


def places_in_history(storage, stored_names):
    """Stored name -> the rows whose saved versions (django-reversion) use it: as the value of a
    field (a picture field's name), or in a text. Reads the names kept for the versions
    (NameInVersion), a query per 500 stored files, never the versions themselves."""
    from .models import NameInVersion

    read_names_in_versions(storage)
    by_digest = defaultdict(list)
    for name in stored_names:
        digest = name_digest(name)
        if digest is not None:
            by_digest[digest].append(name)
    digests = sorted(by_digest)
    places = defaultdict(set)
    for start in range(0, len(digests), 500):
        rows = (
            NameInVersion.objects.filter(digest__in=digests[start : start + 500])
            .values_list("digest", "version__content_type_id", "version__object_id")
            .distinct()
        )
        for digest, content_type_id, object_id in rows:
            model = ContentType.objects.get_for_id(content_type_id).model_class()
            for name in by_digest[digest]:
                places[name].add(Place(model, object_id, in_history=True))
    return places


@dataclass
class Usage:
    in_use: list
    only_in_history: list
    unused: list
    thumbnails: dict  # a stored picture's name -> its editor thumbnail's, where it has one
    places: dict  # a stored name -> the rows that use it now, or else those whose versions do
    sizes: dict  # a stored name -> its size in bytes, as listed
    # a stored picture's name -> the names of its smaller copies (carter_site.picture_copies)
    copies: dict

    def companions(self, file):
        """The stored names that go with a file: its editor thumbnail and its smaller copies."""
        thumbnail = self.thumbnails.get(file.name)
        return [*self.copies.get(file.name, ()), *([thumbnail] if thumbnail else [])]

    def size(self, file):
        """A file's size, with its editor thumbnail's and its copies'."""
        return file.size + sum(self.sizes[name] for name in self.companions(file))

    def preview(self, file):
        """The smallest stored picture that shows a file: its thumbnail, its narrowest copy, or itself."""
        copies = self.copies.get(file.name)
        return self.thumbnails.get(file.name) or (copies[0] if copies else file.name)

    def picture_of(self, name):
        """The picture a stored thumbnail or copy goes with, or None."""
        for picture, thumbnail in self.thumbnails.items():
            if thumbnail == name:
                return picture
        return next((picture for picture, copies in self.copies.items() if name in copies), None)


def usage(storage):
    """Every stored file, sorted into in use, only in the history, and unused.

    The editor's browse window shows each picture it stored by a small copy (`name_thumb.png`),
    and a picture field's picture, like one uploaded through the editor, has smaller copies for
    phones (`copies/name-480w.jpg`, carter_site.picture_copies): a copy goes with its picture (in use, only in the history or
    unused as it is, deleted with it), and one whose picture is gone is unused. The files are listed
    before the rows are read: a file uploaded meanwhile is in none of the lists.
    """
    files = stored_files(storage)
    names = {file.name for file in files}
    in_use = places_in_use(storage)
    in_history = places_in_history(storage, names)
    # Only the editor makes small copies, and only in its folder; a file that anything uses is
    # never taken for one, whatever its name.
    thumbnails = {
        file.name: get_thumb_filename(file.name)
        for file in files
        if file.name.startswith(settings.CKEDITOR_UPLOAD_PATH)
        and get_thumb_filename(file.name) in names
        and get_thumb_filename(file.name) not in in_use
        and get_thumb_filename(file.name) not in in_history
    }
    # Smaller copies go with their picture the same way, whatever uses it (a picture field, a text).
    copies = defaultdict(list)
    for file in files:
        picture = picture_of_copy(file.name)
        if picture in names and file.name not in in_use and file.name not in in_history:
            copies[picture].append(file.name)
    for names_of_copies in copies.values():
        names_of_copies.sort(key=_copy_width)
    going_with = set(thumbnails.values()) | {name for each in copies.values() for name in each}
    found = Usage([], [], [], thumbnails, {}, {file.name: file.size for file in files}, dict(copies))
    for file in files:
        if file.name in in_use:
            found.in_use.append(file)
            found.places[file.name] = in_use[file.name]
        elif file.name in going_with:
            continue  # goes with its picture
        elif file.name in in_history:
            found.only_in_history.append(file)
            found.places[file.name] = in_history[file.name]
        else:
            found.unused.append(file)
    return found


def _copy_width(name):
    return int(name.rsplit("-", 1)[1].split("w.", 1)[0])


def reason(error):
    """What went wrong with a storage, in its own words: an OSError's, the S3 service's
    ("AccessDenied: Access Denied"), or its client's ("Could not connect to the endpoint URL: ...")."""
    response = getattr(error, "response", None)
    said = response.get("Error", {}) if isinstance(response, dict) else {}
    if said.get("Code"):
        return ": ".join(part for part in (said["Code"], said.get("Message")) if part)
    return getattr(error, "strerror", None) or str(error)


def delete(storage, found, files):
    """Delete `files` of `found` (a Usage), each with the editor's small copy of it and its
    smaller copies for phones: those first, so that a failure leaves the picture with what is left
    of them, to be deleted with it next time. The record of a picture uploaded through the editor
    (EditorPicture) goes with it: a picture uploaded later under the same name has copies of its own.

    Returns the names deleted, the bytes freed, and (name, reason) for each file that could not
    be deleted; the others are deleted all the same."""
    from .models import EditorPicture

    deleted, freed, failures = [], 0, []
    for file in files:
        size = found.size(file)
        try:
            for companion in found.companions(file):
                storage.delete(companion)
            storage.delete(file.name)
        except STORAGE_ERRORS as error:
            failures.append((file.name, reason(error)))
            continue
        deleted.append(file.name)
        freed += size
    if deleted:
        EditorPicture.objects.filter(name__in=deleted).delete()
    return deleted, freed, failures
