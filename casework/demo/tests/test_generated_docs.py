from pathlib import Path

from django.conf import settings

from casework.demo.docs import audit_events_md, state_machines_md


def test_generated_docs_are_up_to_date() -> None:
    """Run `.venv/bin/python manage.py generate_docs` when this fails."""
    docs = Path(settings.BASE_DIR) / "docs"
    assert (docs / "state-machines.md").read_text() == state_machines_md()
    assert (docs / "audit-events.md").read_text() == audit_events_md()
