"""Reads of the assessment file: the standards it judges, what it lacks, the diff between versions, the scrutiny
queue (SCR-2), the files that can enter moderation (SCR-1) and what a candidate sees of their result (PAY-1)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.file_parts import F0_FIELDS, JUDGEMENTS, MEETINGS, TASK_NUMBERS, content_diff, file_missing
from assessments.models import (
    TASKS_DAYS_BEFORE,
    AssessmentFile,
    Assessor,
    DocumentKind,
    FileState,
    FileVersion,
    Outcome,
    QualityAction,
    Result,
    ScrutinyDecisionKind,
    TaskDocument,
)
from candidates.models import Candidate
from candidates.selectors import candidate_is_paid
from hnap.access import holds_role, rpa_scope_ids
from hnap.models import HLTAStandard
from hnap.roles import Action, Role
from hnap.workdays import end_of_day

# SCR-2: an assessor with fewer submitted files than this before the cycle counts as inexperienced.
NEW_ASSESSOR_FILES = 5


def file_scrutineer(*, user: Any, file: AssessmentFile) -> bool:
    """SCR-1: the RPA's administrators and senior assessors scrutinise its files, never one they assessed."""
    own = user.pk in (file.owner_id, file.assessor.user_id)
    return not own and holds_role(user, file.rpa_id, Role.RPA_ADMIN, Role.SENIOR_ASSESSOR)


def file_standards() -> list[HLTAStandard]:
    """The standards the grid judges: those of the default framework (England's 33)."""
    return list(HLTAStandard.objects.filter(framework__is_default=True).order_by("number"))


def file_standard_numbers() -> list[int]:
    """The numbers of the standards the grid judges."""
    return list(
        HLTAStandard.objects.filter(framework__is_default=True).order_by("number").values_list("number", flat=True)
    )


def file_current_documents(*, file: AssessmentFile) -> QuerySet[TaskDocument]:
    """The documents the candidate has sent and not replaced, response sheets first."""
    return file.documents.filter(replaced_at__isnull=True).select_related("uploaded_by")


def file_task_sheets(*, file: AssessmentFile) -> set[int]:
    """The task numbers (1-8) with a current response sheet attached."""
    numbers = file.documents.filter(kind=DocumentKind.TASK, replaced_at__isnull=True).values_list(
        "task_number", flat=True
    )
    return {n for n in numbers if n is not None}


def file_what_is_missing(*, file: AssessmentFile) -> dict[str, list[str]]:
    """ASM-4: what the draft lacks before it can be submitted, part by part (empty: complete)."""
    return file_missing(
        content=file.draft, standard_numbers=file_standard_numbers(), task_sheets=file_task_sheets(file=file)
    )


def tasks_due_at(*, starts_at: datetime) -> datetime:
    """ASM-2: the written tasks are due by the end of the day 10 days before the assessment."""
    return end_of_day(timezone.localtime(starts_at).date() - timedelta(days=TASKS_DAYS_BEFORE))


def file_tasks_late(*, file: AssessmentFile, now: datetime | None = None) -> bool:
    """ASM-2: the written tasks arrived late, or have not arrived and are now overdue."""
    if file.tasks_sent_at is not None:
        return not file.tasks_on_time
    return (now or timezone.now()) > tasks_due_at(starts_at=file.assessment.starts_at)


def version_diff(*, version: FileVersion) -> list[tuple[str, str, str, str]]:
    """ASM-5: what changed from the previous version (empty for the first)."""
    previous = FileVersion.objects.filter(file_id=version.file_id, number=version.number - 1).first()
    if previous is None:
        return []
    changes = content_diff(before=previous.content, after=version.content)
    old_docs = {d["sha256"]: d for d in previous.documents}
    new_docs = {d["sha256"]: d for d in version.documents}
    for sha, doc in new_docs.items():
        if sha not in old_docs:
            changes.append(("Documents", "added", "", doc["name"]))
    for sha, doc in old_docs.items():
        if sha not in new_docs:
            changes.append(("Documents", "removed", doc["name"], ""))
    return changes


