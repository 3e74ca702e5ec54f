"""The candidates REST API at /api/v1/: what PoPs' own systems and the RPAs do through it, the refusals, tenant
isolation on its own routes, and the OpenAPI schema that documents it."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import services
from candidates.factories import (
    CandidateFactory,
    InvoiceFactory,
    PaymentFactory,
    PreparationCourseFactory,
    RegionalChargeFactory,
    pdf_with,
)
from candidates.models import (
    Candidate,
    CandidateStatus,
    ChangeReport,
    DisabilityDisclosure,
    EmployerDeclaration,
    Level2Evidence,
    PreparationCourse,
    RegionalCharge,
    Subject,
)
from candidates.selectors import candidate_is_ready_for_allocation
from hnap.factories import PreparationProviderFactory, SchoolFactory
from hnap.files import MAX_UPLOAD_BYTES
from hnap.models import RPA, NationalFee, PreparationProvider, School, User
from hnap.roles import Role
from tests.candidates.conftest import apply, qualification, upload

pytestmark = pytest.mark.django_db

API = "/api/v1"
Clients = Callable[[User], Client]


@pytest.fixture(autouse=True)
def private_media(settings: Any, tmp_path: Path) -> Path:
    """Each test stores its encrypted copies in its own folder, so 'nothing was stored' can be checked."""
    settings.MEDIA_ROOT = tmp_path / "private"
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path) -> list[Path]:
    return [path for path in root.rglob("*") if path.is_file()]


def post_json(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, body, content_type="application/json")


def application(course: PreparationCourse, school: School, **overrides: Any) -> dict[str, Any]:
    """A valid body for POST /api/v1/candidates/."""
    return {
        "first_name": "Robin",
        "last_name": "Ashworth",
        "email": "robin.ashworth@example.org",
        "phone": "07700 900456",
        "date_of_birth": "1988-03-02",
        "school_urn": school.urn,
        "job_title": "Teaching assistant",
        "age_range_from": 5,
        "age_range_to": 11,
        "funding_source": "school",
        "course": course.pk,
        **overrides,
    }


def evidence_form(subject: str, **overrides: Any) -> dict[str, Any]:
    """A valid multipart body for POST /api/v1/candidates/<pk>/level2-evidence/."""
    return {
        "subject": subject,
        "qualification": qualification(subject).pk,
        "grade": "C",
        "achieved_on": (timezone.localdate() - timedelta(days=4000)).isoformat(),
        "verified_by_name": "Pat Tutor",
        "original_seen_on": timezone.localdate().isoformat(),
        "copy_is_exact": "true",
        "file": SimpleUploadedFile(f"{subject}.pdf", pdf_with(f"{subject} certificate"), "application/pdf"),
        **overrides,
    }


# --- applying ---------------------------------------------------------------------------------------


def test_a_pop_user_applies_and_the_school_decides_the_rpa_region_1(
    pop_user: User, pop_a: PreparationProvider, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    """REGION-1: the RPA comes from the school's area; the PoP from the membership, never the body."""
    other_pop = PreparationProviderFactory(name="Somebody else")
    response = post_json(
        client_for(pop_user),
        f"{API}/candidates/",
        application(course_a, school_a, pop=other_pop.pk, rpa="hlta-north"),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    candidate = Candidate.objects.get(pk=body["id"])
    assert (candidate.rpa.slug, candidate.pop, candidate.created_by) == ("strictly-education-4s", pop_a, pop_user)
    assert body["rpa"] == "strictly-education-4s" and body["status"] == CandidateStatus.DRAFT
    assert body["next_action"] == "Complete and submit the application" and body["next_action_owner"] == "PoP"
    assert body["reference"].startswith("HLTA-") and body["is_paid"] is False
    assert [check["rule"] for check in body["checklist"]][:2] == ["REG-1", "REG-2"]
    assert [row["subject"] for row in body["level2"]] == ["english", "maths"]


def test_region_1_a_school_in_another_rpas_area_is_refused_on_the_course(
    pop_user: User, course_a: PreparationCourse, rpa_b: RPA, client_for: Clients
) -> None:
    """REGION-1: an RPA does not take registrations from another RPA's region."""
    northern = SchoolFactory(name="Fell Side Primary", rpa=rpa_b)
    response = post_json(client_for(pop_user), f"{API}/candidates/", application(course_a, northern))
    assert response.status_code == 400
    assert set(response.json()) == {"course"}
    assert "HLTA North" in response.json()["course"][0]
    assert not Candidate.objects.exists()


def test_an_unknown_urn_is_a_field_error(pop_user: User, course_a: PreparationCourse, client_for: Clients) -> None:
    response = post_json(
        client_for(pop_user), f"{API}/candidates/", {**application(course_a, School(urn=1)), "school_urn": 999999}
    )
    assert response.status_code == 400
    assert set(response.json()) == {"school_urn"}


def test_bad_input_answers_400_with_every_field_error(
    pop_user: User, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    client = client_for(pop_user)
    response = post_json(client, f"{API}/candidates/", {})
    assert response.status_code == 400
    assert set(response.json()) == {
        "first_name",
        "last_name",
        "email",
        "school_urn",
        "job_title",
        "age_range_from",
        "age_range_to",
        "funding_source",
        "course",
    }
    bad = application(course_a, school_a, email="not-an-email", funding_source="lottery", date_of_birth="yesterday")
    assert set(post_json(client, f"{API}/candidates/", bad).json()) == {"email", "funding_source", "date_of_birth"}
    # The service's rules answer the same way: REG-1 (ages), REG-2 (who funds).
    too_young = application(course_a, school_a, age_range_from=2, age_range_to=4)
    assert set(post_json(client, f"{API}/candidates/", too_young).json()) == {"nursery_exception_reason"}
    unnamed = application(course_a, school_a, funding_source="organisation")
    assert set(post_json(client, f"{API}/candidates/", unnamed).json()) == {"funder_name"}
    assert not Candidate.objects.exists()


def test_another_pops_course_answers_like_a_missing_one(
    pop_user: User, school_a: School, rpa_a: RPA, client_for: Clients
) -> None:
    theirs = PreparationCourseFactory(rpa=rpa_a)
    client = client_for(pop_user)
    other = post_json(client, f"{API}/candidates/", application(theirs, school_a)).json()
    missing = post_json(client, f"{API}/candidates/", {**application(theirs, school_a), "course": 2_000_000_000})
    assert set(other) == {"course"}
    assert other["course"][0].replace(str(theirs.pk), "<pk>") == missing.json()["course"][0].replace(
        "2000000000", "<pk>"
    )


def test_only_pop_users_apply_and_put_and_delete_are_not_offered(
    rpa_admin: User, pop_user: User, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    assert post_json(client_for(rpa_admin), f"{API}/candidates/", application(course_a, school_a)).status_code == 403
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    url = f"{API}/candidates/{candidate.pk}/"
    assert client.put(url, application(course_a, school_a), content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    assert Candidate.objects.filter(pk=candidate.pk).exists()


# --- correcting -------------------------------------------------------------------------------------


def test_a_pop_corrects_details_until_registration_then_reports_a_change_reg_7(
    pop_user: User, rpa_admin: User, registered_candidate: Callable[..., Candidate], client_for: Clients
) -> None:
    """REG-7: once registered, a PoP reports changes instead of editing; the RPA edits and resolves."""
    candidate = registered_candidate()
    pop, admin = client_for(pop_user), client_for(rpa_admin)
    url = f"{API}/candidates/{candidate.pk}/"
    assert pop.patch(url, {"job_title": "HLTA"}, content_type="application/json").status_code == 403
    response = admin.patch(url, {"job_title": "Senior teaching assistant"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["job_title"] == "Senior teaching assistant"

    reported = post_json(pop, f"{url}change-reports/", {"kind": "change", "description": "New phone number"})
    assert reported.status_code == 201, reported.content
    report = ChangeReport.objects.get(pk=reported.json()["id"])
    assert post_json(admin, f"{url}change-reports/", {"kind": "change", "description": "x"}).status_code == 403
    assert post_json(pop, f"{API}/change-reports/{report.pk}/resolve/", {"resolution": "x"}).status_code == 403
    resolved = post_json(admin, f"{API}/change-reports/{report.pk}/resolve/", {"resolution": "Phone updated"})
    assert resolved.status_code == 200 and resolved.json()["resolution"] == "Phone updated"
    again = post_json(admin, f"{API}/change-reports/{report.pk}/resolve/", {"resolution": "Again"})
    assert again.status_code == 400 and "non_field_errors" in again.json()


def test_patch_checks_the_rules_like_the_form(
    pop_user: User, course_a: PreparationCourse, school_a: School, rpa_b: RPA, client_for: Clients
) -> None:
    """REGION-1: moving a candidate to a school in another RPA's area is a transfer, not an edit."""
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    url = f"{API}/candidates/{candidate.pk}/"
    northern = SchoolFactory(rpa=rpa_b)
    response = client.patch(url, {"school_urn": northern.urn}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"course"}
    response = client.patch(url, {"age_range_from": 12, "age_range_to": 9}, content_type="application/json")
    assert response.status_code == 400 and set(response.json()) == {"age_range_to"}
    candidate.refresh_from_db()
    assert (candidate.school, candidate.age_range_from) == (school_a, 5)


# --- who sees what ----------------------------------------------------------------------------------


def test_a_pop_never_sees_another_pops_candidates(
    make_member: Callable[..., User],
    pop_user: User,
    rpa_a: RPA,
    course_a: PreparationCourse,
    school_a: School,
    client_for: Clients,
) -> None:
    ours = apply(pop_user, course_a, school_a, last_name="Ours")
    rival = PreparationProviderFactory(name="Rival PoP")
    rival.rpas.add(rpa_a)
    theirs = CandidateFactory(rpa=rpa_a, course=PreparationCourseFactory(rpa=rpa_a, pop=rival), last_name="Theirs")
    client = client_for(pop_user)
    listed = client.get(f"{API}/candidates/").json()
    assert [row["last_name"] for row in listed["results"]] == ["Ours"]
    assert client.get(f"{API}/candidates/{theirs.pk}/").status_code == 404
    assert post_json(client, f"{API}/candidates/{theirs.pk}/submit/", {}).status_code == 404
    rival_user = make_member(Role.POP_USER, pop=rival)
    assert client_for(rival_user).get(f"{API}/candidates/{ours.pk}/").status_code == 404


def test_rpa_b_admin_gets_404_on_rpa_a_candidate_and_its_evidence_download(
    make_member: Callable[..., User],
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    rpa_b: RPA,
    client_for: Clients,
) -> None:
    """S11-4: the copies are readable only by the PoP that uploaded them and the RPA that verifies them."""
    candidate = apply(pop_user, course_a, school_a)
    evidence = upload(candidate, pop_user, Subject.ENGLISH)
    admin_b = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_b))
    for url in (
        f"{API}/candidates/{candidate.pk}/",
        f"{API}/level2-evidence/{evidence.pk}/",
        f"{API}/level2-evidence/{evidence.pk}/download/",
    ):
        assert admin_b.get(url).status_code == 404, url
    missing = admin_b.get(f"{API}/level2-evidence/2000000000/download/")
    assert admin_b.get(f"{API}/level2-evidence/{evidence.pk}/download/").content == missing.content
    asking_for_pdf = admin_b.get(f"{API}/level2-evidence/{evidence.pk}/download/", HTTP_ACCEPT="application/pdf")
    assert asking_for_pdf.status_code == 404 and asking_for_pdf["Content-Type"] == "application/json"
    decide = post_json(admin_b, f"{API}/level2-evidence/{evidence.pk}/decide/", {"accept": True})
    assert decide.status_code == 404
    assert admin_b.get(f"{API}/level2-evidence/").json()["results"] == []


def test_the_download_is_the_decrypted_copy_as_a_private_attachment(
    pop_user: User, rpa_admin: User, make_member: Callable[..., User], course_a: PreparationCourse, school_a: School,
    client_for: Clients,
) -> None:  # fmt: skip
    """S11-4: never a public URL; only through the access chokepoint; not kept by caches."""
    candidate = apply(pop_user, course_a, school_a)
    evidence = upload(candidate, pop_user, Subject.MATHS)
    for user, accept in ((pop_user, "application/pdf"), (rpa_admin, "*/*")):
        response = client_for(user).get(f"{API}/level2-evidence/{evidence.pk}/download/", HTTP_ACCEPT=accept)
        assert response.status_code == 200
        assert response.content == pdf_with("maths certificate")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="maths.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
    metadata = client_for(rpa_admin).get(f"{API}/level2-evidence/{evidence.pk}/").json()
    assert metadata["file_name"] == "maths.pdf" and "certificate" not in str(metadata.values())
    senior = make_member(Role.SENIOR_ASSESSOR)
    assert client_for(senior).get(f"{API}/level2-evidence/{evidence.pk}/download/").status_code == 403


def test_reg_8_the_disclosure_is_never_shown_to_the_pop(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    """REG-8: invited, never required; special-category data that only those who need it see."""
    response = post_json(
        client_for(pop_user),
        f"{API}/candidates/",
        application(course_a, school_a, disability_disclosure="Dyslexia", adjustments_requested="Extra reading time"),
    )
    assert response.status_code == 201
    assert "disclosure" not in response.json() and "Dyslexia" not in response.content.decode()
    candidate = Candidate.objects.get(pk=response.json()["id"])
    assert DisabilityDisclosure.objects.get(candidate=candidate).disclosure == "Dyslexia"

    as_pop = client_for(pop_user).get(f"{API}/candidates/{candidate.pk}/")
    assert as_pop.status_code == 200
    assert "disclosure" not in as_pop.json() and "Dyslexia" not in as_pop.content.decode()
    as_rpa = client_for(rpa_admin).get(f"{API}/candidates/{candidate.pk}/").json()
    assert as_rpa["disclosure"]["disclosure"] == "Dyslexia"
    assert as_rpa["disclosure"]["adjustments_requested"] == "Extra reading time"
    # Without a disclosure there is nothing to show, to anyone.
    other = apply(pop_user, course_a, school_a, email="other@example.org")
    assert "disclosure" not in client_for(rpa_admin).get(f"{API}/candidates/{other.pk}/").json()


def test_roles_the_action_is_not_for_get_403(
    pop_user: User,
    rpa_admin: User,
    make_member: Callable[..., User],
    course_a: PreparationCourse,
    school_a: School,
    client_for: Clients,
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    services.candidate_submit(candidate=candidate, acting_user=pop_user)
    pop, admin = client_for(pop_user), client_for(rpa_admin)
    senior = client_for(make_member(Role.SENIOR_ASSESSOR))
    url = f"{API}/candidates/{candidate.pk}"
    assert post_json(admin, f"{url}/submit/", {}).status_code == 403  # the PoP submits
    assert post_json(pop, f"{url}/readiness/", {"ready": True}).status_code == 403  # the RPA decides (REG-4)
    assert post_json(pop, f"{url}/register/", {}).status_code == 403
    assert post_json(pop, f"{url}/invoice/", {"payer": "school", "payer_name": "Meadow"}).status_code == 403
    assert post_json(senior, f"{url}/withdraw/", {"reason": "x"}).status_code == 403
    assert senior.get(f"{url}/").status_code == 200  # the senior assessor reads
    assert senior.patch(f"{url}/", {"job_title": "x"}, content_type="application/json").status_code == 403
    evidence = upload(candidate, pop_user, Subject.ENGLISH)
    assert post_json(pop, f"{API}/level2-evidence/{evidence.pk}/decide/", {"accept": True}).status_code == 403
    candidate.refresh_from_db()
    assert candidate.readiness == "pending" and candidate.registered_at is None and candidate.withdrawn_at is None


# --- the list -----------------------------------------------------------------------------------------


def test_list_filters_mirror_the_list_page(
    pop_user: User, rpa_admin: User, pop_a: PreparationProvider, rpa_a: RPA, school_a: School, client_for: Clients
) -> None:
    """REG-6 (late), PAY-1 (unpaid), the state, the course, the school, a search and the order."""
    today = timezone.localdate()
    past = PreparationCourseFactory(
        rpa=rpa_a,
        pop=pop_a,
        name="Spring cohort",
        first_session=today - timedelta(days=40),
        second_session=today - timedelta(days=20),
        final_session=today + timedelta(days=5),
    )
    future = PreparationCourseFactory(rpa=rpa_a, pop=pop_a, name="Summer cohort")
    CandidateFactory(rpa=rpa_a, course=past, last_name="Late", school=school_a)
    paid = CandidateFactory(rpa=rpa_a, course=future, last_name="Paid")
    registered = CandidateFactory(rpa=rpa_a, course=future, last_name="Booked", status=CandidateStatus.REGISTERED)
    PaymentFactory(invoice=InvoiceFactory(candidate=paid))
    client = client_for(rpa_admin)

    def names(query: str) -> list[str]:
        response = client.get(f"{API}/candidates/?{query}")
        assert response.status_code == 200, response.content
        return [row["last_name"] for row in response.json()["results"]]

    assert names("") == ["Booked", "Late", "Paid"]
    assert names("ordering=-name") == ["Paid", "Late", "Booked"]
    assert names("late=true") == ["Late"]
    assert names("unpaid=true") == ["Booked", "Late"]
    assert names(f"status={CandidateStatus.REGISTERED}") == ["Booked"]
    assert names(f"course={future.pk}") == ["Booked", "Paid"]
    assert names(f"school_urn={school_a.urn}") == ["Late"]
    assert names(f"pop={pop_a.pk}&q=lat") == ["Late"]
    assert names(f"q={registered.reference}") == ["Booked"]
    rows = {row["last_name"]: row for row in client.get(f"{API}/candidates/").json()["results"]}
    assert rows["Late"]["late"] is True and rows["Paid"]["is_paid"] is True and rows["Booked"]["is_paid"] is False
    bad = client.get(f"{API}/candidates/?status=asleep&late=perhaps&ordering=shoe-size")
    assert bad.status_code == 400 and set(bad.json()) == {"status", "late", "ordering"}


def test_the_list_uses_a_constant_number_of_queries(
    rpa_admin: User, rpa_a: RPA, rpa_b: RPA, course_a: PreparationCourse, client_for: Clients
) -> None:
    client = client_for(rpa_admin)
    url = f"{API}/candidates/?unpaid=true&ordering=school"
    CandidateFactory.create_batch(5, rpa=rpa_a, course=course_a)
    CandidateFactory.create_batch(3, rpa=rpa_b)
    client.get(url)  # warm the per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        return len(queries)

    few = count()
    CandidateFactory.create_batch(50, rpa=rpa_a, course=course_a)
    for candidate in CandidateFactory.create_batch(5, rpa=rpa_a, course=course_a):
        PaymentFactory(invoice=InvoiceFactory(candidate=candidate), amount_pence=100)
    many = count()
    assert client.get(url).json()["count"] == 60
    assert few == many, f"{few} queries for 5 candidates but {many} for 60"


# --- the whole path -----------------------------------------------------------------------------------


def test_the_whole_path_through_the_api_ends_ready_for_allocation(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    """REG-1..REG-5, S11-1, S11-2, REG-4: apply, submit, declaration, both Level 2 subjects, decisions,
    readiness, registration; the allocation gate then lets the candidate through."""
    pop, admin = client_for(pop_user), client_for(rpa_admin)
    created = post_json(pop, f"{API}/candidates/", application(course_a, school_a))
    assert created.status_code == 201, created.content
    url = f"{API}/candidates/{created.json()['id']}"

    submitted = post_json(pop, f"{url}/submit/", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == CandidateStatus.AWAITING_EMPLOYER

    requested = post_json(pop, f"{url}/declaration/", {"sent_to_name": "Jo Head", "sent_to_email": "head@x.org"})
    assert requested.status_code == 201, requested.content
    assert requested.json()["sent_to_name"] == "Jo Head" and "nonce" not in requested.json()
    declaration = EmployerDeclaration.objects.get(candidate_id=created.json()["id"])
    services.declaration_complete(
        declaration=declaration,
        declarer_name="Jo Head",
        declarer_role="Headteacher",
        suitable=True,
        whole_class_twice=True,
        level2_evidence_seen=True,
        opportunities_all_standards=True,
    )
    premature = post_json(admin, f"{url}/register/", {})
    assert premature.status_code == 400
    assert any("Level 2" in message for message in premature.json()["non_field_errors"])

    evidence_urls = []
    for subject in Subject.values:
        uploaded = pop.post(f"{url}/level2-evidence/", evidence_form(subject))
        assert uploaded.status_code == 201, uploaded.content
        assert uploaded.json()["state"] == "submitted" and uploaded.json()["file_name"] == f"{subject}.pdf"
        evidence_urls.append(uploaded.json()["url"])
    assert client_for(pop_user).get(f"{url}/").json()["status"] == CandidateStatus.AWAITING_VERIFICATION

    for evidence_url in evidence_urls:
        decided = post_json(admin, f"{evidence_url}decide/", {"accept": True})
        assert decided.status_code == 200 and decided.json()["state"] == "accepted"
    ready = post_json(admin, f"{url}/readiness/", {"ready": True, "note": "Well prepared"})
    assert ready.status_code == 200 and ready.json()["status"] == CandidateStatus.READY_TO_REGISTER
    registered = post_json(admin, f"{url}/register/", {})
    assert registered.status_code == 200, registered.content
    body = registered.json()
    assert body["status"] == CandidateStatus.REGISTERED and body["next_action"] == "Allocate an assessor"
    assert all(check["ok"] for check in body["checklist"])
    assert [row["evidence"]["state"] for row in body["level2"]] == ["accepted", "accepted"]
    assert candidate_is_ready_for_allocation(candidate=Candidate.objects.get(pk=body["id"]))


def test_a_rejection_says_what_is_missing_s11_3(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    evidence = upload(candidate, pop_user, Subject.ENGLISH)
    client = client_for(rpa_admin)
    refused = post_json(client, f"{API}/level2-evidence/{evidence.pk}/decide/", {"accept": False})
    assert refused.status_code == 400 and set(refused.json()) == {"note"}
    rejected = post_json(
        client, f"{API}/level2-evidence/{evidence.pk}/decide/", {"accept": False, "note": "Grade D, not C"}
    )
    assert rejected.status_code == 200 and rejected.json()["state"] == "rejected"
    candidate.refresh_from_db()
    assert "Grade D, not C" in candidate.level2_outcome_note


# --- uploads refused ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("certificate.pdf", b"MZ\x90\x00 a program, not a PDF", "must be a PDF, JPEG or PNG"),
        ("certificate.png", pdf_with("a PDF named as a PNG"), "its name must end in .pdf"),
        ("..%2F..%2Fetc%2Fcertificate.pdf", pdf_with("encoded traversal"), "folder path"),
        ("C:certificate.pdf", pdf_with("a Windows drive path"), "folder path"),
        ("certificate.pdf.exe", pdf_with("a program's extension"), "program's extension"),
    ],
)
def test_a_refused_upload_says_why_and_stores_nothing(
    name: str,
    content: bytes,
    reason: str,
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    private_media: Path,
    client_for: Clients,
) -> None:
    """S11-4: checked by content, size and name before anything is stored."""
    candidate = apply(pop_user, course_a, school_a)
    form = evidence_form(Subject.ENGLISH, file=SimpleUploadedFile(name, content, "application/pdf"))
    response = client_for(pop_user).post(f"{API}/candidates/{candidate.pk}/level2-evidence/", form)
    assert response.status_code == 400, response.content
    assert set(response.json()) == {"file"} and reason in response.json()["file"][0]
    assert not Level2Evidence.objects.exists() and stored_files(private_media) == []


def raw_upload(client: Client, url: str, fields: dict[str, Any], filename: str, content: bytes) -> Any:
    """POST a multipart body by hand, so the file name reaches the server exactly as written."""
    boundary = "hnap-api-test-boundary"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
        if name != "file"
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
    )
    data = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return client.post(url, data=data, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_path_traversal_name_never_reaches_the_disk(
    pop_user: User, course_a: PreparationCourse, school_a: School, private_media: Path, client_for: Clients
) -> None:
    """S11-4: Django's parser keeps only the last part of a literal '../../etc/x' name before any of our code sees
    it: a system file under such a name is refused by its content, and a real copy is stored under a random name
    in the private folder, whatever it was called."""
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    url = f"{API}/candidates/{candidate.pk}/level2-evidence/"
    fields = {**evidence_form(Subject.ENGLISH), "qualification": qualification(Subject.ENGLISH).pk}
    passwd = b"root:x:0:0:root:/root:/bin/bash\n"
    refused = raw_upload(client, url, fields, "../../etc/passwd.pdf", passwd)
    assert refused.status_code == 400 and "must be a PDF, JPEG or PNG" in refused.json()["file"][0]
    assert not Level2Evidence.objects.exists() and stored_files(private_media) == []

    stored = raw_upload(client, url, fields, "../../etc/certificate.pdf", pdf_with("a real copy"))
    assert stored.status_code == 201, stored.content
    evidence = Level2Evidence.objects.get()
    assert evidence.file_name == "certificate.pdf" and evidence.file_path.startswith(f"level2/{candidate.rpa_id}/")
    assert stored_files(private_media) == [private_media / evidence.file_path]
    assert not (private_media.parent / "etc").exists()


def test_an_oversized_upload_is_refused_before_it_is_read(
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    private_media: Path,
    client_for: Clients,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def must_not_read(**kwargs: Any) -> None:
        raise AssertionError("an oversized upload was read")

    monkeypatch.setattr("candidates.api.views.upload_check", must_not_read)
    candidate = apply(pop_user, course_a, school_a)
    huge = pdf_with("big") + b"0" * MAX_UPLOAD_BYTES
    form = evidence_form(Subject.MATHS, file=SimpleUploadedFile("big.pdf", huge, "application/pdf"))
    response = client_for(pop_user).post(f"{API}/candidates/{candidate.pk}/level2-evidence/", form)
    assert response.status_code == 400
    assert "smaller than 10 MB" in response.json()["file"][0]
    assert not Level2Evidence.objects.exists() and stored_files(private_media) == []


def test_a_verification_missing_a_field_stores_nothing(
    pop_user: User, course_a: PreparationCourse, school_a: School, private_media: Path, client_for: Clients
) -> None:
    """S11-1: the copy must be confirmed an exact replica of the original seen."""
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    url = f"{API}/candidates/{candidate.pk}/level2-evidence/"
    unconfirmed = client.post(url, evidence_form(Subject.ENGLISH, copy_is_exact="false"))
    assert unconfirmed.status_code == 400 and set(unconfirmed.json()) == {"copy_is_exact"}
    wrong_subject = client.post(url, evidence_form(Subject.ENGLISH, qualification=qualification(Subject.MATHS).pk))
    assert wrong_subject.status_code == 400 and set(wrong_subject.json()) == {"qualification"}
    as_json = post_json(client, url, {"subject": "english"})
    assert as_json.status_code == 415
    assert not Level2Evidence.objects.exists() and stored_files(private_media) == []


# --- cohort import ------------------------------------------------------------------------------------

HEADER = "first_name,last_name,email,school_urn,job_title,age_range_from,age_range_to,funding_source\n"


def test_import_is_all_or_nothing(
    pop_user: User, course_a: PreparationCourse, school_a: School, rpa_b: RPA, client_for: Clients
) -> None:
    northern = SchoolFactory(rpa=rpa_b)
    client = client_for(pop_user)
    bad = (
        HEADER
        + f"Ada,One,ada@example.org,{school_a.urn},Teaching assistant,5,11,school\n"
        + "Ben,Two,ben@example.org,123,Teaching assistant,5,11,school\n"
        + f"Cy,Three,cy@example.org,{northern.urn},Teaching assistant,5,11,school\n"
    )
    refused = post_json(client, f"{API}/candidates/import/", {"course": course_a.pk, "csv": bad})
    assert refused.status_code == 400
    rows = refused.json()["rows"]
    assert [row["row"] for row in rows] == [3, 4]
    assert "no school has URN 123" in rows[0]["error"] and "HLTA North" in rows[1]["error"]
    assert not Candidate.objects.exists()

    good = HEADER + "".join(
        f"{first},{last},{first.lower()}@example.org,{school_a.urn},Teaching assistant,5,11,school\n"
        for first, last in [("Ada", "One"), ("Ben", "Two")]
    )
    imported = post_json(client, f"{API}/candidates/import/", {"course": course_a.pk, "csv": good})
    assert imported.status_code == 201, imported.content
    assert imported.json()["created"] == 2
    assert sorted(imported.json()["references"]) == sorted(Candidate.objects.values_list("reference", flat=True))


def test_import_is_for_pop_users_and_their_own_courses(
    pop_user: User, rpa_admin: User, rpa_a: RPA, course_a: PreparationCourse, school_a: School, client_for: Clients
) -> None:
    csv_text = HEADER + f"Ada,One,ada@example.org,{school_a.urn},Teaching assistant,5,11,school\n"
    body = {"course": course_a.pk, "csv": csv_text}
    assert post_json(client_for(rpa_admin), f"{API}/candidates/import/", body).status_code == 403
    theirs = PreparationCourseFactory(rpa=rpa_a)
    response = post_json(client_for(pop_user), f"{API}/candidates/import/", {**body, "course": theirs.pk})
    assert response.status_code == 400 and set(response.json()) == {"course"}
    assert not Candidate.objects.exists()


# --- fees and payment -----------------------------------------------------------------------------------


def test_invoice_and_payment_make_the_candidate_paid_pay_1_pay_2(
    rpa_admin: User,
    pop_user: User,
    rpa_a: RPA,
    registered_candidate: Callable[..., Candidate],
    national_fee: NationalFee,
    client_for: Clients,
) -> None:
    """PAY-2: the fee line is the national fee in force, whatever the body says; regional charges are named lines.
    PAY-1: the candidate counts as paid once the fee is received."""
    candidate = registered_candidate()
    charge = RegionalChargeFactory(rpa=rpa_a, name="Venue hire", amount_pence=2500)
    admin = client_for(rpa_admin)
    issued = post_json(
        admin,
        f"{API}/candidates/{candidate.pk}/invoice/",
        {"payer": "school", "payer_name": "Meadow Primary", "regional_charges": [charge.pk], "amount_pence": 1},
    )
    assert issued.status_code == 201, issued.content
    invoice = issued.json()
    assert [(line["kind"], line["amount_pence"]) for line in invoice["lines"]] == [
        ("assessment_fee", national_fee.amount_pence),
        ("regional_charge", 2500),
    ]
    assert invoice["paid"] is False and invoice["total_pence"] == national_fee.amount_pence + 2500
    assert client_for(pop_user).get(f"{API}/candidates/{candidate.pk}/").json()["is_paid"] is False

    payment = {"amount_pence": national_fee.amount_pence, "received_on": timezone.localdate().isoformat()}
    assert post_json(client_for(pop_user), f"{API}/invoices/{invoice['id']}/payments/", payment).status_code == 403
    future = {**payment, "received_on": (timezone.localdate() + timedelta(days=3)).isoformat()}
    assert set(post_json(admin, f"{API}/invoices/{invoice['id']}/payments/", future).json()) == {"received_on"}
    paid = post_json(admin, f"{API}/invoices/{invoice['id']}/payments/", {**payment, "reference": "BACS 1234"})
    assert paid.status_code == 201, paid.content
    assert paid.json()["received_pence"] == national_fee.amount_pence and paid.json()["payments"][0]["reference"]
    detail = admin.get(f"{API}/candidates/{candidate.pk}/").json()
    assert detail["is_paid"] is True and detail["paid_pence"] == detail["fee_due_pence"] == national_fee.amount_pence
    # The PoP reads its candidate's invoice, never writes one.
    assert client_for(pop_user).get(f"{API}/invoices/{invoice['id']}/").status_code == 200
    twice = post_json(admin, f"{API}/candidates/{candidate.pk}/invoice/", {"payer": "school", "payer_name": "M"})
    assert twice.status_code == 400 and "non_field_errors" in twice.json()


def test_regional_charges_are_the_rpas_own_and_never_the_assessment_fee_pay_2(
    rpa_admin: User, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Clients
) -> None:
    admin = client_for(rpa_admin)
    created = post_json(
        admin, f"{API}/regional-charges/?rpa={rpa_b.slug}", {"name": "Venue hire", "amount_pence": 2500, "rpa": 2}
    )
    assert created.status_code == 201, created.content
    charge_pk = created.json()["id"]
    assert RegionalCharge.objects.get(pk=charge_pk).rpa == rpa_a  # from the membership, not the body or the URL
    fee = post_json(admin, f"{API}/regional-charges/", {"name": "Assessment fee top-up", "amount_pence": 100})
    assert fee.status_code == 400 and set(fee.json()) == {"name"}
    changed = admin.patch(
        f"{API}/regional-charges/{charge_pk}/", {"amount_pence": 3000}, content_type="application/json"
    )
    assert changed.status_code == 200 and changed.json()["amount_pence"] == 3000
    assert changed.json()["name"] == "Venue hire"
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get(f"{API}/regional-charges/{charge_pk}/").status_code == 200
    assert post_json(senior, f"{API}/regional-charges/", {"name": "x", "amount_pence": 1}).status_code == 403


# --- courses and reference data -----------------------------------------------------------------------


def test_a_pop_adds_a_course_for_one_of_its_rpas(
    pop_user: User, pop_a: PreparationProvider, rpa_a: RPA, rpa_b: RPA, client_for: Clients, rpa_admin: User
) -> None:
    client = client_for(pop_user)
    start = timezone.localdate() + timedelta(days=30)
    body = {
        "name": "Winter cohort",
        "registers_with": rpa_a.slug,
        "first_session": start.isoformat(),
        "second_session": (start + timedelta(days=14)).isoformat(),
        "final_session": (start + timedelta(days=42)).isoformat(),
    }
    created = post_json(client, f"{API}/courses/", body)
    assert created.status_code == 201, created.content
    course = PreparationCourse.objects.get(pk=created.json()["id"])
    assert (course.pop, course.rpa, created.json()["registers_with"]) == (pop_a, rpa_a, rpa_a.slug)
    not_ours = post_json(client, f"{API}/courses/", {**body, "registers_with": rpa_b.slug})
    assert not_ours.status_code == 400 and set(not_ours.json()) == {"registers_with"}
    disordered = post_json(
        client, f"{API}/courses/", {**body, "second_session": (start - timedelta(days=1)).isoformat()}
    )
    assert disordered.status_code == 400 and set(disordered.json()) == {"second_session"}

    url = f"{API}/courses/{course.pk}/"
    renamed = client.patch(url, {"name": "Winter cohort A"}, content_type="application/json")
    assert renamed.status_code == 200 and renamed.json()["name"] == "Winter cohort A"
    moved = client.patch(url, {"registers_with": rpa_b.slug}, content_type="application/json")
    assert moved.status_code == 400 and set(moved.json()) == {"registers_with"}
    admin = client_for(rpa_admin)
    assert admin.get(url).json()["name"] == "Winter cohort A"  # the RPA reads its candidates' courses
    assert admin.patch(url, {"name": "x"}, content_type="application/json").status_code == 403
    assert post_json(admin, f"{API}/courses/", body).status_code == 403


def test_the_accepted_level2_list_is_open_to_every_signed_in_user_s11_5(
    make_member: Callable[..., User], client_for: Clients
) -> None:
    client = client_for(make_member(Role.ASSESSOR))
    response = client.get(f"{API}/level2-qualifications/?subject=maths")
    assert response.status_code == 200
    assert response.json()["count"] > 0 and {row["subject"] for row in response.json()["results"]} == {"maths"}
    assert Client().get(f"{API}/level2-qualifications/").status_code in (401, 403)


def test_the_openapi_schema_documents_the_candidates_api_without_warnings() -> None:
    """Every endpoint is in the schema, with its multipart upload and CSV import bodies; no warning is raised."""
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    schema = json.loads(out.getvalue())
    paths = schema["paths"]
    for path in (
        "/api/v1/candidates/",
        "/api/v1/candidates/{id}/",
        "/api/v1/candidates/import/",
        "/api/v1/candidates/{id}/level2-evidence/",
        "/api/v1/level2-evidence/{id}/download/",
        "/api/v1/level2-evidence/{id}/decide/",
        "/api/v1/courses/",
        "/api/v1/change-reports/{id}/resolve/",
        "/api/v1/invoices/{id}/payments/",
        "/api/v1/regional-charges/",
        "/api/v1/level2-qualifications/",
    ):
        assert path in paths, path
    assert "put" not in paths["/api/v1/candidates/{id}/"] and "delete" not in paths["/api/v1/candidates/{id}/"]
    upload_body = paths["/api/v1/candidates/{id}/level2-evidence/"]["post"]["requestBody"]["content"]
    assert list(upload_body) == ["multipart/form-data"]
    assert "400" in paths["/api/v1/candidates/import/"]["post"]["responses"]
    assert "application/pdf" in paths["/api/v1/level2-evidence/{id}/download/"]["get"]["responses"]["200"]["content"]
    detail = schema["components"]["schemas"]["CandidateDetail"]
    assert "disclosure" in detail["properties"] and "disclosure" not in detail["required"]
