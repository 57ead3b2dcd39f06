"""The one write path for audit events."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from casework.audit import context, registry
from casework.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from casework.accounts.models import User

GENESIS_HASH = "0" * 64


def _canonical(event: AuditEvent) -> bytes:
    payload = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(),
        "event": event.event,
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "data": event.data,
        "reason": event.reason,
        "flagged": event.flagged,
        "request_id": event.request_id,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(event: AuditEvent) -> str:
    key = str(settings.AUDIT_HMAC_KEY).encode()
    return hmac.new(key, _canonical(event), hashlib.sha256).hexdigest()


def audit_record(
    *,
    event: str,
    actor: User | None,
    target: Any = None,
    target_type: str = "",
    target_id: str = "",
    data: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one audit event to the chain, in the caller's transaction (so a rolled-back change leaves no
    event, and an event is never lost for a change that committed). Raises UnregisteredAuditEvent."""
    event_type = registry.get(event)
    if target is not None:
        target_type = target_type or getattr(target, "audit_type", target._meta.model_name)
        target_id = target_id or str(target.pk)
    ctx = context.current()
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        row = AuditEvent(
            seq=head.last_seq + 1,
            occurred_at=timezone.now(),
            event=event,
            actor=actor if actor is not None and actor.is_authenticated else None,
            actor_label=(actor.get_username() if actor is not None and actor.is_authenticated else "system"),
            target_type=target_type,
            target_id=target_id,
            data=json.loads(json.dumps(data or {}, default=str)),
            reason=reason,
            flagged=event_type.flagged,
            request_id=ctx.request_id,
            ip=ctx.ip,
            prev_hash=head.last_hash,
        )
        row.hash = compute_hash(row)
        row.save(force_insert=True)
        head.last_seq = row.seq
        head.last_hash = row.hash
        head.save(update_fields=["last_seq", "last_hash"])
    return row


def audit_verify() -> tuple[bool, str]:
    """Walk the chain in order. Returns (intact, one-line summary naming the first problem found)."""
    expected_prev = GENESIS_HASH
    expected_seq = 1
    count = 0
    for row in AuditEvent.objects.order_by("seq").iterator(chunk_size=2000):
        if row.seq != expected_seq:
            return False, f"Audit chain broken: event #{expected_seq} is missing (next found is #{row.seq})."
        if row.prev_hash != expected_prev:
            return False, f"Audit chain broken at event #{row.seq}: it does not follow event #{row.seq - 1}."
        if compute_hash(row) != row.hash:
            return False, f"Audit chain broken at event #{row.seq} ({row.event}): its content was altered."
        expected_prev = row.hash
        expected_seq += 1
        count += 1
    head = AuditChainHead.objects.filter(id=1).first()
    if head is not None and head.last_seq != count:
        return False, (
            f"Audit chain broken: the chain head records {head.last_seq} events but {count} were found "
            f"(event #{count + 1} onwards is missing)."
        )
    return True, f"Audit chain intact: {count} events verified."
