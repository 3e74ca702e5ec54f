"""Writes of the assessment file: the candidate's written tasks (ASM-2, PREP-3), the assessor's draft and its
submitted versions (ASM-4, ASM-5), pre-upload scrutiny (SCR-1, SCR-3), preparation feedback (PREP-1, PREP-2),
and confirmed results released only when paid (MOD-12, PAY-1)."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from assessments.file_documents import result_letter_pdf
from assessments.file_parts import F0_FIELDS, MEETING_KEYS, file_missing, part_clean
from assessments.file_selectors import (
    file_standard_numbers,
    file_task_sheets,
    month_start,
    tasks_due_at,
)
from assessments.models import (
    TASKS_DEADLINE_KIND,
    Assessment,
    AssessmentFile,
    AssessmentState,
    ConfirmedVia,
    DocumentIssue,
    DocumentKind,
    FileState,
    FileVersion,
    Outcome,
    PreparationFeedback,
    PreparationQuality,
    Result,
    ScrutinyDecision,
    ScrutinyDecisionKind,
    TaskDocument,
)
from candidates.models import Candidate
from candidates.selectors import candidate_is_paid, candidates_with_payment
from hnap.deadlines import deadline_meet, deadline_schedule
from hnap.files import CheckedUpload, file_delete, file_store_encrypted, upload_check
from hnap.models import Membership, Notification, User
from hnap.roles import Role
from hnap.workdays import end_of_day

REVISION_DEADLINE_KIND = "assessments.revision_due"
# SCR-1: working days an assessor has to revise a returned file before the deadline engine chases it.
REVISION_WORKING_DAYS = 5


def _email_candidate(*, file: AssessmentFile, subject: str, body: str) -> None:
    from candidates.tasks import candidate_email

    transaction.on_commit(lambda: candidate_email.delay(file.candidate_id, subject, body))


# --- the file's life with its booking ----------------------------------------------------------------------


@transaction.atomic
def assessment_file_open(*, assessment: Assessment, acting_user: User | None) -> AssessmentFile:
    """The file of a booked assessment, opened with F0 prefilled from registration. Its assessor owns it, whichever
    register they are on (a cross-RPA assessor reaches the assessment itself through its grant, ASR-5)."""
    existing = AssessmentFile.objects.filter(assessment=assessment).first()
    if existing is not None:
        return existing
    candidate = assessment.candidate
    earlier = Result.objects.filter(candidate=candidate, outcome__in=[Outcome.PARTIAL, Outcome.FULL]).exists()
    file = AssessmentFile.objects.create(
        rpa_id=assessment.rpa_id,
        assessment=assessment,
        candidate=candidate,
        assessor=assessment.assessor,
        owner=assessment.assessor.user,
        is_reassessment=earlier,
        draft={"f0": _personal_details(assessment=assessment)},
    )
    return file


def _personal_details(*, assessment: Assessment) -> dict[str, Any]:
    candidate = assessment.candidate
    values = {
        "full_name": candidate.full_name,
        "date_of_birth": candidate.date_of_birth.isoformat() if candidate.date_of_birth else "",
        "email": candidate.email,
        "school": f"{candidate.school.name} (URN {candidate.school.urn})",
        "job_title": candidate.job_title,
        "pop": candidate.pop.name,
        "assessment_date": timezone.localtime(assessment.starts_at).date().isoformat(),
    }
    assert set(values) == set(F0_FIELDS)
    return {**values, "confirmed": False}


@transaction.atomic
def assessment_file_move(*, old: Assessment, new: Assessment) -> AssessmentFile | None:
    """On reallocation the candidate's documents follow them to the new assessment's file (nothing to re-send)."""
    old_file = AssessmentFile.objects.filter(assessment=old).first()
    new_file = AssessmentFile.objects.filter(assessment=new).first()
    if old_file is None or new_file is None or old_file.version_count:
        return new_file
    old_file.documents.update(file=new_file)
    old_file.document_issues.update(file=new_file)
    new_file.tasks_sent_at, new_file.tasks_on_time = old_file.tasks_sent_at, old_file.tasks_on_time
    new_file.save(update_fields=["tasks_sent_at", "tasks_on_time"])
    return new_file


def assessment_file_close(*, assessment: Assessment) -> AssessmentFile | None:
    """A cancelled booking's file is closed and its assessor no longer reaches it."""
    file = AssessmentFile.objects.filter(assessment=assessment).first()
    if file is not None:
        file.state, file.owner = FileState.CLOSED, None
        file.save(update_fields=["state", "owner"])
    return file


