"""Image upload and browsing for CKEditor, for staff signed in to the admin only, images only,
stored without their camera and editing metadata (carter_site.image_metadata).

django-ckeditor's own upload view accepts whatever Pillow can open, has no size limit,
and writes the CKEditorFuncNum parameter into a script unquoted. This view checks the
request and the file first (carter_site.images), then hands a good image to it.

A picture stored through the editor gets smaller copies for phones, as a picture field's does
(carter_site.picture_copies), made by the image backend (settings.CKEDITOR_IMAGE_BACKEND,
PictureBackend) once it has stored the picture; its width and the widths of its copies are kept
in an EditorPicture row, from which the `richtext` filter writes each picture's `srcset`. The
editor's browse window lists the pictures, not their copies.
"""

import io
import json
import logging
import os
import re
from urllib.parse import urlsplit

from ckeditor_uploader import utils as ckeditor_utils
from ckeditor_uploader import views as ckeditor_views
from ckeditor_uploader.backends import PillowBackend
from ckeditor_uploader.forms import SearchForm
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .images import cleaned_copy, shown_size, stored_name, validate_uploaded_image
from .picture_copies import copies_or_none, picture_of_copy
from .two_factor import admin_permission_required

logger = logging.getLogger(__name__)

# The editor's dialog names its callback by a small number. ASCII digits only: str.isdigit()
# also passes "²" and other digits that int() or JavaScript would not read as this number.
CALLBACK_NUMBER = re.compile(r"[0-9]{1,9}")


def may_edit_rich_text(request):
    """Whoever may edit a rich-text field may put an image in it, and browse those put there.

    An article's text is the article admin's to say (a clinical reviewer holds "change article"
    only to record reviews, and may not change a word); locations, FAQs and standing pages by
    their permission."""
    from articles.models import Article  # the admin registry is complete once a request arrives

    if admin.site.get_model_admin(Article).has_edit_content_permission(request):
        return True
    return any(
        request.user.has_perm(permission)
        for permission in ("locations.change_location", "faqs.change_faq", "pages.change_page")
    )


def _editor_error(request, message):
    """Answer in the form the editor reads, so the message is shown to the editor."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num:
        script = f"window.parent.CKEDITOR.tools.callFunction({int(func_num)}, '', {json.dumps(message)});"
        return HttpResponse(f"<script>{script}</script>")
    return JsonResponse({"uploaded": 0, "error": {"message": message}})


def _same_origin(request):
    """CKEditor posts without Django's CSRF token, so check where the post came from.

    An origin must be this site's, in full: "null" (a sandboxed frame, a page with no referrer)
    or any other address without a scheme and host says nothing about where the post came from.
    """
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # non-browser clients send neither; the session cookie is SameSite=Lax
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    return url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@csrf_exempt
@require_POST
@admin_permission_required
def upload_image(request):
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num and not CALLBACK_NUMBER.fullmatch(func_num):
        return HttpResponseBadRequest("CKEditorFuncNum must be a number of up to 9 digits.")
    if not _same_origin(request):
        return HttpResponseForbidden("Uploads are accepted only from this site's editor.")
    if not may_edit_rich_text(request):
        return _editor_error(request, "Only those who edit the text of pages may add pictures to it.")
    upload = request.FILES.get("upload")
    if upload is None:
        return _editor_error(request, "No file arrived. Choose an image and try again.")
    try:
        picture_format = validate_uploaded_image(upload)
    except ValidationError as error:
        return _editor_error(request, " ".join(error.messages))
    # What django-ckeditor stores, and makes its thumbnail from, is the picture without its
    # camera and editing metadata, under the name of what it is.
    request.FILES["upload"] = SimpleUploadedFile(
        stored_name(upload.name, picture_format), cleaned_copy(upload, picture_format), upload.content_type
    )
    return ckeditor_views.upload(request)


def record_picture(storage, name, data):
    """Make the smaller copies of the picture `data` just stored as `name` through the editor, and
    keep its width and theirs in its EditorPicture row (one left by an earlier picture of the same
    name, deleted since, is replaced). Returns the row, or None when it could not be written.

    Nothing here fails the upload: a picture whose size or copies cannot be made is shown at its
    full size, and the log says why (`manage.py picture_copies` makes them later)."""
    from .models import EditorPicture

    try:
        width = shown_size(io.BytesIO(data))[0]
    except Exception as error:  # Pillow raises many kinds
        logger.warning(
            "The size of the picture %s could not be read (%s); it has no smaller copies.", name, error
        )
        width, copies = None, None
    else:
        copies = copies_or_none(storage, name, data)
    try:
        with transaction.atomic():
            picture, _ = EditorPicture.objects.update_or_create(
                name=name, defaults={"width": width, "copy_widths": copies}
            )
    except DatabaseError as error:
        logger.warning(
            "The picture %s was stored, but its smaller copies could not be recorded (%s); pages show it "
            "at its full size until manage.py picture_copies records them.",
            name,
            error,
        )
        return None
    return picture


def copy_pictures_in_texts(storage):
    """Make the smaller copies of each picture uploaded through the editor that a text shows (or
    that was recorded without them) and has none yet, and record them: for `manage.py
    picture_copies`, after an upgrade, or after copies failed when the picture was stored.
    Returns (pictures given copies, pictures none was worth making of, [(name, reason)] of the
    pictures that could not be read or copied, pictures left unread), as
    carter_site.images.make_stored_copies() does.

    The pictures are those a saved row's text names under the editor's folder
    (carter_site.media_usage). A recorded picture whose file is gone and that no text names is
    forgotten, as there is nothing to copy and nothing shows it. A bucket out of reach stops the
    work at once."""
    from .images import BUCKET_OUT_OF_REACH, _in_words
    from .media_usage import places_in_use
    from .models import EditorPicture
    from .picture_copies import make_copies

    recorded = dict(EditorPicture.objects.values_list("name", "copy_widths"))
    done = {name for name, copies in recorded.items() if copies is not None}
    in_texts = {
        name
        for name in places_in_use(storage)
        if name.startswith(settings.CKEDITOR_UPLOAD_PATH) and picture_of_copy(name) is None
    }
    names = sorted((in_texts | set(recorded)) - done)
    copied = none_worth = 0
    failures = []
    for done_count, name in enumerate(names):
        try:
            with storage.open(name, "rb") as file:
                data = file.read()
            width = shown_size(io.BytesIO(data))[0]
            widths = make_copies(storage, name, data)
        except BUCKET_OUT_OF_REACH as error:
            logger.warning("The media storage could not be reached (%s).", error)
            return copied, none_worth, failures, len(names) - done_count
        except FileNotFoundError:
            if name not in in_texts:
                EditorPicture.objects.filter(name=name).delete()
                continue
            logger.warning("Smaller copies of the picture %s could not be made (the file is missing).", name)
            failures.append((name, "the file is missing"))
            continue
        except Exception as error:  # damaged or refused: Pillow and storages raise many kinds
            logger.warning("Smaller copies of the picture %s could not be made (%s).", name, error)
            failures.append((name, _in_words(error)))
            continue
        EditorPicture.objects.update_or_create(name=name, defaults={"width": width, "copy_widths": widths})
        if widths:
            copied += 1
        else:
            none_worth += 1
    return copied, none_worth, failures, 0


class PictureBackend(PillowBackend):
    """django-ckeditor's Pillow backend (which stores the picture and its thumbnail for the browse
    window), then the picture's smaller copies for phones (record_picture())."""

    def save_as(self, filepath):
        saved_path = super().save_as(filepath)
        if self.is_image:
            try:
                self.file_object.seek(0)
                data = self.file_object.read()
            except (ValueError, OSError):  # a storage may close the file it stored
                with self.storage_engine.open(saved_path, "rb") as stored:
                    data = stored.read()
            record_picture(self.storage_engine, saved_path, data)
        return saved_path


