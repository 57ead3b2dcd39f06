"""The whole journey through the API, as the users' systems would drive it: referral → screening → PAF →
Channel → consent → support → closure → 6-month review finds concerns → reopened → closed again → extended to
24 months → the 24-month review ends monitoring."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from casework.audit.models import AuditEvent
from casework.audit.services import audit_verify
from casework.panels.models import Panel
from casework.referrals.models import Case, CaseStatusChange
from tests.conftest import at

pytestmark = pytest.mark.django_db

VAF = [
    {
        "dimension": "engagement",
        "factor": "Shares extremist material in group chats",
        "rating": "medium",
        "evidence": "Screenshots provided by the school",
    },
    {
        "dimension": "intent",
        "factor": "Has spoken of wanting to hurt a named group",
        "rating": "low",
        "evidence": "Reported by a teacher",
    },
    {
        "dimension": "capability",
        "factor": "No access to weapons identified",
        "rating": "none",
        "evidence": "Police check",
    },
]


def _referral_body() -> dict:
    return {
        "person": {
            "given_name": "Tomasz",
            "family_name": "Kowalczyk",
            "date_of_birth": "2008-03-01",
            "sex": "male",
            "postcode": "LS6 1AA",
            "town": "Leeds",
            "school_or_employer": "Example Academy",
        },
        "local_authority": "leeds",
        "referrer_name": "A. Teacher",
        "referrer_role": "Head of year",
        "sector": "education",
        "concern": "Repeated comments supporting violence against a minority group.",
        "urgency": "routine",
    }


def _adopt(chair_api, case_id: str, meeting_date: dt.date) -> None:
    panel = Panel.objects.get(local_authority__code="leeds", kind="channel")
    r = chair_api.post("/meetings", {"panel_id": panel.pk, "date": meeting_date.isoformat()})
    assert r.status_code == 201, r.json()
    meeting_id = r.json()["id"]
    assert chair_api.post(f"/meetings/{meeting_id}/agenda", {"case_id": case_id}).status_code == 201
    assert chair_api.post(f"/cases/{case_id}/vaf", {"factors": VAF, "meeting_id": meeting_id}).status_code == 201
    r = chair_api.post(
        f"/cases/{case_id}/panel-decision",
        {
            "decision": "adopt",
            "rationale": "Vulnerable to ERW grooming; support proportionate.",
            "meeting_id": meeting_id,
        },
    )
    assert r.status_code == 200, r.json()
    assert r.json()["status"] == "awaiting_consent"


def _complete(chair_api, review_id: str, outcome: str, notes: str = "Checked with school and family."):
    return chair_api.post(f"/reviews/{review_id}/complete", {"outcome": outcome, "notes": notes})


def _post_closure(case_id: str, cycle: int) -> list[dict]:
    from casework.reviews.models import Review

    return [
        {"id": str(r.pk), "months": r.months_after_closure, "due_on": r.due_on, "status": r.status}
        for r in Review.objects.filter(case_id=case_id, kind="post_closure", closure_cycle=cycle).order_by("due_on")
    ]


def test_whole_case_lifecycle_through_the_api(referrer, officer, chair, api_as):
    ref_api, officer_api, chair_api = api_as(referrer), api_as(officer), api_as(chair)

    with time_machine.travel(at(2026, 1, 5), tick=False):
        r = ref_api.post("/referrals", _referral_body())
        assert r.status_code == 201, r.json()
        receipt = r.json()
        case_id = receipt["case_id"]
        assert receipt["reference"].startswith("REF-")
        assert receipt["repeat_referral"] is False
        # The referrer sees the receipt only, never the case.
        assert ref_api.get(f"/cases/{case_id}").status_code == 404

        r = officer_api.post(f"/cases/{case_id}/screen", {"deconfliction": "clear", "outcome": "proceed"})
        assert r.status_code == 200, r.json()
        assert r.json()["status"] == "assessment"

        r = officer_api.post(
            f"/cases/{case_id}/assess",
            {
                "concern_type": "extreme_right_wing",
                "ideology_or_grievance": "Anti-migrant conspiracy theories",
                "other_vulnerabilities": ["neurodiversity"],
                "factors": [{"dimension": "engagement", "factor": "Consumes ERW content", "evidence": "School report"}],
                "rationale": "Clear ideological engagement with some intent indicators.",
                "decision": "progress_to_channel",
            },
        )
        assert r.status_code == 200, r.json()
        assert r.json()["policy_version"] == "2015.1"

    with time_machine.travel(at(2026, 1, 20), tick=False):
        _adopt(chair_api, case_id, dt.date(2026, 1, 20))
        # A 17-year-old cannot consent alone.
        r = chair_api.post(
            f"/cases/{case_id}/consent", {"status": "given", "given_by": "person", "given_by_name": "Tomasz Kowalczyk"}
        )
        assert r.status_code == 422
        assert r.json()["field"] == "given_by"
        # Support cannot start before consent.
        r = chair_api.post(
            f"/cases/{case_id}/interventions",
            {"type": "ideological_mentoring", "provider_name": "Approved IP", "starts_on": "2026-01-21"},
        )
        assert r.status_code == 409
        assert r.json()["code"] == "consent_required"
        r = chair_api.post(
            f"/cases/{case_id}/consent",
            {"status": "given", "given_by": "parent_guardian", "given_by_name": "Parent of Tomasz"},
        )
        assert r.status_code == 201, r.json()
        r = chair_api.post(
            f"/cases/{case_id}/interventions",
            {"type": "ideological_mentoring", "provider_name": "Approved IP", "starts_on": "2026-01-21"},
        )
        assert r.status_code == 201, r.json()

    with time_machine.travel(at(2026, 8, 31), tick=False):
        r = chair_api.post(
            f"/cases/{case_id}/close", {"reason": "support_completed", "rationale": "Mentoring complete; risk reduced."}
        )
        assert r.status_code == 200, r.json()
        assert r.json()["status"] == "closed"
        # 6 months after 31 August is the last day of February.
        assert [(x["months"], x["due_on"]) for x in _post_closure(case_id, 1)] == [
            (6, dt.date(2027, 2, 28)),
            (12, dt.date(2027, 8, 31)),
        ]

    six_month, _twelve_month = _post_closure(case_id, 1)
    with time_machine.travel(at(2026, 10, 1), tick=False):
        r = _complete(chair_api, six_month["id"], "no_concerns")
        assert r.status_code == 409
        assert "not due yet" in r.json()["message"]

    with time_machine.travel(at(2027, 2, 28), tick=False):
        r = _complete(chair_api, six_month["id"], "concerns", "Renewed online activity reported by college.")
        assert r.status_code == 200, r.json()
        case = Case.objects.get(pk=case_id)
        assert case.status == "awaiting_panel"
        assert case.reopened_count == 1
        assert [x["status"] for x in _post_closure(case_id, 1)] == ["completed", "cancelled"]
        _adopt(chair_api, case_id, dt.date(2027, 2, 28))
        r = chair_api.post(
            f"/cases/{case_id}/consent", {"status": "given", "given_by": "person", "given_by_name": "Tomasz Kowalczyk"}
        )
        assert r.status_code == 201, r.json()

    with time_machine.travel(at(2027, 3, 31), tick=False):
        r = chair_api.post(
            f"/cases/{case_id}/close", {"reason": "support_completed", "rationale": "Second package complete."}
        )
        assert r.status_code == 200, r.json()
        assert [(x["months"], x["due_on"]) for x in _post_closure(case_id, 2)] == [
            (6, dt.date(2027, 9, 30)),
            (12, dt.date(2028, 3, 31)),
        ]
        r = chair_api.post(f"/cases/{case_id}/extend-monitoring", {"until_months": 30, "reason": "Risk of relapse"})
        assert r.status_code == 409
        assert r.json()["code"] == "extension_limit_exceeded"
        assert "at most 24 months" in r.json()["message"]
        r = chair_api.post(f"/cases/{case_id}/extend-monitoring", {"until_months": 24, "reason": "Risk of relapse"})
        assert r.status_code == 201, r.json()
        assert [x["months_after_closure"] for x in r.json()] == [18, 24]

    expected = [
        (6, dt.date(2027, 9, 30)),
        (12, dt.date(2028, 3, 31)),
        (18, dt.date(2028, 9, 30)),
        (24, dt.date(2029, 3, 31)),
    ]
    assert [(x["months"], x["due_on"]) for x in _post_closure(case_id, 2)] == expected
    for (months, due), review in zip(expected, _post_closure(case_id, 2), strict=True):
        with time_machine.travel(
            dt.datetime.combine(due, dt.time(11)).replace(tzinfo=at(2026, 1, 1).tzinfo), tick=False
        ):
            r = _complete(chair_api, review["id"], "no_concerns")
            assert r.status_code == 200, (months, r.json())
            expected_status = "monitoring_ended" if months == 24 else "closed"
            assert Case.objects.get(pk=case_id).status == expected_status

    history = list(CaseStatusChange.objects.filter(case_id=case_id).values_list("to_status", flat=True))
    assert history == [
        "screening",
        "assessment",
        "awaiting_panel",
        "awaiting_consent",
        "support_active",
        "closed",
        "awaiting_panel",
        "awaiting_consent",
        "support_active",
        "closed",
        "monitoring_ended",
    ]
    # Every decision records who and under which policy version.
    assert all(h.policy_version is not None for h in CaseStatusChange.objects.filter(case_id=case_id)[1:])
    events = list(
        AuditEvent.objects.filter(target_type="case", target_id=case_id, event="case.status_changed").values_list(
            "data", flat=True
        )
    )
    assert [e["to"] for e in events] == history[1:]
    assert audit_verify()[0] is True

    # The person's chronology holds the whole story, in order.
    r = officer_api.get(f"/persons/{Case.objects.get(pk=case_id).person_id}")
    assert r.status_code == 200
    titles = [c["title"] for c in r.json()["chronology"]]
    assert titles[0].startswith("Referral REF-")
    assert "Case reopened: concerns found at review" in titles
    assert titles[-1] == "Post-closure monitoring ended"
