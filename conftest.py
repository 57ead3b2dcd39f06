"""Project-wide test set-up. The database is always real: SQLite by default, PostgreSQL when DATABASE_URL
says so (CI runs both)."""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    # Under CI the PostgreSQL run must fail, not silently fall back, when the server is unreachable.
    url = os.environ.get("DATABASE_URL", "")
    if os.environ.get("CI") and url.startswith("postgres"):
        import psycopg

        dsn = url.rsplit("/", 1)[0] + "/postgres"
        try:
            psycopg.connect(dsn, connect_timeout=5).close()
        except Exception as exc:  # pragma: no cover - only when CI's database is down
            raise pytest.UsageError(f"PostgreSQL at {dsn} is unreachable under CI: {exc}") from exc


@pytest.fixture
def officer(db: None):
    from casework.accounts.models import Role
    from casework.accounts.tests.factories import make_user

    return make_user(Role.PREVENT_OFFICER, area="yorkshire-humber", username="officer")


@pytest.fixture
def supervisor(db: None):
    from casework.accounts.models import Role
    from casework.accounts.tests.factories import make_user

    return make_user(Role.PREVENT_SUPERVISOR, area="yorkshire-humber", username="supervisor")


@pytest.fixture
def chair(db: None):
    from casework.accounts.models import Role
    from casework.accounts.tests.factories import make_user

    return make_user(Role.CHANNEL_CHAIR, area="leeds", username="chair")


@pytest.fixture
def referrer(db: None):
    from casework.accounts.models import Role
    from casework.accounts.tests.factories import make_user

    return make_user(Role.REFERRER, username="referrer")


def _patch_flush_for_audit_triggers() -> None:
    from django.test import TransactionTestCase

    from casework.audit.testing import audit_triggers_suspended, reload_reference_data

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self: TransactionTestCase) -> None:
        with audit_triggers_suspended():
            original(self)
        # The flush also emptied the reference data that migrations load; put it back for the next test.
        reload_reference_data()

    TransactionTestCase._fixture_teardown = _fixture_teardown  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _audit_triggers_allow_test_flush() -> None:
    _patch_flush_for_audit_triggers()


@pytest.fixture(autouse=True)
def _fresh_candidate_index() -> None:
    """Each test's database starts afresh, so the in-process candidate index must too."""
    from casework.people.identity import index_reset

    index_reset()
