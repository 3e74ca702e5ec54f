"""Reads of the assessments app: the ranked, explained assessor proposals for a candidate (in a fixed number of
queries whatever the size of the register), week counts against the cap, and bookings to reallocate."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from assessments.models import (
    WEEKLY_CAP,
    Assessment,
    AssessmentState,
    Assessor,
    AssessorStatus,
    Conflict,
    CPDEntry,
    TrainingRecord,
    TrainingTopic,
    Unavailability,
    week_start,
)
from candidates.models import Candidate
from hnap.models import Deadline

# Workload is balanced over this many weeks before the proposed week.
RECENT_WEEKS = 12


@dataclass
class Proposal:
    """One assessor for one candidate in one week: whether they can take it, why (not), and how busy they are."""

    assessor: Assessor
    eligible: bool
    same_rpa: bool
    week_count: int
    recent_count: int
    reasons: list[str] = field(default_factory=list)  # why not, when not eligible
    notes: list[str] = field(default_factory=list)  # why this rank, when eligible
    blocking: list[str] = field(default_factory=list)  # the reasons no override can lift (all but a full week)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated count (one subquery per row; joins would multiply the register by a year of bookings)."""
    return Coalesce(Subquery(queryset.order_by().values("assessor").annotate(n=Count("pk")).values("n")[:1]), Value(0))


def assessors_annotated(*, assessors: QuerySet[Assessor], monday: date) -> QuerySet[Assessor]:
    """Assessors with what allocation needs to know about them for a week, in one query."""
    booked = Assessment.objects.filter(assessor=OuterRef("pk"), state=AssessmentState.BOOKED)
    return assessors.select_related("user", "rpa").annotate(
        trained_topics=_count(TrainingRecord.objects.filter(assessor=OuterRef("pk"), topic__in=TrainingTopic.values)),
        week_count=_count(booked.filter(week_start=monday)),
        recent_count=_count(
            booked.filter(week_start__lt=monday, week_start__gte=monday - timedelta(weeks=RECENT_WEEKS))
        ),
        unavailable=Exists(Unavailability.objects.filter(assessor=OuterRef("pk"), week_start=monday)),
    )


def assessors_serving(*, rpa_ids: Iterable[int]) -> QuerySet[Assessor]:
    """Every assessor who could ever assess for these RPAs: their own registers, and assessors of other RPAs who
    opted in to assess for them (ASR-5, RISK-1). Never anyone outside the Partnership."""
    ids = list(rpa_ids)
    return Assessor.objects.filter(Q(rpa_id__in=ids) | Q(willing_rpas__in=ids)).distinct()


def assessor_pool(*, candidate: Candidate) -> QuerySet[Assessor]:
    """Every assessor who could ever assess for the candidate's RPA."""
    return assessors_serving(rpa_ids=[candidate.rpa_id])


def assessment_window(*, candidate: Candidate) -> tuple[date, date]:
    """ASM-1: the first and last day of the RPA's window after the candidate's final preparation session."""
    final = candidate.course.final_session
    rpa = candidate.rpa
    return final + timedelta(weeks=rpa.assessment_window_min_weeks), final + timedelta(
        weeks=rpa.assessment_window_max_weeks
    )


def assessment_tasks_deadline(*, assessment: Assessment) -> Deadline | None:
    """ASM-2: the latest deadline set for the candidate's written tasks to reach the assessor."""
    from assessments.services import TASKS_DEADLINE_KIND

    return (
        Deadline.objects.filter(
            kind=TASKS_DEADLINE_KIND,
            content_type=ContentType.objects.get_for_model(Assessment),
            object_id=assessment.pk,
        )
        .order_by("-created_at", "-pk")
        .first()
    )


@dataclass
class Register:
    """A pool of assessors as they stand in one week, and their declared conflicts: what ranking needs, loaded once
    (two queries) so that a whole cohort can be ranked against it."""

    rows: list[Any]  # Assessor rows annotated by assessors_annotated
    conflicts: dict[int, tuple[set[int], set[int]]]  # assessor id -> (school ids, PoP ids)
    # candidate id -> the users whose assessment of that candidate moderators judged process-lacking (MOD-8): the
    # full reassessment is by another assessor.
    excluded: dict[int, set[int]] = field(default_factory=dict)


