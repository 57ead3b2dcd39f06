"""A national-scale, entirely synthetic history of referrals and Channel cases, calibrated to the published
statistics ("Individuals referred to and supported through the Prevent Programme", domain.md).

One `JourneyDriver` decides what happens to each referral (all the randomness is there, seeded) and calls a
backend for every step:

- `ServicesBackend` performs each step through the real services at its historical time (time travel), exactly
  as `journeys.py` does. It is the reference, and is used for small datasets (`--via-services`).
- `BulkBackend` writes the same rows those services write (people, descriptions, areas, referrals, cases and
  their status history, screenings, assessments, handovers, meetings, agendas, VAFs, panel decisions,
  consents, reviews, chronology and the audit events, hash chain included) with `bulk_create`, so ten years
  of national history loads in minutes. `tests/test_synthetic.py` runs the same journeys through both backends
  and compares every row, which is what makes the shortcut acceptable.

Simplifications (both backends): the daily review sweep is not replayed (owners complete every review inside
its window, before it would have become overdue, so no `review.became_due` events or reminder tasks exist for
the past); support packages record consent but no interventions; panel meetings are never marked held.
Every person is invented: names come from short lists of common names, postcodes are made up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import json
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, models, transaction

from casework.accounts.models import LocalAuthority, Region, Role, User
from casework.assessments.models import (
    Assessment,
    Deconfliction,
    GatewayDecisionChoice,
    Handover,
    Screening,
    ScreeningOutcome,
    ServiceType,
)
from casework.audit import registry
from casework.audit.models import AuditChainHead, AuditEvent
from casework.audit.services import compute_hash
from casework.core.dates import add_months, age_on
from casework.demo.journeys import FAMILY, GIVEN_F, GIVEN_M
from casework.panels.models import (
    AgendaItem,
    ClosureReason,
    Consent,
    ConsentGivenBy,
    Meeting,
    NotAdoptedOutcome,
    Panel,
    PanelDecision,
    VafAssessment,
    VafFactor,
)
from casework.people.models import ChronologyEntry, ChronologyKind, Person, PersonArea, PersonDescription
from casework.policy.models import PolicyVersion
from casework.referrals.models import Case, CaseStatusChange, Referral, Sector
from casework.referrals.states import OPEN_STATUSES, CaseStatus
from casework.reviews.models import Review, ReviewKind, ReviewOutcome
from casework.reviews.states import PENDING_STATUSES, ReviewStatus

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC

# --- Calibration (domain.md, "Official statistics categories") ---------------------------------------------
SECTOR_MIX: list[tuple[str, float]] = [
    ("education", 40),
    ("police", 28),
    ("local_authority", 9),
    ("health", 9),
    ("community", 3),
    ("family_friends", 3),
    ("prisons", 1),
    ("probation", 2),
    ("other", 4),
    ("unknown", 1),
]
SEX_MIX: list[tuple[str, float]] = [("male", 90), ("female", 9), ("other", 1)]
# (youngest, oldest) age at referral; None: no date of birth given.
AGE_MIX: list[tuple[tuple[int, int] | None, float]] = [
    ((8, 10), 4),
    ((11, 15), 36),
    ((16, 17), 13),
    ((18, 20), 8),
    ((21, 30), 13),
    ((31, 40), 8),
    ((41, 50), 5),
    ((51, 60), 3),
    ((61, 75), 2),
    (None, 8),
]
CONCERN_MIX: list[tuple[str, float]] = [
    ("islamist", 10),
    ("extreme_right_wing", 21),
    ("left_anarchist_single_issue", 2),
    ("conflicted", 2),
    ("school_massacre", 4),
    ("incel", 1),
    ("mixed_unclear_unstable", 2),
    ("no_ideology_vulnerability", 40),
    ("no_ideology_no_vulnerability", 16),
    ("other", 2),
]
REGION_MIX: list[tuple[str, float]] = [
    ("london", 20),
    ("north-west", 13),
    ("south-east", 14),
    ("west-midlands", 11),
    ("yorkshire-humber", 11),
    ("east-midlands", 8),
    ("east-of-england", 8),
    ("south-west", 7),
    ("north-east", 5),
    ("wales", 3),
]
# Probability that the gateway decision is "progress to Channel", by type of concern: about 13% of referrals
# are discussed at a panel overall, far fewer where there is no ideology.
CHANNEL_RATE = {
    "islamist": 0.27,
    "extreme_right_wing": 0.27,
    "left_anarchist_single_issue": 0.16,
    "conflicted": 0.16,
    "school_massacre": 0.21,
    "incel": 0.21,
    "mixed_unclear_unstable": 0.16,
    "no_ideology_vulnerability": 0.075,
    "no_ideology_no_vulnerability": 0.02,
    "other": 0.1,
}
ADOPT_RATE = 0.54  # 512 of 893 discussed in 2023-24
REPEAT_RATE = 0.08
CONCERN_TEXT = {
    "islamist": "Expressed support for a proscribed group and has been sharing its videos.",
    "extreme_right_wing": "Sharing extreme right-wing memes in a group chat and talking about a 'race war'.",
    "left_anarchist_single_issue": "Talks about sabotaging a local site and harming the people who work there.",
    "conflicted": "Moves between different extremist ideas and has shared material from several of them.",
    "school_massacre": "Fixated on school shootings; searched for details of previous attacks.",
    "incel": "Spends long hours on incel forums and has made threatening comments about women.",
    "mixed_unclear_unstable": "Mixes ideas from several movements; the concern is unclear but persistent.",
    "no_ideology_vulnerability": "Fascinated by violence and weapons; no clear ideology; known to social care.",
    "no_ideology_no_vulnerability": "A single worrying remark in class; no ideology identified.",
    "other": "Concerning online contacts encouraging violence; the cause is not clear.",
}
VULNERABILITIES = ["mental_health", "neurodiversity", "social_care", "housing", "substance_misuse", "exploitation"]
HANDOVER_SERVICES = [
    ("childrens_social_care", "Children's services front door"),
    ("early_help", "Early help hub"),
    ("mental_health", "Community mental health team"),
    ("education", "Inclusion team"),
    ("adult_social_care", "Adult social care"),
    ("housing", "Housing options"),
]
CLOSURE_MIX: list[tuple[str, float]] = [
    ("support_completed", 82),
    ("consent_withdrawn", 5),
    ("moved_area", 4),
    ("escalated_to_police", 4),
    ("other", 5),
]
VAF_FACTORS = [
    {
        "dimension": "engagement",
        "factor": "Engages with extremist content online",
        "rating": "medium",
        "evidence": "Referral and partner reports",
    },
    {"dimension": "intent", "factor": "Statements of intent to harm", "rating": "low", "evidence": "Reported comments"},
    {"dimension": "capability", "factor": "Access to means", "rating": "none", "evidence": "None identified"},
]
RATIONALE = "Indicators weighed against protective factors (synthetic)."
PANEL_RATIONALE = "Panel weighed the VAF and partner information (synthetic)."


def pick(rng: random.Random, mix: list[tuple[Any, float]]) -> Any:
    values, weights = zip(*mix, strict=True)
    return rng.choices(values, weights=weights)[0]


def financial_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def history_window(*, years: int, end: dt.date) -> tuple[dt.date, dt.date]:
    """`years` financial years ending with the one that contains the day before `end` (exclusive), which may be
    partial: --end 2024-04-01 --years 1 is exactly the financial year 2023-24."""
    start = financial_year_start(end - dt.timedelta(days=1))
    return dt.date(start.year - years + 1, 4, 1), end


def referral_times(*, rng: random.Random, start: dt.date, end: dt.date, per_year: int) -> list[dt.datetime]:
    """`per_year` referrals in each financial year (pro rata for a partial year), on weekdays mostly, in
    office hours, sorted."""
    out: list[dt.datetime] = []
    fy = start
    while fy < end:
        fy_end = dt.date(fy.year + 1, 4, 1)
        last = min(fy_end, end)
        days = [fy + dt.timedelta(days=i) for i in range((last - fy).days)]
        count = round(per_year * len(days) / (fy_end - fy).days)
        weights = [1.0 if d.weekday() < 5 else 0.25 for d in days]
        for day in rng.choices(days, weights=weights, k=count):
            out.append(_at(day, rng))
        fy = fy_end
    out.sort()
    return out


def _at(day: dt.date, rng: random.Random) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(rng.randint(9, 16), rng.choice((0, 15, 30, 45))), tzinfo=LONDON)


def next_meeting(la: LocalAuthority, on: dt.date) -> dt.date:
    """Each panel meets monthly, on the second Wednesday; a case goes to the first meeting at least 5 days on."""
    earliest = on + dt.timedelta(days=5)
    year, month = earliest.year, earliest.month
    while True:
        first = dt.date(year, month, 1)
        second_wednesday = first + dt.timedelta(days=(2 - first.weekday()) % 7 + 7)
        if second_wednesday >= earliest:
            return second_wednesday
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


# --- Staff ----------------------------------------------------------------------------------------------------


@dataclass
class Staff:
    officers: dict[int, User]  # by region id
    supervisors: dict[int, User]
    chairs: dict[int, User]  # by local authority id
    panels: dict[int, Panel]


def ensure_staff() -> Staff:
    """Synthetic accounts that act in the history: an officer and a supervisor per region, a chair per local
    authority. Created once, reused on later runs."""
    officers: dict[int, User] = {}
    supervisors: dict[int, User] = {}
    chairs: dict[int, User] = {}
    for region in Region.objects.all():
        for role, bucket in ((Role.PREVENT_OFFICER, officers), (Role.PREVENT_SUPERVISOR, supervisors)):
            name = f"synthetic.{role.split('_')[1]}.{region.code}"
            bucket[region.pk], _ = User.objects.get_or_create(
                username=name, defaults={"role": role, "region": region, "email": f"{name}@example.gov.uk"}
            )
    for la in LocalAuthority.objects.all():
        name = f"synthetic.chair.{la.code}"
        chairs[la.pk], _ = User.objects.get_or_create(
            username=name,
            defaults={"role": Role.CHANNEL_CHAIR, "local_authority": la, "email": f"{name}@example.gov.uk"},
        )
    panels = {p.local_authority_id: p for p in Panel.objects.filter(kind="channel")}
    return Staff(officers=officers, supervisors=supervisors, chairs=chairs, panels=panels)


# --- The journey driver ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewRef:
    key: Any
    kind: str
    due_on: dt.date
    months: int | None


@dataclass
class StepResult:
    new: list[ReviewRef] = field(default_factory=list)
    cancelled: set[Any] = field(default_factory=set)
    countersign_pending: bool = False


@dataclass
class ReferralSpec:
    at: dt.datetime
    local_authority: LocalAuthority
    sector: str
    description: dict[str, Any]
    concern_type: str
    urgency: str
    person: Person | None = None


@dataclass
class Journey:
    spec: ReferralSpec
    case: Case | None = None
    referral: Referral | None = None
    pending: dict[Any, ReviewRef] = field(default_factory=dict)
    last_at: dt.datetime | None = None


class Backend(Protocol):
    def submit(self, j: Journey) -> None: ...
    def screen(self, j: Journey, at: dt.datetime, deconfliction: str, outcome: str, notes: str) -> StepResult: ...
    def assess(
        self, j: Journey, at: dt.datetime, decision: str, vulns: list[str], handover: dict[str, Any] | None
    ) -> StepResult: ...
    def countersign(self, j: Journey, at: dt.datetime) -> StepResult: ...
    def panel(
        self, j: Journey, at: dt.datetime, adopt: bool, outcome: str, handover: dict[str, Any] | None
    ) -> StepResult: ...
    def consent(self, j: Journey, at: dt.datetime, given: bool, given_by: str, refused_next: str) -> StepResult: ...
    def close(self, j: Journey, at: dt.datetime, reason: str) -> StepResult: ...
    def complete_review(self, j: Journey, at: dt.datetime, review: ReviewRef, outcome: str) -> StepResult: ...


class JourneyDriver:
    """Decides every step of a referral's journey (seeded) and runs it on a backend up to `end` (exclusive)."""

    def __init__(self, *, rng: random.Random, backend: Backend, end: dt.date) -> None:
        self.rng = rng
        self.backend = backend
        self.end = end
        # Calibrated rates; tests raise them to cover every branch in a small sample.
        self.channel_scale = 1.0
        self.adopt_rate = ADOPT_RATE
        self.reopen_rate = 0.04

    def run(self, spec: ReferralSpec) -> Journey:
        j = Journey(spec=spec)
        queue: list[tuple[dt.datetime, int, str, Any]] = []
        counter = iter(range(10**9))

        def push(at: dt.datetime, action: str, payload: Any = None) -> None:
            heapq.heappush(queue, (at, next(counter), action, payload))

        def absorb(result: StepResult, at: dt.datetime) -> None:
            for key in result.cancelled:
                j.pending.pop(key, None)
            # Same order whichever backend reported them, so the seeded draws below stay in step.
            for review in sorted(result.new, key=lambda r: (r.due_on, r.kind, r.months or 0)):
                j.pending[review.key] = review
                lead = self.rng.randint(0, 10)
                day = max(review.due_on - dt.timedelta(days=lead), at.astimezone(LONDON).date() + dt.timedelta(days=1))
                push(_at(day, self.rng), "review", review)

        push(spec.at, "submit")
        rng = self.rng
        while queue:
            at, _, action, payload = heapq.heappop(queue)
            if at.astimezone(LONDON).date() >= self.end:
                break
            j.last_at = at
            day = at.astimezone(LONDON).date()

            def later(lo: int, hi: int, day: dt.date = day) -> dt.datetime:
                return _at(day + dt.timedelta(days=rng.randint(lo, hi)), rng)

            if action == "submit":
                self.backend.submit(j)
                push(later(0, 3), "screen")
            elif action == "screen":
                r = rng.random()
                if r < 0.02:
                    absorb(
                        self.backend.screen(
                            j, at, Deconfliction.MANAGED_ELSEWHERE, ScreeningOutcome.PROCEED, "Managed elsewhere."
                        ),
                        at,
                    )
                elif r < 0.05:
                    closed = rng.choice(
                        [ScreeningOutcome.MISTAKEN, ScreeningOutcome.MISGUIDED, ScreeningOutcome.MALICIOUS]
                    )
                    absorb(self.backend.screen(j, at, Deconfliction.CLEAR, closed, "No basis for a referral."), at)
                else:
                    absorb(self.backend.screen(j, at, Deconfliction.CLEAR, ScreeningOutcome.PROCEED, ""), at)
                    push(later(1, 9), "assess")
            elif action == "assess":
                concern = spec.concern_type
                vulns: list[str] = []
                if concern == "no_ideology_vulnerability" or rng.random() < 0.3:
                    vulns = sorted(rng.sample(VULNERABILITIES, rng.choice((1, 1, 2))))
                r = rng.random()
                if r < CHANNEL_RATE[concern] * self.channel_scale:
                    decision = GatewayDecisionChoice.CHANNEL
                elif r < CHANNEL_RATE[concern] * self.channel_scale + 0.03:
                    decision = GatewayDecisionChoice.PLP
                elif vulns and rng.random() < 0.6:
                    decision = GatewayDecisionChoice.EXIT
                else:
                    decision = GatewayDecisionChoice.NFA
                handover = self._handover() if decision == GatewayDecisionChoice.EXIT else None
                result = self.backend.assess(j, at, decision, vulns, handover)
                absorb(result, at)
                if result.countersign_pending:
                    push(later(1, 4), "countersign")
                elif decision == GatewayDecisionChoice.CHANNEL:
                    push(self._meeting_at(j, at), "panel")
            elif action == "countersign":
                absorb(self.backend.countersign(j, at), at)
            elif action == "panel":
                adopt = rng.random() < (self.adopt_rate if payload is None else 0.7)
                not_adopted: str = (
                    ""
                    if adopt
                    else pick(rng, [("nfa", 45), ("exit_to_other_services", 40), ("police_led_partnership", 15)])
                )
                handover = self._handover() if not_adopted == NotAdoptedOutcome.EXIT else None
                absorb(self.backend.panel(j, at, adopt, not_adopted, handover), at)
                if adopt:
                    push(later(3, 20), "consent")
            elif action == "consent":
                given = rng.random() < 0.9
                dob = spec.description.get("date_of_birth")
                under_18 = dob is not None and age_on(dob, at.astimezone(LONDON).date()) < 18
                given_by = ConsentGivenBy.PARENT_GUARDIAN if under_18 else ConsentGivenBy.PERSON
                refused_next = "police_led" if rng.random() < 0.5 else "closed"
                absorb(self.backend.consent(j, at, given, given_by, refused_next), at)
                if given:
                    push(later(90, 330), "close")
            elif action == "close":
                absorb(self.backend.close(j, at, pick(rng, CLOSURE_MIX)), at)
            elif action == "review":
                review: ReviewRef = payload
                if review.key not in j.pending:
                    continue  # cancelled meanwhile (case closed or reopened)
                del j.pending[review.key]
                outcome: str
                if review.kind == ReviewKind.OPEN_CASE:
                    outcome = ReviewOutcome.CONTINUE
                elif review.kind == ReviewKind.POST_CLOSURE:
                    reopen = review.months == 6 and rng.random() < self.reopen_rate
                    outcome = ReviewOutcome.CONCERNS if reopen else ReviewOutcome.NO_CONCERNS
                else:
                    outcome = ReviewOutcome.PICKED_UP if rng.random() < 0.88 else ReviewOutcome.NOT_PICKED_UP
                absorb(self.backend.complete_review(j, at, review, outcome), at)
                if outcome == ReviewOutcome.CONCERNS:
                    push(self._meeting_at(j, at), "panel", "reopened")
        return j

    def _meeting_at(self, j: Journey, at: dt.datetime) -> dt.datetime:
        day = next_meeting(j.spec.local_authority, at.astimezone(LONDON).date())
        return dt.datetime.combine(day, dt.time(self.rng.randint(10, 15)), tzinfo=LONDON)

    def _handover(self) -> dict[str, Any]:
        service_type, name = self.rng.choice(HANDOVER_SERVICES)
        return {
            "service_type": service_type,
            "service_name": name,
            "contact": "Duty manager (synthetic)",
            "request": "Assess and support the person's needs; confirm engagement.",
        }


