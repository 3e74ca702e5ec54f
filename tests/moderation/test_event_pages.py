"""The moderation day as pages: the RPA's events and an event (MOD-1), opening it with the sample and its reasons
(MOD-3, MOD-5, ASR-2, SCR-3), the peer reviewer's reproducible draw and their access only while the review is open
(MOD-3, PEER-4), yearly coverage (MOD-4), decisions with the second moderator (MOD-2, MOD-6, MOD-8), the review-pending
cascade and the RPA's review (MOD-7), and closing with what it confirms and what blocks it (MOD-12)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from assessments.factories import AssessorFactory
from assessments.models import AssessmentFile, Result
from hnap.models import RPA, User
from hnap.roles import Role
from moderation import services
from moderation.factories import ModerationEventFactory, last_month
from moderation.factories import cohort_file as make_file
from moderation.models import (
    DecisionState,
    EventState,
    ModerationDecision,
    ModerationEvent,
    Moderator,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
)

pytestmark = pytest.mark.django_db

Make = Callable[..., User]


def text(response: Any) -> str:
    return response.content.decode()


def url(name: str, obj: Any) -> str:
    return reverse(name, args=[obj.pk])


@pytest.fixture
def admin(make_member: Make, rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_client(admin: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(admin)


def entry_of(event: ModerationEvent, file: AssessmentFile) -> SampleEntry:
    return SampleEntry.objects.get(event=event, file=file)


def agree_all(entry: SampleEntry, **extra: Any) -> dict[str, Any]:
    """The decision form's body: agree with every moderated standard, then `extra` (the verdict...)."""
    return {**{f"agree_{n}": "agree" for n in entry.standards}, **{f"note_{n}": "" for n in entry.standards}, **extra}


@pytest.fixture
def opened(event: ModerationEvent, admin: User, peer: Any) -> dict:
    """RPA A's event of last month, opened: a not-met file and a first solo (both always sampled), six met files
    of one assessor, the peer reviewer of RPA B nominated."""
    assessor = AssessorFactory(rpa=event.rpa)
    files = {
        "not_met": make_file(outcome="not_met", assessor=assessor),
        "first_solo": make_file(outcome="met", first_solo=True),
        "met": [make_file(outcome="met", assessor=assessor) for _ in range(6)],
    }
    services.event_open(event=event, acting_user=admin)
    event.refresh_from_db()
    return {"event": event, "assessor": assessor, **files}


# --- events (MOD-1) -----------------------------------------------------------------------------------------


def test_mod1_the_event_list_shows_the_rpas_events_with_state_and_people_not_another_rpas(
    admin_client: Client, event: ModerationEvent, rpa_b: RPA
) -> None:
    other = ModerationEventFactory(rpa=rpa_b)
    response = admin_client.get(reverse("moderation-event-list"))
    body = text(response)
    assert response.status_code == 200
    assert url("moderation-event-detail", event) in body and last_month().strftime("%B %Y") in body
    assert escape(event.lead_moderator.user.full_name) in body and "Planned" in body
    assert url("moderation-event-detail", other) not in body
    assert "Plan an event" in body


def test_mod1_an_administrator_plans_an_event_and_a_bad_month_is_shown_in_the_error_summary(
    admin_client: Client, rpa_a: RPA, moderator: Moderator
) -> None:
    plan = reverse("moderation-event-plan")
    response = admin_client.post(plan, {"month": "November", "held_on": "2031-12-03", "lead_moderator": ""})
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response) and "Enter the month as YYYY-MM" in text(response)
    data = {"month": "2031-11", "held_on": "2031-12-03", "lead_moderator": moderator.pk}
    response = admin_client.post(plan, data)
    event = ModerationEvent.objects.get(rpa=rpa_a, month="2031-11-01")
    assert response.status_code == 302 and response.url == url("moderation-event-detail", event)
    assert event.lead_moderator == moderator and event.state == EventState.PLANNED
    # One event per RPA and month: the service's refusal comes back on the form.
    response = admin_client.post(plan, data)
    assert response.status_code == 200 and "govuk-error-summary" in text(response)
    assert ModerationEvent.objects.filter(rpa=rpa_a, month="2031-11-01").count() == 1


