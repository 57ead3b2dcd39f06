"""The only module that reads the process environment (12-factor).

Every variable is listed, with a safe default, in `.env.example`.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw not in (None, "") else default


DEBUG: bool = _bool("DEBUG", False)
# Fail closed: no hard-coded production secret. Development and tests get an explicit, obviously-fake key only
# when DEBUG is on or when running the test settings.
SECRET_KEY: str | None = os.environ.get("SECRET_KEY") or None
DATABASE_URL: str = os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
ALLOWED_HOSTS: list[str] = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
# The audit hash chain is keyed with a secret kept outside the database, so that someone who can write to the
# database cannot recompute a valid chain after tampering.
AUDIT_HMAC_KEY: str | None = os.environ.get("AUDIT_HMAC_KEY") or None
SESSION_IDLE_TIMEOUT_MINUTES: int = _int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
EMAIL_BACKEND: str = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_FILE_PATH: str = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST: str = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT: int = _int("EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL: str = os.environ.get("DEFAULT_FROM_EMAIL", "casework-no-reply@example.gov.uk")
SECURE_COOKIES: bool = _bool("SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT: bool = _bool("SECURE_SSL_REDIRECT", not DEBUG)
OTP_REQUIRED: bool = _bool("OTP_REQUIRED", True)
LOGIN_LOCKOUT_ATTEMPTS: int = _int("LOGIN_LOCKOUT_ATTEMPTS", 5)
LOGIN_LOCKOUT_IP_ATTEMPTS: int = _int("LOGIN_LOCKOUT_IP_ATTEMPTS", 20)
LOGIN_LOCKOUT_MINUTES: int = _int("LOGIN_LOCKOUT_MINUTES", 15)
ACCESS_GRANT_MINUTES: int = _int("ACCESS_GRANT_MINUTES", 60)
BEHIND_TLS_PROXY: bool = _bool("BEHIND_TLS_PROXY", False)
# Wales: a referral also reaches the local authority automatically (domain.md §1). Comma-separated region codes.
REFERRAL_COPY_TO_LA_REGIONS: list[str] = [
    r for r in os.environ.get("REFERRAL_COPY_TO_LA_REGIONS", "wales").split(",") if r
]
SENTRY_DSN: str | None = os.environ.get("SENTRY_DSN") or None