def journey_is_open(j: Journey) -> bool:
    return j.case is not None and (j.case.status in OPEN_STATUSES or bool(j.pending))


# --- Backend 1: the real services at historical times ------------------------------------------------------


class ServicesBackend:
    """Every step through the real services, with time travel to the step's moment."""

    def __init__(self, staff: Staff) -> None:
        self.staff = staff
        self.meetings: dict[tuple[int, dt.date], Meeting] = {}

    @contextlib.contextmanager
    def _travel(self, at: dt.datetime) -> Iterator[None]:
        import time_machine

        with time_machine.travel(at, tick=False):
            yield

    def _step(self, j: Journey, at: dt.datetime, fn: Callable[[], object], completed: Any = None) -> StepResult:
        assert j.case is not None
        before = set(Review.objects.filter(case=j.case, status__in=PENDING_STATUSES).values_list("pk", flat=True))
        with self._travel(at):
            fn()
        j.case.refresh_from_db()
        after = Review.objects.filter(case=self._case(j), status__in=PENDING_STATUSES).order_by("due_on", "created_at")
        new = [ReviewRef(r.pk, r.kind, r.due_on, r.months_after_closure) for r in after if r.pk not in before]
        cancelled = before - {r.pk for r in after} - {completed}
        return StepResult(
            new=new, cancelled=cancelled, countersign_pending=j.case.status == CaseStatus.AWAITING_COUNTERSIGN
        )

    @staticmethod
    def _case(j: Journey) -> Case:
        assert j.case is not None
        return j.case

    def _officer(self, j: Journey, kind: str = "officer") -> User:
        assert j.case is not None
        return (self.staff.officers if kind == "officer" else self.staff.supervisors)[j.case.region_id]

    def _chair(self, j: Journey) -> User:
        assert j.case is not None
        return self.staff.chairs[j.case.local_authority_id]

    def submit(self, j: Journey) -> None:
        from casework.referrals import services as referrals

        spec = j.spec
        with self._travel(spec.at):
            j.referral = referrals.referral_submit(
                actor=None,
                person_description=spec.description,
                local_authority=spec.local_authority,
                referrer_name="Synthetic referrer",
                referrer_role=Sector(spec.sector).label,
                sector=spec.sector,
                concern=CONCERN_TEXT[spec.concern_type],
                referred_on=spec.at.astimezone(LONDON).date(),
                urgency=spec.urgency,
                person=spec.person,
            )
        j.case = j.referral.case

    def screen(self, j: Journey, at: dt.datetime, deconfliction: str, outcome: str, notes: str) -> StepResult:
        from casework.assessments import services as assessments

        return self._step(
            j,
            at,
            lambda: assessments.case_screen(
                actor=self._officer(j), case=self._case(j), deconfliction=deconfliction, outcome=outcome, notes=notes
            ),
        )

    def assess(
        self, j: Journey, at: dt.datetime, decision: str, vulns: list[str], handover: dict[str, Any] | None
    ) -> StepResult:
        from casework.assessments import services as assessments

        return self._step(
            j,
            at,
            lambda: assessments.case_assess(
                actor=self._officer(j),
                case=self._case(j),
                concern_type=j.spec.concern_type,
                rationale=RATIONALE,
                decision=decision,
                other_vulnerabilities=vulns,
                handover=handover,
            ),
        )

    def countersign(self, j: Journey, at: dt.datetime) -> StepResult:
        from casework.assessments import services as assessments

        return self._step(
            j,
            at,
            lambda: assessments.case_countersign(
                actor=self._officer(j, "supervisor"), case=self._case(j), approve=True
            ),
        )

    def _meeting(self, j: Journey, day: dt.date) -> Meeting:
        from casework.panels import services as panels

        assert j.case is not None
        key = (j.case.local_authority_id, day)
        if key not in self.meetings:
            self.meetings[key] = panels.meeting_schedule(
                actor=self._chair(j),
                panel=self.staff.panels[j.case.local_authority_id],
                date=day,
                location="Civic centre (synthetic)",
            )
        return self.meetings[key]

    def panel(
        self, j: Journey, at: dt.datetime, adopt: bool, outcome: str, handover: dict[str, Any] | None
    ) -> StepResult:
        from casework.panels import services as panels

        def run() -> None:
            chair = self._chair(j)
            meeting = self._meeting(j, at.astimezone(LONDON).date())
            panels.meeting_add_case(actor=chair, meeting=meeting, case=self._case(j))
            panels.vaf_record(
                actor=chair, case=self._case(j), summary="Synthetic VAF", factors=VAF_FACTORS, meeting=meeting
            )
            panels.panel_decide(
                actor=chair,
                case=self._case(j),
                decision="adopt" if adopt else "not_adopt",
                not_adopted_outcome=outcome,
                rationale=PANEL_RATIONALE,
                meeting=meeting,
                handover=handover,
            )

        return self._step(j, at, run)

    def consent(self, j: Journey, at: dt.datetime, given: bool, given_by: str, refused_next: str) -> StepResult:
        from casework.panels import services as panels

        return self._step(
            j,
            at,
            lambda: panels.consent_record(
                actor=self._chair(j),
                case=self._case(j),
                status="given" if given else "refused",
                given_by=given_by,
                given_by_name="Synthetic consenter",
                refused_next_step=refused_next,
            ),
        )

    def close(self, j: Journey, at: dt.datetime, reason: str) -> StepResult:
        from casework.panels import services as panels

        return self._step(
            j,
            at,
            lambda: panels.case_close(
                actor=self._chair(j), case=self._case(j), reason=reason, rationale="Synthetic closure rationale."
            ),
        )

    def complete_review(self, j: Journey, at: dt.datetime, review: ReviewRef, outcome: str) -> StepResult:
        from casework.reviews import services as reviews

        actor = (
            self._officer(j)
            if review.kind in (ReviewKind.BELOW_THRESHOLD, ReviewKind.HANDOVER_FOLLOWUP)
            else self._chair(j)
        )
        row = Review.objects.get(pk=review.key)
        return self._step(
            j,
            at,
            lambda: (
                reviews.review_complete(actor=actor, review=row, outcome=outcome, notes="Synthetic review notes.")
                and None
            ),
            completed=review.key,
        )


