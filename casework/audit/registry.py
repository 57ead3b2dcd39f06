"""The registered audit vocabulary. An event name that is not registered cannot be written, so the audit log
never fills with typos that no report will ever find. Apps register their events in their `audit_events.py`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    description: str
    flagged: bool = False  # break-glass and other accesses that assurance must be able to report on


_REGISTRY: dict[str, EventType] = {}


class UnregisteredAuditEvent(LookupError):
    pass


def register(name: str, description: str, *, flagged: bool = False) -> EventType:
    existing = _REGISTRY.get(name)
    event = EventType(name=name, description=description, flagged=flagged)
    if existing is not None and existing != event:
        raise ValueError(f"Audit event {name!r} is registered twice with different meanings.")
    _REGISTRY[name] = event
    return event


def get(name: str) -> EventType:
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnregisteredAuditEvent(
            f"Audit event {name!r} is not registered. Register it in the app's audit_events.py first."
        ) from None


def all_events() -> list[EventType]:
    return sorted(_REGISTRY.values(), key=lambda e: e.name)


register("auth.signed_in", "A user signed in.")
register("auth.sign_in_failed", "A sign-in attempt failed.")
register("auth.signed_out", "A user signed out.")
register("auth.permission_denied", "A user was refused access to a page, record or operation.")
register("audit.viewed", "A user viewed the audit log.")
register("audit.verified", "The audit chain was verified.")
