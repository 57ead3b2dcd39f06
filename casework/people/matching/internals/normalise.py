"""Normalisation of raw person fields into the comparison features used by the model.

The same feature dict feeds both the Splink/DuckDB bulk path and the in-memory candidate index, so the
two paths agree on what "same name" or "same postcode" means.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

from .variants import FAMILY_NAME_GROUPS, GIVEN_NAME_GROUPS

# Letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "đ": "d",
        "Đ": "D",
        "ı": "i",
        "œ": "oe",
        "þ": "th",
        "ð": "d",
    }
)
_NON_ALPHA = re.compile(r"[^a-z\s-]")
_SPLIT = re.compile(r"[\s-]+")
# Name particles written both joined and separate ("Abdul Rahman" / "Abdulrahman", "O Brien" / "O'Brien").
_JOIN_WITH_NEXT = frozenset(
    {
        "abdul",
        "abdel",
        "abd",
        "abdal",
        "abdur",
        "abu",
        "al",
        "el",
        "ul",
        "ud",
        "o",
        "mc",
        "mac",
        "de",
        "van",
        "von",
        "le",
        "la",
        "di",
        "da",
        "st",
        "ter",
    }
)
# "Abdi" is also a Somali name on its own, so it only glues onto the attribute names it prefixes.
_ABDI_SUFFIXES = frozenset(
    {
        "rahman",
        "karim",
        "aziz",
        "qadir",
        "kadir",
        "salam",
        "nasir",
        "rashid",
        "fatah",
        "wahab",
        "hakim",
        "majid",
        "rahim",
        "latif",
    }
)
_TITLE = frozenset({"mr", "mrs", "ms", "miss", "dr", "prof", "sir", "mx", "rev"})

_ADDRESS_ABBREV = {
    "rd": "road",
    "st": "street",
    "ave": "avenue",
    "av": "avenue",
    "ln": "lane",
    "dr": "drive",
    "cl": "close",
    "cres": "crescent",
    "ct": "court",
    "pl": "place",
    "gdns": "gardens",
    "sq": "square",
    "tce": "terrace",
    "ter": "terrace",
    "hse": "house",
    "flt": "flat",
    "apt": "flat",
    "apartment": "flat",
    "gr": "grove",
    "pk": "park",
    "wy": "way",
    "hl": "hill",
    "mt": "mount",
    "nth": "north",
    "sth": "south",
}
_POSTCODE = re.compile(r"^([A-Z]{1,2}[0-9][0-9A-Z]?)([0-9][A-Z]{2})$")


def ascii_fold(value: str) -> str:
    value = value.translate(_SPECIAL)
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@lru_cache(maxsize=200_000)
def name_tokens(value: str | None) -> tuple[str, ...]:
    """Lower-case ASCII tokens with name particles glued on ("O'Brien" and "O Brien" both -> obrien)."""
    if not value:
        return ()
    text = ascii_fold(value).replace("'", "").replace("`", "").replace(".", " ")
    text = _NON_ALPHA.sub(" ", text)
    raw = [t for t in _SPLIT.split(text) if t and t not in _TITLE]
    out: list[str] = []
    i = 0
    while i < len(raw):
        tok = raw[i]
        if i + 1 < len(raw) and (tok in _JOIN_WITH_NEXT or (tok == "abdi" and raw[i + 1] in _ABDI_SUFFIXES)):
            tok = tok + raw[i + 1]
            i += 1
        if tok.startswith("mac") and len(tok) >= 7:
            tok = "mc" + tok[3:]
        out.append(tok)
        i += 1
    return tuple(out)


def _build_groups(groups: tuple[tuple[str, ...], ...]) -> tuple[dict[str, tuple[int, ...]], list[str]]:
    index: dict[str, list[int]] = {}
    heads: list[str] = []
    for gid, group in enumerate(groups):
        heads.append("".join(name_tokens(group[0])))
        for spelling in group:
            key = "".join(name_tokens(spelling))
            ids = index.setdefault(key, [])
            if gid not in ids:
                ids.append(gid)
    return {k: tuple(v) for k, v in index.items()}, heads


_GIVEN_INDEX, _GIVEN_HEADS = _build_groups(GIVEN_NAME_GROUPS)
_FAMILY_INDEX, _FAMILY_HEADS = _build_groups(FAMILY_NAME_GROUPS)


def given_groups(name: str) -> tuple[int, ...]:
    return _GIVEN_INDEX.get(name, ())


def family_groups(name: str) -> tuple[int, ...]:
    return _FAMILY_INDEX.get(name, ())


def given_group_label(gid: int) -> str:
    return GIVEN_NAME_GROUPS[gid][0]


def family_group_label(gid: int) -> str:
    return FAMILY_NAME_GROUPS[gid][0]


def name_key(name: str) -> str:
    """Position-free canonical key: the same spelling keys the same whether given or family name,
    so swapped names still meet in blocking."""
    ids = _GIVEN_INDEX.get(name)
    if ids:
        return _GIVEN_HEADS[ids[0]]
    ids = _FAMILY_INDEX.get(name)
    return _FAMILY_HEADS[ids[0]] if ids else name


def given_key(name: str) -> str:
    ids = _GIVEN_INDEX.get(name)
    return _GIVEN_HEADS[ids[0]] if ids else name


def family_key(name: str) -> str:
    ids = _FAMILY_INDEX.get(name)
    return _FAMILY_HEADS[ids[0]] if ids else name


_SOUNDEX_CODES = {
    c: d
    for d, letters in {"1": "bfpv", "2": "cgjkqsxz", "3": "dt", "4": "l", "5": "mn", "6": "r"}.items()
    for c in letters
}


@lru_cache(maxsize=200_000)
def soundex(name: str) -> str:
    if not name:
        return ""
    first = name[0]
    out = [first]
    prev = _SOUNDEX_CODES.get(first, "")
    for ch in name[1:]:
        code = _SOUNDEX_CODES.get(ch, "")
        if code and code != prev:
            out.append(code)
            if len(out) == 4:
                break
        if ch not in "hw":
            prev = code
    return "".join(out).ljust(4, "0")


EARLIEST_BIRTH_YEAR = 1900


def parse_dob(value: str | None) -> tuple[date | None, bool]:
    """Return (date, malformed). Blank is not malformed; anything unparseable is, and so is a date no
    living person was born on (in the future, or before 1900): "2092-10-05" is a slip for 2002, and read as
    a real date it would veto the match with the true one."""
    if value is None:
        return None, False
    text = value.strip()
    if not text:
        return None, False
    if len(text) != 10 or text[4] != "-" or text[7] != "-":
        return None, True
    try:
        parsed = date(int(text[:4]), int(text[5:7]), int(text[8:10]))
    except ValueError:
        return None, True
    if parsed.year < EARLIEST_BIRTH_YEAR or parsed > datetime.now(UTC).date():
        return None, True
    return parsed, False


def normalise_postcode(value: str | None) -> tuple[str | None, str | None, str | None, str | None]:
    """Return (postcode, sector, district, area); unparseable postcodes keep only the raw compact form."""
    if not value:
        return None, None, None, None
    compact = re.sub(r"[^A-Z0-9]", "", ascii_fold(value).upper())
    if not compact:
        return None, None, None, None
    m = _POSTCODE.match(compact)
    if not m:
        return compact, None, None, None
    outward, inward = m.group(1), m.group(2)
    area = re.match(r"[A-Z]+", outward)
    return compact, outward + inward[0], outward, area.group(0) if area else None


def normalise_address(value: str | None) -> tuple[str | None, str | None]:
    """Return (address, house number). Abbreviations are expanded so "12 High St" == "12 High Street"."""
    if not value:
        return None, None
    text = re.sub(r"[^a-z0-9\s]", " ", ascii_fold(value))
    toks = [_ADDRESS_ABBREV.get(t, t) for t in text.split()]
    if not toks:
        return None, None
    number = next((t for t in toks if any(c.isdigit() for c in t)), None)
    return " ".join(toks), number


def normalise_sex(value: str | None) -> str | None:
    if not value:
        return None
    v = value.strip().lower()
    if v in {"m", "male", "man", "boy"}:
        return "M"
    if v in {"f", "female", "woman", "girl"}:
        return "F"
    return None


def normalise_nid(value: str | None) -> str | None:
    if not value:
        return None
    compact = re.sub(r"[^A-Z0-9]", "", value.upper())
    return compact or None


def normalise_town(value: str | None) -> str | None:
    if not value:
        return None
    text = " ".join(re.sub(r"[^a-z\s]", " ", ascii_fold(value)).split())
    return text or None


def _none_if_empty(s: str) -> str | None:
    return s or None


def name_features(given_name: str | None, family_name: str | None) -> dict[str, Any]:
    g_toks = name_tokens(given_name)
    f_toks = name_tokens(family_name)
    gn = g_toks[0] if g_toks else ""
    fn = "".join(f_toks)
    gk = name_key(gn) if gn else ""
    fk = name_key(fn) if fn else ""
    # Double-barrelled family names: also index each part so "Smith-Jones" can meet "Jones".
    fn_parts = tuple(sorted({name_key(t) for t in f_toks if len(t) >= 2} | ({fk} if fk else set())))
    g_all = tuple(sorted({name_key(t) for t in g_toks}))
    return {
        "gn": _none_if_empty(gn),
        "gn_all": list(g_all) if g_all else None,
        "gn_groups": list(given_groups(gn)) if gn else None,
        "gn_key": _none_if_empty(gk),
        "gn_sx": _none_if_empty(soundex(gk)) if gk else None,
        "fn": _none_if_empty(fn),
        "fn_parts": list(fn_parts) if fn_parts else None,
        "fn_groups": list(family_groups(fn)) if fn else None,
        "fn_key": _none_if_empty(fk),
        "fn_sx": _none_if_empty(soundex(fk)) if fk else None,
        # Order-free so given/family swaps land in the same block.
        "name_key": "|".join(sorted((gk, fk))) if gk and fk else None,
        # The initial blocks exact-date pairs whose names both carry typos ("Tbmitope Edwards"/"Temitope Edwafrds").
        "gn_i": gk[0] if gk else None,
    }


def record_features(
    given_name: str | None,
    family_name: str | None,
    date_of_birth: date | None,
    sex: str | None,
    address_line: str | None,
    town: str | None,
    postcode: str | None,
    national_id: str | None,
) -> dict[str, Any]:
    feats = name_features(given_name, family_name)
    if date_of_birth is not None:
        y, m, d = date_of_birth.year, date_of_birth.month, date_of_birth.day
        feats.update(
            dob=date_of_birth.isoformat(),
            dob_y=y,
            dob_m=m,
            dob_d=d,
            dob_dm=f"{y}-{min(m, d):02d}-{max(m, d):02d}",
            # Day and month without the year, for a mistyped year ("2014-07-13"/"2013-07-13").
            dob_md=f"{min(m, d):02d}-{max(m, d):02d}",
        )
    else:
        feats.update(dob=None, dob_y=None, dob_m=None, dob_d=None, dob_dm=None, dob_md=None)
    pc, sector, district, area = normalise_postcode(postcode)
    addr, house = normalise_address(address_line)
    feats.update(
        sex=normalise_sex(sex),
        pc=pc,
        pc_sector=sector,
        pc_district=district,
        pc_area=area,
        addr=addr,
        house=house,
        town=normalise_town(town),
        nid=normalise_nid(national_id),
    )
    return feats
