"""Writes of the assessments app: the assessor register, quality management, and allocation and booking under the
weekly cap. The cap holds under concurrency: every write that adds an assessment to an assessor's week first takes
a PostgreSQL advisory lock on that (assessor, week), so concurrent bookings of the same week run one after the
other and each counts what the previous one committed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from assessments.file_services import (
    assessment_candidate_inform,
    assessment_file_close,
    assessment_file_move,
    assessment_file_open,
    tasks_deadline_schedule,
)
from assessments.models import (
    TASKS_DEADLINE_KIND,
    WEEKLY_CAP,
    Assessment,
    AssessmentFile,
    AssessmentState,
    Assessor,
    AssessorStatus,
    Conflict,
    CPDEntry,
    PerformanceReview,
    QualityAction,
    QualityActionKind,
    TrainingRecord,
    TrainingTopic,
    Unavailability,
    week_start,
)
from assessments.selectors import assessment_window, assessor_pool, proposals_rank, register_for_week
from assessments.st1380 import KSB_CODES
from candidates.models import Candidate, DisabilityDisclosure
from candidates.selectors import candidate_is_paid, candidate_is_ready_for_allocation
from hnap.deadlines import deadline_cancel
from hnap.grants import grant_object_access, grants_revoke_for
from hnap.models import RPA, Membership, Notification, PreparationProvider, School, User
from hnap.roles import Role


class OutsideWindow(ValidationError):
    """ASM-1: the date is outside the RPA's window after the final preparation session; book again to confirm."""


# --- the register ---------------------------------------------------------------------------------------


@transaction.atomic
def assessor_register(*, rpa: RPA, user: User, acting_user: User | None, is_senior: bool = False) -> Assessor:
    """Put a person on the RPA's register (in training until the seven topics are done) with the assessor role."""
    if Assessor.objects.filter(rpa=rpa, user=user).exists():
        raise ValidationError({"user": f"{user} is already on {rpa.name}'s register."})
    assessor = Assessor.objects.create(rpa=rpa, user=user, is_senior=is_senior)
    Membership.objects.get_or_create(user=user, role=Role.ASSESSOR, rpa=rpa, pop=None)
    if is_senior:
        Membership.objects.get_or_create(user=user, role=Role.SENIOR_ASSESSOR, rpa=rpa, pop=None)
    return assessor


@transaction.atomic
def assessor_add(
    *, rpa: RPA, email: str, full_name: str, acting_user: User | None, is_senior: bool = False
) -> tuple[Assessor, bool]:
    """Put the person with this email on the register, giving them an account without a password if they have none
    (they choose one through the password-reset page); returns (entry, whether an account was made). A refusal
    takes the new account back with the rest."""
    address = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=address).first()
    created = user is None
    if user is None:
        user = User.objects.create_user(address, None, full_name=full_name.strip())
    return assessor_register(rpa=rpa, user=user, acting_user=acting_user, is_senior=is_senior), created


@transaction.atomic
def assessor_set_senior(*, assessor: Assessor, is_senior: bool, acting_user: User | None) -> Assessor:
    """Name (or stop naming) the assessor a senior assessor of their RPA (ASR-4)."""
    assessor.is_senior = is_senior
    assessor.save(update_fields=["is_senior"])
    memberships = Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR, rpa_id=assessor.rpa_id)
    if is_senior:
        Membership.objects.get_or_create(user=assessor.user, role=Role.SENIOR_ASSESSOR, rpa_id=assessor.rpa_id)
    else:
        memberships.delete()
    return assessor


def training_complete(*, assessor: Assessor) -> bool:
    """ASR-1: all seven topics of initial training are recorded."""
    done = set(assessor.training.values_list("topic", flat=True))
    return done >= set(TrainingTopic.values)


