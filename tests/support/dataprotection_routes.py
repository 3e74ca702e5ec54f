"""The dataprotection app's part of the tenant-isolation registry: how to build each of its records in an RPA
(with the matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from candidates.factories import CandidateFactory
from dataprotection.factories import breach_for, ready_export
from dataprotection.models import Breach, RetentionPolicy, RetentionRun, SubjectAccessExport
from hnap.factories import UserFactory
from hnap.models import RPA
from tests.support.matrix_types import Setting, TenantModel


def _run(rpa: RPA, marker: str) -> RetentionRun:
    """A dry run started by a person named `marker` (the run's pages show who started it)."""
    now = timezone.now()
    return RetentionRun.objects.create(
        rpa=rpa, dry_run=True, evidence_before=now, anonymise_before=now, started_by=UserFactory(full_name=marker)
    )


def _policy(rpa: RPA, marker: str) -> RetentionPolicy:
    policy, _ = RetentionPolicy.objects.update_or_create(rpa=rpa, defaults={"note": marker})
    return policy


def _export_payload(setting: Setting) -> dict[str, Any]:
    candidate = CandidateFactory(rpa=setting.rpa, last_name="Matrixexport")
    candidate.reference = f"HLTA-MX-{candidate.pk:06d}"
    candidate.save(update_fields=["reference"])
    return {"candidate_reference": candidate.reference}


def _breach_payload(setting: Setting) -> dict[str, Any]:
    found = timezone.now().replace(microsecond=0)
    return {
        "title": "Written by the matrix",
        "what_happened": "Written by the matrix",
        "data_affected": "Written by the matrix",
        "people_affected": 1,
        "found_at": found.strftime("%Y-%m-%d %H:%M"),
        "people_told": "",
        "ico_reason": "Written by the matrix",
    }


DATAPROTECTION_MODELS: dict[type[models.Model], TenantModel] = {
    # An export's pages show the candidate's name: the marker is their last name.
    SubjectAccessExport: TenantModel(
        make=lambda rpa, marker: ready_export(rpa, last_name=marker), payload=_export_payload
    ),
    RetentionRun: TenantModel(make=_run, payload=lambda setting: {}),
    RetentionPolicy: TenantModel(
        make=_policy,
        payload=lambda setting: {
            "evidence_months": 12,
            "anonymise_years": 6,
            "export_link_days": 7,
            "note": "Written by the matrix",
        },
    ),
    Breach: TenantModel(make=lambda rpa, marker: breach_for(rpa, title=marker), payload=_breach_payload),
}

DATAPROTECTION_ROUTE_PAYLOADS: dict[str, Any] = {}

DATAPROTECTION_EXEMPT_ROUTES: dict[str, str] = {}
