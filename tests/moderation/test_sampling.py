"""Property tests of the sampling engine (MOD-3, MOD-4, ASR-2, SCR-3, MOD-7): pure functions, so Hypothesis can
throw thousands of months at them."""

from __future__ import annotations

import math
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from moderation.models import SampleReason
from moderation.sampling import (
    HEAVY_WEIGHT,
    FileFacts,
    coverage_proposals,
    mandatory_reasons,
    random_draw,
    random_share,
    sample_plan,
)

OUTCOMES = ["met", "not_met", "partial", "full"]


@st.composite
def cohorts(draw: st.DrawFn, max_size: int = 120) -> list[FileFacts]:
    """A month's cohort: unique ids, a few assessors and PoPs, outcomes mostly met, flags now and then."""
    ids = draw(st.lists(st.integers(1, 100_000), unique=True, max_size=max_size))
    assessors = draw(st.integers(1, 12))
    pops = draw(st.integers(1, 8))
    rare = st.sampled_from([False, False, False, True])
    return [
        FileFacts(
            id=file_id,
            assessor_id=draw(st.integers(1, assessors)),
            pop_id=draw(st.integers(1, pops)),
            recommended_outcome=draw(st.sampled_from([*OUTCOMES, *["met"] * 6])),
            resubmitted=draw(rare),
            full_reassessment=draw(rare),
            flagged_difficult=draw(rare),
            flagged_principle=draw(rare),
            first_solo=draw(rare),
            review_referred=draw(rare),
        )
        for file_id in ids
    ]


seeds = st.integers(0, 2**63 - 1)


@settings(max_examples=300, deadline=None)
@given(cohort=cohorts(), seed=seeds)
def test_mod3_asr2_scr3_every_mandatory_file_is_always_in_the_sample_with_every_reason(
    cohort: list[FileFacts], seed: int
) -> None:
    plan = sample_plan(cohort=cohort, seed=seed)
    for facts in cohort:
        reasons = mandatory_reasons(facts)
        if reasons:
            assert facts.id in plan
            assert plan[facts.id][: len(reasons)] == reasons
        if facts.recommended_outcome in ("not_met", "partial", "full") or facts.first_solo:
            assert facts.id in plan
        if facts.flagged_difficult or facts.flagged_principle or facts.resubmitted:
            assert facts.id in plan


@settings(max_examples=300, deadline=None)
@given(cohort=cohorts(), seed=seeds)
def test_mod3_the_random_share_is_never_below_5_percent_of_met_rounded_up_and_at_least_one(
    cohort: list[FileFacts], seed: int
) -> None:
    plan = sample_plan(cohort=cohort, seed=seed)
    met = [f for f in cohort if f.met]
    drawn = [file_id for file_id, reasons in plan.items() if SampleReason.RANDOM in reasons]
    assert len(drawn) >= math.ceil(len(met) * 5 / 100)
    assert len(drawn) == random_share(len(met))
    if met:
        assert drawn, "at least one where any met file exists"
    assert set(drawn) <= {f.id for f in met}, "the draw is from the met files only"


@settings(max_examples=200, deadline=None)
@given(cohort=cohorts(), seed=seeds, shuffle_seed=st.integers())
def test_mod3_the_same_seed_gives_the_same_sample_whatever_order_the_files_come_in(
    cohort: list[FileFacts], seed: int, shuffle_seed: int
) -> None:
    shuffled = list(cohort)
    random.Random(shuffle_seed).shuffle(shuffled)
    assert sample_plan(cohort=shuffled, seed=seed) == sample_plan(cohort=cohort, seed=seed)
    population = [f.id for f in cohort if f.met]
    assert random_draw(population=population, seed=seed) == random_draw(population=population[::-1], seed=seed)


@given(met=st.integers(0, 5_000))
def test_mod3_the_share_is_5_percent_rounded_up(met: int) -> None:
    share = random_share(met)
    assert share == (0 if met == 0 else max(1, math.ceil(met / 20)))
    assert share <= met


@settings(max_examples=300, deadline=None)
@given(
    cohort=cohorts(),
    data=st.data(),
)
def test_mod4_the_coverage_proposal_includes_every_uncovered_assessor_and_pop_the_month_can_cover(
    cohort: list[FileFacts], data: st.DataObject
) -> None:
    ids = [f.id for f in cohort]
    sampled = set(data.draw(st.lists(st.sampled_from(ids), unique=True)) if ids else [])
    assessors = sorted({f.assessor_id for f in cohort})
    pops = sorted({f.pop_id for f in cohort})
    covered_assessors = set(data.draw(st.lists(st.sampled_from(assessors), unique=True)) if assessors else [])
    covered_pops = set(data.draw(st.lists(st.sampled_from(pops), unique=True)) if pops else [])
    weights = {a: data.draw(st.integers(0, 6)) for a in assessors}
    proposals = coverage_proposals(
        cohort=cohort,
        sampled_ids=sampled,
        covered_assessors=covered_assessors,
        covered_pops=covered_pops,
        weights=weights,
    )
    proposed = {p.file_id for p in proposals}
    by_id = {f.id: f for f in cohort}
    assert len(proposed) == len(proposals), "a file is proposed once"
    assert not proposed & sampled and proposed <= set(ids)
    after = sampled | proposed
    # Every assessor and every PoP of the month is covered once the proposals are added.
    assert {by_id[i].assessor_id for i in after} | covered_assessors == set(assessors)
    assert {by_id[i].pop_id for i in after} | covered_pops == set(pops)
    # Heavily weighted assessors (new, or with past difficulties) have a file in every sample they can.
    for assessor in assessors:
        if weights[assessor] >= HEAVY_WEIGHT:
            assert any(by_id[i].assessor_id == assessor for i in after)
    for proposal in proposals:
        assert proposal.reasons
        assert set(proposal.reasons) <= {
            SampleReason.COVERAGE_ASSESSOR,
            SampleReason.COVERAGE_POP,
            SampleReason.COVERAGE_WEIGHTED,
        }


def test_mod4_nothing_is_proposed_when_everyone_is_covered() -> None:
    cohort = [FileFacts(id=n, assessor_id=n % 3, pop_id=n % 2, recommended_outcome="met") for n in range(1, 30)]
    assert coverage_proposals(cohort=cohort, sampled_ids=[], covered_assessors=[0, 1, 2], covered_pops=[0, 1]) == []


def test_mod4_one_file_covering_an_assessor_and_a_pop_is_preferred() -> None:
    cohort = [
        FileFacts(id=1, assessor_id=1, pop_id=1, recommended_outcome="met"),
        FileFacts(id=2, assessor_id=2, pop_id=2, recommended_outcome="met"),
        FileFacts(id=3, assessor_id=2, pop_id=1, recommended_outcome="met"),
    ]
    proposals = coverage_proposals(cohort=cohort, sampled_ids=[], covered_assessors=[1], covered_pops=[2])
    assert [(p.file_id, p.reasons) for p in proposals] == [(3, ["coverage_assessor", "coverage_pop"])]
