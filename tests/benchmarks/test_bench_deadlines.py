"""Benchmark of the deadline engine's sweep (ENQ-3) over 100,000 open deadlines; run by `make bench`."""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

import pgtrigger
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hnap.deadlines import deadline_sweep
from hnap.factories import RPAFactory, UserFactory
from hnap.models import DeadlineNotice, Notification

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

DEADLINES = 100_000
DUE_FOR_REMINDER = DEADLINES // 100
RUNS = 5

# One statement instead of 100,000 ORM saves: 1% due for a reminder within the hour, the rest in 9 days.
_INSERT_SQL = """
INSERT INTO hnap_deadline (rpa_id, kind, title, responsible_id, starts_on, working_days, due_at,
                           remind_at, state, created_at)
SELECT (p.rpa_ids)[1 + i %% cardinality(p.rpa_ids)],
       'bench.deadline', 'Benchmark deadline ' || i,
       CASE WHEN i %% 2 = 0 THEN p.responsible END, p.now::date, 10,
       p.now + CASE WHEN i <= p.due THEN interval '6 hours' ELSE interval '10 days' END,
       p.now + CASE WHEN i <= p.due THEN interval '-1 hour' ELSE interval '9 days' END,
       'open', p.now
FROM (SELECT %s::bigint[] AS rpa_ids, %s::bigint AS responsible, %s::timestamptz AS now, %s::int AS due) AS p,
     generate_series(1, %s) AS i
"""


def test_bench_deadline_sweep_100k() -> None:
    """100,000 open deadlines across 4 RPAs, 1% due for a reminder: the sweep's median time and query count."""
    now = timezone.now()
    rpa_ids = [RPAFactory(lead=UserFactory()).pk for _ in range(4)]
    responsible = UserFactory()
    # The audit trigger is skipped for this synthetic load only: its per-row history makes one
    # 100,000-row statement take minutes, and the load is setup, not what is measured.
    with pgtrigger.ignore("hnap.Deadline:insert_insert"), connection.cursor() as cursor:
        # Positional parameters: pgtrigger.ignore prefixes the statement with one of its own.
        cursor.execute(_INSERT_SQL, [rpa_ids, responsible.pk, now, DUE_FOR_REMINDER, DEADLINES])
        assert cursor.rowcount == DEADLINES
        # Fresh statistics, as autovacuum would give a real table, so the planner uses the partial indexes.
        cursor.execute("ANALYZE hnap_deadline")

    timings, query_counts = [], []
    for _ in range(RUNS):
        # Each run finds the same work: the previous run's notices are forgotten (untimed).
        DeadlineNotice.objects.all().delete()
        Notification.objects.all().delete()
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            report = deadline_sweep(now=now + timedelta(minutes=1))
            timings.append((time.perf_counter() - started) * 1000)
        assert (report.reminders, report.breaches, report.delivered) == (DUE_FOR_REMINDER, 0, DUE_FOR_REMINDER)
        assert len(mail.outbox) == DUE_FOR_REMINDER
        query_counts.append(len(queries))

    assert len(set(query_counts)) == 1, query_counts
    print(f"\nBENCH deadline_sweep_100k {statistics.median(timings):.1f} ms queries={query_counts[0]}")
