"""The starting list of accepted Level 2 qualifications (S11-5), after HNAP's Standard 11 guidance.

Loaded by a data migration from candidates/data/level2-qualifications.csv; the Partnership maintains the
list from then on. Rows whose minimum says "RPA decides" are the 'other' entries that need the RPA's
recorded decision.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any

CSV_PATH = Path(__file__).resolve().parent / "data" / "level2-qualifications.csv"


def qualification_rows() -> list[dict[str, Any]]:
    """The CSV's rows as model fields."""
    with CSV_PATH.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    names = Counter((row["subject"].strip(), row["qualification"].strip()) for row in rows)
    return [
        {
            "subject": row["subject"].strip(),
            # A qualification listed at two levels (Key Skills at level 2 and 3) is two entries, named by level.
            "name": row["qualification"].strip()
            + (
                f" ({row['minimum'].strip()})"
                if names[(row["subject"].strip(), row["qualification"].strip())] > 1
                else ""
            ),
            "minimum": row["minimum"].strip(),
            "needs_rpa_decision": "rpa decides" in row["minimum"].lower(),
        }
        for row in rows
    ]


def load(apps: Any, schema_editor: Any) -> None:
    """Idempotent: adds the qualifications that are missing, leaves the Partnership's edits alone."""
    model = apps.get_model("candidates", "Level2Qualification")
    for row in qualification_rows():
        model.objects.get_or_create(subject=row["subject"], name=row["name"], defaults=row)
