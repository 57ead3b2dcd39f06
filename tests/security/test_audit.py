"""The audit log: complete (sign-in, denials, searches, exports), tamper-evident (`audit_verify` finds an altered,
deleted or reordered row written behind the database's back), and viewable only by those allowed to."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from casework.accounts.models import Role
from casework.accounts.tests.factories import make_user
from casework.audit.models import AuditEvent
from casework.audit.services import audit_record
from casework.audit.testing import audit_triggers_suspended
from tests.authz.world import build_world

pytestmark = pytest.mark.django_db


def _chain(n: int = 5) -> list[AuditEvent]:
    user = make_user(Role.PREVENT_OFFICER, username="chain-writer")
    return [audit_record(event="case.listed", actor=user, data={"i": i}) for i in range(n)]


def _verify() -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit_verify", stdout=out)
    except CommandError as exc:
        return exc.returncode, str(exc)
    return 0, out.getvalue().strip()


def _raw(sql: str, params: list) -> None:
    """What a DBA with raw access could do: the append-only triggers dropped for the statement."""
    if connection.vendor == "postgresql":
        # Deferred foreign-key checks from this test's transaction must fire before the table can be altered.
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with audit_triggers_suspended(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_intact_chain_verifies_with_a_one_line_summary() -> None:
    _chain()
    code, summary = _verify()
    assert code == 0
    assert summary == f"Audit chain intact: {AuditEvent.objects.count()} events verified."
    assert "\n" not in summary


def test_the_database_refuses_to_change_or_delete_audit_rows() -> None:
    row = _chain(1)[0]
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).update(reason="edited")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=row.pk).delete()


def test_an_altered_event_is_named() -> None:
    rows = _chain()
    target = rows[2]
    _raw("UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"i": 99}', target.pk])
    code, message = _verify()
    assert code == 1
    assert message == f"Audit chain broken at event #{target.seq} (case.listed): its content was altered."


def test_an_altered_actor_is_found_too() -> None:
    rows = _chain()
    other = make_user(Role.PREVENT_OFFICER, username="scapegoat")
    _raw("UPDATE audit_auditevent SET actor_id = %s WHERE id = %s", [other.pk, rows[1].pk])
    code, message = _verify()
    assert code == 1
    assert f"#{rows[1].seq}" in message


def test_a_deleted_event_is_named_as_missing() -> None:
    rows = _chain()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[3].pk])
    code, message = _verify()
    assert code == 1
    assert message.startswith(f"Audit chain broken: event #{rows[3].seq} is missing")


def test_deleting_the_newest_events_is_found_through_the_chain_head() -> None:
    rows = _chain()
    _raw("DELETE FROM audit_auditevent WHERE id = %s", [rows[-1].pk])
    code, message = _verify()
    assert code == 1
    assert f"event #{rows[-1].seq} onwards is missing" in message


def test_reordered_events_are_found() -> None:
    rows = _chain()
    a, b = rows[1], rows[2]
    _raw("UPDATE audit_auditevent SET seq = -1 WHERE id = %s", [a.pk])
    _raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _raw("UPDATE audit_auditevent SET seq = %s WHERE id = %s", [b.seq, a.pk])
    code, message = _verify()
    assert code == 1
    assert message == f"Audit chain broken at event #{a.seq}: it does not follow event #{a.seq - 1}."


def test_a_recomputed_hash_without_the_key_is_still_found() -> None:
    import hashlib

    rows = _chain()
    forged = hashlib.sha256(b"attacker does not have the HMAC key").hexdigest()
    _raw("UPDATE audit_auditevent SET reason = %s, hash = %s WHERE id = %s", ["edited", forged, rows[-1].pk])
    code, message = _verify()
    assert code == 1
    assert f"#{rows[-1].seq}" in message


# --- Completeness -------------------------------------------------------------------------------------------


def test_a_permission_denial_on_the_api_is_audited(api_as) -> None:
    world = build_world()
    case_id = world.inside.ids["case"]
    officer = world.users[Role.PREVENT_OFFICER]
    r = api_as(officer).post(f"/cases/{case_id}/close", {"reason": "support_completed", "rationale": "x"})
    assert r.status_code == 403
    denial = AuditEvent.objects.filter(event="auth.permission_denied").latest("seq")
    assert (denial.actor_id, denial.target_type, denial.target_id) == (officer.pk, "case", str(case_id))
    assert denial.data == {"action": "close", "path": f"/api/v1/cases/{case_id}/close"}


def test_searches_reads_and_exports_are_audited(api_as) -> None:
    world = build_world()
    officer = world.users[Role.PREVENT_OFFICER]
    api = api_as(officer)
    before = AuditEvent.objects.count()
    api.get("/cases", status="support_active")
    api.get(f"/cases/{world.inside.ids['case']}")
    api.get(f"/persons/{world.inside.ids['person']}")
    analyst = api_as(world.users[Role.ANALYST])
    analyst.get("/reports/thresholds", format="csv")
    events = list(
        AuditEvent.objects.filter(seq__gt=before)
        .exclude(event="api_token.issued")
        .values_list("event", "actor_label", "target_id")
    )
    assert events == [
        ("case.listed", "m-officer", ""),
        ("case.viewed", "m-officer", str(world.inside.ids["case"])),
        ("person.viewed", "m-officer", str(world.inside.ids["person"])),
        ("report.thresholds_viewed", "m-analyst", ""),
    ]


def test_a_bad_or_revoked_api_token_is_a_failed_sign_in(api_as) -> None:
    from django.test import Client

    r = Client().get("/api/v1/cases", HTTP_AUTHORIZATION="Bearer cw_not-a-real-token")
    assert r.status_code == 401
    assert r.json()["code"] == "unauthenticated"
    failed = AuditEvent.objects.filter(event="auth.sign_in_failed").latest("seq")
    assert failed.data == {"via": "api_token", "path": "/api/v1/cases", "token_sent": True}
    assert "cw_not-a-real-token" not in str(failed.data)


# --- The viewer ---------------------------------------------------------------------------------------------


def test_an_assurance_lead_views_and_filters_the_whole_log_and_the_viewing_is_audited(api_as) -> None:
    world = build_world()
    api = api_as(world.users[Role.ASSURANCE_LEAD])
    outside_case = str(world.outside.ids["case"])
    r = api.get("/audit-events", target_type="case", target_id=outside_case, event="case.*")
    assert r.status_code == 200
    rows = r.json()
    assert rows
    assert {e["target_id"] for e in rows} == {outside_case}
    assert all(e["event"].startswith("case.") for e in rows)
    assert [e["seq"] for e in rows] == sorted((e["seq"] for e in rows), reverse=True)
    by_actor = api.get("/audit-events", actor="m-chair-ldn").json()
    assert by_actor
    assert {e["actor"] for e in by_actor} == {"m-chair-ldn"}
    viewed = AuditEvent.objects.filter(event="audit.viewed").latest("seq")
    assert viewed.actor_label == "m-assurance"
    assert viewed.data == {"filters": {"actor": "m-chair-ldn", "offset": 0}, "count": len(by_actor)}
    dated = api.get("/audit-events", date_from="2001-01-01", date_to="2001-12-31").json()
    assert dated == []


def test_a_chair_sees_only_events_about_their_own_panels_cases(api_as) -> None:
    world = build_world()
    r = api_as(world.users[Role.CHANNEL_CHAIR]).get("/audit-events", limit=500)
    assert r.status_code == 200
    targets = {(e["target_type"], e["target_id"]) for e in r.json()}
    assert ("case", str(world.inside.ids["case"])) in targets
    assert {t for t, _ in targets} == {"case"}
    assert str(world.outside.ids["case"]) not in r.content.decode()
    # Asking for the other area's case explicitly finds nothing, exactly as for a case that does not exist.
    assert (
        api_as(world.users[Role.CHANNEL_CHAIR]).get("/audit-events", target_id=str(world.outside.ids["case"])).json()
        == []
    )


@pytest.mark.parametrize(
    "role",
    [
        Role.PREVENT_OFFICER,
        Role.PANEL_MEMBER,
        Role.INTERVENTION_PROVIDER,
        Role.ANALYST,
        Role.SYSTEM_ADMIN,
        Role.REFERRER,
    ],
)
def test_other_roles_cannot_see_the_audit_log(api_as, role) -> None:
    world = build_world()
    r = api_as(world.users[role]).get("/audit-events")
    assert r.status_code == 404
    assert r.json() == {"code": "not_found", "message": "No such report."}
