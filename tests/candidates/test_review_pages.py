"""The review side's pages: the candidate list and its CSV, a candidate's page, the RPA's decisions, the Level 2
evidence download, change reports, disability disclosures, invoices, payments and regional charges."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
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
    ChangeKind,
    EvidenceState,
    LineKind,
    PreparationCourse,
    ReadinessDecision,
    RegionalCharge,
    Subject,
)
from hnap.factories import PreparationProviderFactory, SchoolFactory
from hnap.models import RPA, NationalFee, Notification, PreparationProvider, School, User
from hnap.roles import Role
from tests.candidates.conftest import apply, declare, qualification, upload

pytestmark = pytest.mark.django_db


def names(response: Any) -> list[str]:
    """The last names of the candidates listed on the page, in order."""
    return [c.last_name for c in response.context["object_list"]]


def submitted(pop_user: User, course: PreparationCourse, school: School, **overrides: Any) -> Candidate:
    candidate = apply(pop_user, course, school, **overrides)
    return services.candidate_submit(candidate=candidate, acting_user=pop_user)


def ready_to_register(pop_user: User, rpa_admin: User, candidate: Candidate) -> Candidate:
    """Employer declaration, both subjects accepted, readiness approved."""
    declare(candidate, pop_user)
    for subject in Subject.values:
        services.evidence_decide(evidence=upload(candidate, pop_user, subject), acting_user=rpa_admin, accept=True)
    return services.readiness_decide(candidate=candidate, acting_user=rpa_admin, ready=True)


@pytest.fixture
def late_course(rpa_a: RPA, pop_a: PreparationProvider) -> PreparationCourse:
    """A course whose second session has passed: registering now is late (REG-6)."""
    today = timezone.localdate()
    return PreparationCourseFactory(
        rpa=rpa_a,
        pop=pop_a,
        name="Spring cohort",
        first_session=today - timedelta(days=30),
        second_session=today - timedelta(days=10),
        final_session=today + timedelta(days=30),
    )


@pytest.fixture
def senior_assessor(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a)


# --- the list ----------------------------------------------------------------------------------------


@pytest.fixture
def listed(
    pop_user: User,
    rpa_admin: User,
    course_a: PreparationCourse,
    late_course: PreparationCourse,
    school_a: School,
    rpa_a: RPA,
    registered_candidate: Callable[..., Candidate],
) -> dict[str, Candidate]:
    """A mix of candidates: a draft, a registered and paid one, a registered unpaid one, a late one, and one
    of another PoP at another school."""
    other_pop = PreparationProviderFactory(name="Other PoP")
    other_pop.rpas.add(rpa_a)
    other_course = PreparationCourseFactory(rpa=rpa_a, pop=other_pop, name="Other course")
    other_school = SchoolFactory(name="Hilltop Academy", urn=654321, rpa=rpa_a)
    paid = registered_candidate(first_name="Pat", last_name="Paid", email="pat.paid@example.org")
    PaymentFactory(invoice=InvoiceFactory(candidate=paid))
    return {
        "draft": apply(pop_user, course_a, school_a, first_name="Dee", last_name="Draft", email="dee@example.org"),
        "paid": paid,
        "unpaid": registered_candidate(first_name="Una", last_name="Unpaid", email="una@example.org"),
        "late": submitted(pop_user, late_course, school_a, first_name="Lee", last_name="Late", email="lee@x.org"),
        "other": CandidateFactory(
            rpa=rpa_a, pop=other_pop, course=other_course, school=other_school, last_name="Elsewhere"
        ),
    }


def test_the_list_shows_each_candidates_state_next_action_late_and_paid(
    listed: dict[str, Candidate], rpa_admin: User, client_for: Callable[[User], Client]
) -> None:
    """REG-6, PAY-1: the administrator's list shows status, next action and who owns it, late and paid."""
    response = client_for(rpa_admin).get("/candidates/")
    assert response.status_code == 200
    assert names(response) == ["Draft", "Elsewhere", "Late", "Paid", "Unpaid"]
    body = response.content.decode()
    assert f'href="/candidates/{listed["late"].pk}/"' in body and listed["late"].reference in body
    assert "Allocate an assessor" in body and "Who: RPA" in body  # next action and its owner
    assert "Complete and submit the application" in body and "Who: PoP" in body
    assert "Hilltop Academy" in body and "Other PoP" in body and "Other course" in body
    rows = {c.last_name: c for c in response.context["object_list"]}
    assert rows["Late"].is_late and not rows["Draft"].is_late
    assert rows["Paid"].is_paid and not rows["Unpaid"].is_paid
    counts = {value: n for value, _, n in response.context["status_counts"]}
    assert counts == {"draft": 2, "registered": 2, "awaiting_employer": 1}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=registered", ["Paid", "Unpaid"]),
        ("status=draft", ["Draft", "Elsewhere"]),
        ("school=hilltop", ["Elsewhere"]),
        ("school=654321", ["Elsewhere"]),
        ("late=on", ["Late"]),  # REG-6
        ("unpaid=on&status=registered", ["Unpaid"]),  # PAY-1
        ("q=una@example", ["Unpaid"]),
        ("q=lee late", ["Late"]),
    ],
)
def test_each_list_filter_narrows_the_candidates(
    query: str,
    expected: list[str],
    listed: dict[str, Candidate],
    rpa_admin: User,
    client_for: Callable[[User], Client],
) -> None:
    """Status, school (name or URN), late (REG-6), unpaid (PAY-1) and name/reference/email filters."""
    response = client_for(rpa_admin).get(f"/candidates/?{query}")
    assert response.status_code == 200
    assert names(response) == expected


