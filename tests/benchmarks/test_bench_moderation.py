"""Benchmarks of moderation (issue 7); run by `make bench`.

Measured: building the sample of a month of 2,000 files (opening the event with every mandatory file, opening the
peer review with its grants, the peer reviewer's random draw: MOD-3, PEER-4), and the yearly coverage view with its
proposals over 30,000 files of the year (MOD-4). Each query count must not grow with the month or the year.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from typing import Any

import pgtrigger
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from candidates.factories import PreparationCourseFactory
from hnap.factories import SchoolFactory, UserFactory
from hnap.models import RPA, ObjectGrant
from moderation import services as ms
from moderation.factories import (
    ModerationEventFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    last_month,
)
from moderation.models import EventState, ModerationEvent, SampleDraw, SampleEntry
from moderation.selectors import coverage_for_year, event_coverage_proposals

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 5
ASSESSORS = 80
POPS = 15
MONTH_FILES = 2_000
FEW_FILES = 200
YEAR_FILES = 30_000

_TRIGGERS = [
    f"{model}:insert_insert"
    for model in (
        "assessments.Assessor",
        "assessments.Assessment",
        "assessments.AssessmentFile",
        "candidates.Candidate",
        "moderation.SampleEntry",
    )
]

_USERS_AND_ASSESSORS_SQL = """
WITH users AS (
    INSERT INTO hnap_user (password, email, full_name, is_active, is_staff, is_superuser, date_joined)
    SELECT '!', 'bench.moderation.' || i || '@example.org', 'Moderated Assessor ' || lpad(i::text, 2, '0'), true,
           false, false, now()
    FROM generate_series(1, %s) AS i
    RETURNING id
)
INSERT INTO assessments_assessor (rpa_id, user_id, status, is_senior, joined_on, first_solo_qa_at, first_solo_qa_note,
                                  notes)
SELECT %s, u.id, 'active', false, now()::date - 400, now() - interval '300 days', '', '' FROM users u
"""

# Files numbered `first` to `last` of one month: a candidate (PoPs in turn), a booking (assessors in turn) and a
# submitted file each; one in 20 not met, one in 20 partial, one in 50 full, the odd one flagged or resubmitted.
_FILES_SQL = """
WITH slots AS (
    SELECT i, (p.assessors)[1 + i %% cardinality(p.assessors)] AS assessor_id,
           (p.courses)[1 + i %% cardinality(p.courses)] AS course_id,
           (p.pops)[1 + i %% cardinality(p.pops)] AS pop_id,
           CASE WHEN i %% 20 = 0 THEN 'not_met' WHEN i %% 20 = 1 THEN 'partial' WHEN i %% 50 = 2 THEN 'full'
                ELSE 'met' END AS outcome
    FROM (SELECT %s::bigint[] AS assessors, %s::bigint[] AS courses, %s::bigint[] AS pops) AS p,
         generate_series(%s, %s) AS i
), candidates AS (
    INSERT INTO candidates_candidate (
        rpa_id, reference, first_name, last_name, email, phone, school_id, job_title, age_range_from, age_range_to,
        nursery_exception_reason, funding_source, funder_name, pop_id, course_id, status, submitted_at, readiness,
        readiness_note, registered_at, registered_late, level2_outcome_note, withdrawn_reason, created_at)
    SELECT %s, 'HLTA-MOD-' || lpad(s.i::text, 6, '0'), 'Moderated', 'Candidate ' || s.i,
           'moderated' || s.i || '@example.org', '', %s, 'TA', 5, 11, '', 'school', '', s.pop_id, s.course_id,
           'registered', now(), 'approved', '', now(), false, '', '', now()
    FROM slots s
    RETURNING id, reference
), bookings AS (
    INSERT INTO assessments_assessment (
        rpa_id, candidate_id, assessor_id, cross_rpa, state, starts_at, week_start, mode, teacher_name,
        senior_leader_name, adjustments, is_first_solo, cap_override_reason, unpaid_exception_reason, allocated_at,
        cancel_reason)
    SELECT %s, c.id, s.assessor_id, false, 'booked', %s::timestamptz, %s::date, 'remote', 'T. Teacher',
           'S. Leader', '', s.i %% 211 = 7, '', '', now(), ''
    FROM slots s JOIN candidates c ON c.reference = 'HLTA-MOD-' || lpad(s.i::text, 6, '0')
    RETURNING id, candidate_id, assessor_id
)
INSERT INTO assessments_assessmentfile (
    rpa_id, assessment_id, candidate_id, assessor_id, state, draft, version_count, recommended_outcome,
    first_submitted_at, submitted_at, cycle_month, resubmitted, is_reassessment, was_returned, flagged_difficult,
    flagged_principle, created_at)
