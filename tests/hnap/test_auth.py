"""Sign-in hardening (DATA-1: access only for those whose role needs it): lock-out after repeated failures
(django-axes), no user enumeration, TOTP two-step sign-in, mandatory two-factor for privileged roles,
and password reset by email.

django-axes breaks `Client.login`, so these tests sign in by POSTing the real form.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from hnap.factories import confirmed_totp_device
from hnap.models import PreparationProvider, User
from hnap.roles import PRIVILEGED_ROLES, Role
from tests.conftest import current_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"  # hnap.factories.UserFactory's password
SIGN_IN = "/accounts/sign-in/"
VERIFY = "/accounts/two-factor/"
SET_UP = "/accounts/two-factor/set-up/"
INVALID_LOGIN = "Enter a correct email address and password. Both are case-sensitive."


def sign_in(client: Client, email: str, password: str, **extra: str) -> object:
    return client.post(SIGN_IN, {"username": email, "password": password, **extra})


def code_of(device: TOTPDevice, offset_steps: int = 0) -> str:
    """The device's code now (or `offset_steps` steps away), computed like an authenticator app."""
    generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    generator.time = time.time() + offset_steps * device.step
    return f"{generator.token():06d}"


def a_wrong_code(device: TOTPDevice) -> str:
    """A code that is not valid now, nor within the device's tolerance window."""
    valid = {code_of(device, step) for step in range(-device.tolerance - 2, device.tolerance + 3)}
    return next(f"{n:06d}" for n in range(123456, 999999) if f"{n:06d}" not in valid)


# --- lock-out (django-axes) -------------------------------------------------------------------------------


def test_sign_in_locks_out_after_five_failures_even_with_the_right_password(
    make_member: Callable[..., User],
) -> None:
    user = make_member(Role.ASSESSOR, email="locked@example.org")
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for attempt in range(1, 6):
        response = sign_in(client, user.email, f"wrong-{attempt}")
        if attempt < 5:
            assert response.status_code == 200
            assert INVALID_LOGIN in response.content.decode()
    # The fifth failure already locks the account for this address.
    assert response.status_code == 429
    assert AccessAttempt.objects.get(username=user.email).failures_since_start == 5

    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Sign-in is locked for an hour" in html
    assert "_auth_user_id" not in client.session
    # Still locked from a fresh browser on the same address.
    assert sign_in(Client(), user.email, PASSWORD).status_code == 429
    assert Client().get("/").status_code == 302  # and nobody is signed in


def test_a_successful_sign_in_before_the_limit_resets_the_failures(make_member: Callable[..., User]) -> None:
    user = make_member(Role.ASSESSOR)
    client = Client()
    for _ in range(4):
        sign_in(client, user.email, "wrong")
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    client.post("/accounts/sign-out/")
    for _ in range(4):
        assert sign_in(client, user.email, "wrong").status_code == 200
    assert sign_in(client, user.email, PASSWORD).status_code == 302


# --- no user enumeration -----------------------------------------------------------------------------------


def _errors(html: str) -> list[str]:
    return re.findall(r'<span class="govuk-visually-hidden">Error:</span>\s*([^<]+)<', html) or re.findall(
        r'class="govuk-error-summary__list".*?</ul>', html, flags=re.S
    )


def test_sign_in_error_is_the_same_for_an_unknown_email_and_a_wrong_password(
    make_member: Callable[..., User],
) -> None:
    user = make_member(Role.ASSESSOR)
    wrong_password = sign_in(Client(), user.email, "not-my-password")
    unknown_email = sign_in(Client(), "nobody-here@example.org", "not-my-password")
    assert wrong_password.status_code == unknown_email.status_code == 200
    wrong_html = wrong_password.content.decode()
    unknown_html = unknown_email.content.decode()
    assert INVALID_LOGIN in wrong_html and INVALID_LOGIN in unknown_html
    assert "There is a problem" in wrong_html and "There is a problem" in unknown_html

    # The whole page is the same once the email typed back into the form and the CSRF token are removed.
    def normalise(html: str, email: str) -> str:
        html = html.replace(email, "EMAIL")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)

    assert normalise(wrong_html, user.email) == normalise(unknown_html, "nobody-here@example.org")