def tasks_deadline_schedule(*, assessment: Assessment, note: str = "") -> None:
    """ASM-2: the deadline engine chases the candidate's written tasks, due 10 days before the assessment."""
    deadline_schedule(
        rpa=assessment.candidate.rpa,
        kind=TASKS_DEADLINE_KIND,
        title=f"Written tasks of {assessment.candidate.full_name} due to the assessor{note}",
        subject=assessment,
        responsible=assessment.candidate.user,
        due_at=max(tasks_due_at(starts_at=assessment.starts_at), end_of_day(timezone.localdate())),
    )


# --- the candidate's written tasks (ASM-2, PREP-3) -----------------------------------------------------------


def _documents_open(file: AssessmentFile) -> None:
    if file.assessment.state != AssessmentState.BOOKED or file.state == FileState.CLOSED:
        raise ValidationError("The assessment has been cancelled: there is nothing to send documents for.")
    if file.version_count:
        # SCR-1, MOD-8: once the file is submitted, no new evidence can be added to it.
        raise ValidationError("The file has been submitted: no new documents can be added to it.")


@transaction.atomic
def task_document_upload(
    *,
    file: AssessmentFile,
    kind: str,
    name: str,
    content: bytes,
    acting_user: User | None,
    task_number: int | None = None,
    title: str = "",
) -> TaskDocument:
    """Add a response sheet (F1-F8, replacing an earlier one for the same task) or a documentary evidence file,
    checked by content, size and name and stored encrypted."""
    file = AssessmentFile.objects.select_for_update().select_related("assessment").get(pk=file.pk)
    _documents_open(file)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": "Choose a response sheet or documentary evidence."})
    if kind == DocumentKind.TASK:
        if task_number not in range(1, 9):
            raise ValidationError({"task_number": "Choose the task (1 to 8) this response sheet is for."})
    else:
        task_number = None
        if not title.strip():
            raise ValidationError({"title": "Say what this evidence is."})
    if file.tasks_sent_at is not None:
        raise ValidationError(
            "The written tasks have been sent to the assessor. They can be changed only if the assessor or the RPA "
            "raises an issue with them."
        )
    try:
        checked = upload_check(name=name, content=content)
    except ValidationError as error:
        raise ValidationError({"upload": error.messages}) from error
    path, key_id = file_store_encrypted(upload=checked, folder=f"tasks/{file.rpa_id}")
    try:
        with transaction.atomic():
            if kind == DocumentKind.TASK:
                file.documents.filter(kind=kind, task_number=task_number, replaced_at__isnull=True).update(
                    replaced_at=timezone.now()
                )
            return TaskDocument.objects.create(
                rpa_id=file.rpa_id,
                file=file,
                kind=kind,
                task_number=task_number,
                title=title.strip()[:200],
                name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                stored_path=path,
                key_id=key_id,
                uploaded_by=acting_user,
            )
    except Exception:
        file_delete(path=path)
        raise


@transaction.atomic
def task_document_remove(*, document: TaskDocument, acting_user: User | None) -> None:
    """Take back a document before the tasks are sent (it is kept as replaced: nothing is ever lost)."""
    file = AssessmentFile.objects.select_for_update().select_related("assessment").get(pk=document.file_id)
    _documents_open(file)
    if file.tasks_sent_at is not None:
        raise ValidationError("The written tasks have been sent to the assessor and can no longer be changed.")
    TaskDocument.objects.filter(pk=document.pk).update(replaced_at=timezone.now())


