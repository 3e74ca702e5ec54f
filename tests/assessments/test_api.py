"""The assessments REST API at /api/v1/: the assessor register and its quality management, booking against the weekly
cap with its refusals, the ranked proposals, bulk allocation, tenant isolation on its own routes, and the OpenAPI
schema that documents it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory, ConflictFactory, at
from assessments.models import (
    WEEKLY_CAP,
    Assessment,
    AssessmentState,
    Assessor,
    AssessorStatus,
    CPDEntry,
    QualityActionKind,
    TrainingTopic,
    week_start,
)
from candidates.factories import CandidateFactory, DisabilityDisclosureFactory, ready_candidate
from candidates.models import Candidate
from hnap.models import RPA, Membership, ObjectGrant, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db

API = "/api/v1"
Clients = Callable[[User], Client]


def post_json(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type="application/json")


def in_window(candidate: Candidate, weeks: int = 6, hour: int = 10) -> datetime:
    """A Tuesday inside the RPA's window after the candidate's final preparation session (ASM-1)."""
    return at(week_start(candidate.course.final_session + timedelta(weeks=weeks)) + timedelta(days=1), hour)


def assessor_in(make_member: Callable[..., User], rpa: RPA, role: Role = Role.ASSESSOR, **fields: Any) -> Assessor:
    """An active, trained assessor on `rpa`'s register who can sign in with the assessor's role."""
    return AssessorFactory(rpa=rpa, user=make_member(role, rpa=rpa), **fields)


def book(client: Client, candidate: Candidate, assessor: Assessor, starts_at: datetime, **extra: Any) -> Any:
    body = {"candidate": candidate.pk, "assessor": assessor.pk, "starts_at": starts_at.isoformat(), **extra}
    return post_json(client, f"{API}/assessments/", body)


def booked_in_week(assessor: Assessor, day: date) -> int:
    return Assessment.objects.filter(
        assessor=assessor, week_start=week_start(day), state=AssessmentState.BOOKED
    ).count()


@pytest.fixture
def rpa_admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org")


@pytest.fixture
def admin(rpa_admin: User, client_for: Clients) -> Client:
    return client_for(rpa_admin)


# --- proposals ---------------------------------------------------------------------------------------


def test_proposals_rank_same_rpa_first_and_explain_who_cannot_asr_1_asr_5_asr_6_asr_8_asr_9(
    admin: Client, rpa_a: RPA, rpa_b: RPA
) -> None:
    """Eligible first (same RPA, then an opted-in assessor of another RPA: ASR-5, RISK-1; least busy first), then
    those who cannot with the reasons: training (ASR-1), a full week (ASR-6), suspended (ASR-8), a conflict
    (ASR-9). An assessor of another RPA who did not opt in is never proposed."""
    candidate = ready_candidate(rpa=rpa_a)
    day = in_window(candidate).date()
    free = AssessorFactory(rpa=rpa_a, user__full_name="Ada Free")
    busy = AssessorFactory(rpa=rpa_a, user__full_name="Ben Busy")
    full = AssessorFactory(rpa=rpa_a, user__full_name="Cat Full")
    for assessor, count in ((busy, 2), (full, WEEKLY_CAP)):
        for _ in range(count):
            AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a), assessor=assessor, starts_at=at(day))
    visiting = AssessorFactory(rpa=rpa_b, user__full_name="Dan Visiting")
    visiting.willing_rpas.add(rpa_a)
    AssessorFactory(rpa=rpa_b, user__full_name="Eve Elsewhere")  # not opted in for RPA A
    AssessorFactory(rpa=rpa_a, user__full_name="Fay Trainee", trained=False, status=AssessorStatus.IN_TRAINING)
    AssessorFactory(rpa=rpa_a, user__full_name="Gus Suspended", status=AssessorStatus.SUSPENDED)
    ConflictFactory(
        assessor=AssessorFactory(rpa=rpa_a, user__full_name="Hal Conflicted"), pop=None, school=candidate.school
    )

    response = admin.get(f"{API}/allocation-proposals/{candidate.pk}/?day={day.isoformat()}")

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["week_start"] == week_start(day).isoformat() and candidate.last_name in body["candidate"]["name"]
    rows = {row["name"]: row for row in body["proposals"]}
    assert [row["name"] for row in body["proposals"]][:3] == ["Ada Free", "Ben Busy", "Dan Visiting"]
    assert "Eve Elsewhere" not in rows
    assert rows["Ada Free"]["eligible"] and rows["Ada Free"]["same_rpa"] and rows["Ada Free"]["assessor"] == free.pk
    assert rows["Ada Free"]["assessor_url"] == f"{API}/assessors/{free.pk}/"
    assert rows["Ben Busy"]["week_count"] == 2
    assert rows["Dan Visiting"]["eligible"] and not rows["Dan Visiting"]["same_rpa"]
    assert rows["Dan Visiting"]["rpa"] == rpa_b.slug
    assert rows["Dan Visiting"]["notes"][0] == f"from {rpa_b.name}, assesses for {rpa_a.name}"
    assert "initial training not complete (0 of 7)" in rows["Fay Trainee"]["reasons"]
    assert rows["Cat Full"]["reasons"] == [f"already {WEEKLY_CAP} assessments that week (the limit is {WEEKLY_CAP})"]
    assert rows["Gus Suspended"]["reasons"] == ["Suspended pending investigation"]
    assert rows["Hal Conflicted"]["reasons"] == ["declared a connection with the candidate's school"]
    assert not any(rows[name]["eligible"] for name in ("Cat Full", "Fay Trainee", "Gus Suspended", "Hal Conflicted"))
    assert full.pk  # the full assessor is listed, last among the ineligible by name


def test_proposals_are_for_those_who_see_the_register(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    """A senior assessor sees them; a PoP sees its candidate but not the register (403); another RPA: 404."""
    candidate = ready_candidate(rpa=rpa_a)
    url = f"{API}/allocation-proposals/{candidate.pk}/"
    assert client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a)).get(url).status_code == 200
    assert client_for(make_member(Role.POP_USER, pop=candidate.pop)).get(url).status_code == 403
    assert client_for(make_member(Role.RPA_ADMIN, rpa=rpa_b)).get(url).status_code == 404
    bad = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a)).get(f"{url}?day=someday")
    assert bad.status_code == 400 and set(bad.json()) == {"day"}


# --- booking -----------------------------------------------------------------------------------------


def test_booking_refuses_a_candidate_not_ready_s11_2(admin: Client, rpa_a: RPA) -> None:
    candidate = CandidateFactory(rpa=rpa_a)
    response = book(admin, candidate, AssessorFactory(rpa=rpa_a), in_window(candidate))
    assert response.status_code == 400
    assert "not ready for allocation" in response.json()["non_field_errors"][0]
    assert not Assessment.objects.exists()


def test_booking_an_unpaid_candidate_needs_a_recorded_exception_pay_1(
    admin: Client, rpa_admin: User, rpa_a: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a, paid=False)
    assessor = AssessorFactory(rpa=rpa_a)
    refused = book(admin, candidate, assessor, in_window(candidate))
    assert refused.status_code == 400 and set(refused.json()) == {"unpaid_exception_reason"}
    assert "PAY-1" in refused.json()["unpaid_exception_reason"][0]
    booked = book(admin, candidate, assessor, in_window(candidate), unpaid_exception_reason="Invoice agreed")
    assert booked.status_code == 201, booked.content
    assert booked.json()["unpaid_exception_reason"] == "Invoice agreed"
    assert Assessment.objects.get().unpaid_exception_by == rpa_admin


def test_a_date_outside_the_window_is_booked_only_once_confirmed_asm_1(admin: Client, rpa_a: RPA) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    assessor = AssessorFactory(rpa=rpa_a)
    too_late = in_window(candidate, weeks=12)
    warned = book(admin, candidate, assessor, too_late)
    assert warned.status_code == 400
    assert set(warned.json()) == {"starts_at", "confirm_outside_window"}
    assert "outside" in warned.json()["starts_at"][0] and "window" in warned.json()["starts_at"][0]
    assert warned.json()["confirm_outside_window"] == ["Send true to book outside the window."]
    confirmed = book(admin, candidate, assessor, too_late, confirm_outside_window=True)
    assert confirmed.status_code == 201, confirmed.content


def test_a_booking_shows_the_interviewees_the_flags_and_the_tasks_deadline_asm_2_asm_3(
    admin: Client, rpa_a: RPA
) -> None:
    candidate = ready_candidate(rpa=rpa_a)
    starts_at = in_window(candidate)
    response = book(
        admin,
        candidate,
        AssessorFactory(rpa=rpa_a, user__full_name="Ada Assessor"),
        starts_at,
        mode="on_site",
        teacher_name="Terry Teacher",
        senior_leader_name="Sally Leader",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mode"] == "on_site" and body["assessor_name"] == "Ada Assessor" and body["state"] == "booked"
    assert body["interviewees"] == [
        {"role": "candidate", "name": candidate.full_name},
        {"role": "teacher", "name": "Terry Teacher"},
        {"role": "senior_leader", "name": "Sally Leader"},
    ]
    assert body["candidate_summary"]["reference"] == candidate.reference
    assert body["is_first_solo"] is False and body["cross_rpa"] is False and body["cap_override_reason"] == ""
    due = datetime.fromisoformat(body["tasks_due_at"])
    assert timezone.localtime(due).date() == starts_at.date() - timedelta(days=10)
    assert body["week_start"] == week_start(starts_at.date()).isoformat()


def test_a_sixth_assessment_in_a_week_needs_an_override_reason_asr_6(
    admin: Client, rpa_admin: User, rpa_a: RPA
) -> None:
    assessor = AssessorFactory(rpa=rpa_a, user__full_name="Ada Assessor")
    candidate = ready_candidate(rpa=rpa_a)
    starts_at = in_window(candidate)
    for _ in range(WEEKLY_CAP):
        AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a), assessor=assessor, starts_at=starts_at)
    refused = book(admin, candidate, assessor, starts_at)
    assert refused.status_code == 400 and set(refused.json()) == {"cap_override_reason"}
    assert f"already has {WEEKLY_CAP} assessments" in refused.json()["cap_override_reason"][0]
    assert booked_in_week(assessor, starts_at.date()) == WEEKLY_CAP
    booked = book(admin, candidate, assessor, starts_at, cap_override_reason="Cohort deadline; agreed with Ada")
    assert booked.status_code == 201, booked.content
    assert booked.json()["cap_override_reason"] == "Cohort deadline; agreed with Ada"
    assert Assessment.objects.get(pk=booked.json()["id"]).cap_override_by == rpa_admin


def test_move_and_cancel_keep_the_weekly_count_right_asr_6(admin: Client, rpa_a: RPA) -> None:
    assessor = AssessorFactory(rpa=rpa_a)
    candidate = ready_candidate(rpa=rpa_a)
    week_one = in_window(candidate)
    week_two = week_one + timedelta(weeks=1)
    for _ in range(WEEKLY_CAP - 1):
        AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a), assessor=assessor, starts_at=week_one)
    for _ in range(WEEKLY_CAP):
        AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a), assessor=assessor, starts_at=week_two)
    booked = book(admin, candidate, assessor, week_one)
    assert booked.status_code == 201
    url = booked.json()["url"]
    assert booked_in_week(assessor, week_one.date()) == WEEKLY_CAP

    full = post_json(admin, f"{url}move/", {"starts_at": week_two.isoformat()})
    assert full.status_code == 400 and set(full.json()) == {"cap_override_reason"}
    same_week = post_json(admin, f"{url}move/", {"starts_at": (week_one + timedelta(days=1)).isoformat()})
    assert same_week.status_code == 200, same_week.content  # moving within its own week needs no room
    assert booked_in_week(assessor, week_one.date()) == WEEKLY_CAP

    cancelled = post_json(admin, f"{url}cancel/", {"reason": "Candidate ill"})
    assert cancelled.status_code == 200 and cancelled.json()["state"] == "cancelled"
    assert booked_in_week(assessor, week_one.date()) == WEEKLY_CAP - 1
    assert post_json(admin, f"{url}cancel/", {"reason": ""}).status_code == 400

    again = book(admin, candidate, assessor, week_one)
    assert again.status_code == 201, again.content
    assert booked_in_week(assessor, week_one.date()) == WEEKLY_CAP
    moved = post_json(admin, f"{again.json()['url']}move/", {"starts_at": (week_two + timedelta(weeks=1)).isoformat()})
    assert moved.status_code == 200, moved.content
    assert booked_in_week(assessor, week_one.date()) == WEEKLY_CAP - 1
    assert booked_in_week(assessor, week_two.date() + timedelta(weeks=1)) == 1


def test_reallocate_gives_the_booking_to_another_assessor_after_a_suspension_asr_8(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    """A suspended assessor leaves allocation at once; their booking is reallocated on the same date."""
    candidate = ready_candidate(rpa=rpa_a)
    first, second = AssessorFactory(rpa=rpa_a), AssessorFactory(rpa=rpa_a)
    booked = book(admin, candidate, first, in_window(candidate)).json()
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    suspended = post_json(
        senior, f"{API}/assessors/{first.pk}/quality-actions/", {"kind": "suspend", "reason": "Complaint received"}
    )
    assert suspended.status_code == 201, suspended.content
    assert suspended.json()["kind"] == QualityActionKind.SUSPEND
    first.refresh_from_db()
    assert first.status == AssessorStatus.SUSPENDED
    refused = post_json(admin, f"{booked['url']}reallocate/", {"assessor": first.pk, "reason": "Suspended"})
    assert refused.status_code == 400 and "cannot be allocated" in refused.json()["assessor"][0]
    assert Assessment.objects.get(pk=booked["id"]).state == AssessmentState.BOOKED  # both or neither

    moved = post_json(admin, f"{booked['url']}reallocate/", {"assessor": second.pk, "reason": "Suspended"})
    assert moved.status_code == 201, moved.content
    assert moved.json()["assessor"] == second.pk and moved.json()["starts_at"] == booked["starts_at"]
    assert Assessment.objects.get(pk=booked["id"]).state == AssessmentState.CANCELLED


def test_an_assessor_outside_the_candidates_pool_answers_like_a_missing_one(
    admin: Client, rpa_a: RPA, rpa_b: RPA
) -> None:
    """ASR-5: never an assessor of an RPA that did not opt in; the answer does not say whether the id exists."""
    candidate = ready_candidate(rpa=rpa_a)
    stranger = AssessorFactory(rpa=rpa_b)
    refused = book(admin, candidate, stranger, in_window(candidate))
    missing = post_json(
        admin,
        f"{API}/assessments/",
        {"candidate": candidate.pk, "assessor": 2_000_000_000, "starts_at": in_window(candidate).isoformat()},
    )
    assert refused.status_code == missing.status_code == 400
    assert refused.json() == missing.json()


def test_the_bulk_allocation_books_a_cohort_and_says_who_was_not_booked_and_why(admin: Client, rpa_a: RPA) -> None:
    cohort = [ready_candidate(rpa=rpa_a) for _ in range(3)]
    not_ready = CandidateFactory(rpa=rpa_a)
    AssessorFactory(rpa=rpa_a, user__full_name="Ada Assessor")
    AssessorFactory(rpa=rpa_a, user__full_name="Ben Assessor")
    starts_at = in_window(cohort[0])
    response = post_json(
        admin,
        f"{API}/assessments/bulk/",
        {"candidates": [c.pk for c in [*cohort, not_ready]], "starts_at": starts_at.isoformat()},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert sorted(row["candidate"] for row in body["booked"]) == sorted(c.pk for c in cohort)
    # Workload is balanced: the least busy assessor takes the next candidate.
    assert sorted(row["assessor_name"] for row in body["booked"]) == ["Ada Assessor", "Ada Assessor", "Ben Assessor"]
    (refused,) = body["not_booked"]
    assert refused["candidate"] == not_ready.pk and "not ready" in refused["reason"]
    nobody = post_json(
        admin, f"{API}/assessments/bulk/", {"candidates": [not_ready.pk], "starts_at": starts_at.isoformat()}
    )
    assert nobody.status_code == 200 and nobody.json()["booked"] == []


def test_bulk_allocation_takes_only_the_rpas_own_candidates(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    theirs = ready_candidate(rpa=rpa_b)
    response = post_json(
        admin, f"{API}/assessments/bulk/", {"candidates": [theirs.pk], "starts_at": at(date(2030, 1, 8)).isoformat()}
    )
    assert response.status_code == 400 and set(response.json()) == {"candidates"}
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert post_json(senior, f"{API}/assessments/bulk/", {"candidates": []}).status_code == 403
    assert not Assessment.objects.exists()


# --- tenancy -----------------------------------------------------------------------------------------


def test_a_cross_rpa_assessor_sees_only_the_assessment_allocated_to_them_asr_5(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    """The visiting assessor reaches that one assessment through an object grant, with the adjustments (REG-8),
    and no other assessment of RPA A."""
    visiting = assessor_in(make_member, rpa_b)
    visiting.willing_rpas.add(rpa_a)
    candidate = ready_candidate(rpa=rpa_a)
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made="Questions given in writing as well")
    booked = book(admin, candidate, visiting, in_window(candidate))
    assert booked.status_code == 201, booked.content
    assert booked.json()["cross_rpa"] is True and booked.json()["rpa"] == rpa_a.slug
    assessment = Assessment.objects.get(pk=booked.json()["id"])
    assert ObjectGrant.objects.filter(user=visiting.user, object_id=assessment.pk, revoked_at__isnull=True).exists()
    other = AssessmentFactory(candidate=ready_candidate(rpa=rpa_a))

    client = client_for(visiting.user)
    seen = client.get(f"{API}/assessments/{assessment.pk}/")
    assert seen.status_code == 200
    assert seen.json()["adjustments"] == "Questions given in writing as well"
    assert client.get(f"{API}/assessments/{other.pk}/").status_code == 404
    assert [row["id"] for row in client.get(f"{API}/assessments/").json()["results"]] == [assessment.pk]
    assert post_json(client, f"{API}/assessments/{assessment.pk}/cancel/", {"reason": "x"}).status_code == 403


def test_reg_8_the_adjustments_are_for_the_allocated_assessor_not_every_reader(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    candidate = ready_candidate(rpa=rpa_a)
    DisabilityDisclosureFactory(candidate=candidate, adjustments_made="A quiet room")
    url = book(admin, candidate, assessor, in_window(candidate)).json()["url"]
    assert client_for(assessor.user).get(url).json()["adjustments"] == "A quiet room"
    assert admin.get(url).json()["adjustments"] == "A quiet room"
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a)).get(url)
    assert senior.status_code == 200 and "adjustments" not in senior.json()


def test_rpa_b_admin_gets_404_on_rpa_a_assessor_and_assessment(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    assessor = AssessorFactory(rpa=rpa_a)
    assessment = AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_b))
    for url in (
        f"{API}/assessors/{assessor.pk}/",
        f"{API}/assessments/{assessment.pk}/",
        f"{API}/allocation-proposals/{assessment.candidate_id}/",
    ):
        assert client.get(url).status_code == 404, url
    assert post_json(client, f"{API}/assessors/{assessor.pk}/senior/", {"is_senior": True}).status_code == 404
    assert post_json(client, f"{API}/assessors/{assessor.pk}/cpd/", {}).status_code == 404
    assert post_json(client, f"{API}/assessments/{assessment.pk}/cancel/", {"reason": "x"}).status_code == 404
    assert client.get(f"{API}/assessors/").json()["count"] == 0
    assert client.get(f"{API}/assessments/").json()["count"] == 0


def test_an_assessor_sees_only_their_own_register_entry(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    me = assessor_in(make_member, rpa_a)
    colleague = assessor_in(make_member, rpa_a)
    client = client_for(me.user)
    listed = client.get(f"{API}/assessors/")
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [me.pk]
    assert client.get(f"{API}/assessors/{me.pk}/").status_code == 200
    assert client.get(f"{API}/assessors/{colleague.pk}/").status_code == 403
    assert post_json(client, f"{API}/assessors/{colleague.pk}/cpd/", {}).status_code == 403
    assert post_json(client, f"{API}/assessors/{me.pk}/training/", {}).status_code == 403
    assert post_json(client, f"{API}/assessors/", {"email": "x@example.org", "full_name": "X"}).status_code == 403


# --- the register ------------------------------------------------------------------------------------


def test_an_rpa_admin_registers_a_person_found_or_given_an_account(
    admin: Client, rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User]
) -> None:
    response = post_json(
        admin, f"{API}/assessors/?rpa={rpa_b.slug}", {"email": "New.Person@Example.org", "full_name": "New Person"}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["rpa"] == rpa_a.slug and body["status"] == AssessorStatus.IN_TRAINING and body["name"] == "New Person"
    assert len(body["training_missing"]) == len(TrainingTopic.values) and body["training_complete"] is False
    user = User.objects.get(email="new.person@example.org")
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, role=Role.ASSESSOR, rpa=rpa_a).exists()

    existing = make_member(Role.ASSESSOR, rpa=rpa_b, email="known@example.org", full_name="Known Person")
    found = post_json(
        admin, f"{API}/assessors/", {"email": "KNOWN@example.org", "full_name": "Ignored", "is_senior": True}
    )
    assert found.status_code == 201 and found.json()["name"] == "Known Person" and found.json()["is_senior"] is True
    assert Assessor.objects.get(pk=found.json()["id"]).user == existing
    again = post_json(admin, f"{API}/assessors/", {"email": "known@example.org", "full_name": "Known Person"})
    assert again.status_code == 400 and set(again.json()) == {"email"}


def test_training_of_the_seven_topics_makes_the_assessor_active_asr_1(admin: Client, rpa_a: RPA) -> None:
    assessor = AssessorFactory(rpa=rpa_a, trained=False, status=AssessorStatus.IN_TRAINING)
    url = f"{API}/assessors/{assessor.pk}/"
    bad = post_json(admin, f"{url}training/", {"topic": "juggling", "completed_on": "2099-01-01"})
    assert bad.status_code == 400 and set(bad.json()) == {"topic"}
    future = post_json(admin, f"{url}training/", {"topic": "standards", "completed_on": "2099-01-01"})
    assert future.status_code == 400 and set(future.json()) == {"completed_on"}
    for topic in TrainingTopic.values:
        done = post_json(
            admin, f"{url}training/", {"topic": topic, "completed_on": "2025-01-06", "trainer": "Tess Trainer"}
        )
        assert done.status_code == 201, done.content
    body = admin.get(url).json()
    assert body["status"] == AssessorStatus.ACTIVE and body["training_complete"] is True
    assert body["training_missing"] == [] and {row["trainer"] for row in body["training"]} == {"Tess Trainer"}


def test_senior_naming_and_willing_rpas_are_the_rpa_admins_asr_4_asr_5(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    assessor = AssessorFactory(rpa=rpa_a)
    url = f"{API}/assessors/{assessor.pk}/"
    named = post_json(admin, f"{url}senior/", {"is_senior": True})
    assert named.status_code == 200 and named.json()["is_senior"] is True
    assert Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR, rpa=rpa_a).exists()
    willing = post_json(admin, f"{url}willing/", {"rpas": [rpa_b.slug, rpa_a.slug]})
    assert willing.status_code == 200 and willing.json()["willing_rpas"] == [rpa_b.slug]
    assert post_json(admin, f"{url}willing/", {"rpas": ["nowhere"]}).status_code == 400
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert post_json(senior, f"{url}senior/", {"is_senior": False}).status_code == 403
    assert post_json(senior, f"{url}willing/", {"rpas": []}).status_code == 403


def test_the_first_solo_is_quality_assured_by_a_senior_assessor_of_that_rpa_asr_2(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    assessor = AssessorFactory(rpa=rpa_a, status=AssessorStatus.FIRST_SOLO_PENDING_QA, first_solo_qa_at=None)
    url = f"{API}/assessors/{assessor.pk}/first-solo-qa/"
    assert post_json(admin, url, {"note": "Fine"}).status_code == 403
    assert post_json(client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_b)), url, {"note": "x"}).status_code == 404
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert post_json(senior, url, {"note": ""}).status_code == 400
    done = post_json(senior, url, {"note": "Secure judgements, tidy paperwork."})
    assert done.status_code == 200, done.content
    assert done.json()["status"] == AssessorStatus.ACTIVE and done.json()["first_solo_qa_note"].startswith("Secure")
    assert post_json(senior, url, {"note": "Again"}).status_code == 400


def test_reviews_against_the_six_criteria_reach_the_assessor_asr_7(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    url = f"{API}/assessors/{assessor.pk}/reviews/"
    incomplete = post_json(senior, url, {"preparation": "strong", "feedback": ""})
    assert incomplete.status_code == 400
    assert set(incomplete.json()) == {"conduct", "outcomes", "paperwork", "communication", "participation", "feedback"}
    ratings = {
        "preparation": "strong",
        "conduct": "satisfactory",
        "outcomes": "satisfactory",
        "paperwork": "needs_improvement",
        "communication": "strong",
        "participation": "strong",
    }
    review = post_json(senior, url, {**ratings, "feedback": "Send paperwork within the deadline."})
    assert review.status_code == 201, review.content
    assert review.json()["paperwork"] == "needs_improvement"
    own = client_for(assessor.user)
    assert own.get(f"{API}/assessors/{assessor.pk}/").json()["reviews"][0]["feedback"].startswith("Send paperwork")
    assert post_json(own, url, {**ratings, "feedback": "Self-praise"}).status_code == 403


def test_quality_actions_are_not_shown_to_the_assessor_but_suspension_takes_them_out_asr_8(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    url = f"{API}/assessors/{assessor.pk}/"
    opened = post_json(
        admin, f"{url}quality-actions/", {"kind": "removal", "reason": "Repeated overturns", "due_on": "2030-01-31"}
    )
    assert opened.status_code == 201 and opened.json()["due_on"] == "2030-01-31"
    assert admin.get(url).json()["status"] == AssessorStatus.REMOVED
    assert admin.get(url).json()["quality_actions"][0]["reason"] == "Repeated overturns"
    assert client_for(assessor.user).get(url).json()["quality_actions"] == []
    assert post_json(admin, f"{url}quality-actions/", {"kind": "lecture", "reason": "x"}).status_code == 400
    candidate = ready_candidate(rpa=rpa_a)
    proposals = admin.get(f"{API}/allocation-proposals/{candidate.pk}/").json()["proposals"]
    assert [row["eligible"] for row in proposals if row["assessor"] == assessor.pk] == [False]


def test_cpd_is_mapped_to_st1380_codes_asr_3(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    own = client_for(assessor.user)
    url = f"{API}/assessors/{assessor.pk}/cpd/"
    body = {"done_on": "2025-03-03", "title": "Standardisation meeting", "hours": "2.5", "ksbs": ["k7", "S7", "X9"]}
    refused = post_json(own, url, body)
    assert refused.status_code == 400 and refused.json() == {"ksbs": ["Not codes of the assessor standard ST1380: X9."]}
    assert not CPDEntry.objects.exists()
    added = post_json(own, url, {**body, "ksbs": ["s7", "K7", "B4"]})
    assert added.status_code == 201, added.content
    assert added.json()["ksbs"] == ["B4", "K7", "S7"]
    assert added.json()["ksb_texts"][0]["text"].startswith("Be committed to improving")
    assert post_json(admin, url, {**body, "ksbs": ["K4"], "title": "Moderation training"}).status_code == 201
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert post_json(senior, url, {**body, "ksbs": ["K4"]}).status_code == 403
    titles = [row["title"] for row in own.get(f"{API}/assessors/{assessor.pk}/").json()["cpd"]]
    assert sorted(titles) == ["Moderation training", "Standardisation meeting"]


def test_an_assessor_declares_conflicts_and_unavailable_weeks_asr_9(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    own = client_for(assessor.user)
    url = f"{API}/assessors/{assessor.pk}/"
    candidate = ready_candidate(rpa=rpa_a)
    neither = post_json(own, f"{url}conflicts/", {"reason": "Former colleague"})
    assert neither.status_code == 400 and "non_field_errors" in neither.json()
    unknown = post_json(own, f"{url}conflicts/", {"school_urn": 999999999, "reason": "x"})
    assert unknown.status_code == 400 and set(unknown.json()) == {"school_urn"}
    school = post_json(own, f"{url}conflicts/", {"school_urn": candidate.school.urn, "reason": "My children go there"})
    assert school.status_code == 201 and school.json()["school_name"] == candidate.school.name
    pop = post_json(own, f"{url}conflicts/", {"pop": candidate.pop_id, "reason": "I tutor for them"})
    assert pop.status_code == 201 and pop.json()["pop"] == candidate.pop_id
    day = in_window(candidate).date()
    week = post_json(own, f"{url}unavailability/", {"day": day.isoformat(), "reason": "Holiday"})
    assert week.status_code == 201 and week.json()["week_start"] == week_start(day).isoformat()

    body = own.get(url).json()
    assert len(body["conflicts"]) == 2 and body["unavailable_weeks"] == [
        {"week_start": week_start(day).isoformat(), "reason": "Holiday"}
    ]
    admin = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))
    (row,) = [p for p in admin.get(f"{API}/allocation-proposals/{candidate.pk}/?day={day}").json()["proposals"]]
    assert row["reasons"] == [
        "declared a connection with the candidate's school",
        "declared a connection with the candidate's PoP",
        "unavailable that week",
    ]


def test_the_calendar_feed_link_is_the_assessors_own(
    admin: Client, make_member: Callable[..., User], rpa_a: RPA, client_for: Clients
) -> None:
    assessor = assessor_in(make_member, rpa_a)
    url = f"{API}/assessors/{assessor.pk}/calendar-token/"
    assert post_json(admin, url).status_code == 403
    own = client_for(assessor.user)
    issued = post_json(own, url)
    assert issued.status_code == 201
    assessor.refresh_from_db()
    assert issued.json()["feed_url"] == f"http://testserver/calendar/{assessor.calendar_token}.ics"
    assert own.get(f"{API}/assessors/{assessor.pk}/").json()["calendar_feed_on"] is True
    assert assessor.calendar_token not in admin.get(f"{API}/assessors/{assessor.pk}/").content.decode()
    assert own.delete(url).status_code == 204
    assessor.refresh_from_db()
    assert assessor.calendar_token is None


def test_list_filters(admin: Client, rpa_a: RPA, rpa_b: RPA) -> None:
    senior = AssessorFactory(rpa=rpa_a, is_senior=True, user__full_name="Sam Senior")
    AssessorFactory(rpa=rpa_a, status=AssessorStatus.SUSPENDED, user__full_name="Sue Suspended")
    visiting = AssessorFactory(rpa=rpa_b)
    visiting.willing_rpas.add(rpa_a)

    def names(query: str) -> list[str]:
        response = admin.get(f"{API}/assessors/?{query}")
        assert response.status_code == 200, response.content
        return [row["name"] for row in response.json()["results"]]

    assert names("is_senior=true") == ["Sam Senior"]
    assert names("status=suspended") == ["Sue Suspended"]
    assert admin.get(f"{API}/assessors/?status=asleep").status_code == 400

    candidate, other = ready_candidate(rpa=rpa_a), ready_candidate(rpa=rpa_a)
    first = book(admin, candidate, senior, in_window(candidate)).json()
    cross = book(admin, other, visiting, in_window(other) + timedelta(weeks=1)).json()

    def ids(query: str) -> list[int]:
        response = admin.get(f"{API}/assessments/?{query}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    sunday = week_start(in_window(candidate).date()) + timedelta(days=6)
    assert ids(f"week={sunday.isoformat()}") == [first["id"]]
    assert ids("cross_rpa=true") == [cross["id"]] and ids("cross_rpa=false") == [first["id"]]
    assert ids(f"assessor={visiting.pk}") == [cross["id"]]
    assert ids("state=cancelled") == [] and len(ids("")) == 2
    bad = admin.get(f"{API}/assessments/?week=soon&state=gone&cross_rpa=perhaps")
    assert bad.status_code == 400 and set(bad.json()) == {"week", "state", "cross_rpa"}


# --- measures ----------------------------------------------------------------------------------------


def test_the_lists_use_a_constant_number_of_queries(admin: Client, rpa_a: RPA, rpa_b: RPA) -> None:
    def make(n: int) -> None:
        for _ in range(n):
            assessor = AssessorFactory(rpa=rpa_a)
            assessor.willing_rpas.add(rpa_b)
            AssessmentFactory(candidate=CandidateFactory(rpa=rpa_a), assessor=assessor)
        AssessmentFactory(candidate=CandidateFactory(rpa=rpa_b))

    def count(url: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = admin.get(url)
        assert response.status_code == 200
        return len(queries)

    urls = [f"{API}/assessors/", f"{API}/assessments/?state=booked"]
    make(3)
    for url in urls:
        admin.get(url)  # warm the per-process caches
    few = [count(url) for url in urls]
    make(30)
    many = [count(url) for url in urls]
    assert admin.get(urls[1]).json()["count"] == 33
    assert few == many, f"{few} queries for 3 rows but {many} for 33"


def test_the_openapi_schema_documents_the_assessments_api_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in (
        "/api/v1/assessors/",
        "/api/v1/assessors/{id}/",
        "/api/v1/assessors/{id}/training/",
        "/api/v1/assessors/{id}/senior/",
        "/api/v1/assessors/{id}/willing/",
        "/api/v1/assessors/{id}/first-solo-qa/",
        "/api/v1/assessors/{id}/reviews/",
        "/api/v1/assessors/{id}/quality-actions/",
        "/api/v1/assessors/{id}/cpd/",
        "/api/v1/assessors/{id}/conflicts/",
        "/api/v1/assessors/{id}/unavailability/",
        "/api/v1/assessments/",
        "/api/v1/assessments/{id}/",
        "/api/v1/assessments/{id}/move/",
        "/api/v1/assessments/{id}/cancel/",
        "/api/v1/assessments/{id}/reallocate/",
        "/api/v1/assessments/bulk/",
        "/api/v1/allocation-proposals/{id}/",
    ):
        assert path in paths, path
    assert set(paths["/api/v1/assessors/{id}/calendar-token/"]) == {"post", "delete"}
    assert "put" not in paths["/api/v1/assessments/{id}/"] and "delete" not in paths["/api/v1/assessments/{id}/"]
