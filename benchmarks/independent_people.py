"""A second, independent person generator for the matching benchmark.

``casework.people.matching.synthetic`` was written alongside the matcher, so the two share assumptions
(name lists, corruption kinds and rates, hard negatives). This one shares none of its code: names,
addresses, postcodes and national insurance numbers come from Faker's ``en_GB`` provider, nicknames from
the ``nicknames`` dataset, and the corruptions are written here at their own rates. Scores on both say
more about held-out data than either alone.

Each person has 1-5 records (40/30/15/10/5%); 3% of persons are twins of an earlier person (same family
name, date of birth and address, different given name). Each record after the first may get: a nickname
(10%), a typo in the given (10%) or family name (10%), swapped given/family names (3%), a missing date of
birth (5%), day and month swapped (3%), one mistyped digit anywhere in the date (5%, which can give a
date in the future), a new address (25%), a missing postcode (5%), a missing national id (5%) and a
missing sex (2%).
"""

from __future__ import annotations

import contextlib
import random
import string
from datetime import date

import nicknames
from faker import Faker

COLUMNS = (
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


def _nicknames() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for t in nicknames.name_triplets():
        out.setdefault(t.name1, []).append(t.name2)
    return out


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 3:
        return s
    i = rng.randrange(1, len(s))
    c = rng.choice(string.ascii_lowercase)
    op = rng.random()
    if op < 0.3:
        return s[:i] + c + s[i + 1 :]
    if op < 0.55:
        return s[:i] + s[i + 1 :]
    if op < 0.8:
        return s[:i] + c + s[i:]
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :] if i < len(s) - 1 else s


def generate(n_persons: int, seed: int, twins: float = 0.03) -> tuple[list[dict[str, str]], dict[str, int]]:
    """Return (records in the bulk-linkage CSV contract, record id -> person id)."""
    rng = random.Random(seed)
    fake = Faker("en_GB")
    fake.seed_instance(seed)
    nick = _nicknames()
    people: list[dict[str, object]] = []
    for pid in range(n_persons):
        sex = rng.choice("MF")
        given = fake.first_name_male() if sex == "M" else fake.first_name_female()
        if people and rng.random() < twins:
            base = people[rng.randrange(len(people))]
            people.append({**base, "pid": pid, "given": given, "sex": sex, "nid": fake.ssn()})
            continue
        people.append(
            {
                "pid": pid,
                "sex": sex,
                "given": given,
                "family": fake.last_name(),
                "dob": fake.date_of_birth(minimum_age=8, maximum_age=70),
                "address": fake.street_address().replace("\n", " "),
                "town": fake.city(),
                "postcode": fake.postcode(),
                "nid": fake.ssn(),
            }
        )
    rows: list[tuple[dict[str, str], int]] = []
    for p in people:
        for k in range(rng.choices((1, 2, 3, 4, 5), (0.4, 0.3, 0.15, 0.1, 0.05))[0]):
            given, family, sex = str(p["given"]), str(p["family"]), str(p["sex"])
            dob: date | None = p["dob"]  # type: ignore[assignment]
            address, town, postcode, nid = str(p["address"]), str(p["town"]), str(p["postcode"]), str(p["nid"])
            if k > 0:
                if rng.random() < 0.1 and given.lower() in nick:
                    given = rng.choice(nick[given.lower()]).title()
                if rng.random() < 0.1:
                    given = _typo(rng, given)
                if rng.random() < 0.1:
                    family = _typo(rng, family)
                if rng.random() < 0.03:
                    given, family = family, given
                r = rng.random()
                assert dob is not None
                if r < 0.05:
                    dob = None
                elif r < 0.08 and dob.day <= 12:
                    dob = date(dob.year, dob.day, dob.month)
                elif r < 0.13:
                    text = dob.isoformat()
                    i = rng.choice((2, 3, 5, 6, 8, 9))
                    with contextlib.suppress(ValueError):  # an impossible date (month 13) is not typed
                        dob = date.fromisoformat(text[:i] + str(rng.randint(0, 9)) + text[i + 1 :])
                if rng.random() < 0.25:
                    address, town, postcode = fake.street_address().replace("\n", " "), fake.city(), fake.postcode()
                if rng.random() < 0.05:
                    postcode = ""
                if rng.random() < 0.05:
                    nid = ""
                if rng.random() < 0.02:
                    sex = ""
            row = {
                "given_name": given,
                "family_name": family,
                "date_of_birth": dob.isoformat() if dob else "",
                "sex": sex,
                "address_line": address,
                "town": town,
                "postcode": postcode,
                "national_id": nid,
            }
            rows.append((row, int(p["pid"])))  # type: ignore[call-overload]
    rng.shuffle(rows)
    records: list[dict[str, str]] = []
    truth: dict[str, int] = {}
    for i, (row, pid) in enumerate(rows):
        rid = f"F{i:08d}"
        records.append({"record_id": rid, **row})
        truth[rid] = pid
    return records, truth
