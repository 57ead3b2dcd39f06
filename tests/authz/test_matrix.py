"""Runs the authorisation matrix (tests/authz/matrix.py) against the real API and pages, for every role, in and
out of scope, and proves that an out-of-scope record is indistinguishable from a missing one."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from casework.accounts.models import Role
from casework.api.routes import api
from casework.assessments.models import Assessment
from casework.assurance.models import QaItem
from casework.panels.policies import MeetingPolicy
from casework.referrals.models import Case
from casework.referrals.policies import CasePolicy
from tests.authz import matrix
from tests.authz.world import ANONYMOUS, ROLES, World, build_world

pytestmark = pytest.mark.django_db

PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _api_operations() -> dict[str, tuple[str, str]]:
    schema = api.get_openapi_schema()
    ops = {}
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            ops[spec["operationId"]] = (method, path)
    return ops


def _url_names(patterns: list[Any] | None = None, prefix: str = "", ns: str = "") -> list[tuple[str, str]]:
    """(name, route) of every named URL pattern except the API's (covered operation by operation)."""
    out: list[tuple[str, str]] = []
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route.startswith("api/"):
                continue
            inner_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            out.extend(_url_names(p.url_patterns, route, inner_ns))
        elif isinstance(p, URLPattern):
            out.append((f"{ns}{p.name}" if p.name else f"{ns}<unnamed {route}>", route))
    return out


def _page_row(name: str) -> matrix.Page | None:
    for page in matrix.PAGES:
        if page.names == name or (page.names.endswith("*") and name.startswith(page.names[:-1])):
            return page
    return None


# --- Guards: nothing is left out of the matrix -----------------------------------------------------------------


def test_every_api_operation_has_a_row_in_the_matrix() -> None:
    missing = sorted(set(_api_operations()) - set(matrix.API))
    assert not missing, f"Add a row to tests/authz/matrix.py API for: {', '.join(missing)}"


def test_every_url_pattern_has_a_row_in_the_matrix() -> None:
    missing = sorted(f"{name} ({route})" for name, route in _url_names() if _page_row(name) is None)
    assert not missing, (
        "Add a Page row to tests/authz/matrix.py PAGES (by name, or a namespace 'ns:*') for: " + ", ".join(missing)
    )


@pytest.mark.parametrize("role", [r for r in ROLES if r != ANONYMOUS])
def test_an_unknown_action_is_refused_to_every_role(role: str) -> None:
    world = build_world()
    case = Case.objects.get(pk=world.inside.ids["case"])
    user = world.users[role]
    assert CasePolicy.can(user, "no_such_action", case) is False
    assert CasePolicy.can(user, "", case) is False
    from casework.panels.models import Meeting

    assert MeetingPolicy.can(user, "no_such_action", Meeting.objects.get(pk=world.inside.ids["meeting"])) is False


def test_the_anonymous_user_may_do_nothing_by_policy() -> None:
    from django.contrib.auth.models import AnonymousUser

    world = build_world()
    case = Case.objects.get(pk=world.inside.ids["case"])
    anonymous = AnonymousUser()
    assert not CasePolicy.visible_to(anonymous).exists()
    assert all(not CasePolicy.can(anonymous, action, case) for action in [*CasePolicy.__dict__, "view"])


# --- The API --------------------------------------------------------------------------------------------------


def _fill(value: Any, ids: dict[str, Any], role: str, world: World, side: str) -> Any:
    if isinstance(value, dict):
        return {k: _fill(v, ids, role, world, side) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, ids, role, world, side) for v in value]
    if not isinstance(value, str):
        return value

    def one(name: str) -> Any:
        if name == "today":
            return timezone.localdate().isoformat()
        if name == "member_user":
            return world.users[Role.PANEL_MEMBER].pk
        got = ids[name]
        if isinstance(got, dict):  # per-role records (each user's own spare API token)
            got = got.get(role, uuid.uuid4())
        return got

    whole = PLACEHOLDER.fullmatch(value)
    if whole:
        return one(whole.group(1))
    return PLACEHOLDER.sub(lambda m: str(one(m.group(1))), value)


def _missing_ids(ids: dict[str, Any]) -> dict[str, Any]:
    return {k: (987654321 if isinstance(v, int) else uuid.uuid4()) for k, v in ids.items()}


def _call(world: World, role: str, op: matrix.Op, ids: dict[str, Any], side: str) -> tuple[int, str]:
    """One request, rolled back afterwards so that every cell starts from the same world."""
    client = Client()
    headers = {} if role == ANONYMOUS else {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[role]}"}
    path = "/api/v1" + _fill(op.path, ids, role, world, side)
    body = json.dumps(_fill(op.body or {}, ids, role, world, side), default=str)
    with transaction.atomic():
        if op.method == "get":
            response = client.get(path, **headers)
        else:
            response = client.post(path, data=body, content_type="application/json", **headers)
        transaction.set_rollback(True)
    return response.status_code, response.content.decode()


