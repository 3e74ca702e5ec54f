"""The assessment file in headless Chromium: an assessor completes a file over two sittings and submits it, the RPA's
scrutineer returns it with reasons, the assessor revises and resubmits it and the scrutineer accepts it; and the
candidate's side: the written tasks uploaded and sent, then the result held until paid and released. Every page on
the way passes axe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory, at, complete_content, file_with_tasks
from assessments.file_parts import MEETINGS
from assessments.file_selectors import file_standard_numbers
from assessments.file_services import file_submit, result_confirm, results_release_due, task_document_upload
from assessments.models import (
    Assessment,
    AssessmentFile,
    Assessor,
    ConfirmedVia,
    FileState,
    FileVersion,
    Result,
    ScrutinyDecision,
)
from candidates.factories import InvoiceFactory, PaymentFactory, pdf_with, ready_candidate
from hnap.factories import MembershipFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Make = Callable[..., User]
SignIn = Callable[..., Any]

# The standards judged in the first sitting; the rest of the grid waits for the second.
FIRST_SITTING_STANDARDS = 10
RETURN_REASONS = "The record of the meeting with the teacher does not say which standards the questions covered."
REVISED_RECORD = (
    "Meeting with the teacher: questions on standards 3, 7 and 21, answers recorded at the time from my notes."
)


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process (the release after confirmation, the result letter's email), not on a broker."""
    from hnap.celery import app

    # Set and restored by hand: monkeypatch's undo deletes the attribute, which Celery's settings refuse.
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def visit(page: Any, base: str, path: str) -> None:
    """Open a page, check it answers without error, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert "Page not found" not in page.content(), path
    assert_accessible(page)


def follow(page: Any, target: Any) -> None:
    """Click a link or button (a locator), wait until the page it leads to has loaded, and run axe on it."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def switch_user(page: Any, sign_in_page: SignIn, user: User) -> None:
    """Sign the browser out (forget its cookies) and sign in as `user` through the real form."""
    page.context.clear_cookies()
    sign_in_page(user)


def assessor_in(rpa: RPA, name: str) -> Assessor:
    """An active assessor on `rpa`'s register who can sign in (the assessor role)."""
    assessor = AssessorFactory(rpa=rpa, user=UserFactory(full_name=name))
    MembershipFactory(user=assessor.user, role=Role.ASSESSOR, rpa=rpa, pop=None)
    return assessor


def save(page: Any, then: str = "Save and continue") -> None:
    """Save the part on the page (and go on to the next part, or stay)."""
    follow(page, page.get_by_role("button", name=then, exact=True))
    assert page.locator(".govuk-error-summary").count() == 0, page.inner_text(".govuk-error-summary")


