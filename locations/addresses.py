"""A location's state and ZIP code as the post, maps and search engines know them.

The address is on every page's footer and in each location's MedicalClinic structured data, and
advertising certification asks for true addresses: a well-formed but made-up state (ZZ) or ZIP
code (00000) must not get there. ZIP codes are looked up in the copy of the US list that the
`zipcodes` package carries, as locations.nearest does: nothing is sent anywhere. When the Postal
Service adds a ZIP code the list does not know yet, a newer release of the package knows it.
"""

import re

import zipcodes
from django.core.exceptions import ValidationError

# The states, the District of Columbia and the inhabited territories: the places a location of a
# US treatment center can be.
US_STATES = {
    "AL": "Alabama",
    "AK": "Alaska",
    "AZ": "Arizona",
    "AR": "Arkansas",
    "CA": "California",
    "CO": "Colorado",
    "CT": "Connecticut",
    "DE": "Delaware",
    "DC": "the District of Columbia",
    "FL": "Florida",
    "GA": "Georgia",
    "HI": "Hawaii",
    "ID": "Idaho",
    "IL": "Illinois",
    "IN": "Indiana",
    "IA": "Iowa",
    "KS": "Kansas",
    "KY": "Kentucky",
    "LA": "Louisiana",
    "ME": "Maine",
    "MD": "Maryland",
    "MA": "Massachusetts",
    "MI": "Michigan",
    "MN": "Minnesota",
    "MS": "Mississippi",
    "MO": "Missouri",
    "MT": "Montana",
    "NE": "Nebraska",
    "NV": "Nevada",
    "NH": "New Hampshire",
    "NJ": "New Jersey",
    "NM": "New Mexico",
    "NY": "New York",
    "NC": "North Carolina",
    "ND": "North Dakota",
    "OH": "Ohio",
    "OK": "Oklahoma",
    "OR": "Oregon",
    "PA": "Pennsylvania",
    "RI": "Rhode Island",
    "SC": "South Carolina",
    "SD": "South Dakota",
    "TN": "Tennessee",
    "TX": "Texas",
    "UT": "Utah",
    "VT": "Vermont",
    "VA": "Virginia",
    "WA": "Washington",
    "WV": "West Virginia",
    "WI": "Wisconsin",
    "WY": "Wyoming",
    "AS": "American Samoa",
    "GU": "Guam",
    "MP": "the Northern Mariana Islands",
    "PR": "Puerto Rico",
    "VI": "the U.S. Virgin Islands",
}

# Other codes the ZIP code list uses, named when a ZIP code belongs to one of them.
OTHER_POSTAL_AREAS = {
    "AA": "the armed forces (Americas)",
    "AE": "the armed forces (Europe and elsewhere)",
    "AP": "the armed forces (Pacific)",
    "FM": "Micronesia",
    "MH": "the Marshall Islands",
    "PW": "Palau",
}

STATE_FORMAT = re.compile(r"[A-Z]{2}")
ZIP_FORMAT = re.compile(r"([0-9]{5})(-[0-9]{4})?")


def area_name(code):
    """'Georgia (GA)'."""
    return f"{US_STATES.get(code) or OTHER_POSTAL_AREAS.get(code) or 'an unknown place'} ({code})"


def zip_code_state(postal_code):
    """The state or territory code the US list gives a ZIP code (or ZIP+4), or None if it does not
    know it."""
    match = ZIP_FORMAT.fullmatch(postal_code or "")
    if not match:
        return None
    rows = zipcodes.matching(match.group(1))
    return rows[0]["state"] if rows else None


def validate_us_state(code):
    """A US state, the District of Columbia or a territory, by its postal code. A value that is not
    two capital letters is left to the field's format check, which says so already."""
    if STATE_FORMAT.fullmatch(code or "") and code not in US_STATES:
        raise ValidationError(
            "%(code)s is not the postal code of a US state or territory. Use the state's two letters, "
            "for example GA for Georgia.",
            code="unknown_state",
            params={"code": code},
        )


def validate_known_zip_code(postal_code):
    """A ZIP code the US list knows. One that is not five digits (or ZIP+4) is left to the
    field's format check."""
    match = ZIP_FORMAT.fullmatch(postal_code or "")
    if match and zip_code_state(postal_code) is None:
        raise ValidationError(
            "The ZIP code %(zip)s is not in the US list of ZIP codes. Check it against a letter sent to "
            "this address.",
            code="unknown_zip_code",
            params={"zip": match.group(1)},
        )


def zip_code_in_another_state(state, postal_code):
    """A ValidationError when the ZIP code belongs to another state than `state`, else None.
    Says nothing about a state or ZIP code that its own field refuses."""
    if state not in US_STATES:
        return None
    found = zip_code_state(postal_code)
    if found is None or found == state:
        return None
    return ValidationError(
        "%(zip)s is a ZIP code in %(found)s, not in %(state)s. Check the ZIP code, or the state.",
        code="zip_code_in_another_state",
        params={"zip": postal_code[:5], "found": area_name(found), "state": area_name(state)},
    )
