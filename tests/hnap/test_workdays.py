"""The working-day calendar (ENQ-1, PEER-3): weekends, bank holidays of England and Wales, RPA closure days."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from hnap.deadlines import deadline_schedule
from hnap.factories import RPAFactory, UserFactory
from hnap.models import Deadline, DeadlineState
from hnap.services import closure_day_add
from hnap.workdays import (
    WorkingCalendar,
    bank_holidays,
    calendar_for,
    end_of_day,
    morning_of,
)

LONDON = ZoneInfo("Europe/London")
NATIONAL = WorkingCalendar()


class TestBankHolidays:
    def test_enq1_christmas_2026_includes_the_substitute_for_boxing_day_on_a_saturday(self) -> None:
        """25 Dec 2026 is a Friday, Boxing Day a Saturday, so Monday 28 December is the substitute day."""
        holidays_2026 = bank_holidays(2026)
        assert {date(2026, 12, 25), date(2026, 12, 28)} <= holidays_2026
        assert not NATIONAL.is_working_day(date(2026, 12, 25))
        assert not NATIONAL.is_working_day(date(2026, 12, 26))  # a Saturday anyway
        assert not NATIONAL.is_working_day(date(2026, 12, 28))
        assert NATIONAL.is_working_day(date(2026, 12, 29))

    def test_enq1_easter_2027(self) -> None:
        assert {date(2027, 3, 26), date(2027, 3, 29)} <= bank_holidays(2027)
        assert not NATIONAL.is_working_day(date(2027, 3, 26))  # Good Friday
        assert not NATIONAL.is_working_day(date(2027, 3, 29))  # Easter Monday
        assert NATIONAL.is_working_day(date(2027, 3, 25))

    def test_enq1_scottish_only_holidays_are_working_days(self) -> None:
        """2 January and St Andrew's Day are Scottish bank holidays, not English and Welsh ones."""
        assert NATIONAL.is_working_day(date(2026, 11, 30))  # St Andrew's Day, a Monday
        assert date(2026, 11, 30) not in bank_holidays(2026)
        assert NATIONAL.is_working_day(date(2025, 1, 2))  # a Thursday


class TestAddWorkingDays:
    def test_enq1_counting_starts_the_day_after(self) -> None:
        """Given Monday 2 March 2026, when 3 working days are added, then it is Thursday 5 March."""
        assert NATIONAL.add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 5)

    def test_enq1_weekends_are_skipped(self) -> None:
        """Given Thursday 5 March 2026, 3 working days later is Tuesday 10 March."""
        assert NATIONAL.add_working_days(date(2026, 3, 5), 3) == date(2026, 3, 10)

    def test_enq1_acknowledgement_across_christmas_and_new_year_2026(self) -> None:
        """Given an enquiry on Thursday 24 Dec 2026, skip 25 Dec, the weekend, the substitute day 28 Dec."""
        assert NATIONAL.add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
        assert NATIONAL.add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)
        # 1 Jan 2027 (a Friday) and the weekend after it are not working days either.
        assert NATIONAL.add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)

    def test_enq1_answer_across_christmas_and_new_year_2026(self) -> None:
        """10 working days from Wednesday 23 Dec 2026: 24, 29, 30, 31 Dec, 4-8 Jan, 11 Jan."""
        assert NATIONAL.add_working_days(date(2026, 12, 23), 10) == date(2027, 1, 11)

    def test_enq1_across_easter_2027(self) -> None:
        """Given Thursday 25 March 2027, 1 working day later is Tuesday 30 March (Good Friday, Easter Monday)."""
        assert NATIONAL.add_working_days(date(2027, 3, 25), 1) == date(2027, 3, 30)
        assert NATIONAL.add_working_days(date(2027, 3, 24), 3) == date(2027, 3, 31)
        assert NATIONAL.add_working_days(date(2027, 3, 24), 10) == date(2027, 4, 9)

    def test_enq1_a_closure_day_is_skipped(self) -> None:
        """Given the RPA is closed on Wednesday 4 March 2026, 3 working days from Monday is Friday."""
        calendar = WorkingCalendar(closures=frozenset({date(2026, 3, 4)}))
        assert calendar.add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 6)
        assert NATIONAL.add_working_days(date(2026, 3, 2), 3) == date(2026, 3, 5)

    def test_zero_days_is_the_start_or_the_next_working_day(self) -> None:
        assert NATIONAL.add_working_days(date(2026, 3, 2), 0) == date(2026, 3, 2)
        assert NATIONAL.add_working_days(date(2026, 12, 25), 0) == date(2026, 12, 29)

    def test_negative_days_are_refused(self) -> None:
        with pytest.raises(ValueError):
            NATIONAL.add_working_days(date(2026, 3, 2), -1)

    def test_starting_on_a_holiday_counts_from_the_next_working_day(self) -> None:
        """Given an enquiry on Christmas Day 2026, 3 working days later is Thursday 31 December."""
        assert NATIONAL.add_working_days(date(2026, 12, 25), 3) == date(2026, 12, 31)


