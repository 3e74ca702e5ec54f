"""The rules of enquiries and appeals (ENQ-1..ENQ-3, APP-1..APP-7), proven on the services and selectors."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from appeals.factories import appeal_for, candidate_user, enquiry_for, released_result, senior_of
from appeals.models import (
    APPEAL_ACKNOWLEDGE_KIND,
    APPEAL_OUTCOME_KIND,
    ENQUIRY_ACKNOWLEDGE_KIND,
    ENQUIRY_ANSWER_KIND,
    Appeal,
    AppealState,
    Enquiry,
    EnquiryMessage,
    EnquiryState,
    MessageDirection,
    PanelState,
    ReviewPanel,
)
from appeals.selectors import enquiry_sla_by_month, monitoring_figures, panel_choices
from appeals.services import (
    GROUNDS_EXPLAINED,
    THIRD_PARTY_REFUSAL,
    appeal_acknowledge,
    appeal_decide,
    appeal_make,
    appeal_refer,
    enquiry_acknowledge,
    enquiry_answer,
    monitoring_share,
    panel_convene,
    panel_decide,
)
from hnap.deadlines import deadline_sweep
from hnap.factories import ClosureDayFactory, MembershipFactory, UserFactory
from hnap.models import RPA, Deadline, DeadlineNotice, DeadlineState, NoticeKind, User
from hnap.roles import Role
from hnap.workdays import LONDON

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager_tasks")]


def london(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=LONDON)


def deadline_of(obj: Any, kind: str) -> Deadline:
    return Deadline.objects.get(kind=kind, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


# --- ENQ-1: acknowledged in 3 working days, answered in 10 ------------------------------------------------------


class TestEnquiryDeadlines:
    def test_enq1_an_enquiry_gets_a_reference_and_its_message_at_once(self, rpa_a: RPA) -> None:
        enquiry = enquiry_for(rpa_a, message="Where do I send my Level 2 certificate?")
        assert enquiry.reference.startswith("ENQ-") and enquiry.reference.endswith(f"{enquiry.pk:06d}")
        message = EnquiryMessage.objects.get(enquiry=enquiry)
        assert (message.direction, message.body) == (MessageDirection.IN, "Where do I send my Level 2 certificate?")

    def test_enq1_deadlines_skip_a_weekend_and_the_easter_bank_holidays(self, rpa_a: RPA) -> None:
        """Received Thursday 25 March 2027: Good Friday (26th) and Easter Monday (29th) and the weekend between are
        not working days, so the acknowledgement is due Thursday 1 April and the answer Monday 12 April."""
        enquiry = enquiry_for(rpa_a, received_at=london(date(2027, 3, 25)))
        assert timezone.localtime(enquiry.acknowledge_due_at, LONDON).date() == date(2027, 4, 1)
        assert timezone.localtime(enquiry.answer_due_at, LONDON).date() == date(2027, 4, 12)
        ack = deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND)
        answer = deadline_of(enquiry, ENQUIRY_ANSWER_KIND)
        assert (ack.working_days, ack.due_at) == (3, enquiry.acknowledge_due_at)
        assert (answer.working_days, answer.due_at) == (10, enquiry.answer_due_at)

    def test_enq1_received_on_a_friday_before_the_christmas_bank_holidays(self, rpa_a: RPA) -> None:
        """Received Wednesday 23 December 2026: Christmas Day (Friday) and the Boxing Day substitute (Monday 28th)
        and the weekend are skipped: acknowledgement due Wednesday 30 December."""
        enquiry = enquiry_for(rpa_a, received_at=london(date(2026, 12, 23)))
        assert timezone.localtime(enquiry.acknowledge_due_at, LONDON).date() == date(2026, 12, 30)

    def test_enq1_an_rpa_closure_day_moves_its_deadlines(self, rpa_a: RPA, rpa_b: RPA) -> None:
        ClosureDayFactory(rpa=rpa_a, day=date(2027, 4, 1), reason="Staff training")
        enquiry = enquiry_for(rpa_a, received_at=london(date(2027, 3, 25)))
        other = enquiry_for(rpa_b, received_at=london(date(2027, 3, 25)))
        assert timezone.localtime(enquiry.acknowledge_due_at, LONDON).date() == date(2027, 4, 2)
        assert timezone.localtime(other.acknowledge_due_at, LONDON).date() == date(2027, 4, 1)

    def test_enq1_acknowledging_and_answering_meet_the_deadlines_and_keep_the_messages(self, rpa_a: RPA) -> None:
        officer = UserFactory()
        enquiry = enquiry_for(rpa_a, email="head@school.example.org")
        enquiry_acknowledge(enquiry=enquiry, message="Thank you, we will reply within 10 working days.",
                            acting_user=officer)  # fmt: skip
        assert deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND).state == DeadlineState.MET
        assert deadline_of(enquiry, ENQUIRY_ANSWER_KIND).state == DeadlineState.OPEN
        enquiry_answer(enquiry=enquiry, message="The next window opens on 4 May.", acting_user=officer)
        enquiry.refresh_from_db()
        assert enquiry.state == EnquiryState.ANSWERED and enquiry.answered_at is not None
        assert deadline_of(enquiry, ENQUIRY_ANSWER_KIND).state == DeadlineState.MET
        directions = list(enquiry.messages.values_list("direction", flat=True))
        assert directions == ["in", "out", "out"]
        assert all(m.sent_to == "head@school.example.org" for m in enquiry.messages.filter(direction="out"))

    def test_enq1_answering_at_once_also_acknowledges(self, rpa_a: RPA) -> None:
        enquiry = enquiry_for(rpa_a)
        enquiry_answer(enquiry=enquiry, message="Here is the answer.", acting_user=None)
        enquiry.refresh_from_db()
        assert enquiry.acknowledged_at == enquiry.answered_at
        assert deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND).state == DeadlineState.MET

    def test_enq1_an_enquiry_without_a_way_to_reply_is_refused_and_nothing_is_kept(self, rpa_a: RPA) -> None:
        with pytest.raises(ValidationError) as refused:
            enquiry_for(rpa_a, email="", phone="")
        assert "email" in refused.value.message_dict
        assert not Enquiry.objects.exists() and not Deadline.objects.exists()

    def test_enq1_only_staff_log_email_and_phone_enquiries(self, rpa_a: RPA) -> None:
        with pytest.raises(ValidationError) as refused:
            enquiry_for(rpa_a, channel="phone")
        assert "channel" in refused.value.message_dict
        logged = enquiry_for(rpa_a, channel="phone", logged_by=UserFactory(), email="", phone="0161 000 0000")
        assert logged.channel == "phone"

    def test_enq1_an_answered_enquiry_cannot_be_answered_again(self, rpa_a: RPA) -> None:
        enquiry = enquiry_for(rpa_a)
        enquiry_answer(enquiry=enquiry, message="Done.", acting_user=None)
        with pytest.raises(ValidationError):
            enquiry_answer(enquiry=enquiry, message="Again.", acting_user=None)
        with pytest.raises(ValidationError):
            enquiry_acknowledge(enquiry=enquiry, message="Late.", acting_user=None)


# --- ENQ-3: enforced: reminders, escalation to the lead, never twice ---------------------------------------------


class TestEnquiryEnforcement:
    def test_enq3_a_neglected_enquiry_gets_one_reminder_then_one_escalation_to_the_lead(self, rpa_a: RPA) -> None:
        lead = UserFactory(email="lead@4s.example.org")
        RPA.objects.filter(pk=rpa_a.pk).update(lead=lead)
        enquiry = enquiry_for(rpa_a, received_at=london(date(2027, 3, 25)))
        ack = deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND)
        morning = ack.remind_at + timedelta(minutes=1)
        for _ in range(3):
            deadline_sweep(now=morning)
        assert list(DeadlineNotice.objects.filter(deadline=ack).values_list("kind", flat=True)) == ["reminder"]
        after = ack.due_at + timedelta(minutes=1)
        for _ in range(3):
            deadline_sweep(now=after)
        notices = DeadlineNotice.objects.filter(deadline=ack).order_by("created_at")
        assert [n.kind for n in notices] == [NoticeKind.REMINDER, NoticeKind.ESCALATION]
        assert notices.get(kind=NoticeKind.ESCALATION).recipient == lead
        ack.refresh_from_db()
        assert ack.state == DeadlineState.BREACHED
        assert [m.to for m in mail.outbox].count(["lead@4s.example.org"]) == 2

    def test_enq3_an_acknowledged_enquiry_is_not_chased_for_its_acknowledgement(self, rpa_a: RPA) -> None:
        enquiry = enquiry_for(rpa_a, received_at=london(date(2027, 3, 25)))
        enquiry_acknowledge(enquiry=enquiry, message="Received.", acting_user=None)
        ack = deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND)
        deadline_sweep(now=ack.due_at + timedelta(days=1))
        assert not DeadlineNotice.objects.filter(deadline=ack).exists()

    def test_enq3_a_late_acknowledgement_keeps_its_breach(self, rpa_a: RPA) -> None:
        enquiry = enquiry_for(rpa_a, received_at=london(date(2027, 3, 25)))
        ack = deadline_of(enquiry, ENQUIRY_ACKNOWLEDGE_KIND)
        deadline_sweep(now=ack.due_at + timedelta(minutes=1))
        enquiry_acknowledge(enquiry=enquiry, message="Sorry for the delay.", acting_user=None)
        ack.refresh_from_db()
        assert ack.state == DeadlineState.BREACHED and ack.met_at is not None

    def test_enq3_the_sla_dashboard_counts_on_time_and_late_by_month(self, rpa_a: RPA) -> None:
        march = [enquiry_for(rpa_a, received_at=london(date(2026, 3, d))) for d in (2, 3, 4, 5)]
        on_time, late, acknowledged_only, neglected = march

        def done(enquiry: Enquiry, *, ack: timedelta, answer: timedelta | None) -> None:
            Enquiry.objects.filter(pk=enquiry.pk).update(
                acknowledged_at=enquiry.acknowledge_due_at + ack,
                answered_at=None if answer is None else enquiry.answer_due_at + answer,
            )

        done(on_time, ack=-timedelta(days=2), answer=-timedelta(days=1))
        done(late, ack=timedelta(days=1), answer=timedelta(days=1))
        done(acknowledged_only, ack=-timedelta(hours=3), answer=None)
        april = enquiry_for(rpa_a, received_at=london(date(2026, 4, 1)))
        done(april, ack=-timedelta(days=1), answer=None)
        rows = enquiry_sla_by_month(enquiries=Enquiry.objects.filter(rpa=rpa_a), since=date(2026, 1, 1))
        assert [r.month for r in rows] == [date(2026, 3, 1), date(2026, 4, 1)]
        first = rows[0]
        # All four are past due: two acknowledged on time, one late, one never; one answered on time of four.
        assert neglected.acknowledged_at is None
        assert (first.received, first.acknowledge_counted, first.acknowledged_on_time) == (4, 4, 2)
        assert (first.answer_counted, first.answered_on_time) == (4, 1)
        assert (first.acknowledged_share, first.answered_share) == (50, 25)
        assert (rows[1].acknowledged_share, rows[1].answered_share) == (100, 0)


# --- APP-1, APP-3: only the candidate, only procedural grounds, refusals kept --------------------------------------


class TestMakingAnAppeal:
    def test_app1_the_candidate_appeals_through_their_own_sign_in(self, rpa_a: RPA) -> None:
        appeal = appeal_for(rpa_a)
        assert appeal.state == AppealState.RECEIVED and appeal.reference.startswith("APP-")
        assert appeal.made_by == "candidate" and appeal.logged_by is None
        assert deadline_of(appeal, APPEAL_ACKNOWLEDGE_KIND).working_days == 3

    def test_app1_staff_log_an_appeal_only_with_how_identity_was_confirmed(self, rpa_a: RPA) -> None:
        result = released_result(rpa_a)
        officer = UserFactory()
        with pytest.raises(ValidationError) as refused:
            appeal_make(result=result, ground="inconsistent", statement="S", evidence="E", acting_user=officer)
        assert "identity_check" in refused.value.message_dict
        assert not Appeal.objects.exists()
        appeal = appeal_make(
            result=result, ground="inconsistent", statement="S", evidence="E", acting_user=officer,
            identity_check="Phoned the candidate on the number we hold; date of birth and reference confirmed.",
        )  # fmt: skip
        assert appeal.state == AppealState.RECEIVED and appeal.logged_by == officer
        assert "date of birth" in appeal.identity_check

    def test_app1_an_appeal_made_on_the_candidates_behalf_is_refused_and_kept(
        self, rpa_a: RPA, django_capture_on_commit_callbacks: Any
    ) -> None:
        result = released_result(rpa_a)
        with django_capture_on_commit_callbacks(execute=True):
            appeal = appeal_make(
                result=result, ground="improper", statement="My colleague was treated unfairly.", evidence="E",
                acting_user=UserFactory(), made_by="third_party", made_by_name="Mrs Head, headteacher",
            )  # fmt: skip
        assert appeal.state == AppealState.REFUSED and appeal.refusal_reason == THIRD_PARTY_REFUSAL
        assert appeal.made_by_name == "Mrs Head, headteacher"
        assert not Deadline.objects.filter(object_id=appeal.pk, kind=APPEAL_ACKNOWLEDGE_KIND).exists()
        assert Appeal.objects.filter(pk=appeal.pk).exists()
        told = [m for m in mail.outbox if "cannot be considered" in m.subject]
        assert len(told) == 1 and "Only the candidate can appeal" in told[0].body

    def test_app3_an_appeal_against_academic_judgement_alone_is_refused_with_the_grounds(self, rpa_a: RPA) -> None:
        appeal = appeal_for(rpa_a, ground="academic", evidence="")
        assert appeal.state == AppealState.REFUSED and appeal.refusal_reason == GROUNDS_EXPLAINED
        assert "inconsistent with the HLTA Code of Practice" in appeal.refusal_reason

    def test_app3_a_procedural_ground_needs_its_evidence(self, rpa_a: RPA) -> None:
        with pytest.raises(ValidationError) as refused:
            appeal_for(rpa_a, evidence="  ")
        assert "evidence" in refused.value.message_dict

    def test_app1_no_appeal_against_a_result_not_yet_released(self, rpa_a: RPA) -> None:
        result = released_result(rpa_a)
        type(result).objects.filter(pk=result.pk).update(released_at=None)
        with pytest.raises(ValidationError):
            appeal_make(result=result, ground="improper", statement="S", evidence="E",
                        acting_user=result.candidate.user)  # fmt: skip


# --- APP-4: acknowledged with the time it takes; outcome in writing with how to refer ------------------------------


class TestConsideringAnAppeal:
    def test_app4_acknowledgement_states_the_time_and_sets_the_outcome_deadline(
        self, rpa_a: RPA, django_capture_on_commit_callbacks: Any
    ) -> None:
        appeal = appeal_for(rpa_a)
        with django_capture_on_commit_callbacks(execute=True):
            appeal_acknowledge(appeal=appeal, working_days=20, acting_user=UserFactory())
        appeal.refresh_from_db()
        assert appeal.state == AppealState.ACKNOWLEDGED and appeal.letter_path
        expected = appeal.acknowledged_at.date()
        assert appeal.consider_by > expected
        assert deadline_of(appeal, APPEAL_ACKNOWLEDGE_KIND).state == DeadlineState.MET
        outcome = deadline_of(appeal, APPEAL_OUTCOME_KIND)
        assert timezone.localtime(outcome.due_at, LONDON).date() == appeal.consider_by
        letter = mail.outbox[-1]
        assert letter.to == [appeal.candidate.email]
        assert letter.attachments[0][2] == "application/pdf" and letter.attachments[0][1].startswith(b"%PDF")
        assert (
            appeal.consider_by.strftime("%-d %B %Y") in letter.body or appeal.consider_by.strftime("%B") in letter.body
        )

    def test_app4_the_consideration_time_counts_working_days_over_a_bank_holiday(self, rpa_a: RPA) -> None:
        from appeals.services import appeal_consider_by

        # Thursday 25 March 2027 + 5 working days: Good Friday, the weekend and Easter Monday skipped: Monday 5 April.
        assert appeal_consider_by(rpa_id=rpa_a.pk, working_days=5, start=date(2027, 3, 25)) == date(2027, 4, 5)

    def test_app4_the_written_outcome_explains_the_referral_to_the_partnership(
        self, rpa_a: RPA, django_capture_on_commit_callbacks: Any
    ) -> None:
        appeal = appeal_for(rpa_a)
        with pytest.raises(ValidationError):
            appeal_decide(appeal=appeal, decision="not_upheld", reasons="x", acting_user=None)  # not acknowledged
        appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
        with pytest.raises(ValidationError) as refused:
            appeal_decide(appeal=appeal, decision="not_upheld", reasons="", acting_user=None)
        assert "reasons" in refused.value.message_dict
        with django_capture_on_commit_callbacks(execute=True):
            appeal_decide(appeal=appeal, decision="not_upheld", reasons="The meeting lasted 55 minutes.",
                          acting_user=None)  # fmt: skip
        appeal.refresh_from_db()
        assert appeal.state == AppealState.DECIDED
        assert deadline_of(appeal, APPEAL_OUTCOME_KIND).state == DeadlineState.MET
        outcome = mail.outbox[-1]
        assert "Not upheld" in outcome.body and "The meeting lasted 55 minutes." in outcome.body
        assert "refer your case to the HLTA National Assessment Partnership" in outcome.body


# --- APP-6, APP-7: referral, valid panels only, the case seen only while the panel sits ----------------------------


def _decided(rpa: RPA) -> Appeal:
    appeal = appeal_for(rpa)
    appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
    return appeal_decide(appeal=appeal, decision="not_upheld", reasons="No procedural fault.", acting_user=None)


class TestReviewPanels:
    def test_app6_only_the_candidate_refers_and_only_after_the_outcome(self, rpa_a: RPA) -> None:
        appeal = appeal_for(rpa_a)
        with pytest.raises(ValidationError):
            appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)
        appeal = _decided(rpa_a)
        with pytest.raises(ValidationError):
            appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=UserFactory())
        referral = appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)
        appeal.refresh_from_db()
        assert appeal.state == AppealState.REFERRED and referral.rpa_id == rpa_a.pk

    def test_app6_only_people_of_two_other_rpas_are_offered_and_accepted(
        self, rpa_a: RPA, rpa_b: RPA, rpa_c: RPA
    ) -> None:
        appeal = _decided(rpa_a)
        referral = appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)
        own = senior_of(rpa_a, full_name="Own Senior")
        b_one, b_two, c_one = senior_of(rpa_b), senior_of(rpa_b), senior_of(rpa_c)
        both = senior_of(rpa_b)
        MembershipFactory(user=both, role=Role.ASSESSOR, rpa=rpa_a, pop=None)  # also works for the candidate's RPA
        plain = UserFactory()
        MembershipFactory(user=plain, role=Role.ASSESSOR, rpa=rpa_c, pop=None)
        offered = {user.pk for user, _ in panel_choices(rpa_id=rpa_a.pk)}
        assert {b_one.pk, b_two.pk, c_one.pk} <= offered
        assert not offered & {own.pk, both.pk, plain.pk}
        for one, two, field in (
            (b_one, b_two, "member_two"),  # the same RPA twice
            (own, c_one, "member_one"),  # the candidate's RPA
            (both, c_one, "member_one"),  # holds a role in the candidate's RPA
            (plain, b_one, "member_one"),  # not a senior assessor or named person
            (b_one, b_one, "member_two"),  # one person twice
        ):
            with pytest.raises(ValidationError) as refused:
                panel_convene(referral=referral, member_one=one, member_two=two, acting_user=None)
            assert field in refused.value.message_dict, (one, two)
        assert not ReviewPanel.objects.exists()
        panel = panel_convene(referral=referral, member_one=b_one, member_two=c_one, acting_user=None)
        assert {panel.member_one_rpa_id, panel.member_two_rpa_id} == {rpa_b.pk, rpa_c.pk}
        with pytest.raises(ValidationError):
            panel_convene(referral=referral, member_one=b_two, member_two=c_one, acting_user=None)

    def test_app6_the_database_refuses_a_panel_from_the_candidates_rpa(self, rpa_a: RPA, rpa_b: RPA) -> None:
        appeal = _decided(rpa_a)
        referral = appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)
        with pytest.raises(IntegrityError), transaction.atomic():
            ReviewPanel.objects.create(
                rpa=rpa_a, referral=referral, member_one=senior_of(rpa_a), member_one_rpa=rpa_a,
                member_two=senior_of(rpa_b), member_two_rpa=rpa_b,
            )  # fmt: skip

    def test_app7_panel_members_see_that_one_case_while_the_panel_sits(
        self, rpa_a: RPA, rpa_b: RPA, rpa_c: RPA
    ) -> None:
        appeal, other = _decided(rpa_a), _decided(rpa_a)
        referral = appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)
        one, two = senior_of(rpa_b), senior_of(rpa_c)
        panel = panel_convene(referral=referral, member_one=one, member_two=two, acting_user=None)
        for member in (one, two):
            assert list(Appeal.objects.restrict(member, "view")) == [appeal]
            assert list(ReviewPanel.objects.restrict(member, "change")) == [panel]
        assert not Appeal.objects.restrict(one, "view").filter(pk=other.pk).exists()
        with pytest.raises(ValidationError):
            panel_decide(panel=panel, decision="dismiss", reasons="x", acting_user=senior_of(rpa_b))
        panel_decide(panel=panel, decision="dismiss", reasons="The procedure was followed.", acting_user=two)
        panel.refresh_from_db()
        appeal.refresh_from_db()
        assert panel.state == PanelState.CLOSED and appeal.state == AppealState.REVIEWED
        for member in (one, two):
            member = User.objects.get(pk=member.pk)
            assert not Appeal.objects.restrict(member, "view").exists()
            assert not ReviewPanel.objects.restrict(member, "view").exists()
        with pytest.raises(ValidationError):
            panel_decide(panel=panel, decision="uphold", reasons="Again.", acting_user=one)


# --- APP-5: monitoring, shared with the Partnership as aggregates -----------------------------------------------


class TestMonitoring:
    def test_app5_numbers_nature_and_outcomes_by_rpa_and_month(self, rpa_a: RPA, rpa_b: RPA) -> None:
        year = timezone.localdate().year
        enquiry_for(rpa_a, nature="payment")
        enquiry_for(rpa_a, nature="payment")
        enquiry_for(rpa_b, nature="results")
        appeal_for(rpa_a, ground="academic", evidence="")
        _decided(rpa_a)
        rows = monitoring_figures(
            enquiries=Enquiry.objects.filter(rpa=rpa_a), appeals=Appeal.objects.filter(rpa=rpa_a), year=year
        )
        month = f"{timezone.localdate():%Y-%m}"
        as_tuples = {(r["kind"], r["nature"][:12], r["outcome"][:7], r["count"]) for r in rows}
        assert ("enquiry", "Fees and pay", "Receive", 2) in as_tuples
        assert ("appeal", "I disagree w", "Refused", 1) in as_tuples
        assert ("appeal", "The RPA used", "Not uph", 1) in as_tuples
        assert {r["rpa"] for r in rows} == {rpa_a.name} and {r["month"] for r in rows} == {month}
        assert not any(key in r for r in rows for key in ("name", "email", "candidate", "statement"))

    def test_app5_a_share_holds_counts_only(self, rpa_a: RPA) -> None:
        enquiry_for(rpa_a, name="Private Person", email="private@example.org")
        share = monitoring_share(rpa=rpa_a, year=timezone.localdate().year, note="Annual request", acting_user=None)
        assert share.figures and "private" not in str(share.figures).lower()
        with pytest.raises(ValidationError):
            monitoring_share(rpa=rpa_a, year=timezone.localdate().year + 1, note="", acting_user=None)


def test_app1_candidate_user_helper_makes_a_candidate(rpa_a: RPA) -> None:
    """The builders used across these tests make what they say (a candidate member of the RPA)."""
    user = candidate_user(rpa_a)
    assert user.memberships.get().role == Role.CANDIDATE
