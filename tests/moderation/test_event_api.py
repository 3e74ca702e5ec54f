"""The moderation day's API at /api/v1/: events with the peer reviewer's draw and closing (MOD-1, MOD-3, MOD-12,
PEER-4), sample entries with their reasons and the decision on each (MOD-3..MOD-6, MOD-8), decisions with the second
moderator's review (MOD-2, MOD-6, MOD-7), review-pending files and the RPA's review (MOD-7); 400 with field errors;
the OpenAPI schema without warnings."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from assessments.factories import AssessorFactory
from assessments.models import AssessmentFile, Result
from hnap.models import RPA, User
from hnap.roles import Role
from moderation import services
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

API = "/api/v1"


@pytest.fixture
def admin(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.RPA_ADMIN, rpa=rpa_a, full_name="Ada Admin")


@pytest.fixture
def admin_client(admin: User, client_for: Callable[[User], Client]) -> Client:
    return client_for(admin)


@pytest.fixture
def opened(event: ModerationEvent, admin: User, peer: Any) -> dict:
    """RPA A's event of last month, opened with its peer review: one not-met file and four met files of one
    assessor."""
    assessor = AssessorFactory(rpa=event.rpa)
    not_met = make_file(outcome="not_met", assessor=assessor)
    met = [make_file(outcome="met", assessor=assessor) for _ in range(4)]
    services.event_open(event=event, acting_user=admin)
    services.peer_review_open(event=event, acting_user=admin)
    event.refresh_from_db()
    return {"event": event, "not_met": not_met, "met": met, "entry": SampleEntry.objects.get(file=not_met)}


def post(client: Client, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, data=body or {}, content_type="application/json")


def judgements(entry: SampleEntry, agree: bool = True, note: str = "") -> dict[str, Any]:
    return {str(n): {"agree": agree, "note": note} for n in entry.standards}


def test_mod1_the_event_endpoints_list_and_show_an_event_with_its_summary(
    opened: dict, admin_client: Client, rpa_b: RPA
) -> None:
    event = opened["event"]
    other = ModerationEvent.objects.create(rpa=rpa_b, month=event.month, held_on=event.held_on)
    rows = admin_client.get(f"{API}/moderation-events/").json()["results"]
    assert [r["id"] for r in rows] == [event.pk]
    assert rows[0]["state"] == "open" and rows[0]["peer_reviewer_name"] == "Nora North"
    detail = admin_client.get(f"{API}/moderation-events/{event.pk}/").json()
    assert detail["summary"]["sampled"] == 1 and detail["summary"]["can_close"] is False
    assert detail["draw"] is None and detail["review_open"] is True
    assert admin_client.get(f"{API}/moderation-events/{other.pk}/").status_code == 404
    assert admin_client.get(f"{API}/moderation-events/?state=nonsense").status_code == 400


def test_mod3_peer4_the_peer_reviewer_draws_through_the_api_and_the_draw_reproduces(
    opened: dict, admin_client: Client, peer: Any, client_for: Callable[[User], Client]
) -> None:
    event = opened["event"]
    refused = post(admin_client, f"{API}/moderation-events/{event.pk}/draw/")
    assert refused.status_code == 400 and "peer reviewer" in refused.json()["non_field_errors"][0]
    reviewer = client_for(peer[0])
    # While the review is open the peer reviewer (an assessor of RPA B) lists exactly this event of RPA A.
    assert [r["id"] for r in reviewer.get(f"{API}/moderation-events/").json()["results"]] == [event.pk]
    response = post(reviewer, f"{API}/moderation-events/{event.pk}/draw/")
    assert response.status_code == 201, response.content
    draw = response.json()["draw"]
    stored = SampleDraw.objects.get(event=event)
    assert draw["seed"] == stored.seed and draw["drawn"] == stored.drawn and draw["reproduces"] is True
    assert draw["drawn_by_name"] == "Nora North" and len(draw["population"]) == 4
    again = post(reviewer, f"{API}/moderation-events/{event.pk}/draw/")
    assert again.status_code == 400
    # The peer reviewer reads the sample of the event through the review's grants, and nothing once it closes.
    entry_id = SampleEntry.objects.get(event=event, file_id=stored.drawn[0]).pk
    assert reviewer.get(f"{API}/sample-entries/{entry_id}/").status_code == 200
    services.peer_review_close(event=event, acting_user=None)
    assert reviewer.get(f"{API}/sample-entries/{entry_id}/").status_code == 404
    assert reviewer.get(f"{API}/moderation-events/{event.pk}/").status_code == 404
    assert reviewer.get(f"{API}/moderation-events/").status_code == 403


def test_mod3_mod5_sample_entries_carry_their_reasons_and_standards(opened: dict, admin_client: Client) -> None:
    event, entry = opened["event"], opened["entry"]
    rows = admin_client.get(f"{API}/sample-entries/?event={event.pk}").json()["results"]
    assert [r["id"] for r in rows] == [entry.pk]
    row = rows[0]
    assert row["reasons"][0]["code"] == "not_met" and row["origin"] == "mandatory"
    assert {s["number"] for s in row["standards"]} == set(entry.standards)
    assert any("Judged to have insufficient evidence" in s["sources"] for s in row["standards"])
    assert row["decision_state"] == ""
    assert admin_client.get(f"{API}/sample-entries/?event=x").status_code == 400


def test_mod6_a_decision_answers_400_with_field_errors_and_nothing_is_recorded(
    opened: dict, moderator: Moderator, client_for: Callable[[User], Client]
) -> None:
    entry = opened["entry"]
    client = client_for(moderator.user)
    url = f"{API}/sample-entries/{entry.pk}/decide/"
    bad = post(client, url, {"verdict": "sideways", "judgements": {}})
    assert bad.status_code == 400 and "verdict" in bad.json()
    refused = post(client, url, {"verdict": "overturn", "judgements": judgements(entry), "new_outcome": "met"})
    assert refused.status_code == 400
    assert set(refused.json()) >= {"reasons"}
    disagree = post(client, url, {"verdict": "endorse", "judgements": judgements(entry, agree=False)})
    assert disagree.status_code == 400 and "judgements" in disagree.json()
    assert not ModerationDecision.objects.filter(entry=entry).exists()


def test_mod6_mod7_an_overturn_through_the_api_waits_for_the_second_moderator_then_cascades(
    opened: dict,
    moderator: Moderator,
    second_moderator: Moderator,
    admin_client: Client,
    client_for: Callable[[User], Client],
) -> None:
    entry = opened["entry"]
    first = client_for(moderator.user)
    body = {
        "verdict": "overturn",
        "new_outcome": "full",
        "reasons": "The evidence summaries do not support the judgements.",
        "judgements": judgements(entry),
    }
    response = post(first, f"{API}/sample-entries/{entry.pk}/decide/", body)
    assert response.status_code == 201, response.content
    decision = response.json()
    assert decision["state"] == DecisionState.AWAITING_SECOND and decision["verdict"] == "overturn"
    url = f"{API}/moderation-decisions/{decision['id']}/second-review/"
    same = post(first, url, {"agrees": True})
    assert same.status_code == 400 and "non_field_errors" in same.json()
    no_note = post(client_for(second_moderator.user), url, {"agrees": False})
    assert no_note.status_code == 400 and "note" in no_note.json()
    agreed = post(client_for(second_moderator.user), url, {"agrees": True})
    assert agreed.status_code == 200 and agreed.json()["state"] == DecisionState.CONFIRMED
    assert agreed.json()["second_moderator_name"] == second_moderator.user.full_name
    assert Result.objects.get(file=entry.file).outcome == "full"
    # MOD-7: the assessor's four unconfirmed files are listed as blocking confirmation.
    flags = admin_client.get(f"{API}/review-pending/").json()["results"]
    assert {f["file"] for f in flags} == {f.pk for f in opened["met"]}
    assert all(f["blocks_confirmation"] for f in flags)
    flag = flags[0]
    refused = post(admin_client, f"{API}/review-pending/{flag['id']}/review/", {"outcome": "stands", "notes": ""})
    assert refused.status_code == 400 and "notes" in refused.json()
    moderator_refused = post(
        first, f"{API}/review-pending/{flag['id']}/review/", {"outcome": "stands", "notes": "Fine."}
    )
    assert moderator_refused.status_code == 403
    reviewed = post(
        admin_client, f"{API}/review-pending/{flag['id']}/review/", {"outcome": "stands", "notes": "Records sound."}
    )
    assert reviewed.status_code == 200 and reviewed.json()["state"] == ReviewState.REVIEWED
    assert ReviewPending.objects.filter(state=ReviewState.PENDING).count() == 3
    shown = admin_client.get(f"{API}/review-pending/?show=reviewed").json()["results"]
    assert [f["id"] for f in shown] == [flag["id"]]


def test_mod12_closing_through_the_api_says_what_blocks_it_then_confirms(
    opened: dict, moderator: Moderator, admin_client: Client, client_for: Callable[[User], Client], peer: Any
) -> None:
    event, entry = opened["event"], opened["entry"]
    url = f"{API}/moderation-events/{event.pk}/close/"
    blocked = post(admin_client, url)
    assert blocked.status_code == 400 and "still to be decided" in blocked.json()["non_field_errors"][0]
    assert post(client_for(peer[0]), url).status_code == 403  # the peer reviewer draws, never closes
    services.decision_record(entry=entry, acting_user=moderator.user, verdict="endorse", judgements=judgements(entry))
    closed = post(admin_client, url)
    assert closed.status_code == 200 and closed.json()["state"] == EventState.CLOSED
    files: list[AssessmentFile] = [opened["not_met"], *opened["met"]]
    assert Result.objects.filter(file__in=files).count() == len(files)


def test_the_openapi_schema_documents_the_moderation_day_api_without_warnings() -> None:
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--format", "openapi-json", stdout=out)
    paths = json.loads(out.getvalue())["paths"]
    for path in (
        "/api/v1/moderation-events/",
        "/api/v1/moderation-events/{id}/",
        "/api/v1/moderation-events/{id}/draw/",
        "/api/v1/moderation-events/{id}/close/",
        "/api/v1/sample-entries/",
        "/api/v1/sample-entries/{id}/decide/",
        "/api/v1/moderation-decisions/",
        "/api/v1/moderation-decisions/{id}/second-review/",
        "/api/v1/review-pending/",
        "/api/v1/review-pending/{id}/review/",
    ):
        assert path in paths, path
