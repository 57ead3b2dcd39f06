"""Scheduling and completing reviews, and the sweep that makes sure none silently passes.

Statutory post-closure reviews fall 6 and 12 months after closure (policy), extendable up to 24 months.
Every open Channel case has exactly one pending open-case review: at the next panel meeting it is on, and
never more than N days (policy) after the last one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from casework.accounts.models import Role, User
from casework.audit.services import audit_record
from casework.core.dates import add_months, today
from casework.core.errors import ExtensionLimitExceeded, InvalidTransition, ValidationFailed
from casework.people import services as people_services
from casework.people.models import ChronologyKind
from casework.policy.models import PolicyVersion
from casework.policy.selectors import policy_in_force, policy_mark_used
from casework.referrals import services as referral_services
from casework.referrals.models import Case
from casework.referrals.policies import CaseAction, authorize_case
from casework.referrals.services import case_lock, case_transition, check_version
from casework.referrals.states import CaseStatus
from casework.reviews.models import Notification, Review, ReviewKind, ReviewOutcome, Task, TaskKind
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


ASSURANCE_KINDS = frozenset({ReviewKind.BELOW_THRESHOLD, ReviewKind.HANDOVER_FOLLOWUP})


@transaction.atomic
def review_complete(
    *,
    actor: User,
    review: Review,
    outcome: str,
    notes: str,
    expected_version: int | None = None,
    rereferral_concern: str = "",
) -> Review:
    """Complete a due or overdue review with its outcome. A post-closure review that finds concerns reopens
    the case to the panel (history kept, later reviews of that closure cancelled); the last post-closure review
    without concerns ends monitoring. An open-case review schedules the next one. An assurance review (below
    threshold, handover follow-up) is the police's, and may raise a new referral linked to the case.
    Audits `review.completed`."""
    case = case_lock(review.case_id)
    kind = ReviewKind(review.kind)
    authorize_case(
        actor, CaseAction.COMPLETE_ASSURANCE_REVIEW if kind in ASSURANCE_KINDS else CaseAction.COMPLETE_REVIEW, case
    )
    check_version(case, expected_version)
    review = Review.objects.select_for_update().get(pk=review.pk)
    allowed = OUTCOMES_BY_KIND[kind]
    if outcome not in allowed:
        raise ValidationFailed(
            f"'{outcome}' is not an outcome of a {kind.label.lower()}. Choose one of: {', '.join(sorted(allowed))}.",
            field="outcome",
        )
    if not notes.strip():
        raise ValidationFailed("Record what the review found.", field="notes")
    if rereferral_concern.strip() and kind not in ASSURANCE_KINDS:
        raise ValidationFailed(
            "Only an assurance review raises a new referral; a post-closure review with "
            "concerns reopens the case instead.",
            field="rereferral_concern",
        )
    review_mark_completed(actor=actor, review=review, outcome=outcome, notes=notes)
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
    if rereferral_concern.strip():
        referral_services.referral_raise_from_case(
            actor=actor, case=case, concern=rereferral_concern.strip(), source=f"{kind.label} {review.due_on:%d %B %Y}"
        )
    return review


def review_mark_completed(*, actor: User, review: Review, outcome: str, notes: str) -> Review:
    """Record a (locked) review as completed: the shared tail of every completion path."""
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
    tasks_close(subject_prefix=f"review:{review.pk}")
    audit_record(
        event="review.completed",
        actor=actor,
        target=review,
        data={
            "case": str(review.case_id),
            "outcome": outcome,
            "kind": review.kind,
            "policy_version": review.policy_version.version,
        },
    )
    title = review.get_kind_display()
    if review.months_after_closure:
        title += f" ({review.months_after_closure} months after closure)"
    case = review.case
    people_services.chronology_append(
        person=case.person,
        kind=ChronologyKind.REVIEW,
        actor=actor,
        case_id=case.pk,
        title=f"{title}: {ReviewOutcome(outcome).label}",
        detail=notes.strip(),
        local_authority=case.local_authority,
    )
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


# --- Assurance review points -------------------------------------------------------------------------------


@transaction.atomic
def assurance_reviews_schedule(
    *,
    actor: User | None,
    case: Case,
    kind: str,
    from_date: dt.date,
    days: list[int],
    subject: str,
    policy: PolicyVersion,
) -> list[Review]:
    """Schedule assurance review points `days` after `from_date` (below-threshold decisions, handover follow-ups).
    Each point is unique per subject, so scheduling the same decision twice creates nothing twice."""
    created = []
    for d in days:
        key = f"{subject}:{d}"
        if Review.objects.filter(kind=kind, subject_key=key).exists():
            continue
        review = _create_review(
            actor=actor, case=case, kind=kind, due_on=from_date + dt.timedelta(days=d), policy=policy
        )
        review.subject_key = key
        review.save(update_fields=["subject_key"])
        created.append(review)
    return created


# --- Tasks, escalation and notifications -----------------------------------------------------------------


def _owner_fields(case: Case, owner: str) -> dict[str, object]:
    if owner in (Role.CHANNEL_CHAIR,):
        return {"owner_role": owner, "owner_local_authority_id": case.local_authority_id}
    return {"owner_role": owner, "owner_region_id": case.region_id}


def _recipients(task: Task) -> list[str]:
    if task.owner_user_id:
        users = User.objects.filter(pk=task.owner_user_id, is_active=True)
    else:
        users = User.objects.filter(is_active=True, role=task.owner_role)
        if task.owner_local_authority_id:
            users = users.filter(local_authority_id=task.owner_local_authority_id)
        elif task.owner_region_id:
            users = users.filter(region_id=task.owner_region_id)
        else:
            return []
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def task_ensure(
    *,
    kind: str,
    subject_key: str,
    case: Case,
    owner_role: str,
    title: str,
    due_on: dt.date,
    review: Review | None = None,
    owner_user: User | None = None,
    escalation: bool = False,
) -> Task | None:
    """Create the task (and its notifications, in the same transaction) unless it exists. The unique
    (kind, subject) constraint makes a concurrent second sweep's insert fail harmlessly."""
    if Task.objects.filter(kind=kind, subject_key=subject_key).exists():
        return None
    try:
        with transaction.atomic():
            task = Task.objects.create(
                kind=kind,
                subject_key=subject_key,
                case=case,
                review=review,
                title=title,
                due_on=due_on,
                owner_user=owner_user,
                escalation=escalation,
                **_owner_fields(case, owner_role),
            )
            for email in _recipients(task):
                # No personal data in e-mail: the case reference only; the details are behind sign-in.
                Notification.objects.create(
                    task=task,
                    recipient=email,
                    subject=f"Casework: {title}",
                    body=f"{title}.\nCase {case.reference}. Sign in to Casework to see it.",
                )
            audit_record(
                event="task.escalated" if escalation else "task.created",
                actor=None,
                target=case,
                data={"task": str(task.pk), "kind": kind, "subject": subject_key},
            )
    except IntegrityError:
        return None
    return task


