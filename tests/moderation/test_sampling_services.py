"""The sampler's properties hold through the services and the database too (MOD-3, ASR-2, SCR-3): a generated month
is opened, the peer reviewer draws, and the stored sample is checked against the rules."""

from __future__ import annotations

import math
from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.factories import AssessorFactory
from hnap.models import RPA
from hnap.roles import Role
from moderation import services as ms
from moderation.factories import (
    ModerationEventFactory,
    PeerReviewNominationFactory,
    PeerReviewPairingFactory,
    cohort_file,
)
from moderation.models import SampleEntry, SampleReason
from moderation.selectors import draw_reproduce

pytestmark = pytest.mark.django_db

files = st.lists(
    st.fixed_dictionaries(
        {
            "outcome": st.sampled_from(["met", "met", "met", "not_met", "partial", "full"]),
            "first_solo": st.sampled_from([False, False, True]),
            "flagged_difficult": st.sampled_from([False, False, False, True]),
            "flagged_principle": st.sampled_from([False, False, False, True]),
            "resubmitted": st.sampled_from([False, False, False, True]),
        }
    ),
    max_size=7,
)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=files, seed=st.integers(0, 2**63 - 1))
def test_mod3_asr2_scr3_the_stored_sample_keeps_every_rule_and_replays(
    rpa_a: RPA, rpa_b: RPA, make_member: Any, specs: list[dict[str, Any]], seed: int
) -> None:
    with transaction.atomic():
        PeerReviewPairingFactory(rpa=rpa_a, reviewer_rpa=rpa_b)
        reviewer = make_member(Role.ASSESSOR, rpa=rpa_b)
        PeerReviewNominationFactory(
            rpa=rpa_b, reviewed_rpa=rpa_a, reviewer=reviewer, deputy=make_member(Role.ASSESSOR, rpa=rpa_b)
        )
        assessor = AssessorFactory(rpa=rpa_a)
        made = [cohort_file(rpa=rpa_a, assessor=assessor, **spec) for spec in specs]
        event = ms.event_open(event=ModerationEventFactory(rpa=rpa_a), acting_user=None)
        event = ms.peer_review_open(event=event, acting_user=None)
        draw = ms.sample_draw(event=event, acting_user=reviewer, seed=seed)
        reasons = {e.file_id: e.reasons for e in SampleEntry.objects.filter(event=event)}
        for spec, file in zip(specs, made, strict=True):
            must = spec["outcome"] != "met" or any(spec[k] for k in spec if k != "outcome")
            assert (file.pk in reasons) or not must, (spec, reasons.get(file.pk))
        met = [f.pk for f, spec in zip(made, specs, strict=True) if spec["outcome"] == "met"]
        drawn = [pk for pk, r in reasons.items() if SampleReason.RANDOM in r]
        assert sorted(drawn) == sorted(draw.drawn) and set(drawn) <= set(met)
        assert len(drawn) == (max(1, math.ceil(len(met) / 20)) if met else 0)
        assert draw_reproduce(draw=draw) == draw.drawn
        transaction.set_rollback(True)
