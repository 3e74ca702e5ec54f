"""Cross-RPA object grants (ASR-5, PEER-4, APP-7): one object of another RPA, visible only while granted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hnap.access import restrict
from hnap.factories import ClosureDayFactory, DeadlineFactory
from hnap.grants import grant_object_access, grant_revoke, grants_expire
from hnap.models import RPA, ClosureDay, Deadline, ObjectGrant, User
from hnap.roles import Action, Role

pytestmark = pytest.mark.django_db


def visible(user: User, obj: Deadline | ClosureDay, action: Action = Action.VIEW) -> bool:
    """Whether `obj` is inside what `restrict` gives `user` (fresh user object: no cached memberships)."""
    fresh = User.objects.get(pk=user.pk)
    return restrict(type(obj).objects.all(), fresh, action).filter(pk=obj.pk).exists()


def answers(client: Client, obj: Deadline | ClosureDay) -> tuple[int, int]:
    """Status of the HTML detail page and of the API detail of `obj`."""
    name = "deadlines" if isinstance(obj, Deadline) else "closure-days"
    return client.get(f"/{name}/{obj.pk}/").status_code, client.get(f"/api/v1/{name}/{obj.pk}/").status_code


@pytest.fixture
def assessor(make_member: Callable[..., User], rpa_a: RPA) -> User:
    return make_member(Role.ASSESSOR, rpa=rpa_a)


@pytest.fixture
def b_deadlines(rpa_b: RPA) -> list[Deadline]:
    return [
        DeadlineFactory(rpa=rpa_b, title="Moderation visit at HLTA North"),
        DeadlineFactory(rpa=rpa_b, title="Another of HLTA North's deadlines"),
    ]


def test_a_grant_shows_one_object_of_another_rpa_and_nothing_else(
    assessor: User,
    b_deadlines: list[Deadline],
    make_member: Callable[..., User],
    rpa_a: RPA,
    client_for: Callable[[User], Client],
) -> None:
    """ASR-5: an assessor of RPA A allocated to a candidate of RPA B sees that one object, through
    restrict, the HTML detail page and the API detail, and nothing else of RPA B."""
    granted, other = b_deadlines
    client = client_for(assessor)
    assert not visible(assessor, granted)
    assert answers(client, granted) == (404, 404)

    grant = grant_object_access(user=assessor, obj=granted, reason="ASR-5 cross-RPA allocation")

    assert grant.permissions == ["view_deadline"]
    assert visible(assessor, granted)
    assert answers(client, granted) == (200, 200)
    assert granted.title in client.get(f"/deadlines/{granted.pk}/").content.decode()
    assert client.get(f"/api/v1/deadlines/{granted.pk}/").json()["title"] == granted.title
    # Only the one object, only the granted action, only for the grantee.
    assert not visible(assessor, other)
    assert answers(client, other) == (404, 404)
    assert not visible(assessor, granted, Action.CHANGE)
    colleague = make_member(Role.ASSESSOR, rpa=rpa_a)
    assert not visible(colleague, granted)
    assert answers(client_for(colleague), granted) == (404, 404)


def test_a_revoked_grant_answers_404_again(
    make_member: Callable[..., User], rpa_a: RPA, rpa_b: RPA, client_for: Callable[[User], Client]
) -> None:
    """PEER-4: a peer reviewer (here a senior assessor of RPA A, with two-factor) sees one closure day of
    RPA B while the review is open; when it closes, grant_revoke ends it and the object answers 404 again."""
    reviewer = make_member(Role.SENIOR_ASSESSOR, rpa=rpa_a)
    closure = ClosureDayFactory(rpa=rpa_b, reason="Peer review at HLTA North")
    client = client_for(reviewer)
    grant_object_access(user=reviewer, obj=closure, reason="PEER-4 peer review")
    assert visible(reviewer, closure)
    assert answers(client, closure) == (200, 200)

    assert grant_revoke(user=reviewer, obj=closure) == 1

    assert not visible(reviewer, closure)
    assert answers(client, closure) == (404, 404)
    assert ObjectGrant.objects.get(user=reviewer).revoked_at is not None


def test_an_expired_grant_ends_with_the_sweep(
    assessor: User, b_deadlines: list[Deadline], client_for: Callable[[User], Client]
) -> None:
    """APP-7: a review-panel member's grant on one appeal's record lasts until its expiry time; the
    periodic sweep (grants_expire) ends it then, and not before."""
    deadline = b_deadlines[0]
    client = client_for(assessor)
    expires_at = timezone.now() + timedelta(hours=1)
    grant_object_access(user=assessor, obj=deadline, reason="APP-7 review panel", expires_at=expires_at)

    assert grants_expire() == 0  # not yet
    assert answers(client, deadline) == (200, 200)

    assert grants_expire(now=expires_at + timedelta(seconds=1)) == 1

    assert not visible(assessor, deadline)
    assert answers(client, deadline) == (404, 404)
    assert grants_expire(now=expires_at + timedelta(days=1)) == 0  # ended once


def test_revoking_one_of_two_grants_keeps_the_other(assessor: User, b_deadlines: list[Deadline]) -> None:
    """ASR-5, APP-7: two live grants on the same object for different reasons; ending the expiring one
    leaves the object visible through the other."""
    deadline = b_deadlines[0]
    expires_at = timezone.now() + timedelta(hours=1)
    grant_object_access(user=assessor, obj=deadline, reason="APP-7 review panel", expires_at=expires_at)
    grant_object_access(user=assessor, obj=deadline, reason="ASR-5 cross-RPA allocation")

    assert grants_expire(now=expires_at + timedelta(seconds=1)) == 1

    assert visible(assessor, deadline)
    assert grant_revoke(user=assessor, obj=deadline) == 1
    assert not visible(assessor, deadline)
