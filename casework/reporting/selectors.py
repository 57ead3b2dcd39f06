"""Official statistics and dashboards, read straight from the case data. Reads only (querysets and aggregates);
nothing here writes. Aggregates only: no row that identifies a person leaves this module."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from casework.accounts.models import Region, Role
from casework.assessments.models import Assessment
from casework.core.dates import age_on, today
from casework.core.errors import NotFound
from casework.panels.models import PanelDecision
from casework.referrals.models import Case, Referral
from casework.referrals.states import OPEN_STATUSES, CaseStatus
from casework.reporting import reference as ref
from casework.reviews.models import Review
from casework.reviews.states import ReviewStatus

if TYPE_CHECKING:
    from casework.accounts.models import User

STATISTICS_ROLES = frozenset({Role.ANALYST, Role.ASSURANCE_LEAD})
DASHBOARD_ROLES = frozenset({Role.ASSURANCE_LEAD, Role.ANALYST, Role.CHANNEL_CHAIR})

# Journey stages, per referral (the referral's case, whatever it went on to become).
STAGE_SCREENING_CLOSED = "screening_closed"
STAGE_MANAGED_ELSEWHERE = "managed_elsewhere"
STAGE_GATEWAY_NFA = "gateway_nfa"
STAGE_GATEWAY_EXIT = "gateway_exit"
STAGE_GATEWAY_PLP = "gateway_plp"
STAGE_IN_PROGRESS = "in_progress"
STAGE_PANEL_NFA = "panel_nfa"
STAGE_PANEL_EXIT = "panel_exit"
STAGE_PANEL_PLP = "panel_plp"
STAGE_PANEL_AWAITING = "panel_awaiting"
STAGE_ADOPTED = "adopted"
GATEWAY_STAGE = {
    "nfa": STAGE_GATEWAY_NFA,
    "exit_to_other_services": STAGE_GATEWAY_EXIT,
    "police_led_partnership": STAGE_GATEWAY_PLP,
}
PANEL_STAGE = {
    "nfa": STAGE_PANEL_NFA,
    "exit_to_other_services": STAGE_PANEL_EXIT,
    "police_led_partnership": STAGE_PANEL_PLP,
}
PANEL_STAGES = frozenset({STAGE_PANEL_NFA, STAGE_PANEL_EXIT, STAGE_PANEL_PLP, STAGE_PANEL_AWAITING, STAGE_ADOPTED})
CHANNEL_OPEN = "still_open"


@dataclass(frozen=True)
class ReferralFact:
    """One referral as the statistics see it: its categories and where its journey got to."""

    sector: str
    concern: str
    age_group: str
    gender: str
    region: str
    stage: str
    closure: str  # for adopted cases: the closure reason, or CHANNEL_OPEN


@dataclass
class TableRow:
    label: str
    count: int
    level: int = 1  # 0: a total; 1: a category of the total above; 2: a category of a level-1 row
    published: str = ""
    percent: str = ""


@dataclass
class Table:
    number: int
    code: str
    title: str
    dimension: str
    rows: list[TableRow] = field(default_factory=list)
    note: str = ""

    def total(self) -> int:
        return self.rows[0].count


@dataclass
class Release:
    year: ref.FinancialYear
    age_bands: ref.AgeBandRelease
    generated_on: dt.date
    tables: list[Table]


def _fy_referrals(year: ref.FinancialYear) -> QuerySet[Referral]:
    return Referral.objects.filter(referred_on__gte=year.first_day, referred_on__lte=year.last_day)


def referral_facts(*, year: ref.FinancialYear) -> list[ReferralFact]:
    """Every referral dated in the financial year, classified. One query: the latest gateway assessment of the
    case (type of concern and decision), whether the panel ever adopted it, and its latest panel decision."""
    bands = ref.age_bands_for(year.start_year)
    latest_assessment = Assessment.objects.filter(case_id=OuterRef("case_id")).order_by("-number")
    latest_panel = PanelDecision.objects.filter(case_id=OuterRef("case_id")).order_by("-decided_at", "-created_at")
    rows = (
        _fy_referrals(year)
        .annotate(
            latest_concern=Subquery(latest_assessment.values("concern_type")[:1]),
            gateway=Subquery(latest_assessment.values("decision")[:1]),
            countersign=Subquery(latest_assessment.values("countersign_status")[:1]),
            adopted=Exists(PanelDecision.objects.filter(case_id=OuterRef("case_id"), decision="adopt")),
            panel_outcome=Subquery(latest_panel.values("not_adopted_outcome")[:1]),
            dob=Coalesce(F("person__date_of_birth"), F("description__date_of_birth")),
        )
        .values_list(
            "sector",
            "region__code",
            "person__sex",
            "dob",
            "referred_on",
            "case__status",
            "case__panel_referred_at",
            "case__closure_reason",
            "latest_concern",
            "gateway",
            "countersign",
            "adopted",
            "panel_outcome",
        )
    )
    facts = []
    for (
        sector,
        region,
        sex,
        dob,
        referred_on,
        status,
        panel_at,
        closure_reason,
        concern,
        gateway,
        countersign,
        adopted,
        panel_outcome,
    ) in rows.iterator(chunk_size=5000):
        if panel_at is not None:
            stage = STAGE_ADOPTED if adopted else PANEL_STAGE.get(panel_outcome or "", STAGE_PANEL_AWAITING)
        elif status == CaseStatus.CLOSED_MANAGED_ELSEWHERE:
            stage = STAGE_MANAGED_ELSEWHERE
        elif status == CaseStatus.CLOSED_MISTAKEN:
            stage = STAGE_SCREENING_CLOSED
        elif gateway in GATEWAY_STAGE and countersign not in ("pending", "refused"):
            stage = GATEWAY_STAGE[gateway]
        else:
            stage = STAGE_IN_PROGRESS
        closure = ""
        if stage == STAGE_ADOPTED:
            closure = (
                closure_reason
                if status in (CaseStatus.CLOSED, CaseStatus.MONITORING_ENDED) and closure_reason
                else CHANNEL_OPEN
            )
        facts.append(
            ReferralFact(
                sector=sector,
                concern=concern or ref.NOT_ASSESSED,
                age_group=ref.age_band(bands, age_on(dob, referred_on) if dob else None),
                gender=sex or "other",
                region=region,
                stage=stage,
                closure=closure,
            )
        )
    return facts


def _breakdown(
    number: int,
    code: str,
    title: str,
    dimension: str,
    facts: list[ReferralFact],
    attr: str,
    categories: list[tuple[str, str]],
    total_label: str,
) -> Table:
    counts = Counter(getattr(f, attr) for f in facts)
    table = Table(
        number=number, code=code, title=title, dimension=dimension, rows=[TableRow(total_label, len(facts), level=0)]
    )
    known = {value for value, _ in categories}
    for value, label in categories:
        table.rows.append(TableRow(label, counts.get(value, 0)))
    for value in sorted(set(counts) - known):  # defensive: a category added to the data but not to the release
        table.rows.append(TableRow(str(value), counts[value]))
    return table


def _region_categories() -> list[tuple[str, str]]:
    regions = {r.code: r.name for r in Region.objects.all()}
    ordered = [(c, regions[c]) for c in ref.REGION_ORDER if c in regions]
    return ordered + sorted(((c, n) for c, n in regions.items() if c not in ref.REGION_ORDER), key=lambda x: x[1])


def _age_categories(bands: ref.AgeBandRelease) -> list[tuple[str, str]]:
    return [(b.label, b.label) for b in bands.bands] + [(ref.AGE_UNKNOWN_LABEL, ref.AGE_UNKNOWN_LABEL)]


def _journey_table(number: int, facts: list[ReferralFact]) -> Table:
    stages = Counter(f.stage for f in facts)
    discussed = sum(stages[s] for s in PANEL_STAGES)
    left_gateway = stages[STAGE_GATEWAY_NFA] + stages[STAGE_GATEWAY_EXIT] + stages[STAGE_GATEWAY_PLP]
    closed_screening = stages[STAGE_SCREENING_CLOSED] + stages[STAGE_MANAGED_ELSEWHERE]
    rows = [
        TableRow("Referrals", len(facts), level=0),
        TableRow("Closed at screening", closed_screening, level=1),
        TableRow("Mistaken, misguided or malicious", stages[STAGE_SCREENING_CLOSED], level=2),
        TableRow("Managed elsewhere (deconfliction)", stages[STAGE_MANAGED_ELSEWHERE], level=2),
        TableRow("Left the process at gateway assessment", left_gateway, level=1),
        TableRow("No further action", stages[STAGE_GATEWAY_NFA], level=2),
        TableRow("Exit to other (non-CT) services", stages[STAGE_GATEWAY_EXIT], level=2),
        TableRow("Police-led partnership", stages[STAGE_GATEWAY_PLP], level=2),
        TableRow("Awaiting screening or a gateway decision", stages[STAGE_IN_PROGRESS], level=1),
        TableRow("Discussed at a Channel panel", discussed, level=1),
        TableRow("Adopted as a Channel case", stages[STAGE_ADOPTED], level=2),
        TableRow("Not adopted: no further action", stages[STAGE_PANEL_NFA], level=2),
        TableRow("Not adopted: exit to other (non-CT) services", stages[STAGE_PANEL_EXIT], level=2),
        TableRow("Not adopted: police-led partnership", stages[STAGE_PANEL_PLP], level=2),
        TableRow("Awaiting a panel decision", stages[STAGE_PANEL_AWAITING], level=2),
    ]
    return Table(
        number=number,
        code="journey",
        title="Referrals by stage of the Prevent journey",
        dimension="Stage",
        rows=rows,
        note="Each referral is counted once, at the furthest stage its case reached by the date of "
        "extraction. Level-2 rows break down the level-1 row above them.",
    )


def _closure_table(number: int, channel: list[ReferralFact]) -> Table:
    counts = Counter(f.closure for f in channel)
    rows = [TableRow("Channel cases (adopted)", len(channel), level=0)]
    rows += [TableRow(f"Closed: {label}", counts.get(value, 0)) for value, label in ref.CLOSURE_REASONS]
    rows.append(TableRow("Not yet closed (awaiting consent, in support or police-led)", counts.get(CHANNEL_OPEN, 0)))
    return Table(
        number=number,
        code="channel_closure",
        title="Channel cases by closure reason",
        dimension="Closure reason",
        rows=rows,
    )


def _groups(table: Table) -> list[tuple[int, list[int]]]:
    """(parent index, child indexes) for each set of rows that sums to the row above it."""
    groups: list[tuple[int, list[int]]] = []
    for i, row in enumerate(table.rows):
        children = []
        for j in range(i + 1, len(table.rows)):
            if table.rows[j].level <= row.level:
                break
            if table.rows[j].level == row.level + 1:
                children.append(j)
        if children:
            groups.append((i, children))
    return groups


def suppress(table: Table) -> Table:
    """Apply the disclosure-control rule (reference.SUPPRESS_MAX) and fill in published values and shares."""
    hidden: set[int] = set()
    for i, row in enumerate(table.rows):
        if row.level > 0 and 1 <= row.count <= ref.SUPPRESS_MAX:
            hidden.add(i)
    groups = _groups(table)

    def hide_smallest(children: list[int]) -> bool:
        candidates = sorted((table.rows[i].count, i) for i in children if i not in hidden and table.rows[i].count > 0)
        if candidates:
            hidden.add(candidates[0][1])
        return bool(candidates)

    changed = True
    while changed:  # secondary suppression, until nothing can be worked out by subtraction
        changed = False
        for parent, children in groups:
            lone = [c for c in children if c in hidden]
            if parent not in hidden and len(lone) == 1:
                changed |= hide_smallest(children)  # a lone hidden cell = the parent minus the others
            elif parent in hidden and not lone:
                changed |= hide_smallest(children)  # a hidden parent = the sum of its published breakdown
    total = table.rows[0].count
    for i, row in enumerate(table.rows):
        if i in hidden:
            row.published, row.percent = ref.SUPPRESSED, ref.SUPPRESSED
        else:
            row.published = str(row.count)
            row.percent = f"{100 * row.count / total:.1f}" if total else "0.0"
    return table


def official_statistics(*, year: ref.FinancialYear) -> Release:
    """The release's tables for a financial year, by date of referral, with disclosure control applied."""
    bands = ref.age_bands_for(year.start_year)
    facts = referral_facts(year=year)
    channel = [f for f in facts if f.stage == STAGE_ADOPTED]
    regions = _region_categories()
    ages = _age_categories(bands)
    tables = [
        _breakdown(
            1,
            "referrals_sector",
            "Referrals by sector of referral",
            "Sector",
            facts,
            "sector",
            ref.SECTORS,
            "All referrals",
        ),
        _breakdown(
            2,
            "referrals_concern",
            "Referrals by type of concern",
            "Type of concern",
            facts,
            "concern",
            ref.CONCERNS,
            "All referrals",
        ),
        _breakdown(
            3, "referrals_age", "Referrals by age group", "Age group", facts, "age_group", ages, "All referrals"
        ),
        _breakdown(
            4, "referrals_gender", "Referrals by gender", "Gender", facts, "gender", ref.GENDERS, "All referrals"
        ),
        _breakdown(
            5,
            "referrals_region",
            "Referrals by CT policing region",
            "Region",
            facts,
            "region",
            regions,
            "All referrals",
        ),
        _journey_table(6, facts),
        _breakdown(
            7,
            "channel_sector",
            "Channel cases by sector of referral",
            "Sector",
            channel,
            "sector",
            ref.SECTORS,
            "All Channel cases",
        ),
        _breakdown(
            8,
            "channel_concern",
            "Channel cases by type of concern",
            "Type of concern",
            channel,
            "concern",
            ref.CONCERNS,
            "All Channel cases",
        ),
        _breakdown(
            9, "channel_age", "Channel cases by age group", "Age group", channel, "age_group", ages, "All Channel cases"
        ),
        _breakdown(
            10,
            "channel_gender",
            "Channel cases by gender",
            "Gender",
            channel,
            "gender",
            ref.GENDERS,
            "All Channel cases",
        ),
        _breakdown(
            11,
            "channel_region",
            "Channel cases by CT policing region",
            "Region",
            channel,
            "region",
            regions,
            "All Channel cases",
        ),
        _closure_table(12, channel),
    ]
    return Release(year=year, age_bands=bands, generated_on=today(), tables=[suppress(t) for t in tables])


