"""The site setting "Publishing needs a current clinical review" (docs/editorial-workflow.md,
"When publishing needs a current clinical review"): with it on, no article goes public or
scheduled, and no public article's words change, unless a clinician's review of those words is
recorded. Through the admin's own forms, as an editor's browser posts them."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Clinician
from carter_site.models import SiteSettings
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, edit_in_admin, signed_in
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db

REVIEW_DAY = dt.date(2026, 3, 2)


@pytest.fixture
def rule_on():
    SiteSettings.objects.create(publishing_needs_review=True)


@pytest.fixture
def editor():
    return signed_in(MARKETING_EDITORS, "sam")


@pytest.fixture
def clinician():
    return Clinician.objects.create(name="Dana Reyes", credentials="LPC")


def reviewed(clinician, **fields):
    article = ArticleFactory(**fields)
    article.record_review(clinician, REVIEW_DAY)
    article.save()
    return article


def post(client, article, **changes):
    data = {**admin_form_data(client.get(change_url(article))), **changes}
    return client.post(change_url(article), data)


def form_errors(response):
    assert response.status_code == 200, "the save was not refused"
    return response.context["adminform"].form.errors


def published(when="now"):
    moment = timezone.localtime() + (dt.timedelta(days=3) if when == "later" else dt.timedelta())
    return {
        "status": "published",
        "published_at_0": moment.date().isoformat(),
        "published_at_1": moment.strftime("%H:%M"),
    }


# --- The setting, and who changes it --------------------------------------------------------


def settings_form(client, **values):
    url = change_url(SiteSettings.objects.get())
    return url, {**admin_form_data(client.get(url)), **values}


def test_only_site_administrators_change_the_rule(editor):
    SiteSettings.objects.create()
    url, data = settings_form(editor, publishing_needs_review="on", phone_hours="Every day")
    assert "publishing_needs_review" not in editor.get(url).context["adminform"].form.fields
    assert editor.post(url, data).status_code == 302
    saved = SiteSettings.objects.get()
    assert (saved.phone_hours, saved.publishing_needs_review) == ("Every day", False)

    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    url, data = settings_form(admin, publishing_needs_review="on")
    assert admin.post(url, data).status_code == 302
    assert SiteSettings.objects.get().publishing_needs_review


def test_restoring_an_older_version_of_the_settings_keeps_the_rule(editor):
    SiteSettings.objects.create()
    edit_in_admin(editor, SiteSettings.objects.get(), phone_hours="Every day")
    admin = signed_in(SITE_ADMINISTRATORS, "ada")
    edit_in_admin(admin, SiteSettings.objects.get(), publishing_needs_review="on")
    first = Version.objects.get_for_object(SiteSettings.objects.get()).order_by("pk").first()
    url = reverse("admin:carter_site_sitesettings_revision", args=[1, first.pk])
    assert editor.post(url, admin_form_data(editor.get(url))).status_code == 302
    assert SiteSettings.objects.get().publishing_needs_review
