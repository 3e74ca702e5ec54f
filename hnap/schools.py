"""The school register: which RPA serves a school (REGION-1), and importing the DfE's GIAS CSV export."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction

from hnap.models import RPA, Region, RegionCoverage, School

# GIAS lists some establishments outside England's regions; no RPA serves them, so they are skipped.
OUTSIDE_ENGLAND = frozenset({"Wales (pseudo)", "Not Applicable"})

# Columns of the "Get Information about Schools" export that hnap reads.
GIAS_COLUMNS = {
    "urn": "URN",
    "name": "EstablishmentName",
    "local_authority": "LA (name)",
    "region": "GOR (name)",
    "phase": "PhaseOfEducation (name)",
    "low_age": "StatutoryLowAge",
    "high_age": "StatutoryHighAge",
}


class SchoolImportError(Exception):
    """A malformed GIAS file: says which line and why; nothing was imported."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass
class SchoolImportReport:
    """What an import did."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    without_rpa: list[int] = field(default_factory=list)
    skipped_outside_england: list[int] = field(default_factory=list)


def _coverage_index() -> tuple[dict[str, int], dict[int, int]]:
    by_authority: dict[str, int] = {}
    by_region: dict[int, int] = {}
    for rule in RegionCoverage.objects.all():
        if rule.local_authority:
            by_authority[rule.local_authority.casefold()] = rule.rpa_id
        elif rule.region_id is not None:
            by_region[rule.region_id] = rule.rpa_id
    return by_authority, by_region


def school_rpa_for(*, region: Region, local_authority: str) -> RPA | None:
    """The RPA serving a school's area: an authority rule first, then the region's (REGION-1)."""
    by_authority, by_region = _coverage_index()
    rpa_id = by_authority.get(local_authority.casefold()) or by_region.get(region.pk)
    return RPA.objects.get(pk=rpa_id) if rpa_id else None


def _age(value: str, line: int, column: str) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 0 <= int(value) <= 25:
        raise SchoolImportError(line, f"{column} must be a whole number of years, not {value!r}")
    return int(value)


def _parse(reader: csv.DictReader[str], regions: dict[str, Region], skipped: list[int]) -> list[dict[str, object]]:
    parsed: list[dict[str, object]] = []
    seen: set[int] = set()
    for row in reader:
        # The physical line the row ends on: blank lines are skipped and quoted fields may span lines.
        line = reader.line_num
        urn_text = (row.get(GIAS_COLUMNS["urn"]) or "").strip()
        if not urn_text.isdigit():
            raise SchoolImportError(line, f"URN must be a number, not {urn_text!r}")
        urn = int(urn_text)
        if urn in seen:
            raise SchoolImportError(line, f"URN {urn} appears twice")
        seen.add(urn)
        name = (row.get(GIAS_COLUMNS["name"]) or "").strip()
        if not name:
            raise SchoolImportError(line, "EstablishmentName is empty")
        region_name = (row.get(GIAS_COLUMNS["region"]) or "").strip()
        if region_name in OUTSIDE_ENGLAND:
            skipped.append(urn)
            continue
        if region_name not in regions:
            raise SchoolImportError(line, f"GOR (name) {region_name!r} is not a region of England")
        parsed.append(
            {
                "urn": urn,
                "name": name[:250],
                "local_authority": (row.get(GIAS_COLUMNS["local_authority"]) or "").strip(),
                "region": regions[region_name],
                "phase": (row.get(GIAS_COLUMNS["phase"]) or "").strip(),
                "statutory_low_age": _age(row.get(GIAS_COLUMNS["low_age"]) or "", line, "StatutoryLowAge"),
                "statutory_high_age": _age(row.get(GIAS_COLUMNS["high_age"]) or "", line, "StatutoryHighAge"),
            }
        )
    return parsed


@transaction.atomic
def schools_import(*, stream: IO[str]) -> SchoolImportReport:
    """Import or update schools from a GIAS CSV export, all or nothing; the same file twice changes nothing."""
    reader = csv.DictReader(stream)
    missing = [c for c in GIAS_COLUMNS.values() if c not in (reader.fieldnames or [])]
    if missing:
        raise SchoolImportError(1, f"missing column(s): {', '.join(missing)}")
    regions = {r.name: r for r in Region.objects.all()}
    skipped: list[int] = []
    rows = _parse(reader, regions, skipped)
    by_authority, by_region = _coverage_index()
    existing = {s.urn: s for s in School.objects.filter(urn__in=[r["urn"] for r in rows])}
    report = SchoolImportReport(skipped_outside_england=skipped)
    to_create, to_update = [], []
    fields = ["name", "local_authority", "region", "phase", "statutory_low_age", "statutory_high_age", "rpa"]
    for row in rows:
        region = row["region"]
        assert isinstance(region, Region)
        authority = str(row["local_authority"])
        row["rpa_id"] = by_authority.get(authority.casefold()) or by_region.get(region.pk)
        if row["rpa_id"] is None:
            report.without_rpa.append(int(str(row["urn"])))
        school = existing.get(int(str(row["urn"])))
        if school is None:
            to_create.append(School(**row))
            continue
        before = [getattr(school, f if f not in ("region", "rpa") else f"{f}_id") for f in fields]
        for key, value in row.items():
            setattr(school, key, value)
        after = [getattr(school, f if f not in ("region", "rpa") else f"{f}_id") for f in fields]
        if before == after:
            report.unchanged += 1
        else:
            to_update.append(school)
    School.objects.bulk_create(to_create, batch_size=1000)
    School.objects.bulk_update(to_update, fields, batch_size=1000)
    report.created, report.updated = len(to_create), len(to_update)
    return report
