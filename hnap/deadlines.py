"""The deadline engine (ENQ-1, ENQ-3, PEER-3): one model of deadlines, one periodic sweep, notices sent once.

The database is the truth: there are no per-deadline timers. Beat runs `deadline_sweep` every few
minutes; the sweep, in a fixed number of queries whatever the number of deadlines,
  1. creates a reminder notice for each open deadline whose reminder time has come,
  2. marks each open deadline past its due time as breached and creates an escalation notice to the
     RPA's lead,
and then `notices_deliver` sends the unsent notices. Each notice has a unique key
("deadline:<id>:reminder"), so a sweep run twice creates nothing new; delivery marks a notice sent
in the same transaction that records the in-product notification, so a worker killed mid-task leaves
the notice unsent and the next sweep delivers it. A Redis outage only delays the next sweep.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from hnap.models import RPA, Deadline, DeadlineNotice, DeadlineState, NoticeKind, Notification, User
from hnap.workdays import calendar_for, end_of_day, morning_of


def _reminder_time(*, due_at: datetime, now: datetime) -> datetime:
    # The morning of the due day; never before the deadline was set.
    due_day = timezone.localtime(due_at).date()
    remind_at = morning_of(due_day)
    if remind_at >= due_at:
        # Due before 09:00: that morning's reminder would come too late ever to be sent.
        remind_at = morning_of(due_day - timedelta(days=1))
    return max(remind_at, now)


@transaction.atomic
def deadline_schedule(
    *,
    rpa: RPA,
    kind: str,
    title: str,
    subject: models.Model | None = None,
    responsible: User | None = None,
    starts_on: date | None = None,
    working_days: int | None = None,
    due_at: datetime | None = None,
) -> Deadline:
    """Set a deadline `working_days` after `starts_on` (or at `due_at`); an open one for the same thing is kept."""
    if (working_days is None) == (due_at is None):
        raise ValueError("Give either working_days or due_at.")
    content_type = ContentType.objects.get_for_model(subject) if subject is not None else None
    object_id = subject.pk if subject is not None else None
    if subject is not None:
        existing = Deadline.objects.filter(
            kind=kind, content_type=content_type, object_id=object_id, state=DeadlineState.OPEN
        ).first()
        if existing:
            return existing
    now = timezone.now()
    starts_on = starts_on or timezone.localdate()
    if working_days is not None:
        due_at = end_of_day(calendar_for(rpa_id=rpa.pk).add_working_days(starts_on, working_days))
    assert due_at is not None
    try:
        with transaction.atomic():
            return Deadline.objects.create(
                rpa=rpa,
                kind=kind,
                title=title,
                content_type=content_type,
                object_id=object_id,
                responsible=responsible,
                starts_on=starts_on,
                working_days=working_days,
                due_at=due_at,
                remind_at=_reminder_time(due_at=due_at, now=now),
            )
    except IntegrityError:
        # Scheduled at the same moment by another request: theirs stands (one open deadline per thing).
        return Deadline.objects.get(kind=kind, content_type=content_type, object_id=object_id, state=DeadlineState.OPEN)


def _open_deadline(*, kind: str, subject: models.Model) -> models.QuerySet[Deadline]:
    return Deadline.objects.filter(
        kind=kind,
        content_type=ContentType.objects.get_for_model(subject),
        object_id=subject.pk,
        state__in=[DeadlineState.OPEN, DeadlineState.BREACHED],
        met_at__isnull=True,
    )


@transaction.atomic
def deadline_meet(*, kind: str, subject: models.Model, at: datetime | None = None) -> Deadline | None:
    """Record that what was due has been done; a breached deadline keeps its breach and records when."""
    deadline = _open_deadline(kind=kind, subject=subject).select_for_update().first()
    if deadline is None:
        return None
    deadline.met_at = at or timezone.now()
    if deadline.state == DeadlineState.OPEN:
        deadline.state = DeadlineState.MET
    deadline.save(update_fields=["met_at", "state"])
    return deadline


@transaction.atomic
def deadline_cancel(*, kind: str, subject: models.Model) -> int:
    """Cancel the open deadline of this kind for this thing (it is no longer owed)."""
    return (
        _open_deadline(kind=kind, subject=subject)
        .filter(state=DeadlineState.OPEN)
        .update(state=DeadlineState.CANCELLED)
    )


@transaction.atomic
def deadlines_recompute(*, rpa_id: int) -> int:
    """Recompute the due times of an RPA's open working-day deadlines (after its closure days change)."""
    calendar = calendar_for(rpa_id=rpa_id)
    now = timezone.now()
    changed = []
    for deadline in Deadline.objects.filter(
        rpa_id=rpa_id, state=DeadlineState.OPEN, working_days__isnull=False
    ).select_for_update():
        assert deadline.working_days is not None
        due_at = end_of_day(calendar.add_working_days(deadline.starts_on, deadline.working_days))
        if due_at != deadline.due_at:
            deadline.due_at = due_at
            deadline.remind_at = _reminder_time(due_at=due_at, now=min(now, deadline.remind_at))
            changed.append(deadline)
    Deadline.objects.bulk_update(changed, ["due_at", "remind_at"])
    return len(changed)


