"""What /healthz reports: the database, Redis, a Celery worker and the time of beat's last run."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

BEAT_KEY = "hnap:beat:last-run"


def _redis() -> redis.Redis:
    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)


def beat_heartbeat_record(*, now: datetime | None = None) -> None:
    """Record that beat's schedule just ran (called by the beat-heartbeat task)."""
    _redis().set(BEAT_KEY, (now or timezone.now()).isoformat())


def health_check() -> dict[str, Any]:
    """Check each part; `ok` is true only when every part is up."""
    checks: dict[str, dict[str, Any]] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = {"ok": True}
    except Exception as error:  # any failure means the part is down; the reason is reported
        checks["database"] = {"ok": False, "error": type(error).__name__}
    last_beat: str | None = None
    try:
        client = _redis()
        client.ping()
        checks["redis"] = {"ok": True}
        raw = client.get(BEAT_KEY)
        last_beat = raw.decode() if isinstance(raw, bytes) else raw
    except redis.RedisError as error:
        checks["redis"] = {"ok": False, "error": type(error).__name__}
    if checks["redis"]["ok"]:
        from hnap.celery import app

        try:
            replies = app.control.ping(timeout=1.0) or []
        except Exception as error:  # broker errors surface as several kombu/redis types
            replies = []
            checks["worker"] = {"ok": False, "error": type(error).__name__}
        if "worker" not in checks:
            checks["worker"] = {"ok": bool(replies), "workers": sorted(name for r in replies for name in r)}
    else:
        checks["worker"] = {"ok": False, "error": "redis unavailable"}
    if last_beat:
        age = timezone.now() - datetime.fromisoformat(last_beat)
        checks["beat"] = {
            "ok": age <= settings.HNAP_BEAT_STALE_AFTER,
            "last_run": last_beat,
            "age_seconds": int(age.total_seconds()),
        }
    else:
        checks["beat"] = {"ok": False, "last_run": None}
    return {"ok": all(part["ok"] for part in checks.values()), "checks": checks, "time": timezone.now().isoformat()}


class HealthzMiddleware:
    """Answers /healthz before sessions, sign-in and two-factor are looked at.

    Those read the database: with it down, a probe that carried a session cookie got a bare 500 from the
    middleware instead of the 503 report naming the database.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path != "/healthz":
            return self.get_response(request)
        return health_response()


def health_response() -> JsonResponse:
    """The /healthz answer: the report as JSON, 503 when any part is down."""
    report = health_check()
    return JsonResponse(report, status=200 if report["ok"] else 503)
