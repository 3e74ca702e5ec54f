"""Thin Celery tasks of the Partnership layer: they take ids (or nothing), tag the audit context, call services."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from celery import shared_task

from hnap.audit import audit_source
from hnap.deadlines import deadline_sweep as run_deadline_sweep
from hnap.grants import grants_expire
from hnap.health import beat_heartbeat_record
from hnap.task_publishing import pending_tasks_publish as run_pending_tasks_publish


@shared_task(name="hnap.tasks.beat_heartbeat", ignore_result=True)
def beat_heartbeat() -> None:
    """Lets /healthz tell when beat last ran."""
    beat_heartbeat_record()


@shared_task(name="hnap.tasks.deadline_sweep", ignore_result=True)
def deadline_sweep() -> dict[str, Any]:
    """The deadline engine's periodic sweep; also ends object grants whose time is up."""
    with audit_source("task", task="hnap.tasks.deadline_sweep"):
        expired = grants_expire()
        report = asdict(run_deadline_sweep())
    return {**report, "grants_expired": expired}


@shared_task(name="hnap.tasks.pending_tasks_publish", ignore_result=True)
def pending_tasks_publish() -> int:
    """Publish the tasks pages asked for while Redis was unreachable (hnap/task_publishing.py)."""
    return run_pending_tasks_publish()