def test_mod1_mod3_mod5_opening_the_event_builds_the_sample_with_each_files_reasons_and_standards(
    admin_client: Client, event: ModerationEvent, peer: Any
) -> None:
    not_met = make_file(outcome="not_met", insufficient=(4, 9))
    solo = make_file(outcome="met", first_solo=True)
    flagged = make_file(outcome="met", flagged_principle=True)
    make_file(outcome="met")
    page = admin_client.get(url("moderation-event-detail", event))
    assert "Open the event" in text(page)
    response = admin_client.post(url("moderation-event-open", event), {})
    assert response.status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.OPEN and event.peer_reviewer == peer[0]

    page = text(admin_client.get(url("moderation-event-detail", event)))
    assert "Nora North" in page and "Files in the cohort" in page
    assert "Open the peer review" in page and "still to be decided" in page  # the blockers of closing

    sample = text(admin_client.get(url("moderation-event-sample", event)))
    assert "3 sampled files" in sample
    for file in (not_met, solo, flagged):
        assert escape(file.candidate.full_name) in sample
    assert "Not met: insufficient evidence that all standards are met" in sample
    assert "The assessor&#x27;s first solo assessment (ASR-2)" in sample
    assert "Flagged at scrutiny as raising an issue of principle" in sample
    entry = entry_of(event, not_met)
    assert 4 in entry.standards and 9 in entry.standards
    detail = text(admin_client.get(url("moderation-entry-detail", entry)))
    assert "Judged to have insufficient evidence" in detail and "Standards to moderate (MOD-5)" in detail


