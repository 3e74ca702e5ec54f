"""The allocation, booking and calendar pages: proposals ranked and explained, booking under the rules (S11-2, PAY-1,
ASM-1, ASR-6), moving, cancelling and reallocating, bulk allocation of a cohort, cross-RPA access (ASR-5), the
written tasks' deadline (ASM-2), the calendar with the cap visible, and the .ics feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms

from assessments import services
from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    ConflictFactory,
    UnavailabilityFactory,
    at,
)
from assessments.models import WEEKLY_CAP, Assessment, AssessmentState, Assessor, AssessorStatus
from assessments.selectors import assessor_week_counts
from assessments.views.allocation import first_day_to_propose
from candidates.factories import CandidateFactory, DisabilityDisclosureFactory, ready_candidate
from candidates.models import Candidate
from hnap.factories import MembershipFactory, SchoolFactory, UserFactory
from hnap.models import RPA, Deadline, ObjectGrant, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


# --- people, dates and requests ---------------------------------------------------------------------


@pytest.fixture
def admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_client(admin: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(admin)


def assessor_in(rpa: RPA, name: str, **fields: Any) -> Assessor:
    """An active, trained assessor on `rpa`'s register who can sign in (the assessor role)."""
    assessor = AssessorFactory(rpa=rpa, user=UserFactory(full_name=name), **fields)
    MembershipFactory(user=assessor.user, role=Role.ASSESSOR, rpa=rpa, pop=None)
    return assessor


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def in_window(candidate: Candidate) -> date:
    """A Monday inside the RPA's window after the candidate's final session (ASM-1)."""
    return first_day_to_propose(candidate)


def fill_week(assessor: Assessor, monday: date, count: int = WEEKLY_CAP) -> None:
    for n in range(count):
        AssessmentFactory(assessor=assessor, candidate=CandidateFactory(rpa=assessor.rpa), starts_at=at(monday, 9 + n))


def allocate_url(candidate: Candidate, day: date | None = None) -> str:
    url = reverse("candidate-allocate", args=[candidate.pk])
    return f"{url}?day={day.isoformat()}" if day else url


def booking(assessor: Assessor, day: date, **fields: Any) -> dict[str, Any]:
    return {
        "assessor": str(assessor.pk),
        "starts_at_date": day.isoformat(),
        "starts_at_time": "10:00",
        "mode": "remote",
        "teacher_name": "Tom Teacher",
        "senior_leader_name": "Sal Leader",
        **fields,
    }


def text(response: Any) -> str:
    return response.content.decode()


# --- proposals (ASR-1, ASR-5, ASR-6, ASR-8, ASR-9, RISK-1) ------------------------------------------


