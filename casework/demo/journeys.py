"""Demo journeys through the real services at past dates (time travel is confined to this dev-only app)."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import time_machine
from django.utils import timezone

from casework.accounts.models import LocalAuthority, User
from casework.assessments import services as assessments
from casework.core.dates import add_months
from casework.panels import services as panels
from casework.panels.models import Panel
from casework.referrals import services as referrals
from casework.referrals.models import Case, Referral
from casework.reviews import services as reviews
from casework.reviews.models import Review
from casework.support import services as support

LONDON = ZoneInfo("Europe/London")
GIVEN_M = [
    "Mohammed",
    "Jack",
    "Oliver",
    "Kacper",
    "Tyrone",
    "Harry",
    "Abdirahman",
    "Liam",
    "Ethan",
    "Ravi",
    "Connor",
    "Yusuf",
    "Dylan",
    "Jamal",
    "Lewis",
    "Arjun",
    "Callum",
    "Bilal",
    "Kieran",
    "Mateusz",
]
GIVEN_F = ["Amelia", "Aisha", "Chloe", "Zofia", "Grace", "Fatima", "Megan", "Priya"]
FAMILY = [
    "Khan",
    "Smith",
    "Kowalski",
    "Hussain",
    "Jones",
    "O'Brien",
    "Ahmed",
    "Williams",
    "Patel",
    "Taylor",
    "Begum",
    "Evans",
    "Nowak",
    "Mensah",
    "Davies",
    "Ali",
    "Walsh",
    "Campbell",
    "Osei",
    "Hughes",
]
CONCERNS = [
    "Has been sharing extreme right-wing memes in a class group chat and talking about 'race war'.",
    "Expressed support for a proscribed group and has been watching execution videos.",
    "Fixated on school shootings; searched for details of previous attacks. No clear ideology.",
    "Spends long hours on incel forums and has made threatening comments about women.",
    "Parent worried about sudden change in behaviour and new online contacts encouraging violence.",
]
SECTORS = ["education"] * 5 + ["police"] * 3 + ["health", "local_authority", "family_friends", "community"]
STAGES = [
    "screening",
    "assessment",
    "nfa",
    "exit",
    "plp",
    "awaiting_panel",
    "awaiting_consent",
    "support",
    "closed_recent",
    "review_overdue",
    "reopened",
    "monitoring_ended",
]


def demo_cases_exist() -> bool:
    return Case.objects.exists()


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=LONDON)


def build_demo_cases(*, rng: random.Random, users: dict[str, User], people: int) -> None:
    leeds = LocalAuthority.objects.get(code="leeds")
    others = list(LocalAuthority.objects.filter(region__code="yorkshire-humber").exclude(pk=leeds.pk))
    panel = Panel.objects.get(local_authority=leeds, kind="channel")
    today = timezone.localdate()
    for i in range(people):
        stage = STAGES[i % len(STAGES)]
        la = leeds if stage not in ("screening", "nfa") or i % 2 == 0 else rng.choice(others)
        male = rng.random() < 0.88
        age = rng.choice([13, 14, 15, 16, 17, 19, 23, 31])
        start = today - dt.timedelta(days=rng.randint(20, 40))
        if stage in ("closed_recent", "review_overdue", "reopened", "monitoring_ended"):
            start = today - dt.timedelta(
                days={"closed_recent": 120, "review_overdue": 260, "reopened": 300, "monitoring_ended": 800}[stage]
            )
        with time_machine.travel(_at(start), tick=False):
            referral = referrals.referral_submit(
                actor=users["referrer"],
                person_description={
                    "given_name": rng.choice(GIVEN_M if male else GIVEN_F),
                    "family_name": rng.choice(FAMILY),
                    "date_of_birth": add_months(start, -12 * age) - dt.timedelta(days=rng.randint(1, 300)),
                    "sex": "male" if male else "female",
                    "town": la.name,
                    "postcode": f"LS{rng.randint(1, 28)} {rng.randint(1, 9)}{rng.choice('ABDEF')}{rng.choice('LNPQ')}",
                },
                local_authority=la,
                referrer_name="Demo referrer",
                referrer_role="Designated safeguarding lead",
                sector=rng.choice(SECTORS),
                concern=rng.choice(CONCERNS),
                urgency="urgent" if i % 5 == 0 else "routine",
            )
        _advance(referral, stage, start, users, panel, rng)


def _advance(
    referral: Referral, stage: str, start: dt.date, users: dict[str, User], panel: Panel, rng: random.Random
) -> None:
    case = referral.case
    officer, chair = users["officer"], users["chair"]
    if stage == "screening":
        return
    day = start + dt.timedelta(days=1)
    with time_machine.travel(_at(day), tick=False):
        assessments.case_screen(actor=officer, case=case, deconfliction="clear", outcome="proceed")
    if stage == "assessment":
        return
    decision = {"nfa": "nfa", "exit": "exit_to_other_services", "plp": "police_led_partnership"}.get(
        stage, "progress_to_channel"
    )
    day += dt.timedelta(days=3)
    with time_machine.travel(_at(day), tick=False):
        assessments.case_assess(
            actor=officer,
            case=case,
            concern_type=rng.choice(
                ["extreme_right_wing", "islamist", "incel", "mixed_unclear_unstable", "school_massacre"]
            ),
            rationale="Demo rationale: indicators weighed against protective factors.",
            decision=decision,
            other_vulnerabilities=["mental_health"] if rng.random() < 0.4 else [],
            handover={
                "service_type": "childrens_social_care",
                "service_name": "Leeds Early Help Hub",
                "contact": "Duty manager, early help",
                "request": "Assess family support needs",
            }
            if decision == "exit_to_other_services"
            else None,
        )
    if decision != "progress_to_channel" or stage == "awaiting_panel":
        return
    day += dt.timedelta(days=7)
    with time_machine.travel(_at(day), tick=False):
        meeting = panels.meeting_schedule(actor=chair, panel=panel, date=day, location="Civic Hall, Room 3")
        panels.meeting_add_case(actor=chair, meeting=meeting, case=case)
        panels.meeting_invite(actor=chair, meeting=meeting, user=users["member"], agency="Children's social care")
        _vaf(chair, case)
        panels.panel_decide(
            actor=chair,
            case=case,
            decision="adopt",
            meeting=meeting,
            rationale="Demo: vulnerability assessed as moderate; support proportionate.",
        )
    if stage == "awaiting_consent":
        return
    with time_machine.travel(_at(day + dt.timedelta(days=2)), tick=False):
        case.refresh_from_db()
        panels.consent_record(
            actor=chair, case=case, status="given", given_by="parent_guardian", given_by_name="Parent (demo)"
        )
        support.intervention_add(
            actor=chair,
            case=case,
            type="ideological_mentoring",
            provider_name="Demo Mentoring CIC",
            provider_user=users["provider"],
            starts_on=day + dt.timedelta(days=3),
        )
    if stage == "support":
        return
    close_day = day + dt.timedelta(days=60)
    with time_machine.travel(_at(close_day), tick=False):
        panels.case_close(
            actor=chair, case=case, reason="support_completed", rationale="Demo: mentoring completed and risk reduced."
        )
    if stage in ("closed_recent", "review_overdue"):
        return
    six = Review.objects.filter(case=case, kind="post_closure", months_after_closure=6).first()
    assert six is not None
    with time_machine.travel(_at(six.due_on), tick=False):
        if stage == "reopened":
            reviews.review_complete(
                actor=chair, review=six, outcome="concerns", notes="Demo: renewed concerns reported by college."
            )
            return
        reviews.review_complete(actor=chair, review=six, outcome="no_concerns", notes="Demo: settled at college.")
    twelve = Review.objects.get(case=case, kind="post_closure", months_after_closure=12)
    with time_machine.travel(_at(twelve.due_on), tick=False):
        reviews.review_complete(actor=chair, review=twelve, outcome="no_concerns", notes="Demo: no concerns.")


def _vaf(chair: User, case: Case) -> None:
    panels.vaf_record(
        actor=chair,
        case=case,
        summary="Demo VAF",
        factors=[
            {
                "dimension": "engagement",
                "factor": "Engages with extremist content online",
                "rating": "medium",
                "evidence": "Referral and school reports",
            },
            {
                "dimension": "intent",
                "factor": "Statements of intent to harm",
                "rating": "low",
                "evidence": "Single reported comment",
            },
            {"dimension": "capability", "factor": "Access to means", "rating": "none", "evidence": "None identified"},
        ],
    )
