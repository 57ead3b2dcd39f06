"""Append-only, hash-chained audit log."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """One thing that happened: a write, a state change, a *read* of personal data, a search, a sign-in.

    `seq` is a gap-free sequence number; `prev_hash` is the previous event's `hash`; `hash` is an HMAC (key kept
    outside the database) over this event's content and `prev_hash`. Changing, deleting or reordering any row
    breaks the chain, which `manage.py audit_verify` detects. The database itself refuses UPDATE and DELETE.

    `actor` is who did it (null for the system, e.g. the scheduler); `actor_label` keeps a readable name even if
    the account is later renamed. `target_type`/`target_id` name the record acted on, e.g. ("case", "<uuid>").
    """

    seq = models.BigIntegerField(unique=True)
    occurred_at = models.DateTimeField(db_index=True)
    event = models.CharField(max_length=80, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    target_type = models.CharField(max_length=40, blank=True, db_index=True)
    target_id = models.CharField(max_length=64, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True, help_text="Why, where the user had to say (break-glass, export).")
    flagged = models.BooleanField(default=False, db_index=True)
    request_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["target_type", "target_id", "seq"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.event} {self.target_type}:{self.target_id}"


class AuditChainHead(models.Model):
    """A single row that serialises writers: each new event locks it, reads the last seq/hash and moves it on."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)
