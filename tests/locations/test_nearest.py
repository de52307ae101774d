"""The nearest location to a ZIP code or a town in Georgia, on the locations page."""

import re

import pytest
import zipcodes
from django.urls import reverse

from locations import areas, nearest
from tests.factories import LocationFactory
from tests.seo.helpers import head_meta, parse

pytestmark = pytest.mark.django_db

LIST = reverse("locations:list")


@pytest.fixture
def locations(db):
    return {
        "alpharetta": LocationFactory(
            name="Alpharetta", slug="alpharetta", latitude="34.0754", longitude="-84.2941", order=1
        ),
        "jefferson": LocationFactory(
            name="Jefferson", slug="jefferson", latitude="34.1171", longitude="-83.5724", order=2
        ),
        "atlanta": LocationFactory(
            name="Atlanta", slug="atlanta", latitude="33.7490", longitude="-84.3880", order=3
        ),
    }


def page(client, near):
    response = client.get(LIST, {"near": near})
    assert response.status_code == 200
    return response, parse(response.content.decode())


def listed(tree):
    """The location names in page order, each with its distance line (or "")."""
    sections = tree.findall(".//section[@class='location-summary']")
    result = []
    for section in sections:
        distance = section.find("p[@class='location-summary__distance']")
        result.append((section.find("h2/a").text, distance.text if distance is not None else ""))
    return result


def answer(tree):
    found = tree.find(".//p[@class='nearest__answer']")
    return "".join(found.itertext()) if found is not None else None


def error(tree):
    found = tree.find(".//p[@class='form-error']")
    return found.text if found is not None else None


@pytest.mark.parametrize(
    ("near", "first", "place"),
    [
        ("30549", "Jefferson", "30549 (Jefferson, GA)"),
        ("30004", "Alpharetta", "30004 (Alpharetta, GA)"),
        ("30303", "Atlanta", "30303 (Atlanta, GA)"),
        ("30549-1234", "Jefferson", "30549 (Jefferson, GA)"),  # ZIP+4, with or without its hyphen
        ("305491234", "Jefferson", "30549 (Jefferson, GA)"),
        # Its last four digits after a space, or the dash a phone's keyboard may put for a hyphen.
        ("30549 1234", "Jefferson", "30549 (Jefferson, GA)"),
        ("30549\u20131234", "Jefferson", "30549 (Jefferson, GA)"),
        ("Alpharetta, GA 30004 1234", "Alpharetta", "30004 (Alpharetta, GA)"),
        ("Jefferson, GA 30549", "Jefferson", "30549 (Jefferson, GA)"),  # as on an envelope
        ("Alpharetta GA 30004-1234", "Alpharetta", "30004 (Alpharetta, GA)"),
        ("Athens", "Jefferson", "Athens, GA"),
        ("decatur, ga", "Atlanta", "Decatur, GA"),
        ("  Roswell,   Georgia ", "Alpharetta", "Roswell, GA"),
        ("St. Simons Island", "Jefferson", "Saint Simons Island, GA"),
    ],
)
def test_the_nearest_location_comes_first_with_its_distance(client, locations, near, first, place):
    _, tree = page(client, near)
    names = [name for name, _ in listed(tree)]
    assert names[0] == first
    assert sorted(names) == ["Alpharetta", "Atlanta", "Jefferson"]
    assert answer(tree).startswith(f"Nearest to {place}: {first}, ")
    assert all(distance.endswith(f" from {place}") for _, distance in listed(tree))
    assert error(tree) is None


@pytest.mark.parametrize(
    ("near", "first", "place"),
    [
        # A country after the state, as address forms and phones' autofill write it.
        ("Atlanta GA USA", "Atlanta", "Atlanta, GA"),
        ("Atlanta, Georgia, USA", "Atlanta", "Atlanta, GA"),
        ("atlanta, ga, u.s.a.", "Atlanta", "Atlanta, GA"),
        ("Roswell, GA, US", "Alpharetta", "Roswell, GA"),
        ("Athens, Georgia, United States", "Jefferson", "Athens, GA"),
        ("Athens, Georgia, United States of America", "Jefferson", "Athens, GA"),
        ("Jefferson, GA 30549, USA", "Jefferson", "30549 (Jefferson, GA)"),
        ("30004 USA", "Alpharetta", "30004 (Alpharetta, GA)"),
        ("30305, GA, USA", "Atlanta", "30305 (Atlanta, GA)"),
    ],
)
def test_a_country_after_the_place_is_accepted(client, locations, near, first, place):
    _, tree = page(client, near)
    assert error(tree) is None
    assert answer(tree).startswith(f"Nearest to {place}: {first}, ")


