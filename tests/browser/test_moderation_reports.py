"""Moderation's people and report pages in headless Chromium, each passing axe: the moderators and a senior
moderator's confirmation (MOD-2), the Partnership's pairings with the repeat warning (PEER-2), the monthly peer
reviewers (PEER-1), feedback to an assessor from the event to the assessor reading it (MOD-9, ASR-7), the moderators'
report (MOD-10), trends by PoP with the SVG chart and what a PoP receives (MOD-11), the joint report (PEER-3)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessments.factories import AssessorFactory
from hnap.factories import MembershipFactory, PreparationProviderFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from moderation.factories import (
    JointReportFactory,
    ModerationEventFactory,
    ModeratorFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    PoPTrendFeedbackFactory,
    last_month,
)
from moderation.models import AssessorFeedback, DocumentationQuality, Verdict
from moderation.report_selectors import event_trends
from tests.browser.conftest import assert_accessible
from tests.support.moderation_report_data import moderated_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SignIn = Callable[..., Any]


def visit(page: Any, base: str, path: str) -> None:
    """Open a page, check it answers without error, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert_accessible(page)


def follow(page: Any, target: Any) -> None:
    with page.expect_navigation():
        target.click()
    assert_accessible(page)


def person(role: Role, *, rpa: RPA | None = None, pop: Any = None, name: str) -> User:
    user = UserFactory(full_name=name)
    MembershipFactory(user=user, role=role, rpa=rpa if role != Role.POP_USER else None, pop=pop)
    if role in (Role.RPA_ADMIN, Role.MODERATOR, Role.SENIOR_ASSESSOR, Role.PARTNERSHIP_ADMIN):
        confirmed_totp_device(user)
    return user


def switch(page: Any, sign_in_page: SignIn, user: User) -> None:
    page.context.clear_cookies()
    sign_in_page(user)


