"""Benchmarks of allocation (issue 5); run by `make bench`.

The register: 300 active, trained assessors over the three RPAs, a fifth of each RPA's assessors willing to assess
for the others, and a year of bookings (about 30,000 past assessments, one candidate each). Measured: the ranked
proposals for one candidate, and the bulk allocation of a 500-candidate cohort in one week.
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta
from typing import Any

import pgtrigger
import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.factories import at
from assessments.models import Assessment, Assessor, TrainingTopic, week_start
from assessments.selectors import assessor_proposals
from assessments.services import assessments_bulk_allocate
from candidates.factories import PreparationCourseFactory, ready_candidate
from candidates.models import Candidate
from hnap.factories import SchoolFactory
from hnap.models import RPA

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ASSESSORS_PER_RPA = 100
PAST_WEEKS = 52
COHORT = 500
RUNS = 5

_TRIGGERS = [
    f"{model}:{event}_{event}"
    for model in ("assessments.Assessor", "assessments.TrainingRecord", "assessments.Assessment",
                  "candidates.Candidate", "candidates.Level2Evidence", "candidates.Invoice", "candidates.Payment")
    for event in ("insert",)
]  # fmt: skip

_USERS_AND_ASSESSORS_SQL = """
WITH users AS (
    INSERT INTO hnap_user (password, email, full_name, is_active, is_staff, is_superuser, date_joined)
    SELECT '!', 'bench.assessor.' || %s || '.' || i || '@example.org', 'Bench Assessor ' || i, true, false, false, now()
    FROM generate_series(1, %s) AS i
    RETURNING id
)
INSERT INTO assessments_assessor (rpa_id, user_id, status, is_senior, joined_on, first_solo_qa_at, first_solo_qa_note,
                                  notes)
SELECT %s, u.id, 'active', false, now()::date, now() - interval '300 days', '', '' FROM users u
"""

_TRAINING_SQL = """
INSERT INTO assessments_trainingrecord (rpa_id, assessor_id, topic, completed_on, trainer)
SELECT a.rpa_id, a.id, t.topic, now()::date - 400, '' FROM assessments_assessor a, unnest(%s::text[]) AS t(topic)
"""

_WILLING_SQL = """
INSERT INTO assessments_assessor_willing_rpas (assessor_id, rpa_id)
SELECT a.id, r.id FROM assessments_assessor a JOIN hnap_rpa r ON r.id <> a.rpa_id AND r.id = ANY(%s::bigint[])
WHERE a.id %% 5 = 0
"""

# A year of past bookings: two a week per assessor, each with a candidate of its own (one booked per candidate).
_PAST_SQL = """
WITH slots AS (
    SELECT a.id AS assessor_id, a.rpa_id, w, n, row_number() OVER () AS k
    FROM assessments_assessor a, generate_series(1, %s) AS w, generate_series(1, 2) AS n
), candidates AS (
    INSERT INTO candidates_candidate (
        rpa_id, reference, first_name, last_name, email, phone, school_id, job_title, age_range_from, age_range_to,
        nursery_exception_reason, funding_source, funder_name, pop_id, course_id, status, submitted_at, readiness,
        readiness_note, registered_at, registered_late, level2_outcome_note, withdrawn_reason, created_at)
    SELECT s.rpa_id, 'HLTA-PAST-' || s.k, 'Past', 'Candidate ' || s.k, 'past' || s.k || '@example.org', '',
           (%s::bigint[])[1], 'TA', 5, 11, '', 'school', '', (%s::bigint[])[1], (%s::bigint[])[1], 'registered', now(),
           'approved', '', now(), false, '', '', now()
    FROM slots s
    RETURNING id, reference
)
INSERT INTO assessments_assessment (
    rpa_id, candidate_id, assessor_id, cross_rpa, state, starts_at, week_start, mode, teacher_name,
    senior_leader_name, adjustments, is_first_solo, cap_override_reason, unpaid_exception_reason, allocated_at,
    cancel_reason)
SELECT s.rpa_id, c.id, s.assessor_id, false, 'booked',
       date_trunc('week', now()) - (s.w || ' weeks')::interval + (s.n || ' days')::interval + interval '10 hours',
       (date_trunc('week', now()) - (s.w || ' weeks')::interval)::date,
       'remote', '', '', '', false, '', '', now(), ''
FROM slots s JOIN candidates c ON c.reference = 'HLTA-PAST-' || s.k
"""


def _register(rpas: list[RPA]) -> None:
    school, course = SchoolFactory(rpa=rpas[0]), PreparationCourseFactory(rpa=rpas[0])
    with pgtrigger.ignore(*_TRIGGERS), connection.cursor() as cursor:
        ids = [r.pk for r in rpas]
        for rpa_id in ids:
            cursor.execute(_USERS_AND_ASSESSORS_SQL, [rpa_id, ASSESSORS_PER_RPA, rpa_id])
        cursor.execute(_TRAINING_SQL, [TrainingTopic.values])
        cursor.execute(_WILLING_SQL, [ids])
        cursor.execute(_PAST_SQL, [PAST_WEEKS, [school.pk], [course.pop_id], [course.pk]])
        cursor.execute("ANALYZE assessments_assessment; ANALYZE assessments_assessor; ANALYZE candidates_candidate")


def _timed(call: Any) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = call()
        elapsed = (time.perf_counter() - started) * 1000
    return elapsed, len(queries), result


def test_bench_allocation_proposals_and_bulk(rpa_a: RPA, rpa_b: RPA) -> None:
    rpas = list(RPA.objects.order_by("pk"))
    _register(rpas)
    assert Assessor.objects.count() == ASSESSORS_PER_RPA * len(rpas)
    assert Assessment.objects.count() == ASSESSORS_PER_RPA * len(rpas) * PAST_WEEKS * 2
    day = week_start(timezone.localdate() + timedelta(weeks=8))

    candidate = ready_candidate(rpa=rpa_a)
    timings, counts = [], []
    for _ in range(RUNS):
        elapsed, queries, proposals = _timed(lambda: assessor_proposals(candidate=candidate, day=day))
        timings.append(elapsed)
        counts.append(queries)
    eligible = [p for p in proposals if p.eligible]
    assert len(eligible) == ASSESSORS_PER_RPA + 2 * ASSESSORS_PER_RPA // 5  # own register + the willing fifth of two
    assert eligible[0].same_rpa and not eligible[-1].same_rpa
    print(f"\nBENCH allocation_proposals_300_assessors {statistics.median(timings):.1f} ms queries={max(counts)}")

    cohort = [ready_candidate(rpa=rpa_a, school=candidate.school, course=candidate.course) for _ in range(COHORT)]
    cohort_ids = [c.pk for c in cohort]
    timings, counts = [], []
    for _ in range(3):
        with transaction.atomic():
            elapsed, queries, result = _timed(
                lambda: assessments_bulk_allocate(
                    candidates=list(Candidate.objects.filter(pk__in=cohort_ids).order_by("pk")),
                    starts_at=at(day),
                    acting_user=None,
                )
            )
            assert len(result.booked) == COHORT, result.not_booked[:3]
            transaction.set_rollback(True)
        timings.append(elapsed)
        counts.append(queries)
    print(
        f"BENCH allocation_bulk_500_candidates {statistics.median(timings):.0f} ms queries={max(counts)} "
        f"({max(counts) / COHORT:.1f} per candidate)"
    )
