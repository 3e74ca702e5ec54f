"""Audit history (DATA-1): database triggers (django-pghistory) record every insert, update and delete of a
tracked model, bulk updates included, with the context of who made it and from where."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import pghistory
from django.db import models

ModelT = TypeVar("ModelT", bound=type[models.Model])


def audited() -> Callable[[ModelT], ModelT]:
    """Class decorator: keep the history of every change to this model."""
    return pghistory.track(  # type: ignore[no-any-return]
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )


@contextmanager
def audit_source(source: str, **context: Any) -> Iterator[None]:
    """Tag the changes made inside the block with their source ("task", "command") and details."""
    with pghistory.context(source=source, **context):
        yield


def history_for(*, obj: models.Model) -> list[dict[str, Any]]:
    """The changes recorded for one record, newest first, with who, when, what and from where."""
    from django.contrib.auth import get_user_model

    # `Events.pgh_context` is the context's metadata itself (JSON), not a relation to select.
    events = list(pghistory.models.Events.objects.tracks(obj).order_by("-pgh_created_at", "-pgh_id"))
    user_ids = {(e.pgh_context or {}).get("user") for e in events}
    users: dict[Any, Any] = {u.pk: u for u in get_user_model().objects.filter(pk__in=[i for i in user_ids if i])}
    rows = []
    for event in events:
        metadata = event.pgh_context or {}
        rows.append(
            {
                "when": event.pgh_created_at,
                "label": event.pgh_label,
                "diff": event.pgh_diff or {},
                "by": users.get(metadata.get("user")),
                "source": metadata.get("source", "database"),
                "detail": metadata.get("task") or metadata.get("command") or metadata.get("url") or "",
            }
        )
    return rows
