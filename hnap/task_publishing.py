"""Publishing tasks when Redis may be down: a page's work is kept in the database and published when it is back.

Pages queue tasks after their transaction commits (`transaction.on_commit(lambda: task.delay(...))`). With the
broker unreachable, `delay` raised after the commit: the page answered 500 although its change was saved, and
the email it asked for was lost. Every task of the app now publishes through `DurableTask`: a failed publish
is stored as a PendingTask row and the page carries on; beat's `pending-tasks` entry publishes the rows once
Redis answers (at least once: a row published just before its deletion failed would go twice, which the tasks
tolerate as they mark what they send). Tasks that beat itself schedules are not stored: beat runs them again.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

import redis
from celery import Task
from django.db import DatabaseError, transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

BROKER_DOWN = (OperationalError, redis.ConnectionError, redis.TimeoutError, ConnectionError)


def _scheduled_by_beat(name: str) -> bool:
    from hnap.celery import app

    return any(entry["task"] == name for entry in app.conf.beat_schedule.values())


class DurableTask(Task):  # type: ignore[misc]
    """A task whose publishing, should the broker be unreachable, is stored and done later instead of failing."""

    def apply_async(self, args: Any = None, kwargs: Any = None, task_id: str | None = None, **options: Any) -> Any:
        task_id = task_id or str(uuid.uuid4())
        try:
            return super().apply_async(args, kwargs, task_id=task_id, **options)
        except BROKER_DOWN as error:
            if _scheduled_by_beat(self.name) or options:
                # Beat runs its own tasks again; a call with options (countdown, queue...) is not ours to replay.
                raise
            try:
                pending_task_store(name=self.name, args=list(args or ()), kwargs=dict(kwargs or {}), task_id=task_id)
            except DatabaseError:
                raise error from None
            logger.warning("Broker unreachable: %s %s kept to publish later (%s)", self.name, task_id, error)
            return self.AsyncResult(task_id)


def pending_task_store(*, name: str, args: list[Any], kwargs: dict[str, Any], task_id: str) -> None:
    """Keep a task that could not be published."""
    from hnap.models import PendingTask

    PendingTask.objects.create(name=name, args=args, kwargs=kwargs, task_id=task_id)


def pending_tasks_publish(*, batch_size: int = 100) -> int:
    """Publish the kept tasks (oldest first); each row goes once its publishing succeeded."""
    from hnap.celery import app
    from hnap.models import PendingTask

    published = 0
    while True:
        with transaction.atomic():
            batch = list(PendingTask.objects.select_for_update(skip_locked=True)[:batch_size])
            if not batch:
                return published
            for pending in batch:
                # send_task, not the task's apply_async: a failure here must leave the row, not store a second one.
                app.send_task(pending.name, pending.args, pending.kwargs, task_id=pending.task_id)
                pending.delete()
                published += 1
