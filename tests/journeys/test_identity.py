"""One person, one chronology: linking referrals to persons, rejecting proposals, merging and unmerging."""

from __future__ import annotations

import pytest
import time_machine
from django.utils import timezone

from casework.accounts.models import Role
from casework.accounts.tests.factories import make_user
from casework.audit.models import AuditEvent
from casework.people.models import MatchProposal, Person, PersonDescription
from casework.referrals.models import Case, Referral
from tests.conftest import at

pytestmark = pytest.mark.django_db


def submit(api, given, family, dob="2010-02-03", la="leeds") -> dict:
    r = api.post(
        "/referrals",
        {
            "person": {"given_name": given, "family_name": family, "date_of_birth": dob},
            "local_authority": la,
            "referrer_name": "Teacher",
            "sector": "education",
            "concern": "Concerning comments in class.",
        },
    )
    assert r.status_code == 201, r.json()
    return r.json()


def propose(receipt: dict, person_id, probability=0.97) -> None:
    referral = Referral.objects.get(pk=receipt["id"])
    MatchProposal.objects.get_or_create(
        description=referral.description,
        candidate_id=person_id,
        defaults={
            "probability": probability,
            "explanation": ["family name: exact"],
            "model_version": "test",
            "proposed_at": timezone.now(),
        },
    )


def test_linking_a_new_referral_makes_it_a_repeat_with_the_earlier_dates(referrer, officer, api_as) -> None:
    ref, off = api_as(referrer), api_as(officer)
    with time_machine.travel(at(2026, 1, 10), tick=False):
        first = submit(ref, "Mohammed", "Khan")
        off.post(f"/cases/{first['case_id']}/screen", {"deconfliction": "clear"})
        off.post(
            f"/cases/{first['case_id']}/assess",
            {"concern_type": "no_ideology_no_vulnerability", "rationale": "No risk.", "decision": "nfa"},
        )
    person_id = Referral.objects.get(pk=first["id"]).person_id
    with time_machine.travel(at(2026, 6, 1), tick=False):
        second = submit(ref, "Muhammad", "Khan")
        propose(second, person_id)
        before = off.get(f"/referrals/{second['id']}").json()
        assert before["repeat_referral"] is False
        assert before["possible_matches"][0]["person_id"] == str(person_id)
        r = off.post(f"/referrals/{second['id']}/link", {"person_id": str(person_id), "reason": "Same DOB, school"})
        assert r.status_code == 200, r.json()
        body = r.json()
    assert body["repeat_referral"] is True
    assert body["previous_referral_count"] == 1
    assert [e["referred_on"] for e in body["earlier_referrals"]] == ["2026-01-10"]
    assert body["possible_matches"][0]["status"] == "linked"
    # The description is kept exactly as the referrer gave it.
    assert PersonDescription.objects.get(referral__pk=second["id"]).given_name == "Muhammad"
    # The auto-created person has nothing left and is retired into the real one.
    assert Person.objects.filter(merged_into_id=person_id).count() == 1
    chronology = off.get(f"/persons/{person_id}").json()
    assert chronology["referral_count"] == 2
    assert AuditEvent.objects.filter(event="person.linked", target_id=second["id"]).exists()


def test_a_linked_referral_joins_the_persons_open_case(referrer, officer, api_as) -> None:
    ref, off = api_as(referrer), api_as(officer)
    first = submit(ref, "Jack", "Smith")
    person_id = Referral.objects.get(pk=first["id"]).person_id
    second = submit(ref, "Jack", "Smyth")
    propose(second, person_id)
    assert off.post(f"/referrals/{second['id']}/link", {"person_id": str(person_id)}).status_code == 200
    assert str(Referral.objects.get(pk=second["id"]).case_id) == first["case_id"]
    assert Case.objects.get(pk=second["case_id"]).status == "closed_linked"
    assert Case.objects.get(pk=first["case_id"]).referrals.count() == 2


def test_a_rejected_pair_is_recorded_and_linking_after_a_decision_is_refused(referrer, officer, api_as) -> None:
    ref, off = api_as(referrer), api_as(officer)
    first = submit(ref, "Oliver", "Jones")
    other = submit(ref, "Oliver", "Jones", dob="1990-01-01")
    person_id = Referral.objects.get(pk=first["id"]).person_id
    propose(other, person_id, 0.61)
    r = off.post(f"/referrals/{other['id']}/reject-match", {"person_id": str(person_id), "reason": "Different DOB"})
    assert r.json()["possible_matches"][0]["status"] == "rejected"
    off.post(f"/cases/{other['case_id']}/screen", {"deconfliction": "clear"})
    r = off.post(f"/referrals/{other['id']}/link", {"person_id": str(person_id)})
    assert (r.status_code, r.json()["code"]) == (409, "invalid_transition")


