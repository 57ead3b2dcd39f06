"""Subject access request exports (everything about the person, third parties redacted and marked, audited) and
API token revocation (a revoked token is refused at once)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from casework.accounts.models import ApiToken, Role
from casework.accounts.services import api_token_issue
from casework.assurance.access import FREE_TEXT_NOTE, REDACTED
from casework.audit.models import AuditEvent
from tests.authz.world import build_world

pytestmark = pytest.mark.django_db


def test_a_subject_access_export_holds_everything_about_the_person_with_third_parties_redacted(api_as) -> None:
    world = build_world()
    lead = world.users[Role.ASSURANCE_LEAD]
    person_id = world.inside.ids["person"]
    r = api_as(lead).post(f"/persons/{person_id}/subject-access-export", {"reason": "SAR-2026-0042 from the person"})
    assert r.status_code == 200, r.json()
    export = r.json()
    assert export["person"]["id"] == str(person_id)
    assert export["person"]["given_name"] == "Inside"
    assert export["person"]["descriptions"][0]["family_name"] == "Leeds"
    assert export["person"]["chronology"]
    [case] = export["cases"]
    assert case["id"] == str(world.inside.ids["case"])
    for part in ("status_history", "assessments", "consents", "interventions", "panel_decisions", "reviews"):
        assert case[part], part
    referral = case["referrals"][0]
    assert referral["referrer_name"] == REDACTED
    assert referral["submitted_by_id"] == REDACTED
    assert "Matrix Referrer" not in r.content.decode()
    assert "cases[0].referrals[0].referrer_name" in export["third_party"]["redacted_fields"]
    assert export["third_party"]["note"] == FREE_TEXT_NOTE
    assert "Zebedee" not in r.content.decode()  # nothing about anyone else's case
    event = AuditEvent.objects.get(event="person.exported")
    assert (event.actor_id, event.target_id, event.flagged, event.reason) == (
        lead.pk,
        str(person_id),
        True,
        "SAR-2026-0042 from the person",
    )


@pytest.mark.parametrize("role", [Role.PREVENT_OFFICER, Role.CHANNEL_CHAIR, Role.ANALYST, Role.SYSTEM_ADMIN])
def test_only_an_assurance_lead_exports(api_as, role) -> None:
    world = build_world()
    r = api_as(world.users[role]).post(
        f"/persons/{world.inside.ids['person']}/subject-access-export", {"reason": "SAR-2026-0042 from the person"}
    )
    assert r.status_code == 404
    assert not AuditEvent.objects.filter(event="person.exported").exists()


def test_the_export_command_writes_json_and_is_audited(tmp_path) -> None:
    world = build_world()
    target = tmp_path / "sar.json"
    out = StringIO()
    call_command(
        "export_subject_access",
        str(world.inside.ids["person"]),
        "--reason",
        "SAR-2026-0043 by post",
        "--output",
        str(target),
        stdout=out,
    )
    export = json.loads(target.read_text())
    assert export["person"]["id"] == str(world.inside.ids["person"])
    assert AuditEvent.objects.get(event="person.exported").actor_label == "system"
    with pytest.raises(CommandError, match="not a person id"):
        call_command("export_subject_access", "nope", "--reason", "SAR-2026-0043 by post")
    with pytest.raises(CommandError, match="Give the reason"):
        call_command("export_subject_access", str(world.inside.ids["person"]), "--reason", "x")


def test_a_revoked_token_is_refused_at_once(api_as) -> None:
    world = build_world()
    officer = world.users[Role.PREVENT_OFFICER]
    token, raw = api_token_issue(actor=None, user=officer, name="laptop")
    client = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/cases", **auth).status_code == 200
    listed = client.get("/api/v1/api-tokens", **auth).json()
    assert str(token.pk) in {t["id"] for t in listed}
    assert all("token_hash" not in t for t in listed)
    r = client.post(f"/api/v1/api-tokens/{token.pk}/revoke", **auth)
    assert r.status_code == 200
    assert r.json()["revoked_at"]
    r = client.get("/api/v1/cases", **auth)
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    revoked = AuditEvent.objects.get(event="api_token.revoked")
    assert (revoked.actor_id, revoked.data) == (officer.pk, {"token": str(token.pk)})


def test_a_user_cannot_revoke_someone_elses_token_but_an_administrator_can(api_as) -> None:
    world = build_world()
    chair_token, _ = api_token_issue(actor=None, user=world.users[Role.CHANNEL_CHAIR], name="desk")
    r = api_as(world.users[Role.PREVENT_OFFICER]).post(f"/api-tokens/{chair_token.pk}/revoke")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "No active API token with that id."}
    assert api_as(world.users[Role.SYSTEM_ADMIN]).post(f"/api-tokens/{chair_token.pk}/revoke").status_code == 200
    chair_token.refresh_from_db()
    assert chair_token.revoked_at is not None


def test_the_revoke_command_revokes_by_prefix_or_for_a_whole_user() -> None:
    world = build_world()
    officer = world.users[Role.PREVENT_OFFICER]
    token, raw = api_token_issue(actor=None, user=officer, name="cli")
    out = StringIO()
    call_command("revoke_api_token", token=token.prefix, stdout=out)  # a prefix may start with "-"
    assert "Revoked cli" in out.getvalue()
    assert Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401
    call_command("revoke_api_token", "--user", officer.username, stdout=out)
    assert not ApiToken.objects.filter(user=officer, revoked_at__isnull=True).exists()
    with pytest.raises(CommandError, match="No active API token matches"):
        call_command("revoke_api_token", token=token.prefix)
