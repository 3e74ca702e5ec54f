"""Schemathesis over the OpenAPI schema: every operation, as an RPA administrator and as a PoP user, answers no 500,
only status codes its schema documents, and bodies that match the schema (issue 10, bad input)."""

from __future__ import annotations

import os
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
# Small and derandomized: the same examples on every run, so CI is stable and the file stays within its budget.
ADMIN_EXAMPLES = int(os.environ.get("HNAP_FUZZ_ADMIN_EXAMPLES", "4"))
POP_EXAMPLES = int(os.environ.get("HNAP_FUZZ_POP_EXAMPLES", "2"))


# The schema as the app serves it at /api/schema/ (no database needed), called in-process through WSGI.
_served = schemathesis.openapi.from_wsgi("/api/schema/", application)


def _fuzzing(*, modes: list[str], max_examples: int, coverage: bool) -> Any:
    """The served schema with its own generation settings (each role's run is sized on its own)."""
    schema = schemathesis.openapi.from_dict(_served.raw_schema)
    schema.app = application
    schema.location = _served.location
    schema.config.generation.update(modes=modes, max_examples=max_examples, deterministic=True, allow_x00=True)
    # The coverage phase sends each parameter's edge cases (empty, null, out of range, wrong type): it found the
    # non-numeric ids and year 0, but it is the costly part, so the second role runs without it.
    schema.config.phases.coverage.enabled = coverage
    return schema


as_administrator = _fuzzing(modes=["positive", "negative"], max_examples=ADMIN_EXAMPLES, coverage=True)
# A PoP user is refused (403/404) before most bodies are read: valid data is what reaches their code paths.
as_pop_user = _fuzzing(modes=["positive"], max_examples=POP_EXAMPLES, coverage=False)


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


@as_administrator.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None, derandomize=True, database=None)
def test_every_operation_as_rpa_administrator(case: schemathesis.Case, rpa_admin_token: dict[str, str]) -> None:
    """No 500; every status documented; JSON bodies conform to the schema."""
    case.call_and_validate(headers=rpa_admin_token, checks=CHECKS)


@as_pop_user.parametrize()
@settings(suppress_health_check=list(HealthCheck), deadline=None, derandomize=True, database=None)
def test_every_operation_as_pop_user(case: schemathesis.Case, pop_user_token: dict[str, str]) -> None:
    """The same for a PoP user, whose refusals (403, 404) differ from an administrator's."""
    case.call_and_validate(headers=pop_user_token, checks=CHECKS)
