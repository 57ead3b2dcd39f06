"""Sign-in pages: password, then the second factor (TOTP). Plain semantic templates, restyled by the web UI."""

from __future__ import annotations

import base64
import io
from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from casework.accounts.forms import OTP_WRONG, OtpForm, SignInForm, client_ip, locked_out_message
from casework.accounts.models import User
from casework.accounts.services import sign_in_attempt_record, sign_in_locked_out
from casework.audit.services import audit_record


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = False


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # the views require a signed-in user


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


class _SecondFactorView(LoginRequiredMixin, View):
    template_name = ""

    def _context(self, form: OtpForm, **extra: Any) -> dict[str, Any]:
        return {"form": form, "next": _next_url(self.request), "debug": settings.DEBUG, **extra}

    def _check(self, request: HttpRequest, form: OtpForm, verify: Any) -> HttpResponse | None:
        """Shared by both pages: lock-out first, then the code; failures count towards the lock-out."""
        username = request.user.get_username()
        if sign_in_locked_out(username=username, ip=client_ip(request)):
            audit_record(event="auth.locked_out", actor=_user(request), data={"username": username, "stage": "otp"})
            form.add_error(None, locked_out_message())
            return None
        if not form.is_valid():
            return None
        device = verify(form.cleaned_data["token"])
        if device is None:
            sign_in_attempt_record(username=username, ip=client_ip(request), succeeded=False, stage="otp")
            audit_record(event="auth.otp_failed", actor=_user(request), target=_user(request))
            form.add_error("token", OTP_WRONG)
            return None
        otp_login(request, device)
        sign_in_attempt_record(username=username, ip=client_ip(request), succeeded=True, stage="otp")
        return HttpResponseRedirect(_next_url(request))


class OtpVerifyView(_SecondFactorView):
    """Second step of sign-in: the current code from the user's authenticator app."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not any(True for _ in devices_for_user(request.user, confirmed=True)):
            return HttpResponseRedirect(resolve_url("otp-setup"))
        return render(request, "accounts/otp_verify.html", self._context(OtpForm()))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OtpForm(request.POST)

        def verify(token: str) -> Any:
            device = match_token(request.user, token)
            if device is not None:
                audit_record(event="auth.otp_verified", actor=_user(request), target=_user(request))
            return device

        done = self._check(request, form, verify)
        return done or render(request, "accounts/otp_verify.html", self._context(form), status=200)


def _qr_svg(uri: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


class OtpSetupView(_SecondFactorView):
    """First sign-in: set up an authenticator app (scan the QR code or type the key), then confirm one code.
    A user who already has one cannot add another here: an administrator resets it."""

    def _device(self, request: HttpRequest) -> TOTPDevice:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        return device or TOTPDevice.objects.create(user=request.user, name="Authenticator app", confirmed=False)

    def _page(self, request: HttpRequest, form: OtpForm) -> HttpResponse:
        device = self._device(request)
        key = base64.b32encode(device.bin_key).decode()
        return render(
            request,
            "accounts/otp_setup.html",
            self._context(form, otpauth_uri=device.config_url, secret=key, qr_data_uri=_qr_svg(device.config_url)),
        )

    def get(self, request: HttpRequest) -> HttpResponse:
        if any(True for _ in devices_for_user(request.user, confirmed=True)):
            return HttpResponseRedirect(resolve_url("otp-verify"))
        return self._page(request, OtpForm())

    def post(self, request: HttpRequest) -> HttpResponse:
        if any(True for _ in devices_for_user(request.user, confirmed=True)):
            return HttpResponseRedirect(resolve_url("otp-verify"))
        device = self._device(request)
        form = OtpForm(request.POST)

        def verify(token: str) -> Any:
            if not device.verify_token(token):
                return None
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            audit_record(event="auth.otp_device_confirmed", actor=_user(request), target=_user(request))
            return device

        done = self._check(request, form, verify)
        return done or self._page(request, form)
