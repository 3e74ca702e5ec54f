"""Reads of moderation's people and reports: the moderators of an RPA (MOD-2), pairings and nominations (PEER-1,
PEER-2), what the feedback to a moderated assessor must say (MOD-9, ASR-7), the trends by PoP (MOD-11), the joint
report's lateness (PEER-3) and the event report (sample, decisions, overturns, cascade, coverage). Each read takes
records already narrowed by hnap.access, and costs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.fields.json import KeyTransform

from assessments.file_parts import INSUFFICIENT
from assessments.models import AssessmentFile, Assessor, FileVersion, Outcome
from hnap.charts import BarChart, bar_chart
from hnap.models import HLTAStandard, PreparationProvider
from moderation.models import (
    AssessorFeedback,
    DecisionState,
    DocumentationQuality,
    JointReport,
    ModerationDecision,
    ModerationEvent,
    Moderator,
    PeerReviewPairing,
    SampleEntry,
    Verdict,
)
from moderation.selectors import CHANGING_VERDICTS, assessor_changed_outcomes, coverage_for_year, moderator_for

# --- feedback to a moderated assessor (MOD-9, ASR-7) -----------------------------------------------------------


@dataclass
class OutcomeChange:
    """One change the moderators made to an assessor's recommendation in an event, with its reasons."""

    decision: ModerationDecision
    file: AssessmentFile
    recommended: str
    moderated: str
    reasons: str

    def as_text(self) -> str:
        """The change as the feedback's prefilled paragraph says it."""
        return (
            f"{self.file.candidate.full_name} ({self.file.candidate.reference}): recommended "
            f"{self.recommended}; moderated: {self.moderated}. Reasons: {self.reasons}"
        )


def _moderated_label(decision: ModerationDecision) -> str:
    """What the moderators made of the outcome: the new outcome of an overturn, or a full reassessment by another
    assessor when the process was lacking (MOD-8)."""
    if decision.verdict == Verdict.OVERTURN and decision.new_outcome:
        return Outcome(decision.new_outcome).label
    return f"{Outcome.FULL.label} by another assessor (the assessment process was lacking)"


def feedback_changes(*, event: ModerationEvent, assessor: Assessor) -> list[OutcomeChange]:
    """Every change of outcome the moderators made to this assessor's files in the event (moderation.selectors'
    assessor_changed_outcomes), as the feedback must always give reasons for (MOD-9)."""
    return [
        OutcomeChange(
            decision=d,
            file=d.file,
            recommended=Outcome(d.file.recommended_outcome).label if d.file.recommended_outcome else "no outcome",
            moderated=_moderated_label(d),
            reasons=d.reasons.strip(),
        )
        for d in assessor_changed_outcomes(event=event, assessor=assessor)
    ]


def feedback_change_text(*, event: ModerationEvent, assessor: Assessor) -> str:
    """The reasons for every change of outcome, one paragraph each, to prefill the feedback with."""
    return "\n\n".join(change.as_text() for change in feedback_changes(event=event, assessor=assessor))


@dataclass
class ModeratedAssessor:
    """An assessor with files in an event's sample, how many, how many changed, and the feedback written so far."""

    assessor: Assessor
    files: int = 0
    changes: int = 0
    feedback: AssessorFeedback | None = None


def event_moderated_assessors(*, event: ModerationEvent) -> list[ModeratedAssessor]:
    """The assessors whose files the event moderated (each is owed feedback, MOD-9), by name; three queries."""
    rows: dict[int, ModeratedAssessor] = {}
    entries = SampleEntry.objects.filter(event=event).select_related("file__assessor__user", "decision")
    for entry in entries:
        assessor = entry.file.assessor
        row = rows.setdefault(assessor.pk, ModeratedAssessor(assessor=assessor))
        row.files += 1
        decision = getattr(entry, "decision", None)
        # As the feedback counts them: confirmed changes only (a proposal may still be refused by the second moderator).
        if decision and decision.verdict in CHANGING_VERDICTS and decision.state == DecisionState.CONFIRMED:
            row.changes += 1
    for feedback in AssessorFeedback.objects.filter(event=event, assessor_id__in=rows):
        rows[feedback.assessor_id].feedback = feedback
    return sorted(rows.values(), key=lambda r: (r.assessor.user.full_name.lower(), r.assessor.pk))


