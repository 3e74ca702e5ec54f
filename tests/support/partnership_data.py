"""Data of the Partnership's dashboards: a candidate's whole path in one month (registered, assessed, the file in the
moderation sample with the moderators' decision, the result), enquiries and appeals, each with counts a test can add
up; candidates carry distinctive names so a test can check none reaches the national dashboard."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from appeals.factories import appeal_for, enquiry_for
from appeals.models import Appeal, AppealDecision, AppealState, Enquiry, EnquiryState
from assessments.models import Assessment, ConfirmedVia, Outcome, Result
from candidates.models import Candidate, CandidateStatus
from hnap.models import RPA
from hnap.workdays import LONDON
from moderation.factories import ModerationEventFactory
from moderation.models import ModerationDecision, SampleEntry, Verdict
from tests.support.moderation_report_data import moderated_file


def this_month() -> date:
    return timezone.localdate().replace(day=1)


def moment_in(month: date) -> datetime:
    """A moment inside `month`: now for this month, else noon on the 15th."""
    if month == this_month():
        return timezone.now()
    return datetime.combine(month.replace(day=15), time(12), tzinfo=LONDON)


def activity(
    rpa: RPA,
    *,
    month: date | None = None,
    pop: Any = None,
    assessor: Any = None,
    last_name: str = "Quillfeather",
    outcome: str = Outcome.MET,
    verdict: str = Verdict.ENDORSE,
    new_outcome: str = "",
) -> SampleEntry:
    """One candidate of `rpa` through a month: registered, assessed, the file sampled and decided, the result
    confirmed (the moderators' outcome): +1 to registrations, assessments, results, files, sampled, decisions."""
    month = month or this_month()
    when = moment_in(month)
    event = ModerationEventFactory(rpa=rpa, month=month)
    entry = moderated_file(
        event=event,
        pop=pop,
        assessor=assessor,
        outcome=outcome,
        verdict=verdict,
        new_outcome=new_outcome,
        reasons="" if verdict == Verdict.ENDORSE else "The evidence for standard 3 does not support it.",
        last_name=last_name,
    )
    file = entry.file
    Candidate.objects.filter(pk=file.candidate_id).update(registered_at=when, status=CandidateStatus.REGISTERED)
    Assessment.objects.filter(pk=file.assessment_id).update(starts_at=when)
    ModerationDecision.objects.filter(entry=entry).update(decided_at=when)
    Result.objects.create(
        rpa=rpa,
        file=file,
        candidate=file.candidate,
        outcome=new_outcome or outcome,
        confirmed_via=ConfirmedVia.MODERATION,
        confirmed_at=when,
    )
    return entry


def enquiries(rpa: RPA) -> list[Enquiry]:
    """Two enquiries received now: one acknowledged and answered at once (on time), one whose acknowledgement and
    answer were due yesterday and are still owed (late)."""
    done = enquiry_for(rpa, subject="On time", name="Enid Enquiring", email="enid.enquiring@example.org")
    now = timezone.now()
    Enquiry.objects.filter(pk=done.pk).update(state=EnquiryState.ANSWERED, acknowledged_at=now, answered_at=now)
    late = enquiry_for(rpa, subject="Late", name="Larry Late", email="larry.late@example.org")
    Enquiry.objects.filter(pk=late.pk).update(
        acknowledge_due_at=now - timedelta(days=2), answer_due_at=now - timedelta(days=1)
    )
    return [done, late]


def decided_appeal(rpa: RPA, *, on_time: bool = True) -> Appeal:
    """An appeal received now and upheld, decided by (or after) the date the RPA gave. Its candidate is registered and
    has a result this month too (+1 registrations and results)."""
    appeal = appeal_for(rpa, result_fields={"last_name": "Appellantine"})
    today = timezone.localdate()
    Appeal.objects.filter(pk=appeal.pk).update(
        state=AppealState.DECIDED,
        decision=AppealDecision.UPHELD,
        consider_by=today if on_time else today - timedelta(days=3),
        decided_at=timezone.now(),
    )
    return appeal
