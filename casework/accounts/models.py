"""Users, their role, and the area (scope) the role applies to. Also the geographic reference data that scopes
hang off: CT policing regions and local authorities."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q

from casework.core.models import BaseModel


class Region(models.Model):
    """A Counter Terrorism policing region of England and Wales (the statistics' region breakdown)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class LocalAuthority(models.Model):
    """A local authority; each runs a Channel panel and sits in one CT policing region."""

    code = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=120, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="local_authorities")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    REFERRER = "referrer", "Referrer"
    PREVENT_OFFICER = "prevent_officer", "Prevent officer"
    PREVENT_SUPERVISOR = "prevent_supervisor", "Prevent supervisor"
    CHANNEL_CHAIR = "channel_chair", "Channel panel chair"
    PANEL_MEMBER = "panel_member", "Channel panel member"
    INTERVENTION_PROVIDER = "intervention_provider", "Intervention provider"
    ASSURANCE_LEAD = "assurance_lead", "Assurance lead"
    ANALYST = "analyst", "Analyst"
    SYSTEM_ADMIN = "system_admin", "System administrator"


REGION_ROLES = frozenset({Role.PREVENT_OFFICER, Role.PREVENT_SUPERVISOR})
LA_ROLES = frozenset({Role.CHANNEL_CHAIR, Role.PANEL_MEMBER})


class User(AbstractUser):
    """A person who uses Casework. One role per account; the scope field that applies depends on the role:
    `region` for Prevent officers and supervisors, `local_authority` for Channel chairs and panel members.
    Providers are scoped by their assignments, assurance leads and analysts are national, administrators see no
    case content at all. An account whose scope is missing sees nothing (deny by default)."""

    role = models.CharField(max_length=40, choices=Role.choices, default=Role.REFERRER)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    local_authority = models.ForeignKey(
        LocalAuthority, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    organisation = models.CharField(max_length=150, blank=True, help_text="Agency or provider organisation.")
    agency = models.CharField(max_length=80, blank=True, help_text="Panel member's agency, e.g. health.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="region_role_has_region",
                condition=~Q(role__in=sorted(r.value for r in REGION_ROLES)) | Q(region__isnull=False),
            ),
            models.CheckConstraint(
                name="la_role_has_local_authority",
                condition=~Q(role__in=sorted(r.value for r in LA_ROLES)) | Q(local_authority__isnull=False),
            ),
        ]

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username

    def has_role(self, *roles: str) -> bool:
        return self.is_authenticated and self.is_active and self.role in roles


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(BaseModel):
    """A per-user API token. Only its SHA-256 is stored; the raw value is shown once when issued."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=8, help_text="First characters, to tell tokens apart in lists.")
    token_hash = models.CharField(max_length=64, unique=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AccessGrant(BaseModel):
    """Break-glass: time-limited access to one record outside the user's normal scope, given only after they
    recorded why. An assurance lead opens an individual case or person; a Prevent officer triaging a person sees
    that person's history in other regions. Grants give *view* only, never the right to act; the policies'
    `visible_to` honour a grant while `expires_at` is in the future. Creating one writes a flagged audit event.

    `target_type` is "case" or "person"; `target_id` the record's id (not a foreign key: cases and persons live
    in higher layers than accounts)."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_grants")
    target_type = models.CharField(max_length=20, choices=[("case", "Case"), ("person", "Person")])
    target_id = models.UUIDField(db_index=True)
    reason = models.TextField()
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [models.Index(fields=["user", "target_type", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.user} → {self.target_type}:{self.target_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class SignInAttempt(models.Model):
    """One attempt to sign in (password or second factor), kept to lock out guessing: too many failures for a
    username or from an IP address within the window refuse further attempts. Never stores the password."""

    username = models.CharField(max_length=150, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    attempted_at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField(default=False)
    stage = models.CharField(max_length=10, default="password", choices=[("password", "Password"), ("otp", "OTP")])
