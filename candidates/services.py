"""Writes of the candidates app: each service checks its rule, writes atomically, refreshes the candidate's
state, and schedules deadlines and messages on commit. Views, serializers, admin and tasks only call these."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core import signing
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from candidates.models import (
    Candidate,
    ChangeReport,
    DisabilityDisclosure,
    EmployerDeclaration,
    EvidenceState,
    FundingSource,
    Invoice,
    InvoiceLine,
    Level2Evidence,
    Level2Qualification,
    LineKind,
    Payment,
    PreparationCourse,
    ReadinessDecision,
    RegionalCharge,
    Subject,
)
from candidates.selectors import ELIGIBLE_AGE_TO, candidate_checklist, candidate_status_compute
from hnap.deadlines import deadline_cancel, deadline_meet, deadline_schedule
from hnap.files import CheckedUpload, file_delete, file_store_encrypted
from hnap.models import RPA, Notification, PreparationProvider, School, User
from hnap.roles import Role
from hnap.selectors import national_fee_on
from hnap.workdays import calendar_for, end_of_day

LEVEL2_DEADLINE_KIND = "candidates.level2_evidence"
# S11-1: the copies reach the RPA "well before" the final session: five working days before it.
LEVEL2_DUE_WORKING_DAYS_BEFORE_FINAL = 5
DECLARATION_SALT = "candidates.employer-declaration"


# --- courses ---------------------------------------------------------------------------------------


def _check_course_dates(*, first_session: date, second_session: date, final_session: date) -> None:
    if not first_session <= second_session <= final_session:
        raise ValidationError(
            {"second_session": "The sessions must be in order: first, then second, then final."}, code="order"
        )


@transaction.atomic
def course_create(
    *,
    pop: PreparationProvider,
    rpa: RPA,
    name: str,
    first_session: date,
    second_session: date,
    final_session: date,
) -> PreparationCourse:
    """Add a PoP's preparation course for candidates registering with one of the PoP's RPAs."""
    if not pop.rpas.filter(pk=rpa.pk).exists():
        raise ValidationError({"rpa": f"{pop.name} does not prepare candidates for {rpa.name}."}, code="rpa")
    _check_course_dates(first_session=first_session, second_session=second_session, final_session=final_session)
    return PreparationCourse.objects.create(
        pop=pop,
        rpa=rpa,
        name=name,
        first_session=first_session,
        second_session=second_session,
        final_session=final_session,
    )


@transaction.atomic
def course_update(*, course: PreparationCourse, **changes: Any) -> PreparationCourse:
    """Change a course's name or session dates; open Level 2 deadlines of its candidates follow the final date."""
    for name in ("name", "first_session", "second_session", "final_session"):
        if name in changes:
            setattr(course, name, changes[name])
    _check_course_dates(
        first_session=course.first_session, second_session=course.second_session, final_session=course.final_session
    )
    course.save()
    for candidate in course.candidates.filter(submitted_at__isnull=False, registered_at__isnull=True):
        deadline_cancel(kind=LEVEL2_DEADLINE_KIND, subject=candidate)
        _schedule_level2_deadline(candidate=candidate)
    return course


# --- applications ------------------------------------------------------------------------------------


def _rpa_for(*, school: School, pop: PreparationProvider, course: PreparationCourse) -> RPA:
    """REGION-1: the school's area decides the RPA; the course and the PoP must work with that RPA."""
    if school.rpa_id is None:
        raise ValidationError(
            {"school": f"No RPA covers {school.name}'s area ({school.local_authority}). Contact the Partnership."},
            code="no_rpa",
        )
    assert school.rpa is not None
    if course.pop_id != pop.pk:
        raise ValidationError({"course": "Choose one of your own courses."}, code="course")
    if course.rpa_id != school.rpa_id:
        raise ValidationError(
            {
                "course": f"{school.name} is in {school.rpa.name}'s area, but this course registers candidates with "
                f"{course.rpa.name}. Choose a {school.rpa.name} course."
            },
            code="course_rpa",
        )
    return school.rpa


def _check_application(*, age_range_from: int, age_range_to: int, funding_source: str, funder_name: str) -> None:
    errors: dict[str, str] = {}
    if age_range_from > age_range_to:
        errors["age_range_to"] = "The oldest age must not be less than the youngest."
    elif age_range_from < 2:
        errors["age_range_from"] = "HLTA status is for work with children aged 3 to 19 (2 in a school-run nursery)."
    elif age_range_from > ELIGIBLE_AGE_TO:
        errors["age_range_from"] = "HLTA status is for work with children and young people aged 3 to 19."
    if funding_source not in FundingSource.values:
        errors["funding_source"] = "Choose who funds the assessment."
    elif funding_source == FundingSource.ORGANISATION and not funder_name.strip():
        errors["funder_name"] = "Enter the name of the organisation that funds the assessment."
    if errors:
        raise ValidationError(errors)