def test_cross_region_candidates_are_shown_without_identifying_details(referrer, officer, api_as) -> None:
    ref = api_as(referrer)
    london_first = submit(ref, "Abdul Rahman", "Hassan", la="newham")
    leeds_second = submit(ref, "Abdulrahman", "Hassan")
    london_person = Referral.objects.get(pk=london_first["id"]).person_id
    propose(leeds_second, london_person)
    match = api_as(officer).get(f"/referrals/{leeds_second['id']}").json()["possible_matches"][0]
    assert match["in_your_scope"] is False
    assert match["name"] is None
    assert match["date_of_birth"] is None
    # The officer can still link the referral to the person's history (the repeat-referral rule).
    r = api_as(officer).post(f"/referrals/{leeds_second['id']}/link", {"person_id": str(london_person)})
    assert r.status_code == 200
    assert r.json()["repeat_referral"] is True
    # The person's case is open in London, so the referral joins it there (one person, one open journey).
    assert r.json()["case_id"] == london_first["case_id"]


def test_merge_and_unmerge_keep_every_description_intact(referrer, officer, api_as) -> None:
    ref, off = api_as(referrer), api_as(officer)
    a = submit(ref, "Katherine", "Walsh")
    b = submit(ref, "Kate", "Walsh")
    pa, pb = (Referral.objects.get(pk=x["id"]).person_id for x in (a, b))
    # Two open cases cannot be merged: close one first.
    r = off.post(f"/persons/{pb}/merge", {"into_person_id": str(pa), "reason": "Same person"})
    assert (r.status_code, r.json()["field"]) == (422, "source")
    off.post(
        f"/cases/{b['case_id']}/screen",
        {"deconfliction": "clear", "outcome": "mistaken", "notes": "Duplicate referral"},
    )
    r = off.post(f"/persons/{pb}/merge", {"into_person_id": str(pa), "reason": "Same person, nickname"})
    assert r.status_code == 201, r.json()
    merge_id = r.json()["id"]
    assert Referral.objects.filter(person_id=pa).count() == 2
    assert off.get(f"/persons/{pb}").status_code == 404  # merged records are no longer shown alone
    r = off.post(f"/merges/{merge_id}/unmerge", {"reason": "Different people after all"})
    assert r.status_code == 200, r.json()
    assert Referral.objects.get(pk=b["id"]).person_id == pb
    assert sorted(PersonDescription.objects.filter(person_id__in=[pa, pb]).values_list("given_name", flat=True)) == [
        "Kate",
        "Katherine",
    ]
    assert off.post(f"/merges/{merge_id}/unmerge", {"reason": "again"}).json()["code"] == "invalid_transition"
    panel_member = make_user(Role.PANEL_MEMBER, area="leeds", username="pm")
    assert api_as(panel_member).post(f"/merges/{merge_id}/unmerge", {"reason": "x"}).status_code == 404


def test_same_person_referred_three_times_in_two_regions_under_name_variants(referrer, officer, api_as) -> None:
    """The Southport lesson: each referral must be seen with the whole history, whatever the spelling."""
    london_officer = make_user(Role.PREVENT_OFFICER, area="london", username="ldn.officer")
    ref = api_as(referrer)
    nfa = {
        "concern_type": "no_ideology_vulnerability",
        "rationale": "No distinct ideology.",
        "decision": "nfa",
        "other_vulnerabilities": ["mental_health"],
    }

    def refer(given, family, dob, la, postcode):
        r = ref.post(
            "/referrals",
            {
                "person": {
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": dob,
                    "sex": "male",
                    "postcode": postcode,
                },
                "local_authority": la,
                "referrer_name": "DSL",
                "sector": "education",
                "concern": "Obsessed with mass-casualty attacks.",
            },
        )
        assert r.status_code == 201, r.json()
        return r.json()

    def triage(api, receipt, expect_previous):
        body = api.get(f"/referrals/{receipt['id']}").json()
        if expect_previous:
            best = body["possible_matches"][0]
            assert best["probability"] >= 0.5, body["possible_matches"]
            assert best["explanation"]
            r = api.post(
                f"/referrals/{receipt['id']}/link",
                {"person_id": best["person_id"], "reason": "Variant spelling, same DOB"},
            )
            assert r.status_code == 200, r.json()
            body = r.json()
        assert body["previous_referral_count"] == expect_previous
        api.post(f"/cases/{receipt['case_id']}/screen", {"deconfliction": "clear"})
        api.post(f"/cases/{receipt['case_id']}/assess", nfa)
        return body

    with time_machine.travel(at(2025, 3, 3), tick=False):
        first = triage(api_as(officer), refer("Mohammed", "Al-Hassan", "2009-04-12", "leeds", "LS6 2AB"), 0)
    with time_machine.travel(at(2025, 9, 8), tick=False):
        triage(api_as(london_officer), refer("Muhammad", "Alhassan", "2009-12-04", "newham", "E13 9PQ"), 1)
    with time_machine.travel(at(2026, 2, 2), tick=False):
        third = triage(api_as(officer), refer("Mohamed", "Hassan", "2009-04-12", "bradford", "BD7 1AA"), 2)
    assert third["repeat_referral"] is True
    assert [e["referred_on"] for e in third["earlier_referrals"]] == ["2025-03-03", "2025-09-08"]
    person = Person.objects.get(pk=first["person_id"])
    assert person.referrals.count() == 3
    assert Person.objects.filter(merged_into__isnull=True, referrals__isnull=False).distinct().count() == 1
