"""Writes of moderation's reports: the moderators' report to the RPA (MOD-10) and trends sent to a PoP about its own
candidates (MOD-11). Keyword-only, each in one transaction; a refusal is a ValidationError naming the field. (Feedback
to assessors and the joint report are moderation.services': assessor_feedback_save/send, joint_report_submit.)"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from hnap.models import Membership, Notification, PreparationProvider, User
from hnap.roles import Role
from moderation.models import (
    EventState,
    ModerationEvent,
    ModeratorsReport,
    PoPTrendFeedback,
)
from moderation.report_selectors import event_trends, month_end, year_start
from moderation.selectors import moderator_for


def _notify(*, user_ids: list[int] | set[int], subject: str, body: str, link: str) -> None:
    Notification.objects.bulk_create(
        [Notification(user_id=user_id, subject=subject, body=body, link=link) for user_id in sorted(user_ids)]
    )


def _rpa_admin_ids(rpa_id: int) -> set[int]:
    return set(Membership.objects.filter(role=Role.RPA_ADMIN, rpa_id=rpa_id).values_list("user_id", flat=True))


# --- the moderators' report to the RPA (MOD-10) ------------------------------------------------------------------


@transaction.atomic
def moderators_report_save(
    *,
    event: ModerationEvent,
    training: str,
    quality_assurance: str,
    support: str,
    submit: bool,
    acting_user: User | None,
) -> ModeratorsReport:
    """MOD-10: the moderators write what would improve the RPA's training, quality assurance and support of its
    assessors; submitting it tells the RPA's administrators, and it can no longer be changed."""
    if event.state == EventState.PLANNED:
        raise ValidationError("The event has not been held yet: the moderators report on it afterwards.")
    if acting_user is not None and moderator_for(user=acting_user, rpa_id=event.rpa_id) is None:
        raise ValidationError("Only a moderator of the RPA writes the moderators' report.")
    report = ModeratorsReport.objects.select_for_update().filter(event=event).first()
    if report is not None and report.submitted_at is not None:
        raise ValidationError("The moderators' report has been submitted: it can no longer be changed.")
    texts = {"training": training.strip(), "quality_assurance": quality_assurance.strip(), "support": support.strip()}
    if submit and not any(texts.values()):
        raise ValidationError({"training": "Write at least one part of the report before submitting it."})
    if report is None:
        report = ModeratorsReport(rpa_id=event.rpa_id, event=event)
    for name, value in texts.items():
        setattr(report, name, value)
    report.written_by = acting_user or report.written_by
    report.written_at = timezone.now()
    if submit:
        report.submitted_at = report.written_at
    report.save()
    if submit:
        _notify(
            user_ids=_rpa_admin_ids(event.rpa_id),
            subject=f"Moderators' report: {event}",
            body="The moderators have reported on training, quality assurance and support of assessors.",
            link=f"/moderation/events/{event.pk}/moderators-report/",
        )
    return report


# --- trends sent to a PoP (MOD-11) -------------------------------------------------------------------------------


@transaction.atomic
def pop_trends_send(
    *,
    event: ModerationEvent,
    pop: PreparationProvider,
    whole_year: bool,
    message: str,
    acting_user: User | None,
) -> PoPTrendFeedback:
    """MOD-11: send a PoP the trends of its own candidates' moderated files (the event, or the year to its month),
    with the RPA's message; the record keeps the table as sent and the PoP's users are told."""
    if not message.strip():
        raise ValidationError({"message": "Write the message to the PoP."})
    trends = event_trends(event=event, whole_year=whole_year, pop_ids=[pop.pk])
    if not trends.pops:
        raise ValidationError({"pop": f"No file of a candidate of {pop.name} was moderated in this period."})
    trend = trends.pops[0]
    feedback = PoPTrendFeedback.objects.create(
        rpa_id=event.rpa_id,
        pop=pop,
        event=event,
        period_start=year_start(event.month) if whole_year else event.month,
        period_end=month_end(event.month),
        trends=trend.as_json(),
        message=message.strip(),
        sent_by=acting_user,
    )
    pop_users = set(Membership.objects.filter(role=Role.POP_USER, pop=pop).values_list("user_id", flat=True))
    _notify(
        user_ids=pop_users,
        subject=f"Moderation trends from {event.rpa.name}",
        body=f"{event.rpa.name} sends the trends moderation found in your candidates' assessments.",
        link=f"/moderation/pop-trends/{feedback.pk}/",
    )
    return feedback
