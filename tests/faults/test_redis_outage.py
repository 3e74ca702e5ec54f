"""Faults: Redis stopped for a minute under a running web, worker and beat."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from django.utils import timezone

from appeals.models import EnquiryChannel, EnquiryMessage
from appeals.services import enquiry_receive
from hnap.factories import DeadlineFactory, MembershipFactory, UserFactory
from hnap.models import RPA, DeadlineNotice, PendingTask
from hnap.roles import Role
from tests.faults.conftest import Web
from tests.faults.servers import PrivateRedis, Processes, wait_until

# The shared test database is only the source of the private one's copy (see conftest).
pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# The minute. Recovery after it is bounded by the worker's reconnection back-off (up to ~30 s).
OUTAGE_SECONDS = 60
QUICK = "2"  # beat's sweeps and the pending-task publisher every 2 s, so recovery is seen soon after Redis is back


def _mail(folder: Path) -> str:
    return "".join(p.read_text() for p in sorted(folder.iterdir()) if p.is_file())


def _health(web: Web) -> tuple[int, dict[str, dict[str, object]]]:
    response = web.get("/healthz")
    return response.status_code, response.json()["checks"]


def test_redis_stopped_a_minute_pages_answer_healthz_says_so_and_queued_work_is_sent_after(
    orm: None, fault_redis: PrivateRedis, processes: Processes, mail_dir: Path
) -> None:
    """Given web (gunicorn), worker and beat running and green, when Redis stops for a minute, then pages that do
    not need Redis answer (sign-in page, a signed-in list, the public enquiry form and its submission), /healthz
    answers 503 naming redis and the worker as down, and an acknowledgement sent from a page is saved and the page
    answers (its email task is kept in the database, not a 500; beat's own tasks are not kept); a deadline reminder
    falling due meanwhile waits in the database. When Redis is back, with no one touching a process, /healthz is
    green again and both emails go, each once."""
    rpa = RPA.objects.order_by("pk").first()
    assert rpa is not None
    admin = UserFactory(email="admin@faults.example.org")
    MembershipFactory(user=admin, role=Role.RPA_ADMIN, rpa=rpa)
    enquiry = enquiry_receive(
        rpa=rpa,
        channel=EnquiryChannel.WEB_FORM,
        name="Pat Enquirer",
        email="pat@faults.example.org",
        subject="When is the next assessment?",
        message="Please tell me the dates.",
    )
    processes.env.update(HNAP_DEADLINE_SWEEP_SECONDS=QUICK, HNAP_PENDING_TASKS_SECONDS=QUICK)
    processes.worker("worker")
    processes.beat()
    web = Web(processes)
    web.sign_in_as(admin)
    wait_until(lambda: _health(web)[0] == 200, what="a green /healthz", timeout=60, explain=processes.logs)

    fault_redis.stop()
    outage_ends = time.monotonic() + OUTAGE_SECONDS
    try:
        status, checks = _health(web)
        assert status == 503
        assert checks["redis"]["ok"] is False
        assert checks["worker"]["ok"] is False
        assert checks["database"]["ok"] is True
        assert requests.get(web.url("/accounts/sign-in/"), timeout=30).status_code == 200  # signed out
        assert web.get("/").status_code == 200
        assert web.get("/enquiries/").status_code == 200
        assert web.get(f"/rpas/{rpa.slug}/contact/").status_code == 200
        public = {"name": "Sam Public", "email": "sam@faults.example.org", "nature": "other"}
        sent = web.post_form(f"/rpas/{rpa.slug}/contact/", {**public, "subject": "Fees", "message": "How much?"})
        assert sent.status_code == 302, sent.text[:2000]

        acknowledged = web.post_form(f"/enquiries/{enquiry.pk}/acknowledge/", {"message": "Thank you, received."})
        assert acknowledged.status_code == 302, processes.logs()
        reply = EnquiryMessage.objects.get(enquiry=enquiry, direction="out")
        assert reply.sent_at is None
        assert PendingTask.objects.filter(name="appeals.tasks.enquiry_message_send", args=[reply.pk]).count() == 1

        now = timezone.now()
        deadline = DeadlineFactory(
            rpa=rpa,
            responsible=admin,
            title="Return the moderation sample",
            due_at=now + timedelta(hours=3),
            remind_at=now - timedelta(minutes=1),
        )
        time.sleep(max(0.0, outage_ends - time.monotonic()))
        assert not DeadlineNotice.objects.filter(deadline=deadline).exists()  # no sweep ran without Redis
        # Only the page's task is kept: beat's own entries, refused every 2 s meanwhile, are not (beat runs them again).
        assert list(PendingTask.objects.values_list("name", flat=True)) == ["appeals.tasks.enquiry_message_send"]
        assert _mail(mail_dir) == ""
    finally:
        fault_redis.start()

    wait_until(lambda: _health(web)[0] == 200, what="/healthz green again", timeout=90, explain=processes.logs)
    wait_until(
        lambda: (
            f"<enquiry-message-{reply.pk}@hnap>" in _mail(mail_dir)
            and f"<deadline:{deadline.pk}:reminder@hnap>" in _mail(mail_dir)
        ),
        what="the kept email and the reminder",
        timeout=60,
        explain=processes.logs,
    )
    time.sleep(float(QUICK) * 3)  # a few more sweeps and publisher runs: nothing goes twice
    mail = _mail(mail_dir)
    assert mail.count(f"Message-ID: <enquiry-message-{reply.pk}@hnap>") == 1
    assert mail.count(f"Message-ID: <deadline:{deadline.pk}:reminder@hnap>") == 1
    assert not PendingTask.objects.exists()
    reply.refresh_from_db()
    assert reply.sent_at is not None
    assert web.get("/enquiries/").status_code == 200
