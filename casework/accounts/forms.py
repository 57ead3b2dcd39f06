from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm

from casework.accounts.services import LOCKED_OUT, sign_in_locked_out
from casework.audit.services import audit_record

OTP_WRONG = "The code is wrong or has expired. Enter the 6-digit code your authenticator app shows now."


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def locked_out_message() -> str:
    return LOCKED_OUT.format(minutes=settings.CASEWORK_LOGIN_LOCKOUT_MINUTES)


class SignInForm(AuthenticationForm):
    """Username and password, refused outright while the username or address is locked out (even when the
    password is right, so guessing gains nothing)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if sign_in_locked_out(username=username, ip=client_ip(self.request)):
            audit_record(event="auth.locked_out", actor=None, data={"username": username, "stage": "password"})
            raise forms.ValidationError(locked_out_message(), code="locked_out")
        return super().clean()


class OtpForm(forms.Form):
    token = forms.CharField(
        label="Security code",
        max_length=8,
        min_length=6,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "spellcheck": "false"}
        ),
        help_text="The 6-digit code from your authenticator app.",
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not token.isdigit():
            raise forms.ValidationError("Enter the code as 6 digits, for example 123456.")
        return token
