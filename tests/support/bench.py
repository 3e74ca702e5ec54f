"""What every page benchmark measures: the median time of a GET over several runs, and its query count."""

from __future__ import annotations

import statistics
import time
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def median_get(client: Any, url: str, *, runs: int = 7) -> tuple[float, int]:
    """(median milliseconds, most queries) of `runs` GETs of `url`, each answering 200."""
    timings, queries = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
        queries.append(len(captured))
    return statistics.median(timings), max(queries)
