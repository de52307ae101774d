"""Addresses saved with capitals before every address had to be lower case are written in lower case.

Visitors are led to the lower-case address (an address typed in capitals is redirected there), and
such a page answered only at its own, so /articles/family-week/ said "not found" for a page saved
as Family-Week, until an editor saved it again. Now its slug is written in lower case, and the
address with capitals still leads to the page. A redirect that led to the old address leads to
the new one directly; one from the new address, which a live page there would never let answer,
is removed (as carter_site.redirects.record_move does on a rename).

Where the lower-case address is another row's, the row is left as it is: its next save asks the
editor for another address. Nothing else in the row changes (not when it was last saved, nor its
history).
"""

from django.db import migrations
from django.urls import reverse

# (app, model, the URL name of its page)
ADDRESSED = [
    ("articles", "Article", "articles:detail"),
    ("articles", "Clinician", "clinicians:detail"),
    ("locations", "Location", "locations:detail"),
    ("faqs", "Topic", "faqs:topic"),
    ("pages", "Page", "pages:detail"),
]


def write_addresses_in_lower_case(apps, schema_editor):
    Redirect = apps.get_model("redirects", "Redirect")
    for app_label, model_name, url_name in ADDRESSED:
        model = apps.get_model(app_label, model_name)
        for pk, slug in model.objects.values_list("pk", "slug"):
            lower = slug.lower()
            if lower == slug or model.objects.filter(slug=lower).exists():
                continue
            model.objects.filter(pk=pk).update(slug=lower)
            old_path, new_path = reverse(url_name, args=[slug]), reverse(url_name, args=[lower])
            Redirect.objects.filter(new_path=old_path).update(new_path=new_path)
            Redirect.objects.filter(old_path=new_path).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("carter_site", "0016_columns_default_in_the_database"),
        ("articles", "0030_columns_default_in_the_database"),
        ("locations", "0014_columns_default_in_the_database"),
        ("faqs", "0010_columns_default_in_the_database"),
        ("pages", "0002_roles"),
        ("redirects", "0002_alter_redirect_new_path_help_text"),
    ]

    # Going back leaves the addresses in lower case: they are valid in every release.
    operations = [migrations.RunPython(write_addresses_in_lower_case, migrations.RunPython.noop)]
