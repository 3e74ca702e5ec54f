"""Benchmark of the access chokepoint on a large list: the deadline dashboard and API list over 10,000 rows."""

from __future__ import annotations

from typing import Any

import pgtrigger
import pytest
from django.db import connection

from hnap.roles import Role
from tests.support.bench import median_get

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ROWS = 10_000
RUNS = 7

_INSERT_SQL = """
INSERT INTO hnap_deadline (rpa_id, kind, title, responsible_id, starts_on, working_days, due_at,
                           remind_at, state, created_at)
SELECT CASE WHEN i %% 2 = 0 THEN %s::bigint ELSE %s::bigint END, 'bench.deadline', 'Benchmark deadline ' || i,
       NULL, now()::date, 10, now() + (i || ' minutes')::interval, now() + (i || ' minutes')::interval,
       'open', now()
FROM generate_series(1, %s) AS i
"""


def test_bench_restricted_deadline_lists_10k(make_member: Any, client_for: Any, rpa_a: Any, rpa_b: Any) -> None:
    """An RPA administrator's dashboard and API list with 10,000 deadlines in two RPAs (half theirs)."""
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    with pgtrigger.ignore("hnap.Deadline:insert_insert"), connection.cursor() as cursor:
        cursor.execute(_INSERT_SQL, [rpa_a.pk, rpa_b.pk, ROWS])
        cursor.execute("ANALYZE hnap_deadline")
    client = client_for(admin)
    for name, url in (("deadline_dashboard_page", "/deadlines/"), ("deadline_api_list", "/api/v1/deadlines/")):
        median, queries = median_get(client, url, runs=RUNS)
        print(f"BENCH {name}_10k {median:.1f} ms queries={queries}")