@dataclass
class SweepReport:
    """What one sweep did."""

    reminders: int
    breaches: int
    delivered: int


_REMINDERS_SQL = """
INSERT INTO hnap_deadlinenotice (rpa_id, deadline_id, kind, key, recipient_id, recipient_email, created_at)
SELECT d.rpa_id, d.id, %(reminder)s, 'deadline:' || d.id || ':reminder',
       COALESCE(d.responsible_id, r.lead_id), '', %(now)s
FROM hnap_deadline d JOIN hnap_rpa r ON r.id = d.rpa_id
WHERE d.state = 'open' AND d.remind_at <= %(now)s AND d.due_at > %(now)s
ON CONFLICT (key) DO NOTHING
"""

_BREACHES_SQL = """
WITH breached AS (
    UPDATE hnap_deadline SET state = 'breached', breached_at = %(now)s
    WHERE state = 'open' AND due_at <= %(now)s
    RETURNING id, rpa_id, responsible_id
), escalations AS (
    INSERT INTO hnap_deadlinenotice (rpa_id, deadline_id, kind, key, recipient_id, recipient_email, created_at)
    SELECT b.rpa_id, b.id, %(escalation)s, 'deadline:' || b.id || ':escalation',
           COALESCE(r.lead_id, b.responsible_id), '', %(now)s
    FROM breached b JOIN hnap_rpa r ON r.id = b.rpa_id
    ON CONFLICT (key) DO NOTHING
    RETURNING 1
)
SELECT (SELECT count(*) FROM breached), (SELECT count(*) FROM escalations)
"""


def deadline_sweep(*, now: datetime | None = None) -> SweepReport:
    """Create due reminders, mark breaches with escalations, then deliver what is unsent."""
    now = now or timezone.now()
    params: dict[str, datetime | str] = {
        "now": now,
        "reminder": NoticeKind.REMINDER.value,
        "escalation": NoticeKind.ESCALATION.value,
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_REMINDERS_SQL, params)
        reminders = cursor.rowcount
        cursor.execute(_BREACHES_SQL, params)
        breaches, _ = cursor.fetchone()
    delivered = notices_deliver()
    return SweepReport(reminders=reminders, breaches=int(breaches), delivered=delivered)


def _notice_message(notice: DeadlineNotice) -> tuple[str, str]:
    deadline = notice.deadline
    due = timezone.localtime(deadline.due_at).strftime("%A %d %B %Y, %H:%M")
    if notice.kind == NoticeKind.REMINDER:
        return (
            f"Reminder: {deadline.title} is due {due}",
            f"{deadline.title} for {deadline.rpa.name} is due by {due}.",
        )
    return (
        f"Missed deadline: {deadline.title}",
        f"{deadline.title} for {deadline.rpa.name} was due by {due} and has not been done. "
        "It is escalated to you as the RPA's lead.",
    )


_MARK_SENT_SQL = """
UPDATE hnap_deadlinenotice AS n SET sent_at = %s, recipient_email = v.email
FROM unnest(%s::bigint[], %s::text[]) AS v(id, email)
WHERE n.id = v.id
"""


def notices_deliver(*, batch_size: int = 200) -> int:
    """Send unsent notices by email and into the recipient's notifications, each exactly once."""
    delivered = 0
    while True:
        with transaction.atomic():
            batch = list(
                DeadlineNotice.objects.filter(sent_at__isnull=True)
                .select_related("deadline__rpa", "recipient")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("id")[:batch_size]
            )
            if not batch:
                return delivered
            now = timezone.now()
            notifications, emails = [], []
            for notice in batch:
                subject, body = _notice_message(notice)
                address = notice.recipient.email if notice.recipient else notice.deadline.rpa.contact_email
                notice.recipient_email = address
                notice.sent_at = now
                if notice.recipient:
                    notifications.append(
                        Notification(user=notice.recipient, subject=subject, body=body, link="/deadlines/")
                    )
                # A stable Message-ID: should a send be repeated after a crash, mail systems see one message.
                emails.append(
                    EmailMessage(
                        subject,
                        body,
                        settings.DEFAULT_FROM_EMAIL,
                        [address],
                        headers={"Message-ID": f"<{notice.key}@hnap>"},
                    )
                )
            Notification.objects.bulk_create(notifications)
            # One UPDATE from two arrays: bulk_update's CASE per row costs more than the rest of delivery.
            with connection.cursor() as cursor:
                cursor.execute(_MARK_SENT_SQL, [now, [n.pk for n in batch], [n.recipient_email for n in batch]])
            # Sent last: if the send fails the transaction rolls back and the notices stay unsent.
            get_connection(fail_silently=False).send_messages(emails)
            delivered += len(batch)
