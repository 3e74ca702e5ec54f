"""factory_boy factories of the assessments app, for tests, benchmarks and the demo."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import factory
from django.utils import timezone

from assessments import models
from candidates.factories import CandidateFactory
from hnap.factories import UserFactory
from hnap.models import RPA
from hnap.workdays import LONDON


def _default_rpa() -> RPA:
    return RPA.objects.get(slug="strictly-education-4s")


def at(day: Any, hour: int = 10) -> datetime:
    """A London time on a day (assessments are booked in local time)."""
    return datetime.combine(day, time(hour), tzinfo=LONDON)


class AssessorFactory(factory.django.DjangoModelFactory):
    """An active, experienced assessor: the seven training topics done and the first solo quality-assured (pass
    `trained=False` for a trainee, `first_solo_qa_at=None` for a new assessor whose first solo is still to come)."""

    class Meta:
        model = models.Assessor
        skip_postgeneration_save = True

    rpa = factory.LazyFunction(_default_rpa)
    user = factory.SubFactory(UserFactory)
    status = models.AssessorStatus.ACTIVE
    first_solo_qa_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=200))

    @factory.post_generation
    def trained(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted is not False:
            models.TrainingRecord.objects.bulk_create(
                models.TrainingRecord(
                    rpa=self.rpa,  # type: ignore[attr-defined]
                    assessor=self,
                    topic=topic,
                    completed_on=timezone.localdate() - timedelta(days=100),
                )
                for topic in models.TrainingTopic.values
            )


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A booked assessment (no cap check: tests of the cap go through the services)."""

    class Meta:
        model = models.Assessment

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    assessor = factory.LazyAttribute(lambda o: AssessorFactory(rpa=o.rpa))
    owner = factory.LazyAttribute(lambda o: o.assessor.user if o.assessor.rpa_id == o.rpa.pk else None)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + timedelta(days=40)))
    week_start = factory.LazyAttribute(lambda o: models.week_start(timezone.localtime(o.starts_at).date()))


class ConflictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Conflict

    assessor = factory.SubFactory(AssessorFactory)
    rpa = factory.LazyAttribute(lambda o: o.assessor.rpa)
    pop = factory.LazyAttribute(lambda o: CandidateFactory(rpa=o.rpa).pop)
    reason = "Former employee"


class CPDEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.CPDEntry

    assessor = factory.SubFactory(AssessorFactory)
    rpa = factory.LazyAttribute(lambda o: o.assessor.rpa)
    done_on = factory.LazyFunction(timezone.localdate)
    title = "Standardisation meeting"
    hours = 3
    ksbs = factory.LazyFunction(lambda: ["K7", "S7"])


class UnavailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Unavailability

    assessor = factory.SubFactory(AssessorFactory)
    rpa = factory.LazyAttribute(lambda o: o.assessor.rpa)
    week_start = factory.LazyFunction(lambda: models.week_start(timezone.localdate() + timedelta(days=21)))


class PerformanceReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.PerformanceReview

    assessor = factory.SubFactory(AssessorFactory)
    rpa = factory.LazyAttribute(lambda o: o.assessor.rpa)
    preparation = conduct = outcomes = paperwork = communication = participation = models.Rating.SATISFACTORY
    feedback = "Clear, well-evidenced judgements."


class QualityActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.QualityAction

    assessor = factory.SubFactory(AssessorFactory)
    rpa = factory.LazyAttribute(lambda o: o.assessor.rpa)
    kind = models.QualityActionKind.DISCUSSION
    reason = "Paperwork late twice this term."