def test_asr5_risk1_proposals_rank_same_rpa_first_then_willing_assessors_of_other_rpas_with_reasons(
    admin_client: Client, rpa_a: RPA, rpa_b: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    day = in_window(candidate)
    busy = assessor_in(rpa_a, "Bea Busy")
    AssessmentFactory(assessor=busy, starts_at=at(day + timedelta(days=1)))
    free = assessor_in(rpa_a, "Fay Free")
    visitor = assessor_in(rpa_b, "Val Visitor")
    visitor.willing_rpas.add(rpa_a)
    stranger = assessor_in(rpa_b, "Stan Stranger")  # assesses only for their own RPA
    trainee = assessor_in(rpa_a, "Tia Trainee", trained=False, status=AssessorStatus.IN_TRAINING)
    suspended = assessor_in(rpa_a, "Sue Suspended", status=AssessorStatus.SUSPENDED)
    conflicted = assessor_in(rpa_a, "Con Flicted")
    ConflictFactory(assessor=conflicted, school=candidate.school, pop=None, reason="Governor of the school")
    away = assessor_in(rpa_a, "Al Away")
    UnavailabilityFactory(assessor=away, week_start=day)
    full = assessor_in(rpa_a, "Phil Full")
    fill_week(full, day)

    response = admin_client.get(allocate_url(candidate, day))

    assert response.status_code == 200
    eligible = [p.assessor for p in response.context["eligible"]]
    assert eligible == [free, busy, visitor]  # same RPA first, least busy first; then the visitor (ASR-5)
    assert stranger not in {p.assessor for p in response.context["ineligible"]}  # never offered: not willing
    reasons = {p.assessor: " ".join(p.reasons) for p in response.context["ineligible"]}
    assert "initial training not complete" in reasons[trainee]  # ASR-1
    assert "Suspended" in reasons[suspended]  # ASR-8
    assert "connection with the candidate's school" in reasons[conflicted]  # ASR-9
    assert "unavailable that week" in reasons[away]
    assert f"already {WEEKLY_CAP} assessments that week" in reasons[full]  # ASR-6
    page = text(response)
    assert "same RPA" in page and f"assesses for {rpa_a.name}" in page  # explained
    assert f'value="{free.pk}" checked' in page  # accept the top one
    # The full week's assessor may still be picked, with a recorded reason (the override field is shown).
    assert f'value="{full.pk}"' in page and 'name="cap_override_reason"' in page
    assert f'value="{trainee.pk}"' not in page


def test_allocate_page_shows_adjustments_and_payment_and_defaults_to_the_window(
    admin_client: Client, rpa_a: RPA
) -> None:
    """REG-8, PAY-1, ASM-1: what the administrator needs to know before booking."""
    candidate = ready_candidate(rpa=rpa_a, paid=False)
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made="Large-print documents, extra breaks")

    response = admin_client.get(allocate_url(candidate))

    page = text(response)
    assert response.context["monday"] == in_window(candidate)
    assert "Large-print documents, extra breaks" in page
    assert "Not paid" in page and 'name="unpaid_exception_reason"' in page


