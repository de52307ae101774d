"""Upgrading a site whose clinicians were recorded before they could have a page: each gets an
address made from their name, distinct from the others', and no page until someone agrees."""

import pytest

from tests.migrating import back_at, latest, migrate

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("articles", "0021_notice_preference")]


@pytest.fixture
def back_in_time():
    """The database at `BEFORE`, and its models as they were then; up to date again afterwards."""
    with back_at(BEFORE) as old_apps:
        yield old_apps


def test_existing_clinicians_get_distinct_addresses_from_their_names_and_no_page(back_in_time):
    old = back_in_time.get_model("articles", "Clinician")
    first = old.objects.create(name="Morgan Hale", credentials="LCSW")
    namesake = old.objects.create(name="Morgan  Hale", credentials="LPC")
    accented = old.objects.create(name="Renée O'Brien", credentials="MD")
    no_letters = old.objects.create(name="李", credentials="MD")

    new = migrate(latest()).get_model("articles", "Clinician")

    slugs = dict(new.objects.values_list("pk", "slug"))
    assert slugs == {
        first.pk: "morgan-hale",
        namesake.pk: "morgan-hale-2",
        accented.pk: "renee-obrien",
        no_letters.pk: f"clinician-{no_letters.pk}",
    }
    assert not new.objects.filter(has_page=True).exists()
