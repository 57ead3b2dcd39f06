"""Scheduling and completing reviews, and the sweep that makes sure none silently passes.

Statutory post-closure reviews fall 6 and 12 months after closure (policy), extendable up to 24 months.
Every open Channel case has exactly one pending open-case review: at the next panel meeting it is on, and
never more than N days (policy) after the last one.
"""

from __future__ import annotations

import datetime as dt

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from casework.accounts.models import Role, User
from casework.audit.services import audit_record
from casework.core.dates import add_months, today
from casework.core.errors import ExtensionLimitExceeded, InvalidTransition, ValidationFailed
from casework.people import services as people_services
from casework.people.models import ChronologyKind
from casework.policy.models import PolicyVersion
from casework.policy.selectors import policy_in_force, policy_mark_used
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, authorize_case
from casework.referrals.services import case_lock, case_transition, check_version
from casework.referrals.states import CaseStatus
from casework.reviews.models import Review, ReviewKind, ReviewOutcome, Task, TaskKind
from casework.reviews.states import PENDING_STATUSES, TRANSITIONS, ReviewStatus

ERR_NOT_YET_DUE = "This review is not due yet: it can be completed from {opens:%d %B %Y} (due {due:%d %B %Y})."
ERR_EXTENSION_LIMIT = (
    "Post-closure monitoring can be extended to at most {max} months after closure; {requested} months was asked."
)

OUTCOMES_BY_KIND = {
    ReviewKind.OPEN_CASE: {ReviewOutcome.CONTINUE, ReviewOutcome.RECOMMEND_CLOSURE},
    ReviewKind.POST_CLOSURE: {ReviewOutcome.NO_CONCERNS, ReviewOutcome.CONCERNS},
    ReviewKind.BELOW_THRESHOLD: {ReviewOutcome.PICKED_UP, ReviewOutcome.NOT_PICKED_UP},
    ReviewKind.HANDOVER_FOLLOWUP: {ReviewOutcome.PICKED_UP, ReviewOutcome.NOT_PICKED_UP},
}


def _review_set_status(*, actor: User | None, review: Review, to_status: str) -> None:
    if to_status not in TRANSITIONS[review.status]:
        raise InvalidTransition(
            "review",
            review.status,
            to_status,
            f"A review that is '{ReviewStatus(review.status).label.lower()}' cannot become "
            f"'{ReviewStatus(to_status).label.lower()}'.",
        )
    review.status = to_status


def _initial_status(due_on: dt.date, policy: PolicyVersion) -> str:
    now = today()
    if now > due_on:
        return ReviewStatus.OVERDUE
    if now >= due_on - dt.timedelta(days=policy.review_window_days):
        return ReviewStatus.DUE
    return ReviewStatus.SCHEDULED


def _create_review(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    due_on: dt.date,
    policy: PolicyVersion,
    months_after_closure: int | None = None,
    extended: bool = False,
) -> Review:
    policy_mark_used(policy)
    review = Review.objects.create(
        case=case,
        kind=kind,
        due_on=due_on,
        status=_initial_status(due_on, policy),
        policy_version=policy,
        months_after_closure=months_after_closure,
        closure_cycle=case.closure_cycle,
        extended=extended,
    )
    audit_record(
        event="review.scheduled",
        actor=actor,
        target=review,
        data={
            "case": str(case.pk),
            "kind": kind,
            "due_on": due_on.isoformat(),
            "months_after_closure": months_after_closure,
            "policy_version": policy.version,
        },
    )
    return review


@transaction.atomic
def review_schedule_after_closure(*, actor: User | None, case: Case, policy: PolicyVersion) -> list[Review]:
    """Schedule the statutory post-closure reviews (6 and 12 months under the default policy) for the case's
    current closure; cancel any pending open-case review (the case is no longer open)."""
    assert case.closed_on is not None
    review_cancel_pending(actor=actor, case=case, kinds=[ReviewKind.OPEN_CASE])
    return [
        _create_review(
            actor=actor,
            case=case,
            kind=ReviewKind.POST_CLOSURE,
            policy=policy,
            due_on=add_months(case.closed_on, months),
            months_after_closure=months,
        )
        for months in policy.post_closure_review_months
    ]


