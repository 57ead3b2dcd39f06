"""Synthetic referral-style person records with ground truth, for training and benchmarking.

``generate_people`` makes ``n_persons`` people drawn from several UK communities, then emits 1-4 records
per person with known corruption rates (transliteration/nickname variants, typos, given/family swaps,
double-barrelled changes, missing or day/month-swapped dates of birth, moves, postcode typos, married-name
aliases). It deliberately adds hard negatives: siblings and twins at the same address, father/son
namesakes, and unrelated people who share a common full name and birth year.

Everything is driven by one ``random.Random(seed)`` so output is deterministic for a seed.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

# The generator draws from the curated tables only, so the benchmark does not change when the matcher
# learns more nicknames.
from .internals.variants import CURATED_GIVEN_NAME_GROUPS, FAMILY_NAME_GROUPS

CSV_COLUMNS = (
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "sex",
    "address_line",
    "town",
    "postcode",
    "national_id",
)
REFERENCE_DATE = date(2025, 1, 1)

_COMMUNITIES: dict[str, dict[str, tuple[str, ...]]] = {
    "white_british": {
        "M": (
            "James",
            "John",
            "David",
            "Michael",
            "Daniel",
            "Thomas",
            "William",
            "Robert",
            "Richard",
            "Oliver",
            "Jack",
            "Harry",
            "George",
            "Charlie",
            "Jacob",
            "Joshua",
            "Samuel",
            "Benjamin",
            "Matthew",
            "Christopher",
            "Andrew",
            "Stephen",
            "Paul",
            "Mark",
            "Peter",
            "Edward",
            "Ryan",
            "Lewis",
            "Luke",
            "Liam",
            "Callum",
            "Kyle",
            "Connor",
            "Alexander",
            "Nathan",
            "Adam",
            "Jordan",
            "Aaron",
            "Scott",
            "Dean",
            "Craig",
            "Gary",
            "Kevin",
            "Lee",
            "Shane",
            "Wayne",
            "Jamie",
            "Alfie",
            "Archie",
            "Henry",
        ),
        "F": (
            "Olivia",
            "Emily",
            "Sophie",
            "Jessica",
            "Charlotte",
            "Lucy",
            "Amelia",
            "Chloe",
            "Hannah",
            "Emma",
            "Sarah",
            "Rebecca",
            "Laura",
            "Katherine",
            "Elizabeth",
            "Victoria",
            "Amy",
            "Lauren",
            "Megan",
            "Bethany",
            "Abigail",
            "Samantha",
            "Natalie",
            "Nicola",
            "Rachel",
            "Helen",
            "Claire",
            "Louise",
            "Jennifer",
            "Stephanie",
            "Kirsty",
            "Gemma",
            "Danielle",
            "Jade",
            "Holly",
            "Ellie",
            "Grace",
            "Isabella",
            "Poppy",
            "Margaret",
            "Susan",
            "Deborah",
            "Jacqueline",
            "Amanda",
            "Zoe",
            "Ruby",
        ),
        "family": (
            "Smith",
            "Jones",
            "Taylor",
            "Brown",
            "Williams",
            "Wilson",
            "Johnson",
            "Davies",
            "Robinson",
            "Wright",
            "Thompson",
            "Evans",
            "Walker",
            "White",
            "Roberts",
            "Green",
            "Hall",
            "Wood",
            "Jackson",
            "Clarke",
            "Harris",
            "Lewis",
            "Turner",
            "Martin",
            "Cooper",
            "Hill",
            "Ward",
            "Morris",
            "Moore",
            "King",
            "Baker",
            "Harrison",
            "Morgan",
            "Allen",
            "James",
            "Scott",
            "Phillips",
            "Watson",
            "Parker",
            "Price",
            "Bennett",
            "Young",
            "Griffiths",
            "Mitchell",
            "Cook",
            "Carter",
            "Richardson",
            "Bailey",
            "Collins",
            "Bell",
            "Shaw",
            "Miller",
            "Cox",
            "Richards",
            "Marshall",
            "Simpson",
            "Ellis",
            "Adams",
            "Wilkinson",
            "Foster",
            "Chapman",
            "Powell",
            "Webb",
            "Rogers",
            "Gray",
            "Mason",
            "Hunt",
            "Matthews",
            "Owen",
            "Palmer",
            "Holmes",
            "Mills",
            "Barnes",
            "Knight",
            "Lloyd",
            "Butler",
            "Russell",
            "Barker",
            "Fisher",
            "Stevens",
            "Jenkins",
            "Dixon",
            "Harvey",
            "Fletcher",
            "Hughes",
            "Edwards",
            "Reid",
            "Stewart",
            "Mackenzie",
            "Fraser",
            "Hamilton",
        ),
    },
    "south_asian": {
        "M": (
            "Muhammad",
            "Mohammed",
            "Ali",
            "Ahmed",
            "Hussain",
            "Imran",
            "Bilal",
            "Usman",
            "Hamza",
            "Tariq",
            "Faisal",
            "Zain",
            "Ibrahim",
            "Yusuf",
            "Amir",
            "Kamran",
            "Adnan",
            "Asif",
            "Rizwan",
            "Shahid",
            "Sajid",
            "Waqas",
            "Zubair",
            "Arjun",
            "Rajesh",
            "Sanjay",
            "Deepak",
            "Vijay",
            "Gurpreet",
            "Harpreet",
            "Mandeep",
            "Sandeep",
            "Jaswinder",
            "Kuldeep",
            "Ravinder",
            "Amarjit",
            "Sukhdev",
            "Anil",
            "Sunil",
            "Pradeep",
            "Rohan",
            "Aarav",
            "Vikram",
            "Nikhil",
            "Abdul Rahman",
            "Abdullah",
        ),
        "F": (
            "Fatima",
            "Aisha",
            "Ayesha",
            "Zainab",
            "Maryam",
            "Amina",
            "Khadija",
            "Nasreen",
            "Parveen",
            "Rubina",
            "Shazia",
            "Nadia",
            "Samina",
            "Saima",
            "Sana",
            "Hina",
            "Iqra",
            "Mehwish",
            "Yasmin",
            "Priya",
            "Pooja",
            "Anjali",
            "Neha",
            "Sita",
            "Geeta",
            "Lakshmi",
            "Simran",
            "Harpreet",
            "Gurpreet",
            "Manpreet",
            "Jasvinder",
            "Kiran",
            "Sunita",
            "Rani",
            "Asha",
            "Divya",
            "Shabana",
        ),
        "family": (
            "Khan",
            "Ahmed",
            "Hussain",
            "Ali",
            "Shah",
            "Patel",
            "Singh",
            "Kaur",
            "Begum",
            "Akhtar",
            "Rahman",
            "Chaudhry",
            "Mahmood",
            "Qureshi",
            "Siddiqui",
            "Malik",
            "Iqbal",
            "Butt",
            "Bibi",
            "Javed",
            "Aslam",
            "Riaz",
            "Anwar",
            "Sharma",
            "Gupta",
            "Kumar",
            "Mistry",
            "Parmar",
            "Sandhu",
            "Gill",
            "Dhillon",
            "Sidhu",
            "Bains",
            "Uddin",
            "Miah",
            "Islam",
            "Rashid",
            "Saleem",
            "Karim",
            "Chowdhury",
            "Mirza",
            "Raja",
            "Nawaz",
            "Hassan",
        ),
    },
    "arab_somali": {
        "M": (
            "Mohamed",
            "Mohamud",
            "Abdi",
            "Abdullahi",
            "Ahmed",
            "Hassan",
            "Hussein",
            "Omar",
            "Ali",
            "Yusuf",
            "Ibrahim",
            "Ismail",
            "Abdirahman",
            "Abdikarim",
            "Mustafa",
            "Khalid",
            "Osman",
            "Said",
            "Jamal",
            "Karim",
            "Rashid",
            "Abdulaziz",
            "Abdulqadir",
            "Bashir",
            "Farah",
            "Liban",
            "Hamza",
        ),
        "F": (
            "Fadumo",
            "Hawa",
            "Amina",
            "Fatima",
            "Khadija",
            "Maryam",
            "Asha",
            "Hodan",
            "Sahra",
            "Ifrah",
            "Hibo",
            "Ubah",
            "Nimo",
            "Layla",
            "Samira",
            "Sumaya",
            "Zainab",
            "Aisha",
            "Huda",
            "Nasra",
            "Safiya",
            "Muna",
            "Idil",
            "Yasmin",
        ),
        "family": (
            "Mohamed",
            "Mohamud",
            "Abdi",
            "Abdullahi",
            "Ahmed",
            "Hassan",
            "Hussein",
            "Omar",
            "Ali",
            "Yusuf",
            "Ibrahim",
            "Ismail",
            "Farah",
            "Osman",
            "Warsame",
            "Jama",
            "Aden",
            "Nur",
            "Elmi",
            "Egal",
            "Dualeh",
            "Hersi",
            "Musa",
            "Salah",
            "Al-Hassan",
            "El-Sayed",
            "Haddad",
            "Mansour",
            "Khalil",
            "Nasser",
            "Saleh",
            "Hamdan",
        ),
    },
    "east_european": {
        "M": (
            "Piotr",
            "Pawel",
            "Krzysztof",
            "Tomasz",
            "Michal",
            "Jan",
            "Andrzej",
            "Marek",
            "Jakub",
            "Lukasz",
            "Mateusz",
            "Grzegorz",
            "Wojciech",
            "Dawid",
            "Kamil",
            "Adrian",
            "Bartosz",
            "Szymon",
            "Marcin",
            "Dmitri",
            "Sergei",
            "Andrei",
            "Ion",
            "Florin",
            "Bogdan",
            "Mihai",
            "Vasile",
            "Oleksandr",
            "Yuri",
        ),
        "F": (
            "Katarzyna",
            "Agnieszka",
            "Malgorzata",
            "Magdalena",
            "Aleksandra",
            "Joanna",
            "Anna",
            "Ewa",
            "Monika",
            "Marta",
            "Natalia",
            "Karolina",
            "Paulina",
            "Justyna",
            "Dorota",
            "Zofia",
            "Elena",
            "Irina",
            "Olga",
            "Tatiana",
            "Ioana",
            "Andreea",
            "Alina",
            "Oksana",
        ),
        "family": (
            "Nowak",
            "Kowalski",
            "Wisniewski",
            "Wojcik",
            "Kaminski",
            "Lewandowski",
            "Zielinski",
            "Szymanski",
            "Wozniak",
            "Dabrowski",
            "Kozlowski",
            "Jankowski",
            "Mazur",
            "Kwiatkowski",
            "Krawczyk",
            "Piotrowski",
            "Grabowski",
            "Nowakowski",
            "Pawlowski",
            "Michalski",
            "Adamczyk",
            "Popescu",
            "Ionescu",
            "Popa",
            "Ivanov",
            "Petrov",
            "Smirnov",
            "Kovalenko",
            "Shevchenko",
            "Horvath",
            "Novak",
            "Dvorak",
        ),
    },
    "black_african_caribbean": {
        "M": (
            "Oluwaseun",
            "Oluwafemi",
            "Adebayo",
            "Chukwuemeka",
            "Babatunde",
            "Olumide",
            "Oluwatobi",
            "Olawale",
            "Chinedu",
            "Kwame",
            "Kwabena",
            "Kofi",
            "Yaw",
            "Emmanuel",
            "Samuel",
            "Daniel",
            "David",
            "Joshua",
            "Tyrone",
            "Delroy",
            "Winston",
            "Marcus",
            "Jermaine",
            "Andre",
            "Leon",
            "Darnell",
            "Isaac",
            "Ebenezer",
            "Godfrey",
            "Tendai",
        ),
        "F": (
            "Chiamaka",
            "Temitope",
            "Folasade",
            "Omotola",
            "Oluwadamilola",
            "Ngozi",
            "Nkechi",
            "Akosua",
            "Adwoa",
            "Abena",
            "Ama",
            "Grace",
            "Blessing",
            "Precious",
            "Marcia",
            "Shanice",
            "Tanisha",
            "Keisha",
            "Aaliyah",
            "Jada",
            "Comfort",
            "Esther",
            "Ruth",
            "Funmilayo",
            "Chioma",
        ),
        "family": (
            "Okafor",
            "Adeyemi",
            "Mensah",
            "Owusu",
            "Boateng",
            "Osei",
            "Asante",
            "Okonkwo",
            "Oluwole",
            "Eze",
            "Nwosu",
            "Abiodun",
            "Adeleke",
            "Bankole",
            "Ogunleye",
            "Adewale",
            "Appiah",
            "Agyeman",
            "Williams",
            "Brown",
            "Campbell",
            "Thomas",
            "Robinson",
            "Francis",
            "Clarke",
            "Grant",
            "Johnson",
            "Lewis",
            "Henry",
            "Gordon",
            "Reid",
            "Morgan",
            "Bailey",
            "Edwards",
            "Samuels",
            "Mohammed",
            "Moyo",
            "Ncube",
            "Banda",
            "Phiri",
        ),
    },
    "chinese": {
        "M": (
            "Wei",
            "Jun",
            "Ming",
            "Hao",
            "Jie",
            "Lei",
            "Tao",
            "Qiang",
            "Jian",
            "Xin",
            "Yang",
            "Chen",
            "Kai",
            "Hui",
            "Xiaoming",
            "Zhiwei",
            "Wing",
            "Kwok",
            "Ka Ho",
            "Chi Wai",
        ),
        "F": (
            "Li",
            "Ying",
            "Mei",
            "Yan",
            "Jing",
            "Xiu",
            "Fang",
            "Lan",
            "Hong",
            "Ling",
            "Xiaoli",
            "Yuki",
            "Wai Ling",
            "Mei Ling",
            "Siu Ming",
            "Hui Min",
        ),
        "family": (
            "Wang",
            "Li",
            "Zhang",
            "Liu",
            "Chen",
            "Yang",
            "Huang",
            "Zhao",
            "Wu",
            "Zhou",
            "Xu",
            "Sun",
            "Ma",
            "Zhu",
            "Hu",
            "Guo",
            "He",
            "Lin",
            "Luo",
            "Zheng",
            "Wong",
            "Chan",
            "Cheung",
            "Lau",
            "Ng",
            "Leung",
            "Lam",
            "Tang",
            "Ho",
            "Yip",
        ),
    },
    "irish": {
        "M": (
            "Sean",
            "Patrick",
            "Liam",
            "Conor",
            "Ciaran",
            "Declan",
            "Niall",
            "Eoin",
            "Padraig",
            "Cian",
            "Darragh",
            "Oisin",
            "Ronan",
            "Aidan",
            "Brendan",
            "Kieran",
            "Rory",
            "Seamus",
            "Michael",
            "John",
        ),
        "F": (
            "Siobhan",
            "Niamh",
            "Aoife",
            "Roisin",
            "Grainne",
            "Sinead",
            "Caoimhe",
            "Ciara",
            "Orla",
            "Aisling",
            "Saoirse",
            "Bridget",
            "Mary",
            "Catherine",
            "Deirdre",
            "Maeve",
            "Clodagh",
            "Eimear",
        ),
        "family": (
            "Murphy",
            "Kelly",
            "O'Brien",
            "O'Connor",
            "O'Sullivan",
            "Walsh",
            "Byrne",
            "Ryan",
            "O'Neill",
            "Reilly",
            "Doyle",
            "McCarthy",
            "Gallagher",
            "Doherty",
            "Kennedy",
            "Lynch",
            "Murray",
            "Quinn",
            "Moore",
            "McLoughlin",
            "Carroll",
            "Connolly",
            "Daly",
            "Brennan",
            "Burke",
            "Collins",
            "Campbell",
            "Clarke",
            "McDonald",
            "Fitzgerald",
            "Nolan",
            "Keane",
        ),
    },
}
_COMMUNITY_WEIGHTS = {
    "white_british": 0.50,
    "south_asian": 0.17,
    "arab_somali": 0.08,
    "east_european": 0.08,
    "black_african_caribbean": 0.08,
    "chinese": 0.04,
    "irish": 0.05,
}

_TOWNS: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("London", ("E", "N", "SE", "SW", "W", "NW"), 6.0),
    ("Birmingham", ("B",), 2.0),
    ("Manchester", ("M",), 1.5),
    ("Leeds", ("LS",), 1.0),
    ("Bradford", ("BD",), 1.0),
    ("Leicester", ("LE",), 1.0),
    ("Luton", ("LU",), 0.6),
    ("Bristol", ("BS",), 0.8),
    ("Liverpool", ("L",), 0.8),
    ("Sheffield", ("S",), 0.8),
    ("Cardiff", ("CF",), 0.6),
    ("Glasgow", ("G",), 0.8),
    ("Edinburgh", ("EH",), 0.5),
    ("Newcastle upon Tyne", ("NE",), 0.5),
    ("Nottingham", ("NG",), 0.6),
    ("Coventry", ("CV",), 0.5),
    ("Blackburn", ("BB",), 0.4),
    ("Oldham", ("OL",), 0.4),
    ("Slough", ("SL",), 0.3),
    ("Peterborough", ("PE",), 0.3),
    ("Southampton", ("SO",), 0.4),
    ("Portsmouth", ("PO",), 0.3),
    ("Belfast", ("BT",), 0.5),
    ("Derby", ("DE",), 0.4),
    ("Bolton", ("BL",), 0.3),
    ("Preston", ("PR",), 0.3),
    ("Stoke-on-Trent", ("ST",), 0.3),
    ("Reading", ("RG",), 0.3),
    ("Cambridge", ("CB",), 0.2),
    ("Oxford", ("OX",), 0.2),
    ("Dewsbury", ("WF",), 0.2),
    ("Rochdale", ("OL",), 0.2),
)
_STREETS = (
    "High",
    "Church",
    "Station",
    "Victoria",
    "Park",
    "London",
    "Green",
    "Manor",
    "Queens",
    "Kings",
    "Grange",
    "Mill",
    "Albert",
    "New",
    "School",
    "North",
    "South",
    "Springfield",
    "Windsor",
    "York",
    "Stanley",
    "Oxford",
    "Cambridge",
    "Chapel",
    "Alexandra",
    "Richmond",
    "Clarence",
    "Beech",
    "Oak",
    "Elm",
    "Willow",
    "Cedar",
    "Highfield",
    "Moorland",
    "Whitehall",
    "Belgrave",
    "Grove",
    "Heath",
    "Brook",
    "Meadow",
    "Orchard",
    "Hollins",
    "Ladypool",
    "Stratford",
    "Coventry",
    "Dudley",
    "Soho",
    "Bury",
    "Cheetham",
    "Harehills",
    "Lumb",
    "Wilmslow",
    "Upper",
    "Lower",
    "Castle",
    "Bridge",
)
_STREET_TYPES = (
    ("Road", "Rd"),
    ("Street", "St"),
    ("Avenue", "Ave"),
    ("Lane", "Ln"),
    ("Close", "Cl"),
    ("Drive", "Dr"),
    ("Crescent", "Cres"),
    ("Gardens", "Gdns"),
    ("Terrace", "Tce"),
    ("Way", "Way"),
    ("Place", "Pl"),
    ("Court", "Ct"),
)
_POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
_NI_PREFIX = "ABCEGHJKLMNOPRSTWXYZ"
_KEYBOARD = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class CorruptionRates:
    """Per-record probabilities of each corruption, applied independently to every record of a person."""

    name_variant: float = 0.12
    given_typo: float = 0.06
    family_typo: float = 0.06
    swap_names: float = 0.03
    double_barrel_change: float = 0.5
    middle_name: float = 0.05
    family_change: float = 0.015
    dob_missing: float = 0.08
    dob_day_month_swap: float = 0.04
    dob_typo: float = 0.04
    moved: float = 0.2
    postcode_typo: float = 0.03
    postcode_missing: float = 0.05
    address_missing: float = 0.05
    address_abbreviated: float = 0.2
    sex_missing: float = 0.03
    case_noise: float = 0.1
    nid_missing: float = 0.1


@dataclass
class _Person:
    pid: int
    community: str
    sex: str
    given: str
    family: str
    dob: date
    address: str
    town: str
    postcode: str
    nid: str
    extra_given: list[str] = field(default_factory=list)


def _zipf_choice(rng: random.Random, items: tuple[str, ...], skew: float = 0.9) -> str:
    weights = [1.0 / (i + 1) ** skew for i in range(len(items))]
    return rng.choices(items, weights=weights)[0]


def _postcode(rng: random.Random, areas: tuple[str, ...]) -> str:
    area = rng.choice(areas)
    district = rng.randint(1, 20 if len(area) == 1 else 30)
    return f"{area}{district} {rng.randint(1, 9)}{rng.choice(_POSTCODE_LETTERS)}{rng.choice(_POSTCODE_LETTERS)}"


def _household(rng: random.Random, town_hint: str | None = None) -> tuple[str, str, str]:
    if town_hint is not None:
        town, areas = next((t, a) for t, a, _ in _TOWNS if t == town_hint)
    else:
        town, areas, _ = rng.choices(_TOWNS, weights=[w for *_, w in _TOWNS])[0]
    stype = rng.choice(_STREET_TYPES)[0]
    number = str(rng.randint(1, 240))
    if rng.random() < 0.12:
        number = f"Flat {rng.randint(1, 40)}, {number}"
    return f"{number} {rng.choice(_STREETS)} {stype}", town, _postcode(rng, areas)


def _dob(rng: random.Random) -> date:
    r = rng.random()
    age = rng.uniform(10, 25) if r < 0.55 else rng.uniform(25, 50) if r < 0.88 else rng.uniform(50, 85)
    return REFERENCE_DATE - timedelta(days=int(age * 365.25) + rng.randint(0, 364))


def _nid(rng: random.Random, used: set[str]) -> str:
    while True:
        value = f"{rng.choice(_NI_PREFIX)}{rng.choice(_NI_PREFIX)}{rng.randint(0, 999999):06d}{rng.choice('ABCD')}"
        if value not in used:
            used.add(value)
            return value


def _new_person(rng: random.Random, pid: int, used_nids: set[str]) -> _Person:
    community = rng.choices(list(_COMMUNITY_WEIGHTS), weights=list(_COMMUNITY_WEIGHTS.values()))[0]
    names = _COMMUNITIES[community]
    sex = rng.choice("MF")
    family = _zipf_choice(rng, names["family"])
    if community in {"white_british", "irish"} and rng.random() < 0.04:
        other = _zipf_choice(rng, _COMMUNITIES["white_british"]["family"])
        if other != family:
            family = f"{family}-{other}"
    address, town, postcode = _household(rng)
    extra = [_zipf_choice(rng, names[sex])] if rng.random() < 0.15 else []
    return _Person(
        pid,
        community,
        sex,
        _zipf_choice(rng, names[sex]),
        family,
        _dob(rng),
        address,
        town,
        postcode,
        _nid(rng, used_nids),
        extra,
    )


def _variant_lookup(groups: tuple[tuple[str, ...], ...]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for group in groups:
        for name in group:
            out.setdefault(name, []).extend(n for n in group if n != name)
    return out


_GIVEN_VARIANTS = _variant_lookup(CURATED_GIVEN_NAME_GROUPS)
_FAMILY_VARIANTS = _variant_lookup(FAMILY_NAME_GROUPS)


def _variant(rng: random.Random, name: str, table: dict[str, list[str]]) -> str:
    key = name.lower().replace(" ", "").replace("'", "").replace("-", "")
    options = table.get(key)
    if not options:
        return name
    return rng.choice(options).title()


# Held-out name variation: spelling rules applied at character level, with no reference to the matcher's
# variant tables, so an evaluation on it does not reward the tables for recognising their own entries.
_TRANSLITERATIONS: tuple[tuple[str, str], ...] = (
    ("ou", "u"),
    ("u", "ou"),
    ("oo", "u"),
    ("ee", "i"),
    ("i", "ee"),
    ("ie", "y"),
    ("y", "ie"),
    ("kh", "k"),
    ("k", "kh"),
    ("q", "k"),
    ("ph", "f"),
    ("f", "ph"),
    ("dh", "d"),
    ("th", "t"),
    ("z", "s"),
    ("s", "z"),
    ("c", "k"),
    ("ck", "k"),
    ("a", "e"),
    ("e", "a"),
    ("o", "u"),
    ("aa", "a"),
    ("mm", "m"),
    ("m", "mm"),
    ("ll", "l"),
    ("l", "ll"),
    ("ss", "s"),
    ("dd", "d"),
    ("tt", "t"),
    ("j", "dj"),
    ("w", "v"),
    ("v", "w"),
    ("h", ""),
)


def _transliterate(rng: random.Random, name: str) -> str:
    """One or two spelling-rule changes (not at the first letter), e.g. Yusuf -> Yousuf, Khalid -> Kalid."""
    if len(name) < 3:
        return name
    out = name
    for _ in range(rng.choice((1, 1, 2))):
        low = out.lower()
        options = [(i, a, b) for a, b in _TRANSLITERATIONS for i in range(1, len(low)) if low.startswith(a, i)]
        if not options:
            break
        i, a, b = rng.choice(options)
        out = out[:i] + b + out[i + len(a) :]
    return out if len(out) >= 2 else name


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 3:
        return name
    i = rng.randint(1, len(name) - 2)
    op = rng.random()
    if op < 0.3:
        return name[:i] + rng.choice(_KEYBOARD) + name[i + 1 :]
    if op < 0.55:
        return name[:i] + name[i + 1 :]
    if op < 0.8:
        return name[:i] + rng.choice(_KEYBOARD) + name[i:]
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _dob_typo(rng: random.Random, dob: date) -> date:
    for _ in range(10):
        text = dob.isoformat()
        pos = rng.choice([2, 3, 6, 8, 9])
        digit = str(rng.randint(0, 9))
        candidate = text[:pos] + digit + text[pos + 1 :]
        try:
            new = date.fromisoformat(candidate)
        except ValueError:
            continue
        if new != dob:
            return new
    return dob + timedelta(days=1)


def _emit_record(
    rng: random.Random, person: _Person, rates: CorruptionRates, first: bool, held_out_variants: bool = False
) -> dict[str, str]:
    # The first record of a person is the cleanest one, as intake usually re-keys from a referral form.
    scale = 0.3 if first else 1.0

    def hit(rate: float) -> bool:
        return rng.random() < rate * scale

    given, family = person.given, person.family
    if person.extra_given and rng.random() < 0.5:
        given = f"{given} {person.extra_given[0]}"
    if hit(rates.name_variant):
        if held_out_variants:
            if rng.random() < 0.7:
                given = _transliterate(rng, given)
            else:
                family = _transliterate(rng, family)
        elif rng.random() < 0.7:
            given = _variant(rng, given, _GIVEN_VARIANTS)
        else:
            family = _variant(rng, family, _FAMILY_VARIANTS)
    if hit(rates.given_typo):
        given = _typo(rng, given)
    if hit(rates.family_typo):
        family = _typo(rng, family)
    if "-" in family and hit(rates.double_barrel_change):
        a, b = family.split("-", 1)
        family = rng.choice([a, b, f"{a} {b}", f"{b}-{a}", f"{a}{b}"])
    if hit(rates.middle_name):
        extra = _zipf_choice(rng, _COMMUNITIES[person.community][person.sex])
        given = f"{given} {extra}" if " " not in given else given.split(" ")[0]
    if person.sex == "F" and hit(rates.family_change):
        family = _zipf_choice(rng, _COMMUNITIES[rng.choice(list(_COMMUNITIES))]["family"])
    if hit(rates.swap_names):
        given, family = family, given
    if hit(rates.case_noise):
        given, family = given.upper(), family.upper()

    dob: date | None = person.dob
    if hit(rates.dob_missing):
        dob = None
    elif hit(rates.dob_day_month_swap) and person.dob.day <= 12 and person.dob.day != person.dob.month:
        dob = date(person.dob.year, person.dob.day, person.dob.month)
    elif hit(rates.dob_typo):
        dob = _dob_typo(rng, person.dob)

    address, town, postcode = person.address, person.town, person.postcode
    if not first and rng.random() < rates.moved:
        address, town, postcode = _household(rng, town if rng.random() < 0.5 else None)
    if hit(rates.address_abbreviated):
        for full, short in _STREET_TYPES:
            address = address.replace(f" {full}", f" {short}")
    if hit(rates.postcode_typo):
        i = rng.choice([len(postcode) - 2, len(postcode) - 1, len(postcode) - 3])
        if postcode[i].isdigit():
            postcode = postcode[:i] + str(rng.randint(1, 9)) + postcode[i + 1 :]
        else:
            postcode = postcode[:i] + rng.choice(_POSTCODE_LETTERS) + postcode[i + 1 :]
    if rng.random() < 0.15:
        postcode = postcode.replace(" ", "") if rng.random() < 0.5 else postcode.lower()
    if hit(rates.postcode_missing):
        postcode = ""
    if hit(rates.address_missing):
        address = ""
    sex = "" if hit(rates.sex_missing) else person.sex
    nid = "" if rng.random() < rates.nid_missing else person.nid
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob.isoformat() if dob else "",
        "sex": sex,
        "address_line": address,
        "town": town,
        "postcode": postcode,
        "national_id": nid,
    }


def generate_people(
    n_persons: int,
    *,
    seed: int,
    rates: CorruptionRates | None = None,
    hard_negative_rate: float = 0.25,
    records_per_person_weights: tuple[float, float, float, float] = (0.35, 0.35, 0.2, 0.1),
    held_out_variants: bool = False,
) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Return (records in the CSV contract, truth mapping record_id -> person id).

    ``held_out_variants`` replaces variant-table name changes with character-level transliteration noise
    (``_TRANSLITERATIONS``), which the matcher's tables do not list: use it to evaluate without the
    generator and matcher sharing a vocabulary.

    ``hard_negative_rate`` is the share of people created as a sibling, twin, father/son namesake or
    same-name-same-birth-year stranger of an earlier person.
    """
    rates = rates or CorruptionRates()
    rng = random.Random(seed)
    used_nids: set[str] = set()
    people: list[_Person] = []
    while len(people) < n_persons:
        pid = len(people)
        if people and rng.random() < hard_negative_rate:
            base = rng.choice(people)
            people.append(_hard_negative(rng, base, pid, used_nids))
        else:
            people.append(_new_person(rng, pid, used_nids))

    rows: list[tuple[dict[str, str], int]] = []
    for person in people:
        count = rng.choices((1, 2, 3, 4), weights=records_per_person_weights)[0]
        for k in range(count):
            rows.append((_emit_record(rng, person, rates, k == 0, held_out_variants), person.pid))
    rng.shuffle(rows)
    records: list[dict[str, str]] = []
    truth: dict[str, int] = {}
    for i, (row, pid) in enumerate(rows):
        rid = f"R{i:08d}"
        records.append({"record_id": rid, **row})
        truth[rid] = pid
    return records, truth


