"""Small helpers shared by the page-cache tests."""

from django.urls import reverse

from tests.admin_forms import admin_form_data


def cache_status(response):
    """'hit', 'miss' or 'skip' when the page cache looked at the request; None when it stayed out."""
    return response.get("X-Page-Cache")


def text(response):
    return response.content.decode()


def edit_in_admin(editor, obj, **changes):
    """Change `obj` through its admin change form, exactly as an editor's browser posts it."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(editor.get(url))
    data.update(changes)
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def admin_action(editor, model, action, objects):
    """Run a bulk action of the changelist on `objects`."""
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = editor.post(url, {"action": action, "_selected_action": [str(obj.pk) for obj in objects]})
    assert response.status_code == 302
    return response
