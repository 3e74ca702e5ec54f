"""DATA-1, S11-4 retention: per-RPA periods counted from the release of the outcome; a dry run records what would be
done and changes nothing; the run deletes Level 2 evidence copies after 12 months and anonymises candidates after 6
years, keeping outcomes, counts and month-precision dates; it is reported in a run, on a page and to the lead."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from appeals.factories import released_result
from appeals.models import Enquiry
from assessments.models import FileVersion, Result
from candidates.models import Candidate, CandidateEvent, Level2Evidence
from dataprotection.factories import full_candidate
from dataprotection.models import Anonymisation, RetentionRun
from dataprotection.records import EXPORTED_KINDS, candidate_records
from dataprotection.services import export_archive, months_before, retention_apply, retention_policy_for
from hnap.factories import UserFactory
from hnap.models import RPA, Notification, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def _released(candidate: Candidate, *, days_ago: int) -> None:
    Result.objects.filter(candidate=candidate).update(released_at=timezone.now() - timedelta(days=days_ago))


def _stored(candidate: Candidate) -> list[Path]:
    held = candidate_records(candidate=candidate)
    paths = []
    for _, row in held.all():
        for name in ("file_path", "stored_path", "letter_path"):
            value = getattr(row, name, "")
            if value:
                paths.append(Path(settings.MEDIA_ROOT) / value)
    return paths


@pytest.fixture
def three(rpa_a: RPA) -> dict[str, Candidate]:
    """Three candidates of RPA A: outcome released 7 years ago, 13 months ago, and last week."""
    old = full_candidate(rpa_a, first_name="Olwen", last_name="Oldrecord", date_of_birth=date(1980, 4, 17))
    _released(old, days_ago=7 * 366)
    middle = released_result(rpa_a, last_name="Middleyear").candidate
    _released(middle, days_ago=13 * 31)
    recent = released_result(rpa_a, last_name="Recentone").candidate
    _released(recent, days_ago=7)
    return {"old": old, "middle": middle, "recent": recent}


def test_s11_4_data1_a_dry_run_reports_what_is_due_and_changes_nothing(rpa_a: RPA, three: dict[str, Candidate]) -> None:
    """Given candidates past each period, when a dry run is made, then it counts the evidence copies of both older
    candidates and the one candidate to anonymise, names them, and every file and name is still there."""
    files_before = {key: _stored(c) for key, c in three.items()}
    run = retention_apply(rpa=rpa_a, dry_run=True)
    assert run.dry_run
    assert run.evidence_deleted == 4  # two subjects each of the two older candidates
    assert run.candidates_anonymised == 1
    assert run.details["anonymised"] == [three["old"].reference]
    assert sorted(run.details["evidence_deleted_for"]) == sorted([three["old"].reference, three["middle"].reference])
    assert run.files_deleted >= 13 and run.versions_rewritten == 1
    assert all(p.exists() for paths in files_before.values() for p in paths)
    assert Candidate.objects.get(pk=three["old"].pk).last_name == "Oldrecord"
    assert not Anonymisation.objects.exists()
    assert Level2Evidence.objects.exclude(file_path="").count() == 6


def test_s11_4_data1_the_run_deletes_evidence_and_anonymises_keeping_the_aggregates(
    rpa_a: RPA, three: dict[str, Candidate], django_capture_on_commit_callbacks: Any
) -> None:
    """Given the same candidates, when retention runs, then the older two lose their evidence copies (records kept,
    files gone), the oldest is anonymised everywhere (names, contact, free text, drafts and versions, history, the
    sign-in, files) while their outcome, counts and month-precision dates stay; the recent one is untouched; the run
    is reported to the RPA's lead; a second run finds nothing more."""
    lead = UserFactory(full_name="Lead Person")
    RPA.objects.filter(pk=rpa_a.pk).update(lead=lead)
    rpa_a.refresh_from_db()
    old, middle, recent = three["old"], three["middle"], three["recent"]
    old_files, middle_files, recent_files = _stored(old), _stored(middle), _stored(recent)
    old_user = User.objects.get(pk=old.user_id)
    outcome_before = Result.objects.get(candidate=old).outcome
    released_before = Result.objects.get(candidate=old).released_at
    counts_before = {label: len(rows) for label, rows in candidate_records(candidate=old).records.items()}

    with django_capture_on_commit_callbacks(execute=True):
        run = retention_apply(rpa=rpa_a, dry_run=False)

    assert (run.evidence_deleted, run.candidates_anonymised) == (4, 1)
    assert run.versions_rewritten == 1 and run.history_removed > 0
    # Evidence copies: gone from disk, records kept with their decision.
    assert not Level2Evidence.objects.filter(candidate__in=[old, middle]).exclude(file_path="").exists()
    assert Level2Evidence.objects.filter(candidate=middle).count() == 2
    assert not any(p.exists() for p in old_files) and not any(p.exists() for p in middle_files if "level2" in str(p))
    assert all(p.exists() for p in recent_files)
    # The oldest is anonymised; the aggregate figures stay.
    old.refresh_from_db()
    assert old.first_name == "Anonymised" and old.last_name == "Anonymised"
    assert old.date_of_birth is None and old.user_id is None and "example.invalid" in old.email
    assert old.created_at.day == 1 and old.created_at.hour == 0
    result = Result.objects.get(candidate=old)
    assert result.outcome == outcome_before
    assert result.released_at.year == released_before.year and result.released_at.month == released_before.month
    assert result.released_at.day == 1 and not result.letter_path
    assert FileVersion.objects.get(file__candidate=old).content == {}
    assert not CandidateEvent.objects.filter(pgh_obj_id=old.pk).exists()
    old_user.refresh_from_db()
    assert not old_user.is_active and old_user.full_name == "Anonymised" and not old_user.has_usable_password()
    assert not Notification.objects.filter(user=old_user).exists()
    counts_after = {label: len(rows) for label, rows in candidate_records(candidate=old).records.items()}
    # Every record tied to them by a ForeignKey is kept (the counts); those tied only by their email address (an
    # enquiry and its deadlines) no longer lead to them, which is the point.
    assert {k: v for k, v in counts_after.items() if k in EXPORTED_KINDS} == {
        k: v for k, v in counts_before.items() if k in EXPORTED_KINDS
    } | {"dataprotection.anonymisation": 1}
    assert not Enquiry.objects.filter(name__icontains="Oldrecord").exists()
    # Nothing of them is left in what an export would hand over.
    content, _ = export_archive(held=candidate_records(candidate=old))
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(content))
    text = b"".join(archive.read(n) for n in archive.namelist())
    assert b"Olwen" not in text and b"Oldrecord" not in text and b"1980-04-17" not in text
    assert not [n for n in archive.namelist() if n.startswith("files/")]
    # The recent candidate is untouched.
    recent.refresh_from_db()
    assert recent.last_name == "Recentone" and Level2Evidence.objects.filter(candidate=recent).exclude(file_path="")
    # Reported.
    note = Notification.objects.get(user=lead)
    assert "4 evidence copies deleted" in note.subject and "1 candidates anonymised" in note.subject
    assert note.link == reverse("retention-run-detail", args=[run.pk])
    again = retention_apply(rpa=rpa_a, dry_run=False)
    assert (again.evidence_deleted, again.candidates_anonymised) == (0, 0)


