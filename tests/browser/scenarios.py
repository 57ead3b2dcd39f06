"""Set-up for the browser journeys, through the real services (never by writing rows directly)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import time_machine

from casework.accounts.models import LocalAuthority, User
from casework.assessments import services as assessments
from casework.panels import services as panels
from casework.panels.models import Panel
from casework.referrals import services as referrals
from casework.referrals.models import Case
from casework.reviews.services import sweep_reviews

VAF = [
    {"dimension": "engagement", "factor": "Shares extremist material", "rating": "medium", "evidence": "School"},
    {"dimension": "intent", "factor": "Talks of hurting a group", "rating": "low", "evidence": "Teacher"},
    {"dimension": "capability", "factor": "No access to weapons", "rating": "none", "evidence": "Police check"},
]


def refer(
    *, given_name: str = "Tomasz", family_name: str = "Kowalczyk", person: Any = None, urgency: str = "routine"
) -> Case:
    referral = referrals.referral_submit(
        actor=None,
        person_description={
            "given_name": given_name,
            "family_name": family_name,
            "date_of_birth": "2008-03-01",
            "sex": "male",
            "postcode": "LS6 1AA",
            "town": "Leeds",
        },
        local_authority=LocalAuthority.objects.get(code="leeds"),
        referrer_name="A. Teacher",
        sector="education",
        concern="Repeated comments supporting violence against a minority group.",
        urgency=urgency,
        person=person,
    )
    return Case.objects.get(pk=referral.case_id)


def screened(officer: User, **kwargs: Any) -> Case:
    case = refer(**kwargs)
    assessments.case_screen(actor=officer, case=case, deconfliction="clear", outcome="proceed")
    return Case.objects.get(pk=case.pk)


def awaiting_panel(officer: User, **kwargs: Any) -> Case:
    case = screened(officer, **kwargs)
    assessments.case_assess(
        actor=officer,
        case=case,
        concern_type="extreme_right_wing",
        decision="progress_to_channel",
        rationale="Vulnerable to ERW grooming.",
    )
    return Case.objects.get(pk=case.pk)


def adopted(officer: User, chair: User, *, meeting_date: dt.date, **kwargs: Any) -> Case:
    case = awaiting_panel(officer, **kwargs)
    panel = Panel.objects.get(local_authority__code="leeds", kind="channel")
    meeting = panels.meeting_schedule(actor=chair, panel=panel, date=meeting_date)
    panels.meeting_add_case(actor=chair, meeting=meeting, case=case)
    panels.vaf_record(actor=chair, case=case, factors=VAF, meeting=meeting)
    panels.panel_decide(
        actor=chair, case=case, decision="adopt", rationale="Support is proportionate.", meeting=meeting
    )
    panels.consent_record(
        actor=chair, case=case, status="given", given_by="parent_guardian", given_by_name="Parent Kowalczyk"
    )
    return Case.objects.get(pk=case.pk)


def closed_months_ago(officer: User, chair: User, months: int, **kwargs: Any) -> Case:
    """A Channel case adopted, supported and closed `months` ago (the whole journey then, at that date), with the
    review sweep run today: its post-closure reviews are due or overdue now."""
    from casework.core.dates import add_months, today

    then = add_months(today(), -months) - dt.timedelta(days=1)
    with time_machine.travel(
        dt.datetime(then.year, then.month, then.day, 10, tzinfo=ZoneInfo("Europe/London")), tick=False
    ):
        case = adopted(officer, chair, meeting_date=then, **kwargs)
        panels.case_close(actor=chair, case=case, reason="support_completed", rationale="Objectives met.")
    sweep_reviews(send=False)
    return Case.objects.get(pk=case.pk)