def test_allocation_pages_are_for_the_rpa_administrators(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get(allocate_url(candidate)).status_code == 403
    assert senior.get(reverse("allocation-ready")).status_code == 403
    assert senior.post(reverse("allocation-bulk"), {"candidates": [candidate.pk]}).status_code == 403


# --- booking (S11-2, PAY-1, ASM-1, ASR-6) -----------------------------------------------------------


def test_s11_2_booking_is_refused_for_a_candidate_not_ready(admin_client: Client, rpa_a: RPA) -> None:
    candidate = CandidateFactory(rpa=rpa_a)  # never verified nor registered
    assessor = assessor_in(rpa_a, "Ann Assessor")
    day = in_window(candidate)

    response = admin_client.post(allocate_url(candidate, day), booking(assessor, day))

    assert response.status_code == 200
    assert "not ready for allocation" in text(response) and "S11-2" in text(response)
    assert "govuk-error-summary" in text(response)
    assert not Assessment.objects.filter(candidate=candidate).exists()
    assert candidate.last_name not in text(admin_client.get(reverse("allocation-ready")))


def test_pay1_unpaid_candidate_is_booked_only_with_a_recorded_exception(
    admin: User, admin_client: Client, rpa_a: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a, paid=False)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    day = in_window(candidate)
    url = allocate_url(candidate, day)

    refused = admin_client.post(url, booking(assessor, day))
    assert refused.status_code == 200
    assert "Payment for this assessment has not been received (PAY-1)" in text(refused)
    assert 'value="Tom Teacher"' in text(refused)  # nothing typed is lost
    assert not Assessment.objects.filter(candidate=candidate).exists()

    booked = admin_client.post(url, booking(assessor, day, unpaid_exception_reason="Invoice raised; school pays late"))
    assessment = Assessment.objects.get(candidate=candidate)
    assert booked.status_code == 302 and booked.url == reverse("assessment-detail", args=[assessment.pk])
    assert assessment.unpaid_exception_reason == "Invoice raised; school pays late"
    assert assessment.unpaid_exception_by == admin
    assert "Unpaid exception (PAY-1)" in text(admin_client.get(reverse("assessment-list")))


def test_asm1_a_date_outside_the_window_warns_then_books_once_confirmed(admin_client: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    too_early = monday_of(timezone.localdate()) + timedelta(weeks=1)
    url = allocate_url(candidate, too_early)

    warned = admin_client.post(url, booking(assessor, too_early))

    assert warned.status_code == 200
    assert warned.context["window_warning"] and "outside" in warned.context["window_warning"]
    assert 'name="confirm_outside_window"' in text(warned)
    assert "govuk-error-summary" not in text(warned)  # a question, not an error
    assert not Assessment.objects.filter(candidate=candidate).exists()

    confirmed = admin_client.post(url, booking(assessor, too_early, confirm_outside_window="on"))

    assert confirmed.status_code == 302
    assert Assessment.objects.get(candidate=candidate).week_start == too_early


def test_asr6_a_sixth_booking_needs_an_administrators_recorded_reason(
    admin: User,
    admin_client: Client,
    make_member: Callable[..., User],
    client_for: Callable[[User], Client],
    rpa_a: RPA,
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    day = in_window(candidate)
    assessor = assessor_in(rpa_a, "Phil Full")
    fill_week(assessor, day)
    url = allocate_url(candidate, day)

    refused = admin_client.post(url, booking(assessor, day))
    assert refused.status_code == 200
    assert f"the limit is {WEEKLY_CAP}" in text(refused)
    assert assessor_week_counts(assessor=assessor, start=day, weeks=1) == [(day, WEEKLY_CAP)]

    # Nobody but an RPA administrator may book, let alone override the cap.
    for role in (Role.ASSESSOR, Role.SENIOR_ASSESSOR):
        other = client_for(make_member(role, rpa=rpa_a))
        denied = other.post(url, booking(assessor, day, cap_override_reason="I say so"))
        assert denied.status_code == 403
    assert assessor_week_counts(assessor=assessor, start=day, weeks=1) == [(day, WEEKLY_CAP)]

    booked = admin_client.post(url, booking(assessor, day, cap_override_reason="Cohort deadline; agreed with Phil"))

    assert booked.status_code == 302
    sixth = Assessment.objects.get(candidate=candidate)
    assert sixth.cap_override_reason == "Cohort deadline; agreed with Phil" and sixth.cap_override_by == admin
    assert assessor_week_counts(assessor=assessor, start=day, weeks=1) == [(day, WEEKLY_CAP + 1)]
    assert "Over the weekly limit (ASR-6)" in text(admin_client.get(reverse("assessment-detail", args=[sixth.pk])))


def test_assessment_create_takes_the_booking_in_one_request(admin_client: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    starts_at = at(in_window(candidate) + timedelta(days=2), 14)

    response = admin_client.post(
        reverse("assessment-create"),
        {"candidate": candidate.pk, "assessor": assessor.pk, "starts_at": starts_at.isoformat(), "mode": "on_site"},
    )

    assessment = Assessment.objects.get(candidate=candidate)
    assert response.status_code == 302 and response.url == reverse("assessment-detail", args=[assessment.pk])
    assert assessment.starts_at == starts_at and assessment.mode == "on_site"


# --- moving, cancelling and reallocating (ASR-6, ASM-2) ---------------------------------------------


def book(candidate: Candidate, assessor: Assessor, day: date, hour: int = 10) -> Assessment:
    return services.assessment_book(
        candidate=candidate, assessor=assessor, starts_at=at(day, hour), acting_user=None, confirm_outside_window=True
    )


def test_asr6_move_and_cancel_keep_the_week_count_right(admin_client: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    first = in_window(candidate)
    second = first + timedelta(weeks=1)
    assessment = book(candidate, assessor, first)
    move_url = reverse("assessment-move", args=[assessment.pk])

    moved = admin_client.post(move_url, {"starts_at_date": (second + timedelta(days=2)).isoformat(),
                                         "starts_at_time": "13:30", "cap_override_reason": ""})  # fmt: skip

    assert moved.status_code == 302
    assert assessor_week_counts(assessor=assessor, start=first, weeks=2) == [(first, 0), (second, 1)]

    # Into a full week only with a reason (ASR-6).
    third = second + timedelta(weeks=1)
    fill_week(assessor, third)
    into_full = {"starts_at_date": third.isoformat(), "starts_at_time": "16:00", "cap_override_reason": ""}
    refused = admin_client.post(move_url, into_full)
    assert refused.status_code == 200 and f"the limit is {WEEKLY_CAP}" in text(refused)
    assert assessor_week_counts(assessor=assessor, start=second, weeks=2) == [(second, 1), (third, WEEKLY_CAP)]

    cancelled = admin_client.post(reverse("assessment-cancel", args=[assessment.pk]), {"reason": "Candidate ill"})

    assert cancelled.status_code == 302
    assessment.refresh_from_db()
    assert assessment.state == AssessmentState.CANCELLED and assessment.cancel_reason == "Candidate ill"
    assert assessor_week_counts(assessor=assessor, start=second, weeks=1) == [(second, 0)]
    assert "Cancelled" in text(admin_client.get(reverse("assessment-detail", args=[assessment.pk])))


def test_asm2_the_written_tasks_are_due_ten_days_before_and_follow_a_move(admin_client: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    assessor = assessor_in(rpa_a, "Ann Assessor")
    day = in_window(candidate) + timedelta(days=3)
    admin_client.post(allocate_url(candidate, day), booking(assessor, day))
    assessment = Assessment.objects.get(candidate=candidate)

    def tasks_due() -> date:
        deadline = Deadline.objects.get(kind=services.TASKS_DEADLINE_KIND, object_id=assessment.pk, state="open")
        return timezone.localtime(deadline.due_at).date()

    assert tasks_due() == day - timedelta(days=10)
    page = text(admin_client.get(reverse("assessment-detail", args=[assessment.pk])))
    assert f"{day - timedelta(days=10):%A %-d %B %Y}" in page and "10 days before" in page

    later = day + timedelta(weeks=1)
    admin_client.post(
        reverse("assessment-move", args=[assessment.pk]),
        {"starts_at_date": later.isoformat(), "starts_at_time": "10:00", "cap_override_reason": ""},
    )
    assert tasks_due() == later - timedelta(days=10)


def test_reallocation_moves_the_booking_to_another_assessor_on_the_same_date(admin_client: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    day = in_window(candidate)
    first = assessor_in(rpa_a, "Ann Assessor")
    second = assessor_in(rpa_a, "Ben Backup")
    old = book(candidate, first, day)
    url = reverse("assessment-reallocate", args=[old.pk])

    page = admin_client.get(url)
    assert f'value="{second.pk}"' in text(page) and f'value="{first.pk}"' not in text(page)

    response = admin_client.post(url, {"assessor": str(second.pk), "reason": "Ann is suspended (ASR-8)"})

    new = Assessment.objects.get(candidate=candidate, state=AssessmentState.BOOKED)
    assert response.status_code == 302 and response.url == reverse("assessment-detail", args=[new.pk])
    assert new.assessor == second and new.starts_at == old.starts_at
    old.refresh_from_db()
    assert old.state == AssessmentState.CANCELLED
    assert assessor_week_counts(assessor=first, start=day, weeks=1) == [(day, 0)]
    assert assessor_week_counts(assessor=second, start=day, weeks=1) == [(day, 1)]


# --- bulk allocation of a cohort --------------------------------------------------------------------


def test_bulk_allocation_books_a_cohort_and_says_who_was_not_booked_and_why(admin_client: Client, rpa_a: RPA) -> None:
    cohort = [ready_candidate(rpa=rpa_a, last_name=f"Cohort{n}") for n in range(3)]
    unpaid = ready_candidate(rpa=rpa_a, last_name="Unpaid", paid=False)
    already = ready_candidate(rpa=rpa_a, last_name="Already")
    assessors = [assessor_in(rpa_a, "Ann Assessor"), assessor_in(rpa_a, "Ben Backup")]
    day = in_window(cohort[0])
    book(already, assessors[0], day)

    ready = admin_client.get(reverse("allocation-ready"))
    listed = {c.last_name for c in ready.context["object_list"]}
    assert listed == {"Cohort0", "Cohort1", "Cohort2", "Unpaid"}  # the booked one is not waiting
    assert f'name="candidates" type="checkbox" value="{unpaid.pk}"' in text(ready)

    posted = admin_client.post(
        reverse("allocation-bulk"),
        {
            "candidates": [c.pk for c in [*cohort, unpaid]],
            "starts_at_date": (day + timedelta(days=1)).isoformat(),
            "starts_at_time": "09:30",
        },
    )

    assert posted.status_code == 302 and posted.url == reverse("allocation-bulk")
    summary = admin_client.get(posted.url)
    booked = {a.candidate: a.assessor for a in summary.context["booked"]}
    assert set(booked) == set(cohort)
    assert set(booked.values()) == set(assessors)  # workload balanced across the two
    assert [(c, reason) for c, reason in summary.context["not_booked"] if c == unpaid]
    assert "PAY-1" in dict(summary.context["not_booked"])[unpaid]
    assert "3 booked, 1 not booked." in text(summary)


def test_bulk_allocation_without_candidates_shows_the_error(admin_client: Client, rpa_a: RPA) -> None:
    ready_candidate(rpa=rpa_a, last_name="Waiting")
    response = admin_client.post(reverse("allocation-bulk"), {"starts_at_date": "", "starts_at_time": "10:00"})
    assert response.status_code == 200
    assert "Choose the candidates to allocate" in text(response) and "Enter the date of the assessment" in text(
        response
    )
    assert "Waiting" in text(response)


# --- cross-RPA allocation (ASR-5) -------------------------------------------------------------------


def test_asr5_cross_rpa_booking_lets_the_assessor_see_that_assessment_only_until_cancelled(
    admin_client: Client, client_for: Callable[[User], Client], rpa_a: RPA, rpa_b: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made="Questions in writing beforehand")
    visitor = assessor_in(rpa_b, "Val Visitor")
    visitor.willing_rpas.add(rpa_a)
    day = monday_of(timezone.localdate()) + timedelta(weeks=2)  # soon enough to be on the calendar
    other = AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), starts_at=at(day))  # someone else's, in A

    admin_client.post(allocate_url(candidate, day), booking(visitor, day, confirm_outside_window="on"))

    assessment = Assessment.objects.get(candidate=candidate)
    assert assessment.cross_rpa and assessment.rpa == rpa_a
    assert "view_assessment" in get_perms(visitor.user, assessment)
    visitor_client = client_for(visitor.user)
    page = visitor_client.get(reverse("assessment-detail", args=[assessment.pk]))
    assert page.status_code == 200
    assert "Questions in writing beforehand" in text(page)  # REG-8: the assessor sees the adjustments
    assert visitor_client.get(reverse("assessment-detail", args=[other.pk])).status_code == 404
    assert visitor_client.get(reverse("candidate-detail", args=[candidate.pk])).status_code == 404
    assert candidate.last_name in text(visitor_client.get(reverse("assessment-calendar")))

    admin_client.post(reverse("assessment-cancel", args=[assessment.pk]), {"reason": "Rebooked locally"})

    assert get_perms(visitor.user, assessment) == []
    assert ObjectGrant.objects.get(object_id=assessment.pk, user=visitor.user).revoked_at is not None
    after = visitor_client.get(reverse("assessment-detail", args=[assessment.pk]))
    assert "Questions in writing beforehand" not in text(after)
    assert candidate.last_name not in text(visitor_client.get(reverse("assessment-calendar")))


def test_reg8_adjustments_are_not_shown_to_a_senior_assessor(
    make_member: Callable[..., User], client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made="Screen reader")
    assessment = book(candidate, assessor_in(rpa_a, "Ann Assessor"), in_window(candidate))
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))

    page = senior.get(reverse("assessment-detail", args=[assessment.pk]))

    assert page.status_code == 200
    assert "Screen reader" not in text(page) and "Shown only to the allocated assessor" in text(page)


# --- the list ---------------------------------------------------------------------------------------


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_assessment_list_uses_a_constant_number_of_queries(admin_client: Client, rpa_a: RPA) -> None:
    url = reverse("assessment-list")
    AssessmentFactory.create_batch(5)
    admin_client.get(url)  # warm the per-process caches
    few = count_queries(admin_client, url)
    AssessmentFactory.create_batch(35)
    many = count_queries(admin_client, url)
    assert Assessment.objects.filter(rpa=rpa_a).count() == 40
    assert few == many, f"{few} queries for 5 bookings but {many} for 40"


def test_assessment_list_filters_by_week_assessor_state_and_cross_rpa(
    admin_client: Client, rpa_a: RPA, rpa_b: RPA
) -> None:
    day = monday_of(timezone.localdate()) + timedelta(weeks=6)
    ann = assessor_in(rpa_a, "Ann Assessor")
    visitor = assessor_in(rpa_b, "Val Visitor")
    this_week = AssessmentFactory(assessor=ann, starts_at=at(day + timedelta(days=2)), teacher_name="Week teacher")
    next_week = AssessmentFactory(assessor=ann, starts_at=at(day + timedelta(weeks=1)), teacher_name="Later teacher")
    crossing = AssessmentFactory(assessor=visitor, cross_rpa=True, starts_at=at(day), teacher_name="Cross teacher")
    gone = AssessmentFactory(assessor=ann, starts_at=at(day), state=AssessmentState.CANCELLED, teacher_name="Gone")

    def listed(query: str) -> set[Assessment]:
        return set(admin_client.get(f"{reverse('assessment-list')}?{query}").context["object_list"])

    # A date picks its Monday-to-Sunday week.
    assert listed(f"week={(day + timedelta(days=4)).isoformat()}") == {this_week, crossing, gone}
    assert listed(f"assessor={ann.pk}") == {this_week, next_week, gone}
    assert listed("state=cancelled") == {gone}
    assert listed("cross_rpa=yes") == {crossing}
    assert "Cross-RPA (ASR-5)" in text(admin_client.get(f"{reverse('assessment-list')}?cross_rpa=yes"))


# --- the calendar and its feed ----------------------------------------------------------------------


def test_calendar_shows_each_week_as_n_of_5_booked_and_the_unavailable_weeks(
    admin_client: Client, client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    assessor = assessor_in(rpa_a, "Ann Assessor")
    busy_week = monday_of(timezone.localdate()) + timedelta(weeks=2)
    away_week = busy_week + timedelta(weeks=1)
    for n in range(3):
        AssessmentFactory(assessor=assessor, starts_at=at(busy_week + timedelta(days=n)), teacher_name=f"Teacher {n}")
    UnavailabilityFactory(assessor=assessor, week_start=away_week)
    own = client_for(assessor.user)

    page = own.get(reverse("assessment-calendar"))

    weeks = {week["monday"]: week for week in page.context["weeks"]}
    assert len(weeks) == 8
    assert weeks[busy_week]["count"] == 3 and len(weeks[busy_week]["bookings"]) == 3
    assert weeks[away_week]["unavailable"] and weeks[away_week]["count"] == 0
    assert f"3 of {WEEKLY_CAP} booked" in text(page) and "Unavailable this week" in text(page)
    assert "Teacher 2" in text(page)

    as_admin = admin_client.get(f"{reverse('assessment-calendar')}?assessor={assessor.pk}")
    assert f"3 of {WEEKLY_CAP} booked" in text(as_admin) and "Assessments of Ann Assessor" in text(as_admin)
    assert "Calendar feed" not in text(as_admin)  # the feed is the assessor's own


def feed_lines(response: Any) -> list[str]:
    body = response.content
    assert body.endswith(b"\r\n") and b"\n" not in body.replace(b"\r\n", b"")
    return body.decode().split("\r\n")[:-1]


def unfolded(lines: list[str]) -> list[str]:
    logical: list[str] = []
    for line in lines:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return logical


def test_ics_feed_has_one_event_per_booking_in_folded_crlf_lines_and_a_revoked_token_is_404(
    client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    assessor = assessor_in(rpa_a, "Ann Assessor")
    school = SchoolFactory(rpa=rpa_a, name="St Mary's Church of England Primary School, Lower Wickham-on-the-Water")
    soon = monday_of(timezone.localdate()) + timedelta(weeks=2)
    booked = [
        AssessmentFactory(
            assessor=assessor,
            candidate=CandidateFactory(rpa=rpa_a, school=school, first_name="Zoë", last_name="Ångström"),
            starts_at=at(soon, 9),
            mode="on_site",
        ),
        AssessmentFactory(assessor=assessor, starts_at=at(soon + timedelta(weeks=1), 13)),
        AssessmentFactory(assessor=assessor, starts_at=timezone.now() - timedelta(weeks=1)),
    ]
    AssessmentFactory(assessor=assessor, starts_at=at(soon, 14), state=AssessmentState.CANCELLED)
    AssessmentFactory(assessor=assessor, starts_at=timezone.now() - timedelta(weeks=6))  # too old for the feed
    AssessmentFactory(starts_at=at(soon, 11))  # another assessor's
    client = client_for(assessor.user)

    issued = client.post(reverse("calendar-feed-issue"), {"assessor": assessor.pk})
    assessor.refresh_from_db()
    url = reverse("calendar-feed", args=[assessor.calendar_token])
    assert issued.status_code == 302
    assert url in text(client.get(issued.url))  # the calendar page shows the address
    feed = Client().get(url)  # no sign-in: the token is the key

    assert feed.status_code == 200 and feed["Content-Type"].startswith("text/calendar")
    lines = feed_lines(feed)
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the long lines were folded
    logical = unfolded(lines)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR" and "VERSION:2.0" in logical
    assert logical.count("BEGIN:VEVENT") == logical.count("END:VEVENT") == len(booked)
    uids = [line for line in logical if line.startswith("UID:")]
    host = urlsplit(settings.HNAP_BASE_URL).hostname
    assert sorted(uids) == sorted(f"UID:assessment-{a.pk}@{host}" for a in booked)  # stable per assessment
    first = booked[0]
    start_utc = first.starts_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    end_utc = (first.starts_at + timedelta(hours=2)).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # ASM-3
    assert f"DTSTART:{start_utc}" in logical and f"DTEND:{end_utc}" in logical
    assert "SUMMARY:HLTA assessment: Zoë Å." in logical  # first name and initial only
    assert "Ångström" not in feed.content.decode()
    assert (
        "LOCATION:On site\\, St Mary's Church of England Primary School\\, Lower Wickham-on-the-Water" in logical
    )  # commas escaped (RFC 5545 3.3.11)
    assert any(reverse("assessment-detail", args=[first.pk]) in line for line in logical if line.startswith("URL:"))

    # A new address retires the old one; turning the feed off retires every address.
    old_url = url
    client.post(reverse("calendar-feed-issue"), {"assessor": assessor.pk})
    assessor.refresh_from_db()
    assert Client().get(old_url).status_code == 404
    client.post(reverse("calendar-feed-revoke"), {"assessor": assessor.pk})
    assert Client().get(reverse("calendar-feed", args=[assessor.calendar_token or "gone"])).status_code == 404
    assert Client().get(reverse("calendar-feed", args=["not-a-token"])).status_code == 404


def test_feed_buttons_act_only_on_the_users_own_register_entry(
    client_for: Callable[[User], Client], rpa_a: RPA
) -> None:
    mine = assessor_in(rpa_a, "Ann Assessor")
    theirs = assessor_in(rpa_a, "Ben Backup")
    client = client_for(mine.user)

    client.post(reverse("calendar-feed-issue"), {"assessor": theirs.pk})

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.calendar_token and not theirs.calendar_token