@pytest.mark.parametrize(
    ("near", "first", "place"),
    [
        ("30305, GA", "Atlanta", "30305 (Atlanta, GA)"),
        ("30305 GA", "Atlanta", "30305 (Atlanta, GA)"),
        ("30305 Georgia", "Atlanta", "30305 (Atlanta, GA)"),
        ("30549, Ga.", "Jefferson", "30549 (Jefferson, GA)"),
        ("30549-1234, GA", "Jefferson", "30549 (Jefferson, GA)"),
        ("30004 Alpharetta, GA", "Alpharetta", "30004 (Alpharetta, GA)"),
        ("90210, CA", "Atlanta", "90210 (Beverly Hills, CA)"),
    ],
)
def test_a_zip_code_followed_by_the_state_is_accepted(client, locations, near, first, place):
    """These were refused as if the number were wrong, while "GA 30305" worked."""
    _, tree = page(client, near)
    assert error(tree) is None
    assert answer(tree).startswith(f"Nearest to {place}: {first}, ")


def test_a_country_after_a_town_elsewhere_still_asks_for_a_zip_code(client, locations):
    _, tree = page(client, "Springfield, IL, USA")
    assert error(tree).startswith(
        "We can find towns in Georgia by name. Elsewhere, enter your ZIP code instead."
    )


def test_locations_are_in_order_of_distance_and_the_distances_are_sensible(client, locations):
    # Lawrenceville: about 17 miles from Alpharetta, 26 from Jefferson and 28 from Atlanta.
    _, tree = page(client, "30043")
    rows = listed(tree)
    assert [name for name, _ in rows] == ["Alpharetta", "Jefferson", "Atlanta"]
    miles = [int(re.match(r"About (\d+) miles", distance).group(1)) for _, distance in rows]
    assert miles == sorted(miles)
    assert (miles[0], miles[1], miles[2]) == (17, 26, 28)


@pytest.mark.parametrize(
    ("near", "said"),
    [
        # The list has 0.0000, 0.0000 for these two: they stand at the centre of their town.
        ("31144", "Nearest to 31144 (Kennesaw, GA): Alpharetta, about 20 miles away"),
        ("31169", "Nearest to 31169 (Peachtree City, GA): Atlanta, about 27 miles away"),
        # Nor do such ZIP codes pull a town's centre to that spot, thousands of miles away.
        ("Kennesaw", "Nearest to Kennesaw, GA: Alpharetta, about 20 miles away"),
        ("Peachtree City", "Nearest to Peachtree City, GA: Atlanta, about 27 miles away"),
    ],
)
def test_a_zip_code_the_list_has_no_position_for_is_not_placed_at_0_0(client, locations, near, said):
    _, tree = page(client, near)
    assert answer(tree).startswith(f"{said} in a straight line.")
    assert error(tree) is None


def test_a_zip_code_without_a_position_or_a_town_to_stand_in_is_not_found(client, locations):
    _, tree = page(client, "09000")  # APO, Armed Forces Europe
    assert error(tree) == "We could not find the ZIP code 09000. Check the number and try again."
    assert answer(tree) is None


@pytest.mark.parametrize(
    ("town", "first"),
    [
        # No ZIP code is theirs: their addresses are in ZIP codes of Atlanta, Alpharetta, Duluth...
        # that accept their name too.
        ("Sandy Springs", "Atlanta"),
        ("Johns Creek", "Alpharetta"),
        ("Milton", "Alpharetta"),
        ("Dunwoody", "Alpharetta"),
        ("Brookhaven", "Atlanta"),
        ("East Point", "Atlanta"),
        ("College Park", "Atlanta"),
        ("Chamblee", "Atlanta"),
        ("Doraville", "Alpharetta"),
        ("Hapeville", "Atlanta"),
        ("Sugar Hill", "Alpharetta"),
        ("Stonecrest", "Atlanta"),
        ("South Fulton", "Atlanta"),
    ],
)
def test_a_town_known_only_by_the_zip_codes_that_accept_its_name_is_found(client, locations, town, first):
    _, tree = page(client, town)
    assert error(tree) is None
    assert answer(tree).startswith(f"Nearest to {town}, GA: {first}, ")


