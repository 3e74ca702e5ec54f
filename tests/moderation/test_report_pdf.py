"""The event report PDF (issue 7): the sample with the reasons for each file, decisions, overturns, the review-pending
cascade (MOD-7) and coverage of the year to date (MOD-4), downloaded privately (never cached), rendered offline."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.utils.html import escape

from assessments.factories import AssessmentFactory, AssessorFactory
from assessments.models import AssessmentFile
from hnap.factories import PreparationProviderFactory, UserFactory
from hnap.models import RPA, User
from hnap.roles import Role
from moderation import documents
from moderation.factories import ModerationEventFactory, ModeratorFactory, ReviewPendingFactory, last_month
from moderation.models import ModerationEvent, SampleReason, Verdict
from tests.support.moderation_report_data import moderated_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(rpa_a: RPA) -> ModerationEvent:
    lead = ModeratorFactory(rpa=rpa_a, user=UserFactory(full_name="Lena Lead"))
    return ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed", lead_moderator=lead)


def test_the_event_report_pdf_has_sample_reasons_decisions_overturns_cascade_and_coverage(
    event: ModerationEvent, rpa_a: RPA, monkeypatch: pytest.MonkeyPatch
) -> None:
    heavy = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Hal Heavy"))
    endorsed = moderated_file(event=event, assessor=heavy, last_name="Endorsed")
    overturned = moderated_file(
        event=event,
        assessor=heavy,
        verdict=Verdict.OVERTURN,
        new_outcome="full",
        reasons="The records do not support the judgements on standards 17 to 21.",
        last_name="Overturned",
    )
    undecided = moderated_file(event=event, verdict=None, last_name="Undecided")
    # The full reassessment flags the assessor's other unconfirmed file review pending (MOD-7).
    flagged = AssessmentFile.objects.get(assessment=AssessmentFactory(assessor=heavy, candidate__last_name="Flagged"))
    ReviewPendingFactory(file=flagged, caused_by=overturned.decision)
    rendered: dict[str, Any] = {}
    real = documents.pdf_render

    def keep(*, template: str, context: dict[str, Any]) -> bytes:
        rendered.update(template=template, context=context)
        return real(template=template, context=context)

    monkeypatch.setattr(documents, "pdf_render", keep)
    pdf = documents.event_report_pdf(event=event)
    assert pdf.startswith(b"%PDF")
    html = render_to_string(rendered["template"], rendered["context"])
    for entry in (endorsed, overturned, undecided):
        assert escape(entry.file.candidate.full_name) in html and entry.file.candidate.reference in html
    assert html.count(SampleReason.NOT_MET.label) >= 3  # the reason of each sampled file
    assert "Endorse the recommended outcome (confirmed)" in html and "Not decided" in html
    assert "The records do not support the judgements on standards 17 to 21." in html
    assert "Overturn: reclassify the outcome" in html and "Full reassessment" in html
    assert escape(flagged.candidate.full_name) in html and "Review pending" in html
    assert "Coverage of the year to date (MOD-4)" in html and "Lena Lead" in html


def test_the_event_report_downloads_privately_to_the_rpa_only(
    event: ModerationEvent, make_member: Callable[..., User], rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    moderated_file(event=event)
    admin = make_member(Role.RPA_ADMIN, rpa=event.rpa)
    response = client_for(admin).get(f"/moderation/events/{event.pk}/report.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store" and "attachment" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF") and b"Lena Lead" in response.content
    other = make_member(Role.RPA_ADMIN, rpa=rpa_b)
    assert client_for(other).get(f"/moderation/events/{event.pk}/report.pdf").status_code == 404
    pop_user = make_member(Role.POP_USER, pop=PreparationProviderFactory())
    assert client_for(pop_user).get(f"/moderation/events/{event.pk}/report.pdf").status_code == 404
