"""The allocation pages in headless Chromium: an administrator allocates a cohort in bulk and the assessor finds the
booking and the candidate's adjustments, and every allocation and register page passes axe."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    ConflictFactory,
    CPDEntryFactory,
    PerformanceReviewFactory,
    QualityActionFactory,
    UnavailabilityFactory,
    at,
)
from assessments.models import WEEKLY_CAP, Assessment, AssessmentState, Assessor, AssessorStatus, week_start
from assessments.views.allocation import first_day_to_propose
from candidates.factories import DisabilityDisclosureFactory, PreparationCourseFactory, ready_candidate
from candidates.models import PreparationCourse
from hnap.factories import MembershipFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Make = Callable[..., User]
SignIn = Callable[..., Any]

ADJUSTMENTS = "Large-print documents and a short break after each hour"


def visit(page: Any, base: str, path: str) -> None:
    """Open a page, check it answers without error, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert "Page not found" not in page.content(), path
    assert_accessible(page)


def follow(page: Any, target: Any) -> None:
    """Click a link or button (a locator) and wait until the page it leads to has loaded."""
    with page.expect_navigation():
        target.click()


def switch_user(page: Any, sign_in_page: SignIn, user: User) -> None:
    """Sign the browser out (forget its cookies) and sign in as `user` through the real form."""
    page.context.clear_cookies()
    sign_in_page(user)


def recent_course(rpa: RPA) -> PreparationCourse:
    """A course whose final session was two weeks ago, so the RPA's window (ASM-1) opens within the calendar's
    eight weeks."""
    final = timezone.localdate() - timedelta(weeks=2)
    return PreparationCourseFactory(
        rpa=rpa,
        first_session=final - timedelta(weeks=6),
        second_session=final - timedelta(weeks=4),
        final_session=final,
    )


def assessor_in(rpa: RPA, name: str, **fields: Any) -> Assessor:
    """An assessor on `rpa`'s register who can sign in (the assessor role); active and trained unless told."""
    assessor = AssessorFactory(rpa=rpa, user=UserFactory(full_name=name), **fields)
    MembershipFactory(user=assessor.user, role=Role.ASSESSOR, rpa=rpa, pop=None)
    return assessor


