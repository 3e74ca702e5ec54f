"""The assessments app's part of the tenant-isolation registry: how to build each of its records in an RPA (with
the matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from django.db import models
from django.utils import timezone

from assessments import models as am
from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    ConflictFactory,
    CPDEntryFactory,
    PerformanceReviewFactory,
    QualityActionFactory,
    UnavailabilityFactory,
    at,
)
from candidates.factories import ready_candidate
from hnap.factories import UserFactory
from tests.support.matrix_types import Setting, TenantModel

_numbers = itertools.count(1)


def _monday(weeks_ahead: int) -> Any:
    day = timezone.localdate() + timedelta(weeks=weeks_ahead)
    return day - timedelta(days=day.weekday())


def assessor_payload(setting: Setting) -> dict[str, Any]:
    n = next(_numbers)
    return {"email": f"matrix.assessor{n}@example.org", "full_name": f"Matrix Assessor {n}", "is_senior": False}


def assessment_payload(setting: Setting) -> dict[str, Any]:
    """A booking in RPA A: a ready, paid candidate of A and an active assessor of A, in a week of their own."""
    candidate = ready_candidate(rpa=setting.rpa)
    assessor = AssessorFactory(rpa=setting.rpa)
    return {
        "candidate": candidate.pk,
        "assessor": assessor.pk,
        "starts_at": at(_monday(20 + next(_numbers))).isoformat(),
        "mode": "remote",
        "confirm_outside_window": True,
    }


ASSESSMENT_MODELS: dict[type[models.Model], TenantModel] = {
    am.Assessor: TenantModel(
        make=lambda rpa, marker: AssessorFactory(rpa=rpa, user=UserFactory(full_name=marker)),
        payload=assessor_payload,
    ),
    am.TrainingRecord: TenantModel(
        make=lambda rpa, marker: am.TrainingRecord.objects.create(
            rpa=rpa,
            assessor=AssessorFactory(rpa=rpa, trained=False),
            topic=am.TrainingTopic.STANDARDS,
            completed_on=timezone.localdate(),
            trainer=marker,
        ),
        payload=lambda setting: {"topic": "standards", "completed_on": timezone.localdate().isoformat()},
    ),
    am.CPDEntry: TenantModel(
        make=lambda rpa, marker: CPDEntryFactory(assessor=AssessorFactory(rpa=rpa), title=marker),
        payload=lambda setting: {
            "done_on": timezone.localdate().isoformat(),
            "title": "Written by the matrix",
            "hours": "2.0",
            "ksbs": "K4, S4",
        },
    ),
    am.Conflict: TenantModel(
        make=lambda rpa, marker: ConflictFactory(assessor=AssessorFactory(rpa=rpa), reason=marker),
        payload=lambda setting: {"pop": setting.pop.pk, "reason": "Written by the matrix"},
    ),
    am.Unavailability: TenantModel(
        make=lambda rpa, marker: UnavailabilityFactory(assessor=AssessorFactory(rpa=rpa), reason=marker),
        payload=lambda setting: {"day": _monday(30 + next(_numbers)).isoformat(), "reason": "Written by the matrix"},
    ),
    am.PerformanceReview: TenantModel(
        make=lambda rpa, marker: PerformanceReviewFactory(assessor=AssessorFactory(rpa=rpa), feedback=marker),
        payload=lambda setting: {
            **{name: "satisfactory" for name in am.COMPETENCY_CRITERIA},
            "feedback": "Written by the matrix",
        },
    ),
    am.QualityAction: TenantModel(
        make=lambda rpa, marker: QualityActionFactory(assessor=AssessorFactory(rpa=rpa), reason=marker),
        payload=lambda setting: {"outcome": "Written by the matrix"},
    ),
    am.Assessment: TenantModel(
        make=lambda rpa, marker: AssessmentFactory(candidate=ready_candidate(rpa=rpa), teacher_name=marker),
        payload=assessment_payload,
    ),
}

ASSESSMENT_ROUTE_PAYLOADS: dict[str, Any] = {}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
ASSESSMENT_EXEMPT_ROUTES: dict[str, str] = {}
