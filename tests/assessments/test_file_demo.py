"""The demo data of `make run` holds assessment files in every state (ASM-2, ASM-4, ASM-5, SCR-1..SCR-3,
PREP-1..PREP-3, MOD-12, PAY-1), and seeding twice creates them once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments import demo
from assessments.file_selectors import candidate_result, file_what_is_missing, scrutiny_queue, version_diff
from assessments.models import (
    Assessment,
    AssessmentFile,
    DocumentIssue,
    FileState,
    FileVersion,
    PreparationFeedback,
    Result,
    ScrutinyDecision,
    TaskDocument,
)
from candidates.models import Candidate
from candidates.selectors import candidate_is_paid
from hnap.files import file_read_decrypted

pytestmark = pytest.mark.django_db

COUNTED = (Candidate, Assessment, AssessmentFile, TaskDocument, DocumentIssue, FileVersion, ScrutinyDecision,
           PreparationFeedback, Result)  # fmt: skip


def _file(last_name: str) -> AssessmentFile:
    return AssessmentFile.objects.select_related("assessor__user", "candidate").get(candidate__last_name=last_name)


def test_demo_files_stand_in_every_state_and_seeding_twice_creates_them_once(monkeypatch: pytest.MonkeyPatch) -> None:
    # A database seeded before the files existed (DEMO_DATA_VERSION 3) gets them on its next seeding.
    with monkeypatch.context() as before_files:
        before_files.setattr(demo, "_seed_files", lambda: None)
        call_command("seed_demo", stdout=io.StringIO())
    assert not AssessmentFile.objects.exclude(state=FileState.DRAFT).exists()
    call_command("seed_demo", stdout=io.StringIO())
    counts = {model.__name__: model.objects.count() for model in COUNTED}
    call_command("seed_demo", stdout=io.StringIO())
    assert {model.__name__: model.objects.count() for model in COUNTED} == counts

    # ASM-2: written tasks sent on time for a booking still to come, late for another (after a PREP-3 issue).
    paul, lara = _file("Paid"), _file("Late")
    assert paul.tasks_on_time is True and paul.assessor.user.email == "assessor.4s@hnap.test"
    assert lara.tasks_on_time is False and lara.state == FileState.DRAFT
    assert DocumentIssue.objects.filter(file=lara).exists()
    assert TaskDocument.objects.filter(file=lara, task_number=6, replaced_at__isnull=False).exists()
    assert _file("Returned").tasks_on_time is False and _file("Accepted").tasks_on_time is True

    # ASM-4: a draft partly filled, which says what it still lacks.
    draft = _file("Drafting")
    assert draft.state == FileState.DRAFT and draft.draft["f0"]["confirmed"] and draft.draft_saved_at
    missing = file_what_is_missing(file=draft)
    assert "f0" not in missing and {"grid", "f12", "f15"} <= set(missing)

    # SCR-1..SCR-3: submitted, returned with reasons, accepted, flagged; the queue proposes the visiting assessor's.
    states = dict(AssessmentFile.objects.values_list("candidate__last_name", "state"))
    assert states["Submitted"] == states["Visiting"] == FileState.SUBMITTED
    assert states["Returned"] == FileState.RETURNED and states["Accepted"] == FileState.ACCEPTED
    assert ScrutinyDecision.objects.get(file__candidate__last_name="Returned").reasons
    flagged = _file("Flagged")
    assert flagged.flagged_principle and flagged.flagged_difficult and flagged.recommended_outcome == "partial"
    month = _file("Submitted").cycle_month
    assert month is not None
    queue = scrutiny_queue(files=AssessmentFile.objects.all(), month=month)
    owed = [row for row in queue.rows if row.needs_scrutiny]
    assert [row.assessor.user.email for row in owed] == ["assessor.north@hnap.test"]
    assert owed[0].proposal == _file("Visiting")

    # ASM-5: a version 2 after a return, with its diff, awaiting scrutiny again.
    remy = _file("Resubmitted")
    assert remy.version_count == 2 and remy.resubmitted and remy.was_returned and remy.state == FileState.SUBMITTED
    assert remy in queue.awaiting_rescrutiny
    diff = version_diff(version=remy.versions.get(number=2))
    assert [part for part, *_ in diff] == ["F13 Meeting with the senior leader"]

    # PREP-1, PREP-2: feedback recorded and not passed on; harmful preparation passed on to the PoP.
    feedback = {f.file.candidate.last_name: f for f in PreparationFeedback.objects.select_related("file__candidate")}
    assert feedback["Accepted"].passed_on_at is None
    assert feedback["Flagged"].harmed and feedback["Flagged"].passed_to is not None
    assert feedback["Candidate"].passed_on_at is not None

    # MOD-12, PAY-1: Cara Candidate's result confirmed, paid and released with her letter; another held unpaid.
    cara = Candidate.objects.get(last_name="Candidate")
    assert cara.user is not None and cara.user.email == "candidate.4s@hnap.test" and candidate_is_paid(candidate=cara)
    released = candidate_result(candidate=cara).result
    assert released is not None and released.released_at and released.outcome == "met"
    assert file_read_decrypted(path=released.letter_path).startswith(b"%PDF")
    una = Candidate.objects.get(last_name="Unpaid")
    held = Result.objects.get(candidate=una)
    assert held.released_at is None and not candidate_is_paid(candidate=una)
    assert "held until payment" in candidate_result(candidate=una).message
