"""Benchmarks of enquiries (issue 8); run by `make bench`.

Measured: the enquiry queue (ENQ-3: by state and next due time, the first page, filtered, and its API) and the SLA
dashboard (ENQ-3: on-time shares by month with its chart) of an RPA with 50,000 enquiries over the last year, in every
state, on time and late: median time of a signed-in GET and its query count.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

import pgtrigger
import pytest
from django.db import connection
from django.utils import timezone

from appeals.models import Enquiry, EnquiryNature, EnquiryState
from hnap.roles import Role
from tests.support.bench import median_get

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

ROWS = 50_000
RUNS = 7


def _enquiries(rpa: Any, rows: int) -> list[Enquiry]:
    """`rows` enquiries received over the last 365 days: older ones answered (a tenth late), recent ones still owed."""
    rng = random.Random(8)  # the same data every run
    now = timezone.now()
    natures = EnquiryNature.values
    made = []
    for n in range(rows):
        received = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        ack_due, answer_due = received + timedelta(days=4), received + timedelta(days=14)
        late = n % 10 == 0
        age = (now - received).days
        state = EnquiryState.ANSWERED if age > 20 else (EnquiryState.ACKNOWLEDGED if n % 2 else EnquiryState.RECEIVED)
        made.append(
            Enquiry(
                rpa=rpa,
                reference=f"ENQ-BENCH-{n:06d}",
                channel="web_form",
                nature=natures[n % len(natures)],
                name=f"Enquirer {n}",
                email=f"bench{n}@example.org",
                subject=f"Question {n}",
                state=state,
                received_at=received,
                acknowledge_due_at=ack_due,
                answer_due_at=answer_due,
                acknowledged_at=None if state == EnquiryState.RECEIVED else ack_due + timedelta(days=1 if late else -2),
                answered_at=answer_due + timedelta(days=2 if late else -3) if state == EnquiryState.ANSWERED else None,
            )
        )
    return made


def test_bench_enquiry_queue_and_sla_dashboard_50k(make_member: Any, client_for: Any, rpa_a: Any) -> None:
    with pgtrigger.ignore("appeals.Enquiry:insert_insert"):
        Enquiry.objects.bulk_create(_enquiries(rpa_a, ROWS), batch_size=5_000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE appeals_enquiry")
    assert Enquiry.objects.filter(rpa=rpa_a).count() == ROWS
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    for name, url in (
        ("enquiry_queue_page", "/enquiries/"),
        ("enquiry_queue_page_answered", "/enquiries/?state=answered"),
        ("enquiry_queue_page_overdue", "/enquiries/?overdue=on"),
        ("enquiry_queue_api", "/api/v1/enquiries/"),
        ("enquiry_sla_dashboard", "/enquiries/sla/"),
    ):
        median, queries = median_get(client, url, runs=RUNS)
        print(f"BENCH {name}_50k {median:.1f} ms queries={queries}")
        assert queries <= 12, f"{url}: {queries} queries"
