"""The candidates app's part of the tenant-isolation registry: how to build each of its records in an RPA
(with the matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.utils import timezone

from candidates import models as cm
from candidates.factories import (
    CandidateFactory,
    ChangeReportFactory,
    DisabilityDisclosureFactory,
    EmployerDeclarationFactory,
    InvoiceFactory,
    Level2EvidenceFactory,
    PaymentFactory,
    PreparationCourseFactory,
    RegionalChargeFactory,
)
from hnap.factories import SchoolFactory
from hnap.models import School
from tests.support.matrix_types import Setting, TenantModel


@functools.cache
def _names() -> Any:
    return iter(range(10**6))


def _course(setting: Setting) -> cm.PreparationCourse:
    course = cm.PreparationCourse.objects.filter(pop=setting.pop, rpa=setting.rpa).first()
    return course or PreparationCourseFactory(pop=setting.pop, rpa=setting.rpa, name="Matrix course")


def _school(setting: Setting) -> School:
    return SchoolFactory(urn=990001, name="Matrix School", rpa=setting.rpa)


def candidate_payload(setting: Setting) -> dict[str, Any]:
    """An application by PoP A for a school in RPA A's area."""
    n = next(_names())
    return {
        "first_name": "Matrix",
        "last_name": f"Applicant {n}",
        "email": f"matrix{n}@example.org",
        "job_title": "Teaching assistant",
        "age_range_from": 5,
        "age_range_to": 11,
        "funding_source": "school",
        "school_urn": _school(setting).urn,
        "course": _course(setting).pk,
    }


def course_payload(setting: Setting) -> dict[str, Any]:
    start = timezone.localdate() + timedelta(days=30)
    return {
        "name": "Written by the matrix",
        "registers_with": setting.rpa.slug,
        "first_session": start.isoformat(),
        "second_session": (start + timedelta(days=14)).isoformat(),
        "final_session": (start + timedelta(days=42)).isoformat(),
    }


def import_payload(setting: Setting) -> dict[str, Any]:
    """A cohort CSV of one row, as the HTML import form takes it."""
    n = next(_names())
    school = _school(setting)
    text = (
        "first_name,last_name,email,school_urn,job_title,age_range_from,age_range_to,funding_source\n"
        f"Imported,Person {n},imported{n}@example.org,{school.urn},Teaching assistant,5,11,school\n"
    )
    return {"course": _course(setting).pk, "file": SimpleUploadedFile("cohort.csv", text.encode(), "text/csv")}


def api_import_payload(setting: Setting) -> dict[str, Any]:
    payload = import_payload(setting)
    return {"course": payload["course"], "csv": payload["file"].read().decode()}


CANDIDATE_MODELS: dict[type[models.Model], TenantModel] = {
    cm.Candidate: TenantModel(
        make=lambda rpa, marker: CandidateFactory(rpa=rpa, last_name=marker),
        payload=candidate_payload,
    ),
    cm.PreparationCourse: TenantModel(
        make=lambda rpa, marker: PreparationCourseFactory(rpa=rpa, name=marker),
        payload=course_payload,
    ),
    cm.EmployerDeclaration: TenantModel(
        make=lambda rpa, marker: EmployerDeclarationFactory(candidate=CandidateFactory(rpa=rpa), sent_to_name=marker),
        payload=lambda setting: {"sent_to_name": "Matrix Head", "sent_to_email": "head@matrix.example.org"},
    ),
    cm.Level2Evidence: TenantModel(
        make=lambda rpa, marker: Level2EvidenceFactory(
            candidate=CandidateFactory(rpa=rpa), other_qualification_name=marker, text=marker
        ),
        payload=lambda setting: {"accept": "false", "note": "Written by the matrix"},
    ),
    cm.DisabilityDisclosure: TenantModel(
        make=lambda rpa, marker: DisabilityDisclosureFactory(candidate=CandidateFactory(rpa=rpa), disclosure=marker),
        payload=lambda setting: {"adjustments_made": "Written by the matrix"},
    ),
    cm.ChangeReport: TenantModel(
        make=lambda rpa, marker: ChangeReportFactory(candidate=CandidateFactory(rpa=rpa), description=marker),
        payload=lambda setting: {"resolution": "Written by the matrix"},
    ),
    cm.RegionalCharge: TenantModel(
        make=lambda rpa, marker: RegionalChargeFactory(rpa=rpa, name=marker),
        payload=lambda setting: {
            "name": f"Matrix charge {next(_names())}",
            "amount_pence": 1000,
            "description": "Written by the matrix",
        },
    ),
    cm.Invoice: TenantModel(
        make=lambda rpa, marker: InvoiceFactory(candidate=CandidateFactory(rpa=rpa), payer_name=marker),
        payload=lambda setting: {
            "amount_pence": 45000,
            "received_on": timezone.localdate().isoformat(),
            "reference": "Written by the matrix",
        },
    ),
    cm.Payment: TenantModel(
        make=lambda rpa, marker: PaymentFactory(
            invoice=InvoiceFactory(candidate=CandidateFactory(rpa=rpa)), reference=marker[:100]
        ),
        payload=lambda setting: {"amount_pence": 100, "received_on": timezone.localdate().isoformat()},
    ),
}

# Routes whose body is not the model's: the cohort imports take a CSV.
CANDIDATE_ROUTE_PAYLOADS = {
    "candidate-import": import_payload,
    "api-candidate-import": api_import_payload,
}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
CANDIDATE_EXEMPT_ROUTES: dict[str, str] = {
    "declaration-public": "the employer's public page, reached by a signed single-use token; shows only that "
    "declaration's candidate (tested in tests/candidates/test_application_pages.py)",
    "candidate-import-template": "the signed-in PoP's CSV template: a header and an example row, no records",
    "qualification-list": "the Partnership's accepted Level 2 list: national reference data, not a tenant's",
    "qualification-create": "adds to the Partnership's Level 2 list (Partnership administrators only); no tenant data",
    "qualification-update": "changes the Partnership's Level 2 list (Partnership administrators only); no tenant data",
    "api-level2-qualification-list": "API read of the accepted Level 2 list (also its .json form): national "
    "reference data, not a tenant's",
    "api-level2-qualification-detail": "API read of one accepted Level 2 qualification (also .json): national "
    "reference data",
}