def _hard_negative(rng: random.Random, base: _Person, pid: int, used_nids: set[str]) -> _Person:
    names = _COMMUNITIES[base.community]
    kind = rng.random()
    if kind < 0.55:
        # Sibling (a fifth of them twins) sharing the household.
        sex = rng.choice("MF")
        given = base.given
        while given == base.given:
            given = _zipf_choice(rng, names[sex])
        dob = (
            base.dob if rng.random() < 0.2 else base.dob + timedelta(days=rng.choice([-1, 1]) * rng.randint(300, 3650))
        )
        return _Person(
            pid,
            base.community,
            sex,
            given,
            base.family,
            dob,
            base.address,
            base.town,
            base.postcode,
            _nid(rng, used_nids),
        )
    if kind < 0.65:
        # Father/son (or mother/daughter) with identical names at the same address.
        dob = base.dob - timedelta(days=rng.randint(20 * 365, 35 * 365))
        return _Person(
            pid,
            base.community,
            base.sex,
            base.given,
            base.family,
            dob,
            base.address,
            base.town,
            base.postcode,
            _nid(rng, used_nids),
        )
    # Stranger with the same common name and birth year living elsewhere.
    address, town, postcode = _household(rng)
    dob = date(base.dob.year, rng.randint(1, 12), rng.randint(1, 28))
    if dob == base.dob:
        dob = dob + timedelta(days=40)
    return _Person(
        pid,
        base.community,
        base.sex,
        base.given,
        base.family,
        dob,
        address,
        town,
        postcode,
        _nid(rng, used_nids),
    )


def write_csv(records: list[dict[str, str]], path: str | Path, *, include_national_id: bool = True) -> None:
    """Write records in the bulk-linkage CSV contract; without national id the column is present but blank."""
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for rec in records:
            writer.writerow(rec if include_national_id else {**rec, "national_id": ""})


def true_pairs(truth: dict[str, int]) -> set[tuple[str, str]]:
    """All within-person record pairs, ordered (lower id, higher id)."""
    by_person: dict[int, list[str]] = {}
    for rid, pid in truth.items():
        by_person.setdefault(pid, []).append(rid)
    pairs: set[tuple[str, str]] = set()
    for rids in by_person.values():
        rids.sort()
        for i in range(len(rids)):
            for j in range(i + 1, len(rids)):
                pairs.add((rids[i], rids[j]))
    return pairs
