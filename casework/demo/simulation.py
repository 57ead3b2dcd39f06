"""Replay a year of synthetic referrals day by day through the real services, with owners acting at realistic
(sometimes late) times and the sweep running every day, then measure whether any statutory review was missed.

Dates are advanced with time travel, never waited for. Everything is synthetic and deterministic for a seed.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import time_machine
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Q
from django.test.utils import override_settings

from casework.accounts.models import LocalAuthority, Region, Role, User
from casework.assessments import services as assessments
from casework.core.dates import today
from casework.core.errors import DomainError
from casework.demo.journeys import CONCERNS, FAMILY, GIVEN_F, GIVEN_M
from casework.panels import services as panels
from casework.panels.models import Meeting, Panel
from casework.people.models import Person
from casework.referrals import services as referrals
from casework.referrals.models import Case, Referral
from casework.referrals.states import CaseStatus
from casework.reviews import services as reviews
from casework.reviews.models import Review, ReviewKind, Task
from casework.reviews.states import PENDING_STATUSES
from casework.support import services as support

LONDON = ZoneInfo("Europe/London")
SIM_LAS = ["leeds", "bradford", "manchester", "birmingham", "tower-hamlets", "cardiff"]
SECTORS = (
    ["education"] * 40
    + ["police"] * 28
    + ["health"] * 10
    + ["local_authority"] * 8
    + ["family_friends"] * 5
    + ["community"] * 4
    + ["other"] * 5
)


@dataclass
class SimulationResult:
    reviews_due: int
    on_time: int
    overdue: int
    missed: int
    escalated: int
    repeat_referrals: int
    referrals: int
    cases: int
    errors: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"reviews_due={self.reviews_due} on_time={self.on_time} overdue={self.overdue} missed={self.missed} "
            f"escalated={self.escalated} repeat_referrals={self.repeat_referrals}"
        )


class Simulation:
    def __init__(
        self,
        *,
        days: int,
        seed: int,
        referrals_per_day: float,
        start: dt.date | None = None,
        progress: Callable[[Iterator[dt.date]], Iterator[dt.date]] | None = None,
    ) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.rate = referrals_per_day
        self.start = start or (today() - dt.timedelta(days=days))
        self.progress = progress or (lambda it: it)
        self.plans: dict[uuid.UUID, list[tuple[dt.date, str]]] = defaultdict(list)  # case id -> [(day, action)]
        self.review_plan: dict[uuid.UUID, dt.date] = {}
        self.case_ids: set[uuid.UUID] = set()
        self.persons: list[Person] = []
        self.errors: list[str] = []
        self.users = self._users(seed)

    # --- set-up ---------------------------------------------------------------------------------------------

    def _users(self, seed: int) -> dict[str, User]:
        users: dict[str, User] = {}
        for la_code in SIM_LAS:
            la = LocalAuthority.objects.select_related("region").get(code=la_code)
            for role, key, scope in (
                (Role.PREVENT_OFFICER, "officer", {"region": la.region}),
                (Role.PREVENT_SUPERVISOR, "supervisor", {"region": la.region}),
                (Role.CHANNEL_CHAIR, "chair", {"local_authority": la}),
            ):
                name = f"sim{seed}.{key}.{la.region.code if key != 'chair' else la_code}"
                user, _ = User.objects.get_or_create(
                    username=name, defaults={"role": role, **scope, "email": f"{name}@example.gov.uk"}
                )
                users[f"{key}:{la.region.code if key != 'chair' else la_code}"] = user
        users["referrer"], _ = User.objects.get_or_create(
            username=f"sim{seed}.referrer", defaults={"role": Role.REFERRER}
        )
        return users

    def _officer(self, case: Case, kind: str = "officer") -> User:
        return self.users[f"{kind}:{Region.objects.get(pk=case.region_id).code}"]

    def _chair(self, case: Case) -> User:
        return self.users[f"chair:{case.local_authority.code}"]

    def _later(self, day: dt.date, lo: int, hi: int, late_p: float = 0.15, late_max: int = 25) -> dt.date:
        extra = self.rng.randint(1, late_max) if self.rng.random() < late_p else 0
        return day + dt.timedelta(days=self.rng.randint(lo, hi) + extra)

    def _plan(self, case_id: uuid.UUID, on: dt.date, action: str) -> None:
        self.plans[case_id].append((on, action))

    # --- the day loop ---------------------------------------------------------------------------------------

    def run(self) -> SimulationResult:
        days = (self.start + dt.timedelta(days=i) for i in range(self.days))
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            for day in self.progress(days):
                with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=LONDON), tick=False):
                    self._new_referrals(day)
                    self._act(day)
                    self._meetings(day)
                    self._reviews(day)
                    reviews.sweep_reviews(on=day)
        return self._measure()

    def _guard(self, what: str, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except (DomainError, ObjectDoesNotExist) as exc:
            self.errors.append(f"{what}: {exc}")

    def _new_referrals(self, day: dt.date) -> None:
        n = sum(1 for _ in range(int(self.rate * 3)) if self.rng.random() < 1 / 3)
        for _ in range(n):
            la = LocalAuthority.objects.get(code=self.rng.choice(SIM_LAS))
            repeat = self.persons and self.rng.random() < 0.12
            male = self.rng.random() < 0.9
            age = self.rng.choice([11, 12, 13, 14, 15, 15, 16, 17, 19, 22, 27, 35, 44])
            desc = {
                "given_name": self.rng.choice(GIVEN_M if male else GIVEN_F),
                "family_name": self.rng.choice(FAMILY),
                "sex": "male" if male else "female",
                "date_of_birth": day - dt.timedelta(days=365 * age + self.rng.randint(0, 364)),
            }
            person = self.rng.choice(self.persons) if repeat else None
            referral = referrals.referral_submit(
                actor=self.users["referrer"],
                person=person,
                person_description=desc,
                local_authority=la,
                referrer_name="Synthetic referrer",
                sector=self.rng.choice(SECTORS),
                concern=self.rng.choice(CONCERNS),
                urgency="urgent" if self.rng.random() < 0.1 else "routine",
            )
            if person is None:
                self.persons.append(referral.person)
            case = referral.case
            if case.pk not in self.case_ids:
                self.case_ids.add(case.pk)
                self._plan(case.pk, self._later(day, 0, 2, 0.05, 4), "screen")

    def _act(self, day: dt.date) -> None:
        for case_id in list(self.plans):
            due = [p for p in self.plans[case_id] if p[0] <= day]
            if not due:
                continue
            self.plans[case_id] = [p for p in self.plans[case_id] if p[0] > day]
            for _, action in due:
                case = Case.objects.select_related("local_authority", "person").get(pk=case_id)
                self._guard(action, getattr(self, f"_do_{action}"), case, day)

    def _do_screen(self, case: Case, day: dt.date) -> None:
        if case.status != CaseStatus.SCREENING:
            return
        mistaken = self.rng.random() < 0.03
        assessments.case_screen(
            actor=self._officer(case),
            case=case,
            deconfliction="clear",
            outcome="mistaken" if mistaken else "proceed",
            notes="Referral was mistaken" if mistaken else "",
        )
        if not mistaken:
            self._plan(case.pk, self._later(day, 1, 6, 0.2, 10), "assess")

    def _do_assess(self, case: Case, day: dt.date) -> None:
        if case.status != CaseStatus.ASSESSMENT:
            return
        roll = self.rng.random()
        decision = (
            "progress_to_channel"
            if roll < 0.13
            else "police_led_partnership"
            if roll < 0.17
            else "exit_to_other_services"
            if roll < 0.40
            else "nfa"
        )
        vulns = ["mental_health"] if self.rng.random() < 0.35 else []
        if decision == "exit_to_other_services" and not vulns:
            vulns = ["social_care"]
        concern = (
            "no_ideology_vulnerability"
            if decision in ("nfa", "exit_to_other_services") and vulns
            else self.rng.choice(["extreme_right_wing", "islamist", "mixed_unclear_unstable", "incel"])
        )
        handover = (
            {
                "service_type": "early_help",
                "service_name": "Early Help Hub",
                "contact": "Duty manager",
                "request": "Assess family support needs",
            }
            if decision == "exit_to_other_services"
            else None
        )
        a = assessments.case_assess(
            actor=self._officer(case),
            case=case,
            concern_type=concern,
            decision=decision,
            rationale="Synthetic rationale.",
            other_vulnerabilities=vulns,
            handover=handover,
        )
        if a.countersign_required:
            self._plan(case.pk, self._later(day, 0, 4, 0.2, 12), "countersign")

    def _do_countersign(self, case: Case, day: dt.date) -> None:
        if case.status == CaseStatus.AWAITING_COUNTERSIGN:
            assessments.case_countersign(
                actor=self._officer(case, "supervisor"), case=case, approve=True, note="Agreed on review of the history"
            )

    def _meetings(self, day: dt.date) -> None:
        """Each panel meets on the first Tuesday of the month: new cases are decided, open cases reviewed."""
        if day.weekday() != 1 or day.day > 7:
            return
        for la_code in SIM_LAS:
            waiting = Case.objects.filter(pk__in=self.case_ids, local_authority__code=la_code).filter(
                Q(status=CaseStatus.AWAITING_PANEL)
                | Q(status__in=[CaseStatus.AWAITING_CONSENT, CaseStatus.SUPPORT_ACTIVE])
            )
            if not waiting.exists():
                continue
            panel = Panel.objects.get(local_authority__code=la_code, kind="channel")
            chair = self.users[f"chair:{la_code}"]
            meeting = panels.meeting_schedule(actor=chair, panel=panel, date=day)
            for case in waiting.select_related("local_authority", "person"):
                self._guard("agenda", panels.meeting_add_case, actor=chair, meeting=meeting, case=case)
                if case.status == CaseStatus.AWAITING_PANEL:
                    self._guard("panel", self._decide, case, chair, meeting, day)

    def _decide(self, case: Case, chair: User, meeting: Meeting, day: dt.date) -> None:
        panels.vaf_record(
            actor=chair,
            case=case,
            summary="Synthetic VAF",
            factors=[
                {
                    "dimension": d,
                    "factor": "Synthetic factor",
                    "rating": self.rng.choice(["low", "medium"]),
                    "evidence": "Synthetic evidence",
                }
                for d in ("engagement", "intent", "capability")
            ],
        )
        adopt = self.rng.random() < 0.57
        case.refresh_from_db()
        panels.panel_decide(
            actor=chair,
            case=case,
            decision="adopt" if adopt else "not_adopt",
            not_adopted_outcome="" if adopt else "police_led_partnership",
            rationale="Synthetic panel rationale.",
            meeting=meeting,
        )
        if adopt:
            self._plan(case.pk, self._later(day, 1, 10, 0.1, 10), "consent")

    def _do_consent(self, case: Case, day: dt.date) -> None:
        if case.status != CaseStatus.AWAITING_CONSENT:
            return
        given = self.rng.random() < 0.9
        panels.consent_record(
            actor=self._chair(case),
            case=case,
            status="given" if given else "refused",
            given_by="parent_guardian",
            given_by_name="Synthetic parent",
        )
        if given:
            support.intervention_add(
                actor=self._chair(case),
                case=case,
                type="ideological_mentoring",
                provider_name="Synthetic IP",
                starts_on=day,
            )
            self._plan(case.pk, self._later(day, 60, 200, 0.0, 1), "close")

    def _do_close(self, case: Case, day: dt.date) -> None:
        if case.status == CaseStatus.SUPPORT_ACTIVE:
            panels.case_close(
                actor=self._chair(case), case=case, reason="support_completed", rationale="Synthetic: objectives met."
            )

    def _reviews(self, day: dt.date) -> None:
        """Owners complete each review around its date: most on time, some late (the sweep chases them)."""
        pending = Review.objects.filter(case_id__in=self.case_ids, status__in=PENDING_STATUSES).select_related(
            "case__local_authority", "case__person", "policy_version"
        )
        for review in pending:
            planned = self.review_plan.get(review.pk)
            if planned is None:
                opens = review.due_on - dt.timedelta(days=review.policy_version.review_window_days)
                planned = max(opens, self._later(review.due_on, -10, 0, 0.15, 30))
                self.review_plan[review.pk] = planned
            if planned > day or (
                review.status == "scheduled"
                and day < review.due_on - dt.timedelta(days=review.policy_version.review_window_days)
            ):
                continue
            case = review.case
            if review.kind in (ReviewKind.OPEN_CASE, ReviewKind.POST_CLOSURE):
                actor = self._chair(case)
                outcome = (
                    ("concerns" if self.rng.random() < 0.05 else "no_concerns")
                    if review.kind == ReviewKind.POST_CLOSURE
                    else "continue"
                )
            else:
                actor = self._officer(case)
                outcome = "picked_up" if self.rng.random() < 0.85 else "not_picked_up"
            self._guard(
                "review",
                reviews.review_complete,
                actor=actor,
                review=review,
                outcome=outcome,
                notes="Synthetic review notes.",
            )

    # --- measurement ----------------------------------------------------------------------------------------

    def _measure(self) -> SimulationResult:
        end = self.start + dt.timedelta(days=self.days - 1)
        # Reviews that fell due during the run (before its last day, so the sweep has had a chance to flag them).
        due = Review.objects.filter(case_id__in=self.case_ids, due_on__gte=self.start, due_on__lt=end).exclude(
            status="cancelled"
        )
        on_time = due.filter(status="completed", completed_on__lte=F("due_on")).count()
        overdue = due.filter(Q(status="completed", completed_on__gt=F("due_on")) | Q(status="overdue")).count()
        # Missed: a review whose date passed without being done or flagged overdue, or a statutory review that
        # was never scheduled for a Channel closure.
        silently_passed = due.filter(status__in=["scheduled", "due"]).count()
        never_scheduled = 0
        for case in Case.objects.filter(pk__in=self.case_ids, closure_cycle__gt=0):
            for cycle in range(1, case.closure_cycle + 1):
                points = set(
                    Review.objects.filter(case=case, kind="post_closure", closure_cycle=cycle).values_list(
                        "months_after_closure", flat=True
                    )
                )
                if not {6, 12} <= points:
                    never_scheduled += 1
        escalated = Task.objects.filter(case_id__in=self.case_ids, escalation=True).count()
        repeats = Referral.objects.filter(case_id__in=self.case_ids, previous_referral_count__gt=0).count()
        return SimulationResult(
            reviews_due=due.count(),
            on_time=on_time,
            overdue=overdue,
            missed=silently_passed + never_scheduled,
            escalated=escalated,
            repeat_referrals=repeats,
            referrals=Referral.objects.filter(case_id__in=self.case_ids).count(),
            cases=len(self.case_ids),
            errors=self.errors,
        )
