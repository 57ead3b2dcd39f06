"""Casework settings. Production behaviour is switched by environment variables (config/env.py), never by a
production-only settings file."""

from __future__ import annotations

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured

from config import env

# Lets classes such as ModelAdmin[Region] be subscripted at run time, as the type stubs describe them.
django_stubs_ext.monkeypatch()

BASE_DIR = env.BASE_DIR
DEBUG = env.DEBUG

if env.SECRET_KEY:
    SECRET_KEY = env.SECRET_KEY
elif DEBUG:
    SECRET_KEY = "insecure-development-key-debug-only"  # noqa: S105 - only ever used with DEBUG on
else:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false. See .env.example.")

if env.AUDIT_HMAC_KEY:
    AUDIT_HMAC_KEY = env.AUDIT_HMAC_KEY
elif DEBUG:
    AUDIT_HMAC_KEY = "insecure-development-audit-key"
else:
    raise ImproperlyConfigured("AUDIT_HMAC_KEY must be set when DEBUG is false. See .env.example.")

ALLOWED_HOSTS = env.ALLOWED_HOSTS

INSTALLED_APPS = [
    "casework.accounts.admin_apps.CaseworkAdminConfig",  # Django's admin, system administrators only, 2FA
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "ninja",  # serves the API docs' assets from our own static files (the CSP allows no CDN)
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "casework.core",
    "casework.audit",
    "casework.accounts",
    "casework.policy",
    "casework.people",
    "casework.referrals",
    "casework.assessments",
    "casework.panels",
    "casework.support",
    "casework.assurance",
    "casework.reviews",
    "casework.reporting",
    "casework.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "casework.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "casework.audit.middleware.RequestContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "casework.accounts.middleware.SecondFactorRequiredMiddleware",
    "casework.accounts.middleware.AuditPageDenialsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "casework" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "casework.reviews.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock at the start of each transaction, so two concurrent writers serialise
    # instead of one failing half-way with "database is locked" after reading stale rows.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 20, "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["ATOMIC_REQUESTS"] = False

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "casework" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env.EMAIL_BACKEND
EMAIL_HOST = env.EMAIL_HOST
EMAIL_FILE_PATH = env.EMAIL_FILE_PATH  # only used by the file-based backend
EMAIL_PORT = env.EMAIL_PORT
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL

SESSION_COOKIE_SECURE = env.SECURE_COOKIES
CSRF_COOKIE_SECURE = env.SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.SESSION_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True  # sliding expiry: the session ends after this much *inactivity*
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_SSL_REDIRECT = env.SECURE_SSL_REDIRECT
SECURE_HSTS_SECONDS = 0 if DEBUG else 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie; the cookie is SameSite=Lax
CSRF_COOKIE_SAMESITE = "Lax"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto (production): see .env.example.
if env.BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Sign-in: lock-out after repeated failures (per username, and a higher bar per address) within the window.
CASEWORK_LOGIN_LOCKOUT_ATTEMPTS = env.LOGIN_LOCKOUT_ATTEMPTS
CASEWORK_LOGIN_LOCKOUT_IP_ATTEMPTS = env.LOGIN_LOCKOUT_IP_ATTEMPTS
CASEWORK_LOGIN_LOCKOUT_MINUTES = env.LOGIN_LOCKOUT_MINUTES
# Break-glass grants (a reason recorded) last this long.
CASEWORK_ACCESS_GRANT_MINUTES = env.ACCESS_GRANT_MINUTES
OTP_TOTP_ISSUER = "Casework"
# Administrators may remove a user's authenticator (to re-enrol) but never read its key or QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

CASEWORK_REFERRAL_COPY_TO_LA_REGIONS = env.REFERRAL_COPY_TO_LA_REGIONS
CASEWORK_OTP_REQUIRED = env.OTP_REQUIRED

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "INFO" if not DEBUG else "DEBUG"},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
