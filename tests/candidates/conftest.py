"""Fixtures of the candidates suites: a PoP with a course in RPA A, a school in A's area, and a helper that
takes a candidate through the whole path to registered."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from candidates import services
from candidates.factories import PreparationCourseFactory, pdf_with
from candidates.models import Candidate, Level2Qualification, PreparationCourse, Subject
from hnap.factories import SchoolFactory
from hnap.files import upload_check
from hnap.models import RPA, NationalFee, PreparationProvider, School, User
from hnap.roles import Role


@pytest.fixture
def course_a(rpa_a: RPA, pop_a: PreparationProvider) -> PreparationCourse:
    today = timezone.localdate()
    return PreparationCourseFactory(
        rpa=rpa_a,
        pop=pop_a,
        name="Autumn cohort",
        first_session=today + timedelta(days=7),
        second_session=today + timedelta(days=21),
        final_session=today + timedelta(days=49),
    )


@pytest.fixture
def school_a(rpa_a: RPA) -> School:
    return SchoolFactory(name="Meadow Primary", rpa=rpa_a)


@pytest.fixture
def pop_user(make_member: Callable[..., User], pop_a: PreparationProvider) -> User:
    return make_member(Role.POP_USER, pop=pop_a, email="tutor@pop-a.example.org")


@pytest.fixture
def rpa_admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org")


def qualification(subject: str, *, other: bool = False) -> Level2Qualification:
    return Level2Qualification.objects.filter(subject=subject, needs_rpa_decision=other, active=True).first()


def apply(pop_user: User, course: PreparationCourse, school: School, **overrides: Any) -> Candidate:
    values: dict[str, Any] = {
        "first_name": "Sam",
        "last_name": "Taylor",
        "email": "sam.taylor@example.org",
        "job_title": "Teaching assistant",
        "age_range_from": 5,
        "age_range_to": 11,
        "funding_source": "school",
        **overrides,
    }
    return services.candidate_apply(acting_user=pop_user, pop=course.pop, course=course, school=school, **values)


def upload(candidate: Candidate, user: User, subject: str, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "qualification": qualification(subject),
        "grade": "C",
        "achieved_on": timezone.localdate() - timedelta(days=4000),
        "verified_by_name": "Pat Tutor",
        "original_seen_on": timezone.localdate(),
        "copy_is_exact": True,
        "upload": upload_check(name=f"{subject}.pdf", content=pdf_with(f"{subject} certificate")),
        **overrides,
    }
    return services.evidence_upload(candidate=candidate, acting_user=user, subject=subject, **values)


def declare(candidate: Candidate, user: User) -> None:
    declaration = services.declaration_request(
        candidate=candidate, acting_user=user, sent_to_name="Jo Head", sent_to_email="head@meadow.example.org"
    )
    services.declaration_complete(
        declaration=declaration,
        declarer_name="Jo Head",
        declarer_role="Headteacher",
        suitable=True,
        whole_class_twice=True,
        level2_evidence_seen=True,
        opportunities_all_standards=True,
    )


@pytest.fixture
def registered_candidate(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
) -> Callable[..., Candidate]:
    """registered_candidate(**overrides) -> a candidate taken through the whole path to registered."""

    def make(**overrides: Any) -> Candidate:
        candidate = apply(pop_user, course_a, school_a, **overrides)
        services.candidate_submit(candidate=candidate, acting_user=pop_user)
        declare(candidate, pop_user)
        for subject in Subject.values:
            evidence = upload(candidate, pop_user, subject)
            services.evidence_decide(evidence=evidence, acting_user=rpa_admin, accept=True)
        services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)
        return services.candidate_register(candidate=candidate, acting_user=rpa_admin)

    return make


@pytest.fixture
def national_fee(db: None) -> NationalFee:
    return NationalFee.objects.filter(effective_from__lte=timezone.localdate()).order_by("-effective_from").first()
