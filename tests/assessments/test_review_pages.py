"""The RPA's and the candidate's side of assessment files as pages: the scrutiny queue and scrutiny (SCR-1..SCR-3),
the candidate's written tasks and issues raised with them (ASM-2, PREP-3), preparation feedback passed on to the PoP
(PREP-1, PREP-2), and results held until paid then released with the letter and the appeals procedure (MOD-12,
PAY-1, APP-2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments import file_services as fs
from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    QualityActionFactory,
    at,
    file_with_tasks,
    submitted_file,
)
from assessments.file_selectors import month_start
from assessments.models import (
    Assessment,
    AssessmentFile,
    Assessor,
    FileState,
    FileVersion,
    PreparationFeedback,
    Result,
    ScrutinyDecision,
    TaskDocument,
)
from candidates.factories import InvoiceFactory, PaymentFactory, pdf_with, ready_candidate
from candidates.models import Candidate
from hnap.factories import MembershipFactory, UserFactory
from hnap.files import file_read_decrypted
from hnap.models import RPA, Notification, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


# --- people, records and requests -------------------------------------------------------------------


@pytest.fixture
def admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_client(admin: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(admin)


@pytest.fixture
def senior_client(make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]) -> Client:
    return client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a, full_name="Sam Senior"))


def assessor_in(rpa: RPA, name: str, role: Role = Role.ASSESSOR) -> Assessor:
    """An active assessor on `rpa`'s register who can sign in with `role`."""
    assessor = AssessorFactory(rpa=rpa, user=UserFactory(full_name=name), is_senior=role == Role.SENIOR_ASSESSOR)
    MembershipFactory(user=assessor.user, role=role, rpa=rpa, pop=None)
    return assessor


def signed_in_candidate(make_member: Callable[..., User], rpa: RPA, **fields: Any) -> tuple[Candidate, User]:
    """A ready candidate of `rpa` with their own sign-in (the candidate role)."""
    user = make_member(Role.CANDIDATE, rpa=rpa)
    return ready_candidate(rpa=rpa, user=user, **fields), user


def booked(candidate: Candidate, days_ahead: int = 30) -> Assessment:
    return AssessmentFactory(candidate=candidate, starts_at=at(timezone.localdate() + timedelta(days=days_ahead)))


def text(response: Any) -> str:
    return response.content.decode()


def tasks_url(assessment: Assessment, action: str = "") -> str:
    return reverse(f"assessment-tasks{'-' + action if action else ''}", args=[assessment.pk])


def sheet(task_number: int, content: bytes, name: str = "") -> dict[str, Any]:
    return {
        "kind": "task",
        "task_number": str(task_number),
        "title": "",
        "upload": SimpleUploadedFile(name or f"sheet{task_number}.pdf", content, content_type="application/pdf"),
    }


def quick_submitted(assessor: Assessor) -> AssessmentFile:
    """A file of this cycle as if submitted (a bare version, no documents): the queue reads only the file's columns."""
    assessment = AssessmentFactory(assessor=assessor, starts_at=at(timezone.localdate() - timedelta(days=3)))
    now = timezone.now()
    AssessmentFile.objects.filter(assessment=assessment).update(
        state=FileState.SUBMITTED,
        version_count=1,
        recommended_outcome="met",
        submitted_at=now,
        first_submitted_at=now,
        cycle_month=month_start(timezone.localdate()),
    )
    file = AssessmentFile.objects.get(assessment=assessment)
    FileVersion.objects.create(rpa_id=file.rpa_id, file=file, number=1, content={}, outcome="met", submitted_at=now)
    return file


# --- the scrutiny queue (SCR-1, SCR-2) --------------------------------------------------------------


