"""Phone numbers as editors type them: which the site accepts, and what the call buttons dial."""

import pytest
from django.core.exceptions import ValidationError

from carter_site.phone import tel_uri, validate_phone_number


@pytest.mark.parametrize(
    ("typed", "dialled"),
    [
        ("(470) 284-1834", "tel:+14702841834"),
        ("470-284-1834", "tel:+14702841834"),
        ("470.284.1834", "tel:+14702841834"),
        ("1 (470) 284-1834", "tel:+14702841834"),
        ("+1 470 284 1834", "tel:+14702841834"),
        ("+1-770-555-0199", "tel:+17705550199"),
        ("(800) 662-4357", "tel:+18006624357"),
        ("+44 20 7946 0958", "tel:+442079460958"),
        ("+353 1 555 0142", "tel:+35315550142"),
    ],
)
def test_numbers_people_really_have_are_accepted_and_dialled_as_written(typed, dialled):
    validate_phone_number(typed)
    assert tel_uri(typed) == dialled


@pytest.mark.parametrize(
    ("typed", "explains"),
    [
        ("(000) 000-0000", "area code"),
        ("(170) 284-1834", "area code"),
        ("(470) 084-1834", "after the area code"),
        ("470-184-1834", "after the area code"),
        ("1 (070) 284-1834", "area code"),
        ("+1 070 284 1834", "area code"),
        ("+1 470 184 1834", "after the area code"),
        ("+1 470 284 183", "10 digits after"),
        ("+0 000 0000", "country code"),
        ("+044 20 7946 0958", "country code"),
        ("++1 470 284 1834", "one +"),
        ("+1 470 284+1834", "one +"),
        ("470 284 1834+", "one +"),
        ("284-1834", "10-digit"),
        ("call us maybe", "Use only digits"),
    ],
)
def test_numbers_no_phone_can_dial_are_refused_with_an_example_of_a_good_one(typed, explains):
    with pytest.raises(ValidationError) as caught:
        validate_phone_number(typed)
    message = " ".join(caught.value.messages)
    assert explains in message
    assert "(470) 284-1834" in message  # what a valid number looks like