def _browse_entries(user):
    """The entries of the browse window, as django-ckeditor makes them
    (ckeditor_uploader.views.get_files_browse_urls: the picture's address, its thumbnail's, the
    name shown), for the pictures but not their smaller copies.

    A file whose name is not text (bytes that are not UTF-8, from a copy made by hand on the
    server) has no address, and django-ckeditor's list failed as a whole on it: the window
    answered an error. It is left out, and the log says how many were."""
    entries, unreadable = [], 0
    for name in ckeditor_views.get_image_files(user=user):
        try:
            name.encode()
        except UnicodeEncodeError:
            unreadable += 1
            continue
        src = ckeditor_utils.get_media_url(name)
        if picture_of_copy(urlsplit(src).path) is not None:
            continue
        is_image = ckeditor_utils.is_valid_image_extension(src)
        thumb = (
            ckeditor_utils.get_media_url(ckeditor_utils.get_thumb_filename(name))
            if is_image
            else ckeditor_utils.get_icon_filename(name)
        )
        shown = os.path.basename(name)
        entries.append(
            {
                "thumb": thumb,
                "src": src,
                "is_image": is_image,
                "visible_filename": shown if len(shown) <= 20 else f"{shown[:19]}...",
            }
        )
    if unreadable:
        logger.warning(
            "%d uploaded file(s) left out of the editor's picture browser: their names are not "
            "UTF-8 text. Rename them on the server to list them.",
            unreadable,
            extra={"event": "unreadable_upload_names", "files": unreadable},
        )
    return entries


@never_cache
@admin_permission_required
def browse_images(request):
    """django-ckeditor's browse window, without the pictures' smaller copies: an editor chooses a
    picture, and the page offers its copies."""
    if not may_edit_rich_text(request):
        return HttpResponseForbidden("Only those who edit the text of pages may browse its pictures.")
    files = _browse_entries(request.user)
    if request.method == "POST":
        form = SearchForm(request.POST)
        if form.is_valid():
            query = form.cleaned_data.get("q", "").lower()
            files = [file for file in files if query in file["visible_filename"].lower()]
    else:
        form = SearchForm()
    context = {
        "show_dirs": getattr(settings, "CKEDITOR_BROWSE_SHOW_DIRS", False),
        "dirs": sorted({os.path.dirname(file["src"]) for file in files}, reverse=True),
        "files": files,
        "form": form,
    }
    return render(request, "ckeditor/browse.html", context)
