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
