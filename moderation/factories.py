"""factory_boy factories of the moderation app, for tests, benchmarks and the demo. They write rows directly (no rule
is checked): tests of the rules go through moderation.services."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import factory
from django.utils import timezone

from assessments.factories import AssessmentFactory, AssessorFactory, at, complete_content
from assessments.models import AssessmentFile, Assessor, FileState, FileVersion
from candidates.factories import CandidateFactory, PreparationCourseFactory
from hnap.factories import PreparationProviderFactory, UserFactory
from hnap.models import RPA, PreparationProvider
from moderation import models


def _default_rpa() -> RPA:
    return RPA.objects.get(slug="strictly-education-4s")


def _other_rpa(rpa: RPA) -> RPA:
    return RPA.objects.exclude(pk=rpa.pk).order_by("name").first()  # type: ignore[return-value]


def last_month() -> date:
    """The first day of the previous calendar month (a cycle whose event can be held now)."""
    return (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)


class ModeratorFactory(factory.django.DjangoModelFactory):
    """A confirmed moderator (pass `confirmed_at=None` for one still on trial moderations)."""

    class Meta:
        model = models.Moderator

    rpa = factory.LazyFunction(_default_rpa)
    user = factory.SubFactory(UserFactory)
    assessor = factory.LazyAttribute(lambda o: AssessorFactory(rpa=o.rpa, user=o.user))
    trained_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=300))
    confirmed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=200))
    confirmation_note = "Two trial moderations reviewed."


class PeerReviewPairingFactory(factory.django.DjangoModelFactory):
    """The reviewer RPA peer-reviews `rpa` for the three months starting with last month."""

    class Meta:
        model = models.PeerReviewPairing

    rpa = factory.LazyFunction(_default_rpa)
    reviewer_rpa = factory.LazyAttribute(lambda o: _other_rpa(o.rpa))
    period_start = factory.LazyFunction(last_month)
    period_end = factory.LazyAttribute(
        lambda o: (o.period_start + timedelta(days=31 * models.PAIRING_MONTHS)).replace(day=1) - timedelta(days=1)
    )


class PeerReviewNominationFactory(factory.django.DjangoModelFactory):
    """The reviewing RPA's peer reviewer and deputy for a month (`rpa` is the reviewing RPA)."""

    class Meta:
        model = models.PeerReviewNomination

    reviewed_rpa = factory.LazyFunction(_default_rpa)
    rpa = factory.LazyAttribute(lambda o: _other_rpa(o.reviewed_rpa))
    month = factory.LazyFunction(last_month)
    reviewer = factory.SubFactory(UserFactory)
    deputy = factory.SubFactory(UserFactory)


class ModerationEventFactory(factory.django.DjangoModelFactory):
    """A planned event for last month's cycle, held today (the RPA's existing event for that month if any)."""

    class Meta:
        model = models.ModerationEvent
        django_get_or_create = ["rpa", "month"]

    rpa = factory.LazyFunction(_default_rpa)
    month = factory.LazyFunction(last_month)
    held_on = factory.LazyFunction(timezone.localdate)


class SampleEntryFactory(factory.django.DjangoModelFactory):
    """A file in an event's sample (pass `file`; its RPA is the file's)."""

    class Meta:
        model = models.SampleEntry

    event = factory.LazyAttribute(lambda o: ModerationEventFactory(rpa=o.file.rpa))
    rpa = factory.LazyAttribute(lambda o: o.event.rpa)
    origin = models.SampleOrigin.MANDATORY
    reasons = factory.LazyFunction(lambda: [models.SampleReason.NOT_MET.value])
    standards = factory.LazyFunction(lambda: [3, 12])


class ModerationDecisionFactory(factory.django.DjangoModelFactory):
    """A confirmed endorsement of a sampled file (pass `entry`)."""

    class Meta:
        model = models.ModerationDecision

    rpa = factory.LazyAttribute(lambda o: o.entry.rpa)
    file = factory.LazyAttribute(lambda o: o.entry.file)
    moderator = factory.LazyAttribute(lambda o: ModeratorFactory(rpa=o.rpa))
    judgements = factory.LazyAttribute(lambda o: {str(n): {"agree": True, "note": ""} for n in o.entry.standards})
    verdict = models.Verdict.ENDORSE
    state = models.DecisionState.CONFIRMED
    confirmed_at = factory.LazyFunction(timezone.now)