@transaction.atomic
def training_record(*, assessor: Assessor, topic: str, completed_on: date, trainer: str = "") -> TrainingRecord:
    """Record a topic of initial training; with all seven done, an assessor in training becomes active (ASR-1)."""
    if topic not in TrainingTopic.values:
        raise ValidationError({"topic": "Choose one of the seven training topics."})
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The date must not be in the future."})
    record, _ = TrainingRecord.objects.update_or_create(
        assessor=assessor,
        topic=topic,
        defaults={"rpa_id": assessor.rpa_id, "completed_on": completed_on, "trainer": trainer.strip()},
    )
    if assessor.status == AssessorStatus.IN_TRAINING and training_complete(assessor=assessor):
        assessor.status = AssessorStatus.ACTIVE
        assessor.save(update_fields=["status"])
    return record


@transaction.atomic
def cpd_add(
    *, assessor: Assessor, done_on: date, title: str, hours: Decimal, ksbs: list[str], reflection: str = ""
) -> CPDEntry:
    """Record CPD mapped to ST1380's knowledge, skills and behaviours (ASR-3)."""
    codes = sorted({code.strip().upper() for code in ksbs if code.strip()}, key=lambda c: (c[0], int(c[1:] or 0)))
    unknown = [code for code in codes if code not in KSB_CODES]
    errors: dict[str, str] = {}
    if unknown:
        errors["ksbs"] = f"Not codes of the assessor standard ST1380: {', '.join(unknown)}."
    if not title.strip():
        errors["title"] = "Enter what the CPD was."
    if hours <= 0:
        errors["hours"] = "Enter the hours spent."
    if done_on > timezone.localdate():
        errors["done_on"] = "The date must not be in the future."
    if errors:
        raise ValidationError(errors)
    return CPDEntry.objects.create(
        rpa_id=assessor.rpa_id,
        assessor=assessor,
        done_on=done_on,
        title=title.strip(),
        hours=hours,
        ksbs=codes,
        reflection=reflection.strip(),
    )


@transaction.atomic
def conflict_declare(
    *, assessor: Assessor, reason: str, school: School | None = None, pop: PreparationProvider | None = None
) -> Conflict:
    """Declare a connection with a school or a PoP (ASR-9); allocation leaves their candidates out at once."""
    if (school is None) == (pop is None):
        raise ValidationError("Name either a school or a Provider of Preparation.")
    if not reason.strip():
        raise ValidationError({"reason": "Say what the connection is."})
    return Conflict.objects.create(rpa_id=assessor.rpa_id, assessor=assessor, school=school, pop=pop, reason=reason)


@transaction.atomic
def unavailability_set(*, assessor: Assessor, day: date, reason: str = "") -> Unavailability:
    """Mark the week of `day` unavailable (an existing booking that week is not moved: it is listed)."""
    record, _ = Unavailability.objects.get_or_create(
        assessor=assessor, week_start=week_start(day), defaults={"rpa_id": assessor.rpa_id, "reason": reason.strip()}
    )
    return record


@transaction.atomic
def unavailability_remove(*, unavailability: Unavailability) -> None:
    """The assessor is available that week after all."""
    unavailability.delete()


@transaction.atomic
def assessor_set_willing(*, assessor: Assessor, rpas: list[RPA]) -> Assessor:
    """The other RPAs of the Partnership the assessor will assess for (ASR-5); never their own, never outside."""
    assessor.willing_rpas.set([rpa for rpa in rpas if rpa.pk != assessor.rpa_id])
    return assessor


# --- quality management (ASR-2, ASR-7, ASR-8) --------------------------------------------------------------


@transaction.atomic
def first_solo_qa_record(*, assessor: Assessor, acting_user: User | None, note: str) -> Assessor:
    """ASR-2: a senior assessor quality-assures the new assessor's first solo assessment; then they are active."""
    if assessor.status != AssessorStatus.FIRST_SOLO_PENDING_QA:
        raise ValidationError("This assessor has no first solo assessment waiting for quality assurance.")
    if not note.strip():
        raise ValidationError({"note": "Record the outcome of the quality assurance."})
    assessor.status = AssessorStatus.ACTIVE
    assessor.first_solo_qa_by = acting_user
    assessor.first_solo_qa_at = timezone.now()
    assessor.first_solo_qa_note = note.strip()
    assessor.save(update_fields=["status", "first_solo_qa_by", "first_solo_qa_at", "first_solo_qa_note"])
    return assessor


