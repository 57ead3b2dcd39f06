"""A small world for the authorisation matrix: for every role, one user in scope and records both inside and
outside their scope (Leeds / Yorkshire and the Humber inside; Tower Hamlets / London outside), built through the
real services so every status and link is genuine."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from casework.accounts.models import ApiToken, Role, User
from casework.accounts.services import api_token_issue
from casework.accounts.tests.factories import make_user
from casework.assessments import services as assessments
from casework.panels import services as panels
from casework.panels.models import Panel
from casework.referrals import services as referrals
from casework.referrals.models import Case
from casework.reviews.models import Review
from casework.support import services as support

ANONYMOUS = "anonymous"
# Every role of domain.md, and the anonymous public.
ROLES: tuple[str, ...] = (ANONYMOUS, *(r.value for r in Role))


@dataclass
class Side:
    """The records of one area: `ids` maps a placeholder name (case, person, meeting, …) to a record id."""

    ids: dict[str, Any] = field(default_factory=dict)
    secrets: list[str] = field(default_factory=list)  # strings that must never appear to a user outside the area


@dataclass
class World:
    users: dict[str, User]
    inside: Side
    outside: Side
    tokens: dict[str, str]  # role -> raw API token of that role's user


def _referral(actor: User, la: str, given: str, family: str) -> Any:
    from casework.accounts.models import LocalAuthority

    return referrals.referral_submit(
        actor=actor,
        person_description={
            "given_name": given,
            "family_name": family,
            "date_of_birth": dt.date(1990, 2, 3),
            "sex": "male",
            "town": la,
        },
        local_authority=LocalAuthority.objects.get(code=la),
        referrer_name="Matrix Referrer",
        sector="education",
        concern="Matrix concern about violent statements.",
    )


def _channel_case(
    *, referrer: User, officer: User, chair: User, member: User, provider: User, la: str, given: str, family: str
) -> tuple[Case, dict[str, Any]]:
    """A Channel case with support active, on today's agenda (member invited), an intervention assigned to the
    provider, a support action and its pending reviews."""
    case = _referral(referrer, la, given, family).case
    assessments.case_screen(actor=officer, case=case, deconfliction="clear", outcome="proceed")
    assessments.case_assess(
        actor=officer, case=case, concern_type="extreme_right_wing", rationale="Matrix", decision="progress_to_channel"
    )
    panel = Panel.objects.get(local_authority__code=la, kind="channel")
    meeting = panels.meeting_schedule(actor=chair, panel=panel, date=timezone.localdate(), location="Room 1")
    panels.meeting_add_case(actor=chair, meeting=meeting, case=case)
    panels.meeting_invite(actor=chair, meeting=meeting, user=member, agency="Health")
    case.refresh_from_db()
    panels.vaf_record(
        actor=chair,
        case=case,
        summary="Matrix VAF",
        meeting=meeting,
        factors=[
            {"dimension": d, "factor": f"Matrix {d}", "rating": "low", "evidence": "Matrix"}
            for d in ("engagement", "intent", "capability")
        ],
    )
    panels.panel_decide(actor=chair, case=case, decision="adopt", meeting=meeting, rationale="Matrix adopt")
    case.refresh_from_db()
    panels.consent_record(actor=chair, case=case, status="given", given_by="person", given_by_name=f"{given}")
    case.refresh_from_db()
    intervention = support.intervention_add(
        actor=chair,
        case=case,
        type="ideological_mentoring",
        provider_name="Matrix CIC",
        provider_user=provider,
        starts_on=timezone.localdate(),
    )
    action = support.support_action_add(
        actor=chair,
        case=case,
        description="Matrix action",
        owner_name="Matrix",
        due_on=timezone.localdate() + dt.timedelta(days=7),
        intervention=None,
    )
    case.refresh_from_db()
    review = Review.objects.filter(case=case).order_by("due_on").first()
    ids = {
        "case": case.pk,
        "person": case.person_id,
        "meeting": meeting.pk,
        "panel": panel.pk,
        "intervention": intervention.pk,
        "action": action.pk,
        "review": review.pk if review else uuid.uuid4(),
        "referral": case.referrals.first().pk,
    }
    return case, ids


def _handover_case(*, referrer: User, officer: User, provider: User, la: str, given: str, family: str) -> Any:
    case = _referral(referrer, la, given, family).case
    assessments.case_screen(actor=officer, case=case, deconfliction="clear", outcome="proceed")
    assessments.case_assess(
        actor=officer,
        case=case,
        concern_type="no_ideology_vulnerability",
        rationale="Matrix exit",
        decision="exit_to_other_services",
        other_vulnerabilities=["mental_health"],
        handover={
            "service_type": "adult_social_care",
            "service_name": "Matrix Care",
            "contact": "Duty desk",
            "request": "Assess support needs",
            "receiving_user": provider,
        },
    )
    return case.handovers.get()


def build_world() -> World:
    users: dict[str, User] = {
        Role.REFERRER: make_user(Role.REFERRER, username="m-referrer"),
        Role.PREVENT_OFFICER: make_user(Role.PREVENT_OFFICER, area="yorkshire-humber", username="m-officer"),
        Role.PREVENT_SUPERVISOR: make_user(Role.PREVENT_SUPERVISOR, area="yorkshire-humber", username="m-super"),
        Role.CHANNEL_CHAIR: make_user(Role.CHANNEL_CHAIR, area="leeds", username="m-chair"),
        Role.PANEL_MEMBER: make_user(Role.PANEL_MEMBER, area="leeds", username="m-member"),
        Role.INTERVENTION_PROVIDER: make_user(Role.INTERVENTION_PROVIDER, username="m-provider"),
        Role.ASSURANCE_LEAD: make_user(Role.ASSURANCE_LEAD, username="m-assurance"),
        Role.ANALYST: make_user(Role.ANALYST, username="m-analyst"),
        Role.SYSTEM_ADMIN: make_user(Role.SYSTEM_ADMIN, username="m-admin"),
    }
    users[Role.SYSTEM_ADMIN].is_staff = True
    users[Role.SYSTEM_ADMIN].save(update_fields=["is_staff"])
    london = {
        "officer": make_user(Role.PREVENT_OFFICER, area="london", username="m-officer-ldn"),
        "chair": make_user(Role.CHANNEL_CHAIR, area="tower-hamlets", username="m-chair-ldn"),
        "member": make_user(Role.PANEL_MEMBER, area="tower-hamlets", username="m-member-ldn"),
        "provider": make_user(Role.INTERVENTION_PROVIDER, username="m-provider-ldn"),
    }
    u = users
    _, inside_ids = _channel_case(
        referrer=u[Role.REFERRER],
        officer=u[Role.PREVENT_OFFICER],
        chair=u[Role.CHANNEL_CHAIR],
        member=u[Role.PANEL_MEMBER],
        provider=u[Role.INTERVENTION_PROVIDER],
        la="leeds",
        given="Inside",
        family="Leeds",
    )
    outside_case, outside_ids = _channel_case(
        referrer=u[Role.REFERRER],
        officer=london["officer"],
        chair=london["chair"],
        member=london["member"],
        provider=london["provider"],
        la="tower-hamlets",
        given="Zebedee",
        family="Outsideson",
    )
    inside_ids["handover"] = _handover_case(
        referrer=u[Role.REFERRER],
        officer=u[Role.PREVENT_OFFICER],
        provider=u[Role.INTERVENTION_PROVIDER],
        la="leeds",
        given="Hand",
        family="Over",
    ).pk
    outside_ids["handover"] = _handover_case(
        referrer=u[Role.REFERRER],
        officer=london["officer"],
        provider=london["provider"],
        la="tower-hamlets",
        given="Quentin",
        family="Elsewhere",
    ).pk
    tokens = {role: api_token_issue(actor=None, user=user, name="matrix")[1] for role, user in users.items()}
    # A second token for each user (theirs to revoke) and one of someone else's (not theirs).
    inside_ids["token"] = {
        role: api_token_issue(actor=None, user=user, name="spare")[0].pk for role, user in users.items()
    }
    outside_ids["token"] = api_token_issue(actor=None, user=london["officer"], name="ldn")[0].pk
    outside = Side(
        ids=outside_ids,
        secrets=[
            str(outside_ids["case"]),
            str(outside_ids["person"]),
            "Zebedee",
            "Outsideson",
            outside_case.reference,
            "Quentin",
            "Elsewhere",
        ],
    )
    assert ApiToken.objects.filter(revoked_at__isnull=True).count() >= len(users)
    return World(users=dict(users), inside=Side(ids=inside_ids), outside=outside, tokens=tokens)
