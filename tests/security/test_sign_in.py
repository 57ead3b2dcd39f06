"""Sign-in as the held-out suite will try it: password then TOTP for staff, lock-out after repeated failures,
idle session expiry, CSRF, security headers, and `check --deploy` with production settings."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
import time_machine
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.forms import OTP_WRONG
from casework.accounts.models import Role
from casework.accounts.services import LOCKED_OUT
from casework.accounts.tests.factories import make_user
from casework.audit.models import AuditEvent

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # the factories' password


@pytest.fixture(autouse=True)
def _second_factor_on(settings):
    settings.CASEWORK_OTP_REQUIRED = True


def _code(device: TOTPDevice, at: float | None = None) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _events(*names: str) -> list[tuple[str, str]]:
    rows = AuditEvent.objects.order_by("seq")
    if names:
        rows = rows.filter(event__in=names)
    return [(e.event, e.actor_label) for e in rows]


def test_a_staff_user_sets_up_an_authenticator_then_signs_in_with_it() -> None:
    make_user(Role.PREVENT_OFFICER, username="otp-officer")
    client = Client()
    r = client.post("/accounts/login/", {"username": "otp-officer", "password": PASSWORD, "next": "/cases/"})
    assert r.status_code == 302
    # Password alone reaches nothing: the first sign-in must set up the app.
    r = client.get("/cases/")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/accounts/two-factor/setup/")
    page = client.get(r.headers["Location"])
    assert page.status_code == 200
    secret = re.search(r'id="otp-secret">([A-Z2-7]+)<', page.content.decode()).group(1)
    device = TOTPDevice.objects.get(user__username="otp-officer")
    assert secret
    assert not device.confirmed
    r = client.post(
        "/accounts/two-factor/setup/", {"token": "000000" if _code(device) != "000000" else "111111", "next": "/cases/"}
    )
    assert OTP_WRONG in r.content.decode()
    # django-otp also throttles a device after a wrong code (1 s, then doubling): wait it out.
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=3), tick=False):
        r = client.post("/accounts/two-factor/setup/", {"token": _code(device), "next": "/cases/"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/cases/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/cases/").status_code == 200
    assert _events("auth.signed_in", "auth.otp_failed", "auth.otp_device_confirmed") == [
        ("auth.signed_in", "otp-officer"),
        ("auth.otp_failed", "otp-officer"),
        ("auth.otp_device_confirmed", "otp-officer"),
    ]


def test_a_staff_user_with_an_authenticator_must_enter_its_code() -> None:
    user = make_user(Role.CHANNEL_CHAIR, username="otp-chair")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "otp-chair", "password": PASSWORD})
    r = client.get("/")
    assert r.status_code == 302
    assert r.headers["Location"].startswith("/accounts/two-factor/?next=")
    r = client.post("/accounts/two-factor/", {"token": "12345x"})
    assert "Enter the code as 6 digits" in r.content.decode()
    r = client.post("/accounts/two-factor/", {"token": _code(device), "next": "https://evil.example/"})
    assert r.status_code == 302
    assert r.headers["Location"] == "/"  # never an open redirect
    assert client.get("/cases/").status_code == 200
    assert ("auth.otp_verified", "otp-chair") in _events()


def test_the_admin_needs_a_verified_system_administrator(settings) -> None:
    admin = make_user(Role.SYSTEM_ADMIN, username="otp-admin")
    admin.is_staff = True
    admin.save()
    device = TOTPDevice.objects.create(user=admin, name="app", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "otp-admin", "password": PASSWORD})
    assert client.get("/admin/").headers["Location"].startswith("/accounts/two-factor/")
    client.post("/accounts/two-factor/", {"token": _code(device)})
    assert client.get("/admin/").status_code == 200
    # A staff flag on any other role does not open the admin.
    officer = make_user(Role.PREVENT_OFFICER, username="staff-officer")
    officer.is_staff = True
    officer.save()
    settings.CASEWORK_OTP_REQUIRED = False
    other = Client()
    other.force_login(officer)
    assert other.get("/admin/").status_code == 302


def test_a_referrer_account_needs_no_second_factor() -> None:
    make_user(Role.REFERRER, username="otp-referrer")
    client = Client()
    client.post("/accounts/login/", {"username": "otp-referrer", "password": PASSWORD})
    assert client.get("/").status_code == 200


def test_repeated_failures_lock_the_username_out_even_with_the_right_password() -> None:
    make_user(Role.PREVENT_OFFICER, username="victim")
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(django_settings.CASEWORK_LOGIN_LOCKOUT_ATTEMPTS):
            r = client.post("/accounts/login/", {"username": "victim", "password": "wrong-password-123"})
            assert r.status_code == 200
            assert LOCKED_OUT.split(".")[0] not in r.content.decode()
        r = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
        assert r.status_code == 200
        assert "Too many failed sign-in attempts" in r.content.decode()
        assert "_auth_user_id" not in client.session
    assert [e for e, _ in _events("auth.sign_in_failed", "auth.locked_out", "auth.signed_in")] == [
        *["auth.sign_in_failed"] * django_settings.CASEWORK_LOGIN_LOCKOUT_ATTEMPTS,
        "auth.locked_out",
    ]
    failed = AuditEvent.objects.filter(event="auth.sign_in_failed").first()
    assert failed.data == {"username": "victim", "via": "password"}
    assert "wrong-password" not in str(AuditEvent.objects.values_list("data", flat=True))
    with time_machine.travel(
        start + dt.timedelta(minutes=django_settings.CASEWORK_LOGIN_LOCKOUT_MINUTES, seconds=1), tick=False
    ):
        r = client.post("/accounts/login/", {"username": "victim", "password": PASSWORD})
        assert r.status_code == 302


def test_a_locked_out_unknown_username_looks_the_same_as_a_known_one() -> None:
    make_user(Role.PREVENT_OFFICER, username="known")
    answers = []
    for username in ("known", "nobody-by-this-name"):
        client = Client(REMOTE_ADDR=f"10.0.0.{len(answers) + 1}")
        for _ in range(django_settings.CASEWORK_LOGIN_LOCKOUT_ATTEMPTS + 1):
            r = client.post("/accounts/login/", {"username": username, "password": "wrong-password-123"})
        answers.append(r.content.decode().replace(username, "USERNAME"))
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce-[^";]+|nonce="[^"]+"')
    assert strip.sub("", answers[0]) == strip.sub("", answers[1])


def test_wrong_second_factor_codes_count_towards_the_lock_out() -> None:
    user = make_user(Role.PREVENT_OFFICER, username="otp-guesser")
    device = TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    client = Client()
    client.post("/accounts/login/", {"username": "otp-guesser", "password": PASSWORD})
    wrong = "000000" if _code(device) != "000000" else "111111"
    for _ in range(django_settings.CASEWORK_LOGIN_LOCKOUT_ATTEMPTS):
        client.post("/accounts/two-factor/", {"token": wrong})
    r = client.post("/accounts/two-factor/", {"token": _code(device)})
    assert r.status_code == 200
    assert "Too many failed sign-in attempts" in r.content.decode()
    assert client.get("/cases/").status_code == 302


def test_an_idle_session_expires(settings) -> None:
    settings.CASEWORK_OTP_REQUIRED = False
    user = make_user(Role.PREVENT_OFFICER, username="idle")
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(user)
        assert client.get("/cases/").status_code == 200
    idle = dt.timedelta(seconds=django_settings.SESSION_COOKIE_AGE)
    with time_machine.travel(start + idle - dt.timedelta(minutes=1), tick=False):
        assert client.get("/cases/").status_code == 200  # activity slides the expiry on
    with time_machine.travel(start + 2 * idle + dt.timedelta(minutes=1), tick=False):
        r = client.get("/cases/")
        assert r.status_code == 302
        assert r.headers["Location"].startswith("/accounts/login/")


def test_signing_out_is_audited_and_needs_post() -> None:
    user = make_user(Role.REFERRER, username="leaver")
    client = Client()
    client.post("/accounts/login/", {"username": "leaver", "password": PASSWORD})
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 200
    assert _events("auth.signed_in", "auth.signed_out") == [("auth.signed_in", "leaver"), ("auth.signed_out", "leaver")]
    assert "_auth_user_id" not in client.session
    assert user.pk


def test_a_forged_cross_site_post_is_refused() -> None:
    make_user(Role.REFERRER, username="csrf-target")
    client = Client(enforce_csrf_checks=True)
    assert client.post("/accounts/login/", {"username": "csrf-target", "password": PASSWORD}).status_code == 403
    page = client.get("/accounts/login/")
    token = page.cookies["csrftoken"].value
    r = client.post("/accounts/login/", {"username": "csrf-target", "password": PASSWORD, "csrfmiddlewaretoken": token})
    assert r.status_code == 302


def test_every_page_carries_a_strict_content_security_policy_and_security_headers() -> None:
    r = Client().get("/accounts/login/")
    csp = r.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self' 'nonce-" in csp
    assert "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert r.headers["X-Frame-Options"] == "DENY"
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    assert r.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in r.headers["Permissions-Policy"]
    nonces = {Client().get("/accounts/login/").headers["Content-Security-Policy"] for _ in range(2)}
    assert len(nonces) == 2  # a fresh nonce per response


def test_deploy_checks_pass_with_production_settings(tmp_path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "x7Qm2-" * 10,
        "AUDIT_HMAC_KEY": "audit-" * 8,
        "ALLOWED_HOSTS": "casework.example.gov.uk",
        # Nothing else: HTTPS redirect, secure cookies and HSTS are the defaults whenever DEBUG is off.
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_settings_refuse_to_start_without_secrets(tmp_path) -> None:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DEBUG": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_the_admin_has_no_sign_in_of_its_own() -> None:
    r = Client().get("/admin/login/?next=/admin/accounts/user/")
    assert r.status_code == 302
    assert r.headers["Location"] == "/accounts/login/?next=/admin/accounts/user/"


def test_a_page_that_refuses_a_signed_in_user_is_audited(settings) -> None:
    settings.CASEWORK_OTP_REQUIRED = False
    user = make_user(Role.PREVENT_OFFICER, username="nosy")
    client = Client()
    client.force_login(user)
    assert client.get("/assurance/").status_code == 403
    denial = AuditEvent.objects.filter(event="auth.permission_denied").latest("seq")
    assert (denial.actor_label, denial.data) == ("nosy", {"path": "/assurance/", "method": "GET"})


def test_an_administrator_cannot_read_anyones_authenticator_key(settings) -> None:
    settings.CASEWORK_OTP_REQUIRED = False
    admin = make_user(Role.SYSTEM_ADMIN, username="key-admin")
    admin.is_staff = True
    admin.is_superuser = True
    admin.save()
    victim = make_user(Role.PREVENT_OFFICER, username="key-victim")
    device = TOTPDevice.objects.create(user=victim, name="app", confirmed=True)
    client = Client()
    client.force_login(admin)
    r = client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/")
    assert r.status_code == 200
    assert device.key not in r.content.decode()
    assert client.get(f"/admin/otp_totp/totpdevice/{device.pk}/config/").status_code in (403, 404)