@transaction.atomic
def review_record(*, assessor: Assessor, reviewer: User | None, feedback: str, **ratings: str) -> PerformanceReview:
    """ASR-7: a review against the six competency criteria; the assessor is told and sees the written feedback."""
    from assessments.models import COMPETENCY_CRITERIA, Rating

    errors = {name: "Choose a rating." for name in COMPETENCY_CRITERIA if ratings.get(name) not in Rating.values}
    if not feedback.strip():
        errors["feedback"] = "Write the summary feedback the assessor will receive."
    if errors:
        raise ValidationError(errors)
    review = PerformanceReview.objects.create(
        rpa_id=assessor.rpa_id,
        assessor=assessor,
        reviewer=reviewer,
        feedback=feedback.strip(),
        **{name: ratings[name] for name in COMPETENCY_CRITERIA},
    )
    Notification.objects.create(
        user=assessor.user,
        subject="Your performance review",
        body=review.feedback,
        link=f"/assessors/{assessor.pk}/",
    )
    return review


@transaction.atomic
def quality_action_open(
    *,
    assessor: Assessor,
    kind: str,
    reason: str,
    acting_user: User | None,
    owner: User | None = None,
    due_on: date | None = None,
) -> QualityAction:
    """ASR-8: open a quality action. Suspension and removal take the assessor out of allocation at once; their
    future bookings are then listed for reallocation (selectors.assessments_to_reallocate)."""
    if kind not in QualityActionKind.values:
        raise ValidationError({"kind": "Choose an action."})
    if not reason.strip():
        raise ValidationError({"reason": "Say why."})
    action = QualityAction.objects.create(
        rpa_id=assessor.rpa_id,
        assessor=assessor,
        kind=kind,
        reason=reason.strip(),
        owner=owner or acting_user,
        due_on=due_on,
        opened_by=acting_user,
    )
    new_status = {
        QualityActionKind.SUSPEND: AssessorStatus.SUSPENDED,
        QualityActionKind.REMOVAL: AssessorStatus.REMOVED,
    }
    if kind in new_status:
        assessor.status = new_status[QualityActionKind(kind)]
        assessor.save(update_fields=["status"])
    return action


@transaction.atomic
def quality_action_close(
    *, action: QualityAction, acting_user: User | None, outcome: str, reinstate: bool = False
) -> QualityAction:
    """Close an action with its outcome; closing a suspension may reinstate the assessor."""
    if action.closed_on:
        raise ValidationError("This action is already closed.")
    if not outcome.strip():
        raise ValidationError({"outcome": "Record the outcome."})
    action.outcome = outcome.strip()
    action.closed_on = timezone.localdate()
    action.save(update_fields=["outcome", "closed_on"])
    assessor = action.assessor
    if reinstate and action.kind == QualityActionKind.SUSPEND and assessor.status == AssessorStatus.SUSPENDED:
        assessor.status = AssessorStatus.ACTIVE
        assessor.save(update_fields=["status"])
    return action


# --- allocation and booking (ASR-5, ASR-6, ASR-9, ASM-1, ASM-2, PAY-1, S11-2) ----------------------------


def _lock_weeks(*pairs: tuple[int, date]) -> None:
    """Serialise writes to these (assessor, week)s until the transaction ends; always in the same order, so two
    moves between the same weeks cannot deadlock."""
    with connection.cursor() as cursor:
        for assessor_id, monday in sorted(set(pairs)):
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [assessor_id, monday.toordinal()])


def _booked_in_week(*, assessor_id: int, monday: date, excluding: int | None = None) -> int:
    booked = Assessment.objects.filter(assessor_id=assessor_id, week_start=monday, state=AssessmentState.BOOKED)
    if excluding is not None:
        booked = booked.exclude(pk=excluding)
    return booked.count()