def test_sandy_springs_is_between_the_atlanta_and_alpharetta_locations(client, locations):
    # Its city hall is about 12 miles from each. A PO box that accepts its name, placed in
    # downtown Atlanta, does not pull it there: centres are those of the ZIP codes for streets.
    _, tree = page(client, "sandy springs")
    miles = {name: int(re.match(r"About (\d+) miles", distance).group(1)) for name, distance in listed(tree)}
    assert 10 <= miles["Atlanta"] <= 15 and 10 <= miles["Alpharetta"] <= 15
    assert 45 <= miles["Jefferson"] <= 55


def test_a_town_keeps_its_own_centre_when_neighbours_accept_its_name(client, locations):
    # Peachtree Corners has one ZIP code, 30092; four of Norcross and Duluth accept its name.
    _, town = page(client, "Peachtree Corners")
    _, code = page(client, "30092")
    assert [distance for _, distance in listed(town)] == [
        distance.replace("30092 (Peachtree Corners, GA)", "Peachtree Corners, GA")
        for _, distance in listed(code)
    ]


@pytest.mark.parametrize(
    ("near", "place"),
    [
        # The list writes "Mcdonough", "Mc Caysville", "Lagrange" and "La Fayette": with or
        # without the space, it is one town, named as Georgia writes it.
        ("Mc Donough", "McDonough, GA"),
        ("McDonough", "McDonough, GA"),
        ("mcdonough", "McDonough, GA"),
        ("30253", "30253 (McDonough, GA)"),
        ("McRae", "McRae, GA"),
        ("Mc Caysville", "McCaysville, GA"),
        ("La Grange", "LaGrange, GA"),
        ("lagrange", "LaGrange, GA"),
        ("30240", "30240 (LaGrange, GA)"),
        ("Lafayette", "LaFayette, GA"),
        ("Lavonia", "Lavonia, GA"),  # not every "La"
        ("75069", "75069 (McKinney, TX)"),
        ("70501", "70501 (Lafayette, LA)"),  # Louisiana's spelling stays its own
    ],
)
def test_towns_are_named_as_people_write_them(client, locations, near, place):
    _, tree = page(client, near)
    assert error(tree) is None
    assert answer(tree).startswith(f"Nearest to {place}: ")


@pytest.mark.parametrize(
    ("near", "said"),
    [
        # The neighbourhood our Atlanta location is in, not the town of Buckhead in Morgan County.
        ("Buckhead", "Nearest to Buckhead, Atlanta, GA: Atlanta, about 6 miles away"),
        ("Buckhead, Atlanta", "Nearest to Buckhead, Atlanta, GA: Atlanta, about 6 miles away"),
        ("buckhead atlanta ga", "Nearest to Buckhead, Atlanta, GA: Atlanta, about 6 miles away"),
        ("Midtown", "Nearest to Midtown, Atlanta, GA: Atlanta, about 3 miles away"),
        (
            "Virginia Highland, Atlanta",
            "Nearest to Virginia-Highland, Atlanta, GA: Atlanta, about 3 miles away",
        ),
        # Counties, with "County" or, where no nearer town has the name, without it.
        ("Forsyth", "Nearest to Forsyth County (Cumming, GA): Alpharetta, about 13 miles away"),
        ("Forsyth County, GA", "Nearest to Forsyth County (Cumming, GA): Alpharetta, about 13 miles away"),
        ("Jackson County", "Nearest to Jackson County (Jefferson, GA): Jefferson, less than a mile away"),
        ("Gwinnett", "Nearest to Gwinnett County (Lawrenceville, GA): Alpharetta, about 19 miles away"),
        ("Barrow County", "Nearest to Barrow County (Winder, GA): Jefferson, about 11 miles away"),
    ],
)
def test_neighbourhoods_and_counties_are_answered_for_the_place_understood(client, locations, near, said):
    _, tree = page(client, near)
    assert error(tree) is None
    assert answer(tree) == f"{said} in a straight line."
    place, rest = said.removeprefix("Nearest to ").split(": ")
    assert all(distance.endswith(f" from {place}") for _, distance in listed(tree))
    first = rest.split(",")[0]
    assert tree.find(".//title").text.startswith(f"Nearest to {place}: {first}")