def test_password_reset_does_not_reveal_whether_an_account_exists(make_member: Callable[..., User]) -> None:
    user = make_member(Role.ASSESSOR)
    known = Client().post("/accounts/password-reset/", {"email": user.email})
    unknown = Client().post("/accounts/password-reset/", {"email": "nobody-here@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/accounts/password-reset/sent/"
    assert [m.to for m in mail.outbox] == [[user.email]]


# --- TOTP two-step sign-in --------------------------------------------------------------------------------


def test_totp_sign_in_asks_for_a_code_rejects_a_wrong_one_and_accepts_the_right_one(
    make_member: Callable[..., User],
) -> None:
    user = make_member(Role.RPA_ADMIN)
    device = confirmed_totp_device(user)
    client = Client()

    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == VERIFY
    assert "_auth_user_id" not in client.session  # not signed in after the password alone
    assert client.get("/").status_code == 302  # the start page still wants a sign-in

    page = client.get(VERIFY)
    assert page.status_code == 200
    assert "Enter the code from your authenticator app" in page.content.decode()

    wrong = client.post(VERIFY, {"token": a_wrong_code(device)})
    assert wrong.status_code == 200
    html = wrong.content.decode()
    assert "There is a problem" in html
    assert "govuk-error-summary" in html
    assert "The code is not right or has expired" in html
    assert "_auth_user_id" not in client.session

    not_a_code = client.post(VERIFY, {"token": "12ab"})
    assert "Enter the 6-digit code shown in your authenticator app." in not_a_code.content.decode()

    # django-otp throttles a device for a moment after a wrong code; let that moment pass.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(VERIFY, {"token": current_code(user)})
    assert right.status_code == 302
    assert right["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get("/")
    assert home.status_code == 200  # verified: the privileged role is not sent to set-up
    assert client.get("/deadlines/").status_code == 200


def test_totp_sign_in_keeps_a_safe_next_and_drops_an_offsite_one(make_member: Callable[..., User]) -> None:
    user = make_member(Role.RPA_ADMIN)
    confirmed_totp_device(user)
    client = Client()
    assert sign_in(client, user.email, PASSWORD, next="/deadlines/")["Location"] == VERIFY
    assert client.post(VERIFY, {"token": current_code(user)})["Location"] == "/deadlines/"

    other = Client()
    sign_in(other, user.email, PASSWORD, next="https://evil.example/")
    TOTPDevice.objects.filter(user=user).update(last_t=-1)  # the code just used may be used again here
    assert other.post(VERIFY, {"token": current_code(user)})["Location"] == "/"


def test_totp_too_many_wrong_codes_end_the_sign_in(make_member: Callable[..., User]) -> None:
    user = make_member(Role.SENIOR_ASSESSOR)
    device = confirmed_totp_device(user)
    client = Client()
    sign_in(client, user.email, PASSWORD)
    for _ in range(4):
        assert client.post(VERIFY, {"token": a_wrong_code(device)}).status_code == 200
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(VERIFY, {"token": a_wrong_code(device)})
    assert response.status_code == 302
    assert response["Location"] == SIGN_IN
    # The pending sign-in is gone: even the right code now leads back to the password.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    assert client.post(VERIFY, {"token": current_code(user)})["Location"] == SIGN_IN
    assert "_auth_user_id" not in client.session


def test_the_code_page_without_a_password_first_goes_back_to_sign_in() -> None:
    assert Client().get(VERIFY)["Location"] == SIGN_IN


# --- two-factor set-up, mandatory for privileged roles ----------------------------------------------------


def test_two_factor_setup_confirms_a_device(make_member: Callable[..., User]) -> None:
    user = make_member(Role.MODERATOR)
    client = Client()
    assert sign_in(client, user.email, PASSWORD)["Location"] == "/"  # no device yet: password alone
    assert client.get("/")["Location"] == SET_UP

    page = client.get(SET_UP)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-label="QR code for your authenticator app"' in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # The page does not confirm anything by itself, and shows the same device again.
    client.get(SET_UP)
    assert TOTPDevice.objects.filter(user=user).count() == 1

    wrong = client.post(SET_UP, {"token": a_wrong_code(device)})
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()
    device.refresh_from_db()
    assert device.confirmed is False

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    device.refresh_from_db()
    response = client.post(SET_UP, {"token": code_of(device)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get("/").status_code == 200  # verified now
    assert client.get("/deadlines/").status_code in (200, 403)  # not sent back to set-up

    # The next sign-in asks for a code.
    client.post("/accounts/sign-out/")
    assert sign_in(client, user.email, PASSWORD)["Location"] == VERIFY


@pytest.mark.parametrize("role", sorted(PRIVILEGED_ROLES))
def test_two_factor_is_mandatory_for_privileged_roles(make_member: Callable[..., User], role: Role) -> None:
    assert set(PRIVILEGED_ROLES) == {Role.RPA_ADMIN, Role.SENIOR_ASSESSOR, Role.MODERATOR, Role.PARTNERSHIP_ADMIN}
    user = make_member(role)
    client = Client()
    assert sign_in(client, user.email, PASSWORD).status_code == 302
    for path in ("/", "/deadlines/", "/closure-days/", "/notifications/", "/closure-days/new/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == SET_UP, path
    assert client.post("/closure-days/new/", {"day": "2030-01-07", "reason": "x"})["Location"] == SET_UP
    # A session-authenticated API call gets a 403 rather than data.
    api = client.get("/api/v1/deadlines/")
    assert api.status_code == 403
    # The account pages stay reachable.
    assert client.get(SET_UP).status_code == 200


def test_a_privileged_session_not_verified_with_an_existing_device_is_sent_to_give_a_code(
    make_member: Callable[..., User],
) -> None:
    user = make_member(Role.RPA_ADMIN)
    confirmed_totp_device(user)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get("/deadlines/")
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next=/deadlines/"
    # The sign-in page shows its form (it must not bounce an unverified session back: that was a loop).
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="password"' in page.content.decode()
    # Signing in again with the code completes the session and goes on to the page asked for.
    assert sign_in(client, user.email, PASSWORD, next="/deadlines/")["Location"] == VERIFY
    assert client.post(VERIFY, {"token": current_code(user)})["Location"] == "/deadlines/"
    assert client.get("/deadlines/").status_code == 200


def test_an_unverified_session_cannot_replace_an_existing_authenticator(make_member: Callable[..., User]) -> None:
    """A session signed in without a code (e.g. opened before the device was set up elsewhere) must not be
    able to swap the confirmed authenticator for its own and so get round two-factor sign-in."""
    user = make_member(Role.RPA_ADMIN)
    device = confirmed_totp_device(user)
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(SET_UP)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN}?next={SET_UP}"
    response = client.post(SET_UP, {"token": "123456"})
    assert response["Location"] == f"{SIGN_IN}?next={SET_UP}"
    assert list(TOTPDevice.objects.filter(user=user)) == [device]
    # Once verified with the existing device, the authenticator may be replaced.
    sign_in(client, user.email, PASSWORD, next=SET_UP)
    assert client.post(VERIFY, {"token": current_code(user)})["Location"] == SET_UP
    assert client.get(SET_UP).status_code == 200


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.POP_USER, Role.CANDIDATE])
def test_two_factor_is_not_forced_on_other_roles(
    make_member: Callable[..., User], pop_a: PreparationProvider, role: Role
) -> None:
    user = make_member(role, pop=pop_a)
    client = Client()
    response = sign_in(client, user.email, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert client.get("/notifications/").status_code == 200
    # They may still set it up if they wish.
    assert client.get(SET_UP).status_code == 200


# --- password reset --------------------------------------------------------------------------------------


def test_password_reset_sends_a_working_link_and_the_new_password_works(make_member: Callable[..., User]) -> None:
    user = make_member(Role.ASSESSOR)
    client = Client()
    response = client.post("/accounts/password-reset/", {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email]
    link = re.search(r"https?://[^/\s]+(/accounts/password-reset/[^\s]+/)", message.body)
    assert link, message.body

    step = client.get(link.group(1))
    assert step.status_code == 302  # Django swaps the token for a session and redirects to set-password
    form_url = step["Location"]
    assert client.get(form_url).status_code == 200
    new_password = "a-brand-new-Passphrase-42"
    done = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert done["Location"] == "/accounts/password-reset/done/"

    # The link works once.
    again = Client().get(link.group(1), follow=True)
    assert "new_password1" not in again.content.decode()

    assert sign_in(Client(), user.email, PASSWORD).status_code == 200  # the old one no longer works
    fresh = Client()
    assert sign_in(fresh, user.email, new_password)["Location"] == "/"
    assert fresh.get("/").status_code == 200
