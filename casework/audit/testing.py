"""Test support only. Transactional tests end by emptying every table (Django's flush), which the audit
table's append-only triggers rightly refuse; the test runner suspends them for that one statement, as a DBA
with schema rights could. Nothing in the application imports this module."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Iterator

from django.db import connections

_TRIGGERS = importlib.import_module("casework.audit.migrations.0002_append_only_triggers")


@contextlib.contextmanager
def audit_triggers_suspended() -> Iterator[None]:
    touched = []
    for conn in connections.all():
        if conn.vendor not in ("sqlite", "postgresql") or "audit_auditevent" not in conn.introspection.table_names():
            continue
        with conn.cursor() as cursor:
            if conn.vendor == "postgresql":
                cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            else:
                for sql in _TRIGGERS.SQLITE_REVERSE:
                    cursor.execute(sql)
        touched.append(conn)
    try:
        yield
    finally:
        for conn in touched:
            with conn.cursor() as cursor:
                if conn.vendor == "postgresql":
                    cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                else:
                    for sql in _TRIGGERS.SQLITE:
                        cursor.execute(sql)


def reload_reference_data() -> None:
    """Re-run the reference-data migrations' loaders against the real models."""
    from django.apps import apps

    for module in (
        "casework.accounts.migrations.0002_reference_data",
        "casework.policy.migrations.0002_national_policy",
        "casework.panels.migrations.0002_channel_panels",
        "casework.support.migrations.0002_intervention_types",
    ):
        importlib.import_module(module).load(apps, None)