def test_moderation_people_and_report_pages_are_accessible(
    live_server: Any, page: Any, sign_in_page: SignIn, rpa_a: RPA, rpa_b: RPA
) -> None:
    base = live_server.url
    pop = PreparationProviderFactory(name="Brookside PoP")
    pop.rpas.add(rpa_a)
    senior_user = person(Role.MODERATOR, rpa=rpa_a, name="Sam Senior")
    ModeratorFactory(rpa=rpa_a, user=senior_user, is_senior=True)
    moderator_user = person(Role.MODERATOR, rpa=rpa_a, name="Mo Moderator")
    moderator = ModeratorFactory(rpa=rpa_a, user=moderator_user)
    trainee = ModeratorFactory(rpa=rpa_a, user=UserFactory(full_name="Tia Trial"), confirmed_at=None)
    admin = person(Role.RPA_ADMIN, rpa=rpa_a, name="Ada Admin")
    assessor_user = person(Role.ASSESSOR, rpa=rpa_a, name="Ash Assessor")
    assessor = AssessorFactory(rpa=rpa_a, user=assessor_user)
    pop_user = person(Role.POP_USER, pop=pop, name="Pip PoP")
    partnership = person(Role.PARTNERSHIP_ADMIN, name="Pam Partnership")

    event = ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed", lead_moderator=moderator)
    moderated_file(event=event, assessor=assessor, pop=pop, documentation=DocumentationQuality.GOOD)
    moderated_file(
        event=event,
        assessor=assessor,
        pop=pop,
        outcome="not_met",
        insufficient=(12, 20),
        disputed=(20,),
        verdict=Verdict.OVERTURN,
        new_outcome="partial",
        reasons="Standard 20 is met on the evidence of the teacher's meeting.",
        documentation=DocumentationQuality.POOR,
    )
    report = JointReportFactory(rpa=rpa_a, event=event, peer_reviewer=UserFactory(full_name="Pat Peer"),
                                moderator=moderator)  # fmt: skip
    PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
    PeerReviewNominationFactory(rpa=rpa_a, reviewed_rpa=rpa_b)
    sent = PoPTrendFeedbackFactory(
        rpa=rpa_a, event=event, pop=pop, trends=event_trends(event=event, pop_ids=[pop.pk]).pops[0].as_json()
    )

    # The senior moderator confirms the trainee's competence.
    sign_in_page(senior_user)
    visit(page, base, "/moderation/moderators/")
    follow(page, page.get_by_role("link", name="Confirm competence of Tia Trial"))
    follow(page, page.get_by_role("button", name="Confirm competence"))  # empty: the error summary
    assert page.locator(".govuk-error-summary").count() == 1
    page.fill("#id_note", "Two trial moderations reviewed.")
    follow(page, page.get_by_role("button", name="Confirm competence"))
    trainee.refresh_from_db()
    assert trainee.is_confirmed

    # A moderator writes the feedback from the event's page, the moderators' report, and sees the joint report.
    switch(page, sign_in_page, moderator_user)
    visit(page, base, f"/moderation/events/{event.pk}/feedback/")
    follow(page, page.get_by_role("button", name="Write feedback to Ash Assessor"))
    assert "Standard 20 is met" in page.input_value("#id_change_reasons")
    page.fill("#id_strengths", "Clear evidence summaries.")
    page.check("input[name=sanction][value=training]")
    follow(page, page.get_by_role("button", name="Save the feedback"))  # no justification: the error summary
    assert page.locator(".govuk-error-summary").count() == 1
    page.fill("#id_sanction_justification", "Records of meetings need more detail.")
    follow(page, page.get_by_role("button", name="Save the feedback"))
    follow(page, page.get_by_role("button", name="Send the feedback to the assessor"))
    feedback = AssessorFeedback.objects.get(event=event, assessor=assessor)
    assert feedback.sent_at is not None
    for path in [
        f"/moderation/events/{event.pk}/moderators-report/",
        f"/moderation/events/{event.pk}/moderators-report/edit/",
        "/moderation/feedback/",
        "/moderation/joint-reports/",
        f"/moderation/joint-reports/{report.pk}/",
        f"/moderation/joint-reports/{report.pk}/submit/",
    ]:
        visit(page, base, path)

    # The RPA's administrator: trends with the chart, sending them, and the RPA's peer-review pages.
    switch(page, sign_in_page, admin)
    for path in [
        f"/moderation/events/{event.pk}/trends/",
        f"/moderation/events/{event.pk}/trends/?period=year",
        f"/moderation/events/{event.pk}/trends/send/",
        "/moderation/pop-trends/",
        "/moderation/moderators/",
        "/moderation/moderators/nominate/",
        "/moderation/peer-reviewers/",
        "/moderation/peer-reviewers/new/",
        "/moderation/pairings/",
    ]:
        visit(page, base, path)
    visit(page, base, f"/moderation/events/{event.pk}/trends/")
    assert page.locator("svg[role=img] title").count() == 1

    # The assessor reads their feedback; the PoP the trends sent to it.
    switch(page, sign_in_page, assessor_user)
    visit(page, base, "/moderation/feedback/")
    follow(page, page.locator("#feedback").get_by_role("link").first)
    assert "Clear evidence summaries." in page.content()
    switch(page, sign_in_page, pop_user)
    visit(page, base, "/moderation/pop-trends/")
    visit(page, base, f"/moderation/pop-trends/{sent.pk}/")
    assert page.locator("svg[role=img]").count() == 1

    # The Partnership sets a pairing that repeats the previous period's: warned, then confirmed.
    switch(page, sign_in_page, partnership)
    visit(page, base, "/moderation/pairings/")
    follow(page, page.get_by_role("link", name="Set a pairing"))
    page.select_option("#id_reviewed", str(rpa_a.pk))
    page.select_option("#id_reviewer", str(rpa_b.pk))
    today = timezone.localdate()
    start = (today.replace(day=1) + timedelta(days=95)).replace(day=1)
    page.fill("#id_period_start", start.isoformat())
    follow(page, page.get_by_role("button", name="Set the pairing"))
    assert "previous period" in page.inner_text(".govuk-error-summary")
    page.check("#id_confirm_repeat")
    follow(page, page.get_by_role("button", name="Set the pairing"))
    assert "Repeats the previous period" in page.content()
    visit(page, base, "/moderation/peer-reviewers/")
    visit(page, base, "/moderation/joint-reports/")