def test_an_unknown_county_says_which_counties_are_known(client, locations):
    _, tree = page(client, "Bibb County")
    assert error(tree) == (
        "We know the counties of metro Atlanta and around our locations by name, but not “Bibb County”. "
        "Enter your ZIP code or town instead."
    )
    assert answer(tree) is None


def test_the_form_keeps_what_was_typed(client, locations):
    _, tree = page(client, "Athens")
    field = tree.find(".//input[@name='near']")
    assert field.get("value") == "Athens"
    assert tree.find(".//label[@for='near']").text == "Your ZIP code or town in Georgia"


@pytest.mark.parametrize(
    ("near", "message"),
    [
        ("3054", "A ZIP code is five digits, such as 30009."),
        ("30549-12", "A ZIP code is five digits, such as 30009."),
        ("30549 12", "A ZIP code is five digits, such as 30009."),
        ("30549 12345", "A ZIP code is five digits, such as 30009."),
        ("300 43", "A ZIP code is five digits, such as 30009."),
        ("30549 or 30004", "A ZIP code is five digits, such as 30009."),
        ("12 Main Street", "A ZIP code is five digits, such as 30009."),
        # One ZIP code, with no other number before or after it.
        ("30305, GA 30306", "A ZIP code is five digits, such as 30009."),
        ("30305 Suite 4", "A ZIP code is five digits, such as 30009."),
        ("Suite 500, 30305", "A ZIP code is five digits, such as 30009."),
        ("30305, GA, 1", "A ZIP code is five digits, such as 30009."),
        ("30305GA", "A ZIP code is five digits, such as 30009."),
        # "X, Atlanta" is in or around Atlanta: not the town of Lenox, 186 miles south, nor Athens.
        ("Lenox, Atlanta", "We could not find “Lenox” in or around Atlanta."),
        ("Athens, Atlanta", "We could not find “Athens” in or around Atlanta."),
        ("99999", "We could not find the ZIP code 99999."),
        ("Springfield, IL", "We can find towns in Georgia by name. Elsewhere, enter your ZIP code instead."),
        ("Atlantis", "We could not find a town called “Atlantis” in Georgia."),
        ("<b>x</b>", "We could not find a town called “<b>x</b>” in Georgia."),
    ],
)
def test_a_place_that_cannot_be_found_says_why_and_lists_every_location(client, locations, near, message):
    response, tree = page(client, near)
    assert error(tree).startswith(message)
    field = tree.find(".//input[@name='near']")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == tree.find(".//p[@class='form-error']").get("id")
    assert [name for name, _ in listed(tree)] == ["Alpharetta", "Jefferson", "Atlanta"]  # the editors' order
    assert answer(tree) is None
    assert b"<b>x</b>" not in response.content
    # Our number and 988 before the form: with the text doubled, the form and the message under
    # its field fill the screen the jump to #nearest shows.
    first, second = list(tree.find(".//div[@id='nearest']"))[:2]
    assert first.get("class") == "nearest__help"
    assert [link.get("href") for link in first.iter("a")] == ["tel:+14702841834", "tel:988", "sms:988"]
    assert second.tag == "form"


def test_what_was_typed_is_cleaned_as_search_cleans_its_query(client, locations):
    # A right-to-left override echoed in the sentence would show the rest of it reversed.
    response, tree = page(client, "\u202eatlanta x")
    assert error(tree).startswith("We could not find a town called “atlanta x” in Georgia.")
    assert tree.find(".//input[@name='near']").get("value") == "atlanta x"
    assert "\u202e" not in response.content.decode()
    # Nor does a NUL reach the page (the rest of what was typed still counts).
    response, tree = page(client, "Athens\x00")
    assert answer(tree).startswith("Nearest to Athens, GA: ")
    assert b"\x00" not in response.content
    response, _ = page(client, "\x00")
    assert b"\x00" not in response.content


@pytest.mark.parametrize("near", ["\u200b30009", "30009\u200b", "\ufeff30009", "\u206030009\u2060"])
def test_zero_width_characters_pasted_with_a_zip_code_do_not_break_it(client, locations, near):
    _, tree = page(client, near)
    assert error(tree) is None
    assert answer(tree).startswith("Nearest to 30009 (Alpharetta, GA): Alpharetta, ")
    assert tree.find(".//input[@name='near']").get("value") == "30009"


