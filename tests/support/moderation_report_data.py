"""Moderated files for the tests of moderation's reports: a file of an event's sample with its submitted grid, the
moderators' decision and what trends read (documentation, written tasks on time, returned at scrutiny), built from
rows directly (the moderation rules themselves are tested through moderation.services in tests/moderation)."""

from __future__ import annotations

from typing import Any

from assessments.factories import AssessmentFactory
from assessments.file_selectors import file_standard_numbers
from assessments.models import AssessmentFile, Assessor, FileState, FileVersion, Outcome
from candidates.factories import CandidateFactory, PreparationCourseFactory
from hnap.models import PreparationProvider
from moderation.factories import ModerationDecisionFactory, ModeratorFactory, SampleEntryFactory
from moderation.models import DecisionState, ModerationEvent, Moderator, SampleEntry, Verdict


def moderated_file(
    *,
    event: ModerationEvent,
    pop: PreparationProvider | None = None,
    assessor: Assessor | None = None,
    outcome: str = Outcome.MET,
    insufficient: tuple[int, ...] = (),
    disputed: tuple[int, ...] = (),
    verdict: str | None = Verdict.ENDORSE,
    new_outcome: str = "",
    reasons: str = "",
    documentation: str = "",
    state: str = DecisionState.CONFIRMED,
    tasks_on_time: bool | None = True,
    was_returned: bool = False,
    moderator: Moderator | None = None,
    last_name: str = "",
) -> SampleEntry:
    """A file of `event`'s cohort in its sample: the assessor judged `insufficient` standards to lack evidence; the
    moderator disagreed on `disputed` ones and gave `verdict` (None: not decided yet)."""
    rpa = event.rpa
    candidate_fields: dict[str, Any] = {"rpa": rpa}
    if pop is not None:
        candidate_fields.update(pop=pop, course=PreparationCourseFactory(rpa=rpa, pop=pop))
    if last_name:
        candidate_fields["last_name"] = last_name
    booking: dict[str, Any] = {"candidate": CandidateFactory(**candidate_fields)}
    if assessor is not None:
        booking["assessor"] = assessor
    assessment = AssessmentFactory(**booking)
    file = AssessmentFile.objects.get(assessment=assessment)
    file.state = FileState.ACCEPTED
    file.recommended_outcome = outcome
    file.cycle_month = event.month
    file.version_count = 1
    file.tasks_on_time = tasks_on_time
    file.was_returned = was_returned
    file.save()
    grid = {
        str(n): {"judgement": "insufficient" if n in insufficient else "met", "evidence": f"Standard {n} evidence."}
        for n in file_standard_numbers()
    }
    FileVersion.objects.create(rpa=rpa, file=file, number=1, content={"grid": grid}, outcome=outcome)
    standards = sorted({*insufficient, *disputed, 3})
    entry = SampleEntryFactory(event=event, file=file, rpa=rpa, standards=standards)
    if verdict is not None:
        ModerationDecisionFactory(
            entry=entry,
            moderator=moderator or ModeratorFactory(rpa=rpa),
            judgements={str(n): {"agree": n not in disputed, "note": "See the evidence."} for n in standards},
            verdict=verdict,
            new_outcome=new_outcome,
            reasons=reasons,
            documentation=documentation,
            state=state,
        )
    return entry
