"""Benchmarks of the assessment file (issue 6); run by `make bench`.

Measured: submitting a complete file (33 standards, 16 parts) and rendering the submitted version's PDF, and the
scrutiny queue of a month of 1,000 submitted files from 60 assessors, whose query count must not grow with the month
(SCR-2).
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from functools import partial
from typing import Any

import pgtrigger
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.factories import complete_content, file_with_tasks
from assessments.file_documents import file_version_pdf
from assessments.file_parts import PARTS
from assessments.file_selectors import file_standard_numbers, month_start, scrutiny_queue
from assessments.file_services import file_submit
from assessments.models import (
    Assessment,
    AssessmentFile,
    Assessor,
    FileState,
    FileVersion,
    Outcome,
    QualityAction,
    QualityActionKind,
    ScrutinyDecision,
    ScrutinyDecisionKind,
)
from candidates.factories import PreparationCourseFactory
from hnap.factories import SchoolFactory
from hnap.models import RPA

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 7
ASSESSORS = 60
MONTH_FILES = 1_000
FEW_FILES = 100
EARLIER_FILES = 280  # the month before: the assessors' experience and past returns, which the queue weighs

_TRIGGERS = [
    f"{model}:insert_insert"
    for model in ("assessments.Assessor", "assessments.Assessment", "candidates.Candidate")
]  # fmt: skip

_USERS_AND_ASSESSORS_SQL = """
WITH users AS (
    INSERT INTO hnap_user (password, email, full_name, is_active, is_staff, is_superuser, date_joined)
    SELECT '!', 'bench.scrutiny.' || i || '@example.org', 'Scrutiny Assessor ' || lpad(i::text, 2, '0'), true, false,
           false, now()
    FROM generate_series(1, %s) AS i
    RETURNING id
)
INSERT INTO assessments_assessor (rpa_id, user_id, status, is_senior, joined_on, first_solo_qa_at, first_solo_qa_note,
                                  notes)
SELECT %s, u.id, 'active', false, now()::date - 400, now() - interval '300 days', '', '' FROM users u
"""

# Files numbered `first` to `last`: a candidate and a past booking each, with the assessors taken in turn.
_BOOKINGS_SQL = """
WITH slots AS (
    SELECT i, (p.assessors)[1 + i %% cardinality(p.assessors)] AS assessor_id
    FROM (SELECT %s::bigint[] AS assessors) AS p, generate_series(%s, %s) AS i
), candidates AS (
    INSERT INTO candidates_candidate (
        rpa_id, reference, first_name, last_name, email, phone, school_id, job_title, age_range_from, age_range_to,
        nursery_exception_reason, funding_source, funder_name, pop_id, course_id, status, submitted_at, readiness,
        readiness_note, registered_at, registered_late, level2_outcome_note, withdrawn_reason, created_at)
    SELECT %s, 'HLTA-FILE-' || lpad(s.i::text, 5, '0'), 'Filed', 'Candidate ' || s.i,
           'filed' || s.i || '@example.org', '', %s, 'TA', 5, 11, '', 'school', '', %s, %s, 'registered', now(),
           'approved', '', now(), false, '', '', now()
    FROM slots s
    RETURNING id, reference
)
INSERT INTO assessments_assessment (
    rpa_id, candidate_id, assessor_id, cross_rpa, state, starts_at, week_start, mode, teacher_name,
    senior_leader_name, adjustments, is_first_solo, cap_override_reason, unpaid_exception_reason, allocated_at,
    cancel_reason)
SELECT %s, c.id, s.assessor_id, false, 'booked', %s::timestamptz - (s.i %% 25 || ' days')::interval,
       (%s::timestamptz - (s.i %% 25 || ' days')::interval)::date, 'remote', 'T. Teacher', 'S. Leader', '',
       s.i %% 97 = 0, '', '', now(), ''