def test_s11_4_periods_are_per_rpa(rpa_a: RPA, rpa_b: RPA, three: dict[str, Candidate]) -> None:
    """Given RPA A keeps evidence 24 months, then its 13-month candidate's copies are not due; RPA B's periods are
    its own (nothing of A's is counted there)."""
    policy = retention_policy_for(rpa=rpa_a)
    policy.evidence_months = 24
    policy.save()
    run = retention_apply(rpa=rpa_a, dry_run=True)
    assert run.details["evidence_deleted_for"] == [three["old"].reference]
    assert retention_apply(rpa=rpa_b, dry_run=True).evidence_deleted == 0
    now = timezone.now()
    assert months_before(now, 24).year == now.year - 2


def test_s11_4_the_dry_run_command_prints_and_changes_nothing(rpa_a: RPA, three: dict[str, Candidate]) -> None:
    out = io.StringIO()
    call_command("retention_apply", "--dry-run", "--rpa", rpa_a.slug, stdout=out)
    text = out.getvalue()
    assert "would delete 4 evidence copies" in text and "would anonymise 1 candidates" in text
    assert three["old"].reference in text
    assert Candidate.objects.get(pk=three["old"].pk).last_name == "Oldrecord"
    assert RetentionRun.objects.get(rpa=rpa_a).dry_run


def test_s11_4_data1_retention_pages_dry_run_and_periods(
    rpa_a: RPA, three: dict[str, Candidate], make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    """The administrator sees the periods and runs, makes a dry run from the page (nothing changes) and changes the
    periods with errors shown for impossible values; a senior assessor is refused."""
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = client_for(admin)
    page = client.get(reverse("retention-run-list")).content.decode()
    assert "deleted 12 months after the outcome is released" in page
    response = client.post(reverse("retention-dry-run"), {})
    assert response.status_code == 302
    run = RetentionRun.objects.get(rpa=rpa_a)
    detail = client.get(response.url).content.decode()
    assert "Nothing was deleted" in detail and three["old"].reference in detail
    assert run.started_by == admin
    assert Candidate.objects.get(pk=three["old"].pk).last_name == "Oldrecord"
    policy = retention_policy_for(rpa=rpa_a)
    url = reverse("retention-policy-update", args=[policy.pk])
    bad = client.post(url, {"evidence_months": 0, "anonymise_years": 6, "export_link_days": 90, "note": ""})
    assert bad.status_code == 200 and "There is a problem" in bad.content.decode()
    good = client.post(url, {"evidence_months": 18, "anonymise_years": 7, "export_link_days": 5, "note": "Board"})
    assert good.status_code == 302
    policy.refresh_from_db()
    assert (policy.evidence_months, policy.anonymise_years, policy.export_link_days) == (18, 7, 5)
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get(reverse("retention-run-list")).status_code == 403
    assert senior.post(reverse("retention-dry-run"), {}).status_code == 403
