"""The national dataset for test_bench_national*.py: seeded once into the benchmark database, kept between runs.

`make bench` runs the national benchmarks in a database of their own (`<test database>_national`, with --reuse-db),
so the other benchmarks keep their empty database. The dataset is written once per session, and only when the
database does not already carry the marker of the same seed_scale version, scale and seed: a second `make bench`
reuses it (seconds), a changed seed_scale (SEED_VERSION) seeds afresh.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command

NATIONAL_SCALE = float(os.environ.get("HNAP_BENCH_SCALE", "1.0"))
NATIONAL_SEED = 1


@pytest.fixture(scope="session")
def national(django_db_setup: Any, django_db_blocker: Any) -> Iterator[float]:
    """The scale of the national dataset, once it is in the database (committed, outside the tests' transactions)."""
    from django.apps import apps

    from candidates.reference_data import load as load_qualifications
    from hnap.reference_data import load
    from hnap.scale import database_has_data, seed_marker, seed_marker_read, seed_scale

    with django_db_blocker.unblock():
        wanted = seed_marker(scale=NATIONAL_SCALE, seed=NATIONAL_SEED)
        found = seed_marker_read()
        if found == wanted:
            print(f"\nnational dataset: reusing the benchmark database ({found})")
        else:
            started = time.monotonic()
            if database_has_data():
                # Only the benchmark database gets here (its own name): an older dataset is replaced whole.
                print(f"\nnational dataset: replacing [{found or 'no marker'}] with [{wanted}]")
                call_command("flush", interactive=False, verbosity=0)
                load(apps, None)
                load_qualifications(apps, None)
            seed_scale(scale=NATIONAL_SCALE, seed=NATIONAL_SEED, write=print)
            print(f"national dataset seeded in {time.monotonic() - started:.0f} s")
    yield NATIONAL_SCALE
