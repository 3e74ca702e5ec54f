"""The REST API base: /api/v1/ with session and token authentication, the OpenAPI 3 schema, errors as JSON."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from django.test import Client
from rest_framework.authtoken.models import Token

from hnap.factories import DeadlineFactory
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_v1_endpoints() -> None:
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/deadlines/" in schema["paths"]
    assert "/api/v1/closure-days/" in schema["paths"]


def test_api_needs_authentication() -> None:
    response = Client().get("/api/v1/deadlines/")
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")


def test_token_authentication_works_for_a_privileged_role_without_a_browser_session(
    make_member: Any, rpa_a: Any
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    DeadlineFactory(rpa=rpa_a, title="Answer the enquiry")
    token = Token.objects.create(user=admin)
    response = Client().get("/api/v1/deadlines/", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert [row["title"] for row in response.json()["results"]] == ["Answer the enquiry"]


def test_session_api_for_a_privileged_role_needs_a_verified_session(make_member: Any, rpa_a: Any) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = Client()
    client.force_login(admin)  # signed in but no second factor given
    assert client.get("/api/v1/deadlines/").status_code == 403


def test_bad_input_answers_400_with_field_errors(make_member: Any, client_for: Any, rpa_a: Any) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    response = client_for(admin).post("/api/v1/closure-days/", {"day": "not-a-date"}, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"day", "reason"}


def test_creating_a_closure_day_takes_the_rpa_from_the_membership(
    make_member: Any, client_for: Any, rpa_a: Any, rpa_b: Any
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    response = client_for(admin).post(
        "/api/v1/closure-days/",
        {"day": "2027-02-15", "reason": "Training", "rpa": rpa_b.slug},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["rpa"] == rpa_a.slug
