"""Hostile uploads on every upload path (issue 10, S11-4): oversized, wrong type by content, archives and zip bombs,
double extensions, empty files, image bombs and hostile names. Each is refused with a clear message by the file field
(the page's GOV.UK error summary, or 400 with a field error from the API) and nothing is stored: no row, no file."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory, file_with_tasks
from assessments.models import AssessmentFile, TaskDocument
from candidates.factories import pdf_with, ready_candidate
from candidates.models import Level2Evidence, Level2Qualification, Subject
from hnap.files import MAX_UPLOAD_BYTES
from hnap.models import RPA, PreparationProvider, User
from hnap.roles import Role
from tests.candidates.conftest import apply, course_a, pop_user, school_a  # noqa: F401  (fixtures used below)

pytestmark = pytest.mark.django_db

PDF = pdf_with("A real certificate")


@pytest.fixture
def private_media(settings: Any, tmp_path: Path) -> Path:
    """A private MEDIA_ROOT of this test's own, so 'no file on disk' is exact."""
    settings.MEDIA_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def files_under(root: Path) -> set[Path]:
    return {path for path in root.rglob("*") if path.is_file()}


# --- hostile content ------------------------------------------------------------------------------------------


def zip_of(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    """A zip of a few dozen KB that expands to 32 MB, with a zip inside: what a .docx or .xlsx bomb is made of."""
    zeros = bytes(16 * 1024 * 1024)
    inner = zip_of({"word/document.xml": zeros})
    return zip_of({"[Content_Types].xml": b"<Types/>", "word/document.xml": zeros, "inner.zip": inner})


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge picture (a decompression bomb), without building one in memory."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00")) + chunk(b"IEND", b"")