@pytest.mark.parametrize(
    "near", ["", "   ", "\x00", "\u200b", "Ga", "georgia", "GA.", ",", "-", "USA", "GA, USA", "🏠😢"]
)
def test_a_form_sent_without_a_place_asks_for_one(client, locations, near):
    _, tree = page(client, near)
    assert error(tree) == "Enter your ZIP code or the name of your town."
    # The title, which a screen reader says first, asks the same: it said "No place found for
    # “GA”" (or for the emoji typed) while the field's message asked for a ZIP code or town.
    assert tree.find(".//title").text.startswith("Locations: enter your ZIP code or town")
    field = tree.find(".//input[@name='near']")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == tree.find(".//p[@class='form-error']").get("id")
    assert [name for name, _ in listed(tree)] == ["Alpharetta", "Jefferson", "Atlanta"]
    assert answer(tree) is None


def test_the_locations_page_itself_asks_for_nothing(client, locations):
    tree = parse(client.get(LIST).content.decode())
    assert error(tree) is None and answer(tree) is None
    assert tree.find(".//input[@name='near']").get("aria-invalid") is None


def test_an_overlong_place_is_cut_to_the_fields_length(client, locations):
    _, tree = page(client, "A" * 5000)
    assert error(tree).startswith("We could not find a town called")
    assert len(tree.find(".//input[@name='near']").get("value")) == nearest.MAX_LENGTH


def test_far_away_the_page_says_so_and_where_else_to_turn(client, locations):
    _, tree = page(client, "90210")  # Beverly Hills, California
    assert re.match(
        r"Nearest to 90210 \(Beverly Hills, CA\): Atlanta, about 1,9\d\d miles away", answer(tree)
    )

    def calls_offered(tree):
        return [
            link.get("href")
            for link in tree.find(".//div[@id='nearest']").iter("a")
            if link.get("href").startswith("tel:")
        ]

    # Ours and the crisis line right under the answer, then why and the national line: the form's
    # jump to #nearest takes the header, and its 988, off a phone's screen, and with the text
    # doubled the longer words before them put both below the screen the jump shows.
    assert calls_offered(tree) == ["tel:+14702841834", "tel:988", "tel:+18006624357"]
    help_line = "".join(tree.find(".//div[@id='nearest']/p[2]").itertext())
    assert help_line.startswith("Call us at (470) 284-1834. In a crisis")
    assert "In a crisis, call 988 or text 988, day or night." in help_line
    # Said in plain words: "SAMHSA" alone meant nothing to most readers, who could not tell
    # whose line they were offered.
    far = "".join(tree.find(".//div[@id='nearest']/p[3]").itertext())
    assert far.startswith(
        "All our locations are in metro Atlanta, Georgia: too far to come to several times a week."
    )
    assert (
        "We will help you find care closer to home when you call, or you can call the national helpline"
        in far
    )
    assert "the national helpline run by the U.S. government (SAMHSA), free and confidential" in far
    _, near_tree = page(client, "30549")
    assert calls_offered(near_tree) == ["tel:+14702841834", "tel:988"]  # said once each, under the answer


def test_a_location_without_coordinates_comes_last_without_a_distance(client, locations):
    locations["alpharetta"].latitude = locations["alpharetta"].longitude = None
    locations["alpharetta"].save()
    _, tree = page(client, "30004")
    rows = listed(tree)
    assert rows[-1] == ("Alpharetta", "")
    assert rows[0][0] == "Atlanta"


def test_without_any_coordinates_the_page_says_to_call(client, db):
    LocationFactory(name="Jefferson", latitude=None, longitude=None)
    _, tree = page(client, "30549")
    assert answer(tree) == (
        "We cannot work out distances from 30549 (Jefferson, GA). Call us at (470) 284-1834 and we will "
        "tell you which location is nearest."
    )
    assert tree.find(".//p[@class='nearest__answer']/a").get("class") == "phone-number"


def test_where_a_visitor_lives_is_never_cached_or_indexed(client, locations):
    first = client.get(LIST, {"near": "30549"})
    second = client.get(LIST, {"near": "30549"})
    for response in (first, second):
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, follow"
        assert "X-Page-Cache" not in response
    # Nor is the form sent blank, which asks for a place.
    blank = client.get(LIST, {"near": ""})
    assert "no-store" in blank["Cache-Control"] and "private" in blank["Cache-Control"]
    assert blank["X-Robots-Tag"] == "noindex, follow"
    assert "X-Page-Cache" not in blank
    # The page without a place is a public page, as before.
    client.get(LIST)
    plain = client.get(LIST)
    assert plain["X-Page-Cache"] == "hit"
    assert "public" in plain["Cache-Control"]
    assert "X-Robots-Tag" not in plain


