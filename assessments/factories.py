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
        skip_postgeneration_save = True

    candidate = factory.SubFactory(CandidateFactory)
    rpa = factory.LazyAttribute(lambda o: o.candidate.rpa)
    assessor = factory.LazyAttribute(lambda o: AssessorFactory(rpa=o.rpa))
    owner = factory.LazyAttribute(lambda o: o.assessor.user if o.assessor.rpa_id == o.rpa.pk else None)
    starts_at = factory.LazyFunction(lambda: at(timezone.localdate() + timedelta(days=40)))
    week_start = factory.LazyAttribute(lambda o: models.week_start(timezone.localtime(o.starts_at).date()))

    @factory.post_generation
    def with_file(self, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Every booked assessment has its file, as booking through the service gives it."""
        if create and extracted is not False and self.state == models.AssessmentState.BOOKED:  # type: ignore[attr-defined]
            from assessments.file_services import assessment_file_open

            assessment_file_open(assessment=self, acting_user=None)  # type: ignore[arg-type]


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


# --- assessment files (issue 6) ----------------------------------------------------------------------------


def complete_content(
    *, file: models.AssessmentFile, outcome: str = "met", insufficient: tuple[int, ...] = (), **f15: Any
) -> dict[str, Any]:
    """A draft with every part complete: the grid met except `insufficient`, and the outcome with its rationale."""
    from assessments.file_parts import MEETINGS
    from assessments.file_selectors import file_standard_numbers

    numbers = file_standard_numbers()
    day = timezone.localtime(file.assessment.starts_at).date().isoformat()
    content: dict[str, Any] = {
        "f0": {**file.draft.get("f0", {}), "confirmed": True},
        "tasks": {str(n): {"notes": f"Task {n}: response read before the interview."} for n in range(1, 9)},
        "grid": {
            str(n): {
                "judgement": "insufficient" if n in insufficient else "met",
                "evidence": f"Standard {n}: evidence from the tasks and the interviews summarised here.",
            }
            for n in numbers
        },
        "f15": {
            "outcome": outcome,
            "rationale": "The evidence summaries support this outcome.",
            "reassess_standards": list(insufficient) if outcome == "partial" else [],
            **f15,
        },
    }
    for meeting in MEETINGS:
        content[meeting.key] = {
            "held_on": day,
            "with_name": "A. Person" if meeting.with_label else "",
            "record": f"{meeting.title}: questions asked and answers recorded at the time.",
        }
    return content


def file_with_tasks(*, assessment: models.Assessment | None = None, **assessment_fields: Any) -> models.AssessmentFile:
    """The file of an assessment (by default three days ago) with all eight response sheets and one evidence file."""
    from assessments.file_services import task_document_upload
    from candidates.factories import pdf_with

    if assessment is None:
        assessment_fields.setdefault("starts_at", at(timezone.localdate() - timedelta(days=3)))
        assessment = AssessmentFactory(**assessment_fields)  # type: ignore[assignment]
    file = models.AssessmentFile.objects.get(assessment=assessment)
    for n in range(1, 9):
        task_document_upload(
            file=file, kind="task", task_number=n, name=f"task{n}.pdf", content=pdf_with(f"task {n}"), acting_user=None
        )
    task_document_upload(
        file=file, kind="evidence", title="Evidence file", name="evidence.pdf", content=pdf_with("evidence"),
        acting_user=None,
    )  # fmt: skip
    return file


def submitted_file(
    *, outcome: str = "met", insufficient: tuple[int, ...] = (), **assessment_fields: Any
) -> models.AssessmentFile:
    """A file completed and submitted (version 1) by its assessor."""
    from assessments.file_services import file_submit

    file = file_with_tasks(**assessment_fields)
    file.draft = complete_content(file=file, outcome=outcome, insufficient=insufficient)
    file.save(update_fields=["draft"])
    file_submit(file=file, acting_user=file.assessor.user)
    file.refresh_from_db()
    return file
