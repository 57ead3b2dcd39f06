"""Break-glass and cross-region history: a record outside the user's scope opens only after a recorded reason,
for a limited time, view only, and every such opening is flagged and listable by assurance."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from casework.accounts.models import AccessGrant, LocalAuthority, Role
from casework.accounts.tests.factories import make_user
from casework.assessments import services as assessments
from casework.assurance.access import OFFICER_NOT_TRIAGING, REASON_REQUIRED
from casework.audit.models import AuditEvent
from casework.referrals import services as referrals
from tests.authz.world import build_world

pytestmark = pytest.mark.django_db


def test_an_assurance_lead_opens_a_case_only_after_giving_a_reason(api_as) -> None:
    world = build_world()
    lead = world.users[Role.ASSURANCE_LEAD]
    api = api_as(lead)
    case_id = world.outside.ids["case"]
    assert api.get(f"/cases/{case_id}").status_code == 404
    r = api.post("/access-requests", {"target_type": "case", "target_id": str(case_id), "reason": "  too short "})
    assert r.status_code == 422
    assert r.json() == {"code": "validation_failed", "message": REASON_REQUIRED, "field": "reason"}
    assert not AccessGrant.objects.exists()

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        reason = "QA of decision on complaint ref C-2026-14"
        r = api.post("/access-requests", {"target_type": "case", "target_id": str(case_id), "reason": reason})
        assert r.status_code == 201, r.json()
        assert r.json()["expires_at"].startswith(
            (start + dt.timedelta(minutes=settings.CASEWORK_ACCESS_GRANT_MINUTES)).strftime("%Y-%m-%dT%H:%M")
        )
        assert api.get(f"/cases/{case_id}").status_code == 200
        # View only: a grant never gives the right to act.
        r = api.post(f"/cases/{case_id}/close", {"reason": "support_completed", "rationale": "x"})
        assert r.status_code == 403
        event = AuditEvent.objects.get(event="case.break_glass_accessed")
        assert (event.actor_id, event.target_id, event.reason, event.flagged) == (lead.pk, str(case_id), reason, True)
        # Each read under the grant says why, too.
        viewed = AuditEvent.objects.filter(event="case.viewed", actor=lead).latest("seq")
        grant = AccessGrant.objects.get()
        assert (viewed.reason, viewed.data) == (reason, {"grant": str(grant.pk)})
        flagged = api.get("/audit-events", flagged="true").json()
        assert [(e["event"], e["reason"]) for e in flagged] == [("case.break_glass_accessed", reason)]
    with time_machine.travel(
        start + dt.timedelta(minutes=settings.CASEWORK_ACCESS_GRANT_MINUTES, seconds=1), tick=False
    ):
        assert api.get(f"/cases/{case_id}").status_code == 404


def test_an_assurance_lead_opens_a_person_and_their_cases(api_as) -> None:
    world = build_world()
    api = api_as(world.users[Role.ASSURANCE_LEAD])
    person_id = world.outside.ids["person"]
    assert api.get(f"/persons/{person_id}").status_code == 404
    assert (
        api.post(
            "/access-requests",
            {"target_type": "person", "target_id": str(person_id), "reason": "Complaint investigation IG-77"},
        ).status_code
        == 201
    )
    r = api.get(f"/persons/{person_id}")
    assert r.status_code == 200
    assert r.json()["chronology"]
    assert r.json()["history_outside_scope"] == 0
    assert api.get(f"/cases/{world.outside.ids['case']}").status_code == 200
    assert AuditEvent.objects.filter(event="person.history_accessed", flagged=True).count() == 1


@pytest.mark.parametrize(
    "role",
    [Role.CHANNEL_CHAIR, Role.PANEL_MEMBER, Role.INTERVENTION_PROVIDER, Role.ANALYST, Role.SYSTEM_ADMIN, Role.REFERRER],
)
def test_other_roles_cannot_break_glass(api_as, role) -> None:
    world = build_world()
    r = api_as(world.users[role]).post(
        "/access-requests",
        {"target_type": "case", "target_id": str(world.outside.ids["case"]), "reason": "I would like to look at it"},
    )
    assert r.status_code == 404
    assert r.json()["message"] == "No case with that id."
    assert not AccessGrant.objects.exists()


def _repeat_referral_across_regions(referrer, london_officer):
    """A person referred in London (closed NFA there), then referred again in Leeds."""
    london = referrals.referral_submit(
        actor=referrer,
        person_description={"given_name": "Rory", "family_name": "Twice", "sex": "male"},
        local_authority=LocalAuthority.objects.get(code="tower-hamlets"),
        referrer_name="Teacher",
        sector="education",
        concern="Fixated on school shootings.",
    )
    assessments.case_screen(actor=london_officer, case=london.case, deconfliction="clear", outcome="proceed")
    assessments.case_assess(
        actor=london_officer,
        case=london.case,
        concern_type="school_massacre",
        rationale="London rationale: no ideology, closed.",
        decision="nfa",
    )
    leeds = referrals.referral_submit(
        actor=referrer,
        person_description={"given_name": "Rory", "family_name": "Twice", "sex": "male"},
        local_authority=LocalAuthority.objects.get(code="leeds"),
        referrer_name="College",
        sector="education",
        concern="Again fixated on violence.",
        person=london.person,
    )
    return london, leeds


def test_an_officer_triaging_a_repeat_referral_sees_other_regions_history_after_giving_a_reason(api_as) -> None:
    referrer = make_user(Role.REFERRER, username="bg-referrer")
    officer = make_user(Role.PREVENT_OFFICER, area="yorkshire-humber", username="bg-officer")
    london_officer = make_user(Role.PREVENT_OFFICER, area="london", username="bg-officer-ldn")
    london, leeds = _repeat_referral_across_regions(referrer, london_officer)
    assert leeds.case_id != london.case_id
    api = api_as(officer)
    person_id = str(leeds.person_id)
    before = api.get(f"/persons/{person_id}").json()
    assert before["history_outside_scope"] > 0
    assert "London rationale" not in str(before)
    assert {e["case_id"] for e in before["chronology"]} == {str(leeds.case_id)}
    assert api.get(f"/cases/{london.case_id}").status_code == 404

    r = api.post(
        "/access-requests",
        {"target_type": "person", "target_id": person_id, "reason": "Triaging repeat referral " + leeds.reference},
    )
    assert r.status_code == 201, r.json()
    after = api.get(f"/persons/{person_id}").json()
    viewed = AuditEvent.objects.filter(event="person.viewed", actor=officer).latest("seq")
    assert viewed.reason == "Triaging repeat referral " + leeds.reference
    assert after["history_outside_scope"] == 0
    assert {e["case_id"] for e in after["chronology"]} == {str(leeds.case_id), str(london.case_id)}
    assert api.get(f"/cases/{london.case_id}").status_code == 200
    # Seeing the London case does not make it the officer's to act on.
    r = api.post(f"/cases/{london.case_id}/assess", {"concern_type": "islamist", "rationale": "x", "decision": "nfa"})
    assert r.status_code == 403
    event = AuditEvent.objects.get(event="person.history_accessed")
    assert (event.actor_label, event.flagged, event.reason) == (
        "bg-officer",
        True,
        "Triaging repeat referral " + leeds.reference,
    )


def test_an_officer_cannot_open_a_persons_history_when_not_triaging_them(api_as) -> None:
    referrer = make_user(Role.REFERRER, username="bg2-referrer")
    london_officer = make_user(Role.PREVENT_OFFICER, area="london", username="bg2-officer-ldn")
    officer = make_user(Role.PREVENT_OFFICER, area="yorkshire-humber", username="bg2-officer")
    _, leeds = _repeat_referral_across_regions(referrer, london_officer)
    assessments.case_screen(
        actor=officer,
        case=leeds.case,
        deconfliction="clear",
        outcome="mistaken",
        notes="Referred in error: closed at screening.",
    )
    api = api_as(officer)
    r = api.post(
        "/access-requests",
        {"target_type": "person", "target_id": str(leeds.person_id), "reason": "Just curious about this one"},
    )
    assert r.status_code == 403
    assert r.json()["message"] == OFFICER_NOT_TRIAGING
    assert AuditEvent.objects.filter(event="auth.permission_denied", actor=officer).exists()
    # A person with no case in the officer's region is as unknown as a missing one.
    other = referrals.referral_submit(
        actor=referrer,
        person_description={"given_name": "Only", "family_name": "London"},
        local_authority=LocalAuthority.objects.get(code="tower-hamlets"),
        referrer_name="X",
        sector="education",
        concern="x",
    )
    r = api.post(
        "/access-requests",
        {"target_type": "person", "target_id": str(other.person_id), "reason": "Just curious about this one"},
    )
    assert r.status_code == 404
    assert r.json()["message"] == "No person with that id."
