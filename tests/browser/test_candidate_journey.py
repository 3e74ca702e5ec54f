"""The candidate pages in headless Chromium: the whole registration journey through the real forms, every
candidate page for each role with an axe check, and the Level 2 evidence download."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from candidates import services
from candidates.factories import (
    CandidateFactory,
    ChangeReportFactory,
    DisabilityDisclosureFactory,
    InvoiceFactory,
    Level2EvidenceFactory,
    PaymentFactory,
    PreparationCourseFactory,
    RegionalChargeFactory,
    pdf_with,
)
from candidates.models import Candidate, CandidateStatus, PreparationCourse, Subject
from candidates.selectors import candidate_is_ready_for_allocation
from hnap.factories import SchoolFactory, confirmed_totp_device
from hnap.models import RPA, PreparationProvider, School, User
from hnap.roles import Role
from tests.browser.conftest import assert_accessible
from tests.candidates.conftest import apply, declare, qualification, upload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Make = Callable[..., User]
SignIn = Callable[..., Any]


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process (the live server's thread included), so their emails land in mail.outbox."""
    from hnap.celery import app

    # Set and restored by hand: monkeypatch's undo deletes the attribute, which Celery's settings refuse.
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def visit(page: Any, base: str, path: str) -> None:
    """Open a page, check it exists and answers without error, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert "Page not found" not in page.content(), path
    assert_accessible(page)


def switch_user(page: Any, sign_in_page: SignIn, user: User) -> None:
    """Sign the browser out (forget its cookies) and sign in as `user` through the real form."""
    page.context.clear_cookies()
    sign_in_page(user)


def course_for(rpa: RPA, pop: PreparationProvider) -> PreparationCourse:
    today = timezone.localdate()
    return PreparationCourseFactory(
        rpa=rpa,
        pop=pop,
        name="Autumn cohort",
        first_session=today + timedelta(days=7),
        second_session=today + timedelta(days=21),
        final_session=today + timedelta(days=49),
    )


def test_registration_journey_from_application_to_verified_candidate(
    live_server: Any,
    page: Any,
    sign_in_page: SignIn,
    make_member: Make,
    rpa_a: RPA,
    pop_a: PreparationProvider,
    settings: Any,
    tmp_path: Path,
) -> None:
    """REG-3, S11-1, S11-2, REG-4: a PoP applies, the headteacher declares through the emailed single-use link,
    the PoP uploads both Level 2 copies, the RPA accepts them, approves readiness and registers the candidate,
    who then passes the allocation gate. Every page on the way passes axe."""
    base = live_server.url
    settings.HNAP_BASE_URL = base
    today = timezone.localdate()
    school = SchoolFactory(name="Meadow Primary", rpa=rpa_a)
    tutor = make_member(Role.POP_USER, pop=pop_a, email="tutor@pop-a.example.org")
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org")
    confirmed_totp_device(admin)

    # The PoP adds its course through the course form.
    sign_in_page(tutor)
    visit(page, base, "/courses/new/")
    page.fill("#id_name", "Spring cohort")
    page.select_option("#id_registers_with", rpa_a.slug)
    page.fill("#id_first_session", (today + timedelta(days=7)).isoformat())
    page.fill("#id_second_session", (today + timedelta(days=21)).isoformat())
    page.fill("#id_final_session", (today + timedelta(days=49)).isoformat())
    page.click("button:has-text('Add the course')")
    course = PreparationCourse.objects.get(name="Spring cohort")
    assert page.url == f"{base}/courses/{course.pk}/"
    assert_accessible(page)

    # An empty application re-displays with the error summary; then the real one, the school by its URN.
    visit(page, base, "/candidates/new/")
    page.click("button:has-text('Start the application')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.fill("#id_first_name", "Robin")
    page.fill("#id_last_name", "Ashdown")
    page.fill("#id_email", "robin.ashdown@example.org")
    page.fill("#id_school_urn", str(school.urn))
    page.fill("#id_job_title", "Teaching assistant")
    page.fill("#id_age_range_from", "5")
    page.fill("#id_age_range_to", "11")
    page.check("input[name=funding_source][value=school]")
    page.select_option("#id_course", str(course.pk))
    page.click("button:has-text('Start the application')")
    candidate = Candidate.objects.get(last_name="Ashdown")
    detail = f"{base}/candidates/{candidate.pk}/"
    assert page.url == detail
    assert (candidate.school, candidate.rpa) == (school, rpa_a)
    assert_accessible(page)

    # Check the answers, then send the application to the RPA.
    page.get_by_role("link", name="Submit the application to the RPA").click()
    assert "Meadow Primary" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name=f"Send the application to {rpa_a.name}").click()
    assert page.url == detail
    assert_accessible(page)

    # REG-3: the PoP sends the headteacher the declaration link, emailed in-process.
    page.get_by_role("link", name="Send the employer declaration link").click()
    assert_accessible(page)
    page.fill("#id_sent_to_name", "Jo Head")
    page.fill("#id_sent_to_email", "head@meadow.example.org")
    page.click("button:has-text('Send the link')")
    assert page.url == detail
    assert_accessible(page)
    email = next(message for message in mail.outbox if message.to == ["head@meadow.example.org"])
    match = re.search(rf"{re.escape(base)}/employer-declaration/\S+/", email.body)
    assert match, email.body
    link = match.group(0)

    # The headteacher, signed in nowhere, completes the declaration in a browser of their own.
    employer = page.context.browser.new_context()
    try:
        head = employer.new_page()
        response = head.goto(link)
        assert response is not None and response.status == 200
        assert_accessible(head)
        head.fill("#id_declarer_name", "Jo Head")
        head.fill("#id_declarer_role", "Headteacher")
        for statement in ("suitable", "whole_class_twice", "level2_evidence_seen", "opportunities_all_standards"):
            head.check(f"#id_{statement}")
        head.click("button:has-text('Submit the declaration')")
        assert head.inner_text("h1") == "Declaration completed"
        assert_accessible(head)
    finally:
        employer.close()

    # S11-1: the PoP uploads a copy of each Level 2 certificate with its verification.
    page.goto(detail)
    assert "Completed" in page.inner_text("#declaration")
    assert_accessible(page)
    for subject in Subject.values:
        page.get_by_role("link", name="Upload Level 2 evidence").click()
        assert_accessible(page)
        page.check(f"input[name=subject][value={subject}]")
        page.select_option("#id_qualification", str(qualification(subject).pk))
        page.fill("#id_grade", "C")
        page.fill("#id_achieved_on", "2004-08-26")
        page.fill("#id_verified_by_name", "Pat Tutor")
        page.fill("#id_original_seen_on", today.isoformat())
        page.check("#id_copy_is_exact")
        copy = tmp_path / f"{subject}.pdf"
        copy.write_bytes(pdf_with(f"{subject} certificate of Robin Ashdown"))
        page.set_input_files("#id_file", str(copy))
        page.click("button:has-text('Upload the evidence')")
        assert page.url == detail
        assert_accessible(page)
    assert candidate.level2_evidence.count() == 2

    # The RPA administrator finds the candidate in the list.
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/candidates/")
    page.fill("#id_q", "Ashdown")
    page.click("button:has-text('Filter')")
    assert_accessible(page)
    page.get_by_role("link", name="Robin Ashdown").click()
    assert page.url == detail
    assert_accessible(page)

    # S11-2: both subjects accepted.
    for _, label in Subject.choices:
        page.get_by_role("link", name=f"Decide on {label} evidence").click()
        assert_accessible(page)
        page.check("#id_accept_0")
        page.click("button:has-text('Record the decision')")
        assert page.url == detail
        assert_accessible(page)

    # REG-4: readiness approved, then the registration.
    page.get_by_role("link", name="Decide readiness").click()
    assert_accessible(page)
    page.check("#id_ready_0")
    page.click("button:has-text('Record the decision')")
    assert page.url == detail
    assert_accessible(page)
    page.get_by_role("link", name="Register the candidate").click()
    assert "Every check is met" in page.content()
    assert_accessible(page)
    page.get_by_role("button", name="Register the candidate").click()
    assert page.url == detail
    assert page.inner_text("#state").count(CandidateStatus.REGISTERED.label) == 1
    assert page.inner_text("#registration").startswith("Registered")
    assert_accessible(page)

    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REGISTERED
    assert candidate_is_ready_for_allocation(candidate=candidate)


def registered(tutor: User, admin: User, course: PreparationCourse, school: School, **overrides: Any) -> Candidate:
    """A candidate taken through the services to registered, with both Level 2 copies accepted."""
    candidate = apply(tutor, course, school, **overrides)
    services.candidate_submit(candidate=candidate, acting_user=tutor)
    declare(candidate, tutor)
    for subject in Subject.values:
        evidence = upload(candidate, tutor, subject)
        services.evidence_decide(evidence=evidence, acting_user=admin, accept=True)
    services.readiness_decide(candidate=candidate, acting_user=admin, ready=True)
    return services.candidate_register(candidate=candidate, acting_user=admin)


def test_candidate_pages_are_accessible_for_each_role(
    live_server: Any,
    page: Any,
    sign_in_page: SignIn,
    make_member: Make,
    rpa_a: RPA,
    pop_a: PreparationProvider,
    tmp_path: Path,
) -> None:
    base = live_server.url
    tutor = make_member(Role.POP_USER, pop=pop_a, email="tutor@pop-a.example.org")
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org")
    confirmed_totp_device(admin)
    course = course_for(rpa_a, pop_a)
    school = SchoolFactory(name="Meadow Primary", rpa=rpa_a)
    done = registered(tutor, admin, course, school, last_name="Okafor")
    waiting = apply(tutor, course, school, last_name="Waiting", email="waiting@example.org")
    services.candidate_submit(candidate=waiting, acting_user=tutor)
    english = upload(waiting, tutor, Subject.ENGLISH)
    report = ChangeReportFactory(candidate=done, description="The candidate has moved to Year 6.")
    disclosure = DisabilityDisclosureFactory(candidate=done)
    invoice = InvoiceFactory(candidate=done, payer_name="Meadow Primary")
    PaymentFactory(invoice=invoice, reference="BACS-0001")
    RegionalChargeFactory(rpa=rpa_a, name="Venue hire")

    switch_user(page, sign_in_page, admin)
    for path in [
        "/candidates/",
        "/candidates/?status=registered&sort=-name",
        f"/candidates/?q=Waiting&course={course.pk}&late=on&unpaid=on&sort=created",
        f"/candidates/{done.pk}/",
        f"/candidates/{waiting.pk}/",
        f"/candidates/{waiting.pk}/readiness/",
        f"/candidates/{waiting.pk}/register/",
        f"/evidence/{english.pk}/",
        f"/evidence/{english.pk}/decide/",
        "/change-reports/",
        "/change-reports/?state=unresolved",
        f"/change-reports/{report.pk}/",
        f"/change-reports/{report.pk}/resolve/",
        f"/disclosures/{disclosure.pk}/",
        f"/disclosures/{disclosure.pk}/adjustments/",
        f"/invoices/{invoice.pk}/",
        f"/invoices/{invoice.pk}/payments/new/",
        "/regional-charges/",
        "/regional-charges/new/",
        "/courses/",
        f"/courses/{course.pk}/",
        "/level2-qualifications/",
    ]:
        visit(page, base, path)
    # A decision form re-displayed with its errors.
    page.goto(f"{base}/evidence/{english.pk}/decide/")
    page.click("button:has-text('Record the decision')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)

    switch_user(page, sign_in_page, tutor)
    for path in [
        "/candidates/",
        f"/candidates/{done.pk}/",
        "/candidates/new/",
        "/candidates/import/",
        f"/candidates/{waiting.pk}/evidence/new/",
        f"/candidates/{done.pk}/change-reports/new/",
        f"/candidates/{waiting.pk}/declaration/",
        "/courses/new/",
    ]:
        visit(page, base, path)
    # A cohort file with problems: nothing is imported and each row's problem is listed.
    cohort = tmp_path / "cohort.csv"
    cohort.write_text(
        ",".join(services.IMPORT_COLUMNS)
        + "\nAlex,Morgan,alex.morgan@example.org,,,987654,Teaching assistant,5,eleven,school,,\n"
    )
    page.goto(f"{base}/candidates/import/")
    page.select_option("#id_course", str(course.pk))
    page.set_input_files("#id_file", str(cohort))
    page.click("button:has-text('Import the cohort')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator("#row-errors").is_visible()
    assert_accessible(page)
    assert not Candidate.objects.filter(last_name="Morgan").exists()

    own = make_member(Role.CANDIDATE, rpa=rpa_a, email="sam.okafor@example.org")
    done.user = own
    done.save(update_fields=["user"])
    switch_user(page, sign_in_page, own)
    visit(page, base, "/candidates/")
    assert page.inner_text("h1") == "Your application"
    own_list = page.inner_text("#candidates")
    assert "Okafor" in own_list and "Waiting" not in own_list
    visit(page, base, f"/candidates/{done.pk}/")

    partnership = make_member(Role.PARTNERSHIP_ADMIN, email="partnership@example.org")
    confirmed_totp_device(partnership)
    switch_user(page, sign_in_page, partnership)
    visit(page, base, "/level2-qualifications/")
    visit(page, base, "/level2-qualifications/new/")


def test_the_evidence_download_is_a_file_not_a_page(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA
) -> None:
    """S11-4: the RPA's download is the decrypted copy, byte for byte, as a file."""
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org")
    confirmed_totp_device(admin)
    candidate = CandidateFactory(rpa=rpa_a)
    Level2EvidenceFactory(candidate=candidate, text="English certificate of the download test")

    sign_in_page(admin)
    page.goto(f"{live_server.url}/candidates/{candidate.pk}/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Download English or literacy copy").click()
    download = info.value
    assert download.suggested_filename == "certificate.pdf"
    assert Path(download.path()).read_bytes() == pdf_with("English certificate of the download test")
