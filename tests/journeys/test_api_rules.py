"""Rules and bad input through the API: each refusal is specific and changes nothing."""

from __future__ import annotations

import uuid

import pytest
import time_machine

from casework.audit.models import AuditEvent
from casework.referrals.models import Case, Referral
from tests.conftest import at

pytestmark = pytest.mark.django_db


def referral(given="Aisha", family="Rahman", dob="2010-05-04", la="leeds", **extra) -> dict:
    body = {
        "person": {"given_name": given, "family_name": family, "date_of_birth": dob, "sex": "female"},
        "local_authority": la,
        "referrer_name": "School DSL",
        "sector": "education",
        "concern": "Talking about travelling to join a proscribed group.",
    }
    body.update(extra)
    return body


def snapshot(case_id: str) -> tuple:
    case = Case.objects.get(pk=case_id)
    return case.status, case.version, AuditEvent.objects.count(), case.status_history.count()


@pytest.fixture
def screened_case(referrer, officer, api_as) -> str:
    with time_machine.travel(at(2026, 4, 1), tick=False):
        case_id = api_as(referrer).post("/referrals", referral()).json()["case_id"]
        assert api_as(officer).post(f"/cases/{case_id}/screen", {"deconfliction": "clear"}).status_code == 200
    return case_id


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "field"),
    [
        (
            "/cases/{id}/assess",
            {"concern_type": "islamist", "rationale": "x", "decision": "maybe"},
            422,
            "validation_failed",
            "decision",
        ),
        (
            "/cases/{id}/assess",
            {"concern_type": "martian", "rationale": "x", "decision": "nfa"},
            422,
            "validation_failed",
            "concern_type",
        ),
        (
            "/cases/{id}/assess",
            {"concern_type": "islamist", "rationale": "  ", "decision": "nfa"},
            422,
            "validation_failed",
            "rationale",
        ),
        (
            "/cases/{id}/assess",
            {"concern_type": "islamist", "rationale": "x", "decision": "exit_to_other_services"},
            422,
            "validation_failed",
            "handover",
        ),
        ("/cases/{id}/assess", {"concern_type": "islamist", "decision": "nfa"}, 422, "invalid_input", "rationale"),
        (
            "/cases/{id}/assess",
            {"concern_type": "islamist", "rationale": "x", "decision": "nfa", "expected_version": 1},
            409,
            "stale_edit",
            None,
        ),
        ("/cases/{id}/screen", {"deconfliction": "clear"}, 409, "invalid_transition", None),
        # An officer can see the case but closing and consent are the chair's: 403, and audited.
        ("/cases/{id}/close", {"reason": "support_completed", "rationale": "x"}, 403, "permission_denied", None),
        (
            "/cases/{id}/consent",
            {"status": "given", "given_by": "person", "given_by_name": "A"},
            403,
            "permission_denied",
            None,
        ),
    ],
)
def test_bad_input_is_refused_specifically_and_changes_nothing(
    officer, api_as, screened_case, path, body, status, code, field
) -> None:
    before = snapshot(screened_case)
    r = api_as(officer).post(path.format(id=screened_case), body)
    assert r.status_code == status, r.json()
    assert r.json()["code"] == code
    assert r.json()["message"]
    if field:
        assert r.json()["field"] == field
    assert snapshot(screened_case)[:2] == before[:2]
    assert snapshot(screened_case)[3] == before[3]


def test_unknown_ids_are_404(officer, api_as) -> None:
    api = api_as(officer)
    missing = uuid.uuid4()
    assert api.get(f"/cases/{missing}").status_code == 404
    assert api.post(f"/cases/{missing}/screen", {"deconfliction": "clear"}).json()["code"] == "not_found"
    assert api.post(f"/reviews/{missing}/complete", {"outcome": "no_concerns", "notes": "x"}).status_code == 404
    assert api.get("/cases/not-a-uuid").status_code == 422


def test_future_dates_and_malformed_fields_are_refused(referrer, api_as) -> None:
    api = api_as(referrer)
    before = Referral.objects.count()
    with time_machine.travel(at(2026, 4, 1), tick=False):
        r = api.post("/referrals", referral(referred_on="2026-04-02"))
        assert (r.status_code, r.json()["field"]) == (422, "referred_on")
        r = api.post("/referrals", referral(dob="2027-01-01"))
        assert (r.status_code, r.json()["field"]) == (422, "date_of_birth")
        r = api.post("/referrals", referral(dob="31/12/2010"))
        assert (r.status_code, r.json()["code"]) == (422, "invalid_input")
        r = api.post("/referrals", referral(la="atlantis"))
        assert (r.status_code, r.json()["field"]) == (404, "local_authority")
        r = api.post("/referrals", referral(sector="astrology"))
        assert (r.status_code, r.json()["field"]) == (422, "sector")
        r = api.post("/referrals", referral(given="", family=""))
        assert (r.status_code, r.json()["field"]) == (422, "given_name")
    assert Referral.objects.count() == before


def test_unauthenticated_and_bad_tokens_are_refused(screened_case, client) -> None:
    assert client.get(f"/api/v1/cases/{screened_case}").status_code == 401
    r = client.get(f"/api/v1/cases/{screened_case}", HTTP_AUTHORIZATION="Bearer cw_not-a-real-token")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"


