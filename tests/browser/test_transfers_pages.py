"""Transfers between RPAs (RISK-1) in headless Chromium, each page passing axe: the sending RPA's administrator
proposes a cohort's transfer (an error summary first), the Partnership reads the preview of what will move, confirms
(an error summary first) and reads the summary;
the receiving RPA's administrator finds the record and the candidates."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from candidates.factories import PreparationCourseFactory
from candidates.models import Candidate
from hnap.factories import MembershipFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from tests.browser.conftest import assert_accessible
from tests.transfers.conftest import whole_candidate
from transfers.models import Transfer, TransferState

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SignIn = Callable[..., Any]


def person(role: Role, *, rpa: RPA | None = None, name: str) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, role=role, rpa=rpa, pop=None)
    confirmed_totp_device(user)
    return user


def submit(page: Any, label: str) -> None:
    with page.expect_navigation():
        page.click(f"button:has-text('{label}')")
    assert_accessible(page)


def test_risk1_transfer_pages_are_accessible_from_proposal_to_summary(
    live_server: Any, page: Any, sign_in_page: SignIn, rpa_a: RPA, rpa_b: RPA
) -> None:
    base = live_server.url
    course = PreparationCourseFactory(rpa=rpa_a, name="Spring cohort")
    cohort = [whole_candidate(rpa_a, course=course) for _ in range(2)]
    sender = person(Role.RPA_ADMIN, rpa=rpa_a, name="Sam Sender")
    partnership = person(Role.PARTNERSHIP_ADMIN, name="Pam Partnership")
    receiver = person(Role.RPA_ADMIN, rpa=rpa_b, name="Rae Receiver")

    # The sending RPA's administrator proposes the cohort's transfer.
    sign_in_page(sender)
    page.goto(f"{base}/transfers/")
    assert_accessible(page)
    page.click("a:has-text('Propose a transfer')")
    page.wait_for_selector("h1:has-text('Propose a transfer')")
    assert_accessible(page)
    page.check("input[value='course']")
    page.select_option("#id_to_rpa", str(rpa_b.pk))
    submit(page, "Propose the transfer")  # no course, no reason
    assert page.locator(".govuk-error-summary").is_visible()
    assert "Choose the course" in page.inner_text(".govuk-error-summary")
    page.select_option("#id_course", str(course.pk))
    page.fill("#id_reason", "We can no longer carry out our functions (RISK-1).")
    submit(page, "Propose the transfer")
    assert "Transfer proposed" in page.inner_text("main")
    assert page.locator("#preview").is_visible()
    transfer = Transfer.objects.get()
    page.context.clear_cookies()

    # The Partnership reads what will move and confirms.
    sign_in_page(partnership)
    page.goto(f"{base}/transfers/{transfer.pk}/")
    assert_accessible(page)
    page.click("a:has-text('Approve and carry out')")
    page.wait_for_selector("#preview-records")
    assert_accessible(page)
    assert "File versions" in page.inner_text("#preview-records")
    submit(page, "Transfer the candidates")  # not confirmed
    assert "Confirm that you approve" in page.inner_text(".govuk-error-summary")
    page.check("#id_confirm")
    submit(page, "Transfer the candidates")
    assert "2 candidate(s) transferred" in page.inner_text("main")
    assert "2 candidates moved" in page.inner_text("#summary")
    transfer.refresh_from_db()
    assert transfer.state == TransferState.DONE
    assert set(Candidate.objects.filter(course=course).values_list("rpa_id", flat=True)) == {rpa_b.pk}
    page.context.clear_cookies()

    # The receiving RPA's administrator finds the record and the candidates.
    sign_in_page(receiver)
    page.goto(f"{base}/transfers/")
    assert_accessible(page)
    page.click(f"a[href='/transfers/{transfer.pk}/']")
    page.wait_for_selector("#moved")
    assert_accessible(page)
    assert cohort[0].candidate.reference in page.inner_text("#moved")
    page.goto(f"{base}/candidates/{cohort[0].candidate.pk}/")
    assert cohort[0].candidate.last_name in page.inner_text("main")
