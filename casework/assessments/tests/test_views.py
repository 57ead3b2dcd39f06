"""HTTP-level tests of the screening and assessment pages."""

from __future__ import annotations

import pytest
from django.test import Client

from casework.accounts.models import LocalAuthority, Role
from casework.accounts.tests.factories import make_user
from casework.assessments import services as assessments
from casework.audit.models import AuditEvent
from casework.referrals import services
from casework.referrals.models import Case
from casework.referrals.states import CaseStatus

pytestmark = pytest.mark.django_db


def _refer(n: int) -> Case:
    referral = services.referral_submit(
        actor=None,
        person_description={"given_name": f"Person{n}", "family_name": "Example", "sex": "male"},
        local_authority=LocalAuthority.objects.get(code="leeds"),
        referrer_name="A. Teacher",
        sector="education",
        concern="Worrying comments.",
    )
    return Case.objects.get(pk=referral.case_id)


def test_bad_input_changes_nothing_and_shows_the_service_error(client: Client) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    case = _refer(1)
    assessments.case_screen(actor=officer, case=case, deconfliction="clear", outcome="proceed")
    client.force_login(officer)
    events = AuditEvent.objects.count()
    response = client.post(
        f"/cases/{case.pk}/assess/",
        {
            "concern_type": "no_ideology_vulnerability",
            "decision": "exit_to_other_services",
            "rationale": "Early help",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert 'href="#id_handover_service_type"' in body
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ASSESSMENT
    assert not case.assessments.exists()
    assert AuditEvent.objects.count() == events
