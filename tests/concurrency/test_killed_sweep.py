"""A worker killed half-way through the sweep loses nothing and sends nothing twice.

A real `manage.py sweep_reviews` process runs against the test database and is killed with SIGKILL part-way;
a second run finishes the job. Works on SQLite (file test database) and PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from casework.accounts.models import Role
from casework.accounts.tests.factories import make_user
from casework.audit.services import audit_verify
from casework.core.dates import add_months, today
from casework.policy.models import PolicyVersion
from casework.referrals.states import CaseStatus
from casework.referrals.tests.factories import CaseFactory
from casework.reviews.models import Notification, Review, Task
from casework.reviews.services import review_schedule_after_closure

pytestmark = pytest.mark.django_db(transaction=True)
N_CASES = 300


def _database_url() -> str:
    d = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{d['NAME']}"
    return f"postgres://{d['USER']}@{d['HOST'] or '127.0.0.1'}:{d['PORT'] or 5432}/{d['NAME']}"


def _sweep_process(mail_dir: Path) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "test-subprocess",
        "AUDIT_HMAC_KEY": settings.AUDIT_HMAC_KEY,
        "DATABASE_URL": _database_url(),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "manage.py", "sweep_reviews"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _emails_sent(mail_dir: Path) -> int:
    return sum(p.read_text().count("\nSubject: ") for p in mail_dir.glob("*.log"))


def test_sweep_killed_half_way_then_rerun_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    for i in range(3):
        chair = make_user(Role.CHANNEL_CHAIR, area="leeds", username=f"chair{i}")
        chair.email = f"chair{i}@example.gov.uk"
        chair.save()
    policy = PolicyVersion.objects.get(version="2015.1")
    closed_on = add_months(today(), -7)  # six-month reviews are a month overdue
    for _ in range(N_CASES):
        case = CaseFactory(status=CaseStatus.CLOSED, closed_on=closed_on, closure_cycle=1)
        review_schedule_after_closure(actor=None, case=case, policy=policy)
    overdue = Review.objects.filter(months_after_closure=6)
    assert overdue.count() == N_CASES

    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    first = _sweep_process(mail_dir)
    deadline = time.monotonic() + 60
    # Kill it once it has done some, but not all, of the work.
    polls = 0
    while time.monotonic() < deadline:
        polls += 1
        if first.poll() is not None or Task.objects.exists():
            break
        time.sleep(0.01)
    first.send_signal(signal.SIGKILL)
    out, err = first.communicate(timeout=10)
    assert first.returncode == -signal.SIGKILL, (
        f"the sweep ended before it was killed ({polls} polls): {out.decode()} {err.decode()[-1500:]}"
    )
    unfinished = Task.objects.count() < 3 * N_CASES or Notification.objects.filter(sent_at__isnull=True).exists()
    assert unfinished, "the sweep had finished everything before it was killed; raise N_CASES"

    partial_tasks = Task.objects.count()
    second = _sweep_process(mail_dir)
    out, err = second.communicate(timeout=300)
    assert second.returncode == 0, err.decode()

    assert Review.objects.filter(months_after_closure=6, status="overdue").count() == N_CASES
    assert Task.objects.count() > partial_tasks
    for kind in ("review_due", "review_overdue", "review_escalated"):
        assert Task.objects.filter(kind=kind).count() == N_CASES, kind
    # Every notification is sent exactly once: each row is marked before sending, and nothing is sent twice.
    assert Notification.objects.filter(sent_at__isnull=True).count() == 0
    assert Notification.objects.count() == 3 * 3 * N_CASES  # three tasks per review, three chairs each
    assert _emails_sent(mail_dir) <= Notification.objects.count()
    assert _emails_sent(mail_dir) >= Notification.objects.count() - 1  # at most the one in flight at the kill
    assert audit_verify()[0] is True