def candidate_status_refresh(*, candidate: Candidate) -> Candidate:
    """Store the candidate's state as computed from the facts (the list filters by it)."""
    candidate = (
        Candidate.objects.select_for_update(of=("self",))
        .prefetch_related("declarations", "level2_evidence")
        .get(pk=candidate.pk)
    )
    status = candidate_status_compute(candidate=candidate)
    if status != candidate.status:
        candidate.status = status
        candidate.save(update_fields=["status"])
    return candidate


@transaction.atomic
def candidate_apply(
    *,
    acting_user: User | None,
    pop: PreparationProvider,
    course: PreparationCourse,
    school: School,
    first_name: str,
    last_name: str,
    email: str,
    job_title: str,
    age_range_from: int,
    age_range_to: int,
    funding_source: str,
    funder_name: str = "",
    date_of_birth: date | None = None,
    phone: str = "",
    nursery_exception_reason: str = "",
    disability_disclosure: str = "",
    adjustments_requested: str = "",
) -> Candidate:
    """Start an application for a candidate at a school; the school's region decides the RPA (REGION-1)."""
    rpa = _rpa_for(school=school, pop=pop, course=course)
    _check_application(
        age_range_from=age_range_from,
        age_range_to=age_range_to,
        funding_source=funding_source,
        funder_name=funder_name,
    )
    if age_range_from < 3 and not nursery_exception_reason.strip():
        raise ValidationError(
            {
                "nursery_exception_reason": "Working with 2-year-olds is eligible only in a school-run nursery: "
                "say why this setting is suitable, for the RPA to approve."
            }
        )
    candidate = Candidate.objects.create(
        rpa=rpa,
        reference=f"new-{timezone.now().timestamp()}-{first_name[:5]}",
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip().lower(),
        phone=phone.strip(),
        date_of_birth=date_of_birth,
        school=school,
        job_title=job_title.strip(),
        age_range_from=age_range_from,
        age_range_to=age_range_to,
        nursery_exception_reason=nursery_exception_reason.strip(),
        funding_source=funding_source,
        funder_name=funder_name.strip(),
        pop=pop,
        course=course,
        created_by=acting_user,
    )
    candidate.reference = f"HLTA-{candidate.created_at:%Y}-{candidate.pk:06d}"
    candidate.save(update_fields=["reference"])
    if disability_disclosure.strip():
        DisabilityDisclosure.objects.create(
            rpa=rpa,
            candidate=candidate,
            disclosure=disability_disclosure.strip(),
            adjustments_requested=adjustments_requested.strip(),
        )
    return candidate


EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "job_title",
    "age_range_from",
    "age_range_to",
    "nursery_exception_reason",
    "funding_source",
    "funder_name",
    "school",
    "course",
)


@transaction.atomic
def candidate_update(*, candidate: Candidate, acting_user: User | None, **changes: Any) -> Candidate:
    """Correct an application's details. Once registered, a PoP reports changes instead (REG-7); the RPA edits."""
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    if candidate.withdrawn_at:
        raise ValidationError("The application was withdrawn; it can no longer be changed.", code="withdrawn")
    placed = (candidate.school_id, candidate.course_id)
    for name, value in changes.items():
        setattr(candidate, name, value.strip() if isinstance(value, str) else value)
    # REGION-1 decides again only when the school or course changes: a candidate transferred to another RPA (RISK-1,
    # the recorded exception) keeps their RPA through every other correction.
    moved = (candidate.school_id, candidate.course_id) != placed
    rpa = _rpa_for(school=candidate.school, pop=candidate.pop, course=candidate.course) if moved else candidate.rpa
    if rpa.pk != candidate.rpa_id:
        # Another RPA's area: that is a transfer (RISK-1), never an edit (REGION-1).
        raise ValidationError(
            {
                "school": f"{candidate.school.name} is in {rpa.name}'s area: moving a candidate to another RPA is a "
                "transfer, which the RPA arranges."
            },
            code="region",
        )
    _check_application(
        age_range_from=candidate.age_range_from,
        age_range_to=candidate.age_range_to,
        funding_source=candidate.funding_source,
        funder_name=candidate.funder_name,
    )
    candidate.save()
    return candidate_status_refresh(candidate=candidate)


def _schedule_level2_deadline(*, candidate: Candidate) -> None:
    final = candidate.course.final_session
    due_day = calendar_for(rpa_id=candidate.rpa_id).working_days_before(final, LEVEL2_DUE_WORKING_DAYS_BEFORE_FINAL)
    due_at = max(end_of_day(due_day), end_of_day(timezone.localdate()))
    deadline_schedule(
        rpa=candidate.rpa,
        kind=LEVEL2_DEADLINE_KIND,
        title=f"Level 2 evidence for {candidate.full_name} ({candidate.reference})",
        subject=candidate,
        responsible=candidate.created_by,
        due_at=due_at,
    )