@transaction.atomic
def open_case_review_schedule(*, actor: User | None, case: Case, due_on: dt.date | None = None) -> Review:
    """Ensure the open Channel case has its one pending open-case review, no later than `due_on` (default: the
    policy interval from today). An earlier date (a panel meeting) brings an existing review forward."""
    policy = policy_in_force(local_authority=case.local_authority, on=today())
    latest = today() + dt.timedelta(days=policy.open_case_review_interval_days)
    due_on = min(due_on or latest, latest)
    pending = Review.objects.filter(case=case, kind=ReviewKind.OPEN_CASE, status__in=PENDING_STATUSES).first()
    if pending is None:
        return _create_review(actor=actor, case=case, kind=ReviewKind.OPEN_CASE, due_on=due_on, policy=policy)
    if due_on < pending.due_on:
        pending.due_on = due_on
        pending.status = _initial_status(due_on, pending.policy_version)
        pending.save(update_fields=["due_on", "status", "updated_at"])
        audit_record(event="review.rescheduled", actor=actor, target=pending, data={"due_on": due_on.isoformat()})
    return pending


@transaction.atomic
def review_cancel_pending(*, actor: User | None, case: Case, kinds: list[str]) -> int:
    cancelled = 0
    for review in Review.objects.select_for_update().filter(case=case, kind__in=kinds, status__in=PENDING_STATUSES):
        _review_set_status(actor=actor, review=review, to_status=ReviewStatus.CANCELLED)
        review.save(update_fields=["status", "updated_at"])
        audit_record(event="review.cancelled", actor=actor, target=review, data={"case": str(case.pk)})
        cancelled += 1
    Task.objects.filter(
        review__case=case, review__kind__in=kinds, done_at__isnull=True, review__status=ReviewStatus.CANCELLED
    ).update(done_at=timezone.now())
    return cancelled


@transaction.atomic
def review_complete(
    *, actor: User, review: Review, outcome: str, notes: str, expected_version: int | None = None
) -> Review:
    """Complete a due or overdue review with its outcome. A post-closure review that finds concerns reopens
    the case to the panel (history kept, later reviews of that closure cancelled); the last post-closure review
    without concerns ends monitoring. An open-case review schedules the next one. Audits `review.completed`."""
    case = case_lock(review.case_id)
    authorize_case(actor, CaseAction.COMPLETE_REVIEW, case)
    check_version(case, expected_version)
    review = Review.objects.select_for_update().get(pk=review.pk)
    allowed = OUTCOMES_BY_KIND[ReviewKind(review.kind)]
    if outcome not in allowed:
        raise ValidationFailed(
            f"'{outcome}' is not an outcome of a {ReviewKind(review.kind).label.lower()}. "
            f"Choose one of: {', '.join(sorted(allowed))}.",
            field="outcome",
        )
    if not notes.strip():
        raise ValidationFailed("Record what the review found.", field="notes")
    if review.status == ReviewStatus.SCHEDULED:
        opens = review.due_on - dt.timedelta(days=review.policy_version.review_window_days)
        if today() < opens:
            raise InvalidTransition(
                "review", review.status, ReviewStatus.COMPLETED, ERR_NOT_YET_DUE.format(opens=opens, due=review.due_on)
            )
        review.status = ReviewStatus.DUE  # entered its window since the last sweep
    _review_set_status(actor=actor, review=review, to_status=ReviewStatus.COMPLETED)
    review.outcome = outcome
    review.notes = notes.strip()
    review.completed_by = actor
    review.completed_at = timezone.now()
    review.completed_on = today()
    review.save()
    Task.objects.filter(review=review, done_at__isnull=True).update(done_at=timezone.now())
    audit_record(
        event="review.completed",
        actor=actor,
        target=review,
        data={
            "case": str(case.pk),
            "outcome": outcome,
            "kind": review.kind,
            "policy_version": review.policy_version.version,
        },
    )
    title = f"{review.get_kind_display()}"
    if review.months_after_closure:
        title += f" ({review.months_after_closure} months after closure)"
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.REVIEW,
        actor=actor,
        case_id=case.pk,
        title=f"{title}: {ReviewOutcome(outcome).label}",
        detail=notes.strip(),
        local_authority=case.local_authority,
    )
    if review.kind == ReviewKind.POST_CLOSURE:
        if outcome == ReviewOutcome.CONCERNS:
            _reopen(actor=actor, case=case, review=review)
        elif not Review.objects.filter(
            case=case, kind=ReviewKind.POST_CLOSURE, closure_cycle=review.closure_cycle, status__in=PENDING_STATUSES
        ).exists():
            case_transition(
                actor=actor,
                case=case,
                to_status=CaseStatus.MONITORING_ENDED,
                policy=review.policy_version,
                reason="Last post-closure review found no concerns",
            )
            audit_record(event="case.monitoring_ended", actor=actor, target=case)
            people_services.chronology_append(
                person=case.person,
                kind=ChronologyKind.CLOSURE,
                actor=actor,
                case_id=case.pk,
                title="Post-closure monitoring ended",
                local_authority=case.local_authority,
            )
    elif review.kind == ReviewKind.OPEN_CASE and case.status in (
        CaseStatus.AWAITING_CONSENT,
        CaseStatus.SUPPORT_ACTIVE,
    ):
        open_case_review_schedule(actor=actor, case=case)
    return review


