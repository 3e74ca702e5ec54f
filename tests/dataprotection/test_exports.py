"""DATA-1 subject access: an administrator asks, a real Celery worker builds the archive reporting progress, the
archive is stored encrypted and downloaded once, by the administrator who asked, before its link expires; other
roles and RPAs are refused."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dataprotection.factories import full_candidate, ready_export
from dataprotection.models import ExportState, SubjectAccessExport
from dataprotection.services import export_build, export_request, exports_expire
from hnap.models import RPA, User
from hnap.roles import Role


def _wait_until_ready(export: SubjectAccessExport, seen: list[int], timeout: float = 90) -> SubjectAccessExport:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        export.refresh_from_db()
        seen.append(export.progress)
        if export.state in (ExportState.READY, ExportState.FAILED):
            return export
        time.sleep(0.1)
    pytest.fail(f"the export did not finish: {export.state} {export.progress}%")


def test_data1_a_real_worker_builds_the_archive_which_downloads_once(
    celery_worker_thread: Any, rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """Given an administrator and a candidate with every kind of record, when they ask for the export on the page,
    then a real worker builds it (the page shows its progress), it is stored encrypted, the one download gives the
    ZIP with the candidate's records and files and deletes it, and a second download answers 410."""
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    candidate = full_candidate(rpa_a, last_name="Downloadonce")
    client = client_for(admin)

    response = client.post(reverse("export-create"), {"candidate_reference": candidate.reference})
    assert response.status_code == 302
    export = SubjectAccessExport.objects.get(candidate=candidate)
    page = client.get(response.url).content.decode()
    assert 'id="export-bar"' in page and "Downloadonce" in page

    seen: list[int] = []
    export = _wait_until_ready(export, seen)
    assert export.state == ExportState.READY, export.error
    assert export.progress == 100 and export.expires_at is not None
    assert abs(export.expires_at - (export.ready_at + timedelta(days=7))) < timedelta(seconds=1)
    stored = Path(settings.MEDIA_ROOT) / export.file_path
    assert stored.exists() and not stored.read_bytes().startswith(b"PK")  # encrypted, not a plain ZIP
    detail = client.get(reverse("export-detail", args=[export.pk])).content.decode()
    assert reverse("export-download", args=[export.pk]) in detail and "candidates.level2evidence" in detail

    download = client.post(reverse("export-download", args=[export.pk]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["Cache-Control"] == "private, no-store"
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "README.txt" in archive.namelist()
    assert b"Downloadonce" in archive.read("records/candidates.candidate.json")
    assert any(name.startswith("files/assessments-result/") for name in archive.namelist())

    export.refresh_from_db()
    assert export.state == ExportState.DOWNLOADED and export.downloaded_by == admin and not export.file_path
    assert not stored.exists()
    again = client.post(reverse("export-download", args=[export.pk]))
    assert again.status_code == 410 and "downloaded" in again.content.decode()
    assert client.get(reverse("export-download", args=[export.pk])).status_code == 410


@pytest.mark.django_db
def test_data1_the_worker_reports_progress_as_it_goes(rpa_a: RPA, make_member: Callable[..., User]) -> None:
    """Given an export being built, when each kind of record is written, then its progress rises step by step to
    100 with a note of what it is doing."""
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    candidate = full_candidate(rpa_a)
    export = export_request(candidate=candidate, acting_user=admin)
    notes: list[tuple[int, str]] = []
    from dataprotection import services

    original = services._progress

    def spy(record: SubjectAccessExport, percent: int, note: str) -> None:
        notes.append((percent, note))
        original(record, percent, note)

    services._progress = spy  # type: ignore[assignment]
    try:
        export_build(export_id=export.pk)
    finally:
        services._progress = original  # type: ignore[assignment]
    percents = [p for p, _ in notes]
    assert len(percents) > 10 and percents == sorted(percents) and percents[-1] < 100
    assert any("Appeals" in note for _, note in notes)
    export.refresh_from_db()
    assert export.progress == 100 and export.state == ExportState.READY


@pytest.mark.django_db
def test_data1_the_link_is_refused_to_other_people_roles_and_rpas(
    rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """Given a ready export asked for by one administrator, then another administrator of the RPA is refused (403)
    and so is a senior assessor; an administrator of another RPA gets 404 as for a missing one; none consumes it."""
    owner = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    export = export_request(candidate=full_candidate(rpa_a), acting_user=owner)
    export_build(export_id=export.pk)
    url = reverse("export-download", args=[export.pk])
    for role, rpa, status in (
        (Role.RPA_ADMIN, rpa_a, 403),
        (Role.SENIOR_ASSESSOR, rpa_a, 403),
        (Role.ASSESSOR, rpa_a, 403),
        (Role.RPA_ADMIN, rpa_b, 404),
    ):
        client = client_for(make_member(role, rpa=rpa))
        assert client.get(url).status_code == status, role
        assert client.post(url).status_code == status, role
    candidate_client = client_for(export.candidate.user)
    assert candidate_client.post(url).status_code in (403, 404)
    export.refresh_from_db()
    assert export.state == ExportState.READY and export.file_path


@pytest.mark.django_db
def test_data1_an_expired_link_answers_410_and_the_archive_is_deleted(
    rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """Given a ready export whose link has expired, when its owner opens it, then 410; the hourly expiry deletes the
    archive; the link's length is each RPA's choice (RetentionPolicy.export_link_days)."""
    owner = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    from dataprotection.services import retention_policy_for

    policy = retention_policy_for(rpa=rpa_a)
    policy.export_link_days = 2
    policy.save()
    export = export_request(candidate=full_candidate(rpa_a), acting_user=owner)
    export = export_build(export_id=export.pk)
    assert export is not None
    assert abs(export.expires_at - (export.ready_at + timedelta(days=2))) < timedelta(seconds=1)
    stored = Path(settings.MEDIA_ROOT) / export.file_path
    SubjectAccessExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client = client_for(owner)
    assert client.get(reverse("export-download", args=[export.pk])).status_code == 410
    assert client.post(reverse("export-download", args=[export.pk])).status_code == 410
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
        assert exports_expire() == 1
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not export.file_path
    assert not stored.exists()


@pytest.mark.django_db
def test_data1_a_reference_of_another_rpa_is_refused_with_a_clear_error(
    rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    other = ready_export(rpa_b, last_name="Elsewhere").candidate
    response = client_for(admin).post(reverse("export-create"), {"candidate_reference": other.reference})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body and "No candidate of" in body
    assert not SubjectAccessExport.objects.filter(candidate=other, rpa=rpa_a).exists()
