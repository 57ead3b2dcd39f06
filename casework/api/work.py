"""'My work': the signed-in user's tasks and the reviews their role owns."""

from __future__ import annotations

import datetime as dt
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Schema

from casework.api.base import api
from casework.reviews.selectors import reviews_pending_for_user, task_list_for_user


class TaskOut(Schema):
    id: UUID
    kind: str
    title: str
    due_on: dt.date
    case_id: UUID
    case_reference: str
    review_id: UUID | None
    escalation: bool
    done_at: dt.datetime | None


class WorkOut(Schema):
    tasks: list[TaskOut]
    reviews_due: int
    reviews_overdue: int


@api.get("/my-work", response=WorkOut, operation_id="my_work", tags=["work"])
def my_work(request: HttpRequest, include_done: bool = False) -> Any:
    user = request.user
    tasks = task_list_for_user(user=user, include_done=include_done)[:500]  # type: ignore[arg-type]
    reviews = reviews_pending_for_user(user=user)  # type: ignore[arg-type]
    return {
        "tasks": [
            {
                "id": t.pk,
                "kind": t.kind,
                "title": t.title,
                "due_on": t.due_on,
                "case_id": t.case_id,
                "case_reference": t.case.reference,
                "review_id": t.review_id,
                "escalation": t.escalation,
                "done_at": t.done_at,
            }
            for t in tasks
        ],
        "reviews_due": reviews.filter(status="due").count(),
        "reviews_overdue": reviews.filter(status="overdue").count(),
    }