class TestWorkingDaysBetween:
    def test_enq1_count_over_christmas_2026(self) -> None:
        """From 24 Dec 2026 to 4 Jan 2027: 29, 30, 31 Dec and 4 Jan are the working days."""
        assert NATIONAL.working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4

    def test_enq1_count_over_easter_2027_with_a_closure(self) -> None:
        calendar = WorkingCalendar(closures=frozenset({date(2027, 3, 31)}))
        # 30 and 31 March, 1 and 2 April.
        assert NATIONAL.working_days_between(date(2027, 3, 25), date(2027, 4, 2)) == 4
        assert calendar.working_days_between(date(2027, 3, 25), date(2027, 4, 2)) == 3

    def test_count_is_zero_when_end_is_not_after_start(self) -> None:
        assert NATIONAL.working_days_between(date(2026, 3, 5), date(2026, 3, 5)) == 0
        assert NATIONAL.working_days_between(date(2026, 3, 5), date(2026, 3, 2)) == 0

    @pytest.mark.parametrize("days", [0, 1, 3, 10, 25])
    def test_enq1_count_inverts_add(self, days: int) -> None:
        """Adding n working days then counting them back gives n, for starts across two holiday seasons."""
        calendar = WorkingCalendar(closures=frozenset({date(2026, 12, 30), date(2027, 3, 30)}))
        start = date(2026, 12, 1)
        while start < date(2027, 4, 30):
            if calendar.is_working_day(start):
                assert calendar.working_days_between(start, calendar.add_working_days(start, days)) == days
            start += timedelta(days=1)


class TestTimes:
    def test_enq1_a_deadline_falls_due_at_the_end_of_its_day_in_london(self) -> None:
        """In summer time the end of the London day is 22:59:59 UTC."""
        due = end_of_day(date(2026, 7, 1))
        assert due == datetime(2026, 7, 1, 23, 59, 59, tzinfo=LONDON)
        assert due.utcoffset() == timedelta(hours=1)
        assert morning_of(date(2026, 7, 1)) == datetime(2026, 7, 1, 9, 0, tzinfo=LONDON)


@pytest.mark.django_db
class TestClosureDays:
    def test_calendar_for_an_rpa_has_only_its_own_closure_days(self) -> None:
        rpa, other = RPAFactory(), RPAFactory()
        closure_day_add(rpa=rpa, day=date(2026, 3, 4), reason="Staff training")
        assert calendar_for(rpa_id=rpa.pk).closures == {date(2026, 3, 4)}
        assert calendar_for(rpa_id=other.pk).closures == frozenset()
        assert calendar_for(rpa_id=None).closures == frozenset()

    def test_enq1_a_deadline_crossing_a_closure_day(self) -> None:
        """Given an RPA closed on Wednesday 4 March 2026, an enquiry on Monday 2 March is acknowledged by Friday."""
        rpa = RPAFactory()
        closure_day_add(rpa=rpa, day=date(2026, 3, 4), reason="Office move")
        deadline = deadline_schedule(
            rpa=rpa, kind="enquiry.acknowledge", title="Acknowledge", starts_on=date(2026, 3, 2), working_days=3
        )
        assert deadline.due_at == end_of_day(date(2026, 3, 6))

    def test_enq1_adding_a_closure_day_recomputes_open_deadlines(self) -> None:
        """Given open ENQ-1 deadlines (3 and 10 working days from Thursday 24 Dec 2026),
        when the RPA adds a closure day on Wednesday 30 December,
        then both fall due one working day later, and their reminders move with them."""
        rpa, subject = RPAFactory(), UserFactory()
        acknowledge = deadline_schedule(
            rpa=rpa,
            kind="enquiry.acknowledge",
            title="Acknowledge",
            subject=subject,
            starts_on=date(2026, 12, 24),
            working_days=3,
        )
        answer = deadline_schedule(
            rpa=rpa,
            kind="enquiry.answer",
            title="Answer",
            subject=subject,
            starts_on=date(2026, 12, 24),
            working_days=10,
        )
        assert acknowledge.due_at == end_of_day(date(2026, 12, 31))
        assert answer.due_at == end_of_day(date(2027, 1, 12))

        closure_day_add(rpa=rpa, day=date(2026, 12, 30), reason="Christmas closure")

        acknowledge.refresh_from_db()
        answer.refresh_from_db()
        assert acknowledge.due_at == end_of_day(date(2027, 1, 4))
        assert acknowledge.remind_at == morning_of(date(2027, 1, 4))
        assert answer.due_at == end_of_day(date(2027, 1, 13))
        assert answer.remind_at == morning_of(date(2027, 1, 13))

    def test_enq1_closure_day_leaves_other_deadlines_alone(self) -> None:
        """Met deadlines, fixed-time deadlines, other RPAs' deadlines and ones before the closure are unchanged."""
        rpa, other = RPAFactory(), RPAFactory()
        before = deadline_schedule(rpa=rpa, kind="k.before", title="Before", starts_on=date(2026, 3, 2), working_days=1)
        met = deadline_schedule(rpa=rpa, kind="k.met", title="Met", starts_on=date(2026, 3, 2), working_days=3)
        Deadline.objects.filter(pk=met.pk).update(state=DeadlineState.MET)
        fixed_at = datetime(2026, 3, 5, 17, 0, tzinfo=LONDON)
        fixed = deadline_schedule(rpa=rpa, kind="k.fixed", title="Fixed", due_at=fixed_at)
        elsewhere = deadline_schedule(
            rpa=other, kind="k.other", title="Other", starts_on=date(2026, 3, 2), working_days=3
        )

        closure_day_add(rpa=rpa, day=date(2026, 3, 4), reason="Training")

        for deadline in (before, met, fixed, elsewhere):
            old = deadline.due_at
            deadline.refresh_from_db()
            assert deadline.due_at == old, deadline.title

    def test_the_same_closure_day_twice_is_refused(self) -> None:
        rpa = RPAFactory()
        closure_day_add(rpa=rpa, day=date(2026, 3, 4), reason="Training")
        with pytest.raises(ValidationError):
            closure_day_add(rpa=rpa, day=date(2026, 3, 4), reason="Again")
