"""Demo enquiries and appeals for `make run`, built through the services so every rule and deadline applies.

Enquiries: 4S's in every state (received and on time, received and overdue, acknowledged, answered on time and
late, one logged from a phone call, one with an internal note), six months of history for the SLA dashboard, and
one for HLTA North. Appeals: Cara Candidate's appeal against her released result, acknowledged with its letter,
not upheld and referred to the Partnership, awaiting a panel; and an appeal a headteacher made on her behalf,
refused and kept. Two senior assessors of other RPAs can sit on the panel.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from appeals import services
from appeals.models import Appeal, Enquiry, EnquiryState, MessageDirection
from assessments.models import Result
from hnap.models import RPA, Deadline, DeadlineState, Membership, User
from hnap.roles import Role
from hnap.workdays import LONDON, calendar_for

# Senior assessors of two other RPAs than 4S, who may sit on the review panel of a 4S appeal (APP-6).
PANEL_PEOPLE = [
    ("senior.north@hnap.test", "Nadia North-Senior", "hlta-north"),
    ("senior.third@hnap.test", "Theo Third-Senior", None),  # the first other RPA by name
]


def seed_appeals_demo() -> int:
    """Create the demo enquiries and appeals that are missing; returns how many enquiries were created."""
    four_s = RPA.objects.get(slug="strictly-education-4s")
    created = 0
    if not Enquiry.objects.filter(rpa=four_s).exists():
        created = _seed_enquiries(four_s) + _seed_history(four_s)
        north = RPA.objects.get(slug="hlta-north")
        services.enquiry_receive(
            rpa=north, channel="web_form", name="Moorside Infant School office", email="office@moorside.example.org",
            subject="Dates of the next moderation event", message="When is your next moderation event?",
            nature="assessment",
        )  # fmt: skip
        created += 1
    _seed_panel_people(four_s)
    _seed_appeals(four_s)
    return created


def _working_days_ago(rpa: RPA, days: int, hour: int = 10) -> datetime:
    calendar = calendar_for(rpa_id=rpa.pk)
    day = timezone.localdate()
    while days:
        day -= timedelta(days=1)
        days -= calendar.is_working_day(day)
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def _seed_enquiries(rpa: RPA) -> int:
    admin = User.objects.get(email="admin.4s@hnap.test")
    new = services.enquiry_receive(
        rpa=rpa, channel="web_form", name="Priya Patel", email="priya.patel@example.org",
        organisation="Riverside Primary School", nature="registration",
        subject="Can our TA register before her Level 2 maths result?",
        message="Our teaching assistant is waiting for her Level 2 maths result. Can she register now?",
    )  # fmt: skip
    overdue = services.enquiry_receive(
        rpa=rpa, channel="web_form", name="Mr Jones", email="d.jones@example.org", nature="payment",
        subject="Who pays the assessment fee?", message="My school says I must pay the fee myself. Is that right?",
        received_at=_working_days_ago(rpa, 5),
    )  # fmt: skip
    acknowledged = services.enquiry_receive(
        rpa=rpa, channel="web_form", name="Hilltop Academy", email="hr@hilltop.example.org", nature="assessment",
        subject="Assessment dates for three candidates", message="Could you tell us when our three candidates "
        "will be assessed? They finished preparation last month.", received_at=_working_days_ago(rpa, 2),
    )  # fmt: skip
    services.enquiry_acknowledge(
        enquiry=acknowledged, acting_user=admin,
        message="Thank you: we have received your enquiry and will confirm the dates within 10 working days.",
    )  # fmt: skip
    answered = services.enquiry_receive(
        rpa=rpa, channel="phone", name="Sue Green", phone="01632 960123", logged_by=admin, nature="results",
        subject="When will results be released?", message="Phoned to ask when her result will come.",
        received_at=_working_days_ago(rpa, 3),
    )  # fmt: skip
    services.enquiry_note(
        enquiry=answered, direction=MessageDirection.NOTE, acting_user=admin,
        body="Called back: results follow the monthly moderation event, once the fee is paid.",
    )  # fmt: skip
    services.enquiry_answer(
        enquiry=answered, acting_user=admin,
        message="Your result is released after the next moderation event, once the fee is paid (we phoned too).",
    )  # fmt: skip
    return len([new, overdue, acknowledged, answered])


def _seed_history(rpa: RPA) -> int:
    """Six months of answered enquiries for the SLA dashboard: most on time, a few late each month."""
    made = 0
    for months_ago in range(1, 7):
        for n in range(6):
            received = _working_days_ago(rpa, months_ago * 21 + n * 2)
            enquiry = services.enquiry_receive(
                rpa=rpa, channel="web_form", name=f"Enquirer {months_ago}-{n}", email=f"e{months_ago}{n}@example.org",
                subject="A question about preparation courses", message="Which courses prepare for HLTA status?",
                nature="preparation", received_at=received,
            )  # fmt: skip
            late = (n + months_ago) % 4 == 0
            acknowledged = enquiry.acknowledge_due_at + timedelta(days=1 if late else -2)
            answered = enquiry.answer_due_at + timedelta(days=2 if late and n % 2 else -1)
            Enquiry.objects.filter(pk=enquiry.pk).update(
                state=EnquiryState.ANSWERED,
                acknowledged_at=min(acknowledged, timezone.now()),
                answered_at=min(answered, timezone.now()),
            )
            made += 1
    # History is settled: its deadlines were met (late ones after their breach), not owed now.
    Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(Enquiry),
        object_id__in=Enquiry.objects.filter(rpa=rpa, name__startswith="Enquirer ").values("pk"),
    ).update(state=DeadlineState.MET, met_at=timezone.now())
    return made


def _seed_panel_people(four_s: RPA) -> None:
    from hnap.demo import DEMO_PASSWORD, demo_totp_key

    for email, name, slug in PANEL_PEOPLE:
        rpa = (
            RPA.objects.get(slug=slug)
            if slug
            else RPA.objects.exclude(slug__in=["strictly-education-4s", "hlta-north"]).order_by("name").first()
        )
        if rpa is None:
            continue
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email, DEMO_PASSWORD, full_name=name
        )
        Membership.objects.get_or_create(user=user, role=Role.SENIOR_ASSESSOR, rpa=rpa, pop=None)
        TOTPDevice.objects.get_or_create(
            user=user, name="Demo authenticator", defaults={"key": demo_totp_key(email), "confirmed": True}
        )


def _seed_appeals(four_s: RPA) -> None:
    result = (
        Result.objects.filter(rpa=four_s, candidate__user__email="candidate.4s@hnap.test", released_at__isnull=False)
        .select_related("candidate__user")
        .first()
    )
    if result is None or Appeal.objects.filter(result=result).exists():
        return
    admin = User.objects.get(email="admin.4s@hnap.test")
    services.appeal_make(
        result=result, ground="improper", acting_user=admin, made_by="third_party",
        made_by_name="Mrs Okafor, headteacher of Riverside Primary School",
        statement="I am appealing for Cara: her second meeting was rushed.", evidence="My notes of the day.",
    )  # fmt: skip
    appeal = services.appeal_make(
        result=result, ground="improper", acting_user=result.candidate.user,
        statement="My meeting with the assessor was cut to 20 minutes because the room was needed, so I could "
        "not present the evidence for standards 20 to 24.",
        evidence="The room booking shows the hall was booked from 10:20; my teacher, Mr Hale, saw the meeting end.",
    )  # fmt: skip
    services.appeal_acknowledge(appeal=appeal, working_days=20, acting_user=admin)
    services.appeal_decide(
        appeal=appeal, decision="not_upheld", acting_user=admin,
        reasons="The assessor's record shows a 55-minute meeting covering standards 20 to 24; the room change "
        "happened afterwards.",
    )  # fmt: skip
    services.appeal_refer(
        appeal=appeal, acting_user=result.candidate.user,
        reasons="The record is wrong about the time: I ask for an independent review.",
    )  # fmt: skip
