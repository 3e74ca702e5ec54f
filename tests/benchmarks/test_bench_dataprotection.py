"""Benchmark of data protection (issue 9); run by `make bench`.

Measured: the subject-access export of one candidate with every kind of record (registration, evidence copies, a
booking, a file with nine documents and a submitted version, the result letter, moderation, an appeal with its
letter, referral and panel, an enquiry, deadlines, notifications and the history of all of them): finding the
records, decrypting the files and writing the ZIP, as the worker does. Its queries are one per kind of record, so
they do not grow with the candidate's records.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dataprotection.factories import full_candidate
from dataprotection.records import candidate_records
from dataprotection.services import export_archive
from hnap.models import RPA

pytestmark = [pytest.mark.bench, pytest.mark.django_db]

RUNS = 7


def test_bench_subject_access_export_of_one_full_candidate(rpa_a: RPA) -> None:
    candidate = full_candidate(rpa_a, last_name="Benchmark")
    timings, counts, sizes = [], [], []
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            content, kinds = export_archive(held=candidate_records(candidate=candidate))
            timings.append((time.perf_counter() - start) * 1000)
        counts.append(len(captured))
        sizes.append(len(content))
    assert all(kinds.values()) or sum(kinds.values()) > 30
    print(
        f"\nBENCH subject_access_export_full_candidate {statistics.median(timings):.1f} ms queries={max(counts)} "
        f"(kinds={len(kinds)}, records={sum(kinds.values())}, zip={max(sizes) // 1024} KiB)"
    )
    # One query per kind of record, plus one per audited kind's history and the content types of deadlines' subjects.
    assert max(counts) <= 3 * len(kinds)
