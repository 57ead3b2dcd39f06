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
    src = _write(
        tmp_path / "people.csv",
        [
            "a1,Mohammed,Khan,2009-04-12,male,12 Mill Lane,Leeds,LS6 2AB,",
            "a2,Muhammad,Khan,2009-12-04,male,12 Mill Ln,Leeds,LS6 2AB,",
            "b1,Grace,Okafor,1988-07-30,female,4 High St,Bristol,BS1 4DJ,",
        ],
    )
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
    assert not (tmp_path / "o.csv").exists()


def test_link_persons_refuses_a_repeated_record_id_and_writes_nothing(tmp_path: Path) -> None:
    from casework.people.matching.internals.bulk import _CHUNK_ROWS

    # Far enough apart that the two rows are normalised in different chunks: the check is file-wide.
    filler = [f"f{i},,,,,,,," for i in range(_CHUNK_ROWS // 2)]
    src = _write(tmp_path / "dup.csv", ["r1,Ann,Lee,,,,,,", *filler, "r1,Cy,Dee,,,,,,"])
    with pytest.raises(CommandError, match="'r1' appears more than once"):
        call_command("link_persons", "--input", str(src), "--output", str(tmp_path / "o.csv"), verbosity=0)
    assert not (tmp_path / "o.csv").exists()


def test_link_persons_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No such input file"):
        call_command("link_persons", "--input", str(tmp_path / "nope.csv"), "--output", str(tmp_path / "o.csv"))


def _background(tmp_path: Path, rows: list[str], n_persons: int = 150) -> Path:
    """The test rows among generated strangers, so the prior is that of a real file, not of three rows."""
    from casework.people.matching.synthetic import generate_people

    records, _ = generate_people(n_persons, seed=77, hard_negative_rate=0.0)
    lines = [",".join(r[c] for c in HEADER.split(",")) for r in records]
    return _write(tmp_path / "people.csv", [*lines, *rows])


def _scores(tmp_path: Path, src: Path, *extra: str) -> dict[frozenset[str], float]:
    out = tmp_path / "pairs.csv"
    call_command("link_persons", "--input", str(src), "--output", str(out), *extra, verbosity=0)
    return {
        frozenset((r["record_id_l"], r["record_id_r"])): float(r["match_probability"])
        for r in csv.DictReader(out.open())
    }


def test_a_record_without_a_date_of_birth_goes_with_one_namesake_not_both(tmp_path: Path) -> None:
    src = _background(
        tmp_path,
        [
            "n1,Ottoline,Vanstone,1990-03-04,female,12 Mill Lane,Leeds,LS6 2AB,",
            "n2,Ottoline,Vanstone,1961-09-21,female,8 Harbour Road,Hull,HU1 3QT,",
            "q,Ottoline,Vanstone,,female,12 Mill Lane,Leeds,LS6 2AB,",
        ],
    )
    raw = _scores(tmp_path, src, "--pairwise-only")
    # Judged alone, the undated record could be either namesake (born 29 years apart).
    assert raw[frozenset(("q", "n1"))] >= 0.5
    assert raw[frozenset(("q", "n2"))] >= 0.5

    scores = _scores(tmp_path, src)
    assert scores[frozenset(("q", "n1"))] >= 0.5  # same address: the stronger link wins
    assert 0.0 < scores[frozenset(("q", "n2"))] < 0.5  # still listed for review, no longer proposed
    assert scores.get(frozenset(("n1", "n2")), 0.0) < 0.5


def test_a_national_id_carries_a_link_to_the_record_it_anchors(tmp_path: Path) -> None:
    src = _background(
        tmp_path,
        [
            "a,Wilhelmina,Ashworth,1988-02-03,female,12 Mill Lane,Leeds,LS6 2AB,QQ123456A",
            "b,Wilhelmina,Ashworth-Pike,,female,4 Kiln Road,Hull,HU1 2BB,QQ123456A",
            "c,Minnie,Ashworth-Pike,,female,4 Kiln Road,Hull,HU1 2BB,",
        ],
    )
    raw = _scores(tmp_path, src, "--pairwise-only")
    assert raw[frozenset(("a", "b"))] >= 0.999
    assert raw[frozenset(("b", "c"))] >= 0.5
    assert raw.get(frozenset(("a", "c")), 0.0) < 0.5

    scores = _scores(tmp_path, src)
    # c is b, and b is a by national id, so c is a.
    assert scores[frozenset(("a", "c"))] >= 0.5


def test_a_date_of_birth_in_the_future_is_read_as_a_slip_not_a_different_person(tmp_path: Path) -> None:
    from io import StringIO

    src = _background(
        tmp_path,
        [
            "t1,Tobias,Fernsworth,2002-10-15,male,85 William Camp,Leeds,LS8 0SW,",
            "t2,Tobias,Fernsworth,2092-10-05,male,85 William Camp,Leeds,LS8 0SW,",
        ],
    )
    out, stdout = tmp_path / "pairs.csv", StringIO()
    call_command("link_persons", "--input", str(src), "--output", str(out), stdout=stdout)
    assert "malformed dates treated as blank" in stdout.getvalue()
    scores = {
        frozenset((r["record_id_l"], r["record_id_r"])): float(r["match_probability"])
        for r in csv.DictReader(out.open())
    }
    assert scores[frozenset(("t1", "t2"))] >= 0.5
