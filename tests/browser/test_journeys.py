"""Every role's journey through the real pages in a real browser (Debian's chromium): type, click, submit, see the
result, and check the database. Each key page is screenshotted to artefacts/screenshots/ and scanned by axe-core."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from casework.accounts.models import Role
from casework.accounts.tests.factories import make_user
from casework.core.dates import today
from casework.panels import services as panels
from casework.referrals.models import Case, Referral
from casework.referrals.states import CaseStatus
from casework.reviews.models import Review
from casework.support import services as support
from tests.browser import scenarios
from tests.browser.conftest import check_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tag(page: Any) -> str:
    return page.locator("h1 .govuk-tag").first.inner_text().strip()


def test_officer_triages_screens_and_progresses_a_referral_to_channel(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    officer_case = scenarios.refer(given_name="Ryan", family_name="Hollis", urgency="urgent")
    scenarios.refer(given_name="Other", family_name="Person")
    sign_in(page, officer)

    page.goto("/")
    check_page(page, "officer-my-work")
    page.get_by_role("link", name="Triage queue").click()
    page.get_by_label("Urgency").select_option("urgent")
    page.get_by_role("button", name="Apply filters").click()
    assert page.locator("#case-count").inner_text() == "1 case"
    check_page(page, "officer-triage-queue")
    page.get_by_role("link", name=officer_case.reference).click()
    check_page(page, "officer-case-summary")

    page.get_by_role("button", name="Screen and deconflict").click()
    check_page(page, "officer-screening")
    page.get_by_label("Clear").check()
    page.get_by_label("Proceed to gateway assessment").check()
    page.get_by_role("button", name="Save screening").click()
    page.get_by_text("Screening recorded").wait_for()
    assert _tag(page) == "Gateway assessment"

    page.get_by_role("button", name="Record the PAF assessment and decision").click()
    # Bad input changes nothing: an exit to other services needs a handover (the service's rule, shown in the
    # GOV.UK error summary).
    page.get_by_label("Type of concern").select_option("no_ideology_vulnerability")
    page.get_by_label("Exit to other (non-CT) services").check()
    page.get_by_label("Rationale").fill("No CT risk; needs early help.")
    page.get_by_role("button", name="Record decision").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "handover" in summary.inner_text().lower()
    check_page(page, "officer-assessment-error")
    assert Case.objects.get(pk=officer_case.pk).status == CaseStatus.ASSESSMENT

    page.get_by_label("Type of concern").select_option("extreme_right_wing")
    page.get_by_label("Engagement indicators").fill("Shares extremist material in group chats")
    page.get_by_label("Progress to Channel").check()
    page.get_by_label("Rationale").fill("Vulnerable to ERW grooming; Channel support proportionate.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Assessment and decision recorded").wait_for()
    assert _tag(page) == "Awaiting Channel panel"
    assert Case.objects.get(pk=officer_case.pk).status == CaseStatus.AWAITING_PANEL
    # The officer's part is done: no action is offered that the officer cannot take now.
    assert page.locator("#case-actions").count() == 0

    page.get_by_role("link", name="Assessments").click()
    assert "Progress to Channel" in page.locator("main").inner_text()
    check_page(page, "officer-case-assessments")
    page.get_by_role("link", name="Summary").click()
    page.get_by_role("link", name="Ryan Hollis").click()
    page.get_by_text("Screened: clear").wait_for()
    check_page(page, "officer-person-chronology")


def test_officer_decides_whether_a_proposed_match_is_the_same_person(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    first = scenarios.refer(given_name="Tomasz", family_name="Kowalczyk")
    second = scenarios.refer(given_name="Tomasz", family_name="Kowalczik")
    assert first.person_id != second.person_id
    sign_in(page, officer)

    page.goto(f"/cases/{second.pk}/")
    page.locator("#possible-matches").wait_for()
    check_page(page, "officer-possible-match")
    page.get_by_label("Reason (optional)").fill("Same date of birth, school and postcode; surname misspelt.")
    page.get_by_role("button", name=re.compile("^Same person")).click()
    page.get_by_text("Linked: the referral is now about the existing person").wait_for()
    assert Referral.objects.filter(person_id=first.person_id).count() == 2
    assert "Repeat referral" in page.locator("main").inner_text()


def test_supervisor_countersigns_an_nfa_on_a_repeat_referral(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    supervisor = make_user(Role.PREVENT_SUPERVISOR, username="supervisor")
    first = scenarios.screened(officer, given_name="Dean", family_name="Marsh")
    from casework.assessments import services as assessments

    assessments.case_assess(
        actor=officer,
        case=first,
        concern_type="no_ideology_no_vulnerability",
        decision="nfa",
        rationale="Nothing of concern.",
    )
    second = scenarios.screened(officer, given_name="Dean", family_name="Marsh", person=first.person)
    assessments.case_assess(
        actor=officer,
        case=second,
        concern_type="no_ideology_no_vulnerability",
        decision="nfa",
        rationale="Again nothing of concern.",
    )
    assert Case.objects.get(pk=second.pk).status == CaseStatus.AWAITING_COUNTERSIGN

    sign_in(page, supervisor)
    page.goto("/")
    page.get_by_role("link", name="Awaiting countersignature").click()
    page.get_by_role("link", name=second.reference).click()
    assert page.get_by_text("Repeat referral").count() >= 1
    page.get_by_role("button", name="Countersign the decision").click()
    check_page(page, "supervisor-countersign")
    page.get_by_role("button", name="Save").click()
    page.locator(".govuk-error-summary").wait_for()
    page.get_by_role("link", name="Select whether you countersign the decision").click()
    assert page.evaluate("document.activeElement.id") == "id_approve_0"
    page.get_by_label("Yes, countersign it").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Countersignature recorded").wait_for()
    assert _tag(page) == "Closed: no further action"
    assert Case.objects.get(pk=second.pk).status == CaseStatus.CLOSED_NFA


def test_chair_runs_a_panel_meeting_adopts_supports_and_closes_a_case(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    member = make_user(Role.PANEL_MEMBER, username="member")
    member.first_name, member.last_name, member.agency = "Ade", "Member", "health"
    member.save()
    case = scenarios.awaiting_panel(officer, given_name="Liam", family_name="Foster")
    sign_in(page, chair)

    page.goto("/")
    check_page(page, "chair-my-work")
    page.get_by_role("link", name="Panel meetings").first.click()
    page.get_by_role("button", name="Schedule a meeting").click()
    d = today()
    page.get_by_label("Day").fill(str(d.day))
    page.get_by_label("Month").fill(str(d.month))
    page.get_by_label("Year").fill(str(d.year))
    page.get_by_label("Location").fill("Civic Hall, Leeds")
    page.get_by_role("button", name="Schedule meeting").click()
    page.get_by_text("Meeting scheduled").wait_for()

    page.get_by_label("Case to add to the agenda").select_option(str(case.pk))
    page.get_by_role("button", name="Add to agenda").click()
    page.get_by_text("Case added to the agenda").wait_for()
    page.get_by_label("Panel member").select_option(str(member.pk))
    page.get_by_label("Agency they represent").fill("Health")
    page.get_by_role("button", name="Invite").click()
    page.get_by_text("Member invited").wait_for()
    page.get_by_label("Ade Member (Health)").check()
    page.get_by_role("button", name="Record attendance").click()
    page.get_by_text("Attendance recorded").wait_for()
    page.get_by_label("Minutes").fill("Discussed; partners agree support is needed.")
    page.get_by_role("button", name=re.compile("Save minutes")).click()
    page.get_by_text("Minutes recorded").wait_for()
    check_page(page, "chair-meeting")

    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Record the vulnerability assessment (VAF)").click()
    for dim, factor in (("Engagement", "Shares material"), ("Intent", "Talks of harm"), ("Capability", "None")):
        page.get_by_label(
            f"{dim} with a group, cause or ideology: factor" if dim == "Engagement" else f"{dim} to cause harm: factor"
        ).fill(factor)
    for i, rating in enumerate(("Medium", "Low", "Not present")):
        page.locator("fieldset").nth(i).get_by_label(rating, exact=True).check()
    for label in (
        "Engagement with a group, cause or ideology: evidence",
        "Intent to cause harm: evidence",
        "Capability to cause harm: evidence",
    ):
        page.get_by_label(label).fill("Reported by the school")
    check_page(page, "chair-vaf")
    page.get_by_role("button", name="Save VAF").click()
    page.get_by_text("VAF recorded").wait_for()

    page.get_by_role("button", name="Record the panel decision").click()
    page.get_by_label("Adopt as a Channel case").check()
    page.get_by_label("Rationale").fill("Support is proportionate.")
    page.get_by_role("button", name="Record decision").click()
    page.get_by_text("Panel decision recorded").wait_for()
    assert _tag(page) == "Adopted, awaiting consent"

    page.get_by_role("button", name="Record consent").click()
    page.get_by_label("Consent given").check()
    page.get_by_label("Parent or guardian").check()
    page.get_by_label("Their name").fill("Ann Foster")
    page.get_by_role("button", name="Record consent").click()
    page.get_by_text("Consent recorded").wait_for()
    assert _tag(page) == "Support active"

    page.get_by_role("button", name="Add an intervention").click()
    page.get_by_label("Type of intervention").select_option(index=1)
    page.get_by_label("Provider", exact=True).fill("Approved mentor")
    page.get_by_label("Day").first.fill(str(d.day))
    page.get_by_label("Month").first.fill(str(d.month))
    page.get_by_label("Year").first.fill(str(d.year))
    page.get_by_role("button", name="Add intervention").click()
    page.get_by_text("Intervention added").wait_for()
    check_page(page, "chair-support-plan")

    page.get_by_role("link", name="Summary").click()
    page.get_by_role("button", name="Close the case").click()
    page.get_by_label("Risk reduced / support completed").check()
    page.get_by_label("Rationale").fill("Plan objectives met.")
    page.get_by_role("button", name="Close case").click()
    page.get_by_text("Case closed: post-closure reviews scheduled").wait_for()
    assert _tag(page) == "Channel case closed (monitoring)"
    page.get_by_role("link", name="Reviews").click()
    check_page(page, "chair-case-reviews")
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED
    assert [
        r.months_after_closure for r in Review.objects.filter(case=case, kind="post_closure").order_by("due_on")
    ] == [6, 12]


def test_chair_completes_a_post_closure_review_and_extends_monitoring(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    case = scenarios.closed_months_ago(officer, chair, 6, given_name="Ethan", family_name="Cole")
    sign_in(page, chair)

    page.goto("/")
    assert int(page.locator("#count-due").inner_text()) + int(page.locator("#count-overdue").inner_text()) >= 1
    page.goto(f"/cases/{case.pk}/reviews/")
    page.get_by_role("link", name=re.compile("^Complete")).first.click()
    check_page(page, "chair-review-complete")
    page.get_by_label("No concerns: remain closed").check()
    page.get_by_label("What the review found").fill("Engaging with college; no concerns.")
    page.get_by_role("button", name="Complete review").click()
    page.get_by_text("Review completed").wait_for()

    page.get_by_role("button", name="Extend monitoring").click()
    page.get_by_label("24 months after closure").check()
    page.get_by_label("The panel's reason").fill("Family circumstances changing; keep watch.")
    page.get_by_role("button", name="Extend monitoring").click()
    page.get_by_text("Monitoring extended").wait_for()
    months = sorted(
        Review.objects.filter(case=case, kind="post_closure").values_list("months_after_closure", flat=True)
    )
    assert months[-1] == 24


def test_provider_records_progress_on_their_assigned_case(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    provider = make_user(Role.INTERVENTION_PROVIDER, username="provider")
    case = scenarios.adopted(officer, chair, meeting_date=today(), given_name="Noah", family_name="Price")
    support.intervention_add(
        actor=chair,
        case=case,
        type="ideological_mentoring",
        provider_name="Mentor Ltd",
        starts_on=today(),
        provider_user=provider,
    )
    sign_in(page, provider)

    page.goto("/")
    page.get_by_role("link", name=case.reference).click()
    # The minimum: no assessments, panel or review history for a provider.
    assert page.get_by_role("link", name="Assessments").count() == 0
    page.get_by_role("button", name="Add a progress note").click()
    page.get_by_label("Progress note").fill("First mentoring session held; engaged well.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Progress note saved").wait_for()
    page.get_by_role("link", name="Support plan").click()
    page.get_by_text("First mentoring session held").wait_for()
    check_page(page, "provider-support-plan")


def test_panel_member_sees_the_agenda_and_records_their_agency_progress(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    member = make_user(Role.PANEL_MEMBER, username="member")
    case = scenarios.adopted(officer, chair, meeting_date=today(), given_name="Owen", family_name="Reed")
    meeting = case.agenda_items.get().meeting  # type: ignore[attr-defined]
    panels.meeting_invite(actor=chair, meeting=meeting, user=member, agency="Education")
    sign_in(page, member)

    page.goto("/")
    page.get_by_role("link", name="Panel meetings").first.click()
    page.get_by_role("link", name=meeting.date.strftime("%-d %B %Y")).click()
    check_page(page, "member-meeting")
    assert page.get_by_role("button", name="Add to agenda").count() == 0  # the chair's, not the member's
    page.get_by_role("link", name=case.reference).click()
    page.get_by_role("button", name="Add a progress note").click()
    page.get_by_label("Progress note").fill("College reports good attendance.")
    page.get_by_role("button", name="Save note").click()
    page.get_by_text("Progress note saved").wait_for()


def test_assurance_lead_sees_overdue_reviews_and_repeat_referrals_across_regions(page: Any) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    lead = make_user(Role.ASSURANCE_LEAD, username="assurance")
    scenarios.closed_months_ago(officer, chair, 7, given_name="Kyle", family_name="Bent")
    sign_in(page, lead)

    page.goto("/")
    page.get_by_role("link", name="Assurance").first.click()
    row = page.locator("#overdue-by-region tbody tr", has_text="Yorkshire and the Humber")
    assert row.locator(".govuk-tag--red").inner_text() == "1"
    check_page(page, "assurance-dashboard")


def test_referral_form_works_with_the_keyboard_alone(page: Any) -> None:
    """The public form, keyboard only: Tab to each control, type, Space/arrows for choices, Enter to submit."""

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement && document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Could not reach {selector} with the Tab key")

    page.goto("/refer/")
    check_page(page, "referral-start")
    tab_to("a.govuk-button--start")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/person/")

    # Submitting nothing shows the error summary, focused, whose links lead to the fields.
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    page.locator(".govuk-error-summary").wait_for()
    check_page(page, "referral-person-errors")
    assert page.evaluate("document.activeElement.closest('.govuk-error-summary') !== null")
    tab_to(".govuk-error-summary a[href='#id_given_name']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "id_given_name"

    page.keyboard.type("Jordan")
    tab_to("#id_family_name")
    page.keyboard.type("Blake")
    tab_to("#id_date_of_birth_0")
    page.keyboard.type("14")
    tab_to("#id_date_of_birth_1")
    page.keyboard.type("6")
    tab_to("#id_date_of_birth_2")
    page.keyboard.type("2010")
    tab_to("input[name=sex]")
    page.keyboard.press("Space")  # the first choice, Male
    tab_to("#id_postcode")
    page.keyboard.type("LS1 4AP")
    tab_to("button[type=submit]")
    check_page(page, "referral-person")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/concern/")

    tab_to("#id_local_authority")
    page.keyboard.type("Leeds")
    tab_to("#id_concern")
    page.keyboard.type("Watching violent videos and talking about attacking a mosque.")
    tab_to("input[name=urgency]")
    page.keyboard.press("ArrowDown")  # Urgent
    tab_to("input[name=immediate_risk]")
    page.keyboard.press("ArrowRight")  # No
    tab_to("button[type=submit]")
    check_page(page, "referral-concern")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/referrer/")

    tab_to("#id_referrer_name")
    page.keyboard.type("Sam Teacher")
    tab_to("input[name=sector]")
    page.keyboard.press("Space")  # Education
    tab_to("#id_referrer_email")
    page.keyboard.type("sam.teacher@example.org")
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/check/")

    main = page.locator("main").inner_text()
    for answer in ("Jordan", "Urgent", "Leeds", "14 June 2010", "sam.teacher@example.org"):
        assert answer in main
    check_page(page, "referral-check-answers")
    tab_to("button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/refer/sent/")

    reference = page.locator("#referral-reference").inner_text().strip()
    check_page(page, "referral-sent")
    referral = Referral.objects.get(reference=reference)
    assert referral.urgency == "urgent"
    assert referral.immediate_risk is False
    assert referral.description.given_name == "Jordan"
    assert referral.description.date_of_birth == dt.date(2010, 6, 14)
    assert referral.local_authority.code == "leeds"
    assert referral.sector == "education"


def test_signed_in_users_are_warned_before_their_session_expires(page: Any, settings: Any) -> None:
    settings.SESSION_COOKIE_AGE = 8  # warn at 6 s (a quarter of the timeout before it, at most 2 minutes)
    sign_in(page, make_user(Role.PREVENT_OFFICER, username="officer"))
    page.goto("/")
    warning = page.locator("[data-session-timeout]")
    assert warning.is_hidden()
    warning.wait_for(state="visible", timeout=10_000)
    check_page(page, "session-expiry-warning")
    page.get_by_role("button", name="Stay signed in").click()
    warning.wait_for(state="hidden", timeout=3_000)
