from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from casework.accounts.models import User
from casework.accounts.services import api_token_issue

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=LONDON)


class ApiClient:
    """Drives /api/v1/ as a given user, with a real token through the real authentication."""

    def __init__(self, user: User) -> None:
        self.user = user
        _, self.token = api_token_issue(actor=None, user=user, name="test")
        self.client = Client()

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(f"/api/v1{path}", params, **self._headers())

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            f"/api/v1{path}",
            data=json.dumps(body or {}, default=str),
            content_type="application/json",
            **self._headers(),
        )


@pytest.fixture
def api_as():
    def make(user: User) -> ApiClient:
        return ApiClient(user)

    return make