@transaction.atomic
def candidate_submit(*, candidate: Candidate, acting_user: User | None) -> Candidate:
    """Send the application to the RPA; the deadline engine starts chasing the Level 2 evidence (S11-1)."""
    if candidate.submitted_at:
        return candidate
    candidate.submitted_at = timezone.now()
    candidate.save(update_fields=["submitted_at"])
    if not _level2_complete(candidate=candidate):
        _schedule_level2_deadline(candidate=candidate)
    _notify_rpa_admins(
        rpa_id=candidate.rpa_id,
        subject=f"New application: {candidate.full_name}",
        body=f"{candidate.pop.name} submitted an application for {candidate} at {candidate.school.name}.",
        link=f"/candidates/{candidate.pk}/",
    )
    return candidate_status_refresh(candidate=candidate)


@transaction.atomic
def candidate_withdraw(*, candidate: Candidate, acting_user: User | None, reason: str) -> Candidate:
    """Withdraw an application (the candidate leaves); open deadlines about it are cancelled."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the application is withdrawn."})
    if candidate.withdrawn_at:
        return candidate
    candidate.withdrawn_at = timezone.now()
    candidate.withdrawn_reason = reason.strip()
    candidate.save(update_fields=["withdrawn_at", "withdrawn_reason"])
    deadline_cancel(kind=LEVEL2_DEADLINE_KIND, subject=candidate)
    return candidate_status_refresh(candidate=candidate)


# --- employer declaration (REG-3, REG-5) -------------------------------------------------------------


def declaration_token(*, declaration: EmployerDeclaration) -> str:
    """The single-use link's token: signed, so it can be rebuilt from the declaration's id in a task."""
    return signing.dumps([declaration.pk, declaration.nonce], salt=DECLARATION_SALT, compress=True)


def declaration_link(*, declaration: EmployerDeclaration) -> str:
    """The full address of the declaration page for the email."""
    return f"{settings.HNAP_BASE_URL}/employer-declaration/{declaration_token(declaration=declaration)}/"


def declaration_for_token(*, token: str) -> EmployerDeclaration | None:
    """The declaration a token belongs to, or None for a forged or replaced one (expiry is checked by the page)."""
    try:
        pk, nonce = signing.loads(token, salt=DECLARATION_SALT)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return (
        EmployerDeclaration.objects.select_related("candidate__school", "candidate__rpa", "candidate__pop")
        .filter(pk=pk, nonce=nonce)
        .first()
    )


@transaction.atomic
def declaration_request(
    *, candidate: Candidate, acting_user: User | None, sent_to_name: str, sent_to_email: str
) -> EmployerDeclaration:
    """Email the headteacher or senior leader a single-use link; an earlier unused link stops working."""
    if candidate.withdrawn_at:
        raise ValidationError("The application was withdrawn.", code="withdrawn")
    if candidate.declarations.filter(declared_at__isnull=False).exists():
        raise ValidationError("The employer has already completed the declaration.", code="done")
    now = timezone.now()
    candidate.declarations.filter(declared_at__isnull=True, withdrawn_at__isnull=True).update(withdrawn_at=now)
    declaration = EmployerDeclaration.objects.create(
        rpa_id=candidate.rpa_id,
        candidate=candidate,
        sent_to_name=sent_to_name.strip(),
        sent_to_email=sent_to_email.strip().lower(),
        expires_at=now + timedelta(days=settings.HNAP_DECLARATION_LINK_DAYS),
        requested_by=acting_user,
    )
    from candidates.tasks import employer_declaration_send

    transaction.on_commit(lambda: employer_declaration_send.delay(declaration.pk))
    return declaration


@transaction.atomic
def declaration_complete(
    *,
    declaration: EmployerDeclaration,
    declarer_name: str,
    declarer_role: str,
    suitable: bool,
    whole_class_twice: bool,
    level2_evidence_seen: bool,
    opportunities_all_standards: bool,
) -> tuple[EmployerDeclaration, bool]:
    """Record the declaration once; returns (declaration, whether this call recorded it). A second use changes
    nothing; an expired or replaced link is refused."""
    declaration = EmployerDeclaration.objects.select_for_update().get(pk=declaration.pk)
    if declaration.declared_at is not None:
        return declaration, False
    if declaration.withdrawn_at is not None:
        raise ValidationError("This link was replaced by a newer one. Use the link in the latest email.", code="old")
    if declaration.expires_at <= timezone.now():
        raise ValidationError(
            "This link has expired. Ask the candidate's Provider of Preparation to send a new one.", code="expired"
        )
    errors: dict[str, str] = {}
    if not declarer_name.strip():
        errors["declarer_name"] = "Enter your full name."
    if not declarer_role.strip():
        errors["declarer_role"] = "Enter your role, for example Headteacher."
    statements = {
        "suitable": suitable,
        "whole_class_twice": whole_class_twice,
        "level2_evidence_seen": level2_evidence_seen,
        "opportunities_all_standards": opportunities_all_standards,
    }
    for name, value in statements.items():
        if not value:
            errors[name] = "You can only support the application if you can confirm this."
    if errors:
        raise ValidationError(errors)
    declaration.declarer_name = declarer_name.strip()
    declaration.declarer_role = declarer_role.strip()
    for name, value in statements.items():
        setattr(declaration, name, value)
    declaration.declared_at = timezone.now()
    declaration.save()
    candidate_status_refresh(candidate=declaration.candidate)
    return declaration, True


# --- Standard 11: Level 2 evidence -------------------------------------------------------------------


def _level2_complete(*, candidate: Candidate) -> bool:
    live = set(
        candidate.level2_evidence.filter(state__in=[EvidenceState.SUBMITTED, EvidenceState.ACCEPTED]).values_list(
            "subject", flat=True
        )
    )
    return live >= {Subject.ENGLISH, Subject.MATHS}


@transaction.atomic
def evidence_upload(
    *,
    candidate: Candidate,
    acting_user: User | None,
    subject: str,
    qualification: Level2Qualification,
    grade: str,
    achieved_on: date,
    verified_by_name: str,
    original_seen_on: date,
    copy_is_exact: bool,
    upload: CheckedUpload,
    other_qualification_name: str = "",
) -> Level2Evidence:
    """Store an encrypted copy of a Level 2 certificate with the PoP's signed verification (S11-1, S11-4, S11-5)."""
    errors: dict[str, str] = {}
    if subject not in Subject.values:
        errors["subject"] = "Choose English or maths."
    elif qualification.subject != subject or not qualification.active:
        errors["qualification"] = "Choose a qualification from the accepted list for this subject."
    if qualification.needs_rpa_decision and not other_qualification_name.strip():
        errors["other_qualification_name"] = "Enter the full name of the qualification and who awarded it."
    if not grade.strip():
        errors["grade"] = "Enter the grade or level achieved."
    if achieved_on > timezone.localdate():
        errors["achieved_on"] = "The date achieved must be in the past."
    if not verified_by_name.strip():
        errors["verified_by_name"] = "Enter the name of the person who saw the original."
    if original_seen_on > timezone.localdate():
        errors["original_seen_on"] = "The date the original was seen must not be in the future."
    if not copy_is_exact:
        errors["copy_is_exact"] = "Confirm that you saw the original and the copy is an exact replica of it."
    if candidate.withdrawn_at:
        errors["subject"] = "The application was withdrawn."
    if errors:
        raise ValidationError(errors)
    live = (
        Level2Evidence.objects.select_for_update()
        .filter(candidate=candidate, subject=subject, state__in=[EvidenceState.SUBMITTED, EvidenceState.ACCEPTED])
        .first()
    )
    if live is not None and live.state == EvidenceState.ACCEPTED:
        raise ValidationError(
            {"subject": f"The RPA has already accepted the {live.get_subject_display()} evidence."}, code="accepted"
        )
    if live is not None:
        live.state = EvidenceState.SUPERSEDED
        live.save(update_fields=["state"])
    path, key_id = file_store_encrypted(upload=upload, folder=f"level2/{candidate.rpa_id}")
    try:
        with transaction.atomic():
            evidence = Level2Evidence.objects.create(
                rpa_id=candidate.rpa_id,
                candidate=candidate,
                subject=subject,
                qualification=qualification,
                other_qualification_name=other_qualification_name.strip(),
                grade=grade.strip(),
                achieved_on=achieved_on,
                file_path=path,
                file_name=upload.name,
                file_type=upload.content_type,
                file_size=upload.size,
                file_sha256=upload.sha256,
                file_key_id=key_id,
                verified_by_name=verified_by_name.strip(),
                original_seen_on=original_seen_on,
                uploaded_by=acting_user,
            )
    except Exception:
        # A failed step rolls back whole: the encrypted copy goes with the record that would have named it.
        file_delete(path=path)
        raise
    if _level2_complete(candidate=candidate):
        deadline_meet(kind=LEVEL2_DEADLINE_KIND, subject=candidate)
    candidate_status_refresh(candidate=candidate)
    return evidence


