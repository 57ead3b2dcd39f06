"""Need-to-know beyond the normal scope, and accountability for it: break-glass grants, the audit-log viewer and
subject access request exports. Every function here audits what it did; break-glass and exports are flagged, so
assurance can list them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from casework.accounts.models import AccessGrant, Role
from casework.audit.models import AuditEvent
from casework.audit.services import audit_record
from casework.core.errors import NotFound, PermissionDenied, ValidationFailed
from casework.people.models import Person
from casework.people.policies import PersonPolicy
from casework.referrals.models import Case
from casework.referrals.policies import CasePolicy
from casework.referrals.states import OPEN_STATUSES

if TYPE_CHECKING:
    from casework.accounts.models import User

MIN_REASON_LENGTH = 10
REASON_REQUIRED = (
    f"Give the reason you need to open this record (at least {MIN_REASON_LENGTH} characters). It is recorded, "
    "flagged in the audit log and reviewed."
)
TARGET_TYPE_INVALID = "target_type must be 'case' or 'person'."
OFFICER_PERSON_ONLY = "Prevent officers ask to see a person's history (target_type 'person'), not another case."
OFFICER_NOT_TRIAGING = (
    "You can see a person's history in other regions only while a referral about them is open in your region."
)
NO_SUCH_REPORT = "No such report."


def _grant_minutes() -> int:
    return int(getattr(settings, "CASEWORK_ACCESS_GRANT_MINUTES", 60))


def _find_target(target_type: str, target_id: Any) -> Case | Person:
    if target_type == "case":
        case = Case.objects.filter(pk=target_id).first()
        if case is None:
            raise NotFound("No case with that id.", field="target_id")
        return case
    person = Person.objects.filter(pk=target_id, merged_into__isnull=True).first()
    if person is None:
        raise NotFound("No person with that id.", field="target_id")
    return person


@transaction.atomic
def access_grant_create(*, actor: User, target_type: str, target_id: Any, reason: str) -> AccessGrant:
    """Break-glass: an assurance lead opens any individual case or person; a Prevent officer or supervisor
    triaging a person (an open case about them in their region) sees the person's history in every region.
    View only, for CASEWORK_ACCESS_GRANT_MINUTES. Raises ValidationFailed (no reason), NotFound (other roles, and
    records they may not ask for: indistinguishable from missing ones), PermissionDenied. Audits a flagged
    `case.break_glass_accessed` or `person.history_accessed` with the reason."""
    if target_type not in ("case", "person"):
        raise ValidationFailed(TARGET_TYPE_INVALID, field="target_type")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(REASON_REQUIRED, field="reason")
    if not (actor.is_authenticated and actor.is_active):
        raise NotFound(f"No {target_type} with that id.", field="target_id")
    if actor.role == Role.ASSURANCE_LEAD:
        target = _find_target(target_type, target_id)
    elif actor.role in (Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR):
        if target_type != "person":
            raise PermissionDenied(
                OFFICER_PERSON_ONLY, target_type=target_type, target_id=str(target_id), action="break_glass"
            )
        person = PersonPolicy.in_scope(actor).filter(pk=target_id).first()
        if person is None:
            raise NotFound("No person with that id.", field="target_id")
        triaging = CasePolicy.in_scope(actor).filter(person=person, status__in=OPEN_STATUSES).exists()
        if not triaging:
            raise PermissionDenied(
                OFFICER_NOT_TRIAGING, target_type="person", target_id=str(person.pk), action="break_glass"
            )
        target = person
    else:
        raise NotFound(f"No {target_type} with that id.", field="target_id")
    grant = AccessGrant.objects.create(
        user=actor,
        target_type=target_type,
        target_id=target.pk,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(minutes=_grant_minutes()),
    )
    audit_record(
        event="person.history_accessed" if target_type == "person" else "case.break_glass_accessed",
        actor=actor,
        target=target,
        reason=reason,
        data={"grant": str(grant.pk), "expires_at": grant.expires_at.isoformat()},
    )
    return grant


# --- The audit-log viewer -------------------------------------------------------------------------------------


def _audit_scope(user: User) -> QuerySet[AuditEvent]:
    """Assurance leads see the whole log; a Channel chair the events about their own panel's cases; nobody else
    anything (NotFound, as for any report they may not see)."""
    if user.is_authenticated and user.is_active and user.role == Role.ASSURANCE_LEAD:
        return AuditEvent.objects.all()
    if user.is_authenticated and user.is_active and user.role == Role.CHANNEL_CHAIR and user.local_authority_id:
        case_ids = [str(pk) for pk in CasePolicy.in_scope(user).values_list("pk", flat=True)]
        return AuditEvent.objects.filter(target_type="case", target_id__in=case_ids)
    raise NotFound(NO_SUCH_REPORT)


def audit_event_list(
    *,
    user: User,
    target_type: str = "",
    target_id: str = "",
    actor: str = "",
    event: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    flagged: bool | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEvent]:
    """The audit events the user may see, filtered, newest first. `event` ending in '.*' matches a prefix
    (e.g. 'auth.*'); `actor` is a username. The viewing is itself audited (`audit.viewed`, with the filters)."""
    events = _audit_scope(user).select_related("actor")
    if target_type:
        events = events.filter(target_type=target_type)
    if target_id:
        events = events.filter(target_id=target_id)
    if actor:
        events = events.filter(Q(actor__username=actor) | Q(actor_label=actor))
    if event:
        events = events.filter(event__startswith=event[:-1]) if event.endswith("*") else events.filter(event=event)
    if date_from:
        events = events.filter(occurred_at__date__gte=date_from)
    if date_to:
        events = events.filter(occurred_at__date__lte=date_to)
    if flagged is not None:
        events = events.filter(flagged=flagged)
    rows = list(events.order_by("-seq")[offset : offset + max(1, min(limit, 500))])
    filters = {
        "target_type": target_type,
        "target_id": target_id,
        "actor": actor,
        "event": event,
        "date_from": date_from,
        "date_to": date_to,
        "flagged": flagged,
        "offset": offset,
    }
    audit_record(
        event="audit.viewed",
        actor=user,
        data={"filters": {k: v for k, v in filters.items() if v not in ("", None)}, "count": len(rows)},
    )
    return rows


# --- Subject access request export ----------------------------------------------------------------------------

REDACTED = "[redacted: third party]"
# Fields that identify someone other than the data subject: the referrer (partner or member of the public) and
# the people they named as contacts. Free text cannot be checked automatically for other people's names: the
# export says so, and a person reviews it before disclosure.
THIRD_PARTY_FIELDS = frozenset(
    {
        "referrer_name",
        "referrer_email",
        "referrer_phone",
        "referrer_organisation",
        "referrer_role",
        "submitted_by",
        "given_by_name",
        "contact",
    }
)
FREE_TEXT_NOTE = (
    "Free-text fields (concern, rationale, notes, minutes) may name other people; they cannot be detected "
    "automatically. Review them before disclosure."
)


def _row(obj: models.Model, redactions: list[str], path: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        name = field.attname if field.is_relation else field.name
        value = getattr(obj, field.attname)
        if (field.name in THIRD_PARTY_FIELDS or name in THIRD_PARTY_FIELDS) and value not in (None, ""):
            redactions.append(f"{path}.{field.name}")
            value = REDACTED
        out[name] = value
    return out


def _children(obj: models.Model, redactions: list[str], path: str, depth: int = 0) -> dict[str, Any]:
    """Every one-to-many and one-to-one record hanging off `obj` (a person or case), two levels deep."""
    out: dict[str, Any] = {}
    for rel in obj._meta.related_objects:
        if rel.related_model in (Case, Person) or rel.many_to_many:
            continue
        accessor = rel.get_accessor_name()
        if accessor is None or accessor.startswith("+") or rel.related_name == "+":
            continue
        try:
            related = getattr(obj, accessor)
        except rel.related_model.DoesNotExist:  # type: ignore[attr-defined]
            continue
        items = list(related.all()) if rel.one_to_many else [related]
        rows = []
        for i, item in enumerate(items):
            row_path = f"{path}.{accessor}[{i}]"
            row = _row(item, redactions, row_path)
            if depth < 1:
                row.update(_children(item, redactions, row_path, depth + 1))
            rows.append(row)
        if rows:
            out[accessor] = rows
    return out


@transaction.atomic
def person_subject_access_export(*, actor: User | None, person_id: Any, reason: str) -> dict[str, Any]:
    """Everything held about a person, for a subject access request: the person, every description, case and
    record hanging off them, with third parties' identities redacted and marked. Only an assurance lead (or
    the command line, actor None) may export; others get NotFound. Audits a flagged `person.exported`."""
    if actor is not None and not (actor.is_authenticated and actor.is_active and actor.role == Role.ASSURANCE_LEAD):
        raise NotFound("No person with that id.")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationFailed(REASON_REQUIRED, field="reason")
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound("No person with that id.")
    redactions: list[str] = []
    export: dict[str, Any] = {
        "exported_at": timezone.now(),
        "person": _row(person, redactions, "person"),
    }
    export["person"].update(_children(person, redactions, "person"))
    cases = []
    for i, case in enumerate(Case.objects.filter(person=person).order_by("opened_at")):
        row = _row(case, redactions, f"cases[{i}]")
        row.update(_children(case, redactions, f"cases[{i}]"))
        cases.append(row)
    export["cases"] = cases
    export["third_party"] = {"redacted_fields": redactions, "replacement": REDACTED, "note": FREE_TEXT_NOTE}
    audit_record(
        event="person.exported",
        actor=actor,
        target=person,
        reason=reason,
        data={"cases": len(cases), "redactions": len(redactions)},
    )
    return export
