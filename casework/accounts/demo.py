"""Second factors for the synthetic demo users (DEBUG only): each gets a confirmed authenticator-app (TOTP)
device, and `manage.py demo_otp_code USERNAME` prints its current code, so `make run` can be signed in to
without a phone. Never used outside DEBUG."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import TextIO

from django.conf import settings
from django.core.management.base import OutputWrapper
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.models import Role, User

DEBUG_ONLY = "Demo second factors are for development only: run with DEBUG=true."


def demo_totp_device(user: User) -> TOTPDevice:
    if not settings.DEBUG:
        raise RuntimeError(DEBUG_ONLY)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Demo authenticator", confirmed=True)


def demo_current_code(user: User) -> str:
    device = demo_totp_device(user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift)
    return f"{code:0{device.digits}d}"


def print_demo_second_factors(stdout: TextIO | OutputWrapper, usernames: Iterable[str]) -> None:
    """Give each demo user (except the referrer, who needs none) a TOTP device and print how to get codes."""
    stdout.write(
        "Second factor (TOTP) for demo staff users — add the key to an authenticator app, or run\n"
        "  .venv/bin/python manage.py demo_otp_code USERNAME   to print the current 6-digit code:\n"
    )
    for user in User.objects.filter(username__in=list(usernames)).exclude(role=Role.REFERRER).order_by("username"):
        device = demo_totp_device(user)
        stdout.write(f"  {user.username:<16} key {base64.b32encode(device.bin_key).decode()}\n")