def tasks_close(*, subject_prefix: str) -> int:
    """Mark the open tasks about a subject done (the review was completed, the decision countersigned, …)."""
    return Task.objects.filter(subject_key__startswith=subject_prefix, done_at__isnull=True).update(
        done_at=timezone.now()
    )


def notifications_send(*, limit: int | None = None) -> int:
    """Send unsent notifications. Each row is claimed and marked sent in its own committed transaction before
    the mail backend is called: at most once, even if the worker is killed mid-way (skip_locked lets two
    senders share the queue without waiting on each other)."""
    sent = 0
    while limit is None or sent < limit:
        with transaction.atomic():
            row = (
                Notification.objects.select_for_update(skip_locked=True)
                .filter(sent_at__isnull=True)
                .order_by("id")
                .first()
            )
            if row is None:
                break
            row.sent_at = timezone.now()
            row.save(update_fields=["sent_at"])
        send_mail(
            subject=row.subject, message=row.body, from_email=None, recipient_list=[row.recipient], fail_silently=True
        )
        sent += 1
    return sent


REVIEW_OWNER = {
    ReviewKind.OPEN_CASE: Role.CHANNEL_CHAIR,
    ReviewKind.POST_CLOSURE: Role.CHANNEL_CHAIR,
    ReviewKind.BELOW_THRESHOLD: Role.PREVENT_OFFICER,
    ReviewKind.HANDOVER_FOLLOWUP: Role.PREVENT_OFFICER,
}
# Overdue items escalate to whoever supervises the owner: police work to the supervisor, panel work stays with
# the chair (who chairs the panel that owns it) and is flagged as escalated.
ESCALATE_TO = {Role.PREVENT_OFFICER: Role.PREVENT_SUPERVISOR, Role.CHANNEL_CHAIR: Role.CHANNEL_CHAIR}


