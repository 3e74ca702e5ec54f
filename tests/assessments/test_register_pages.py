"""The assessor register and quality management pages (ASR-1..ASR-5, ASR-7..ASR-9): the register and an assessor's
entry, the RPA's edits, the assessor's own entries, the first solo QA, reviews and quality actions, and who may
see and do what (another RPA's assessor: 404; one of the own RPA the role may not reach: 403)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.factories import (
    AssessmentFactory,
    AssessorFactory,
    CPDEntryFactory,
    QualityActionFactory,
    UnavailabilityFactory,
)
from assessments.models import (
    COMPETENCY_CRITERIA,
    Assessor,
    AssessorStatus,
    Conflict,
    CPDEntry,
    PerformanceReview,
    QualityAction,
    QualityActionKind,
    TrainingTopic,
    Unavailability,
    week_start,
)
from candidates.factories import ready_candidate
from hnap.factories import SchoolFactory, UserFactory
from hnap.models import RPA, Membership, Notification, PreparationProvider, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def entry(rpa: RPA, name: str, **fields: Any) -> Assessor:
    """An assessor on `rpa`'s register, named `name` (active and trained unless told)."""
    return AssessorFactory(rpa=rpa, user=UserFactory(full_name=name), **fields)


def listed(response: Any) -> list[str]:
    """The names of the assessors on the register page, in order."""
    return [a.user.full_name for a in response.context["object_list"]]


@pytest.fixture
def admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_b(make_member: Callable[..., User], rpa_b: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_b)


@pytest.fixture
def senior(rpa_a: RPA) -> Assessor:
    """A named senior assessor of RPA A (ASR-4), on its register."""
    user = UserFactory(full_name="Sian Senior")
    senior = services.assessor_register(rpa=rpa_a, user=user, acting_user=None, is_senior=True)
    for topic in TrainingTopic.values:
        services.training_record(assessor=senior, topic=topic, completed_on=TODAY())
    return senior


@pytest.fixture
def assessor(rpa_a: RPA) -> Assessor:
    """An assessor of RPA A who signs in (the assessor role, OWN scope)."""
    user = UserFactory(full_name="Alex Assessor")
    entry = services.assessor_register(rpa=rpa_a, user=user, acting_user=None)
    for topic in TrainingTopic.values:
        services.training_record(assessor=entry, topic=topic, completed_on=TODAY())
    entry.refresh_from_db()
    return entry


def as_client(client_for: Callable[[User], Client], who: User | Assessor) -> Client:
    return client_for(who.user if isinstance(who, Assessor) else who)


# --- the register ----------------------------------------------------------------------------------


