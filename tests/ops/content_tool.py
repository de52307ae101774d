"""Fill a database with content, or write down every field of every content row.

    python -m tests.ops.content_tool seed
    python -m tests.ops.content_tool snapshot PATH
    python -m tests.ops.content_tool add-article

Run in a subprocess with DJANGO_SETTINGS_MODULE and DATABASE_URL of the database to use (the
backup test runs it before a dump and after a restore, then compares the two snapshots).
"""

import datetime as dt
import decimal
import json
import sys
import uuid

import django

django.setup()

from django.apps import apps  # noqa: E402
from django.db.models.fields.files import FieldFile  # noqa: E402
from django.utils import timezone  # noqa: E402

CONTENT_APPS = ["articles", "faqs", "locations", "testimonials", "pages", "carter_site"]


def seed():
    from carter_site.models import SiteSettings
    from tests import factories

    locations = [
        factories.LocationFactory(name=name) for name in ["Alpharetta", "Jefferson", "Décatur – Süd"]
    ]
    for location in locations:
        factories.OpeningHoursFactory(location=location, weekday=1, opens=dt.time(9), closes=dt.time(12))
        factories.OpeningHoursFactory(
            location=location, weekday=3, opens=dt.time(18), closes=dt.time(21), label="Evening track"
        )
    faqs = [factories.FAQFactory() for _ in range(4)]
    faqs.append(factories.FAQFactory(question="¿Hablan español? “Quotes” and emoji 🌿", is_published=False))
    testimonials = [
        factories.TestimonialFactory(location=locations[0]),
        factories.TestimonialFactory(quote="Line one.\nLine two, with <b>markup</b> & ampersands."),
    ]
    articles = [
        factories.ArticleFactory(title="Naïve café “quotes” — and a long dash"),
        factories.ArticleFactory(draft=True),
        factories.ArticleFactory(scheduled=True),
        factories.ArticleFactory(expired=True),
        factories.ArticleFactory(
            published_at=timezone.now().replace(microsecond=123456), meta_description="Microseconds kept."
        ),
    ]
    for order, article in enumerate(articles):
        factories.ArticleLocationFactory(article=article, location=locations[order % len(locations)])
        factories.ArticleFAQFactory(article=article, faq=faqs[order % len(faqs)], order=order)
    factories.LocationFAQFactory(location=locations[0], faq=faqs[0])
    factories.ArticleTestimonialFactory(article=articles[0], testimonial=testimonials[0])
    factories.ArticleTestimonialFactory(article=articles[4], testimonial=testimonials[1])
    SiteSettings(phone="(470) 555-0199", phone_hours="Around the clock").save()
    factories.PageFactory(title="Privacy notice", slug="privacy", effective_on=dt.date(2026, 3, 1))
    factories.PageFactory(
        title="Old notice – “draft”", slug="old-notice", is_published=False, in_footer=False
    )


def add_article():
    """After a restore, new rows get fresh primary keys (the sequences were restored too)."""
    from tests import factories

    print(factories.ArticleFactory(slug=f"after-restore-{uuid.uuid4().hex[:8]}").pk)


def plain(value):
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name
    return value


def snapshot():
    """{model: [{field: value, ...} for each row by primary key]} for every content model."""
    tables = {}
    for label in CONTENT_APPS:
        for model in apps.get_app_config(label).get_models():
            rows = []
            for obj in model._default_manager.order_by("pk"):
                row = {
                    field.attname: plain(field.value_from_object(obj))
                    for field in model._meta.concrete_fields
                }
                for field in model._meta.many_to_many:
                    row[field.name] = sorted(related.pk for related in getattr(obj, field.name).all())
                rows.append(row)
            tables[model._meta.label] = rows
    return tables


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "seed":
        seed()
    elif command == "add-article":
        add_article()
    elif command == "snapshot":
        with open(sys.argv[2], "w") as out:
            json.dump(snapshot(), out, ensure_ascii=False, indent=1, sort_keys=True)
    else:
        sys.exit(f"unknown command {command!r}")
