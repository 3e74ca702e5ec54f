"""Moderation rules proven on the services and selectors (MOD-1..MOD-12, PEER-1..PEER-4, ASR-2, ASR-7, ASR-8,
SCR-3); the pages and the API call these same services."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assessments import file_services as fs
from assessments.factories import AssessorFactory, QualityActionFactory
from assessments.models import (
    AssessmentFile,
    AssessorStatus,
    ConfirmedVia,
    FileState,
    QualityAction,
    QualityActionKind,
    Result,
)
from assessments.selectors import assessor_proposals
from candidates.factories import CandidateFactory
from hnap.deadlines import deadline_sweep
from hnap.factories import UserFactory
from hnap.grants import grant_object_access
from hnap.models import (
    RPA,
    Deadline,
    DeadlineState,
    HLTAStandard,
    Membership,
    NationalSampledStandards,
    Notification,
    User,
)
from hnap.roles import Action, Role
from hnap.workdays import calendar_for
from moderation import services as ms
from moderation.factories import ModerationEventFactory, PeerReviewPairingFactory, last_month
from moderation.models import (
    JOINT_REPORT_DEADLINE_KIND,
    AssessorFeedback,
    DecisionState,
    EventState,
    JointReport,
    ModerationEvent,
    Moderator,
    ReviewOutcome,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
    SampleOrigin,
    SampleReason,
    Verdict,
)
from moderation.selectors import (
    coverage_for_year,
    draw_reproduce,
    event_close_preview,
    event_cohort,
    event_coverage_proposals,
    event_summary,
)
from tests.moderation.conftest import make_cohort_file

pytestmark = pytest.mark.django_db


def agree(entry: SampleEntry, *, disagree: tuple[int, ...] = ()) -> dict[str, dict[str, Any]]:
    """Judgements on every moderated standard of the entry: agree, except `disagree` (with a note)."""
    return {
        str(n): {"agree": n not in disagree, "note": "" if n not in disagree else "The summary does not show it."}
        for n in entry.standards
    }


def endorse(entry: SampleEntry, user: User) -> Any:
    return ms.decision_record(entry=entry, acting_user=user, verdict=Verdict.ENDORSE, judgements=agree(entry))


def entry_of(event: ModerationEvent, file: AssessmentFile) -> SampleEntry:
    return SampleEntry.objects.get(event=event, file=file)


def opened(event: ModerationEvent) -> ModerationEvent:
    return ms.event_open(event=event, acting_user=None)


def reviewing(event: ModerationEvent) -> ModerationEvent:
    return ms.peer_review_open(event=opened(event), acting_user=None)


class TestEvents:
    def test_mod1_one_event_per_rpa_and_month_held_after_the_month_starts(self, rpa_a: RPA) -> None:
        month = last_month()
        ms.event_plan(rpa=rpa_a, month=month + timedelta(days=9), held_on=timezone.localdate(), acting_user=None)
        with pytest.raises(ValidationError) as twice:
            ms.event_plan(rpa=rpa_a, month=month, held_on=timezone.localdate(), acting_user=None)
        assert "already has an event" in twice.value.message_dict["month"][0]
        with pytest.raises(ValidationError) as early:
            ms.event_plan(rpa=rpa_a, month=timezone.localdate(), held_on=month, acting_user=None)
        assert "held_on" in early.value.message_dict

    def test_mod1_an_event_opens_only_once_its_month_has_ended(self, rpa_a: RPA) -> None:
        this_month = ModerationEventFactory(rpa=rpa_a, month=timezone.localdate().replace(day=1))
        with pytest.raises(ValidationError, match="has not ended yet"):
            ms.event_open(event=this_month, acting_user=None)
        assert ModerationEvent.objects.get(pk=this_month.pk).state == EventState.PLANNED

    def test_mod1_scr1_the_cohort_is_the_cycles_files_that_can_be_moderated(self, event: ModerationEvent) -> None:
        accepted = make_cohort_file()
        submitted = make_cohort_file(state=FileState.SUBMITTED)
        returned = make_cohort_file(state=FileState.RETURNED, was_returned=True)
        resubmitted_unscrutinised = make_cohort_file(state=FileState.SUBMITTED, was_returned=True)
        this_month = make_cohort_file(month=timezone.localdate().replace(day=1))
        carried = make_cohort_file(month=last_month() - timedelta(days=40))
        other_rpa = make_cohort_file(rpa=RPA.objects.get(slug="hlta-north"))
        cohort = set(event_cohort(event=event))
        assert {accepted, submitted, carried} <= cohort
        assert not {returned, resubmitted_unscrutinised, this_month, other_rpa} & cohort


class TestModerators:
    def test_mod2_a_moderator_is_an_active_assessor_of_the_rpa(self, rpa_a: RPA) -> None:
        trainee = AssessorFactory(rpa=rpa_a, status=AssessorStatus.IN_TRAINING)
        with pytest.raises(ValidationError) as refusal:
            ms.moderator_nominate(rpa=rpa_a, user=trainee.user, acting_user=None)
        assert "experienced assessor" in refusal.value.message_dict["user"][0]
        assessor = AssessorFactory(rpa=rpa_a)
        moderator = ms.moderator_nominate(rpa=rpa_a, user=assessor.user, acting_user=None)
        assert not moderator.is_confirmed
        assert Membership.objects.filter(user=assessor.user, role=Role.MODERATOR, rpa=rpa_a).exists()

    def test_mod2_competence_is_confirmed_only_by_a_senior_moderator(
        self, rpa_a: RPA, make_moderator: Callable[..., Moderator]
    ) -> None:
        trainee = make_moderator(rpa_a, confirmed_at=None)
        colleague = make_moderator(rpa_a)
        senior = make_moderator(rpa_a, is_senior=True, confirmed_at=None)
        with pytest.raises(ValidationError, match="senior moderator"):
            ms.moderator_confirm(moderator=trainee, acting_user=colleague.user, note="Two trials")
        with pytest.raises(ValidationError) as no_note:
            ms.moderator_confirm(moderator=trainee, acting_user=senior.user, note=" ")
        assert "note" in no_note.value.message_dict
        confirmed = ms.moderator_confirm(moderator=trainee, acting_user=senior.user, note="Two trial moderations")
        assert confirmed.is_confirmed and confirmed.confirmed_by == senior.user

    def test_mod1_a_stood_down_moderator_records_no_decision(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        ms.moderator_set_active(moderator=moderator, active=False, acting_user=None)
        with pytest.raises(ValidationError, match="Only a moderator nominated"):
            endorse(entry_of(event, file), moderator.user)

    def test_mod2_an_unconfirmed_moderator_cannot_decide_alone(
        self, event: ModerationEvent, make_moderator: Callable[..., Moderator], second_moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        trainee = make_moderator(event.rpa, confirmed_at=None)
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry, acting_user=trainee.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
        )
        assert decision.state == DecisionState.AWAITING_SECOND
        assert not Result.objects.filter(file=file).exists()
        other_trainee = make_moderator(event.rpa, confirmed_at=None)
        with pytest.raises(ValidationError, match="competence is confirmed"):
            ms.decision_second_review(decision=decision, acting_user=other_trainee.user, agrees=True)
        decision = ms.decision_second_review(decision=decision, acting_user=second_moderator.user, agrees=True)
        assert decision.state == DecisionState.CONFIRMED
        assert Result.objects.get(file=file).outcome == "not_met"


class TestSample:
    def test_mod3_asr2_scr3_every_file_that_must_be_moderated_is_sampled_with_its_reasons(
        self, event: ModerationEvent, rpa_a: RPA
    ) -> None:
        not_met = make_cohort_file(outcome="not_met")
        partial = make_cohort_file(outcome="partial")
        full = make_cohort_file(outcome="full")
        resubmitted = make_cohort_file(resubmitted=True)
        difficult = make_cohort_file(flagged_difficult=True)
        principle = make_cohort_file(flagged_principle=True)
        first_solo = make_cohort_file(first_solo=True)
        met = [make_cohort_file() for _ in range(3)]
        # A full reassessment: the candidate's earlier result was "full".
        earlier = make_cohort_file(outcome="full", month=last_month() - timedelta(days=60))
        fs.result_confirm(file=earlier, via=ConfirmedVia.MODERATION, acting_user=None, outcome="full")
        reassessment = make_cohort_file(is_reassessment=True)
        AssessmentFile.objects.filter(pk=reassessment.pk).update(candidate=earlier.candidate)
        opened(event)
        reasons = {e.file_id: e.reasons for e in SampleEntry.objects.filter(event=event)}
        assert reasons[not_met.pk] == [SampleReason.NOT_MET]
        assert reasons[partial.pk] == [SampleReason.PARTIAL]
        assert reasons[full.pk] == [SampleReason.FULL_REASSESSMENT]
        assert reasons[resubmitted.pk] == [SampleReason.RESUBMITTED]
        assert reasons[difficult.pk] == [SampleReason.DIFFICULT]
        assert reasons[principle.pk] == [SampleReason.PRINCIPLE]
        assert reasons[first_solo.pk] == [SampleReason.FIRST_SOLO]
        assert reasons[reassessment.pk] == [SampleReason.FULL_REASSESSMENT]
        assert not {m.pk for m in met} & set(reasons)
        assert all(e.origin == SampleOrigin.MANDATORY for e in SampleEntry.objects.filter(event=event))

    def test_mod3_the_peer_reviewer_draws_5_percent_of_met_files_rounded_up_reproducibly(
        self, event: ModerationEvent, peer: tuple[User, User], moderator: Moderator
    ) -> None:
        met = [make_cohort_file() for _ in range(21)]
        make_cohort_file(outcome="not_met")
        event = opened(event)
        reviewer, deputy = peer
        with pytest.raises(ValidationError, match="Open the peer review first"):
            ms.sample_draw(event=event, acting_user=reviewer)
        ms.peer_review_open(event=event, acting_user=None)
        with pytest.raises(ValidationError, match="peer reviewer or their deputy"):
            ms.sample_draw(event=event, acting_user=moderator.user)
        draw = ms.sample_draw(event=event, acting_user=deputy, seed=20261105)
        assert len(draw.drawn) == 2  # 5% of 21 is 1.05: rounded up
        assert draw.population == sorted(f.pk for f in met)
        assert draw.drawn_by == deputy and draw.seed == 20261105
        assert draw_reproduce(draw=draw) == draw.drawn
        random_entries = SampleEntry.objects.filter(event=event, origin=SampleOrigin.RANDOM)
        assert sorted(e.file_id for e in random_entries) == sorted(draw.drawn)
        assert all(e.reasons == [SampleReason.RANDOM] for e in random_entries)
        with pytest.raises(ValidationError, match="already been drawn"):
            ms.sample_draw(event=event, acting_user=reviewer)
        assert SampleDraw.objects.count() == 1

    def test_mod3_a_drawn_file_already_sampled_keeps_its_reasons_and_gains_random(
        self, event: ModerationEvent, peer: tuple[User, User]
    ) -> None:
        first_solo = make_cohort_file(first_solo=True)  # met, and mandatory
        event = reviewing(event)
        draw = ms.sample_draw(event=event, acting_user=peer[0], seed=1)
        assert draw.drawn == [first_solo.pk]
        assert entry_of(event, first_solo).reasons == [SampleReason.FIRST_SOLO, SampleReason.RANDOM]

    def test_mod5_standards_moderated_are_the_insufficient_the_national_and_the_rpas_choices(
        self, event: ModerationEvent
    ) -> None:
        national = NationalSampledStandards.objects.create(month=event.month)
        national.standards.set(HLTAStandard.objects.filter(framework__is_default=True, number__in=[17, 31]))
        file = make_cohort_file(outcome="not_met", insufficient=(4, 17))
        opened(event)
        entry = entry_of(event, file)
        assert entry.standards == [4, 17, 31]
        assert entry.standard_sources == {"4": ["insufficient"], "17": ["insufficient", "national"], "31": ["national"]}
        with pytest.raises(ValidationError) as wrong:
            ms.event_standards_set(event=event, standards=[2, 99], acting_user=None)
        assert "99" in wrong.value.message_dict["standards"][0]
        ms.event_standards_set(event=event, standards=[2, 4], acting_user=None)
        entry.refresh_from_db()
        assert entry.standards == [2, 4, 17, 31]
        assert entry.standard_sources["4"] == ["insufficient", "rpa"]


class TestCoverage:
    def test_mod4_coverage_shows_who_is_not_yet_sampled_and_proposes_files_to_close_the_gap(
        self, event: ModerationEvent, rpa_a: RPA
    ) -> None:
        seasoned, newcomer = AssessorFactory(rpa=rpa_a), AssessorFactory(rpa=rpa_a)
        # Earlier this year the seasoned assessor was sampled; the newcomer has not been.
        earlier_event = ModerationEventFactory(rpa=rpa_a, month=date(event.month.year, 1, 1), state=EventState.CLOSED)
        if earlier_event.month != event.month:
            earlier = make_cohort_file(assessor=seasoned, month=earlier_event.month, state=FileState.CLOSED)
            SampleEntry.objects.create(rpa=rpa_a, event=earlier_event, file=earlier, origin="mandatory")
        for _ in range(6):  # experience before the year: the seasoned assessor is not new
            make_cohort_file(assessor=seasoned, month=date(event.month.year - 1, 3, 1), state=FileState.CLOSED)
        mine = [make_cohort_file(assessor=seasoned) for _ in range(3)]
        theirs = make_cohort_file(assessor=newcomer)
        opened(event)
        coverage = coverage_for_year(rpa_id=rpa_a.pk, month=event.month)
        rows = {r.id: r for r in coverage.assessors}
        assert not rows[newcomer.pk].covered
        assert rows[newcomer.pk].weight >= 3 and "new assessor" in rows[newcomer.pk].why[0]
        assert coverage.events_left == 12 - event.month.month
        assert {r.id for r in coverage.uncovered_pops} == {f.candidate.pop_id for f in [*mine, theirs]} - (
            {earlier.candidate.pop_id} if earlier_event.month != event.month else set()
        )
        proposals = event_coverage_proposals(event=event)
        proposed = {p.file.pk: p for p in proposals}
        assert theirs.pk in proposed
        assert SampleReason.COVERAGE_ASSESSOR in proposed[theirs.pk].reasons
        # every PoP not yet covered gets a file
        assert {p.file.candidate.pop_id for p in proposals} >= {r.id for r in coverage.uncovered_pops}
        added = ms.sample_add_proposals(event=event, acting_user=None)
        assert {e.file_id for e in added} == set(proposed)
        assert all(e.origin == SampleOrigin.COVERAGE for e in added)

    def test_mod4_new_assessors_and_past_difficulties_weigh_more(self, event: ModerationEvent) -> None:
        seasoned, troubled, newcomer = (AssessorFactory(rpa=event.rpa) for _ in range(3))
        for assessor in (seasoned, troubled):
            for _ in range(6):
                make_cohort_file(assessor=assessor, month=date(event.month.year - 1, 3, 1), state=FileState.CLOSED)
        QualityActionFactory(assessor=troubled)
        QualityActionFactory(assessor=troubled)
        for assessor in (seasoned, troubled, newcomer):
            make_cohort_file(assessor=assessor)
        rows = {r.id: r for r in coverage_for_year(rpa_id=event.rpa_id, month=event.month).assessors}
        assert rows[seasoned.pk].weight == 0
        assert rows[troubled.pk].weight == 4 and rows[troubled.pk].why == ["2 quality actions"]
        assert rows[newcomer.pk].weight == 3 and rows[newcomer.pk].why == ["new assessor (0 files before this year)"]
        # The heaviest first among those not yet covered.
        assert [r.id for r in coverage_for_year(rpa_id=event.rpa_id, month=event.month).assessors][:2] == [
            troubled.pk,
            newcomer.pk,
        ]

    def test_mod4_a_coverage_file_must_be_in_the_cohort_and_not_sampled(self, event: ModerationEvent) -> None:
        file = make_cohort_file()
        outsider = make_cohort_file(month=timezone.localdate().replace(day=1))
        opened(event)
        with pytest.raises(ValidationError) as refusal:
            ms.sample_add(event=event, file=outsider, acting_user=None)
        assert "cohort" in refusal.value.message_dict["file"][0]
        entry = ms.sample_add(event=event, file=file, acting_user=None, reason=SampleReason.COVERAGE_POP)
        with pytest.raises(ValidationError):
            ms.sample_add(event=event, file=file, acting_user=None)
        ms.sample_entry_remove(entry=entry, acting_user=None)
        assert not SampleEntry.objects.filter(pk=entry.pk).exists()


class TestDecisions:
    def test_mod6_an_endorsement_confirms_the_recommended_outcome(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="partial", insufficient=(4,))
        opened(event)
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
        )
        assert decision.state == DecisionState.CONFIRMED
        result = Result.objects.get(file=file)
        assert (result.outcome, result.reassess_standards, result.confirmed_via) == ("partial", [4], "moderation")
        assert decision.result == result

    def test_mod6_every_moderated_standard_needs_a_judgement_and_a_disagreement_a_note(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met", insufficient=(4, 9))
        opened(event)
        entry = entry_of(event, file)
        with pytest.raises(ValidationError) as refusal:
            ms.decision_record(
                entry=entry,
                acting_user=moderator.user,
                verdict=Verdict.OVERTURN,
                judgements={"4": {"agree": False, "note": ""}},
                new_outcome="not_met",
            )
        errors = refusal.value.message_dict
        assert "Standard 4: say why you disagree" in errors["judgements"][0]
        assert "Standard 9: say whether you agree" in errors["judgements"][1]
        assert "another than the one recommended" in errors["new_outcome"][0]
        assert "reasons" in errors
        assert not Result.objects.exists()

    def test_mod6_an_overturn_takes_effect_only_after_a_second_moderator_agrees(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met", insufficient=(4, 9))
        opened(event)
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry,
            acting_user=moderator.user,
            verdict=Verdict.OVERTURN,
            judgements=agree(entry, disagree=(4,)),
            new_outcome="partial",
            reassess_standards=[9],
            reasons="Standard 4 is evidenced by task 3; only standard 9 lacks evidence.",
        )
        assert decision.state == DecisionState.AWAITING_SECOND and not Result.objects.exists()
        assert Notification.objects.filter(user=second_moderator.user, subject__contains="second moderator").exists()
        with pytest.raises(ValidationError, match="another moderator"):
            ms.decision_second_review(decision=decision, acting_user=moderator.user, agrees=True)
        decision = ms.decision_second_review(decision=decision, acting_user=second_moderator.user, agrees=True)
        result = Result.objects.get(file=file)
        assert (result.outcome, result.reassess_standards, result.confirmed_via) == ("partial", [9], "moderation")
        assert decision.state == DecisionState.CONFIRMED and decision.second_moderator == second_moderator
        assert decision.reasons.startswith("Standard 4 is evidenced")

    def test_mod6_a_second_moderator_who_disagrees_sets_the_decision_aside(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.OVERTURN, judgements=agree(entry),
            new_outcome="met", reasons="Enough evidence overall.",
        )  # fmt: skip
        with pytest.raises(ValidationError) as no_note:
            ms.decision_second_review(decision=decision, acting_user=second_moderator.user, agrees=False)
        assert "note" in no_note.value.message_dict
        decision = ms.decision_second_review(
            decision=decision, acting_user=second_moderator.user, agrees=False, note="Standard 4 is not evidenced."
        )
        assert decision.state == DecisionState.REJECTED and not Result.objects.exists()
        again = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
        )
        assert again.pk == decision.pk and again.state == DecisionState.CONFIRMED
        assert Result.objects.get(file=file).outcome == "not_met"

    def test_mod6_a_moderator_never_moderates_their_own_file(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="not_met", assessor=moderator.assessor)
        opened(event)
        entry = entry_of(event, file)
        with pytest.raises(ValidationError, match="never moderates a file they assessed"):
            ms.decision_record(
                entry=entry, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
            )

    def test_mod6_only_a_nominated_moderator_decides(
        self, event: ModerationEvent, make_member: Callable[..., User]
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        entry = entry_of(event, file)
        admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
        with pytest.raises(ValidationError, match="Only a moderator nominated"):
            endorse(entry, admin)

    def test_mod7_a_full_reassessment_flags_the_assessors_other_unconfirmed_files_review_pending(
        self,
        event: ModerationEvent,
        moderator: Moderator,
        second_moderator: Moderator,
        make_member: Callable[..., User],
    ) -> None:
        assessor = AssessorFactory(rpa=event.rpa)
        overturned = make_cohort_file(outcome="not_met", assessor=assessor)
        unsampled = make_cohort_file(assessor=assessor)
        later = make_cohort_file(assessor=assessor, month=timezone.localdate().replace(day=1))
        confirmed_before = make_cohort_file(assessor=assessor, month=last_month() - timedelta(days=40))
        fs.result_confirm(file=confirmed_before, via=ConfirmedVia.MODERATION, acting_user=None, outcome="met")
        someone_else = make_cohort_file()
        admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
        opened(event)
        entry = entry_of(event, overturned)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.OVERTURN, judgements=agree(entry),
            new_outcome="full", reasons="The interviews did not probe the standards.",
        )  # fmt: skip
        ms.decision_second_review(decision=decision, acting_user=second_moderator.user, agrees=True)
        flagged = set(ReviewPending.objects.filter(state=ReviewState.PENDING).values_list("file_id", flat=True))
        assert flagged == {unsampled.pk, later.pk}
        assert Notification.objects.filter(user=admin, subject__startswith="Review pending").exists()
        # Each needs a separate RPA review before its outcome can be confirmed.
        with pytest.raises(ValidationError, match="review pending"):
            fs.result_confirm(file=unsampled, via=ConfirmedVia.EVENT_CLOSED, acting_user=None)
        ms.event_close(event=event, acting_user=admin)
        assert not Result.objects.filter(file=unsampled).exists()
        assert Result.objects.filter(file=someone_else, confirmed_via=ConfirmedVia.EVENT_CLOSED).exists()
        assert event_summary(event=ModerationEvent.objects.get(pk=event.pk)).overturns == 1
        flag = ReviewPending.objects.get(file=unsampled)
        with pytest.raises(ValidationError) as refusal:
            ms.review_pending_resolve(flag=flag, acting_user=admin, outcome="", notes="")
        assert set(refusal.value.message_dict) == {"outcome", "notes"}
        with pytest.raises(ValidationError, match="administrators and senior assessors"):
            ms.review_pending_resolve(flag=flag, acting_user=moderator.user, outcome=ReviewOutcome.STANDS, notes="x")
        ms.review_pending_resolve(flag=flag, acting_user=admin, outcome=ReviewOutcome.STANDS, notes="Grid sound.")
        assert Result.objects.get(file=unsampled).confirmed_via == ConfirmedVia.EVENT_CLOSED

    def test_mod7_a_review_may_send_the_file_to_moderation(
        self, event: ModerationEvent, moderator: Moderator, make_member: Callable[..., User]
    ) -> None:
        file = make_cohort_file()
        cause = make_cohort_file(outcome="not_met")
        opened(event)
        entry = entry_of(event, cause)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
        )
        flag = ReviewPending.objects.create(rpa=event.rpa, file=file, caused_by=decision)
        added = ms.sample_add(event=event, file=file, acting_user=None)
        with pytest.raises(ValidationError, match="review pending"):
            ms.decision_record(
                entry=added, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(added)
            )
        added.delete()
        admin = make_member(Role.SENIOR_ASSESSOR, rpa=event.rpa)
        ms.review_pending_resolve(flag=flag, acting_user=admin, outcome=ReviewOutcome.MODERATE, notes="Look again.")
        assert entry_of(event, file).reasons == [SampleReason.REVIEW]
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.ENDORSE, judgements=agree(entry)
        )
        assert decision.result.outcome == "met"

    def test_mod8_records_lacking_returns_the_file_to_its_assessor_without_new_evidence(
        self, event: ModerationEvent, moderator: Moderator, rpa_a: RPA
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        entry = entry_of(event, file)
        ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.RECORDS_LACKING, judgements=agree(entry),
            reasons="The F13 record is two lines.",
        )  # fmt: skip
        file.refresh_from_db()
        assert (file.state, file.was_returned) == (FileState.RETURNED, True)
        assert Deadline.objects.filter(kind=fs.REVISION_DEADLINE_KIND, object_id=file.pk).exists()
        note = Notification.objects.get(user=file.assessor.user, subject__startswith="File returned")
        assert "records lacking" in note.body and "do not seek new evidence" in note.body
        with pytest.raises(ValidationError, match="no new documents"):
            fs.task_document_upload(
                file=file, kind="evidence", title="More", name="x.pdf", content=b"%PDF", acting_user=None
            )
        # The event can close without it; it comes back (as a resubmission) once revised and accepted.
        ms.event_close(event=event, acting_user=None)
        assert not Result.objects.filter(file=file).exists()
        AssessmentFile.objects.filter(pk=file.pk).update(state=FileState.ACCEPTED, resubmitted=True, version_count=2)
        next_event = ModerationEventFactory(rpa=rpa_a, month=timezone.localdate().replace(day=1))
        assert file in event_cohort(event=next_event)

    def test_mod8_process_lacking_requires_a_full_reassessment_by_another_assessor(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = make_cohort_file(outcome="met")
        other = AssessorFactory(rpa=event.rpa)
        opened(event)
        entry = ms.sample_add(event=event, file=file, acting_user=None)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.PROCESS_LACKING, judgements=agree(entry),
            reasons="No senior leader interview took place.",
        )  # fmt: skip
        assert decision.state == DecisionState.AWAITING_SECOND and decision.new_outcome == "full"
        ms.decision_second_review(decision=decision, acting_user=second_moderator.user, agrees=True)
        assert Result.objects.get(file=file).outcome == "full"
        proposals = {
            p.assessor.pk: p
            for p in assessor_proposals(candidate=file.candidate, day=timezone.localdate() + timedelta(days=30))
        }
        original = proposals[file.assessor_id]
        assert not original.eligible
        assert "process lacking (MOD-8)" in original.reasons[-1]
        assert proposals[other.pk].eligible
        # another candidate of the same assessor is not affected
        assert next(
            p
            for p in assessor_proposals(
                candidate=CandidateFactory(rpa=event.rpa), day=timezone.localdate() + timedelta(days=30)
            )
            if p.assessor.pk == file.assessor_id
        ).eligible


class TestClose:
    def test_mod12_the_event_closes_only_when_every_sampled_file_is_decided(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        undecided = make_cohort_file(outcome="not_met")
        opened(event)
        with pytest.raises(ValidationError, match="1 sampled file is still to be decided"):
            ms.event_close(event=event, acting_user=None)
        assert not Result.objects.exists()
        entry = entry_of(event, undecided)
        endorse(entry, moderator.user)
        ms.event_close(event=event, acting_user=None)
        assert ModerationEvent.objects.get(pk=event.pk).state == EventState.CLOSED

    def test_mod12_pay1_closing_confirms_unsampled_files_as_recommended_and_release_waits_for_payment(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        unsampled = [make_cohort_file(), make_cohort_file(state=FileState.SUBMITTED)]
        returned = make_cohort_file(state=FileState.RETURNED, was_returned=True)
        opened(event)
        closed = ms.event_close(event=event, acting_user=moderator.user)
        results = Result.objects.filter(file__in=unsampled)
        assert {r.confirmed_via for r in results} == {ConfirmedVia.EVENT_CLOSED} and results.count() == 2
        assert {r.outcome for r in results} == {"met"}
        assert not Result.objects.filter(file=returned).exists()
        assert closed.cohort_size == 2 and closed.closed_by == moderator.user
        # PAY-1: the candidates have not paid, so nothing is released.
        for result in results:
            assert fs.result_release(result=result) is False

    def test_mod12_a_file_sampled_later_joins_the_sample_at_close(self, event: ModerationEvent) -> None:
        opened(event)
        late = make_cohort_file(outcome="not_met")  # accepted at scrutiny after the event opened
        with pytest.raises(ValidationError, match="1 file that must be moderated joined the cohort"):
            ms.event_close(event=event, acting_user=None)
        assert [e.file for e in ms.sample_refresh(event=event, acting_user=None)] == [late]
        assert entry_of(event, late).reasons == [SampleReason.NOT_MET]
        with pytest.raises(ValidationError, match="still to be decided"):
            ms.event_close(event=event, acting_user=None)

    def test_mod12_mod7_mod8_the_close_preview_says_what_will_be_confirmed_and_what_stays_and_why(
        self, event: ModerationEvent, moderator: Moderator
    ) -> None:
        endorsed = make_cohort_file(outcome="not_met")
        waiting = make_cohort_file(outcome="partial")
        returned = make_cohort_file(outcome="not_met")
        undecided = make_cohort_file(flagged_principle=True)
        unsampled = make_cohort_file()
        pending = make_cohort_file()
        event = opened(event)
        decision = endorse(entry_of(event, endorsed), moderator.user)
        ReviewPending.objects.create(rpa=event.rpa, file=pending, caused_by=decision)
        entry = entry_of(event, waiting)
        ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.OVERTURN, judgements=agree(entry),
            new_outcome="met", reasons="Standard 4 is evidenced.",
        )  # fmt: skip
        entry = entry_of(event, returned)
        ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.RECORDS_LACKING, judgements=agree(entry),
            reasons="Records too thin.",
        )  # fmt: skip
        preview = event_close_preview(event=event)
        assert preview.confirm_sampled == [(endorsed, "Not met: insufficient evidence that all the standards are met")]
        assert preview.confirm_unsampled == [unsampled]
        why = {file.pk: reason for file, reason in preview.blocked}
        assert set(why) == {waiting.pk, returned.pk, undecided.pk, pending.pk}
        assert "second moderator" in why[waiting.pk] and "MOD-8" in why[returned.pk]
        assert why[undecided.pk] == "not yet decided" and "MOD-7" in why[pending.pk]


class TestPeerReview:
    def test_peer2_pairings_last_three_months_never_overlap_and_a_repeat_needs_confirming(
        self, rpa_a: RPA, rpa_b: RPA
    ) -> None:
        with pytest.raises(ValidationError) as itself:
            ms.pairing_set(rpa=rpa_a, reviewer_rpa=rpa_a, period_start=date(2027, 1, 15), acting_user=None)
        assert "reviewer_rpa" in itself.value.message_dict
        first = ms.pairing_set(rpa=rpa_a, reviewer_rpa=rpa_b, period_start=date(2027, 1, 15), acting_user=None)
        assert (first.period_start, first.period_end) == (date(2027, 1, 1), date(2027, 3, 31))
        with pytest.raises(ValidationError) as overlap:
            ms.pairing_set(rpa=rpa_a, reviewer_rpa=rpa_b, period_start=date(2027, 3, 1), acting_user=None)
        assert "overlap" in overlap.value.message_dict["period_start"][0]
        with pytest.raises(ValidationError) as repeat:
            ms.pairing_set(rpa=rpa_a, reviewer_rpa=rpa_b, period_start=date(2027, 4, 1), acting_user=None)
        assert "previous period" in repeat.value.message_dict["confirm_repeat"][0]
        northampton = RPA.objects.exclude(pk__in=[rpa_a.pk, rpa_b.pk]).first()
        assert ms.pairing_set(rpa=rpa_a, reviewer_rpa=northampton, period_start=date(2027, 4, 1), acting_user=None)
        assert ms.pairing_set(
            rpa=rpa_b, reviewer_rpa=rpa_a, period_start=date(2027, 4, 1), acting_user=None, confirm_repeat=True
        ).period_end == date(2027, 6, 30)

    def test_peer2_a_pairing_is_withdrawn_only_before_its_period_starts(self, rpa_a: RPA, rpa_b: RPA) -> None:
        started = PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
        with pytest.raises(ValidationError, match="has started"):
            ms.pairing_delete(pairing=started, acting_user=None)
        coming = ms.pairing_set(
            rpa=rpa_b, reviewer_rpa=rpa_a, period_start=timezone.localdate() + timedelta(days=40), acting_user=None
        )
        ms.pairing_delete(pairing=coming, acting_user=None)
        assert not type(coming).objects.filter(pk=coming.pk).exists()

    def test_peer1_the_nomination_is_fixed_once_the_review_opens(
        self, event: ModerationEvent, peer: tuple[User, User], make_member: Callable[..., User]
    ) -> None:
        reviewing(event)
        other = make_member(Role.ASSESSOR, rpa=peer[0].memberships.first().rpa)
        with pytest.raises(ValidationError, match="can no longer change"):
            ms.nomination_set(
                rpa=other.memberships.first().rpa, month=event.month, reviewer=other, deputy=peer[1], acting_user=None
            )

    def test_peer1_each_month_the_reviewing_rpa_names_a_peer_reviewer_and_a_deputy(
        self, rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User]
    ) -> None:
        month = last_month()
        reviewer = make_member(Role.ASSESSOR, rpa=rpa_b)
        deputy = make_member(Role.SENIOR_ASSESSOR, rpa=rpa_b)
        outsider = make_member(Role.ASSESSOR, rpa=rpa_a)
        with pytest.raises(ValidationError) as unpaired:
            ms.nomination_set(rpa=rpa_b, month=month, reviewer=reviewer, deputy=deputy, acting_user=None)
        assert "not paired" in unpaired.value.message_dict["month"][0]
        PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
        with pytest.raises(ValidationError) as wrong:
            ms.nomination_set(rpa=rpa_b, month=month, reviewer=outsider, deputy=outsider, acting_user=None)
        assert set(wrong.value.message_dict) == {"reviewer", "deputy"}
        nomination = ms.nomination_set(rpa=rpa_b, month=month, reviewer=reviewer, deputy=deputy, acting_user=None)
        assert (nomination.reviewed_rpa, nomination.reviewer, nomination.deputy) == (rpa_a, reviewer, deputy)
        event = opened(ModerationEventFactory(rpa=rpa_a, month=month))
        assert (event.peer_reviewer, event.peer_deputy, event.peer_rpa) == (reviewer, deputy, rpa_b)

    def test_peer4_the_peer_reviewer_sees_that_events_files_only_while_its_review_is_open(
        self, event: ModerationEvent, peer: tuple[User, User], moderator: Moderator
    ) -> None:
        sampled = make_cohort_file(outcome="not_met")
        unsampled = make_cohort_file()
        in_another_rpa = make_cohort_file(outcome="not_met", rpa=RPA.objects.get(slug="hlta-north"))
        reviewer, deputy = peer

        def seen(user: User, model: type) -> set[int]:
            user = User.objects.get(pk=user.pk)  # fresh: no cached memberships
            return set(model.objects.restrict(user, Action.VIEW).values_list("pk", flat=True))

        event = opened(event)
        assert seen(reviewer, AssessmentFile) == set()
        event = ms.peer_review_open(event=event, acting_user=None)
        assert seen(reviewer, AssessmentFile) == seen(deputy, AssessmentFile) == {sampled.pk}
        assert seen(reviewer, ModerationEvent) == {event.pk}
        assert seen(reviewer, SampleEntry) == set(SampleEntry.objects.filter(event=event).values_list("pk", flat=True))
        from assessments.models import FileVersion, TaskDocument

        assert seen(reviewer, FileVersion) == set(sampled.versions.values_list("pk", flat=True))
        assert unsampled.pk not in seen(reviewer, AssessmentFile)
        assert in_another_rpa.pk not in seen(reviewer, AssessmentFile)
        ms.sample_draw(event=event, acting_user=reviewer, seed=7)
        assert seen(reviewer, AssessmentFile) == {sampled.pk, unsampled.pk}  # the drawn file joins while open
        assert seen(reviewer, SampleDraw) == {event.draw.pk}
        entry = entry_of(event, sampled)
        endorse(entry, moderator.user)
        entry = entry_of(event, unsampled)
        endorse(entry, moderator.user)
        ms.event_close(event=event, acting_user=None)
        for model in (AssessmentFile, ModerationEvent, SampleEntry, FileVersion, TaskDocument, SampleDraw):
            assert seen(reviewer, model) == set(), model
            assert seen(deputy, model) == set(), model
        # What remains is the joint report, until it is submitted (PEER-3).
        assert seen(reviewer, JointReport) == {event.joint_report.pk}

    def test_peer4_closing_the_review_keeps_what_another_grant_gives(
        self, event: ModerationEvent, peer: tuple[User, User]
    ) -> None:
        file = make_cohort_file(outcome="not_met")
        reviewer = peer[0]
        # The reviewer also assesses this candidate's file for the RPA (a cross-RPA grant of its own, ASR-5).
        grant_object_access(user=reviewer, obj=file, reason="Cross-RPA assessment (ASR-5)")
        event = reviewing(event)
        ms.peer_review_close(event=event, acting_user=None)
        fresh = User.objects.get(pk=reviewer.pk)
        assert list(AssessmentFile.objects.restrict(fresh, Action.VIEW)) == [file]
        assert not SampleEntry.objects.restrict(fresh, Action.VIEW).exists()
        assert not ModerationEvent.objects.restrict(fresh, Action.VIEW).exists()

    def test_peer4_closing_the_review_ends_access_before_the_event_closes(
        self, event: ModerationEvent, peer: tuple[User, User]
    ) -> None:
        make_cohort_file(outcome="not_met")
        event = reviewing(event)
        reviewer = User.objects.get(pk=peer[0].pk)
        assert AssessmentFile.objects.restrict(reviewer, Action.VIEW).count() == 1
        ms.peer_review_close(event=event, acting_user=None)
        reviewer = User.objects.get(pk=peer[0].pk)
        assert AssessmentFile.objects.restrict(reviewer, Action.VIEW).count() == 0
        with pytest.raises(ValidationError, match="already closed"):
            ms.peer_review_open(event=event, acting_user=None)

    def test_peer3_the_joint_report_is_due_within_3_working_days_and_is_chased_when_late(
        self, rpa_a: RPA, moderator: Moderator, peer: tuple[User, User]
    ) -> None:
        # held on a Thursday: three working days later is the Tuesday at the earliest (weekends do not count)
        held = last_month() + timedelta(days=(3 - last_month().weekday()) % 7)
        event = ModerationEventFactory(rpa=rpa_a, held_on=held, lead_moderator=moderator)
        event = reviewing(event)
        event = ms.event_close(event=event, acting_user=None)
        report = event.joint_report
        due_day = timezone.localtime(report.due_at).date()
        assert due_day == calendar_for(rpa_id=rpa_a.pk).add_working_days(held, 3)
        assert due_day >= held + timedelta(days=5)
        deadline = Deadline.objects.get(kind=JOINT_REPORT_DEADLINE_KIND, object_id=report.pk)
        assert deadline.responsible == moderator.user
        deadline_sweep(now=report.due_at + timedelta(minutes=1))
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.BREACHED
        assert report.is_late
        with pytest.raises(ValidationError) as refusal:
            ms.joint_report_submit(report=report, acting_user=peer[0], issues_raised=True)
        assert "issues" in refusal.value.message_dict
        outsider = UserFactory()
        with pytest.raises(ValidationError, match="peer reviewer or one of its moderators"):
            ms.joint_report_submit(report=report, acting_user=outsider, issues_raised=False)
        report = ms.joint_report_submit(report=report, acting_user=peer[0], issues_raised=False)
        assert report.issues_raised is False and report.submitted_by == peer[0]
        deadline.refresh_from_db()
        assert deadline.met_at is not None
        assert not JointReport.objects.restrict(User.objects.get(pk=peer[0].pk), Action.VIEW).exists()


class TestFeedback:
    def _overturned(self, event: ModerationEvent, moderator: Moderator, second: Moderator) -> AssessmentFile:
        file = make_cohort_file(outcome="not_met")
        opened(event)
        entry = entry_of(event, file)
        decision = ms.decision_record(
            entry=entry, acting_user=moderator.user, verdict=Verdict.OVERTURN, judgements=agree(entry),
            new_outcome="met", reasons="Standards 4 and 9 are evidenced in tasks 2 and 5.",
        )  # fmt: skip
        ms.decision_second_review(decision=decision, acting_user=second.user, agrees=True)
        return file

    def test_mod9_feedback_gives_the_reasons_for_every_change_and_justifies_any_sanction(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = self._overturned(event, moderator, second_moderator)
        with pytest.raises(ValidationError) as refusal:
            ms.assessor_feedback_save(
                event=event, assessor=file.assessor, acting_user=moderator.user, strengths="Clear", weaknesses="Thin",
                sanction="training",
            )  # fmt: skip
        assert set(refusal.value.message_dict) == {"change_reasons", "sanction_justification"}
        stranger = AssessorFactory(rpa=event.rpa)
        with pytest.raises(ValidationError) as not_moderated:
            ms.assessor_feedback_save(
                event=event, assessor=stranger, acting_user=moderator.user, strengths="a", weaknesses="b"
            )
        assert "assessor" in not_moderated.value.message_dict
        feedback = ms.assessor_feedback_save(
            event=event, assessor=file.assessor, acting_user=moderator.user, strengths="Clear", weaknesses="Thin",
            change_reasons="Not met became met: tasks 2 and 5 evidence standards 4 and 9.",
        )  # fmt: skip
        assert feedback.sent_at is None and feedback.recipient is None

    def test_asr7_sent_feedback_reaches_the_assessor_who_sees_their_own_only(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = self._overturned(event, moderator, second_moderator)
        feedback = ms.assessor_feedback_save(
            event=event, assessor=file.assessor, acting_user=moderator.user, strengths="Clear", weaknesses="Thin",
            change_reasons="Not met became met.",
        )  # fmt: skip
        assessor_user = file.assessor.user
        Membership.objects.get_or_create(user=assessor_user, role=Role.ASSESSOR, rpa=event.rpa)
        other = _others_sent_feedback(event)
        assert not AssessorFeedback.objects.restrict(User.objects.get(pk=assessor_user.pk), Action.VIEW).exists()
        ms.assessor_feedback_send(feedback=feedback, acting_user=moderator.user)
        visible = AssessorFeedback.objects.restrict(User.objects.get(pk=assessor_user.pk), Action.VIEW)
        assert list(visible) == [feedback]
        assert other not in visible
        assert Notification.objects.filter(user=assessor_user, subject__startswith="Moderation feedback").exists()
        with pytest.raises(ValidationError, match="already been sent"):
            ms.assessor_feedback_send(feedback=feedback, acting_user=moderator.user)

    def test_asr8_a_suspension_sanction_opens_the_quality_action_and_suspends_the_assessor(
        self, event: ModerationEvent, moderator: Moderator, second_moderator: Moderator
    ) -> None:
        file = self._overturned(event, moderator, second_moderator)
        feedback = ms.assessor_feedback_save(
            event=event, assessor=file.assessor, acting_user=moderator.user, strengths="", weaknesses="Unsafe",
            change_reasons="Not met became met.", sanction="suspend",
            sanction_justification="Three overturns in two months.",
        )  # fmt: skip
        feedback = ms.assessor_feedback_send(feedback=feedback, acting_user=moderator.user)
        action = QualityAction.objects.get(assessor=file.assessor)
        assert feedback.quality_action == action
        assert action.kind == QualityActionKind.SUSPEND and "Three overturns" in action.reason
        file.assessor.refresh_from_db()
        assert file.assessor.status == AssessorStatus.SUSPENDED


def _others_sent_feedback(event: ModerationEvent) -> AssessorFeedback:
    """Another assessor's sent feedback of the same event (the assessor must never see it)."""
    file = make_cohort_file(outcome="not_met")
    entry = SampleEntry.objects.create(rpa=event.rpa, event=event, file=file, origin="mandatory")
    assert entry
    return AssessorFeedback.objects.create(
        rpa=event.rpa, event=event, assessor=file.assessor, strengths="x", sent_at=timezone.now(),
        recipient=file.assessor.user,
    )  # fmt: skip
