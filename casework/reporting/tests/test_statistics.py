"""The official statistics are checked against counts computed independently from the raw rows (a different
path: model objects walked in Python, status history instead of the case's panel date), on a synthetic year."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from odf.opendocument import load
from odf.table import Table as OdsTable

from casework.accounts.models import LocalAuthority, Region, Role, User
from casework.audit.models import AuditEvent
from casework.panels.models import PanelDecision
from casework.referrals.models import CaseStatusChange, Referral
from casework.reporting import reference as ref
from casework.reporting.selectors import Table, TableRow, official_statistics, suppress

pytestmark = pytest.mark.django_db


@pytest.fixture
def api_as():
    from tests.conftest import ApiClient

    return ApiClient


YEAR = ref.FinancialYear(2023)


@pytest.fixture
def synthetic_year() -> None:
    call_command(
        "generate_synthetic_data",
        "--years",
        "2",
        "--referrals-per-year",
        "300",
        "--seed",
        "9",
        "--end",
        "2024-04-01",
        verbosity=0,
    )


@pytest.fixture(params=[9, 23])
def synthetic_year_seeded(request: pytest.FixtureRequest) -> None:
    call_command(
        "generate_synthetic_data",
        "--years",
        "2",
        "--referrals-per-year",
        "300",
        "--seed",
        str(request.param),
        "--end",
        "2024-04-01",
        verbosity=0,
    )


def _age(dob: dt.date, on: dt.date) -> int:
    years = on.year - dob.year
    if (on.month, on.day) < (dob.month, dob.day):
        years -= 1
    return years


def _band(age: int | None, start_year: int) -> str:
    if age is None:
        return "Age not known"
    if start_year >= 2024:
        edges = [(10, "Under 11"), (15, "11 to 15"), (17, "16 to 17"), (20, "18 to 20")]
    else:
        edges = [(14, "Under 15"), (20, "15 to 20")]
    edges += [(30, "21 to 30"), (40, "31 to 40"), (50, "41 to 50"), (60, "51 to 60"), (200, "Over 60")]
    return next(label for top, label in edges if age <= top)


def independent_counts(year: ref.FinancialYear) -> dict[str, Counter[str]]:
    """Straight from the rows: every referral dated in the year, its case's assessments, status history and panel
    decisions, one object at a time."""
    out: dict[str, Counter[str]] = {
        k: Counter()
        for k in (
            "sector",
            "concern",
            "age",
            "gender",
            "region",
            "journey",
            "c_sector",
            "c_concern",
            "c_age",
            "c_gender",
            "c_region",
            "closure",
        )
    }
    for r in Referral.objects.select_related("person", "description", "case", "region").order_by("pk"):
        if not (dt.date(year.start_year, 4, 1) <= r.referred_on <= dt.date(year.start_year + 1, 3, 31)):
            continue
        assessments = sorted(r.case.assessments.all(), key=lambda a: a.number)
        concern = assessments[-1].concern_type if assessments else "not_assessed"
        dob = r.person.date_of_birth or r.description.date_of_birth
        age = _band(_age(dob, r.referred_on) if dob else None, year.start_year)
        discussed = CaseStatusChange.objects.filter(case=r.case, to_status="awaiting_panel").exists()
        decisions = list(PanelDecision.objects.filter(case=r.case).order_by("decided_at"))
        adopted = any(d.decision == "adopt" for d in decisions)
        values = {"sector": r.sector, "concern": concern, "age": age, "gender": r.person.sex, "region": r.region.name}
        for key, value in values.items():
            out[key][value] += 1
        out["journey"]["Referrals"] += 1
        if discussed:
            out["journey"]["Discussed at a Channel panel"] += 1
        if adopted:
            out["journey"]["Adopted as a Channel case"] += 1
            for key, value in values.items():
                out[f"c_{key}"][value] += 1
            closed = r.case.status in ("closed", "monitoring_ended")
            out["closure"][r.case.closure_reason if closed else "open"] += 1
        elif discussed and decisions:
            out["journey"][f"not_adopted:{decisions[-1].not_adopted_outcome}"] += 1
        elif not discussed:
            if r.case.status == "closed_managed_elsewhere":
                out["journey"]["Managed elsewhere (deconfliction)"] += 1
            elif r.case.status == "closed_mistaken":
                out["journey"]["Mistaken, misguided or malicious"] += 1
            elif assessments and assessments[-1].countersign_status not in ("pending", "refused"):
                out["journey"][f"gateway:{assessments[-1].decision}"] += 1
            else:
                out["journey"]["Awaiting screening or a gateway decision"] += 1
    return out


def _by_label(table: Table) -> dict[str, int]:
    return {row.label: row.count for row in table.rows[1:]}


def test_every_table_matches_counts_from_the_raw_rows(synthetic_year_seeded: None) -> None:
    release = official_statistics(year=YEAR)
    expected = independent_counts(YEAR)
    tables = {t.code: t for t in release.tables}
    assert tables["referrals_sector"].total() == sum(expected["sector"].values()) == 300

    sector_labels = dict(ref.SECTORS)
    concern_labels = dict(ref.CONCERNS)
    gender_labels = dict(ref.GENDERS)
    for prefix, table_prefix in (("", "referrals"), ("c_", "channel")):
        got = _by_label(tables[f"{table_prefix}_sector"])
        assert got == {sector_labels[k]: expected[f"{prefix}sector"][k] for k in sector_labels}
        got = _by_label(tables[f"{table_prefix}_concern"])
        assert got == {concern_labels[k]: expected[f"{prefix}concern"][k] for k in concern_labels}
        got = _by_label(tables[f"{table_prefix}_gender"])
        assert got == {gender_labels[k]: expected[f"{prefix}gender"][k] for k in gender_labels}
        got = _by_label(tables[f"{table_prefix}_region"])
        assert got == {r.name: expected[f"{prefix}region"][r.name] for r in Region.objects.all()}
        got = _by_label(tables[f"{table_prefix}_age"])
        assert {k: v for k, v in got.items() if v} == dict(expected[f"{prefix}age"])

    journey = _by_label(tables["journey"])
    j = expected["journey"]
    assert tables["journey"].total() == j["Referrals"]
    assert journey["Discussed at a Channel panel"] == j["Discussed at a Channel panel"]
    assert journey["Adopted as a Channel case"] == j["Adopted as a Channel case"]
    assert journey["Not adopted: no further action"] == j["not_adopted:nfa"]
    assert journey["Not adopted: exit to other (non-CT) services"] == j["not_adopted:exit_to_other_services"]
    assert journey["Not adopted: police-led partnership"] == j["not_adopted:police_led_partnership"]
    assert journey["No further action"] == j["gateway:nfa"]
    assert journey["Exit to other (non-CT) services"] == j["gateway:exit_to_other_services"]
    assert journey["Police-led partnership"] == j["gateway:police_led_partnership"]
    assert journey["Managed elsewhere (deconfliction)"] == j["Managed elsewhere (deconfliction)"]
    assert journey["Mistaken, misguided or malicious"] == j["Mistaken, misguided or malicious"]
    assert journey["Awaiting screening or a gateway decision"] == j["Awaiting screening or a gateway decision"]
    # The calibration shows: about 13% discussed at a panel, about 7% adopted.
    assert 0.08 <= journey["Discussed at a Channel panel"] / 300 <= 0.19
    assert 0.03 <= journey["Adopted as a Channel case"] / 300 <= 0.11

    closure = _by_label(tables["channel_closure"])
    for value, label in ref.CLOSURE_REASONS:
        assert closure[f"Closed: {label}"] == expected["closure"][value]
    assert closure["Not yet closed (awaiting consent, in support or police-led)"] == expected["closure"]["open"]


def test_each_breakdown_sums_to_its_total_and_small_numbers_are_suppressed(synthetic_year: None) -> None:
    release = official_statistics(year=YEAR)
    assert len(release.tables) == 12
    for table in release.tables:
        rows = table.rows
        for i, row in enumerate(rows):
            children = []
            for later in rows[i + 1 :]:
                if later.level <= row.level:
                    break
                if later.level == row.level + 1:
                    children.append(later)
            if children:
                assert sum(c.count for c in children) == row.count, (table.code, row.label)
                hidden = [c for c in children if c.published == ref.SUPPRESSED]
                if row.published == ref.SUPPRESSED:
                    assert hidden, (table.code, row.label)  # else it is the sum of its published breakdown
                else:
                    assert len(hidden) != 1, (table.code, row.label)  # else it is the parent minus the others
        assert rows[0].published == str(rows[0].count)
        for row in rows[1:]:
            if 1 <= row.count <= ref.SUPPRESS_MAX:
                assert row.published == ref.SUPPRESSED, (table.code, row.label)
            elif row.published != ref.SUPPRESSED:
                assert row.published == str(row.count)


def test_secondary_suppression_protects_a_lone_small_cell() -> None:
    table = suppress(
        Table(
            1,
            "t",
            "T",
            "D",
            rows=[
                TableRow("All", 30, level=0),
                TableRow("A", 3),
                TableRow("B", 7),
                TableRow("C", 20),
                TableRow("D", 0),
            ],
        )
    )
    assert [r.published for r in table.rows] == ["30", "[c]", "[c]", "20", "0"]


def test_a_hidden_row_never_leaves_its_own_breakdown_published() -> None:
    table = suppress(
        Table(
            6,
            "journey",
            "J",
            "Stage",
            rows=[
                TableRow("Referrals", 100, level=0),
                TableRow("Screening", 3, level=1),
                TableRow("Mistaken", 2, level=2),
                TableRow("Elsewhere", 1, level=2),
                TableRow("Gateway", 9, level=1),
                TableRow("NFA", 5, level=2),
                TableRow("Exit", 4, level=2),
                TableRow("Panel", 88, level=1),
            ],
        )
    )
    published = {r.label: r.published for r in table.rows}
    # Screening (3) is hidden; its partner is Gateway (9, the smaller sibling), whose breakdown must then not be
    # all published: Exit (4) is hidden already, so Gateway = 5 + Exit cannot be solved.
    assert published == {
        "Referrals": "100",
        "Screening": "[c]",
        "Mistaken": "[c]",
        "Elsewhere": "[c]",
        "Gateway": "[c]",
        "NFA": "5",
        "Exit": "[c]",
        "Panel": "88",
    }


def test_age_bands_are_reference_data_per_release() -> None:
    assert ref.age_band(ref.age_bands_for(2023), 16) == "15 to 20"
    assert ref.age_band(ref.age_bands_for(2024), 16) == "16 to 17"
    assert ref.age_band(ref.age_bands_for(2024), None) == "Age not known"
    assert ref.age_band(ref.age_bands_for(2019), 61) == "Over 60"


def test_the_command_writes_csv_files_and_an_ods_workbook(synthetic_year: None, tmp_path: Path) -> None:
    call_command("official_statistics", "--year", "2023-24", "--output", str(tmp_path), verbosity=0)
    csvs = sorted(p.name for p in tmp_path.glob("*.csv"))
    assert len(csvs) == 13
    assert "notes.csv" in csvs
    with (tmp_path / "table_01_referrals_sector.csv").open() as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["Sector", "Level", "Number", "Percentage of total"]
    assert rows[1][:3] == ["All referrals", "0", "300"]
    doc = load(str(tmp_path / "prevent-statistics-2023-24.ods"))
    sheets = [t.getAttribute("name") for t in doc.spreadsheet.getElementsByType(OdsTable)]
    assert sheets == ["Cover", "Notes"] + [f"Table {n}" for n in range(1, 13)]
    assert AuditEvent.objects.filter(event="report.statistics_viewed").count() == 1


@pytest.mark.parametrize("year", ["2023", "2023-25", "23-24", "next"])
def test_the_command_refuses_a_year_that_is_not_a_financial_year(year: str, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=r"financial year|YYYY-YY"):
        call_command("official_statistics", "--year", year, "--output", str(tmp_path), verbosity=0)


def _user(role: str, **scope: object) -> User:
    return User.objects.create_user(username=f"u-{role}-{len(scope)}", password="x", role=role, **scope)


def test_statistics_api_is_for_analysts_and_assurance_leads_only(synthetic_year: None, api_as) -> None:
    analyst = _user(Role.ANALYST)
    response = api_as(analyst).get("/statistics", year="2023-24")
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == "2023-24"
    assert [t["number"] for t in body["tables"]] == list(range(1, 13))
    assert body["tables"][0]["rows"][0] == {"label": "All referrals", "level": 0, "number": "300", "percent": "100.0"}
    assert AuditEvent.objects.filter(event="report.statistics_viewed", actor=analyst).count() == 1
    officer = _user(Role.PREVENT_OFFICER, region=Region.objects.get(code="london"))
    assert api_as(officer).get("/statistics", year="2023-24").status_code == 404
    assert api_as(analyst).get("/statistics", year="2023").status_code == 422


def test_dashboard_is_national_for_assurance_and_scoped_to_the_area_for_a_chair(synthetic_year: None, api_as) -> None:
    window = {"date_from": "2023-04-01", "date_to": "2024-03-31"}
    national = api_as(_user(Role.ASSURANCE_LEAD)).get("/dashboard", **window).json()
    leeds = LocalAuthority.objects.get(code="leeds")
    local = api_as(_user(Role.CHANNEL_CHAIR, local_authority=leeds)).get("/dashboard", **window).json()
    assert national["repeat_referrals"]["referrals"] == 300
    assert (
        national["repeat_referrals"]["repeat"]
        == Referral.objects.filter(referred_on__gte=dt.date(2023, 4, 1), previous_referral_count__gt=0).count()
    )
    assert local["scope"] == {"local_authority": "Leeds"}
    assert (
        local["repeat_referrals"]["referrals"]
        == Referral.objects.filter(local_authority=leeds, referred_on__gte=dt.date(2023, 4, 1)).count()
    )
    assert {row["local_authority"] for row in local["by_area"]} <= {"Leeds"}
    assert sum(row["referrals"] for row in national["by_area"]) == 300
    assert sum(row["referrals"] for row in national["by_month"]) == 300
    assert national["days_referral_to_gateway_decision"]["count"] > 0
    provider = _user(Role.INTERVENTION_PROVIDER)
    assert api_as(provider).get("/dashboard").status_code == 404