def register_for_week(*, pool: QuerySet[Assessor], monday: date) -> Register:
    """Load a pool for ranking."""
    rows = list(assessors_annotated(assessors=pool, monday=monday))
    conflicts: dict[int, tuple[set[int], set[int]]] = {row.pk: (set(), set()) for row in rows}
    for assessor_id, school_id, pop_id in Conflict.objects.filter(assessor__in=[r.pk for r in rows]).values_list(
        "assessor_id", "school_id", "pop_id"
    ):
        schools, pops = conflicts[assessor_id]
        if school_id:
            schools.add(school_id)
        if pop_id:
            pops.add(pop_id)
    from moderation.selectors import process_lacking_exclusions

    excluded = process_lacking_exclusions(user_ids=[row.user_id for row in rows])
    return Register(rows=rows, conflicts=conflicts, excluded=excluded)


def proposals_rank(*, register: Register, candidate: Candidate) -> list[Proposal]:
    """Rank a loaded register for one candidate: those who can take the candidate first (same RPA before other RPAs,
    then the least busy that week and recently), then those who cannot, each with the reasons."""
    proposals = []
    for assessor in register.rows:
        schools, pops = register.conflicts.get(assessor.pk, (set(), set()))
        reasons = []
        if assessor.status != AssessorStatus.ACTIVE:
            reasons.append(assessor.get_status_display())
        if assessor.trained_topics < len(TrainingTopic.values):
            reasons.append(f"initial training not complete ({assessor.trained_topics} of {len(TrainingTopic.values)})")
        if candidate.school_id in schools:
            reasons.append("declared a connection with the candidate's school")
        if candidate.pop_id in pops:
            reasons.append("declared a connection with the candidate's PoP")
        if assessor.unavailable:
            reasons.append("unavailable that week")
        if assessor.user_id in register.excluded.get(candidate.pk, set()):
            reasons.append("assessed the candidate when moderators judged the process lacking (MOD-8)")
        # A full week is a reason not to propose, but an RPA administrator may still book with an override (ASR-6).
        full_week = assessor.week_count >= WEEKLY_CAP
        blocking = list(reasons)
        if full_week:
            reasons.append(f"already {assessor.week_count} assessments that week (the limit is {WEEKLY_CAP})")
        same_rpa = assessor.rpa_id == candidate.rpa_id
        notes = [
            "same RPA" if same_rpa else f"from {assessor.rpa.name}, assesses for {candidate.rpa.name}",
            f"{assessor.week_count} of {WEEKLY_CAP} booked that week",
            f"{assessor.recent_count} in the previous {RECENT_WEEKS} weeks",
        ]
        proposals.append(
            Proposal(
                assessor=assessor,
                eligible=not reasons,
                same_rpa=same_rpa,
                week_count=assessor.week_count,
                recent_count=assessor.recent_count,
                reasons=reasons,
                notes=notes,
                blocking=blocking,
            )
        )
    proposals.sort(
        key=lambda p: (
            not p.eligible,
            not p.same_rpa,
            p.week_count,
            p.recent_count,
            p.assessor.user.full_name,
            p.assessor.pk,
        )
    )
    return proposals


def assessor_proposals(*, candidate: Candidate, day: date, pool: QuerySet[Assessor] | None = None) -> list[Proposal]:
    """The assessors for a candidate in the week of `day`, ranked and explained (ASR-1, ASR-5, ASR-6, ASR-8, ASR-9,
    RISK-1): not active, training incomplete, conflict, unavailable and full week are reasons not to propose."""
    pool = pool if pool is not None else assessor_pool(candidate=candidate)
    return proposals_rank(register=register_for_week(pool=pool, monday=week_start(day)), candidate=candidate)


def assessor_week_counts(*, assessor: Assessor, weeks: int = 8, start: date | None = None) -> list[tuple[date, int]]:
    """(Monday, booked assessments) for the assessor's coming weeks, for the calendar with the cap visible."""
    first = week_start(start or timezone.localdate())
    mondays = [first + timedelta(weeks=n) for n in range(weeks)]
    counts = dict(
        Assessment.objects.filter(assessor=assessor, state=AssessmentState.BOOKED, week_start__in=mondays)
        .values_list("week_start")
        .annotate(n=Count("pk"))
        .values_list("week_start", "n")
    )
    return [(monday, counts.get(monday, 0)) for monday in mondays]


