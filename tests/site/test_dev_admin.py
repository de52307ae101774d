"""manage.py ensure_dev_admin, which `make run` calls: the development login, never production's."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def ensure_dev_admin(*args):
    out = io.StringIO()
    call_command("ensure_dev_admin", *args, stdout=out)
    return out.getvalue().strip()


def test_without_debug_no_admin_with_the_published_password_is_made(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match=r"only runs with DEBUG on.*createsuperuser"):
        ensure_dev_admin()
    assert not get_user_model().objects.exists()


def test_the_development_admin_is_made_once_and_its_login_printed(settings):
    settings.DEBUG = True
    printed = ensure_dev_admin("--site-url", "http://127.0.0.1:8123/")
    assert printed == "Admin: http://127.0.0.1:8123/admin/  user: admin  password: carter-dev-admin"
    user = get_user_model().objects.get(username="admin")
    assert user.check_password("carter-dev-admin") and user.is_staff and user.is_superuser


def test_a_password_changed_since_is_kept(settings):
    settings.DEBUG = True
    ensure_dev_admin()
    user = get_user_model().objects.get(username="admin")
    user.set_password("chosen-by-the-developer")
    user.save()

    printed = ensure_dev_admin()

    assert printed.endswith("password: carter-dev-admin (unless you changed it)")
    assert get_user_model().objects.get().check_password("chosen-by-the-developer")
