from __future__ import annotations

import pytest
from django.test import Client

from casework.audit.models import AuditEvent
from casework.referrals.states import CaseStatus
from casework.referrals.tests.factories import CaseFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_page_refusal_is_audited(officer, method) -> None:
    case = CaseFactory(status=CaseStatus.SUPPORT_ACTIVE)
    client = Client()
    client.force_login(officer)
    before = case.version
    response = getattr(client, method)(
        f"/cases/{case.pk}/close/", {"reason": "support_completed", "rationale": "x"} if method == "post" else {}
    )
    assert response.status_code == 403
    denials = list(AuditEvent.objects.filter(event="auth.permission_denied"))
    assert len(denials) == 1  # recorded once, by one middleware
    denial = denials[0]
    assert denial.actor_id == officer.pk
    assert denial.data["path"] == f"/cases/{case.pk}/close/"
    case.refresh_from_db()
    assert (case.status, case.version) == (CaseStatus.SUPPORT_ACTIVE, before)
