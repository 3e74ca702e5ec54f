"""The assessor's pages of the assessment file: the list and the overview, editing the draft part by part over several
sittings with autosave (ASM-4), submitting versions and their diff after a scrutiny return (ASM-5, SCR-1), the PDF,
the candidate's documents and their timeliness (ASM-2), issues raised with the candidate (PREP-3) and the feedback to
the PoP (PREP-1, PREP-2); who may use each page, and 404 for another RPA's file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory, at, complete_content, file_with_tasks
from assessments.file_services import file_scrutinise, file_submit, tasks_send
from assessments.models import (
    AssessmentFile,
    Assessor,
    DocumentIssue,
    FileState,
    FileVersion,
    PreparationFeedback,
    TaskDocument,
)
from candidates.factories import CandidateFactory, pdf_with, ready_candidate
from hnap.factories import MembershipFactory, UserFactory
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


# --- people, files and requests -----------------------------------------------------------------------


def assessor_in(rpa: RPA, name: str) -> Assessor:
    """An assessor on `rpa`'s register who can sign in (the assessor role)."""
    assessor = AssessorFactory(rpa=rpa, user=UserFactory(full_name=name))
    MembershipFactory(user=assessor.user, role=Role.ASSESSOR, rpa=rpa, pop=None)
    return assessor


@pytest.fixture
def assessor(rpa_a: RPA) -> Assessor:
    return assessor_in(rpa_a, "Ann Assessor")


@pytest.fixture
def own_client(assessor: Assessor, client_for: Callable[[User], Client]) -> Client:
    return client_for(assessor.user)


@pytest.fixture
def file(assessor: Assessor, rpa_a: RPA) -> AssessmentFile:
    """The assessor's file of an assessment three days ago, with the candidate's documents, still a draft."""
    return file_with_tasks(assessor=assessor, candidate=ready_candidate(rpa=rpa_a, last_name="Quenby"))


def submit_complete(file: AssessmentFile, **content: Any) -> FileVersion:
    file.draft = complete_content(file=file, **content)
    file.save(update_fields=["draft"])
    return file_submit(file=file, acting_user=file.owner)


def url(name: str, pk: int, part: str | None = None) -> str:
    path = reverse(name, args=[pk])
    return f"{path}?part={part}" if part else path


def text(response: Any) -> str:
    return response.content.decode()


def grid_post(file: AssessmentFile, **changes: str) -> dict[str, str]:
    """The grid form as the page would post it: what the draft holds, with `changes`."""
    data = {}
    for number, entry in (file.draft.get("grid") or {}).items():
        data[f"standard_{number}"] = entry.get("judgement", "")
        data[f"evidence_{number}"] = entry.get("evidence", "")
    return {**data, **changes}


FILE_PAGES = ["file-detail", "file-edit", "file-submit", "file-documents", "file-document-issue"]
OWNER_ONLY = ["file-edit", "file-submit", "file-documents", "file-preparation-feedback"]


# --- who may use which page ----------------------------------------------------------------------------


def test_asm4_every_page_of_the_file_renders_for_its_assessor(own_client: Client, file: AssessmentFile) -> None:
    version = submit_complete(file)
    document = file.documents.first()
    assert document is not None
    pages = [reverse("file-list")]
    pages += [url(name, file.pk) for name in [*FILE_PAGES, "file-preparation-feedback"]]
    pages += [url("file-edit", file.pk, part) for part in ("f0", "tasks", "grid", "f11", "f12", "f13", "f14", "f15")]
    pages += [url("fileversion-detail", version.pk), url("fileversion-pdf", version.pk)]
    pages += [url("taskdocument-download", document.pk)]
    for page in pages:
        response = own_client.get(page)
        assert response.status_code == 200, page
    assert "Quenby" in text(own_client.get(reverse("file-list")))
    assert own_client.get(url("file-edit", file.pk, "f99")).status_code == 404


