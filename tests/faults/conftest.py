"""Fixtures of the fault tests: a private PostgreSQL (one per session) and Redis (one per test), the product's
processes against them, and the test's own ORM pointed at the private database for setup and checks."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import requests
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections

from hnap.embedded import free_port
from tests.faults.servers import PrivatePostgres, PrivateRedis, Processes, wait_until

TEMPLATE = "faults_template"
SECRET_KEY = settings.SECRET_KEY  # the web process signs sessions with the same key the test makes them with


def _clear_caches() -> None:
    # Content types are cached per process by id: the private database's ids may differ from the shared one's.
    ContentType.objects.clear_cache()


@contextmanager
def orm_on(database_url: str, blocker: Any) -> Iterator[None]:
    """Point this process's default connection at a private database for the block, then back."""
    from urllib.parse import parse_qs, urlsplit

    parts = urlsplit(database_url)
    connection = connections["default"]
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict.update(
        NAME=parts.path.lstrip("/"), HOST="", OPTIONS={**saved["OPTIONS"], "host": parse_qs(parts.query)["host"][0]}
    )
    _clear_caches()
    try:
        with blocker.unblock():
            yield
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
        _clear_caches()


@pytest.fixture(scope="session")
def fault_postgres(django_db_setup: None, django_db_blocker: Any) -> Iterator[PrivatePostgres]:
    """A private PostgreSQL holding a copy of this session's migrated test database as a template."""
    # Under /tmp itself: pytest's own temporary folders are closed to the user PostgreSQL runs as.
    server = PrivatePostgres(Path(tempfile.mkdtemp(prefix="hnap-faults-pg-")))
    try:
        server.init()
        server.start()
        shared = settings.DATABASES["default"]
        host = shared.get("OPTIONS", {}).get("host") or shared.get("HOST") or "localhost"
        # A copy of the migrated test database (seconds) instead of running every migration again (a minute).
        server.copy_database(host=host, name=shared["NAME"], into=TEMPLATE)
        with orm_on(server.url(TEMPLATE), django_db_blocker):
            from django.apps import apps

            from candidates.models import Level2Qualification
            from candidates.reference_data import load as load_qualifications
            from hnap.models import RPA
            from hnap.reference_data import load

            # An earlier transactional test may have flushed the reference data the migrations load.
            if not RPA.objects.exists():
                load(apps, None)
            if not Level2Qualification.objects.exists():
                load_qualifications(apps, None)
        yield server
    finally:
        if server.running():
            server.stop()
        shutil.rmtree(server.root, ignore_errors=True)


@pytest.fixture
def fault_database(fault_postgres: PrivatePostgres) -> Iterator[str]:
    """A fresh database of this test on the private server; yields its DATABASE_URL."""
    name = f"faults_{uuid.uuid4().hex[:8]}"
    fault_postgres.psql(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    yield fault_postgres.url(name)
    if fault_postgres.running():
        fault_postgres.psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def fault_redis(tmp_path: Path) -> Iterator[PrivateRedis]:
    server = PrivateRedis(tmp_path / "redis")
    server.start()
    yield server
    server.stop()


@pytest.fixture
def orm(fault_database: str, django_db_blocker: Any) -> Iterator[None]:
    """This test's ORM on its private database."""
    with orm_on(fault_database, django_db_blocker):
        yield


@pytest.fixture
def mail_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    return folder


@pytest.fixture
def processes(tmp_path: Path, fault_database: str, fault_redis: PrivateRedis, mail_dir: Path) -> Iterator[Processes]:
    """Web, worker and beat of this test, on its private PostgreSQL and Redis; killed at the end."""
    media = tmp_path / "private"
    media.mkdir()
    running = Processes(
        tmp_path,
        {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_"))},
            # Local settings read the mail backend from the environment; DEBUG off shows the real error pages.
            "DJANGO_SETTINGS_MODULE": "hnap.settings.local",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": fault_database,
            "REDIS_URL": fault_redis.url(),
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(mail_dir),
            "HNAP_PRIVATE_MEDIA_ROOT": str(media),
            "PYTHONUNBUFFERED": "1",
        },
    )
    yield running
    running.kill_all()


class Web:
    """The gunicorn of a test and an HTTP session to it."""

    def __init__(self, processes: Processes) -> None:
        self.port = free_port()
        self.process = processes.web(self.port)
        self.processes = processes
        self.http = requests.Session()
        wait_until(self.answers, what="gunicorn to answer", timeout=60, explain=processes.logs)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def answers(self) -> bool:
        try:
            self.http.get(self.url("/healthz"), timeout=5)
        except requests.RequestException:
            return False
        return True

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.http.get(self.url(path), timeout=kwargs.pop("timeout", 30), **kwargs)

    def post_form(self, path: str, data: dict[str, str], **kwargs: Any) -> requests.Response:
        """POST a form as a browser does: the CSRF cookie from the page, its token in the form."""
        self.get(path)
        token = self.http.cookies.get("csrftoken", "")
        return self.http.post(
            self.url(path),
            data={**data, "csrfmiddlewaretoken": token},
            headers={"Referer": self.url(path)},
            allow_redirects=False,
            timeout=kwargs.pop("timeout", 60),
            **kwargs,
        )

    def sign_in_as(self, user: Any) -> None:
        """A session for `user` (two-factor verified when their role needs it), made in the database."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore
        from django_otp import DEVICE_ID_SESSION_KEY

        from hnap.factories import confirmed_totp_device

        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session[DEVICE_ID_SESSION_KEY] = confirmed_totp_device(user).persistent_id
        session.create()
        self.http.cookies.set(settings.SESSION_COOKIE_NAME, session.session_key)


@pytest.fixture
def web(processes: Processes) -> Web:
    return Web(processes)
