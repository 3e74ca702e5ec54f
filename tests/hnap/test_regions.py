"""REGION-1: a school's location decides its RPA, following the regions named in the Code of Practice."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from hnap.models import RPA, Region, School
from hnap.schools import school_rpa_for

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "gias-sample.csv"

FOUR_S = "strictly-education-4s"
NORTH = "hlta-north"
NORTHAMPTON = "university-of-northampton"


def rpa_slug(region: str, authority: str) -> str | None:
    rpa = school_rpa_for(region=Region.objects.get(name=region), local_authority=authority)
    return rpa.slug if rpa else None


@pytest.mark.parametrize(
    ("authority", "region", "expected"),
    [
        # The cases named by the brief.
        ("Hertfordshire", "East of England", FOUR_S),
        ("Cambridgeshire", "East of England", NORTHAMPTON),
        ("Leeds", "Yorkshire and the Humber", NORTH),
        ("North Lincolnshire", "Yorkshire and the Humber", NORTH),
        ("Lincolnshire", "East Midlands", NORTHAMPTON),
        ("Staffordshire", "West Midlands", NORTH),
        ("Birmingham", "West Midlands", FOUR_S),
        ("Coventry", "West Midlands", None),
        # The rest of the Code's list.
        ("Camden", "London", FOUR_S),
        ("Kent", "South East", FOUR_S),
        ("Devon", "South West", FOUR_S),
        ("Gloucestershire", "South West", FOUR_S),
        ("Herefordshire, County of", "West Midlands", FOUR_S),
        ("Worcestershire", "West Midlands", FOUR_S),
        ("Shropshire", "West Midlands", FOUR_S),
        ("Warwickshire", "West Midlands", FOUR_S),
        ("Essex", "East of England", FOUR_S),
        ("Suffolk", "East of England", FOUR_S),
        ("Norfolk", "East of England", NORTHAMPTON),
        ("Manchester", "North West", NORTH),
        ("Newcastle upon Tyne", "North East", NORTH),
        ("North East Lincolnshire", "Yorkshire and the Humber", NORTH),
        ("Stoke-on-Trent", "West Midlands", NORTH),
        ("Nottinghamshire", "East Midlands", NORTHAMPTON),
        ("Derby", "East Midlands", NORTHAMPTON),
        # "East Midlands (except N and NE Lincolnshire)": the authority rule wins whatever the region says.
        ("North Lincolnshire", "East Midlands", NORTH),
        ("North East Lincolnshire", "East Midlands", NORTH),
        # East of England and West Midlands are split by authority: the ones the Code does not name have no RPA.
        ("Luton", "East of England", None),
        ("Wolverhampton", "West Midlands", None),
        # GIAS capitalisation varies between exports: matching ignores case.
        ("HERTFORDSHIRE", "East of England", FOUR_S),
    ],
)
def test_region1_school_location_decides_the_rpa(authority: str, region: str, expected: str | None) -> None:
    assert rpa_slug(region, authority) == expected


def test_region1_every_region_of_england_is_known() -> None:
    assert set(Region.objects.values_list("name", flat=True)) == {
        "London",
        "South East",
        "South West",
        "West Midlands",
        "East of England",
        "North West",
        "North East",
        "Yorkshire and the Humber",
        "East Midlands",
    }
    assert set(RPA.objects.values_list("slug", flat=True)) >= {FOUR_S, NORTH, NORTHAMPTON}


def test_region1_import_assigns_the_rpa_and_reports_schools_without_one() -> None:
    out = io.StringIO()
    call_command("import_schools", str(SAMPLE), stdout=out)
    rpas = {s.urn: (s.rpa.slug if s.rpa else None) for s in School.objects.select_related("rpa")}
    assert rpas == {
        117001: FOUR_S,  # Hertfordshire
        110801: NORTHAMPTON,  # Cambridgeshire
        107999: NORTH,  # Leeds
        118000: NORTH,  # North Lincolnshire
        120500: NORTHAMPTON,  # Lincolnshire
        124000: NORTH,  # Staffordshire
        103300: FOUR_S,  # Birmingham
        103700: None,  # Coventry: not named by the Code
        116500: FOUR_S,  # Herefordshire, County of
        121000: NORTH,  # North East Lincolnshire
    }
    assert "1 school(s) are in an area no RPA covers (URNs: 103700)." in out.getvalue()
