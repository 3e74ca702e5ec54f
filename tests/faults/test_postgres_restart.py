"""Faults: PostgreSQL restarted while a request's transaction is in flight."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from urllib.parse import urlsplit

import psutil
import psycopg
import pytest
import requests
from django.db import close_old_connections, connection
from django.utils import timezone

from hnap.factories import DeadlineFactory, MembershipFactory, UserFactory
from hnap.models import RPA, ClosureDay
from hnap.roles import Role
from tests.faults.conftest import Web
from tests.faults.servers import PrivatePostgres, wait_until

# The shared test database is only the source of the private one's copy (see conftest).
pytestmark = [pytest.mark.django_db(transaction=True)]

PAGE = "/closure-days/"


def _worker_pids(web: Web) -> set[int]:
    return {child.pid for child in psutil.Process(web.process.pid).children()}


def test_postgres_restart_fails_the_request_in_flight_cleanly_and_the_next_one_reconnects(
    orm: None, fault_postgres: PrivatePostgres, fault_database: str, web: Web
) -> None:
    """Given a closure day being added (one atomic write: the day, then the RPA's deadlines recomputed) that waits
    on a lock while PostgreSQL is restarted, then that request answers the 500 page without a stack trace and
    nothing of it is kept; /healthz answers 503 naming the database while it is down; and after the restart the
    same gunicorn workers (not restarted) answer again, their stale persistent connections replaced
    (CONN_HEALTH_CHECKS) rather than failing the first request."""
    rpa = RPA.objects.order_by("pk").first()
    assert rpa is not None
    admin = UserFactory(email="admin@faults.example.org")
    MembershipFactory(user=admin, role=Role.RPA_ADMIN, rpa=rpa)
    deadline = DeadlineFactory(
        rpa=rpa, working_days=10, starts_on=timezone.localdate(), due_at=timezone.now() + timedelta(days=14)
    )
    web.sign_in_as(admin)
    for _ in range(6):  # every worker opens its persistent connection (CONN_MAX_AGE) before the restart
        assert web.get(PAGE).status_code == 200
    workers = _worker_pids(web)
    assert ClosureDay.objects.filter(rpa=rpa).count() == 0  # this process's connection is open before the restart
    database = urlsplit(fault_database).path.lstrip("/")
    assert fault_postgres.sessions(database) >= 2

    # Another session holds the deadline the request's recompute must lock: the request waits mid-transaction.
    holder = psycopg.connect(host=str(fault_postgres.socket_dir), dbname=database, user="postgres")
    holder.execute("SELECT id FROM hnap_deadline WHERE id = %s FOR UPDATE", [deadline.pk])
    closed_on = date(2031, 1, 6)
    answers: list[requests.Response] = []
    form = {"day": closed_on.isoformat(), "reason": "Staff training"}
    request = threading.Thread(target=lambda: answers.append(web.post_form("/closure-days/new/", form)))
    request.start()
    wait_until(
        lambda: fault_postgres.sessions(database, waiting_on_a_lock=True) == 1,
        what="the request to wait on the lock",
        timeout=30,
    )

    fault_postgres.stop()
    request.join(timeout=60)
    try:
        assert answers, "the request in flight got no answer"
        failed = answers[0]
        assert failed.status_code == 500
        assert "Sorry, there is a problem with the service" in failed.text
        assert "Traceback" not in failed.text and "psycopg" not in failed.text

        health = web.get("/healthz")
        assert health.status_code == 503
        assert health.json()["checks"]["database"]["ok"] is False
        # A page needing the database answers the product's 500 page (not the server's bare error) meanwhile.
        down = web.get(PAGE)
        assert down.status_code == 500
        assert "Sorry, there is a problem with the service" in down.text
    finally:
        fault_postgres.start()
        holder.close()

    for _ in range(6):
        assert web.get(PAGE).status_code == 200, web.processes.logs()
    assert web.get("/healthz").json()["checks"]["database"]["ok"] is True
    assert _worker_pids(web) == workers

    # The same mechanism in this process, where it can be seen: the connection opened before the restart is dead,
    # and the start of the next request (close_old_connections) with the next query replaces it.
    with pytest.raises(psycopg.OperationalError):
        connection.connection.execute("SELECT 1")
    close_old_connections()
    assert not ClosureDay.objects.filter(day=closed_on).exists()  # the request's write left nothing