@transaction.atomic
def evidence_decide(
    *, evidence: Level2Evidence, acting_user: User | None, accept: bool, note: str = ""
) -> Level2Evidence:
    """The RPA accepts or rejects a subject's evidence (S11-2); a rejection says what is missing (S11-3)."""
    evidence = (
        Level2Evidence.objects.select_for_update().select_related("qualification", "candidate").get(pk=evidence.pk)
    )
    if evidence.state != EvidenceState.SUBMITTED:
        raise ValidationError(f"This evidence was already {evidence.get_state_display().lower()}.", code="decided")
    if not accept and not note.strip():
        raise ValidationError({"note": "Say what is wrong or missing: the PoP and the candidate are told."})
    if accept and evidence.qualification.needs_rpa_decision and not note.strip():
        raise ValidationError({"note": "Record why this qualification is accepted as Level 2 (S11-5)."})
    evidence.state = EvidenceState.ACCEPTED if accept else EvidenceState.REJECTED
    evidence.decided_by = acting_user
    evidence.decided_at = timezone.now()
    evidence.decision_note = note.strip()
    evidence.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    candidate = evidence.candidate
    if not accept:
        candidate.level2_outcome_note = (
            f"{evidence.get_subject_display()}: {evidence.decision_note} The candidate must meet the Level 2 "
            "requirement before they can go on with preparation and registration."
        )
        candidate.save(update_fields=["level2_outcome_note"])
        _notify_level2_rejection(candidate=candidate, evidence=evidence)
    elif (
        candidate.level2_outcome_note
        and not candidate.level2_evidence.filter(state=EvidenceState.SUBMITTED).exclude(pk=evidence.pk).exists()
    ):
        candidate.level2_outcome_note = ""
        candidate.save(update_fields=["level2_outcome_note"])
    candidate_status_refresh(candidate=candidate)
    return evidence


