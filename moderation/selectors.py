"""Reads of moderation: an event's cohort and sample with reasons (MOD-1, MOD-3), the facts the sampling engine reads,
the yearly coverage and its proposals (MOD-4), what blocks closing (MOD-7, MOD-12), decisions awaiting a second
moderator (MOD-6), moderators (MOD-2) and peer review (PEER-1, PEER-2, PEER-4). Each in a fixed number of queries
whatever the size of the month or the year."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from assessments.file_selectors import NEW_ASSESSOR_FILES, month_start
from assessments.models import AssessmentFile, Assessor, FileState, Outcome, QualityAction, Result
from hnap.models import RPA, PreparationProvider, User
from moderation.models import (
    DecisionState,
    EventState,
    ModerationDecision,
    ModerationEvent,
    Moderator,
    PeerReviewNomination,
    PeerReviewPairing,
    ReviewOutcome,
    ReviewPending,
    ReviewState,
    SampleDraw,
    SampleEntry,
    SampleOrigin,
    SampleReason,
    Verdict,
)
from moderation.sampling import (
    FileFacts,
    Proposal,
    assessor_weight,
    coverage_proposals,
    mandatory_reasons,
    random_draw,
)

MODERATABLE = Q(state=FileState.ACCEPTED) | Q(state=FileState.SUBMITTED, was_returned=False)
# Verdicts that change a file's outcome (MOD-6, MOD-8): they count as past difficulties of the assessor (MOD-4).
CHANGING_VERDICTS = (Verdict.OVERTURN, Verdict.PROCESS_LACKING)


# --- the cohort and the sample ----------------------------------------------------------------------------


def event_cohort(*, event: ModerationEvent) -> QuerySet[AssessmentFile]:
    """MOD-1, SCR-1: the files this event moderates: the cycle's files that can be moderated, and files of earlier
    cycles still without a confirmed outcome (returned and since accepted, or referred by an RPA review), except
    those in another event still open."""
    elsewhere = SampleEntry.objects.filter(event__state=EventState.OPEN).exclude(event=event).values("file")
    return (
        AssessmentFile.objects.filter(rpa_id=event.rpa_id, cycle_month__lte=event.month, result__isnull=True)
        .filter(MODERATABLE)
        .exclude(pk__in=elsewhere)
    )


def cohort_facts(*, files: QuerySet[AssessmentFile]) -> list[FileFacts]:
    """What the sampling rules read about each file, in one query: the outcome, resubmission, a reassessment after a
    full or partial outcome, the scrutiny flags, the first solo (ASR-2), a referral by an RPA review (MOD-7)."""
    earlier = (
        Result.objects.filter(candidate_id=OuterRef("candidate_id"))
        .exclude(file_id=OuterRef("pk"))
        .order_by("-confirmed_at", "-pk")
        .values("outcome")[:1]
    )
    referred = ReviewPending.objects.filter(
        file_id=OuterRef("pk"), state=ReviewState.REVIEWED, outcome=ReviewOutcome.MODERATE
    )
    rows = (
        files.order_by("pk")
        .annotate(earlier_outcome=Subquery(earlier), referred=Exists(referred))
        .values_list(
            "pk",
            "assessor_id",
            "candidate__pop_id",
            "recommended_outcome",
            "resubmitted",
            "is_reassessment",
            "earlier_outcome",
            "flagged_difficult",
            "flagged_principle",
            "assessment__is_first_solo",
            "referred",
        )
    )
    return [
        FileFacts(
            id=pk,
            assessor_id=assessor_id,
            pop_id=pop_id,
            recommended_outcome=outcome,
            resubmitted=resubmitted or (again and earlier_outcome == Outcome.PARTIAL),
            full_reassessment=again and earlier_outcome == Outcome.FULL,
            flagged_difficult=difficult,
            flagged_principle=principle,
            first_solo=first_solo,
            review_referred=referred_flag,
        )
        for (
            pk,
            assessor_id,
            pop_id,
            outcome,
            resubmitted,
            again,
            earlier_outcome,
            difficult,
            principle,
            first_solo,
            referred_flag,
        ) in rows
    ]


# The order a sample is shown in: the reasons that matter most first.
_REASON_ORDER = {code: n for n, code in enumerate(SampleReason.values)}


def event_sample(*, event: ModerationEvent) -> list[SampleEntry]:
    """MOD-3: the event's sample with each file, its candidate, PoP, assessor and decision (three queries), the
    mandatory files first by the most pressing reason, then the draw, then coverage additions."""
    entries = list(
        SampleEntry.objects.filter(event=event)
        .select_related(
            "file__candidate__pop",
            "file__assessor__user",
            "file__assessment",
            "decision__moderator__user",
            "decision__second_moderator__user",
            "decision__result",
        )
        .annotate(
            review_pending=Exists(ReviewPending.objects.filter(file_id=OuterRef("file_id"), state=ReviewState.PENDING))
        )
    )
    origin_order = {SampleOrigin.MANDATORY: 0, SampleOrigin.RANDOM: 1, SampleOrigin.COVERAGE: 2}
    entries.sort(
        key=lambda e: (
            origin_order.get(e.origin, 3),
            min((_REASON_ORDER.get(r, 99) for r in e.reasons), default=99),
            e.file.candidate.full_name,
            e.pk,
        )
    )
    return entries


def entry_decision(entry: SampleEntry) -> ModerationDecision | None:
    """The entry's decision, or None (without raising when there is none)."""
    try:
        return entry.decision
    except ModerationDecision.DoesNotExist:
        return None


