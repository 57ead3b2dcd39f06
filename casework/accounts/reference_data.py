"""Reference data loaded by migration: the CT policing regions of England and Wales (the statistics' regions)
and a representative set of local authorities in each. Administrators add others in the admin."""

REGIONS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "north-east": (
        "North East",
        [
            ("newcastle", "Newcastle upon Tyne"),
            ("sunderland", "Sunderland"),
            ("middlesbrough", "Middlesbrough"),
            ("durham", "County Durham"),
        ],
    ),
    "north-west": (
        "North West",
        [
            ("manchester", "Manchester"),
            ("liverpool", "Liverpool"),
            ("bolton", "Bolton"),
            ("lancashire", "Lancashire"),
            ("oldham", "Oldham"),
        ],
    ),
    "yorkshire-humber": (
        "Yorkshire and the Humber",
        [
            ("leeds", "Leeds"),
            ("bradford", "Bradford"),
            ("sheffield", "Sheffield"),
            ("kirklees", "Kirklees"),
            ("hull", "Kingston upon Hull"),
        ],
    ),
    "east-midlands": (
        "East Midlands",
        [
            ("leicester", "Leicester"),
            ("nottingham", "Nottingham"),
            ("derby", "Derby"),
            ("lincolnshire", "Lincolnshire"),
        ],
    ),
    "west-midlands": (
        "West Midlands",
        [
            ("birmingham", "Birmingham"),
            ("coventry", "Coventry"),
            ("wolverhampton", "Wolverhampton"),
            ("sandwell", "Sandwell"),
            ("stoke", "Stoke-on-Trent"),
        ],
    ),
    "east-of-england": (
        "East of England",
        [("luton", "Luton"), ("peterborough", "Peterborough"), ("norfolk", "Norfolk"), ("essex", "Essex")],
    ),
    "london": (
        "London",
        [
            ("tower-hamlets", "Tower Hamlets"),
            ("newham", "Newham"),
            ("camden", "Camden"),
            ("croydon", "Croydon"),
            ("ealing", "Ealing"),
            ("waltham-forest", "Waltham Forest"),
        ],
    ),
    "south-east": (
        "South East",
        [
            ("kent", "Kent"),
            ("brighton", "Brighton and Hove"),
            ("portsmouth", "Portsmouth"),
            ("oxfordshire", "Oxfordshire"),
            ("slough", "Slough"),
        ],
    ),
    "south-west": (
        "South West",
        [("bristol", "Bristol"), ("plymouth", "Plymouth"), ("devon", "Devon"), ("swindon", "Swindon")],
    ),
    "wales": (
        "Wales",
        [("cardiff", "Cardiff"), ("swansea", "Swansea"), ("newport", "Newport"), ("wrexham", "Wrexham")],
    ),
}
