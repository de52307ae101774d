"""Image upload and browsing for CKEditor, for staff signed in to the admin only, images only.

django-ckeditor's own upload view accepts whatever Pillow can open, has no size limit,
and writes the CKEditorFuncNum parameter into a script unquoted. This view checks the
request and the file first (carter_site.images), then hands a good image to it.
"""

import json

from ckeditor_uploader import views as ckeditor_views
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseForbidden, JsonResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from .images import validate_uploaded_image
from .two_factor import admin_permission_required

# Whoever may edit a rich-text field may put an image in it.
EDITING_PERMISSIONS = ("articles.change_article", "locations.change_location", "faqs.change_faq")


def _editor_error(request, message):
    """Answer in the form the editor reads, so the message is shown to the editor."""
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num:
        script = f"window.parent.CKEDITOR.tools.callFunction({int(func_num)}, '', {json.dumps(message)});"
        return HttpResponse(f"<script>{script}</script>")
    return JsonResponse({"uploaded": 0, "error": {"message": message}})


def _same_origin(request):
    """CKEditor posts without Django's CSRF token, so check where the post came from."""
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if not origin:
        return True  # non-browser clients send neither; the session cookie is SameSite=Lax
    return url_has_allowed_host_and_scheme(
        origin, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@csrf_exempt
@require_POST
@admin_permission_required
def upload_image(request):
    func_num = request.GET.get("CKEditorFuncNum", "")
    if func_num and not func_num.isdigit():
        return HttpResponseBadRequest("CKEditorFuncNum must be a number.")
    if not _same_origin(request):
        return HttpResponseForbidden("Uploads are accepted only from this site's editor.")
    if not any(request.user.has_perm(perm) for perm in EDITING_PERMISSIONS):
        return _editor_error(request, "You do not have permission to upload images.")
    upload = request.FILES.get("upload")
    if upload is None:
        return _editor_error(request, "No file arrived. Choose an image and try again.")
    try:
        validate_uploaded_image(upload)
    except ValidationError as error:
        return _editor_error(request, " ".join(error.messages))
    upload.name = _storable_name(upload.name)
    return ckeditor_views.upload(request)


# File systems refuse names longer than 255 bytes, and the storage may add a suffix to keep a
# name unique: a picture called by a whole sentence is stored under its first 100 bytes.
MAX_NAME_BYTES = 100


def _storable_name(name):
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = name, ""
    budget = MAX_NAME_BYTES - len(extension.encode()) - (1 if extension else 0)
    stem = stem.encode()[:budget].decode(errors="ignore") or "image"
    return f"{stem}.{extension}" if extension else stem


browse_images = never_cache(admin_permission_required(ckeditor_views.browse))
