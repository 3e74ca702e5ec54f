"""Query-count guards of the assessment file's reads (SCR-2: the scrutiny queue does not grow with the month) and the
completeness of the file's PDF (ASM-4: every part, every standard)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import escape

from assessments import file_documents
from assessments.factories import AssessmentFactory, AssessorFactory, QualityActionFactory, at, submitted_file
from assessments.file_documents import file_version_pdf
from assessments.file_parts import MEETINGS
from assessments.file_selectors import file_standards, month_start, scrutiny_queue
from assessments.models import (
    AssessmentFile,
    Assessor,
    FileState,
    FileVersion,
    Outcome,
    ScrutinyDecision,
    ScrutinyDecisionKind,
)

pytestmark = pytest.mark.django_db


def _month_files(*, assessors: list[Assessor], count: int, start: int) -> None:
    """`count` submitted files of this month shared by the assessors, in every state the queue tells apart:
    awaiting scrutiny, accepted (some flagged), returned, resubmitted after a return."""
    month = month_start(timezone.localdate())
    for n in range(start, start + count):
        assessment = AssessmentFactory(
            assessor=assessors[n % len(assessors)],
            starts_at=at(timezone.localdate() - timedelta(days=1 + n % 20)),
            is_first_solo=n == 3,
        )
        file = AssessmentFile.objects.get(assessment=assessment)
        slot = n % 5
        file.state = {1: FileState.ACCEPTED, 2: FileState.RETURNED}.get(slot, FileState.SUBMITTED)
        file.was_returned = slot in (2, 3)
        file.resubmitted = slot == 3
        file.flagged_principle = slot == 1 and n % 2 == 0
        file.version_count = 2 if slot == 3 else 1
        file.recommended_outcome = Outcome.NOT_MET if n % 4 == 0 else Outcome.MET
        file.submitted_at = file.first_submitted_at = timezone.now() - timedelta(hours=n)
        file.cycle_month = month
        file.save()
        version = FileVersion.objects.create(rpa=file.rpa, file=file, number=1, content={}, outcome=Outcome.MET)
        if slot in (1, 2, 3):
            ScrutinyDecision.objects.create(
                rpa=file.rpa,
                file=file,
                version=version,
                decision=ScrutinyDecisionKind.ACCEPT if slot == 1 else ScrutinyDecisionKind.RETURN,
                reasons="" if slot == 1 else "F12 lacks detail.",
            )


def _queue_queries() -> tuple[int, int]:
    """(queries, files) of the queue of this month and of everything its page shows."""
    with CaptureQueriesContext(connection) as captured:
        queue = scrutiny_queue(files=AssessmentFile.objects.all(), month=timezone.localdate())
        for row in queue.rows:
            _ = (row.assessor.user.full_name, row.reasons, row.scrutinised, [f.candidate.full_name for f in row.files])
            if row.proposal is not None:
                _ = (row.proposal.candidate.reference, row.proposal.assessment.starts_at, row.proposal_reasons)
        for file in queue.awaiting_rescrutiny:
            _ = (file.candidate.full_name, file.assessor.user.full_name, file.assessment.starts_at)
    return len(captured), sum(len(row.files) for row in queue.rows)


def test_scr2_the_scrutiny_queue_query_count_does_not_grow_with_the_month() -> None:
    assessors: list[Any] = [AssessorFactory() for _ in range(3)]
    QualityActionFactory(assessor=assessors[0])
    _month_files(assessors=assessors, count=5, start=0)
    few, files = _queue_queries()
    assert files == 5
    assessors += [AssessorFactory() for _ in range(7)]
    QualityActionFactory(assessor=assessors[5])
    _month_files(assessors=assessors, count=45, start=5)
    many, files = _queue_queries()
    assert files == 50
    assert many == few, f"{few} queries for 5 files, {many} for 50: the queue reads something per file or assessor"


def test_asm4_the_file_pdf_renders_every_part_and_every_standard(monkeypatch: pytest.MonkeyPatch) -> None:
    file = submitted_file(outcome="partial", insufficient=(7, 21))
    version = file.versions.get()
    rendered: dict[str, Any] = {}
    real_render = file_documents.pdf_render

    def keep_context(*, template: str, context: dict[str, Any]) -> bytes:
        rendered.update(template=template, context=context)
        return real_render(template=template, context=context)

    monkeypatch.setattr(file_documents, "pdf_render", keep_context)
    pdf = file_version_pdf(version=version)
    assert pdf.startswith(b"%PDF")

    assert rendered["template"] == "assessments/pdf/file.html"
    html = render_to_string(rendered["template"], rendered["context"])
    assert file.rpa.name in html and "version 1" in html and escape(file.candidate.full_name) in html
    assert "F0 Candidate personal details" in html and file.candidate.email in html
    for n in range(1, 9):
        assert f"F{n} Task {n}" in html and f"task{n}.pdf" in html and f"Task {n}: response read" in html
    assert "evidence.pdf" in html
    assert "F9/F10 Assessment grid" in html
    standards = file_standards()
    assert len(standards) == 33
    for standard in standards:
        assert f"<td>{standard.number}. {escape(standard.short_title)}</td>" in html
        assert f"Standard {standard.number}: evidence from the tasks" in html
    assert html.count("<td>Insufficient evidence</td>") == 2 and html.count("<td>Met</td>") == 31
    for meeting in MEETINGS:
        assert f"<h2>{meeting.code} {escape(meeting.title)}</h2>" in html
        assert escape(f"{meeting.title}: questions asked and answers recorded at the time.") in html
    assert "F15 Summary assessment record" in html and "Partial reassessment on named standards" in html
    assert "<td>7, 21</td>" in html and "The evidence summaries support this outcome." in html
