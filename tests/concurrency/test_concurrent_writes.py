"""Concurrent edits never lose an update; concurrent sweeps never create anything twice.

These need PostgreSQL's row locks across real connections (threads), so they are skipped on SQLite, where
IMMEDIATE transactions serialise writers instead. CI runs them on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from casework.core.errors import DomainError
from casework.referrals.states import CaseStatus
from casework.referrals.tests.factories import CaseFactory

LONDON = ZoneInfo("Europe/London")
pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks across connections"),
]


def _race(n: int, fn) -> list[object]:
    barrier = threading.Barrier(n)
    results: list[object] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = fn(i)
        except DomainError as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_chairs_deciding_the_same_case_at_once_one_wins_one_is_refused(chair) -> None:
    from casework.panels.models import VafAssessment
    from casework.panels.services import panel_decide
    from casework.policy.models import PolicyVersion

    case = CaseFactory(status=CaseStatus.AWAITING_PANEL, panel_referred_at=dt.datetime(2026, 1, 1, tzinfo=LONDON))
    VafAssessment.objects.create(
        case=case,
        framework_version="VAF",
        assessed_by=chair,
        assessed_at=dt.datetime(2026, 1, 2, tzinfo=LONDON),
        policy_version=PolicyVersion.objects.first(),
    )
    case.status_changed_at = dt.datetime(2026, 1, 1, tzinfo=LONDON)
    case.save()

    def decide(i: int) -> object:
        return panel_decide(
            actor=chair,
            case=case,
            decision="adopt" if i == 0 else "not_adopt",
            not_adopted_outcome="nfa",
            rationale=f"decision {i}",
        )

    results = _race(2, decide)
    errors = [r for r in results if isinstance(r, DomainError)]
    assert len(errors) == 1
    assert errors[0].code == "invalid_transition"
    case.refresh_from_db()
    assert case.status_history.count() == 1
    assert case.panel_decisions.count() == 1


def test_stale_version_is_refused_rather_than_overwriting(officer) -> None:
    from casework.assessments.services import case_screen

    case = CaseFactory(status=CaseStatus.SCREENING)
    loaded_version = case.version

    def screen(i: int) -> object:
        return case_screen(
            actor=officer, case=case, deconfliction="clear", outcome="proceed", expected_version=loaded_version
        )

    results = _race(2, screen)
    errors = sorted(r.code for r in results if isinstance(r, DomainError))
    assert errors in (["stale_edit"], ["invalid_transition"])
    case.refresh_from_db()
    assert case.screenings.count() == 1


def test_two_sweeps_at_once_create_each_task_once() -> None:
    from casework.policy.models import PolicyVersion
    from casework.reviews.models import Task
    from casework.reviews.services import review_schedule_after_closure, sweep_reviews

    for _ in range(5):
        case = CaseFactory(status=CaseStatus.CLOSED, closed_on=dt.date(2026, 1, 15), closure_cycle=1)
        review_schedule_after_closure(actor=None, case=case, policy=PolicyVersion.objects.get(version="2015.1"))
    with time_machine.travel(dt.datetime(2026, 7, 20, 9, tzinfo=LONDON), tick=False):
        results = _race(2, lambda i: sweep_reviews())
    assert all(isinstance(r, dict) for r in results)
    assert Task.objects.count() == 10  # each of the five six-month reviews: one "due" + one "overdue" task
    assert sum(r["tasks_created"] for r in results) == 10  # type: ignore[index]
