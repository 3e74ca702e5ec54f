"""Query-count guards of the moderation day's lists: the event list, the sample of an event (MOD-3), the draw page,
the review-pending list (MOD-7) and their API endpoints keep a constant number of queries as rows grow."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.factories import AssessorFactory
from hnap.models import RPA, User
from hnap.roles import Role
from moderation.factories import (
    ModerationDecisionFactory,
    ModerationEventFactory,
    ModeratorFactory,
    ReviewPendingFactory,
    SampleEntryFactory,
)
from moderation.factories import cohort_file as make_file
from moderation.models import DecisionState, ModerationEvent, SampleEntry, Verdict

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def admin_client(make_member: Callable[..., User], rpa_a: RPA, client_for: Callable[[User], Client]) -> Client:
    return client_for(make_member(Role.RPA_ADMIN, rpa=rpa_a))


def count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


_months = iter(range(1, 10_000))


def add_events(rpa: RPA, n: int) -> None:
    """`n` events of `rpa`, each with a lead moderator, a peer reviewer and a decided sampled file."""
    for _ in range(n):
        k = next(_months)
        event = ModerationEventFactory(
            rpa=rpa, month=date(2100 + k // 12, 1 + k % 12, 1), lead_moderator=ModeratorFactory(rpa=rpa)
        )
        entry = SampleEntryFactory(file=make_file(rpa=rpa, outcome="not_met"), event=event)
        ModerationDecisionFactory(entry=entry)


def add_entries(event: ModerationEvent, n: int) -> None:
    """`n` sampled files of the event, alternately decided, awaiting a second moderator and undecided, each with
    a review-pending sibling caused by the decision."""
    assessor = AssessorFactory(rpa=event.rpa)
    for i in range(n):
        entry = SampleEntryFactory(file=make_file(rpa=event.rpa, outcome="not_met", assessor=assessor), event=event)
        if i % 3 == 2:
            continue
        decision = ModerationDecisionFactory(
            entry=entry,
            verdict=Verdict.OVERTURN if i % 3 else Verdict.ENDORSE,
            new_outcome="full" if i % 3 else "",
            state=DecisionState.AWAITING_SECOND if i % 3 else DecisionState.CONFIRMED,
        )
        ReviewPendingFactory(file=make_file(rpa=event.rpa, assessor=assessor), caused_by=decision)


@pytest.mark.parametrize("url", ["/moderation/events/", f"{API}/moderation-events/"])
def test_mod1_the_event_list_uses_a_constant_number_of_queries(
    url: str, admin_client: Client, rpa_a: RPA, rpa_b: RPA
) -> None:
    add_events(rpa_a, 2)
    add_events(rpa_b, 1)
    admin_client.get(url)  # warm the per-process caches
    few = count(admin_client, url)
    add_events(rpa_a, 8)
    many = count(admin_client, url)
    assert ModerationEvent.objects.filter(rpa=rpa_a).count() == 10
    assert few == many, f"{url}: {few} queries for 2 events but {many} for 10"


@pytest.mark.parametrize(
    "path",
    [
        "/moderation/events/{event}/sample/",
        "/moderation/events/{event}/draw/",
        "/moderation/review-pending/",
        "/moderation/review-pending/?show=all",
        API + "/sample-entries/?event={event}",
        API + "/moderation-decisions/?event={event}",
        API + "/review-pending/",
        API + "/review-pending/?show=all",
    ],
)
def test_mod3_mod7_the_sample_and_review_pending_lists_use_a_constant_number_of_queries(
    path: str, admin_client: Client, rpa_a: RPA
) -> None:
    event = ModerationEventFactory(rpa=rpa_a, lead_moderator=ModeratorFactory(rpa=rpa_a))
    url = path.format(event=event.pk)
    add_entries(event, 3)
    admin_client.get(url)
    few = count(admin_client, url)
    add_entries(event, 9)
    many = count(admin_client, url)
    assert SampleEntry.objects.filter(event=event).count() == 12
    assert few == many, f"{url}: {few} queries for 3 sampled files but {many} for 12"


def test_peer4_peer_review_grants_take_the_same_queries_for_any_number_of_files_and_skip_a_granted_one(
    rpa_a: RPA,
) -> None:
    """PEER-4: the grants on an event's sampled records are written in bulk, a fixed number of queries whatever the
    number of entries; granting an entry again (an entry added while the review is open) leaves one permission."""
    from guardian.models import UserObjectPermission

    from hnap.factories import UserFactory
    from hnap.grants import grant_objects_access

    reviewer = UserFactory()

    def grant(entries: list[SampleEntry]) -> int:
        with CaptureQueriesContext(connection) as queries:
            grant_objects_access(user=reviewer, objects=list(entries), reason="Peer review (test)")
        return len(queries)

    event = ModerationEventFactory(rpa=rpa_a)
    add_entries(event, 2)
    few = grant(list(SampleEntry.objects.filter(event=event)))
    add_entries(event, 6)
    entries = list(SampleEntry.objects.filter(event=event))
    assert grant(entries) == few
    held = UserObjectPermission.objects.filter(user=reviewer, permission__codename="view_sampleentry")
    assert sorted(int(pk) for pk in held.values_list("object_pk", flat=True)) == sorted(e.pk for e in entries)
    assert all(reviewer.has_perm("moderation.view_sampleentry", entry) for entry in entries)
