"""`make load`: Locust against gunicorn, a worker and beat on seed_scale's national dataset, then the invariants.

    python -m load.run --scale 1 --users 50 --duration 120

With DATABASE_URL and REDIS_URL set it uses those; otherwise it starts an embedded PostgreSQL and Redis of its
own profile (var/load/) through hnap/embedded.py, as `make run` does, and stops them afterwards. The database is
migrated and seeded once per scale (seed_scale's marker); later runs reuse it (the load's own writes, bookings and
drafts, stay: the invariants must hold after any number of runs); its own embedded database is made afresh when it
holds another scale's dataset, a database given by DATABASE_URL never is. Prints one LOAD line with requests per
second, median and p95 latency and the error count, a second LOAD line with the pages' figures without the
sign-ins, then one INVARIANT line per rule; exits 1 if there was any error or broken invariant.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from hnap.embedded import BASE_DIR, DATABASE_NAME, EmbeddedServices, free_port

LOAD_DIR = BASE_DIR / "var" / "load"


def _log(message: str) -> None:
    print(f"[load] {message}", flush=True)


def _python(*args: str, env: dict[str, str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], env=env, cwd=BASE_DIR, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


def _seed(*, env: dict[str, str], scale: float, seed: int, own_database: Callable[[str], object] | None) -> None:
    """Migrate, and seed the national dataset unless this database already holds it at this scale."""
    _python("manage.py", "migrate", "--no-input", "-v", "0", env=env, check=True)
    probe = (
        "from hnap.scale import seed_marker, seed_marker_read, database_has_data; "
        f"print(seed_marker_read() == seed_marker(scale={scale}, seed={seed}), database_has_data())"
    )
    answer = _python("manage.py", "shell", "-v", "0", "-c", probe, env=env, check=True, capture_output=True).stdout
    same, has_data = answer.strip().splitlines()[-1].split()
    if same == "True":
        _log(f"the database already holds the dataset at scale {scale:g}: reused")
        return
    if has_data == "True" and own_database is not None:
        # The load test's own embedded database, seeded at another scale or by an older seed_scale: made afresh.
        _log("the load test's own database holds another dataset: recreating it")
        own_database(f'DROP DATABASE "{DATABASE_NAME}" WITH (FORCE)')
        own_database(f'CREATE DATABASE "{DATABASE_NAME}"')
        _python("manage.py", "migrate", "--no-input", "-v", "0", env=env, check=True)
    elif has_data == "True":
        raise SystemExit(
            "[load] this database holds other data than seed_scale's at this scale; use a fresh one "
            "(without DATABASE_URL: `rm -rf var/load`, the load test's own embedded servers)"
        )
    _log(f"seeding the dataset at scale {scale:g} (the national size is 1)")
    _python("manage.py", "seed_scale", "--scale", str(scale), "--seed", str(seed), env=env, check=True)


def _wait_for(url: str, processes: list[subprocess.Popen[bytes]], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            raise SystemExit("[load] a process ended while starting; see var/load/*.log")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - loopback only
                return
        except OSError as error:
            if getattr(error, "code", None):  # 503 from /healthz: the web answers, the worker may still start
                return
            time.sleep(0.5)
    raise SystemExit(f"[load] {url} did not answer in {timeout:.0f} s")


def _summary(stats_csv: Path) -> dict[str, float]:
    with stats_csv.open() as handle:
        rows = {row["Name"]: row for row in csv.DictReader(handle)}
    total = rows["Aggregated"]
    return {
        "requests": float(total["Request Count"]),
        "errors": float(total["Failure Count"]),
        "rps": float(total["Requests/s"]),
        "median": float(total["Median Response Time"]),
        "p95": float(total["95%"]),
    }


def _run(args: argparse.Namespace, own_database: Callable[[str], object] | None) -> tuple[dict[str, float], int]:
    """Start web, worker and beat, run Locust, stop them, check the invariants; return the figures and the check."""
    port = free_port()
    env = {
        **os.environ,
        # Local settings with DEBUG off: the pages as in production, served over plain HTTP on loopback (production
        # settings insist on HTTPS and secure cookies, which a loopback test cannot give).
        "DJANGO_SETTINGS_MODULE": "hnap.settings.local",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(40),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(LOAD_DIR / "mail"),
        "HNAP_PRIVATE_MEDIA_ROOT": str(LOAD_DIR / "private"),
        "LOG_LEVEL": "WARNING",
        "HNAP_LOAD_PAGES_FILE": str(LOAD_DIR / "pages.json"),
        "HNAP_LOAD_PEOPLE_FILE": str(LOAD_DIR / "people.json"),
        "PYTHONUNBUFFERED": "1",
    }
    processes: list[subprocess.Popen[bytes]] = []
    try:
        _seed(env=env, scale=args.scale, seed=args.seed, own_database=own_database)
        workers = str(args.web_workers)
        # One account per simulated person and role (load/people.py).
        _python("-m", "load.people", str(args.users), str(LOAD_DIR / "people.json"), env=env, check=True)
        schedule = str(LOAD_DIR / "celerybeat-schedule")
        commands = {
            "web": [*("-m", "gunicorn", "hnap.wsgi:application", "--bind", f"127.0.0.1:{port}"), "--workers", workers],
            "worker": [*("-m", "celery", "-A", "hnap", "worker", "-l", "WARNING", "-c", "2", "-n", f"load-{port}@%h")],
            "beat": ["-m", "celery", "-A", "hnap", "beat", "-l", "WARNING", "--schedule", schedule],
        }
        for name, command in commands.items():
            with (LOAD_DIR / f"{name}.log").open("wb") as log:
                processes.append(
                    subprocess.Popen([sys.executable, *command], env=env, cwd=BASE_DIR, stdout=log, stderr=log)
                )
        _wait_for(f"http://127.0.0.1:{port}/healthz", processes)
        _log(f"{args.users} people for {args.duration} s against gunicorn ({args.web_workers} workers) on :{port}")
        prefix = LOAD_DIR / "locust"
        _python(
            *("-m", "locust", "-f", str(BASE_DIR / "load" / "locustfile.py"), "--headless"),
            *("--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", f"{args.duration}s"),
            *("--host", f"http://127.0.0.1:{port}", "--csv", str(prefix), "--only-summary", "--stop-timeout", "10"),
            env=env,
        )
        figures = _summary(Path(f"{prefix}_stats.csv"))
        pages = json.loads((LOAD_DIR / "pages.json").read_text())
        figures.update(pages_median=pages["median"], pages_p95=pages["p95"], pages_requests=pages["requests"])
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
    checked = _python("manage.py", "invariants_check", env=env)
    return figures, checked.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load.run", description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0, help="seed_scale's size (1 = national)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5.0, help="people starting per second")
    parser.add_argument("--duration", type=int, default=120, help="seconds")
    parser.add_argument("--web-workers", type=int, default=4, help="gunicorn worker processes")
    args = parser.parse_args(argv)

    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    services = EmbeddedServices("load")
    given = bool(os.environ.get("DATABASE_URL"))
    started = services.ensure_environment()
    own_database = None
    if not given:
        import pgserver  # the embedded server of var/load (ensure_environment set XDG_RUNTIME_DIR for it)

        own_database = pgserver.get_server(services.pgdata, cleanup_mode=None).psql
    try:
        figures, checked = _run(args, own_database)
    finally:
        services.stop(started)
    print(
        f"LOAD scale={args.scale:g} users={args.users} duration={args.duration}s web_workers={args.web_workers} "
        f"requests={figures['requests']:.0f} rps={figures['rps']:.1f} median={figures['median']:.0f}ms "
        f"p95={figures['p95']:.0f}ms errors={figures['errors']:.0f}",
        flush=True,
    )
    # The same run without the sign-ins (password hashing and the TOTP check are slow by design).
    print(
        f"LOAD pages_without_sign_in requests={figures['pages_requests']:.0f} median={figures['pages_median']:.0f}ms "
        f"p95={figures['pages_p95']:.0f}ms",
        flush=True,
    )
    if figures["errors"]:
        _log("errors: see var/load/locust_failures.csv and var/load/web.log")
    return 1 if figures["errors"] or figures["requests"] == 0 or checked else 0


if __name__ == "__main__":
    sys.exit(main())
