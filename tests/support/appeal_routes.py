"""The appeals app's part of the tenant-isolation registry: how to build each of its records in an RPA (with the
matrix's marker in a field its pages show) and a body that writes one."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from appeals.factories import appeal_for, enquiry_for, senior_of
from appeals.models import Appeal, Enquiry, MonitoringShare, Referral, ReviewPanel
from appeals.services import appeal_acknowledge, appeal_decide, appeal_refer, monitoring_share, panel_convene
from hnap.factories import RPAFactory
from hnap.models import RPA
from tests.support.matrix_types import Setting, TenantModel


def _acknowledged(rpa: RPA, last_name: str) -> Appeal:
    """An appeal of `rpa` whose candidate is named `last_name`, acknowledged (so its letter exists)."""
    appeal = appeal_for(rpa, result_fields={"last_name": last_name})
    return appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)


def _referral(rpa: RPA, last_name: str) -> Referral:
    appeal = appeal_decide(
        appeal=_acknowledged(rpa, last_name), decision="not_upheld", reasons="No fault.", acting_user=None
    )
    return appeal_refer(appeal=appeal, reasons="Still dissatisfied.", acting_user=appeal.candidate.user)


def _panel(rpa: RPA, last_name: str) -> ReviewPanel:
    # Two RPAs of their own (neither the matrix's A nor B), made once and reused.
    others = [RPAFactory(slug=slug, name=f"Panel RPA {slug[-3:]}") for slug in ("matrix-panel-one", "matrix-panel-two")]
    return panel_convene(
        referral=_referral(rpa, last_name),
        member_one=senior_of(others[0]),
        member_two=senior_of(others[1]),
        acting_user=None,
    )


def enquiry_payload(setting: Setting) -> dict[str, Any]:
    """A logged enquiry (the create page and endpoint), and the fields of a reply or a note on one."""
    return {
        "channel": "email",
        "name": "Matrix Enquirer",
        "email": "matrix.enquirer@example.org",
        "phone": "",
        "organisation": "",
        "nature": "other",
        "subject": "Written by the matrix",
        "message": "Written by the matrix",
        "direction": "note",
        "body": "Written by the matrix",
    }


APPEAL_MODELS: dict[type[models.Model], TenantModel] = {
    # An enquiry's pages show its subject.
    Enquiry: TenantModel(make=lambda rpa, marker: enquiry_for(rpa, subject=marker), payload=enquiry_payload),
    # An appeal's, a referral's and a panel's pages show the candidate's name: the marker is their last name.
    Appeal: TenantModel(
        make=_acknowledged,
        payload=lambda setting: {"working_days": 10, "decision": "upheld", "reasons": "Written by the matrix"},
    ),
    Referral: TenantModel(make=_referral, payload=lambda setting: {"member_one": "", "member_two": ""}),
    ReviewPanel: TenantModel(
        make=_panel, payload=lambda setting: {"decision": "dismiss", "reasons": "Written by the matrix"}
    ),
    MonitoringShare: TenantModel(
        make=lambda rpa, marker: monitoring_share(
            rpa=rpa, year=timezone.localdate().year, note=marker, acting_user=None
        ),
        payload=lambda setting: {"year": timezone.localdate().year, "note": "Written by the matrix"},
    ),
}

APPEAL_ROUTE_PAYLOADS: dict[str, Any] = {}

# URL name -> why the route shows no tenant's records (merged into EXEMPT_ROUTES).
APPEAL_EXEMPT_ROUTES: dict[str, str] = {
    "contact-index": "public list of the RPAs' contact and appeals-procedure pages; RPA names only",
    "rpa-contact": "public contact page of one RPA (ENQ-2: what it publishes) and its enquiry form, which only "
    "creates (tested in tests/appeals/test_public_pages.py)",
    "rpa-contact-sent": "public thanks page: the reference of the enquiry this browser session just sent, no other",
    "rpa-appeals-procedure": "public appeals procedure of one RPA (APP-2: what it publishes)",
    "panel-mine": "the signed-in person's own sitting panels, read through restrict (their object grants, APP-7)",
    "appeal-monitoring-export": "CSV of counts only (APP-5) of the user's own RPAs, read through restrict; 403 for "
    "roles that see no RPA's appeals (tested in tests/appeals/test_pages.py)",
}