def test_administrator_allocates_a_cohort_and_the_assessor_sees_the_booking_and_adjustments(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA
) -> None:
    """ASR-6, ASR-5, REG-8, ASM-3: the RPA administrator ticks a ready cohort and allocates it on one date; each
    candidate gets an assessor of the RPA with room that week. The assessor of the candidate who disclosed a
    disability sees the booking in their calendar ("n of 5" that week) and the adjustments on the assessment."""
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org", full_name="Ada Admin")
    confirmed_totp_device(admin)
    course = recent_course(rpa_a)
    cohort = [
        ready_candidate(rpa=rpa_a, course=course, first_name=first, last_name=last)
        for first, last in (("Robin", "Ashdown"), ("Sam", "Okafor"), ("Kit", "Lambert"))
    ]
    disclosed = cohort[1]
    DisabilityDisclosureFactory(candidate=disclosed, adjustments_made=ADJUSTMENTS)
    assessor_in(rpa_a, "Ann Assessor")
    assessor_in(rpa_a, "Ben Backup")
    day = first_day_to_propose(disclosed) + timedelta(days=1)

    # The administrator sends the bulk form empty: both errors in the summary, each tied to its field.
    sign_in_page(admin)
    visit(page, base, "/assessments/ready/")
    assert page.locator("#ready caption").inner_text() == "3 ready to allocate"
    follow(page, page.locator("button:has-text('Allocate the ticked candidates')"))
    summary = page.inner_text(".govuk-error-summary")
    assert "Choose the candidates to allocate" in summary and "Enter the date of the assessment" in summary
    assert page.get_attribute("#id_candidates_0", "aria-describedby") == "id_candidates-error"
    assert_accessible(page)

    # Then ticks the cohort.
    for candidate in cohort:
        page.get_by_label(f"Allocate {candidate.first_name} {candidate.last_name}").check()

    # No date: the form comes back with the error summary, the ticks kept.
    follow(page, page.locator("button:has-text('Allocate the ticked candidates')"))
    assert page.url == f"{base}/assessments/bulk/"
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Enter the date of the assessment" in page.inner_text(".govuk-error-summary")
    assert page.title().startswith("Error: ")
    assert all(page.get_by_label(f"Allocate {c.first_name} {c.last_name}").is_checked() for c in cohort)
    assert_accessible(page)
    assert not Assessment.objects.exists()

    # The cohort on one date: all booked, each with an assessor of the RPA with room that week (ASR-6).
    page.fill("#id_starts_at_date", day.isoformat())
    page.fill("#id_starts_at_time", "10:00")
    follow(page, page.locator("button:has-text('Allocate the ticked candidates')"))
    assert page.url == f"{base}/assessments/bulk/"
    assert page.locator("#booked caption").inner_text() == "Booked: 3"
    assert page.locator("#not-booked caption").inner_text() == "Not booked: 0"
    assert_accessible(page)
    booked = Assessment.objects.filter(candidate__in=cohort, state=AssessmentState.BOOKED)
    assert booked.count() == 3
    assert {a.assessor.rpa_id for a in booked} == {rpa_a.pk} and not any(a.cross_rpa for a in booked)  # ASR-5
    assert {a.week_start for a in booked} == {week_start(day)}
    assert all(count <= WEEKLY_CAP for count in [booked.filter(assessor=a.assessor).count() for a in booked])

    # The RPA's bookings list, then the disclosed candidate's assessment, adjustments shown (REG-8).
    follow(page, page.get_by_role("link", name="Candidates ready to allocate"))
    assert "No candidate is waiting for allocation." in page.inner_text("#ready")
    assert_accessible(page)
    visit(page, base, "/assessments/")
    assert page.locator("#assessments caption").inner_text().startswith("3 assessments")
    follow(page, page.locator("#assessments tbody tr", has_text="Sam Okafor").get_by_role("link"))
    assessment = booked.get(candidate=disclosed)
    assert page.url == f"{base}/assessments/{assessment.pk}/"
    assert ADJUSTMENTS in page.inner_text("#adjustments")
    assert_accessible(page)

    # The allocated assessor signs in: the booking in "My assessments" with the week's count.
    assessor = assessment.assessor
    week_count = booked.filter(assessor=assessor).count()
    switch_user(page, sign_in_page, assessor.user)
    visit(page, base, "/my-assessments/")
    assert page.inner_text("h1") == "My assessments"
    week = page.locator(f"#week-{week_start(day).isoformat()}")
    assert f"{week_count} of {WEEKLY_CAP} booked" in week.inner_text()
    row = page.locator("table tbody tr", has_text="Sam Okafor")
    assert row.count() == 1
    follow(page, row.get_by_role("link"))
    assert page.url == f"{base}/assessments/{assessment.pk}/"

    # ASM-3: the interviews; REG-8: the adjustments, for the allocated assessor.
    assert "Sam Okafor" in page.inner_text("#interviewees")
    assert ADJUSTMENTS in page.inner_text("#adjustments")
    assert_accessible(page)