# --- trends by PoP (MOD-11) ----------------------------------------------------------------------------------


@dataclass
class StandardTrend:
    """One standard in a PoP's trends: in how many of its moderated files the evidence was weak."""

    number: int
    title: str
    weak: int
    percent: int


@dataclass
class PopTrend:
    """A PoP's trends over a period: its moderated files, weakly evidenced standards and how documentation was
    completed."""

    pop_id: int
    pop_name: str
    files: int = 0
    standards: list[StandardTrend] = field(default_factory=list)
    documentation: dict[str, int] = field(default_factory=dict)
    tasks_late: int = 0
    returned_at_scrutiny: int = 0

    @property
    def documentation_rows(self) -> list[tuple[str, int]]:
        """How documentation was completed, as (the moderators' rating, files) in the ratings' order."""
        labels = dict(DocumentationQuality.choices)
        return [(labels.get(code, code), count) for code, count in self.documentation.items()]

    def as_json(self) -> dict[str, Any]:
        """The trend as stored with what was sent to the PoP (the record keeps what the PoP read)."""
        return {
            "pop": self.pop_name,
            "files": self.files,
            "standards": [[s.number, s.title, s.weak, s.percent] for s in self.standards],
            "documentation": self.documentation,
            "tasks_late": self.tasks_late,
            "returned_at_scrutiny": self.returned_at_scrutiny,
        }


def trend_from_json(data: dict[str, Any]) -> PopTrend:
    """A trend as it was stored when sent (PoPTrendFeedback.trends), to show the PoP the table and chart it got."""
    stored_standards = data.get("standards")
    return PopTrend(
        pop_id=0,
        pop_name=str(data.get("pop", "")),
        files=int(data.get("files", 0)),
        standards=[
            StandardTrend(number=int(n), title=str(title), weak=int(weak), percent=int(percent))
            for n, title, weak, percent in (stored_standards if isinstance(stored_standards, list) else [])
        ],
        documentation={str(k): int(v) for k, v in (data.get("documentation") or {}).items()},
        tasks_late=int(data.get("tasks_late", 0)),
        returned_at_scrutiny=int(data.get("returned_at_scrutiny", 0)),
    )


@dataclass
class Trends:
    """Trends by PoP for an RPA over a period (an event's month, or the year to that month)."""

    start: date
    end: date
    pops: list[PopTrend]
    events: int


def year_start(month: date) -> date:
    """The first month of the moderation year a month falls in (a calendar year: the year to date of MOD-4)."""
    return month.replace(month=1, day=1)


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _weak_standards(grid: dict[str, Any], judgements: dict[str, Any]) -> set[int]:
    """The standards whose evidence was weak as moderated: judged insufficient by the assessor and not disputed by
    the moderator, or judged met by the assessor and disputed (the moderator found the evidence did not support it).
    """
    weak = set()
    for key, cell in grid.items():
        insufficient = (cell or {}).get("judgement") == INSUFFICIENT
        disputed = (judgements.get(key) or {}).get("agree") is False
        if insufficient != disputed:
            weak.add(int(key))
    return weak


