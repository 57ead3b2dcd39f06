"""Write paths for referrals and case status. Every case status change in the system goes through
`case_transition`, which checks the transition table, writes the history row and the audit event."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.accounts.models import LocalAuthority
from casework.audit.services import audit_record
from casework.core.dates import today
from casework.core.errors import InvalidTransition, NotFound, StaleEdit, ValidationFailed
from casework.core.references import new_reference
from casework.people import services as people_services
from casework.people.identity import description_fingerprint
from casework.people.models import ChronologyKind, Person, PersonDescription
from casework.referrals.models import Case, CaseStatusChange, Referral, Sector, Urgency
from casework.referrals.states import OPEN_STATUSES, TRANSITIONS, CaseStatus

if TYPE_CHECKING:
    from casework.accounts.models import User
    from casework.policy.models import PolicyVersion

DESCRIPTION_FIELDS = (
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "age_estimate",
    "sex",
    "address_line",
    "town",
    "postcode",
    "languages",
    "school_or_employer",
)
ERR_FUTURE_REFERRAL_DATE = "The date of referral cannot be in the future."
ERR_FUTURE_DOB = "The date of birth cannot be in the future."
ERR_NO_NAME = "Give at least a given name or a family name for the person referred, or an alias."
ERR_NO_CONCERN = "Describe the concern in your own words."
ERR_AGE = "An approximate age must be between 0 and 120."
ERR_RISK_DETAILS = "Describe the immediate risk."


def case_lock(case_id: Any) -> Case:
    """Re-read a case with a row lock (PostgreSQL) for the rest of the transaction. SQLite serialises writers
    with IMMEDIATE transactions instead."""
    case = Case.objects.select_for_update().filter(pk=case_id).first()
    if case is None:
        raise NotFound("No case with that id.")
    return case


def check_version(case: Case, expected_version: int | None) -> None:
    if expected_version is not None and expected_version != case.version:
        raise StaleEdit(
            f"This case was changed by someone else since you opened it (version {expected_version}, now "
            f"{case.version}). Reload it, check their change, and try again."
        )


def case_transition(
    *,
    actor: User | None,
    case: Case,
    to_status: str,
    reason: str = "",
    policy: PolicyVersion | None = None,
    data: dict[str, Any] | None = None,
) -> Case:
    """Move a (locked) case to `to_status` if the transition table allows it. Raises InvalidTransition with a
    specific message; writes a CaseStatusChange row and a `case.status_changed` audit event."""
    from_status = case.status
    if to_status not in TRANSITIONS.get(from_status, frozenset()):
        raise InvalidTransition(
            "case",
            from_status,
            to_status,
            f"A case that is '{CaseStatus(from_status).label}' cannot become '{CaseStatus(to_status).label}'.",
        )
    now = timezone.now()
    case.status = to_status
    case.status_changed_at = now
    case.version += 1
    if to_status == CaseStatus.AWAITING_PANEL and case.panel_referred_at is None:
        case.panel_referred_at = now
    case.save()
    CaseStatusChange.objects.create(
        case=case,
        from_status=from_status,
        to_status=to_status,
        changed_at=now,
        actor=actor if actor and actor.is_authenticated else None,
        reason=reason,
        policy_version=policy,
    )
    audit_record(
        event="case.status_changed",
        actor=actor,
        target=case,
        data={
            "from": from_status,
            "to": to_status,
            "policy_version": policy.version if policy else None,
            **(data or {}),
        },
    )
    return case


def _clean_description(raw: dict[str, Any]) -> dict[str, Any]:
    desc = {k: raw.get(k) for k in DESCRIPTION_FIELDS if raw.get(k) not in (None, "")}
    desc["aliases"] = [a.strip() for a in (raw.get("aliases") or []) if a and a.strip()]
    for key in ("given_name", "family_name", "address_line", "town", "languages", "school_or_employer"):
        if key in desc:
            desc[key] = str(desc[key]).strip()
    if "postcode" in desc:
        desc["postcode"] = " ".join(str(desc["postcode"]).upper().split())
    if not (desc.get("given_name") or desc.get("family_name") or desc["aliases"]):
        raise ValidationFailed(ERR_NO_NAME, field="given_name")
    dob = desc.get("date_of_birth")
    if isinstance(dob, str):
        try:
            dob = desc["date_of_birth"] = dt.date.fromisoformat(dob)
        except ValueError:
            raise ValidationFailed(
                "Enter the date of birth as YYYY-MM-DD, e.g. 2009-06-15.", field="date_of_birth"
            ) from None
    if dob is not None and dob > today():
        raise ValidationFailed(ERR_FUTURE_DOB, field="date_of_birth")
    age = desc.get("age_estimate")
    if age is not None and not (0 <= int(age) <= 120):
        raise ValidationFailed(ERR_AGE, field="age_estimate")
    return desc


@transaction.atomic
def referral_submit(
    *,
    actor: User | None,
    person_description: dict[str, Any],
    local_authority: LocalAuthority,
    referrer_name: str,
    sector: str,
    concern: str,
    referred_on: dt.date | None = None,
    urgency: str = Urgency.ROUTINE,
    immediate_risk: bool = False,
    immediate_risk_details: str = "",
    referrer_email: str = "",
    referrer_phone: str = "",
    referrer_organisation: str = "",
    referrer_role: str = "",
    person: Person | None = None,
    re_referral_of: Case | None = None,
) -> Referral:
    """Record a referral (public form or API). Creates the person as described unless an officer has already
    identified them; attaches to the person's open case if there is one, else opens a new case in screening.
    Every referral goes to Counter Terrorism Policing first; in configured regions (Wales) it is also routed to
    the local authority. Audits `referral.submitted` and `case.opened` or `case.referral_attached`."""
    referred_on = referred_on or today()
    if referred_on > today():
        raise ValidationFailed(ERR_FUTURE_REFERRAL_DATE, field="referred_on")
    if not (concern or "").strip():
        raise ValidationFailed(ERR_NO_CONCERN, field="concern")
    if not (referrer_name or "").strip():
        raise ValidationFailed("Give the referrer's name.", field="referrer_name")
    if sector not in Sector.values:
        raise ValidationFailed(f"Unknown sector '{sector}'. Choose one of: {', '.join(Sector.values)}.", field="sector")
    if urgency not in Urgency.values:
        raise ValidationFailed(
            f"Unknown urgency '{urgency}'. Choose one of: {', '.join(Urgency.values)}.", field="urgency"
        )
    if immediate_risk and not immediate_risk_details.strip():
        raise ValidationFailed(ERR_RISK_DETAILS, field="immediate_risk_details")
    desc_fields = _clean_description(person_description)

    if person is None:
        description = people_services.person_create_from_description(actor=actor, description=desc_fields)
        person = description.person
    else:
        description = PersonDescription.objects.create(person=person, **desc_fields)

    now = timezone.now()
    previous = Referral.objects.filter(person=person).count()
    open_case = Case.objects.select_for_update().filter(person=person, status__in=OPEN_STATUSES).first()
    region = local_authority.region
    if open_case is None:
        case = Case.objects.create(
            reference=new_reference("CASE"),
            person=person,
            region=region,
            local_authority=local_authority,
            opened_at=now,
            status_changed_at=now,
        )
        CaseStatusChange.objects.create(
            case=case,
            from_status="",
            to_status=CaseStatus.SCREENING,
            changed_at=now,
            actor=actor if actor and actor.is_authenticated else None,
            reason="Referral received",
        )
        audit_record(event="case.opened", actor=actor, target=case)
    else:
        case = open_case
        case.version += 1
        case.save(update_fields=["version", "updated_at"])
    referral = Referral.objects.create(
        reference=new_reference("REF"),
        description=description,
        person=person,
        case=case,
        region=region,
        local_authority=local_authority,
        referrer_name=referrer_name.strip(),
        referrer_email=referrer_email,
        referrer_phone=referrer_phone,
        referrer_organisation=referrer_organisation,
        referrer_role=referrer_role,
        sector=sector,
        concern=concern.strip(),
        referred_on=referred_on,
        received_at=now,
        urgency=urgency,
        immediate_risk=immediate_risk,
        immediate_risk_details=immediate_risk_details,
        submitted_by=actor if actor and actor.is_authenticated else None,
        copied_to_local_authority=region.code in settings.CASEWORK_REFERRAL_COPY_TO_LA_REGIONS,
        previous_referral_count=previous,
        re_referral_of=re_referral_of,
    )
    people_services.person_add_area(person=person, local_authority=local_authority)
    people_services.match_proposals_create(actor=actor, description=description)
    if open_case is not None:
        audit_record(event="case.referral_attached", actor=actor, target=case, data={"referral": str(referral.pk)})
    # The referrer's own words stay out of the audit payload: the audit log is not a second copy of the case.
    audit_record(
        event="referral.submitted",
        actor=actor,
        target=referral,
        data={"case": str(case.pk), "sector": sector, "urgency": urgency, "repeat": previous > 0},
    )
    if referral.copied_to_local_authority:
        audit_record(
            event="referral.routed_to_local_authority",
            actor=None,
            target=referral,
            data={"local_authority": local_authority.code},
        )
    title = f"Referral {referral.reference} received from {Sector(sector).label.lower()}"
    if previous:
        title += f" (repeat referral: {previous + 1} in total)"
    people_services.chronology_append(
        person=person,
        kind=ChronologyKind.REFERRAL,
        title=title,
        detail=concern.strip(),
        actor=actor,
        case_id=case.pk,
        referral_id=referral.pk,
        local_authority=local_authority,
    )
    return referral


SECTOR_BY_ROLE = {"prevent_officer": Sector.POLICE, "prevent_supervisor": Sector.POLICE}


@transaction.atomic
def referral_raise_from_case(
    *,
    actor: User,
    case: Case,
    concern: str,
    source: str,
    sector: str | None = None,
) -> Referral:
    """A new referral about the same person, linked to the earlier case and flagged: raised when an assurance
    review or a receiving (non-CT) service finds counter-terrorism concerns have re-emerged. It goes to Counter
    Terrorism Policing like any referral, with the whole history visible. Audits `referral.re_referred`."""
    if not concern.strip():
        raise ValidationFailed(ERR_NO_CONCERN, field="concern")
    latest = case.person.descriptions.order_by("-created_at").first()
    description = (
        {k: getattr(latest, k) for k in DESCRIPTION_FIELDS}
        if latest
        else {"given_name": case.person.given_name, "family_name": case.person.family_name}
    )
    referral = referral_submit(
        actor=actor,
        person=case.person,
        person_description=description,
        local_authority=case.local_authority,
        referrer_name=actor.get_full_name() or actor.get_username(),
        referrer_organisation=actor.organisation,
        sector=sector or SECTOR_BY_ROLE.get(actor.role, Sector.LOCAL_AUTHORITY),
        concern=concern.strip(),
        urgency=Urgency.URGENT,
        re_referral_of=case,
    )
    audit_record(
        event="referral.re_referred",
        actor=actor,
        target=referral,
        data={"earlier_case": str(case.pk), "source": source},
    )
    return referral


# --- Identity: linking referrals to persons, merging and unmerging ---------------------------------------
# Matching only ever proposes; these services are how a person decides. Descriptions are never edited: linking,
# merging and unmerging only change which person a description (and its referral) points at.


def _move_chronology(*, referral: Referral, to: Person) -> None:
    from casework.people.models import ChronologyEntry

    ChronologyEntry.objects.filter(referral_id=referral.pk).update(person=to)
    ChronologyEntry.objects.filter(case_id=referral.case_id, person_id=referral.person_id).update(person=to)


@transaction.atomic
def referral_link_person(
    *,
    actor: User,
    referral: Referral,
    person: Person,
    reason: str = "",
    expected_version: int | None = None,
) -> Referral:
    """An officer confirms that a referral is about an existing person. The referral (and its description, kept
    as given) now point at that person, whose earlier referrals make this a repeat referral. If the person has
    an open case, the referral joins it and its own new journey closes as 'joined the open case'. Only before a
    gateway decision. Audits `person.linked`."""
    from casework.people.models import MatchDecision, MatchProposal
    from casework.referrals.policies import CaseAction, authorize_case

    case = case_lock(referral.case_id)
    authorize_case(actor, CaseAction.SCREEN, case)
    check_version(case, expected_version)
    referral = Referral.objects.select_for_update().select_related("description").get(pk=referral.pk)
    if person.merged_into_id is not None:
        raise ValidationFailed("That person record has been merged into another; link to that one.", field="person")
    if person.pk == referral.person_id:
        raise ValidationFailed("The referral is already linked to this person.", field="person")
    if case.status != CaseStatus.SCREENING:
        raise InvalidTransition(
            "case",
            case.status,
            "linked",
            "A referral can be linked to a person only while it is being screened, before "
            "any decision; use a person merge for older records.",
        )
    old_person = referral.person
    proposal = MatchProposal.objects.filter(description=referral.description, candidate=person).first()
    MatchDecision.objects.create(
        description=referral.description,
        person=person,
        same_person=True,
        reason=reason,
        fingerprint=description_fingerprint(referral.description, person),
        decided_by=actor,
        decided_at=timezone.now(),
        probability=proposal.probability if proposal else None,
        model_version=proposal.model_version if proposal else "",
    )
    MatchProposal.objects.filter(description=referral.description, candidate=person).update(status="linked")
    _move_chronology(referral=referral, to=person)
    PersonDescription.objects.filter(pk=referral.description_id).update(person=person)
    referral.person = person
    referral.previous_referral_count = Referral.objects.filter(
        person=person, received_at__lt=referral.received_at
    ).count()
    open_case = (
        Case.objects.select_for_update().filter(person=person, status__in=OPEN_STATUSES).exclude(pk=case.pk).first()
    )
    if open_case is not None:
        # Close this referral's own journey first: at most one open case per person.
        case_transition(
            actor=actor,
            case=case,
            to_status=CaseStatus.CLOSED_LINKED,
            reason=f"Referral {referral.reference} joined open case {open_case.reference}",
        )
        referral.case = open_case
        open_case.version += 1
        open_case.save(update_fields=["version", "updated_at"])
        audit_record(
            event="case.referral_attached",
            actor=actor,
            target=open_case,
            data={"referral": str(referral.pk), "from_case": str(case.pk)},
        )
    else:
        case.person = person
        case.version += 1
        case.save(update_fields=["person", "version", "updated_at"])
    referral.save()
    people_services.person_add_area(person=person, local_authority=referral.local_authority)
    if not old_person.descriptions.exists() and not old_person.referrals.exists():
        # The record created for this referral alone has nothing left: retire it into the person it was.
        Person.objects.filter(pk=old_person.pk).update(merged_into=person)
    audit_record(
        event="person.linked",
        actor=actor,
        target=referral,
        data={
            "person": str(person.pk),
            "previous_person": str(old_person.pk),
            "previous_referral_count": referral.previous_referral_count,
            "reason": reason,
        },
    )
    people_services.chronology_append(
        person=person,
        kind="identity",
        actor=actor,
        case_id=referral.case_id,
        referral_id=referral.pk,
        title=f"Referral {referral.reference} linked to this person (referral {referral.previous_referral_count + 1})",
        detail=reason,
        local_authority=referral.local_authority,
    )
    return referral


@transaction.atomic
def referral_reject_match(*, actor: User, referral: Referral, person: Person, reason: str = "") -> None:
    """An officer records that a proposed person is not the one referred. The pair is not proposed again
    unless new data arrives on either side. Audits `person.match_rejected`."""
    from casework.people.models import MatchDecision, MatchProposal
    from casework.referrals.policies import CaseAction, authorize_case

    case = case_lock(referral.case_id)
    authorize_case(actor, CaseAction.SCREEN, case)
    proposal = MatchProposal.objects.filter(description=referral.description, candidate=person).first()
    MatchDecision.objects.create(
        description=referral.description,
        person=person,
        same_person=False,
        reason=reason,
        fingerprint=description_fingerprint(referral.description, person),
        decided_by=actor,
        decided_at=timezone.now(),
        probability=proposal.probability if proposal else None,
        model_version=proposal.model_version if proposal else "",
    )
    MatchProposal.objects.filter(description=referral.description, candidate=person).update(status="rejected")
    audit_record(
        event="person.match_rejected", actor=actor, target=referral, data={"person": str(person.pk), "reason": reason}
    )


@transaction.atomic
def person_merge(*, actor: User, source: Person, target: Person, reason: str) -> Any:
    """Merge two person records found to be one individual: every description, referral and case of `source`
    moves to `target`, which keeps the single chronology. Fully reversible by `person_unmerge`.
    Audits `person.merged`."""
    from casework.people.models import ChronologyEntry, PersonArea, PersonMerge

    if source.pk == target.pk:
        raise ValidationFailed("A person cannot be merged into themselves.", field="target")
    if not reason.strip():
        raise ValidationFailed("Give the reason for merging these records.", field="reason")
    source = Person.objects.select_for_update().get(pk=source.pk)
    target = Person.objects.select_for_update().get(pk=target.pk)
    if source.merged_into_id or target.merged_into_id:
        raise InvalidTransition("person", "merged", "merged", "One of these records has already been merged.")
    open_cases = Case.objects.filter(person__in=[source, target], status__in=OPEN_STATUSES).count()
    if open_cases > 1:
        raise ValidationFailed("Both people have an open case. Close or complete one before merging.", field="source")
    moved: dict[str, list[Any]] = {
        "descriptions": [str(pk) for pk in source.descriptions.values_list("pk", flat=True)],
        "referrals": [str(pk) for pk in Referral.objects.filter(person=source).values_list("pk", flat=True)],
        "cases": [str(pk) for pk in Case.objects.filter(person=source).values_list("pk", flat=True)],
        "chronology": list(ChronologyEntry.objects.filter(person=source).values_list("pk", flat=True)),
        "areas": list(PersonArea.objects.filter(person=source).values_list("local_authority_id", flat=True)),
    }
    PersonDescription.objects.filter(person=source).update(person=target)
    Referral.objects.filter(person=source).update(person=target)
    Case.objects.filter(person=source).update(person=target)
    ChronologyEntry.objects.filter(person=source).update(person=target)
    for la in LocalAuthority.objects.filter(pk__in=moved["areas"]):
        people_services.person_add_area(person=target, local_authority=la)
    source.merged_into = target
    source.save(update_fields=["merged_into", "updated_at"])
    merge = PersonMerge.objects.create(
        source=source, target=target, reason=reason.strip(), moved=moved, merged_by=actor, merged_at=timezone.now()
    )
    audit_record(
        event="person.merged",
        actor=actor,
        target=target,
        data={"source": str(source.pk), "merge": merge.pk, "reason": reason.strip()},
    )
    people_services.chronology_append(
        person=target,
        kind="identity",
        actor=actor,
        title="Another person record merged into this one",
        detail=reason.strip(),
    )
    return merge


@transaction.atomic
def person_unmerge(*, actor: User, merge: Any, reason: str) -> Person:
    """Reverse a merge exactly: the rows it moved go back to the original person. Audits `person.unmerged`."""
    from casework.people.models import ChronologyEntry, PersonMerge

    merge = PersonMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.unmerged_at is not None:
        raise InvalidTransition("merge", "unmerged", "unmerged", "This merge has already been undone.")
    if not reason.strip():
        raise ValidationFailed("Give the reason for undoing the merge.", field="reason")
    source, target, moved = merge.source, merge.target, merge.moved
    PersonDescription.objects.filter(pk__in=moved["descriptions"]).update(person=source)
    Referral.objects.filter(pk__in=moved["referrals"]).update(person=source)
    Case.objects.filter(pk__in=moved["cases"]).update(person=source)
    ChronologyEntry.objects.filter(pk__in=moved["chronology"]).update(person=source)
    Person.objects.filter(pk=source.pk).update(merged_into=None)
    merge.unmerged_at = timezone.now()
    merge.unmerged_by = actor
    merge.unmerge_reason = reason.strip()
    merge.save()
    audit_record(
        event="person.unmerged",
        actor=actor,
        target=source,
        data={"target": str(target.pk), "merge": merge.pk, "reason": reason.strip()},
    )
    people_services.chronology_append(
        person=target,
        kind="identity",
        actor=actor,
        title="A merged person record was separated again",
        detail=reason.strip(),
    )
    source.refresh_from_db()
    return source