@transaction.atomic
def tasks_send(*, file: AssessmentFile, acting_user: User | None) -> AssessmentFile:
    """ASM-2: the candidate sends the written tasks (all eight response sheets) and the documentary evidence to the
    assessor; whether they arrived at least 10 days before the assessment is recorded and shown."""
    file = AssessmentFile.objects.select_for_update().select_related("assessment", "candidate").get(pk=file.pk)
    _documents_open(file)
    if file.tasks_sent_at is not None:
        raise ValidationError("The written tasks have already been sent.")
    sheets = file_task_sheets(file=file)
    missing = [n for n in range(1, 9) if n not in sheets]
    if missing:
        raise ValidationError(
            f"Upload the response sheet for every task before sending: tasks {', '.join(map(str, missing))} are "
            "missing.",
            code="incomplete",
        )
    if not file.documents.filter(kind=DocumentKind.EVIDENCE, replaced_at__isnull=True).exists():
        raise ValidationError("Upload your documentary evidence file before sending.", code="incomplete")
    now = timezone.now()
    file.tasks_sent_at = now
    file.tasks_on_time = now <= tasks_due_at(starts_at=file.assessment.starts_at)
    file.save(update_fields=["tasks_sent_at", "tasks_on_time"])
    deadline_meet(kind=TASKS_DEADLINE_KIND, subject=file.assessment, at=now)
    late = "" if file.tasks_on_time else " They arrived later than 10 days before the assessment."
    Notification.objects.create(
        user=file.assessor.user,
        subject=f"Written tasks received: {file.candidate.full_name}",
        body=f"{file.candidate.full_name} has sent their written tasks and evidence.{late}",
        link=f"/assessments/files/{file.pk}/",
    )
    return file


@transaction.atomic
def document_issue_raise(*, file: AssessmentFile, message: str, acting_user: User | None) -> DocumentIssue:
    """PREP-3: tell the candidate, before the assessment, what in their documents will harm it; the tasks open
    again for them to address it and send again."""
    file = AssessmentFile.objects.select_for_update().select_related("assessment", "candidate").get(pk=file.pk)
    _documents_open(file)
    if not message.strip():
        raise ValidationError({"message": "Say what the candidate needs to address."})
    if file.assessment.starts_at <= timezone.now():
        raise ValidationError("The assessment has taken place: issues are raised with the candidate before it.")
    issue = DocumentIssue.objects.create(rpa_id=file.rpa_id, file=file, message=message.strip(), raised_by=acting_user)
    file.tasks_sent_at = None
    file.tasks_on_time = None
    file.save(update_fields=["tasks_sent_at", "tasks_on_time"])
    assessment = file.assessment
    tasks_deadline_schedule(assessment=assessment, note=" (sent back to address an issue)")
    _email_candidate(
        file=file,
        subject="Please address an issue with your HLTA assessment documents",
        body=render_to_string("assessments/email/document_issue.txt", {"file": file, "issue": issue}),
    )
    if file.candidate.user_id:
        Notification.objects.create(
            user_id=file.candidate.user_id,
            subject="Please address an issue with your assessment documents",
            body=issue.message,
            link=f"/assessments/{assessment.pk}/tasks/",
        )
    return issue


# --- the assessor's draft and versions (ASM-4, ASM-5) ----------------------------------------------------------


def _editable(file: AssessmentFile) -> None:
    if file.state not in (FileState.DRAFT, FileState.RETURNED):
        raise ValidationError(
            f"The file is {file.get_state_display().lower()}: it can be changed only while it is being completed or "
            "after it has been returned for revision."
        )


@transaction.atomic
def file_draft_save(
    *, file: AssessmentFile, part: str, data: dict[str, Any], acting_user: User | None
) -> AssessmentFile:
    """Save one part of the draft as it stands (complete or not); only malformed data is refused."""
    file = AssessmentFile.objects.select_for_update().get(pk=file.pk)
    _editable(file)
    cleaned = part_clean(part=part, data=data, standard_numbers=file_standard_numbers(), outcomes=Outcome.values)
    draft = dict(file.draft)
    if part in ("grid", "tasks", "f0"):
        # These parts are saved a section at a time (a page of standards, one task): merge into what is there.
        draft[part] = {**(draft.get(part) or {}), **cleaned}
    else:
        draft[part] = cleaned
    if part in MEETING_KEYS and not cleaned["with_name"]:
        draft[part]["with_name"] = (file.draft.get(part) or {}).get("with_name", "")
    file.draft = draft
    file.draft_saved_at = timezone.now()
    file.save(update_fields=["draft", "draft_saved_at"])
    return file


