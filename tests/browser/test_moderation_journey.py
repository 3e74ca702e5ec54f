"""The moderation day in headless Chromium, from the draw to the closed event: the RPA's administrator opens the event
and its peer review; the peer reviewer of another RPA draws the random sample and re-runs it; a moderator proposes an
overturn to full reassessment, a second moderator agrees, and the assessor's other files become review pending
(MOD-7); the administrator reviews one of them, sees what closing will confirm and what it leaves blocked, and closes
the event; the peer reviewer's access has ended. Every page on the way passes axe."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from assessments.factories import AssessorFactory
from assessments.models import Result
from hnap.factories import MembershipFactory, UserFactory, confirmed_totp_device
from hnap.models import RPA, User
from hnap.roles import Role
from moderation.factories import (
    ModerationEventFactory,
    ModeratorFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    cohort_file,
)
from moderation.models import (
    DecisionState,
    EventState,
    ModerationDecision,
    Moderator,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
)
from tests.browser.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SignIn = Callable[..., Any]
OVERTURN_REASONS = "The evidence summaries for standards 4 and 9 do not show the interviews probed them at all."


@pytest.fixture(autouse=True)
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in-process (result release after confirmation), not on a broker."""
    from hnap.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def visit(page: Any, base: str, path: str) -> Any:
    """Open a page, check it answers without error, and run axe on it."""
    response = page.goto(f"{base}{path}")
    assert response is not None and response.status < 400, f"{path}: {response and response.status}"
    assert_accessible(page)
    return response


def follow(page: Any, target: Any) -> None:
    """Click a link or button, wait for the page it leads to, check it shows no error summary, run axe on it."""
    with page.expect_navigation():
        target.click()
    assert page.locator(".govuk-error-summary").count() == 0, page.inner_text(".govuk-error-summary")
    assert_accessible(page)


def switch_user(page: Any, sign_in_page: SignIn, user: User) -> None:
    page.context.clear_cookies()
    sign_in_page(user)


def moderator_in(rpa: RPA, name: str) -> Moderator:
    """A confirmed moderator of `rpa` who signs in with the moderator role (and an authenticator)."""
    moderator = ModeratorFactory(rpa=rpa, user=UserFactory(full_name=name))
    MembershipFactory(user=moderator.user, role=Role.MODERATOR, rpa=rpa, pop=None)
    confirmed_totp_device(moderator.user)
    return moderator


def decide(page: Any, entry: SampleEntry, verdict: str, **fields: str) -> None:
    """On the decision form: agree with every moderated standard, choose the verdict, fill the rest, record it."""
    for number in entry.standards:
        page.check(f"#id_agree_{number}_0")
    page.check(f"input[name=verdict][value={verdict}]")
    if "new_outcome" in fields:
        page.select_option("#id_new_outcome", fields["new_outcome"])
    if "reasons" in fields:
        page.fill("#id_reasons", fields["reasons"])
    follow(page, page.get_by_role("button", name="Record the decision"))