def draw_reproduce(*, draw: SampleDraw) -> list[int]:
    """MOD-3: re-run a stored draw from its seed and population: anyone can check it gives the same files."""
    return random_draw(population=draw.population, seed=draw.seed, percent=draw.share_percent)


def file_review_pending(*, file: AssessmentFile) -> bool:
    """MOD-7: the file awaits the RPA's separate review before its outcome can be confirmed."""
    return ReviewPending.objects.filter(file=file, state=ReviewState.PENDING).exists()


@dataclass
class EventSummary:
    """Where an event stands: the counts its page shows and what still blocks closing it (MOD-12)."""

    cohort: int = 0
    sampled: int = 0
    mandatory: int = 0
    random: int = 0
    coverage: int = 0
    decided: int = 0
    awaiting_second: int = 0
    overturns: int = 0
    review_pending: int = 0
    returned: int = 0
    undecided: list[str] = field(default_factory=list)  # candidates' names still to be decided
    missing_mandatory: int = 0  # files that must be moderated and joined the cohort since the event opened
    blockers: list[str] = field(default_factory=list)

    @property
    def can_close(self) -> bool:
        return not self.blockers


def event_summary(*, event: ModerationEvent) -> EventSummary:
    """MOD-12: the event in numbers and what still blocks closing it: every sampled file is decided (confirmed)
    except those review pending (MOD-7) or returned to their assessor (MOD-8)."""
    summary = EventSummary()
    entries = event_sample(event=event)
    summary.cohort = event.cohort_size if event.state == EventState.CLOSED else event_cohort(event=event).count()
    summary.sampled = len(entries)
    for entry in entries:
        summary.mandatory += entry.origin == SampleOrigin.MANDATORY
        summary.random += SampleReason.RANDOM in entry.reasons
        summary.coverage += entry.origin == SampleOrigin.COVERAGE
        decision = entry_decision(entry)
        pending = entry.review_pending  # type: ignore[attr-defined]
        returned = entry.file.state == FileState.RETURNED
        summary.review_pending += pending
        summary.returned += returned
        if decision is not None and decision.state == DecisionState.CONFIRMED:
            summary.decided += 1
            summary.overturns += decision.verdict in CHANGING_VERDICTS
        elif not pending and not returned:
            summary.undecided.append(entry.file.candidate.full_name)
            if decision is not None and decision.state == DecisionState.AWAITING_SECOND:
                summary.awaiting_second += 1
    if event.state == EventState.OPEN:
        sampled = {e.file_id for e in entries}
        summary.missing_mandatory = sum(
            1 for f in cohort_facts(files=event_cohort(event=event)) if f.id not in sampled and mandatory_reasons(f)
        )
    else:
        summary.blockers.append(f"The event is {event.get_state_display().lower()}.")
    if summary.missing_mandatory:
        n = summary.missing_mandatory
        summary.blockers.append(
            f"{n} file{'s' if n != 1 else ''} that must be moderated joined the cohort since the event opened: "
            "refresh the sample to add them."
        )
    if summary.undecided:
        summary.blockers.append(
            f"{len(summary.undecided)} sampled file{'s are' if len(summary.undecided) != 1 else ' is'} still to be "
            f"decided: {', '.join(summary.undecided[:10])}{' and others' if len(summary.undecided) > 10 else ''}."
        )
    return summary


@dataclass
class ClosePreview:
    """MOD-12: what closing the event will do: sampled files confirmed through moderation (with their outcome),
    files outside the sample to be confirmed as recommended, and what stays unconfirmed and why."""

    confirm_sampled: list[tuple[AssessmentFile, str]] = field(default_factory=list)
    confirm_unsampled: list[AssessmentFile] = field(default_factory=list)
    blocked: list[tuple[AssessmentFile, str]] = field(default_factory=list)