def test_officer_out_of_region_gets_404_like_a_missing_case(screened_case, api_as) -> None:
    from casework.accounts.models import Role
    from casework.accounts.tests.factories import make_user

    london = api_as(make_user(Role.PREVENT_OFFICER, area="london", username="ldn"))
    r = london.get(f"/cases/{screened_case}")
    assert r.status_code == 404
    assert r.json() == london.get(f"/cases/{uuid.uuid4()}").json()


def test_second_referral_attaches_to_the_open_case_and_is_flagged_repeat(
    referrer, api_as, screened_case, officer
) -> None:
    person_id = Case.objects.get(pk=screened_case).person_id
    from casework.accounts.models import LocalAuthority
    from casework.people.models import Person
    from casework.referrals.services import referral_submit

    r2 = referral_submit(
        actor=officer,
        person=Person.objects.get(pk=person_id),
        person_description={"given_name": "Ayesha", "family_name": "Rahman"},
        local_authority=LocalAuthority.objects.get(code="leeds"),
        referrer_name="GP",
        sector="health",
        concern="Same concerns raised by GP.",
    )
    assert str(r2.case_id) == screened_case
    assert r2.is_repeat
    assert r2.previous_referral_count == 1
    # The original description is kept as given; the second one sits beside it.
    assert sorted(Person.objects.get(pk=person_id).descriptions.values_list("given_name", flat=True)) == [
        "Aisha",
        "Ayesha",
    ]


def test_repeat_nfa_needs_a_supervisors_countersignature(referrer, officer, supervisor, api_as) -> None:
    ref, off, sup = api_as(referrer), api_as(officer), api_as(supervisor)
    assess = {"concern_type": "no_ideology_no_vulnerability", "rationale": "No CT risk identified.", "decision": "nfa"}
    with time_machine.travel(at(2026, 2, 1), tick=False):
        first = ref.post("/referrals", referral()).json()["case_id"]
        off.post(f"/cases/{first}/screen", {"deconfliction": "clear"})
        assert off.post(f"/cases/{first}/assess", assess).json()["countersign_required"] is False
    person_id = Case.objects.get(pk=first).person_id
    from casework.accounts.models import LocalAuthority
    from casework.people.models import Person
    from casework.referrals.services import referral_submit

    with time_machine.travel(at(2026, 5, 1), tick=False):
        second = referral_submit(
            actor=officer,
            person=Person.objects.get(pk=person_id),
            person_description={"given_name": "Aisha", "family_name": "Rahman"},
            local_authority=LocalAuthority.objects.get(code="leeds"),
            referrer_name="Aunt",
            sector="family_friends",
            concern="Worried about online contacts.",
        ).case_id
        assert str(second) != first  # the first case was closed, so a new journey starts
        off.post(f"/cases/{second}/screen", {"deconfliction": "clear"})
        r = off.post(f"/cases/{second}/assess", assess).json()
        assert r["countersign_required"] is True
        assert "referral 2" in r["countersign_reason"]
        assert Case.objects.get(pk=second).status == "awaiting_countersign"
        # The officer cannot countersign (not a supervisor); the case cannot close without it.
        assert off.post(f"/cases/{second}/countersign", {"approve": True}).status_code == 403
        assert sup.post(f"/cases/{second}/countersign", {"approve": False}).json()["field"] == "note"
        assert sup.post(f"/cases/{second}/countersign", {"approve": True, "note": "Agree"}).status_code == 200
    assert Case.objects.get(pk=second).status == "closed_nfa"


def test_a_refused_action_is_audited_even_though_the_change_rolled_back(officer, api_as, screened_case) -> None:
    r = api_as(officer).post(f"/cases/{screened_case}/close", {"reason": "support_completed", "rationale": "x"})
    assert r.status_code == 403
    denial = AuditEvent.objects.filter(event="auth.permission_denied").last()
    assert denial is not None
    assert (denial.actor_id, denial.target_id, denial.data["action"]) == (officer.pk, screened_case, "close")


def test_reference_data_lists_the_codes_clients_need(officer, api_as) -> None:
    from casework.panels.models import Panel

    body = api_as(officer).get("/reference").json()
    leeds = next(la for la in body["local_authorities"] if la["code"] == "leeds")
    assert leeds == {
        "code": "leeds",
        "name": "Leeds",
        "region": "yorkshire-humber",
        "channel_panel_id": Panel.objects.get(local_authority__code="leeds", kind="channel").pk,
    }
    assert len(body["regions"]) == 10
    assert "ideological_mentoring" in [t["code"] for t in body["intervention_types"]]


def test_openapi_operation_ids_are_the_service_names(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    for name in (
        "referral_submit",
        "case_screen",
        "case_assess",
        "case_countersign",
        "panel_decide",
        "consent_record",
        "consent_withdraw",
        "case_close",
        "review_complete",
        "review_extend",
        "meeting_schedule",
        "meeting_add_case",
        "vaf_record",
        "intervention_add",
    ):
        assert name in ids


def test_case_list_costs_the_same_queries_for_two_or_twenty_cases(referrer, officer, api_as) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ref, off = api_as(referrer), api_as(officer)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert off.get("/cases").status_code == 200
        return len(ctx.captured_queries)

    for i in range(2):
        ref.post("/referrals", referral(given=f"Person{i}", family="Example"))
    few = count_queries()
    for i in range(2, 20):
        ref.post("/referrals", referral(given=f"Person{i}", family="Example"))
    assert len(off.get("/cases").json()) == 20
    assert count_queries() == few