def version_sections(*, version: FileVersion) -> dict[str, Any]:
    """A submitted version's content part by part, in the file's order, as its page and its PDF show it."""
    content = version.content
    f0 = content.get("f0") or {}
    tasks = content.get("tasks") or {}
    grid = content.get("grid") or {}
    return {
        "f0": [(label, f0.get(key, "")) for key, label in F0_FIELDS.items()],
        "f0_confirmed": bool(f0.get("confirmed")),
        "tasks": [
            (
                n,
                [d for d in version.documents if d.get("task_number") == n],
                (tasks.get(str(n)) or {}).get("notes", ""),
            )
            for n in TASK_NUMBERS
        ],
        "evidence": [d for d in version.documents if d.get("kind") == DocumentKind.EVIDENCE],
        "grid": [
            (s, JUDGEMENTS.get((grid.get(str(s.number)) or {}).get("judgement", ""), ""), grid.get(str(s.number)) or {})
            for s in file_standards()
        ],
        "meetings": [(m, content.get(m.key) or {}) for m in MEETINGS],
        "f15": content.get("f15") or {},
        "outcome": Outcome(version.outcome).label,
    }


def month_start(day: date) -> date:
    """The first day of the month a day falls in (a moderation cycle is a calendar month)."""
    return day.replace(day=1)


def files_for_moderation(*, rpa_id: int, month: date) -> QuerySet[AssessmentFile]:
    """SCR-1: the cycle's files that can enter moderation (never a returned file until it is accepted again)."""
    return AssessmentFile.objects.filter(rpa_id=rpa_id, cycle_month=month_start(month)).filter(
        Q(state=FileState.ACCEPTED) | Q(state=FileState.SUBMITTED, was_returned=False)
    )


@dataclass
class QueueRow:
    """One assessor in the scrutiny queue of a cycle (SCR-2)."""

    assessor: Assessor
    files: list[AssessmentFile] = field(default_factory=list)
    scrutinised: int = 0
    weight: int = 0
    reasons: list[str] = field(default_factory=list)
    proposal: AssessmentFile | None = None
    proposal_reasons: list[str] = field(default_factory=list)

    @property
    def needs_scrutiny(self) -> bool:
        return self.scrutinised == 0


@dataclass
class ScrutinyQueue:
    """A cycle's scrutiny queue: assessors still owed a scrutiny first, and resubmitted files to look at again."""

    month: date
    rows: list[QueueRow]
    awaiting_rescrutiny: list[AssessmentFile]

    @property
    def outstanding(self) -> int:
        return sum(1 for row in self.rows if row.needs_scrutiny)


def scrutiny_queue(*, files: QuerySet[AssessmentFile], month: date) -> ScrutinyQueue:
    """SCR-2: every assessor who submitted in the cycle, whether any of their files has been scrutinised, and one
    proposed file for each assessor still owed a scrutiny, weighing their experience and past difficulties
    (the readable `files` of the caller; a fixed number of queries whatever the size of the cycle)."""
    month = month_start(month)
    cycle = list(
        files.filter(cycle_month=month)
        .exclude(state=FileState.DRAFT)
        .select_related("candidate", "assessor__user", "assessment")
        .annotate(scrutiny_count=Count("scrutinies"))
        .order_by("assessor_id", "submitted_at", "pk")
    )
    assessor_ids = {f.assessor_id for f in cycle}
    # Experience and difficulties before this cycle: files submitted, files returned at scrutiny, quality actions.
    history = {
        row["pk"]: row
        for row in Assessor.objects.filter(pk__in=assessor_ids)
        .annotate(
            earlier_files=Count(
                "files", filter=Q(files__cycle_month__lt=month, files__first_submitted_at__isnull=False), distinct=True
            ),
            earlier_returns=Count(
                "files__scrutinies",
                filter=Q(files__scrutinies__decision=ScrutinyDecisionKind.RETURN, files__cycle_month__lt=month),
                distinct=True,
            ),
        )
        .values("pk", "earlier_files", "earlier_returns")
    }
    actions = dict(
        QualityAction.objects.filter(assessor_id__in=assessor_ids)
        .values_list("assessor_id")
        .annotate(n=Count("pk"))
        .values_list("assessor_id", "n")
    )
    rows: dict[int, QueueRow] = {}
    rescrutiny: list[AssessmentFile] = []
    for file in cycle:
        row = rows.setdefault(file.assessor_id, QueueRow(assessor=file.assessor))
        row.files.append(file)
        row.scrutinised += 1 if file.scrutiny_count else 0  # type: ignore[attr-defined]
        if file.state == FileState.SUBMITTED and file.was_returned:
            rescrutiny.append(file)
    for assessor_id, row in rows.items():
        past = history.get(assessor_id, {"earlier_files": 0, "earlier_returns": 0})
        if past["earlier_files"] < NEW_ASSESSOR_FILES:
            row.weight += 3
            row.reasons.append(f"new assessor ({past['earlier_files']} files before this cycle)")
        if past["earlier_returns"]:
            row.weight += 2 * past["earlier_returns"]
            row.reasons.append(f"{past['earlier_returns']} files returned at scrutiny before")
        if actions.get(assessor_id):
            row.weight += 2 * actions[assessor_id]
            row.reasons.append(f"{actions[assessor_id]} quality actions")
        if row.needs_scrutiny:
            row.proposal, row.proposal_reasons = _propose(row.files)
    ordered = sorted(rows.values(), key=lambda r: (not r.needs_scrutiny, -r.weight, r.assessor.user.full_name))
    return ScrutinyQueue(month=month, rows=ordered, awaiting_rescrutiny=rescrutiny)