def event_close_preview(*, event: ModerationEvent) -> ClosePreview:
    """MOD-12, MOD-7, MOD-8: the close page's preview, in five queries whatever the size of the cohort."""
    preview = ClosePreview()
    entries = event_sample(event=event)
    for entry in entries:
        file, decision = entry.file, entry_decision(entry)
        if entry.review_pending:  # type: ignore[attr-defined]
            preview.blocked.append((file, "review pending: it waits for the RPA's separate review (MOD-7)"))
        elif file.state == FileState.RETURNED:
            preview.blocked.append((file, "returned to its assessor to complete the records (MOD-8)"))
        elif decision is not None and decision.state == DecisionState.CONFIRMED and decision.result is not None:
            preview.confirm_sampled.append((file, Outcome(decision.result.outcome).label))
        elif decision is not None and decision.state == DecisionState.AWAITING_SECOND:
            preview.blocked.append((file, "the decision waits for a second moderator (MOD-6)"))
        else:
            preview.blocked.append((file, "not yet decided"))
    if event.state != EventState.OPEN:
        return preview
    pending = ReviewPending.objects.filter(file_id=OuterRef("pk"), state=ReviewState.PENDING)
    unsampled = (
        event_cohort(event=event)
        .exclude(pk__in=[e.file_id for e in entries])
        .select_related("candidate", "assessor__user")
        .annotate(review_pending=Exists(pending))
        .order_by("candidate__last_name", "candidate__first_name", "pk")
    )
    for file in unsampled:
        if file.review_pending:  # type: ignore[attr-defined]
            preview.blocked.append((file, "review pending: it waits for the RPA's separate review (MOD-7)"))
        else:
            preview.confirm_unsampled.append(file)
    return preview


# --- decisions, reviews, moderators ------------------------------------------------------------------------


def decisions_awaiting_second(*, decisions: QuerySet[ModerationDecision]) -> QuerySet[ModerationDecision]:
    """MOD-6, MOD-2: the decisions (of the caller's readable ones) waiting for a second moderator."""
    return (
        decisions.filter(state=DecisionState.AWAITING_SECOND)
        .select_related("entry__event", "file__candidate", "file__assessor__user", "moderator__user")
        .order_by("decided_at", "pk")
    )


def review_pending_list(*, flags: QuerySet[ReviewPending]) -> QuerySet[ReviewPending]:
    """MOD-7: the review-pending files (of the caller's readable flags), oldest first, with what caused each."""
    return (
        flags.filter(state=ReviewState.PENDING)
        .select_related(
            "file__candidate", "file__assessor__user", "caused_by__file__candidate", "caused_by__entry__event"
        )
        .order_by("flagged_at", "pk")
    )


def moderator_for(*, user: Any, rpa_id: int) -> Moderator | None:
    """The user's active moderator entry in the RPA, if any (MOD-1)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Moderator.objects.filter(user_id=user.pk, rpa_id=rpa_id, active=True).first()


def rpa_staff(*, rpa_id: int) -> QuerySet[User]:
    """The active people who hold a staff role in the RPA (who may be named its peer reviewer or deputy, PEER-1)."""
    return (
        User.objects.filter(memberships__rpa_id=rpa_id, is_active=True)
        .exclude(memberships__role="candidate")
        .distinct()
        .order_by("full_name", "email")
    )


def moderator_candidates(*, rpa: RPA) -> QuerySet[User]:
    """MOD-1: the active people on the RPA's assessor register who are not yet its moderators, by name."""
    return (
        User.objects.filter(assessor_entries__rpa=rpa, is_active=True)
        .exclude(moderator_entries__rpa=rpa)
        .distinct()
        .order_by("full_name", "email")
    )


def process_lacking_exclusions(*, user_ids: list[int]) -> dict[int, set[int]]:
    """MOD-8: candidate id -> the users (among `user_ids`) whose assessment of that candidate the moderators judged
    process-lacking: the full reassessment is by another assessor (one query)."""
    excluded: dict[int, set[int]] = {}
    rows = ModerationDecision.objects.filter(
        verdict=Verdict.PROCESS_LACKING, state=DecisionState.CONFIRMED, file__assessor__user_id__in=user_ids
    ).values_list("file__candidate_id", "file__assessor__user_id")
    for candidate_id, user_id in rows:
        excluded.setdefault(candidate_id, set()).add(user_id)
    return excluded


