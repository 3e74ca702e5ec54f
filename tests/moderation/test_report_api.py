"""The reports API: feedback to assessors (MOD-9, ASR-7: an assessor reads only their own sent feedback), trends sent
to PoPs (MOD-11: a PoP reads only its own) and joint reports (PEER-3: submitted through the API, meeting the
deadline; refusals answer 400 with field errors); list endpoints keep a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.factories import AssessorFactory
from hnap.factories import PreparationProviderFactory, UserFactory
from hnap.models import RPA, Deadline, DeadlineState, User
from hnap.roles import Role
from moderation.factories import (
    AssessorFeedbackFactory,
    JointReportFactory,
    ModerationEventFactory,
    ModeratorFactory,
    PoPTrendFeedbackFactory,
    last_month,
)
from moderation.models import JOINT_REPORT_DEADLINE_KIND, AssessorFeedback, JointReport
from moderation.services import event_close

pytestmark = pytest.mark.django_db


def test_asr7_mod9_the_api_gives_an_assessor_only_their_own_sent_feedback(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    event = ModerationEventFactory(rpa=rpa_a, month=last_month())
    me = AssessorFactory(rpa=rpa_a, user=make_member(Role.ASSESSOR, rpa=rpa_a, full_name="Ash Assessor"))
    mine = AssessorFeedbackFactory(rpa=rpa_a, event=event, assessor=me, strengths="Mine")
    draft = AssessorFeedbackFactory(rpa=rpa_a, event=ModerationEventFactory(rpa=rpa_a, month=date_before()),
                                    assessor=me, strengths="Not sent yet")  # fmt: skip
    other = AssessorFeedbackFactory(rpa=rpa_a, event=event, assessor=AssessorFactory(rpa=rpa_a))
    for feedback in (mine, other):
        AssessorFeedback.objects.filter(pk=feedback.pk).update(sent_at=timezone.now(), recipient=feedback.assessor.user)
    client = client_for(me.user)
    body = client.get("/api/v1/assessor-feedback/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert body["results"][0]["assessor_name"] == "Ash Assessor" and body["results"][0]["strengths"] == "Mine"
    assert client.get(f"/api/v1/assessor-feedback/{other.pk}/").status_code == 403
    assert client.get(f"/api/v1/assessor-feedback/{draft.pk}/").status_code == 403


def date_before() -> date:
    """The first day of the month before last month."""
    return (last_month() - timedelta(days=1)).replace(day=1)


def test_mod11_the_api_gives_a_pop_only_its_own_trends(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    mine, theirs = PreparationProviderFactory(name="Mine PoP"), PreparationProviderFactory(name="Their PoP")
    sent = PoPTrendFeedbackFactory(rpa=rpa_a, pop=mine)
    PoPTrendFeedbackFactory(rpa=rpa_a, pop=theirs)
    user = make_member(Role.POP_USER, pop=mine)
    body = client_for(user).get("/api/v1/pop-trends/").json()
    assert [row["pop_name"] for row in body["results"]] == ["Mine PoP"]
    assert client_for(user).get(f"/api/v1/pop-trends/{sent.pk}/").json()["message"] == sent.message


def test_peer3_the_joint_report_is_submitted_through_the_api(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    lead = ModeratorFactory(rpa=rpa_a, user=make_member(Role.MODERATOR, rpa=rpa_a))
    peer = make_member(Role.SENIOR_ASSESSOR, rpa=rpa_b)
    event = ModerationEventFactory(rpa=rpa_a, month=last_month(), state="open", lead_moderator=lead,
                                   peer_reviewer=peer, held_on=timezone.localdate())  # fmt: skip
    event_close(event=event, acting_user=None)
    report = JointReport.objects.get(event=event)
    client = client_for(peer)
    url = f"/api/v1/joint-reports/{report.pk}/submit/"
    refused = client.post(url, {"issues_raised": True, "issues": ""}, content_type="application/json")
    assert refused.status_code == 400 and "issues" in refused.json()
    done = client.post(url, {"issues_raised": False, "for_partnership": "None."}, content_type="application/json")
    assert done.status_code == 200 and done.json()["is_late"] is False and done.json()["submitted_at"]
    deadline = Deadline.objects.get(kind=JOINT_REPORT_DEADLINE_KIND, object_id=report.pk)
    assert deadline.state == DeadlineState.MET
    again = client_for(lead.user).post(url, {"issues_raised": False}, content_type="application/json")
    assert again.status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/assessor-feedback/", "/api/v1/pop-trends/", "/api/v1/joint-reports/"])
def test_mod9_mod11_peer3_list_endpoints_keep_a_constant_query_count(
    url: str, make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    client = client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            event = ModerationEventFactory(rpa=rpa_a, month=last_month().replace(year=2100 + i))
            AssessorFeedbackFactory(rpa=rpa_a, event=event, assessor=AssessorFactory(rpa=rpa_a))
            PoPTrendFeedbackFactory(rpa=rpa_a, event=event, pop=PreparationProviderFactory())
            JointReportFactory(
                rpa=rpa_a, event=event, peer_reviewer=UserFactory(), moderator=ModeratorFactory(rpa=rpa_a)
            )

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    grow(0, 2)
    few = queries()
    grow(2, 10)
    assert queries() == few