def pop_trends(*, rpa_id: int, start: date, end: date, pop_ids: list[int] | None = None) -> Trends:
    """MOD-11: by PoP, over the events of an RPA whose month is in [start, end]: the moderated files of its
    candidates, the standards weakly evidenced in them (most often first) and how the documentation was completed
    (the moderators' rating, written tasks sent late, files returned at scrutiny). Four queries."""
    # A file's draft and a version's content hold the whole assessment file: only the submitted grid is read, so the
    # draft is left behind and the grid is taken out of the content by the database.
    entries = (
        SampleEntry.objects.filter(rpa_id=rpa_id, event__month__gte=start, event__month__lte=end)
        .select_related("file__candidate__pop", "decision")
        .defer("file__draft")
    )
    if pop_ids is not None:
        entries = entries.filter(file__candidate__pop_id__in=pop_ids)
    rows = list(entries.order_by("pk"))
    file_ids = {entry.file_id for entry in rows}
    latest = (
        FileVersion.objects.filter(file_id__in=file_ids)
        .order_by("file_id", "-number")
        .distinct("file_id")
        .annotate(grid=KeyTransform("grid", "content"))
        .values_list("file_id", "grid")
    )
    grids: dict[int, dict[str, Any]] = {file_id: grid or {} for file_id, grid in latest}
    titles = dict(HLTAStandard.objects.filter(framework__is_default=True).values_list("number", "short_title"))
    by_pop: dict[int, PopTrend] = {}
    weak_counts: dict[int, Counter[int]] = defaultdict(Counter)
    seen: set[int] = set()
    for entry in rows:
        if entry.file_id in seen:
            continue  # a file moderated at two events counts once in a period
        seen.add(entry.file_id)
        file = entry.file
        pop = file.candidate.pop
        trend = by_pop.setdefault(
            pop.pk,
            PopTrend(pop_id=pop.pk, pop_name=pop.name, documentation={q: 0 for q in DocumentationQuality.values}),
        )
        trend.files += 1
        decision = getattr(entry, "decision", None)
        judgements = decision.judgements if decision is not None else {}
        weak_counts[pop.pk].update(_weak_standards(grids.get(file.pk, {}), judgements))
        if decision is not None and decision.documentation:
            trend.documentation[decision.documentation] += 1
        trend.tasks_late += file.tasks_on_time is False
        trend.returned_at_scrutiny += file.was_returned
    for pop_id, trend in by_pop.items():
        trend.standards = [
            StandardTrend(number=n, title=titles.get(n, ""), weak=count, percent=round(100 * count / trend.files))
            for n, count in sorted(weak_counts[pop_id].items(), key=lambda item: (-item[1], item[0]))
        ]
    pops = sorted(by_pop.values(), key=lambda t: t.pop_name.lower())
    events = ModerationEvent.objects.filter(rpa_id=rpa_id, month__gte=start, month__lte=end).count()
    return Trends(start=start, end=end, pops=pops, events=events)


def event_trends(*, event: ModerationEvent, whole_year: bool = False, pop_ids: list[int] | None = None) -> Trends:
    """The trends of one event, or of the year to its month."""
    start = year_start(event.month) if whole_year else event.month
    return pop_trends(rpa_id=event.rpa_id, start=start, end=event.month, pop_ids=pop_ids)


def event_pops(*, event: ModerationEvent) -> QuerySet[PreparationProvider]:
    """The PoPs whose candidates' files the event moderated (the ones trends can be sent to)."""
    return (
        PreparationProvider.objects.filter(candidates__assessment_files__sample_entries__event=event)
        .distinct()
        .order_by("name")
    )


# --- bar chart (MOD-11): drawn on the server as SVG by hnap.charts, with the table beside it ----------------------


def trend_chart(*, trend: PopTrend, limit: int = 10) -> BarChart:
    """A PoP's most weakly evidenced standards as bars (files in which each was weak)."""
    rows = [(f"Standard {s.number}", s.weak) for s in trend.standards[:limit]]
    return bar_chart(
        ident=f"chart-{trend.pop_id}",
        title=f"{trend.pop_name}: standards weakly evidenced, by number of moderated files",
        rows=rows,
        unit=" files",
        empty_text="No standard was weakly evidenced.",
    )


# --- people (MOD-2, PEER-1, PEER-2) ----------------------------------------------------------------------------


