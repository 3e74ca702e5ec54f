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
    file_with_tasks,
    submitted_file,
)
from assessments.file_services import (
    file_scrutinise,
    preparation_feedback_record,
    result_confirm,
    task_document_upload,
)
from candidates.factories import pdf_with, ready_candidate
from candidates.models import Candidate
from hnap.factories import UserFactory
from tests.support.matrix_types import Setting, TenantModel

_numbers = itertools.count(1)


def _monday(weeks_ahead: int) -> Any:
    day = timezone.localdate() + timedelta(weeks=weeks_ahead)
    return day - timedelta(days=day.weekday())


def _file(rpa: Any, last_name: str, *, submitted: bool = True) -> am.AssessmentFile:
    """A file of `rpa` whose candidate is named `last_name`: submitted (version 1), or still a draft with the
    candidate's documents, its assessment three days ago either way."""
    candidate = ready_candidate(rpa=rpa, last_name=last_name)
    if submitted:
        return submitted_file(candidate=candidate)
    return file_with_tasks(candidate=candidate)


def assessor_payload(setting: Setting) -> dict[str, Any]:
    n = next(_numbers)
    return {"email": f"matrix.assessor{n}@example.org", "full_name": f"Matrix Assessor {n}", "is_senior": False}


def _free_candidate(rpa: Any) -> Any:
    """A ready, paid candidate of `rpa` without a booking: made once and reused until a create books it. The matrix
    asks for a body on every method of every route for every role, far more often than it creates; a new candidate
    each time would push RPA A's own records off the first page of the lists it checks."""
    free = Candidate.objects.filter(rpa=rpa, first_name="Matrixready").exclude(assessments__state="booked").first()
    return free or ready_candidate(rpa=rpa, first_name="Matrixready")


def _booking_assessor(rpa: Any) -> Any:
    """An active assessor of `rpa` for the matrix's bookings (each in a week of its own, so never at the cap)."""
    return am.Assessor.objects.filter(rpa=rpa, user__full_name="Matrix Booking Assessor").first() or AssessorFactory(
        rpa=rpa, user=UserFactory(full_name="Matrix Booking Assessor")
    )


def assessment_payload(setting: Setting) -> dict[str, Any]:
    """A booking in RPA A: a ready, paid candidate of A and an active assessor of A, in a week of their own."""
    candidate = _free_candidate(setting.rpa)
    assessor = _booking_assessor(setting.rpa)
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
    # The assessment file and what hangs off it (issue 6). A file's pages show its candidate's name, so the marker
    # is the candidate's last name; the file is submitted where its pages need a version.
    am.AssessmentFile: TenantModel(
        make=lambda rpa, marker: _file(rpa, marker),
        payload=lambda setting: {"decision": "accept", "reasons": "Written by the matrix", "part": "f15"},
    ),
    am.TaskDocument: TenantModel(
        make=lambda rpa, marker: task_document_upload(
            file=_file(rpa, "Doc", submitted=False),
            kind="evidence",
            title=marker,
            name="evidence.pdf",
            content=pdf_with(marker),
            acting_user=None,
        ),
        payload=lambda setting: {"kind": "evidence", "title": "Written by the matrix"},
    ),
    am.DocumentIssue: TenantModel(
        make=lambda rpa, marker: am.DocumentIssue.objects.create(
            rpa=rpa, file=_file(rpa, "Issue", submitted=False), message=marker
        ),
        payload=lambda setting: {"message": "Written by the matrix"},
    ),
    am.FileVersion: TenantModel(
        make=lambda rpa, marker: _file(rpa, marker).versions.get(),
        payload=lambda setting: {},
    ),
    am.ScrutinyDecision: TenantModel(
        make=lambda rpa, marker: file_scrutinise(
            file=_file(rpa, "Scrutinised"), decision="return", reasons=marker, acting_user=None
        ),
        payload=lambda setting: {"decision": "accept", "reasons": "Written by the matrix"},
    ),
    am.PreparationFeedback: TenantModel(
        make=lambda rpa, marker: preparation_feedback_record(
            file=_file(rpa, "Prepared"), quality="well", comments=marker, acting_user=None
        ),
        payload=lambda setting: {"quality": "well", "comments": "Written by the matrix", "rpa_note": "Matrix"},
    ),
    am.Result: TenantModel(
        make=lambda rpa, marker: result_confirm(file=_file(rpa, marker), via="event_closed", acting_user=None),
        payload=lambda setting: {},
    ),
}


def bulk_payload(setting: Setting) -> dict[str, Any]:
    """A cohort of one ready, paid candidate of RPA A on a date of its own (the bulk form's fields)."""
    return {
        "candidates": [_free_candidate(setting.rpa).pk],
        "starts_at_date": _monday(20 + next(_numbers)).isoformat(),
        "starts_at_time": "10:00",
    }


def api_bulk_payload(setting: Setting) -> dict[str, Any]:
    """The same cohort as the API's bulk allocation takes it (POST /api/v1/assessments/bulk/)."""
    return {
        "candidates": [_free_candidate(setting.rpa).pk],
        "starts_at": at(_monday(20 + next(_numbers))).isoformat(),
    }


ASSESSMENT_ROUTE_PAYLOADS: dict[str, Any] = {
    "allocation-bulk": bulk_payload,
    "api-assessment-bulk": api_bulk_payload,
}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
ASSESSMENT_EXEMPT_ROUTES: dict[str, str] = {
    "calendar-feed": "an assessor's .ics feed reached by its secret token, no sign-in: only that assessor's bookings "
    "(tested in tests/assessments/test_allocation_pages.py)",
    "calendar-feed-issue": "POST: a new feed token for the signed-in person's own register entry; no other records",
    "calendar-feed-revoke": "POST: turns off the feed of the signed-in person's own register entry; no other records",
    "candidate-assessment": "the signed-in candidate's own latest assessment: redirects to it",
}
