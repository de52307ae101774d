"""`manage.py load_demo_content`: fill a development database with demo content (rerunnable)."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from carter_site.demo_content import load_demo_content


class Command(BaseCommand):
    help = (
        "Create or refresh demo locations, FAQs, testimonials and articles. Safe to run more than "
        "once. The testimonials are invented, so this refuses to run with production settings."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even with the production settings module (for a staging copy only).",
        )

    def handle(self, *args, **options):
        if (settings.SETTINGS_MODULE or "").endswith(".prod") and not options["allow_production"]:
            raise CommandError(
                "These are the production settings, and the demo content (including made-up "
                "testimonials) must never reach the live site. Use --allow-production for a staging copy."
            )
        counts = load_demo_content()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo content ready: {counts['locations']} locations, {counts['articles']} articles, "
                f"{counts['faqs']} FAQs, {counts['testimonials']} testimonials "
                f"({counts['published_testimonials']} public), {counts['standing_pages']} standing pages. "
                f"Rows created: {counts['rows_created']}, "
                f"changed: {counts['rows_changed']}, removed: {counts['rows_removed']}."
            )
        )
