"""The sampling engine (MOD-3, MOD-4, ASR-2, SCR-3) as pure functions over plain facts: no database, so the rules
can be proven by property tests and the same inputs always give the same sample.

- `mandatory_reasons`: why a file must be moderated whatever else happens (an empty list: it need not be).
- `random_draw`: the peer reviewer's reproducible draw of at least 5% (rounded up, at least one) of the met files:
  `random.Random(seed)` over the population in ascending id order, so the stored seed and population give the same
  files on every re-run.
- `coverage_proposals`: the files to add so that, over the year, every assessor and every PoP is sampled (MOD-4),
  new assessors and those with past difficulties more heavily.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from moderation.models import RANDOM_SHARE_PERCENT, SampleReason

# MOD-4: an assessor whose weight reaches this is sampled at every event where they have a file, covered or not.
HEAVY_WEIGHT = 3
# MOD-4 weights: a new assessor (fewer files before the year than NEW_ASSESSOR_FILES), each past overturn, each
# quality action.
NEW_ASSESSOR_WEIGHT = 3
OVERTURN_WEIGHT = 2
QUALITY_ACTION_WEIGHT = 2


@dataclass(frozen=True)
class FileFacts:
    """What the sampling rules need to know about one file of the cohort."""

    id: int
    assessor_id: int
    pop_id: int
    recommended_outcome: str
    resubmitted: bool = False
    full_reassessment: bool = False
    flagged_difficult: bool = False
    flagged_principle: bool = False
    first_solo: bool = False
    review_referred: bool = False

    @property
    def met(self) -> bool:
        return self.recommended_outcome == "met"


def mandatory_reasons(facts: FileFacts) -> list[str]:
    """MOD-3, ASR-2, SCR-3, MOD-7: every reason this file is always sampled, most pressing first."""
    reasons = []
    if facts.recommended_outcome == "not_met":
        reasons.append(SampleReason.NOT_MET.value)
    if facts.recommended_outcome == "partial":
        reasons.append(SampleReason.PARTIAL.value)
    if facts.recommended_outcome == "full" or facts.full_reassessment:
        reasons.append(SampleReason.FULL_REASSESSMENT.value)
    if facts.resubmitted:
        reasons.append(SampleReason.RESUBMITTED.value)
    if facts.flagged_difficult:
        reasons.append(SampleReason.DIFFICULT.value)
    if facts.flagged_principle:
        reasons.append(SampleReason.PRINCIPLE.value)
    if facts.first_solo:
        reasons.append(SampleReason.FIRST_SOLO.value)
    if facts.review_referred:
        reasons.append(SampleReason.REVIEW.value)
    return reasons


def random_share(met_count: int, percent: int = RANDOM_SHARE_PERCENT) -> int:
    """MOD-3: how many met files the draw takes: `percent` of them rounded up, at least one where any exist."""
    if met_count <= 0:
        return 0
    return min(met_count, max(1, math.ceil(met_count * percent / 100)))


def random_draw(*, population: Sequence[int], seed: int, percent: int = RANDOM_SHARE_PERCENT) -> list[int]:
    """MOD-3: the reproducible random draw: the same population (in any order) and seed give the same ids."""
    ordered = sorted(set(population))
    return random.Random(seed).sample(ordered, random_share(len(ordered), percent))


def assessor_weight(
    *, earlier_files: int, overturns: int, quality_actions: int, new_below: int
) -> tuple[int, list[str]]:
    """MOD-4: how heavily an assessor should be sampled, and why (0: no more than anyone else)."""
    weight, why = 0, []
    if earlier_files < new_below:
        weight += NEW_ASSESSOR_WEIGHT
        why.append(f"new assessor ({earlier_files} files before this year)")
    if overturns:
        weight += OVERTURN_WEIGHT * overturns
        why.append(f"{overturns} outcome{'s' if overturns != 1 else ''} overturned")
    if quality_actions:
        weight += QUALITY_ACTION_WEIGHT * quality_actions
        why.append(f"{quality_actions} quality action{'s' if quality_actions != 1 else ''}")
    return weight, why


@dataclass
class Proposal:
    """A file the engine proposes to add to an event's sample, and why."""

    file_id: int
    assessor_id: int
    pop_id: int
    reasons: list[str] = field(default_factory=list)


def coverage_proposals(
    *,
    cohort: Iterable[FileFacts],
    sampled_ids: Iterable[int],
    covered_assessors: Iterable[int],
    covered_pops: Iterable[int],
    weights: dict[int, int] | None = None,
) -> list[Proposal]:
    """MOD-4: files of this event's cohort, not yet sampled, that close the year's gap: one for every assessor and
    every PoP not yet covered this year (a file covering both preferred, then the heavier-weighted assessor), then
    one for every heavily weighted assessor (new, or with past difficulties) with nothing in this sample yet.
    Deterministic: ties go to the lower file id."""
    weights = weights or {}
    files = sorted(cohort, key=lambda f: f.id)
    sampled = set(sampled_ids)
    in_sample_assessors = {f.assessor_id for f in files if f.id in sampled}
    in_sample_pops = {f.pop_id for f in files if f.id in sampled}
    need_assessors = {f.assessor_id for f in files} - set(covered_assessors) - in_sample_assessors
    need_pops = {f.pop_id for f in files} - set(covered_pops) - in_sample_pops
    available = [f for f in files if f.id not in sampled]
    proposals: list[Proposal] = []
    chosen: set[int] = set()
    while need_assessors or need_pops:
        best, best_key = None, None
        for facts in available:
            if facts.id in chosen:
                continue
            gain = (facts.assessor_id in need_assessors) + (facts.pop_id in need_pops)
            if not gain:
                continue
            key = (gain, weights.get(facts.assessor_id, 0), -facts.id)
            if best_key is None or key > best_key:
                best, best_key = facts, key
        if best is None:
            break  # what is left has no file in this cohort: a later event must cover it
        reasons = []
        if best.assessor_id in need_assessors:
            reasons.append(SampleReason.COVERAGE_ASSESSOR.value)
            need_assessors.discard(best.assessor_id)
        if best.pop_id in need_pops:
            reasons.append(SampleReason.COVERAGE_POP.value)
            need_pops.discard(best.pop_id)
        chosen.add(best.id)
        proposals.append(Proposal(best.id, best.assessor_id, best.pop_id, reasons))
    with_file = in_sample_assessors | {p.assessor_id for p in proposals}
    for facts in available:
        heavy = weights.get(facts.assessor_id, 0) >= HEAVY_WEIGHT
        if heavy and facts.assessor_id not in with_file and facts.id not in chosen:
            with_file.add(facts.assessor_id)
            chosen.add(facts.id)
            proposals.append(
                Proposal(facts.id, facts.assessor_id, facts.pop_id, [SampleReason.COVERAGE_WEIGHTED.value])
            )
    return proposals


def sample_plan(*, cohort: Iterable[FileFacts], seed: int, percent: int = RANDOM_SHARE_PERCENT) -> dict[int, list[str]]:
    """MOD-3: a month's whole sample at once (file id -> reasons): every mandatory file with its reasons, and the
    random draw of the met files (a drawn file already mandatory gains "random"). The services apply the same two
    steps at their own moments (mandatory files when the event opens, the draw when the peer reviewer makes it)."""
    files = list(cohort)
    plan = {f.id: reasons for f in files if (reasons := mandatory_reasons(f))}
    for file_id in random_draw(population=[f.id for f in files if f.met], seed=seed, percent=percent):
        plan[file_id] = [*plan.get(file_id, []), SampleReason.RANDOM.value]
    return plan