# --- Backend 2: the same rows, bulk-inserted ---------------------------------------------------------------

INSERT_ORDER: list[type[models.Model]] = [
    Person,
    PersonDescription,
    PersonArea,
    Case,
    CaseStatusChange,
    Referral,
    Screening,
    Assessment,
    Handover,
    Meeting,
    AgendaItem,
    VafAssessment,
    VafFactor,
    PanelDecision,
    Consent,
    Review,
    ChronologyEntry,
]
_REF_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def fast_insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """bulk_create without the ORM's per-batch SQL building: one INSERT, executemany, values converted by each
    field's own get_db_prep_save (so UUIDs, JSON and aware datetimes are stored exactly as the ORM stores them).
    The values we set are used as they are: no auto_now stamping (the history keeps its own timestamps)."""
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]
    conn = connections[DEFAULT_DB_ALIAS]  # the real connection, not the thread-local proxy, in this hot loop
    table = conn.ops.quote_name(model._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(str(f.column)) for f in fields)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608 - model metadata
    plain = (models.CharField, models.TextField, models.BooleanField, models.IntegerField)

    def converter(f: models.Field[Any, Any]) -> Callable[[Any], Any] | None:
        if isinstance(f, plain) and not f.is_relation:
            return None
        return lambda v: f.get_db_prep_save(v, conn)

    prep = [(f.attname, converter(f)) for f in fields]
    params = [
        tuple(getattr(row, attname) if fn is None else fn(getattr(row, attname)) for attname, fn in prep)
        for row in rows
    ]
    with conn.cursor() as cursor:
        for i in range(0, len(params), 5000):
            cursor.executemany(sql, params[i : i + 5000])