def _notify_level2_rejection(*, candidate: Candidate, evidence: Level2Evidence) -> None:
    subject = f"Level 2 {evidence.get_subject_display()} evidence not accepted: {candidate.full_name}"
    body = (
        f"{candidate.rpa.name} could not accept the Level 2 {evidence.get_subject_display()} evidence for "
        f"{candidate.full_name} ({candidate.reference}). What is missing: {evidence.decision_note}\n"
        "The candidate must meet the Level 2 requirement (HLTA Standard 11) before they can go on with "
        "preparation and registration."
    )
    for user in User.objects.filter(memberships__role=Role.POP_USER, memberships__pop=candidate.pop_id).distinct():
        Notification.objects.create(user=user, subject=subject, body=body, link=f"/candidates/{candidate.pk}/")
    if candidate.user_id:
        Notification.objects.create(user_id=candidate.user_id, subject=subject, body=body, link="/candidates/")
    from candidates.tasks import candidate_email

    transaction.on_commit(lambda: candidate_email.delay(candidate.pk, subject, body))


# --- the RPA's review -------------------------------------------------------------------------------


@transaction.atomic
def nursery_exception_approve(*, candidate: Candidate, acting_user: User | None, reason: str) -> Candidate:
    """REG-1: the RPA approves the school-run nursery exception for work with 2-year-olds, with its reason."""
    if not candidate.needs_nursery_exception:
        raise ValidationError("The candidate's age range needs no exception.", code="not_needed")
    if not reason.strip():
        raise ValidationError({"reason": "Record why the exception is approved."})
    candidate.nursery_exception_reason = reason.strip()
    candidate.nursery_exception_approved_by = acting_user
    candidate.nursery_exception_approved_at = timezone.now()
    candidate.save(
        update_fields=["nursery_exception_reason", "nursery_exception_approved_by", "nursery_exception_approved_at"]
    )
    return candidate_status_refresh(candidate=candidate)


@transaction.atomic
def readiness_decide(*, candidate: Candidate, acting_user: User | None, ready: bool, note: str = "") -> Candidate:
    """REG-4: the RPA judges readiness through the application; the decision, who and when are recorded."""
    if candidate.submitted_at is None:
        raise ValidationError("The application has not been submitted yet.", code="draft")
    if candidate.registered_at or candidate.withdrawn_at:
        raise ValidationError("Readiness can no longer be changed.", code="closed")
    if not ready and not note.strip():
        raise ValidationError({"note": "Say why the candidate is not ready: the PoP is told."})
    candidate.readiness = ReadinessDecision.APPROVED if ready else ReadinessDecision.DECLINED
    candidate.readiness_note = note.strip()
    candidate.readiness_by = acting_user
    candidate.readiness_at = timezone.now()
    candidate.save(update_fields=["readiness", "readiness_note", "readiness_by", "readiness_at"])
    return candidate_status_refresh(candidate=candidate)


