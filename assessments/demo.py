"""Demo assessors and bookings for `make run`: the 4S register (a senior assessor, an active assessor, a trainee),
a North assessor who assesses for 4S too, and the demo's paid candidate booked, built through the services."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from assessments import services
from assessments.factories import at
from assessments.models import Assessor, TrainingTopic, week_start
from candidates.models import Candidate
from hnap.models import RPA, User


def _trained(*, rpa: RPA, email: str, is_senior: bool = False, topics: list[str] | None = None) -> Assessor:
    user = User.objects.get(email=email)
    assessor = Assessor.objects.filter(rpa=rpa, user=user).first() or services.assessor_register(
        rpa=rpa, user=user, acting_user=None, is_senior=is_senior
    )
    for topic in TrainingTopic.values if topics is None else topics:
        services.training_record(
            assessor=assessor, topic=topic, completed_on=timezone.localdate() - timedelta(days=200)
        )
    assessor.refresh_from_db()
    return assessor


def seed_assessments_demo() -> int:
    """Create the demo register and a booking once; returns how many assessors were created."""
    four_s = RPA.objects.get(slug="strictly-education-4s")
    north = RPA.objects.get(slug="hlta-north")
    if Assessor.objects.filter(rpa=four_s).exists():
        return 0
    admin = User.objects.get(email="admin.4s@hnap.test")
    senior = _trained(rpa=four_s, email="senior.4s@hnap.test", is_senior=True)
    alex = _trained(rpa=four_s, email="assessor.4s@hnap.test")
    trainee = _trained(rpa=four_s, email="moderator.4s@hnap.test", topics=TrainingTopic.values[:4])
    noel = _trained(rpa=north, email="assessor.north@hnap.test")
    services.assessor_set_willing(assessor=noel, rpas=[four_s])
    services.cpd_add(
        assessor=alex,
        done_on=timezone.localdate() - timedelta(days=30),
        title="Regional standardisation day",
        hours=Decimal("5"),
        ksbs=["K7", "S7", "B4"],
    )
    services.review_record(
        assessor=senior,
        reviewer=admin,
        feedback="Thorough, well-evidenced records; clear feedback to assessors.",
        preparation="strong",
        conduct="strong",
        outcomes="satisfactory",
        paperwork="strong",
        communication="satisfactory",
        participation="strong",
    )
    paid = Candidate.objects.filter(last_name="Paid", rpa=four_s).first()
    if paid is not None:
        day = week_start(paid.course.final_session + timedelta(weeks=5)) + timedelta(days=1)
        services.assessment_book(
            candidate=paid,
            assessor=alex,
            starts_at=at(max(day, timezone.localdate() + timedelta(days=14))),
            acting_user=admin,
            teacher_name="Tom Teacher",
            senior_leader_name="Hana Head",
            confirm_outside_window=True,
        )
    return len([senior, alex, trainee, noel])
