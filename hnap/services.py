"""Writes of the Partnership layer that are not the deadline engine or grants: closure days, memberships."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from hnap.deadlines import deadlines_recompute
from hnap.models import RPA, ClosureDay


@transaction.atomic
def closure_day_add(*, rpa: RPA, day: date, reason: str) -> ClosureDay:
    """Close the RPA on a day; its open working-day deadlines are recomputed around it."""
    if ClosureDay.objects.filter(rpa=rpa, day=day).exists():
        raise ValidationError(f"{rpa.name} is already closed on {day:%d %B %Y}.")
    closure = ClosureDay.objects.create(rpa=rpa, day=day, reason=reason)
    deadlines_recompute(rpa_id=rpa.pk)
    return closure