def assessments_to_reallocate(*, assessor: Assessor) -> QuerySet[Assessment]:
    """ASR-8: the future bookings of an assessor who can no longer assess (suspended or removed)."""
    return (
        Assessment.objects.filter(assessor=assessor, state=AssessmentState.BOOKED, starts_at__gte=timezone.now())
        .select_related("candidate", "rpa")
        .order_by("starts_at")
    )


def weeks_over_cap(*, assessments: Any = None) -> list[tuple[int, date, int, int]]:
    """(assessor id, Monday, booked, overridden) for every assessor-week above the cap: the invariant of ASR-6 is
    that booked - overridden <= WEEKLY_CAP everywhere, so this lists what needs a recorded override."""
    rows = (
        (assessments if assessments is not None else Assessment.objects.all())
        .filter(state=AssessmentState.BOOKED)
        .values("assessor_id", "week_start")
        .annotate(booked=Count("pk"), overridden=Count("pk", filter=~Q(cap_override_reason="")))
        .filter(booked__gt=WEEKLY_CAP)
        .order_by("assessor_id", "week_start")
    )
    return [(r["assessor_id"], r["week_start"], r["booked"], r["overridden"]) for r in rows]


def training_missing(*, assessor: Assessor) -> list[str]:
    """The ASR-1 topics the assessor has not completed."""
    done = set(TrainingRecord.objects.filter(assessor=assessor).values_list("topic", flat=True))
    return [label for value, label in TrainingTopic.choices if value not in done]


# The register shows the assessments booked over this many coming weeks.
REGISTER_COMING_WEEKS = 4


def assessors_for_register(
    *, assessors: QuerySet[Assessor], status: str = "", senior: bool | None = None, trained: bool | None = None,
    q: str = "",
) -> QuerySet[Assessor]:  # fmt: skip
    """The register as its list shows it, filtered: each assessor with their training topics done (ASR-1), CPD
    hours this calendar year (ASR-3), assessments booked in the coming weeks and the RPAs they will assess for
    (ASR-5), in a fixed number of queries whatever the size of the register."""
    now = timezone.now()
    hours = (
        CPDEntry.objects.filter(assessor=OuterRef("pk"), done_on__year=timezone.localdate().year)
        .order_by()
        .values("assessor")
        .annotate(total=Sum("hours"))
        .values("total")[:1]
    )
    coming = Assessment.objects.filter(
        assessor=OuterRef("pk"),
        state=AssessmentState.BOOKED,
        starts_at__gte=now,
        starts_at__lt=now + timedelta(weeks=REGISTER_COMING_WEEKS),
    )
    rows = (
        assessors.select_related("user", "rpa")
        .prefetch_related("willing_rpas")
        .annotate(
            trained_topics=_count(
                TrainingRecord.objects.filter(assessor=OuterRef("pk"), topic__in=TrainingTopic.values)
            ),
            cpd_hours=Coalesce(Subquery(hours), Value(Decimal(0)), output_field=DecimalField()),
            coming_count=_count(coming),
        )
    )
    if status:
        rows = rows.filter(status=status)
    if senior is not None:
        rows = rows.filter(is_senior=senior)
    if trained is not None:
        complete = Q(trained_topics__gte=len(TrainingTopic.values))
        rows = rows.filter(complete if trained else ~complete)
    if q.strip():
        rows = rows.filter(Q(user__full_name__icontains=q.strip()) | Q(user__email__icontains=q.strip()))
    return rows


def assessor_experience(*, assessor: Assessor) -> dict[str, int]:
    """Experience on the register: assessments held (booked and past) and still to come, across every RPA the
    person assesses for. The overturn rate joins it when moderation decisions exist."""
    now = timezone.now()
    return Assessment.objects.filter(assessor__user_id=assessor.user_id, state=AssessmentState.BOOKED).aggregate(
        held=Count("pk", filter=Q(starts_at__lt=now)), coming=Count("pk", filter=Q(starts_at__gte=now))
    )
