from __future__ import annotations

from django_tasks import task

from casework.reviews.services import sweep_reviews


@task()
def sweep_reviews_task() -> dict[str, int]:
    return sweep_reviews()
