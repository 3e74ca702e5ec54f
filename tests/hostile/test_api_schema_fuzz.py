"""Schemathesis over the OpenAPI schema: every operation, as an RPA administrator and as a PoP user, answers no 500,
only status codes its schema documents, and bodies that match the schema (issue 10, bad input)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from hnap.models import PreparationProvider, User
from hnap.roles import Role
from hnap.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Small and derandomized: the same examples on every run, so CI is stable; the whole file stays well inside a minute.
EXAMPLES = 8


# The schema as the app serves it at /api/schema/ (no database needed), called in-process through WSGI.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=EXAMPLES, deterministic=True, allow_x00=True
)


@pytest.fixture
def in_test_transaction(db: None) -> Iterator[None]:
    """Requests through the bare WSGI app run inside the test's transaction, as Django's test client does: the
    handler's connection clean-up would otherwise close the connection the test's rollback needs."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _token_header(user: User) -> dict[str, str]:
    # API tokens skip the session's two-factor step (token authentication happens in the view, after the middleware).
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


@pytest.fixture
def rpa_admin_token(in_test_transaction: None, make_member: Any) -> dict[str, str]:
    return _token_header(make_member(Role.RPA_ADMIN))


@pytest.fixture
def pop_user_token(in_test_transaction: None, make_member: Any, pop_a: PreparationProvider) -> dict[str, str]:
    return _token_header(make_member(Role.POP_USER, pop=pop_a))


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None, derandomize=True, database=None)
def test_every_operation_as_rpa_administrator(case: schemathesis.Case, rpa_admin_token: dict[str, str]) -> None:
    """No 500; every status documented; JSON bodies conform to the schema."""
    case.call_and_validate(headers=rpa_admin_token, checks=CHECKS)


@schema.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None, derandomize=True, database=None)
def test_every_operation_as_pop_user(case: schemathesis.Case, pop_user_token: dict[str, str]) -> None:
    """The same for a PoP user, whose refusals (403, 404) differ from an administrator's."""
    case.call_and_validate(headers=pop_user_token, checks=CHECKS)