@transaction.atomic
def candidate_register(*, candidate: Candidate, acting_user: User | None) -> Candidate:
    """Register a candidate whose checklist is complete; registration after the second session is late (REG-6)."""
    candidate = Candidate.objects.select_for_update(of=("self",)).select_related("course").get(pk=candidate.pk)
    if candidate.registered_at:
        return candidate
    if candidate.withdrawn_at:
        raise ValidationError("The application was withdrawn.", code="withdrawn")
    if candidate.submitted_at is None:
        raise ValidationError("The application has not been submitted yet.", code="draft")
    candidate = Candidate.objects.prefetch_related("declarations", "level2_evidence").get(pk=candidate.pk)
    missing = [check.missing for check in candidate_checklist(candidate=candidate) if not check.ok]
    if missing:
        raise ValidationError(["The candidate cannot be registered yet:", *missing], code="incomplete")
    now = timezone.now()
    candidate.registered_at = now
    candidate.registered_by = acting_user
    candidate.registered_late = timezone.localdate(now) > candidate.course.second_session
    candidate.save(update_fields=["registered_at", "registered_by", "registered_late"])
    return candidate_status_refresh(candidate=candidate)


@transaction.atomic
def disclosure_record_adjustments(
    *, disclosure: DisabilityDisclosure, acting_user: User | None, adjustments_made: str
) -> DisabilityDisclosure:
    """REG-8: the RPA records the reasonable adjustments it will make; the assessor sees them."""
    if not adjustments_made.strip():
        raise ValidationError({"adjustments_made": "Describe the adjustments the RPA will make."})
    disclosure.adjustments_made = adjustments_made.strip()
    disclosure.adjustments_recorded_by = acting_user
    disclosure.adjustments_recorded_at = timezone.now()
    disclosure.save(update_fields=["adjustments_made", "adjustments_recorded_by", "adjustments_recorded_at"])
    return disclosure


@transaction.atomic
def disclosure_add(
    *, candidate: Candidate, acting_user: User | None, disclosure: str, adjustments_requested: str = ""
) -> DisabilityDisclosure:
    """REG-8: record a disability the candidate chose to disclose (invited, never required)."""
    if not disclosure.strip():
        raise ValidationError({"disclosure": "Enter what the candidate wants the RPA to know."})
    record, _ = DisabilityDisclosure.objects.update_or_create(
        candidate=candidate,
        defaults={
            "rpa_id": candidate.rpa_id,
            "disclosure": disclosure.strip(),
            "adjustments_requested": adjustments_requested.strip(),
        },
    )
    return record


# --- changes (REG-7) ----------------------------------------------------------------------------------


@transaction.atomic
def change_report_create(
    *, candidate: Candidate, acting_user: User | None, kind: str, description: str
) -> ChangeReport:
    """A PoP reports a mistake, a change or anomalous circumstances; the RPA's administrators are told."""
    if not description.strip():
        raise ValidationError({"description": "Describe the mistake, change or circumstances."})
    report = ChangeReport.objects.create(
        rpa_id=candidate.rpa_id,
        candidate=candidate,
        kind=kind,
        description=description.strip(),
        reported_by=acting_user,
    )
    _notify_rpa_admins(
        rpa_id=candidate.rpa_id,
        subject=f"Change reported: {candidate.full_name}",
        body=f"{report.get_kind_display()}: {report.description}",
        link=f"/change-reports/{report.pk}/",
    )
    return report


@transaction.atomic
def change_report_resolve(*, report: ChangeReport, acting_user: User | None, resolution: str) -> ChangeReport:
    """The RPA resolves a report, saying what it did; the candidate's record keeps the history."""
    if report.resolved_at:
        raise ValidationError("This report is already resolved.", code="resolved")
    if not resolution.strip():
        raise ValidationError({"resolution": "Say what was done about the report."})
    report.resolution = resolution.strip()
    report.resolved_by = acting_user
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return report


# --- fees and payment (PAY-1, PAY-2) ---------------------------------------------------------------


@transaction.atomic
def regional_charge_save(
    *, rpa: RPA, name: str, amount_pence: int, description: str = "", charge: RegionalCharge | None = None
) -> RegionalCharge:
    """Add or change a named regional charge (never the assessment fee, which the Partnership sets)."""
    if "assessment fee" in name.lower():
        raise ValidationError({"name": "The assessment fee is set nationally; a regional charge needs its own name."})
    charge = charge or RegionalCharge(rpa=rpa)
    charge.name, charge.amount_pence, charge.description = name.strip(), amount_pence, description.strip()
    try:
        with transaction.atomic():
            charge.save()
    except IntegrityError as error:
        raise ValidationError({"name": "There is already a regional charge with this name."}) from error
    return charge


