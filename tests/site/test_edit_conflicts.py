"""Two people with the site settings, an FAQ topic or a clinician open at once: the second save
is refused instead of silently undoing the first (as for articles, locations, FAQs and
testimonials, tests/articles/test_edit_conflicts.py)."""

import pytest

from articles.models import Clinician
from carter_site.models import SiteSettings
from carter_site.roles import MARKETING_EDITORS, SITE_ADMINISTRATORS
from tests.admin_forms import admin_form_data, change_url, signed_in
from tests.factories import TopicFactory

pytestmark = pytest.mark.django_db


CASES = [
    # (make the object, group, field the first person changes, field the second person changes)
    pytest.param(
        lambda: SiteSettings.objects.create(),
        MARKETING_EDITORS,
        ("phone", "(470) 555-0199"),
        ("phone_hours", "Answered from 8 a.m. to 10 p.m."),
        id="site-settings",
    ),
    pytest.param(
        lambda: TopicFactory(name="Insurance", order=1),
        MARKETING_EDITORS,
        ("name", "Insurance and cost"),
        ("order", "5"),
        id="faq-topic",
    ),
    pytest.param(
        lambda: Clinician.objects.create(name="Dana Reyes", credentials="LPC"),
        SITE_ADMINISTRATORS,  # who keep the clinicians (docs/roles.md)
        ("credentials", "LCSW"),
        ("bio", "Twenty years with families."),
        id="clinician",
    ),
]


@pytest.mark.parametrize(("make", "group", "first_change", "second_change"), CASES)
def test_the_second_of_two_saves_is_told_instead_of_undoing_the_first(
    make, group, first_change, second_change
):
    obj = make()
    dana = signed_in(group, "dana", "Dana")
    sam = signed_in(group, "sam", "Sam")
    danas_form = admin_form_data(dana.get(change_url(obj)))
    sams_form = admin_form_data(sam.get(change_url(obj)))

    (field, value), (other_field, other_value) = first_change, second_change
    danas_form[field] = value
    assert dana.post(change_url(obj), danas_form).status_code == 302
    kept = getattr(type(obj).objects.get(pk=obj.pk), field)

    sams_form[other_field] = other_value
    response = sam.post(change_url(obj), sams_form)
    assert response.status_code == 200  # the form again, nothing saved
    [error] = response.context["adminform"].form.non_field_errors()
    assert error.startswith(f"Dana saved this {obj._meta.verbose_name} at ")
    assert getattr(type(obj).objects.get(pk=obj.pk), field) == kept  # Dana's change is still there

    # Sam's typing is all there, and saving again (having been told) keeps Sam's version.
    again = admin_form_data(response)
    assert again[other_field] == other_value
    assert sam.post(change_url(obj), again).status_code == 302
    assert str(getattr(type(obj).objects.get(pk=obj.pk), other_field)) == other_value