@pytest.mark.parametrize("near", ["30043", "Atlantis", ""])
def test_the_page_for_a_place_carries_no_canonical_social_tags_or_structured_data(client, locations, near):
    """It is noindex, like search results: nothing on it to describe, and no address to share."""
    response, _ = page(client, near)
    metas, links = head_meta(response)
    assert metas["robots"] == "noindex, follow" == response["X-Robots-Tag"]
    assert "canonical" not in links
    assert not [key for key in metas if key.startswith(("og:", "twitter:"))]
    assert "application/ld+json" not in response.content.decode()
    # The list itself keeps all of them.
    plain = client.get(LIST)
    metas, links = head_meta(plain)
    assert "robots" not in metas
    assert links["canonical"][0]["href"].endswith(LIST) and metas["og:url"].endswith(LIST)
    assert "application/ld+json" in plain.content.decode()


def test_the_home_page_offers_the_search_too(client, locations):
    tree = parse(client.get("/").content.decode())
    form = tree.find(".//form[@class='search-form near-form']")
    assert form.get("action") == f"{LIST}#nearest"
    assert form.find(".//input[@id='home-near']").get("name") == "near"


def zip_code_point(code):
    place = nearest.find_place(code)
    return place.latitude, place.longitude


@pytest.mark.parametrize(
    ("near", "name", "code"),
    [
        ("Buckhead", "Buckhead, Atlanta, GA", "30305"),
        ("Buckhead, Atlanta, GA, USA", "Buckhead, Atlanta, GA", "30305"),
        ("Midtown", "Midtown, Atlanta, GA", "30309"),
        ("midtown atlanta", "Midtown, Atlanta, GA", "30309"),
        ("Downtown", "Downtown Atlanta, GA", "30303"),
        ("Downtown Atlanta", "Downtown Atlanta, GA", "30303"),
        ("Virginia-Highland", "Virginia-Highland, Atlanta, GA", "30306"),
        ("virginia highland", "Virginia-Highland, Atlanta, GA", "30306"),
        ("Inman Park, Atlanta, Georgia", "Inman Park, Atlanta, GA", "30307"),
        ("West End", "West End, Atlanta, GA", "30310"),
        ("Old Fourth Ward", "Old Fourth Ward, Atlanta, GA", "30308"),
        ("East Atlanta Village", "East Atlanta, GA", "30316"),
    ],
)
def test_atlanta_neighbourhoods_stand_at_their_zip_code(near, name, code):
    place = nearest.find_place(near)
    assert place.name == name
    assert (place.latitude, place.longitude) == zip_code_point(code)


@pytest.mark.parametrize(
    ("near", "name", "code"),
    [
        ("Forsyth County", "Forsyth County (Cumming, GA)", "30040"),
        ("Forsyth", "Forsyth County (Cumming, GA)", "30040"),
        ("forsyth co.", "Forsyth County (Cumming, GA)", "30040"),
        ("Fulton County", "Fulton County (Atlanta, GA)", "30303"),
        ("Gwinnett", "Gwinnett County (Lawrenceville, GA)", "30046"),
        ("Jackson County", "Jackson County (Jefferson, GA)", "30549"),
        ("Cobb County", "Cobb County (Marietta, GA)", "30060"),
        ("Cobb", "Cobb County (Marietta, GA)", "30060"),
        ("DeKalb", "DeKalb County (Decatur, GA)", "30030"),
        ("De Kalb County", "DeKalb County (Decatur, GA)", "30030"),
        ("Cherokee County", "Cherokee County (Canton, GA)", "30114"),
        ("Barrow County", "Barrow County (Winder, GA)", "30680"),
        ("Hall County", "Hall County (Gainesville, GA)", "30501"),
        ("Clarke County", "Clarke County (Athens, GA)", "30601"),
        ("Athens-Clarke County", "Clarke County (Athens, GA)", "30601"),
        ("Henry County", "Henry County (McDonough, GA)", "30253"),
        ("Madison County", "Madison County (Danielsville, GA)", "30633"),
    ],
)
def test_counties_stand_at_their_seats_zip_code(near, name, code):
    place = nearest.find_place(near)
    assert place.name == name
    assert (place.latitude, place.longitude) == zip_code_point(code)