def _check_cap(*, assessor: Assessor, monday: date, override_reason: str, excluding: int | None = None) -> None:
    booked = _booked_in_week(assessor_id=assessor.pk, monday=monday, excluding=excluding)
    if booked >= WEEKLY_CAP and not override_reason.strip():
        raise ValidationError(
            {
                "cap_override_reason": f"{assessor.user.full_name} already has {booked} assessments in the week of "
                f"{monday:%d %B %Y}; the limit is {WEEKLY_CAP}. An RPA administrator can book another only with a "
                "recorded reason."
            },
            code="cap",
        )


def _window(*, candidate: Candidate, day: date) -> str:
    rpa = candidate.rpa
    final = candidate.course.final_session
    earliest, latest = assessment_window(candidate=candidate)
    if earliest <= day <= latest:
        return ""
    return (
        f"{day:%d %B %Y} is outside {rpa.name}'s window of {rpa.assessment_window_min_weeks} to "
        f"{rpa.assessment_window_max_weeks} weeks after the final preparation session ({final:%d %B %Y}): "
        f"between {earliest:%d %B %Y} and {latest:%d %B %Y}."
    )


def _grant_cross_rpa(*, assessment: Assessment, acting_user: User | None) -> None:
    if assessment.cross_rpa:
        grant_object_access(
            user=assessment.assessor.user,
            obj=assessment,
            reason=f"Cross-RPA assessment for {assessment.rpa.name} (ASR-5)",
            acting_user=acting_user,
        )


@transaction.atomic
def assessment_book(
    *,
    candidate: Candidate,
    assessor: Assessor,
    starts_at: datetime,
    acting_user: User | None,
    mode: str = "remote",
    teacher_name: str = "",
    senior_leader_name: str = "",
    cap_override_reason: str = "",
    unpaid_exception_reason: str = "",
    confirm_outside_window: bool = False,
) -> Assessment:
    """Allocate a ready candidate to an assessor and book the assessment, within the weekly cap (ASR-6)."""
    candidate = Candidate.objects.select_related("rpa", "course", "school", "pop").get(pk=candidate.pk)
    assessor = Assessor.objects.select_related("user").get(pk=assessor.pk)  # its status as it is now
    if not candidate_is_ready_for_allocation(candidate=candidate):
        raise ValidationError(
            "The candidate is not ready for allocation: they must be registered, judged ready, and have both Level 2 "
            "subjects verified by the RPA (S11-2).",
            code="not_ready",
        )
    if candidate.assessments.filter(state=AssessmentState.BOOKED).exists():
        raise ValidationError("The candidate already has a booked assessment: move or cancel it.", code="booked")
    day = timezone.localtime(starts_at).date()
    if day < timezone.localdate():
        raise ValidationError({"starts_at": "The assessment date must not be in the past."})
    monday = week_start(day)
    # The same rules the proposals apply (one place: assessments.selectors.proposals_rank).
    ranked = proposals_rank(
        register=register_for_week(pool=assessor_pool(candidate=candidate).filter(pk=assessor.pk), monday=monday),
        candidate=candidate,
    )
    refusals = ranked[0].blocking if ranked else [f"does not assess for {candidate.rpa.name}"]
    if refusals:
        raise ValidationError(
            {"assessor": f"{assessor.user.full_name} cannot be allocated: {'; '.join(refusals)}."}, code="assessor"
        )
    if not candidate_is_paid(candidate=candidate) and not unpaid_exception_reason.strip():
        raise ValidationError(
            {
                "unpaid_exception_reason": "Payment for this assessment has not been received (PAY-1). Book it only "
                "with a recorded exception."
            },
            code="unpaid",
        )
    window = _window(candidate=candidate, day=day)
    if window and not confirm_outside_window:
        raise OutsideWindow({"starts_at": window}, code="window")
    _lock_weeks((assessor.pk, monday))
    _check_cap(assessor=assessor, monday=monday, override_reason=cap_override_reason)
    # The override is recorded only on the booking that needed it (the sixth and later of the week).
    overridden = _booked_in_week(assessor_id=assessor.pk, monday=monday) >= WEEKLY_CAP
    disclosure = DisabilityDisclosure.objects.filter(candidate=candidate).first()
    # ASR-2: a new assessor (never quality-assured, never booked on any register) is on their first solo.
    first_solo = (
        assessor.first_solo_qa_at is None and not Assessment.objects.filter(assessor__user=assessor.user_id).exists()
    )
    assessment = Assessment.objects.create(
        rpa_id=candidate.rpa_id,
        candidate=candidate,
        assessor=assessor,
        owner=assessor.user if assessor.rpa_id == candidate.rpa_id else None,
        cross_rpa=assessor.rpa_id != candidate.rpa_id,
        starts_at=starts_at,
        week_start=monday,
        mode=mode,
        teacher_name=teacher_name.strip(),
        senior_leader_name=senior_leader_name.strip(),
        adjustments=disclosure.adjustments_made if disclosure else "",
        is_first_solo=first_solo,
        cap_override_reason=cap_override_reason.strip() if overridden else "",
        cap_override_by=acting_user if overridden else None,
        unpaid_exception_reason=unpaid_exception_reason.strip(),
        unpaid_exception_by=acting_user if unpaid_exception_reason.strip() else None,
        allocated_by=acting_user,
    )
    if first_solo:
        # ASR-2: one solo assessment, then a senior assessor's QA before any other allocation.
        Assessor.objects.filter(pk=assessor.pk).update(status=AssessorStatus.FIRST_SOLO_PENDING_QA)
    _grant_cross_rpa(assessment=assessment, acting_user=acting_user)
    tasks_deadline_schedule(assessment=assessment)
    assessment_file_open(assessment=assessment, acting_user=acting_user)
    assessment_candidate_inform(assessment=assessment)
    Notification.objects.create(
        user=assessor.user,
        subject=f"New assessment: {candidate.full_name}",
        body=f"{candidate.full_name} ({candidate.school.name}) on {timezone.localtime(starts_at):%A %d %B %Y, %H:%M}.",
        link=f"/assessments/{assessment.pk}/",
    )
    return assessment


