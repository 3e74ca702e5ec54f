"""Every page in headless Chromium, each passing an axe accessibility check with no violations."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from hnap.factories import ClosureDayFactory, DeadlineFactory, confirmed_totp_device
from hnap.models import Notification
from hnap.roles import Role
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_out_pages_are_accessible(live_server: Any, page: Any) -> None:
    for path in [
        "/accounts/sign-in/",
        "/accounts/password-reset/",
        "/accounts/password-reset/sent/",
        "/accounts/password-reset/x/y/",
        "/no-such-page/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_sign_in_errors_show_a_govuk_error_summary(live_server: Any, page: Any, make_member: Any) -> None:
    make_member(Role.ASSESSOR, email="assessor@example.org")
    page.goto(f"{live_server.url}/accounts/sign-in/")
    page.click("button:has-text('Sign in')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.title().startswith("Error: ")
    assert_accessible(page)


def test_rpa_administrator_pages_are_accessible(
    live_server: Any, page: Any, sign_in_page: Any, make_member: Any, rpa_a: Any
) -> None:
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@example.org")
    confirmed_totp_device(admin)
    deadline = DeadlineFactory(rpa=rpa_a, responsible=admin, title="Acknowledge the enquiry")
    closure = ClosureDayFactory(rpa=rpa_a)
    Notification.objects.create(user=admin, subject="Reminder: Acknowledge the enquiry", body="Due soon.")
    sign_in_page(admin)
    assert page.url == f"{live_server.url}/"
    for path in [
        "/",
        "/deadlines/",
        f"/deadlines/{deadline.pk}/",
        "/deadlines/?window=overdue",
        "/closure-days/",
        "/closure-days/new/",
        f"/closure-days/{closure.pk}/",
        "/notifications/",
        "/accounts/two-factor/set-up/",
    ]:
        page.goto(f"{live_server.url}{path}")
        assert "Page not found" not in page.content(), path
        assert_accessible(page)
    # A form with errors re-displays with the GOV.UK error summary, still accessible.
    page.goto(f"{live_server.url}/closure-days/new/")
    page.click("button:has-text('Add the closure day')")
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)


def test_privileged_role_is_sent_to_set_up_two_factor(
    live_server: Any, page: Any, sign_in_page: Any, make_member: Any
) -> None:
    moderator = make_member(Role.MODERATOR, email="moderator@example.org")
    sign_in_page(moderator)
    page.goto(f"{live_server.url}/deadlines/")
    assert page.url.endswith("/accounts/two-factor/set-up/")
    assert page.locator("svg[role=img]").count() == 1
    assert_accessible(page)


def test_forbidden_page_is_accessible(live_server: Any, page: Any, sign_in_page: Any, make_member: Any) -> None:
    assessor = make_member(Role.ASSESSOR, email="assessor2@example.org")
    sign_in_page(assessor)
    response = page.goto(f"{live_server.url}/closure-days/")
    assert response.status == 403
    assert_accessible(page)


def test_password_reset_journey(live_server: Any, page: Any, make_member: Any) -> None:
    make_member(Role.ASSESSOR, email="forgetful@example.org")
    page.goto(f"{live_server.url}/accounts/password-reset/")
    page.fill("#id_email", "forgetful@example.org")
    page.click("button:has-text('Send the link')")
    assert "/password-reset/sent/" in page.url
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/password-reset/" in line)
    page.goto(link.strip())
    assert_accessible(page)
    page.fill("#id_new_password1", "a-much-longer-passphrase-2026")
    page.fill("#id_new_password2", "a-much-longer-passphrase-2026")
    page.click("button:has-text('Save the password')")
    assert "/password-reset/done/" in page.url
    assert_accessible(page)


def test_api_docs_work_offline(live_server: Any, page: Any, sign_in_page: Any, make_member: Any) -> None:
    """The API docs page loads its assets from this server only (no CDN)."""
    assessor = make_member(Role.ASSESSOR, email="reader@example.org")
    sign_in_page(assessor)
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url)
            if not request.url.startswith(live_server.url) and not request.url.startswith(("data:", "blob:"))
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=15000)
    assert "hnap API" in page.inner_text("h1")
    assert outside == []
    assert_accessible(page)
