"""The deadline engine (ENQ-1, ENQ-3, PEER-3): scheduling, meeting, cancelling and the periodic sweep."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hnap.deadlines import deadline_cancel, deadline_meet, deadline_schedule, deadline_sweep
from hnap.factories import DeadlineFactory, RPAFactory, UserFactory
from hnap.models import RPA, Deadline, DeadlineNotice, DeadlineState, NoticeKind, Notification, User
from hnap.workdays import end_of_day, morning_of

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
# A due day safely in the future of the test run, so scheduling never clamps the reminder to "now".
DUE_DAY = date(2030, 6, 12)  # a Wednesday
STARTS_ON = date(2030, 6, 7)  # the Friday before: 3 working days later is DUE_DAY


@pytest.fixture
def lead() -> User:
    return UserFactory(email="lead@rpa.example.org", full_name="Lena Lead")


@pytest.fixture
def rpa(lead: User) -> RPA:
    return RPAFactory(lead=lead)


@pytest.fixture
def officer() -> User:
    return UserFactory(email="officer@rpa.example.org", full_name="Oscar Officer")


def schedule_enquiry(
    rpa: RPA, subject: User, *, responsible: User | None = None, kind: str = "enquiry.acknowledge"
) -> Deadline:
    """An ENQ-1 acknowledgement: 3 working days from STARTS_ON."""
    return deadline_schedule(
        rpa=rpa,
        kind=kind,
        title="Acknowledge the enquiry",
        subject=subject,
        responsible=responsible,
        starts_on=STARTS_ON,
        working_days=3,
    )


class TestSchedule:
    def test_enq1_due_at_the_end_of_the_third_working_day_reminded_that_morning(self, rpa: RPA) -> None:
        deadline = schedule_enquiry(rpa, UserFactory())
        assert deadline.state == DeadlineState.OPEN
        assert deadline.due_at == end_of_day(DUE_DAY)
        assert deadline.remind_at == morning_of(DUE_DAY)
        assert deadline.working_days == 3

    def test_enq3_scheduling_is_idempotent_for_the_same_kind_and_subject(self, rpa: RPA) -> None:
        """Given an open deadline for an enquiry, scheduling it again returns it and creates nothing."""
        subject = UserFactory()
        first = schedule_enquiry(rpa, subject)
        again = deadline_schedule(
            rpa=rpa,
            kind="enquiry.acknowledge",
            title="Another title",
            subject=subject,
            starts_on=date(2030, 7, 1),
            working_days=10,
        )
        assert again.pk == first.pk
        assert again.due_at == first.due_at
        assert Deadline.objects.count() == 1

    def test_enq3_another_kind_or_subject_is_another_deadline(self, rpa: RPA) -> None:
        subject = UserFactory()
        schedule_enquiry(rpa, subject)
        schedule_enquiry(rpa, subject, kind="enquiry.answer")
        schedule_enquiry(rpa, UserFactory())
        assert Deadline.objects.count() == 3

    def test_enq3_a_met_deadline_does_not_block_a_new_one(self, rpa: RPA) -> None:
        subject = UserFactory()
        first = schedule_enquiry(rpa, subject)
        deadline_meet(kind="enquiry.acknowledge", subject=subject)
        second = schedule_enquiry(rpa, subject)
        assert second.pk != first.pk

    def test_working_days_or_due_at_but_not_both(self, rpa: RPA) -> None:
        with pytest.raises(ValueError):
            deadline_schedule(rpa=rpa, kind="k", title="Neither")
        with pytest.raises(ValueError):
            deadline_schedule(rpa=rpa, kind="k", title="Both", working_days=3, due_at=end_of_day(DUE_DAY))

    def test_enq3_a_fixed_due_time_before_nine_is_still_reminded_before_it(self, rpa: RPA) -> None:
        """A due time of 08:00 must not get a 09:00 reminder, which could never be sent."""
        due_at = datetime(2030, 6, 12, 8, 0, tzinfo=LONDON)
        deadline = deadline_schedule(rpa=rpa, kind="k.early", title="Early", due_at=due_at)
        assert deadline.remind_at < deadline.due_at
        report = deadline_sweep(now=deadline.remind_at)
        assert report.reminders == 1

    def test_enq3_a_deadline_set_on_its_due_day_is_reminded_at_once(self, rpa: RPA) -> None:
        """The reminder is never before the deadline was set: set at 11:00, due at 17:00, reminded from 11:00."""
        from django.utils import timezone

        asked_at = timezone.now()
        due_at = asked_at + timedelta(hours=6)
        deadline = deadline_schedule(rpa=rpa, kind="k.soon", title="Soon", due_at=due_at)
        # Never reminded before it was set (a reminder time in the past would be useless), and before it is due.
        assert asked_at <= deadline.remind_at < deadline.due_at


class TestMeetAndCancel:
    def test_enq3_meeting_an_open_deadline(self, rpa: RPA) -> None:
        subject = UserFactory()
        schedule_enquiry(rpa, subject)
        at = datetime(2030, 6, 10, 11, 0, tzinfo=LONDON)
        met = deadline_meet(kind="enquiry.acknowledge", subject=subject, at=at)
        assert met is not None
        met.refresh_from_db()
        assert (met.state, met.met_at) == (DeadlineState.MET, at)

    def test_enq3_meeting_a_breached_deadline_keeps_the_breach(self, rpa: RPA) -> None:
        subject = UserFactory()
        deadline = schedule_enquiry(rpa, subject)
        deadline_sweep(now=deadline.due_at + timedelta(seconds=1))
        met = deadline_meet(kind="enquiry.acknowledge", subject=subject)
        assert met is not None
        met.refresh_from_db()
        assert met.state == DeadlineState.BREACHED
        assert met.met_at is not None

    def test_meeting_nothing_owed_returns_none(self, rpa: RPA) -> None:
        assert deadline_meet(kind="enquiry.acknowledge", subject=UserFactory()) is None

    def test_enq3_cancel(self, rpa: RPA) -> None:
        subject = UserFactory()
        deadline = schedule_enquiry(rpa, subject)
        assert deadline_cancel(kind="enquiry.acknowledge", subject=subject) == 1
        assert deadline_cancel(kind="enquiry.acknowledge", subject=subject) == 0
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.CANCELLED

    def test_enq3_met_and_cancelled_deadlines_get_nothing(self, rpa: RPA) -> None:
        """Given a met and a cancelled deadline, sweeps at their reminder and after their due time send nothing."""
        met_subject, cancelled_subject = UserFactory(), UserFactory()
        deadline = schedule_enquiry(rpa, met_subject)
        schedule_enquiry(rpa, cancelled_subject)
        deadline_meet(kind="enquiry.acknowledge", subject=met_subject)
        deadline_cancel(kind="enquiry.acknowledge", subject=cancelled_subject)

        for now in (deadline.remind_at + timedelta(minutes=5), deadline.due_at + timedelta(hours=1)):
            report = deadline_sweep(now=now)
            assert (report.reminders, report.breaches, report.delivered) == (0, 0, 0)
        assert not DeadlineNotice.objects.exists()
        assert not Notification.objects.exists()
        assert mail.outbox == []
        assert set(Deadline.objects.values_list("state", flat=True)) == {DeadlineState.MET, DeadlineState.CANCELLED}


class TestSweep:
    def test_enq3_no_reminder_before_its_time(self, rpa: RPA) -> None:
        deadline = schedule_enquiry(rpa, UserFactory())
        report = deadline_sweep(now=deadline.remind_at - timedelta(seconds=1))
        assert (report.reminders, report.breaches) == (0, 0)
        assert mail.outbox == []

    def test_enq3_a_reminder_goes_once_however_often_the_sweep_runs(self, rpa: RPA, officer: User) -> None:
        """Given an open deadline whose reminder time has come, two sweeps give one notice, one
        notification and one email, to the person responsible."""
        deadline = schedule_enquiry(rpa, UserFactory(), responsible=officer)
        first = deadline_sweep(now=deadline.remind_at + timedelta(minutes=1))
        second = deadline_sweep(now=deadline.remind_at + timedelta(minutes=6))

        assert (first.reminders, first.delivered) == (1, 1)
        assert (second.reminders, second.breaches, second.delivered) == (0, 0, 0)
        notice = DeadlineNotice.objects.get()
        assert (notice.kind, notice.key, notice.recipient) == (
            NoticeKind.REMINDER,
            f"deadline:{deadline.pk}:reminder",
            officer,
        )
        assert notice.sent_at is not None
        assert notice.recipient_email == officer.email
        assert Notification.objects.get().user == officer
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == [officer.email]
        assert mail.outbox[0].subject.startswith("Reminder: Acknowledge the enquiry")
        assert mail.outbox[0].extra_headers["Message-ID"] == f"<{notice.key}@hnap>"
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.OPEN

    def test_enq3_a_reminder_with_nobody_responsible_goes_to_the_lead(self, rpa: RPA, lead: User) -> None:
        deadline = schedule_enquiry(rpa, UserFactory())
        deadline_sweep(now=deadline.remind_at)
        assert DeadlineNotice.objects.get().recipient == lead
        assert [m.to for m in mail.outbox] == [[lead.email]]

    def test_enq3_with_neither_responsible_nor_lead_the_rpa_contact_is_emailed(self) -> None:
        rpa = RPAFactory(lead=None)
        deadline = schedule_enquiry(rpa, UserFactory())
        deadline_sweep(now=deadline.remind_at)
        assert [m.to for m in mail.outbox] == [[rpa.contact_email]]
        assert not Notification.objects.exists()

    def test_enq3_a_breach_is_marked_and_escalated_to_the_lead_once(self, rpa: RPA, lead: User, officer: User) -> None:
        """Given an open deadline past its due time, sweeps mark it breached and escalate to RPA.lead once."""
        deadline = schedule_enquiry(rpa, UserFactory(), responsible=officer)
        after_due = deadline.due_at + timedelta(seconds=1)
        first = deadline_sweep(now=after_due)
        second = deadline_sweep(now=after_due + timedelta(minutes=5))

        assert (first.reminders, first.breaches, first.delivered) == (0, 1, 1)
        assert (second.reminders, second.breaches, second.delivered) == (0, 0, 0)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.BREACHED
        assert deadline.breached_at == after_due
        notice = DeadlineNotice.objects.get()
        assert (notice.kind, notice.recipient) == (NoticeKind.ESCALATION, lead)
        assert Notification.objects.get().user == lead
        assert [m.to for m in mail.outbox] == [[lead.email]]
        assert mail.outbox[0].subject == "Missed deadline: Acknowledge the enquiry"

    def test_enq3_reminder_then_breach_sends_one_of_each(self, rpa: RPA, lead: User, officer: User) -> None:
        deadline = schedule_enquiry(rpa, UserFactory(), responsible=officer)
        for now in (
            deadline.remind_at,
            deadline.remind_at + timedelta(hours=3),
            deadline.due_at + timedelta(minutes=1),
            deadline.due_at + timedelta(minutes=6),
        ):
            deadline_sweep(now=now)
        assert sorted(DeadlineNotice.objects.values_list("kind", "recipient")) == [
            (NoticeKind.ESCALATION, lead.pk),
            (NoticeKind.REMINDER, officer.pk),
        ]
        assert [m.to for m in mail.outbox] == [[officer.email], [lead.email]]
        assert Notification.objects.count() == 2

    def test_enq3_undelivered_notices_are_delivered_by_the_next_sweep(self, rpa: RPA, officer: User) -> None:
        """A notice left unsent (say its worker died) is picked up by the next sweep, once."""
        deadline = schedule_enquiry(rpa, UserFactory(), responsible=officer)
        deadline_sweep(now=deadline.remind_at)
        DeadlineNotice.objects.update(sent_at=None)
        Notification.objects.all().delete()
        mail.outbox.clear()
        report = deadline_sweep(now=deadline.remind_at + timedelta(minutes=5))
        assert (report.reminders, report.delivered) == (0, 1)
        assert len(mail.outbox) == 1
        assert Notification.objects.count() == 1


def _make_deadlines(count: int, *, rpa: RPA, responsible: User, due_at: datetime) -> None:
    """`count` open deadlines: a fifth already breached, the rest due for a reminder, plus 3x as many not yet due."""
    breached = count // 5
    Deadline.objects.bulk_create(
        [
            DeadlineFactory.build(
                rpa=rpa,
                responsible=responsible,
                due_at=due_at - timedelta(days=2),
                remind_at=due_at - timedelta(days=3),
            )
            for _ in range(breached)
        ]
        + [
            DeadlineFactory.build(
                rpa=rpa,
                responsible=responsible if i % 2 else None,
                due_at=due_at,
                remind_at=due_at - timedelta(hours=12),
            )
            for i in range(count - breached)
        ]
        + [
            DeadlineFactory.build(
                rpa=rpa,
                responsible=responsible,
                due_at=due_at + timedelta(days=9),
                remind_at=due_at + timedelta(days=8),
            )
            for _ in range(count * 3)
        ]
    )


@pytest.mark.parametrize("small, large", [(10, 200)])
def test_enq3_the_sweep_makes_a_bounded_number_of_queries(small: int, large: int, officer: User) -> None:
    """10 and 200 deadlines due (reminders and breaches, across two RPAs) cost the same number of queries."""
    counts = []
    for count in (small, large):
        DeadlineNotice.objects.all().delete()
        Deadline.objects.all().delete()
        mail.outbox.clear()
        due_at = end_of_day(DUE_DAY)
        for rpa in (RPAFactory(lead=UserFactory()), RPAFactory(lead=None)):
            _make_deadlines(count // 2, rpa=rpa, responsible=officer, due_at=due_at)
        with CaptureQueriesContext(connection) as queries:
            report = deadline_sweep(now=due_at - timedelta(hours=1))
        assert report.reminders + report.breaches == count
        assert report.delivered == count
        assert len(mail.outbox) == count
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # Two sweep statements, two delivery batches (the second finds nothing) and their savepoints.
    assert counts[1] <= 12, counts
