"""RISK-1 proven on the services and selectors: a transfer of one candidate, a cohort or all of an RPA's open work
moves every record that belongs to them (found through the models' relations), their history, files and deadlines,
in one transaction (all or nothing); the receiving RPA sees them, the sending RPA keeps only its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pghistory.models
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory
from assessments.models import Assessment, FileVersion, Outcome, Result
from candidates.factories import CandidateFactory, PreparationCourseFactory, ready_candidate
from candidates.models import Candidate, CandidateStatus, PreparationCourse
from candidates.services import candidate_update
from hnap.access import role_allows
from hnap.audit import history_for
from hnap.factories import MembershipFactory, SchoolFactory
from hnap.models import RPA, Deadline, DeadlineNotice, Membership, ObjectGrant, User
from hnap.roles import Role
from moderation.factories import ModerationEventFactory, SampleEntryFactory
from moderation.models import EventState, ModerationDecision, ReviewPending, SampleEntry
from tests.transfers.conftest import whole_candidate
from transfers.discovery import GENERIC_FOLLOWERS, STAYS, moving_models, tenant_models
from transfers.models import Transfer, TransferredCandidate, TransferScope, TransferState
from transfers.selectors import transfer_preview
from transfers.services import transfer_decline, transfer_execute, transfer_propose, transfer_withdraw

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_of(make_member: Callable[..., User]) -> Callable[[RPA], User]:
    return lambda rpa: make_member(Role.RPA_ADMIN, rpa=rpa)


@pytest.fixture
def partnership(make_member: Callable[..., User]) -> User:
    return make_member(Role.PARTNERSHIP_ADMIN)


def _rows_of(candidate_ids: list[int]) -> dict[str, set[int]]:
    """The RPAs of every record that belongs to these candidates, per model (found the way the transfer finds them)."""
    return {
        entry.label: set(
            entry.model._default_manager.filter(**{f"{entry.path}__in": candidate_ids}).values_list("rpa_id", flat=True)
        )
        for entry in moving_models()
    }


def _move(sender: RPA, receiver: RPA, admin: User, partnership: User, **choice: object) -> Transfer:
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, reason="The RPA is closing (RISK-1).", acting_user=admin,
                                **choice)  # type: ignore[arg-type]  # fmt: skip
    return transfer_execute(transfer=transfer, acting_user=partnership)


# --- discovery -------------------------------------------------------------------------------------------------------


def test_risk1_every_tenant_owned_model_either_moves_with_the_candidate_or_says_why_it_stays() -> None:
    """A new tenant-owned model that refers to a candidate is found through its relations; one that does not must be
    named in transfers.discovery.STAYS with a reason, or this fails."""
    moving = {entry.label for entry in moving_models()}
    unhandled = [
        m._meta.label_lower
        for m in tenant_models()
        if m._meta.label_lower not in moving | set(STAYS) | set(GENERIC_FOLLOWERS)
    ]
    assert unhandled == [], f"Say in transfers.discovery whether these move with a candidate: {unhandled}"
    assert not moving & set(STAYS)
    # Found through foreign keys, across apps, without being listed: a version through its file, a panel through its
    # referral and appeal, moderation's records through the file.
    paths = {entry.label: entry.path for entry in moving_models()}
    assert paths["candidates.candidate"] == "pk"
    assert paths["assessments.fileversion"] == "file__candidate"
    assert paths["appeals.reviewpanel"] == "referral__appeal__candidate"
    assert paths["moderation.reviewpending"] == "file__candidate"
    assert paths["appeals.enquirymessage"] == "enquiry__raised_by__candidacies"
    assert {"candidates.invoiceline", "candidates.payment", "assessments.result", "moderation.sampleentry",
            "moderation.moderationdecision", "assessments.taskdocument"} <= moving  # fmt: skip


# --- one candidate ---------------------------------------------------------------------------------------------------


def test_risk1_one_candidate_moves_with_every_record_history_files_and_deadlines(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    whole = whole_candidate(sender)
    bystander = whole_candidate(sender)
    before = _rows_of([whole.candidate.pk])
    assert all(rpas == {sender.pk} for rpas in before.values() if rpas)
    present = {label for label, rpas in before.items() if rpas}
    assert {"candidates.candidate", "candidates.level2evidence", "candidates.employerdeclaration", "candidates.invoice",
            "candidates.payment", "assessments.assessment", "assessments.assessmentfile", "assessments.taskdocument",
            "assessments.fileversion", "assessments.result", "appeals.appeal", "appeals.enquiry",
            "appeals.enquirymessage", "moderation.sampleentry", "moderation.moderationdecision",
            "moderation.reviewpending"} <= present  # fmt: skip
    version = FileVersion.objects.filter(file=whole.reassessed).values().get()
    history_before = len(history_for(obj=whole.candidate))

    transfer = _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.CANDIDATE,
                     candidate=whole.candidate)  # fmt: skip

    after = _rows_of([whole.candidate.pk])
    assert {label: rpas for label, rpas in after.items() if rpas} == {label: {receiver.pk} for label in present}
    assert all(rpas == {sender.pk} for rpas in _rows_of([bystander.candidate.pk]).values() if rpas)
    # Files: the submitted version is the same in every column but its RPA (ASM-5 holds).
    moved_version = FileVersion.objects.filter(file=whole.reassessed).values().get()
    assert moved_version.pop("rpa_id") == receiver.pk and version.pop("rpa_id") == sender.pk
    assert moved_version == version
    # Deadlines (through content type and object id) and their notices; the candidate's sign-in.
    whole.deadline.refresh_from_db()
    assert whole.deadline.rpa_id == receiver.pk
    assert set(DeadlineNotice.objects.filter(deadline=whole.deadline).values_list("rpa_id", flat=True)) == {receiver.pk}
    file_deadlines = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(type(whole.reassessed)), object_id=whole.reassessed.pk
    )
    assert set(file_deadlines.values_list("rpa_id", flat=True)) <= {receiver.pk}
    assert Membership.objects.get(user=whole.user, role=Role.CANDIDATE).rpa_id == receiver.pk
    # History (pghistory) kept: every earlier event, plus the move, tagged with the transfer.
    history = history_for(obj=whole.candidate)
    assert len(history) == history_before + 1
    assert history[0]["source"] == "transfer" and history[0]["diff"]["rpa_id"] == [sender.pk, receiver.pk]
    events = pghistory.models.Events.objects.tracks(whole.candidate).order_by("pgh_created_at", "pgh_id")
    assert events.first().pgh_label == "insert"  # type: ignore[union-attr]
    # The summary snapshot.
    assert transfer.state == TransferState.DONE and transfer.summary["candidates"] == 1
    assert transfer.summary["records"]["assessments.fileversion"]["count"] == 1
    assert transfer.summary["deadlines"] >= 1
    assert list(TransferredCandidate.objects.filter(transfer=transfer).values_list("reference", flat=True)) == [
        whole.candidate.reference
    ]


def test_risk1_the_receiving_rpa_sees_them_and_the_sender_keeps_only_its_record(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    whole = whole_candidate(sender)
    sending_admin, receiving_admin = admin_of(sender), admin_of(receiver)
    transfer = _move(sender, receiver, sending_admin, partnership, scope=TransferScope.CANDIDATE,
                     candidate=whole.candidate)  # fmt: skip
    for entry in moving_models():
        mine = entry.model._default_manager.filter(**{f"{entry.path}__in": [whole.candidate.pk]}).values("pk")
        seen_by = {
            who: entry.model._default_manager.restrict(user, "view").filter(pk__in=mine).count()
            for who, user in (("sender", sending_admin), ("receiver", receiving_admin))
        }
        assert seen_by["sender"] == 0, entry.label
        if role_allows(receiving_admin, entry.model, "view"):
            assert seen_by["receiver"] == mine.count(), entry.label
    assert list(Transfer.objects.restrict(sending_admin, "view")) == [transfer]
    assert list(Transfer.objects.restrict(receiving_admin, "view")) == [transfer]
    assert not Transfer.objects.restrict(receiving_admin, "change").exists()
    assert TransferredCandidate.objects.restrict(sending_admin, "view").count() == 1
    # The candidate signs in to the receiving RPA and sees their own records there.
    assert Candidate.objects.restrict(whole.user, "view").get().rpa_id == receiver.pk
    # A third RPA sees nothing of it.
    third = admin_of(RPA.objects.get(slug="university-of-northampton"))
    assert not Transfer.objects.restrict(third, "view").exists()


def test_risk1_a_proposal_is_not_seen_by_the_receiver_until_it_is_done(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    candidate = ready_candidate(rpa=sender)
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                                reason="Closing.", acting_user=admin_of(sender))  # fmt: skip
    assert not Transfer.objects.restrict(admin_of(receiver), "view").exists()
    assert Transfer.objects.restrict(partnership, "view").get() == transfer


def test_risk1_asr5_a_booking_with_the_senders_assessor_stays_booked_cross_rpa_with_an_object_grant(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    whole = whole_candidate(sender)
    assessor_user = whole.booking.assessor.user
    transfer = _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.CANDIDATE,
                     candidate=whole.candidate)  # fmt: skip
    booking = Assessment.objects.get(pk=whole.booking.pk)
    assert booking.state == "booked" and booking.cross_rpa and booking.owner_id is None
    assert booking.rpa_id == receiver.pk and booking.assessor.rpa_id == sender.pk
    grant = ObjectGrant.objects.get(user=assessor_user, object_id=booking.pk, revoked_at__isnull=True,
                                    content_type=ContentType.objects.get_for_model(Assessment))  # fmt: skip
    assert "ASR-5" in grant.reason and grant.permissions == ["view_assessment"]
    assert Assessment.objects.restrict(assessor_user, "view").filter(pk=booking.pk).exists()
    assert transfer.summary["cross_rpa_kept"] >= 1


def test_risk1_asr5_a_cross_rpa_booking_with_the_receivers_own_assessor_becomes_an_ordinary_one(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    from assessments.services import _grant_cross_rpa

    candidate = ready_candidate(rpa=sender)
    theirs = AssessorFactory(rpa=receiver)
    MembershipFactory(user=theirs.user, role=Role.ASSESSOR, rpa=receiver)
    booking = AssessmentFactory(candidate=candidate, assessor=theirs, cross_rpa=True)
    _grant_cross_rpa(assessment=booking, acting_user=None)
    transfer = _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.CANDIDATE,
                     candidate=candidate)  # fmt: skip
    booking.refresh_from_db()
    assert not booking.cross_rpa and booking.owner_id == theirs.user_id and booking.rpa_id == receiver.pk
    assert not ObjectGrant.objects.filter(object_id=booking.pk, user=theirs.user, revoked_at__isnull=True).exists()
    assert Assessment.objects.restrict(theirs.user, "view").filter(pk=booking.pk).exists()
    assert transfer.summary["cross_rpa_ended"] == 1


# --- a cohort and all open work --------------------------------------------------------------------------------------


def test_risk1_a_cohort_moves_with_its_course_when_its_whole_cohort_goes(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    course = PreparationCourseFactory(rpa=sender)
    cohort = [whole_candidate(sender, course=course) for _ in range(2)]
    elsewhere = whole_candidate(sender)
    transfer = _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.COURSE, course=course)
    ids = [w.candidate.pk for w in cohort]
    assert all(rpas == {receiver.pk} for rpas in _rows_of(ids).values() if rpas)
    assert all(rpas == {sender.pk} for rpas in _rows_of([elsewhere.candidate.pk]).values() if rpas)
    assert PreparationCourse.objects.get(pk=course.pk).rpa_id == receiver.pk
    assert transfer.summary["candidates"] == 2 and transfer.summary["courses"] == [course.name]


def test_risk1_a_course_stays_while_one_of_its_candidates_stays(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    course = PreparationCourseFactory(rpa=sender)
    moving = ready_candidate(rpa=sender, course=course, pop=course.pop)
    awarded = ready_candidate(rpa=sender, course=course, pop=course.pop)
    file = AssessmentFactory(candidate=awarded).file
    Result.objects.create(rpa=sender, file=file, candidate=awarded, outcome=Outcome.MET, confirmed_via="event_closed",
                          released_at=timezone.now())  # fmt: skip
    transfer = _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.COURSE, course=course)
    assert Candidate.objects.get(pk=moving.pk).rpa_id == receiver.pk
    assert Candidate.objects.get(pk=awarded.pk).rpa_id == sender.pk
    assert PreparationCourse.objects.get(pk=course.pk).rpa_id == sender.pk and transfer.summary["courses"] == []


def test_risk1_all_open_work_moves_and_what_cannot_move_stays_with_a_reason(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    open_ones = [whole_candidate(sender) for _ in range(2)]
    fresh = CandidateFactory(rpa=sender)  # an application still in draft: open work too
    withdrawn = CandidateFactory(rpa=sender, status=CandidateStatus.WITHDRAWN, withdrawn_at=timezone.now())
    in_event = ready_candidate(rpa=sender)
    sampled = AssessmentFactory(candidate=in_event, starts_at=timezone.now() - timedelta(days=20)).file
    this_month = timezone.localdate().replace(day=1)  # the closed events of the whole candidates are last month's
    SampleEntryFactory(event=ModerationEventFactory(rpa=sender, month=this_month, state=EventState.OPEN), file=sampled)
    other_rpa = ready_candidate(rpa=receiver)
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.ALL_OPEN, reason="Closing.",
                                acting_user=admin_of(sender))  # fmt: skip

    preview = transfer_preview(transfer=transfer)
    assert {c.pk for c in preview.candidates} == {w.candidate.pk for w in open_ones} | {fresh.pk}
    staying = {c.pk: why for c, why in preview.staying}
    assert set(staying) == {withdrawn.pk, in_event.pk}
    assert "moderation event not yet closed" in staying[in_event.pk] and "finished or ended" in staying[withdrawn.pk]
    assert dict(preview.records)["Candidates"] == 3

    done = transfer_execute(transfer=transfer, acting_user=partnership)
    assert set(Candidate.objects.filter(rpa=receiver).values_list("pk", flat=True)) == {
        w.candidate.pk for w in open_ones
    } | {fresh.pk, other_rpa.pk}
    assert set(Candidate.objects.filter(rpa=sender).values_list("pk", flat=True)) == {withdrawn.pk, in_event.pk}
    assert SampleEntry.objects.get(file=sampled).rpa_id == sender.pk
    assert done.summary["candidates"] == 3 and done.summary["staying"] == 2
    assert done.summary["records"]["moderation.reviewpending"]["count"] == 2
    assert ModerationDecision.objects.filter(rpa=receiver).count() == ReviewPending.objects.filter(rpa=receiver).count()


def test_risk1_the_number_of_queries_does_not_grow_with_the_number_of_candidates(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    counts = []
    third = RPA.objects.get(slug="university-of-northampton")
    for rpa, n in ((sender, 2), (third, 6)):
        for _ in range(n):
            whole_candidate(rpa)
        transfer = transfer_propose(rpa=rpa, to_rpa=receiver, scope=TransferScope.ALL_OPEN, reason="Closing.",
                                    acting_user=admin_of(rpa))  # fmt: skip
        with CaptureQueriesContext(connection) as queries:
            done = transfer_execute(transfer=transfer, acting_user=partnership)
        assert done.summary["candidates"] == n and done.summary["cross_rpa_kept"] == n
        counts.append(len(queries))
    assert counts[1] <= counts[0]  # the second run finds some content types already cached


# --- all or nothing --------------------------------------------------------------------------------------------------

FAIL_RESULTS = """
CREATE FUNCTION transfers_test_refuse() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'injected failure while moving results';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER transfers_test_refuse BEFORE UPDATE ON assessments_result
    FOR EACH ROW EXECUTE FUNCTION transfers_test_refuse();
