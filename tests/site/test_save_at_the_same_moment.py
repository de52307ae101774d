"""Two people saving one article at the same moment: both forms were opened on the same saved
state, so both pass the form's check; the check and the write must not let the second save
undo the first in the moment between them.

The other save runs on a connection of its own and is committed, as another editor's would be,
just before this request's first write to the object (tests/concurrency.py)."""

import pytest
from django.db import connection
from django.urls import reverse

from articles.models import Article
from carter_site.models import SiteSettings
from tests.admin_forms import admin_form_data
from tests.concurrency import just_before_the_first_write_to
from tests.factories import ArticleFactory

# The other editor's save must be committed on a connection of its own, as it is in production.
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("sqlite_reads_take_no_table_locks"),
]


def sams_save(model, pk, **changes):
    """What Sam's save does to the row: the admin's save of another form, opened at the same time."""

    def save():
        obj = model.objects.get(pk=pk)
        for name, value in changes.items():
            setattr(obj, name, value)
        obj.save()

    return save


def test_an_article_saved_by_someone_else_at_the_same_moment_is_not_undone(staff_client):
    article = ArticleFactory(title="Evening track", summary="First summary.")
    url = reverse("admin:articles_article_change", args=[article.pk])
    form = admin_form_data(staff_client.get(url))
    form["title"] = "Evening track, 6 to 9 p.m."

    wrapper = just_before_the_first_write_to(
        Article._meta.db_table, sams_save(Article, article.pk, summary="Sam's corrected summary.")
    )
    with connection.execute_wrapper(wrapper):
        response = staff_client.post(url, form)

    assert response.status_code == 200  # the form again, saying who saved meanwhile
    [error] = response.context["adminform"].form.non_field_errors()
    assert "saved this article" in error
    article.refresh_from_db()
    assert (article.title, article.summary) == ("Evening track", "Sam's corrected summary.")
    assert admin_form_data(response)["title"] == "Evening track, 6 to 9 p.m."  # the typing is kept


def test_site_settings_saved_by_someone_else_at_the_same_moment_are_not_undone(staff_client):
    settings_row = SiteSettings.objects.create()
    url = reverse("admin:carter_site_sitesettings_change", args=[settings_row.pk])
    form = admin_form_data(staff_client.get(url))
    form["phone_hours"] = "Answered from 8 a.m. to 10 p.m."

    wrapper = just_before_the_first_write_to(
        SiteSettings._meta.db_table, sams_save(SiteSettings, settings_row.pk, phone="(470) 555-0199")
    )
    with connection.execute_wrapper(wrapper):
        response = staff_client.post(url, form)

    assert response.status_code == 200
    assert "saved this site settings" in response.context["adminform"].form.non_field_errors()[0]
    assert SiteSettings.objects.get().phone == "(470) 555-0199"
