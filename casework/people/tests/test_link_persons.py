from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

HEADER = "record_id,given_name,family_name,date_of_birth,sex,address_line,town,postcode,national_id"


def _write(path: Path, rows: list[str], header: str = HEADER) -> Path:
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_link_persons_writes_the_pairs_contract(tmp_path: Path) -> None:
    src = _write(tmp_path / "people.csv", [
        "a1,Mohammed,Khan,2009-04-12,male,12 Mill Lane,Leeds,LS6 2AB,",
        "a2,Muhammad,Khan,2009-12-04,male,12 Mill Ln,Leeds,LS6 2AB,",
        "b1,Grace,Okafor,1988-07-30,female,4 High St,Bristol,BS1 4DJ,",
    ])
    out = tmp_path / "pairs.csv"
    call_command("link_persons", "--input", str(src), "--output", str(out), verbosity=0)
    rows = list(csv.DictReader(out.open()))
    assert rows
    assert list(rows[0]) == ["record_id_l", "record_id_r", "match_probability"]
    scores = {frozenset((r["record_id_l"], r["record_id_r"])): float(r["match_probability"]) for r in rows}
    assert scores[frozenset(("a1", "a2"))] >= 0.5
    assert all(0.0 <= p <= 1.0 for p in scores.values())
    assert scores.get(frozenset(("a1", "b1")), 0.0) < 0.5


def test_link_persons_names_a_missing_column(tmp_path: Path) -> None:
    src = _write(tmp_path / "bad.csv", ["x,Ann,Lee"], header="record_id,given_name,family_name")
    with pytest.raises(CommandError, match="date_of_birth"):
        call_command("link_persons", "--input", str(src), "--output", str(tmp_path / "o.csv"), verbosity=0)


def test_link_persons_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such input file"):
        call_command("link_persons", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))
