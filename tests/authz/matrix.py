"""THE authorisation matrix: who may do what, in scope and out of scope, for every API operation and every page.

How to add a row
----------------
* **API operation** (`@api.get/post(..., operation_id="x")`): add `"x": Op(...)` to `API` below. `path` and `body`
  use placeholders for records of the test world (tests/authz/world.py): {case} {person} {meeting} {panel}
  {intervention} {action} {review} {referral} {handover} {qa_item} {token} {member_user} {today}. List who passes
  authorisation on an in-scope record (`ok`), who can see the record but may not do this (`forbidden` → 403);
  everyone else gets 404, exactly as for a missing id. Anonymous callers always get 401 from the API.
* **Page** (a Django URL pattern): add a `Page(...)` to `PAGES`, for one URL name or a whole namespace
  ("panels:*"), with a probe URL and who gets the page. Out of scope and missing records answer 404.

`tests/authz/test_matrix.py` fails for any operation or URL pattern that has no row here, and for any cell whose
real answer differs. Deny by default: a role not listed is expected to be refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from casework.accounts.models import Role

ANON = "anonymous"
REF, OFF, SUP = Role.REFERRER.value, Role.PREVENT_OFFICER.value, Role.PREVENT_SUPERVISOR.value
CHAIR, MEM, PROV = Role.CHANNEL_CHAIR.value, Role.PANEL_MEMBER.value, Role.INTERVENTION_PROVIDER.value
ASSUR, ANAL, ADMIN = Role.ASSURANCE_LEAD.value, Role.ANALYST.value, Role.SYSTEM_ADMIN.value

SIGNED_IN = frozenset({REF, OFF, SUP, CHAIR, MEM, PROV, ASSUR, ANAL, ADMIN})
POLICE = frozenset({OFF, SUP})
CASE_VIEWERS = frozenset({OFF, SUP, CHAIR, MEM, PROV})  # a Channel case on today's agenda, provider assigned
NOT_CHAIR_VIEWERS = CASE_VIEWERS - {CHAIR}


@dataclass(frozen=True)
class Op:
    method: str
    path: str
    body: dict | None = None
    ok: frozenset[str] = frozenset()  # pass authorisation (any answer but 401/403/404)
    forbidden: frozenset[str] = frozenset()  # may see the record, may not do this: 403
    scoped: bool = True  # the path names a record with a twin outside the user's area: 404 there for everyone…
    out_ok: frozenset[str] = frozenset()  # …except these national roles
    leaks_allowed: frozenset[str] = frozenset()  # roles whose answer may name records of other areas (national)


def _chair_only(method: str, path: str, body: dict | None = None) -> Op:
    return Op(method, path, body, ok=frozenset({CHAIR}), forbidden=NOT_CHAIR_VIEWERS)


VAF = [
    {"dimension": d, "factor": "Matrix", "rating": "low", "evidence": "Matrix"}
    for d in ("engagement", "intent", "capability")
]
REFERRAL = {
    "person": {"given_name": "New", "family_name": "Referral"},
    "local_authority": "leeds",
    "referrer_name": "Matrix",
    "sector": "education",
    "concern": "Matrix concern.",
}

API: dict[str, Op] = {
    # Anyone signed in may refer (the public form is a page); the receipt names only the new referral.
    "referral_submit": Op("post", "/referrals", REFERRAL, ok=SIGNED_IN, scoped=False),
    "case_list": Op("get", "/cases", ok=SIGNED_IN, scoped=False),
    "case_get": Op("get", "/cases/{case}", ok=CASE_VIEWERS),
    "case_screen": Op(
        "post", "/cases/{case}/screen", {"deconfliction": "clear"}, ok=POLICE, forbidden=frozenset({CHAIR, MEM, PROV})
    ),
    "case_assess": Op(
        "post",
        "/cases/{case}/assess",
        {"concern_type": "islamist", "rationale": "x", "decision": "nfa"},
        ok=POLICE,
        forbidden=frozenset({CHAIR, MEM, PROV}),
    ),
    "case_countersign": Op(
        "post",
        "/cases/{case}/countersign",
        {"approve": True},
        ok=frozenset({SUP}),
        forbidden=frozenset({OFF, CHAIR, MEM, PROV}),
    ),
    # Only the chair schedules; to a member the panel is not one they can schedule for (404).
    "meeting_schedule": Op("post", "/meetings", {"panel_id": "{panel}", "date": "{today}"}, ok=frozenset({CHAIR})),
    "meeting_add_case": Op(
        "post", "/meetings/{meeting}/agenda", {"case_id": "{case}"}, ok=frozenset({CHAIR}), forbidden=frozenset({MEM})
    ),
    "meeting_invite": Op(
        "post",
        "/meetings/{meeting}/invitations",
        {"user_id": "{member_user}", "agency": "x"},
        ok=frozenset({CHAIR}),
        forbidden=frozenset({MEM}),
    ),
    "meeting_record_attendance": Op(
        "post",
        "/meetings/{meeting}/attendance",
        {"attended_user_ids": []},
        ok=frozenset({CHAIR}),
        forbidden=frozenset({MEM}),
    ),
    "meeting_record_minutes": Op(
        "post",
        "/meetings/{meeting}/minutes",
        {"case_id": "{case}", "minutes": "x"},
        ok=frozenset({CHAIR}),
        forbidden=frozenset({MEM}),
    ),
    "vaf_record": _chair_only("post", "/cases/{case}/vaf", {"factors": VAF}),
    "panel_decide": _chair_only("post", "/cases/{case}/panel-decision", {"decision": "adopt", "rationale": "x"}),
    "consent_record": _chair_only(
        "post", "/cases/{case}/consent", {"status": "given", "given_by": "person", "given_by_name": "x"}
    ),
    "consent_withdraw": _chair_only("post", "/cases/{case}/consent/withdraw", {}),
    "case_close": _chair_only("post", "/cases/{case}/close", {"reason": "support_completed", "rationale": "x"}),
    "intervention_add": _chair_only(
        "post",
        "/cases/{case}/interventions",
        {"type": "ideological_mentoring", "provider_name": "x", "starts_on": "{today}"},
    ),
    "intervention_set_status": _chair_only("post", "/interventions/{intervention}/status", {"status": "completed"}),
    "support_action_add": _chair_only(
        "post", "/cases/{case}/actions", {"description": "x", "owner_name": "x", "due_on": "{today}"}
    ),
    # Panel members record their agency's actions; providers record sessions and progress.
    "support_action_complete": Op(
        "post", "/actions/{action}/complete", ok=frozenset({CHAIR, MEM, PROV}), forbidden=POLICE
    ),
    "progress_note_add": Op(
        "post",
        "/cases/{case}/notes",
        {"text": "x", "intervention_id": "{intervention}"},
        ok=frozenset({CHAIR, MEM, PROV}),
        forbidden=POLICE,
    ),
    # Providers see the minimum of their assigned cases: not the reviews.
    "review_list": Op("get", "/cases/{case}/reviews", ok=CASE_VIEWERS - {PROV}, forbidden=frozenset({PROV})),
    "review_complete": _chair_only("post", "/reviews/{review}/complete", {"outcome": "no_concerns", "notes": "x"}),
    "review_extend": _chair_only("post", "/cases/{case}/extend-monitoring", {"until_months": 18, "reason": "x"}),
    "person_get": Op("get", "/persons/{person}", ok=frozenset({OFF, SUP, CHAIR})),
    "handover_list": Op("get", "/handovers", ok=SIGNED_IN, scoped=False),
    "handover_record_engagement": Op(
        "post", "/handovers/{handover}/engagement", {"engaged": True, "notes": "x"}, ok=frozenset({OFF, SUP, PROV})
    ),
    "handover_raise_rereferral": Op(
        "post", "/handovers/{handover}/re-referral", {"concern": "x"}, ok=frozenset({OFF, SUP, PROV})
    ),
    # National: the sample covers decisions in every region (which ones is a hash of their ids).
    "qa_sample_draw": Op(
        "post",
        "/qa/samples",
        {"date_from": "{today}", "date_to": "{today}"},
        ok=frozenset({ASSUR}),
        scoped=False,
        leaks_allowed=frozenset({ASSUR}),
    ),
    "qa_item_list": Op("get", "/qa/items", ok=frozenset({ASSUR}), scoped=False, leaks_allowed=frozenset({ASSUR})),
    "qa_finding_record": Op(
        "post",
        "/qa/items/{qa_item}/finding",
        {"agree": True},
        ok=frozenset({ASSUR}),
        scoped=False,
        leaks_allowed=frozenset({ASSUR}),
    ),
    # Aggregates only: analysts and assurance.
    "thresholds_report": Op("get", "/reports/thresholds", ok=frozenset({ASSUR, ANAL}), scoped=False),
    # Reporting (casework/api/reporting.py): aggregates only; a chair's dashboard is their local authority's.
    "statistics_get": Op("get", "/statistics?year=2025-26", ok=frozenset({ASSUR, ANAL}), scoped=False),
    "dashboard_get": Op("get", "/dashboard", ok=frozenset({CHAIR, ASSUR, ANAL}), scoped=False),
    "reference_data": Op("get", "/reference", ok=SIGNED_IN, scoped=False),
    "my_work": Op("get", "/my-work", ok=SIGNED_IN, scoped=False),
    # Identity (casework/api/identity.py).
    "referral_get": Op("get", "/referrals/{referral}", ok=frozenset({OFF, SUP, CHAIR, MEM})),
    # Identity decisions are the police's; a panel member sees no person record (404).
    "referral_link_person": Op(
        "post", "/referrals/{referral}/link", {"person_id": "{person}"}, ok=POLICE, forbidden=frozenset({CHAIR})
    ),
    "referral_reject_match": Op(
        "post", "/referrals/{referral}/reject-match", {"person_id": "{person}"}, ok=POLICE, forbidden=frozenset({CHAIR})
    ),
    "person_merge": Op("post", "/persons/{person}/merge", {"into_person_id": "{person}", "reason": "x"}, ok=POLICE),
    # No merge exists in the world: proves only that a missing merge is 404 for everyone.
    "person_unmerge": Op("post", "/merges/987654/unmerge", {"reason": "x"}, scoped=False),
    # Security (casework/api/security.py).
    "audit_event_list": Op(
        "get", "/audit-events", ok=frozenset({ASSUR, CHAIR}), scoped=False, leaks_allowed=frozenset({ASSUR})
    ),
    "access_grant_create": Op(
        "post",
        "/access-requests",
        {"target_type": "person", "target_id": "{person}", "reason": "Matrix: triaging"},
        ok=frozenset({ASSUR, OFF, SUP}),
        out_ok=frozenset({ASSUR}),
        leaks_allowed=frozenset({ASSUR}),
    ),
    "person_subject_access_export": Op(
        "post",
        "/persons/{person}/subject-access-export",
        {"reason": "SAR-2026-001 matrix"},
        ok=frozenset({ASSUR}),
        out_ok=frozenset({ASSUR}),
        leaks_allowed=frozenset({ASSUR}),
    ),
    "api_token_list": Op("get", "/api-tokens", ok=SIGNED_IN, scoped=False),
    # {token} is the caller's own spare token in scope; out of scope, someone else's (only admins may revoke it).
    "api_token_revoke": Op(
        "post", "/api-tokens/{token}/revoke", ok=SIGNED_IN, out_ok=frozenset({ADMIN}), leaks_allowed=frozenset({ADMIN})
    ),
}


@dataclass(frozen=True)
class Page:
    """A page (or every page of a namespace, `"ns:*"`), probed with GET at `probe` (placeholders as for Op).
    `ok`: roles that get the page (200, or a redirect that is not to sign-in); anonymous users are sent to sign in
    unless `public`; other signed-in roles get `denied_status` (404 for a record they may not see, 403 for a page
    their role may not use)."""

    names: str
    probe: str
    ok: frozenset[str] = frozenset()
    public: bool = False
    denied_status: int = 404
    scoped: bool = False  # the probe names a record: out of scope (and missing) answers 404 to every role
    note: str = ""
    status_for: dict[str, int] = field(default_factory=dict)  # exceptions to the above, by role


PAGES: list[Page] = [
    Page("login", "/accounts/login/", ok=SIGNED_IN, public=True),
    Page(
        "logout",
        "/accounts/logout/",
        ok=SIGNED_IN,
        public=True,
        note="GET is refused (405): sign out is a POST",
        status_for=dict.fromkeys((ANON, *SIGNED_IN), 405),
    ),
    Page("otp-verify", "/accounts/two-factor/", ok=SIGNED_IN),
    Page("otp-setup", "/accounts/two-factor/setup/", ok=SIGNED_IN),
    Page("password_change", "/accounts/password/change/", ok=SIGNED_IN),
    Page("password_change_done", "/accounts/password/change/done/", ok=SIGNED_IN),
    Page("home", "/", ok=SIGNED_IN, public=True, note="signed out: the public start page (refer, sign in)"),
    # Django's admin: system administrators only (users, roles, scopes, reference data; no case content). Other
    # roles are sent to the admin's own sign-in page (302).
    Page("admin:*", "/admin/", ok=frozenset({ADMIN}), denied_status=302, status_for={ANON: 302}),
    # --- The caseworker pages (issue #5). A form page refuses with 403 a role that sees the case but may not act
    # on it now: the world's case has support active, so only the actions that the transition table allows from
    # there are offered (close, interventions, actions, notes); screening, assessment, countersignature, VAF,
    # panel decision, consent and extension pages are 403 to everyone who may see the case.
    Page("referrals:referral-start", "/refer/", ok=SIGNED_IN, public=True),
    Page("referrals:referral-step", "/refer/person/", ok=SIGNED_IN, public=True),
    Page("referrals:referral-check", "/refer/check/", ok=SIGNED_IN, public=True, note="redirects to the first step"),
    Page("referrals:referral-sent", "/refer/sent/", ok=SIGNED_IN, public=True, note="redirects without a receipt"),
    Page("referrals:case-list", "/cases/", ok=SIGNED_IN, note="every role sees the cases its policy allows, or none"),
    *(
        Page(
            f"referrals:referral-{verb}",
            f"/referrals/{{referral}}/{verb}/",
            note="POST only (GET is 405)",
            status_for=dict.fromkeys(SIGNED_IN, 405),
        )
        for verb in ("link", "reject-match")
    ),
    Page("referrals:case-detail", "/cases/{case}/", ok=CASE_VIEWERS, scoped=True),
    Page(
        "assessments:case-assessments",
        "/cases/{case}/assessments/",
        ok=CASE_VIEWERS - {PROV},
        scoped=True,
        status_for={PROV: 403},
    ),
    Page("assessments:case-screen", "/cases/{case}/screen/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)),
    Page("assessments:case-assess", "/cases/{case}/assess/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)),
    Page(
        "assessments:case-countersign",
        "/cases/{case}/countersign/",
        scoped=True,
        status_for=dict.fromkeys(CASE_VIEWERS, 403),
    ),
    Page("panels:case-panel", "/cases/{case}/panel/", ok=CASE_VIEWERS - {PROV}, scoped=True, status_for={PROV: 403}),
    Page("panels:case-vaf", "/cases/{case}/vaf/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)),
    Page(
        "panels:case-decide", "/cases/{case}/panel-decision/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)
    ),
    Page("panels:case-consent", "/cases/{case}/consent/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)),
    Page(
        "panels:case-consent-withdraw",
        "/cases/{case}/consent/withdraw/",
        ok=frozenset({CHAIR}),
        scoped=True,
        status_for=dict.fromkeys(NOT_CHAIR_VIEWERS, 403),
    ),
    Page(
        "panels:case-close",
        "/cases/{case}/close/",
        ok=frozenset({CHAIR}),
        scoped=True,
        status_for=dict.fromkeys(NOT_CHAIR_VIEWERS, 403),
    ),
    Page("panels:meeting-list", "/meetings/", ok=SIGNED_IN, note="a role without meetings sees none"),
    Page("panels:meeting-schedule", "/meetings/schedule/", ok=frozenset({CHAIR}), denied_status=403),
    Page("panels:meeting-detail", "/meetings/{meeting}/", ok=frozenset({CHAIR, MEM}), scoped=True),
    *(
        Page(
            f"panels:meeting-{name}",
            f"/meetings/{{meeting}}/{path}/",
            note="POST only (GET is 405)",
            status_for=dict.fromkeys(SIGNED_IN, 405),
        )
        for name, path in (
            ("agenda-add", "agenda"),
            ("invite", "invite"),
            ("attendance", "attendance"),
            ("minutes", "minutes"),
        )
    ),
    Page("support:case-plan", "/cases/{case}/support/", ok=CASE_VIEWERS, scoped=True),
    Page(
        "support:intervention-add",
        "/cases/{case}/support/interventions/add/",
        ok=frozenset({CHAIR}),
        scoped=True,
        status_for=dict.fromkeys(NOT_CHAIR_VIEWERS, 403),
    ),
    Page(
        "support:action-add",
        "/cases/{case}/support/actions/add/",
        ok=frozenset({CHAIR}),
        scoped=True,
        status_for=dict.fromkeys(NOT_CHAIR_VIEWERS, 403),
    ),
    Page(
        "support:note-add",
        "/cases/{case}/support/notes/add/",
        ok=frozenset({CHAIR, MEM, PROV}),
        scoped=True,
        status_for=dict.fromkeys(POLICE, 403),
    ),
    Page(
        "support:action-complete",
        "/actions/{action}/complete/",
        note="POST only (GET is 405)",
        status_for=dict.fromkeys(SIGNED_IN, 405),
    ),
    Page(
        "reviews:case-reviews", "/cases/{case}/reviews/", ok=CASE_VIEWERS - {PROV}, scoped=True, status_for={PROV: 403}
    ),
    Page(
        "reviews:case-extend", "/cases/{case}/reviews/extend/", scoped=True, status_for=dict.fromkeys(CASE_VIEWERS, 403)
    ),
    Page(
        "reviews:review-complete",
        "/reviews/{review}/complete/",
        scoped=True,
        status_for=dict.fromkeys(CASE_VIEWERS, 403),
    ),
    Page("reviews:assurance-dashboard", "/assurance/", ok=frozenset({ASSUR}), denied_status=403),
    Page("people:person-detail", "/people/{person}/", ok=frozenset({OFF, SUP, CHAIR}), scoped=True),
]
