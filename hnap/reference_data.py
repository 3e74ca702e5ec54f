"""Reference data the product starts with: the three RPAs and the regions they serve (REGION-1, from the
Code of Practice), the HLTA standards used in England, and the national fee. Loaded by data migrations."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"

RPAS = [
    {
        "slug": "strictly-education-4s",
        "name": "Strictly Education 4S",
        "contact_name": "HLTA Team, Strictly Education 4S",
        "contact_email": "hlta@4s.example.org",
        "contact_phone": "01234 567890",
    },
    {
        "slug": "hlta-north",
        "name": "HLTA North",
        "contact_name": "HLTA North Office",
        "contact_email": "hlta@north.example.org",
        "contact_phone": "01234 567891",
    },
    {
        "slug": "university-of-northampton",
        "name": "University of Northampton",
        "contact_name": "HLTA Office, University of Northampton",
        "contact_email": "hlta@northampton.example.ac.uk",
        "contact_phone": "01234 567892",
    },
]

# Regions as GIAS names them ("GOR (name)").
REGIONS = [
    "London",
    "South East",
    "South West",
    "West Midlands",
    "East of England",
    "North West",
    "North East",
    "Yorkshire and the Humber",
    "East Midlands",
]

# (rpa slug, region, local authority or "" for the whole region), from the Code of Practice.
# An authority rule beats a region rule, so "East Midlands (except N and NE Lincolnshire)" is the
# East Midlands region rule plus the two authority rules for HLTA North.
COVERAGE = [
    ("strictly-education-4s", "London", ""),
    ("strictly-education-4s", "South East", ""),
    ("strictly-education-4s", "South West", ""),
    ("strictly-education-4s", "South West", "Gloucestershire"),
    ("strictly-education-4s", "West Midlands", "Herefordshire, County of"),
    ("strictly-education-4s", "West Midlands", "Worcestershire"),
    ("strictly-education-4s", "West Midlands", "Shropshire"),
    ("strictly-education-4s", "West Midlands", "Warwickshire"),
    ("strictly-education-4s", "West Midlands", "Birmingham"),
    ("strictly-education-4s", "East of England", "Essex"),
    ("strictly-education-4s", "East of England", "Suffolk"),
    ("strictly-education-4s", "East of England", "Hertfordshire"),
    ("hlta-north", "North West", ""),
    ("hlta-north", "North East", ""),
    ("hlta-north", "Yorkshire and the Humber", ""),
    ("hlta-north", "Yorkshire and the Humber", "North Lincolnshire"),
    ("hlta-north", "Yorkshire and the Humber", "North East Lincolnshire"),
    ("hlta-north", "West Midlands", "Staffordshire"),
    ("hlta-north", "West Midlands", "Stoke-on-Trent"),
    ("university-of-northampton", "East Midlands", ""),
    ("university-of-northampton", "East of England", "Cambridgeshire"),
    ("university-of-northampton", "East of England", "Norfolk"),
]

NATIONAL_FEE_PENCE = 45000
NATIONAL_FEE_FROM = date(2022, 11, 1)
NATIONAL_FEE_REVIEW = date(2023, 11, 1)


def read_standards(filename: str) -> list[dict[str, Any]]:
    """Rows of a standards CSV (number, section, short_title)."""
    with (DATA_DIR / filename).open(newline="", encoding="utf-8") as handle:
        return [
            {"number": int(row["number"]), "section": row["section"], "short_title": row["short_title"]}
            for row in csv.DictReader(handle)
        ]


def load(apps: Any, schema_editor: Any) -> None:
    """Data migration: create the RPAs, regions, coverage, England's standards and the national fee."""
    RPA = apps.get_model("hnap", "RPA")
    Region = apps.get_model("hnap", "Region")
    RegionCoverage = apps.get_model("hnap", "RegionCoverage")
    StandardFramework = apps.get_model("hnap", "StandardFramework")
    HLTAStandard = apps.get_model("hnap", "HLTAStandard")
    NationalFee = apps.get_model("hnap", "NationalFee")

    rpas = {row["slug"]: RPA.objects.update_or_create(slug=row["slug"], defaults=row)[0] for row in RPAS}
    regions = {name: Region.objects.get_or_create(name=name)[0] for name in REGIONS}
    for slug, region, authority in COVERAGE:
        RegionCoverage.objects.get_or_create(rpa=rpas[slug], region=regions[region], local_authority=authority)
    framework, _ = StandardFramework.objects.get_or_create(
        code="england", defaults={"name": "HLTA professional standards (England)", "is_default": True}
    )
    for row in read_standards("hlta-standards-england.csv"):
        HLTAStandard.objects.update_or_create(framework=framework, number=row["number"], defaults=row)
    NationalFee.objects.get_or_create(
        effective_from=NATIONAL_FEE_FROM,
        defaults={"amount_pence": NATIONAL_FEE_PENCE, "review_due": NATIONAL_FEE_REVIEW},
    )