@transaction.atomic
def file_submit(*, file: AssessmentFile, acting_user: User | None) -> FileVersion:
    """ASM-4, ASM-5: submit the complete file as a new version that is never changed; a revision after a return is
    a new version, marked as a resubmission (always moderated, MOD-3)."""
    file = (
        AssessmentFile.objects.select_for_update()
        .select_related("assessment", "candidate", "assessor__user")
        .get(pk=file.pk)
    )
    _editable(file)
    if file.assessment.state != AssessmentState.BOOKED:
        raise ValidationError("The assessment was cancelled: its file cannot be submitted.")
    if file.assessment.starts_at > timezone.now():
        raise ValidationError("The file is submitted after the assessment has taken place.")
    missing = file_missing(
        content=file.draft, standard_numbers=file_standard_numbers(), task_sheets=file_task_sheets(file=file)
    )
    if missing:
        raise ValidationError({part: problems for part, problems in missing.items()}, code="incomplete")
    now = timezone.now()
    number = file.version_count + 1
    documents = [
        {"id": d.pk, "kind": d.kind, "task_number": d.task_number, "name": d.name, "sha256": d.sha256}
        for d in file.documents.filter(replaced_at__isnull=True).order_by("kind", "task_number", "pk")
    ]
    version = FileVersion.objects.create(
        rpa_id=file.rpa_id,
        file=file,
        number=number,
        content=file.draft,
        documents=documents,
        outcome=file.draft["f15"]["outcome"],
        submitted_at=now,
        submitted_by=acting_user,
    )
    returned = file.state == FileState.RETURNED
    file.state = FileState.SUBMITTED
    file.version_count = number
    file.recommended_outcome = version.outcome
    file.submitted_at = now
    file.first_submitted_at = file.first_submitted_at or now
    file.cycle_month = file.cycle_month or month_start(timezone.localdate())
    file.resubmitted = number > 1
    file.save()
    if returned:
        deadline_meet(kind=REVISION_DEADLINE_KIND, subject=file, at=now)
    return version


# --- pre-upload scrutiny (SCR-1, SCR-3) --------------------------------------------------------------------


@transaction.atomic
def file_scrutinise(
    *,
    file: AssessmentFile,
    decision: str,
    acting_user: User | None,
    reasons: str = "",
    flag_difficult: bool = False,
    flag_principle: bool = False,
    flag_note: str = "",
) -> ScrutinyDecision:
    """Scrutinise the submitted version: accept it for moderation, or return it for revision with reasons (it then
    cannot be moderated until resubmitted and accepted); either may flag it difficult or as raising an issue of
    principle, which puts it in every sample (SCR-3)."""
    file = AssessmentFile.objects.select_for_update().select_related("assessor__user", "candidate").get(pk=file.pk)
    if file.state != FileState.SUBMITTED:
        raise ValidationError(
            "Only a submitted file awaiting scrutiny can be scrutinised; this one is "
            f"{file.get_state_display().lower()}."
        )
    if decision not in ScrutinyDecisionKind.values:
        raise ValidationError({"decision": "Choose to accept the file or to return it for revision."})
    if decision == ScrutinyDecisionKind.RETURN and not reasons.strip():
        raise ValidationError(
            {"reasons": "Say what the records lack (detail, clarity) so the assessor can revise them."}
        )
    if (flag_difficult or flag_principle) and not flag_note.strip():
        raise ValidationError({"flag_note": "Say why the file is difficult or what issue of principle it raises."})
    version = file.versions.order_by("-number").first()
    assert version is not None
    record = ScrutinyDecision.objects.create(
        rpa_id=file.rpa_id,
        file=file,
        version=version,
        decision=decision,
        reasons=reasons.strip(),
        flag_difficult=flag_difficult,
        flag_principle=flag_principle,
        flag_note=flag_note.strip(),
        decided_by=acting_user,
    )
    file.flagged_difficult = file.flagged_difficult or flag_difficult
    file.flagged_principle = file.flagged_principle or flag_principle
    if decision == ScrutinyDecisionKind.RETURN:
        _return_to_assessor(file=file, reasons=record.reasons)
    else:
        file.state = FileState.ACCEPTED
    file.save(update_fields=["state", "was_returned", "flagged_difficult", "flagged_principle"])
    return record


