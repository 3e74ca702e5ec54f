"""ENQ-3 end to end: a real Celery worker and real beat, as subprocesses, enforce deadlines against the
test database; reminders go exactly once, and a worker killed while delivering loses nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from hnap.factories import DeadlineFactory, RPAFactory, UserFactory
from hnap.models import Deadline, DeadlineNotice, NoticeKind, Notification

pytestmark = [pytest.mark.worker]

ROOT = Path(settings.BASE_DIR)
# A Redis database of its own: other test runs' workers never take these tasks, nor these workers theirs.
BROKER_DB = 13
SWEEP_SECONDS = "1"
STARTUP_TIMEOUT = 30.0
FILE_BACKEND = "django.core.mail.backends.filebased.EmailBackend"


def _database_url() -> str:
    """The test database as a DATABASE_URL, over the same unix socket (or host) as this process."""
    db = settings.DATABASES["default"]
    user = quote(db.get("USER") or "")
    password = quote(db.get("PASSWORD") or "")
    host = db.get("OPTIONS", {}).get("host") or db.get("HOST") or ""
    name = quote(db["NAME"])
    if host.startswith("/"):
        return f"postgresql://{user}:{password}@/{name}?host={quote(host)}"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{user}:{password}@{host}{port}/{name}"


def _broker_url() -> str:
    parts = urlsplit(settings.REDIS_URL)
    return urlunsplit(parts._replace(path=f"/{BROKER_DB}"))


class Services:
    """Worker and beat subprocesses of one test, each with its own log file; all killed on exit."""

    def __init__(self, tmp_path: Path, mail_dir: Path) -> None:
        self.tmp_path = tmp_path
        self.mail_dir = mail_dir
        self.processes: list[subprocess.Popen[bytes]] = []
        self.env = {
            **os.environ,
            # Test settings hard-code the locmem backend; local settings read EMAIL_BACKEND from the environment.
            "DJANGO_SETTINGS_MODULE": "hnap.settings.local",
            "DJANGO_SECRET_KEY": "worker-test-only-not-secret",
            "DJANGO_DEBUG": "false",
            "DATABASE_URL": _database_url(),
            "REDIS_URL": _broker_url(),
            "EMAIL_BACKEND": FILE_BACKEND,
            "EMAIL_FILE_PATH": str(mail_dir),
            "HNAP_DEADLINE_SWEEP_SECONDS": SWEEP_SECONDS,
            "PYTHONUNBUFFERED": "1",
        }

    def _start(self, name: str, args: list[str], **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        log = self.tmp_path / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "hnap", *args],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append(process)
        return process, log

    def beat(self) -> Path:
        _, log = self._start(
            "beat",
            ["beat", "--loglevel", "INFO", "--max-interval", "1", "--schedule", str(self.tmp_path / "beat-schedule")],
        )
        return log

    def worker(self, name: str, **env: str) -> tuple[subprocess.Popen[bytes], Path]:
        return self._start(
            name,
            [
                "worker",
                "--pool",
                "solo",
                "--concurrency",
                "1",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}-{uuid.uuid4().hex[:8]}@%h",
            ],
            **env,
        )

    def kill(self, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL: no clean shutdown, no chance to finish the task."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def kill_all(self) -> None:
        for process in self.processes:
            with suppress(ProcessLookupError, subprocess.TimeoutExpired):
                self.kill(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in sorted(self.tmp_path.glob("*.log"))
        )


@contextmanager
def services(tmp_path: Path) -> Iterator[Services]:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    # Nothing queued by an earlier run may reach these workers.
    client = redis.Redis.from_url(_broker_url())
    client.flushdb()
    running = Services(tmp_path, mail_dir)
    try:
        yield running
    finally:
        running.kill_all()
        client.flushdb()
        client.close()


def wait_for(condition: Callable[[], bool], *, what: str, running: Services, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    pytest.fail(f"Timed out waiting for {what}.\n{running.logs()}")


def sweeps_succeeded(log: Path) -> int:
    """Sweeps a worker finished (its log says so)."""
    text = log.read_text(errors="replace") if log.exists() else ""
    return sum(1 for line in text.splitlines() if "hnap.tasks.deadline_sweep[" in line and "succeeded" in line)


def mail_files(mail_dir: Path) -> list[Path]:
    return sorted(p for p in mail_dir.iterdir() if p.is_file())


def reminder_due_now() -> Deadline:
    """An open deadline whose reminder time has come and whose due time has not."""
    now = timezone.now()
    rpa = RPAFactory(lead=UserFactory(email="lead@worker-test.example.org"))
    return DeadlineFactory(
        rpa=rpa,
        responsible=UserFactory(email="officer@worker-test.example.org"),
        title="Acknowledge the enquiry",
        due_at=now + timedelta(hours=2),
        remind_at=now - timedelta(minutes=1),
    )


def test_enq3_real_worker_and_beat_send_a_reminder_exactly_once(transactional_db: None, tmp_path: Path) -> None:
    """Given an open deadline whose reminder time has come, when real beat schedules sweeps every second
    and a real worker runs at least two of them, then exactly one notice, one notification and one email exist."""
    deadline = reminder_due_now()
    with services(tmp_path) as running:
        running.beat()
        _, worker_log = running.worker("worker")
        wait_for(lambda: sweeps_succeeded(worker_log) >= 2, what="two sweeps", running=running)

        notice = DeadlineNotice.objects.get(deadline=deadline)
        assert notice.kind == NoticeKind.REMINDER
        assert notice.sent_at is not None
        assert Notification.objects.filter(user=deadline.responsible).count() == 1
        files = mail_files(running.mail_dir)
        assert len(files) == 1, running.logs()
        content = files[0].read_text()
        assert content.count("Message-ID: <") == 1
        assert f"Message-ID: <deadline:{deadline.pk}:reminder@hnap>" in content
        assert "officer@worker-test.example.org" in content


def test_enq3_a_worker_killed_while_delivering_loses_nothing(transactional_db: None, tmp_path: Path) -> None:
    """Given a worker SIGKILLed inside the delivery transaction (its email backend has started but not sent),
    when a fresh worker takes over, then the notice is delivered: exactly one email and one notification."""
    deadline = reminder_due_now()
    with services(tmp_path) as running:
        marker = tmp_path / "sending-started"
        running.beat()
        slow, _ = running.worker(
            "slow-worker",
            EMAIL_BACKEND="tests.support.slow_email.EmailBackend",
            HNAP_SLOW_EMAIL_MARKER=str(marker),
            HNAP_SLOW_EMAIL_SECONDS="120",
        )
        wait_for(marker.exists, what="the slow worker to start sending", running=running)

        running.kill(slow)

        # The notice was made (in the sweep's own transaction) but its delivery rolled back with the kill.
        notice = DeadlineNotice.objects.get(deadline=deadline)
        assert notice.sent_at is None
        assert not Notification.objects.exists()
        assert mail_files(running.mail_dir) == []

        _, fresh_log = running.worker("fresh-worker")
        wait_for(lambda: len(mail_files(running.mail_dir)) >= 1, what="the fresh worker to deliver", running=running)
        delivered_at = sweeps_succeeded(fresh_log)
        # One more sweep after delivery, to show nothing is sent again.
        wait_for(lambda: sweeps_succeeded(fresh_log) >= delivered_at + 2, what="two more sweeps", running=running)

        notice.refresh_from_db()
        assert notice.sent_at is not None
        assert DeadlineNotice.objects.filter(deadline=deadline).count() == 1
        assert Notification.objects.count() == 1
        files = mail_files(running.mail_dir)
        assert len(files) == 1, running.logs()
        assert files[0].read_text().count(f"Message-ID: <deadline:{deadline.pk}:reminder@hnap>") == 1
