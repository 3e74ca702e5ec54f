"""The event report of a moderation event as a PDF (hnap/pdf.py: WeasyPrint, nothing fetched)."""

from __future__ import annotations

from django.utils import timezone

from hnap.pdf import pdf_render
from moderation.models import ModerationEvent
from moderation.report_selectors import event_report


def event_report_pdf(*, event: ModerationEvent) -> bytes:
    """The sample with the reasons for each file, the decisions, overturns, the review-pending cascade and coverage of
    the year to date, headed with the RPA and the event."""
    return pdf_render(
        template="moderation/reports/pdf/event_report.html",
        context={**event_report(event=event), "rpa": event.rpa, "printed_at": timezone.now()},
    )