def test_mod3_mod6_mod7_mod12_peer4_from_the_draw_to_the_closed_event_with_a_two_moderator_overturn_and_the_cascade(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA
) -> None:
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org", full_name="Ada Admin")
    confirmed_totp_device(admin)
    first, second = moderator_in(rpa_a, "Mo Moderator"), moderator_in(rpa_a, "Sue Second")
    # RPA B peer-reviews RPA A this period; its peer reviewer for last month is one of its assessors.
    PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
    reviewer = make_member(Role.ASSESSOR, rpa=rpa_b, full_name="Nora North")
    PeerReviewNominationFactory(rpa=rpa_b, reviewed_rpa=rpa_a, reviewer=reviewer)
    event = ModerationEventFactory(rpa=rpa_a, lead_moderator=first)
    xavier = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Xavier Assessor"))
    overturned = cohort_file(
        outcome="not_met", assessor=xavier, candidate_fields={"first_name": "Robin", "last_name": "Ashdown"}
    )
    siblings = [cohort_file(outcome="met", assessor=xavier) for _ in range(2)]
    others = [cohort_file(outcome="met") for _ in range(3)]
    detail = f"/moderation/events/{event.pk}/"

    # The administrator: Moderation in the navigation, the event, opened, then its peer review opened.
    sign_in_page(admin)
    visit(page, base, "/")
    follow(page, page.get_by_role("navigation", name="Menu").get_by_role("link", name="Moderation"))
    follow(page, page.locator("#events").get_by_role("link", name=event.month.strftime("%B %Y")))
    assert page.url == f"{base}{detail}"
    follow(page, page.get_by_role("link", name="Open the event"))
    follow(page, page.get_by_role("button", name="Open the event"))
    assert "The event is open: 6 files in the cohort" in page.inner_text(".govuk-notification-banner")
    assert "Nora North" in page.inner_text("#peer-reviewer")
    follow(page, page.get_by_role("link", name="Moderate the sampled files"))
    assert "Robin Ashdown" in page.inner_text("#sample")
    assert "Not met: insufficient evidence that all standards are met" in page.inner_text("#sample")
    visit(page, base, detail)
    follow(page, page.get_by_role("link", name="Open the peer review"))
    follow(page, page.get_by_role("button", name="Open the peer review"))
    assert "Open" in page.inner_text("#peer-review")

    # The peer reviewer of RPA B: their events, the draw, and the draw re-run from its seed (MOD-3).
    switch_user(page, sign_in_page, reviewer)
    visit(page, base, "/moderation/events/")
    follow(page, page.locator("#events").get_by_role("link", name=event.month.strftime("%B %Y")))
    follow(page, page.get_by_role("link", name="Draw the random sample"))
    follow(page, page.get_by_role("button", name="Draw the random sample"))
    draw = SampleDraw.objects.get(event=event)
    assert draw.drawn_by == reviewer and len(draw.drawn) == 1 and len(draw.population) == 5
    assert page.inner_text("#seed") == str(draw.seed)
    follow(page, page.get_by_role("button", name="Re-run the draw from its seed"))
    assert "the same 1 file, in the same order" in page.inner_text("#rerun")

    # The first moderator proposes an overturn to full reassessment: it waits for a second moderator (MOD-6).
    entry = SampleEntry.objects.get(event=event, file=overturned)
    switch_user(page, sign_in_page, first.user)
    visit(page, base, f"/moderation/events/{event.pk}/sample/")
    follow(page, page.locator("#sample").get_by_role("link", name="Robin Ashdown"))
    follow(page, page.get_by_role("link", name="Decide on the file"))
    decide(page, entry, "overturn", new_outcome="full", reasons=OVERTURN_REASONS)
    assert "takes effect once a second moderator agrees" in page.inner_text(".govuk-notification-banner")
    assert "Awaiting a second moderator" in page.inner_text("main")
    assert not Result.objects.filter(file=overturned).exists()

    # The second moderator agrees: the result is reclassified and the assessor's other files are review pending.
    switch_user(page, sign_in_page, second.user)
    visit(page, base, f"/moderation/sample-entries/{entry.pk}/")
    follow(page, page.get_by_role("link", name="Review as second moderator"))
    assert OVERTURN_REASONS in page.inner_text("#decision-reasons")
    page.check("input[name=agrees][value=yes]")
    follow(page, page.get_by_role("button", name="Record your review"))
    assert "2 other files of the assessor are now review pending" in page.inner_text(".govuk-notification-banner")
    assert Result.objects.get(file=overturned).outcome == "full"
    assert ModerationDecision.objects.get(entry=entry).state == DecisionState.CONFIRMED
    # The files still to decide (the drawn one unless it was one of Xavier's) are endorsed.
    pending = set(ReviewPending.objects.filter(state=ReviewState.PENDING).values_list("file_id", flat=True))
    assert pending == {f.pk for f in siblings}
    for other in SampleEntry.objects.filter(event=event, decision__isnull=True).exclude(file_id__in=pending):
        visit(page, base, f"/moderation/sample-entries/{other.pk}/decide/")
        decide(page, other, "endorse")

    # The administrator: the review-pending list shows what blocks confirmation; one file is reviewed (MOD-7).
    switch_user(page, sign_in_page, admin)
    visit(page, base, "/moderation/review-pending/")
    assert "2 files cannot be confirmed until reviewed" in page.inner_text("#blocking")
    sampled = set(SampleEntry.objects.filter(event=event).values_list("file_id", flat=True))
    # The sibling reviewed is one outside the sample (a drawn sibling stays review pending, excluded from closing).
    kept = next(f for f in siblings if f.pk not in sampled)
    blocked = next(f for f in siblings if f.pk != kept.pk)
    follow(page, page.get_by_role("link", name=f"Review of the file of {kept.candidate.full_name}"))
    page.check("input[name=outcome][value=stands]")
    page.fill("#id_notes", "The records are complete and consistent with the evidence.")
    follow(page, page.get_by_role("button", name="Record the review"))
    assert "1 file cannot be confirmed until reviewed" in page.inner_text("#blocking")

    # Closing: what will be confirmed and what stays blocked and why, then the event closes (MOD-12).
    visit(page, base, detail)
    follow(page, page.get_by_role("link", name="Close the event and confirm the outcomes"))
    assert "Robin Ashdown" in page.inner_text("#to-confirm") and "Full reassessment" in page.inner_text("#to-confirm")
    assert blocked.candidate.full_name in page.inner_text("#blocked")
    assert "review pending" in page.inner_text("#blocked")
    follow(page, page.get_by_role("button", name="Close the event and confirm the outcomes"))
    assert "is closed" in page.inner_text(".govuk-notification-banner")
    event.refresh_from_db()
    assert event.state == EventState.CLOSED
    confirmed = set(Result.objects.values_list("file_id", flat=True))
    assert confirmed == {overturned.pk, kept.pk, *(f.pk for f in others)}

    # PEER-4: the peer reviewer's access ended when the event closed.
    switch_user(page, sign_in_page, reviewer)
    response = page.goto(f"{base}{detail}")
    assert response is not None and response.status == 404
    response = page.goto(f"{base}/moderation/events/{event.pk}/sample/")
    assert response is not None and response.status == 404