@pytest.mark.parametrize("role", [Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR])
def test_asm5_the_rpas_staff_read_the_file_but_only_its_assessor_writes_it(
    role: Role, file: AssessmentFile, rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    version = submit_complete(file)
    client = client_for(make_member(role, rpa=rpa_a))
    document = file.documents.first()
    assert document is not None
    for page in [
        reverse("file-list"),
        url("file-detail", file.pk),
        url("fileversion-detail", version.pk),
        url("fileversion-pdf", version.pk),
        url("taskdocument-download", document.pk),
    ]:
        response = client.get(page)
        assert response.status_code == 200, page
    assert "Quenby" in text(client.get(reverse("file-list")))
    for name in OWNER_ONLY:
        assert client.get(url(name, file.pk)).status_code == 403, name
        assert client.post(url(name, file.pk), {}).status_code == 403, name
    # PREP-3: the RPA's administrators may raise an issue with the candidate's documents too.
    expected = 200 if role == Role.RPA_ADMIN else 403
    assert client.get(url("file-document-issue", file.pk)).status_code == expected


def test_another_rpas_file_is_not_found_and_another_assessors_file_is_refused(
    file: AssessmentFile, rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    version = submit_complete(file)
    document = file.documents.first()
    assert document is not None
    pages = [url(name, file.pk) for name in [*FILE_PAGES, "file-preparation-feedback"]]
    pages += [url("fileversion-detail", version.pk), url("fileversion-pdf", version.pk)]
    pages += [url("taskdocument-download", document.pk)]
    stranger = client_for(assessor_in(rpa_b, "Sid Stranger").user)
    colleague = client_for(assessor_in(rpa_a, "Col League").user)
    for page in pages:
        assert stranger.get(page).status_code == 404, page
        assert stranger.post(page, {"message": "x"}).status_code in (404, 405), page
        assert colleague.get(page).status_code == 403, page
    assert "Quenby" not in text(stranger.get(reverse("file-list")))
    assert "Quenby" not in text(colleague.get(reverse("file-list")))


def test_asm4_the_list_filters_by_state_cycle_and_assessor(
    own_client: Client, file: AssessmentFile, assessor: Assessor, rpa_a: RPA
) -> None:
    submitted = file_with_tasks(assessor=assessor, candidate=ready_candidate(rpa=rpa_a, last_name="Sentwell"))
    submit_complete(submitted)
    month = timezone.localdate().strftime("%Y-%m")
    body = text(own_client.get(f"{reverse('file-list')}?state=submitted"))
    assert "Sentwell" in body and "Quenby" not in body
    body = text(own_client.get(f"{reverse('file-list')}?month={month}"))
    assert "Sentwell" in body and "Quenby" not in body
    body = text(own_client.get(f"{reverse('file-list')}?assessor={assessor.pk}&month=not-a-month"))
    assert "Sentwell" in body and "Quenby" in body and "Enter a month like 2027-03" in body


def test_the_list_uses_a_constant_number_of_queries(
    rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    page = reverse("file-list")

    def queries_for(count: int) -> int:
        while AssessmentFile.objects.filter(rpa=rpa_a).count() < count:
            AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a))
        client.get(page)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page)
        assert response.status_code == 200 and response.context["paginator"].count == count
        return len(queries)

    assert queries_for(3) == queries_for(30)


# --- editing the draft (ASM-4) ----------------------------------------------------------------------------


