import pytest

from candidates.models import CandidateStatus
from candidates.selectors import candidate_is_ready_for_allocation

pytestmark = pytest.mark.django_db


def test_whole_path(registered_candidate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        candidate = registered_candidate()
    assert candidate.status == CandidateStatus.REGISTERED
    assert candidate_is_ready_for_allocation(candidate=candidate)
