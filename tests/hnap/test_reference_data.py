"""Reference data loaded by data migrations: the national fee and the HLTA standards as data."""

from datetime import date

import pytest

from hnap.models import RPA, HLTAStandard, StandardFramework
from hnap.selectors import national_fee_on

pytestmark = pytest.mark.django_db


def test_pay2_part1_the_national_fee_in_force_defaults_to_450_pounds_for_every_rpa() -> None:
    fee = national_fee_on(day=date(2026, 11, 23))
    assert fee is not None
    assert fee.amount_pence == 45000
    # The fee is national: no RPA carries a fee field of its own.
    assert not any("fee" in f.name for f in RPA._meta.get_fields())


def test_the_33_standards_used_in_england_are_data_with_11_and_31_where_the_spec_says() -> None:
    england = StandardFramework.objects.get(code="england", is_default=True)
    numbers = list(HLTAStandard.objects.filter(framework=england).values_list("number", flat=True))
    assert numbers == list(range(1, 34))
    assert "Level 2" in HLTAStandard.objects.get(framework=england, number=11).short_title
    assert "whole classes" in HLTAStandard.objects.get(framework=england, number=31).short_title


def test_a_revised_standards_set_loads_without_code_changes() -> None:
    wales = StandardFramework.objects.create(code="wales", name="HLTA standards (Wales)")
    HLTAStandard.objects.bulk_create(
        HLTAStandard(framework=wales, number=n, section="Section", short_title=f"Standard {n}") for n in range(1, 37)
    )
    assert HLTAStandard.objects.filter(framework=wales).count() == 36