"""


def test_risk1_all_or_nothing_a_failure_midway_leaves_everything_where_it_was(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    """The results' update fails (a trigger injected for this test), after the candidates, their application and
    files have already been updated inside the transaction: nothing moved, and the proposal still waits."""
    wholes = [whole_candidate(sender) for _ in range(2)]
    ids = [w.candidate.pk for w in wholes]
    before = _rows_of(ids)
    labels = [entry.label for entry in moving_models()]
    assert (
        labels.index("candidates.candidate")
        < labels.index("assessments.result")
        < labels.index("assessments.fileversion")
    )
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.ALL_OPEN, reason="Closing.",
                                acting_user=admin_of(sender))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(FAIL_RESULTS)
    with pytest.raises(Exception, match="injected failure"):
        transfer_execute(transfer=transfer, acting_user=partnership)
    assert _rows_of(ids) == before
    assert set(Deadline.objects.filter(pk__in=[w.deadline.pk for w in wholes]).values_list("rpa_id", flat=True)) == {
        sender.pk
    }
    assert set(Membership.objects.filter(user__in=[w.user for w in wholes]).values_list("rpa_id", flat=True)) == {
        sender.pk
    }
    assert not Assessment.objects.filter(pk__in=[w.booking.pk for w in wholes], cross_rpa=True).exists()
    assert not ObjectGrant.objects.filter(object_id__in=[w.booking.pk for w in wholes]).exists()
    transfer.refresh_from_db()
    assert transfer.state == TransferState.PROPOSED and transfer.summary == {}
    assert not TransferredCandidate.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER transfers_test_refuse ON assessments_result")
    # Once the fault is gone the same proposal goes through whole.
    done = transfer_execute(transfer=transfer, acting_user=partnership)
    assert done.summary["candidates"] == 2
    assert all(rpas == {receiver.pk} for rpas in _rows_of(ids).values() if rpas)


# --- who decides -----------------------------------------------------------------------------------------------------


def test_risk1_the_senders_administrator_proposes_and_only_the_partnership_carries_out_or_declines(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User, make_member: Callable[..., User]
) -> None:
    candidate = ready_candidate(rpa=sender)
    with pytest.raises(ValidationError):
        transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                         reason="Closing.", acting_user=admin_of(receiver))  # fmt: skip
    with pytest.raises(ValidationError) as same:
        transfer_propose(rpa=sender, to_rpa=sender, scope=TransferScope.ALL_OPEN, reason="Closing.",
                         acting_user=admin_of(sender))  # fmt: skip
    assert "to_rpa" in same.value.message_dict
    transfer = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                                reason="Closing.", acting_user=admin_of(sender))  # fmt: skip
    for someone in (admin_of(sender), admin_of(receiver), make_member(Role.SENIOR_ASSESSOR, rpa=sender)):
        with pytest.raises(ValidationError):
            transfer_execute(transfer=transfer, acting_user=someone)
    assert Candidate.objects.get(pk=candidate.pk).rpa_id == sender.pk
    with pytest.raises(ValidationError):
        transfer_decline(transfer=transfer, note="", acting_user=partnership)
    declined = transfer_decline(transfer=transfer, note="Another RPA is better placed.", acting_user=partnership)
    assert declined.state == TransferState.DECLINED
    with pytest.raises(ValidationError, match="no longer change"):
        transfer_execute(transfer=transfer, acting_user=partnership)
    again = transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=candidate,
                             reason="Closing.", acting_user=admin_of(sender))  # fmt: skip
    assert transfer_withdraw(transfer=again, acting_user=admin_of(sender)).state == TransferState.WITHDRAWN
    assert Candidate.objects.get(pk=candidate.pk).rpa_id == sender.pk


def test_risk1_finished_work_is_not_proposed(sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User]) -> None:
    withdrawn = CandidateFactory(rpa=sender, status=CandidateStatus.WITHDRAWN, withdrawn_at=timezone.now())
    with pytest.raises(ValidationError) as error:
        transfer_propose(rpa=sender, to_rpa=receiver, scope=TransferScope.CANDIDATE, candidate=withdrawn,
                         reason="Closing.", acting_user=admin_of(sender))  # fmt: skip
    assert "finished or ended" in error.value.message_dict["candidate"][0]


# --- REGION-1 after a transfer ---------------------------------------------------------------------------------------


def test_risk1_region1_a_transferred_candidate_is_not_bounced_back_by_a_later_edit(
    sender: RPA, receiver: RPA, admin_of: Callable[[RPA], User], partnership: User
) -> None:
    """REGION-1 decides again only when the school or course changes; the recorded transfer stands otherwise."""
    candidate = ready_candidate(rpa=sender)
    _move(sender, receiver, admin_of(sender), partnership, scope=TransferScope.CANDIDATE, candidate=candidate)
    candidate = Candidate.objects.get(pk=candidate.pk)
    # The school is still in the sender's area; the course (the candidate was its whole cohort) moved with them.
    assert candidate.school.rpa_id == sender.pk and candidate.course.rpa_id == receiver.pk
    candidate_update(candidate=candidate, acting_user=admin_of(receiver), phone="01234 567890", job_title="HLTA")
    candidate.refresh_from_db()
    assert candidate.rpa_id == receiver.pk and candidate.phone == "01234 567890"
    # Moving them to another school of the sender's area is REGION-1's decision again: that would be a transfer back.
    with pytest.raises(ValidationError) as error:
        candidate_update(candidate=candidate, acting_user=admin_of(receiver),
                         school=SchoolFactory(rpa=sender, region=candidate.school.region))  # fmt: skip
    assert {"school", "course"} & set(error.value.message_dict)
    assert Candidate.objects.get(pk=candidate.pk).rpa_id == receiver.pk