def _reopen(*, actor: User, case: Case, review: Review) -> None:
    review_cancel_pending(actor=actor, case=case, kinds=[ReviewKind.POST_CLOSURE])
    case.reopened_count += 1
    case_transition(
        actor=actor,
        case=case,
        to_status=CaseStatus.AWAITING_PANEL,
        policy=review.policy_version,
        reason=f"Reopened: {review.notes}",
    )
    audit_record(event="case.reopened", actor=actor, target=case, data={"review": str(review.pk)})
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.REOPENED,
        actor=actor,
        case_id=case.pk,
        title="Case reopened: concerns found at review",
        detail=review.notes,
        local_authority=case.local_authority,
    )


@transaction.atomic
def review_extend(
    *, actor: User, case: Case, until_months: int, reason: str, expected_version: int | None = None
) -> list[Review]:
    """Extend post-closure monitoring with further reviews every `extension_step_months` up to `until_months`
    after closure, never beyond the policy maximum (24 months). Monitoring that has just ended may be resumed
    within that period. Raises ExtensionLimitExceeded. Audits `review.extended`."""
    case = case_lock(case.pk)
    authorize_case(actor, CaseAction.EXTEND_MONITORING, case)
    check_version(case, expected_version)
    if case.status not in (CaseStatus.CLOSED, CaseStatus.MONITORING_ENDED):
        raise InvalidTransition(
            "case",
            case.status,
            "monitoring_extended",
            "Monitoring can only be extended for a closed Channel case; this one is "
            f"'{CaseStatus(case.status).label}'.",
        )
    if not reason.strip():
        raise ValidationFailed("Give the panel's reason for extending monitoring.", field="reason")
    assert case.closed_on is not None
    cycle_reviews = Review.objects.filter(case=case, kind=ReviewKind.POST_CLOSURE, closure_cycle=case.closure_cycle)
    first = cycle_reviews.order_by("months_after_closure").first()
    policy = first.policy_version if first else policy_in_force(local_authority=case.local_authority, on=today())
    if until_months > policy.max_monitoring_months:
        raise ExtensionLimitExceeded(
            ERR_EXTENSION_LIMIT.format(max=policy.max_monitoring_months, requested=until_months), field="until_months"
        )
    scheduled = sorted(r.months_after_closure or 0 for r in cycle_reviews)
    last = scheduled[-1] if scheduled else 0
    if until_months <= last:
        raise ValidationFailed(
            f"Reviews are already scheduled up to {last} months after closure.", field="until_months"
        )
    months = list(range(last + policy.extension_step_months, until_months + 1, policy.extension_step_months))
    if not months or months[-1] != until_months:
        months.append(until_months)
    if add_months(case.closed_on, until_months) < today():
        raise ValidationFailed(f"{until_months} months after closure has already passed.", field="until_months")
    if case.status == CaseStatus.MONITORING_ENDED:
        case_transition(
            actor=actor, case=case, to_status=CaseStatus.CLOSED, policy=policy, reason=f"Monitoring extended: {reason}"
        )
    created = [
        _create_review(
            actor=actor,
            case=case,
            kind=ReviewKind.POST_CLOSURE,
            policy=policy,
            extended=True,
            due_on=add_months(case.closed_on, m),
            months_after_closure=m,
        )
        for m in months
    ]
    audit_record(
        event="review.extended",
        actor=actor,
        target=case,
        data={"until_months": until_months, "added": months, "reason": reason},
    )
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.REVIEW,
        actor=actor,
        case_id=case.pk,
        title=f"Monitoring extended to {until_months} months after closure",
        detail=reason,
        local_authority=case.local_authority,
    )
    return created