def test_asm4_editing_over_two_sittings_keeps_the_earlier_parts(
    file: AssessmentFile, assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    first = client_for(assessor.user)
    f0 = {**file.draft["f0"], "confirmed": "on"}
    response = first.post(url("file-edit", file.pk, "f0"), {**f0, "then": "next"})
    assert response.status_code == 302 and response.url == url("file-edit", file.pk, "tasks")
    response = first.post(url("file-edit", file.pk, "grid"), {"standard_1": "met", "evidence_1": "Led a group well."})
    assert response.status_code == 302 and response.url == url("file-edit", file.pk, "grid")

    second = client_for(assessor.user)  # another day, another browser
    second.post(url("file-edit", file.pk, "grid"), {"standard_2": "insufficient", "evidence_2": "Thin on planning."})
    second.post(url("file-edit", file.pk, "f12"), {"held_on": "", "with_name": "Tess Teacher", "record": "Met."})
    file.refresh_from_db()
    assert file.draft["f0"]["confirmed"] is True
    assert file.draft["grid"]["1"] == {"judgement": "met", "evidence": "Led a group well."}
    assert file.draft["grid"]["2"]["judgement"] == "insufficient"
    assert file.draft["f12"]["with_name"] == "Tess Teacher"
    body = text(second.get(url("file-edit", file.pk, "grid")))
    assert "Led a group well." in body and "Thin on planning." in body
    assert 'value="met" checked' in body
    body = text(second.get(url("file-edit", file.pk, "f0")))
    assert 'name="confirmed"' in body and "checked" in body


def test_asm4_a_malformed_grid_is_shown_again_with_an_error_summary_and_what_was_typed(
    own_client: Client, file: AssessmentFile
) -> None:
    response = own_client.post(
        url("file-edit", file.pk, "grid"),
        {"standard_3": "maybe", "evidence_3": "Typed before the error", "standard_4": "met"},
    )
    body = text(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Standard 3: choose met or insufficient evidence" in body
    assert 'href="#id_standard_3_0"' in body and "Typed before the error" in body
    # The service refuses what the form cannot see (text too long), by field, keeping the rest.
    response = own_client.post(url("file-edit", file.pk, "grid"), {"evidence_5": "x" * 20_001, "evidence_6": "Kept"})
    assert "Enter at most 20,000 characters." in text(response) and "Kept" in text(response)
    file.refresh_from_db()
    assert "grid" not in file.draft


def test_asm4_autosave_answers_204_and_saves_or_400_with_the_errors(own_client: Client, file: AssessmentFile) -> None:
    edit = url("file-edit", file.pk, "f11")
    response = own_client.post(edit, {"held_on": "2026-01-05", "record": "Autosaved words"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 204
    file.refresh_from_db()
    assert file.draft["f11"]["record"] == "Autosaved words" and file.draft_saved_at is not None
    response = own_client.post(edit, {"held_on": "2026-02-31", "record": "More"}, HTTP_X_AUTOSAVE="1")
    assert response.status_code == 400 and response.json() == {"errors": {"held_on": ["Enter a real date"]}}
    body = text(own_client.get(edit))
    assert "js/file-autosave.js" in body and "data-autosave" in body and "Autosaved words" in body


def test_asm4_a_submitted_file_cannot_be_edited(own_client: Client, file: AssessmentFile) -> None:
    submit_complete(file)
    assert "it can be changed only while" in text(own_client.get(url("file-edit", file.pk, "f15")))
    response = own_client.post(url("file-edit", file.pk, "f15"), {"rationale": "Late change"})
    assert response.status_code == 200 and "it can be changed only while" in text(response)
    file.refresh_from_db()
    assert file.draft["f15"]["rationale"] != "Late change"


# --- submitting and versions (ASM-4, ASM-5, SCR-1) -------------------------------------------------------


def test_asm4_an_incomplete_file_lists_what_is_missing_by_part_and_creates_no_version(
    own_client: Client, file: AssessmentFile
) -> None:
    body = text(own_client.get(url("file-submit", file.pk)))
    assert "F9/F10 Assessment grid" in body and "Standard 1: choose a judgement" in body
    assert "Submit version" not in body
    response = own_client.post(url("file-submit", file.pk))
    body = text(response)
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "F9/F10 Assessment grid: Standard 1: choose a judgement" in body
    assert "F15 Summary assessment record: Choose the recommended outcome" in body
    assert FileVersion.objects.filter(file=file).count() == 0


def test_asm4_asm5_a_complete_file_submits_and_its_version_shows(own_client: Client, file: AssessmentFile) -> None:
    file.draft = complete_content(file=file, outcome="partial", insufficient=(7,))
    file.save(update_fields=["draft"])
    body = text(own_client.get(url("file-submit", file.pk)))
    assert "Submit version 1" in body
    response = own_client.post(url("file-submit", file.pk))
    version = FileVersion.objects.get(file=file)
    assert response.status_code == 302 and response.url == url("fileversion-detail", version.pk)
    body = text(own_client.get(response.url))
    assert "Version 1 of the file is submitted." in body
    assert "Quenby" in body and "Partial reassessment on named standards" in body
    assert "Standard 7: evidence from the tasks" in body and "Resubmission" not in body
    file.refresh_from_db()
    assert file.state == FileState.SUBMITTED


def test_asm5_scr1_a_returned_file_is_revised_resubmitted_and_its_version_shows_the_diff(
    own_client: Client, file: AssessmentFile
) -> None:
    submit_complete(file)
    file_scrutinise(file=file, decision="return", reasons="The F12 record lacks detail.", acting_user=None)
    body = text(own_client.get(url("file-detail", file.pk)))
    assert "Returned for revision" in body and "do not seek new evidence" in body
    assert "The F12 record lacks detail." in body
    f12 = {**file.draft["f12"], "record": "A fuller record of the meeting with the teacher, from my notes."}
    response = own_client.post(url("file-edit", file.pk, "f12"), {**f12, "then": "stay"})
    assert response.status_code == 302
    response = own_client.post(url("file-submit", file.pk))
    version = FileVersion.objects.get(file=file, number=2)
    assert response.url == url("fileversion-detail", version.pk)
    body = text(own_client.get(response.url))
    assert "Resubmission" in body and "Changes from version 1" in body
    assert "F12 Meeting with the teacher" in body and "A fuller record of the meeting" in body
    assert "questions asked and answers recorded at the time" in body  # the record before


def test_asm5_the_version_pdf_is_a_private_download(own_client: Client, file: AssessmentFile) -> None:
    version = submit_complete(file)
    response = own_client.get(url("fileversion-pdf", version.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private, no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert b"Quenby" in response.content  # whose file it is, in the document's title


# --- the candidate's documents (ASM-2, PREP-3) ------------------------------------------------------------


def test_asm2_a_task_document_downloads_for_the_assessor_and_not_for_another_rpa(
    own_client: Client, file: AssessmentFile, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    document = TaskDocument.objects.get(file=file, kind="task", task_number=3)
    response = own_client.get(url("taskdocument-download", document.pk))
    assert response.status_code == 200 and response.content == pdf_with("task 3")
    assert response["Content-Type"] == "application/pdf" and response["Cache-Control"] == "private, no-store"
    assert response["Content-Disposition"] == 'attachment; filename="task3.pdf"'
    stranger = client_for(assessor_in(rpa_b, "Sid Stranger").user)
    assert stranger.get(url("taskdocument-download", document.pk)).status_code == 404


def test_asm2_the_overview_shows_the_documents_and_that_the_tasks_arrived_late(
    own_client: Client, file: AssessmentFile
) -> None:
    tasks_send(file=file, acting_user=None)  # three days after the assessment: late
    body = text(own_client.get(url("file-detail", file.pk)))
    document = TaskDocument.objects.get(file=file, kind="task", task_number=1)
    assert url("taskdocument-download", document.pk) in body and "Download task1.pdf" in body
    assert "did not reach you at least 10 days before the assessment" in body
    assert 'govuk-tag--red">Late' in body


def test_asm2_the_assessor_uploads_for_the_candidate_and_a_refused_upload_says_why(
    own_client: Client, file: AssessmentFile
) -> None:
    page = url("file-documents", file.pk)
    refused = own_client.post(
        page, {"kind": "task", "task_number": "3", "upload": SimpleUploadedFile("sheet.pdf", b"plain text, not a PDF")}
    )
    body = text(refused)
    assert refused.status_code == 200 and "govuk-error-summary" in body
    assert 'href="#id_upload"' in body and "The selected file must be a PDF, JPEG or PNG file." in body
    renamed = own_client.post(
        page, {"kind": "evidence", "title": "Plan", "upload": SimpleUploadedFile("plan.png", pdf_with("plan"))}
    )
    assert "its name must end in .pdf" in text(renamed)
    accepted = own_client.post(
        page, {"kind": "task", "task_number": "3", "upload": SimpleUploadedFile("new3.pdf", pdf_with("new 3"))}
    )
    assert accepted.status_code == 302 and accepted.url == page
    assert TaskDocument.objects.get(file=file, task_number=3, replaced_at__isnull=True).name == "new3.pdf"


def test_prep3_the_assessor_or_the_rpa_admin_raises_an_issue_with_the_documents_before_the_assessment(
    assessor: Assessor,
    rpa_a: RPA,
    make_member: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    assessment = AssessmentFactory(
        assessor=assessor,
        candidate=ready_candidate(rpa=rpa_a, last_name="Upcoming"),
        starts_at=at(timezone.localdate() + timedelta(days=30)),
    )
    file = file_with_tasks(assessment=assessment)
    tasks_send(file=file, acting_user=None)
    own = client_for(assessor.user)
    assert "Raise an issue with the candidate" in text(own.get(url("file-detail", file.pk)))
    refused = own.post(url("file-document-issue", file.pk), {"message": ""})
    assert "Say what the candidate needs to address" in text(refused)
    response = own.post(url("file-document-issue", file.pk), {"message": "Task 4's sheet is unreadable."})
    assert response.status_code == 302 and response.url == url("file-detail", file.pk)
    file.refresh_from_db()
    assert file.tasks_sent_at is None  # the tasks open again for the candidate
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    admin.post(url("file-document-issue", file.pk), {"message": "Evidence file is missing pages."})
    assert DocumentIssue.objects.filter(file=file).count() == 2
    body = text(own.get(url("file-detail", file.pk)))
    assert "Task 4&#x27;s sheet is unreadable." in body and "Evidence file is missing pages." in body
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.post(url("file-document-issue", file.pk), {"message": "No"}).status_code == 403


# --- feedback on the preparation (PREP-1, PREP-2) ----------------------------------------------------------


def test_prep1_prep2_the_assessor_records_feedback_and_flags_harm_with_details(
    own_client: Client, file: AssessmentFile
) -> None:
    page = url("file-preparation-feedback", file.pk)
    assert "Did the preparation harm the assessment?" in text(own_client.get(page))
    refused = own_client.post(page, {"quality": "poor", "comments": "Little practice.", "harmed": "yes"})
    assert "Say how the preparation harmed the assessment." in text(refused) and "Little practice." in text(refused)
    assert not PreparationFeedback.objects.filter(file=file).exists()
    response = own_client.post(
        page,
        {"quality": "poor", "comments": "Little practice.", "harmed": "yes", "harm_details": "Wrong task sheets."},
    )
    assert response.status_code == 302
    feedback = PreparationFeedback.objects.get(file=file)
    assert feedback.harmed and feedback.harm_details == "Wrong task sheets." and feedback.recorded_by == file.owner
    body = text(own_client.get(page))
    assert "Wrong task sheets." in body and 'value="yes" checked' in body
    assert "Little practice." in text(own_client.get(url("file-detail", file.pk)))