def test_assessor_completes_over_two_sittings_scrutineer_returns_then_accepts_the_revision(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA
) -> None:
    """ASM-4, ASM-5, SCR-1, SCR-2: the assessor saves part of the file, signs out, finds it all again in a second
    sitting and completes it; the submit page first lists what is missing, then submits version 1. The RPA's
    administrator finds the assessor in the scrutiny queue and returns the file with reasons (an empty reason is
    refused); the assessor sees why, revises one meeting record and resubmits version 2, whose page shows the diff;
    the administrator scrutinises it again and accepts it."""
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org", full_name="Ada Admin")
    confirmed_totp_device(admin)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    file = file_with_tasks(
        assessor=assessor, candidate=ready_candidate(rpa=rpa_a, first_name="Robin", last_name="Ashdown")
    )
    numbers = file_standard_numbers()
    assert len(numbers) == 33
    first, rest = numbers[:FIRST_SITTING_STANDARDS], numbers[FIRST_SITTING_STANDARDS:]
    detail = f"/assessments/files/{file.pk}/"

    # First sitting: from the list of files to the file, F0 confirmed, the task notes and part of the grid.
    sign_in_page(assessor.user)
    visit(page, base, "/assessments/files/")
    follow(page, page.locator("#files").get_by_role("link", name="Robin Ashdown"))
    assert page.url == f"{base}{detail}"
    follow(page, page.get_by_role("link", name="Complete the file"))
    assert page.inner_text("h1") == "F0 Candidate personal details"
    assert page.input_value("#id_full_name") == "Robin Ashdown"  # prefilled from registration
    page.check("#id_confirmed")
    save(page)
    assert page.inner_text("h1") == "F1-F8 The candidate's response sheets"
    assert page.locator("#task-documents li").count() == 8
    for n in range(1, 9):
        page.fill(f"#id_task_{n}", f"Task {n}: response sheet read before the interview, followed up in it.")
    save(page)
    assert page.inner_text("h1") == "F9/F10 Assessment grid"
    for n in first:
        page.check(f"#standard-{n} input[value=met]")
        page.fill(f"#id_evidence_{n}", f"Standard {n}: evidence from the tasks and the interviews.")
    save(page, "Save draft")
    assert page.inner_text("h1") == "F9/F10 Assessment grid"
    assert "draft saved" in page.inner_text(".govuk-notification-banner")

    # Nothing can be submitted yet: the submit page lists what is missing, part by part.
    visit(page, base, f"{detail}submit/")
    missing = page.inner_text("#missing")
    assert f"Standard {rest[0]}: choose a judgement" in missing and f"Standard {first[0]}:" not in missing
    assert "F11 Meeting with the candidate" in missing and "Choose the recommended outcome" in missing
    assert "F0 Candidate personal details" not in missing and "F1-F8" not in missing
    assert page.get_by_role("button", name="Submit version 1").count() == 0

    # The assessor signs out; the draft is kept.
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()
    file.refresh_from_db()
    judged = [n for n, entry in file.draft["grid"].items() if entry["judgement"]]
    assert file.draft["f0"]["confirmed"] is True and judged == [str(n) for n in first]

    # Second sitting: the earlier entries are all there.
    sign_in_page(assessor.user)
    visit(page, base, detail)
    assert page.inner_text("#part-f0-status") == "Completed" and page.inner_text("#part-tasks-status") == "Completed"
    assert page.inner_text("#part-grid-status") == "Incomplete"
    follow(page, page.locator("#parts").get_by_role("link", name="F0 Candidate personal details"))
    assert page.is_checked("#id_confirmed")
    follow(page, page.locator("#part-nav").get_by_role("link", name="F1-F8 The candidate's response sheets"))
    assert page.input_value("#id_task_8").startswith("Task 8: response sheet read")
    follow(page, page.locator("#part-nav").get_by_role("link", name="F9/F10 Assessment grid"))
    for n in first:
        assert page.is_checked(f"#standard-{n} input[value=met]")
        assert page.input_value(f"#id_evidence_{n}") == f"Standard {n}: evidence from the tasks and the interviews."
    assert not page.is_checked(f"#standard-{rest[0]} input[value=met]")

    # The rest of the grid, the four meeting records and the summary record.
    for n in rest:
        page.check(f"#standard-{n} input[value=met]")
        page.fill(f"#id_evidence_{n}", f"Standard {n}: evidence from the tasks and the interviews.")
    save(page)
    day = timezone.localtime(file.assessment.starts_at).date().isoformat()
    for meeting in MEETINGS:
        assert page.inner_text("h1") == f"{meeting.code} {meeting.title}"
        page.fill("#id_held_on", day)
        if meeting.with_label:
            page.fill("#id_with_name", "Jo Teacher" if meeting.key == "f12" else "Sam Leader")
        page.fill("#id_record", f"{meeting.title}: questions asked and answers recorded at the time.")
        save(page)
    assert page.inner_text("h1") == "F15 Summary assessment record"
    assert "No standard is judged to have insufficient evidence" in page.inner_text("#insufficient")
    page.check("input[name=outcome][value=met]")
    page.fill("#id_rationale", "Every standard is met, and the evidence summaries show where.")
    save(page)

    # After F15 the submit page: every part complete, then version 1 is submitted (ASM-5).
    assert page.url == f"{base}{detail}submit/"
    assert "The recommended outcome is Met" in page.inner_text("main")
    follow(page, page.get_by_role("button", name="Submit version 1"))
    version1 = FileVersion.objects.get(file=file, number=1)
    assert page.url == f"{base}/assessments/file-versions/{version1.pk}/"
    assert page.inner_text("h1") == "Version 1 of the assessment file"
    assert page.locator("#diff").count() == 0
    assert "Jo Teacher" in page.inner_text("#f12")

    # The RPA administrator: the assessor in the scrutiny queue with the proposed file (SCR-2).
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/assessments/scrutiny/")
    row = page.locator("#assessors tbody tr", has_text="Ann Assessor")
    assert "Not yet" in row.inner_text() and "Robin Ashdown" in row.inner_text()
    follow(page, row.get_by_role("link", name="Scrutinise the file of Robin Ashdown"))
    assert page.url == f"{base}{detail}scrutinise/"
    follow(page, page.get_by_role("link", name="Read version 1"))
    page.go_back()

    # Returned without reasons: refused, the error summary tied to the field, the choice kept (SCR-1).
    page.check("input[name=decision][value=return]")
    follow(page, page.get_by_role("button", name="Record the decision"))
    summary = page.inner_text(".govuk-error-summary")
    assert "Say what the records lack" in summary
    assert page.title().startswith("Error: ")
    assert page.is_checked("input[name=decision][value=return]")
    assert not ScrutinyDecision.objects.exists()
    page.fill("#id_reasons", RETURN_REASONS)
    follow(page, page.get_by_role("button", name="Record the decision"))
    assert page.url.startswith(f"{base}/assessments/scrutiny/")
    assert "is returned to Ann Assessor for revision" in page.inner_text(".govuk-notification-banner")
    file.refresh_from_db()
    assert file.state == FileState.RETURNED

    # The assessor sees the returned banner with the reasons, revises the teacher meeting and resubmits.
    switch_user(page, sign_in_page, assessor.user)
    visit(page, base, detail)
    assert RETURN_REASONS in page.inner_text("#returned")
    follow(page, page.locator("#parts").get_by_role("link", name="F12 Meeting with the teacher"))
    assert "Returned for revision" in page.inner_text("main")
    page.fill("#id_record", REVISED_RECORD)
    save(page)
    assert page.inner_text("h1") == "F13 Meeting with the senior leader"
    visit(page, base, f"{detail}submit/")
    assert "marked as a resubmission" in page.inner_text("main")
    follow(page, page.get_by_role("button", name="Submit version 2"))
    version2 = FileVersion.objects.get(file=file, number=2)
    assert page.url == f"{base}/assessments/file-versions/{version2.pk}/"
    assert page.is_visible("#resubmission")
    diff = page.locator("#diff tbody tr")
    assert diff.count() == 1
    assert "F12 Meeting with the teacher" in diff.inner_text() and REVISED_RECORD in diff.inner_text()
    assert "Meeting with the teacher: questions asked and answers recorded at the time." in diff.inner_text()

    # The administrator scrutinises the resubmission again and accepts it for moderation (SCR-1).
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/assessments/scrutiny/")
    again = page.locator("#rescrutiny tbody tr", has_text="Robin Ashdown")
    assert "Ann Assessor" in again.inner_text()
    follow(page, again.get_by_role("link", name="Scrutinise the file of Robin Ashdown again"))
    assert "Resubmitted" in page.inner_text("#version")
    assert RETURN_REASONS in page.inner_text("#scrutinies")
    page.check("input[name=decision][value=accept]")
    follow(page, page.get_by_role("button", name="Record the decision"))
    assert "is accepted for moderation" in page.inner_text(".govuk-notification-banner")
    assert "No resubmitted file is waiting." in page.inner_text("#rescrutiny")
    file.refresh_from_db()
    assert file.state == FileState.ACCEPTED and file.moderatable and file.version_count == 2
    visit(page, base, detail)
    assert "Accepted for moderation" in page.inner_text("#summary")
    assert page.inner_text("#scrutiny").count("Accept for moderation") == 1


