"""The demo data of `make run` holds enquiries in every state and an appeal referred to the Partnership (ENQ-1,
ENQ-3, APP-1, APP-4, APP-6), eligible panel members, and seeding twice creates them once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from appeals.models import Appeal, AppealState, Enquiry, EnquiryState, Referral
from appeals.selectors import enquiry_sla_by_month, panel_choices
from hnap.demo import seed_demo
from hnap.models import RPA

pytestmark = pytest.mark.django_db


def test_demo_enquiries_and_a_referred_appeal_seeded_once() -> None:
    seed_demo()
    counts = (Enquiry.objects.count(), Appeal.objects.count(), Referral.objects.count())
    seed_demo()
    assert (Enquiry.objects.count(), Appeal.objects.count(), Referral.objects.count()) == counts
    four_s = RPA.objects.get(slug="strictly-education-4s")
    states = set(Enquiry.objects.filter(rpa=four_s).values_list("state", flat=True))
    assert states == {EnquiryState.RECEIVED, EnquiryState.ACKNOWLEDGED, EnquiryState.ANSWERED}
    now = timezone.now()
    assert Enquiry.objects.filter(rpa=four_s, state=EnquiryState.RECEIVED, acknowledge_due_at__lt=now).exists()
    assert Enquiry.objects.filter(rpa=four_s, channel="phone", messages__direction="note").exists()
    history = enquiry_sla_by_month(
        enquiries=Enquiry.objects.filter(rpa=four_s), since=now.date().replace(day=1, year=now.year - 1)
    )
    assert len(history) >= 6 and any(m.answered_share and m.answered_share < 100 for m in history)
    referred = Appeal.objects.get(state=AppealState.REFERRED)
    assert referred.candidate.user.email == "candidate.4s@hnap.test" and referred.letter_path
    assert Appeal.objects.filter(state=AppealState.REFUSED, made_by="third_party").exists()
    offered = {user.email for user, _ in panel_choices(rpa_id=four_s.pk)}
    assert {"senior.north@hnap.test", "senior.third@hnap.test"} <= offered
