"""Faults: the Celery worker SIGKILLed in the middle of the task that sends deadline notices (ENQ-3)."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.utils import timezone
from kombu import Connection

from hnap.celery import app
from hnap.factories import DeadlineFactory, RPAFactory, UserFactory
from hnap.models import DeadlineNotice, Notification
from tests.faults.servers import PrivateRedis, Processes, wait_until

# The shared test database is only the source of the private one's copy (see conftest): this marker makes
# pytest-django create it.
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The fresh worker hands out a task left unacknowledged this long ago (production: an hour, see settings).
VISIBILITY_SECONDS = "5"


def _mails(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.is_file())


def test_enq3_worker_killed_mid_delivery_redelivers_the_task_and_sends_each_notice_once(
    orm: None, fault_redis: PrivateRedis, processes: Processes, mail_dir: Path, tmp_path: Path
) -> None:
    """Given one deadline sweep queued (no beat: the broker alone must bring it back) and a worker SIGKILLed while
    it sends the sweep's notices, then nothing is half written (the notice is unsent, no notification, no mail),
    the task is still unacknowledged in Redis (acks_late), and a new worker takes it again once the visibility
    timeout has passed and delivers: one mail, one notification, the notice marked sent; a further sweep sends
    nothing again."""
    now = timezone.now()
    rpa = RPAFactory(lead=UserFactory(email="lead@faults.example.org"))
    deadlines = [
        DeadlineFactory(
            rpa=rpa,
            responsible=UserFactory(email=f"officer{i}@faults.example.org"),
            title=f"Acknowledge enquiry {i}",
            due_at=now + timedelta(hours=2),
            remind_at=now - timedelta(minutes=1),
        )
        for i in range(3)
    ]
    marker = tmp_path / "sending-started"
    slow = processes.worker(
        "slow-worker",
        EMAIL_BACKEND="tests.support.slow_email.EmailBackend",
        HNAP_SLOW_EMAIL_MARKER=str(marker),
        HNAP_SLOW_EMAIL_SECONDS="120",
    )
    with Connection(fault_redis.url()) as broker:
        app.send_task("hnap.tasks.deadline_sweep", connection=broker)
    wait_until(marker.exists, what="the worker to start sending", timeout=60, explain=processes.logs)

    processes.kill(slow)

    # Nothing half written: the sweep's notices were committed before delivery, delivery rolled back whole.
    notices = DeadlineNotice.objects.filter(deadline__in=deadlines)
    assert notices.count() == 3
    assert not notices.filter(sent_at__isnull=False).exists()
    assert not Notification.objects.filter(user__email__endswith="@faults.example.org").exists()
    assert _mails(mail_dir) == []
    # acks_late: the killed worker never acknowledged the task, so the broker still holds it.
    assert redis.Redis.from_url(fault_redis.url()).hlen("unacked") == 1

    # A worker looks for timed-out tasks when it starts (then only every ~100 s): start it once the task is older
    # than the visibility timeout, as a replacement worker started after a crash would be.
    time.sleep(float(VISIBILITY_SECONDS) + 1)
    processes.worker("fresh-worker", HNAP_CELERY_VISIBILITY_TIMEOUT=VISIBILITY_SECONDS)
    wait_until(lambda: len(_mails(mail_dir)) >= 1, what="the redelivered task", timeout=90, explain=processes.logs)
    with Connection(fault_redis.url()) as broker:
        app.send_task("hnap.tasks.deadline_sweep", connection=broker)
    wait_until(
        lambda: (tmp_path / "fresh-worker.log").read_text().count("succeeded") >= 2,
        what="a second sweep",
        timeout=60,
        explain=processes.logs,
    )

    assert notices.filter(sent_at__isnull=True).count() == 0
    assert Notification.objects.filter(user__email__endswith="@faults.example.org").count() == 3
    mails = "".join(p.read_text() for p in _mails(mail_dir))
    for deadline in deadlines:
        assert mails.count(f"Message-ID: <deadline:{deadline.pk}:reminder@hnap>") == 1, processes.logs()
