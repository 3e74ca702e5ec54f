"""The data-protection lists keep a constant number of queries as their rows grow (no N+1)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dataprotection.factories import breach_for, ready_export
from dataprotection.models import RetentionRun
from hnap.factories import UserFactory
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db


def _queries(client: Client, url: str) -> int:
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add(rpa: RPA, admin: User, n: int) -> None:
    now = timezone.now()
    for i in range(n):
        ready_export(rpa, last_name=f"Listed{i}", requested_by=UserFactory())
        breach_for(rpa, title=f"Breach {i}")
        RetentionRun.objects.create(
            rpa=rpa, dry_run=bool(i % 2), evidence_before=now, anonymise_before=now, started_by=UserFactory()
        )


@pytest.mark.parametrize("name", ["export-list", "breach-list", "retention-run-list"])
def test_data1_lists_use_a_constant_number_of_queries(
    name: str, rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    client = client_for(admin)
    _add(rpa_a, admin, 3)
    few = _queries(client, reverse(name))
    _add(rpa_a, admin, 25)
    many = _queries(client, reverse(name))
    assert few == many, f"{name}: {few} queries for 3 rows but {many} for 28"
