"""PART-2 and APP-5 through the API: the national figures for the Partnership only, an RPA administrator's own RPA
only, 400 with field errors for a wrong period, and the OpenAPI schema documenting both without warnings."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.test import Client

from candidates.models import Candidate
from hnap.models import RPA, User
from tests.support.partnership_data import activity, decided_appeal, enquiries, this_month

pytestmark = pytest.mark.django_db

API = "/api/v1"


def test_part2_app5_the_partnership_reads_every_rpas_figures_by_month_without_personal_data(
    client_for: Callable[[User], Client], partnership_admin: User, admin_a: User, rpa_a: RPA, rpa_b: RPA
) -> None:
    activity(rpa_a, last_name="Apifield")
    enquiries(rpa_a)
    decided_appeal(rpa_b)
    response = client_for(partnership_admin).get(f"{API}/partnership/dashboard/")
    assert response.status_code == 200
    rows = {(row["rpa"], row["month"]): row for row in response.json()}
    a = rows[(rpa_a.name, f"{this_month():%Y-%m}")]
    assert (a["registrations"], a["decisions"], a["enquiries"], a["answer_share"]) == (1, 1, 2, 50)
    assert rows[(rpa_b.name, f"{this_month():%Y-%m}")]["appeals_on_time"] == 1
    body = response.content.decode()
    for candidate in Candidate.objects.all():
        assert candidate.last_name not in body and candidate.email not in body and candidate.reference not in body
    assert client_for(admin_a).get(f"{API}/partnership/dashboard/").status_code == 403


def test_part2_an_rpa_administrator_reads_only_their_own_rpas_figures(
    client_for: Callable[[User], Client], partnership_admin: User, admin_a: User, rpa_a: RPA, rpa_b: RPA
) -> None:
    activity(rpa_a)
    activity(rpa_b)
    activity(rpa_b)
    response = client_for(admin_a).get(f"{API}/rpa-dashboard/", {"rpa": rpa_b.slug})
    assert response.status_code == 200
    assert {row["rpa"] for row in response.json()} == {rpa_a.name}
    assert sum(row["registrations"] for row in response.json()) == 1
    assert client_for(partnership_admin).get(f"{API}/rpa-dashboard/").status_code == 403


def test_part2_a_wrong_period_answers_400_with_field_errors(
    client_for: Callable[[User], Client], partnership_admin: User
) -> None:
    client = client_for(partnership_admin)
    response = client.get(f"{API}/partnership/dashboard/", {"start": "2026-09", "end": "2026-01"})
    assert response.status_code == 400 and "end" in response.json()
    response = client.get(f"{API}/partnership/dashboard/", {"start": "September"})
    assert response.status_code == 400 and "start" in response.json()
    response = client.get(f"{API}/partnership/dashboard/", {"start": "2026-01", "end": "2026-03"})
    assert response.status_code == 200 and len(response.json()) == 3 * RPA.objects.count()


def test_the_openapi_schema_documents_the_dashboards_api_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in ("/api/v1/partnership/dashboard/", "/api/v1/rpa-dashboard/"):
        assert "get" in paths[path], path
        assert {p["name"] for p in paths[path]["get"]["parameters"]} >= {"start", "end"}