@transaction.atomic
def assessment_move(
    *, assessment: Assessment, starts_at: datetime, acting_user: User | None, cap_override_reason: str = ""
) -> Assessment:
    """Move a booked assessment to another date; the new week must have room (ASR-6)."""
    assessment = Assessment.objects.select_for_update().select_related("assessor__user").get(pk=assessment.pk)
    if assessment.state != AssessmentState.BOOKED:
        raise ValidationError("Only a booked assessment can be moved.")
    day = timezone.localtime(starts_at).date()
    if day < timezone.localdate():
        raise ValidationError({"starts_at": "The assessment date must not be in the past."})
    monday = week_start(day)
    _lock_weeks((assessment.assessor_id, monday), (assessment.assessor_id, assessment.week_start))
    if monday != assessment.week_start:
        if assessment.assessor.unavailable_weeks.filter(week_start=monday).exists():
            raise ValidationError({"starts_at": f"{assessment.assessor.user.full_name} is unavailable that week."})
        _check_cap(assessor=assessment.assessor, monday=monday, override_reason=cap_override_reason)
        full = _booked_in_week(assessor_id=assessment.assessor_id, monday=monday) >= WEEKLY_CAP
        assessment.cap_override_reason = cap_override_reason.strip() if full else ""
        assessment.cap_override_by = acting_user if full else None
    assessment.starts_at = starts_at
    assessment.week_start = monday
    assessment.save(update_fields=["starts_at", "week_start", "cap_override_reason", "cap_override_by"])
    deadline_cancel(kind=TASKS_DEADLINE_KIND, subject=assessment)
    tasks_deadline_schedule(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_cancel(*, assessment: Assessment, acting_user: User | None, reason: str) -> Assessment:
    """Cancel a booked assessment: it no longer counts in its week, its deadline and any cross-RPA grant end."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the assessment is cancelled."})
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.state != AssessmentState.BOOKED:
        return assessment
    if AssessmentFile.objects.filter(assessment=assessment, version_count__gt=0).exists():
        raise ValidationError("The assessment's file has been submitted: the assessment took place and stands.")
    assessment.state = AssessmentState.CANCELLED
    assessment.cancelled_at = timezone.now()
    assessment.cancel_reason = reason.strip()
    assessment.owner = None  # the assessor no longer reaches it (nor the candidate's adjustments)
    assessment.save(update_fields=["state", "cancelled_at", "cancel_reason", "owner"])
    deadline_cancel(kind=TASKS_DEADLINE_KIND, subject=assessment)
    grants_revoke_for(obj=assessment)
    assessment_file_close(assessment=assessment)
    return assessment


@transaction.atomic
def assessment_reallocate(
    *, assessment: Assessment, assessor: Assessor, acting_user: User | None, reason: str, cap_override_reason: str = ""
) -> Assessment:
    """Give a booked assessment to another assessor on the same date (e.g. after a suspension, ASR-8)."""
    old = Assessment.objects.select_related("candidate").get(pk=assessment.pk)
    assessment_cancel(assessment=old, acting_user=acting_user, reason=reason)
    new = assessment_book(
        candidate=old.candidate,
        assessor=assessor,
        starts_at=old.starts_at,
        acting_user=acting_user,
        mode=old.mode,
        teacher_name=old.teacher_name,
        senior_leader_name=old.senior_leader_name,
        cap_override_reason=cap_override_reason,
        unpaid_exception_reason=old.unpaid_exception_reason,
        confirm_outside_window=True,
    )
    assessment_file_move(old=old, new=new)
    return new


@dataclass
class BulkResult:
    """What a cohort allocation did: who was booked with whom, and who was not and why."""

    booked: list[Assessment] = field(default_factory=list)
    not_booked: list[tuple[Candidate, str]] = field(default_factory=list)


def assessments_bulk_allocate(
    *, candidates: list[Candidate], starts_at: datetime, acting_user: User | None, unpaid_exception_reason: str = ""
) -> BulkResult:
    """Allocate a cohort on one date: each candidate gets the best-ranked assessor with room; a candidate who cannot
    be booked is reported with the reason and the others go ahead (each booking is its own transaction). The register
    is loaded once per RPA and kept up to date in memory; every booking still checks every rule under the lock."""
    result = BulkResult()
    monday = week_start(timezone.localtime(starts_at).date())
    registers: dict[int, Any] = {}
    for candidate in candidates:
        if candidate.rpa_id not in registers:
            registers[candidate.rpa_id] = register_for_week(pool=assessor_pool(candidate=candidate), monday=monday)
        booked, reason = None, "no assessor can take the candidate that week"
        for proposal in proposals_rank(register=registers[candidate.rpa_id], candidate=candidate):
            if not proposal.eligible:
                break  # ranked: the rest are not eligible either
            try:
                booked = assessment_book(
                    candidate=candidate,
                    assessor=proposal.assessor,
                    starts_at=starts_at,
                    acting_user=acting_user,
                    unpaid_exception_reason=unpaid_exception_reason,
                    confirm_outside_window=True,
                )
            except ValidationError as refusal:
                reason = " ".join(refusal.messages)
                # Only a refusal about this assessor (full week, status changed meanwhile) is worth trying the next
                # one for; anything about the candidate would refuse every assessor the same way.
                if not set(getattr(refusal, "error_dict", {"candidate": None})) <= {"assessor", "cap_override_reason"}:
                    break
                continue
            proposal.assessor.week_count += 1  # type: ignore[attr-defined]
            if booked.is_first_solo:
                proposal.assessor.status = AssessorStatus.FIRST_SOLO_PENDING_QA
            break
        if booked is None:
            result.not_booked.append((candidate, reason))
        else:
            result.booked.append(booked)
    return result


# --- the calendar feed ----------------------------------------------------------------------------------


@transaction.atomic
def calendar_token_issue(*, assessor: Assessor) -> str:
    """A new secret for the assessor's calendar feed; the old link stops working."""
    assessor.calendar_token = secrets.token_urlsafe(32)
    assessor.save(update_fields=["calendar_token"])
    return assessor.calendar_token


@transaction.atomic
def calendar_token_revoke(*, assessor: Assessor) -> None:
    """Turn the calendar feed off."""
    assessor.calendar_token = None
    assessor.save(update_fields=["calendar_token"])
