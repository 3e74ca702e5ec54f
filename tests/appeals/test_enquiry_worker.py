"""ENQ-3 end to end: an enquiry left alone, with a real Celery worker and real beat as subprocesses against the test
database, gets exactly one reminder before its acknowledgement is due and exactly one escalation to the RPA's lead
once it is missed, however many sweeps run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from appeals.factories import enquiry_for
from appeals.models import ENQUIRY_ACKNOWLEDGE_KIND, ENQUIRY_ANSWER_KIND, Enquiry
from hnap.factories import RPAFactory, UserFactory
from hnap.models import Deadline, DeadlineNotice, DeadlineState, NoticeKind, Notification
from tests.hnap.test_deadline_worker import Services, mail_files, sweeps_succeeded, wait_for

pytestmark = [pytest.mark.worker]

# A Redis database of its own (the deadline worker test uses 13): no other run's worker takes these tasks.
BROKER_DB = 12
# The acknowledgement falls due this long after the worker's first sweep: long enough for a reminder first.
DUE_IN = timedelta(seconds=8)


def _broker_url() -> str:
    return urlunsplit(urlsplit(settings.REDIS_URL)._replace(path=f"/{BROKER_DB}"))


@contextmanager
def workers(tmp_path: Path) -> Iterator[Services]:
    mail_dir = tmp_path / "mail"
    mail_dir.mkdir()
    client = redis.Redis.from_url(_broker_url())
    client.flushdb()
    running = Services(tmp_path, mail_dir)
    running.env["REDIS_URL"] = _broker_url()
    try:
        yield running
    finally:
        running.kill_all()
        client.flushdb()
        client.close()


def _deadline(enquiry: Enquiry, kind: str) -> Deadline:
    return Deadline.objects.get(
        kind=kind, content_type=ContentType.objects.get_for_model(Enquiry), object_id=enquiry.pk
    )


def test_enq3_an_enquiry_left_alone_gets_one_reminder_and_one_escalation(
    transactional_db: None, tmp_path: Path
) -> None:
    """Given an enquiry received through the engine whose acknowledgement is due in a few seconds (its reminder time
    already come), when real beat sweeps every second and a real worker runs the sweeps before and well after the
    due time, then the lead gets exactly one reminder and one escalation (two emails, two notifications), the
    deadline is breached, and the answer deadline (due in 10 working days) has sent nothing."""
    lead = UserFactory(email="lead@enquiry-worker.example.org")
    rpa = RPAFactory(lead=lead)
    enquiry = enquiry_for(rpa, subject="Left alone")
    acknowledge = _deadline(enquiry, ENQUIRY_ACKNOWLEDGE_KIND)
    with workers(tmp_path) as running:
        running.beat()
        _, log = running.worker("worker")
        # Started (however slowly on a busy machine) before the clock is moved: the reminder cannot be skipped.
        wait_for(lambda: sweeps_succeeded(log) >= 1, what="a first sweep", running=running)
        assert not DeadlineNotice.objects.exists()  # 3 working days away: nothing yet
        now = timezone.now()
        # The engine set it for 3 working days; the test moves its clock forward instead of waiting days.
        Deadline.objects.filter(pk=acknowledge.pk).update(due_at=now + DUE_IN, remind_at=now - timedelta(minutes=1))
        wait_for(
            lambda: DeadlineNotice.objects.filter(
                deadline=acknowledge, kind=NoticeKind.REMINDER, sent_at__isnull=False
            ).exists(),
            what="the reminder",
            running=running,
        )
        wait_for(
            lambda: DeadlineNotice.objects.filter(
                deadline=acknowledge, kind=NoticeKind.ESCALATION, sent_at__isnull=False
            ).exists(),
            what="the escalation",
            running=running,
        )
        after = sweeps_succeeded(log)
        wait_for(lambda: sweeps_succeeded(log) >= after + 3, what="three more sweeps", running=running)

        notices = list(DeadlineNotice.objects.filter(deadline__object_id=enquiry.pk).order_by("created_at"))
        assert [(n.deadline_id, n.kind) for n in notices] == [
            (acknowledge.pk, NoticeKind.REMINDER),
            (acknowledge.pk, NoticeKind.ESCALATION),
        ]
        assert all(n.recipient == lead and n.sent_at for n in notices)
        assert Notification.objects.filter(user=lead).count() == 2
        files = mail_files(running.mail_dir)
        assert len(files) == 2, running.logs()
        text = "".join(f.read_text() for f in files)
        assert f"Message-ID: <deadline:{acknowledge.pk}:reminder@hnap>" in text
        assert f"Message-ID: <deadline:{acknowledge.pk}:escalation@hnap>" in text
        assert f"Acknowledge enquiry {enquiry.reference}" in text
        acknowledge.refresh_from_db()
        assert acknowledge.state == DeadlineState.BREACHED
        assert _deadline(enquiry, ENQUIRY_ANSWER_KIND).state == DeadlineState.OPEN