def test_scr2_the_queue_shows_each_assessor_their_weight_and_a_proposed_file(admin_client: Client, rpa_a: RPA) -> None:
    new = assessor_in(rpa_a, "Nia Newcomer")
    QualityActionFactory(assessor=new)
    submitted_file(assessor=new)
    proposed = submitted_file(
        assessor=new, outcome="not_met", insufficient=(2,), candidate=ready_candidate(last_name="Proposedson")
    )
    done = submitted_file(assessor=assessor_in(rpa_a, "Dan Done"))
    fs.file_scrutinise(file=done, decision="accept", acting_user=None)
    again = submitted_file(assessor=assessor_in(rpa_a, "Ria Returned"), candidate=ready_candidate(last_name="Againly"))
    fs.file_scrutinise(file=again, decision="return", reasons="F12 lacks detail", acting_user=None)
    again.refresh_from_db()
    fs.file_submit(file=again, acting_user=None)

    response = admin_client.get(reverse("scrutiny-queue"))
    assert response.status_code == 200
    body = text(response)
    assert "1 assessor still needs a file scrutinised" in body
    for shown in ("Nia Newcomer", "Dan Done", "Ria Returned", "New assessor (0 files before this cycle)"):
        assert shown in body
    assert "1 quality actions" in body
    assert "Proposedson" in body and "Recommended not met" in body
    assert reverse("file-scrutinise", args=[proposed.pk]) in body
    rescrutiny = body.split('id="rescrutiny"')[1]
    assert "Againly" in rescrutiny and reverse("file-scrutinise", args=[again.pk]) in rescrutiny  # SCR-1


def test_scr2_the_queue_moves_by_month(admin_client: Client, rpa_a: RPA) -> None:
    submitted_file(candidate=ready_candidate(last_name="Thismonthson"))
    this_month = month_start(timezone.localdate())
    previous = month_start(this_month - timedelta(days=1))
    body = text(admin_client.get(reverse("scrutiny-queue")))
    assert f"?month={previous:%Y-%m}" in body and "Thismonthson" in body
    body = text(admin_client.get(f"{reverse('scrutiny-queue')}?month={previous:%Y-%m}"))
    assert "Thismonthson" not in body and "No files were submitted in" in body
    assert "0 assessors still need a file scrutinised" in body


def test_scr2_the_queue_uses_a_constant_number_of_queries(admin_client: Client, rpa_a: RPA) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin_client.get(reverse("scrutiny-queue"))
        assert response.status_code == 200
        return len(queries)

    assessors = [AssessorFactory(rpa=rpa_a) for _ in range(3)]
    for assessor in assessors:
        quick_submitted(assessor)
    admin_client.get(reverse("scrutiny-queue"))  # warm the per-process caches
    few = count()
    assessors += [AssessorFactory(rpa=rpa_a) for _ in range(6)]
    for n in range(27):
        file = quick_submitted(assessors[n % len(assessors)])
        if n % 5 == 0:
            fs.file_scrutinise(file=file, decision="accept", acting_user=None)
    QualityActionFactory(assessor=assessors[4])
    assert AssessmentFile.objects.filter(state__in=["submitted", "accepted"]).count() == 30
    assert count() == few