def _expected_inside(op: matrix.Op, role: str) -> str:
    if role == ANONYMOUS:
        return "401"
    if role in op.ok:
        return "ok"
    if role in op.forbidden:
        return "403"
    return "404"


def _outcome(status: int) -> str:
    return str(status) if status in (401, 403, 404) else "ok"


def _world_with_qa_item() -> World:
    world = build_world()
    assessment = Assessment.objects.filter(case_id=world.inside.ids["case"]).first()
    world.inside.ids["qa_item"] = QaItem.objects.create(assessment=assessment, reason="random", sample_percent=10).pk
    world.outside.ids["qa_item"] = world.inside.ids["qa_item"]
    return world


@pytest.mark.parametrize("operation_id", sorted(matrix.API))
def test_api_operation_answers_each_role_as_the_matrix_says(operation_id: str) -> None:
    if operation_id not in _api_operations():
        pytest.skip(f"{operation_id} is not registered in this checkout (a row written ahead of its code)")
    op = matrix.API[operation_id]
    world = _world_with_qa_item()
    wrong: list[str] = []
    for role in ROLES:
        status, body = _call(world, role, op, world.inside.ids, "inside")
        expected = _expected_inside(op, role)
        if _outcome(status) != expected:
            wrong.append(f"{role} in scope: expected {expected}, got {status} {body[:160]}")
        if role != ANONYMOUS and role not in op.leaks_allowed:
            leaked = [s for s in world.outside.secrets if s in body]
            if leaked:
                wrong.append(f"{role} in scope: the answer names records outside their area: {leaked}")
        if not op.scoped or role == ANONYMOUS:
            continue
        out_status, out_body = _call(world, role, op, world.outside.ids, "outside")
        miss_status, miss_body = _call(world, role, op, _missing_ids(world.inside.ids), "missing")
        if role in op.out_ok:
            if _outcome(out_status) != "ok":
                wrong.append(f"{role} out of scope: expected ok (national role), got {out_status} {out_body[:160]}")
            continue
        if out_status != 404:
            wrong.append(f"{role} out of scope: expected 404, got {out_status} {out_body[:160]}")
        if miss_status != 404:
            wrong.append(f"{role} missing id: expected 404, got {miss_status} {miss_body[:160]}")
        if out_status == miss_status == 404 and out_body != miss_body:
            wrong.append(f"{role}: out of scope answers differently from missing: {out_body} vs {miss_body}")
    assert not wrong, f"{operation_id}:\n" + "\n".join(wrong)


# --- Pages ----------------------------------------------------------------------------------------------------


def _page_expected(page: matrix.Page, role: str) -> int | str:
    if role in page.status_for:
        return page.status_for[role]
    if role == ANONYMOUS:
        return "ok" if page.public else "login"
    if role in page.ok:
        return "ok"
    return page.denied_status


def _page_outcome(response: Any) -> int | str:
    if response.status_code == 200:
        return "ok"
    if response.status_code == 302:
        location = response.headers.get("Location", "")
        if location.startswith("/accounts/login/"):
            return "login"
        return 302 if location.startswith("/admin/login/") else "ok"
    return response.status_code


@pytest.mark.parametrize("page", matrix.PAGES, ids=lambda p: p.names)
def test_page_answers_each_role_as_the_matrix_says(page: matrix.Page) -> None:
    if not any(_page_row(name) is page for name, _ in _url_names()):
        pytest.skip(f"No URL pattern {page.names} in this checkout (a row written ahead of its page)")
    world = build_world()
    wrong = []
    for role in ROLES:
        client = Client()
        if role != ANONYMOUS:
            client.force_login(world.users[role])
        probe = _fill(page.probe, world.inside.ids, role, world, "inside")
        with transaction.atomic():
            response = client.get(probe)
            transaction.set_rollback(True)
        if _page_outcome(response) != _page_expected(page, role):
            wrong.append(
                f"{role}: expected {_page_expected(page, role)}, got {response.status_code} "
                f"{response.headers.get('Location', '')}"
            )
        if page.scoped and role != ANONYMOUS:
            for label, ids in (("out of scope", world.outside.ids), ("missing", _missing_ids(world.inside.ids))):
                with transaction.atomic():
                    r = client.get(_fill(page.probe, ids, role, world, label))
                    transaction.set_rollback(True)
                if r.status_code != 404:
                    wrong.append(f"{role} {label}: expected 404, got {r.status_code}")
                else:
                    leaked = [s for s in world.outside.secrets if s in r.content.decode()]
                    if leaked:
                        wrong.append(f"{role} {label}: the 404 page names {leaked}")
    assert not wrong, f"{page.names} ({page.probe}):\n" + "\n".join(wrong)