def _sweep_review_statuses(on: dt.date, counts: dict[str, int]) -> None:
    # Only reviews that may change state today: scheduled ones inside the widest window any policy allows, and
    # due ones past their date. Each is re-checked exactly under its row lock below.
    widest = PolicyVersion.objects.aggregate(w=Max("review_window_days"))["w"] or 0
    candidates = Review.objects.filter(
        Q(status=ReviewStatus.SCHEDULED, due_on__lte=on + dt.timedelta(days=widest))
        | Q(status=ReviewStatus.DUE, due_on__lt=on)
    ).values_list("pk", flat=True)
    for pk in list(candidates):
        with transaction.atomic():
            review = Review.objects.select_for_update().select_related("policy_version").get(pk=pk)
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


def _count(task: Task | None, counts: dict[str, int], key: str = "tasks_created") -> None:
    if task is not None:
        counts[key] += 1


class _KnownTasks:
    """The (kind, subject) pairs that already have a task, read once per sweep for the subjects in hand, so a
    steady-state sweep does not ask once per review. task_ensure still checks (and the unique constraint still
    guards) whatever is created meanwhile by a concurrent sweep."""

    def __init__(self, tasks: QuerySet[Task]) -> None:
        self.known = set(tasks.values_list("kind", "subject_key"))

    def ensure(self, **kwargs: Any) -> Task | None:
        if (kwargs["kind"], kwargs["subject_key"]) in self.known:
            return None
        return task_ensure(**kwargs)


def _sweep_review_tasks(on: dt.date, counts: dict[str, int]) -> None:
    active = [ReviewStatus.DUE, ReviewStatus.OVERDUE]
    pending = Review.objects.filter(status__in=active).select_related("case", "policy_version")
    task_ensure = _KnownTasks(Task.objects.filter(review__status__in=active)).ensure
    for review in pending:
        label = review.get_kind_display()
        owner = REVIEW_OWNER[ReviewKind(review.kind)]
        key = f"review:{review.pk}"
        _count(
            task_ensure(
                kind=TaskKind.REVIEW_DUE,
                subject_key=key,
                case=review.case,
                review=review,
                owner_role=owner,
                title=f"{label} due by {review.due_on:%d %B %Y}",
                due_on=review.due_on,
            ),
            counts,
        )
        if review.status != ReviewStatus.OVERDUE:
            continue
        _count(
            task_ensure(
                kind=TaskKind.REVIEW_OVERDUE,
                subject_key=key,
                case=review.case,
                review=review,
                owner_role=owner,
                title=f"{label} overdue since {review.due_on:%d %B %Y}",
                due_on=review.due_on,
            ),
            counts,
        )
        grace = review.policy_version.escalation_grace_days
        if on > review.due_on + dt.timedelta(days=grace):
            _count(
                task_ensure(
                    kind=TaskKind.REVIEW_ESCALATED,
                    subject_key=key,
                    case=review.case,
                    review=review,
                    owner_role=ESCALATE_TO[owner],
                    escalation=True,
                    due_on=review.due_on,
                    title=f"Escalated: {label.lower()} overdue more than {grace} days",
                ),
                counts,
                "escalated",
            )


def _policies(on: dt.date) -> Callable[[Case], PolicyVersion]:
    """policy_in_force for each case's area on `on`, asked once per area in a sweep."""
    cache: dict[int, PolicyVersion] = {}

    def policy_for(case: Case) -> PolicyVersion:
        if case.local_authority_id not in cache:
            cache[case.local_authority_id] = policy_in_force(local_authority=case.local_authority, on=on)
        return cache[case.local_authority_id]

    return policy_for


def _sweep_countersignatures(on: dt.date, counts: dict[str, int]) -> None:
    waiting = Case.objects.filter(status=CaseStatus.AWAITING_COUNTERSIGN).select_related("local_authority")
    task_ensure = _KnownTasks(
        Task.objects.filter(
            kind__in=[TaskKind.COUNTERSIGN_PENDING, TaskKind.COUNTERSIGN_ESCALATED],
            case__status=CaseStatus.AWAITING_COUNTERSIGN,
        )
    ).ensure
    policy_for = _policies(on)
    for case in waiting:
        policy = policy_for(case)
        since = timezone.localdate(case.status_changed_at)
        key = f"countersign:{case.pk}:{case.version}"
        _count(
            task_ensure(
                kind=TaskKind.COUNTERSIGN_PENDING,
                subject_key=key,
                case=case,
                due_on=since,
                owner_role=Role.PREVENT_SUPERVISOR,
                title=f"Decision awaiting countersignature since {since:%d %B %Y}",
            ),
            counts,
        )
        if on > since + dt.timedelta(days=policy.escalation_grace_days):
            _count(
                task_ensure(
                    kind=TaskKind.COUNTERSIGN_ESCALATED,
                    subject_key=key,
                    case=case,
                    due_on=since,
                    owner_role=Role.PREVENT_SUPERVISOR,
                    escalation=True,
                    title=f"Escalated: countersignature outstanding more than {policy.escalation_grace_days} days",
                ),
                counts,
                "escalated",
            )


