"""HTTP-level tests of the case pages: query counts that do not grow with the rows shown, only the actions the
user may take now, and bad input that changes nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from casework.accounts.models import LocalAuthority, Role
from casework.accounts.tests.factories import make_user
from casework.referrals import services
from casework.referrals.models import Case
from casework.referrals.states import CaseStatus
from casework.referrals.web import CASE_ACTIONS

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


def _queries(client: Client, url: str) -> int:
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_triage_queue_query_count_does_not_grow_with_the_rows_shown(client: Client) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    client.force_login(officer)
    _refer(0)
    one = _queries(client, "/cases/")
    for n in range(1, 8):
        _refer(n)
    assert _queries(client, "/cases/") == one


def test_case_page_offers_only_the_actions_allowed_now(client: Client) -> None:
    officer = make_user(Role.PREVENT_OFFICER, username="officer")
    chair = make_user(Role.CHANNEL_CHAIR, username="chair")
    case = _refer(1)
    client.force_login(officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Screen and deconflict" in page
    assert "Record the PAF assessment" not in page
    # A chair cannot see a case before it is referred to the panel: the same 404 as a missing case.
    client.force_login(chair)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    # An action page that is not offered now is refused, never half-done.
    client.force_login(officer)
    assert client.get(f"/cases/{case.pk}/assess/").status_code == 403


def test_every_action_applies_to_some_status() -> None:
    for _action, statuses, label, _url in CASE_ACTIONS:
        assert statuses, label
        assert statuses <= set(CaseStatus.values)


def test_referral_form_stores_nothing_until_confirmed(client: Client) -> None:
    client.post("/refer/person/", {"given_name": "Jo", "sex": "female"})
    client.post(
        "/refer/concern/",
        {"local_authority": "leeds", "concern": "Worried.", "urgency": "routine", "immediate_risk": "no"},
    )
    assert not Case.objects.exists()
    response = client.post("/refer/referrer/", {"referrer_name": "Sam", "sector": "health"})
    assert response.headers["Location"] == "/refer/check/"
    assert not Case.objects.exists()
    response = client.post("/refer/check/")
    assert response.headers["Location"] == "/refer/sent/"
    case = Case.objects.get()
    assert case.referrals.get().referrer_name == "Sam"
    assert case.referrals.get().reference in client.get("/refer/sent/").content.decode()
