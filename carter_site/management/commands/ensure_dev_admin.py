"""Make sure a development admin login exists, and print it. Refuses outside DEBUG."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

USERNAME = "admin"
PASSWORD = "carter-dev-admin"  # development only; the command refuses to run without DEBUG


class Command(BaseCommand):
    help = "Create the development admin user (admin / carter-dev-admin) if it does not exist."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8000", help="Where the development server listens."
        )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "ensure_dev_admin only runs with DEBUG on. In production, create the first admin "
                "with: python manage.py createsuperuser"
            )
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=USERNAME, defaults={"is_staff": True, "is_superuser": True, "email": "admin@example.com"}
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            note = ""
        else:
            note = " (unless you changed it)"
        self.stdout.write(
            self.style.SUCCESS(
                f"Admin: {options['site_url'].rstrip('/')}{reverse('admin:index')}  user: {USERNAME}  "
                f"password: {PASSWORD}{note}"
            )
        )
