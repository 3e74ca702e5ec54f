"""Shared fixtures: people in roles, signed-in clients (two-factor verified), browsers, a real Celery worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp

from hnap.factories import MembershipFactory, PreparationProviderFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, Membership, PreparationProvider, User
from hnap.roles import PRIVILEGED_ROLES, Role

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(
        reason="Chromium not found at /usr/bin/chromium: install it with `apt-get install -y chromium` "
        "(.ci/run does) to run the browser tests"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def private_media_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Uploaded files of this run go to a folder of its own (pytest keeps only the last few runs' folders)."""
    from django.conf import settings

    folder = tmp_path_factory.mktemp("private")
    settings.MEDIA_ROOT = folder
    return folder


@pytest.fixture(autouse=True)
def reference_data(request: pytest.FixtureRequest) -> None:
    """Reference data (RPAs, regions, standards) as the data migrations load it.

    Transactional tests (live server, real workers) flush the database after each test, which also
    removes what the data migrations loaded, so it is loaded again (idempotently) when missing.
    """
    marker = request.node.get_closest_marker("django_db")
    uses_db = marker is not None or {"db", "transactional_db", "live_server"} & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("transactional_db" if _is_transactional(request, marker) else "db")
    from django.apps import apps

    from candidates.models import Level2Qualification
    from candidates.reference_data import load as load_qualifications
    from hnap.reference_data import load

    if not RPA.objects.exists():
        load(apps, None)
    if not Level2Qualification.objects.exists():
        load_qualifications(apps, None)


def _is_transactional(request: pytest.FixtureRequest, marker: Any) -> bool:
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        return True
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    # Playwright cannot download its own browsers here: drive Debian's Chromium.
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM), "args": CHROMIUM_ARGS}


@pytest.fixture
def rpa_a(db: None) -> RPA:
    return RPA.objects.get(slug="strictly-education-4s")


@pytest.fixture
def rpa_b(db: None) -> RPA:
    return RPA.objects.get(slug="hlta-north")


@pytest.fixture
def pop_a(db: None, rpa_a: RPA) -> PreparationProvider:
    pop = PreparationProviderFactory(name="PoP A")
    pop.rpas.add(rpa_a)
    return pop


@pytest.fixture
def pop_b(db: None, rpa_b: RPA) -> PreparationProvider:
    pop = PreparationProviderFactory(name="PoP B")
    pop.rpas.add(rpa_b)
    return pop


@pytest.fixture
def make_member(db: None) -> Callable[..., User]:
    """make_member(role, rpa=..., pop=..., email=...) -> a user holding that role."""

    def make(role: Role, *, rpa: RPA | None = None, pop: PreparationProvider | None = None, **user: Any) -> User:
        member = UserFactory(**user)
        if role in Role.rpa_roles() or role == Role.CANDIDATE:
            rpa = rpa or RPA.objects.get(slug="strictly-education-4s")
        MembershipFactory(
            user=member,
            role=role,
            rpa=rpa if role != Role.POP_USER else None,
            pop=pop if role == Role.POP_USER else None,
        )
        return member

    return make


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in on `client`, two-factor verified when their role needs it."""
    client.force_login(user)
    if Membership.objects.filter(user=user, role__in=PRIVILEGED_ROLES).exists():
        device = confirmed_totp_device(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for(db: None) -> Callable[[User], Client]:
    """client_for(user) -> a Django test client signed in as that user."""
    return lambda user: sign_in(Client(), user)


def current_code(user: User) -> str:
    """The current code of the user's authenticator, usable even if this person signed in earlier in the same
    30-second step (django-otp refuses a code as a replay otherwise: a journey signing someone in twice in quick
    succession would fail on a fast machine only)."""
    device = confirmed_totp_device(user)
    type(device).objects.filter(pk=device.pk).update(last_t=-1)
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def celery_worker_thread(transactional_db: None) -> Iterator[Any]:
    """A real Celery worker (in a thread) consuming from the real Redis broker."""
    from celery.contrib.testing.worker import start_worker

    from hnap.celery import app

    # Tasks queued by earlier tests (after-commit sends of live-server tests) belong to rows long gone: a worker
    # test starts from an empty queue, so what it waits for is not stuck behind them.
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING", shutdown_timeout=10) as worker:
        yield worker
