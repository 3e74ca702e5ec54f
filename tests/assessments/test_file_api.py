"""The assessment file REST API at /api/v1/: the assessor's file with its drafts and versions (ASM-4, ASM-5), the
candidate's task documents (ASM-2, PREP-3), scrutiny (SCR-1, SCR-3), preparation feedback (PREP-1), results
(MOD-12, PAY-1), tenant isolation on its own routes, and the OpenAPI schema that documents it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments import file_services as fs
from assessments.factories import AssessmentFactory, AssessorFactory, complete_content, file_with_tasks, submitted_file
from assessments.models import (
    AssessmentFile,
    Assessor,
    DocumentIssue,
    FileState,
    FileVersion,
    PreparationFeedback,
    Result,
    TaskDocument,
)
from candidates.factories import CandidateFactory, pdf_with, ready_candidate
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
MISSING_PK = 2_000_000_000
Clients = Callable[[User], Client]


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def patch_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.patch(url, body, content_type="application/json")


def file_url(file: AssessmentFile, action: str = "") -> str:
    return f"{API}/assessment-files/{file.pk}/" + (f"{action}/" if action else "")


def future_file(assessor: Assessor, rpa: RPA) -> AssessmentFile:
    """The file of an assessment 40 days ahead: the candidate's documents can still be sent and questioned."""
    return AssessmentFile.objects.get(
        assessment=AssessmentFactory(candidate=ready_candidate(rpa=rpa), assessor=assessor)
    )


@pytest.fixture
def admin_user(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a)


@pytest.fixture
def admin(admin_user: User, client_for: Clients) -> Client:
    return client_for(admin_user)


@pytest.fixture
def senior(make_member: Callable[..., User], rpa_a: RPA, client_for: Clients) -> Client:
    return client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))


@pytest.fixture
def moderator(make_member: Callable[..., User], rpa_a: RPA, client_for: Clients) -> Client:
    return client_for(make_member(Role.MODERATOR, rpa=rpa_a))


@pytest.fixture
def admin_b(make_member: Callable[..., User], rpa_b: RPA, client_for: Clients) -> Client:
    return client_for(make_member(Role.RPA_ADMIN, rpa=rpa_b))


@pytest.fixture
def assessor(make_member: Callable[..., User], rpa_a: RPA) -> Assessor:
    """An assessor of RPA A who signs in with the assessor's role."""
    return AssessorFactory(rpa=rpa_a, user=make_member(Role.ASSESSOR, rpa=rpa_a))


@pytest.fixture
def own(assessor: Assessor, client_for: Clients) -> Client:
    return client_for(assessor.user)


@pytest.fixture
def draft_file(assessor: Assessor, rpa_a: RPA) -> AssessmentFile:
    """The assessor's file three days after the assessment: the candidate's documents in, the draft begun (F0)."""
    return file_with_tasks(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)


# --- the file ------------------------------------------------------------------------------------------


def test_asm_4_an_assessor_lists_and_reads_their_own_files_with_what_is_missing(
    own: Client, draft_file: AssessmentFile, rpa_a: RPA
) -> None:
    others = file_with_tasks(candidate=ready_candidate(rpa=rpa_a))

    rows = own.get(f"{API}/assessment-files/").json()["results"]

    assert [row["id"] for row in rows] == [draft_file.pk]
    row = rows[0]
    assert row["candidate"] == draft_file.candidate_id
    assert row["candidate_name"] == draft_file.candidate.full_name
    assert row["assessor"] == draft_file.assessor_id and row["assessor_name"] == draft_file.assessor.user.full_name
    assert row["assessment"] == draft_file.assessment_id and row["url"] == file_url(draft_file)
    assert row["state"] == "draft" and row["version_count"] == 0 and row["moderatable"] is False
    assert "draft" not in row and "missing" not in row
    detail = own.get(file_url(draft_file)).json()
    assert detail["draft"]["f0"]["full_name"] == draft_file.candidate.full_name
    assert set(detail["missing"]) == {"f0", "tasks", "grid", "f11", "f12", "f13", "f14", "f15"}
    assert "Confirm the personal details are correct" in detail["missing"]["f0"]
    # The same RPA's file of another assessor: the role reaches only its own.
    assert own.get(file_url(others)).status_code == 403


