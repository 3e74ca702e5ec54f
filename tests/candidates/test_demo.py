"""The demo data of `make run` holds a candidate in each state of the path, and seeding twice adds nothing."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from candidates.models import Candidate, CandidateStatus
from candidates.selectors import candidate_is_paid, candidate_is_ready_for_allocation

pytestmark = pytest.mark.django_db


def test_demo_candidates_cover_the_path_and_seeding_is_idempotent() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    statuses = dict(Candidate.objects.values_list("last_name", "status"))
    assert statuses == {
        "Draft": CandidateStatus.DRAFT,
        "Employer": CandidateStatus.AWAITING_EMPLOYER,
        "Verify": CandidateStatus.AWAITING_VERIFICATION,
        "Ready": CandidateStatus.READY_TO_REGISTER,
        "Candidate": CandidateStatus.REGISTERED,
        "Paid": CandidateStatus.REGISTERED,
    }
    cara = Candidate.objects.get(last_name="Candidate")
    assert cara.user is not None and cara.user.email == "candidate.4s@hnap.test"
    assert candidate_is_ready_for_allocation(candidate=cara) and not candidate_is_paid(candidate=cara)
    assert candidate_is_paid(candidate=Candidate.objects.get(last_name="Paid"))
    call_command("seed_demo", stdout=io.StringIO())
    assert Candidate.objects.count() == len(statuses)


def test_demo_assessors_and_a_booking() -> None:
    from assessments.models import Assessment, Assessor, AssessorStatus

    call_command("seed_demo", stdout=io.StringIO())
    statuses = {a.user.email: a.status for a in Assessor.objects.select_related("user")}
    # Alex's booking is their first solo assessment: the senior assessor's QA is the next step in the demo (ASR-2).
    assert statuses["assessor.4s@hnap.test"] == AssessorStatus.FIRST_SOLO_PENDING_QA
    assert statuses["moderator.4s@hnap.test"] == AssessorStatus.IN_TRAINING
    assert statuses["assessor.north@hnap.test"] == AssessorStatus.ACTIVE
    booking = Assessment.objects.get()
    assert booking.candidate.last_name == "Paid" and booking.assessor.user.email == "assessor.4s@hnap.test"
    assert booking.is_first_solo
    call_command("seed_demo", stdout=io.StringIO())
    assert Assessment.objects.count() == 1
