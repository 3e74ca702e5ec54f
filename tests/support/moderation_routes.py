"""The moderation day's part of the tenant-isolation registry (events, the sample, decisions, review pending): how to
build each record in an RPA (with the matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.db import models

from hnap.factories import UserFactory
from moderation import models as mm
from moderation.factories import (
    ModerationDecisionFactory,
    ModerationEventFactory,
    ModeratorFactory,
    ReviewPendingFactory,
    SampleEntryFactory,
)
from tests.support.assessment_routes import _file
from tests.support.matrix_types import Setting, TenantModel

_numbers = itertools.count(1)


def _month() -> date:
    """A month of its own (far from any other registry's), so one-per-month events never collide."""
    n = next(_numbers)
    return date(2300 + n // 12, 1 + n % 12, 1)


def _event(rpa: Any, lead_name: str = "Matrix Lead Moderator") -> mm.ModerationEvent:
    """A planned event of `rpa` for a month of its own, whose lead moderator is named `lead_name`."""
    lead = ModeratorFactory(rpa=rpa, user=UserFactory(full_name=lead_name))
    return ModerationEventFactory(rpa=rpa, month=_month(), lead_moderator=lead)


def _entry(rpa: Any, last_name: str) -> mm.SampleEntry:
    """A file of `rpa` (its candidate named `last_name`) sampled as not met in an event of its own."""
    return SampleEntryFactory(file=_file(rpa, last_name), event=_event(rpa))


def _decision(rpa: Any, reasons: str) -> mm.ModerationDecision:
    """A proposed overturn awaiting a second moderator, its reasons carrying `reasons`."""
    return ModerationDecisionFactory(
        entry=_entry(rpa, "Decided"),
        verdict=mm.Verdict.OVERTURN,
        new_outcome="full",
        reasons=reasons,
        state=mm.DecisionState.AWAITING_SECOND,
        confirmed_at=None,
    )


def event_plan_payload(setting: Setting) -> dict[str, Any]:
    """A new event of RPA A for a month of its own."""
    month = _month()
    return {"month": f"{month:%Y-%m}", "held_on": month.replace(day=15).isoformat(), "lead_moderator": ""}


MODERATION_MODELS: dict[type[models.Model], TenantModel] = {
    # An event's pages name its lead moderator (templates/moderation/events/_caption.html).
    mm.ModerationEvent: TenantModel(
        make=lambda rpa, marker: _event(rpa, marker),
        payload=event_plan_payload,
    ),
    # A sampled file's pages name its candidate.
    mm.SampleEntry: TenantModel(
        make=lambda rpa, marker: _entry(rpa, marker),
        payload=lambda setting: {"verdict": "endorse", "reasons": "Written by the matrix"},
    ),
    # A decision's pages show its reasons.
    mm.ModerationDecision: TenantModel(
        make=lambda rpa, marker: _decision(rpa, marker),
        payload=lambda setting: {"agrees": "yes", "note": "Written by the matrix"},
    ),
    # A review-pending flag's pages name the file's candidate.
    mm.ReviewPending: TenantModel(
        make=lambda rpa, marker: ReviewPendingFactory(file=_file(rpa, marker), caused_by=_decision(rpa, "Cascade")),
        payload=lambda setting: {"outcome": "stands", "notes": "Written by the matrix"},
    ),
}

# URL name -> a body for that route when the model's payload does not fit it.
MODERATION_ROUTE_PAYLOADS: dict[str, Any] = {
    "moderation-event-standards": lambda setting: {"standards": "3, 12"},
    "moderation-event-coverage-add": lambda setting: {"files": []},
}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
MODERATION_EXEMPT_ROUTES: dict[str, str] = {}
