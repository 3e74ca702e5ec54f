"""The Celery app of hnap and its beat schedule (the one place periodic work is declared)."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hnap.settings.local")

# Every task publishes through DurableTask: a page's task is kept in the database while Redis is unreachable.
app = Celery("hnap", task_cls="hnap.task_publishing:DurableTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _deadline_sweep_schedule() -> crontab | float:
    """Every 5 minutes on the clock, or every HNAP_DEADLINE_SWEEP_SECONDS (tests and demos sweep faster)."""
    seconds = os.environ.get("HNAP_DEADLINE_SWEEP_SECONDS", "").strip()
    return float(seconds) if seconds else crontab(minute="*/5")


def _pending_tasks_schedule() -> float:
    """Every minute, or every HNAP_PENDING_TASKS_SECONDS (the fault tests wait less)."""
    return float(os.environ.get("HNAP_PENDING_TASKS_SECONDS", "").strip() or 60)


app.conf.beat_schedule = {
    # Lets /healthz tell when beat last ran.
    "beat-heartbeat": {"task": "hnap.tasks.beat_heartbeat", "schedule": 15.0},
    # Tasks pages asked for while Redis was down, published once it is back (hnap/task_publishing.py).
    "pending-tasks": {"task": "hnap.tasks.pending_tasks_publish", "schedule": _pending_tasks_schedule()},
    # The deadline engine's sweep: reminders, escalations and breaches (hnap/deadlines.py).
    "deadline-sweep": {"task": "hnap.tasks.deadline_sweep", "schedule": _deadline_sweep_schedule()},
    # Confirmed results whose candidate has since paid are released (PAY-1, MOD-12).
    "results-release": {"task": "assessments.tasks.results_release_due", "schedule": crontab(minute="*/15")},
    # Retention periods applied nightly, each RPA's run reported (DATA-1, S11-4); expired export archives deleted.
    "retention-nightly": {"task": "dataprotection.tasks.retention_nightly", "schedule": crontab(hour=2, minute=30)},
    "exports-expire": {"task": "dataprotection.tasks.exports_expire", "schedule": crontab(minute=5)},
}