@transaction.atomic
def invoice_issue(
    *,
    candidate: Candidate,
    acting_user: User | None,
    payer: str,
    payer_name: str,
    regional_charges: list[RegionalCharge] | tuple[RegionalCharge, ...] = (),
    issued_on: date | None = None,
) -> Invoice:
    """Invoice the national assessment fee in force (PAY-2) plus any named regional charges."""
    issued_on = issued_on or timezone.localdate()
    fee = national_fee_on(day=issued_on)
    if fee is None:
        raise ValidationError("No national assessment fee is in force on that date. The Partnership sets it.")
    if payer not in FundingSource.values:
        raise ValidationError({"payer": "Choose who pays."})
    if not payer_name.strip():
        raise ValidationError({"payer_name": "Enter the name of the payer."})
    if candidate.invoices.filter(cancelled_at__isnull=True).exists():
        raise ValidationError("The candidate already has an invoice; cancel it before issuing another.", code="dup")
    for charge in regional_charges:
        if charge.rpa_id != candidate.rpa_id or not charge.active:
            raise ValidationError({"regional_charges": "Choose your RPA's current regional charges."})
    invoice = Invoice.objects.create(
        rpa_id=candidate.rpa_id,
        candidate=candidate,
        # A unique placeholder that fits the column whatever the candidate's id; the real number needs the row's id.
        number=f"pending-{uuid4().hex[:20]}",
        payer=payer,
        payer_name=payer_name.strip(),
        issued_on=issued_on,
        issued_by=acting_user,
    )
    invoice.number = f"INV-{issued_on:%Y}-{invoice.pk:06d}"
    invoice.save(update_fields=["number"])
    lines = [
        InvoiceLine(
            rpa_id=candidate.rpa_id,
            invoice=invoice,
            kind=LineKind.ASSESSMENT_FEE,
            description="HLTA assessment (national fee)",
            amount_pence=fee.amount_pence,
        )
    ]
    lines += [
        InvoiceLine(
            rpa_id=candidate.rpa_id,
            invoice=invoice,
            kind=LineKind.REGIONAL_CHARGE,
            description=charge.name,
            amount_pence=charge.amount_pence,
        )
        for charge in regional_charges
    ]
    InvoiceLine.objects.bulk_create(lines)
    return invoice


@transaction.atomic
def invoice_cancel(*, invoice: Invoice, acting_user: User | None) -> Invoice:
    """Cancel an invoice issued in error (its payments no longer count)."""
    if invoice.cancelled_at is None:
        invoice.cancelled_at = timezone.now()
        invoice.save(update_fields=["cancelled_at"])
    return invoice


@transaction.atomic
def payment_record(
    *, invoice: Invoice, acting_user: User | None, amount_pence: int, received_on: date, reference: str = ""
) -> Payment:
    """Record money received against an invoice."""
    if invoice.cancelled_at:
        raise ValidationError("The invoice was cancelled.", code="cancelled")
    if amount_pence <= 0:
        raise ValidationError({"amount_pence": "Enter the amount received."})
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": "The date received must not be in the future."})
    return Payment.objects.create(
        rpa_id=invoice.rpa_id,
        invoice=invoice,
        amount_pence=amount_pence,
        received_on=received_on,
        reference=reference.strip(),
        recorded_by=acting_user,
    )


# --- the accepted Level 2 list (S11-5) ---------------------------------------------------------------


@transaction.atomic
def qualification_save(
    *,
    subject: str,
    name: str,
    minimum: str,
    needs_rpa_decision: bool = False,
    active: bool = True,
    qualification: Level2Qualification | None = None,
) -> Level2Qualification:
    """The Partnership adds or changes an accepted Level 2 qualification (retiring one keeps its history)."""
    qualification = qualification or Level2Qualification()
    qualification.subject, qualification.name, qualification.minimum = subject, name.strip(), minimum.strip()
    qualification.needs_rpa_decision, qualification.active = needs_rpa_decision, active
    try:
        with transaction.atomic():
            qualification.save()
    except IntegrityError as error:
        raise ValidationError({"name": "This qualification is already on the list for that subject."}) from error
    return qualification


# --- bulk: a cohort from a CSV ----------------------------------------------------------------------

IMPORT_COLUMNS = [
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "school_urn",
    "job_title",
    "age_range_from",
    "age_range_to",
    "funding_source",
    "funder_name",
    "nursery_exception_reason",
]
IMPORT_REQUIRED = {"first_name", "last_name", "email", "school_urn", "job_title", "age_range_from", "age_range_to",
                   "funding_source"}  # fmt: skip
IMPORT_MAX_ROWS = 500


@dataclass
class ImportResult:
    """What a cohort import did: the candidates created, or every row's errors and nothing created."""

    created: list[Candidate] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number as in a spreadsheet, message)

    @property
    def ok(self) -> bool:
        return not self.errors


