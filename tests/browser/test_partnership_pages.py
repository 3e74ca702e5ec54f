"""The Partnership's pages in headless Chromium, each passing axe: the national dashboard with its SVG charts and
tables (PART-2), the national fee and a new fee with an error first (PART-1, PAY-2), the month's standards (MOD-5);
an RPA administrator's own dashboard, its drill-downs, and the national settings read-only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessments.factories import AssessorFactory
from assessments.models import Outcome
from hnap.factories import MembershipFactory, PreparationProviderFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, NationalFee, NationalSampledStandards, User
from hnap.roles import Role
from moderation.factories import last_month
from moderation.models import Verdict
from tests.browser.conftest import assert_accessible
from tests.support.partnership_data import activity, decided_appeal, enquiries

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SignIn = Callable[..., Any]


def visit(page: Any, base: str, path: str) -> None:
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert_accessible(page)


def follow(page: Any, target: Any) -> None:
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def person(role: Role, *, rpa: RPA | None = None, name: str) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, role=role, rpa=rpa, pop=None)
    confirmed_totp_device(user)
    return user


def test_part1_part2_partnership_pages_are_accessible(
    live_server: Any, page: Any, sign_in_page: SignIn, rpa_a: RPA, rpa_b: RPA
) -> None:
    base = live_server.url
    ann = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Ann Assessor"))
    pop = PreparationProviderFactory(name="Meadow Preparation")
    pop.rpas.add(rpa_a)
    activity(rpa_a, assessor=ann, pop=pop)
    activity(rpa_a, assessor=ann, pop=pop, verdict=Verdict.OVERTURN, new_outcome=Outcome.FULL)
    activity(rpa_b)
    enquiries(rpa_a)
    decided_appeal(rpa_b, on_time=False)
    partnership = person(Role.PARTNERSHIP_ADMIN, name="Pam Partnership")
    admin = person(Role.RPA_ADMIN, rpa=rpa_a, name="Ada Admin")

    sign_in_page(partnership)
    visit(page, base, "/partnership/dashboard/")
    assert page.locator("svg[role=img]").count() >= 6
    assert page.locator("#by-rpa-table table").count() == 4
    follow(page, page.get_by_role("button", name="Show this period"))
    visit(page, base, "/partnership/dashboard/?start=2026-09&end=2026-01")  # the error summary
    assert page.locator(".govuk-error-summary").count() == 1

    visit(page, base, "/partnership/fee/")
    follow(page, page.get_by_role("link", name="Set a new fee"))
    page.fill("#id_amount", "0")
    follow(page, page.get_by_role("button", name="Set the fee"))
    assert page.locator(".govuk-error-summary").count() == 1
    start = timezone.localdate() + timedelta(days=14)
    page.fill("#id_amount", "475")
    page.fill("#id_effective_from", start.isoformat())
    page.fill("#id_review_due", (start + timedelta(days=365)).isoformat())
    follow(page, page.get_by_role("button", name="Set the fee"))
    assert NationalFee.objects.filter(effective_from=start, amount_pence=47500).exists()

    visit(page, base, "/partnership/standards/")
    visit(page, base, f"/partnership/standards/set/?month={last_month():%Y-%m}")
    page.check("input[name=standards][value='3']")
    page.check("input[name=standards][value='21']")
    follow(page, page.get_by_role("button", name="Save the standards"))
    standards = NationalSampledStandards.objects.get(month=last_month()).standards
    assert sorted(standards.values_list("number", flat=True)) == [3, 21]

    page.context.clear_cookies()
    sign_in_page(admin)
    visit(page, base, "/rpa-dashboard/")
    assert rpa_b.name not in page.content()
    follow(page, page.get_by_role("link", name="by assessor"))
    assert "Ann Assessor" in page.content()
    follow(page, page.get_by_role("link", name="By PoP"))
    assert "Meadow Preparation" in page.content()
    visit(page, base, "/partnership/fee/")
    assert page.get_by_role("link", name="Set a new fee").count() == 0
    visit(page, base, "/partnership/standards/")
