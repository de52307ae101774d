"""Which location is nearest to a visitor who tells us their ZIP code or town.

The place is looked up in the copy of the US ZIP code list that the `zipcodes` package carries
inside it (for a neighbourhood of Atlanta or a county around us, `locations.areas` names one
ZIP code of that list): nothing is sent anywhere, and the answer is never stored (the page with
a place in its address is private to the visitor: never cached, never logged with its query
string).
Distances are in a straight line between the ZIP code's centre and the location's
coordinates, rounded: enough to choose, not to plan a drive (each location links to
directions).
"""

import math
import re
from dataclasses import dataclass
from functools import cache

import zipcodes

from . import areas

MAX_LENGTH = 60
# A ZIP code, or ZIP+4 written with its hyphen, an en dash (what some phones' keyboards put for
# one), a space or nothing before the last four digits, as a word of its own: alone, after a
# town and state ("Atlanta, GA 30303", as on an envelope) or before them ("30303, GA"). Read only
# when no other digit was typed: "30549 or 30004" and "12 Main Street" are not a ZIP code.
ZIP_CODE = re.compile(r"(?<![^\s,])([0-9]{5})(?:[-\u2013 ]?[0-9]{4})?(?=$|[\s,.])")
EARTH_RADIUS_MILES = 3958.8
# Beyond this, a daily program here is out of reach: the page says so and where to look instead.
FAR_MILES = 100
HOME_STATE = "GA"
# The list writes "Mcdonough", "Mc Rae" and "Lagrange"; people write McDonough, McRae and
# LaGrange. After "Mc" comes a capital, always. Not after every "La" (Lavonia, Lakeland): only
# in the two towns of Georgia that write it so.
MC_NAME = re.compile(r"\bMc ?([A-Za-z])")
GEORGIA_SPELLINGS = {"lagrange": "LaGrange", "lafayette": "LaFayette"}
# The country that address forms and phones' autofill add at the end ("Atlanta, GA, USA"): the
# list is of the United States only, so it says nothing and goes before anything else is read.
COUNTRY_SUFFIX = re.compile(
    r"(?:^|[\s,]+)(?:u\.?s\.?(?:a\.?)?|united states(?: of america)?)$",
    re.IGNORECASE,
)
STATE_SUFFIX = re.compile(r"\s*,?\s*\b(ga|georgia)\.?$", re.IGNORECASE)
OTHER_STATE_SUFFIX = re.compile(r",\s*[a-z .]+$", re.IGNORECASE)
# "Bibb County", "Bibb Co.": a county, of which we know by name only those in locations.areas.
COUNTY_NAME = re.compile(r"[^,]+\s(?:county|co|cnty)", re.IGNORECASE)
# "Decatur, Atlanta", "Vinings, Atlanta": a place named with the city after it is in or around
# Atlanta. Metro Atlanta's towns are within this of its centre; "Lenox, Atlanta" means the
# shopping district, not the town of Lenox in south Georgia.
AROUND_ATLANTA_MILES = 40


class PlaceNotFound(ValueError):
    """A sentence for the visitor: what we could not find, and what to type instead."""


# Said when nothing was typed, or nothing but the state ("GA", "Georgia") or punctuation.
NOTHING_TYPED = "Enter your ZIP code or the name of your town."


@dataclass(frozen=True)
class Place:
    # As the page says it, so that a visitor who meant another place of that name sees which one
    # we measured from: "30043 (Lawrenceville, GA)", "Athens, GA", "Buckhead, Atlanta, GA",
    # "Forsyth County (Cumming, GA)".
    name: str
    latitude: float
    longitude: float


@dataclass(frozen=True)
class Nearby:
    location: object
    miles: float | None  # None: the location has no coordinates

    @property
    def distance(self):
        """'less than a mile', 'about 1 mile', 'about 24 miles', 'about 1,910 miles'."""
        if self.miles is None:
            return ""
        if self.miles < 1:
            return "less than a mile"
        rounded = round(self.miles)
        return f"about {rounded:,} mile{'' if rounded == 1 else 's'}"


