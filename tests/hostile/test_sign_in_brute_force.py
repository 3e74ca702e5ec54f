"""Brute-force sign-in (issue 10, DATA-1): django-axes locks after AXES_FAILURE_LIMIT failures, the lock-out looks
the same whether or not the account exists, and the right password (or a second factor) does not get past it.

django-axes breaks `Client.login`: every attempt here is a real POST to the sign-in page.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.conf import settings
from django.core import mail
from django.http import HttpResponse
from django.test import Client

from hnap.factories import confirmed_totp_device
from hnap.models import User
from hnap.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # hnap.factories.UserFactory's password
SIGN_IN = "/accounts/sign-in/"
KNOWN = "known-person@example.org"
UNKNOWN = "nobody-by-that-name@example.org"


def attempt(client: Client, email: str, password: str) -> HttpResponse:
    return client.post(SIGN_IN, {"username": email, "password": password})  # type: ignore[return-value]


def page_without(response: HttpResponse, email: str) -> str:
    """The page with what differs by nature removed: the email typed back and the CSRF token."""
    html = response.content.decode().replace(email, "EMAIL")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def fail_until_locked(email: str) -> list[HttpResponse]:
    client = Client()
    return [attempt(client, email, f"guess-{n}") for n in range(settings.AXES_FAILURE_LIMIT)]


@pytest.fixture
def known(make_member: Callable[..., User]) -> User:
    return make_member(Role.RPA_ADMIN, email=KNOWN)


def test_lock_out_answers_the_same_for_an_existing_and_a_missing_account(known: User) -> None:
    """Same status and the same page at every step, so the lock-out cannot tell who has an account."""
    existing = fail_until_locked(KNOWN)
    missing = fail_until_locked(UNKNOWN)
    limit = settings.AXES_FAILURE_LIMIT
    assert [r.status_code for r in existing] == [r.status_code for r in missing] == [200] * (limit - 1) + [429]
    for for_known, for_unknown in zip(existing, missing, strict=True):
        assert page_without(for_known, KNOWN) == page_without(for_unknown, UNKNOWN)
    assert "Sign-in is locked for an hour" in existing[-1].content.decode()

    # Once locked, more attempts (with any password) keep answering the same locked page.
    again_known = attempt(Client(), KNOWN, PASSWORD)
    again_unknown = attempt(Client(), UNKNOWN, PASSWORD)
    assert again_known.status_code == again_unknown.status_code == 429
    assert page_without(again_known, KNOWN) == page_without(again_unknown, UNKNOWN)


def test_the_right_password_during_lock_out_signs_nobody_in(known: User) -> None:
    confirmed_totp_device(known)
    fail_until_locked(KNOWN)
    client = Client()
    response = attempt(client, KNOWN, PASSWORD)
    assert response.status_code == 429
    # Not signed in, and not half-way either: no pending second-factor step was started.
    assert "_auth_user_id" not in client.session
    assert client.get("/accounts/two-factor/")["Location"].startswith(SIGN_IN)
    assert client.get("/").status_code == 302


def test_lock_out_of_one_account_leaves_another_account_from_the_same_place_alone(
    known: User, make_member: Callable[..., User]
) -> None:
    """Locks are per username and address (AXES_LOCKOUT_PARAMETERS): a guesser cannot lock a whole office out."""
    other = make_member(Role.ASSESSOR, email="colleague@example.org")
    fail_until_locked(KNOWN)
    assert attempt(Client(), other.email, PASSWORD).status_code == 302


def test_password_reset_during_lock_out_says_the_same_for_both(known: User) -> None:
    fail_until_locked(KNOWN)
    fail_until_locked(UNKNOWN)
    for_known = Client().post("/accounts/password-reset/", {"email": KNOWN}, follow=True)
    for_unknown = Client().post("/accounts/password-reset/", {"email": UNKNOWN}, follow=True)
    assert for_known.status_code == for_unknown.status_code == 200
    assert for_known.redirect_chain == for_unknown.redirect_chain == [("/accounts/password-reset/sent/", 302)]
    assert page_without(for_known, KNOWN) == page_without(for_unknown, UNKNOWN)
    # Only the real account is emailed (the way back in for its owner), which the page does not reveal.
    assert [m.to for m in mail.outbox] == [[KNOWN]]
