"""Assurance scenarios: repeat referrals, below-threshold review points, handovers and re-referral, a policy
change mid-year, QA sampling — each leaves every due review scheduled exactly once, every escalation raised and
an audit trail that cites the policy version."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from casework.accounts.models import LocalAuthority, Role
from casework.accounts.tests.factories import make_user
from casework.assurance.models import QaItem
from casework.audit.models import AuditEvent
from casework.people.models import Person
from casework.policy.models import PolicyVersion
from casework.referrals.models import Case, Referral
from casework.referrals.services import referral_submit
from casework.reviews.models import Review, Task
from casework.reviews.services import sweep_reviews
from tests.conftest import at

pytestmark = pytest.mark.django_db

NFA = {
    "concern_type": "no_ideology_vulnerability",
    "rationale": "No CT risk; mental-health needs.",
    "decision": "nfa",
    "other_vulnerabilities": ["mental_health"],
}


def refer(api, existing=None, actor=None, **overrides) -> str:
    body = {
        "person": {"given_name": "Callum", "family_name": "Reid", "date_of_birth": "2009-06-15", "sex": "male"},
        "local_authority": "leeds",
        "referrer_name": "College tutor",
        "sector": "education",
        "concern": "Fixated on school shootings; no clear ideology.",
    }
    body.update(overrides)
    if existing is None:
        r = api.post("/referrals", body)
        assert r.status_code == 201, r.json()
        return r.json()["case_id"]
    referral = referral_submit(
        actor=actor,
        person=existing,
        person_description=body["person"],
        local_authority=LocalAuthority.objects.get(code="leeds"),
        referrer_name=body["referrer_name"],
        sector=body["sector"],
        concern=body["concern"],
    )
    return str(referral.case_id)


def screen_and_assess(officer_api, case_id: str, assess: dict) -> dict:
    assert officer_api.post(f"/cases/{case_id}/screen", {"deconfliction": "clear"}).status_code == 200
    r = officer_api.post(f"/cases/{case_id}/assess", assess)
    assert r.status_code == 200, r.json()
    return r.json()


def test_three_referrals_in_eighteen_months_each_nfa(referrer, officer, supervisor, api_as) -> None:
    ref, off, sup = api_as(referrer), api_as(officer), api_as(supervisor)
    with time_machine.travel(at(2026, 1, 12), tick=False):
        first = refer(ref)
        assert screen_and_assess(off, first, NFA)["countersign_required"] is False
    person = Case.objects.get(pk=first).person
    cases = [first]
    for when in (at(2026, 9, 7), at(2027, 6, 14)):
        with time_machine.travel(when, tick=False):
            case_id = refer(ref, existing=person, actor=officer)
            cases.append(case_id)
            result = screen_and_assess(off, case_id, NFA)
            # From the second referral on, an NFA cannot close the referral without a supervisor.
            assert result["countersign_required"] is True
            assert Case.objects.get(pk=case_id).status == "awaiting_countersign"
        with time_machine.travel(when + dt.timedelta(days=10), tick=False):
            counts = sweep_reviews()
            assert counts["escalated"] >= 1  # countersignature outstanding beyond the grace period
            assert Task.objects.filter(case_id=case_id, kind="countersign_escalated").count() == 1
            assert sup.post(f"/cases/{case_id}/countersign", {"approve": True, "note": "Agreed"}).status_code == 200
            sweep_reviews()
            assert not Task.objects.filter(case_id=case_id, kind__startswith="countersign", done_at__isnull=True)
    referrals = Referral.objects.filter(person=person).order_by("referred_on")
    assert [r.previous_referral_count for r in referrals] == [0, 1, 2]
    # Each NFA had mental-health vulnerabilities: each gets its below-threshold review points, once.
    for case_id in cases:
        assert Review.objects.filter(case_id=case_id, kind="below_threshold").count() == 2
    # All repeat-referral NFAs are in the QA sample, whatever the random percentage.
    with time_machine.travel(at(2027, 7, 1), tick=False):
        from casework.assurance.services import qa_sample_draw

        qa_sample_draw(actor=None, date_from=dt.date(2026, 1, 1), date_to=dt.date(2027, 6, 30))
        again = qa_sample_draw(actor=None, date_from=dt.date(2026, 1, 1), date_to=dt.date(2027, 6, 30))
    assert again == []
    assert set(QaItem.objects.filter(reason="repeat_nfa").values_list("assessment__case_id", flat=True)) == {
        Case.objects.get(pk=c).pk for c in cases[1:]
    }


def test_below_threshold_person_gets_review_points_owned_by_the_police(referrer, officer, api_as) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case_id = refer(api_as(referrer))
        screen_and_assess(api_as(officer), case_id, NFA)
    reviews = list(Review.objects.filter(case_id=case_id, kind="below_threshold").order_by("due_on"))
    assert [r.due_on for r in reviews] == [dt.date(2026, 4, 1), dt.date(2026, 5, 31)]
    assert all(r.policy_version.version == "2015.1" for r in reviews)
    with time_machine.travel(at(2026, 4, 3), tick=False):
        sweep_reviews()
        task = Task.objects.get(review=reviews[0], kind="review_overdue")
        assert (task.owner_role, task.owner_region.code) == ("prevent_officer", "yorkshire-humber")
        r = api_as(officer).post(
            f"/reviews/{reviews[0].pk}/complete", {"outcome": "picked_up", "notes": "CAMHS confirm assessment booked."}
        )
        assert r.status_code == 200, r.json()
    assert Task.objects.get(pk=task.pk).done_at is not None


def test_handover_follow_up_and_re_referral_by_the_receiving_service(referrer, officer, api_as) -> None:
    service = make_user(Role.INTERVENTION_PROVIDER, username="early.help")
    exit_decision = {
        "concern_type": "no_ideology_vulnerability",
        "rationale": "Family needs, no CT risk.",
        "decision": "exit_to_other_services",
        "other_vulnerabilities": ["social_care"],
        "handover": {
            "service_type": "early_help",
            "service_name": "Leeds Early Help Hub",
            "contact": "Duty manager",
            "request": "Family support assessment",
            "receiving_user_id": service.pk,
        },
    }
    svc = api_as(service)
    with time_machine.travel(at(2026, 2, 2), tick=False):
        case_id = refer(api_as(referrer))
        screen_and_assess(api_as(officer), case_id, exit_decision)
        # The receiving service sees its handover, never the Prevent case.
        handovers = svc.get("/handovers").json()
        assert [h["service_name"] for h in handovers] == ["Leeds Early Help Hub"]
        assert svc.get(f"/cases/{case_id}").status_code == 404
    followups = list(Review.objects.filter(case_id=case_id, kind="handover_followup").order_by("due_on"))
    assert [f.due_on for f in followups] == [dt.date(2026, 2, 16), dt.date(2026, 3, 16)]
    with time_machine.travel(at(2026, 2, 16), tick=False):
        r = svc.post(f"/handovers/{handovers[0]['id']}/engagement", {"engaged": True, "notes": "Family engaging"})
        assert r.status_code == 200, r.json()
    assert Review.objects.get(pk=followups[0].pk).outcome == "picked_up"
    with time_machine.travel(at(2026, 11, 2), tick=False):  # nine months later, concerns re-emerge
        r = svc.post(
            f"/handovers/{handovers[0]['id']}/re-referral",
            {"concern": "Now sharing ERW propaganda and talking about weapons."},
        )
        assert r.status_code == 201, r.json()
        receipt = r.json()
    new = Referral.objects.get(pk=receipt["id"])
    assert str(new.re_referral_of_id) == case_id
    assert new.is_repeat
    assert new.person_id == Case.objects.get(pk=case_id).person_id
    assert new.sector == "local_authority"
    flagged = AuditEvent.objects.get(event="referral.re_referred", target_id=str(new.pk))
    assert flagged.flagged is True
    assert flagged.data["earlier_case"] == case_id


def test_a_policy_change_mid_year_applies_forward_only(referrer, officer, api_as) -> None:
    with time_machine.travel(at(2026, 3, 2), tick=False):
        before = refer(api_as(referrer))
        screen_and_assess(api_as(officer), before, NFA)
    PolicyVersion.objects.create(
        version="2026.2",
        name="Tighter assurance",
        effective_from=dt.date(2026, 7, 1),
        below_threshold_review_days=[14, 60, 180],
        countersign_all_nfa=True,
    )
    with time_machine.travel(at(2026, 7, 6), tick=False):
        after = refer(
            api_as(referrer),
            person={"given_name": "Nadia", "family_name": "Osei", "date_of_birth": "2008-01-01", "sex": "female"},
        )
        result = screen_and_assess(api_as(officer), after, NFA)
        assert result["policy_version"] == "2026.2"
        assert result["countersign_required"] is True
    assert [r.policy_version.version for r in Review.objects.filter(case_id=before)] == ["2015.1", "2015.1"]
    assert PolicyVersion.objects.get(version="2015.1").locked_at is not None


def test_pilot_policy_applies_only_in_its_areas(referrer, officer, api_as) -> None:
    pilot = PolicyVersion.objects.create(
        version="2026.1-pilot",
        name="Pilot",
        effective_from=dt.date(2026, 1, 1),
        is_pilot=True,
        countersign_all_nfa=True,
    )
    pilot.pilot_areas.add(LocalAuthority.objects.get(code="bradford"))
    with time_machine.travel(at(2026, 3, 2), tick=False):
        in_pilot = refer(api_as(referrer), local_authority="bradford")
        outside = refer(
            api_as(referrer),
            local_authority="leeds",
            person={"given_name": "Jon", "family_name": "Hale", "sex": "male"},
        )
        assert screen_and_assess(api_as(officer), in_pilot, NFA)["policy_version"] == "2026.1-pilot"
        assert screen_and_assess(api_as(officer), outside, NFA)["policy_version"] == "2015.1"


def test_qa_finding_and_thresholds_report(referrer, officer, supervisor, api_as) -> None:
    lead = make_user(Role.ASSURANCE_LEAD, username="lead")
    analyst = make_user(Role.ANALYST, username="analyst")
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case_id = refer(api_as(referrer))
        screen_and_assess(api_as(officer), case_id, NFA)
        person = Case.objects.get(pk=case_id).person
        second = refer(api_as(referrer), existing=Person.objects.get(pk=person.pk), actor=officer)
        screen_and_assess(api_as(officer), second, NFA)
        assert api_as(supervisor).post(f"/cases/{second}/countersign", {"approve": True}).status_code == 200
    with time_machine.travel(at(2026, 4, 1), tick=False):
        items = api_as(lead).post("/qa/samples", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).json()
        repeat = next(i for i in items if i["reason"] == "repeat_nfa")
        r = api_as(lead).post(f"/qa/items/{repeat['id']}/finding", {"agree": False})
        assert (r.status_code, r.json()["field"]) == (422, "reason")
        r = api_as(lead).post(
            f"/qa/items/{repeat['id']}/finding",
            {"agree": False, "reason": "Cumulative history warranted a Channel referral."},
        )
        assert r.status_code == 200
        assert (
            api_as(officer).post("/qa/samples", {"date_from": "2026-03-01", "date_to": "2026-03-31"}).status_code == 404
        )
        rows = api_as(analyst).get("/reports/thresholds").json()
    assert sum(r["decisions"] for r in rows) == 2
    (row,) = rows
    assert (row["region"], row["decision"], row["policy_version"]) == (
        "Yorkshire and the Humber",
        "No further action",
        "2015.1",
    )
    assert (row["repeat_referrals"], row["repeat_referral_pct"]) == (1, 50.0)
    assert row["qa_disagreements"] == 1
    csv_text = api_as(analyst).get("/reports/thresholds", format="csv").content.decode()
    assert csv_text.splitlines()[0].startswith("policy_version,pilot,region,concern_type,decision,decisions")
    assert api_as(officer).get("/reports/thresholds").status_code == 404


def test_my_work_lists_the_users_tasks_in_their_area_only(referrer, officer, api_as) -> None:
    from casework.accounts.tests.factories import make_user as mk

    london = mk(Role.PREVENT_OFFICER, area="london", username="ldn.officer")
    with time_machine.travel(at(2026, 3, 2), tick=False):
        case_id = refer(api_as(referrer))
        screen_and_assess(api_as(officer), case_id, NFA)
    with time_machine.travel(at(2026, 4, 3), tick=False):
        sweep_reviews()
        work = api_as(officer).get("/my-work").json()
        assert {t["kind"] for t in work["tasks"]} == {"review_due", "review_overdue"}
        assert work["reviews_overdue"] == 1
        assert api_as(london).get("/my-work").json() == {"tasks": [], "reviews_due": 0, "reviews_overdue": 0}
