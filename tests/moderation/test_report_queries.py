"""Query-count guards of the people and report pages (MOD-2, MOD-9, MOD-11, PEER-1, PEER-2, PEER-3): each list page
and each page of an event keeps a constant number of queries as its rows grow."""

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
from hnap.models import RPA, User
from hnap.roles import Role
from moderation.factories import (
    AssessorFeedbackFactory,
    JointReportFactory,
    ModerationEventFactory,
    ModeratorFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    PoPTrendFeedbackFactory,
    last_month,
)
from moderation.models import ModerationEvent, Verdict
from tests.support.moderation_report_data import moderated_file

pytestmark = pytest.mark.django_db


def count(client: Client, url: str) -> int:
    client.get(url)  # warm the per-process caches (content types, sessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _month(n: int) -> date:
    return date(2200 + n // 12, 1 + n % 12, 1)


def _events(rpa: RPA, start: int, n: int) -> list[ModerationEvent]:
    return [ModerationEventFactory(rpa=rpa, month=_month(i)) for i in range(start, start + n)]


def _grow(kind: str, rpa: RPA, start: int, n: int) -> None:
    """`n` more rows of a list page's records in `rpa` (and one in another RPA each time, never shown)."""
    other = RPA.objects.exclude(pk=rpa.pk).order_by("name")
    for i in range(start, start + n):
        if kind == "moderators":
            ModeratorFactory(rpa=rpa, confirmed_at=None if i % 2 else timezone.now())
        elif kind == "feedback":
            AssessorFeedbackFactory(rpa=rpa, event=_events(rpa, i, 1)[0], assessor=AssessorFactory(rpa=rpa))
        elif kind == "poptrends":
            PoPTrendFeedbackFactory(rpa=rpa, event=_events(rpa, i, 1)[0], pop=PreparationProviderFactory())
        elif kind == "joint":
            JointReportFactory(rpa=rpa, event=_events(rpa, i, 1)[0], peer_reviewer=UserFactory(),
                               moderator=ModeratorFactory(rpa=rpa))  # fmt: skip
        elif kind == "pairings":
            start_day = _month(3 * i)
            PeerReviewPairingFactory(rpa=rpa, reviewer_rpa=other[i % 2], period_start=start_day,
                                     period_end=_month(3 * i + 3) - timedelta(days=1))  # fmt: skip
        elif kind == "nominations":
            PeerReviewNominationFactory(rpa=rpa, reviewed_rpa=other[0], month=_month(i))


LISTS = {
    "moderators": ("/moderation/moderators/", Role.RPA_ADMIN),
    "feedback": ("/moderation/feedback/", Role.RPA_ADMIN),
    "poptrends": ("/moderation/pop-trends/", Role.RPA_ADMIN),
    "joint": ("/moderation/joint-reports/", Role.RPA_ADMIN),
    "pairings": ("/moderation/pairings/", Role.PARTNERSHIP_ADMIN),
    "nominations": ("/moderation/peer-reviewers/", Role.RPA_ADMIN),
}


@pytest.mark.parametrize("kind", sorted(LISTS))
def test_mod2_mod9_mod11_peer1_peer2_peer3_list_pages_keep_a_constant_query_count(
    kind: str, make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    url, role = LISTS[kind]
    viewer = make_member(role, rpa=rpa_a if role != Role.PARTNERSHIP_ADMIN else None)
    client = client_for(viewer)
    _grow(kind, rpa_a, 0, 2)
    few = count(client, url)
    _grow(kind, rpa_a, 2, 12)
    many = count(client, url)
    assert few == many, f"{url}: {few} queries for 2 rows, {many} for 14"


def test_mod9_mod11_the_event_pages_keep_a_constant_query_count(
    make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]
) -> None:
    event = ModerationEventFactory(rpa=rpa_a, month=last_month(), state="closed")
    moderator = ModeratorFactory(rpa=rpa_a, user=make_member(Role.MODERATOR, rpa=rpa_a))
    admin = make_member(Role.RPA_ADMIN, rpa=rpa_a)
    pops = [PreparationProviderFactory() for _ in range(4)]

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            entry = moderated_file(
                event=event,
                pop=pops[i % len(pops)],
                outcome="not_met",
                insufficient=(i % 33 + 1,),
                verdict=Verdict.OVERTURN if i % 3 == 0 else Verdict.ENDORSE,
                new_outcome="partial" if i % 3 == 0 else "",
                reasons="Reasons." if i % 3 == 0 else "",
                documentation="poor" if i % 2 else "good",
            )
            if i % 2:
                AssessorFeedbackFactory(rpa=rpa_a, event=event, assessor=entry.file.assessor)

    grow(0, 2)
    pages = [
        (client_for(moderator.user), f"/moderation/events/{event.pk}/feedback/"),
        (client_for(admin), f"/moderation/events/{event.pk}/trends/"),
        (client_for(admin), f"/moderation/events/{event.pk}/trends/?period=year"),
    ]
    few = [count(client, url) for client, url in pages]
    grow(2, 10)
    many = [count(client, url) for client, url in pages]
    assert few == many, f"{few} queries for 2 sampled files, {many} for 12"