SELECT %s, b.id, b.candidate_id, b.assessor_id, %s,
       CASE WHEN s.outcome = 'met' THEN '{}'::jsonb
            ELSE '{"grid": {"4": {"judgement": "insufficient"}, "9": {"judgement": "insufficient"}}}'::jsonb END,
       1, s.outcome, now(), now(), %s::date, s.i %% 61 = 5, false, false, s.i %% 97 = 3, s.i %% 89 = 4, now()
FROM bookings b JOIN candidates c ON c.id = b.candidate_id
     JOIN slots s ON c.reference = 'HLTA-MOD-' || lpad(s.i::text, 6, '0')
"""

# A tenth of each earlier month's files were sampled at that month's (closed) event.
_EARLIER_SAMPLES_SQL = """
INSERT INTO moderation_sampleentry (rpa_id, event_id, file_id, origin, reasons, standards, standard_sources, added_at)
SELECT f.rpa_id, e.id, f.id, 'random', '["random"]'::jsonb, '[]'::jsonb, '{}'::jsonb, now()
FROM assessments_assessmentfile f JOIN moderation_moderationevent e ON e.rpa_id = f.rpa_id AND e.month = f.cycle_month
WHERE f.rpa_id = %s AND e.state = 'closed' AND f.id %% 10 = 0
"""


class Cohort:
    """The bench's RPA, its register and PoPs, and files added month by month in bulk."""

    def __init__(self, rpa: RPA) -> None:
        self.rpa = rpa
        self.school = SchoolFactory(rpa=rpa)
        courses = [PreparationCourseFactory(rpa=rpa) for _ in range(POPS)]
        self.course_ids = [c.pk for c in courses]
        self.pop_ids = [c.pop_id for c in courses]
        with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
            cursor.execute(_USERS_AND_ASSESSORS_SQL, [ASSESSORS, rpa.pk])
            cursor.execute("SELECT id FROM assessments_assessor WHERE rpa_id = %s ORDER BY id", [rpa.pk])
            self.assessor_ids = [row[0] for row in cursor.fetchall()]
        self.next = 1

    def add(self, *, month: date, count: int, state: str = "accepted") -> None:
        first, last = self.next, self.next + count - 1
        self.next = last + 1
        when = f"{month.isoformat()}T10:00:00+00:00"
        with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
            # Positional parameters: pgtrigger.ignore prefixes the statement with one of its own.
            params = [self.assessor_ids, self.course_ids, self.pop_ids, first, last, self.rpa.pk, self.school.pk]
            params += [self.rpa.pk, when, month, self.rpa.pk, state, month]
            cursor.execute(_FILES_SQL, params)
            cursor.execute(
                "ANALYZE assessments_assessmentfile; ANALYZE assessments_assessment; ANALYZE candidates_candidate"
            )


def _timed(call: Any) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), result


def _build_sample(event: ModerationEvent, reviewer: Any) -> int:
    """Open the event (mandatory files), open the peer review (grants), draw: the month's whole sample."""
    event = ms.event_open(event=event, acting_user=None)
    event = ms.peer_review_open(event=event, acting_user=None)
    ms.sample_draw(event=event, acting_user=reviewer, seed=42)
    return SampleEntry.objects.filter(event=event).count()


def _reset(event: ModerationEvent) -> None:
    """Back to planned, as before the run (not timed)."""
    SampleEntry.objects.filter(event=event).delete()
    SampleDraw.objects.filter(event=event).delete()
    ObjectGrant.objects.all().delete()
    from guardian.models import UserObjectPermission

    UserObjectPermission.objects.all().delete()
    ModerationEvent.objects.filter(pk=event.pk).update(
        state=EventState.PLANNED, review_opened_at=None, review_closed_at=None
    )


def _measure_sample(event: ModerationEvent, reviewer: Any) -> tuple[list[float], list[int], int]:
    """RUNS timed builds after one untimed (it fills Django's content-type and permission caches)."""
    _reset(event)
    _build_sample(ModerationEvent.objects.get(pk=event.pk), reviewer)
    timings, counts, sampled = [], [], 0
    for _ in range(RUNS):
        _reset(event)
        elapsed, queries, sampled = _timed(lambda: _build_sample(ModerationEvent.objects.get(pk=event.pk), reviewer))
        timings.append(elapsed)
        counts.append(queries)
    return timings, counts, sampled