def test_scr2_an_assessor_sees_no_one_elses_files_in_the_queue(
    client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    mine = assessor_in(rpa_a, "Ida Own")
    submitted_file(assessor=mine, candidate=ready_candidate(last_name="Mineson"))
    submitted_file(candidate=ready_candidate(last_name="Othersby"))
    response = client_for(mine.user).get(reverse("scrutiny-queue"))
    assert response.status_code == 200
    body = text(response)
    assert 'id="not-rpa"' in body and "Othersby" not in body and "Mineson" not in body


# --- scrutinising a file (SCR-1, SCR-3) -------------------------------------------------------------


def test_scr1_scr3_a_senior_assessor_accepts_a_file_and_flags_it(senior_client: Client) -> None:
    file = submitted_file(candidate=ready_candidate(last_name="Flaggett"))
    url = reverse("file-scrutinise", args=[file.pk])
    page = senior_client.get(url)
    assert page.status_code == 200
    assert "Flaggett" in text(page) and "Version 1" in text(page)
    response = senior_client.post(
        url, {"decision": "accept", "flag_difficult": "on", "flag_note": "An unusual setting to judge"}
    )
    assert response.status_code == 302
    assert response.url == f"{reverse('scrutiny-queue')}?month={file.cycle_month:%Y-%m}"
    file.refresh_from_db()
    assert file.state == FileState.ACCEPTED and file.flagged_difficult and not file.flagged_principle
    assert "accepted for moderation" in text(senior_client.get(response.url))
    assert 'id="not-awaiting"' in text(senior_client.get(url))  # nothing left to scrutinise


def test_scr1_returning_a_file_needs_reasons_and_the_form_keeps_what_was_typed(admin_client: Client) -> None:
    file = submitted_file()
    url = reverse("file-scrutinise", args=[file.pk])
    response = admin_client.post(url, {"decision": "return", "reasons": " ", "flag_note": "Kept note"})
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body and "Say what the records lack" in body and "Kept note" in body
    file.refresh_from_db()
    assert file.state == FileState.SUBMITTED and not ScrutinyDecision.objects.exists()
    response = admin_client.post(url, {"decision": "return", "reasons": "F13 is hard to follow"})
    assert response.status_code == 302
    file.refresh_from_db()
    assert file.state == FileState.RETURNED and file.was_returned and not file.moderatable
    assert Notification.objects.filter(user=file.assessor.user, subject__startswith="File returned").exists()


def test_scr3_a_flag_needs_a_note(admin_client: Client) -> None:
    file = submitted_file()
    response = admin_client.post(
        reverse("file-scrutinise", args=[file.pk]), {"decision": "accept", "flag_principle": "on"}
    )
    assert response.status_code == 200
    assert "Say why the file is difficult" in text(response)
    file.refresh_from_db()
    assert file.state == FileState.SUBMITTED and not file.flagged_principle


def test_scr1_the_files_own_assessor_cannot_scrutinise_it(client_for: Callable[[User], Client], rpa_a: RPA) -> None:
    senior = assessor_in(rpa_a, "Sal Senior", role=Role.SENIOR_ASSESSOR)
    own = submitted_file(assessor=senior, candidate=ready_candidate(last_name="Ownfile"))
    client = client_for(senior.user)
    url = reverse("file-scrutinise", args=[own.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"decision": "accept"}).status_code == 403
    body = text(client.get(reverse("scrutiny-queue")))
    assert "Ownfile" in body and url not in body  # proposed, but not for them to scrutinise
    plain = assessor_in(rpa_a, "Pat Plain")
    theirs = submitted_file(assessor=plain)
    assert client_for(plain.user).get(reverse("file-scrutinise", args=[theirs.pk])).status_code == 403
    own.refresh_from_db()
    assert own.state == FileState.SUBMITTED


# --- the candidate's written tasks (ASM-2, PREP-3) --------------------------------------------------


def test_asm2_the_candidate_uploads_a_response_sheet_stored_encrypted(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate)
    client = client_for(user)
    page = text(client.get(tasks_url(assessment)))
    assert "Your HLTA assessment" in page and "Not sent yet" in page and "Upload a document" in page
    response = client.post(tasks_url(assessment, "upload"), sheet(1, pdf_with("my answer to task one")))
    assert response.status_code == 302 and response.url == tasks_url(assessment)
    document = TaskDocument.objects.get(file__assessment=assessment)
    assert document.task_number == 1 and document.uploaded_by == user
    stored = (Path(settings.MEDIA_ROOT) / document.stored_path).read_bytes()
    assert b"my answer to task one" not in stored
    assert b"my answer to task one" in file_read_decrypted(path=document.stored_path)
    page = text(client.get(tasks_url(assessment)))
    assert "Response sheet for task 1 uploaded" in page and "sheet1.pdf" in page
    assert reverse("taskdocument-remove", args=[document.pk]) in page


def test_asm2_an_upload_of_the_wrong_type_is_refused_with_the_reason(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate)
    client = client_for(user)
    response = client.post(tasks_url(assessment, "upload"), sheet(2, b"MZ\x90\x00 not a pdf", name="task2.pdf"))
    assert response.status_code == 200
    body = text(response)
    assert "There is a problem" in body and "must be a PDF, JPEG or PNG" in body
    response = client.post(tasks_url(assessment, "upload"), {"kind": "evidence", "title": "", "upload": ""})
    assert "Choose a file to upload" in text(response)
    assert not TaskDocument.objects.exists()


def test_asm2_the_tasks_are_sent_on_time_once_all_are_there(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate, days_ahead=30)
    client = client_for(user)
    refused = client.post(tasks_url(assessment, "send"))
    assert refused.status_code == 200
    assert "There is a problem" in text(refused) and "tasks 1, 2, 3, 4, 5, 6, 7, 8 are missing" in text(refused)
    file_with_tasks(assessment=assessment)
    response = client.post(tasks_url(assessment, "send"))
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "sent to your assessor, on time" in page and "On time" in page
    assert "Upload a document" not in page  # sent: nothing more to change unless an issue is raised
    document = TaskDocument.objects.filter(file__assessment=assessment).first()
    assert document is not None
    refused = client.post(reverse("taskdocument-remove", args=[document.pk]))
    assert refused.status_code == 200 and "can no longer be changed" in text(refused)


def test_asm2_tasks_sent_late_are_shown_late(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate, days_ahead=5)
    file_with_tasks(assessment=assessment)
    client = client_for(user)
    assert "Not sent, and the date has passed" in text(client.get(tasks_url(assessment)))
    response = client.post(tasks_url(assessment, "send"))
    assert response.status_code == 302
    page = text(client.get(response.url))
    assert "They arrived late" in page and 'govuk-tag--red">Late' in page


def test_asm2_the_candidate_removes_a_document_before_sending(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate)
    client = client_for(user)
    client.post(tasks_url(assessment, "upload"), sheet(4, pdf_with("first try")))
    document = TaskDocument.objects.get()
    response = client.post(reverse("taskdocument-remove", args=[document.pk]))
    assert response.status_code == 302 and response.url == tasks_url(assessment)
    document.refresh_from_db()
    assert document.replaced_at is not None  # kept, never deleted
    assert "sheet4.pdf" not in text(client.get(tasks_url(assessment))).split('id="sheets"')[1].split("</table>")[0]


def test_prep3_an_issue_raised_is_shown_newest_first_and_the_tasks_open_again(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate)
    file = file_with_tasks(assessment=assessment)
    fs.tasks_send(file=file, acting_user=user)
    fs.document_issue_raise(file=file, message="Task 3 answers another task's question.", acting_user=None)
    fs.document_issue_raise(file=file, message="The evidence file is unreadable.", acting_user=None)
    client = client_for(user)
    page = text(client.get(tasks_url(assessment)))
    assert "Replace the documents concerned and send them again" in page
    assert page.index("The evidence file is unreadable.") < page.index("Task 3 answers another task")
    assert "Upload a document" in page and "Send to my assessor" in page
    response = client.post(tasks_url(assessment, "upload"), sheet(3, pdf_with("the right question")))
    assert response.status_code == 302
    assert client.post(tasks_url(assessment, "send")).status_code == 302


def test_asm2_another_candidate_cannot_reach_the_page_nor_upload(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, _ = signed_in_candidate(make_member, rpa_a, last_name="Privateson")
    assessment = booked(candidate)
    elsewhere = client_for(make_member(Role.CANDIDATE, rpa=rpa_b))
    assert elsewhere.get(tasks_url(assessment)).status_code == 404
    assert elsewhere.post(tasks_url(assessment, "upload"), sheet(1, pdf_with("x"))).status_code == 404
    # A candidate of the same RPA learns only that the record exists there (the house rule: 403, not 404).
    same_rpa = client_for(make_member(Role.CANDIDATE, rpa=rpa_a))
    response = same_rpa.get(tasks_url(assessment))
    assert response.status_code == 403 and "Privateson" not in text(response)
    assert same_rpa.post(tasks_url(assessment, "send")).status_code == 403
    assert not TaskDocument.objects.exists()


def test_asm2_staff_see_the_page_read_only(admin_client: Client, make_member: Callable[..., User], rpa_a: RPA) -> None:
    candidate, _ = signed_in_candidate(make_member, rpa_a)
    assessment = booked(candidate)
    Assessment.objects.filter(pk=assessment.pk).update(teacher_name="Tess Teacher")
    response = admin_client.get(tasks_url(assessment))
    assert response.status_code == 200
    body = text(response)
    assert "Tess Teacher" in body and "Upload a document" not in body and "Send to my assessor" not in body
    assert admin_client.post(tasks_url(assessment, "upload"), sheet(1, pdf_with("x"))).status_code == 403


def test_the_candidates_own_assessment_link_redirects_or_says_there_is_none(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    client = client_for(user)
    response = client.get(reverse("candidate-assessment"))
    assert response.status_code == 200 and "You have no assessment booked yet" in text(response)
    assessment = booked(candidate)
    response = client.get(reverse("candidate-assessment"))
    assert response.status_code == 302 and response.url == tasks_url(assessment)


# --- results (MOD-12, PAY-1, APP-2) -----------------------------------------------------------------


def test_pay1_mod12_app2_the_result_is_hidden_until_paid_then_released_with_the_letter(
    make_member: Callable[..., User],
    rpa_a: RPA,
    client_for: Callable[[User], Client],
    admin_client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a, paid=False)
    file = submitted_file(candidate=candidate)
    result = fs.result_confirm(file=file, via="event_closed", acting_user=None)
    client = client_for(user)
    outcome = "Met: all the standards are met"
    url, letter = reverse("result-detail", args=[result.pk]), reverse("result-letter", args=[result.pk])

    page = text(client.get(url))
    assert outcome not in page and "held until payment" in page  # PAY-1: never the outcome before release
    appeal = reverse("appeal-make", args=[result.pk])
    assert appeal not in page  # nothing to appeal against before the outcome is released (APP-1)
    assert candidate.rpa.appeals_procedure.splitlines()[0] in page  # APP-2
    assert client.get(letter).status_code == 404
    assert "held until payment" in text(client.get(reverse("candidate-detail", args=[candidate.pk])))
    staff = text(admin_client.get(url))
    assert outcome in staff and "held: payment not received (PAY-1)" in staff
    assert admin_client.get(letter).status_code == 200 and "No result letter yet" in text(admin_client.get(letter))

    PaymentFactory(invoice=InvoiceFactory(candidate=candidate))
    with django_capture_on_commit_callbacks():
        assert fs.results_release_due() == 1
    page = text(client.get(url))
    assert outcome in page and letter in page and "through moderation" not in page
    assert appeal in page and appeal not in text(admin_client.get(url))  # the candidate's own way to appeal (APP-1)
    download = client.get(letter)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store" and download["X-Content-Type-Options"] == "nosniff"
    tasks_page = text(client.get(tasks_url(file.assessment)))
    assert "result has been released" in tasks_page and url in tasks_page
    candidate_page = text(client.get(reverse("candidate-detail", args=[candidate.pk])))
    assert url in candidate_page and reverse("candidate-assessment") in candidate_page


def test_mod12_a_partial_result_names_the_standards_to_reassess(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, user = signed_in_candidate(make_member, rpa_a)
    file = submitted_file(candidate=candidate, outcome="partial", insufficient=(4, 9))
    result = fs.result_confirm(file=file, via="event_closed", acting_user=None)
    fs.result_release(result=result)
    page = text(client_for(user).get(reverse("result-detail", args=[result.pk])))
    assert "Partial reassessment" in page
    reassess = page.split('id="reassess"')[1].split("</ul>")[0]
    assert "<li>4." in reassess and "<li>9." in reassess


def test_pay1_another_candidate_cannot_read_a_result(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    candidate, _ = signed_in_candidate(make_member, rpa_a)
    result = fs.result_confirm(file=submitted_file(candidate=candidate), via="event_closed", acting_user=None)
    fs.result_release(result=result)
    assert Result.objects.get().released_at is not None
    other = client_for(make_member(Role.CANDIDATE, rpa=rpa_b))
    assert other.get(reverse("result-detail", args=[result.pk])).status_code == 404
    assert other.get(reverse("result-letter", args=[result.pk])).status_code == 404


# --- preparation feedback (PREP-1, PREP-2) ----------------------------------------------------------


def feedback_on(file: AssessmentFile, comments: str, *, harmed: bool = False) -> PreparationFeedback:
    return fs.preparation_feedback_record(
        file=file,
        quality="poor" if harmed else "well",
        comments=comments,
        harmed=harmed,
        harm_details="The task guidance contradicted the standards." if harmed else "",
        acting_user=file.assessor.user,
    )


def test_prep1_a_pop_sees_only_the_feedback_passed_on_to_it(
    admin_client: Client, client_for: Callable[[User], Client]
) -> None:
    file = submitted_file()
    pop_user = UserFactory()
    MembershipFactory(user=pop_user, role=Role.POP_USER, pop=file.candidate.pop, rpa=None)
    passed = feedback_on(file, "Well prepared: tasks addressed the standards.")
    fs.preparation_feedback_pass_on(feedback=passed, acting_user=None)
    same_pop = submitted_file(candidate=ready_candidate(pop=file.candidate.pop, course=file.candidate.course))
    held = feedback_on(same_pop, "Not yet passed on: waiting for the RPA.")
    elsewhere = feedback_on(submitted_file(), "Another provider's candidate.")
    fs.preparation_feedback_pass_on(feedback=elsewhere, acting_user=None)
    pop = client_for(pop_user)

    body = text(pop.get(reverse("preparationfeedback-list")))
    assert "Well prepared: tasks addressed" in body
    assert "Not yet passed on" not in body and "Another provider" not in body
    assert pop.get(reverse("preparationfeedback-detail", args=[passed.pk])).status_code == 200
    assert pop.get(reverse("preparationfeedback-detail", args=[held.pk])).status_code == 404
    assert pop.get(reverse("preparationfeedback-pass-on", args=[held.pk])).status_code == 404
    staff = text(admin_client.get(f"{reverse('preparationfeedback-list')}?status=pending"))
    assert "Not yet passed on" in staff and "Well prepared: tasks addressed" not in staff


def test_prep1_prep2_the_rpa_passes_feedback_on_and_the_pop_is_notified(
    admin_client: Client, senior_client: Client
) -> None:
    file = submitted_file()
    pop_user = UserFactory()
    MembershipFactory(user=pop_user, role=Role.POP_USER, pop=file.candidate.pop, rpa=None)
    feedback = feedback_on(file, "Poorly prepared for the interviews.", harmed=True)
    detail, pass_on = (
        reverse("preparationfeedback-detail", args=[feedback.pk]),
        reverse("preparationfeedback-pass-on", args=[feedback.pk]),
    )
    assert f'href="{pass_on}"' in text(admin_client.get(detail))
    assert senior_client.get(pass_on).status_code == 403  # senior assessors read it; the RPA's admins pass it on
    page = text(admin_client.get(pass_on))
    assert "the candidate will be told too" in page and file.candidate.pop.name in page
    response = admin_client.post(pass_on, {"rpa_note": "Please review the task guidance."})
    assert response.status_code == 302 and response.url == detail
    feedback.refresh_from_db()
    assert feedback.passed_to == file.candidate.pop and feedback.rpa_note == "Please review the task guidance."
    assert feedback.candidate_told_at is not None  # PREP-2
    assert Notification.objects.filter(user=pop_user, subject__startswith="Preparation issue").exists()
    page = text(admin_client.get(detail))
    assert "The candidate has been told" in page and f'href="{pass_on}"' not in page
    assert admin_client.post(pass_on, {"rpa_note": "Twice"}).status_code == 200  # refused: already passed on
