"""The moderation app's people and reports part of the tenant-isolation registry: how to build each record in an RPA
(with the matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

from django.db import models

from assessments.factories import AssessorFactory
from hnap.factories import MembershipFactory, PreparationProviderFactory, UserFactory
from hnap.models import RPA
from hnap.roles import Role
from moderation import models as mm
from moderation.factories import (
    AssessorFeedbackFactory,
    JointReportFactory,
    ModerationEventFactory,
    ModeratorFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    PoPTrendFeedbackFactory,
)
from tests.support.matrix_types import Setting, TenantModel

_numbers = itertools.count(1)


def _old_event(rpa: Any) -> mm.ModerationEvent:
    """An event of `rpa` for a month of its own (long past), so that one-per-event records never collide."""
    n = next(_numbers)
    return ModerationEventFactory(rpa=rpa, month=date(1990 + n // 12, 1 + n % 12, 1))


def _period() -> tuple[date, date]:
    """A three-month period of its own, far in the future (pairings of an RPA may not overlap)."""
    n = next(_numbers)
    start = date(2500 + n // 4, 1 + 3 * (n % 4), 1)
    end = date(start.year + (start.month + 2) // 12, (start.month + 2) % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


def _third_rpa(*rpas: Any) -> RPA:
    return RPA.objects.exclude(pk__in=[r.pk for r in rpas]).order_by("name").first()  # type: ignore[return-value]


def nominate_payload(setting: Setting) -> dict[str, Any]:
    """An active assessor of RPA A, not yet a moderator, to nominate."""
    return {"user": AssessorFactory(rpa=setting.rpa).user_id, "trained_on": "", "is_senior": ""}


def pairing_payload(setting: Setting) -> dict[str, Any]:
    """RPA A reviewed by a third RPA for a period of its own (a repeat confirmed, should it be one)."""
    start, _ = _period()
    return {
        "reviewed": setting.rpa.pk,
        "reviewer": _third_rpa(setting.rpa).pk,
        "period_start": start.isoformat(),
        "confirm_repeat": "on",
    }


def nomination_payload(setting: Setting) -> dict[str, Any]:
    """RPA A's peer reviewer and deputy (two of its people) for a month in which it reviews a third RPA."""
    start, end = _period()
    PeerReviewPairingFactory(rpa=_third_rpa(setting.rpa), reviewer_rpa=setting.rpa, period_start=start, period_end=end)
    reviewer, deputy = (
        MembershipFactory(role=Role.SENIOR_ASSESSOR, rpa=setting.rpa, user=UserFactory()).user for _ in range(2)
    )
    return {"month": start.isoformat(), "reviewer": reviewer.pk, "deputy": deputy.pk}


def _pairing(rpa: Any, marker: str) -> mm.PeerReviewPairing:
    start, end = _period()
    return PeerReviewPairingFactory(
        rpa=rpa,
        reviewer_rpa=_third_rpa(rpa),
        period_start=start,
        period_end=end,
        set_by=UserFactory(full_name=marker),
    )


def _nomination(rpa: Any, marker: str) -> mm.PeerReviewNomination:
    start, _ = _period()
    return PeerReviewNominationFactory(
        rpa=rpa, reviewed_rpa=_third_rpa(rpa), month=start, reviewer=UserFactory(full_name=marker)
    )


REPORT_MODELS: dict[type[models.Model], TenantModel] = {
    # People (MOD-1, MOD-2, PEER-1, PEER-2): the pages name the moderator, who set a pairing, the peer reviewer.
    mm.Moderator: TenantModel(
        make=lambda rpa, marker: ModeratorFactory(rpa=rpa, user=UserFactory(full_name=marker), confirmed_at=None),
        payload=lambda setting: {"note": "Written by the matrix"},
    ),
    mm.PeerReviewPairing: TenantModel(make=_pairing, payload=pairing_payload),
    mm.PeerReviewNomination: TenantModel(make=_nomination, payload=nomination_payload),
    # Feedback to an assessor (MOD-9): its pages name the assessor, so the marker is the assessor's name.
    mm.AssessorFeedback: TenantModel(
        make=lambda rpa, marker: AssessorFeedbackFactory(
            rpa=rpa, event=_old_event(rpa), assessor=AssessorFactory(rpa=rpa, user=UserFactory(full_name=marker))
        ),
        payload=lambda setting: {
            "strengths": "Written by the matrix",
            "weaknesses": "",
            "change_reasons": "",
            "sanction": "",
            "sanction_justification": "",
        },
    ),
    # Trends sent to a PoP (MOD-11): its pages name the PoP.
    mm.PoPTrendFeedback: TenantModel(
        make=lambda rpa, marker: PoPTrendFeedbackFactory(
            rpa=rpa, event=_old_event(rpa), pop=PreparationProviderFactory(name=marker)
        ),
        payload=lambda setting: {"pop": setting.pop.pk, "period": "event", "message": "Written by the matrix"},
    ),
    # The joint report (PEER-3): its pages name the peer reviewer.
    mm.JointReport: TenantModel(
        make=lambda rpa, marker: JointReportFactory(
            rpa=rpa, event=_old_event(rpa), peer_reviewer=UserFactory(full_name=marker)
        ),
        payload=lambda setting: {"issues_raised": "no", "issues": "", "for_partnership": "Written by the matrix"},
    ),
}

# URL name -> a body for that route when the model's payload does not fit it.
REPORT_ROUTE_PAYLOADS: dict[str, Any] = {
    "moderation-moderator-nominate": nominate_payload,
    "moderation-feedback-start": lambda setting: {"assessor": 0},
    "moderation-moderators-report-edit": lambda setting: {
        "training": "Written by the matrix",
        "quality_assurance": "",
        "support": "",
        "submit": "no",
    },
    "moderation-trends-send": lambda setting: {
        "pop": setting.pop.pk,
        "period": "event",
        "message": "Written by the matrix",
    },
    "moderation-feedback-send": lambda setting: {},
}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
REPORT_EXEMPT_ROUTES: dict[str, str] = {}