def test_mod1_mod4_mod5_planning_yearly_coverage_and_the_rpas_standards_in_the_browser(
    live_server: Any, page: Any, sign_in_page: SignIn, make_member: Callable[..., User], rpa_a: RPA
) -> None:
    """MOD-1: an event is planned (a bad month answered in the error summary); MOD-4: the coverage page shows the
    assessors and PoPs not yet sampled this year and adds a proposed file; MOD-5: the RPA's standards are saved and
    shown on the sample. Every page passes axe, the error summaries too."""
    base = live_server.url
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a, email="admin@4s.example.org", full_name="Ada Admin")
    confirmed_totp_device(admin)
    lead = moderator_in(rpa_a, "Mo Moderator")
    event = ModerationEventFactory(rpa=rpa_a, lead_moderator=lead)
    cohort_file(outcome="not_met")
    uncovered = AssessorFactory(rpa=rpa_a, user=UserFactory(full_name="Una Uncovered"))
    cohort_file(outcome="met", assessor=uncovered)
    sign_in_page(admin)

    visit(page, base, "/moderation/events/")
    follow(page, page.get_by_role("link", name="Plan an event"))
    page.fill("#id_month", "next spring")
    page.fill("#id_held_on", "2031-12-03")
    with page.expect_navigation():
        page.get_by_role("button", name="Plan the event").click()
    assert "Enter the month as YYYY-MM" in page.inner_text(".govuk-error-summary")
    assert_accessible(page)
    page.fill("#id_month", "2031-11")
    page.select_option("#id_lead_moderator", str(lead.pk))
    follow(page, page.get_by_role("button", name="Plan the event"))
    assert "The moderation of November 2031 is planned" in page.inner_text(".govuk-notification-banner")

    visit(page, base, f"/moderation/events/{event.pk}/open/")
    follow(page, page.get_by_role("button", name="Open the event"))
    follow(page, page.get_by_role("link", name="Add files for yearly coverage"))
    assert "Not yet" in page.inner_text("#assessors") and "Una Uncovered" in page.inner_text("#assessors")
    assert "left in the year" in page.inner_text("#year")
    box = page.get_by_role("checkbox", name="Una Uncovered", exact=False)
    box.first.check()
    follow(page, page.get_by_role("button", name="Add the chosen files to the sample"))
    assert "added to the sample for yearly coverage" in page.inner_text(".govuk-notification-banner")
    assert SampleEntry.objects.filter(event=event, file__assessor=uncovered, origin="coverage").exists()

    visit(page, base, f"/moderation/events/{event.pk}/standards/")
    page.fill("#id_standards", "27, 31")
    follow(page, page.get_by_role("button", name="Save the standards"))
    visit(page, base, f"/moderation/events/{event.pk}/sample/")
    assert "chosen by the RPA (27, 31)" in page.inner_text("main")