def moderators_for_list(*, moderators: QuerySet[Moderator]) -> QuerySet[Moderator]:
    """The moderators with their register entry and how many moderations each has recorded (the trial moderations a
    senior moderator reviews before confirming competence, MOD-2); one query."""
    return (
        moderators.select_related("user", "rpa", "assessor", "confirmed_by")
        .annotate(
            moderations=Count("decisions", distinct=True), second_review_count=Count("second_reviews", distinct=True)
        )
        .order_by("rpa__name", "user__full_name", "pk")
    )


@dataclass
class PairingRow:
    """A pairing with the reviewed RPA's pairing of the period before, and whether it repeats it (PEER-2)."""

    pairing: PeerReviewPairing
    previous: PeerReviewPairing | None

    @property
    def repeats(self) -> bool:
        return self.previous is not None and self.previous.reviewer_rpa_id == self.pairing.reviewer_rpa_id


def pairings_with_previous(*, pairings: QuerySet[PeerReviewPairing]) -> list[PairingRow]:
    """PEER-2: each pairing beside the reviewed RPA's previous one (to warn of a repeat); two queries."""
    rows = list(pairings.select_related("rpa", "reviewer_rpa", "set_by").order_by("-period_start", "rpa__name"))
    history: dict[int, list[PeerReviewPairing]] = defaultdict(list)
    known = PeerReviewPairing.objects.filter(rpa_id__in={p.rpa_id for p in rows}).select_related("reviewer_rpa")
    for pairing in known.order_by("period_start"):
        history[pairing.rpa_id].append(pairing)
    result = []
    for pairing in rows:
        earlier = [p for p in history[pairing.rpa_id] if p.period_start < pairing.period_start]
        result.append(PairingRow(pairing=pairing, previous=earlier[-1] if earlier else None))
    return result


def joint_report_may_submit(*, user: Any, report: JointReport) -> bool:
    """PEER-3: whether the user may submit the joint report: until it is submitted, the event's peer reviewer or
    deputy, or a moderator of the RPA (moderation.services.joint_report_submit checks the same)."""
    event = report.event
    if report.submitted_at is not None or not getattr(user, "is_authenticated", False):
        return False
    return (
        user.pk in {event.peer_reviewer_id, event.peer_deputy_id}
        or moderator_for(user=user, rpa_id=report.rpa_id) is not None
    )


# --- the event report (PDF) ---------------------------------------------------------------------------------------


@dataclass
class ReportRow:
    """One sampled file in the event report: why it was sampled, and what the moderators decided."""

    entry: SampleEntry
    reasons: list[str]
    decision: ModerationDecision | None


def event_report(*, event: ModerationEvent) -> dict[str, Any]:
    """What the event report says: the sample with its reasons, each decision, the overturns, the review-pending
    cascade the event caused (MOD-7) and, through moderation.selectors, coverage of the year to date (MOD-4)."""
    from moderation.models import ReviewPending, SampleDraw, SampleReason

    labels = dict(SampleReason.choices)
    entries = (
        SampleEntry.objects.filter(event=event)
        .select_related("file__candidate__pop", "file__assessor__user", "decision__moderator__user",
                        "decision__second_moderator__user")
        .order_by("pk")
    )  # fmt: skip
    rows = [
        ReportRow(entry=e, reasons=[labels.get(r, r) for r in e.reasons], decision=getattr(e, "decision", None))
        for e in entries
    ]
    decided = [row.decision for row in rows if row.decision is not None]
    cascade = list(
        ReviewPending.objects.filter(caused_by__entry__event=event)
        .select_related("file__candidate", "file__assessor__user", "caused_by__file__candidate")
        .order_by("flagged_at", "pk")
    )
    return {
        "event": event,
        "rows": rows,
        "decided": len(decided),
        "overturns": [d for d in decided if d.verdict in (Verdict.OVERTURN, Verdict.PROCESS_LACKING)],
        "returned": [d for d in decided if d.verdict == Verdict.RECORDS_LACKING],
        "cascade": cascade,
        "draw": SampleDraw.objects.filter(event=event).select_related("drawn_by").first(),
        "coverage": coverage_for_year(rpa_id=event.rpa_id, month=event.month),
    }
