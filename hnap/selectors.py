"""Reads of the Partnership layer: deadlines for dashboards, and the people and places they concern."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from hnap.models import DeadlineState, NationalFee
from hnap.workdays import end_of_day


def deadline_counts(*, deadlines: Any, now: datetime | None = None) -> dict[str, int]:
    """Counts for the dashboard: due today, at risk (due within two days), breached, open."""
    now = now or timezone.now()
    today_end = end_of_day(timezone.localdate(now))
    return deadlines.aggregate(
        open=models.Count("pk", filter=models.Q(state=DeadlineState.OPEN)),
        due_today=models.Count("pk", filter=models.Q(state=DeadlineState.OPEN, due_at__lte=today_end, due_at__gt=now)),
        at_risk=models.Count(
            "pk",
            filter=models.Q(state=DeadlineState.OPEN, due_at__gt=today_end, due_at__lte=today_end + timedelta(days=2)),
        ),
        breached=models.Count("pk", filter=models.Q(state=DeadlineState.BREACHED, met_at__isnull=True)),
    )


def deadlines_filtered(
    *, deadlines: Any, state: str = "", window: str = "", q: str = "", now: datetime | None = None
) -> Any:
    """Deadlines narrowed by the dashboard's filters, soonest first, with what the list shows joined in."""
    now = now or timezone.now()
    today_end = end_of_day(timezone.localdate(now))
    if state:
        deadlines = deadlines.filter(state=state)
    else:
        deadlines = deadlines.filter(state__in=[DeadlineState.OPEN, DeadlineState.BREACHED])
    if window == "today":
        deadlines = deadlines.filter(state=DeadlineState.OPEN, due_at__gt=now, due_at__lte=today_end)
    elif window == "at_risk":
        deadlines = deadlines.filter(
            state=DeadlineState.OPEN, due_at__gt=today_end, due_at__lte=today_end + timedelta(days=2)
        )
    elif window == "overdue":
        deadlines = deadlines.filter(due_at__lte=now, met_at__isnull=True)
    if q:
        deadlines = deadlines.filter(title__icontains=q)
    return deadlines.select_related("rpa", "responsible").order_by("due_at", "pk")


def national_fee_on(*, day: date) -> NationalFee | None:
    """The national assessment fee in force on a day (PAY-2, PART-1): one fee for every RPA."""
    return NationalFee.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