def test_register_lists_status_senior_training_cpd_bookings_and_willing_rpas(
    admin: User, rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    busy = entry(rpa_a, "Bea Busy", is_senior=True)
    busy.willing_rpas.add(rpa_b)
    CPDEntryFactory(assessor=busy, hours=Decimal("2.5"))
    CPDEntryFactory(assessor=busy, hours=Decimal("1.0"))
    CPDEntryFactory(assessor=busy, hours=Decimal("9"), done_on=TODAY().replace(year=TODAY().year - 1))
    AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=busy, starts_at=timezone.now() + timedelta(days=3))
    AssessmentFactory(
        candidate=ready_candidate(rpa=rpa_a), assessor=busy, starts_at=timezone.now() + timedelta(days=60)
    )
    entry(rpa_a, "Tom Trainee", trained=False, status=AssessorStatus.IN_TRAINING)
    entry(rpa_b, "Otto Other")

    response = as_client(client_for, admin).get("/assessors/")

    assert response.status_code == 200
    assert listed(response) == ["Bea Busy", "Tom Trainee"]
    row = next(a for a in response.context["object_list"] if a.pk == busy.pk)
    assert (row.trained_topics, row.cpd_hours, row.coming_count) == (7, Decimal("3.5"), 1)
    text = response.content.decode()
    assert "7 of 7" in text and "0 of 7" in text and rpa_b.name in text and "Otto Other" not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=in_training", ["Tom Trainee"]),
        ("senior=yes", ["Bea Busy"]),
        ("senior=no", ["Sue Suspended", "Tom Trainee"]),
        ("trained=no", ["Tom Trainee"]),
        ("trained=yes", ["Bea Busy", "Sue Suspended"]),
        ("q=sue", ["Sue Suspended"]),
    ],
)
def test_register_filters_by_status_senior_training_and_name(
    query: str, expected: list[str], admin: User, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    entry(rpa_a, "Bea Busy", is_senior=True)
    entry(rpa_a, "Tom Trainee", trained=False, status=AssessorStatus.IN_TRAINING)
    entry(rpa_a, "Sue Suspended", status=AssessorStatus.SUSPENDED)
    assert listed(as_client(client_for, admin).get(f"/assessors/?{query}")) == expected


def test_register_page_uses_a_constant_number_of_queries(
    admin: User, rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, admin)

    def add(count: int) -> None:
        for _ in range(count):
            assessor = AssessorFactory(rpa=rpa_a)
            assessor.willing_rpas.add(rpa_b)
            CPDEntryFactory(assessor=assessor)
            AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/assessors/")
        assert response.status_code == 200
        return len(captured)

    add(5)
    client.get("/assessors/")  # warm the per-process caches
    few = queries()
    add(35)
    many = queries()
    assert Assessor.objects.filter(rpa=rpa_a).count() == 40
    assert few == many, f"{few} queries for 5 assessors but {many} for 40"


def test_an_assessor_sees_only_their_own_entry_and_not_another_assessors(
    assessor: Assessor, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    other = entry(rpa_a, "Olive Other")
    client = as_client(client_for, assessor)

    assert listed(client.get("/assessors/")) == ["Alex Assessor"]
    assert client.get(f"/assessors/{assessor.pk}/").status_code == 200
    # Another assessor of the same RPA: a record of the own RPA the role may not see answers 403 (the base views).
    assert client.get(f"/assessors/{other.pk}/").status_code == 403
    assert client.get(f"/assessors/{other.pk}/cpd/new/").status_code == 403


def test_another_rpas_administrator_gets_404_on_every_page_of_an_assessor(
    assessor: Assessor, admin_b: User, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, admin_b)
    action = QualityActionFactory(assessor=assessor)
    week = UnavailabilityFactory(assessor=assessor)
    pages = [
        f"/assessors/{assessor.pk}/{suffix}"
        for suffix in [
            "",
            "senior/",
            "willing/",
            "training/",
            "first-solo-qa/",
            "reviews/new/",
            "quality-actions/new/",
            "cpd/new/",
            "conflicts/new/",
            "unavailability/new/",
        ]
    ] + [f"/quality-actions/{action.pk}/", f"/quality-actions/{action.pk}/close/"]
    for url in pages:
        assert client.get(url).status_code == 404, url
        if not url.endswith((f"/{assessor.pk}/", f"/{action.pk}/")):  # the two read-only pages answer GET only
            assert client.post(url, {"reason": "x", "outcome": "x"}).status_code == 404, url
    assert client.post(f"/unavailability/{week.pk}/delete/").status_code == 404
    assert Unavailability.objects.filter(pk=week.pk).exists()
    assert "Alex Assessor" not in client.get("/assessors/?q=Alex").content.decode()


# --- putting people on the register, senior assessors (ASR-4), other RPAs (ASR-5) ------------------


def test_an_administrator_adds_a_new_person_who_sets_a_password_through_the_reset_page(
    admin: User, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, admin)
    assert "password" in client.get("/assessors/new/").content.decode()

    response = client.post("/assessors/new/", {"email": "New.Person@Example.org", "full_name": "Nia New"})

    added = Assessor.objects.get(user__email="new.person@example.org")
    assert response.status_code == 302 and response.url == f"/assessors/{added.pk}/"
    assert added.rpa == rpa_a and added.status == AssessorStatus.IN_TRAINING and not added.is_senior
    assert added.user.full_name == "Nia New" and not added.user.has_usable_password()
    assert Membership.objects.filter(user=added.user, role=Role.ASSESSOR, rpa=rpa_a).exists()
    assert "Forgotten your password?" in client.get(response.url).content.decode()


def test_asr4_naming_a_senior_on_the_register_gives_the_senior_assessor_membership(
    admin: User, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    existing = UserFactory(email="known@example.org", full_name="Kim Known")
    client = as_client(client_for, admin)

    client.post("/assessors/new/", {"email": "known@example.org", "full_name": "Another Name", "is_senior": "on"})

    added = Assessor.objects.get(user=existing)
    assert added.is_senior and added.user.full_name == "Kim Known"
    assert Membership.objects.filter(user=existing, role=Role.SENIOR_ASSESSOR, rpa=rpa_a).exists()
    # The same person twice: refused on the email field, with what was typed kept.
    again = client.post("/assessors/new/", {"email": "known@example.org", "full_name": "Kim Known"})
    assert again.status_code == 200 and "already on" in str(again.context["form"].errors["email"])
    assert 'value="known@example.org"' in again.content.decode()


def test_asr4_the_senior_toggle_grants_and_removes_the_membership_rpa_admin_only(
    admin: User, assessor: Assessor, senior: Assessor, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    url = f"/assessors/{assessor.pk}/senior/"
    assert as_client(client_for, senior).post(url, {"is_senior": "yes"}).status_code == 403
    client = as_client(client_for, admin)

    assert client.post(url, {"is_senior": "yes"}).status_code == 302
    assert Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR, rpa=rpa_a).exists()
    assert "a named senior assessor" in client.get(f"/assessors/{assessor.pk}/").content.decode()
    client.post(url, {"is_senior": "no"})
    assert not Membership.objects.filter(user=assessor.user, role=Role.SENIOR_ASSESSOR).exists()


def test_asr5_willing_rpas_are_the_other_rpas_never_the_assessors_own(
    admin: User, assessor: Assessor, rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    url = f"/assessors/{assessor.pk}/willing/"
    client = as_client(client_for, admin)
    offered = list(client.get(url).context["form"].fields["rpas"].queryset)
    assert rpa_b in offered and rpa_a not in offered

    refused = client.post(url, {"rpas": [rpa_a.pk, rpa_b.pk]})
    assert refused.status_code == 200 and "rpas" in refused.context["form"].errors
    assert client.post(url, {"rpas": [rpa_b.pk]}).status_code == 302
    assert list(assessor.willing_rpas.all()) == [rpa_b]
    # The assessor themself may not choose: their RPA does.
    assert as_client(client_for, assessor).post(url, {"rpas": []}).status_code == 403
    assert list(assessor.willing_rpas.all()) == [rpa_b]


# --- training (ASR-1) and the first solo QA (ASR-2) -------------------------------------------------


def test_asr1_training_recorded_topic_by_topic_the_checklist_shows_what_is_missing_then_active(
    admin: User, senior: Assessor, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    trainee = services.assessor_register(rpa=rpa_a, user=UserFactory(full_name="Tia Trainee"), acting_user=None)
    url = f"/assessors/{trainee.pk}/training/"
    assert as_client(client_for, senior).post(url, {"topic": "standards"}).status_code == 403
    assert as_client(client_for, trainee).get(url).status_code == 403
    client = as_client(client_for, admin)

    for topic in TrainingTopic.values[:-1]:
        response = client.post(url, {"topic": topic, "completed_on": TODAY().isoformat(), "trainer": "Pat Trainer"})
        assert response.status_code == 302
    trainee.refresh_from_db()
    assert trainee.status == AssessorStatus.IN_TRAINING
    page = client.get(f"/assessors/{trainee.pk}/")
    assert page.context["missing"] == [TrainingTopic.QUALITY.label]
    assert "Still to do: Moderation and quality-assurance requirements" in page.content.decode()
    assert "Record initial training" in page.content.decode()

    response = client.post(url, {"topic": TrainingTopic.QUALITY, "completed_on": TODAY().isoformat()}, follow=True)

    trainee.refresh_from_db()
    assert trainee.status == AssessorStatus.ACTIVE
    assert "they are now active" in response.content.decode()
    assert response.context["missing"] == []


def test_asr1_a_training_date_in_the_future_is_refused_on_the_form(
    admin: User, assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    response = as_client(client_for, admin).post(
        f"/assessors/{assessor.pk}/training/",
        {"topic": "standards", "completed_on": (TODAY() + timedelta(days=3)).isoformat(), "trainer": "Pat"},
    )
    assert response.status_code == 200
    assert "must not be in the future" in str(response.context["form"].errors["completed_on"])
    assert 'value="Pat"' in response.content.decode()


@pytest.fixture
def new_assessor_after_first_solo(rpa_a: RPA) -> Assessor:
    """A new assessor whose first solo assessment has been booked: pending a senior assessor's QA (ASR-2)."""
    new = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Nell New"), first_solo_qa_at=None)
    Membership.objects.create(user=new.user, role=Role.ASSESSOR, rpa=rpa_a)
    AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=new, is_first_solo=True)
    new.status = AssessorStatus.FIRST_SOLO_PENDING_QA
    new.save(update_fields=["status"])
    return new


def test_asr2_only_a_senior_assessor_of_the_rpa_records_the_first_solo_qa_then_active_again(
    new_assessor_after_first_solo: Assessor,
    admin: User,
    senior: Assessor,
    rpa_b: RPA,
    client_for: Callable[[User], Client],
) -> None:
    new = new_assessor_after_first_solo
    url = f"/assessors/{new.pk}/first-solo-qa/"
    senior_b = services.assessor_register(rpa=rpa_b, user=UserFactory(), acting_user=None, is_senior=True)
    assert as_client(client_for, admin).get(url).status_code == 403
    assert as_client(client_for, new).post(url, {"note": "Fine"}).status_code == 403
    assert as_client(client_for, senior_b).post(url, {"note": "Fine"}).status_code == 404
    client = as_client(client_for, senior)
    page = client.get(f"/assessors/{new.pk}/").content.decode()
    assert "Quality-assure the first solo assessment" in page and "Waiting for a senior assessor" in page

    refused = client.post(url, {"note": ""})
    assert refused.status_code == 200 and "note" in refused.context["form"].errors
    assert client.post(url, {"note": "Questions well focused; grid complete."}).status_code == 302

    new.refresh_from_db()
    assert new.status == AssessorStatus.ACTIVE
    assert new.first_solo_qa_by == senior.user and new.first_solo_qa_note == "Questions well focused; grid complete."
    again = client.post(url, {"note": "Twice"})
    assert again.status_code == 200 and "no first solo assessment waiting" in again.content.decode()


def test_asr2_a_senior_assessor_does_not_quality_assure_their_own_first_solo(
    senior: Assessor, client_for: Callable[[User], Client]
) -> None:
    Assessor.objects.filter(pk=senior.pk).update(status=AssessorStatus.FIRST_SOLO_PENDING_QA)
    assert (
        as_client(client_for, senior).post(f"/assessors/{senior.pk}/first-solo-qa/", {"note": "Me"}).status_code == 403
    )


# --- the assessor's own entries: CPD (ASR-3), conflicts (ASR-9), unavailable weeks -----------------


def test_asr3_cpd_with_valid_st1380_codes_recorded_by_the_assessor_themself(
    assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, assessor)
    form_page = client.get(f"/assessors/{assessor.pk}/cpd/new/").content.decode()
    assert "The codes of the assessor standard ST1380" in form_page
    assert "The principles of assessment to include validity" in form_page  # K4's wording

    response = client.post(
        f"/assessors/{assessor.pk}/cpd/new/",
        {
            "done_on": TODAY().isoformat(),
            "title": "Standardisation day",
            "hours": "3.5",
            "ksbs": "s4, K4 B2",
            "reflection": "Calibrated judgements on standard 3.",
        },
    )

    assert response.status_code == 302 and response.url == f"/assessors/{assessor.pk}/"
    cpd = CPDEntry.objects.get(assessor=assessor)
    assert (cpd.title, cpd.hours, cpd.ksbs) == ("Standardisation day", Decimal("3.5"), ["B2", "K4", "S4"])
    page = client.get(response.url).content.decode()
    assert "B2, K4, S4" in page and "3.5 hours in" in page


def test_asr3_unknown_codes_are_refused_with_the_codes_named_and_nothing_lost(
    assessor: Assessor, senior: Assessor, client_for: Callable[[User], Client]
) -> None:
    body = {"done_on": TODAY().isoformat(), "title": "Reading", "hours": "1", "ksbs": "K4, K99, X1"}
    assert as_client(client_for, senior).post(f"/assessors/{assessor.pk}/cpd/new/", body).status_code == 403

    response = as_client(client_for, assessor).post(f"/assessors/{assessor.pk}/cpd/new/", body)

    assert response.status_code == 200
    error = str(response.context["form"].errors["ksbs"])
    assert "K99" in error and "X1" in error and "K4" not in error.split(":")[-1]
    assert 'value="Reading"' in response.content.decode()
    assert not CPDEntry.objects.filter(assessor=assessor).exists()


def test_asr9_a_conflict_with_a_pop_or_a_school_is_declared_by_the_assessor_themself(
    assessor: Assessor, pop_a: PreparationProvider, pop_b: PreparationProvider, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, assessor)
    url = f"/assessors/{assessor.pk}/conflicts/new/"
    school = SchoolFactory(name="Oak Academy")
    assert list(client.get(url).context["form"].fields["pop"].queryset) == [pop_a]

    assert client.post(url, {"pop": pop_a.pk, "reason": "Tutored there in 2023"}).status_code == 302
    assert client.post(url, {"school_urn": school.urn, "reason": "Governor"}).status_code == 302

    assert set(Conflict.objects.filter(assessor=assessor).values_list("pop", "school")) == {
        (pop_a.pk, None),
        (None, school.pk),
    }
    page = client.get(f"/assessors/{assessor.pk}/").content.decode()
    assert "Tutored there in 2023" in page and "Oak Academy" in page


def test_asr9_a_conflict_names_one_known_school_or_one_pop_of_the_rpa(
    assessor: Assessor, pop_a: PreparationProvider, pop_b: PreparationProvider, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, assessor)
    url = f"/assessors/{assessor.pk}/conflicts/new/"
    school = SchoolFactory()

    both = client.post(url, {"pop": pop_a.pk, "school_urn": school.urn, "reason": "Both"})
    unknown = client.post(url, {"school_urn": 999_999_999, "reason": "Nowhere"})
    other_rpas_pop = client.post(url, {"pop": pop_b.pk, "reason": "Elsewhere"})

    assert "either a school or a Provider of Preparation" in both.content.decode()
    assert "No school has the URN 999999999" in str(unknown.context["form"].errors["school_urn"])
    assert "pop" in other_rpas_pop.context["form"].errors
    assert not Conflict.objects.exists()


def test_an_unavailable_week_from_any_day_and_removed_again(
    assessor: Assessor, senior: Assessor, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, assessor)
    wednesday = week_start(TODAY() + timedelta(weeks=3)) + timedelta(days=2)

    response = client.post(f"/assessors/{assessor.pk}/unavailability/new/", {"day": wednesday, "reason": "Holiday"})

    assert response.status_code == 302
    week = Unavailability.objects.get(assessor=assessor)
    assert week.week_start == wednesday - timedelta(days=2)
    assert "Holiday" in client.get(f"/assessors/{assessor.pk}/").content.decode()
    assert as_client(client_for, senior).post(f"/unavailability/{week.pk}/delete/").status_code == 403
    assert client.post(f"/unavailability/{week.pk}/delete/").status_code == 302
    assert not Unavailability.objects.filter(assessor=assessor).exists()


# --- reviews (ASR-7) and quality actions (ASR-8) ----------------------------------------------------


def ratings(**overrides: str) -> dict[str, str]:
    return {**dict.fromkeys(COMPETENCY_CRITERIA, "satisfactory"), **overrides}


def test_asr7_a_senior_assessor_reviews_the_assessor_is_notified_and_reads_the_feedback(
    assessor: Assessor, senior: Assessor, client_for: Callable[[User], Client]
) -> None:
    url = f"/assessors/{assessor.pk}/reviews/new/"
    assert as_client(client_for, assessor).get(url).status_code == 403
    client = as_client(client_for, senior)
    missing = client.post(url, {**ratings(), "conduct": "", "feedback": "Good"})
    assert missing.status_code == 200 and "conduct" in missing.context["form"].errors

    response = client.post(url, {**ratings(outcomes="strong"), "feedback": "Clear, evidenced judgements."})

    assert response.status_code == 302
    review = PerformanceReview.objects.get(assessor=assessor)
    assert (review.reviewer, review.outcomes) == (senior.user, "strong")
    assert Notification.objects.filter(user=assessor.user, subject="Your performance review").exists()
    own_page = as_client(client_for, assessor).get(f"/assessors/{assessor.pk}/").content.decode()
    assert "Clear, evidenced judgements." in own_page and "Outcomes, including overturns" in own_page


def test_asr8_quality_actions_are_hidden_from_the_assessor_themself(
    assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    action = QualityActionFactory(assessor=assessor, reason="Late paperwork twice")
    client = as_client(client_for, assessor)
    assert "Late paperwork twice" not in client.get(f"/assessors/{assessor.pk}/").content.decode()
    assert client.get(f"/quality-actions/{action.pk}/").status_code == 403
    assert client.get(f"/assessors/{assessor.pk}/quality-actions/new/").status_code == 403


def test_asr8_suspension_lists_the_bookings_to_reallocate_and_closing_with_reinstate_makes_active(
    admin: User, assessor: Assessor, senior: Assessor, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    booking = AssessmentFactory(candidate=ready_candidate(rpa=rpa_a, last_name="Booked"), assessor=assessor)
    client = as_client(client_for, admin)
    owners = list(client.get(f"/assessors/{assessor.pk}/quality-actions/new/").context["form"].fields["owner"].queryset)
    assert set(owners) == {admin, senior.user}

    response = client.post(
        f"/assessors/{assessor.pk}/quality-actions/new/",
        {"kind": "suspend", "reason": "Complaint from a school", "owner": senior.user.pk},
        follow=True,
    )

    assessor.refresh_from_db()
    assert assessor.status == AssessorStatus.SUSPENDED
    assert response.redirect_chain[-1][0] == f"/assessors/{assessor.pk}/"
    assert [b.pk for b in response.context["bookings"]] == [booking.pk]
    page = response.content.decode()
    assert "Bookings to reallocate (ASR-8)" in page and booking.candidate.full_name in page
    assert "Bookings to reallocate: 1." in page
    action = QualityAction.objects.get(assessor=assessor)
    assert action.owner == senior.user

    closing = client.get(f"/quality-actions/{action.pk}/close/")
    assert "reinstate" in closing.context["form"].fields
    client.post(f"/quality-actions/{action.pk}/close/", {"outcome": "Complaint not upheld", "reinstate": "on"})

    assessor.refresh_from_db()
    action.refresh_from_db()
    assert assessor.status == AssessorStatus.ACTIVE and action.closed_on == TODAY()
    assert "Complaint not upheld" in client.get(f"/quality-actions/{action.pk}/").content.decode()


def test_asr8_removal_by_a_senior_assessor_takes_the_assessor_off_the_register(
    assessor: Assessor, senior: Assessor, client_for: Callable[[User], Client]
) -> None:
    client = as_client(client_for, senior)
    response = client.post(
        f"/assessors/{assessor.pk}/quality-actions/new/", {"kind": "removal", "reason": "Repeated overturns"}
    )
    assessor.refresh_from_db()
    assert response.url == f"/assessors/{assessor.pk}/" and assessor.status == AssessorStatus.REMOVED
    action = QualityAction.objects.get(assessor=assessor)
    assert (action.kind, action.owner, action.opened_by) == (QualityActionKind.REMOVAL, senior.user, senior.user)
    assert "reinstate" not in client.get(f"/quality-actions/{action.pk}/close/").context["form"].fields
    # A senior assessor does not manage their own quality.
    assert client.get(f"/assessors/{senior.pk}/quality-actions/new/").status_code == 403


def test_a_discussion_opens_on_its_own_page(
    admin: User, assessor: Assessor, client_for: Callable[[User], Client]
) -> None:
    response = as_client(client_for, admin).post(
        f"/assessors/{assessor.pk}/quality-actions/new/",
        {"kind": "discussion", "reason": "Timing of interviews", "due_on": (TODAY() + timedelta(days=14)).isoformat()},
    )
    action = QualityAction.objects.get(assessor=assessor)
    assert response.url == f"/quality-actions/{action.pk}/"
    assessor.refresh_from_db()
    assert assessor.status == AssessorStatus.ACTIVE and action.due_on == TODAY() + timedelta(days=14)


def test_a_pop_users_and_candidates_have_no_register(
    make_member: Callable[..., User], pop_a: PreparationProvider, client_for: Callable[[User], Client]
) -> None:
    for user in (make_member(Role.POP_USER, pop=pop_a), make_member(Role.CANDIDATE)):
        assert client_for(user).get("/assessors/").status_code == 403
