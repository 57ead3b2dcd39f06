"""The case lifecycle as data. One case is one referral journey: screening → gateway assessment → (closed, or
handed to other services, or police-led, or Channel panel) → consent → support → closure → post-closure
monitoring → (reopened, or monitoring ended)."""

from __future__ import annotations

from django.db import models


class CaseStatus(models.TextChoices):
    SCREENING = "screening", "Screening"
    ASSESSMENT = "assessment", "Gateway assessment"
    AWAITING_COUNTERSIGN = "awaiting_countersign", "Awaiting countersignature"
    AWAITING_PANEL = "awaiting_panel", "Awaiting Channel panel"
    AWAITING_CONSENT = "awaiting_consent", "Adopted, awaiting consent"
    SUPPORT_ACTIVE = "support_active", "Support active"
    POLICE_LED = "police_led", "Police-led partnership"
    CLOSED_NFA = "closed_nfa", "Closed: no further action"
    CLOSED_EXITED = "closed_exited", "Closed: exited to other services"
    CLOSED_MISTAKEN = "closed_mistaken", "Closed: mistaken, misguided or malicious"
    CLOSED_MANAGED_ELSEWHERE = "closed_managed_elsewhere", "Closed: managed elsewhere"
    CLOSED_LINKED = "closed_linked", "Closed: joined the person's open case"
    CLOSED = "closed", "Channel case closed (monitoring)"
    MONITORING_ENDED = "monitoring_ended", "Closed: monitoring ended"


S = CaseStatus
GATEWAY_OUTCOMES = frozenset({S.CLOSED_NFA, S.CLOSED_EXITED, S.POLICE_LED, S.AWAITING_PANEL})

TRANSITIONS: dict[str, frozenset[str]] = {
    # A referral found to be about a person with an open case joins that case; its own journey closes.
    S.SCREENING: frozenset({S.ASSESSMENT, S.CLOSED_MISTAKEN, S.CLOSED_MANAGED_ELSEWHERE, S.CLOSED_LINKED}),
    S.ASSESSMENT: GATEWAY_OUTCOMES | {S.AWAITING_COUNTERSIGN, S.CLOSED_MISTAKEN},
    # Countersigned: the pending decision takes effect. Refused: back to the officer to reassess.
    S.AWAITING_COUNTERSIGN: GATEWAY_OUTCOMES | {S.ASSESSMENT},
    # Panel adopts (→ consent) or does not adopt (→ NFA, other services, or police-led partnership).
    S.AWAITING_PANEL: frozenset({S.AWAITING_CONSENT, S.CLOSED_NFA, S.CLOSED_EXITED, S.POLICE_LED}),
    # Consent given starts support; refused: police-led partnership or Channel closure.
    S.AWAITING_CONSENT: frozenset({S.SUPPORT_ACTIVE, S.POLICE_LED, S.CLOSED}),
    S.SUPPORT_ACTIVE: frozenset({S.CLOSED, S.POLICE_LED}),
    S.POLICE_LED: frozenset({S.AWAITING_PANEL, S.CLOSED_NFA, S.CLOSED_EXITED}),
    # A post-closure review that finds concerns reopens the case to the panel.
    S.CLOSED: frozenset({S.AWAITING_PANEL, S.MONITORING_ENDED}),
    S.CLOSED_NFA: frozenset(),
    S.CLOSED_EXITED: frozenset(),
    S.CLOSED_MISTAKEN: frozenset(),
    S.CLOSED_MANAGED_ELSEWHERE: frozenset(),
    S.CLOSED_LINKED: frozenset(),
    # The panel may resume monitoring that has ended, within the maximum period after closure (extension).
    S.MONITORING_ENDED: frozenset({S.CLOSED}),
}

# A case in one of these statuses is "open": a new referral about the same person attaches to it.
OPEN_STATUSES = frozenset(
    {
        S.SCREENING,
        S.ASSESSMENT,
        S.AWAITING_COUNTERSIGN,
        S.AWAITING_PANEL,
        S.AWAITING_CONSENT,
        S.SUPPORT_ACTIVE,
        S.POLICE_LED,
    }
)
# Adopted Channel cases: reviewed at each panel meeting and at least every N days.
CHANNEL_OPEN_STATUSES = frozenset({S.AWAITING_CONSENT, S.SUPPORT_ACTIVE})
TERMINAL_STATUSES = frozenset(s for s, targets in TRANSITIONS.items() if not targets)


def can_transition(from_status: str, to_status: str) -> bool:
    return to_status in TRANSITIONS.get(from_status, frozenset())
