"""The application side's pages, driven with the Django test client: applications (REGION-1, REG-1, REG-2,
REG-8), changes (REG-7), submission, the employer declaration and its public single-use page (REG-3, REG-5),
Level 2 evidence uploads (S11-1, S11-4, S11-5), cohort imports, courses and the accepted Level 2 list."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from candidates import services
from candidates.factories import PDF_BYTES, PreparationCourseFactory, pdf_with
from candidates.forms import applications as application_forms
from candidates.models import (
    Candidate,
    ChangeReport,
    DisabilityDisclosure,
    EmployerDeclaration,
    Level2Evidence,
    Level2Qualification,
    PreparationCourse,
    Subject,
)
from candidates.tasks import employer_declaration_send
from hnap.factories import MembershipFactory, PreparationProviderFactory, SchoolFactory
from hnap.files import MAX_UPLOAD_BYTES, file_read_decrypted
from hnap.models import RPA, PreparationProvider, School, User
from hnap.roles import Role
from tests.candidates.conftest import apply, qualification

pytestmark = pytest.mark.django_db

Make = Callable[..., User]
ClientFor = Callable[[User], Client]


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    """A private MEDIA_ROOT of this test's own, so 'no new file on disk' is not disturbed by other runs."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


def body(response: Any) -> str:
    return response.content.decode()


def application(course: PreparationCourse, school: School, **overrides: Any) -> dict[str, Any]:
    return {
        "first_name": "Robin",
        "last_name": "Ashdown",
        "email": "robin.ashdown@example.org",
        "phone": "",
        "date_of_birth": "1986-03-02",
        "school_urn": school.urn,
        "job_title": "Teaching assistant",
        "age_range_from": 5,
        "age_range_to": 11,
        "funding_source": "school",
        "funder_name": "",
        "course": course.pk,
        "nursery_exception_reason": "",
        "disability_disclosure": "",
        "adjustments_requested": "",
        **overrides,
    }


# --- applications ----------------------------------------------------------------------------------


def test_a_pop_user_starts_an_application_from_the_school_urn(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School, rpa_a: RPA
) -> None:
    client = client_for(pop_user)
    page = client.get(reverse("candidate-create"))
    assert page.status_code == 200
    assert "Autumn cohort" in body(page)
    assert "get-information-schools.service.gov.uk" in body(page)  # how to find the URN

    response = client.post(reverse("candidate-create"), application(course_a, school_a))

    candidate = Candidate.objects.get(last_name="Ashdown")
    assert response.status_code == 302
    assert response.url == reverse("candidate-detail", args=[candidate.pk])
    assert (candidate.rpa, candidate.pop, candidate.school, candidate.created_by) == (
        rpa_a,
        course_a.pop,
        school_a,
        pop_user,
    )
    assert candidate.reference.startswith("HLTA-")
    followed = client.get(reverse("candidate-create"))
    assert "Application started for Robin Ashdown" in body(followed)


def test_region_1_a_course_of_another_rpa_is_refused_and_nothing_typed_is_lost(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, rpa_b: RPA
) -> None:
    north_school = SchoolFactory(name="Fell Side Primary", rpa=rpa_b, local_authority="Cumbria")

    response = client_for(pop_user).post(
        reverse("candidate-create"), application(course_a, north_school, job_title="Senior TA")
    )

    assert response.status_code == 200
    text = body(response)
    assert "govuk-error-summary" in text
    assert "Fell Side Primary is in HLTA North&#x27;s area" in text
    assert 'value="Senior TA"' in text and 'value="Ashdown"' in text
    assert not Candidate.objects.exists()