class ReviewPendingFactory(factory.django.DjangoModelFactory):
    """A review-pending flag on `file` caused by `caused_by` (pass both)."""

    class Meta:
        model = models.ReviewPending

    rpa = factory.LazyAttribute(lambda o: o.file.rpa)


class AssessorFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AssessorFeedback

    rpa = factory.LazyFunction(_default_rpa)
    event = factory.LazyAttribute(lambda o: ModerationEventFactory(rpa=o.rpa))
    assessor = factory.LazyAttribute(lambda o: AssessorFactory(rpa=o.rpa))
    strengths = "Evidence summaries are precise and tied to the standards."
    weaknesses = "Records of the senior leader meetings are brief."


class ModeratorsReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ModeratorsReport

    rpa = factory.LazyFunction(_default_rpa)
    event = factory.LazyAttribute(lambda o: ModerationEventFactory(rpa=o.rpa))
    training = "A refresher on recording the senior leader interview."


class PoPTrendFeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PoPTrendFeedback

    rpa = factory.LazyFunction(_default_rpa)
    pop = factory.SubFactory(PreparationProviderFactory)
    period_start = factory.LazyFunction(last_month)
    period_end = factory.LazyFunction(lambda: timezone.localdate().replace(day=1) - timedelta(days=1))
    trends = factory.LazyFunction(lambda: {"files": 0, "standards": {}, "documentation": {}})
    message = "Candidates' evidence for standards 17 to 21 was often thin."


class JointReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.JointReport

    rpa = factory.LazyFunction(_default_rpa)
    event = factory.LazyAttribute(lambda o: ModerationEventFactory(rpa=o.rpa))
    due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=3))


def cohort_file(
    *,
    rpa: RPA | None = None,
    outcome: str = "met",
    assessor: Assessor | None = None,
    pop: PreparationProvider | None = None,
    insufficient: tuple[int, ...] = (),
    state: str = FileState.ACCEPTED,
    first_solo: bool = False,
    month: Any = None,
    candidate_fields: dict[str, Any] | None = None,
    days_ago: int = 40,
    **fields: Any,
) -> AssessmentFile:
    """A file of `month`'s cycle (default last month) submitted once with `outcome` (the grid agreeing) and accepted
    at scrutiny, written directly (the file's own tests prove submission); `fields` set more of the file's columns."""
    rpa = rpa or RPA.objects.get(slug="strictly-education-4s")
    candidate_fields = {"rpa": rpa, **(candidate_fields or {})}
    if pop is not None:
        candidate_fields["course"] = PreparationCourseFactory(rpa=rpa, pop=pop)
    candidate = CandidateFactory(**candidate_fields)
    assessment = AssessmentFactory(
        candidate=candidate,
        assessor=assessor or AssessorFactory(rpa=rpa),
        starts_at=at(timezone.localdate() - timedelta(days=days_ago)),
        is_first_solo=first_solo,
    )
    file = AssessmentFile.objects.get(assessment=assessment)
    if outcome == "partial" and not insufficient:
        insufficient = (4,)
    if outcome in ("not_met", "full") and not insufficient:
        insufficient = (4, 9)
    content = complete_content(file=file, outcome=outcome, insufficient=insufficient)
    FileVersion.objects.create(rpa=rpa, file=file, number=1, content=content, outcome=outcome)
    now = timezone.now()
    values = {
        "draft": content,
        "state": state,
        "version_count": 1,
        "recommended_outcome": outcome,
        "first_submitted_at": now,
        "submitted_at": now,
        "cycle_month": month or last_month(),
        **fields,
    }
    AssessmentFile.objects.filter(pk=file.pk).update(**values)
    file.refresh_from_db()
    return file
