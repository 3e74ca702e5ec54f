"""Assessment file rules proven on the services and selectors (ASM-2, ASM-4, ASM-5, SCR-1..SCR-3, PREP-1..PREP-3,
PAY-1, MOD-12, APP-2); the pages and the API call these same services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from assessments import file_services as fs
from assessments import services
from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    at,
    complete_content,
    file_with_tasks,
    submitted_file,
)
from assessments.file_selectors import (
    candidate_result,
    file_tasks_late,
    file_what_is_missing,
    files_for_moderation,
    scrutiny_queue,
    version_diff,
)
from assessments.models import TASKS_DEADLINE_KIND, AssessmentFile, FileState, FileVersion, PreparationFeedback, Result
from assessments.tasks import assessment_information_send, result_letter_send, result_release_task
from candidates.factories import InvoiceFactory, PaymentFactory, pdf_with, ready_candidate
from hnap.factories import UserFactory
from hnap.files import file_read_decrypted
from hnap.models import Deadline, DeadlineState, Membership, Notification
from hnap.roles import Role

pytestmark = pytest.mark.django_db


class TestFile:
    def test_asm4_an_incomplete_file_cannot_be_submitted_and_says_what_is_missing(self) -> None:
        file = file_with_tasks()
        missing = file_what_is_missing(file=file)
        assert set(missing) == {"f0", "tasks", "grid", "f11", "f12", "f13", "f14", "f15"}
        with pytest.raises(ValidationError) as refusal:
            fs.file_submit(file=file, acting_user=file.assessor.user)
        assert "Standard 1: choose a judgement" in refusal.value.message_dict["grid"]
        assert FileVersion.objects.count() == 0

    def test_asm4_the_outcome_must_agree_with_the_grid(self) -> None:
        file = file_with_tasks()
        file.draft = complete_content(file=file, outcome="met", insufficient=(4, 9))
        file.save()
        with pytest.raises(ValidationError, match="standards 4, 9 have insufficient evidence"):
            fs.file_submit(file=file, acting_user=None)
        file.draft = complete_content(file=file, outcome="partial", insufficient=(4,), reassess_standards=[4, 5])
        file.save()
        with pytest.raises(ValidationError, match="Standards 5 are judged met"):
            fs.file_submit(file=file, acting_user=None)

    def test_asm4_drafts_save_part_by_part_without_loss(self) -> None:
        file = file_with_tasks()
        fs.file_draft_save(file=file, part="grid", data={"1": {"judgement": "met", "evidence": "x"}}, acting_user=None)
        fs.file_draft_save(file=file, part="grid", data={"2": {"judgement": "insufficient"}}, acting_user=None)
        file.refresh_from_db()
        assert file.draft["grid"]["1"]["judgement"] == "met" and file.draft["grid"]["2"]["judgement"] == "insufficient"
        with pytest.raises(ValidationError):
            fs.file_draft_save(file=file, part="grid", data={"99": {"judgement": "met"}}, acting_user=None)

    def test_asm5_versions_are_kept_unchanged_and_a_revision_is_a_new_version_with_a_diff(self) -> None:
        file = submitted_file()
        assert file.version_count == 1 and file.state == FileState.SUBMITTED and not file.resubmitted
        fs.file_scrutinise(file=file, decision="return", reasons="F12 lacks detail", acting_user=None)
        fs.file_draft_save(
            file=file, part="f12", data={"held_on": file.draft["f12"]["held_on"], "record": "A fuller record " * 3},
            acting_user=None,
        )  # fmt: skip
        version = fs.file_submit(file=file, acting_user=None)
        file.refresh_from_db()
        assert version.number == 2 and file.resubmitted and file.state == FileState.SUBMITTED
        changes = version_diff(version=version)
        assert [c[0] for c in changes] == ["F12 Meeting with the teacher"]
        first = FileVersion.objects.get(file=file, number=1)
        with pytest.raises(ValueError):
            first.save()
        for sql in ("UPDATE assessments_fileversion SET outcome = 'not_met' WHERE id = %s",
                    "DELETE FROM assessments_fileversion WHERE id = %s"):  # fmt: skip
            with pytest.raises(Exception, match="kept unchanged"), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql, [first.pk])


class TestTasks:
    def test_asm2_tasks_sent_late_are_marked_late(self) -> None:
        assessment = AssessmentFactory(starts_at=at(timezone.localdate() + timedelta(days=5)))
        file = file_with_tasks(assessment=assessment)
        assert file_tasks_late(file=file)
        fs.tasks_send(file=file, acting_user=None)
        file.refresh_from_db()
        assert file.tasks_on_time is False and file_tasks_late(file=file)

    def test_asm2_tasks_sent_in_time_and_all_eight_needed(self) -> None:
        assessment = AssessmentFactory(starts_at=at(timezone.localdate() + timedelta(days=30)))
        file = AssessmentFile.objects.get(assessment=assessment)
        with pytest.raises(ValidationError, match="tasks 1, 2, 3, 4, 5, 6, 7, 8 are missing"):
            fs.tasks_send(file=file, acting_user=None)
        file = file_with_tasks(assessment=assessment)
        fs.tasks_send(file=file, acting_user=None)
        file.refresh_from_db()
        assert file.tasks_on_time is True and not file_tasks_late(file=file)

    def test_prep3_an_issue_is_sent_back_and_the_candidate_can_replace_documents(self) -> None:
        assessment = AssessmentFactory(starts_at=at(timezone.localdate() + timedelta(days=30)))
        file = file_with_tasks(assessment=assessment)
        fs.tasks_send(file=file, acting_user=None)
        with pytest.raises(ValidationError):
            fs.task_document_upload(
                file=file, kind="task", task_number=3, name="t.pdf", content=pdf_with("x"), acting_user=None
            )
        fs.document_issue_raise(file=file, message="Task 3 answers another task's question.", acting_user=None)
        doc = fs.task_document_upload(
            file=file, kind="task", task_number=3, name="t3.pdf", content=pdf_with("new"), acting_user=None
        )
        assert b"new" in file_read_decrypted(path=doc.stored_path)
        assert file.documents.filter(task_number=3).count() == 2  # the replaced one is kept

    def test_uploads_are_refused_by_content(self) -> None:
        file = AssessmentFile.objects.get(assessment=AssessmentFactory())
        with pytest.raises(ValidationError) as refusal:
            fs.task_document_upload(
                file=file, kind="task", task_number=1, name="t.pdf", content=b"MZ\x90\x00", acting_user=None
            )
        assert "must be a PDF, JPEG or PNG" in str(refusal.value.message_dict["upload"])


class TestScrutiny:
    def test_scr1_a_returned_file_cannot_be_moderated_until_resubmitted_and_accepted(self) -> None:
        file = submitted_file()
        assert file in files_for_moderation(rpa_id=file.rpa_id, month=file.cycle_month)
        fs.file_scrutinise(file=file, decision="return", reasons="Hard to follow", acting_user=None)
        assert file not in files_for_moderation(rpa_id=file.rpa_id, month=file.cycle_month)
        file.refresh_from_db()
        fs.file_draft_save(file=file, part="f15", data={**file.draft["f15"], "rationale": "Clearer."}, acting_user=None)
        fs.file_submit(file=file, acting_user=None)
        assert file not in files_for_moderation(rpa_id=file.rpa_id, month=file.cycle_month)
        fs.file_scrutinise(file=file, decision="accept", acting_user=None)
        assert file in files_for_moderation(rpa_id=file.rpa_id, month=file.cycle_month)

    def test_scr2_the_queue_proposes_one_file_per_assessor_not_yet_scrutinised(self) -> None:
        a = submitted_file()
        b = submitted_file(assessor=a.assessor, outcome="not_met", insufficient=(2,))
        c = submitted_file()
        fs.file_scrutinise(file=c, decision="accept", acting_user=None)
        queue = scrutiny_queue(files=AssessmentFile.objects.all(), month=a.cycle_month)
        by_assessor = {row.assessor.pk: row for row in queue.rows}
        assert by_assessor[a.assessor_id].needs_scrutiny and by_assessor[a.assessor_id].proposal == b
        assert not by_assessor[c.assessor_id].needs_scrutiny
        assert queue.outstanding == 1

    def test_scr3_flags_are_kept_and_need_a_note(self) -> None:
        file = submitted_file()
        with pytest.raises(ValidationError):
            fs.file_scrutinise(file=file, decision="accept", flag_principle=True, acting_user=None)
        fs.file_scrutinise(
            file=file, decision="accept", flag_principle=True, flag_note="Novel setting", acting_user=None
        )
        file.refresh_from_db()
        assert file.flagged_principle


class TestResults:
    def test_mod12_pay1_a_confirmed_result_is_held_until_paid_then_released_with_the_letter(
        self, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        candidate = ready_candidate(paid=False)
        file = submitted_file(candidate=candidate)
        assert candidate_result(candidate=candidate).result is None
        with django_capture_on_commit_callbacks() as callbacks:
            result = fs.result_confirm(file=file, via="event_closed", acting_user=None)
        assert len(callbacks) == 1  # the release is tried by a task, after commit
        assert result_release_task(result.pk) is False
        result.refresh_from_db()
        assert result.outcome == "met" and result.released_at is None  # unpaid: held (PAY-1)
        assert "held until payment" in candidate_result(candidate=candidate).message
        assert fs.results_release_due() == 0
        invoice = InvoiceFactory(candidate=candidate)
        PaymentFactory(invoice=invoice)
        with django_capture_on_commit_callbacks() as callbacks:
            assert fs.results_release_due() == 1
        assert len(callbacks) == 1
        assert result_letter_send(result.pk) is True
        result.refresh_from_db()
        assert result.released_at is not None
        assert candidate_result(candidate=candidate).result == result
        letter = file_read_decrypted(path=result.letter_path)
        assert letter.startswith(b"%PDF-")
        (sent,) = [m for m in mail.outbox if m.subject == "Your HLTA assessment result"]
        assert sent.attachments[0][0] == "hlta-result.pdf"
        assert candidate.rpa.appeals_procedure.splitlines()[0] in sent.body

    def test_mod12_only_moderation_or_the_event_closing_confirms(self) -> None:
        file = submitted_file(outcome="not_met", insufficient=(3,))
        with pytest.raises(ValidationError):
            fs.result_confirm(file=file, via="assessor", acting_user=None)
        result = fs.result_confirm(file=file, via="event_closed", acting_user=None, outcome="met")
        assert result.outcome == "not_met"  # closing the event confirms the recommendation, nothing else

    def test_mod12_a_returned_file_is_not_confirmed(self) -> None:
        file = submitted_file()
        fs.file_scrutinise(file=file, decision="return", reasons="Unclear", acting_user=None)
        with pytest.raises(ValidationError, match="resubmitted and accepted"):
            fs.result_confirm(file=file, via="event_closed", acting_user=None)
        assert not Result.objects.exists()


class TestAppealsInformation:
    def test_app2_the_booking_information_carries_the_appeals_procedure_once(
        self, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        from assessments.services import assessment_book, assessment_move

        candidate = ready_candidate()
        assessor = AssessorFactory(rpa=candidate.rpa)
        with django_capture_on_commit_callbacks():
            assessment = assessment_book(
                candidate=candidate, assessor=assessor, starts_at=at(timezone.localdate() + timedelta(days=50)),
                acting_user=None, confirm_outside_window=True,
            )  # fmt: skip
        assert assessment_information_send(assessment.pk) is True
        assert assessment_information_send(assessment.pk) is False  # sent once, whatever retries
        (sent,) = [m for m in mail.outbox if m.to == [candidate.email]]
        assert "Your right to appeal" in sent.body and candidate.rpa.appeals_procedure[:40] in sent.body
        assessment.refresh_from_db()
        assert assessment.candidate_informed_at is not None
        with django_capture_on_commit_callbacks():
            assessment_move(
                assessment=assessment, starts_at=at(timezone.localdate() + timedelta(days=51)), acting_user=None
            )
        assert len([m for m in mail.outbox if m.to == [candidate.email]]) == 1


class TestDeadlinesAndFeedback:
    def test_scr1_a_returned_file_is_chased_until_resubmitted(self) -> None:
        file = submitted_file()
        fs.file_scrutinise(file=file, decision="return", reasons="Records lack detail", acting_user=None)
        deadline = Deadline.objects.get(kind=fs.REVISION_DEADLINE_KIND, object_id=file.pk)
        assert deadline.state == DeadlineState.OPEN and deadline.responsible == file.assessor.user
        assert deadline.working_days == fs.REVISION_WORKING_DAYS
        assert Notification.objects.filter(user=file.assessor.user, subject__startswith="File returned").exists()
        file.refresh_from_db()
        fs.file_submit(file=file, acting_user=None)
        deadline.refresh_from_db()
        assert deadline.state == DeadlineState.MET

    def test_asm2_sending_the_tasks_meets_their_deadline_and_tells_the_assessor(self) -> None:
        candidate = ready_candidate()
        assessor = AssessorFactory(rpa=candidate.rpa)
        assessment = services.assessment_book(
            candidate=candidate, assessor=assessor, starts_at=at(timezone.localdate() + timedelta(days=40)),
            acting_user=None, confirm_outside_window=True,
        )  # fmt: skip
        file = file_with_tasks(assessment=assessment)
        fs.tasks_send(file=file, acting_user=candidate.user)
        deadline = Deadline.objects.get(kind=TASKS_DEADLINE_KIND, object_id=assessment.pk)
        assert deadline.state == DeadlineState.MET
        assert Notification.objects.filter(user=assessor.user, subject__startswith="Written tasks received").exists()

    def test_prep1_prep2_feedback_reaches_the_pop_only_when_passed_on_and_the_candidate_is_told_of_harm(
        self, django_capture_on_commit_callbacks
    ) -> None:  # type: ignore[no-untyped-def]
        file = submitted_file()
        pop_user = UserFactory()
        Membership.objects.create(user=pop_user, role=Role.POP_USER, pop=file.candidate.pop)
        feedback = fs.preparation_feedback_record(
            file=file, quality="poor", comments="Tasks did not address the standards.", harmed=True,
            harm_details="Task guidance contradicted the standards.", acting_user=file.assessor.user,
        )  # fmt: skip
        assert not PreparationFeedback.objects.restrict(pop_user, "view").exists()
        with django_capture_on_commit_callbacks() as callbacks:
            fs.preparation_feedback_pass_on(feedback=feedback, acting_user=None, rpa_note="Please review.")
        assert len(callbacks) == 1  # the candidate's email (PREP-2)
        assert list(PreparationFeedback.objects.restrict(pop_user, "view")) == [feedback]
        assert Notification.objects.filter(user=pop_user, subject__startswith="Preparation issue").exists()
        with pytest.raises(ValidationError):
            fs.preparation_feedback_record(file=file, quality="well", comments="Changed", acting_user=None)

    def test_a_reallocated_booking_keeps_the_candidates_documents(self) -> None:
        candidate = ready_candidate()
        first, second = AssessorFactory(rpa=candidate.rpa), AssessorFactory(rpa=candidate.rpa)
        assessment = services.assessment_book(
            candidate=candidate, assessor=first, starts_at=at(timezone.localdate() + timedelta(days=40)),
            acting_user=None, confirm_outside_window=True,
        )  # fmt: skip
        file_with_tasks(assessment=assessment)
        new = services.assessment_reallocate(assessment=assessment, assessor=second, acting_user=None, reason="Ill")
        moved = AssessmentFile.objects.get(assessment=new)
        assert moved.documents.count() == 9 and moved.owner == second.user
        old = AssessmentFile.objects.get(assessment=assessment)
        assert old.state == FileState.CLOSED and old.owner is None

    def test_a_submitted_files_assessment_cannot_be_cancelled(self) -> None:
        file = submitted_file()
        with pytest.raises(ValidationError, match="has been submitted"):
            services.assessment_cancel(assessment=file.assessment, acting_user=None, reason="Mistake")