def test_mod1_only_the_rpas_own_people_open_the_event(
    event: ModerationEvent, make_member: Make, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert senior.get(url("moderation-event-detail", event)).status_code == 200
    assert senior.post(url("moderation-event-open", event), {}).status_code == 403
    event.refresh_from_db()
    assert event.state == EventState.PLANNED


# --- the draw and the peer reviewer (MOD-3, PEER-4) -----------------------------------------------------------


def test_mod3_peer4_the_peer_reviewer_draws_while_the_review_is_open_and_anyone_reruns_it_to_the_same_files(
    opened: dict, admin_client: Client, peer: Any, client_for: Callable[[User], Client]
) -> None:
    event = opened["event"]
    reviewer = client_for(peer[0])
    # Before the review opens the peer reviewer of RPA B sees nothing of RPA A's event.
    assert reviewer.get(url("moderation-event-detail", event)).status_code == 404
    assert reviewer.get(reverse("moderation-event-list")).status_code == 403
    # Only the peer reviewer draws: the administrator is refused with the reason.
    admin_client.post(url("moderation-peer-review-open", event), {})
    refused = admin_client.post(url("moderation-event-draw-run", event), {})
    assert refused.status_code == 200 and "drawn by the event&#x27;s peer reviewer" in text(refused)
    assert not SampleDraw.objects.filter(event=event).exists()

    events = text(reviewer.get(reverse("moderation-event-list")))
    assert url("moderation-event-detail", event) in events and "You peer-review" in events
    page = text(reviewer.get(url("moderation-event-draw", event)))
    assert "Draw the random sample" in page
    response = reviewer.post(url("moderation-event-draw-run", event), {})
    assert response.status_code == 302
    draw = SampleDraw.objects.get(event=event)
    assert len(draw.drawn) == 1 and len(draw.population) == 7  # 5% of 7 met files (the first solo too), rounded up
    page = text(admin_client.get(url("moderation-event-draw", event)))
    assert str(draw.seed) in page and "Nora North" in page
    rerun = text(admin_client.get(url("moderation-event-draw", event) + "?rerun=1"))
    assert "the same 1 file, in the same order" in rerun
    # The drawn file is in the sample with its reason, and the peer reviewer may read it.
    drawn = entry_of(event, AssessmentFile.objects.get(pk=draw.drawn[0]))
    assert "Drawn at random from the met files by the peer reviewer" in text(
        reviewer.get(url("moderation-entry-detail", drawn))
    )
    assert reviewer.get(reverse("file-detail", args=[drawn.file_id])).status_code == 200
    # A second draw is refused.
    again = reviewer.post(url("moderation-event-draw-run", event), {})
    assert again.status_code == 200 and "already been drawn" in text(again)


def test_peer4_the_peer_reviewers_access_ends_when_the_review_closes(
    opened: dict, admin_client: Client, peer: Any, client_for: Callable[[User], Client]
) -> None:
    event = opened["event"]
    reviewer = client_for(peer[0])
    admin_client.post(url("moderation-peer-review-open", event), {})
    entry = entry_of(event, opened["not_met"])
    assert reviewer.get(url("moderation-event-sample", event)).status_code == 200
    assert reviewer.get(url("moderation-entry-detail", entry)).status_code == 200
    # The peer reviewer may draw but not run the event.
    assert reviewer.post(url("moderation-event-close", event), {}).status_code == 403
    assert reviewer.get(url("moderation-entry-decide", entry)).status_code == 403
    page = text(admin_client.get(url("moderation-peer-review-close", event)))
    assert "will no longer see this event" in page
    assert admin_client.post(url("moderation-peer-review-close", event), {}).status_code == 302
    for name, obj in (
        ("moderation-event-detail", event),
        ("moderation-event-sample", event),
        ("moderation-entry-detail", entry),
        ("file-detail", entry.file),
    ):
        assert reviewer.get(url(name, obj)).status_code == 404, name


# --- yearly coverage (MOD-4) -------------------------------------------------------------------------------


def test_mod4_the_coverage_page_shows_who_is_not_sampled_yet_and_adds_the_proposed_files(
    opened: dict, admin_client: Client
) -> None:
    event = opened["event"]
    page = text(admin_client.get(url("moderation-event-coverage", event)))
    assert "Assessors this year" in page and "Providers of preparation this year" in page
    assert "Not yet" in page and "left in the year" in page
    form = page.split('action="' + url("moderation-event-coverage-add", event))[1]
    values = sorted({int(v) for v in __import__("re").findall(r'name="files" type="checkbox" value="(\d+)"', form)})
    assert values, "no file proposed for coverage"
    empty = admin_client.post(url("moderation-event-coverage-add", event), {})
    assert empty.status_code == 200 and "Choose at least one proposed file" in text(empty)
    before = SampleEntry.objects.filter(event=event).count()
    response = admin_client.post(url("moderation-event-coverage-add", event), {"files": [str(values[0])]})
    assert response.status_code == 302
    assert SampleEntry.objects.filter(event=event).count() == before + 1
    assert SampleEntry.objects.get(event=event, file_id=values[0]).origin == "coverage"


# --- decisions (MOD-2, MOD-6, MOD-7, MOD-8) -------------------------------------------------------------------


def test_mod6_a_moderator_endorses_and_a_disagreement_without_a_note_is_refused_on_the_form(
    opened: dict, moderator: Moderator, client_for: Callable[[User], Client]
) -> None:
    entry = entry_of(opened["event"], opened["not_met"])
    client = client_for(moderator.user)
    page = text(client.get(url("moderation-entry-decide", entry)))
    assert "Standard 4:" in page and "Endorse the recommended outcome" in page
    body = agree_all(entry, verdict="endorse")
    body[f"agree_{entry.standards[0]}"] = "disagree"
    refused = client.post(url("moderation-entry-decide", entry), body)
    assert refused.status_code == 200 and "govuk-error-summary" in text(refused)
    assert f"Standard {entry.standards[0]}: say why you disagree" in text(refused)
    assert not ModerationDecision.objects.filter(entry=entry).exists()
    missing = client.post(url("moderation-entry-decide", entry), {"verdict": "endorse"})
    assert missing.status_code == 200 and "choose agree or disagree" in text(missing)
    response = client.post(url("moderation-entry-decide", entry), agree_all(entry, verdict="endorse"))
    assert response.status_code == 302
    decision = ModerationDecision.objects.get(entry=entry)
    assert decision.state == DecisionState.CONFIRMED
    assert Result.objects.get(file=entry.file).outcome == "not_met"
    detail = text(client.get(url("moderation-entry-detail", entry)))
    assert "Endorse the recommended outcome" in detail and escape(moderator.user.full_name) in detail


def test_mod6_an_administrator_or_senior_assessor_cannot_record_a_decision(
    opened: dict, admin_client: Client, make_member: Make, rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    entry = entry_of(opened["event"], opened["not_met"])
    senior = client_for(make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a))
    assert admin_client.get(url("moderation-entry-decide", entry)).status_code == 403
    assert senior.post(url("moderation-entry-decide", entry), agree_all(entry, verdict="endorse")).status_code == 403
    assert not ModerationDecision.objects.filter(entry=entry).exists()


def test_mod6_mod7_an_overturn_takes_effect_only_when_a_second_moderator_agrees_and_flags_the_assessors_other_files(
    opened: dict,
    moderator: Moderator,
    second_moderator: Moderator,
    admin_client: Client,
    client_for: Callable[[User], Client],
) -> None:
    event = opened["event"]
    entry = entry_of(event, opened["not_met"])
    first = client_for(moderator.user)
    body = agree_all(entry, verdict="overturn", new_outcome="full", reasons="Evidence for standard 4 was not probed.")
    missing = client_for(moderator.user).post(url("moderation-entry-decide", entry), {**body, "reasons": ""})
    assert "Give the reasons" in text(missing)
    assert first.post(url("moderation-entry-decide", entry), body).status_code == 302
    decision = ModerationDecision.objects.get(entry=entry)
    assert decision.state == DecisionState.AWAITING_SECOND
    assert not Result.objects.filter(file=entry.file).exists()
    page = text(first.get(url("moderation-entry-detail", entry)))
    assert "Awaiting a second moderator" in page and "Review as second moderator" not in page
    # The first moderator cannot second their own decision.
    refused = first.post(url("moderation-decision-second-review", decision), {"agrees": "yes", "note": ""})
    assert refused.status_code == 200 and "govuk-error-summary" in text(refused)
    second = client_for(second_moderator.user)
    assert "Review as second moderator" in text(second.get(url("moderation-entry-detail", entry)))
    no_note = second.post(url("moderation-decision-second-review", decision), {"agrees": "no", "note": ""})
    assert no_note.status_code == 200 and "govuk-error-summary" in text(no_note)
    response = second.post(url("moderation-decision-second-review", decision), {"agrees": "yes", "note": ""})
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.state == DecisionState.CONFIRMED and decision.second_moderator == second_moderator
    assert Result.objects.get(file=entry.file).outcome == "full"
    # MOD-7: the assessor's six unconfirmed met files are review pending, visibly blocking confirmation.
    flags = ReviewPending.objects.filter(caused_by=decision, state=ReviewState.PENDING)
    assert {f.file_id for f in flags} == {f.pk for f in opened["met"]}
    listing = text(admin_client.get(reverse("moderation-review-pending-list")))
    assert "6 files cannot be confirmed until reviewed" in listing and listing.count("Blocks confirmation") == 6
    event_page = text(admin_client.get(url("moderation-event-detail", event)))
    assert "Review pending (MOD-7)" in event_page


def test_mod7_the_rpa_reviews_a_review_pending_file_and_a_moderator_may_not(
    opened: dict,
    moderator: Moderator,
    second_moderator: Moderator,
    admin_client: Client,
    client_for: Callable[[User], Client],
) -> None:
    event = opened["event"]
    entry = entry_of(event, opened["not_met"])
    services.decision_record(
        entry=entry,
        acting_user=moderator.user,
        verdict="process_lacking",
        judgements={str(n): {"agree": True, "note": ""} for n in entry.standards},
        reasons="The interviews did not cover the standards.",
    )
    services.decision_second_review(
        decision=ModerationDecision.objects.get(entry=entry), acting_user=second_moderator.user, agrees=True
    )
    flag = ReviewPending.objects.filter(state=ReviewState.PENDING).first()
    assert flag is not None
    review = url("moderation-review-pending-review", flag)
    assert client_for(moderator.user).get(review).status_code == 403
    refused = admin_client.post(review, {"outcome": "stands", "notes": ""})
    assert refused.status_code == 200 and "Enter the notes of your review" in text(refused)
    response = admin_client.post(review, {"outcome": "stands", "notes": "The records are complete and consistent."})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.state == ReviewState.REVIEWED and flag.outcome == "stands"
    listing = text(admin_client.get(reverse("moderation-review-pending-list") + "?show=reviewed"))
    assert escape(flag.file.candidate.full_name) in listing and "The recommended outcome stands" in listing


# --- closing (MOD-12) ----------------------------------------------------------------------------------------


def test_mod12_the_close_page_shows_what_blocks_closing_then_confirms_the_outcomes(
    opened: dict, moderator: Moderator, admin_client: Client, peer: Any, client_for: Callable[[User], Client]
) -> None:
    event = opened["event"]
    admin_client.post(url("moderation-peer-review-open", event), {})
    page = text(admin_client.get(url("moderation-event-close", event)))
    assert "The event cannot close yet" in page and "still to be decided" in page
    refused = admin_client.post(url("moderation-event-close", event), {})
    assert refused.status_code == 200 and "govuk-error-summary" in text(refused)
    event.refresh_from_db()
    assert event.state == EventState.OPEN
    for entry in SampleEntry.objects.filter(event=event):
        services.decision_record(
            entry=entry,
            acting_user=moderator.user,
            verdict="endorse",
            judgements={str(n): {"agree": True, "note": ""} for n in entry.standards},
        )
    page = text(admin_client.get(url("moderation-event-close", event)))
    assert "The event cannot close yet" not in page and "Close the event and confirm the outcomes" in page
    assert admin_client.post(url("moderation-event-close", event), {}).status_code == 302
    event.refresh_from_db()
    assert event.state == EventState.CLOSED
    cohort = [opened["not_met"], opened["first_solo"], *opened["met"]]
    assert Result.objects.filter(file__in=cohort).count() == len(cohort)
    detail = text(admin_client.get(url("moderation-event-detail", event)))
    assert "Closed" in detail and "the peer reviewer's access has ended" in detail
    assert client_for(peer[0]).get(url("moderation-event-detail", event)).status_code == 404


def test_mod5_the_rpa_chooses_its_standards_and_the_undecided_files_are_recomputed(
    opened: dict, admin_client: Client
) -> None:
    event, entry = opened["event"], entry_of(opened["event"], opened["not_met"])
    standards = url("moderation-event-standards", event)
    refused = admin_client.post(standards, {"standards": "three"})
    assert refused.status_code == 200 and "Enter standard numbers separated by commas" in text(refused)
    assert admin_client.post(standards, {"standards": "27, 31"}).status_code == 302
    event.refresh_from_db()
    entry.refresh_from_db()
    assert event.rpa_standards == [27, 31] and {27, 31} <= set(entry.standards)
    sample = text(admin_client.get(url("moderation-event-sample", event)))
    assert "chosen by the rpa" in sample


def test_mod3_files_that_must_be_moderated_and_joined_the_cohort_later_are_added_by_refreshing(
    opened: dict, admin_client: Client
) -> None:
    event = opened["event"]
    late = make_file(outcome="not_met")
    page = text(admin_client.get(url("moderation-event-detail", event)))
    assert "Refresh the sample (1 file to add)" in page
    assert admin_client.post(url("moderation-event-sample-refresh", event), {}).status_code == 302
    assert SampleEntry.objects.filter(event=event, file=late).exists()


def test_mod8_records_judged_lacking_send_the_file_back_to_its_assessor_and_do_not_block_closing(
    opened: dict, moderator: Moderator, admin_client: Client, client_for: Callable[[User], Client]
) -> None:
    event, entry = opened["event"], entry_of(opened["event"], opened["not_met"])
    client = client_for(moderator.user)
    body = agree_all(entry, verdict="records_lacking", reasons="F12 does not record the questions asked.")
    assert client.post(url("moderation-entry-decide", entry), body).status_code == 302
    entry.file.refresh_from_db()
    assert entry.file.state == "returned"
    detail = text(client.get(url("moderation-entry-detail", entry)))
    assert "Records lacking: back to the assessor to complete" in detail and "Returned to the assessor" in detail
    close = text(admin_client.get(url("moderation-event-close", event)))
    assert "returned to its assessor to complete the records (MOD-8)" in close
