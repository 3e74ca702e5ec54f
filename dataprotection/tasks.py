"""Thin Celery tasks of data protection: they take ids, tag the audit context and call the services."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from dataprotection.models import KeyRotation
from dataprotection.services import export_build as build
from dataprotection.services import exports_expire, key_rotation_step, retention_apply
from hnap.audit import audit_source
from hnap.models import RPA


@shared_task(name="dataprotection.tasks.export_build", ignore_result=True)
def export_build(export_id: int) -> None:
    """DATA-1: build a subject-access archive, reporting progress on its record."""
    with audit_source("task", task="dataprotection.tasks.export_build"):
        build(export_id=export_id)


@shared_task(name="dataprotection.tasks.retention_nightly", ignore_result=True)
def retention_nightly() -> dict[str, Any]:
    """DATA-1, S11-4: apply every RPA's retention periods (each reported in a run and to its lead), and delete
    subject-access archives whose link has expired."""
    with audit_source("task", task="dataprotection.tasks.retention_nightly"):
        runs = {rpa.slug: retention_apply(rpa=rpa, dry_run=False).pk for rpa in RPA.objects.filter(active=True)}
        return {"runs": runs, "exports_expired": exports_expire()}


@shared_task(name="dataprotection.tasks.exports_expire", ignore_result=True)
def exports_expire_task() -> int:
    """Delete subject-access archives whose link has expired."""
    with audit_source("task", task="dataprotection.tasks.exports_expire"):
        return exports_expire()


@shared_task(name="dataprotection.tasks.key_rotation_run", ignore_result=True)
def key_rotation_run(rotation_id: int, batch_size: int = 50) -> None:
    """Re-encrypt one batch under the current key, then queue the next: a worker stopped mid-way loses at most one
    batch, and the rotation resumes from where its record says it got to."""
    rotation = KeyRotation.objects.filter(pk=rotation_id).first()
    if rotation is None:
        return
    with audit_source("task", task="dataprotection.tasks.key_rotation_run"):
        more = key_rotation_step(rotation=rotation, batch_size=batch_size)
    if more:
        key_rotation_run.delay(rotation_id, batch_size)