def statistics_for_user(*, user: User, year: ref.FinancialYear) -> Release:
    if not (user.is_authenticated and user.is_active and user.role in STATISTICS_ROLES):
        raise NotFound("No such report.")
    return official_statistics(year=year)


# --- Dashboards -------------------------------------------------------------------------------------------


def _percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"count": 0, "median": None, "mean": None, "p90": None}
    ordered = sorted(values)
    return {
        "count": len(ordered),
        "median": round(statistics.median(ordered), 1),
        "mean": round(statistics.fmean(ordered), 1),
        "p90": round(ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))], 1),
    }


def dashboard(*, user: User, date_from: dt.date | None = None, date_to: dt.date | None = None) -> dict[str, Any]:
    """Caseload, reviews due and overdue, time from referral to gateway decision and to panel decision, repeat
    referrals, by area and by month. Chairs see their local authority; assurance leads and analysts, England and
    Wales (by region). Aggregates only."""
    if not (user.is_authenticated and user.is_active and user.role in DASHBOARD_ROLES):
        raise NotFound("No such report.")
    if user.role == Role.CHANNEL_CHAIR and not user.local_authority_id:
        raise NotFound("No such report.")
    date_to = date_to or today()
    date_from = date_from or (date_to - dt.timedelta(days=365))
    cases = Case.objects.all()
    referrals = Referral.objects.all()
    reviews = Review.objects.all()
    if user.role == Role.CHANNEL_CHAIR:
        scope = {"local_authority": user.local_authority.name if user.local_authority else ""}
        cases = cases.filter(local_authority_id=user.local_authority_id)
        referrals = referrals.filter(local_authority_id=user.local_authority_id)
        reviews = reviews.filter(case__local_authority_id=user.local_authority_id)
        area, area_field = "local_authority", "local_authority__name"
    else:
        scope = {"national": "England and Wales"}
        area, area_field = "region", "region__name"
    in_period = referrals.filter(referred_on__gte=date_from, referred_on__lte=date_to)

    caseload = dict(
        cases.filter(status__in=OPEN_STATUSES).values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    caseload_by_area = dict(
        cases.filter(status__in=OPEN_STATUSES)
        .values_list(area_field)
        .annotate(n=Count("id"))
        .values_list(area_field, "n")
    )
    pending = reviews.filter(status__in=[ReviewStatus.DUE, ReviewStatus.OVERDUE])
    review_counts: dict[str, dict[str, int]] = defaultdict(dict)
    for kind, status, n in (
        pending.values_list("kind", "status").annotate(n=Count("id")).values_list("kind", "status", "n")
    ):
        review_counts[kind][status] = n
    overdue_by_area = dict(
        reviews.filter(status=ReviewStatus.OVERDUE)
        .values_list(f"case__{area_field}")
        .annotate(n=Count("id"))
        .values_list(f"case__{area_field}", "n")
    )

    # Times are measured for referrals in the period, from receipt to the first gateway decision and to the first
    # panel decision on their case.
    first_decision = Assessment.objects.filter(case_id=OuterRef("case_id")).order_by("decided_at")
    first_panel = PanelDecision.objects.filter(case_id=OuterRef("case_id")).order_by("decided_at")
    timed = in_period.annotate(
        decided=Subquery(first_decision.values("decided_at")[:1]),
        paneled=Subquery(first_panel.values("decided_at")[:1]),
    ).values_list("received_at", "decided", "paneled")
    to_decision, to_panel = [], []
    for received, decided, paneled in timed.iterator(chunk_size=5000):
        if decided is not None:
            to_decision.append((decided - received).total_seconds() / 86400)
        if paneled is not None:
            to_panel.append((paneled - received).total_seconds() / 86400)

    totals = in_period.aggregate(referrals=Count("id"), repeat=Count("id", filter=Q(previous_referral_count__gt=0)))
    by_area = []
    for row in (
        in_period.values(area_field)
        .annotate(
            referrals=Count("id"),
            repeat=Count("id", filter=Q(previous_referral_count__gt=0)),
            panel=Count("id", filter=Q(case__panel_referred_at__isnull=False)),
        )
        .order_by(area_field)
    ):
        name = row[area_field]
        by_area.append(
            {
                area: name,
                "referrals": row["referrals"],
                "repeat_referrals": row["repeat"],
                "discussed_at_panel": row["panel"],
                "open_cases": caseload_by_area.get(name, 0),
                "reviews_overdue": overdue_by_area.get(name, 0),
            }
        )
    by_month = [
        {
            "month": row["month"].strftime("%Y-%m") if row["month"] else None,
            "referrals": row["referrals"],
            "repeat_referrals": row["repeat"],
            "discussed_at_panel": row["panel"],
        }
        for row in in_period.annotate(month=TruncMonth("referred_on"))
        .values("month")
        .annotate(
            referrals=Count("id"),
            repeat=Count("id", filter=Q(previous_referral_count__gt=0)),
            panel=Count("id", filter=Q(case__panel_referred_at__isnull=False)),
        )
        .order_by("month")
    ]
    return {
        "scope": scope,
        "date_from": date_from,
        "date_to": date_to,
        "generated_at": timezone.now(),
        "caseload": {
            "open_cases": sum(caseload.values()),
            "by_status": {s: caseload.get(s, 0) for s in sorted(OPEN_STATUSES)},
        },
        "reviews": {
            "due": sum(v.get("due", 0) for v in review_counts.values()),
            "overdue": sum(v.get("overdue", 0) for v in review_counts.values()),
            "by_kind": {
                k: {"due": v.get("due", 0), "overdue": v.get("overdue", 0)} for k, v in sorted(review_counts.items())
            },
        },
        "days_referral_to_gateway_decision": _percentiles(to_decision),
        "days_referral_to_panel_decision": _percentiles(to_panel),
        "repeat_referrals": {
            "referrals": totals["referrals"],
            "repeat": totals["repeat"],
            "share_pct": round(100 * totals["repeat"] / totals["referrals"], 1) if totals["referrals"] else None,
        },
        "by_area": by_area,
        "by_month": by_month,
    }
