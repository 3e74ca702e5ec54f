"""Test, benchmark and demo builders of data protection: a candidate taken through the whole path (so an export
has every kind of record to find), exports, retention runs and breaches."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from appeals.factories import candidate_user, enquiry_for, senior_of
from appeals.services import appeal_acknowledge, appeal_decide, appeal_make, appeal_refer, panel_convene
from assessments.factories import AssessmentFactory, at, submitted_file
from assessments.file_services import result_confirm, result_release
from assessments.models import (
    ConfirmedVia,
    DocumentIssue,
    PreparationFeedback,
    PreparationQuality,
    Result,
    ScrutinyDecision,
    ScrutinyDecisionKind,
)
from candidates.factories import (
    ChangeReportFactory,
    DisabilityDisclosureFactory,
    EmployerDeclarationFactory,
    ready_candidate,
)
from candidates.models import Candidate
from dataprotection.models import Breach, ExportState, RetentionRun, SubjectAccessExport
from dataprotection.services import breach_record, retention_apply
from hnap.factories import RPAFactory
from hnap.models import RPA, Deadline, DeadlineNotice, NoticeKind, Notification, User
from moderation.factories import ModerationDecisionFactory, ReviewPendingFactory, SampleEntryFactory


def full_candidate(rpa: RPA, *, first_name: str = "Sam", last_name: str = "Subject", **fields: Any) -> Candidate:
    """A candidate of `rpa` with a record of every kind: registration, employer's declaration, Level 2 evidence
    (files), disclosure, a reported change, invoice and payment, a booking, a file with its documents (files) and a
    submitted version, scrutiny and preparation feedback, a released result with its letter (file), moderation
    (sample entry, decision, review-pending flag), an acknowledged appeal with its letter (file), an enquiry,
    deadlines and a notification."""
    email = fields.pop("email", f"{first_name}.{last_name}.{timezone.now().timestamp()}@example.org".lower())
    user: User = candidate_user(rpa, email=email, full_name=f"{first_name} {last_name}")
    candidate = ready_candidate(rpa=rpa, user=user, email=email, first_name=first_name, last_name=last_name, **fields)
    EmployerDeclarationFactory(candidate=candidate)
    DisabilityDisclosureFactory(candidate=candidate)
    ChangeReportFactory(candidate=candidate)
    assessment = AssessmentFactory(candidate=candidate, starts_at=at(timezone.localdate() - timedelta(days=3)))
    file = submitted_file(assessment=assessment)
    DocumentIssue.objects.create(rpa=rpa, file=file, message="Task 3's sheet is missing its second page.")
    ScrutinyDecision.objects.create(
        rpa=rpa, file=file, version=file.versions.get(number=1), decision=ScrutinyDecisionKind.values[0]
    )
    PreparationFeedback.objects.create(
        rpa_id=rpa.pk, file=file, quality=PreparationQuality.values[0], comments="Well prepared for the tasks."
    )
    result = result_confirm(file=file, via=ConfirmedVia.EVENT_CLOSED, acting_user=None)
    result_release(result=result)
    result = Result.objects.get(pk=result.pk)
    entry = SampleEntryFactory(file=file)
    decision = ModerationDecisionFactory(entry=entry, result=result)
    ReviewPendingFactory(file=file, caused_by=decision)
    appeal = appeal_make(
        result=result,
        ground="improper",
        statement="My second meeting was cut short.",
        evidence="The assessor left after 20 minutes.",
        acting_user=user,
    )
    appeal = appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
    appeal = appeal_decide(appeal=appeal, decision="not_upheld", reasons="The meeting ran to time.", acting_user=None)
    referral = appeal_refer(appeal=appeal, reasons="Still dissatisfied.", acting_user=user)
    panel_rpas: list[RPA] = [
        RPA.objects.filter(slug=slug).first() or RPAFactory(slug=slug, name=f"Panel RPA {slug[-3:]}")  # type: ignore[misc]
        for slug in ("subject-panel-one", "subject-panel-two")
    ]
    panel_convene(
        referral=referral, member_one=senior_of(panel_rpas[0]), member_two=senior_of(panel_rpas[1]), acting_user=None
    )
    deadline = Deadline.objects.filter(content_type__model="appeal", object_id=appeal.pk).first()
    if deadline is not None:
        DeadlineNotice.objects.create(
            rpa=rpa, deadline=deadline, kind=NoticeKind.REMINDER, key=f"subject-access:{deadline.pk}:reminder"
        )
    enquiry_for(rpa, name=f"{first_name} {last_name}", email=email, subject="When will my result come?")
    Notification.objects.create(user=user, subject="Your result is ready", body="Sign in to read it.")
    candidate.refresh_from_db()
    return candidate


def ready_export(rpa: RPA, *, last_name: str = "Exported", requested_by: User | None = None) -> SubjectAccessExport:
    """An export of a (simple) candidate of `rpa`, marked ready without an archive (for pages that only show it)."""
    from candidates.factories import CandidateFactory

    candidate = CandidateFactory(rpa=rpa, last_name=last_name)
    now = timezone.now()
    return SubjectAccessExport.objects.create(
        rpa=rpa,
        candidate=candidate,
        requested_by=requested_by,
        state=ExportState.READY,
        progress=100,
        ready_at=now,
        expires_at=now + timedelta(days=7),
        contents={"candidates.candidate": 1},
    )


def dry_run(rpa: RPA) -> RetentionRun:
    return retention_apply(rpa=rpa, dry_run=True)


def breach_for(rpa: RPA, *, title: str = "Evidence emailed to the wrong school", **fields: Any) -> Breach:
    found = fields.pop("found_at", timezone.now() - timedelta(days=5))
    values: dict[str, Any] = {
        "what_happened": "A Level 2 certificate was emailed to the wrong school's office.",
        "data_affected": "One candidate's name and GCSE certificate.",
        "people_affected": 1,
        "found_at": found,
        "contained_at": found + timedelta(hours=4),
        "people_told": "The candidate; the RPA lead.",
        "told_at": found + timedelta(hours=6),
        "ico_reported": False,
        "ico_reason": "Low risk: the school deleted it the same day and confirmed in writing.",
        **fields,
    }
    return breach_record(rpa=rpa, acting_user=None, title=title, **values)