def _owners(review: Review) -> tuple[str, dict[str, object]]:
    if review.kind in (ReviewKind.OPEN_CASE, ReviewKind.POST_CLOSURE):
        return Role.CHANNEL_CHAIR, {"owner_local_authority_id": review.case.local_authority_id}
    return Role.PREVENT_OFFICER, {"owner_region_id": review.case.region_id}


def _ensure_task(review: Review, kind: str, title: str) -> Task | None:
    """Create the task once. The unique (review, kind) constraint makes a concurrent second sweep's insert
    fail harmlessly instead of creating a duplicate."""
    if Task.objects.filter(review=review, kind=kind).exists():
        return None
    role, owner = _owners(review)
    try:
        with transaction.atomic():
            task = Task.objects.create(
                kind=kind, review=review, case=review.case, owner_role=role, title=title, due_on=review.due_on, **owner
            )
    except IntegrityError:
        return None
    audit_record(event="task.created", actor=None, target=review, data={"task": str(task.pk), "kind": kind})
    recipients = list(
        User.objects.filter(is_active=True, role=role, **{k.replace("owner_", ""): v for k, v in owner.items()})
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if recipients:
        transaction.on_commit(
            lambda: send_mail(
                subject=f"Casework: {title}",
                # No personal data in e-mail: the case reference only; details are behind sign-in.
                message=f"{title}.\nCase {review.case.reference}. Sign in to Casework to see it.",
                from_email=None,
                recipient_list=recipients,
                fail_silently=True,
            )
        )
    return task


def sweep_reviews(*, on: dt.date | None = None) -> dict[str, int]:
    """Move reviews into their due window and past their date, and create reminder tasks for their owners.
    Idempotent: each review row is moved under a row lock in its own transaction and each task is unique per
    review and kind, so running it twice, or twice at once, creates nothing twice."""
    on = on or today()
    counts = {"became_due": 0, "became_overdue": 0, "tasks_created": 0, "escalated": 0}
    candidates = (
        Review.objects.filter(status__in=[ReviewStatus.SCHEDULED, ReviewStatus.DUE])
        .filter(due_on__lte=on + dt.timedelta(days=60))
        .values_list("pk", flat=True)
    )
    for pk in list(candidates):
        with transaction.atomic():
            review = Review.objects.select_for_update().select_related("case", "policy_version").get(pk=pk)
            window_opens = review.due_on - dt.timedelta(days=review.policy_version.review_window_days)
            if review.status == ReviewStatus.SCHEDULED and on >= window_opens:
                review.status = ReviewStatus.DUE
                review.save(update_fields=["status", "updated_at"])
                audit_record(event="review.became_due", actor=None, target=review)
                counts["became_due"] += 1
            if review.status == ReviewStatus.DUE and on > review.due_on:
                review.status = ReviewStatus.OVERDUE
                review.save(update_fields=["status", "updated_at"])
                audit_record(event="review.became_overdue", actor=None, target=review)
                counts["became_overdue"] += 1
    for review in Review.objects.filter(status__in=[ReviewStatus.DUE, ReviewStatus.OVERDUE]).select_related(
        "case", "policy_version"
    ):
        label = review.get_kind_display()
        with transaction.atomic():
            if _ensure_task(review, TaskKind.REVIEW_DUE, f"{label} due by {review.due_on:%d %B %Y}"):
                counts["tasks_created"] += 1
            if review.status == ReviewStatus.OVERDUE and _ensure_task(
                review, TaskKind.REVIEW_OVERDUE, f"{label} overdue since {review.due_on:%d %B %Y}"
            ):
                counts["tasks_created"] += 1
            grace = review.policy_version.escalation_grace_days
            if review.status == ReviewStatus.OVERDUE and on > review.due_on + dt.timedelta(days=grace):
                task = _ensure_task(
                    review, TaskKind.REVIEW_ESCALATED, f"Escalated: {label.lower()} overdue more than {grace} days"
                )
                if task:
                    audit_record(event="task.escalated", actor=None, target=review, data={"task": str(task.pk)})
                    counts["escalated"] += 1
    return counts
