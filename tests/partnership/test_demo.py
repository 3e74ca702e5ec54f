"""The demo data of `make run` gives the Partnership the standards of this month and the next two (PART-1, MOD-5), and
a national dashboard with figures (PART-2); seeding twice sets them once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from hnap.demo import seed_demo
from hnap.models import NationalSampledStandards
from partnership.selectors import dashboard, month_add

pytestmark = pytest.mark.django_db


def test_part1_part2_demo_standards_seeded_once_and_the_dashboard_has_figures() -> None:
    seed_demo()
    rows = NationalSampledStandards.objects.count()
    seed_demo()
    assert NationalSampledStandards.objects.count() == rows
    this_month = timezone.localdate().replace(day=1)
    row = NationalSampledStandards.objects.get(month=this_month)
    assert row.set_by is not None and row.set_by.email == "partnership@hnap.test" and row.standards.count() == 3
    totals = dashboard(rpa_ids=None, start=month_add(this_month, -11), end=this_month).total
    assert totals.registrations > 0 and totals.enquiries > 0