# Each step commits, as it does for real (three requests: open the event, open the review, draw). Inside one test
# transaction every run measured more than the step itself: the history and trigger-ignore functions of every row
# written (pghistory, pgtrigger) open a PL/pgSQL exception block, a subtransaction, whose cost grows with all the
# transaction has done before (0.003 ms each in a fresh transaction, 0.3 ms after five builds in one).
@pytest.mark.django_db(transaction=True)
def test_bench_sample_of_a_month_of_2000_files(rpa_a: RPA, rpa_b: RPA) -> None:
    """MOD-3, PEER-4: the month's sample built from 2,000 files; as many queries as for 200."""
    cohort = Cohort(rpa_a)
    month = last_month()
    PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
    reviewer, deputy = UserFactory(), UserFactory()
    PeerReviewNominationFactory(rpa=rpa_b, reviewed_rpa=rpa_a, month=month, reviewer=reviewer, deputy=deputy)
    event = ModerationEventFactory(rpa=rpa_a, month=month)

    cohort.add(month=month, count=FEW_FILES)
    _, few_counts, few_sampled = _measure_sample(event, reviewer)
    cohort.add(month=month, count=MONTH_FILES - FEW_FILES)
    timings, counts, sampled = _measure_sample(event, reviewer)
    draw = SampleDraw.objects.get(event=event)
    met = len(draw.population)
    assert len(draw.drawn) == -(-met * 5 // 100)  # 5% rounded up
    assert sampled > few_sampled > 0
    assert max(counts) == max(few_counts), f"{max(few_counts)} queries for {FEW_FILES} files, {max(counts)} for 2000"
    print(
        f"\nBENCH moderation_sample_month_2000_files {statistics.median(timings):.0f} ms queries={max(counts)} "
        f"sampled={sampled} drawn={len(draw.drawn)} of {met} met ({FEW_FILES} files: queries={max(few_counts)})"
    )


def _coverage_read(event: ModerationEvent) -> int:
    coverage = coverage_for_year(rpa_id=event.rpa_id, month=event.month)
    proposals = event_coverage_proposals(event=event, coverage=coverage)
    for row in coverage.assessors + coverage.pops:
        _ = (row.name, row.files, row.sampled, row.covered, row.why)
    for proposal in proposals:
        _ = (proposal.file.candidate.full_name, proposal.file.assessor.user.full_name, proposal.why)
    return sum(row.files for row in coverage.assessors)


def test_bench_yearly_coverage_over_30000_files(rpa_a: RPA) -> None:
    """MOD-4: the year-to-date coverage per assessor and PoP with the proposals for the month's event, over 30,000
    files of the year; as many queries as over 3,000."""
    cohort = Cohort(rpa_a)
    month = last_month()
    months = [date(month.year, m, 1) for m in range(1, month.month + 1)]
    earlier = months[:-1]
    per_month = YEAR_FILES // len(months)
    # The month being moderated, then the year before it in two steps (a tenth of the year, then the rest).
    cohort.add(month=month, count=per_month)
    ModerationEvent.objects.bulk_create(
        ModerationEvent(rpa=rpa_a, month=m, held_on=m, state=EventState.CLOSED) for m in earlier
    )
    event = ms.event_open(event=ModerationEventFactory(rpa=rpa_a, month=month), acting_user=None)

    def add_year(fraction: float) -> None:
        for m in earlier:
            cohort.add(month=m, count=int(per_month * fraction), state="closed")
        with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
            cursor.execute("DELETE FROM moderation_sampleentry WHERE event_id <> %s", [event.pk])
            cursor.execute(_EARLIER_SAMPLES_SQL, [rpa_a.pk])
            cursor.execute("ANALYZE moderation_sampleentry")

    add_year(0.1)
    _, few_queries, few_files = _timed(lambda: _coverage_read(event))
    add_year(0.9)
    timings, counts = [], []
    for _ in range(RUNS):
        elapsed, queries, files = _timed(lambda: _coverage_read(event))
        timings.append(elapsed)
        counts.append(queries)
    assert files >= YEAR_FILES * 0.95 > few_files
    assert max(counts) == few_queries, f"{few_queries} queries over {few_files} files, {max(counts)} over {files}"
    print(
        f"\nBENCH moderation_yearly_coverage_30000_files {statistics.median(timings):.0f} ms queries={max(counts)} "
        f"files={files} ({few_files} files: queries={few_queries})"
    )
