"""Rules that must hold in the database whatever people did through the product (checked after the load test).

Each invariant is one query counting the rows that break it; 0 means it holds. The checks read every RPA's data
at once, as an operator's health check, not through a person's access.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from assessments.models import WEEKLY_CAP


@dataclass(frozen=True)
class Invariant:
    """A rule and the query counting what breaks it."""

    name: str
    rule: str
    violations_sql: str
    params: tuple[int, ...] = ()


INVARIANTS = [
    Invariant(
        "weekly-cap",
        "ASR-6: no assessor has more than five booked assessments in a week, beyond those booked with a recorded "
        "reason to exceed the limit",
        "SELECT count(*) FROM (SELECT 1 FROM assessments_assessment WHERE state = 'booked' "
        "GROUP BY assessor_id, week_start HAVING count(*) FILTER (WHERE cap_override_reason = '') > %s) AS over",
        (WEEKLY_CAP,),
    ),
    Invariant(
        "assessment-tenant",
        "an assessment belongs to its candidate's RPA",
        "SELECT count(*) FROM assessments_assessment a JOIN candidates_candidate c ON c.id = a.candidate_id "
        "WHERE a.rpa_id <> c.rpa_id",
    ),
    Invariant(
        "cross-rpa-marked",
        "ASR-5: an assessor from another RPA's register is marked as a cross-RPA allocation",
        "SELECT count(*) FROM assessments_assessment a JOIN assessments_assessor s ON s.id = a.assessor_id "
        "WHERE s.rpa_id <> a.rpa_id AND NOT a.cross_rpa",
    ),
    Invariant(
        "one-open-deadline",
        "ENQ-3: at most one open deadline of a kind for one thing",
        "SELECT count(*) FROM (SELECT 1 FROM hnap_deadline WHERE state = 'open' AND object_id IS NOT NULL "
        "GROUP BY kind, content_type_id, object_id HAVING count(*) > 1) AS twice",
    ),
    Invariant(
        "notice-for-its-rpa",
        "ENQ-3: a deadline notice belongs to its deadline's RPA",
        "SELECT count(*) FROM hnap_deadlinenotice n JOIN hnap_deadline d ON d.id = n.deadline_id "
        "WHERE n.rpa_id <> d.rpa_id",
    ),
    Invariant(
        "no-task-stranded",
        "no task a page asked for is still waiting for Redis five minutes later",
        "SELECT count(*) FROM hnap_pendingtask WHERE created_at < now() - interval '5 minutes'",
    ),
]


def invariants_check() -> dict[str, int]:
    """How many rows break each invariant, by name (all 0 when the database is consistent)."""
    results = {}
    with connection.cursor() as cursor:
        for invariant in INVARIANTS:
            cursor.execute(invariant.violations_sql, invariant.params)
            results[invariant.name] = int(cursor.fetchone()[0])
    return results
