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
    path = ["Draft", "Employer", "Verify", "Ready", "Candidate", "Paid"]
    statuses = dict(Candidate.objects.filter(last_name__in=path).values_list("last_name", "status"))
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
    # Cara has since been assessed and has paid (her released result: tests/assessments/test_file_demo.py).
    assert candidate_is_ready_for_allocation(candidate=cara) and candidate_is_paid(candidate=cara)
    assert candidate_is_paid(candidate=Candidate.objects.get(last_name="Paid"))
    count = Candidate.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Candidate.objects.count() == count


def test_demo_assessors_and_a_booking() -> None:
    from assessments.models import Assessment, Assessor, AssessorStatus

    call_command("seed_demo", stdout=io.StringIO())
    statuses = {a.user.email: a.status for a in Assessor.objects.select_related("user")}
    # Alex's booking is their first solo assessment: the senior assessor's QA is the next step in the demo (ASR-2).
    assert statuses["assessor.4s@hnap.test"] == AssessorStatus.FIRST_SOLO_PENDING_QA
    assert statuses["moderator.4s@hnap.test"] == AssessorStatus.IN_TRAINING
    assert statuses["assessor.north@hnap.test"] == AssessorStatus.ACTIVE
    booking = Assessment.objects.get(assessor__user__email="assessor.4s@hnap.test")
    assert booking.candidate.last_name == "Paid" and booking.is_first_solo
    count = Assessment.objects.count()
    call_command("seed_demo", stdout=io.StringIO())
    assert Assessment.objects.count() == count