class BulkBackend:
    """Writes, for each step, the rows the corresponding service writes (same fields, same audit events in the
    same order, same chronology lines), buffered and inserted with bulk_create. Audit events are written in
    time order and chained exactly as `audit_record` chains them."""

    def __init__(self, staff: Staff, *, seed: int) -> None:
        self.staff = staff
        self.ids = random.Random(seed * 7919 + 17)
        self.rows: dict[type[models.Model], list[models.Model]] = defaultdict(list)
        self.audit: list[tuple[dt.datetime, int, dict[str, Any]]] = []
        self.audit_counter = 0
        self.person_referrals: dict[Any, list[dt.date]] = defaultdict(list)
        self.areas: set[tuple[Any, int, int]] = set(
            PersonArea.objects.values_list("person_id", "region_id", "local_authority_id")
        )
        self.meetings: dict[tuple[int, dt.date], Meeting] = {}
        self.agenda: dict[Any, int] = defaultdict(int)
        self.assessments: dict[Any, list[Assessment]] = defaultdict(list)
        self.reviews: dict[Any, list[Review]] = defaultdict(list)
        self.policies = list(PolicyVersion.objects.prefetch_related("pilot_areas").order_by("-effective_from", "-id"))
        self.pilot_areas = {p.pk: {la.pk for la in p.pilot_areas.all()} for p in self.policies}
        self.policy_first_used: dict[int, dt.datetime] = {}
        self.regions = {r.pk: r for r in Region.objects.all()}
        self.counts: dict[str, int] = defaultdict(int)

    # helpers mirroring the shared service code ------------------------------------------------------------

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.ids.getrandbits(128), version=4)

    def _reference(self, prefix: str) -> str:
        body = "".join(self.ids.choice(_REF_ALPHABET) for _ in range(8))
        return f"{prefix}-{body[:4]}-{body[4:]}"

    def _add(self, row: models.Model) -> models.Model:
        self.rows[type(row)].append(row)
        return row

    def _policy(self, la_id: int, at: dt.datetime) -> PolicyVersion:
        """policy.selectors.policy_in_force, on preloaded rows."""
        on = at.astimezone(LONDON).date()
        candidates = [p for p in self.policies if p.effective_from <= on]
        for p in candidates:
            if p.is_pilot and la_id in self.pilot_areas[p.pk]:
                return p
        for p in candidates:
            if not p.is_pilot:
                return p
        raise LookupError(f"No national policy version is in force on {on:%d %B %Y}.")

    def _used(self, policy: PolicyVersion, at: dt.datetime) -> PolicyVersion:
        self.policy_first_used.setdefault(policy.pk, at)
        return policy

    def _audit_row(
        self,
        at: dt.datetime,
        event: str,
        actor: User | None,
        target_type: str,
        target_id: Any,
        data: dict[str, Any] | None = None,
    ) -> None:
        registry.get(event)  # refuse unregistered events, as audit_record does
        self.audit_counter += 1
        heapq.heappush(
            self.audit,
            (
                at,
                self.audit_counter,
                {
                    "event": event,
                    "actor_id": actor.pk if actor else None,
                    "actor_label": actor.get_username() if actor else "system",
                    "target_type": target_type,
                    "target_id": str(target_id),
                    "data": json.loads(json.dumps(data or {}, default=str)),
                },
            ),
        )

    def _chronology(
        self,
        at: dt.datetime,
        j: Journey,
        kind: str,
        title: str,
        detail: str = "",
        actor: User | None = None,
        referral_id: Any = None,
    ) -> None:
        case = j.case
        assert case is not None
        self._add(
            ChronologyEntry(
                person_id=case.person_id,
                occurred_at=at,
                kind=kind,
                title=title,
                detail=detail,
                actor=actor,
                case_id=case.pk,
                referral_id=referral_id,
                local_authority_id=case.local_authority_id,
                region_id=case.region_id,
            )
        )

    def _transition(
        self,
        at: dt.datetime,
        j: Journey,
        actor: User | None,
        to_status: str,
        reason: str,
        policy: PolicyVersion | None,
        data: dict[str, Any] | None = None,
    ) -> None:
        case = j.case
        assert case is not None
        from_status = case.status
        case.status = to_status
        case.status_changed_at = at
        case.version += 1
        if to_status == CaseStatus.AWAITING_PANEL and case.panel_referred_at is None:
            case.panel_referred_at = at
        case.updated_at = at
        self._add(
            CaseStatusChange(
                case_id=case.pk,
                from_status=from_status,
                to_status=to_status,
                changed_at=at,
                actor=actor,
                reason=reason,
                policy_version=policy,
            )
        )
        self._audit_row(
            at,
            "case.status_changed",
            actor,
            "case",
            case.pk,
            {
                "from": from_status,
                "to": to_status,
                "policy_version": policy.version if policy else None,
                **(data or {}),
            },
        )

    def _initial_status(self, at: dt.datetime, due_on: dt.date, policy: PolicyVersion) -> str:
        now = at.astimezone(LONDON).date()
        if now > due_on:
            return ReviewStatus.OVERDUE
        if now >= due_on - dt.timedelta(days=policy.review_window_days):
            return ReviewStatus.DUE
        return ReviewStatus.SCHEDULED

    def _review(
        self,
        at: dt.datetime,
        j: Journey,
        actor: User | None,
        kind: str,
        due_on: dt.date,
        policy: PolicyVersion,
        months: int | None = None,
        subject_key: str = "",
    ) -> ReviewRef:
        case = j.case
        assert case is not None
        self._used(policy, at)
        review = Review(
            id=self._uuid(),
            case_id=case.pk,
            kind=kind,
            due_on=due_on,
            status=self._initial_status(at, due_on, policy),
            policy_version=policy,
            months_after_closure=months,
            closure_cycle=case.closure_cycle,
            extended=False,
            subject_key=subject_key,
            created_at=at,
            updated_at=at,
        )
        self._add(review)
        self.reviews[case.pk].append(review)
        self._audit_row(
            at,
            "review.scheduled",
            actor,
            "review",
            review.pk,
            {
                "case": str(case.pk),
                "kind": kind,
                "due_on": due_on.isoformat(),
                "months_after_closure": months,
                "policy_version": policy.version,
            },
        )
        return ReviewRef(review.pk, kind, due_on, months)

    def _assurance_reviews(
        self,
        at: dt.datetime,
        j: Journey,
        actor: User,
        kind: str,
        from_date: dt.date,
        days: list[int],
        subject: str,
        policy: PolicyVersion,
    ) -> list[ReviewRef]:
        return [
            self._review(at, j, actor, kind, from_date + dt.timedelta(days=d), policy, subject_key=f"{subject}:{d}")
            for d in days
        ]

    def _cancel_pending(self, at: dt.datetime, j: Journey, actor: User | None, kinds: list[str]) -> set[Any]:
        assert j.case is not None
        cancelled = set()
        for review in sorted(self.reviews[j.case.pk], key=lambda r: r.due_on):
            if review.kind in kinds and review.status in PENDING_STATUSES:
                review.status = ReviewStatus.CANCELLED
                review.updated_at = at
                self._audit_row(at, "review.cancelled", actor, "review", review.pk, {"case": str(j.case.pk)})
                cancelled.add(review.pk)
        return cancelled

    def _today(self, at: dt.datetime) -> dt.date:
        return at.astimezone(LONDON).date()

    def _officer(self, j: Journey, kind: str = "officer") -> User:
        assert j.case is not None
        return (self.staff.officers if kind == "officer" else self.staff.supervisors)[j.case.region_id]

    def _chair(self, j: Journey) -> User:
        assert j.case is not None
        return self.staff.chairs[j.case.local_authority_id]

    # the steps ------------------------------------------------------------------------------------------

    def submit(self, j: Journey) -> None:
        """referrals.services.referral_submit (public referral: no actor; always a new case)."""
        from casework.referrals.services import _clean_description

        spec, at = j.spec, j.spec.at
        la = spec.local_authority
        desc_fields = _clean_description(spec.description)
        person = spec.person
        if person is None:
            person = Person(
                id=self._uuid(),
                given_name=desc_fields.get("given_name", ""),
                family_name=desc_fields.get("family_name", ""),
                date_of_birth=desc_fields.get("date_of_birth"),
                sex=desc_fields.get("sex") or "other",
                created_at=at,
                updated_at=at,
            )
            self._add(person)
            description = PersonDescription(
                id=self._uuid(), person_id=person.pk, created_at=at, updated_at=at, **desc_fields
            )
            self._add(description)
            self._audit_row(at, "person.created", None, "person", person.pk, {"description": str(description.pk)})
        else:
            description = PersonDescription(
                id=self._uuid(), person_id=person.pk, created_at=at, updated_at=at, **desc_fields
            )
            self._add(description)
        referred_on = self._today(at)
        previous = len(self.person_referrals[person.pk])
        case = Case(
            id=self._uuid(),
            reference=self._reference("CASE"),
            person_id=person.pk,
            region_id=la.region_id,
            local_authority_id=la.pk,
            opened_at=at,
            status_changed_at=at,
            status=CaseStatus.SCREENING,
            version=1,
            created_at=at,
            updated_at=at,
        )
        case.person = person
        j.case = case
        self._add(case)
        self._add(
            CaseStatusChange(
                case_id=case.pk,
                from_status="",
                to_status=CaseStatus.SCREENING,
                changed_at=at,
                actor=None,
                reason="Referral received",
            )
        )
        self._audit_row(at, "case.opened", None, "case", case.pk)
        region = self.regions[la.region_id]
        referral = Referral(
            id=self._uuid(),
            reference=self._reference("REF"),
            description_id=description.pk,
            person_id=person.pk,
            case_id=case.pk,
            region_id=la.region_id,
            local_authority_id=la.pk,
            referrer_name="Synthetic referrer",
            referrer_email="",
            referrer_phone="",
            referrer_organisation="",
            referrer_role=Sector(spec.sector).label,
            sector=spec.sector,
            concern=CONCERN_TEXT[spec.concern_type],
            referred_on=referred_on,
            received_at=at,
            urgency=spec.urgency,
            immediate_risk=False,
            immediate_risk_details="",
            submitted_by=None,
            copied_to_local_authority=region.code in settings.CASEWORK_REFERRAL_COPY_TO_LA_REGIONS,
            previous_referral_count=previous,
            re_referral_of=None,
            created_at=at,
            updated_at=at,
        )
        self._add(referral)
        j.referral = referral
        self.person_referrals[person.pk].append(referred_on)
        area = (person.pk, la.region_id, la.pk)
        if area not in self.areas:
            self.areas.add(area)
            self._add(PersonArea(person_id=person.pk, region_id=la.region_id, local_authority_id=la.pk))
        self._audit_row(
            at,
            "referral.submitted",
            None,
            "referral",
            referral.pk,
            {"case": str(case.pk), "sector": spec.sector, "urgency": spec.urgency, "repeat": previous > 0},
        )
        if referral.copied_to_local_authority:
            self._audit_row(
                at, "referral.routed_to_local_authority", None, "referral", referral.pk, {"local_authority": la.code}
            )
        title = f"Referral {referral.reference} received from {Sector(spec.sector).label.lower()}"
        if previous:
            title += f" (repeat referral: {previous + 1} in total)"
        self._chronology(at, j, ChronologyKind.REFERRAL, title, referral.concern, referral_id=referral.pk)
        self.counts["referrals"] += 1

    def screen(self, j: Journey, at: dt.datetime, deconfliction: str, outcome: str, notes: str) -> StepResult:
        """assessments.services.case_screen."""
        case, officer = j.case, self._officer(j)
        assert case is not None
        policy = self._used(self._policy(case.local_authority_id, at), at)
        self._add(
            Screening(
                id=self._uuid(),
                case_id=case.pk,
                deconfliction=deconfliction,
                outcome=outcome,
                notes=notes,
                screened_by=officer,
                screened_at=at,
                policy_version=policy,
                created_at=at,
                updated_at=at,
            )
        )
        if deconfliction == Deconfliction.MANAGED_ELSEWHERE:
            to_status = CaseStatus.CLOSED_MANAGED_ELSEWHERE
        elif outcome == ScreeningOutcome.PROCEED:
            to_status = CaseStatus.ASSESSMENT
        else:
            to_status = CaseStatus.CLOSED_MISTAKEN
        self._transition(at, j, officer, to_status, notes or "Screened", policy)
        self._audit_row(
            at,
            "case.screened",
            officer,
            "case",
            case.pk,
            {"deconfliction": deconfliction, "outcome": outcome, "policy_version": policy.version},
        )
        self._chronology(
            at,
            j,
            ChronologyKind.SCREENING,
            f"Screened: {Deconfliction(deconfliction).label.lower()}; {ScreeningOutcome(outcome).label.lower()}",
            actor=officer,
        )
        return StepResult()

    def _countersign_reason(self, j: Journey, at: dt.datetime, decision: str, policy: PolicyVersion) -> str:
        """assessments.services.countersign_requirement."""
        if decision != GatewayDecisionChoice.NFA:
            return ""
        if policy.countersign_all_nfa:
            return "Policy requires every NFA to be countersigned."
        assert j.case is not None
        since = add_months(self._today(at), -12 * policy.countersign_repeat_window_years)
        count = sum(1 for d in self.person_referrals[j.case.person_id] if d >= since)
        if count >= policy.countersign_repeat_referral_count:
            return (
                f"NFA on referral {count} of this person within {policy.countersign_repeat_window_years} years "
                f"(policy: countersign from referral {policy.countersign_repeat_referral_count})."
            )
        return ""

    def _handover(
        self,
        at: dt.datetime,
        j: Journey,
        actor: User,
        assessment: Assessment | None,
        handover: dict[str, Any],
        policy: PolicyVersion,
    ) -> list[ReviewRef]:
        """assessments.services.handover_record."""
        case = j.case
        assert case is not None
        on = handover.get("handed_over_on") or self._today(at)
        row = Handover(
            id=self._uuid(),
            case_id=case.pk,
            assessment=assessment,
            service_type=handover["service_type"],
            service_name=str(handover["service_name"]).strip(),
            contact=str(handover["contact"]).strip(),
            request=str(handover["request"]).strip(),
            handed_over_on=on,
            recorded_by=actor,
            policy_version=policy,
            receiving_user=None,
            created_at=at,
            updated_at=at,
        )
        self._add(row)
        self._audit_row(
            at,
            "handover.recorded",
            actor,
            "case",
            case.pk,
            {"handover": str(row.pk), "service_type": row.service_type, "receiving_user": None},
        )
        refs = self._assurance_reviews(
            at,
            j,
            actor,
            ReviewKind.HANDOVER_FOLLOWUP,
            on,
            list(policy.handover_followup_days),
            f"handover:{row.pk}",
            policy,
        )
        self._chronology(
            at,
            j,
            ChronologyKind.HANDOVER,
            f"Handed over to {row.service_name} ({ServiceType(row.service_type).label})",
            row.request,
            actor=actor,
        )
        return refs

    def _decision_took_effect(
        self, at: dt.datetime, j: Journey, actor: User, assessment: Assessment
    ) -> list[ReviewRef]:
        if (
            assessment.decision in (GatewayDecisionChoice.NFA, GatewayDecisionChoice.EXIT)
            and assessment.other_vulnerabilities
        ):
            policy = assessment.policy_version
            return self._assurance_reviews(
                at,
                j,
                actor,
                ReviewKind.BELOW_THRESHOLD,
                self._today(at),
                list(policy.below_threshold_review_days),
                f"assessment:{assessment.pk}",
                policy,
            )
        return []

    def assess(
        self, j: Journey, at: dt.datetime, decision: str, vulns: list[str], handover: dict[str, Any] | None
    ) -> StepResult:
        """assessments.services.case_assess."""
        from casework.assessments.services import DECISION_STATUS

        case, officer = j.case, self._officer(j)
        assert case is not None
        policy = self._used(self._policy(case.local_authority_id, at), at)
        why = self._countersign_reason(j, at, decision, policy)
        assessment = Assessment(
            id=self._uuid(),
            case_id=case.pk,
            number=len(self.assessments[case.pk]) + 1,
            framework_version=policy.paf_framework_version,
            concern_type=j.spec.concern_type,
            ideology_or_grievance="",
            other_vulnerabilities=list(vulns),
            rationale=RATIONALE,
            decision=decision,
            decided_by=officer,
            decided_at=at,
            policy_version=policy,
            repeat_referral=len(self.person_referrals[case.person_id]) > 1,
            countersign_required=bool(why),
            countersign_reason=why,
            countersign_status="pending" if why else "",
            created_at=at,
            updated_at=at,
        )
        self._add(assessment)
        self.assessments[case.pk].append(assessment)
        self._audit_row(
            at,
            "case.assessed",
            officer,
            "case",
            case.pk,
            {
                "assessment": str(assessment.pk),
                "decision": decision,
                "concern_type": j.spec.concern_type,
                "countersign_required": bool(why),
                "policy_version": policy.version,
            },
        )
        result = StepResult(countersign_pending=bool(why))
        if decision == GatewayDecisionChoice.EXIT:
            assert handover is not None
            result.new += self._handover(at, j, officer, assessment, handover, policy)
        label = GatewayDecisionChoice(decision).label
        if why:
            self._transition(
                at, j, officer, CaseStatus.AWAITING_COUNTERSIGN, f"{label} awaiting countersignature: {why}", policy
            )
            title = f"Gateway decision: {label} (awaiting countersignature)"
        else:
            self._transition(at, j, officer, DECISION_STATUS[GatewayDecisionChoice(decision)], RATIONALE, policy)
            result.new += self._decision_took_effect(at, j, officer, assessment)
            title = f"Gateway decision: {label}"
        self._chronology(at, j, ChronologyKind.DECISION, title, RATIONALE, actor=officer)
        return result

    def countersign(self, j: Journey, at: dt.datetime) -> StepResult:
        """assessments.services.case_countersign (approved)."""
        from casework.assessments.services import DECISION_STATUS

        case, supervisor = j.case, self._officer(j, "supervisor")
        assert case is not None
        assessment = self.assessments[case.pk][-1]
        assessment.countersign_status = "approved"
        assessment.countersigned_by = supervisor
        assessment.countersigned_at = at
        assessment.countersign_note = ""
        assessment.updated_at = at
        self._transition(
            at,
            j,
            supervisor,
            DECISION_STATUS[GatewayDecisionChoice(assessment.decision)],
            "Countersigned",
            assessment.policy_version,
        )
        result = StepResult(new=self._decision_took_effect(at, j, supervisor, assessment))
        self._audit_row(
            at, "case.countersigned", supervisor, "case", case.pk, {"assessment": str(assessment.pk), "approved": True}
        )
        self._chronology(
            at,
            j,
            ChronologyKind.COUNTERSIGN,
            "Decision countersigned: " + GatewayDecisionChoice(assessment.decision).label,
            "",
            actor=supervisor,
        )
        return result

    def _open_case_review(self, at: dt.datetime, j: Journey, actor: User) -> list[ReviewRef]:
        """reviews.services.open_case_review_schedule (no pending review exists at these points)."""
        assert j.case is not None
        policy = self._policy(j.case.local_authority_id, at)
        due = self._today(at) + dt.timedelta(days=policy.open_case_review_interval_days)
        return [self._review(at, j, actor, ReviewKind.OPEN_CASE, due, policy)]

    def panel(
        self, j: Journey, at: dt.datetime, adopt: bool, outcome: str, handover: dict[str, Any] | None
    ) -> StepResult:
        """panels.services.meeting_schedule (first case of a meeting), meeting_add_case, vaf_record, panel_decide."""
        from casework.panels.services import NOT_ADOPTED_STATUS

        case, chair = j.case, self._chair(j)
        assert case is not None
        day = self._today(at)
        key = (case.local_authority_id, day)
        meeting = self.meetings.get(key)
        if meeting is None:
            meeting = Meeting(
                id=self._uuid(),
                panel=self.staff.panels[case.local_authority_id],
                date=day,
                location="Civic centre (synthetic)",
                status="scheduled",
                created_at=at,
                updated_at=at,
            )
            self.meetings[key] = meeting
            self._add(meeting)
            self._audit_row(at, "meeting.scheduled", chair, "meeting", meeting.pk, {"date": day.isoformat()})
        self.agenda[meeting.pk] += 1
        self._add(AgendaItem(meeting_id=meeting.pk, case_id=case.pk, position=self.agenda[meeting.pk]))
        self._audit_row(at, "meeting.case_added", chair, "meeting", meeting.pk, {"case": str(case.pk)})
        # vaf_record
        policy = self._used(self._policy(case.local_authority_id, at), at)
        vaf = VafAssessment(
            id=self._uuid(),
            case_id=case.pk,
            meeting_id=meeting.pk,
            framework_version=policy.vaf_framework_version,
            summary="Synthetic VAF",
            assessed_by=chair,
            assessed_at=at,
            policy_version=policy,
            created_at=at,
            updated_at=at,
        )
        self._add(vaf)
        for f in VAF_FACTORS:
            self._add(
                VafFactor(
                    vaf_id=vaf.pk,
                    dimension=f["dimension"],
                    factor=f["factor"],
                    rating=f["rating"],
                    evidence=f["evidence"],
                )
            )
        self._audit_row(at, "vaf.recorded", chair, "case", case.pk, {"vaf": str(vaf.pk)})
        self._chronology(at, j, ChronologyKind.PANEL, "Vulnerability assessment recorded", "Synthetic VAF", actor=chair)
        # panel_decide
        decision = "adopt" if adopt else "not_adopt"
        row = PanelDecision(
            id=self._uuid(),
            case_id=case.pk,
            meeting_id=meeting.pk,
            decision=decision,
            not_adopted_outcome="" if adopt else outcome,
            rationale=PANEL_RATIONALE,
            decided_by=chair,
            decided_at=at,
            policy_version=policy,
            created_at=at,
            updated_at=at,
        )
        self._add(row)
        self._audit_row(
            at,
            "panel.decided",
            chair,
            "case",
            case.pk,
            {"decision": decision, "not_adopted_outcome": row.not_adopted_outcome, "policy_version": policy.version},
        )
        result = StepResult()
        if adopt:
            case.adopted_at = at
            self._transition(at, j, chair, CaseStatus.AWAITING_CONSENT, PANEL_RATIONALE, policy)
            result.new += self._open_case_review(at, j, chair)
            self._chronology(at, j, ChronologyKind.PANEL, "Adopted as a Channel case", PANEL_RATIONALE, actor=chair)
        else:
            if outcome == NotAdoptedOutcome.EXIT:
                assert handover is not None
                result.new += self._handover(at, j, chair, None, handover, policy)
            latest = self.assessments[case.pk][-1] if self.assessments[case.pk] else None
            if outcome != NotAdoptedOutcome.PLP and latest is not None and latest.other_vulnerabilities:
                result.new += self._assurance_reviews(
                    at,
                    j,
                    chair,
                    ReviewKind.BELOW_THRESHOLD,
                    day,
                    list(policy.below_threshold_review_days),
                    f"panel_decision:{row.pk}",
                    policy,
                )
            self._transition(at, j, chair, NOT_ADOPTED_STATUS[NotAdoptedOutcome(outcome)], PANEL_RATIONALE, policy)
            self._chronology(
                at,
                j,
                ChronologyKind.PANEL,
                f"Not adopted: {NotAdoptedOutcome(outcome).label}",
                PANEL_RATIONALE,
                actor=chair,
            )
        return result

    def _close(
        self, at: dt.datetime, j: Journey, actor: User, reason: str, rationale: str, policy: PolicyVersion
    ) -> StepResult:
        """panels.services._close with reviews.services.review_schedule_after_closure."""
        case = j.case
        assert case is not None
        case.closed_at = at
        case.closed_on = self._today(at)
        case.closure_reason = reason
        case.closure_rationale = rationale
        case.closure_cycle += 1
        self._transition(at, j, actor, CaseStatus.CLOSED, rationale, policy, {"closure_reason": reason})
        result = StepResult(cancelled=self._cancel_pending(at, j, actor, [ReviewKind.OPEN_CASE]))
        result.new = [
            self._review(at, j, actor, ReviewKind.POST_CLOSURE, add_months(case.closed_on, m), policy, months=m)
            for m in policy.post_closure_review_months
        ]
        self._audit_row(
            at,
            "case.closed",
            actor,
            "case",
            case.pk,
            {
                "reason": reason,
                "closed_on": case.closed_on.isoformat(),
                "reviews_due": [r.due_on.isoformat() for r in result.new],
                "policy_version": policy.version,
            },
        )
        self._chronology(
            at, j, ChronologyKind.CLOSURE, f"Channel case closed: {ClosureReason(reason).label}", rationale, actor=actor
        )
        return result

    def consent(self, j: Journey, at: dt.datetime, given: bool, given_by: str, refused_next: str) -> StepResult:
        """panels.services.consent_record."""
        case, chair = j.case, self._chair(j)
        assert case is not None
        policy = self._used(self._policy(case.local_authority_id, at), at)
        status = "given" if given else "refused"
        decided_on = self._today(at)
        self._add(
            Consent(
                id=self._uuid(),
                case_id=case.pk,
                status=status,
                given_by=given_by,
                given_by_name="Synthetic consenter",
                decided_on=decided_on,
                notes="",
                recorded_by=chair,
                recorded_at=at,
                policy_version=policy,
                created_at=at,
                updated_at=at,
            )
        )
        self._audit_row(
            at,
            "consent.recorded",
            chair,
            "case",
            case.pk,
            {"status": status, "given_by": given_by, "decided_on": decided_on.isoformat()},
        )
        self._chronology(
            at,
            j,
            ChronologyKind.CONSENT,
            f"Consent {status} by {ConsentGivenBy(given_by).label.lower()}",
            "",
            actor=chair,
        )
        if given:
            self._transition(at, j, chair, CaseStatus.SUPPORT_ACTIVE, "Consent given", policy)
            return StepResult()
        if refused_next == "police_led":
            self._transition(at, j, chair, CaseStatus.POLICE_LED, "Consent refused: police-led partnership", policy)
            return StepResult()
        return self._close(at, j, chair, ClosureReason.CONSENT_WITHDRAWN, "Consent refused", policy)

    def close(self, j: Journey, at: dt.datetime, reason: str) -> StepResult:
        """panels.services.case_close."""
        assert j.case is not None
        policy = self._used(self._policy(j.case.local_authority_id, at), at)
        return self._close(at, j, self._chair(j), reason, "Synthetic closure rationale.", policy)

    def complete_review(self, j: Journey, at: dt.datetime, review: ReviewRef, outcome: str) -> StepResult:
        """reviews.services.review_complete and review_mark_completed."""
        case = j.case
        assert case is not None
        assurance = review.kind in (ReviewKind.BELOW_THRESHOLD, ReviewKind.HANDOVER_FOLLOWUP)
        actor = self._officer(j) if assurance else self._chair(j)
        row = next(r for r in self.reviews[case.pk] if r.pk == review.key)
        notes = "Synthetic review notes."
        row.status = ReviewStatus.COMPLETED
        row.outcome = outcome
        row.notes = notes
        row.completed_by = actor
        row.completed_at = at
        row.completed_on = self._today(at)
        row.updated_at = at
        self._audit_row(
            at,
            "review.completed",
            actor,
            "review",
            row.pk,
            {"case": str(case.pk), "outcome": outcome, "kind": row.kind, "policy_version": row.policy_version.version},
        )
        title = row.get_kind_display()
        if row.months_after_closure:
            title += f" ({row.months_after_closure} months after closure)"
        self._chronology(at, j, ChronologyKind.REVIEW, f"{title}: {ReviewOutcome(outcome).label}", notes, actor=actor)
        result = StepResult()
        if row.kind == ReviewKind.POST_CLOSURE:
            if outcome == ReviewOutcome.CONCERNS:
                result.cancelled = self._cancel_pending(at, j, actor, [ReviewKind.POST_CLOSURE])
                case.reopened_count += 1
                self._transition(at, j, actor, CaseStatus.AWAITING_PANEL, f"Reopened: {notes}", row.policy_version)
                self._audit_row(at, "case.reopened", actor, "case", case.pk, {"review": str(row.pk)})
                self._chronology(
                    at, j, ChronologyKind.REOPENED, "Case reopened: concerns found at review", notes, actor=actor
                )
            elif not any(
                r.kind == ReviewKind.POST_CLOSURE
                and r.closure_cycle == row.closure_cycle
                and r.status in PENDING_STATUSES
                for r in self.reviews[case.pk]
            ):
                self._transition(
                    at,
                    j,
                    actor,
                    CaseStatus.MONITORING_ENDED,
                    "Last post-closure review found no concerns",
                    row.policy_version,
                )
                self._audit_row(at, "case.monitoring_ended", actor, "case", case.pk)
                self._chronology(at, j, ChronologyKind.CLOSURE, "Post-closure monitoring ended", actor=actor)
        elif row.kind == ReviewKind.OPEN_CASE and case.status in (
            CaseStatus.AWAITING_CONSENT,
            CaseStatus.SUPPORT_ACTIVE,
        ):
            result.new = self._open_case_review(at, j, actor)
        return result

    def forget(self, j: Journey) -> None:
        """A finished journey's rows are final once buffered: drop the per-case working state."""
        if j.case is not None:
            self.assessments.pop(j.case.pk, None)
            self.reviews.pop(j.case.pk, None)

    # writing --------------------------------------------------------------------------------------------

    def flush(self, *, until: dt.datetime | None = None) -> None:
        """Insert the buffered rows, and the audit events that happened before `until` (all when None): later
        journeys only add events at or after their own start, so the chain stays in time order."""
        with transaction.atomic():
            for model in INSERT_ORDER:
                batch = self.rows.pop(model, [])
                if batch:
                    fast_insert(model, batch)
            self._flush_audit(until)
            for pk, first in self.policy_first_used.items():
                PolicyVersion.objects.filter(pk=pk, locked_at__isnull=True).update(locked_at=first)
        self.rows.clear()

    def _flush_audit(self, until: dt.datetime | None) -> None:
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        seq, prev = head.last_seq, head.last_hash
        batch = []
        while self.audit and (until is None or self.audit[0][0] < until):
            at, _, row = heapq.heappop(self.audit)
            seq += 1
            event = AuditEvent(
                seq=seq,
                occurred_at=at.astimezone(UTC),
                event=row["event"],
                actor_id=row["actor_id"],
                actor_label=row["actor_label"],
                target_type=row["target_type"],
                target_id=row["target_id"],
                data=row["data"],
                reason="",
                flagged=registry.get(row["event"]).flagged,
                request_id="",
                ip=None,
                prev_hash=prev,
            )
            event.hash = compute_hash(event)
            prev = event.hash
            batch.append(event)
        fast_insert(AuditEvent, batch)
        head.last_seq, head.last_hash = seq, prev
        head.save(update_fields=["last_seq", "last_hash"])