HOSTILE: dict[str, tuple[str, bytes, str]] = {
    # id: (file name, content, what the refusal says)
    "empty": ("certificate.pdf", b"", "empty"),
    "oversized": ("certificate.pdf", PDF[:-6] + b"0" * MAX_UPLOAD_BYTES + b"%%EOF\n", "smaller than 10 MB"),
    "exe-named-pdf": ("certificate.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200, "must be a PDF"),
    "html-named-pdf": ("certificate.pdf", b"<!DOCTYPE html><script>alert(1)</script>", "must be a PDF"),
    "elf-named-png": ("scan.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "must be a PDF"),
    "docx-zip-bomb": ("certificate.docx", zip_bomb(), "must be a PDF"),
    "zip-bomb-named-pdf": ("certificate.pdf", zip_bomb(), "must be a PDF"),
    "png-pixel-bomb": ("scan.png", png_claiming(30000, 30000), "too large in pixels"),
    "double-extension-exe": ("evidence.pdf.exe", PDF, "a program"),
    "double-extension-php": ("evidence.php.pdf", PDF, "a program"),
    "html-extension": ("evidence.html", PDF, "a program"),
    "name-disagrees-with-content": ("scan.jpg", PDF, "its name must end in .pdf"),
    "encoded-traversal": ("..%2F..%2Fetc%2Fpasswd.pdf", PDF, "folder path"),
    "pdf-without-end": ("certificate.pdf", b"%PDF-1.7\n<html><script>alert(1)</script>", "incomplete or damaged"),
}


# --- every upload path -------------------------------------------------------------------------------------------


@dataclass
class Target:
    """One upload path: who posts, where, the rest of a valid body, the file field and the rows it would add."""

    client: Client
    url: str
    fields: dict[str, Any]
    field: str
    is_api: bool
    rows: Callable[[], int]


def level2_fields(*, api: bool) -> dict[str, Any]:
    return {
        "subject": Subject.ENGLISH,
        "qualification": Level2Qualification.objects.filter(subject=Subject.ENGLISH, active=True).first().pk,  # type: ignore[union-attr]
        "other_qualification_name": "",
        "grade": "C",
        "achieved_on": "2004-08-26",
        "verified_by_name": "Pat Tutor",
        "original_seen_on": timezone.localdate().isoformat(),
        "copy_is_exact": "true" if api else "on",
    }


def evidence_target(request: pytest.FixtureRequest, client_for: Callable[[User], Client], *, api: bool) -> Target:
    pop_user_ = request.getfixturevalue("pop_user")
    candidate = apply(pop_user_, request.getfixturevalue("course_a"), request.getfixturevalue("school_a"))
    url = reverse("evidence-upload", args=[candidate.pk])
    if api:
        url = f"/api/v1/candidates/{candidate.pk}/level2-evidence/"
    return Target(client_for(pop_user_), url, level2_fields(api=api), "file", api, Level2Evidence.objects.count)


def task_document_target(rpa_a: RPA, make_member: Any, client_for: Callable[[User], Client], *, api: bool) -> Target:
    assessor = AssessorFactory(rpa=rpa_a, user=make_member(Role.ASSESSOR, rpa=rpa_a))
    if api:  # an assessment 40 days ahead: its documents can still be added
        file = AssessmentFile.objects.get(
            assessment=AssessmentFactory(candidate=ready_candidate(rpa=rpa_a), assessor=assessor)
        )
        url = f"/api/v1/assessment-files/{file.pk}/documents/"
    else:
        file = file_with_tasks(assessor=assessor, candidate=ready_candidate(rpa=rpa_a))
        url = reverse("file-documents", args=[file.pk])
    fields = {"kind": "evidence", "task_number": "", "title": "Lesson plans"}
    return Target(client_for(assessor.user), url, fields, "upload", api, TaskDocument.objects.count)


def candidate_tasks_target(rpa_a: RPA, make_member: Any, client_for: Callable[[User], Client]) -> Target:
    user = make_member(Role.CANDIDATE, rpa=rpa_a)
    candidate = ready_candidate(rpa=rpa_a, user=user)
    assessment = AssessmentFactory(candidate=candidate, starts_at=timezone.now() + timedelta(days=30))
    url = reverse("assessment-tasks-upload", args=[assessment.pk])
    fields = {"kind": "task", "task_number": "1", "title": ""}
    return Target(client_for(user), url, fields, "upload", False, TaskDocument.objects.count)


PATHS = ["evidence-page", "evidence-api", "task-document-page", "task-document-api", "candidate-tasks-page"]


@pytest.fixture(params=PATHS)
def target(
    request: pytest.FixtureRequest,
    rpa_a: RPA,
    pop_a: PreparationProvider,
    make_member: Any,
    client_for: Callable[[User], Client],
    private_media: Path,
) -> Target:
    path: str = request.param
    if path.startswith("evidence"):
        return evidence_target(request, client_for, api=path.endswith("api"))
    if path.startswith("task-document"):
        return task_document_target(rpa_a, make_member, client_for, api=path.endswith("api"))
    return candidate_tasks_target(rpa_a, make_member, client_for)


def post_file(target: Target, name: str, content: bytes) -> Any:
    return target.client.post(target.url, {**target.fields, target.field: SimpleUploadedFile(name, content)})


def refusal_problem(target: Target, response: Any, says: str) -> str | None:
    """Why the response is not a refusal by the file field saying `says`, or None when it is one."""
    if target.is_api:
        if response.status_code != 400:
            return f"answered {response.status_code}, not 400"
        body = response.json()
        if set(body) != {target.field} or says not in " ".join(body[target.field]):
            return f"field errors {body}"
        return None
    if response.status_code != 200:
        return f"answered {response.status_code}, not the form again"
    html = response.content.decode().replace("&#x27;", "'")
    summary = html[html.find("govuk-error-summary") :][:600]
    if "govuk-error-summary" not in html or f'href="#id_{target.field}"' not in html or says not in summary:
        return f"error summary {summary!r}"
    return None


def test_every_hostile_upload_is_refused_on_every_path_and_nothing_is_stored(
    target: Target, private_media: Path
) -> None:
    """Each case of HOSTILE on this path (one path per test, the cases in a loop: setting up a path costs more than
    posting to it); every failing case is named."""
    problems = []
    for case, (name, content, says) in HOSTILE.items():
        rows, files = target.rows(), files_under(private_media)  # the fixtures' own documents are already there
        problem = refusal_problem(target, post_file(target, name, content), says)
        if target.rows() != rows or files_under(private_media) != files:
            problem = f"{problem or 'refused'}, yet something was stored"
        if problem:
            problems.append(f"{case}: {problem}")
    assert not problems, "\n".join(problems)


def test_the_same_paths_accept_a_real_pdf(target: Target, private_media: Path) -> None:
    """The refusals above are about the files, not the paths: a real certificate goes through each of them."""
    rows, files = target.rows(), files_under(private_media)
    response = post_file(target, "certificate.pdf", PDF)
    assert response.status_code in (201, 302), response.content[:500]
    assert target.rows() == rows + 1
    assert len(files_under(private_media) - files) == 1


# --- the cohort import (a CSV file on the page, CSV text in the API) ---------------------------------------------

IMPORT_HEADER = "first_name,last_name,email,school_urn,job_title,age_range_from,age_range_to,funding_source\n"


def cohort_row(urn: int, *, first_name: str = "Ann", age_from: str = "5") -> str:
    return f"{first_name},Able,ann@example.org,{urn},Teaching assistant,{age_from},11,school\n"


IMPORT_FILES: dict[str, Callable[[int], tuple[str, bytes]]] = {
    # id: urn -> (file name, content); each must be refused with nothing created
    "empty": lambda urn: ("cohort.csv", b""),
    "oversized": lambda urn: ("cohort.csv", (IMPORT_HEADER + cohort_row(urn) * 20_000).encode()),
    "exe-named-csv": lambda urn: ("cohort.csv", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\xff\xff" + bytes(300)),
    "zip-named-csv": lambda urn: ("cohort.csv", zip_of({"xl/workbook.xml": bytes(1024 * 1024)})),
    "html-named-csv": lambda urn: ("cohort.csv", b"<html><script>alert(1)</script></html>\n"),
    "xlsx": lambda urn: ("cohort.xlsx", zip_of({"xl/workbook.xml": b"<workbook/>"})),
    "nul-in-a-name": lambda urn: ("cohort.csv", (IMPORT_HEADER + cohort_row(urn, first_name="An\x00n")).encode()),
    "very-long-name": lambda urn: ("cohort.csv", (IMPORT_HEADER + cohort_row(urn, first_name="A" * 5000)).encode()),
    "huge-number": lambda urn: ("cohort.csv", (IMPORT_HEADER + cohort_row(urn, age_from="9" * 30)).encode()),
    "double-extension": lambda urn: ("cohort.csv.exe", (IMPORT_HEADER + cohort_row(urn)).encode()),
}


@pytest.mark.parametrize("api", [False, True], ids=["import-page", "import-api"])
def test_every_hostile_cohort_file_is_refused_and_nothing_is_imported(
    api: bool,
    client_for: Callable[[User], Client],
    pop_user: User,  # noqa: F811
    course_a: Any,  # noqa: F811
    school_a: Any,  # noqa: F811
) -> None:
    from candidates.models import Candidate

    client = client_for(pop_user)
    problems = []
    for case, build in IMPORT_FILES.items():
        name, content = build(school_a.urn)
        if api:
            if not name.endswith(".csv"):
                continue  # the API takes the text alone: there is no file name to refuse
            try:
                text = content.decode()
            except UnicodeDecodeError:
                continue  # nor bytes that are not text: they cannot even be sent as JSON
            response = client.post(
                "/api/v1/candidates/import/", {"course": course_a.pk, "csv": text}, content_type="application/json"
            )
            refused = response.status_code == 400
        else:
            upload = SimpleUploadedFile(name, content, "text/csv")
            response = client.post(reverse("candidate-import"), {"course": course_a.pk, "file": upload})
            refused = response.status_code == 200 and "govuk-error-summary" in response.content.decode()
        if not refused:
            problems.append(f"{case}: answered {response.status_code}")
        if Candidate.objects.exists():
            problems.append(f"{case}: a candidate was created")
    assert not problems, "\n".join(problems)