def assessor_changed_outcomes(*, event: ModerationEvent, assessor: Assessor) -> list[ModerationDecision]:
    """MOD-9: the confirmed decisions of this event that changed the outcome of one of the assessor's files."""
    return list(
        ModerationDecision.objects.filter(
            entry__event=event,
            file__assessor=assessor,
            state=DecisionState.CONFIRMED,
            verdict__in=CHANGING_VERDICTS,
        ).select_related("file__candidate")
    )


# --- peer review (PEER-1, PEER-2, PEER-4) -----------------------------------------------------------------


def pairing_for(*, rpa: RPA, month: date) -> PeerReviewPairing | None:
    """PEER-2: the pairing that says who peer-reviews `rpa` in the month."""
    day = month_start(month)
    return (
        PeerReviewPairing.objects.filter(rpa=rpa, period_start__lte=day, period_end__gte=day)
        .select_related("reviewer_rpa")
        .first()
    )


def pairing_previous(*, rpa: RPA, period_start: date) -> PeerReviewPairing | None:
    """PEER-2: the reviewed RPA's pairing for the period just before `period_start` (a repeat is warned about)."""
    return (
        PeerReviewPairing.objects.filter(rpa=rpa, period_start__lt=month_start(period_start))
        .select_related("reviewer_rpa")
        .order_by("-period_start")
        .first()
    )


def nomination_for(*, reviewed_rpa: RPA, month: date) -> PeerReviewNomination | None:
    """PEER-1: the peer reviewer and deputy nominated for the RPA's event of the month by the RPA that reviews it
    under that month's pairing."""
    pairing = pairing_for(rpa=reviewed_rpa, month=month)
    if pairing is None:
        return None
    return (
        PeerReviewNomination.objects.filter(
            rpa=pairing.reviewer_rpa, reviewed_rpa=reviewed_rpa, month=month_start(month)
        )
        .select_related("reviewer", "deputy")
        .first()
    )


def peer_review_events(*, user: User) -> QuerySet[ModerationEvent]:
    """PEER-4: the events whose review is open for this user as peer reviewer or deputy."""
    return ModerationEvent.objects.filter(
        Q(peer_reviewer=user) | Q(peer_deputy=user),
        state=EventState.OPEN,
        review_opened_at__isnull=False,
        review_closed_at__isnull=True,
    ).select_related("rpa")


# --- yearly coverage (MOD-4) -----------------------------------------------------------------------------


def coverage_year(*, month: date) -> tuple[date, date]:
    """The moderation year a month belongs to (the calendar year)."""
    return date(month.year, 1, 1), date(month.year, 12, 31)


@dataclass
class CoverageRow:
    """One assessor or PoP over the year to date: files, files sampled, weight (assessors) and why."""

    id: int
    name: str
    files: int
    sampled: int
    weight: int = 0
    why: list[str] = field(default_factory=list)

    @property
    def covered(self) -> bool:
        return self.sampled > 0


@dataclass
class Coverage:
    """MOD-4: who has been sampled this year and who not yet, and how close the year is to its end."""

    month: date
    year_start: date
    year_end: date
    events_held: int
    events_left: int
    assessors: list[CoverageRow]
    pops: list[CoverageRow]

    @property
    def uncovered_assessors(self) -> list[CoverageRow]:
        return [r for r in self.assessors if not r.covered]

    @property
    def uncovered_pops(self) -> list[CoverageRow]:
        return [r for r in self.pops if not r.covered]

    @property
    def weights(self) -> dict[int, int]:
        return {r.id: r.weight for r in self.assessors}


