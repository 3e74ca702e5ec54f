"""Assessor and allocation rules proven on the services and selectors (ASR-1..ASR-9, ASM-1, ASM-2, PAY-1, S11-2,
RISK-1); the pages and the API call these same services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import services
from assessments.factories import AssessorFactory, at
from assessments.models import (
    WEEKLY_CAP,
    Assessment,
    AssessmentState,
    AssessorStatus,
    QualityActionKind,
    TrainingTopic,
    week_start,
)
from assessments.selectors import assessments_to_reallocate, assessor_proposals, training_missing, weeks_over_cap
from candidates.factories import DisabilityDisclosureFactory, PreparationCourseFactory, ready_candidate
from hnap.access import restrict
from hnap.factories import UserFactory
from hnap.models import RPA, Deadline, DeadlineState, Membership, Notification
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def monday(weeks_ahead: int = 8) -> date:
    return week_start(timezone.localdate() + timedelta(weeks=weeks_ahead))


def book(candidate, assessor, day: date | None = None, **kwargs):  # type: ignore[no-untyped-def]
    kwargs.setdefault("confirm_outside_window", True)
    return services.assessment_book(
        candidate=candidate, assessor=assessor, starts_at=at(day or monday()), acting_user=None, **kwargs
    )


class TestRegister:
    def test_asr1_an_assessor_with_training_incomplete_cannot_be_allocated(self, rpa_a: RPA) -> None:
        user = UserFactory()
        assessor = services.assessor_register(rpa=rpa_a, user=user, acting_user=None)
        assert assessor.status == AssessorStatus.IN_TRAINING and assessor.first_solo_qa_at is None
        assert Membership.objects.filter(user=user, role=Role.ASSESSOR, rpa=rpa_a).exists()
        candidate = ready_candidate(rpa=rpa_a)
        for topic in TrainingTopic.values[:-1]:
            services.training_record(assessor=assessor, topic=topic, completed_on=timezone.localdate())
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.IN_TRAINING
        assert training_missing(assessor=assessor) == ["Moderation and quality-assurance requirements"]
        with pytest.raises(ValidationError, match=r"initial training not complete \(6 of 7\)"):
            book(candidate, assessor)
        (proposal,) = assessor_proposals(candidate=candidate, day=monday())
        assert not proposal.eligible and "initial training not complete (6 of 7)" in proposal.reasons
        services.training_record(assessor=assessor, topic=TrainingTopic.QUALITY, completed_on=timezone.localdate())
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.ACTIVE
        first = book(candidate, assessor)
        assert first.state == AssessmentState.BOOKED and first.is_first_solo

    def test_asr2_the_first_solo_is_flagged_and_quality_assured_before_any_other(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a, first_solo_qa_at=None)
        first = book(ready_candidate(rpa=rpa_a), assessor)
        assert first.is_first_solo
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.FIRST_SOLO_PENDING_QA
        with pytest.raises(ValidationError, match="First solo assessment pending QA"):
            book(ready_candidate(rpa=rpa_a), assessor)
        senior = UserFactory()
        with pytest.raises(ValidationError):
            services.first_solo_qa_record(assessor=assessor, acting_user=senior, note="")
        services.first_solo_qa_record(assessor=assessor, acting_user=senior, note="Sound judgements, full records")
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.ACTIVE and assessor.first_solo_qa_by == senior
        second = book(ready_candidate(rpa=rpa_a), assessor)
        assert not second.is_first_solo

    def test_asr3_cpd_is_mapped_to_st1380_codes(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        entry = services.cpd_add(
            assessor=assessor, done_on=timezone.localdate(), title="Moderation day", hours=Decimal("3.5"),
            ksbs=["s7", "K7", " B4 ", "K7"],
        )  # fmt: skip
        assert entry.ksbs == ["B4", "K7", "S7"]
        with pytest.raises(ValidationError) as error:
            services.cpd_add(
                assessor=assessor, done_on=timezone.localdate(), title="X", hours=Decimal(1), ksbs=["K15", "Q1"]
            )
        assert "K15, Q1" in error.value.message_dict["ksbs"][0]

    def test_asr4_naming_a_senior_assessor_gives_the_role(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        services.assessor_set_senior(assessor=assessor, is_senior=True, acting_user=None)
        assert Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR, rpa=rpa_a).exists()
        services.assessor_set_senior(assessor=assessor, is_senior=False, acting_user=None)
        assert not Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR).exists()

    def test_asr7_a_review_covers_the_six_criteria_and_the_assessor_is_told(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        with pytest.raises(ValidationError) as error:
            services.review_record(assessor=assessor, reviewer=None, feedback="", preparation="strong")
        assert set(error.value.message_dict) == {
            "conduct", "outcomes", "paperwork", "communication", "participation", "feedback",
        }  # fmt: skip
        ratings = dict.fromkeys(["preparation", "conduct", "outcomes", "paperwork", "communication"], "strong")
        services.review_record(
            assessor=assessor,
            reviewer=None,
            feedback="Excellent records.",
            participation="needs_improvement",
            **ratings,
        )
        assert Notification.objects.get(user=assessor.user).body == "Excellent records."


class TestQuality:
    def test_asr8_suspension_takes_the_assessor_out_at_once_and_lists_their_bookings(self, rpa_a: RPA) -> None:
        assessor, other = AssessorFactory(rpa=rpa_a, user__full_name="Suspended One"), AssessorFactory(rpa=rpa_a)
        booking = book(ready_candidate(rpa=rpa_a), assessor)
        action = services.quality_action_open(
            assessor=assessor, kind=QualityActionKind.SUSPEND, reason="Complaint", acting_user=None
        )
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.SUSPENDED
        assert list(assessments_to_reallocate(assessor=assessor)) == [booking]
        candidate = ready_candidate(rpa=rpa_a)
        proposals = {p.assessor.pk: p for p in assessor_proposals(candidate=candidate, day=monday())}
        assert (
            not proposals[assessor.pk].eligible and "Suspended pending investigation" in proposals[assessor.pk].reasons
        )
        with pytest.raises(ValidationError, match="cannot be allocated"):
            book(candidate, assessor)
        moved = services.assessment_reallocate(assessment=booking, assessor=other, acting_user=None, reason="Suspended")
        assert moved.assessor == other and not assessments_to_reallocate(assessor=assessor).exists()
        services.quality_action_close(action=action, acting_user=None, outcome="Cleared", reinstate=True)
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.ACTIVE

    def test_asr8_removal_and_other_actions(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        services.quality_action_open(
            assessor=assessor, kind=QualityActionKind.SHADOWING, reason="Develop questioning", acting_user=None
        )
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.ACTIVE
        services.quality_action_open(assessor=assessor, kind=QualityActionKind.REMOVAL, reason="x", acting_user=None)
        assessor.refresh_from_db()
        assert assessor.status == AssessorStatus.REMOVED


class TestAllocation:
    def test_s11_2_a_candidate_who_is_not_ready_is_refused(self, rpa_a: RPA) -> None:
        candidate = ready_candidate(rpa=rpa_a)
        candidate.registered_at = None
        candidate.save(update_fields=["registered_at"])
        with pytest.raises(ValidationError, match="not ready for allocation"):
            book(candidate, AssessorFactory(rpa=rpa_a))

    def test_pay1_an_unpaid_candidate_needs_a_recorded_exception(self, rpa_a: RPA) -> None:
        candidate = ready_candidate(rpa=rpa_a, paid=False)
        assessor = AssessorFactory(rpa=rpa_a)
        with pytest.raises(ValidationError) as error:
            book(candidate, assessor)
        assert "unpaid_exception_reason" in error.value.message_dict
        booked = book(candidate, assessor, unpaid_exception_reason="School's purchase order received")
        assert booked.unpaid_exception_reason

    def test_asm1_outside_the_window_warns_then_books_when_confirmed(self, rpa_a: RPA, pop_a) -> None:  # type: ignore[no-untyped-def]
        today = timezone.localdate()
        course = PreparationCourseFactory(
            rpa=rpa_a, pop=pop_a, first_session=today, second_session=today, final_session=today + timedelta(days=7)
        )
        candidate = ready_candidate(rpa=rpa_a, course=course, pop=pop_a)
        assessor = AssessorFactory(rpa=rpa_a)
        too_soon = week_start(course.final_session + timedelta(weeks=2))
        with pytest.raises(services.OutsideWindow, match="4 to 9 weeks"):
            book(candidate, assessor, too_soon, confirm_outside_window=False)
        in_window = week_start(course.final_session + timedelta(weeks=6))
        assert book(candidate, assessor, in_window, confirm_outside_window=False).state == AssessmentState.BOOKED
        rpa_a.assessment_window_max_weeks = 5
        rpa_a.save(update_fields=["assessment_window_max_weeks"])
        other = ready_candidate(rpa=rpa_a, course=course, pop=pop_a)
        with pytest.raises(services.OutsideWindow, match="4 to 5 weeks"):
            book(other, AssessorFactory(rpa=rpa_a), in_window, confirm_outside_window=False)

    def test_asm2_the_tasks_are_due_ten_days_before_and_follow_a_move(self, rpa_a: RPA) -> None:
        booking = book(ready_candidate(rpa=rpa_a), AssessorFactory(rpa=rpa_a))
        deadline = Deadline.objects.get(kind=services.TASKS_DEADLINE_KIND, object_id=booking.pk)
        assert timezone.localtime(deadline.due_at).date() == monday() - timedelta(days=10)
        services.assessment_move(assessment=booking, starts_at=at(monday(10)), acting_user=None)
        open_deadline = Deadline.objects.get(
            kind=services.TASKS_DEADLINE_KIND, object_id=booking.pk, state=DeadlineState.OPEN
        )
        assert timezone.localtime(open_deadline.due_at).date() == monday(10) - timedelta(days=10)
        services.assessment_cancel(assessment=booking, acting_user=None, reason="Candidate ill")
        assert not Deadline.objects.filter(
            kind=services.TASKS_DEADLINE_KIND, object_id=booking.pk, state=DeadlineState.OPEN
        ).exists()

    def test_asr9_a_declared_conflict_keeps_the_assessor_away(self, rpa_a: RPA) -> None:
        candidate = ready_candidate(rpa=rpa_a)
        by_school, by_pop = AssessorFactory(rpa=rpa_a), AssessorFactory(rpa=rpa_a)
        services.conflict_declare(assessor=by_school, school=candidate.school, reason="Governor there")
        services.conflict_declare(assessor=by_pop, pop=candidate.pop, reason="Tutors for them")
        proposals = {p.assessor.pk: p for p in assessor_proposals(candidate=candidate, day=monday())}
        assert "declared a connection with the candidate's school" in proposals[by_school.pk].reasons
        assert "declared a connection with the candidate's PoP" in proposals[by_pop.pk].reasons
        for assessor in (by_school, by_pop):
            with pytest.raises(ValidationError, match="declared a connection"):
                book(candidate, assessor)

    def test_an_unavailable_week_is_respected(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        services.unavailability_set(assessor=assessor, day=monday() + timedelta(days=3), reason="Holiday")
        with pytest.raises(ValidationError, match="unavailable that week"):
            book(ready_candidate(rpa=rpa_a), assessor)

    def test_asr5_risk1_other_rpas_assessors_who_opted_in_come_after_and_see_that_assessment_only(
        self, rpa_a: RPA, rpa_b: RPA
    ) -> None:
        candidate = ready_candidate(rpa=rpa_a)
        home = AssessorFactory(rpa=rpa_a, user__full_name="Zed Home")
        visitor = AssessorFactory(rpa=rpa_b, user__full_name="Amy Visitor")
        stranger = AssessorFactory(rpa=rpa_b, user__full_name="Bob Stranger")
        services.assessor_set_willing(assessor=visitor, rpas=[rpa_a, rpa_b])
        assert list(visitor.willing_rpas.all()) == [rpa_a]  # never their own
        ranked = [p.assessor.pk for p in assessor_proposals(candidate=candidate, day=monday())]
        assert ranked == [home.pk, visitor.pk]  # the stranger never opted in
        assert stranger.pk not in ranked
        with pytest.raises(ValidationError, match="does not assess for"):
            book(candidate, stranger)
        booking = book(candidate, visitor)
        assert booking.cross_rpa and booking.rpa == rpa_a
        other = book(ready_candidate(rpa=rpa_a), home)
        visible = restrict(Assessment.objects.all(), visitor.user, "view")
        assert list(visible) == [booking] and other not in visible
        services.assessment_cancel(assessment=booking, acting_user=None, reason="Rebooked")
        assert not restrict(Assessment.objects.all(), visitor.user, "view").exists()
        # The RPA's own assessor reaches their booking while it is booked, and not once it is cancelled.
        Membership.objects.create(user=home.user, role=Role.ASSESSOR, rpa=rpa_a)
        assert list(restrict(Assessment.objects.all(), home.user, "view")) == [other]
        services.assessment_cancel(assessment=other, acting_user=None, reason="Candidate withdrew")
        assert not restrict(Assessment.objects.all(), home.user, "view").exists()

    def test_reg8_the_adjustments_go_to_the_allocated_assessor(self, rpa_a: RPA) -> None:
        candidate = ready_candidate(rpa=rpa_a)
        DisabilityDisclosureFactory(candidate=candidate, adjustments_made="Questions given in writing")
        booking = book(candidate, AssessorFactory(rpa=rpa_a))
        assert booking.adjustments == "Questions given in writing"

    def test_one_booked_assessment_per_candidate(self, rpa_a: RPA) -> None:
        candidate = ready_candidate(rpa=rpa_a)
        book(candidate, AssessorFactory(rpa=rpa_a))
        with pytest.raises(ValidationError, match="already has a booked assessment"):
            book(candidate, AssessorFactory(rpa=rpa_a))


class TestWeeklyCap:
    def test_asr6_a_sixth_needs_an_override_with_a_reason_recorded_on_that_booking(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        first = book(ready_candidate(rpa=rpa_a), assessor)
        others = [book(ready_candidate(rpa=rpa_a), assessor, monday() + timedelta(days=n)) for n in range(1, 5)]
        assert all(not b.cap_override_reason for b in [first, *others])
        candidate = ready_candidate(rpa=rpa_a)
        with pytest.raises(ValidationError) as error:
            book(candidate, assessor, monday() + timedelta(days=6))  # Sunday: the same week
        assert "already has 5 assessments" in error.value.message_dict["cap_override_reason"][0]
        sixth = book(candidate, assessor, monday() + timedelta(days=6), cap_override_reason="Cohort deadline")
        assert sixth.cap_override_reason == "Cohort deadline"
        assert weeks_over_cap() == [(assessor.pk, monday(), 6, 1)]
        # Next Monday is another week.
        assert not book(ready_candidate(rpa=rpa_a), assessor, monday() + timedelta(days=7)).cap_override_reason

    def test_asr6_cancelling_frees_a_slot_and_moving_into_a_full_week_is_refused(self, rpa_a: RPA) -> None:
        assessor = AssessorFactory(rpa=rpa_a)
        bookings = [book(ready_candidate(rpa=rpa_a), assessor) for _ in range(WEEKLY_CAP)]
        elsewhere = book(ready_candidate(rpa=rpa_a), assessor, monday(9))
        with pytest.raises(ValidationError, match="the limit is 5"):
            services.assessment_move(assessment=elsewhere, starts_at=at(monday() + timedelta(days=2)), acting_user=None)
        services.assessment_cancel(assessment=bookings[0], acting_user=None, reason="Withdrawn")
        moved = services.assessment_move(
            assessment=elsewhere, starts_at=at(monday() + timedelta(days=2)), acting_user=None
        )
        assert moved.week_start == monday() and not moved.cap_override_reason
        # Moving within its own week never counts itself twice.
        services.assessment_move(assessment=moved, starts_at=at(monday() + timedelta(days=4), 14), acting_user=None)
        assert weeks_over_cap() == []


def test_the_register_shows_experience_held_and_to_come(rpa_a: RPA) -> None:
    from assessments.factories import AssessmentFactory
    from assessments.selectors import assessor_experience

    assessor = AssessorFactory(rpa=rpa_a)
    AssessmentFactory(assessor=assessor, rpa=rpa_a, starts_at=at(timezone.localdate() - timedelta(days=30)))
    AssessmentFactory(assessor=assessor, rpa=rpa_a)  # 40 days ahead
    AssessmentFactory(assessor=assessor, rpa=rpa_a, state=AssessmentState.CANCELLED)
    assert assessor_experience(assessor=assessor) == {"held": 1, "coming": 1}
