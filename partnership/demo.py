"""Demo data of the Partnership's settings: the nationally agreed standards of this month and the next two (MOD-5),
set by the demo Partnership administrator; months already set are left as they are (seed_demo runs again safely)."""

from __future__ import annotations

from django.utils import timezone

from hnap.models import NationalSampledStandards, User
from partnership.selectors import month_add, months_opened
from partnership.services import national_standards_set

# Three standards a month, in turn through the framework (the Partnership's real choice is made each year).
DEMO_STANDARDS = ([3, 12, 27], [7, 18, 30], [5, 21, 33])


def seed_partnership_demo() -> int:
    """The months given standards now (0 when all were set before)."""
    admin = User.objects.filter(email="partnership@hnap.test").first()
    this_month = timezone.localdate().replace(day=1)
    made = 0
    for offset, standards in enumerate(DEMO_STANDARDS):
        month = month_add(this_month, offset)
        if NationalSampledStandards.objects.filter(month=month).exists() or months_opened(months=[month]):
            continue
        national_standards_set(month=month, standards=standards, acting_user=admin)
        made += 1
    return made