def _sweep_response_times(on: dt.date, counts: dict[str, int]) -> None:
    """Gateway decisions past their working-day target, and cases waiting for a panel past theirs."""
    from casework.core.dates import add_working_days

    waiting = [CaseStatus.SCREENING, CaseStatus.ASSESSMENT, CaseStatus.AWAITING_PANEL]
    task_ensure = _KnownTasks(
        Task.objects.filter(
            kind__in=[TaskKind.GATEWAY_TARGET_BREACHED, TaskKind.GATEWAY_ESCALATED, TaskKind.PANEL_TARGET_BREACHED],
            case__status__in=waiting,
        )
    ).ensure
    policy_for = _policies(on)
    for case in Case.objects.filter(status__in=[CaseStatus.SCREENING, CaseStatus.ASSESSMENT]).select_related(
        "local_authority"
    ):
        policy = policy_for(case)
        received = timezone.localdate(case.opened_at)
        target = add_working_days(received, policy.gateway_target_working_days)
        if on <= target:
            continue
        key = f"gateway:{case.pk}"
        _count(
            task_ensure(
                kind=TaskKind.GATEWAY_TARGET_BREACHED,
                subject_key=key,
                case=case,
                due_on=target,
                owner_role=Role.PREVENT_OFFICER,
                title=f"Gateway decision past its {policy.gateway_target_working_days}-working-day "
                f"target ({target:%d %B %Y})",
            ),
            counts,
        )
        if on > target + dt.timedelta(days=policy.escalation_grace_days):
            _count(
                task_ensure(
                    kind=TaskKind.GATEWAY_ESCALATED,
                    subject_key=key,
                    case=case,
                    due_on=target,
                    owner_role=Role.PREVENT_SUPERVISOR,
                    escalation=True,
                    title="Escalated: gateway decision well past its target",
                ),
                counts,
                "escalated",
            )
    for case in Case.objects.filter(status=CaseStatus.AWAITING_PANEL).select_related("local_authority"):
        policy = policy_for(case)
        since = timezone.localdate(case.status_changed_at)
        target = since + dt.timedelta(days=policy.panel_target_days)
        if on > target:
            _count(
                task_ensure(
                    kind=TaskKind.PANEL_TARGET_BREACHED,
                    subject_key=f"panel:{case.pk}:{case.version}",
                    case=case,
                    due_on=target,
                    owner_role=Role.CHANNEL_CHAIR,
                    title=f"Waiting for the panel since {since:%d %B %Y} (target {policy.panel_target_days} days)",
                ),
                counts,
            )


def _close_stale_tasks() -> None:
    """Tasks whose subject has moved on (case decided, countersigned, reviewed) are done."""
    open_tasks = Task.objects.filter(done_at__isnull=True)
    now = timezone.now()
    open_tasks.filter(review__status__in=[ReviewStatus.COMPLETED, ReviewStatus.CANCELLED]).update(done_at=now)
    open_tasks.filter(kind__in=[TaskKind.COUNTERSIGN_PENDING, TaskKind.COUNTERSIGN_ESCALATED]).exclude(
        case__status=CaseStatus.AWAITING_COUNTERSIGN
    ).update(done_at=now)
    open_tasks.filter(kind__in=[TaskKind.GATEWAY_TARGET_BREACHED, TaskKind.GATEWAY_ESCALATED]).exclude(
        case__status__in=[CaseStatus.SCREENING, CaseStatus.ASSESSMENT]
    ).update(done_at=now)
    open_tasks.filter(kind=TaskKind.PANEL_TARGET_BREACHED).exclude(case__status=CaseStatus.AWAITING_PANEL).update(
        done_at=now
    )


def sweep_reviews(*, on: dt.date | None = None, send: bool = True) -> dict[str, int]:
    """Move reviews into their due window and past their date; create tasks (and e-mail notifications) for due
    and overdue reviews, countersignatures and response-time breaches; escalate what is overdue past the grace
    period; then send notifications. Idempotent and safe to run concurrently: each review moves under a row lock
    in its own transaction, each task is unique per (kind, subject), each notification is sent at most once."""
    on = on or today()
    counts = {"became_due": 0, "became_overdue": 0, "tasks_created": 0, "escalated": 0}
    _sweep_review_statuses(on, counts)
    _sweep_review_tasks(on, counts)
    _sweep_countersignatures(on, counts)
    _sweep_response_times(on, counts)
    _close_stale_tasks()
    if send:
        notifications_send()
    return counts
