"""Fixtures of the enquiries and appeals tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hnap.models import RPA


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process when their transaction commits (the emails of a reply, a letter, an outcome)."""
    from hnap.celery import app

    # Set and restored by hand: monkeypatch's undo deletes the attribute, which Celery's settings refuse.
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def rpa_c(db: None) -> RPA:
    """A third RPA (panels need two RPAs besides the candidate's)."""
    rpa = RPA.objects.exclude(slug__in=["strictly-education-4s", "hlta-north"]).order_by("name").first()
    assert rpa is not None
    return rpa