def _propose(files: list[AssessmentFile]) -> tuple[AssessmentFile | None, list[str]]:
    """The file of one assessor most worth scrutinising: a first solo assessment, then one not recommended met,
    then a resubmission, else the latest."""
    candidates = [f for f in files if f.state == FileState.SUBMITTED] or files

    def score(file: AssessmentFile) -> tuple[int, int, int, Any]:
        return (
            file.assessment.is_first_solo,
            file.recommended_outcome != "met",
            file.resubmitted,
            file.submitted_at,
        )

    best = max(candidates, key=score, default=None)
    if best is None:
        return None, []
    reasons = []
    if best.assessment.is_first_solo:
        reasons.append("first solo assessment (ASR-2)")
    if best.recommended_outcome != "met":
        reasons.append(f"recommended {best.get_recommended_outcome_display().split(':')[0].lower()}")
    if best.resubmitted:
        reasons.append("resubmitted")
    return best, reasons or ["the assessor's latest file"]


@dataclass(frozen=True)
class CandidateResult:
    """What a candidate sees of their result: the released result, or why there is none yet."""

    result: Result | None
    message: str


def candidate_result(*, candidate: Candidate) -> CandidateResult:
    """MOD-12, PAY-1: the candidate's latest result if released; otherwise where it stands (held for payment,
    awaiting moderation, being assessed)."""
    result = Result.objects.filter(candidate=candidate).order_by("-confirmed_at", "-pk").first()
    if result is not None and result.released_at:
        return CandidateResult(result, "")
    if result is not None:
        if not candidate_is_paid(candidate=candidate):
            return CandidateResult(
                None,
                "Your result has been confirmed but is held until payment for your assessment has been received "
                "(the RPA releases no result before payment).",
            )
        return CandidateResult(None, "Your result has been confirmed and is being released to you.")
    file = AssessmentFile.objects.filter(candidate=candidate).exclude(state=FileState.DRAFT).order_by("-pk").first()
    if file is not None:
        return CandidateResult(
            None, "Your assessor has submitted your assessment. The result is confirmed through moderation."
        )
    return CandidateResult(None, "")


def results_with_visible_outcome(*, results: QuerySet[Result], user: Any) -> QuerySet[Result]:
    """PAY-1: the results whose outcome the user may read: released ones, and every one of an RPA whose results the
    user reaches as staff (a candidate never reads an outcome before its release)."""
    staff = rpa_scope_ids(user, Result, Action.VIEW)
    return results.filter(Q(released_at__isnull=False) | Q(rpa_id__in=sorted(staff)))


def result_outcome_visible(*, result: Result, user: Any) -> bool:
    """PAY-1: whether the user may read this result's outcome (see results_with_visible_outcome)."""
    return result.released_at is not None or result.rpa_id in rpa_scope_ids(user, Result, Action.VIEW)