def test_allocation_pages_are_accessible(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA
) -> None:
    """ASR-8, ASR-9, ASM-1: the proposals with the reasons some assessors cannot be proposed, the outside-window
    question, the booking's forms and the register's pages and forms, each passing axe for the RPA administrator."""
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org", full_name="Ada Admin")
    confirmed_totp_device(admin)
    course = recent_course(rpa_a)
    candidate = ready_candidate(rpa=rpa_a, course=course, last_name="Ashdown")
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made=ADJUSTMENTS)
    ann = assessor_in(rpa_a, "Ann Assessor")
    suspended = assessor_in(rpa_a, "Sue Suspended", status=AssessorStatus.SUSPENDED)
    conflicted = assessor_in(rpa_a, "Con Flicted")
    ConflictFactory(assessor=conflicted, school=candidate.school, pop=None, reason="Governor of the school")
    trainee = assessor_in(rpa_a, "Tia Trainee", trained=False, status=AssessorStatus.IN_TRAINING, first_solo_qa_at=None)
    CPDEntryFactory(assessor=ann, title="Standardisation meeting")
    # Away in a week clear of the one proposed, whatever today's date (the factory's default week may be that one).
    UnavailabilityFactory(
        assessor=ann, reason="Moderation week", week_start=first_day_to_propose(candidate) + timedelta(weeks=3)
    )
    PerformanceReviewFactory(assessor=ann)
    action = QualityActionFactory(assessor=ann, reason="Paperwork late twice this term.")
    other = ready_candidate(rpa=rpa_a, course=course, last_name="Okafor")
    in_window = first_day_to_propose(other)
    assessment = AssessmentFactory(candidate=other, assessor=ann, starts_at=at(in_window + timedelta(days=2)))
    AssessmentFactory(assessor=suspended, starts_at=at(in_window + timedelta(days=3)))  # to reallocate (ASR-8)

    sign_in_page(admin)
    # The proposals: Ann can take the candidate; the suspended and the conflicted assessors cannot, with the reasons.
    visit(page, base, f"/candidates/{candidate.pk}/allocate/")
    assert "Ann Assessor" in page.inner_text("#proposals")
    not_proposed = page.inner_text("#not-proposed")
    assert "Sue Suspended" in not_proposed and "Suspended" in not_proposed
    assert "Con Flicted" in not_proposed and "connection with the candidate's school" in not_proposed
    assert ADJUSTMENTS in page.inner_text("#adjustments")

    # ASM-1: a date before the window opens is a question, not an error: the warning and the confirm box.
    too_early: date = week_start(timezone.localdate()) + timedelta(weeks=1)
    visit(page, base, f"/candidates/{candidate.pk}/allocate/?day={too_early.isoformat()}")
    page.fill("#id_starts_at_date", too_early.isoformat())
    page.fill("#id_starts_at_time", "10:00")
    follow(page, page.locator("button:has-text('Book the assessment')"))
    assert page.locator("#window-warning").is_visible()
    assert page.locator("#id_confirm_outside_window").is_visible()
    assert page.locator(".govuk-error-summary").count() == 0
    assert_accessible(page)
    assert not Assessment.objects.filter(candidate=candidate).exists()

    for path in [
        "/assessments/",
        f"/assessments/?week={in_window.isoformat()}&assessor={ann.pk}&state=booked&cross_rpa=no",
        "/assessments/new/",
        f"/assessments/{assessment.pk}/",
        f"/assessments/{assessment.pk}/move/",
        f"/assessments/{assessment.pk}/cancel/",
        f"/assessments/{assessment.pk}/reallocate/",
        f"/my-assessments/?assessor={ann.pk}",
        "/assessors/",
        "/assessors/?status=active&q=Ann",
        "/assessors/new/",
        f"/assessors/{ann.pk}/",
        f"/assessors/{suspended.pk}/",
        f"/assessors/{trainee.pk}/",
        f"/assessors/{trainee.pk}/training/",
        f"/assessors/{ann.pk}/senior/",
        f"/assessors/{ann.pk}/willing/",
        f"/assessors/{ann.pk}/cpd/new/",
        f"/assessors/{ann.pk}/conflicts/new/",
        f"/assessors/{ann.pk}/unavailability/new/",
        f"/assessors/{ann.pk}/reviews/new/",
        f"/assessors/{ann.pk}/quality-actions/new/",
        f"/quality-actions/{action.pk}/",
        f"/quality-actions/{action.pk}/close/",
    ]:
        visit(page, base, path)

    # The reallocate page lists those who cannot take the assessment, and a form sent empty shows its errors.
    page.goto(f"{base}/assessments/{assessment.pk}/reallocate/")
    assert "Sue Suspended" in page.inner_text("#not-proposed")
    follow(page, page.locator("button:has-text('Reallocate the assessment')"))
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.goto(f"{base}/assessors/{ann.pk}/cpd/new/")
    follow(page, page.locator("button:has-text('Record the CPD')"))
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
