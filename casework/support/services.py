"""Support package writes. Nothing here starts without recorded consent."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from casework.accounts.models import Role
from casework.audit.services import audit_record
from casework.core.dates import today
from casework.core.errors import InvalidTransition, NotFound, ValidationFailed
from casework.panels.services import require_consent
from casework.people import services as people_services
from casework.people.models import ChronologyKind
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, authorize_case
from casework.referrals.services import case_lock
from casework.support.models import (
    INTERVENTION_TRANSITIONS,
    Intervention,
    InterventionStatus,
    InterventionType,
    ProgressNote,
    SupportAction,
)

if TYPE_CHECKING:
    from casework.accounts.models import User


@transaction.atomic
def intervention_add(
    *,
    actor: User,
    case: Case,
    type: str,
    provider_name: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    provider_user: User | None = None,
    goals: str = "",
) -> Intervention:
    """Add an intervention to the support package. Raises ConsentRequired unless consent is recorded and
    support is active. Audits `intervention.added`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.MANAGE_SUPPORT, case)
    require_consent(case)
    kind = InterventionType.objects.filter(code=type, active=True).first()
    if kind is None:
        codes = ", ".join(InterventionType.objects.filter(active=True).values_list("code", flat=True))
        raise ValidationFailed(f"Unknown intervention type '{type}'. Choose one of: {codes}.", field="type")
    if not provider_name.strip():
        raise ValidationFailed("Name the provider.", field="provider_name")
    if ends_on is not None and ends_on < starts_on:
        raise ValidationFailed("The end date must be on or after the start date.", field="ends_on")
    if provider_user is not None and provider_user.role != Role.INTERVENTION_PROVIDER:
        raise ValidationFailed("The assigned account must be an intervention provider.", field="provider_user")
    status = InterventionStatus.ACTIVE if starts_on <= today() else InterventionStatus.PLANNED
    item = Intervention.objects.create(
        case=case,
        type=type,
        provider_name=provider_name.strip(),
        provider_user=provider_user,
        starts_on=starts_on,
        ends_on=ends_on,
        status=status,
        goals=goals,
    )
    audit_record(
        event="intervention.added",
        actor=actor,
        target=case,
        data={"intervention": str(item.pk), "type": type, "provider_user": provider_user.pk if provider_user else None},
    )
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.SUPPORT,
        actor=actor,
        case_id=case.pk,
        title=f"Intervention added: {kind.name}",
        local_authority=case.local_authority,
    )
    return item


@transaction.atomic
def intervention_set_status(*, actor: User, intervention: Intervention, status: str) -> Intervention:
    case = case_lock(intervention.case_id)
    authorize_case(actor, CaseAction.MANAGE_SUPPORT, case)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if status not in INTERVENTION_TRANSITIONS.get(intervention.status, frozenset()):
        raise InvalidTransition(
            "intervention",
            intervention.status,
            status,
            f"An intervention that is '{intervention.status}' cannot become '{status}'.",
        )
    if status == InterventionStatus.ACTIVE:
        require_consent(case)
    intervention.status = status
    if status in (InterventionStatus.COMPLETED, InterventionStatus.ENDED) and intervention.ends_on is None:
        intervention.ends_on = max(today(), intervention.starts_on)
    intervention.save()
    audit_record(
        event="intervention.status_changed",
        actor=actor,
        target=case,
        data={"intervention": str(intervention.pk), "status": status},
    )
    return intervention


@transaction.atomic
def support_action_add(
    *,
    actor: User,
    case: Case,
    description: str,
    owner_name: str,
    due_on: dt.date,
    intervention: Intervention | None = None,
    owner_user: User | None = None,
) -> SupportAction:
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.MANAGE_SUPPORT, case)
    require_consent(case)
    if not description.strip() or not owner_name.strip():
        raise ValidationFailed("An action needs a description and an owner.", field="description")
    if intervention is not None and intervention.case_id != case.pk:
        raise NotFound("No intervention with that id on this case.")
    action = SupportAction.objects.create(
        case=case,
        intervention=intervention,
        description=description.strip(),
        owner_name=owner_name.strip(),
        owner_user=owner_user,
        due_on=due_on,
    )
    audit_record(event="support_action.added", actor=actor, target=case, data={"action": str(action.pk)})
    return action


@transaction.atomic
def support_action_complete(*, actor: User, action: SupportAction) -> SupportAction:
    case = case_lock(action.case_id)
    authorize_case(actor, CaseAction.RECORD_PROGRESS, case)
    action = SupportAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is not None:
        raise InvalidTransition("action", "done", "done", "This action is already done.")
    action.done_at = timezone.now()
    action.save(update_fields=["done_at", "updated_at"])
    audit_record(event="support_action.completed", actor=actor, target=case, data={"action": str(action.pk)})
    return action


@transaction.atomic
def progress_note_add(*, actor: User, case: Case, text: str, intervention: Intervention | None = None) -> ProgressNote:
    """A progress note by the chair, an invited panel member, or the provider assigned to the intervention.
    A provider may only write about their own intervention. Audits `progress_note.added`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.RECORD_PROGRESS, case)
    if not text.strip():
        raise ValidationFailed("Write the progress note.", field="text")
    if intervention is not None and intervention.case_id != case.pk:
        raise NotFound("No intervention with that id on this case.")
    if actor.role == Role.INTERVENTION_PROVIDER and (intervention is None or intervention.provider_user_id != actor.pk):
        raise NotFound("No intervention with that id assigned to you.")
    note = ProgressNote.objects.create(
        case=case, intervention=intervention, author=actor, written_at=timezone.now(), text=text.strip()
    )
    audit_record(event="progress_note.added", actor=actor, target=case, data={"note": str(note.pk)})
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.SUPPORT,
        actor=actor,
        case_id=case.pk,
        title="Progress note",
        detail=text.strip(),
        local_authority=case.local_authority,
    )
    return note
