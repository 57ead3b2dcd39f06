"""Review scheduling, completion rules and the sweep."""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from casework.audit.models import AuditEvent
from casework.core.errors import InvalidTransition
from casework.policy.models import PolicyVersion
from casework.referrals.states import CaseStatus
from casework.referrals.tests.factories import CaseFactory
from casework.reviews.models import Review, Task
from casework.reviews.services import _review_set_status, review_schedule_after_closure, sweep_reviews
from casework.reviews.states import TRANSITIONS, ReviewStatus

LONDON = ZoneInfo("Europe/London")
pytestmark = pytest.mark.django_db


def _closed_case(closed_on: dt.date):
    case = CaseFactory(status=CaseStatus.CLOSED, closed_on=closed_on, closure_cycle=1)
    policy = PolicyVersion.objects.get(version="2015.1")
    with time_machine.travel(dt.datetime.combine(closed_on, dt.time(12), tzinfo=LONDON), tick=False):
        review_schedule_after_closure(actor=None, case=case, policy=policy)
    return case


@pytest.mark.parametrize(("from_status", "to_status"), list(itertools.product(ReviewStatus.values, repeat=2)))
def test_review_transition_table_is_enforced(from_status: str, to_status: str) -> None:
    review = Review(status=from_status)
    if to_status in TRANSITIONS[from_status]:
        _review_set_status(actor=None, review=review, to_status=to_status)
        assert review.status == to_status
    else:
        with pytest.raises(InvalidTransition):
            _review_set_status(actor=None, review=review, to_status=to_status)
        assert review.status == from_status


@pytest.mark.parametrize(
    ("closed_on", "six", "twelve"),
    [
        (dt.date(2026, 8, 31), dt.date(2027, 2, 28), dt.date(2027, 8, 31)),
        (dt.date(2027, 8, 31), dt.date(2028, 2, 29), dt.date(2028, 8, 31)),
        (dt.date(2026, 3, 29), dt.date(2026, 9, 29), dt.date(2027, 3, 29)),  # closed on the day clocks go forward
        (dt.date(2026, 10, 25), dt.date(2027, 4, 25), dt.date(2027, 10, 25)),  # closed on the day clocks go back
    ],
)
def test_post_closure_reviews_fall_six_and_twelve_months_after_closure(closed_on, six, twelve) -> None:
    case = _closed_case(closed_on)
    assert [(r.months_after_closure, r.due_on) for r in case.reviews.order_by("due_on")] == [(6, six), (12, twelve)]
    assert all(r.policy_version.version == "2015.1" for r in case.reviews.all())


def test_sweep_marks_due_and_overdue_and_creates_each_task_once(chair, django_capture_on_commit_callbacks) -> None:
    case = _closed_case(dt.date(2026, 1, 15))  # six-month review due 15 July 2026
    chair.email = "chair@example.gov.uk"
    chair.save()
    with (
        time_machine.travel(dt.datetime(2026, 7, 5, 9, tzinfo=LONDON), tick=False),  # inside the 14-day window
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert sweep_reviews()["became_due"] == 1
        assert sweep_reviews() == {"became_due": 0, "became_overdue": 0, "tasks_created": 0, "escalated": 0}
    six = case.reviews.get(months_after_closure=6)
    assert six.status == ReviewStatus.DUE
    assert list(Task.objects.filter(review=six).values_list("kind", flat=True)) == ["review_due"]
    with time_machine.travel(dt.datetime(2026, 7, 16, 9, tzinfo=LONDON), tick=False):
        counts = sweep_reviews()
        assert counts["became_overdue"] == 1
        call_command("sweep_reviews")  # the cron entry point: a second run creates nothing
    six.refresh_from_db()
    assert six.status == ReviewStatus.OVERDUE
    assert sorted(Task.objects.filter(review=six).values_list("kind", flat=True)) == ["review_due", "review_overdue"]
    with time_machine.travel(dt.datetime(2026, 7, 30, 9, tzinfo=LONDON), tick=False):  # past the 7-day grace
        assert sweep_reviews()["escalated"] == 1
        assert sweep_reviews()["escalated"] == 0
    assert Task.objects.filter(review=six).count() == 3
    assert AuditEvent.objects.filter(event="review.became_overdue", target_id=str(six.pk)).count() == 1
    # Notification e-mails carry the case reference only, never personal data.
    assert mail.outbox
    assert all(case.person.family_name not in m.body for m in mail.outbox)


def test_sweep_when_nothing_is_due_changes_nothing() -> None:
    _closed_case(dt.date(2026, 1, 15))
    with time_machine.travel(dt.datetime(2026, 2, 1, 9, tzinfo=LONDON), tick=False):
        before = AuditEvent.objects.count()
        assert sweep_reviews() == {"became_due": 0, "became_overdue": 0, "tasks_created": 0, "escalated": 0}
        assert AuditEvent.objects.count() == before
