# A clinician may have a public page (with their agreement): whether to show it, its address
# (a slug made from the name, unique), and whether it has been public (old addresses redirect).

import carter_site.redirects
from django.db import migrations, models
from django.utils.text import slugify


def fill_slugs(apps, schema_editor):
    """Each clinician's address from their name, made unique by a number ("morgan-hale-2"), or
    from their id for a name with no letters an address can hold. No page is shown yet."""
    Clinician = apps.get_model("articles", "Clinician")
    taken = set()
    for clinician in Clinician.objects.order_by("pk"):
        base = slugify(clinician.name)[:110] or f"clinician-{clinician.pk}"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        Clinician.objects.filter(pk=clinician.pk).update(slug=slug)


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0021_notice_preference'),
    ]

    operations = [
        migrations.AddField(
            model_name='clinician',
            name='has_page',
            field=models.BooleanField(default=False, help_text='Ask the clinician first, and tick only once they have agreed: their name, licence letters, bio and the articles they reviewed then have a public page, and the articles link to it. Untick to take the page down.', verbose_name='show a page on the site'),
        ),
        migrations.AddField(
            model_name='clinician',
            name='slug',
            field=models.SlugField(db_index=False, default='', max_length=120),
            preserve_default=False,
        ),
        migrations.RunPython(fill_slugs, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='clinician',
            name='slug',
            field=models.SlugField(error_messages={'unique': "Another clinician's page has this address already. Make it different, for example with a middle initial or the licence letters (morgan-hale-lcsw)."}, help_text="The end of the page's address, in lower case, for example /clinicians/morgan-hale/. Filled in from the name; once the page is public, a new address keeps the old one working.", max_length=120, unique=True, validators=[carter_site.redirects.validate_lower_case]),
        ),
        migrations.AddField(
            model_name='clinician',
            name='was_public',
            field=models.BooleanField(default=False, editable=False, help_text="Set for good once the clinician's page has been public: renaming it keeps its old address."),
        ),
        migrations.AlterField(
            model_name='clinician',
            name='bio',
            field=models.TextField(blank=True, help_text="Two or three plain sentences, shown on the clinician's page as written (no formatting; an empty line starts a new paragraph).", max_length=800),
        ),
    ]
