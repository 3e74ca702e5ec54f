"""Shared fixtures of the moderation tests: files in last month's cycle in a given state without going through every
upload (the file's own tests prove submission), moderators, a peer reviewer of the paired RPA, an event."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from assessments.models import AssessmentFile
from hnap.models import RPA, Membership, User
from hnap.roles import Role
from moderation.factories import (
    ModerationEventFactory,
    ModeratorFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    cohort_file,
)
from moderation.models import ModerationEvent, Moderator


def make_cohort_file(**fields: Any) -> AssessmentFile:
    """A file of last month's cycle, submitted once and accepted (see moderation.factories.cohort_file)."""
    return cohort_file(**fields)


@pytest.fixture
def moderator(db: None, rpa_a: RPA) -> Moderator:
    """A confirmed moderator of RPA A holding the moderator role."""
    return _moderator(rpa_a)


@pytest.fixture
def second_moderator(db: None, rpa_a: RPA) -> Moderator:
    return _moderator(rpa_a)


@pytest.fixture
def make_moderator(db: None) -> Callable[..., Moderator]:
    return _moderator


def _moderator(rpa: RPA, **fields: Any) -> Moderator:
    moderator = ModeratorFactory(rpa=rpa, **fields)
    Membership.objects.get_or_create(user=moderator.user, role=Role.MODERATOR, rpa=rpa)
    return moderator


@pytest.fixture
def peer(db: None, rpa_a: RPA, rpa_b: RPA, make_member: Callable[..., User]) -> tuple[User, User]:
    """RPA B peer-reviews RPA A this period; B's peer reviewer and deputy for last month."""
    PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
    reviewer = make_member(Role.ASSESSOR, rpa=rpa_b, full_name="Nora North")
    deputy = make_member(Role.ASSESSOR, rpa=rpa_b, full_name="Dev Deputy")
    PeerReviewNominationFactory(rpa=rpa_b, reviewed_rpa=rpa_a, reviewer=reviewer, deputy=deputy)
    return reviewer, deputy


@pytest.fixture
def event(db: None, rpa_a: RPA, moderator: Moderator) -> ModerationEvent:
    """RPA A's planned event for last month, led by the moderator."""
    return ModerationEventFactory(rpa=rpa_a, lead_moderator=moderator)