def test_the_file_list_filters_by_state_month_and_assessor(
    admin: Client, draft_file: AssessmentFile, assessor: Assessor, rpa_a: RPA
) -> None:
    submitted = submitted_file(candidate=ready_candidate(rpa=rpa_a))
    assert submitted.cycle_month is not None

    def ids(query: str) -> list[int]:
        response = admin.get(f"{API}/assessment-files/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert ids("") == [submitted.pk, draft_file.pk]  # submitted files first, then drafts
    assert ids("state=submitted") == [submitted.pk]
    assert ids(f"month={submitted.cycle_month:%Y-%m}") == [submitted.pk]
    assert ids(f"assessor={assessor.pk}") == [draft_file.pk]
    bad = admin.get(f"{API}/assessment-files/?month=2025-13&state=lost&assessor=someone")
    assert bad.status_code == 400 and set(bad.json()) == {"month", "state", "assessor"}


def test_asm_4_the_draft_saves_part_by_part_over_two_calls_without_loss(
    own: Client, admin: Client, moderator: Client, admin_b: Client, draft_file: AssessmentFile
) -> None:
    url = file_url(draft_file, "draft")
    evidence = "Standard 1: planned and led a group session, seen in task 2 and the interview."

    first = patch_json(own, url, {"part": "grid", "data": {"1": {"judgement": "met", "evidence": evidence}}})
    second = patch_json(own, url, {"part": "grid", "data": {"2": {"judgement": "insufficient", "evidence": ""}}})

    assert first.status_code == 200 and second.status_code == 200, second.content
    grid = second.json()["draft"]["grid"]
    assert grid["1"] == {"judgement": "met", "evidence": evidence} and grid["2"]["judgement"] == "insufficient"
    assert second.json()["draft_saved_at"] is not None
    assert "Standard 1: choose a judgement" not in second.json()["missing"]["grid"]
    malformed = patch_json(own, url, {"part": "grid", "data": {"1": {"judgement": "brilliant"}}})
    assert malformed.status_code == 400 and set(malformed.json()) == {"standard_1"}
    no_part = patch_json(own, url, {"part": "f99", "data": {}})
    assert no_part.status_code == 400 and set(no_part.json()) == {"part"}
    # Only the file's assessor writes it: an administrator of the RPA (CHANGE on files, for scrutiny) and a
    # moderator (no CHANGE) are refused; another RPA's administrator finds nothing.
    body = {"part": "grid", "data": {"3": {"judgement": "met", "evidence": evidence}}}
    assert patch_json(admin, url, body).status_code == 403
    assert patch_json(moderator, url, body).status_code == 403
    assert patch_json(admin_b, url, body).status_code == 404
    draft_file.refresh_from_db()
    assert set(draft_file.draft["grid"]) == {"1", "2"}


def test_asm_4_an_incomplete_file_is_refused_with_what_is_missing_by_part_and_no_version(
    own: Client, draft_file: AssessmentFile
) -> None:
    patch_json(own, file_url(draft_file, "draft"), {"part": "f15", "data": {"outcome": "met"}})

    response = post_json(own, file_url(draft_file, "submit"))

    assert response.status_code == 400
    errors = response.json()
    assert set(errors) == {"f0", "tasks", "grid", "f11", "f12", "f13", "f14", "f15"}
    assert "Standard 1: choose a judgement" in errors["grid"]
    assert errors["f15"] == ["Give the reasons for the recommended outcome"]
    assert errors["tasks"][0] == "F1: record your notes on task 1"
    assert not FileVersion.objects.exists()
    draft_file.refresh_from_db()
    assert draft_file.state == FileState.DRAFT and draft_file.version_count == 0


def test_asm_4_asm_5_a_complete_file_submits_as_a_version_kept_with_its_documents(
    own: Client, admin: Client, draft_file: AssessmentFile
) -> None:
    for part, data in complete_content(file=draft_file).items():
        assert patch_json(own, file_url(draft_file, "draft"), {"part": part, "data": data}).status_code == 200
    assert own.get(file_url(draft_file)).json()["missing"] == {}
    assert post_json(admin, file_url(draft_file, "submit")).status_code == 403  # the assessor's alone

    response = post_json(own, file_url(draft_file, "submit"))

    assert response.status_code == 201, response.content
    version = response.json()
    assert version["number"] == 1 and version["file"] == draft_file.pk and version["outcome"] == "met"
    assert version["submitted_by_name"] == draft_file.assessor.user.full_name
    assert version["content"]["f15"]["outcome"] == "met" and version["diff"] == []
    assert len(version["documents"]) == 9 and all("id" not in doc for doc in version["documents"])
    sheet = next(doc for doc in version["documents"] if doc["task_number"] == 1)
    assert sheet["url"] == f"{API}/task-documents/{sheet['task_document']}/" and sheet["name"] == "task1.pdf"
    listed = own.get(f"{API}/assessment-files/").json()["results"][0]
    assert listed["state"] == "submitted" and listed["version_count"] == 1 and listed["moderatable"] is True
    assert listed["recommended_outcome"] == "met" and listed["resubmitted"] is False
    again = post_json(own, file_url(draft_file, "submit"))
    assert again.status_code == 400 and "non_field_errors" in again.json()
    assert FileVersion.objects.filter(file=draft_file).count() == 1


def test_asm_5_scr_1_a_returned_file_is_revised_as_a_new_version_with_its_diff(
    own: Client, senior: Client, assessor: Assessor, rpa_a: RPA
) -> None:
    file = submitted_file(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
    scrutinise = file_url(file, "scrutinise")

    without_reasons = post_json(senior, scrutinise, {"decision": "return"})
    assert without_reasons.status_code == 400 and set(without_reasons.json()) == {"reasons"}
    returned = post_json(senior, scrutinise, {"decision": "return", "reasons": "F12 lacks detail."})
    assert returned.status_code == 201, returned.content
    assert returned.json()["file_state"] == "returned" and returned.json()["version_number"] == 1
    assert own.get(file_url(file)).json()["moderatable"] is False  # SCR-1
    f12 = {**file.draft["f12"], "record": "A fuller record of the meeting with the teacher, question by question."}
    assert patch_json(own, file_url(file, "draft"), {"part": "f12", "data": f12}).status_code == 200

    response = post_json(own, file_url(file, "submit"))

    assert response.status_code == 201, response.content
    revision = response.json()
    assert revision["number"] == 2
    assert {change["part"] for change in revision["diff"]} == {"F12 Meeting with the teacher"}
    change = revision["diff"][0]
    assert change["field"] == "record" and change["after"] == f12["record"] and change["before"]
    versions = own.get(f"{API}/file-versions/?file={file.pk}").json()["results"]
    assert [v["number"] for v in versions] == [2, 1]
    first = own.get(f"{API}/file-versions/{versions[1]['id']}/").json()
    assert first["diff"] == [] and first["content"]["f12"]["record"] != f12["record"]  # ASM-5: kept unchanged
    listed = own.get(file_url(file)).json()
    assert listed["resubmitted"] is True and listed["was_returned"] is True and listed["moderatable"] is False


def test_scr_1_scr_3_scrutiny_is_for_the_rpas_admins_and_seniors_never_the_files_own_assessor(
    admin: Client,
    own: Client,
    moderator: Client,
    admin_b: Client,
    make_member: Callable[..., User],
    client_for: Clients,
    assessor: Assessor,
    rpa_a: RPA,
) -> None:
    file = submitted_file(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
    scrutinise = file_url(file, "scrutinise")
    accept = {"decision": "accept"}
    # A senior assessor who assessed a file does not scrutinise it.
    senior_assessor = AssessorFactory(rpa=rpa_a, user=make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a), is_senior=True)
    seniors_file = submitted_file(candidate=ready_candidate(rpa=rpa_a), assessor=senior_assessor)
    assert post_json(client_for(senior_assessor.user), file_url(seniors_file, "scrutinise"), accept).status_code == 403
    assert post_json(own, scrutinise, accept).status_code == 403
    assert post_json(moderator, scrutinise, accept).status_code == 403
    assert post_json(admin_b, scrutinise, accept).status_code == 404

    unexplained = post_json(admin, scrutinise, {**accept, "flag_principle": True})
    assert unexplained.status_code == 400 and set(unexplained.json()) == {"flag_note"}
    flagged = post_json(admin, scrutinise, {**accept, "flag_principle": True, "flag_note": "A novel setting."})

    assert flagged.status_code == 201, flagged.content
    assert flagged.json()["decision"] == "accept" and flagged.json()["file_state"] == "accepted"
    listed = admin.get(f"{API}/assessment-files/?state=accepted").json()["results"]
    assert [row["id"] for row in listed] == [file.pk]
    assert listed[0]["flagged_principle"] is True and listed[0]["moderatable"] is True  # SCR-3
    again = post_json(admin, scrutinise, accept)
    assert again.status_code == 400 and "non_field_errors" in again.json()


# --- task documents ----------------------------------------------------------------------------------


def test_asm_2_the_assessor_uploads_a_document_checked_by_content(
    own: Client, admin: Client, admin_b: Client, assessor: Assessor, rpa_a: RPA
) -> None:
    file = future_file(assessor, rpa_a)
    url = file_url(file, "documents")

    sheet = own.post(
        url,
        {"kind": "task", "task_number": "3", "upload": SimpleUploadedFile("task3.pdf", pdf_with("task three"))},
    )

    assert sheet.status_code == 201, sheet.content
    body = sheet.json()
    assert body["kind"] == "task" and body["task_number"] == 3 and body["name"] == "task3.pdf"
    assert body["content_type"] == "application/pdf" and body["size"] == len(pdf_with("task three"))
    assert body["download_url"] == f"{API}/task-documents/{body['id']}/download/"
    refused = own.post(
        url, {"kind": "evidence", "title": "Lesson plans", "upload": SimpleUploadedFile("plans.pdf", b"MZ\x90\x00")}
    )
    assert refused.status_code == 400 and set(refused.json()) == {"upload"}
    assert "must be a PDF, JPEG or PNG" in refused.json()["upload"][0]
    untitled = own.post(url, {"kind": "evidence", "upload": SimpleUploadedFile("plans.pdf", pdf_with("plans"))})
    assert untitled.status_code == 400 and set(untitled.json()) == {"title"}
    upload = {"kind": "evidence", "title": "Lesson plans", "upload": SimpleUploadedFile("p.pdf", pdf_with("p"))}
    assert admin.post(url, upload).status_code == 403  # the file's assessor's alone
    assert admin_b.post(url, upload).status_code == 404
    assert list(TaskDocument.objects.filter(file=file).values_list("name", flat=True)) == ["task3.pdf"]


def test_asm_2_the_document_downloads_decrypted_as_a_private_attachment(
    own: Client,
    admin: Client,
    moderator: Client,
    admin_b: Client,
    make_member: Callable[..., User],
    client_for: Clients,
    assessor: Assessor,
    rpa_a: RPA,
) -> None:
    candidate_user = make_member(Role.CANDIDATE, rpa=rpa_a)
    file = file_with_tasks(candidate=ready_candidate(rpa=rpa_a, user=candidate_user), assessor=assessor)
    document = file.documents.get(kind="evidence")
    url = f"{API}/task-documents/{document.pk}/download/"

    for client in (own, admin, moderator, client_for(candidate_user)):
        response = client.get(url, HTTP_ACCEPT="application/pdf")
        assert response.status_code == 200
        assert response.content == pdf_with("evidence")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="evidence.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"

    metadata = admin.get(f"{API}/task-documents/?file={file.pk}").json()["results"]
    assert len(metadata) == 9 and {row["file"] for row in metadata} == {file.pk}
    assert all(row["sha256"] and "content" not in row for row in metadata)  # metadata only, never the bytes
    # Another candidate of the RPA (OWN scope) may not; another RPA's administrator finds nothing.
    assert client_for(make_member(Role.CANDIDATE, rpa=rpa_a)).get(url).status_code == 403
    missing = admin_b.get(f"{API}/task-documents/{MISSING_PK}/download/")
    refused = admin_b.get(url, HTTP_ACCEPT="application/pdf")
    assert refused.status_code == 404 and refused["Content-Type"] == "application/json"
    assert admin_b.get(url).content == missing.content


def test_prep_3_an_issue_in_the_documents_goes_back_to_the_candidate_before_the_assessment(
    own: Client, admin: Client, senior: Client, admin_b: Client, assessor: Assessor, rpa_a: RPA
) -> None:
    file = file_with_tasks(assessment=AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=assessor))
    fs.tasks_send(file=file, acting_user=None)
    url = file_url(file, "document-issue")
    message = {"message": "Task 3 answers the question of task 4."}

    raised = post_json(own, url, message)

    assert raised.status_code == 201, raised.content
    assert raised.json()["message"] == message["message"] and raised.json()["file"] == file.pk
    file.refresh_from_db()
    assert file.tasks_sent_at is None  # open again for the candidate to address it
    assert post_json(admin, url, {"message": "Task 5 is missing its second page."}).status_code == 201
    blank = post_json(own, url, {"message": ""})
    assert blank.status_code == 400 and set(blank.json()) == {"message"}
    assert post_json(senior, url, message).status_code == 403
    assert post_json(admin_b, url, message).status_code == 404
    assert DocumentIssue.objects.filter(file=file).count() == 2


# --- preparation feedback ------------------------------------------------------------------------------


def test_prep_1_prep_2_the_assessors_feedback_reaches_the_pop_once_the_rpa_passes_it_on(
    own: Client,
    admin: Client,
    senior: Client,
    admin_b: Client,
    make_member: Callable[..., User],
    client_for: Clients,
    assessor: Assessor,
    rpa_a: RPA,
) -> None:
    file = submitted_file(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
    pop = client_for(make_member(Role.POP_USER, pop=file.candidate.pop))
    url = file_url(file, "preparation-feedback")
    body = {"quality": "poor", "comments": "The tasks did not address the standards.", "harmed": True}

    unexplained = post_json(own, url, body)
    recorded = post_json(own, url, {**body, "harm_details": "The guidance contradicted the standards."})
    changed = post_json(own, url, {**body, "quality": "adequate", "harm_details": "Contradictory guidance."})

    assert unexplained.status_code == 400 and set(unexplained.json()) == {"harm_details"}
    assert recorded.status_code == 201 and changed.status_code == 200, changed.content
    assert changed.json()["quality"] == "adequate" and changed.json()["passed_on_at"] is None
    assert post_json(admin, url, body).status_code == 403  # the file's assessor's alone
    assert pop.get(f"{API}/preparation-feedback/").json()["results"] == []
    feedback = PreparationFeedback.objects.get(file=file)
    pass_on = f"{API}/preparation-feedback/{feedback.pk}/pass-on/"
    assert post_json(senior, pass_on).status_code == 403  # VIEW only
    assert post_json(own, pass_on).status_code == 403  # the RPA passes it on, not the assessor
    assert post_json(admin_b, pass_on).status_code == 404

    passed = post_json(admin, pass_on, {"rpa_note": "Please review your task guidance."})

    assert passed.status_code == 200, passed.content
    assert passed.json()["passed_on_at"] and passed.json()["candidate_told_at"]  # PREP-2: harm is told
    assert passed.json()["rpa_note"] == "Please review your task guidance."
    assert post_json(admin, pass_on).status_code == 400
    rows = pop.get(f"{API}/preparation-feedback/").json()["results"]
    assert [row["id"] for row in rows] == [feedback.pk] and rows[0]["comments"] == body["comments"]
    assert rows[0]["candidate_name"] == file.candidate.full_name
    assert pop.get(f"{API}/preparation-feedback/{feedback.pk}/").status_code == 200


# --- results -------------------------------------------------------------------------------------------


def test_pay_1_mod_12_a_candidate_sees_only_released_results_the_rpa_sees_all(
    admin: Client,
    senior: Client,
    admin_b: Client,
    make_member: Callable[..., User],
    client_for: Clients,
    rpa_a: RPA,
) -> None:
    candidate_user = make_member(Role.CANDIDATE, rpa=rpa_a)
    paid = ready_candidate(rpa=rpa_a, user=candidate_user)
    unpaid = ready_candidate(rpa=rpa_a, user=candidate_user, paid=False)
    released = fs.result_confirm(file=submitted_file(candidate=paid), via="event_closed", acting_user=None)
    held = fs.result_confirm(
        file=submitted_file(candidate=unpaid, outcome="not_met", insufficient=(3,)),
        via="event_closed",
        acting_user=None,
    )
    assert fs.result_release(result=released) is True and fs.result_release(result=held) is False  # PAY-1
    candidate = client_for(candidate_user)

    mine = candidate.get(f"{API}/results/")

    assert mine.status_code == 200
    assert [(row["id"], row["outcome"]) for row in mine.json()["results"]] == [(released.pk, "met")]
    assert mine.json()["results"][0]["released_at"] is not None
    assert "not_met" not in mine.content.decode()
    assert candidate.get(f"{API}/results/{released.pk}/").json()["outcome"] == "met"
    assert candidate.get(f"{API}/results/{held.pk}/").status_code == 403
    rows = {row["id"]: row for row in admin.get(f"{API}/results/").json()["results"]}
    assert set(rows) == {released.pk, held.pk}
    assert rows[held.pk]["outcome"] == "not_met" and rows[held.pk]["released_at"] is None
    assert rows[held.pk]["candidate_name"] == unpaid.full_name
    # Results are the RPA administrators' and the candidate's: not a senior assessor's, not another candidate's.
    assert senior.get(f"{API}/results/").status_code == 403
    assert senior.get(f"{API}/results/{released.pk}/").status_code == 403
    stranger = client_for(make_member(Role.CANDIDATE, rpa=rpa_a))
    assert stranger.get(f"{API}/results/").json()["results"] == []
    assert stranger.get(f"{API}/results/{released.pk}/").status_code == 403
    assert admin_b.get(f"{API}/results/{released.pk}/").status_code == 404
    assert Result.objects.count() == 2


# --- isolation, measures and the schema ---------------------------------------------------------------


def test_another_rpas_records_answer_like_missing_ones_and_roles_without_the_grant_get_403(
    admin_b: Client,
    make_member: Callable[..., User],
    client_for: Clients,
    assessor: Assessor,
    rpa_a: RPA,
) -> None:
    file = submitted_file(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
    feedback = fs.preparation_feedback_record(file=file, quality="well", comments="Well prepared.", acting_user=None)
    version, document = file.versions.get(), file.documents.first()
    assert document is not None
    reads = {
        "assessment-files": file.pk,
        "file-versions": version.pk,
        "task-documents": document.pk,
        "preparation-feedback": feedback.pk,
    }
    writes = [
        ("patch", "assessment-files", "draft"),
        ("post", "assessment-files", "submit"),
        ("post", "assessment-files", "scrutinise"),
        ("post", "assessment-files", "documents"),
        ("post", "assessment-files", "document-issue"),
        ("post", "assessment-files", "preparation-feedback"),
        ("post", "preparation-feedback", "pass-on"),
    ]
    for prefix, pk in reads.items():
        response, missing = admin_b.get(f"{API}/{prefix}/{pk}/"), admin_b.get(f"{API}/{prefix}/{MISSING_PK}/")
        assert response.status_code == 404 and response.content == missing.content, prefix
    for method, prefix, name in writes:
        pk = reads[prefix]
        response = getattr(admin_b, method)(f"{API}/{prefix}/{pk}/{name}/", {}, content_type="application/json")
        missing = getattr(admin_b, method)(f"{API}/{prefix}/{MISSING_PK}/{name}/", {}, content_type="application/json")
        assert response.status_code == 404 and response.content == missing.content, name
    # Own RPA, no grant: a candidate (not this file's) and a moderator on writes; a PoP is no member of the RPA.
    candidate = client_for(make_member(Role.CANDIDATE, rpa=rpa_a))
    assert candidate.get(f"{API}/assessment-files/").status_code == 403
    assert candidate.get(file_url(file)).status_code == 403
    assert candidate.get(f"{API}/file-versions/{version.pk}/").status_code == 403
    moderator = client_for(make_member(Role.MODERATOR, rpa=rpa_a))
    assert moderator.get(file_url(file)).status_code == 200
    assert moderator.get(f"{API}/preparation-feedback/").status_code == 403
    for method, prefix, name in writes:
        url = f"{API}/{prefix}/{reads[prefix]}/{name}/"
        assert getattr(moderator, method)(url, {}, content_type="application/json").status_code == 403, name
    pop = client_for(make_member(Role.POP_USER, pop=file.candidate.pop))
    assert pop.get(f"{API}/assessment-files/").status_code == 403
    assert pop.get(file_url(file)).status_code == 404
    file.refresh_from_db()
    assert file.state == FileState.SUBMITTED and file.scrutinies.count() == 0


def test_the_file_list_uses_a_constant_number_of_queries(admin: Client, rpa_a: RPA, rpa_b: RPA) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a))
        AssessmentFactory(candidate=CandidateFactory(rpa=rpa_b))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(url)
        assert response.status_code == 200
        return len(queries)

    url = f"{API}/assessment-files/"
    make(3)
    admin.get(url)  # warm the per-process caches
    few = count(url)
    make(30)
    many = count(url)
    assert admin.get(url).json()["count"] == 33
    assert few == many, f"{few} queries for 3 files but {many} for 33"


def test_the_openapi_schema_documents_the_file_api_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in (
        "/api/v1/assessment-files/",
        "/api/v1/assessment-files/{id}/",
        "/api/v1/assessment-files/{id}/submit/",
        "/api/v1/assessment-files/{id}/scrutinise/",
        "/api/v1/assessment-files/{id}/document-issue/",
        "/api/v1/assessment-files/{id}/preparation-feedback/",
        "/api/v1/file-versions/",
        "/api/v1/file-versions/{id}/",
        "/api/v1/task-documents/",
        "/api/v1/task-documents/{id}/",
        "/api/v1/preparation-feedback/",
        "/api/v1/preparation-feedback/{id}/",
        "/api/v1/preparation-feedback/{id}/pass-on/",
        "/api/v1/results/",
        "/api/v1/results/{id}/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/assessment-files/{id}/draft/"]) == {"patch"}
    upload = paths["/api/v1/assessment-files/{id}/documents/"]["post"]
    assert set(upload["requestBody"]["content"]) == {"multipart/form-data"}
    download = paths["/api/v1/task-documents/{id}/download/"]["get"]["responses"]["200"]["content"]
    assert set(download) == {"application/pdf", "image/jpeg", "image/png"}
    assert "400" in paths["/api/v1/assessment-files/{id}/submit/"]["post"]["responses"]
