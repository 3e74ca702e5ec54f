"""Browser fixtures: a signed-in Chromium page against the live server, and the axe check."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from hnap.models import User
from tests.conftest import current_code

_axe = Axe()


def assert_accessible(page: Any) -> None:
    """No axe violations on the page as it is now."""
    results = _axe.run(page)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def sign_in_page(live_server: Any, page: Any) -> Callable[[User, str], Any]:
    """sign_in_page(user, password) signs in through the real form (with a code when asked)."""

    def sign_in(user: User, password: str = "correct-horse-battery") -> Any:  # noqa: S107 - factory default
        page.goto(f"{live_server.url}/accounts/sign-in/")
        page.fill("#id_username", user.email)
        page.fill("#id_password", password)
        page.click("button:has-text('Sign in')")
        if "/two-factor/" in page.url and "set-up" not in page.url:
            page.fill("#id_token", current_code(user))
            page.click("button:has-text('Continue')")
        return page

    return sign_in
