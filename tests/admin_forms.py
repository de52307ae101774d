"""Turn an admin change form or change list, as rendered, into the data a browser would post back;
and the admin's change form of an object, opened by a member of one of the roles."""

from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse


def change_url(obj):
    """The address of `obj`'s change form in the admin."""
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def staff_member(group_name, username, first_name=""):
    """A new staff member in the group `group_name` (carter_site.roles)."""
    from tests.factories import UserFactory

    user = UserFactory(username=username, first_name=first_name, is_staff=True)
    if not Group.objects.filter(name=group_name).exists():
        # An earlier transactional test emptied the tables, the groups of the data migration too.
        from carter_site.roles import sync_roles

        sync_roles()
    user.groups.add(Group.objects.get(name=group_name))
    return user


def signed_in(group_name, username, first_name=""):
    """A browser signed in as a new staff member in the group `group_name` (carter_site.roles)."""
    client = Client()
    client.force_login(staff_member(group_name, username, first_name))
    return client


def signed_in_as_clinician(clinician, username):
    """A browser signed in as a new member of Clinical reviewers whose account is linked to
    `clinician`: the one clinician they may sign reviews as."""
    from carter_site.roles import CLINICAL_REVIEWERS

    clinician.user = staff_member(CLINICAL_REVIEWERS, username)
    clinician.save()
    client = Client()
    client.force_login(clinician.user)
    return client


def _field_data(form, data):
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = form.add_prefix(name)
        widget_data = field.widget.format_value(value) if hasattr(field.widget, "format_value") else value
        if getattr(field.widget, "widgets", None):  # split date/time widgets
            # A form shown again after an error holds the parts as they were posted.
            parts = value if isinstance(value, (list, tuple)) else field.widget.decompress(value)
            for index, part in enumerate(parts):
                shown = field.widget.widgets[index].format_value(part)  # as each box shows it
                data[f"{key}_{index}"] = "" if shown is None else str(shown)
        elif isinstance(value, (list, tuple)):
            data[key] = [str(item) for item in value]
        elif isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = ""
        elif hasattr(value, "name") and not isinstance(value, str):  # file fields: keep the stored file
            continue
        else:
            data[key] = widget_data if isinstance(widget_data, str) else str(value)


def admin_form_data(response):
    """The POST data for the change or revision form in `response`."""
    context = response.context
    data = {}
    _field_data(context["adminform"].form, data)
    for inline in context["inline_admin_formsets"]:
        _formset_data(inline.formset, data)
    return data


def changelist_form_data(response):
    """The POST data for the editable rows of the change list in `response` (list_editable)."""
    return _formset_data(response.context["cl"].formset, {})


def _formset_data(formset, data):
    management = formset.management_form
    for key in management.fields:  # as rendered: initial values, or those posted before an error
        value = management[key].value()
        data[management.add_prefix(key)] = "" if value is None else str(value)
    # Forms actually rendered (extra forms included) must be counted and sent.
    data[management.add_prefix("TOTAL_FORMS")] = str(len(formset.forms))
    for form in formset.forms:
        _field_data(form, data)
    return data


def edit_in_admin(editor, obj, **changes):
    """Change `obj` through its admin change form, exactly as an editor's browser posts it; fail
    with the form's errors if it is not saved."""
    from django.urls import reverse

    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = admin_form_data(editor.get(url))
    data.update(changes)
    response = editor.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    return response


def article_form_data(**overrides):
    """What the admin's form for a new article posts, with nothing placed on it; `overrides` on top."""
    data = {
        "title": "Saved through the admin",
        "slug": "saved-through-the-admin",
        "summary": "A short summary.",
        "body": "<h2>Hello</h2><p>Plain words.</p>",
        "author": "",
        "status": "draft",
        "published_at_0": "",
        "published_at_1": "",
        "expires_at_0": "",
        "expires_at_1": "",
        "hero_image_alt": "",
        "seo_title": "",
        "meta_description": "",
    }
    for prefix in (
        "location_links",
        "faq_placements",
        "testimonial_placements",
        "read_next_choices",
        "preview_links",
    ):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def faq_editor(username):
    """A staff member who may change FAQs and nothing else."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username=username, is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="faqs", codename__in=["change_faq", "view_faq"])
    )
    return user
