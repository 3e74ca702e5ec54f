"""seed_scale at a tiny scale: the national dataset's invariants hold, so `make bench` and `make load` cannot rot."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, models
from django.test import Client

from appeals.models import Appeal, Enquiry
from assessments.models import Assessment, AssessmentFile, Assessor, FileVersion, Result
from candidates.models import Candidate, PreparationCourse
from hnap.invariants import invariants_check
from hnap.models import RPA, Deadline, PreparationProvider, User
from hnap.roles import Role
from hnap.scale import ScaleSizes, scale_sign_ins, seed_marker, seed_marker_read
from moderation.models import ModerationDecision, ModerationEvent, SampleEntry
from tests.conftest import sign_in

pytestmark = pytest.mark.django_db

SCALE = 0.01


@pytest.fixture
def seeded() -> str:
    """The dataset at SCALE, seeded once in this test's transaction; the command's output."""
    out = StringIO()
    call_command("seed_scale", scale=SCALE, seed=7, stdout=out)
    return out.getvalue()


def test_seed_scale_counts_follow_the_scale_and_progress_is_reported(seeded: str) -> None:
    sizes = ScaleSizes.at(SCALE)
    assert Candidate.objects.count() == sizes.candidates
    assert Assessor.objects.count() == sizes.assessors_per_rpa * RPA.objects.count()
    assert PreparationProvider.objects.count() == sizes.pops
    assert PreparationCourse.objects.count() == sizes.pops * 5  # a course a year for five years
    assert Enquiry.objects.count() == sizes.enquiries
    assert Deadline.objects.count() == 2 * sizes.enquiries  # acknowledge and answer, for each enquiry
    registered = Candidate.objects.filter(status="registered").count()
    assert registered >= 0.9 * sizes.candidates
    assert Assessment.objects.count() == AssessmentFile.objects.count() == registered
    for stage in ("places", "candidates", "assessors", "assessments", "moderation", "enquiries", "sign-ins"):
        assert f"] {stage}: " in seeded
    assert seed_marker_read() == seed_marker(scale=SCALE, seed=7)


def test_seed_scale_gives_every_rpa_every_kind_of_record(seeded: str) -> None:
    for rpa in RPA.objects.all():
        for model in (
            Candidate,
            PreparationCourse,
            Assessor,
            Assessment,
            AssessmentFile,
            FileVersion,
            Result,
            ModerationEvent,
            SampleEntry,
            ModerationDecision,
            Enquiry,
            Appeal,
            Deadline,
        ):
            assert model.objects.filter(rpa=rpa).exists(), f"{rpa} has no {model.__name__}"
        assert Deadline.objects.filter(rpa=rpa, state="open").exists()
        assert ModerationEvent.objects.filter(rpa=rpa, state="closed").count() >= 12 * 4  # five years of months
        assert AssessmentFile.objects.filter(rpa=rpa, state="draft").exists()  # work booked ahead
        assert AssessmentFile.objects.filter(rpa=rpa, state__in=["submitted", "accepted", "returned"]).exists()


def test_seed_scale_holds_the_weekly_cap_and_files_have_their_versions(seeded: str) -> None:
    """ALL-3: no assessor has more than five bookings in a week; every submitted file has its versions."""
    assert invariants_check()["weekly-cap"] == 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM assessments_assessmentfile f WHERE f.version_count <> "
            "(SELECT count(*) FROM assessments_fileversion v WHERE v.file_id = f.id)"
        )
        assert cursor.fetchone()[0] == 0
    assert not AssessmentFile.objects.exclude(state="draft").filter(versions__isnull=True).exists()
    # Each booking is with an assessor of the candidate's own RPA.
    assert not Assessment.objects.exclude(assessor__rpa_id=models.F("rpa_id")).exists()


def test_seed_scale_sign_ins_see_their_pages(seeded: str) -> None:
    """Each documented sign-in exists with its role, and the pages of its work render on the dataset."""
    rpas = list(RPA.objects.order_by("pk"))
    sign_ins = {s.email: s for s in scale_sign_ins(rpas)}
    for email, spec in sign_ins.items():
        user = User.objects.get(email=email)
        assert user.check_password("hnap-demo-2026")
        assert user.memberships.filter(role=spec.role).exists(), email
    first = rpas[0].slug
    pages = {
        f"admin.{first}": ["/candidates/", "/assessments/", "/assessments/files/", "/enquiries/", "/rpa-dashboard/",
                           "/moderation/events/", "/appeals/", "/deadlines/", "/api/v1/candidates/"],
        f"assessor.{first}": ["/my-assessments/", "/assessments/files/"],
        f"moderator.{first}": ["/moderation/events/"],
        "partnership": ["/partnership/dashboard/"],
        "pop": ["/candidates/"],
    }  # fmt: skip
    for who, urls in pages.items():
        client = sign_in(Client(), User.objects.get(email=f"{who}@scale.hnap.test"))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
    admin = sign_in(Client(), User.objects.get(email=f"admin.{first}@scale.hnap.test"))
    candidate = Candidate.objects.filter(rpa=rpas[0], status="registered").first()
    assert candidate is not None
    assert admin.get(f"/candidates/{candidate.pk}/").status_code == 200
    file = AssessmentFile.objects.filter(rpa=rpas[0], state="closed").first()
    assert file is not None
    assert admin.get(f"/assessments/files/{file.pk}/").status_code == 200
    assert Role.CANDIDATE in {s.role for s in sign_ins.values()}


def test_seed_scale_refuses_a_database_with_data(seeded: str) -> None:
    """Never adds to (or wipes) a database that has data, unless --force says so."""
    before = Candidate.objects.count()
    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", scale=SCALE, stdout=StringIO())
    assert Candidate.objects.count() == before
    call_command("seed_scale", scale=SCALE, seed=8, force=True, stdout=StringIO())
    assert Candidate.objects.count() == 2 * before
    assert invariants_check()["weekly-cap"] == 0