FROM slots s JOIN candidates c ON c.reference = 'HLTA-FILE-' || lpad(s.i::text, 5, '0')
"""


def _timed(call: Any) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), result


def _complete_file() -> AssessmentFile:
    """A file with its eight response sheets, its evidence and every part of the draft complete (not timed)."""
    file = file_with_tasks()
    file.draft = complete_content(file=file, outcome="partial", insufficient=(7, 21))
    file.save(update_fields=["draft"])
    return file


def test_bench_file_submit_and_pdf() -> None:
    """Submitting a complete file (ASM-4, ASM-5) and rendering its PDF: medians over fresh files."""
    assert len(file_standard_numbers()) == 33 and len(PARTS) == 8  # F0, F1-F8, F9/F10, F11-F14, F15: 16 parts
    timings, counts = [], []
    for _ in range(RUNS):
        file = _complete_file()
        elapsed, queries, version = _timed(partial(file_submit, file=file, acting_user=file.assessor.user))
        assert version.number == 1
        timings.append(elapsed)
        counts.append(queries)
    print(f"\nBENCH file_submit_33_standards {statistics.median(timings):.1f} ms queries={max(counts)}")

    timings, counts, sizes = [], [], []
    for _ in range(RUNS):
        fresh = FileVersion.objects.get(pk=version.pk)  # nothing cached from the previous run
        elapsed, queries, pdf = _timed(partial(file_version_pdf, version=fresh))
        assert pdf.startswith(b"%PDF")
        timings.append(elapsed)
        counts.append(queries)
        sizes.append(len(pdf))
    print(
        f"BENCH file_version_pdf {statistics.median(timings):.0f} ms queries={max(counts)} "
        f"size={max(sizes) / 1024:.0f} KiB"
    )


def _book(*, rpa: RPA, assessor_ids: list[int], first: int, last: int, school: Any, course: Any) -> None:
    now = timezone.now()
    with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
        # Positional parameters: pgtrigger.ignore prefixes the statement with one of its own.
        cursor.execute(
            _BOOKINGS_SQL, [assessor_ids, first, last, rpa.pk, school.pk, course.pop_id, course.pk, rpa.pk, now, now]
        )


def _file_state(*, number: int, assessor_index: int) -> dict[str, Any]:
    """Where file `number` stands: a third of the assessors have had nothing scrutinised; the others' files are
    accepted, returned, resubmitted after a return, flagged, or still awaiting scrutiny."""
    if assessor_index % 3 == 0:
        return {"state": FileState.SUBMITTED}
    slot = (number + number // ASSESSORS) % 20  # the assessors take files in turn: vary each one's states
    if slot < 3:
        return {"state": FileState.RETURNED, "was_returned": True}
    if slot == 3:
        return {"state": FileState.SUBMITTED, "was_returned": True, "resubmitted": True, "version_count": 2}
    if slot < 11:
        return {"state": FileState.ACCEPTED, "flagged_difficult": slot == 4, "flagged_principle": slot == 5}
    return {"state": FileState.SUBMITTED}


def _files(*, rpa: RPA, assessors: list[int], first: int, last: int, month: Any, school: Any, course: Any) -> None:
    """Files `first` to `last` of a month, submitted, with their versions and scrutiny decisions (built in bulk)."""
    _book(rpa=rpa, assessor_ids=assessors, first=first, last=last, school=school, course=course)
    references = [f"HLTA-FILE-{n:05d}" for n in range(first, last + 1)]
    bookings = Assessment.objects.filter(candidate__reference__in=references).select_related("candidate", "assessor")
    submitted = timezone.now() - timedelta(days=1)
    outcomes = [Outcome.MET, Outcome.MET, Outcome.MET, Outcome.NOT_MET, Outcome.PARTIAL, Outcome.FULL]
    files = []
    for booking in bookings:
        number = int(booking.candidate.reference.rsplit("-", 1)[1])
        state = _file_state(number=number, assessor_index=assessors.index(booking.assessor_id))
        files.append(
            AssessmentFile(
                rpa=rpa,
                assessment=booking,
                candidate=booking.candidate,
                assessor=booking.assessor,
                owner_id=booking.assessor.user_id,
                version_count=state.pop("version_count", 1),
                recommended_outcome=outcomes[number % len(outcomes)],
                first_submitted_at=submitted,
                submitted_at=submitted + timedelta(minutes=number),
                cycle_month=month,
                draft={},
                **state,
            )
        )
    AssessmentFile.objects.bulk_create(files)
    versions = FileVersion.objects.bulk_create(
        FileVersion(rpa=rpa, file=f, number=n, content={}, outcome=f.recommended_outcome, submitted_at=f.submitted_at)
        for f in files
        for n in range(1, f.version_count + 1)
    )
    first_versions = {v.file_id: v for v in versions if v.number == 1}
    decisions = []
    for f in files:
        if f.was_returned:
            decisions.append((f, ScrutinyDecisionKind.RETURN, "The records of F12 and F13 lack detail."))
        elif f.state == FileState.ACCEPTED:
            decisions.append((f, ScrutinyDecisionKind.ACCEPT, ""))
    ScrutinyDecision.objects.bulk_create(
        ScrutinyDecision(
            rpa=rpa,
            file=f,
            version=first_versions[f.pk],
            decision=decision,
            reasons=reasons,
            flag_difficult=f.flagged_difficult,
            flag_principle=f.flagged_principle,
            flag_note="Novel setting." if f.flagged_difficult or f.flagged_principle else "",
        )
        for f, decision, reasons in decisions
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "ANALYZE assessments_assessmentfile; ANALYZE assessments_scrutinydecision; ANALYZE assessments_assessor"
        )


def _queue_read(rpa: RPA, month: Any) -> int:
    """The queue and everything a page of it shows (assessors, proposals, files to re-scrutinise); its rows."""
    queue = scrutiny_queue(files=AssessmentFile.objects.filter(rpa=rpa), month=month)
    for row in queue.rows:
        _ = (row.assessor.user.full_name, row.reasons, row.needs_scrutiny, len(row.files))
        if row.proposal is not None:
            _ = (row.proposal.candidate.full_name, row.proposal.assessment.starts_at, row.proposal_reasons)
    for file in queue.awaiting_rescrutiny:
        _ = (file.candidate.full_name, file.assessor.user.full_name)
    return sum(len(row.files) for row in queue.rows)


def test_bench_scrutiny_queue_month_of_1000_files(rpa_a: RPA) -> None:
    """SCR-2: the scrutiny queue of a month of 1,000 files from 60 assessors, with a month of history before it;
    the query count is the same for 100 files and for 1,000."""
    school, course = SchoolFactory(rpa=rpa_a), PreparationCourseFactory(rpa=rpa_a)
    with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
        cursor.execute(_USERS_AND_ASSESSORS_SQL, [ASSESSORS, rpa_a.pk])
    assessors = list(Assessor.objects.filter(rpa=rpa_a).order_by("pk").values_list("pk", flat=True))
    assert len(assessors) == ASSESSORS
    QualityAction.objects.bulk_create(
        QualityAction(rpa=rpa_a, assessor_id=pk, kind=QualityActionKind.DISCUSSION, reason="Records lacked detail.")
        for pk in assessors[1::6]
    )
    month = month_start(timezone.localdate())
    earlier = month_start(month - timedelta(days=1))
    common: dict[str, Any] = {"rpa": rpa_a, "assessors": assessors, "school": school, "course": course}
    _files(first=1, last=EARLIER_FILES, month=earlier, **common)

    _files(first=EARLIER_FILES + 1, last=EARLIER_FILES + FEW_FILES, month=month, **common)
    _, few_queries, few_files = _timed(lambda: _queue_read(rpa_a, month))
    assert few_files == FEW_FILES

    _files(first=EARLIER_FILES + FEW_FILES + 1, last=EARLIER_FILES + MONTH_FILES, month=month, **common)
    timings, counts = [], []
    for _ in range(RUNS):
        elapsed, queries, files = _timed(lambda: _queue_read(rpa_a, month))
        timings.append(elapsed)
        counts.append(queries)
    assert files == MONTH_FILES
    queue = scrutiny_queue(files=AssessmentFile.objects.filter(rpa=rpa_a), month=month)
    assert len(queue.rows) == ASSESSORS and queue.outstanding == ASSESSORS // 3
    assert queue.awaiting_rescrutiny and all(row.proposal for row in queue.rows if row.needs_scrutiny)
    assert max(counts) == few_queries, f"{few_queries} queries for {FEW_FILES} files, {max(counts)} for {MONTH_FILES}"
    print(
        f"\nBENCH scrutiny_queue_1000_files_60_assessors {statistics.median(timings):.1f} ms queries={max(counts)} "
        f"(100 files: queries={few_queries})"
    )
