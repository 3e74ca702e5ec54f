"""/healthz: JSON health of the database, Redis, a worker and beat; 503 while any part is down."""

import json

import pytest
from django.test import Client

from hnap.health import BEAT_KEY, _redis
from hnap.tasks import beat_heartbeat

pytestmark = pytest.mark.django_db(transaction=True)


def test_healthz_reports_worker_and_beat_down_with_503_when_none_runs() -> None:
    _redis().delete(BEAT_KEY)
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert body["checks"]["database"]["ok"] is True
    assert body["checks"]["redis"]["ok"] is True
    assert body["checks"]["beat"] == {"ok": False, "last_run": None}
    assert body["ok"] is False


@pytest.mark.worker
def test_healthz_is_green_with_a_real_worker_and_a_recent_beat(celery_worker_thread: object) -> None:
    beat_heartbeat.delay().get(timeout=10)  # the task beat schedules, run by the real worker
    response = Client().get("/healthz")
    body = json.loads(response.content)
    assert response.status_code == 200, body
    assert body["checks"]["worker"]["ok"] is True
    assert body["checks"]["beat"]["ok"] is True