def test_candidate_sends_the_written_tasks_and_sees_the_result_only_once_paid(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA, tmp_path: Path
) -> None:
    """ASM-2, MOD-12, PAY-1, APP-2: the candidate uploads a response sheet (a file that is not a PDF is refused with
    a clear message), sends the tasks once all are there; after the assessment the confirmed result is held while
    unpaid (only why, never the outcome), then released with the outcome, the letter and the right to appeal."""
    base = live_server.url
    user = make_member(Role.CANDIDATE, rpa=rpa_a, email="robin.ashdown@example.org")
    candidate = ready_candidate(rpa=rpa_a, user=user, paid=False, first_name="Robin", last_name="Ashdown")
    assessment: Assessment = AssessmentFactory(
        candidate=candidate, starts_at=at(timezone.localdate() + timedelta(days=20))
    )
    file = AssessmentFile.objects.get(assessment=assessment)
    for n in range(1, 8):
        task_document_upload(
            file=file, kind="task", task_number=n, name=f"task{n}.pdf", content=pdf_with(f"task {n}"), acting_user=user
        )
    task_document_upload(
        file=file, kind="evidence", title="Lesson plans", name="plans.pdf", content=pdf_with("plans"), acting_user=user
    )
    tasks = f"{base}/assessments/{assessment.pk}/tasks/"

    # "My assessment" leads to the assessment's page: the booking, the sheets so far, the right to appeal (APP-2).
    sign_in_page(user)
    follow(page, page.get_by_role("link", name="My assessment"))
    assert page.url == tasks
    assert page.inner_text("h1") == "Your HLTA assessment"
    assert "Not uploaded" in page.locator("#sheets tbody tr", has_text="F8: task 8").inner_text()
    assert rpa_a.appeals_procedure.splitlines()[0] in page.inner_text("#appeals-procedure")

    # Sending with task 8 missing is refused, saying what is missing.
    follow(page, page.get_by_role("button", name="Send to my assessor"))
    assert "tasks 8 are missing" in page.inner_text(".govuk-error-summary")

    # A file that is not a PDF is refused with a clear message; what was chosen stays chosen.
    notes = tmp_path / "sheet8.pdf"
    notes.write_text("Task 8: my response, typed as plain text.")
    page.check("input[name=kind][value=task]")
    page.select_option("#id_task_number", "8")
    page.set_input_files("#id_upload", str(notes))
    follow(page, page.get_by_role("button", name="Upload", exact=True))
    summary = page.inner_text(".govuk-error-summary")
    assert "The selected file must be a PDF" in summary, summary
    assert page.title().startswith("Error: ")
    assert page.is_checked("input[name=kind][value=task]") and page.input_value("#id_task_number") == "8"
    file.refresh_from_db()
    assert file.documents.filter(task_number=8).count() == 0

    # The real response sheet, then the tasks sent on time (ASM-2).
    sheet = tmp_path / "task8.pdf"
    sheet.write_bytes(pdf_with("Task 8 response of Robin Ashdown"))
    page.check("input[name=kind][value=task]")
    page.select_option("#id_task_number", "8")
    page.set_input_files("#id_upload", str(sheet))
    follow(page, page.get_by_role("button", name="Upload", exact=True))
    assert page.url == tasks
    assert "task8.pdf" in page.locator("#sheets tbody tr", has_text="F8: task 8").inner_text()
    follow(page, page.get_by_role("button", name="Send to my assessor"))
    assert "sent to your assessor, on time" in page.inner_text(".govuk-notification-banner")
    assert "On time" in page.inner_text("#tasks-status")
    assert page.get_by_role("button", name="Send to my assessor").count() == 0
    file.refresh_from_db()
    assert file.tasks_on_time is True

    # The assessment takes place and the assessor submits the file: the candidate is told moderation confirms it.
    Assessment.objects.filter(pk=assessment.pk).update(starts_at=at(timezone.localdate() - timedelta(days=3)))
    file.refresh_from_db()
    file.draft = complete_content(file=file)
    file.save(update_fields=["draft"])
    file_submit(file=file, acting_user=file.assessor.user)
    visit(page, base, "/assessments/my-assessment/")
    assert "confirmed through moderation" in page.inner_text("#result-status")

    # Confirmed when the month's event closed (MOD-12) but unpaid: held, the reason only (PAY-1).
    result = result_confirm(file=file, via=ConfirmedVia.EVENT_CLOSED, acting_user=None)
    result.refresh_from_db()
    assert result.released_at is None
    visit(page, base, "/assessments/my-assessment/")
    assert "held until payment" in page.inner_text("#result-status")
    outcome = "Met: all the standards are met"
    visit(page, base, f"/assessments/results/{result.pk}/")
    assert "held until payment" in page.inner_text("#held")
    assert outcome not in page.inner_text("main") and page.locator("#letter").count() == 0
    assert rpa_a.appeals_procedure.splitlines()[0] in page.inner_text("#appeals-procedure")

    # Paid, then released: the outcome, the letter and the right to appeal.
    PaymentFactory(invoice=InvoiceFactory(candidate=candidate))
    assert results_release_due() == 1
    visit(page, base, "/assessments/my-assessment/")
    assert "result has been released" in page.inner_text("#result-status")
    follow(page, page.get_by_role("link", name="See the result and the letter"))
    assert page.url == f"{base}/assessments/results/{result.pk}/"
    assert page.inner_text("#outcome") == outcome
    assert page.is_visible("#letter") and page.locator("#held").count() == 0
    assert "Your right to appeal" in page.inner_text("#appeal-heading")
    assert rpa_a.appeals_procedure.splitlines()[0] in page.inner_text("#appeals-procedure")
    assert Result.objects.get().released_at is not None
