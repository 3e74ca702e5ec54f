"""Demo data of data protection (seed_demo): two breaches in 4S's register (one reported to the ICO in time, one
not reported with its reason) and a retention dry run by its administrator. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from dataprotection.models import Breach, RetentionRun
from dataprotection.services import breach_record, retention_apply
from hnap.models import RPA, User


def seed_dataprotection_demo() -> int:
    """Create what is missing; returns how many breaches were created."""
    rpa = RPA.objects.get(slug="strictly-education-4s")
    admin = User.objects.filter(email="admin.4s@hnap.test").first()
    now = timezone.now()
    made = 0
    breaches = [
        {
            "title": "Level 2 certificate emailed to the wrong school",
            "what_happened": "A PoP tutor emailed a candidate's GCSE certificate to another school's office.",
            "data_affected": "One candidate's name and GCSE mathematics certificate.",
            "people_affected": 1,
            "found_at": now - timedelta(days=20),
            "contained_at": now - timedelta(days=20) + timedelta(hours=3),
            "people_told": "The candidate (by phone, then in writing); the RPA lead.",
            "told_at": now - timedelta(days=19),
            "ico_reported": False,
            "ico_reason": "Low risk: the school deleted the email the same day and confirmed it in writing.",
        },
        {
            "title": "Assessor's laptop stolen with downloaded files",
            "what_happened": "An assessor's laptop was stolen from a car; two assessment files had been downloaded.",
            "data_affected": "Two candidates' assessment files, including a disability disclosure.",
            "people_affected": 2,
            "found_at": now - timedelta(days=9),
            "contained_at": now - timedelta(days=9) + timedelta(hours=6),
            "people_told": "Both candidates; their schools; the Partnership.",
            "told_at": now - timedelta(days=8),
            "ico_reported": True,
            "ico_reported_at": now - timedelta(days=8),
            "ico_reason": "Special category data on a device whose disk was not encrypted.",
        },
    ]
    for fields in breaches:
        if not Breach.objects.filter(rpa=rpa, title=fields["title"]).exists():
            breach_record(rpa=rpa, acting_user=admin, **fields)  # type: ignore[arg-type]
            made += 1
    if not RetentionRun.objects.filter(rpa=rpa).exists():
        retention_apply(rpa=rpa, dry_run=True, acting_user=admin)
    return made