def test_an_unknown_urn_is_named_in_the_error(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    response = client_for(pop_user).post(
        reverse("candidate-create"), application(course_a, school_a, school_urn=987654)
    )
    assert response.status_code == 200
    assert "No school has URN 987654" in body(response)
    assert not Candidate.objects.exists()


def test_reg_1_working_with_two_year_olds_needs_the_nursery_exception_reason(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    client = client_for(pop_user)
    refused = client.post(reverse("candidate-create"), application(course_a, school_a, age_range_from=2))
    assert refused.status_code == 200
    assert "Working with 2-year-olds is eligible only in a school-run nursery" in body(refused)
    assert not Candidate.objects.exists()

    accepted = client.post(
        reverse("candidate-create"),
        application(course_a, school_a, age_range_from=2, nursery_exception_reason="Our nursery class is school-run."),
    )
    assert accepted.status_code == 302
    candidate = Candidate.objects.get()
    assert candidate.needs_nursery_exception and candidate.nursery_exception_reason


def test_reg_2_an_organisation_funder_must_be_named(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    response = client_for(pop_user).post(
        reverse("candidate-create"), application(course_a, school_a, funding_source="organisation")
    )
    assert response.status_code == 200
    assert "Enter the name of the organisation that funds the assessment" in body(response)
    assert not Candidate.objects.exists()


def test_reg_8_disclosure_is_invited_never_required(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    client = client_for(pop_user)
    page = body(client.get(reverse("candidate-create")))
    assert "invited, never required" in page
    assert "Only the RPA's administrators" in page

    assert client.post(reverse("candidate-create"), application(course_a, school_a)).status_code == 302
    assert not DisabilityDisclosure.objects.exists()

    disclosed = application(
        course_a,
        school_a,
        email="kim@example.org",
        last_name="Okafor",
        disability_disclosure="Dyslexia",
        adjustments_requested="Documents in advance",
    )
    assert client.post(reverse("candidate-create"), disclosed).status_code == 302
    disclosure = DisabilityDisclosure.objects.get()
    assert (disclosure.candidate.last_name, disclosure.disclosure) == ("Okafor", "Dyslexia")


def test_a_user_of_several_pops_chooses_the_pop_among_their_own(
    client_for: ClientFor,
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    rpa_a: RPA,
    pop_b: PreparationProvider,
) -> None:
    second = PreparationProviderFactory(name="PoP A2")
    second.rpas.add(rpa_a)
    MembershipFactory(user=pop_user, role=Role.POP_USER, rpa=None, pop=second)
    second_course = PreparationCourseFactory(rpa=rpa_a, pop=second, name="Second PoP course")
    client = client_for(pop_user)

    assert "Second PoP course" in body(client.get(f"{reverse('candidate-create')}?pop={second.pk}"))
    # A PoP the user does not work for is ignored: the page falls back to one of theirs.
    assert "Second PoP course" not in body(client.get(f"{reverse('candidate-create')}?pop={pop_b.pk}"))
    response = client.post(f"{reverse('candidate-create')}?pop={second.pk}", application(second_course, school_a))
    assert response.status_code == 302
    assert Candidate.objects.get().pop == second


def test_only_pop_users_may_start_an_application(
    client_for: ClientFor, rpa_admin: User, course_a: PreparationCourse, school_a: School
) -> None:
    client = client_for(rpa_admin)
    assert client.get(reverse("candidate-create")).status_code == 403
    assert client.post(reverse("candidate-create"), application(course_a, school_a)).status_code == 403
    assert not Candidate.objects.exists()


def test_a_pop_edits_the_application_until_registration_then_reports_a_change(
    client_for: ClientFor,
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    registered_candidate: Callable[..., Candidate],
    django_capture_on_commit_callbacks: Any,
) -> None:
    client = client_for(pop_user)
    draft = apply(pop_user, course_a, school_a)
    form = client.get(reverse("candidate-update", args=[draft.pk]))
    assert form.status_code == 200 and 'value="Taylor"' in body(form)
    changed = application(course_a, school_a, first_name="Sam", last_name="Taylor-Reed", email="sam.taylor@example.org")
    response = client.post(reverse("candidate-update", args=[draft.pk]), changed)
    assert response.status_code == 302 and response.url == reverse("candidate-detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.last_name == "Taylor-Reed"

    with django_capture_on_commit_callbacks(execute=False):
        registered = registered_candidate(email="reg@example.org", last_name="Registered")
    locked = client.get(reverse("candidate-update", args=[registered.pk]))
    assert locked.status_code == 403
    assert reverse("changereport-create", args=[registered.pk]) in body(locked)
    refused = client.post(reverse("candidate-update", args=[registered.pk]), changed)
    assert refused.status_code == 403
    registered.refresh_from_db()
    assert registered.last_name == "Registered"


def test_reg_7_a_pop_reports_a_change_and_the_rpa_is_told(
    client_for: ClientFor, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    assert client.get(reverse("changereport-create", args=[candidate.pk])).status_code == 200

    empty = client.post(reverse("changereport-create", args=[candidate.pk]), {"kind": "", "description": ""})
    assert empty.status_code == 200 and "Select what you are reporting" in body(empty)

    response = client.post(
        reverse("changereport-create", args=[candidate.pk]),
        {"kind": "anomaly", "description": "The candidate will be on leave in March."},
    )
    assert response.status_code == 302 and response.url == reverse("candidate-detail", args=[candidate.pk])
    report = ChangeReport.objects.get()
    assert (report.kind, report.reported_by) == ("anomaly", pop_user)
    assert rpa_admin.notifications.filter(subject__startswith="Change reported").exists()


def test_submit_shows_the_answers_then_sends_the_application(
    client_for: ClientFor, pop_user: User, rpa_admin: User, course_a: PreparationCourse, school_a: School
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    client = client_for(pop_user)
    page = client.get(reverse("candidate-submit", args=[candidate.pk]))
    assert page.status_code == 200
    assert "Meadow Primary" in body(page) and "Autumn cohort" in body(page)

    response = client.post(reverse("candidate-submit", args=[candidate.pk]))
    assert response.status_code == 302 and response.url == reverse("candidate-detail", args=[candidate.pk])
    candidate.refresh_from_db()
    assert candidate.submitted_at is not None
    assert rpa_admin.notifications.filter(subject__startswith="New application").exists()


def test_only_the_candidates_pop_may_submit(
    client_for: ClientFor,
    make_member: Make,
    pop_user: User,
    rpa_admin: User,
    pop_b: PreparationProvider,
    course_a: PreparationCourse,
    school_a: School,
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    admin = client_for(rpa_admin)
    assert admin.get(reverse("candidate-submit", args=[candidate.pk])).status_code == 403
    assert admin.post(reverse("candidate-submit", args=[candidate.pk])).status_code == 403
    other_pop = client_for(make_member(Role.POP_USER, pop=pop_b))
    assert other_pop.post(reverse("candidate-submit", args=[candidate.pk])).status_code == 404
    candidate.refresh_from_db()
    assert candidate.submitted_at is None


# --- employer declaration (REG-3, REG-5) -------------------------------------------------------------


@pytest.fixture
def declaration_link(
    client_for: ClientFor,
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    django_capture_on_commit_callbacks: Any,
) -> Iterator[tuple[Candidate, str]]:
    """A candidate whose PoP asked the headteacher through the page, and the path of the emailed link."""
    candidate = apply(pop_user, course_a, school_a)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client_for(pop_user).post(
            reverse("declaration-request", args=[candidate.pk]),
            {"sent_to_name": "Jo Head", "sent_to_email": "Head@Meadow.example.org"},
        )
    assert response.status_code == 302 and response.url == reverse("candidate-detail", args=[candidate.pk])
    assert len(callbacks) == 1  # the email is sent once the request commits
    declaration = EmployerDeclaration.objects.get()
    assert employer_declaration_send(declaration.pk)
    assert mail.outbox[-1].to == ["head@meadow.example.org"]
    link = next(word for word in mail.outbox[-1].body.split() if "/employer-declaration/" in word)
    yield candidate, urlparse(link).path


DECLARED = {
    "declarer_name": "Jo Head",
    "declarer_role": "Headteacher",
    "suitable": "on",
    "whole_class_twice": "on",
    "level2_evidence_seen": "on",
    "opportunities_all_standards": "on",
}


def test_reg_3_the_request_page_shows_the_links_state(
    client_for: ClientFor, pop_user: User, declaration_link: tuple[Candidate, str]
) -> None:
    candidate, _ = declaration_link
    page = body(client_for(pop_user).get(reverse("declaration-request", args=[candidate.pk])))
    assert "Jo Head (head@meadow.example.org)" in page
    assert "Waiting" in page and "expires on" in page


def test_reg_3_an_rpa_admin_may_send_the_link_too(
    client_for: ClientFor,
    rpa_admin: User,
    pop_user: User,
    course_a: PreparationCourse,
    school_a: School,
    django_capture_on_commit_callbacks: Any,
) -> None:
    candidate = apply(pop_user, course_a, school_a)
    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(rpa_admin).post(
            reverse("declaration-request", args=[candidate.pk]),
            {"sent_to_name": "Jo Head", "sent_to_email": "head@meadow.example.org"},
        )
    assert response.status_code == 302
    assert EmployerDeclaration.objects.get().requested_by == rpa_admin


def test_reg_3_reg_5_the_headteacher_declares_once_without_signing_in(
    declaration_link: tuple[Candidate, str], client_for: ClientFor, pop_user: User
) -> None:
    candidate, path = declaration_link
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 200
    text = body(page)
    for shown in ("Sam Taylor", "Meadow Primary", "Strictly Education 4S", "PoP A"):
        assert shown in text
    assert "taught a whole class with no teacher present on at least two occasions" in text
    assert page["Referrer-Policy"] == "no-referrer"
    assert "no-store" in page["Cache-Control"]

    incomplete = anonymous.post(path, {**DECLARED, "whole_class_twice": ""})
    assert incomplete.status_code == 200
    assert "You can only support the application if you can confirm this" in body(incomplete)
    assert not EmployerDeclaration.objects.get().is_complete

    done = anonymous.post(path, DECLARED)
    assert done.status_code == 302 and done.url == path
    declaration = EmployerDeclaration.objects.get()
    assert declaration.is_complete and declaration.whole_class_twice and declaration.opportunities_all_standards
    thanks = anonymous.get(path)
    assert "Your declaration has been recorded" in body(thanks)
    assert f"already completed on {declaration.declared_at:%-d %B %Y} by Jo Head" in body(thanks)
    request_page = body(client_for(pop_user).get(reverse("declaration-request", args=[candidate.pk])))
    assert "Completed" in request_page and "Send the link" not in request_page


def test_reg_3_the_declaration_posts_as_a_browser_sends_it_under_no_referrer(
    declaration_link: tuple[Candidate, str],
) -> None:
    """With `Referrer-Policy: no-referrer` browsers send `Origin: null` with the form; the token, not a CSRF
    cookie, authorises the POST."""
    _, path = declaration_link
    browser = Client(enforce_csrf_checks=True)
    assert browser.get(path).status_code == 200
    response = browser.post(path, DECLARED, HTTP_ORIGIN="null")
    assert response.status_code == 302
    assert EmployerDeclaration.objects.get().is_complete


def test_reg_3_a_second_use_of_the_link_changes_nothing(declaration_link: tuple[Candidate, str]) -> None:
    _, path = declaration_link
    anonymous = Client()
    assert anonymous.post(path, DECLARED).status_code == 302
    first = EmployerDeclaration.objects.get()

    again = anonymous.post(path, {**DECLARED, "declarer_name": "Someone Else", "declarer_role": "Governor"})

    assert again.status_code == 200
    assert "already completed" in body(again) and "Someone Else" not in body(again)
    after = EmployerDeclaration.objects.get()
    assert (after.declarer_name, after.declarer_role, after.declared_at) == (
        "Jo Head",
        "Headteacher",
        first.declared_at,
    )


def test_reg_3_an_expired_link_is_refused_and_says_how_to_get_a_new_one(
    declaration_link: tuple[Candidate, str],
) -> None:
    _, path = declaration_link
    EmployerDeclaration.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    anonymous = Client()
    page = anonymous.get(path)
    assert page.status_code == 410
    assert "expired" in body(page) and "contact PoP A" in body(page)
    assert anonymous.post(path, DECLARED).status_code == 410
    assert not EmployerDeclaration.objects.get().is_complete


def test_reg_3_a_replaced_link_is_refused(
    declaration_link: tuple[Candidate, str], pop_user: User, django_capture_on_commit_callbacks: Any
) -> None:
    candidate, path = declaration_link
    with django_capture_on_commit_callbacks(execute=False):
        services.declaration_request(
            candidate=candidate, acting_user=pop_user, sent_to_name="Al Deputy", sent_to_email="deputy@example.org"
        )
    page = Client().get(path)
    assert page.status_code == 410
    assert "replaced by a newer one" in body(page)


def test_reg_3_a_forged_token_is_not_found(declaration_link: tuple[Candidate, str]) -> None:
    _, path = declaration_link
    token = path.rstrip("/").rsplit("/", 1)[1]
    for forged in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), "not-a-token"):
        response = Client().get(reverse("declaration-public", args=[forged]))
        assert response.status_code == 404
        assert "Sam Taylor" not in body(response)
        assert response["Referrer-Policy"] == "no-referrer"


# --- Standard 11: Level 2 evidence -------------------------------------------------------------------


def evidence_form(file: Any, subject: str = Subject.ENGLISH, **overrides: Any) -> dict[str, Any]:
    return {
        "subject": subject,
        "qualification": qualification(subject).pk,
        "other_qualification_name": "",
        "grade": "C",
        "achieved_on": "2004-08-26",
        "verified_by_name": "Pat Tutor",
        "original_seen_on": timezone.localdate().isoformat(),
        "copy_is_exact": "on",
        "file": file,
        **overrides,
    }


@pytest.fixture
def draft(pop_user: User, course_a: PreparationCourse, school_a: School) -> Candidate:
    return apply(pop_user, course_a, school_a)


def test_s11_1_s11_4_an_upload_is_stored_encrypted(
    client_for: ClientFor, pop_user: User, draft: Candidate, private_media: Path
) -> None:
    client = client_for(pop_user)
    page = client.get(reverse("evidence-upload", args=[draft.pk]))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in body(page)
    assert "PDF, JPEG or PNG, up to 10 MB" in body(page)
    content = pdf_with("English GCSE grade C certificate")

    response = client.post(
        reverse("evidence-upload", args=[draft.pk]),
        evidence_form(SimpleUploadedFile("gcse-english.pdf", content, "application/pdf")),
    )

    assert response.status_code == 302 and response.url == reverse("candidate-detail", args=[draft.pk])
    evidence = Level2Evidence.objects.get()
    assert (evidence.subject, evidence.file_name, evidence.file_type) == (
        "english",
        "gcse-english.pdf",
        "application/pdf",
    )
    on_disk = (private_media / evidence.file_path).read_bytes()
    assert on_disk != content and b"English GCSE" not in on_disk
    assert file_read_decrypted(path=evidence.file_path) == content


def test_s11_5_an_other_qualification_must_be_named(
    client_for: ClientFor, pop_user: User, draft: Candidate, private_media: Path
) -> None:
    other = qualification(Subject.MATHS, other=True)
    client = client_for(pop_user)
    form = evidence_form(SimpleUploadedFile("maths.pdf", PDF_BYTES), subject=Subject.MATHS, qualification=other.pk)
    refused = client.post(reverse("evidence-upload", args=[draft.pk]), form)
    assert refused.status_code == 200
    assert "Enter the full name of the qualification and who awarded it" in body(refused)
    assert not Level2Evidence.objects.exists() and not files_under(private_media)

    form = evidence_form(
        SimpleUploadedFile("maths.pdf", PDF_BYTES),
        subject=Subject.MATHS,
        qualification=other.pk,
        other_qualification_name="Irish Leaving Certificate mathematics, SEC",
    )
    assert client.post(reverse("evidence-upload", args=[draft.pk]), form).status_code == 302
    assert Level2Evidence.objects.get().other_qualification_name.startswith("Irish Leaving")


def test_s11_1_an_rpa_admin_may_upload_and_other_roles_may_not(
    client_for: ClientFor, make_member: Make, rpa_admin: User, draft: Candidate, private_media: Path
) -> None:
    form = evidence_form(SimpleUploadedFile("english.pdf", PDF_BYTES))
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, email="senior@4s.example.org"))
    assert senior.get(reverse("evidence-upload", args=[draft.pk])).status_code == 403
    assert senior.post(reverse("evidence-upload", args=[draft.pk]), form).status_code == 403
    assert not Level2Evidence.objects.exists()

    form = evidence_form(SimpleUploadedFile("english.pdf", PDF_BYTES))
    assert client_for(rpa_admin).post(reverse("evidence-upload", args=[draft.pk]), form).status_code == 302
    assert Level2Evidence.objects.get().uploaded_by == rpa_admin


def raw_upload(client: Client, url: str, fields: dict[str, Any], filename: str, content: bytes) -> Any:
    """POST a multipart body by hand, so the file name reaches the server exactly as written."""
    boundary = "hnap-test-boundary"
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


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("notes.pdf", b"Just some notes typed in a text editor.\n", "must be a PDF, JPEG or PNG file"),
        (
            "report.pdf",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64,
            "must be a PDF, JPEG or PNG",
        ),
        ("cert.pdf.exe", PDF_BYTES, "has a program&#x27;s extension"),
        ("scan.png", PDF_BYTES, "it is a PDF file, so its name must end in .pdf"),
    ],
    ids=["text-renamed-pdf", "executable-renamed-pdf", "double-extension-exe", "name-disagrees-with-content"],
)
def test_s11_4_a_wrong_file_is_refused_with_a_reason_and_nothing_is_stored(
    client_for: ClientFor,
    pop_user: User,
    draft: Candidate,
    private_media: Path,
    filename: str,
    content: bytes,
    message: str,
) -> None:
    response = client_for(pop_user).post(
        reverse("evidence-upload", args=[draft.pk]), evidence_form(SimpleUploadedFile(filename, content))
    )
    assert response.status_code == 200
    text = body(response)
    assert message in text
    assert 'href="#id_file"' in text  # the error summary leads to the file field
    assert 'value="Pat Tutor"' in text  # nothing typed is lost
    assert not Level2Evidence.objects.exists()
    assert not files_under(private_media)


def test_s11_4_an_oversized_file_is_refused_before_it_is_read(
    client_for: ClientFor, pop_user: User, draft: Candidate, private_media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def must_not_read(**kwargs: Any) -> None:
        raise AssertionError("an oversized upload was read into memory")

    monkeypatch.setattr(application_forms, "upload_check", must_not_read)
    big = PDF_BYTES + b"0" * (MAX_UPLOAD_BYTES + 1 - len(PDF_BYTES) - 6) + b"%%EOF\n"
    assert len(big) > MAX_UPLOAD_BYTES
    response = client_for(pop_user).post(
        reverse("evidence-upload", args=[draft.pk]), evidence_form(SimpleUploadedFile("big.pdf", big))
    )
    assert response.status_code == 200
    assert "The selected file must be smaller than 10 MB" in body(response)
    assert not Level2Evidence.objects.exists()
    assert not files_under(private_media)


def test_s11_4_a_path_traversal_name_is_refused_and_nothing_is_stored(
    client_for: ClientFor, pop_user: User, draft: Candidate, private_media: Path
) -> None:
    client = client_for(pop_user)
    url = reverse("evidence-upload", args=[draft.pk])
    fields = evidence_form(None)

    # The system file itself, under a traversal name: refused by its content.
    passwd = b"root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1::/usr/sbin:/usr/sbin/nologin\n"
    refused = raw_upload(client, url, fields, "../../etc/passwd.pdf", passwd)
    assert refused.status_code == 200
    assert "must be a PDF, JPEG or PNG file" in body(refused)

    # A traversal Django's parser does not strip (the slashes percent-encoded): refused by its name.
    encoded = raw_upload(client, url, fields, "..%2F..%2Fetc%2Fpasswd.pdf", PDF_BYTES)
    assert encoded.status_code == 200
    assert "The file name must not contain a folder path" in body(encoded)

    assert not Level2Evidence.objects.exists()
    assert not files_under(private_media)
    assert not (private_media.parent / "etc").exists()


def test_s11_4_a_folder_in_the_name_never_reaches_the_disk(
    client_for: ClientFor, pop_user: User, draft: Candidate, private_media: Path
) -> None:
    """Django keeps only the last part of an uploaded file's name before any of our code sees it; the copy is
    then stored under a random name in the private folder, whatever it was called."""
    response = raw_upload(
        client_for(pop_user),
        reverse("evidence-upload", args=[draft.pk]),
        evidence_form(None),
        "../../etc/passwd.pdf",
        PDF_BYTES,
    )
    assert response.status_code == 302
    evidence = Level2Evidence.objects.get()
    assert evidence.file_name == "passwd.pdf"
    assert evidence.file_path.startswith(f"level2/{draft.rpa_id}/") and evidence.file_path.endswith(".enc")
    assert files_under(private_media) == {private_media / evidence.file_path}
    assert not (private_media.parent / "etc").exists()


# --- bulk: a cohort from a CSV ----------------------------------------------------------------------

HEADER = "first_name,last_name,email,school_urn,job_title,age_range_from,age_range_to,funding_source\n"


def cohort(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("cohort.csv", (HEADER + "".join(rows)).encode(), "text/csv")


def test_import_is_all_or_nothing_and_lists_each_bad_row(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    client = client_for(pop_user)
    page = client.get(reverse("candidate-import"))
    assert page.status_code == 200
    text = body(page)
    assert reverse("candidate-import-template") in text
    for column in services.IMPORT_COLUMNS:
        assert f"<code>{column}</code>" in text

    response = client.post(
        reverse("candidate-import"),
        {
            "course": course_a.pk,
            "file": cohort(
                f"Ann,Able,ann@example.org,{school_a.urn},Teaching assistant,5,11,school\n",
                f"Ben,Baker,ben@example.org,{school_a.urn},Teaching assistant,eleven,11,school\n",
                "Cat,Cole,cat@example.org,123,Teaching assistant,5,11,school\n",
            ),
        },
    )

    assert response.status_code == 200
    text = body(response)
    assert "govuk-error-summary" in text and "nothing was imported" in text
    assert 'id="row-errors"' in text
    assert '<th scope="row" class="govuk-table__header">3</th>' in text
    assert "age range from must be a whole number" in text
    assert '<th scope="row" class="govuk-table__header">4</th>' in text and "no school has URN 123" in text
    assert not Candidate.objects.exists()


def test_import_creates_every_row_of_a_good_file(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse, school_a: School
) -> None:
    client = client_for(pop_user)
    response = client.post(
        reverse("candidate-import"),
        {
            "course": course_a.pk,
            "file": cohort(
                f"Ann,Able,ann@example.org,{school_a.urn},Teaching assistant,5,11,school\n",
                f"Ben,Baker,ben@example.org,{school_a.urn},Teaching assistant,7,11,self\n",
            ),
        },
    )
    assert response.status_code == 302 and response.url == reverse("candidate-list")
    assert set(Candidate.objects.values_list("last_name", flat=True)) == {"Able", "Baker"}
    assert set(Candidate.objects.values_list("course", flat=True)) == {course_a.pk}
    assert "2 candidates imported" in body(client.get(response.url))


def test_import_refuses_a_file_that_is_not_utf8_csv(
    client_for: ClientFor, pop_user: User, course_a: PreparationCourse
) -> None:
    client = client_for(pop_user)
    latin1 = SimpleUploadedFile("cohort.csv", (HEADER + "Zoë,Ñu,z@example.org,1,TA,5,11,school\n").encode("latin-1"))
    response = client.post(reverse("candidate-import"), {"course": course_a.pk, "file": latin1})
    assert response.status_code == 200 and "must be saved as UTF-8" in body(response)
    spreadsheet = SimpleUploadedFile("cohort.xlsx", b"PK\x03\x04")
    response = client.post(reverse("candidate-import"), {"course": course_a.pk, "file": spreadsheet})
    assert response.status_code == 200 and "must be a CSV file" in body(response)
    assert not Candidate.objects.exists()


def test_the_import_template_is_a_csv_attachment_for_signed_in_people(client_for: ClientFor, pop_user: User) -> None:
    response = client_for(pop_user).get(reverse("candidate-import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content.decode().splitlines()[0] == ",".join(services.IMPORT_COLUMNS)
    anonymous = Client().get(reverse("candidate-import-template"))
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))


# --- courses -----------------------------------------------------------------------------------------


def course_form(**overrides: Any) -> dict[str, Any]:
    start = timezone.localdate() + timedelta(days=30)
    return {
        "name": "Spring cohort",
        "registers_with": "strictly-education-4s",
        "first_session": start.isoformat(),
        "second_session": (start + timedelta(days=14)).isoformat(),
        "final_session": (start + timedelta(days=42)).isoformat(),
        **overrides,
    }


def test_a_pop_adds_and_changes_a_course(client_for: ClientFor, pop_user: User, pop_a: PreparationProvider) -> None:
    client = client_for(pop_user)
    page = client.get(reverse("course-create"))
    assert page.status_code == 200 and "Strictly Education 4S" in body(page)

    response = client.post(reverse("course-create"), course_form())
    course = PreparationCourse.objects.get(name="Spring cohort")
    assert response.status_code == 302 and response.url == reverse("course-detail", args=[course.pk])
    assert (course.pop, course.rpa.slug) == (pop_a, "strictly-education-4s")
    detail = body(client.get(response.url))
    assert "Spring cohort" in detail and "Candidates" in detail

    new_final = (course.final_session + timedelta(days=7)).isoformat()
    changed = client.post(
        reverse("course-update", args=[course.pk]), course_form(name="Spring cohort B", final_session=new_final)
    )
    assert changed.status_code == 302
    course.refresh_from_db()
    assert (course.name, course.final_session.isoformat()) == ("Spring cohort B", new_final)
    assert "Spring cohort B" in body(client.get(reverse("course-list")))


def test_a_course_registers_only_with_one_of_the_pops_rpas(client_for: ClientFor, pop_user: User, rpa_b: RPA) -> None:
    client = client_for(pop_user)
    refused = client.post(reverse("course-create"), course_form(registers_with=rpa_b.slug))
    assert refused.status_code == 200 and "Select a valid choice" in body(refused)
    out_of_order = client.post(reverse("course-create"), course_form(second_session=timezone.localdate().isoformat()))
    assert out_of_order.status_code == 200 and "The sessions must be in order" in body(out_of_order)
    assert not PreparationCourse.objects.exists()


def test_the_rpa_views_courses_but_only_the_pop_changes_them(
    client_for: ClientFor, rpa_admin: User, course_a: PreparationCourse
) -> None:
    client = client_for(rpa_admin)
    assert "Autumn cohort" in body(client.get(reverse("course-list")))
    assert client.get(reverse("course-detail", args=[course_a.pk])).status_code == 200
    assert client.get(reverse("course-update", args=[course_a.pk])).status_code == 403
    assert client.get(reverse("course-create")).status_code == 403


# --- the accepted Level 2 list (S11-5) ---------------------------------------------------------------


def test_s11_5_anyone_signed_in_sees_the_list_by_subject(client_for: ClientFor, pop_user: User) -> None:
    Level2Qualification.objects.filter(name="GCSE English literature").update(active=False)
    page = client_for(pop_user).get(reverse("qualification-list"))
    assert page.status_code == 200
    text = body(page)
    assert "English or literacy" in text and "Mathematics or numeracy" in text
    assert "GCSE mathematics" in text and "grade C or 4" in text
    assert "Yes, with a recorded decision" in text
    assert "GCSE English literature" not in text  # retired rows are the Partnership's business
    assert reverse("qualification-create") not in text


def test_s11_5_a_partnership_admin_maintains_the_list(client_for: ClientFor, make_member: Make) -> None:
    client = client_for(make_member(Role.PARTNERSHIP_ADMIN, email="partnership@hnap.example.org"))
    assert client.get(reverse("qualification-create")).status_code == 200
    response = client.post(
        reverse("qualification-create"),
        {"subject": "maths", "name": "Scottish National 5 mathematics", "minimum": "grade C", "active": "on"},
    )
    assert response.status_code == 302 and response.url == reverse("qualification-list")
    added = Level2Qualification.objects.get(name="Scottish National 5 mathematics")
    assert added.active and not added.needs_rpa_decision

    duplicate = client.post(
        reverse("qualification-create"),
        {"subject": "maths", "name": "Scottish National 5 mathematics", "minimum": "grade C", "active": "on"},
    )
    assert duplicate.status_code == 200 and "already on the list" in body(duplicate)

    retired = client.post(
        reverse("qualification-update", args=[added.pk]),
        {"subject": "maths", "name": "Scottish National 5 mathematics", "minimum": "grade C"},
    )
    assert retired.status_code == 302
    added.refresh_from_db()
    assert not added.active
    assert "No, retired" in body(client.get(reverse("qualification-list")))


def test_s11_5_only_partnership_admins_change_the_list(client_for: ClientFor, pop_user: User, rpa_admin: User) -> None:
    row = Level2Qualification.objects.first()
    assert row is not None
    for user in (pop_user, rpa_admin):
        client = client_for(user)
        assert client.get(reverse("qualification-create")).status_code == 403
        assert (
            client.post(reverse("qualification-create"), {"subject": "maths", "name": "X", "minimum": "Y"}).status_code
            == 403
        )
        assert (
            client.post(
                reverse("qualification-update", args=[row.pk]), {"subject": "maths", "name": "X", "minimum": "Y"}
            ).status_code
            == 403
        )
    assert not Level2Qualification.objects.filter(name="X").exists()
