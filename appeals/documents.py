"""The appeal's acknowledgement letter as a PDF (APP-4), rendered by hnap.pdf (WeasyPrint, nothing fetched)."""

from __future__ import annotations

from django.utils import timezone

from appeals.models import Appeal
from hnap.pdf import pdf_render


def appeal_acknowledgement_pdf(*, appeal: Appeal) -> bytes:
    """APP-4: the letter acknowledging an appeal and stating the date by which it will be considered."""
    return pdf_render(
        template="appeals/pdf/acknowledgement.html",
        context={
            "appeal": appeal,
            "candidate": appeal.candidate,
            "rpa": appeal.candidate.rpa,
            "dated": timezone.localdate(),
        },
    )
