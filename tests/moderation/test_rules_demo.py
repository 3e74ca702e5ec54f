"""The demo moderation of `make run` (MOD-1..MOD-7, PEER-1, PEER-2, PEER-4): an open 4S event with every kind of
reason and decision, and seeding twice creates it once."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from assessments.models import Result
from hnap.models import User
from hnap.roles import Action
from moderation.factories import last_month
from moderation.models import (
    DecisionState,
    EventState,
    ModerationDecision,
    ModerationEvent,
    Moderator,
    ReviewPending,
    SampleDraw,
    SampleEntry,
    SampleReason,
    Verdict,
)
from moderation.selectors import draw_reproduce, event_summary

pytestmark = pytest.mark.django_db


def test_demo_moderation_event_shows_every_reason_and_decision_and_seeding_twice_creates_it_once() -> None:
    call_command("seed_demo", stdout=io.StringIO())
    counts = [m.objects.count() for m in (ModerationEvent, SampleEntry, ModerationDecision, ReviewPending, Moderator)]
    call_command("seed_demo", stdout=io.StringIO())
    assert [
        m.objects.count() for m in (ModerationEvent, SampleEntry, ModerationDecision, ReviewPending, Moderator)
    ] == (counts)
    event = ModerationEvent.objects.get(rpa__slug="strictly-education-4s", month=last_month())
    assert event.state == EventState.OPEN and event.review_open
    assert event.lead_moderator.user.email == "moderator.4s@hnap.test"
    assert event.lead_moderator.is_confirmed
    assert event.peer_reviewer.email == "assessor.north@hnap.test"
    reasons = {r for e in SampleEntry.objects.filter(event=event) for r in e.reasons}
    assert {SampleReason.NOT_MET, SampleReason.PARTIAL, SampleReason.FIRST_SOLO, SampleReason.RANDOM} <= reasons
    assert (
        SampleReason.COVERAGE_ASSESSOR in reasons
        or SampleEntry.objects.filter(
            event=event, file__candidate__last_name="Fulton", reasons__contains=[SampleReason.RANDOM]
        ).exists()
    )
    draw = SampleDraw.objects.get(event=event)
    assert draw.drawn_by == event.peer_reviewer and draw_reproduce(draw=draw) == draw.drawn
    overturn = ModerationDecision.objects.get(file__candidate__last_name="Fulton")
    assert overturn.verdict == Verdict.OVERTURN and overturn.state == DecisionState.CONFIRMED
    assert overturn.second_moderator.user.email == "senior.4s@hnap.test"
    assert Result.objects.get(file=overturn.file).outcome == "full"
    assert ReviewPending.objects.filter(file__candidate__last_name="Other", caused_by=overturn).exists()
    waiting = ModerationDecision.objects.get(file__candidate__last_name="Partial")
    assert waiting.state == DecisionState.AWAITING_SECOND
    summary = event_summary(event=event)
    assert summary.undecided and not summary.can_close
    # PEER-4: the North peer reviewer sees the sampled files, through the review's grants only.
    noel = User.objects.get(email="assessor.north@hnap.test")
    sampled = set(SampleEntry.objects.filter(event=event).values_list("file_id", flat=True))
    from assessments.models import AssessmentFile

    visible = set(AssessmentFile.objects.restrict(noel, Action.VIEW).filter(rpa=event.rpa).values_list("pk", flat=True))
    assert sampled <= visible
    assert visible - sampled <= set(
        AssessmentFile.objects.filter(rpa=event.rpa, assessor__user=noel).values_list("pk", flat=True)
    )


def test_demo_an_earlier_event_is_closed_with_its_feedback_reports_and_a_late_joint_report() -> None:
    """MOD-9..MOD-12, PEER-3, ASR-7: the month before last was moderated and closed; Gail Green (a demo sign-in)
    reads her feedback, Bright Futures Training its trends, and the joint report came in late."""
    from moderation.demo import GAIL, last_month_of
    from moderation.models import AssessorFeedback, JointReport, ModeratorsReport, PoPTrendFeedback

    call_command("seed_demo", stdout=io.StringIO())
    event = ModerationEvent.objects.get(rpa__slug="strictly-education-4s", month=last_month_of(last_month()))
    assert event.state == EventState.CLOSED and not event.review_open
    assert not SampleEntry.objects.filter(event=event, decision__isnull=True).exists()
    assert Result.objects.filter(file__cycle_month=event.month, file__rpa=event.rpa).count() == event.cohort_size
    gail = User.objects.get(email=GAIL)
    assert gail.check_password("hnap-demo-2026")
    assert list(AssessorFeedback.objects.restrict(gail, Action.VIEW)) == [AssessorFeedback.objects.get(event=event)]
    assert ModeratorsReport.objects.get(event=event).submitted_at
    pop_user = User.objects.get(email="pop.brightfutures@hnap.test")
    assert PoPTrendFeedback.objects.restrict(pop_user, Action.VIEW).filter(event=event).exists()
    report = JointReport.objects.get(event=event)
    assert report.submitted_at and report.issues_raised and report.is_late