# --- The whole history ---------------------------------------------------------------------------------------


@dataclass
class Population:
    """Who may be referred again: people whose last journey has ended (not open, nothing pending)."""

    eligible: list[tuple[dt.datetime, Person, dict[str, Any], LocalAuthority]] = field(default_factory=list)


class HistoryGenerator:
    def __init__(self, *, seed: int, years: int, per_year: int, end: dt.date, backend_name: str = "bulk") -> None:
        self.rng = random.Random(seed)
        self.seed = seed
        self.start, self.end = history_window(years=years, end=end)
        self.per_year = per_year
        self.staff = ensure_staff()
        self.backend: BulkBackend | ServicesBackend = (
            BulkBackend(self.staff, seed=seed) if backend_name == "bulk" else ServicesBackend(self.staff)
        )
        self.driver = JourneyDriver(rng=self.rng, backend=self.backend, end=self.end)
        regions = {r.code: r for r in Region.objects.all()}
        self.region_mix = [(regions[code], w) for code, w in REGION_MIX if code in regions]
        self.las_by_region: dict[int, list[LocalAuthority]] = defaultdict(list)
        for la in LocalAuthority.objects.select_related("region").order_by("code"):
            self.las_by_region[la.region_id].append(la)
        self.population = Population()
        self.repeat_rate = REPEAT_RATE

    def times(self) -> list[dt.datetime]:
        return referral_times(rng=self.rng, start=self.start, end=self.end, per_year=self.per_year)

    def _description(self, at: dt.datetime, la: LocalAuthority) -> dict[str, Any]:
        rng = self.rng
        sex = pick(rng, SEX_MIX)
        given = rng.choice(GIVEN_F if sex == "female" else GIVEN_M + GIVEN_F[:1] if sex == "other" else GIVEN_M)
        ages = pick(rng, AGE_MIX)
        desc: dict[str, Any] = {
            "given_name": given,
            "family_name": rng.choice(FAMILY),
            "sex": sex,
            "town": la.name,
            "postcode": f"ZZ{rng.randint(1, 99)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJ')}{rng.choice('LNPQRSTU')}",
        }
        if ages is not None:
            age = rng.randint(*ages)
            day = at.astimezone(LONDON).date()
            desc["date_of_birth"] = add_months(day, -12 * age) - dt.timedelta(days=rng.randint(1, 364))
        elif rng.random() < 0.5:
            desc["age_estimate"] = rng.randint(12, 40)
        return desc

    def spec_for(self, at: dt.datetime) -> ReferralSpec:
        rng = self.rng
        person, description, la = None, None, None
        pool = self.population.eligible
        if pool and rng.random() < self.repeat_rate:
            i = rng.randrange(len(pool))
            free_from, candidate, desc, previous_la = pool[i]
            if free_from < at:
                pool[i] = pool[-1]
                pool.pop()
                person, description = candidate, desc
                la = previous_la if rng.random() < 0.85 else None
        if la is None:
            region = pick(rng, self.region_mix)
            la = rng.choice(self.las_by_region[region.pk])
        if description is None:
            description = self._description(at, la)
        return ReferralSpec(
            at=at,
            local_authority=la,
            sector=pick(rng, SECTOR_MIX),
            description=description,
            concern_type=pick(rng, CONCERN_MIX),
            urgency="urgent" if rng.random() < 0.1 else "routine",
            person=person,
        )

    def run(self, times: Iterable[dt.datetime]) -> int:
        count = 0
        for at in times:
            spec = self.spec_for(at)
            j = self.driver.run(spec)
            count += 1
            if not journey_is_open(j) and j.case is not None and j.last_at is not None:
                person = spec.person or j.case.person
                self.population.eligible.append((j.last_at, person, spec.description, spec.local_authority))
            if isinstance(self.backend, BulkBackend):
                self.backend.forget(j)
                if count % 1000 == 0:
                    self.backend.flush(until=at)
        if isinstance(self.backend, BulkBackend):
            self.backend.flush()
        return count
