"""The transfers app's part of the tenant-isolation registry: every page of a transfer (RISK-1) is a tenant route on
Transfer. The matrix's records are proposals from RPA A (and RPA B) to a third RPA, named by the marker: a completed
transfer is also shown to the receiving RPA's administrators (tests/transfers/test_pages.py), so neither of the
matrix's two RPAs receives one here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from hnap.models import RPA
from tests.support.matrix_types import Setting, TenantModel
from transfers.models import Transfer, TransferScope

THIRD_RPA = "university-of-northampton"


def _proposal(rpa: RPA, marker: str) -> Transfer:
    return Transfer.objects.create(
        rpa=rpa,
        to_rpa=RPA.objects.get(slug=THIRD_RPA),
        scope=TransferScope.ALL_OPEN,
        chosen_label=marker,
        reason=marker,
    )


def transfer_payload(setting: Setting) -> dict[str, Any]:
    """A proposal of all RPA A's open work (the matrix's candidates of RPA A), and the fields of each action."""
    return {
        "scope": TransferScope.ALL_OPEN.value,
        "to_rpa": RPA.objects.get(slug=THIRD_RPA).pk,
        "reason": "Written by the matrix",
        "note": "Written by the matrix",
        "confirm": "on",
    }


TRANSFER_MODELS: dict[type[models.Model], TenantModel] = {
    Transfer: TenantModel(make=_proposal, payload=transfer_payload),
}

TRANSFER_ROUTE_PAYLOADS: dict[str, Callable[[Setting], dict[str, Any]]] = {}

TRANSFER_EXEMPT_ROUTES: dict[str, str] = {}
