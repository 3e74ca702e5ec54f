"""The assessment file and the result letter as PDF documents (for moderators, the record and the candidate)."""

from __future__ import annotations

from django.utils import timezone

from assessments.file_selectors import version_sections
from assessments.models import AssessmentFile, FileVersion, Outcome, Result
from hnap.models import HLTAStandard
from hnap.pdf import pdf_render


def file_version_pdf(*, version: FileVersion) -> bytes:
    """One submitted version of the file, every part in order, headed with the RPA, version and submission time."""
    file: AssessmentFile = version.file
    return pdf_render(
        template="assessments/pdf/file.html",
        context={
            "file": file,
            "version": version,
            "rpa": file.rpa,
            **version_sections(version=version),
            "printed_at": timezone.now(),
        },
    )


def result_letter_pdf(*, result: Result) -> bytes:
    """The letter releasing a confirmed result to the candidate, with their right to appeal (APP-2)."""
    standards = {
        s.number: s
        for s in HLTAStandard.objects.filter(framework__is_default=True, number__in=result.reassess_standards)
    }
    return pdf_render(
        template="assessments/pdf/result_letter.html",
        context={
            "result": result,
            "candidate": result.candidate,
            "rpa": result.candidate.rpa,
            "outcome": Outcome(result.outcome).label,
            "reassess": [standards[n] for n in result.reassess_standards if n in standards],
            "dated": timezone.localdate(),
        },
    )
