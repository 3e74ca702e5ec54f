"""Query-count guards: the list pages and list endpoints of enquiries and appeals (the queue and SLA dashboard of
ENQ-3, appeals, referrals of APP-6, monitoring of APP-5) keep the same number of queries as their rows grow."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from appeals.factories import appeal_for, enquiry_for
from appeals.services import appeal_acknowledge, appeal_decide, appeal_refer, enquiry_acknowledge
from hnap.models import RPA, User
from hnap.roles import Role

pytestmark = pytest.mark.django_db

PAGES = [
    "/enquiries/",
    "/enquiries/?state=answered",
    "/enquiries/sla/",
    "/appeals/",
    "/referrals/",
    "/appeals-monitoring/",
    "/api/v1/enquiries/",
    "/api/v1/appeals/",
    "/api/v1/referrals/",
]


def _rows(rpa: RPA, n: int) -> None:
    """`n` enquiries (half acknowledged, one answered) and `n` appeals, one of them referred."""
    for i in range(n):
        enquiry = enquiry_for(rpa, subject=f"Question {i}")
        if i % 2:
            enquiry_acknowledge(enquiry=enquiry, message="Received.", acting_user=None)
        appeal = appeal_for(rpa)
        if i == 0:
            appeal_acknowledge(appeal=appeal, working_days=10, acting_user=None)
            appeal_decide(appeal=appeal, decision="not_upheld", reasons="No fault.", acting_user=None)
            appeal_refer(appeal=appeal, reasons="Still unfair.", acting_user=appeal.candidate.user)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("role", [Role.RPA_ADMIN, Role.PARTNERSHIP_ADMIN])
def test_enq3_app5_app6_list_pages_and_endpoints_keep_a_constant_query_count(
    role: Role, rpa_a: RPA, make_member: Callable[..., User], client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_member(role, rpa=rpa_a) if role != Role.PARTNERSHIP_ADMIN else make_member(role))
    _rows(rpa_a, 2)
    allowed = [url for url in PAGES if client.get(url).status_code == 200]
    few = {url: _queries(client, url) for url in allowed}
    _rows(rpa_a, 6)
    many = {url: _queries(client, url) for url in allowed}
    assert many == few
    expected = PAGES if role == Role.RPA_ADMIN else ["/referrals/", "/appeals-monitoring/", "/api/v1/referrals/"]
    assert allowed == expected
