"""Builders for transfer tests: a candidate with every kind of record a candidate can have, in every app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from appeals.factories import candidate_user, enquiry_for
from appeals.models import Appeal, Enquiry
from appeals.services import appeal_make
from assessments.factories import at, submitted_file
from assessments.models import Assessment, AssessmentFile, ConfirmedVia, Outcome, Result
from candidates.factories import EmployerDeclarationFactory, ready_candidate
from candidates.models import Candidate, PreparationCourse
from hnap.deadlines import deadline_schedule
from hnap.models import RPA, Deadline, DeadlineNotice, User
from moderation.factories import (
    ModerationDecisionFactory,
    ModerationEventFactory,
    ReviewPendingFactory,
    SampleEntryFactory,
)
from moderation.models import EventState


@dataclass
class Whole:
    """A candidate of `rpa` with an application (Level 2 evidence, declaration, invoice, payment), an assessment
    booked with this RPA's assessor whose file was submitted, moderated (review pending) and released "not met" and
    appealed, an enquiry they raised, and deadlines with a notice."""

    candidate: Candidate
    user: User
    appeal: Appeal
    reassessed: AssessmentFile
    booking: Assessment
    enquiry: Enquiry
    deadline: Deadline


def whole_candidate(rpa: RPA, *, course: PreparationCourse | None = None, **fields: Any) -> Whole:
    user = candidate_user(rpa)
    if course is not None:
        fields.update(course=course, pop=course.pop)
    candidate = ready_candidate(rpa=rpa, user=user, email=user.email, **fields)
    EmployerDeclarationFactory(candidate=candidate, rpa=rpa)
    # An assessment submitted (file, documents, version), not met, released and appealed (APP-1); moderated at a
    # closed event with a review-pending flag. It stays booked with this RPA's assessor.
    reassessed = submitted_file(candidate=candidate, starts_at=at(timezone.localdate() - timedelta(days=10)))
    result = Result.objects.create(
        rpa=rpa, file=reassessed, candidate=candidate, outcome=Outcome.NOT_MET, confirmed_via=ConfirmedVia.EVENT_CLOSED,
        released_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    appeal = appeal_make(result=result, ground="improper", statement="Cut short.", evidence="My teacher saw it.",
                         acting_user=user)  # fmt: skip
    event = ModerationEventFactory(rpa=rpa, state=EventState.CLOSED)
    entry = SampleEntryFactory(event=event, file=reassessed)
    decision = ModerationDecisionFactory(entry=entry)
    ReviewPendingFactory(file=reassessed, caused_by=decision)
    booking = reassessed.assessment
    enquiry = enquiry_for(rpa, raised_by=user, email=user.email, subject="About my reassessment")
    deadline = deadline_schedule(rpa=rpa, kind="test.transfer", title="Chase the candidate", subject=candidate,
                                 due_at=timezone.now() + timedelta(days=5))  # fmt: skip
    DeadlineNotice.objects.create(rpa=rpa, deadline=deadline, kind="reminder", key=f"transfer-test-{deadline.pk}")
    return Whole(candidate=candidate, user=user, appeal=appeal, reassessed=reassessed, booking=booking,
                 enquiry=enquiry, deadline=deadline)  # fmt: skip


@pytest.fixture
def sender(db: None) -> RPA:
    return RPA.objects.get(slug="strictly-education-4s")


@pytest.fixture
def receiver(db: None) -> RPA:
    return RPA.objects.get(slug="hlta-north")