def find_place(text):
    """The Place `text` names: a US ZIP code (with a town or state around it or not), or by name
    a town in Georgia, a neighbourhood of Atlanta or a county around us (`_named_places`), any
    of them with the country after it or not. PlaceNotFound otherwise."""
    text = COUNTRY_SUFFIX.sub("", " ".join(text.split()))
    if not any(char.isdigit() for char in text):
        return _town(text)
    match = ZIP_CODE.search(text)
    if match is None or any(char.isdigit() for char in text[: match.start()] + text[match.end() :]):
        raise PlaceNotFound("A ZIP code is five digits, such as 30009. Check the number and try again.")
    return _zip_code(match.group(1))


def _zip_code(code):
    found = zipcodes.matching(code)
    if found:
        row = found[0]
        # A ZIP code the list has no position for is placed at the centre of its town.
        point = _point(row) or _centre(zipcodes.filter_by(city=row["city"], state=row["state"]))
        if point:
            return Place(f"{code} ({_spelled(row['city'], row['state'])}, {row['state']})", *point)
    raise PlaceNotFound(f"We could not find the ZIP code {code}. Check the number and try again.")


def _point(row):
    """A ZIP code's (latitude, longitude), or None. The list has 0.0000, 0.0000 for those it has
    no position for (872 of them, such as 31144 in Kennesaw): not a place, a blank."""
    latitude, longitude = float(row["lat"] or 0), float(row["long"] or 0)
    return None if latitude == longitude == 0 else (latitude, longitude)


def _centre(rows):
    """The mean (latitude, longitude) of the ZIP codes `rows` that have a position; None if none
    has. Only those for streets (STANDARD) when there are some: a PO box or a single firm's code
    may stand at a default point of its city (30358, a PO box of Sandy Springs, is placed in
    downtown Atlanta, 12 miles south of its city hall)."""
    placed = [row for row in rows if _point(row)]
    placed = [row for row in placed if row["zip_code_type"] == "STANDARD"] or placed
    if not placed:
        return None
    points = [_point(row) for row in placed]
    return sum(p[0] for p in points) / len(points), sum(p[1] for p in points) / len(points)


def _town(text):
    name = STATE_SUFFIX.sub("", text).strip(" ,.")
    key = _town_key(name)
    if not key:
        raise PlaceNotFound(NOTHING_TYPED)
    places = _named_places()
    if key in places:
        return places[key]
    # The city after a place in or around it: "Buckhead, Atlanta", "Midtown Atlanta", "Vinings,
    # Atlanta" (as its mailing addresses say).
    if key.endswith(" atlanta"):
        place, atlanta = places.get(key.removesuffix(" atlanta")), places["atlanta"]
        if place and _miles(place, atlanta) <= AROUND_ATLANTA_MILES:
            return place
        within = re.sub(r"[\s,]+atlanta$", "", name, flags=re.IGNORECASE)
        raise PlaceNotFound(
            f"We could not find “{within}” in or around Atlanta. Check the spelling, or enter your ZIP code."
        )
    if OTHER_STATE_SUFFIX.search(name):
        raise PlaceNotFound("We can find towns in Georgia by name. Elsewhere, enter your ZIP code instead.")
    if COUNTY_NAME.fullmatch(name):
        raise PlaceNotFound(
            f"We know the counties of metro Atlanta and around our locations by name, but not “{name}”. "
            "Enter your ZIP code or town instead."
        )
    raise PlaceNotFound(
        f"We could not find a town called “{name}” in Georgia. Check the spelling, or enter your ZIP code."
    )


def _town_key(name):
    """'St. Simons Island' and 'saint simons island' are the same town; so are 'Mc Donough',
    'McDonough' and 'mcdonough', and 'La Grange' and 'LaGrange' ("Mc" and "La" join the word
    after them)."""
    words = re.sub(r"[^\w\s]", " ", name.lower()).split()
    key = " ".join({"st": "saint", "mt": "mount", "ft": "fort"}.get(word, word) for word in words)
    return re.sub(r"\b(mc|la) ", r"\1", key)


