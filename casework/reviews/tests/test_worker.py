"""The scheduled sweep runs on a real django-tasks database worker, as `make worker` runs it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings

from casework.policy.models import PolicyVersion
from casework.referrals.states import CaseStatus
from casework.referrals.tests.factories import CaseFactory
from casework.reviews.models import Task
from casework.reviews.services import review_schedule_after_closure

LONDON = ZoneInfo("Europe/London")


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_scheduler_enqueues_the_sweep_and_the_db_worker_runs_it() -> None:
    from django_tasks_db.models import DBTaskResult

    case = CaseFactory(status=CaseStatus.CLOSED, closed_on=dt.date(2026, 1, 15), closure_cycle=1)
    review_schedule_after_closure(actor=None, case=case, policy=PolicyVersion.objects.get(version="2015.1"))
    with time_machine.travel(dt.datetime(2026, 7, 20, 9, tzinfo=LONDON), tick=False):
        call_command("run_scheduler", "--once", verbosity=0)
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    result = DBTaskResult.objects.get()
    assert result.status == "SUCCESSFUL"
    assert Task.objects.filter(case=case, kind="review_overdue").count() == 1
