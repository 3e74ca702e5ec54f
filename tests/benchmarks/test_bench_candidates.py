"""Benchmark of the candidate list page and API list over 10,000 candidates (issue 4); run by `make bench`.

Half the candidates are RPA A's, spread over 20 courses of 5 PoPs, in every state; a third have an invoice
(fee line and, for half of those, a payment), so the paid/unpaid annotation has real rows to work on.
"""

from __future__ import annotations

from typing import Any

import pgtrigger
import pytest
from django.db import connection

from candidates.factories import PreparationCourseFactory
from candidates.models import Candidate, CandidateStatus
from hnap.factories import PreparationProviderFactory, SchoolFactory
from hnap.roles import Role
from tests.support.bench import median_get

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ROWS = 10_000
RUNS = 7

_CANDIDATES_SQL = """
INSERT INTO candidates_candidate (
    rpa_id, reference, first_name, last_name, email, phone, school_id, job_title, age_range_from, age_range_to,
    nursery_exception_reason, funding_source, funder_name, pop_id, course_id, status, submitted_at, readiness,
    readiness_note, registered_at, registered_late, level2_outcome_note, withdrawn_reason, created_at)
SELECT c.rpa_id, 'HLTA-BENCH-' || lpad(i::text, 6, '0'), 'First' || i, 'Last' || (i %% 997), 'b' || i || '@example.org',
       '', (p.schools)[1 + i %% 2], 'Teaching assistant', 5, 11, '', 'school', '', c.pop_id, c.id,
       (p.statuses)[1 + i %% 7], now(), 'pending', '',
       CASE WHEN i %% 7 = 6 THEN now() END, false, '', '', now() - (i || ' minutes')::interval
FROM (SELECT %s::bigint[] AS schools, %s::text[] AS statuses, %s::bigint[] AS courses) AS p,
     generate_series(1, %s) AS i
JOIN candidates_preparationcourse c ON true
WHERE c.id = (p.courses)[1 + i %% cardinality(p.courses)]
"""

_INVOICES_SQL = """
WITH invoiced AS (
    INSERT INTO candidates_invoice (rpa_id, candidate_id, number, payer, payer_name, issued_on)
    SELECT rpa_id, id, 'INV-BENCH-' || id, 'school', 'School', now()::date
    FROM candidates_candidate WHERE id %% 3 = 0
    RETURNING id, rpa_id
), lines AS (
    INSERT INTO candidates_invoiceline (rpa_id, invoice_id, kind, description, amount_pence)
    SELECT rpa_id, id, 'assessment_fee', 'HLTA assessment (national fee)', 45000 FROM invoiced
)
INSERT INTO candidates_payment (rpa_id, invoice_id, amount_pence, received_on, reference, recorded_at)
SELECT rpa_id, id, 45000, now()::date, '', now() FROM invoiced WHERE id %% 2 = 0
"""


def test_bench_candidate_lists_10k(make_member: Any, client_for: Any, rpa_a: Any, rpa_b: Any) -> None:
    """An RPA administrator's and a PoP user's candidate lists (page, filtered, sorted, API) over 10,000 rows."""
    pops = [PreparationProviderFactory(name=f"Bench PoP {n}") for n in range(5)]
    courses = [PreparationCourseFactory(rpa=(rpa_a, rpa_b)[n % 2], pop=pops[n % 5]) for n in range(20)]
    schools = [SchoolFactory(rpa=rpa_a), SchoolFactory(rpa=rpa_b)]
    statuses = [s for s in CandidateStatus.values if s not in ("withdrawn", "not_eligible")]
    with (
        pgtrigger.ignore(
            "candidates.Candidate:insert_insert", "candidates.Invoice:insert_insert", "candidates.Payment:insert_insert"
        ),
        connection.cursor() as cursor,
    ):
        # Positional parameters: pgtrigger.ignore prefixes the statement with one of its own.
        cursor.execute(_CANDIDATES_SQL, [[s.pk for s in schools], statuses, [c.pk for c in courses], ROWS])
        cursor.execute(_INVOICES_SQL)
        cursor.execute("ANALYZE candidates_candidate; ANALYZE candidates_invoice; ANALYZE candidates_payment")
    assert Candidate.objects.count() == ROWS
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    pop_user = make_member(Role.POP_USER, pop=pops[0])
    admin_client, pop_client = client_for(admin), client_for(pop_user)
    for name, client, url in (
        ("candidate_list_page", admin_client, "/candidates/"),
        ("candidate_list_page_filtered_unpaid_late", admin_client, "/candidates/?unpaid=on&late=on&sort=-created"),
        ("candidate_list_page_search", admin_client, "/candidates/?q=Last99"),
        ("candidate_list_page_pop", pop_client, "/candidates/"),
        ("candidate_export_csv", admin_client, "/candidates/export.csv?status=registered"),
        ("candidate_api_list", admin_client, "/api/v1/candidates/"),
        ("candidate_api_list_pop", pop_client, "/api/v1/candidates/"),
    ):
        median, queries = median_get(client, url, runs=RUNS)
        print(f"BENCH {name}_10k {median:.1f} ms queries={queries}")