def _spelled(city, state):
    """A town's name as its people write it (MC_NAME, GEORGIA_SPELLINGS)."""
    if state == HOME_STATE and _town_key(city) in GEORGIA_SPELLINGS:
        return GEORGIA_SPELLINGS[_town_key(city)]
    return MC_NAME.sub(lambda match: "Mc" + match.group(1).upper(), city)


@cache
def _georgia_towns():
    """Each town in Georgia by its key: its name and its centre.

    A town's centre is that of its ZIP codes (`_centre`). Some towns are no ZIP code's own:
    Sandy Springs, Johns Creek, Dunwoody... have addresses in ZIP codes of "Atlanta",
    "Alpharetta" or "Duluth" that accept their name too. Such a name takes the centre of the
    ZIP codes that accept it; only such a name, so that a town keeps its own centre however
    many of its neighbours' ZIP codes accept its name.
    """
    own, accepting = {}, {}
    for row in zipcodes.filter_by(state=HOME_STATE):
        own.setdefault(_town_key(row["city"]), (row["city"], []))[1].append(row)
        for name in row["acceptable_cities"]:
            accepting.setdefault(_town_key(name), (name, []))[1].append(row)
    towns = {
        key: (_spelled(name, HOME_STATE), _centre(rows)) for key, (name, rows) in (accepting | own).items()
    }
    return {key: (name, centre) for key, (name, centre) in towns.items() if centre}


@cache
def _named_places():
    """Every name a place in Georgia is found by, by its key (`_town_key`): each town, then each
    county of `areas.COUNTIES`, with "County" ("Co.") or without it, then each neighbourhood of
    `areas.ATLANTA_NEIGHBOURHOODS`. A county or a neighbourhood takes the name from a town of
    that name ("Forsyth", "Buckhead"), except from the towns of `areas.TOWNS_BEFORE_COUNTIES`."""
    places = {key: Place(f"{name}, {HOME_STATE}", *point) for key, (name, point) in _georgia_towns().items()}
    rows = {row["zip_code"]: row for row in zipcodes.filter_by(state=HOME_STATE)}
    for name, code, other_names in areas.COUNTIES:
        seat = _spelled(rows[code]["city"], HOME_STATE)
        place = Place(f"{name} County ({seat}, {HOME_STATE})", *_point(rows[code]))
        for written in (name, *other_names):
            places.update({_town_key(f"{written} {word}"): place for word in ("county", "co", "cnty")})
            if written not in areas.TOWNS_BEFORE_COUNTIES:
                places[_town_key(written)] = place
    for name, code, other_names in areas.ATLANTA_NEIGHBOURHOODS:
        said = f"{name}, {HOME_STATE}" if "Atlanta" in name else f"{name}, Atlanta, {HOME_STATE}"
        place = Place(said, *_point(rows[code]))
        places.update({_town_key(written): place for written in (name, *other_names)})
    return places


def miles_between(latitude1, longitude1, latitude2, longitude2):
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    d_phi, d_lambda = phi2 - phi1, math.radians(longitude2 - longitude1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_MILES * math.asin(math.sqrt(a))


def _miles(place, other):
    return miles_between(place.latitude, place.longitude, other.latitude, other.longitude)


def by_distance(locations, place):
    """The locations as Nearby, nearest first; those without coordinates last, in their order."""
    nearby = [
        Nearby(
            location,
            miles_between(
                place.latitude, place.longitude, float(location.latitude), float(location.longitude)
            )
            if location.latitude is not None and location.longitude is not None
            else None,
        )
        for location in locations
    ]
    return sorted(nearby, key=lambda item: (item.miles is None, item.miles or 0))


def warm_up():
    """Load the ZIP code list and the index of places by name (about a third of a second, once)."""
    zipcodes.matching("30009")
    _named_places()
