"""Enquiries and appeals in headless Chromium: a member of the public sends an enquiry from an RPA's contact page and
the RPA acknowledges and answers it; a candidate appeals against their result, the RPA acknowledges (with a letter)
and decides, the candidate refers the case, the Partnership convenes a valid panel (an invalid one is refused), and a
panel member from another RPA records the decision and then no longer sees the case. Every page passes axe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.cache import cache

from appeals.factories import released_result, senior_of
from appeals.models import Appeal, AppealState, Enquiry, EnquiryState, ReviewPanel
from hnap.factories import confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

Make = Callable[..., User]
SignIn = Callable[..., Any]


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process (the emails of replies, letters and outcomes), not on a broker."""
    from hnap.celery import app

    # Set and restored by hand: monkeypatch's undo deletes the attribute, which Celery's settings refuse.
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    cache.clear()  # no enquiry of an earlier run counts against the rate limit
    yield
    app.conf.task_always_eager = before


def visit(page: Any, base: str, path: str, status: int = 200) -> None:
    """Open a page, check its status, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status == status, f"{path}: {response and response.status}"
    assert_accessible(page)


def follow(page: Any, target: Any) -> None:
    """Click a link or button, wait for the page it leads to, and run axe on it."""
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def switch_user(page: Any, sign_in_page: SignIn, user: User) -> None:
    page.context.clear_cookies()
    sign_in_page(user)


def test_enq1_enq2_enq3_a_public_enquiry_is_acknowledged_and_answered(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA
) -> None:
    base = live_server.url
    RPA.objects.filter(pk=rpa_a.pk).update(contact_name="Jo Contact", contact_phone="01632 960000")
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")
    confirmed_totp_device(admin)

    # The public: the list of RPAs, the contact page with its named point of contact (ENQ-2).
    visit(page, base, "/contact/")
    follow(page, page.locator("#rpas").get_by_role("link", name=rpa_a.name, exact=True))
    assert "Jo Contact" in page.inner_text("#point-of-contact") and "01632 960000" in page.inner_text("main")
    follow(page, page.get_by_role("link", name="Our appeals procedure"))
    assert "right to appeal" in page.inner_text("#appeals-procedure")
    page.go_back()

    # A form sent without a way to reply is refused, with what was typed kept (ENQ-1).
    page.fill("#id_name", "Priya Patel")
    page.fill("#id_subject", "Registering before a Level 2 result")
    page.fill("#id_message", "Can our teaching assistant register before her Level 2 maths result?")
    follow(page, page.get_by_role("button", name="Send the enquiry"))
    assert "Enter an email address or a phone number" in page.inner_text(".govuk-error-summary")
    assert page.input_value("#id_subject") == "Registering before a Level 2 result"
    assert not Enquiry.objects.exists()
    page.fill("#id_email", "priya@example.org")
    follow(page, page.get_by_role("button", name="Send the enquiry"))
    enquiry = Enquiry.objects.get()
    assert page.inner_text("#reference") == enquiry.reference

    # The RPA: the queue, the enquiry, the acknowledgement and the answer (ENQ-1, ENQ-3).
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/enquiries/")
    assert page.inner_text("#count-received") == "1"
    follow(page, page.locator("#enquiries").get_by_role("link", name=enquiry.reference))
    assert "Due by" in page.inner_text("#acknowledged")
    follow(page, page.get_by_role("link", name="Acknowledge", exact=True))
    follow(page, page.get_by_role("button", name="Send the acknowledgement"))
    assert "acknowledged" in page.inner_text(".govuk-notification-banner")
    follow(page, page.get_by_role("link", name="Answer", exact=True))
    page.fill("#id_message", "")
    follow(page, page.get_by_role("button", name="Send the answer"))
    assert "Enter the message to send" in page.inner_text(".govuk-error-summary")
    page.fill("#id_message", "Yes: she can register now and send the result when it comes.")
    follow(page, page.get_by_role("button", name="Send the answer"))
    enquiry.refresh_from_db()
    assert enquiry.state == EnquiryState.ANSWERED
    assert "she can register now" in page.inner_text("#messages")
    visit(page, base, "/enquiries/sla/")
    assert "100% (1 of 1)" in page.inner_text("#sla")


def test_app1_to_app7_a_candidates_appeal_to_the_review_panels_decision(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Make, rpa_a: RPA, rpa_b: RPA
) -> None:
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")
    partnership = make_member(Role.PARTNERSHIP_ADMIN, full_name="Pat Partnership")
    third = RPA.objects.exclude(pk__in=[rpa_a.pk, rpa_b.pk]).order_by("name").first()
    assert third is not None
    north_one = senior_of(rpa_b, full_name="Nadia North")
    north_two = senior_of(rpa_b, full_name="Niall North")
    third_one = senior_of(third, full_name="Theo Third")
    for person in (admin, partnership, north_one, north_two, third_one):
        confirmed_totp_device(person)
    result = released_result(rpa_a, first_name="Robin", last_name="Ashdown")
    candidate = result.candidate.user

    # The candidate appeals from their own sign-in (APP-1) on a procedural ground with evidence (APP-3).
    sign_in_page(candidate)
    visit(page, base, "/appeals/")
    follow(page, page.locator("#appealable").get_by_role("link"))
    page.check("input[name=ground][value=improper]")
    page.fill("#id_statement", "My meeting was cut to 20 minutes because the room was needed.")
    follow(page, page.get_by_role("button", name="Send the appeal"))
    assert "Give the evidence for the ground" in page.inner_text(".govuk-error-summary")
    page.fill("#id_evidence", "The room booking shows the hall was booked from 10:20.")
    follow(page, page.get_by_role("button", name="Send the appeal"))
    appeal = Appeal.objects.get()
    assert page.inner_text("#state") == "Received"

    # The RPA acknowledges with a letter stating when it will be considered, then decides (APP-4).
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/appeals/")
    follow(page, page.locator("#appeals").get_by_role("link", name=appeal.reference))
    follow(page, page.get_by_role("link", name="Acknowledge", exact=True))
    follow(page, page.get_by_role("button", name="Acknowledge and send the letter"))
    appeal.refresh_from_db()
    assert appeal.consider_by.strftime("%Y") in page.inner_text("#acknowledged")
    letter = page.request.get(f"{base}/appeals/{appeal.pk}/letter/")
    assert letter.status == 200 and letter.headers["content-type"] == "application/pdf"
    follow(page, page.get_by_role("link", name="Decide", exact=True))
    page.check("input[name=decision][value=not_upheld]")
    page.fill("#id_reasons", "The assessor's record shows a 55-minute meeting.")
    follow(page, page.get_by_role("button", name="Send the outcome"))
    assert "55-minute meeting" in page.inner_text("#outcome")

    # The candidate reads the outcome and refers the case to the Partnership (APP-6).
    switch_user(page, sign_in_page, candidate)
    visit(page, base, f"/appeals/{appeal.pk}/")
    assert "refer your case" in page.inner_text("#outcome")
    follow(page, page.get_by_role("link", name="Refer to the Partnership"))
    page.fill("#id_reasons", "The record is wrong about the time.")
    follow(page, page.get_by_role("button", name="Refer to the Partnership"))
    assert "Awaiting a panel" in page.inner_text("#panel")

    # The Partnership convenes the panel: two people of one RPA are refused, two RPAs accepted (APP-6).
    switch_user(page, sign_in_page, partnership)
    visit(page, base, "/referrals/")
    follow(page, page.locator("#referrals").get_by_role("link", name=appeal.reference))
    follow(page, page.get_by_role("link", name="Convene the review panel"))
    page.select_option("#id_member_one", str(north_one.pk))
    page.select_option("#id_member_two", str(north_two.pk))
    follow(page, page.get_by_role("button", name="Convene the panel"))
    assert "two different RPAs" in page.inner_text(".govuk-error-summary")
    assert not ReviewPanel.objects.exists()
    page.select_option("#id_member_two", str(third_one.pk))
    follow(page, page.get_by_role("button", name="Convene the panel"))
    panel = ReviewPanel.objects.get()
    assert "Nadia North" in page.inner_text("#panel")

    # A panel member from another RPA sees this one case while the panel sits, and records its decision (APP-7).
    switch_user(page, sign_in_page, north_one)
    visit(page, base, "/review-panels/")
    follow(page, page.locator("#panels").get_by_role("link", name=appeal.reference))
    assert "The record is wrong about the time." in page.inner_text("#case")
    follow(page, page.get_by_role("link", name="Record the panel's decision"))
    page.check("input[name=decision][value=dismiss]")
    page.fill("#id_reasons", "The procedure was followed.")
    follow(page, page.get_by_role("button", name="Record the decision and close the panel"))
    assert "sit on no panel" in page.inner_text("#panels")
    visit(page, base, f"/review-panels/{panel.pk}/", status=404)
    visit(page, base, f"/appeals/{appeal.pk}/", status=404)

    # The candidate reads the Partnership's decision.
    switch_user(page, sign_in_page, candidate)
    visit(page, base, f"/appeals/{appeal.pk}/")
    assert "The procedure was followed." in page.inner_text("#panel")
    appeal.refresh_from_db()
    assert appeal.state == AppealState.REVIEWED