def _return_to_assessor(*, file: AssessmentFile, reasons: str) -> None:
    """The file goes back to its assessor to complete the records (no new evidence), chased by a deadline; it cannot
    be moderated until resubmitted and accepted at scrutiny (SCR-1, MOD-8). The caller saves the file."""
    file.state = FileState.RETURNED
    file.was_returned = True
    deadline_schedule(
        rpa=file.rpa,
        kind=REVISION_DEADLINE_KIND,
        title=f"Revise the returned file of {file.candidate.full_name}",
        subject=file,
        responsible=file.assessor.user,
        working_days=REVISION_WORKING_DAYS,
    )
    Notification.objects.create(
        user=file.assessor.user,
        subject=f"File returned for revision: {file.candidate.full_name}",
        body=f"{reasons}\n\nComplete the records from the candidate's task sheets and the notes you took "
        "at the time; do not seek new evidence.",
        link=f"/assessments/files/{file.pk}/",
    )


@transaction.atomic
def file_return(*, file: AssessmentFile, reasons: str, acting_user: User | None) -> AssessmentFile:
    """MOD-8: the moderators judge the records lacking: the file goes back to its assessor exactly as a file
    returned at scrutiny does (complete it from the task sheets and notes taken at the time, no new evidence)."""
    file = AssessmentFile.objects.select_for_update().select_related("assessor__user", "candidate").get(pk=file.pk)
    if not file.moderatable or Result.objects.filter(file=file).exists():
        raise ValidationError("Only a file awaiting moderation can be returned to its assessor.")
    if not reasons.strip():
        raise ValidationError({"reasons": "Say what the records lack so the assessor can complete them."})
    _return_to_assessor(file=file, reasons=reasons.strip())
    file.save(update_fields=["state", "was_returned"])
    return file


# --- preparation feedback (PREP-1, PREP-2) -----------------------------------------------------------------


@transaction.atomic
def preparation_feedback_record(
    *,
    file: AssessmentFile,
    quality: str,
    comments: str,
    acting_user: User | None,
    harmed: bool = False,
    harm_details: str = "",
) -> PreparationFeedback:
    """The assessor's feedback to the PoP on how well the candidate was prepared, and whether preparation harmed the
    assessment; it can be changed until the RPA passes it on."""
    if quality not in PreparationQuality.values:
        raise ValidationError({"quality": "Choose how well the candidate was prepared."})
    if not comments.strip():
        raise ValidationError({"comments": "Write your feedback to the provider of preparation."})
    if harmed and not harm_details.strip():
        raise ValidationError({"harm_details": "Say how the preparation harmed the assessment."})
    existing = PreparationFeedback.objects.select_for_update().filter(file=file).first()
    if existing is not None and existing.passed_on_at:
        raise ValidationError("The RPA has passed this feedback on to the provider: it can no longer be changed.")
    feedback, _ = PreparationFeedback.objects.update_or_create(
        file=file,
        defaults={
            "rpa_id": file.rpa_id,
            "quality": quality,
            "comments": comments.strip(),
            "harmed": harmed,
            "harm_details": harm_details.strip() if harmed else "",
            "recorded_by": acting_user,
            "recorded_at": timezone.now(),
        },
    )
    return feedback


@transaction.atomic
def preparation_feedback_pass_on(
    *, feedback: PreparationFeedback, acting_user: User | None, rpa_note: str = ""
) -> PreparationFeedback:
    """PREP-1, PREP-2: the RPA passes the feedback on to the candidate's PoP; when preparation harmed the assessment
    the candidate is told too (the assessment itself went ahead)."""
    feedback = (
        PreparationFeedback.objects.select_for_update()
        .select_related("file__candidate__pop", "file__rpa")
        .get(pk=feedback.pk)
    )
    if feedback.passed_on_at:
        raise ValidationError("This feedback has already been passed on.")
    candidate = feedback.file.candidate
    feedback.passed_to = candidate.pop
    feedback.passed_on_at = timezone.now()
    feedback.passed_on_by = acting_user
    feedback.rpa_note = rpa_note.strip()
    if feedback.harmed:
        feedback.candidate_told_at = feedback.passed_on_at
        _email_candidate(
            file=feedback.file,
            subject="About the preparation for your HLTA assessment",
            body=render_to_string("assessments/email/preparation_harmed.txt", {"feedback": feedback}),
        )
    feedback.save()
    subject = f"{'Preparation issue' if feedback.harmed else 'Preparation feedback'}: {candidate.full_name}"
    for user_id in Membership.objects.filter(role=Role.POP_USER, pop=candidate.pop_id).values_list("user", flat=True):
        Notification.objects.create(
            user_id=user_id,
            subject=subject,
            body=f"{feedback.file.rpa.name} passes on the assessor's feedback on {candidate.full_name}.",
            link="/assessments/preparation-feedback/",
        )
    return feedback