def import_template() -> str:
    """The documented CSV template: the header and one example row."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(IMPORT_COLUMNS)
    writer.writerow(
        [
            "Alex",
            "Morgan",
            "alex.morgan@example.org",
            "07700 900123",
            "1985-04-12",
            "100000",
            "Teaching assistant",
            "5",
            "11",
            "school",
            "",
            "",
        ]
    )
    return out.getvalue()


def _message(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return "; ".join(f"{name.replace('_', ' ')}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def candidates_import(
    *, pop: PreparationProvider, course: PreparationCourse, acting_user: User | None, csv_text: str
) -> ImportResult:
    """Validate every row of a cohort CSV first; create all of them in one transaction, or none."""
    result = ImportResult()
    reader = csv.DictReader(io.StringIO(csv_text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = sorted(IMPORT_REQUIRED - set(header))
    if missing:
        result.errors.append((1, f"The header row is missing these columns: {', '.join(missing)}."))
        return result
    rows = list(reader)
    if not rows:
        result.errors.append((2, "The file has no candidates in it."))
        return result
    if len(rows) > IMPORT_MAX_ROWS:
        result.errors.append((1, f"At most {IMPORT_MAX_ROWS} candidates can be imported at once."))
        return result
    schools = {
        str(s.urn): s
        for s in School.objects.select_related("rpa").filter(
            urn__in=[r.get("school_urn", "").strip() for r in rows if r.get("school_urn", "").strip().isdigit()]
        )
    }
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen_emails: dict[str, int] = {}
    for number, raw in enumerate(rows, start=2):
        row = {k.strip(): (v or "").strip() for k, v in raw.items() if k}
        problems = [f"{name.replace('_', ' ')} is required" for name in sorted(IMPORT_REQUIRED) if not row.get(name)]
        school = schools.get(row.get("school_urn", ""))
        if row.get("school_urn") and school is None:
            problems.append(f"no school has URN {row['school_urn']}")
        values: dict[str, Any] = {}
        for name in ("age_range_from", "age_range_to"):
            try:
                values[name] = int(row.get(name, ""))
            except ValueError:
                if row.get(name):
                    problems.append(f"{name.replace('_', ' ')} must be a whole number")
        if row.get("date_of_birth"):
            try:
                values["date_of_birth"] = date.fromisoformat(row["date_of_birth"])
            except ValueError:
                problems.append("date of birth must be a date like 1985-04-12")
        problems += _import_value_problems(row=row, values=values)
        email = row.get("email", "").lower()
        if email and email in seen_emails:
            problems.append(f"the same email address is on row {seen_emails[email]}")
        seen_emails.setdefault(email, number)
        if problems:
            result.errors.append((number, "; ".join(problems) + "."))
            continue
        parsed.append(
            (
                number,
                {
                    "school": school,
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "email": email,
                    "phone": row.get("phone", ""),
                    "job_title": row["job_title"],
                    "funding_source": row["funding_source"].lower(),
                    "funder_name": row.get("funder_name", ""),
                    "nursery_exception_reason": row.get("nursery_exception_reason", ""),
                    **values,
                },
            )
        )
    try:
        with transaction.atomic():
            for number, values in parsed:
                try:
                    with transaction.atomic():
                        result.created.append(
                            candidate_apply(acting_user=acting_user, pop=pop, course=course, **values)
                        )
                except ValidationError as error:
                    result.errors.append((number, _message(error)))
            if result.errors:
                raise _ImportRefused
    except _ImportRefused:
        result.created = []
        result.errors.sort()
    return result


class _ImportRefused(Exception):
    """Rolls the whole import back when any row failed."""


_IMPORT_AGES = range(0, 26)  # as the application form allows


def _import_value_problems(*, row: dict[str, str], values: dict[str, Any]) -> list[str]:
    """What in a row the database could not store as typed (a NUL character, a value longer than its column, an age
    out of range or the wrong way round): found here, it is a row error instead of a failed import."""
    problems = []
    if any("\x00" in value for value in row.values()):
        problems.append("the row contains a NUL character, which cannot be stored")
    for name in IMPORT_COLUMNS:
        try:
            limit = getattr(Candidate._meta.get_field(name), "max_length", None)
        except FieldDoesNotExist:
            continue
        if limit and len(row.get(name, "")) > limit:
            problems.append(f"{name.replace('_', ' ')} must be at most {limit} characters")
    ages = [values.get(name) for name in ("age_range_from", "age_range_to")]
    for name, age in zip(("age range from", "age range to"), ages, strict=True):
        if age is not None and age not in _IMPORT_AGES:
            problems.append(f"{name} must be from {_IMPORT_AGES.start} to {_IMPORT_AGES.stop - 1}")
    if None not in ages and all(age in _IMPORT_AGES for age in ages) and ages[0] > ages[1]:  # type: ignore[operator]
        problems.append("age range from must not be more than age range to")
    return problems


# --- messages -----------------------------------------------------------------------------------------


def _notify_rpa_admins(*, rpa_id: int, subject: str, body: str, link: str) -> None:
    admins = User.objects.filter(
        memberships__role=Role.RPA_ADMIN, memberships__rpa_id=rpa_id, is_active=True
    ).distinct()
    Notification.objects.bulk_create(
        [Notification(user=admin, subject=subject, body=body, link=link) for admin in admins]
    )
