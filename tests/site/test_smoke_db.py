import pytest
from django.db import connection

from carter_site.models import SiteSettings


@pytest.mark.django_db
def test_database_backend_matches_the_requested_one(pytestconfig):
    expected = "postgresql" if pytestconfig.getoption("db") == "postgres" else "sqlite"
    assert connection.vendor == expected
    SiteSettings.objects.create(phone="(470) 555-0100")
    assert SiteSettings.load().phone == "(470) 555-0100"
