"""Every (from, to) pair of the case lifecycle is either allowed by the table or refused by the one write path
with InvalidTransition — never silently ignored."""

from __future__ import annotations

import itertools

import pytest

from casework.core.errors import InvalidTransition
from casework.referrals.services import case_transition
from casework.referrals.states import OPEN_STATUSES, TERMINAL_STATUSES, TRANSITIONS, CaseStatus

ALLOWED = {
    ("screening", "assessment"),
    ("screening", "closed_mistaken"),
    ("screening", "closed_managed_elsewhere"),
    ("screening", "closed_linked"),
    ("assessment", "closed_nfa"),
    ("assessment", "closed_exited"),
    ("assessment", "police_led"),
    ("assessment", "awaiting_panel"),
    ("assessment", "awaiting_countersign"),
    ("assessment", "closed_mistaken"),
    ("awaiting_countersign", "closed_nfa"),
    ("awaiting_countersign", "closed_exited"),
    ("awaiting_countersign", "police_led"),
    ("awaiting_countersign", "awaiting_panel"),
    ("awaiting_countersign", "assessment"),
    ("awaiting_panel", "awaiting_consent"),
    ("awaiting_panel", "closed_nfa"),
    ("awaiting_panel", "closed_exited"),
    ("awaiting_panel", "police_led"),
    ("awaiting_consent", "support_active"),
    ("awaiting_consent", "police_led"),
    ("awaiting_consent", "closed"),
    ("support_active", "closed"),
    ("support_active", "police_led"),
    ("police_led", "awaiting_panel"),
    ("police_led", "closed_nfa"),
    ("police_led", "closed_exited"),
    ("closed", "awaiting_panel"),
    ("closed", "monitoring_ended"),
    ("monitoring_ended", "closed"),
}
PAIRS = list(itertools.product(CaseStatus.values, CaseStatus.values))


def test_table_is_exactly_the_reviewed_set() -> None:
    assert {(f, t) for f, targets in TRANSITIONS.items() for t in targets} == ALLOWED
    assert set(TRANSITIONS) == set(CaseStatus.values)


def test_terminal_and_open_statuses_are_disjoint() -> None:
    assert not (TERMINAL_STATUSES & OPEN_STATUSES)
    assert set(TERMINAL_STATUSES) == {
        "closed_nfa",
        "closed_exited",
        "closed_mistaken",
        "closed_managed_elsewhere",
        "closed_linked",
    }


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status"), PAIRS)
def test_case_transition_allows_or_refuses_every_pair(from_status: str, to_status: str, chair) -> None:
    from casework.referrals.tests.factories import CaseFactory

    case = CaseFactory(status=from_status)
    before = case.version
    if (from_status, to_status) in ALLOWED:
        case_transition(actor=chair, case=case, to_status=to_status, reason="test")
        case.refresh_from_db()
        assert case.status == to_status
        assert case.version == before + 1
        assert case.status_history.last().to_status == to_status
    else:
        with pytest.raises(InvalidTransition) as exc:
            case_transition(actor=chair, case=case, to_status=to_status, reason="test")
        assert CaseStatus(from_status).label in exc.value.message
        assert CaseStatus(to_status).label in exc.value.message
        case.refresh_from_db()
        assert case.status == from_status
        assert case.version == before
