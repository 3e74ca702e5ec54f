"""The partnership app's part of the tenant-isolation registry. Its pages show national reference data (the fee and
the standards every RPA samples) or aggregates (the dashboards), never a tenant's record by id, so every route is
exempt with its reason; that the RPA dashboard never shows another RPA's figures and the national one no personal
data is tested in tests/partnership/test_dashboard_pages.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from tests.support.matrix_types import Setting, TenantModel

PARTNERSHIP_MODELS: dict[type[models.Model], TenantModel] = {}

PARTNERSHIP_ROUTE_PAYLOADS: dict[str, Callable[[Setting], dict[str, Any]]] = {}

PARTNERSHIP_EXEMPT_ROUTES: dict[str, str] = {
    "partnership-fee": "the national fee (PART-1): Partnership reference data, the same for every RPA; read-only for "
    "RPA staff, 403 for other roles",
    "partnership-fee-set": "sets the national fee: Partnership administrators only (403 for every RPA role, tested in "
    "tests/partnership/test_settings_pages.py); no tenant data",
    "partnership-standards": "the nationally agreed standards by month (PART-1, MOD-5): Partnership reference data; "
    "read-only for RPA staff",
    "partnership-standards-set": "sets a month's national standards: Partnership administrators only (403 for every "
    "RPA role); no tenant data",
    "partnership-dashboard": "national aggregates (PART-2): counts by RPA and month, no record and no personal data; "
    "Partnership administrators only (tested in tests/partnership/test_dashboard_pages.py)",
    "partnership-dashboard-export": "the national aggregates as CSV: counts only; Partnership administrators only",
    "rpa-dashboard": "aggregates of the administrator's own RPA, chosen from their memberships, never from the request "
    "(RPA B's figures never in RPA A's: tests/partnership/test_dashboard_pages.py)",
    "rpa-dashboard-export": "the own RPA's aggregates as CSV, the RPA taken from the memberships",
    "rpa-dashboard-assessors": "the own RPA's counts per assessor, the RPA taken from the memberships (tested in "
    "tests/partnership/test_dashboard_pages.py)",
    "rpa-dashboard-pops": "the own RPA's counts per PoP, the RPA taken from the memberships",
    "api-partnership-dashboard-list": "API of the national aggregates (also its .json form): counts by RPA and month, "
    "Partnership administrators only (tests/partnership/test_api.py)",
    "api-rpa-dashboard-list": "API of the own RPA's aggregates (also .json), the RPA taken from the memberships "
    "(tests/partnership/test_api.py)",
}