# --- results (MOD-12, PAY-1, APP-2) -------------------------------------------------------------------------


@transaction.atomic
def result_confirm(
    *,
    file: AssessmentFile,
    via: str,
    acting_user: User | None,
    outcome: str | None = None,
    reassess_standards: list[int] | None = None,
) -> Result:
    """MOD-12: confirm a file's outcome, through moderation (the moderators' outcome) or because the month's event
    closed without sampling it (the recommended outcome); release follows when payment allows (PAY-1)."""
    file = AssessmentFile.objects.select_for_update().get(pk=file.pk)
    if Result.objects.filter(file=file).exists():
        raise ValidationError("This file's outcome has already been confirmed.")
    from moderation.selectors import file_review_pending

    if file_review_pending(file=file):
        raise ValidationError(
            "This file is review pending (MOD-7): its outcome is confirmed only after the RPA's separate review."
        )
    if not file.moderatable:
        raise ValidationError(
            "Only a submitted file that can be moderated has its outcome confirmed: a returned file must be "
            "resubmitted and accepted first (SCR-1)."
        )
    if via not in ConfirmedVia.values:
        raise ValidationError({"via": "An outcome is confirmed only through moderation or when the event closes."})
    latest = file.versions.order_by("-number").first()
    assert latest is not None
    if via == ConfirmedVia.EVENT_CLOSED:
        outcome, reassess_standards = latest.outcome, latest.content["f15"].get("reassess_standards", [])
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "Choose the confirmed outcome."})
    result = Result.objects.create(
        rpa_id=file.rpa_id,
        file=file,
        candidate_id=file.candidate_id,
        outcome=outcome,
        reassess_standards=sorted(reassess_standards or []) if outcome == Outcome.PARTIAL else [],
        confirmed_via=via,
        confirmed_by=acting_user,
    )
    file.state = FileState.CLOSED
    file.save(update_fields=["state"])
    from assessments.tasks import result_release_task

    transaction.on_commit(lambda: result_release_task.delay(result.pk))
    return result


@transaction.atomic
def result_release(*, result: Result) -> bool:
    """PAY-1: release a confirmed result to a paid candidate: the result letter (PDF, stored and emailed) with the
    right of appeal. An unpaid candidate's result is held; returns whether it was released now."""
    result = (
        Result.objects.select_for_update(of=("self",))
        .select_related("candidate__rpa", "candidate__school", "file__assessment")
        .get(pk=result.pk)
    )
    if result.released_at is not None or not candidate_is_paid(candidate=result.candidate):
        return False
    pdf = result_letter_pdf(result=result)
    path, key_id = file_store_encrypted(
        upload=CheckedUpload(
            content=pdf,
            name="result-letter.pdf",
            content_type="application/pdf",
            sha256=hashlib.sha256(pdf).hexdigest(),
        ),
        folder=f"letters/{result.rpa_id}",
    )
    result.released_at = timezone.now()
    result.letter_path, result.letter_key_id = path, key_id
    try:
        result.save(update_fields=["released_at", "letter_path", "letter_key_id"])
    except Exception:
        file_delete(path=path)  # the letter was stored before the row could say so: take it back
        raise
    if result.candidate.user_id:
        Notification.objects.create(
            user_id=result.candidate.user_id,
            subject="Your HLTA assessment result",
            body="Your result has been released. The letter explains it and your right to appeal.",
            link=f"/assessments/results/{result.pk}/",
        )
    from assessments.tasks import result_letter_send

    transaction.on_commit(lambda: result_letter_send.delay(result.pk))
    return True


def results_release_due() -> int:
    """Release every confirmed result whose candidate has now paid (run by beat; each release its own step)."""
    paid = candidates_with_payment(candidates=Candidate.objects.all()).filter(is_paid=True).values("pk")
    released = 0
    for result in Result.objects.filter(released_at__isnull=True, candidate__in=paid).only("pk"):
        released += result_release(result=result)
    return released


def assessment_candidate_inform(*, assessment: Assessment) -> None:
    """APP-2: the candidate's first information about their assessment (date, mode, when the written tasks are due)
    goes with the RPA's appeals procedure; recorded so it is sent once."""
    from assessments.tasks import assessment_information_send

    transaction.on_commit(lambda: assessment_information_send.delay(assessment.pk))