def coverage_for_year(*, rpa_id: int, month: date) -> Coverage:
    """MOD-4: for the year of `month` up to it, every assessor and PoP with files, how many were sampled, and each
    assessor's weight (new, overturns, quality actions); uncovered first, heaviest first. Six queries whatever the
    size of the year."""
    month = month_start(month)
    start, end = coverage_year(month=month)
    files = AssessmentFile.objects.filter(rpa_id=rpa_id, cycle_month__gte=start, cycle_month__lte=month).exclude(
        state=FileState.DRAFT
    )
    entries = SampleEntry.objects.filter(rpa_id=rpa_id, event__month__gte=start, event__month__lte=month)
    by_assessor = dict(files.values_list("assessor_id").annotate(n=Count("pk")).order_by())
    sampled_assessor = dict(
        entries.values_list("file__assessor_id").annotate(n=Count("file_id", distinct=True)).order_by()
    )
    by_pop = dict(files.values_list("candidate__pop_id").annotate(n=Count("pk")).order_by())
    sampled_pop = dict(
        entries.values_list("file__candidate__pop_id").annotate(n=Count("file_id", distinct=True)).order_by()
    )

    def count(queryset: QuerySet[Any]) -> Subquery:
        return Subquery(queryset.order_by().values("assessor").annotate(n=Count("pk")).values("n")[:1])

    assessors = (
        Assessor.objects.filter(pk__in=list(by_assessor))
        .select_related("user")
        .annotate(
            earlier_files=count(
                AssessmentFile.objects.filter(assessor=OuterRef("pk"), cycle_month__lt=start).exclude(
                    state=FileState.DRAFT
                )
            ),
            overturns=Subquery(
                ModerationDecision.objects.filter(
                    file__assessor=OuterRef("pk"), state=DecisionState.CONFIRMED, verdict__in=CHANGING_VERDICTS
                )
                .order_by()
                .values("file__assessor")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            actions=count(QualityAction.objects.filter(assessor=OuterRef("pk"))),
        )
    )
    rows = []
    for assessor in assessors:
        weight, why = assessor_weight(
            earlier_files=assessor.earlier_files or 0,  # type: ignore[attr-defined]
            overturns=assessor.overturns or 0,  # type: ignore[attr-defined]
            quality_actions=assessor.actions or 0,  # type: ignore[attr-defined]
            new_below=NEW_ASSESSOR_FILES,
        )
        rows.append(
            CoverageRow(
                id=assessor.pk,
                name=assessor.user.full_name,
                files=by_assessor.get(assessor.pk, 0),
                sampled=sampled_assessor.get(assessor.pk, 0),
                weight=weight,
                why=why,
            )
        )
    rows.sort(key=lambda r: (r.covered, -r.weight, r.name, r.id))
    pops = [
        CoverageRow(id=pop.pk, name=pop.name, files=by_pop.get(pop.pk, 0), sampled=sampled_pop.get(pop.pk, 0))
        for pop in PreparationProvider.objects.filter(pk__in=list(by_pop)).order_by("name", "pk")
    ]
    pops.sort(key=lambda r: (r.covered, r.name, r.id))
    held = ModerationEvent.objects.filter(
        rpa_id=rpa_id, month__gte=start, month__lte=month, state=EventState.CLOSED
    ).count()
    return Coverage(
        month=month,
        year_start=start,
        year_end=end,
        events_held=held,
        events_left=12 - month.month,
        assessors=rows,
        pops=pops,
    )


@dataclass
class CoverageProposal:
    """A file proposed for an event's sample to close the year's gap (MOD-4), with why in words."""

    file: AssessmentFile
    reasons: list[str]
    why: list[str]


def event_coverage_proposals(*, event: ModerationEvent, coverage: Coverage | None = None) -> list[CoverageProposal]:
    """MOD-4: the files of this event's cohort that the engine proposes adding to its sample, in a fixed number of
    queries: one per uncovered assessor and PoP who has a file here, then the heavily weighted assessors."""
    coverage = coverage or coverage_for_year(rpa_id=event.rpa_id, month=event.month)
    facts = cohort_facts(files=event_cohort(event=event))
    sampled = set(SampleEntry.objects.filter(event=event).values_list("file_id", flat=True))
    proposals: list[Proposal] = coverage_proposals(
        cohort=facts,
        sampled_ids=sampled,
        covered_assessors=[r.id for r in coverage.assessors if r.covered],
        covered_pops=[r.id for r in coverage.pops if r.covered],
        weights=coverage.weights,
    )
    files = AssessmentFile.objects.select_related("candidate__pop", "assessor__user").in_bulk(
        [p.file_id for p in proposals]
    )
    weights = {r.id: r for r in coverage.assessors}
    result = []
    for proposal in proposals:
        file = files[proposal.file_id]
        why = []
        if SampleReason.COVERAGE_ASSESSOR in proposal.reasons:
            why.append(f"{file.assessor.user.full_name} has not been sampled this year")
        if SampleReason.COVERAGE_POP in proposal.reasons:
            why.append(f"no candidate of {file.candidate.pop.name} has been sampled this year")
        if SampleReason.COVERAGE_WEIGHTED in proposal.reasons:
            row = weights.get(file.assessor_id)
            why.append(f"{file.assessor.user.full_name} is sampled more heavily: {', '.join(row.why if row else [])}")
        result.append(CoverageProposal(file=file, reasons=proposal.reasons, why=why))
    return result


def event_month_ended(*, event: ModerationEvent) -> bool:
    """Whether the cycle's month is over (its event can open)."""
    today = timezone.localdate()
    return (today.year, today.month) > (event.month.year, event.month.month)