@pytest.mark.parametrize(
    ("near", "name"),
    [
        # Towns within reach of a location keep their name; "County" says the county.
        ("Jackson", "Jackson, GA"),
        ("Madison", "Madison, GA"),
        # Cities and places of their own, with the city their mailing addresses name after them.
        ("Sandy Springs, Atlanta", "Sandy Springs, GA"),
        ("Brookhaven", "Brookhaven, GA"),
        ("Dunwoody", "Dunwoody, GA"),
        ("Decatur, Atlanta", "Decatur, GA"),
        ("Vinings", "Vinings, GA"),
        ("Vinings, Atlanta", "Vinings, GA"),
        ("Marietta, Atlanta, GA", "Marietta, GA"),
        # The other Buckhead is found by its ZIP code.
        ("30625", "30625 (Buckhead, GA)"),
    ],
)
def test_towns_keep_their_names_beside_neighbourhoods_and_counties(near, name):
    assert nearest.find_place(near).name == name


def test_every_name_shared_with_a_town_is_a_choice_written_down():
    """A neighbourhood or county named like a town hides the town: each is chosen in
    locations/areas.py. One added without a thought fails here."""
    names = [
        written
        for name, _, other_names in [*areas.ATLANTA_NEIGHBOURHOODS, *areas.COUNTIES]
        for written in (name, *other_names)
    ]
    towns = nearest._georgia_towns()
    shared = {name for name in names if nearest._town_key(name) in towns}
    assert shared == {
        "Buckhead",
        "Bartow",
        "Clayton",
        "Cobb",
        "Dawson",
        "Douglas",
        "Forsyth",
        "Jackson",
        "Madison",
        "Newton",
        "Oconee",
    }
    # Of these, only the towns near a location keep the name said alone.
    assert {name for name in shared if nearest.find_place(name).name == f"{name}, GA"} == {
        "Jackson",
        "Madison",
    }


@pytest.mark.parametrize(("name", "code", "_"), areas.COUNTIES)
def test_each_county_stands_at_a_zip_code_of_its_own_with_a_position(name, code, _):
    [row] = zipcodes.matching(code)
    assert (row["state"], row["county"], row["zip_code_type"]) == ("GA", f"{name} County", "STANDARD")
    assert float(row["lat"]) and float(row["long"])


@pytest.mark.parametrize(("name", "code", "_"), areas.ATLANTA_NEIGHBOURHOODS)
def test_each_neighbourhood_stands_at_a_zip_code_of_atlanta_with_a_position(name, code, _):
    [row] = zipcodes.matching(code)
    assert (row["state"], row["city"], row["zip_code_type"]) == ("GA", "Atlanta", "STANDARD")
    assert float(row["lat"]) and float(row["long"])


def test_a_degree_of_latitude_is_about_69_miles():
    assert nearest.miles_between(34, -84, 35, -84) == pytest.approx(69.1, abs=0.1)
    assert nearest.miles_between(33.749, -84.388, 33.749, -84.388) == 0


@pytest.mark.parametrize(
    ("miles", "said"),
    [
        (0.4, "less than a mile"),
        (1.2, "about 1 mile"),
        (23.6, "about 24 miles"),
        (1911.2, "about 1,911 miles"),
    ],
)
def test_distances_are_said_plainly(miles, said):
    assert nearest.Nearby(None, miles).distance == said


@pytest.mark.parametrize(
    ("near", "title"),
    [
        ("30549", "Nearest to 30549 (Jefferson, GA): Jefferson"),
        ("Atlantis", "No place found for “Atlantis”"),
        ("", "Locations: enter your ZIP code or town"),
    ],
)
def test_the_page_title_says_what_the_search_for_a_location_found(client, locations, near, title):
    """The form sends the visitor to a new page whose title is what a screen reader says first:
    it said "Locations" whatever was found, so an unknown town went unannounced (WCAG 2.4.2,
    3.3.1). It now gives the answer, or says that nothing was found."""
    _, tree = page(client, near)
    assert tree.find(".//title").text.startswith(title)
    assert tree.find(".//h1").text == "Our locations"


def test_the_page_title_says_when_distances_cannot_be_worked_out(client, db):
    LocationFactory(name="Jefferson", latitude=None, longitude=None)
    _, tree = page(client, "30549")
    assert tree.find(".//title").text.startswith("Locations, without distances from 30549 (Jefferson, GA)")