def test_pop_course_and_reference_filters(
    listed: dict[str, Candidate], rpa_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(rpa_admin)
    other = listed["other"]
    assert names(client.get(f"/candidates/?pop={other.pop_id}")) == ["Elsewhere"]
    assert names(client.get(f"/candidates/?course={listed['late'].course_id}")) == ["Late"]
    assert names(client.get(f"/candidates/?q={listed['paid'].reference}")) == ["Paid"]


def test_pop_and_course_choices_are_restricted(
    listed: dict[str, Candidate],
    pop_user: User,
    rpa_b: RPA,
    pop_b: PreparationProvider,
    client_for: Callable[[User], Client],
) -> None:
    """A PoP user sees and filters only their own PoP's candidates and courses; another PoP's course is refused."""
    PreparationCourseFactory(rpa=rpa_b, pop=pop_b, name="Course of PoP B")
    client = client_for(pop_user)
    response = client.get("/candidates/")
    assert names(response) == ["Draft", "Late", "Paid", "Unpaid"]
    body = response.content.decode()
    assert "Other PoP" not in body and "Other course" not in body and "Course of PoP B" not in body
    refused = client.get(f"/candidates/?course={listed['other'].course_id}")
    assert "Select a valid choice" in refused.content.decode()


def test_sorting_keeps_the_filters_and_marks_the_sorted_column(
    listed: dict[str, Candidate], rpa_admin: User, client_for: Callable[[User], Client]
) -> None:
    client = client_for(rpa_admin)
    assert names(client.get("/candidates/?sort=-name")) == ["Unpaid", "Paid", "Late", "Elsewhere", "Draft"]
    response = client.get("/candidates/?status=registered&sort=-name")
    assert names(response) == ["Unpaid", "Paid"]
    headers = {h["label"]: h for h in response.context["sort_headers"]}
    assert headers["Name"]["aria_sort"] == "descending"
    assert headers["School"]["aria_sort"] == "none"
    assert "status=registered" in headers["School"]["url"] and "sort=school" in headers["School"]["url"]
    assert 'aria-sort="descending"' in response.content.decode()
    # Name toggles: sorted descending, its link sorts ascending.
    assert "sort=name" in headers["Name"]["url"]
    assert names(client.get("/candidates/?sort=school")) == ["Elsewhere", "Draft", "Late", "Paid", "Unpaid"]
    ordered = names(client.get("/candidates/?sort=created"))
    assert ordered.index("Paid") < ordered.index("Elsewhere")


def test_the_list_is_paginated_by_fifty_and_pages_keep_the_filters(
    rpa_admin: User, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    CandidateFactory.create_batch(51, rpa=rpa_a)
    client = client_for(rpa_admin)
    first = client.get("/candidates/?status=draft")
    assert len(first.context["object_list"]) == 50
    assert "?status=draft&amp;page=2" in first.content.decode()
    second = client.get("/candidates/?status=draft&page=2")
    assert len(second.context["object_list"]) == 1


def test_the_list_uses_a_constant_number_of_queries(
    rpa_admin: User, rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    client = client_for(rpa_admin)
    CandidateFactory.create_batch(5, rpa=rpa_a)
    CandidateFactory.create_batch(3, rpa=rpa_b)
    client.get("/candidates/")  # warm the per-process caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/candidates/?sort=school")
        assert response.status_code == 200
        return len(queries)

    few = count()
    CandidateFactory.create_batch(55, rpa=rpa_a)
    many = count()
    assert few == many, f"{few} queries for 5 candidates but {many} for 60"


def test_csv_export_keeps_the_filters_and_neutralises_formulas(
    listed: dict[str, Candidate], rpa_admin: User, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    CandidateFactory(rpa=listed["draft"].rpa, first_name="=HYPERLINK(1)", last_name="@Risky")
    CandidateFactory(rpa=rpa_b, last_name="Of RPA B")
    client = client_for(rpa_admin)
    page = client.get("/candidates/?status=registered&sort=-name")
    assert 'href="/candidates/export.csv?status=registered&amp;sort=-name"' in page.content.decode()
    response = client.get("/candidates/export.csv?status=registered&sort=-name")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["Reference", "Name", "School"]
    assert [row[1] for row in rows[1:]] == ["Una Unpaid", "Pat Paid"]
    assert rows[1][-3:-1] == ["no", "no"] and rows[2][-2] == "yes"  # late, paid
    every = list(csv.reader(io.StringIO(client.get("/candidates/export.csv").content.decode())))
    risky = next(row for row in every if "HYPERLINK" in row[1])
    assert risky[1] == "'=HYPERLINK(1) @Risky"
    assert len(every) == 1 + 6  # five listed and the risky one; nothing of RPA B
    assert not any("Of RPA B" in row[1] for row in every)


# --- a candidate's page ----------------------------------------------------------------------------


def test_the_checklist_says_what_is_missing_for_each_rule(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """REG-1..REG-5 and S11-2: each line has its rule, met or not, and what is missing."""
    candidate = submitted(pop_user, course_a, school_a, age_range_from=2, nursery_exception_reason="School nursery")
    response = client_for(rpa_admin).get(f"/candidates/{candidate.pk}/")
    assert response.status_code == 200
    checks = {(c.rule, c.ok) for c in response.context["checklist"]}
    assert checks >= {("REG-1", False), ("REG-2", True), ("REG-3", False), ("REG-5", False), ("S11-2", False)}
    assert ("REG-4", False) in checks
    body = response.content.decode()
    for text in (
        "REG-1",
        "the RPA must approve a school-run nursery exception",
        "Send the headteacher or senior leader a declaration link",
        "No Level 2 English or literacy evidence uploaded yet",
        "No Level 2 Mathematics or numeracy evidence uploaded yet",
        "The RPA has not yet decided",
        "Not met",
    ):
        assert text in body, text
    assert "Decide readiness" in body and "Approve the nursery exception" in body
    assert f"/candidates/{candidate.pk}/register/" not in body  # not while the checklist is incomplete


def test_the_page_shows_details_declaration_evidence_and_history(
    registered_candidate: Callable[..., Candidate], rpa_admin: User, client_for: Callable[[User], Client]
) -> None:
    candidate = registered_candidate()
    response = client_for(rpa_admin).get(f"/candidates/{candidate.pk}/")
    body = response.content.decode()
    for text in ("Meadow Primary", "Autumn cohort", "First session", "Second session", "Final session",
                 "The school", "Completed", "Jo Head", "Headteacher", "Registered", "History"):  # fmt: skip
        assert text in body, text
    evidence = list(candidate.level2_evidence.all())
    for item in evidence:
        assert f"/evidence/{item.pk}/download/" in body
    assert response.context["history"]
    assert all(check.ok for check in response.context["checklist"])


def test_actions_follow_the_role(
    pop_user: User,
    rpa_admin: User,
    senior_assessor: User,
    course_a: PreparationCourse,
    school_a: School,
    make_member: Callable[..., User],
    rpa_a: RPA,
    client_for: Callable[[User], Client],
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    url = f"/candidates/{candidate.pk}/"
    pop_body = client_for(pop_user).get(url).content.decode()
    for link in ("edit/", "submit/", "declaration/", "evidence/new/", "change-reports/new/", "withdraw/"):
        assert f"{url}{link}" in pop_body, link
    assert f"{url}readiness/" not in pop_body and f"{url}invoice/new/" not in pop_body
    admin_body = client_for(rpa_admin).get(url).content.decode()
    assert f"{url}invoice/new/" in admin_body and f"{url}withdraw/" in admin_body
    assert f"{url}edit/" not in admin_body
    senior_body = client_for(senior_assessor).get(url).content.decode()
    assert 'id="actions"' not in senior_body
    # The candidate themself sees their page, what is missing and their invoices, but no actions.
    own = make_member(Role.CANDIDATE, rpa=rpa_a)
    candidate.user = own
    candidate.save()
    invoice = InvoiceFactory(candidate=candidate, payer_name="Meadow Primary")
    own_client = client_for(own)
    own_body = own_client.get(url).content.decode()
    assert 'id="actions"' not in own_body and "Not met" in own_body and invoice.number in own_body
    assert own_client.get(f"/invoices/{invoice.pk}/").status_code == 200
    assert own_client.get(f"{url}readiness/").status_code == 403


def test_disclosure_is_shown_only_to_the_rpa_administrator(
    pop_user: User,
    rpa_admin: User,
    senior_assessor: User,
    course_a: PreparationCourse,
    school_a: School,
    client_for: Callable[[User], Client],
) -> None:
    """REG-8: special-category data: the RPA administrator sees it; the PoP and a senior assessor never do."""
    candidate = apply(pop_user, course_a, school_a, disability_disclosure="Dyslexia, disclosed in confidence")
    disclosure = candidate.disclosure
    url = f"/candidates/{candidate.pk}/"
    admin = client_for(rpa_admin)
    assert "Dyslexia, disclosed in confidence" in admin.get(url).content.decode()
    assert admin.get(f"/disclosures/{disclosure.pk}/").status_code == 200
    for user in (pop_user, senior_assessor):
        client = client_for(user)
        body = client.get(url).content.decode()
        assert "Dyslexia" not in body and f"/disclosures/{disclosure.pk}/" not in body
    assert client_for(senior_assessor).get(f"/disclosures/{disclosure.pk}/").status_code == 403
    assert client_for(pop_user).get(f"/disclosures/{disclosure.pk}/").status_code == 404


def test_the_rpa_records_the_adjustments(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """REG-8: the RPA records the reasonable adjustments it will make."""
    candidate = apply(pop_user, course_a, school_a, disability_disclosure="Visual impairment")
    client = client_for(rpa_admin)
    url = f"/disclosures/{candidate.disclosure.pk}/adjustments/"
    assert "There is a problem" in client.post(url, {"adjustments_made": " "}).content.decode()
    response = client.post(url, {"adjustments_made": "Documents in large print"})
    assert response.status_code == 302
    candidate.disclosure.refresh_from_db()
    assert candidate.disclosure.adjustments_made == "Documents in large print"
    assert candidate.disclosure.adjustments_recorded_by == rpa_admin
    assert "Documents in large print" in client.get(f"/disclosures/{candidate.disclosure.pk}/").content.decode()


# --- the RPA's decisions ---------------------------------------------------------------------------


def test_readiness_decision_records_who_and_when(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """REG-4: the RPA judges readiness; the decision, who and when are recorded and shown."""
    candidate = submitted(pop_user, course_a, school_a)
    url = f"/candidates/{candidate.pk}/readiness/"
    assert client_for(pop_user).get(url).status_code == 403  # the PoP may change its candidate, not decide
    client = client_for(rpa_admin)
    page = client.get(url).content.decode()
    assert "Sam Taylor" in page and 'type="radio"' in page
    refused = client.post(url, {"ready": "no", "note": ""})
    assert refused.status_code == 200 and "Say why the candidate is not ready" in refused.content.decode()
    assert client.post(url, {"ready": "yes", "note": "Strong application"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.readiness == ReadinessDecision.APPROVED
    assert candidate.readiness_by == rpa_admin and candidate.readiness_at is not None
    body = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Ready, decided" in body and str(rpa_admin) in body


def test_nursery_exception_is_approved_with_a_reason(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """REG-1: work with 2-year-olds is eligible as an exception the RPA approves with its reason."""
    candidate = submitted(pop_user, course_a, school_a, age_range_from=2, nursery_exception_reason="Nursery class")
    url = f"/candidates/{candidate.pk}/nursery-exception/"
    assert client_for(pop_user).post(url, {"reason": "x"}).status_code == 403
    client = client_for(rpa_admin)
    assert "Nursery class" in client.get(url).content.decode()
    assert client.post(url, {"reason": "School-run nursery with 2-year-old provision"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.nursery_exception_approved_by == rpa_admin


def test_register_is_blocked_with_what_is_missing_then_allowed_and_late_is_flagged(
    pop_user: User,
    rpa_admin: User,
    late_course: PreparationCourse,
    school_a: School,
    client_for: Callable[[User], Client],
) -> None:
    """REG-6: registration lists what is missing until complete; after the second session it is recorded late."""
    candidate = submitted(pop_user, late_course, school_a)
    url = f"/candidates/{candidate.pk}/register/"
    client = client_for(rpa_admin)
    assert client_for(pop_user).post(url).status_code == 403
    blocked = client.post(url)
    assert blocked.status_code == 200
    body = blocked.content.decode()
    assert "There is a problem" in body and "The candidate cannot be registered yet" in body
    assert "Send the headteacher or senior leader a declaration link" in body
    candidate.refresh_from_db()
    assert candidate.registered_at is None
    ready_to_register(pop_user, rpa_admin, candidate)
    page = client.get(url).content.decode()
    assert "This registration is late (REG-6)" in page and "Every check is met" in page
    assert client.post(url).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.REGISTERED and candidate.registered_late
    assert candidate.registered_by == rpa_admin
    detail = client.get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Late (REG-6)" in detail and "registered after the second session" in detail
    assert names(client.get("/candidates/?late=on")) == [candidate.last_name]


def test_withdraw_by_the_pop_or_the_rpa_only(
    pop_user: User,
    senior_assessor: User,
    course_a: PreparationCourse,
    school_a: School,
    client_for: Callable[[User], Client],
) -> None:
    candidate = submitted(pop_user, course_a, school_a)
    url = f"/candidates/{candidate.pk}/withdraw/"
    assert client_for(senior_assessor).post(url, {"reason": "x"}).status_code == 403
    assert "There is a problem" in client_for(pop_user).post(url, {"reason": ""}).content.decode()
    assert client_for(pop_user).post(url, {"reason": "Left the school"}).status_code == 302
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.WITHDRAWN and candidate.withdrawn_reason == "Left the school"


# --- Level 2 evidence ------------------------------------------------------------------------------


def test_evidence_accept_and_reject_and_the_pop_is_told_why(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """S11-2: the RPA accepts a subject's evidence; S11-3: a rejection needs a note, which the PoP sees on the
    candidate's page in an important banner, and the PoP's users get a notification."""
    candidate = submitted(pop_user, course_a, school_a)
    english = upload(candidate, pop_user, Subject.ENGLISH)
    maths = upload(candidate, pop_user, Subject.MATHS)
    client = client_for(rpa_admin)
    assert client_for(pop_user).get(f"/evidence/{english.pk}/decide/").status_code == 403
    assert client.post(f"/evidence/{english.pk}/decide/", {"accept": "true", "note": ""}).status_code == 302
    english.refresh_from_db()
    assert english.state == EvidenceState.ACCEPTED and english.decided_by == rpa_admin
    refused = client.post(f"/evidence/{maths.pk}/decide/", {"accept": "false", "note": ""})
    assert refused.status_code == 200 and "Say what is wrong or missing" in refused.content.decode()
    note = "The certificate shows grade D; grade C/4 is the minimum."
    assert client.post(f"/evidence/{maths.pk}/decide/", {"accept": "false", "note": note}).status_code == 302
    maths.refresh_from_db()
    assert maths.state == EvidenceState.REJECTED
    pop_page = client_for(pop_user).get(f"/candidates/{candidate.pk}/").content.decode()
    assert 'id="level2-outcome"' in pop_page and note in pop_page
    assert "must meet the Level 2 requirement" in pop_page
    assert Notification.objects.filter(user=pop_user, body__contains=note).exists()
    again = client.get(f"/evidence/{maths.pk}/decide/").content.decode()
    assert "already decided" in again


def test_an_other_qualification_needs_the_recorded_decision(
    pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School, client_for: Callable[[User], Client]
) -> None:
    """S11-5: a qualification not on the accepted list is accepted only with the RPA's recorded reason."""
    candidate = submitted(pop_user, course_a, school_a)
    other = upload(
        candidate,
        pop_user,
        Subject.MATHS,
        qualification=qualification(Subject.MATHS, other=True),
        other_qualification_name="Overseas school leaving certificate, mathematics",
    )
    client = client_for(rpa_admin)
    url = f"/evidence/{other.pk}/decide/"
    page = client.get(url).content.decode()
    assert "Overseas school leaving certificate" in page and "S11-5" in page
    refused = client.post(url, {"accept": "true", "note": ""})
    assert "Record why this qualification is accepted as Level 2" in refused.content.decode()
    assert client.post(url, {"accept": "true", "note": "NARIC: comparable to GCSE grade C"}).status_code == 302
    other.refresh_from_db()
    assert other.state == EvidenceState.ACCEPTED and other.decision_note == "NARIC: comparable to GCSE grade C"
    detail = client.get(f"/evidence/{other.pk}/").content.decode()
    assert "NARIC: comparable to GCSE grade C" in detail and other.file_sha256 in detail and "Pat Tutor" in detail


def test_download_returns_the_decrypted_copy_only_to_the_pop_and_the_rpa(
    pop_user: User,
    rpa_admin: User,
    senior_assessor: User,
    course_a: PreparationCourse,
    school_a: School,
    pop_b: PreparationProvider,
    rpa_b: RPA,
    make_member: Callable[..., User],
    client_for: Callable[[User], Client],
) -> None:
    """S11-4: the copy is stored encrypted and read only through access: the PoP that uploaded it and the RPA."""
    candidate = submitted(pop_user, course_a, school_a)
    evidence = upload(candidate, pop_user, Subject.ENGLISH)
    url = f"/evidence/{evidence.pk}/download/"
    for user in (rpa_admin, pop_user):
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response.content == pdf_with("english certificate")
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == 'attachment; filename="english.pdf"'
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
    other_pop_user = make_member(Role.POP_USER, pop=pop_b)
    rpa_b_admin = make_member(Role.RPA_ADMIN, rpa=rpa_b)
    for outsider in (other_pop_user, rpa_b_admin):
        assert client_for(outsider).get(url).status_code == 404
    assert client_for(senior_assessor).get(url).status_code == 403


# --- change reports (REG-7) ------------------------------------------------------------------------


def test_change_reports_are_listed_unresolved_first_resolved_with_history(
    registered_candidate: Callable[..., Candidate],
    pop_user: User,
    rpa_admin: User,
    client_for: Callable[[User], Client],
) -> None:
    """REG-7: the RPA sees each report, resolves it, and the record keeps its history."""
    candidate = registered_candidate()
    old = services.change_report_create(
        candidate=candidate, acting_user=pop_user, kind=ChangeKind.MISTAKE, description="Surname misspelt"
    )
    services.change_report_resolve(report=old, acting_user=rpa_admin, resolution="Corrected")
    report = services.change_report_create(
        candidate=candidate, acting_user=pop_user, kind=ChangeKind.ANOMALY, description="Moving school next term"
    )
    client = client_for(rpa_admin)
    listing = client.get("/change-reports/")
    assert [r.pk for r in listing.context["object_list"]] == [report.pk, old.pk]
    assert [r.pk for r in client.get("/change-reports/?state=resolved").context["object_list"]] == [old.pk]
    assert [r.pk for r in client.get("/change-reports/?state=unresolved").context["object_list"]] == [report.pk]
    assert client_for(pop_user).post(f"/change-reports/{report.pk}/resolve/", {"resolution": "x"}).status_code == 403
    url = f"/change-reports/{report.pk}/resolve/"
    assert "Moving school next term" in client.get(url).content.decode()
    assert "There is a problem" in client.post(url, {"resolution": ""}).content.decode()
    assert client.post(url, {"resolution": "Assessment arranged at the new school"}).status_code == 302
    report.refresh_from_db()
    assert report.resolved_by == rpa_admin
    detail = client.get(f"/change-reports/{report.pk}/")
    assert "Assessment arranged at the new school" in detail.content.decode()
    assert [row["label"] for row in detail.context["history"]][:2] == ["update", "insert"]
    candidate_page = client_for(pop_user).get(f"/candidates/{candidate.pk}/").content.decode()
    assert "Moving school next term" in candidate_page and "Resolved" in candidate_page


# --- payment (PAY-1, PAY-2) ------------------------------------------------------------------------


def test_regional_charges_are_added_and_changed_in_pounds(
    rpa_admin: User, rpa_a: RPA, senior_assessor: User, client_for: Callable[[User], Client]
) -> None:
    """PAY-2: regional charges are named, separate from the national fee, typed in pounds."""
    client = client_for(rpa_admin)
    assert client.post("/regional-charges/new/", {"name": "Venue hire", "amount": "25.50"}).status_code == 302
    charge = RegionalCharge.objects.get(name="Venue hire")
    assert charge.amount_pence == 2550 and charge.rpa == rpa_a
    refused = client.post("/regional-charges/new/", {"name": "Assessment fee top-up", "amount": "10"})
    assert "The assessment fee is set nationally" in refused.content.decode()
    edit = client.get(f"/regional-charges/{charge.pk}/edit/").content.decode()
    assert 'value="25.50"' in edit
    assert (
        client.post(f"/regional-charges/{charge.pk}/edit/", {"name": "Venue hire", "amount": "30"}).status_code == 302
    )
    charge.refresh_from_db()
    assert charge.amount_pence == 3000
    listing = client_for(senior_assessor).get("/regional-charges/").content.decode()
    assert "Venue hire" in listing and "£30.00" in listing and "/edit/" not in listing
    assert client_for(senior_assessor).get("/regional-charges/new/").status_code == 403


def test_invoice_uses_the_national_fee_with_regional_charges_as_lines_and_a_payment_makes_it_paid(
    registered_candidate: Callable[..., Candidate],
    rpa_admin: User,
    rpa_a: RPA,
    rpa_b: RPA,
    pop_user: User,
    national_fee: NationalFee,
    client_for: Callable[[User], Client],
) -> None:
    """PAY-2: the fee in force, never typed in; regional charges as separate named lines. PAY-1: paid once the
    fee is received."""
    candidate = registered_candidate()
    venue = RegionalChargeFactory(rpa=rpa_a, name="Venue hire", amount_pence=2500)
    RegionalChargeFactory(rpa=rpa_a, name="Retired charge", active=False)
    RegionalChargeFactory(rpa=rpa_b, name="Charge of RPA B")
    client = client_for(rpa_admin)
    url = f"/candidates/{candidate.pk}/invoice/new/"
    assert client_for(pop_user).get(url).status_code == 403
    page = client.get(url).content.decode()
    fee_text = f"£{national_fee.amount_pence / 100:,.2f}"
    assert fee_text in page and "cannot be changed here" in page
    assert "Venue hire" in page and "Retired charge" not in page and "Charge of RPA B" not in page
    assert 'value="Meadow Primary"' in page  # the school funds this candidate
    response = client.post(
        url,
        {"payer": "school", "payer_name": "Meadow Primary", "regional_charges": [venue.pk], "amount_pence": 1},
    )
    assert response.status_code == 302
    invoice = candidate.invoices.get()
    lines = {(line.kind, line.description, line.amount_pence) for line in invoice.lines.all()}
    assert lines == {
        (LineKind.ASSESSMENT_FEE, "HLTA assessment (national fee)", national_fee.amount_pence),
        (LineKind.REGIONAL_CHARGE, "Venue hire", 2500),
    }
    detail = client.get(response.url).content.decode()
    assert "Venue hire" in detail and f"£{(national_fee.amount_pence + 2500) / 100:,.2f}" in detail
    assert "Not paid" in detail
    assert names(client.get("/candidates/?unpaid=on")) == [candidate.last_name]
    pay = f"/invoices/{invoice.pk}/payments/new/"
    assert client_for(pop_user).get(pay).status_code == 403
    assert "There is a problem" in client.post(pay, {"amount": "", "received_on": ""}).content.decode()
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post(pay, {"amount": "450.00", "received_on": future})
    assert "must not be in the future" in refused.content.decode()
    today = timezone.localdate().isoformat()
    fee_pounds = f"{national_fee.amount_pence / 100:.2f}"
    assert client.post(pay, {"amount": fee_pounds, "received_on": today, "reference": "BACS 123"}).status_code == 302
    payment = invoice.payments.get()
    assert payment.amount_pence == national_fee.amount_pence and payment.recorded_by == rpa_admin
    detail = client.get(f"/invoices/{invoice.pk}/").content.decode()
    assert "BACS 123" in detail and 'id="paid"><strong class="govuk-tag govuk-tag--green">Paid' in detail
    assert names(client.get("/candidates/?unpaid=on")) == []
    assert "Paid" in client.get(f"/candidates/{candidate.pk}/").content.decode()
    # The PoP sees the invoice and its status, not the payments' details.
    pop_view = client_for(pop_user).get(f"/invoices/{invoice.pk}/").content.decode()
    assert "Venue hire" in pop_view and "BACS 123" not in pop_view


def test_a_payment_can_be_posted_in_pence(
    registered_candidate: Callable[..., Candidate], rpa_admin: User, client_for: Callable[[User], Client]
) -> None:
    invoice = InvoiceFactory(candidate=registered_candidate())
    response = client_for(rpa_admin).post(
        f"/invoices/{invoice.pk}/payments/new/", {"amount_pence": 45000, "received_on": timezone.localdate()}
    )
    assert response.status_code == 302
    assert invoice.payments.get().amount_pence == 45000
