"""Places our readers name that the ZIP code list does not know as towns: neighbourhoods of
Atlanta and counties. Each stands at one ZIP code of the list (`locations.nearest` reads its
position there): a point to measure from, not a boundary.

Kept short on purpose. A name added here can hide a town of the same name, so each one that
does is a choice written down below, and `tests/locations/test_nearest.py` lists them.
"""

# Neighbourhoods of the city of Atlanta, at the ZIP code their streets mostly have. Named as the
# page says them: "Buckhead, Atlanta, GA", or "Downtown Atlanta, GA" for a name that says the
# city already. Cities of their own (Decatur, Sandy Springs, Brookhaven, Dunwoody) and places
# with their own name in the list (Vinings) are towns, found as such.
#
# Buckhead is also a small town in Morgan County, 63 miles east: "Buckhead" means the
# neighbourhood, where our Atlanta location is, and the answer says so ("Buckhead, Atlanta,
# GA"); the town is found by its ZIP code, 30625. Lenox (a town in Cook County) and Riverside
# (one in Colquitt County) are left to those towns.
# Short forms with a digit in them (O4W, L5P) are not taken: what has digits is read as a ZIP code.
#
# (name, ZIP code, other ways of writing it)
ATLANTA_NEIGHBOURHOODS = [
    ("Buckhead", "30305", ()),
    ("Midtown", "30309", ()),
    ("Downtown Atlanta", "30303", ("Downtown",)),
    ("Old Fourth Ward", "30308", ()),
    ("Virginia-Highland", "30306", ("VaHi",)),
    ("Morningside", "30306", ()),
    ("Poncey-Highland", "30306", ()),
    ("Ansley Park", "30309", ()),
    ("Inman Park", "30307", ()),
    ("Little Five Points", "30307", ()),
    ("Candler Park", "30307", ()),
    ("Edgewood", "30307", ()),
    ("Grant Park", "30312", ()),
    ("East Atlanta", "30316", ("East Atlanta Village", "EAV")),
    ("Kirkwood", "30317", ()),
    ("West End", "30310", ()),
    ("Castleberry Hill", "30313", ()),
    ("Atlantic Station", "30363", ()),
    ("West Midtown", "30318", ()),
    ("Lindbergh", "30324", ()),
    ("Chastain Park", "30342", ()),
]

# Counties of metro Atlanta and around our locations, each at the main ZIP code of its county
# seat: "Forsyth County (Cumming, GA)". "County" may be left out ("Gwinnett", "DeKalb"), also
# "Co." for it. A long county is measured from its seat all the same: Fulton from Atlanta,
# though its north end is at our Alpharetta location; a town or ZIP code says more.
#
# (name, ZIP code of the county seat, other ways of writing it)
COUNTIES = [
    ("Cherokee", "30114", ()),  # Canton
    ("Clayton", "30236", ()),  # Jonesboro
    ("Cobb", "30060", ()),  # Marietta
    ("DeKalb", "30030", ("De Kalb",)),  # Decatur
    ("Douglas", "30134", ()),  # Douglasville
    ("Fayette", "30214", ()),  # Fayetteville
    ("Forsyth", "30040", ()),  # Cumming
    ("Fulton", "30303", ()),  # Atlanta
    ("Gwinnett", "30046", ()),  # Lawrenceville
    ("Henry", "30253", ()),  # McDonough
    ("Rockdale", "30012", ()),  # Conyers
    ("Bartow", "30120", ()),  # Cartersville
    ("Coweta", "30263", ()),  # Newnan
    ("Dawson", "30534", ()),  # Dawsonville
    ("Newton", "30014", ()),  # Covington
    ("Paulding", "30132", ()),  # Dallas
    ("Walton", "30655", ()),  # Monroe
    ("Barrow", "30680", ()),  # Winder
    ("Jackson", "30549", ()),  # Jefferson
    ("Hall", "30501", ()),  # Gainesville
    ("Clarke", "30601", ("Athens-Clarke",)),  # Athens
    ("Madison", "30633", ()),  # Danielsville
    ("Oconee", "30677", ()),  # Watkinsville
    ("Banks", "30547", ()),  # Homer
]

# Ten of these names are also towns in Georgia. Without "County", the name means the county,
# whose people are many and near us, where the town lies over 50 miles from every location:
# Forsyth (the town is in Monroe County, 60 miles south of Buckhead), Clayton (Rabun County), Cobb,
# Douglas, Dawson and Newton (south Georgia), Bartow (Jefferson County), Oconee (Washington
# County). It means the town where the town is itself within reach of a location and its
# people would type its name: Jackson (Butts County, 45 miles from Atlanta) and Madison (Morgan
# County, 37 miles from Jefferson); "Jackson County" and "Madison County" say the counties.
# Either way the answer names the place it measured from.
TOWNS_BEFORE_COUNTIES = {"Jackson", "Madison"}
