"""HTTP-level tests of the panel pages that the browser journeys do not walk."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.accounts.models import Role
from casework.accounts.tests.factories import make_user
from casework.core.dates import today
from casework.panels import services
from casework.referrals.models import Case
from casework.referrals.states import CaseStatus
from tests.browser import scenarios

pytestmark = pytest.mark.django_db


def test_chair_records_consent_withdrawn_and_the_case_closes(client: Client) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    case = scenarios.adopted(officer, chair, meeting_date=today())
    client.force_login(chair)
    assert "Record consent withdrawn" in client.get(f"/cases/{case.pk}/").content.decode()

    bad = client.post(f"/cases/{case.pk}/consent/withdraw/", {"notes": "No longer wishes to engage."})
    assert bad.status_code == 200
    assert "Select what happens after the withdrawal" in bad.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.SUPPORT_ACTIVE

    response = client.post(f"/cases/{case.pk}/consent/withdraw/", {"next_step": "closed", "notes": "Withdrew."})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    # Once closed, withdrawal is no longer offered, and the page refuses.
    assert client.get(f"/cases/{case.pk}/consent/withdraw/").status_code == 403


def test_panel_member_cannot_schedule_or_change_a_meeting(client: Client) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    member = make_user(Role.PANEL_MEMBER, username="member")
    case = scenarios.adopted(officer, chair, meeting_date=today())
    meeting = case.agenda_items.get().meeting
    services.meeting_invite(actor=chair, meeting=meeting, user=member, agency="Health")
    client.force_login(member)
    assert client.get(f"/meetings/{meeting.pk}/").status_code == 200
    assert client.get("/meetings/schedule/").status_code == 403
    response = client.post(f"/meetings/{meeting.pk}/minutes/", {"m1-case": str(case.pk), "m1-minutes": "x"})
    assert response.status_code == 403
